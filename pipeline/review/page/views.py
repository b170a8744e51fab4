"""The review page's two views, as HTML strings: every source with its drafts, and one draft beside its transcript.

Everything shown comes from the files on disk (the same library calls `devrel review` and `devrel check` make), and
every string from those files is escaped: drafts and transcripts are untrusted input.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path
from string import Template
from urllib.parse import quote

from pipeline import cache
from pipeline.artifacts import Source, Transcript
from pipeline.check.drafts import check_report
from pipeline.check.parsed import FileReport
from pipeline.config import Settings
from pipeline.format.frontmatter import split_front_matter
from pipeline.format.limits import DISCORD, X_LINK, X_POST
from pipeline.format.text import timestamp
from pipeline.review.decisions import DRAFTS, Draft, corpus_copy, drafts
from pipeline.review.page import speakers
from pipeline.review.page.markdown import draft_html

HERE = Path(__file__).parent
PAGE = Template((HERE / "page.html").read_text(encoding="utf-8"))
VIDEO = {".mp4", ".m4v", ".webm", ".mkv", ".mov", ".ogv"}
MEDIA_URL = VIDEO | {".mp3", ".m4a", ".ogg", ".oga", ".opus", ".wav", ".flac", ".aac"}
DONE = {
    "saved": "Saved. Your edit is kept: a rerun writes its version beside it as {new}.",
    "approved": "Approved: copied to {copy} and indexed.",
    "rejected": "Rejected.",
}


@dataclass
class Row:
    """One draft on the list: its review status, whether a person changed it, and what `devrel check` says."""

    draft: Draft
    rel: str
    edited: bool
    report: FileReport | None
    waiting: bool  # a regenerated <name>.new.md waits beside the edited draft


def page(title: str, main: str, out: Path) -> str:
    return PAGE.substitute(title=escape(title), out=escape(str(out)), main=main)


def link(kind: str, rel: str) -> str:
    return f"/{kind}/{quote(rel)}"


def load_json(path: Path, model):
    try:
        return model.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def rows(settings: Settings, out: Path) -> dict[Path, list[Row]]:
    """Drafts grouped by source folder (OUT/<slug>/ and OUT/<week>/<slug>/), each checked against its transcript."""
    grouped: dict[Path, list[Row]] = {}
    reports: dict[Path, dict[Path, FileReport]] = {}
    for draft in drafts(out):
        if not draft.path.resolve().is_relative_to(out.resolve()):
            continue  # a symlink out of the outputs folder: not ours to show
        folder = draft.path.parent
        if folder not in reports:
            found = check_report(folder, settings.prompts, Path(settings.corpus)).files
            reports[folder] = {report.path: report for report in found}
        manifest = cache.load_manifest(folder)
        grouped.setdefault(folder, []).append(
            Row(
                draft=draft,
                rel=draft.path.relative_to(out).as_posix(),
                edited=cache.edited(folder, manifest, draft.path.name),
                report=reports[folder].get(draft.path),
                waiting=(folder / cache.new_name(draft.path.name)).exists(),
            )
        )
    return grouped


def badges(status: str, edited: bool) -> str:
    shown = f'<span class="badge {escape(status)}">{escape(status)}</span>'
    return shown + (
        ' <span class="badge edited" title="changed by a person since the pipeline wrote it">edited</span>'
        if edited
        else ""
    )


def figures(report: FileReport | None) -> str:
    if report is None:
        return '<span class="figure">not checked</span>'
    quotes = f"quotes {report.quotes_verified}/{report.quotes_total} verified"
    quotes_class = "bad" if report.problems.get("quotes") else "good"
    limits = report.problems.get("limits")
    limit_text, limit_class = (f"{len(limits)} over the limit", "bad") if limits else ("limits ok", "good")
    others = sum(
        len(messages) for category, messages in report.problems.items() if category not in ("quotes", "limits")
    )
    extra = f' <span class="figure bad">{others} other problem(s)</span>' if others else ""
    return (
        f'<span class="figure {quotes_class}">{quotes}</span> '
        f'<span class="figure {limit_class}">{limit_text}</span>{extra}'
    )


def list_page(settings: Settings, out: Path) -> str:
    grouped = rows(settings, out)
    if not grouped:
        return page(
            "drafts",
            f'<p class="empty">No drafts under {escape(str(out))} yet: run <code>devrel run</code> first.</p>',
            out,
        )
    parts = ["<h1>Drafts</h1>"]
    for folder, found in grouped.items():
        source = load_json(folder / "source.json", Source)
        name = folder.relative_to(out).as_posix()
        title = source.title if source else folder.name
        parts.append(
            f'<section class="source"><h2>{escape(title)} <span class="path">{escape(name)}/</span></h2>'
            '<ul class="drafts">'
        )
        for row in found:
            waiting = (
                f' <span class="note">new version waiting: {escape(cache.new_name(row.draft.path.name))}</span>'
                if row.waiting
                else ""
            )
            parts.append(
                f'<li class="row" data-draft="{escape(row.rel)}">'
                f'<a href="{escape(link("draft", row.rel))}">{escape(row.draft.path.name)}</a> '
                f'<span class="title">{escape(row.draft.title)}</span> '
                f"{badges(row.draft.status, row.edited)} {figures(row.report)}{waiting}</li>"
            )
        parts.append("</ul></section>")
    return page("drafts", "\n".join(parts), out)


def player(source: Source | None, folder_rel: str) -> str:
    """An <audio>/<video> for the source's own media file (served by us) or a direct media URL; none otherwise."""
    if source is None:
        return ""
    if source.kind == "media" and source.path and Path(source.path).is_file():
        src, suffix = link("media", folder_rel), Path(source.path).suffix.lower()
    elif source.url and Path(source.url.split("?")[0].split("#")[0]).suffix.lower() in MEDIA_URL:
        src, suffix = source.url.split("#")[0], Path(source.url.split("?")[0].split("#")[0]).suffix.lower()
    else:
        return ""
    tag = "video" if suffix in VIDEO else "audio"
    return f'<{tag} id="player" controls preload="metadata" src="{escape(src)}"></{tag}>'


def transcript_list(transcript: Transcript | None) -> str:
    if transcript is None:
        return '<p class="empty">No transcript.json in this folder.</p>'
    items = []
    for segment in transcript.segments:
        at = f' data-t="{segment.start:g}"' if segment.start is not None else ""
        stamp = f'<span class="time">{escape(timestamp(segment.start))}</span> ' if segment.start is not None else ""
        items.append(
            f'<li id="seg-{segment.id}" class="segment ts" data-seg="{segment.id}"{at}>'
            f"{stamp}{escape(segment.text)}</li>"
        )
    return f'<ol class="segments" id="segments">{"".join(items)}</ol>'


def problems(report: FileReport | None) -> str:
    if report is None or not report.problems:
        return ""
    items = "".join(
        f"<li><b>{escape(category)}</b>: {escape(message)}</li>"
        for category, messages in report.problems.items()
        for message in messages
    )
    return f'<ul class="problems">{items}</ul>'


def action(kind: str, rel: str, token: str, label: str) -> str:
    return (
        f'<form method="post" action="{escape(link(kind, rel))}" class="action">'
        f'<input type="hidden" name="token" value="{escape(token)}">'
        f'<button type="submit" class="{kind}">{label}</button></form>'
    )


def front_fields(meta: dict | None) -> str:
    shown = {key: value for key, value in (meta or {}).items() if value not in (None, "", [], {})}
    rows_html = "".join(
        f"<dt>{escape(str(key))}</dt>"
        f"<dd>{escape(', '.join(map(str, value)) if isinstance(value, list) else str(value))}</dd>"
        for key, value in shown.items()
    )
    return f'<dl class="front">{rows_html}</dl>'


def draft_page(
    settings: Settings, out: Path, path: Path, token: str, done: str = "", error: str = "", unsaved: str | None = None
) -> str:
    """The rendered draft with its check figures, the editor with live character counts, and the transcript.

    `unsaved` is an edit that could not be saved (a run held the folder): it stays in the editor, never lost.
    """
    folder, rel = path.parent, path.relative_to(out).as_posix()
    text = path.read_text(encoding="utf-8", errors="replace")
    meta, body, _ = split_front_matter(text)
    report = next(iter(check_report(path, settings.prompts, Path(settings.corpus)).files), None)
    transcript = load_json(folder / "transcript.json", Transcript)
    source = load_json(folder / "source.json", Source)
    status = str((meta or {}).get("status") or "draft")
    edited = cache.edited(folder, cache.load_manifest(folder), path.name)
    kind = report.kind if report else DRAFTS[path.name]
    flash = ""
    if done in DONE:
        flash = (
            '<p class="flash">'
            f"{escape(DONE[done].format(new=cache.new_name(path.name), copy=corpus_copy(settings, path)))}</p>"
        )
    if done == "renamed":
        said, failed = speakers.outcome(folder)
        flash = f'<p class="flash{" error" if failed else ""}">{escape(said)}</p>'
    if error:
        flash = f'<p class="flash error">{escape(error)}</p>'
    main = f"""
<section class="head">
  <p class="crumbs"><a href="/">all drafts</a> · <span class="path">{escape(rel)}</span></p>
  <h1>{escape(str((meta or {}).get("title") or path.name))}</h1>
  <p id="status">{badges(status, edited)} <span id="figures">{figures(report)}</span></p>
  {flash}{problems(report)}
  <div class="actions">{action("approve", rel, token, "Approve")}{action("reject", rel, token, "Reject")}</div>
</section>
<div class="columns">
  <article class="paper">
    {front_fields(meta)}
    <div class="rendered" id="rendered">{draft_html(body, kind, transcript)}</div>
    <details id="editor"{" open" if unsaved is not None else ""}><summary>Edit markdown</summary>
      <form method="post" action="{escape(link("save", rel))}">
        <input type="hidden" name="token" value="{escape(token)}">
        <textarea name="text" id="text" spellcheck="true" data-kind="{escape(kind)}" data-x-post="{X_POST}" data-x-link="{X_LINK}" data-discord="{DISCORD}">
{escape(text if unsaved is None else unsaved)}</textarea>
        <ul id="counts" class="counts"></ul>
        <button type="submit" class="save">Save</button>
      </form>
    </details>
  </article>
  <aside class="transcript" id="transcript">
    {player(source, folder.relative_to(out).as_posix())}
    {speakers.panel(rel, token, source, transcript)}
    {transcript_list(transcript)}
  </aside>
</div>"""  # noqa: E501 - the page template, its markup as served
    return page(str((meta or {}).get("title") or path.name), main, out)
