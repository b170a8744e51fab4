"""Runs the stages for one source into outputs/<slug>/, skipping every stage whose cache key has not changed.

Each stage reads its inputs from the files on disk (so a person's edit to outline.json flows downstream), writes
its artifacts atomically, and records them in manifest.json before the next stage starts: a run killed at any
point leaves earlier artifacts intact, and the next run resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import importlib
import itertools
import json
import logging
import shutil
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from filelock import FileLock, Timeout

from pipeline import cache
from pipeline.artifacts import Outline, Source, Transcript, load, sha256_file
from pipeline.check.drafts import check_report
from pipeline.check.grounding import verify_outline
from pipeline.config import Settings
from pipeline.corpus import voice
from pipeline.errors import DevrelError, UserError
from pipeline.format.render import outline_markdown
from pipeline.kinds import COMMUNITY_PROMPTS, DRAFT_KINDS, DRAFT_STAGES, HOOKS_PROMPTS, STAGES as ALL_STAGES
from pipeline.llm.client import LLM, Usage
from pipeline.llm.prompts import Prompt, load_prompt
from pipeline.reporting import Reporter
from pipeline.safety import untrusted
from pipeline.sources.speakers import introduced
from pipeline.sources.targets import Target, refuse_ingest, resolve_target, with_overrides
from pipeline.stages import ingest, outline, transcribe
from pipeline.stages.drafting import DraftInputs

STAGES = list(ALL_STAGES)
TARGETS = {"transcript": STAGES[:2], "outline": STAGES[:3], "drafts": STAGES}
ALIASES = {"transcript": ["transcribe"], "drafts": list(DRAFT_STAGES)}  # --to's words work too
RUNS_LOG = "runs.jsonl"
log = logging.getLogger(__name__)


def _stage_names(text: str, flag: str) -> list[str]:
    names = [name for word in text.split(",") if word.strip() for name in ALIASES.get(word.strip(), [word.strip()])]
    unknown = [name for name in names if name not in STAGES]
    if unknown or not names:
        raise UserError(f"{flag} {text!r}: not a stage; use one of: {', '.join(STAGES)} (or transcript, drafts)")
    return names


def selected_stages(to: str = "drafts", start: str | None = None, only: str | None = None) -> list[str]:
    """The stages a run may execute. --from skips the earlier ones, --only names them; skipped stages are not
    rerun, their files on disk are the inputs (a missing one is an error naming the command that makes it)."""
    if to not in TARGETS:
        raise UserError(f"--to {to!r} is not a stage target; use one of: {', '.join(TARGETS)}")
    if start and only:
        raise UserError("--from and --only do not go together; use one of them")
    if only:
        names = set(_stage_names(only, "--only"))
        return [stage for stage in STAGES if stage in names]
    if not start:
        return TARGETS[to]
    first = _stage_names(start, "--from")[0]
    if first not in TARGETS[to]:
        raise UserError(f"--from {start} comes after --to {to}; pick a later --to or an earlier --from")
    return TARGETS[to][TARGETS[to].index(first) :]


def target_for(stages: list[str]) -> str:
    """The smallest --to target that covers the stages (it decides which prompts are loaded and checked)."""
    return next(name for name, covered in TARGETS.items() if stages[-1] in covered)


@dataclass
class RunResult:
    slug: str
    folder: Path
    stages_run: list[str] = field(default_factory=list)
    stages_cached: list[str] = field(default_factory=list)
    stages_skipped: list[str] = field(default_factory=list)  # left out by --from / --only: their files were used
    edits_kept: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # the warnings a user acts on (marks, the store, novelty)
    checks: dict[str, float | int] = field(default_factory=dict)  # `devrel check` figures for the drafts
    checked: list = field(default_factory=list)  # and its report per draft (check.drafts.FileReport)
    llm_calls: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    seconds: float = 0.0
    error: str | None = None

    def notice(self, *said: str) -> None:
        """Warnings the user acts on: kept with the others (runs.jsonl), and printed even without -v."""
        self.warnings.extend(said)
        self.notices.extend(said)


class _Run:
    def __init__(
        self,
        folder: Path,
        settings: Settings,
        llm: LLM,
        force: bool,
        reporter: Reporter,
        result: RunResult,
        stages: list[str],
    ):
        self.folder, self.settings, self.llm, self.force, self.reporter, self.result = (
            folder,
            settings,
            llm,
            force,
            reporter,
            result,
        )
        self.stages = stages
        self.manifest = cache.load_manifest(folder)

    def wants(self, *stages: str) -> bool:
        return any(stage in self.stages for stage in stages)

    def sha(self, name: str) -> str:
        return sha256_file(self.folder / name)

    def step(
        self,
        stage: str,
        version: str,
        files: list[str],
        inputs: dict,
        prompts: list[Prompt],
        options: dict,
        make: Callable[[], dict[str, str]],
        needs: Callable[[], bool] = lambda: True,
    ) -> None:
        """Run `make` unless the stage's files exist under the same key (and `needs` still holds, e.g. media kept)."""
        if stage not in self.stages:
            self.result.stages_skipped.append(stage)
            return
        prompt_hashes = {prompt.name: prompt.sha256 for prompt in prompts}
        key = cache.cache_key(stage, version, inputs, prompt_hashes, options)
        if not self.force and cache.is_fresh(self.folder, self.manifest, files, key) and needs():
            log.debug("%s: cached (key %s)", stage, key[:12])
            self.result.stages_cached.append(stage)
            self.reporter.stage(stage, cached=True, seconds=0.0)
            return
        previous = self.manifest.artifacts.get(files[0])
        log.debug(
            "%s: runs (%s)",
            stage,
            "--force"
            if self.force
            else "no files made before"
            if previous is None
            else f"key {key[:12]}, was {previous.cache_key[:12]}"
            if previous.cache_key != key
            else "a file is missing",
        )
        self.reporter.starting(stage)
        expected, count = (previous.llm_calls or None) if previous else None, itertools.count(1)

        def on_call(prompt: str) -> None:  # "outline 3/7": last time's calls are the estimate, raised when passed
            number = next(count)
            log.debug("%s: model call %d%s (%s)", stage, number, f" of ~{expected}" if expected else "", prompt)
            self.reporter.call(stage, number, expected, prompt)

        self.llm.on_call = on_call
        earlier, started = len(self.llm.usage.calls), time.monotonic()
        texts = make()
        usage = Usage(self.llm.usage.calls[earlier:])  # this stage's calls
        seconds = round(time.monotonic() - started, 3)
        record = {
            "stage": stage,
            "cache_key": key,
            "model": options.get("model"),
            "prompt_sha256": prompt_hashes,
            "seconds": seconds,
            "llm_calls": usage.llm_calls,
            "tokens_in": usage.tokens_in,
            "tokens_out": usage.tokens_out,
        }
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


OUTLINE_PROMPTS = [
    "section",
    "question",
    "theme",
    "outline",
    "part-name",
]  # per section: question, its edit, a theme, its name
DRAFT_VARIABLES = {"outline", "title", "language", "voice"}
ITEM_VARIABLES = {"language", "focus", "avoid"}  # one small question per call, after the brief (stages.items)
PROMPT_VARIABLES = {
    "section": {"material", "title", "language", "avoid"},
    "question": {"question", "language"},
    "theme": {"material", "language"},
    "outline": {"material", "title", "language"},
    "blog": {"passage", "language", "voice"},
    **dict.fromkeys(HOOKS_PROMPTS + COMMUNITY_PROMPTS, ITEM_VARIABLES),
    "brief": {"material", "voice"},
    "shorten": {"text", "limit", "length"},
    "part-names": {"material", "count", "language"},
    "part-name": {"material", "language"},
}


def stage_prompts(settings: Settings, to: str) -> dict[str, Prompt]:
    """The prompts a run will use, loaded (user folder first) and checked before any work starts."""
    names = {"transcript": [], "outline": OUTLINE_PROMPTS}.get(to, list(PROMPT_VARIABLES))
    prompts = {name: load_prompt(name, settings.prompts) for name in names}
    for name, prompt in prompts.items():
        prompt.check(PROMPT_VARIABLES[name])
    return prompts


def _stages(run: _Run, target: Target, prompts: dict[str, Prompt]) -> None:
    settings, folder, llm, path = run.settings, run.folder, run.llm, target.label

    def media_kept() -> bool:
        kept = load(folder / "source.json", Source, f"devrel run {path}")
        return kept.path is None or Path(kept.path).exists()

    run.step(
        "ingest",
        cache.code_version(ingest),
        ["source.json"],
        target.key,
        [],
        {},
        lambda: {"source.json": target.make(folder, run.reporter).to_json()},
        needs=media_kept,
    )
    source = load(folder / "source.json", Source, f"devrel run {path}")

    def make_transcript() -> dict[str, str]:
        if source.kind == "media" and not Path(source.path).exists():
            raise UserError(
                f"{source.path}: the recording is gone; run `devrel run {source.url or 'RECORDING'}` to fetch it again"
            )
        made = transcribe.transcript(source, settings, run.reporter.progress)
        return {"transcript.json": made.to_json(), "transcript.md": transcribe.transcript_markdown(source, made)}

    speech = (
        transcribe.whisper_options(settings, transcribe.speech_language(source, settings))
        | {"model": settings.whisper_model}
        | transcribe.diarization_options(settings)
        if source.kind == "media"
        else {}
    )
    # the voices' names are not part of the transcript's or the outline's key: a rename re-renders the drafts only
    unnamed = hashlib.sha256(
        source.model_copy(update={"speaker_names": {}, "speakers": []}).to_json().encode()
    ).hexdigest()
    run.step(
        "transcribe",
        cache.code_version(transcribe),
        ["transcript.json", "transcript.md"],
        {"source": unnamed},
        [],
        {"lang": settings.lang, **speech},
        make_transcript,
    )
    if not run.wants("outline", *DRAFT_STAGES):
        return
    transcript = load(folder / "transcript.json", Transcript, f"devrel run {path} --to transcript")
    said_before = len(run.result.warnings)
    screened = untrusted.screened_run(source, transcript, run.result.warnings)  # each mark a warning (issue 14)
    source = screened.source  # marked title, description sentences, chapters: never shown to the model
    source = introduced(source, transcript)  # "Hi, I'm Ada": named when nobody named the speaker
    lang = output_language(settings, transcript)
    llm_options = {
        "model": llm.name,
        "temperature": settings.temperature,
        "seed": settings.seed,
        "structured": llm.structured_mode,
        "lang": lang,
    }

    asked = voice.community_questions(
        settings, transcript, source.title, run.result.warnings
    )  # from the corpus, if any
    run.result.notices += run.result.warnings[said_before:]  # marked text, a broken store: the user must know
    _record_marks(run)

    def make_outline() -> dict[str, str]:
        drafted = outline.outline(transcript, source, llm, prompts, lang)
        made = voice.match_questions(untrusted.outline_kept(drafted, screened, transcript, run.result.warnings), asked)
        return {"outline.json": made.to_json(), "outline.md": outline_markdown(made, source)}

    run.step(
        "outline",
        cache.code_version(outline),
        ["outline.json", "outline.md"],
        {"transcript.json": run.sha("transcript.json"), "source": unnamed, **voice.questions_key(asked)},
        [prompts[name] for name in OUTLINE_PROMPTS],
        llm_options | {"context": llm.context_window, "model_summary": settings.model_writes_summary},
        make_outline,
    )
    if not run.wants(*DRAFT_STAGES):
        return
    the_outline = _verified_outline(
        run, load(folder / "outline.json", Outline, f"devrel run {path} --to outline"), transcript, source
    )
    inputs = DraftInputs(
        outline=the_outline,
        source=source,
        llm=llm,
        prompts=prompts,
        language=lang,
        transcript=transcript,
        marked=screened.marked,
    )
    draft_inputs = {name: run.sha(name) for name in ("outline.json", "source.json", "transcript.json")}
    context = voice.draft_context(settings, the_outline, run.result.slug)  # style examples, related posts, novelty
    run.result.notice(*(w for w in context.warnings if w not in run.result.warnings))  # a broken store: said once
    _record_marks(run)
    for kind in DRAFT_KINDS:  # pipeline/stages/<stage>.py makes each, with its function of the same name
        stage, module = kind.stage, importlib.import_module(f"pipeline.stages.{kind.stage}")
        make = getattr(module, stage)
        staged = replace(
            inputs,
            voice=context.voice.get(stage, ""),
            related=context.related if stage == "blog" else [],
            rewrite=stage == "blog" and settings.rewrites_passages,
            habits_asked_again=settings.asks_again_for_habits,
        )
        run.step(
            stage,
            cache.code_version(module),
            [kind.file, *kind.beside],
            draft_inputs | context.key(stage),
            [prompts[name] for name in kind.prompts],
            llm_options
            | (
                {"rewrite": settings.rewrites_passages}
                if stage == "blog"
                else {"habits": settings.asks_again_for_habits}
            ),
            lambda make=make, file=kind.file, staged=staged: drafted_files(make(staged), file),
        )
    run.result.warnings.extend(inputs.warnings)
    _record_checks(run)


def drafted_files(draft, file: str) -> dict[str, str]:
    """A draft's markdown, and the files a kind writes beside it (`DraftKind.beside`), by name."""
    return draft.files(file) if hasattr(draft, "files") else {file: draft.markdown()}


def _verified_outline(run: _Run, loaded: Outline, transcript: Transcript, source: Source) -> Outline:
    """outline.json may be a person's edit: its quotes are verified again before a draft uses them.

    Quotes not found are left out of the drafts and listed in outline.md (outline.json, the person's file, is kept).
    """
    verified = verify_outline(loaded, transcript)
    dropped = len(verified.unverified) - len(loaded.unverified)
    if dropped:
        run.result.notice(  # a person's edit did not hold: they must hear it
            f"outline.json: {dropped} quote(s) not found in the transcript are left out of the drafts; see outline.md"
        )
    text, record = outline_markdown(verified, source), run.manifest.artifacts.get("outline.md")
    path = run.folder / "outline.md"
    if record and (not path.exists() or path.read_text(encoding="utf-8") != text):
        side = cache.write_artifact(
            run.folder, run.manifest, "outline.md", text, record.model_dump(exclude={"sha256", "written_at"})
        )
        if side:
            run.result.edits_kept["outline.md"] = side
        cache.save_manifest(run.folder, run.manifest)
    return verified


def _record_marks(run: _Run) -> None:
    """Every input marked as an instruction to the model (transcript, metadata, corpus), in manifest.json too."""
    marks = untrusted.marks(run.result.warnings)
    if run.manifest.injections != marks:
        run.manifest.injections = marks
        cache.save_manifest(run.folder, run.manifest)


def _record_checks(run: _Run) -> None:
    """The drafts are checked like `devrel check` would; the figures go to manifest.json (the exit code stays 0)."""
    report = check_report(run.folder, run.settings.prompts, Path(run.settings.corpus))
    figures = report.figures()
    run.result.checks = figures
    run.result.checked = report.files
    if run.manifest.checks != figures:
        run.manifest.checks = figures
        cache.save_manifest(run.folder, run.manifest)


def run_source(
    source: str | Path,
    settings: Settings,
    to: str = "drafts",
    force: bool = False,
    reporter: Reporter | None = None,
    llm: LLM | None = None,
    overrides: dict | None = None,
    start: str | None = None,
    only: str | None = None,
) -> RunResult:
    """Run one source (a file path, a media URL, a yt-dlp .info.json, or an output folder); returns what ran.

    User errors raise; a failing stage is reported in `result.error`. A playlist URL is expanded by the caller
    (`expand`), one run per entry. `overrides` (title, speakers, tags) replace what the source says about itself.
    `start` / `only` (--from / --only) leave stages out and use their files on disk instead.
    """
    stages = selected_stages(to, start, only)
    target = with_overrides(resolve_target(source, settings), overrides)
    if target.folder is not None:  # an output folder: its source.json is the ingested source
        stages = [stage for stage in stages if stage != "ingest"]
        if not stages:
            refuse_ingest(target.label)
    prompts = stage_prompts(settings, target_for(stages))
    path, slug = target.label, target.slug
    folder = target.folder or Path(settings.out) / slug
    existed = folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    result = RunResult(slug=slug, folder=folder)
    own_llm = llm is None
    llm = LLM(settings) if own_llm else llm.fork()  # a fork counts this run's calls only
    reporter = reporter or Reporter()
    llm.waiting = reporter.waiting  # the embedded server's start, a model joined once
    started = time.monotonic()
    lock = FileLock(str(folder / ".lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise UserError(f"another devrel run is writing {folder}; wait for it to finish") from None
    try:
        _stages(_Run(folder, settings, llm, force, reporter, result, stages), target, prompts)
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
    result.llm_calls, result.tokens_in, result.tokens_out = (
        llm.usage.llm_calls,
        llm.usage.tokens_in,
        llm.usage.tokens_out,
    )
    result.seconds = round(time.monotonic() - started, 3)
    _log_run(folder, path, settings, llm, target_for(stages), result, llm.usage.calls)
    return result


def _log_run(folder: Path, path: Path, settings: Settings, llm: LLM, to: str, result: RunResult, calls) -> None:
    """runs.jsonl: one line per run, with every model call it made (prompt hash, model, tokens, seconds)."""
    entry = {
        "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "source": str(path),
        "to": to,
        "model": llm.name,
        "stages_run": result.stages_run,
        "stages_cached": result.stages_cached,
        "stages_skipped": result.stages_skipped,
        "llm_calls": result.llm_calls,
        "tokens_in": result.tokens_in,
        "tokens_out": result.tokens_out,
        "seconds": result.seconds,
        "edits_kept": result.edits_kept,
        "warnings": result.warnings,
        "checks": result.checks,
        "status": "failed" if result.error else "ok",
        "error": result.error,
        "calls": [asdict(call) for call in calls],
    }
    with (folder / RUNS_LOG).open("a", encoding="utf-8") as log:
        log.write(json.dumps(entry, ensure_ascii=False) + "\n")
