"""What a run tells its caller while it works; the CLI shows it with rich, library users may ignore it.

Kept free of rich and of the stages, so the library reports without importing the CLI and the CLI imports this
without loading the pipeline.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext


class Reporter:
    """Every method is a no-op here: a caller overrides what it wants to show."""

    def starting(self, name: str) -> None:
        """A stage starts (it was not cached)."""

    def stage(self, name: str, cached: bool, seconds: float) -> None:
        """A stage is done, or its files were fresh."""

    def progress(self, done: float, total: float, what: str = "transcribe") -> None:
        """Audio seconds transcribed, or bytes downloaded."""

    def call(self, stage: str, number: int, expected: int | None, prompt: str) -> None:
        """Model call `number` of `stage` starts; `expected` is what the stage took last time (an estimate), or None."""

    def waiting(self, what: str) -> AbstractContextManager:
        """One long wait with no steps to count (the embedded server starting, a model being joined)."""
        return nullcontext()
