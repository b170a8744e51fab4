"""What a run made, said at its end: each draft with its items and its check result, and what to open next.

A newcomer reads this table, not the warnings: those go to `runs.jsonl` (and to the screen with `-v`).
"""

from __future__ import annotations

import re
from pathlib import Path

from rich.table import Table

from pipeline.check.parsed import FileReport
from pipeline.format.frontmatter import split_front_matter
from pipeline.kinds import DRAFT_KINDS

NEXT_STEP = "open next: `make review` (or `devrel review serve`) to read, edit and approve the drafts"


def _under(text: str, heading: str) -> str:
    """The lines under a `## heading`, up to the next `## `."""
    match = re.search(rf"^## {re.escape(heading)}[^\n]*\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    return match.group(1) if match else ""


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def items_in(path: Path, stage: str) -> str:
    """The draft's pieces as a reader counts them: "4 sections, 812 words"; "5 titles, 3 X posts, …"."""
    body = split_front_matter(path.read_text(encoding="utf-8"))[1]
    numbered = lambda part: len(re.findall(r"^\d+\. ", part, flags=re.M))  # noqa: E731
    if stage == "blog":
        sections = len(re.findall(r"^### ", body, flags=re.M))
        words = len(re.sub(r"[#*▶>\[\]()]", " ", body).split())
        return f"{_count(sections, 'section', 'sections')}, {words} words"
    if stage == "hooks":
        parts = [
            _count(numbered(_under(body, "Titles")), "title", "titles"),
            _count(len(re.findall(r"^### X post", body, flags=re.M)), "X post", "X posts"),
            "a LinkedIn post" if re.search(r"^## LinkedIn", body, flags=re.M) else "",
            _count(numbered(_under(body, "Short-video hooks")), "video hook", "video hooks"),
        ]
        return ", ".join(part for part in parts if part)
    if stage == "video":
        chapters = len(re.findall(r"^\d{1,2}:\d{2}(?::\d{2})? ", _under(body, "Chapters"), flags=re.M))
        clips = numbered(_under(body, "Clips"))
        return f"{_count(chapters, 'chapter', 'chapters')}, {_count(clips, 'clip', 'clips')}, a description"
    found = [name for name in ("Discord", "Forum", "Newsletter") if re.search(rf"^## {name}", body, flags=re.M)]
    return ", ".join(name.lower() if n else name for n, name in enumerate(found)) + (" posts" if found else "")


def drafts_table(folder: Path, reports: list[FileReport]) -> Table | None:
    """One row per draft the folder holds: its items and what `devrel check` found in it."""
    checked = {report.path.name: report for report in reports}
    table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
    for column in ("draft", "what it holds", "check"):
        table.add_column(column)
    rows = 0
    for kind in DRAFT_KINDS:
        path = folder / kind.file
        if not path.exists():
            continue
        report = checked.get(kind.file)
        problems = sum(len(found) for found in report.problems.values()) if report else 0
        verdict = (
            "[green]ok[/green]"
            if report and not problems
            else f"[yellow]{_count(problems, 'problem', 'problems')}[/yellow]"
        )
        table.add_row(kind.file, items_in(path, kind.stage), verdict if report else "not checked")
        rows += 1
    return table if rows else None
