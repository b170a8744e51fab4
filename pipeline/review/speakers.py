"""A person names a transcript's voices on the review page: the names go to source.json, then the drafts are made
again from the outline as it is.

Names never live in transcript.json (pipeline.sources.speakers), so a rename transcribes nothing and asks for no new
outline: only the draft stages run, and a draft a person edited is kept (its new version goes beside it).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from filelock import FileLock, Timeout

from pipeline.artifacts import Source, Transcript, load, write_atomic
from pipeline.config import Settings
from pipeline.errors import UserError
from pipeline.sources.speakers import labels_in_order, names
from pipeline.sources.turns import ROLE_LABEL

MAX_NAME = 80
MARKUP = re.compile(r"[<>\[\]{}*_`#|\\~]")  # HTML, markdown emphasis, links, headings, tables


class BadName(UserError):
    """A name or voice the page cannot take; the page answers 400 with this one line."""


def clean_name(text: str) -> str:
    """A name as a draft prints it: one line of plain text, at most 80 characters; "" clears the name."""
    if "\n" in text or "\r" in text:
        raise BadName("a name is one line")
    name = " ".join(text.split())
    if len(name) > MAX_NAME:
        raise BadName(f"a name is at most {MAX_NAME} characters, not {len(name)}")
    if MARKUP.search(name) or any(unicodedata.category(char).startswith("C") for char in name):
        raise BadName("a name is plain text: no markup (< > [ ] { } * _ ` # | \\ ~) or control characters")
    return name


def voices(transcript: Transcript) -> list[str]:
    """The labels a person may name, by order of first speech (not the room: AUDIENCE MEMBER and the like)."""
    return [label for label in labels_in_order(transcript.segments) if not ROLE_LABEL.match(label)]


def renamed(source: Source, transcript: Transcript, label: str, name: str) -> Source:
    """source.json with one voice named (or its name cleared with ""), the other voices as the drafts print them
    now, so renaming one never renames another (a `--speakers` list becomes a label → name mapping)."""
    given = {
        voice: shown for voice, shown in names(source, transcript).items() if shown != voice
    }  # a transcript's own name needs no entry
    if name:
        given[label] = name
    else:
        given.pop(label, None)
    order = voices(transcript)
    given = dict(sorted(given.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order)))
    return source.model_copy(update={"speaker_names": given, "speakers": list(dict.fromkeys(given.values()))})


def rename(settings: Settings, folder: Path, label: str, name: str):
    """Name voice `label` of the source in `folder` (or clear it), then run the draft stages; returns the RunResult.

    A bad name or an unknown voice raises BadName before anything is written; a run writing the folder is a
    UserError. A stage that fails is the result's `error`, also in runs.jsonl, which the page reads.
    """
    from pipeline import runner

    name = clean_name(name)
    transcript = load(folder / "transcript.json", Transcript, f"devrel run {folder} --to transcript")
    if label not in voices(transcript):
        raise BadName(f"{' '.join(label.split())[:40]!r} is not a voice of this transcript")
    if not (folder / "outline.json").is_file():
        raise UserError(f"{folder / 'outline.json'} is missing; run `devrel run {folder}` to make the drafts first")
    lock = FileLock(str(folder / ".lock"))  # the runner's lock: never write while a run writes this folder
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise UserError(f"a devrel run is writing {folder}; wait for it to finish, then rename again") from None
    try:
        source = load(folder / "source.json", Source, f"devrel run {folder}")
        write_atomic(folder / "source.json", renamed(source, transcript, label, name).to_json())
    finally:
        lock.release()
    return runner.run_source(folder, settings, start="blog")
