"""Review: drafts go from `status: draft` to approved or rejected; approved ones join the corpus, so the voice grows.

Approving or rejecting is a person's decision, like an edit: the manifest keeps the hash the pipeline wrote, so a
later run never overwrites a reviewed draft (a regenerated version goes to <name>.new.md beside it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from pipeline.artifacts import write_atomic
from pipeline.config import Settings
from pipeline.corpus.chunks import FOLDERS, FRONT_MATTER, split_front_matter
from pipeline.errors import UserError
from pipeline.format.render import front_matter
from pipeline.kinds import DRAFT_KINDS

DRAFTS = {kind.file: kind.type for kind in DRAFT_KINDS}  # a draft's file name → its front matter and corpus type
STATUS_LINE = re.compile(r"^status:.*$", re.M)


@dataclass
class Draft:
    path: Path
    type: str
    title: str
    status: str


def _fields(path: Path) -> tuple[dict, str]:
    try:
        return split_front_matter(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise UserError(f"{path}: {error}") from None


def drafts(out: Path | str) -> list[Draft]:
    """Every draft under OUT: OUT/<slug>/ and the weekly batches' OUT/<week>/<slug>/."""
    found = []
    for name, kind in DRAFTS.items():
        for path in sorted(Path(out).glob(f"*/{name}")) + sorted(Path(out).glob(f"*/*/{name}")):
            try:
                fields, _ = split_front_matter(path.read_text(encoding="utf-8"))
            except (ValueError, OSError):
                fields = {}
            found.append(
                Draft(path, kind, str(fields.get("title") or path.parent.name), str(fields.get("status") or "draft"))
            )
    return sorted(found, key=lambda draft: (str(draft.path.parent), draft.path.name))


def _draft_path(path: Path | str) -> Path:
    path = Path(path)
    if path.is_dir():
        raise UserError(f"{path} is a folder; name one draft in it: {', '.join(str(path / name) for name in DRAFTS)}")
    if path.name not in DRAFTS:
        raise UserError(f"{path} is not a draft; review works on {', '.join(DRAFTS)} in an outputs folder")
    if not path.is_file():
        raise UserError(f"{path} is missing; run `devrel run` on its source to produce it")
    return path


def set_status(path: Path | str, status: str) -> Path:
    """Rewrite only the `status:` line of the front matter (atomically); the draft now reads as a person's."""
    path = _draft_path(path)
    text = path.read_text(encoding="utf-8")
    match = FRONT_MATTER.match(text)
    if not match:
        raise UserError(f"{path} has no front matter; it does not look like a draft devrel wrote")
    head = match.group(1)
    head = STATUS_LINE.sub(f"status: {status}", head) if STATUS_LINE.search(head) else f"{head}\nstatus: {status}"
    folder = path.parent
    lock = FileLock(str(folder / ".lock"))  # the runner's lock: never change a draft while a run writes it
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise UserError(f"a devrel run is writing {folder}; wait for it to finish") from None
    try:
        write_atomic(path, f"---\n{head}\n---\n" + text[match.end() :])
    finally:
        lock.release()
    return path


def corpus_copy(settings: Settings, path: Path) -> Path:
    """Where an approved draft lives in the corpus: corpus/<type folder>/<slug>.md."""
    return Path(settings.corpus) / FOLDERS[DRAFTS[path.name]] / f"{path.parent.name}.md"


def approve(settings: Settings, path: Path | str):
    """Mark approved, copy into the corpus with its type, and index it, so the next drafts can learn from it."""
    from pipeline.corpus import store

    path = set_status(path, "approved")
    fields, body = _fields(path)
    fields = {"type": DRAFTS[path.name], **{key: value for key, value in fields.items() if key != "type"}}
    fields.setdefault("url", "")
    target = corpus_copy(settings, path)
    write_atomic(target, front_matter(fields) + "\n" + body.lstrip("\n"))
    return target, store.index(settings, target)


def reject(settings: Settings, path: Path | str) -> Path | None:
    """Mark rejected; a copy approved earlier leaves the corpus and the store. Returns the copy removed, if any."""
    from pipeline.corpus import chunks, store

    path = set_status(path, "rejected")
    target = corpus_copy(settings, path)
    if not target.is_file():
        return None
    key = chunks.store_key(target)
    target.unlink()
    store.forget(settings, key)
    return target
