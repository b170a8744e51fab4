"""`devrel review`: list drafts with their status, approve them into the corpus, or reject them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from pipeline.config import load_settings
from pipeline.console import friendly, out_console, say

app = typer.Typer(help="Review drafts: approved ones join the corpus and shape the next drafts.", no_args_is_help=True)

DraftArg = Annotated[
    Path, typer.Argument(help="A draft: OUT/<slug>/blog.md, hooks.md or community.md.", show_default=False)
]


@app.command("list")
@friendly
def list_drafts(
    out: Annotated[Optional[Path], typer.Option(help="Outputs folder to look in. [default: outputs]")] = None,
) -> None:
    """Show every draft under the outputs folder (weekly batches included) and its status."""
    from pipeline.review.decisions import drafts

    folder = out or Path(load_settings().out)
    found = drafts(folder)
    if not found:
        say(f"no drafts under {escape(str(folder))}; run `devrel run` first")
    for draft in found:
        colour = {"approved": "green", "rejected": "red"}.get(draft.status, "yellow")
        out_console.print(
            f"[{colour}]{escape(f'{draft.status:<9}')}[/{colour}] {escape(f'{draft.type:<10}')} "
            f"{escape(str(draft.path))}  [dim]{escape(draft.title)}[/dim]",
            highlight=False,
            soft_wrap=True,
        )


@app.command()
@friendly
def approve(path: DraftArg) -> None:
    """Mark a draft approved, copy it into the corpus with its type, and index it."""
    from pipeline.review.decisions import approve as approve_draft

    target, report = approve_draft(load_settings(), path)
    out_console.print(
        f"approved {path}; copied to {target} and indexed ({report.added} chunk(s) added)",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )


@app.command()
@friendly
def reject(path: DraftArg) -> None:
    """Mark a draft rejected (a copy approved earlier is taken back out of the corpus)."""
    from pipeline.review.decisions import reject as reject_draft

    removed = reject_draft(load_settings(), path)
    out_console.print(
        f"rejected {path}" + (f"; removed {removed} from the corpus" if removed else ""),
        highlight=False,
        markup=False,
        soft_wrap=True,
    )


@app.command()
@friendly
def serve(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 to serve the page on.")] = 8765,
    out: Annotated[Optional[Path], typer.Option(help="Outputs folder to review. [default: outputs]")] = None,
    no_open: Annotated[bool, typer.Option("--no-open", help="Do not open a browser; just print the address.")] = False,
) -> None:
    """Review in the browser: each draft beside its transcript, with check figures, an editor, approve and reject."""
    from pipeline.review.server import serve as serve_page

    settings = load_settings({"out": str(out) if out else None})
    serve_page(
        settings,
        Path(settings.out),
        port=port,
        open_browser=not no_open,
        announce=lambda line: out_console.print(line, highlight=False, markup=False, soft_wrap=True),
    )
