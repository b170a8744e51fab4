"""What every `devrel` command shares: the two consoles, one-line errors, and the stage reporter.

pipeline.cli and the command groups in pipeline/commands/ import this module; it imports none of them.
"""

from __future__ import annotations

import functools
import logging
from contextlib import contextmanager
from typing import Iterator

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from pipeline.errors import DevrelError
from pipeline.reporting import Reporter

out_console = Console()  # results: paths, tables, JSON
err_console = Console(stderr=True)  # everything else: stages, bars, warnings, errors
QUIET = {"on": False}  # -q: errors only on stderr (CI logs); set by the `devrel` callback for each invocation
VERBOSE = {"on": False}  # -v: a run's warnings are printed too, not only counted
LOGGERS = {"pipeline": logging.DEBUG, "openai": logging.INFO}  # -v: our decisions; the openai client's retries


def set_verbosity(verbose: bool = False, quiet: bool = False) -> None:
    """-v logs retries, waits and cache decisions through `logging` (rich's handler, on stderr); -q shows errors
    only."""
    QUIET["on"] = quiet
    VERBOSE["on"] = verbose
    handler = RichHandler(console=err_console, show_path=False, show_time=verbose, markup=False, rich_tracebacks=False)
    handler.set_name("devrel")
    for name, verbose_level in LOGGERS.items():
        logger = logging.getLogger(name)
        for old in [h for h in logger.handlers if h.get_name() == "devrel"]:
            logger.removeHandler(old)
        logger.addHandler(handler)
        logger.setLevel(logging.ERROR if quiet else verbose_level if verbose else logging.WARNING)


def say(text: str, **options) -> None:
    """A line on stderr that -q silences (progress, warnings, summaries); errors go through print_error."""
    if not QUIET["on"]:
        err_console.print(text, highlight=False, soft_wrap=True, **options)


def live(console: Console = err_console) -> bool:
    """Bars and spinners are drawn on a terminal only: in a log they would be blank lines (rich's Progress.stop)."""
    return console.is_interactive and not QUIET["on"]


def bar(*columns, **options) -> Progress:
    """A transient rich Progress on stderr, on a terminal only and never under -q."""
    return Progress(*columns, console=err_console, transient=True, disable=not live(), **options)


def print_error(message: object, label: str = "error") -> None:
    """One red line on stderr, -q or not; the message is user text (paths with [brackets]), never markup."""
    err_console.print(f"[red]{escape(label)}:[/red] {escape(str(message))}", highlight=False, soft_wrap=True)


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


class ConsoleReporter(Reporter):
    """Stage lines, a transcription bar in audio seconds, and a spinner per model call ("outline 3/7") or long wait
    with its elapsed time; on stderr so stdout stays clean, and nothing but errors under -q."""

    def __init__(self, console: Console = err_console):
        self.console = console
        self.bar: Progress | None = None
        self.task, self.what = None, None
        self.spinner = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TextColumn("[dim]{task.fields[detail]}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not live(console),
        )
        self.calls = None

    def starting(self, name: str) -> None:
        if not QUIET["on"]:
            self.console.print(f"[dim]…[/dim] {escape(name)}", highlight=False)

    def call(self, stage: str, number: int, expected: int | None, prompt: str) -> None:
        count = f"{number}/{max(expected, number)}" if expected else f"call {number}"
        if self.calls is None:
            self.spinner.start()
            self.calls = self.spinner.add_task(escape(f"{stage} {count}"), detail=escape(prompt))
        else:
            self.spinner.update(self.calls, description=escape(f"{stage} {count}"), detail=escape(prompt))

    @contextmanager
    def waiting(self, what: str) -> Iterator[None]:
        self.spinner.start()
        task = self.spinner.add_task(escape(what), detail="")
        try:
            yield
        finally:
            self.spinner.remove_task(task)
            if self.calls is None:
                self.spinner.stop()

    def progress(self, done: float, total: float, what: str = "transcribe") -> None:
        """A bar in audio seconds while transcribing, in bytes while downloading."""
        if self.bar is not None and self.what != what:
            self.bar.stop()
            self.bar = None
        if self.bar is None:
            unit = "{task.completed:.0f}/{task.total:.0f} s of audio" if what == "transcribe" else "{task.fields[size]}"
            self.bar = Progress(
                TextColumn(f"{what}ing".replace("eing", "ing")),
                BarColumn(),
                TextColumn(unit),
                TimeRemainingColumn(),
                console=self.console,
                transient=True,
                disable=QUIET["on"],
            )
            self.bar.start()
            self.task, self.what = self.bar.add_task(what, total=total or None, size=""), what
        size = f"{done / 2**20:.1f}/{total / 2**20:.1f} MB" if total else f"{done / 2**20:.1f} MB"
        self.bar.update(self.task, completed=done, total=total or None, size=size)

    def close(self) -> None:
        """Stop whatever is still moving (a stage that failed mid-way leaves its spinner running)."""
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
        if self.calls is not None:
            self.spinner.remove_task(self.calls)
            self.calls = None
        self.spinner.stop()

    def stage(self, name: str, cached: bool, seconds: float) -> None:
        self.close()
        if not QUIET["on"]:
            mark = "[dim]· cached[/dim]" if cached else f"[green]✓[/green] {seconds:.1f}s"
            self.console.print(f"{mark} {escape(name)}", highlight=False)
