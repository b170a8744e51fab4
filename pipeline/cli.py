"""The `devrel` command: a thin typer client of the library (pipeline.runner, pipeline.doctor)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Column, Table

from pipeline.commands import batch as batch_commands, corpus as corpus_commands, review as review_commands
from pipeline.commands.summary import NEXT_STEP, drafts_table
from pipeline.config import load_settings
from pipeline.console import VERBOSE, ConsoleReporter, friendly, out_console, print_error, say, set_verbosity
from pipeline.errors import UserError

app = typer.Typer(
    help="Turn talks, videos and interviews into grounded drafts in your team's voice, offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log retries, waits and cache decisions (rich logging on stderr).")
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="Errors only on stderr, for CI logs: no stage lines, bars or warnings."),
    ] = False,
) -> None:
    set_verbosity(verbose=verbose, quiet=quiet)


@app.command()
@friendly
def run(
    sources: Annotated[
        list[str],
        typer.Argument(
            help="Recordings (any audio/video), transcripts (.srt, .vtt, .txt, .json), "
            "URLs (video, playlist, channel), yt-dlp .info.json files, or output folders (with --from/--only).",
            show_default=False,
        ),
    ],
    out: Annotated[
        Optional[Path], typer.Option(help="Output folder; each source gets OUT/<slug>/. [default: outputs]")
    ] = None,
    to: Annotated[str, typer.Option(help="Stop after this artifact: transcript, outline or drafts.")] = "drafts",
    start: Annotated[
        Optional[str],
        typer.Option(
            "--from",
            help="Start at this stage (transcribe, outline, blog, hooks, community); "
            "earlier ones are read from disk as they are.",
            show_default=False,
        ),
    ] = None,
    only: Annotated[
        Optional[str],
        typer.Option(
            help="Run only these stages (comma-separated, e.g. blog,hooks); the others are read from disk.",
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        Optional[str], typer.Option(help="Language of transcript and drafts: auto, en or zh. [default: auto]")
    ] = None,
    model: Annotated[
        Optional[str], typer.Option(help="LLM model name (an endpoint's model, or a shipped local model).")
    ] = None,
    prompts: Annotated[
        Optional[Path], typer.Option(help="Folder of prompt overrides: <name>/system.md replaces a built-in.")
    ] = None,
    hotwords: Annotated[
        Optional[str], typer.Option(help="Comma-separated product names that help speech recognition.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Rerun every stage, ignoring the cache.")] = False,
    since: Annotated[
        Optional[str], typer.Option(help="For playlists and channels: entries uploaded since 7d, 2w or 2026-11-01.")
    ] = None,
    max_items: Annotated[
        Optional[int], typer.Option(help="For playlists and channels: at most this many entries.")
    ] = None,
    transcribe: Annotated[
        bool, typer.Option("--transcribe", help="Transcribe the audio even when the site has subtitles.")
    ] = False,
    diarize: Annotated[
        Optional[bool],
        typer.Option(
            "--diarize/--no-diarize",
            help="Label who speaks when in recordings. [default: when more than one voice is heard]",
            show_default=False,
        ),
    ] = None,
    speakers: Annotated[
        Optional[str],
        typer.Option(
            help='How many people speak (2), or their names in order of first speech ("Ada Lovelace, Grace Hopper").',
            show_default=False,
        ),
    ] = None,
    kind: Annotated[
        Optional[str],
        typer.Option(
            help="talk or interview (the host's questions become the outline's). [default: detected]",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run the pipeline: transcript, question-driven outline, then blog, hooks and community drafts."""
    from pipeline import runner
    from pipeline.sources import targets

    runner.selected_stages(to, start, only)  # a bad --to/--from/--only is refused before any work
    words = [word.strip() for word in hotwords.split(",") if word.strip()] if hotwords else None
    settings = load_settings(
        {
            "out": str(out) if out else None,
            "lang": lang,
            "model": model,
            "since": since,
            "max_items": max_items,
            "transcribe": transcribe or None,
            "prompts": str(prompts) if prompts else None,
            "hotwords": words,
            "diarize": None if diarize is None else ("on" if diarize else "off"),
            **_speaker_flags(speakers),
        }
    )
    if kind not in (None, "talk", "interview"):
        raise UserError(f"--kind {kind}: give talk or interview")
    said = {"speakers": settings.speaker_names, "talk_kind": kind}  # what a person knows about the source
    overrides = {key: value for key, value in said.items() if value} or None
    for source in sources:  # refuse bad local input before any work starts
        if not targets.is_web(source):
            targets.local_target(Path(source))
    failed = bad = done = 0
    for source in sources:
        try:
            entries = targets.expand(source, settings)
        except UserError as error:
            bad += 1
            print_error(error)
            continue
        for entry in entries:
            say(f"[bold]{escape(str(entry))}[/bold]")
            reporter = ConsoleReporter()
            try:
                result = runner.run_source(
                    entry, settings, to=to, force=force, reporter=reporter, start=start, only=only, overrides=overrides
                )
            except UserError as error:
                bad += 1
                print_error(error)
                continue
            finally:
                reporter.close()
            if _report(result):
                done += 1
            else:
                failed += 1
    if failed or bad:  # 2 when nothing could even start (bad input only), 1 when something failed on the way
        raise typer.Exit(2 if bad and not (failed or done) else 1)


def _speaker_flags(value: str | None) -> dict:
    """--speakers 2 is a count; --speakers "Ada Lovelace, Grace Hopper" are names, and so a count too."""
    if not value or not value.strip():
        return {}
    if value.strip().isdigit():
        return {"speaker_count": int(value)}
    names = [name.strip() for name in value.split(",") if name.strip()]
    return {"speaker_names": names, "speaker_count": len(names)}


def _report(result) -> bool:
    for name, side in result.edits_kept.items():
        say(
            f"[yellow]kept your edit:[/yellow] {escape(str(result.folder / name))} was edited; "
            f"the new version is {escape(str(side))}"
        )
    for warning in result.warnings if VERBOSE["on"] or result.error else result.notices:
        say(f"[yellow]warning:[/yellow] {escape(str(warning))}")
    if result.error:
        print_error(result.error)
        return False
    summary = (
        f"{len(result.stages_run)} stage(s) ran, {len(result.stages_cached)} cached, {result.llm_calls} LLM call(s)"
    )
    if result.stages_skipped:
        summary += f"; left out: {', '.join(result.stages_skipped)} (files on disk used)"
    say(f"done in {result.seconds:.1f}s: {escape(summary)}")
    if result.checks:
        _print_checks(result.checks, result.folder)
        if table := drafts_table(result.folder, result.checked):
            say(table)
            say(NEXT_STEP)
    if (choices := len(result.warnings) - len(result.notices)) > 0 and not VERBOSE["on"]:
        say(
            f"{choices} note(s) on choices made on the way (a line rebuilt, a model answer asked again): "
            f"`devrel -v run …` prints them; {escape(str(result.folder / 'runs.jsonl'))} keeps them"
        )
    out_console.print(str(result.folder), highlight=False, markup=False, soft_wrap=True)
    return True


def _print_checks(figures: dict, folder: Path) -> None:
    from pipeline.check.drafts import summary

    if figures["failures"]:
        line = (
            f"[yellow]check:[/yellow] {escape(summary(figures))}; run `devrel check {escape(str(folder))}` "
            "for details (drafts are kept for review; exit code unaffected)"
        )
    else:
        line = f"[green]check:[/green] {escape(summary(figures))}"
    say(line)


@app.command()
@friendly
def check(
    path: Annotated[
        Path,
        typer.Argument(
            help="A draft, an output folder, or a folder of output folders (a batch week).", show_default=False
        ),
    ],
    prompts: Annotated[
        Optional[Path],
        typer.Option(help="Folder of prompt overrides: check/telltale.<lang>.txt replaces a phrase list."),
    ] = None,
    corpus: Annotated[
        Optional[Path], typer.Option(help="Corpus folder whose links and handles count as known. [default: corpus]")
    ] = None,
) -> None:
    """Check drafts: front matter, quotes against the transcript, platform limits, telltale phrases, unknown links."""
    from pipeline.check.drafts import check_report, summary

    settings = load_settings({"prompts": str(prompts) if prompts else None, "corpus": str(corpus) if corpus else None})
    report = check_report(path, settings.prompts, Path(settings.corpus))
    table = Table(Column("draft", overflow="fold"), "front matter", "quotes", "limits", "phrases", "links")
    names = {file.path: str(file.path.relative_to(path) if path.is_dir() else file.path) for file in report.files}
    for file in report.files:
        marks = [
            "[red]✗[/red]" if file.problems.get(name) else "[green]✓[/green]"
            for name in ("front matter", "limits", "phrases", "links")
        ]
        quotes = f"{file.quotes_verified}/{file.quotes_total}"
        quotes = f"[red]{quotes}[/red]" if file.problems.get("quotes") else quotes
        table.add_row(escape(names[file.path]), marks[0], quotes, *marks[1:])
    out_console.print(table)
    for file in report.files:
        for category, messages in file.problems.items():
            for message in messages:
                out_console.print(
                    f"[red]✗[/red] {escape(names[file.path])}: {category}: {escape(str(message))}",
                    highlight=False,
                    soft_wrap=True,
                )
    out_console.print(summary(report.figures()), highlight=False, markup=False)
    if report.failures:
        raise typer.Exit(1)


@app.command()
@friendly
def clip(
    out: Annotated[Path, typer.Argument(help="A source's output folder (with clips.json).", show_default=False)],
    n: Annotated[
        Optional[int], typer.Option("--n", help="Cut the N best clips. [default: 3]", show_default=False)
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="Cut every clip in clips.json.")] = False,
    vertical: Annotated[bool, typer.Option("--vertical", help="9:16 for short-video apps (a centre crop).")] = False,
    captions: Annotated[str, typer.Option(help="burn (into the picture), srt (a subtitle track) or none.")] = "burn",
    media: Annotated[
        Optional[Path], typer.Option(help="The recording, when source.json names none (a transcript source).")
    ] = None,
) -> None:
    """Cut the run's chosen clips from the recording with ffmpeg into OUT/clips/ (an audiogram for audio)."""
    from pipeline.commands.clip import cut

    made = cut(out, count=n, every=every, vertical=vertical, captions=captions, media=media)
    say(f"{len(made)} clip(s) cut, each with its captions (.srt) beside it")
    for path in made:
        out_console.print(str(path), highlight=False, markup=False, soft_wrap=True)


@app.command()
@friendly
def doctor() -> None:
    """Say which LLM backend, whisper model, speaker model and store are in use, and whether each is ready."""
    from pipeline.doctor import checks

    ready = True
    for name, detail, ok in checks(load_settings()):
        ready &= ok
        mark = "[green]ready[/green]" if ok else "[red]not ready[/red]"
        out_console.print(f"{name:<8} {mark}  {escape(str(detail))}", highlight=False, soft_wrap=True)
    if not ready:
        raise typer.Exit(1)


app.add_typer(corpus_commands.app, name="corpus")
app.add_typer(review_commands.app, name="review")
app.command("batch")(batch_commands.batch)


if __name__ == "__main__":
    app()
