"""`devrel batch`: the week's sources into outputs/<week>/, with a bar per item, one for the batch, and a summary."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Iterator, Optional

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipeline.config import load_settings
from pipeline.console import QUIET, bar, err_console, friendly, out_console, print_error
from pipeline.reporting import Reporter


class _ItemReporter(Reporter):
    """Moves an item's bar one step per stage, naming the stage it is in, its model call or its wait."""

    def __init__(self, bars: Progress, name: str, stages: int):
        self.bars = bars
        self.task = bars.add_task(name, total=stages, stage="waiting")

    def starting(self, name: str) -> None:
        self.bars.update(self.task, stage=escape(name))

    def stage(self, name: str, cached: bool, seconds: float) -> None:
        self.bars.update(self.task, advance=1, stage=escape(f"{name} {'cached' if cached else 'done'}"))

    def progress(self, done: float, total: float, what: str = "transcribe") -> None:
        if total:
            self.bars.update(self.task, stage=f"{what} {100 * done / total:.0f}%")

    def call(self, stage: str, number: int, expected: int | None, prompt: str) -> None:
        count = f"{number}/{max(expected, number)}" if expected else f"call {number}"
        self.bars.update(self.task, stage=escape(f"{stage} {count}"))

    @contextmanager
    def waiting(self, what: str) -> Iterator[None]:
        self.bars.update(self.task, stage=escape(what))
        yield


def batch(
    sources: Annotated[
        Path, typer.Argument(help="The week's sources file (items, and channels with `since`).", show_default=False)
    ],
    week: Annotated[
        Optional[str], typer.Option(help="ISO week folder, e.g. 2026-W47. [default: the file's, else this week]")
    ] = None,
    workers: Annotated[int, typer.Option(help="Items run at once (threads sharing one model server).")] = 1,
    executor: Annotated[
        str, typer.Option(help="local, or ray (each item a Ray task; RAY_ADDRESS for a cluster).")
    ] = "local",
    out: Annotated[
        Optional[Path], typer.Option(help="Outputs folder; the batch writes OUT/<week>/. [default: outputs]")
    ] = None,
    to: Annotated[str, typer.Option(help="Stop each item after: transcript, outline or drafts.")] = "drafts",
    force: Annotated[bool, typer.Option("--force", help="Rerun every stage of every item.")] = False,
) -> None:
    """Run a week of sources: drafts for every item, a digest.md newsletter and batch.json; exit 1 if any item failed."""  # noqa: E501 - CLI help: typer shows a line break in the command list
    from pipeline.batch.sources import load_sources
    from pipeline.batch.weekly import batch as run_batch
    from pipeline.runner import selected_stages

    stages = len(selected_stages(to))  # a bad --to is refused before any work
    spec = load_sources(sources)
    settings = load_settings({"out": str(out) if out else None})
    progress = bar(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("[dim]{task.fields[stage]}"),
        TimeElapsedColumn(),
    )
    overall = progress.add_task("batch", total=None, stage="")
    with progress:
        result = run_batch(
            spec,
            settings,
            base=sources.parent,
            week=week,
            workers=workers,
            executor=executor,
            to=to,
            force=force,
            on_jobs=lambda jobs: progress.update(overall, total=len(jobs)),
            reporter_for=lambda job: _ItemReporter(progress, escape(job.source[-40:]), stages),
            done=lambda item: progress.update(overall, advance=1, stage=escape(item.status)),
        )
    table = Table(
        "source", "status", "seconds", "tokens in/out", "stages run / cached", title=f"batch {escape(str(result.week))}"
    )
    for item in result.items:
        colour = {"ok": "green", "failed": "red"}.get(item.status, "yellow")
        table.add_row(
            escape(item.slug or item.source),
            f"[{colour}]{escape(item.status)}[/{colour}]",
            f"{item.seconds:.1f}",
            f"{item.tokens_in}/{item.tokens_out}",
            f"{len(item.stages_run)} / {len(item.stages_cached)}",
        )
    if not QUIET["on"]:
        err_console.print(table)
    for item in result.items:
        if item.error:
            print_error(item.error, label=item.status)
    out_console.print(str(result.folder), highlight=False, markup=False, soft_wrap=True)
    if result.failed:
        raise typer.Exit(1)


batch = friendly(batch)
