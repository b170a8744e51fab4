"""Typer sub-apps for command groups (`devrel corpus ...`, `devrel review ...`, `devrel batch`), registered in
pipeline.cli.

They share pipeline.console's `friendly` decorator and consoles with pipeline.cli, and import nothing from it.
"""
