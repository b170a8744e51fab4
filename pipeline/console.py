"""What every `devrel` command shares: the two consoles, one-line errors, and the stage reporter.

pipeline.cli and the command groups in pipeline/commands/ import this module; it imports none of them.
"""

from __future__ import annotations

import functools

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from pipeline.errors import DevrelError

out_console = Console()  # results: paths, tables, JSON
err_console = Console(stderr=True)  # everything else: stages, bars, warnings, errors


def print_error(message: object) -> None:
    """One red line on stderr; the message is user text (paths with [brackets]), never markup."""
    err_console.print(f"[red]error:[/red] {escape(str(message))}", highlight=False, soft_wrap=True)


def friendly(command):
    """User errors become one line on stderr and the contract's exit code; never a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except DevrelError as problem:
            print_error(problem)
            raise typer.Exit(problem.exit_code) from None

    return wrapper


class ConsoleReporter:
    """Stage lines and a transcription bar in audio seconds, on stderr so stdout stays clean."""

    def __init__(self, console: Console):
        self.console = console
        self.bar: Progress | None = None
        self.task, self.what = None, None

    def starting(self, name: str) -> None:
        self.console.print(f"[dim]…[/dim] {escape(name)}", highlight=False)

    def progress(self, done: float, total: float, what: str = "transcribe") -> None:
        """A bar in audio seconds while transcribing, in bytes while downloading."""
        if self.bar is not None and self.what != what:
            self.bar.stop()
            self.bar = None
        if self.bar is None:
            unit = "{task.completed:.0f}/{task.total:.0f} s of audio" if what == "transcribe" else "{task.fields[size]}"
            self.bar = Progress(
                TextColumn(f"{what}ing".replace("eing", "ing")), BarColumn(), TextColumn(unit),
                TimeRemainingColumn(), console=self.console, transient=True,
            )  # fmt: skip
            self.bar.start()
            self.task, self.what = self.bar.add_task(what, total=total or None, size=""), what
        size = f"{done / 2**20:.1f}/{total / 2**20:.1f} MB" if total else f"{done / 2**20:.1f} MB"
        self.bar.update(self.task, completed=done, total=total or None, size=size)

    def stage(self, name: str, cached: bool, seconds: float) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
        mark = "[dim]· cached[/dim]" if cached else f"[green]✓[/green] {seconds:.1f}s"
        self.console.print(f"{mark} {escape(name)}", highlight=False)
