"""Typer sub-apps for command groups (`devrel corpus ...`, `devrel review ...`), registered in pipeline.cli.

They reuse pipeline.cli's `friendly` decorator and consoles, and pipeline.cli registers them at its end; importing
pipeline.cli first keeps that order whichever module a caller imports first.
"""

import pipeline.cli  # noqa: F401
