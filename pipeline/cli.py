"""The `devrel` command: a thin typer client of the library (pipeline.runner, pipeline.doctor)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from pipeline.config import load_settings
from pipeline.errors import DevrelError, UserError

app = typer.Typer(
    help="Turn talks, videos and interviews into grounded drafts in your team's voice, offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out_console = Console()
err_console = Console(stderr=True)


def friendly(command):
    """User errors become one line on stderr and the contract's exit code; never a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except DevrelError as error:
            err_console.print(f"[red]error:[/red] {error}", highlight=False, soft_wrap=True)
            raise typer.Exit(error.exit_code) from None

    return wrapper


class ConsoleReporter:
    """Stage lines and a transcription bar in audio seconds, on stderr so stdout stays clean."""

    def __init__(self, console: Console):
        self.console = console
        self.bar: Progress | None = None
        self.task = None

    def starting(self, name: str) -> None:
        self.console.print(f"[dim]…[/dim] {name}", highlight=False)

    def progress(self, done: float, total: float) -> None:
        if self.bar is None:
            self.bar = Progress(
                TextColumn("transcribing"), BarColumn(), TextColumn("{task.completed:.0f}/{task.total:.0f} s of audio"),
                TimeRemainingColumn(), console=self.console, transient=True,
            )  # fmt: skip
            self.bar.start()
            self.task = self.bar.add_task("transcribe", total=total)
        self.bar.update(self.task, completed=done)

    def stage(self, name: str, cached: bool, seconds: float) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
        mark = "[dim]· cached[/dim]" if cached else f"[green]✓[/green] {seconds:.1f}s"
        self.console.print(f"{mark} {name}", highlight=False)


@app.command()
@friendly
def run(
    sources: Annotated[list[Path], typer.Argument(help="Recordings (any audio/video) or transcripts (.srt, .vtt, .txt, .json).", show_default=False)],
    out: Annotated[Optional[Path], typer.Option(help="Output folder; each source gets OUT/<slug>/. [default: outputs]")] = None,
    to: Annotated[str, typer.Option(help="Stop after this artifact: transcript, outline or drafts.")] = "drafts",
    lang: Annotated[Optional[str], typer.Option(help="Language of transcript and drafts: auto, en or zh. [default: auto]")] = None,
    model: Annotated[Optional[str], typer.Option(help="LLM model name (an endpoint's model, or a shipped local model).")] = None,
    prompts: Annotated[Optional[Path], typer.Option(help="Folder of prompt overrides: <name>/system.md replaces a built-in.")] = None,
    hotwords: Annotated[Optional[str], typer.Option(help="Comma-separated product names that help speech recognition.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Rerun every stage, ignoring the cache.")] = False,
) -> None:
    """Run the pipeline: transcript, question-driven outline, then blog, hooks and community drafts."""
    from pipeline import runner
    from pipeline.stages.ingest import check_path

    if to not in runner.TARGETS:
        raise UserError(f"--to {to!r} is not a stage target; use one of: {', '.join(runner.TARGETS)}")
    words = [word.strip() for word in hotwords.split(",") if word.strip()] if hotwords else None
    settings = load_settings({"out": str(out) if out else None, "lang": lang, "model": model,
                              "prompts": str(prompts) if prompts else None, "hotwords": words})  # fmt: skip
    paths = [check_path(path) for path in sources]  # refuse bad input before any work starts
    failed = False
    for path in paths:
        err_console.print(f"[bold]{path}[/bold] → {Path(settings.out) / runner.ingest.slug_for(path.stem)}", highlight=False)
        result = runner.run_source(path, settings, to=to, force=force, reporter=ConsoleReporter(err_console))
        for name, side in result.edits_kept.items():
            err_console.print(f"[yellow]kept your edit:[/yellow] {result.folder / name} was edited; the new version is {side}", highlight=False)
        for warning in result.warnings:
            err_console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
        if result.error:
            failed = True
            err_console.print(f"[red]error:[/red] {result.error}", highlight=False, soft_wrap=True)
            continue
        summary = f"{len(result.stages_run)} stage(s) ran, {len(result.stages_cached)} cached, {result.llm_calls} LLM call(s)"
        err_console.print(f"done in {result.seconds:.1f}s: {summary}", highlight=False)
        out_console.print(str(result.folder), highlight=False)
    if failed:
        raise typer.Exit(1)


@app.command()
@friendly
def doctor() -> None:
    """Say which LLM backend, whisper model and store are in use, and whether each is ready."""
    from pipeline.doctor import checks

    ready = True
    for name, detail, ok in checks(load_settings()):
        ready &= ok
        mark = "[green]ready[/green]" if ok else "[red]not ready[/red]"
        out_console.print(f"{name:<8} {mark}  {detail}", highlight=False, soft_wrap=True)
    if not ready:
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
