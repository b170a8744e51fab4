"""`devrel corpus`: index past content into the vector store, search it, and rebuild it when it breaks."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn

from pipeline.config import load_settings
from pipeline.console import bar, friendly, out_console, say
from pipeline.errors import UserError

app = typer.Typer(help="Past posts, hooks, community posts and questions that shape every draft.", no_args_is_help=True)

PathArg = Annotated[
    Optional[Path], typer.Argument(help="Corpus folder or one markdown file. [default: corpus]", show_default=False)
]


def _indexing(what: str, make):
    """Run an index or rebuild with a bar over its embedding batches (chunks embedded / chunks new)."""
    with bar(TextColumn(what), BarColumn(), MofNCompleteColumn(), TextColumn("chunks"), TimeElapsedColumn()) as chunks:
        task = chunks.add_task(what, total=None)
        return make(lambda done, total: chunks.update(task, completed=done, total=total))


def _report(report) -> None:
    for skipped in report.skipped:
        say(f"[yellow]skipped:[/yellow] {escape(skipped)}")
    out_console.print(
        f"{report.files} file(s): {report.added} chunk(s) added, {report.removed} removed, "
        f"{report.unchanged} unchanged; "
        f"{report.embedded} embedded",
        highlight=False,
    )


@app.command()
@friendly
def index(path: PathArg = None) -> None:
    """Index the corpus incrementally: only new or changed chunks are embedded, deleted files' chunks are dropped."""
    from pipeline.corpus import store

    _report(_indexing("embedding", lambda progress: store.index(load_settings(), path, progress)))


@app.command()
@friendly
def search(
    query: Annotated[str, typer.Argument(help="What to look for, in any language.", show_default=False)],
    type: Annotated[
        Optional[str],
        typer.Option("--type", "-t", help="Only this type: blog, hook, community, question or transcript."),
    ] = None,
    k: Annotated[int, typer.Option("-k", help="How many chunks to show.", min=1, max=100)] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the hits as a JSON list.")] = False,
) -> None:
    """Find the past content nearest in meaning to QUERY (a Chinese query finds English posts, and the reverse)."""
    from pipeline.corpus import store

    settings = load_settings()
    if not store.exists(settings):
        raise UserError(f"the store at {settings.store} is empty; run `devrel corpus index` first")
    hits = store.search(settings, query, type, k)
    if as_json:
        typer.echo(json.dumps([asdict(hit) for hit in hits], ensure_ascii=False, indent=2))
        return
    for hit in hits:
        out_console.print(
            f"[bold]{hit.score:.2f}[/bold] {escape(f'{hit.type:<10} {hit.language:<3}')} {escape(hit.title)}  "
            f"[dim]{escape(hit.file)}[/dim]",
            highlight=False,
            soft_wrap=True,
        )
        snippet = " ".join(hit.text.split())
        out_console.print(f"     {snippet[:160]}{'…' if len(snippet) > 160 else ''}", highlight=False, markup=False)


@app.command()
@friendly
def stats(as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False) -> None:
    """Say where the store is and what it holds: chunks and files, by type and language."""
    from pipeline.corpus import store

    figures = store.stats(load_settings())
    if as_json:
        typer.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    out_console.print(f"store    {figures['store']}", highlight=False, markup=False, soft_wrap=True)
    out_console.print(f"files    {figures['files']} ({figures['chunks']} chunks)", highlight=False)
    for label in ("types", "languages"):
        counts = ", ".join(f"{name} {count}" for name, count in sorted(figures[label].items())) or "-"
        out_console.print(f"{label:<8} {counts}", highlight=False, markup=False, soft_wrap=True)


@app.command()
@friendly
def rebuild(path: PathArg = None) -> None:
    """Delete the store and index the corpus again (the fix when the store no longer opens)."""
    from pipeline.corpus import store

    _report(_indexing("rebuilding", lambda progress: store.rebuild(load_settings(), path, progress)))
