"""The weekly batch: a sources file becomes outputs/<week>/<slug>/ for every item, a digest and batch.json.

One failing item never stops the others. Items run on a local thread pool sharing one LLM (one embedded server), or
as Ray tasks (`--executor ray`); either way only this driver process writes batch.json, digest.md and the store.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

from pipeline import runner
from pipeline.artifacts import write_atomic
from pipeline.batch.sources import Job, SourcesFile, jobs_from
from pipeline.config import Settings
from pipeline.errors import DevrelError, Skipped, UserError
from pipeline.kinds import DRAFT_FILES
from pipeline.llm.client import LLM
from pipeline.sources import targets

EXECUTORS = ("local", "ray")


def current_week(today: date | None = None) -> str:
    year, week, _ = (today or date.today()).isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class ItemResult:
    source: str
    slug: str | None = None
    status: str = "ok"  # ok | failed | skipped
    error: str | None = None
    seconds: float = 0.0
    tokens_in: int = 0
    tokens_out: int = 0
    llm_calls: int = 0
    stages_run: list[str] = field(default_factory=list)
    stages_cached: list[str] = field(default_factory=list)


@dataclass
class BatchResult:
    week: str
    folder: Path
    items: list[ItemResult]

    @property
    def failed(self) -> int:
        return sum(item.status == "failed" for item in self.items)

    def totals(self) -> dict:
        items = self.items
        return {
            "items": len(items),
            "ok": sum(i.status == "ok" for i in items),
            "failed": self.failed,
            "skipped": sum(i.status == "skipped" for i in items),
            "seconds": round(sum(i.seconds for i in items), 3),
            "tokens_in": sum(i.tokens_in for i in items),
            "tokens_out": sum(i.tokens_out for i in items),
            "llm_calls": sum(i.llm_calls for i in items),
        }


def run_job(job: Job, settings: Settings, to: str, force: bool, llm: LLM | None, reporter=None) -> ItemResult:
    """One item; every error becomes its status and one line, never an exception that stops the batch."""
    started = time.monotonic()
    if job.error:
        return ItemResult(source=job.source, status="failed", error=job.error)
    try:
        result = runner.run_source(
            job.source,
            job.settings(settings),
            to=to,
            force=force,
            llm=llm,
            reporter=reporter,
            overrides=job.overrides or None,
        )
    except UserError as error:
        status = "skipped" if isinstance(error, Skipped) else "failed"
        return ItemResult(
            source=job.source, status=status, error=str(error), seconds=round(time.monotonic() - started, 3)
        )
    except DevrelError as error:  # setup problems (a model missing) fail the item, not the batch
        return ItemResult(
            source=job.source, status="failed", error=str(error), seconds=round(time.monotonic() - started, 3)
        )
    return ItemResult(
        source=job.source,
        slug=result.slug,
        status="failed" if result.error else "ok",
        error=result.error,
        seconds=result.seconds,
        tokens_in=result.tokens_in,
        tokens_out=result.tokens_out,
        llm_calls=result.llm_calls,
        stages_run=result.stages_run,
        stages_cached=result.stages_cached,
    )


def _run_local(
    jobs: list[Job], settings: Settings, to: str, force: bool, workers: int, reporter_for, done
) -> list[ItemResult]:
    llm = LLM(settings)  # one client and one embedded server for the whole batch
    try:

        def one(job: Job) -> ItemResult:
            item = run_job(job, settings, to, force, llm, reporter_for(job))
            done(item)
            return item

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            return list(pool.map(one, jobs))
    finally:
        llm.close()


def _run_ray(jobs: list[Job], settings: Settings, to: str, force: bool, workers: int, done) -> list[ItemResult]:
    """Each item is a Ray task with its own model clients; RAY_ADDRESS selects an existing cluster."""
    try:
        import ray
    except ImportError:
        raise UserError("--executor ray needs Ray: pip install 'devrel-pipeline[ray]'") from None
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(num_cpus=max(1, workers), include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    try:
        task = ray.remote(num_cpus=1)(run_job)
        pending = [task.remote(job, settings, to, force, None) for job in jobs]
        items = []
        for item in ray.get(pending):
            done(item)
            items.append(item)
        return items
    finally:
        if started_here:
            ray.shutdown()


def digest_markdown(result: BatchResult) -> str:
    """The week's newsletter: one blurb per finished item, with links to its drafts for review."""
    lines = [f"# Digest {result.week}", ""]
    for item in result.items:
        if item.status != "ok" or not item.slug:
            continue
        folder = result.folder / item.slug
        outline = (
            json.loads((folder / "outline.json").read_text(encoding="utf-8"))
            if (folder / "outline.json").exists()
            else {}
        )
        title = outline.get("title") or item.slug
        links = " · ".join(
            f"[{name}]({item.slug}/{name})" for name in (*DRAFT_FILES, "outline.md") if (folder / name).exists()
        )
        lines += [f"## {title}", "", outline.get("summary", "").strip(), "", links, ""]
    failed = [item for item in result.items if item.status == "failed"]
    if failed:
        lines += ["## Not included", ""] + [f"- {item.source}: {item.error}" for item in failed] + [""]
    return "\n".join(lines)


def batch(
    sources: SourcesFile,
    settings: Settings,
    base: Path = Path("."),
    week: str | None = None,
    workers: int = 1,
    executor: str = "local",
    to: str = "drafts",
    force: bool = False,
    on_jobs: Callable = lambda jobs: None,
    reporter_for: Callable = lambda job: None,
    done: Callable = lambda item: None,
) -> BatchResult:
    """Run every item of the week into OUT/<week>/, then write batch.json and digest.md (driver only)."""
    if executor not in EXECUTORS:
        raise UserError(f"--executor {executor!r}: use one of {', '.join(EXECUTORS)}")
    week = week or sources.week or current_week()
    folder = Path(settings.out) / week
    settings = settings.model_copy(update={"out": str(folder)})
    jobs = jobs_from(sources, settings, targets.expand, base)
    on_jobs(jobs)
    if executor == "ray":
        items = _run_ray(jobs, settings, to, force, workers, done)
    else:
        items = _run_local(jobs, settings, to, force, workers, reporter_for, done)
    result = BatchResult(week=week, folder=folder, items=items)
    folder.mkdir(parents=True, exist_ok=True)
    record = {"week": week, "items": [asdict(item) for item in items], "totals": result.totals()}
    write_atomic(folder / "batch.json", json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    write_atomic(folder / "digest.md", digest_markdown(result))
    return result
