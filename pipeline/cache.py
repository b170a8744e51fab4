"""The manifest: per artifact, the cache key it was made under and the hash of what was written.

Cache key = stage name + the hash of the code it runs (its module and every project module that module imports, at
any depth) + input artifact hashes + prompt hashes + model and options. A stage whose key matches and whose files
exist is skipped; a change to its code reruns it, with no version number to keep by hand. A file whose hash differs
from the one recorded was edited by a person: it is never overwritten; a regenerated version goes beside it as
<name>.new<suffix>.
"""

from __future__ import annotations

import ast
import hashlib
import json
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from pydantic import Field

from pipeline.artifacts import Artifact, sha256_file, write_atomic

MANIFEST = "manifest.json"


class ArtifactRecord(Artifact):
    stage: str
    cache_key: str
    sha256: str
    model: str | None = None
    prompt_sha256: dict[str, str] = Field(default_factory=dict)
    seconds: float = 0.0
    llm_calls: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    written_at: str


class Manifest(Artifact):
    artifacts: dict[str, ArtifactRecord] = Field(default_factory=dict)
    checks: dict[str, float | int] = Field(default_factory=dict)
    injections: list[str] = Field(default_factory=list)  # inputs marked as instructions to the model (issue 14)


PACKAGE = Path(__file__).resolve().parent  # pipeline/


def _module_file(name: str) -> Path | None:
    """pipeline.a.b → pipeline/a/b.py (or its package's __init__.py); None for what is not ours."""
    parts = name.split(".")
    if parts[0] != PACKAGE.name:
        return None
    base = PACKAGE.joinpath(*parts[1:])
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _imports(path: Path) -> set[Path]:
    """The project modules a file imports, at the top or inside a function."""
    found: set[Path] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        found |= {file for file in map(_module_file, names) if file is not None}
    return found


@lru_cache(maxsize=None)
def code_version(module: ModuleType) -> str:
    """The hash of a stage's code: its module's source and the source of every project module it reaches."""
    start = Path(module.__file__).resolve()
    seen, todo = set(), [start]
    while todo:
        path = todo.pop()
        if path not in seen:
            seen.add(path)
            todo += _imports(path) - seen
    digest = hashlib.sha256()
    for path in sorted(seen):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def cache_key(stage: str, version: str, inputs: dict[str, str], prompts: dict[str, str], options: dict) -> str:
    payload = {"stage": stage, "code": version, "inputs": inputs, "prompts": prompts, "options": options}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def load_manifest(folder: Path) -> Manifest:
    path = folder / MANIFEST
    if not path.exists():
        return Manifest()
    try:
        return Manifest.model_validate_json(path.read_text(encoding="utf-8"))
    except ValueError:
        # A manifest we cannot read only costs a recomputation; edited files are still protected below because
        # an existing file with no record is treated as a person's.
        return Manifest()


def save_manifest(folder: Path, manifest: Manifest) -> None:
    write_atomic(folder / MANIFEST, manifest.to_json())


def is_fresh(folder: Path, manifest: Manifest, names: list[str], key: str) -> bool:
    """All of the stage's files exist and were made under this key (edited or not)."""
    for name in names:
        record = manifest.artifacts.get(name)
        if record is None or record.cache_key != key or not (folder / name).exists():
            return False
    return True


def edited(folder: Path, manifest: Manifest, name: str) -> bool:
    """True when the file on disk is not the one we wrote: a person changed it (or wrote it from scratch)."""
    path = folder / name
    if not path.exists():
        return False
    record = manifest.artifacts.get(name)
    return record is None or sha256_file(path) != record.sha256


def new_name(name: str) -> str:
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.new.{suffix}" if dot else f"{name}.new"


def write_artifact(folder: Path, manifest: Manifest, name: str, text: str, record: dict) -> str | None:
    """Write an artifact and record it; returns the side file's name when a person's edit was kept instead."""
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    if edited(folder, manifest, name):
        side = new_name(name)
        side_digest = write_atomic(folder / side, text)
        previous = manifest.artifacts.get(name)
        # Keep the hash we generated (so the file still reads as edited) under the new key (so reruns are cached).
        generated = previous.sha256 if previous else side_digest
        manifest.artifacts[name] = ArtifactRecord(sha256=generated, written_at=now, **record)
        return side
    digest = write_atomic(folder / name, text)
    manifest.artifacts[name] = ArtifactRecord(sha256=digest, written_at=now, **record)
    (folder / new_name(name)).unlink(missing_ok=True)
    return None
