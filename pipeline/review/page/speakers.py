"""The draft page's Speakers panel: each voice of the transcript with the name the drafts print (or a suggestion
from a self-introduction, confirmed only by pressing Rename), and what the last rename made again.

Every string is escaped: names, labels and transcript words are untrusted input.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from urllib.parse import quote

from pipeline.artifacts import Source, Transcript
from pipeline.review.speakers import MAX_NAME, voices
from pipeline.sources.speakers import names, suggested_names


def panel(rel: str, token: str, source: Source | None, transcript: Transcript | None) -> str:
    """One small form per voice (POST /speakers/<draft> with the page's token); none for a one-voice talk."""
    if source is None or transcript is None or not (order := voices(transcript)):
        return ""
    shown, suggested = names(source, transcript), suggested_names(transcript)
    rows = []
    for label in order:
        name, hint = shown.get(label, ""), "" if shown.get(label) else suggested.get(label, "")
        first = next(segment.text for segment in transcript.segments if segment.speaker == label)
        first = first if len(first) <= 70 else first[:69].rstrip() + "…"
        note = (
            f'<span class="note suggestion">introduces themselves as {escape(hint)}: press Rename to confirm</span>'
            if hint
            else ""
        )
        rows.append(
            f'<li><form method="post" action="/speakers/{escape(quote(rel))}" class="rename">'
            f'<input type="hidden" name="token" value="{escape(token)}">'
            f'<input type="hidden" name="label" value="{escape(label)}">'
            f'<label><span class="voice">{escape(label)}</span> '
            f'<input type="text" name="name" value="{escape(name or hint)}" '
            f'maxlength="{MAX_NAME}" placeholder="unnamed" aria-label="name for {escape(label)}"></label> '
            f'<button type="submit" class="rename">Rename</button> {note}'
            f'<span class="note first">first says: “{escape(first)}”</span></form></li>'
        )
    return (
        '<details class="speakers" id="speakers" open><summary>Speakers</summary>'
        f'<ul>{"".join(rows)}</ul><p class="note">A rename goes to source.json and makes the drafts again from '
        "the outline (no new transcription; an edited draft is kept, its new version beside it). Empty clears "
        "the name.</p></details>"
    )


def outcome(folder: Path) -> tuple[str, bool]:
    """What the rename's run did, from the folder's runs.jsonl: the flash line and whether it is an error."""
    from pipeline.runner import RUNS_LOG  # the stages' imports, only once a rename has run

    try:
        last = json.loads((folder / RUNS_LOG).read_text(encoding="utf-8").splitlines()[-1])
    except (OSError, ValueError, IndexError):
        return "Renamed.", False
    if last.get("status") == "failed":
        return (
            f"Renamed in source.json, but making the drafts again failed: {last.get('error')}. "
            f"Run `devrel run {folder} --from blog` to try again.",
            True,
        )
    made = last.get("stages_run") or []
    if not made:
        return "Renamed. The drafts already carried these names: nothing was made again.", False
    kept = "".join(
        f" Your edited {name} is kept; the new version is {side}."
        for name, side in (last.get("edits_kept") or {}).items()
    )
    return f"Renamed. Made again from the outline, with no new transcription: {', '.join(made)}.{kept}", False
