"""Runs the stages for one source into outputs/<slug>/, skipping every stage whose cache key has not changed.

Each stage reads its inputs from the files on disk (so a person's edit to outline.json flows downstream), writes
its artifacts atomically, and records them in manifest.json before the next stage starts: a run killed at any
point leaves earlier artifacts intact, and the next run resumes where it stopped.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from filelock import FileLock, Timeout

from pipeline import cache
from pipeline.artifacts import Outline, Source, Transcript, load, sha256_file
from pipeline.config import Settings
from pipeline.errors import DevrelError, UserError
from pipeline.llm import LLM
from pipeline.prompts import Prompt, load_prompt
from pipeline.render import outline_markdown
from pipeline.stages import blog, community, hooks, ingest, outline, transcribe
from pipeline.stages.drafting import DraftInputs

STAGES = ["ingest", "transcribe", "outline", "blog", "hooks", "community"]
TARGETS = {"transcript": STAGES[:2], "outline": STAGES[:3], "drafts": STAGES}
RUNS_LOG = "runs.jsonl"


class Reporter:
    """What a run tells its caller; the CLI shows it with rich, library users may ignore it."""

    def stage(self, name: str, cached: bool, seconds: float) -> None: ...
    def starting(self, name: str) -> None: ...
    def progress(self, done: float, total: float) -> None: ...


@dataclass
class RunResult:
    slug: str
    folder: Path
    stages_run: list[str] = field(default_factory=list)
    stages_cached: list[str] = field(default_factory=list)
    edits_kept: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    llm_calls: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    seconds: float = 0.0
    error: str | None = None


class _Run:
    def __init__(self, folder: Path, settings: Settings, llm: LLM, force: bool, reporter: Reporter, result: RunResult):
        self.folder, self.settings, self.llm, self.force, self.reporter, self.result = folder, settings, llm, force, reporter, result
        self.manifest = cache.load_manifest(folder)

    def sha(self, name: str) -> str:
        return sha256_file(self.folder / name)

    def step(self, stage: str, version: int, files: list[str], inputs: dict, prompts: list[Prompt], options: dict,
             make: Callable[[], dict[str, str]]) -> None:  # fmt: skip
        prompt_hashes = {prompt.name: prompt.sha256 for prompt in prompts}
        key = cache.cache_key(stage, version, inputs, prompt_hashes, options)
        if not self.force and cache.is_fresh(self.folder, self.manifest, files, key):
            self.result.stages_cached.append(stage)
            self.reporter.stage(stage, cached=True, seconds=0.0)
            return
        self.reporter.starting(stage)
        calls_before, started = len(self.llm.usage.calls), time.monotonic()
        texts = make()
        calls = self.llm.usage.calls[calls_before:]
        seconds = round(time.monotonic() - started, 3)
        record = {
            "stage": stage, "cache_key": key, "model": options.get("model"), "prompt_sha256": prompt_hashes,
            "seconds": seconds, "llm_calls": sum(c.attempts for c in calls),
            "tokens_in": sum(c.tokens_in for c in calls), "tokens_out": sum(c.tokens_out for c in calls),
        }  # fmt: skip
        for name, text in texts.items():
            side = cache.write_artifact(self.folder, self.manifest, name, text, record)
            if side:
                self.result.edits_kept[name] = side
        cache.save_manifest(self.folder, self.manifest)
        self.result.stages_run.append(stage)
        self.reporter.stage(stage, cached=False, seconds=seconds)


def output_language(settings: Settings, transcript: Transcript) -> str:
    if settings.lang != "auto":
        return settings.lang
    return "zh" if transcript.language.startswith("zh") else transcript.language


DRAFT_VARIABLES = {"outline", "title", "language", "voice"}
PROMPT_VARIABLES = {
    "notes": {"material", "title", "language", "part"},
    "outline": {"material", "title", "language", "hints"},
    "blog": DRAFT_VARIABLES, "hooks": DRAFT_VARIABLES, "community": DRAFT_VARIABLES,
    "shorten": {"text", "limit", "length"},
}  # fmt: skip


def stage_prompts(settings: Settings, to: str) -> dict[str, Prompt]:
    """The prompts a run will use, loaded (user folder first) and checked before any work starts."""
    names = {"transcript": [], "outline": ["notes", "outline"]}.get(to, list(PROMPT_VARIABLES))
    prompts = {name: load_prompt(name, settings.prompts) for name in names}
    for name, prompt in prompts.items():
        prompt.check(PROMPT_VARIABLES[name])
    return prompts


def _stages(run: _Run, path: Path, to: str, prompts: dict[str, Prompt]) -> None:
    settings, folder, llm = run.settings, run.folder, run.llm
    stat = path.stat()
    run.step("ingest", ingest.VERSION, ["source.json"], {"path": str(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns},
             [], {}, lambda: {"source.json": ingest.source(path).to_json()})  # fmt: skip
    source = load(folder / "source.json", Source, f"devrel run {path}")

    def make_transcript() -> dict[str, str]:
        made = transcribe.transcript(source, settings, run.reporter.progress)
        return {"transcript.json": made.to_json(), "transcript.md": transcribe.transcript_markdown(source, made)}

    language = None if settings.lang == "auto" else settings.lang
    speech = transcribe.whisper_options(settings, language) | {"model": settings.whisper_model} if source.kind == "media" else {}
    run.step("transcribe", transcribe.VERSION, ["transcript.json", "transcript.md"], {"source.json": run.sha("source.json")},
             [], {"lang": settings.lang, **speech}, make_transcript)  # fmt: skip
    if "outline" not in TARGETS[to]:
        return
    transcript = load(folder / "transcript.json", Transcript, f"devrel run {path} --to transcript")
    lang = output_language(settings, transcript)
    llm_options = {"model": llm.name, "temperature": settings.temperature, "structured": llm.structured_mode, "lang": lang}

    def make_outline() -> dict[str, str]:
        made = outline.outline(transcript, source, llm, prompts, lang)
        return {"outline.json": made.to_json(), "outline.md": outline_markdown(made, source)}

    run.step("outline", outline.VERSION, ["outline.json", "outline.md"],
             {"transcript.json": run.sha("transcript.json"), "source.json": run.sha("source.json")},
             [prompts["notes"], prompts["outline"]], llm_options | {"context": llm.context_window}, make_outline)  # fmt: skip
    if to != "drafts":
        return
    the_outline = load(folder / "outline.json", Outline, f"devrel run {path} --to outline")
    inputs = DraftInputs(outline=the_outline, source=source, llm=llm, prompts=prompts, language=lang)
    draft_inputs = {"outline.json": run.sha("outline.json"), "source.json": run.sha("source.json")}
    for stage, module, used in (("blog", blog, ["blog"]), ("hooks", hooks, ["hooks", "shorten"]),
                                ("community", community, ["community", "shorten"])):  # fmt: skip
        make = getattr(module, stage)
        run.step(stage, module.VERSION, [f"{stage}.md"], draft_inputs, [prompts[name] for name in used], llm_options,
                 lambda make=make, stage=stage: {f"{stage}.md": make(inputs).markdown()})  # fmt: skip
    run.result.warnings.extend(inputs.warnings)


def run_source(path: Path, settings: Settings, to: str = "drafts", force: bool = False, reporter: Reporter | None = None,
               llm: LLM | None = None) -> RunResult:  # fmt: skip
    """Run one source; returns what ran. User errors raise; a failing stage is reported in `result.error`."""
    if to not in TARGETS:
        raise UserError(f"--to {to!r} is not a stage target; use one of: {', '.join(TARGETS)}")
    path = ingest.check_path(Path(path)).resolve()
    prompts = stage_prompts(settings, to)
    slug = ingest.slug_for(path.stem)
    folder = Path(settings.out) / slug
    existed = folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    result = RunResult(slug=slug, folder=folder)
    own_llm = llm is None
    llm = llm or LLM(settings)
    calls_before = len(llm.usage.calls)
    started = time.monotonic()
    lock = FileLock(str(folder / ".lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise UserError(f"another devrel run is writing {folder}; wait for it to finish") from None
    try:
        _stages(_Run(folder, settings, llm, force, reporter or Reporter(), result), path, to, prompts)
    except UserError:
        if not existed:  # bad input leaves nothing behind
            shutil.rmtree(folder, ignore_errors=True)
        raise
    except DevrelError as error:
        result.error = str(error)
    finally:
        if own_llm:
            llm.close()
        lock.release()
    calls = llm.usage.calls[calls_before:]
    result.llm_calls = sum(call.attempts for call in calls)
    result.tokens_in = sum(call.tokens_in for call in calls)
    result.tokens_out = sum(call.tokens_out for call in calls)
    result.seconds = round(time.monotonic() - started, 3)
    _log_run(folder, path, settings, llm, to, result, calls)
    return result


def _log_run(folder: Path, path: Path, settings: Settings, llm: LLM, to: str, result: RunResult, calls) -> None:
    """runs.jsonl: one line per run, with every model call it made (prompt hash, model, tokens, seconds)."""
    entry = {
        "at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "source": str(path), "to": to,
        "model": llm.name, "stages_run": result.stages_run, "stages_cached": result.stages_cached,
        "llm_calls": result.llm_calls, "tokens_in": result.tokens_in, "tokens_out": result.tokens_out,
        "seconds": result.seconds, "edits_kept": result.edits_kept, "warnings": result.warnings,
        "status": "failed" if result.error else "ok", "error": result.error,
        "calls": [asdict(call) for call in calls],
    }  # fmt: skip
    with (folder / RUNS_LOG).open("a", encoding="utf-8") as log:
        log.write(json.dumps(entry, ensure_ascii=False) + "\n")
