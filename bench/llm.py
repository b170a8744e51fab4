"""Drafts from a 20-minute talk transcript with the embedded default model: seconds against issue 11's target (a
20-minute talk's drafts in ≤ 6 minutes on a 2-core machine), model calls, and tokens in and out per stage.

The run uses no corpus store (retrieved style examples would add a fixed amount per call). Token counts are the
server's, read back from the manifest (a call counts its whole prompt, though a local server reuses the prefix it
already holds: item calls begin with one brief). `--quick` runs the 0.5B instead, for a fast look; the target is the
1.5B's.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter

from bench import synthetic
from bench.common import WORK, Group, count_tokens, print_line, settings, timed

MODEL, QUICK_MODEL = "qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b"
MINUTES = 20
TARGET_SECONDS = 360.0
STAGES = ("outline", "blog", "hooks", "community")


def run(group: Group, quick: bool, context: dict) -> None:
    from pipeline.runner import run_source

    model = QUICK_MODEL if quick else MODEL
    talk = synthetic.talk_srt(WORK / f"talk-{MINUTES}min.srt", MINUTES)
    out = WORK / f"llm-out-{MINUTES}min"
    shutil.rmtree(out, ignore_errors=True)
    config = settings(local_model=model, out=str(out), store=str(WORK / "no-store"), threads=2)
    print_line(f"  llm: drafts from a {MINUTES}-minute talk with the embedded {model}...")
    seconds, result = timed(lambda: run_source(talk, config))
    if result.error:
        raise RuntimeError(f"the pipeline failed on the {MINUTES}-minute transcript: {result.error}")
    folder = result.folder
    manifest = json.loads((folder / "manifest.json").read_text())["artifacts"]
    calls = json.loads((folder / "runs.jsonl").read_text().splitlines()[-1])["calls"]
    transcript = json.loads((folder / "transcript.json").read_text())
    transcript_tokens = count_tokens("\n".join(segment["text"] for segment in transcript["segments"]))

    group.add(
        f"drafts from a {MINUTES}-minute talk ({model})",
        round(seconds, 1),
        "s",
        f"≤ {TARGET_SECONDS:.0f}" if model == MODEL else "",
        seconds <= TARGET_SECONDS if model == MODEL else None,
        f"{result.llm_calls} model calls; ingest and transcript included; {transcript_tokens} transcript tokens",
    )
    stages = {}
    for stage in STAGES:
        record = manifest[f"{stage}.md" if stage != "outline" else "outline.json"]
        stages[stage] = {key: record[key] for key in ("tokens_in", "tokens_out", "llm_calls", "seconds")}
        group.add(
            f"{stage}: seconds",
            round(record["seconds"], 1),
            "s",
            note=f"{record['llm_calls']} call(s), {record['tokens_in']} tokens in / {record['tokens_out']} out",
        )
    per_prompt = Counter()
    for call in calls:
        per_prompt[call["prompt"]] += call["attempts"]
    group.add(
        "model calls",
        result.llm_calls,
        "calls",
        note=", ".join(f"{name} {count}" for name, count in per_prompt.items()),
    )
    group.details.update(
        {
            "model": model,
            "minutes": MINUTES,
            "source": talk.name,
            "transcript_tokens": transcript_tokens,
            "calls_by_prompt": dict(per_prompt),
            "stages": stages,
            "seconds": round(seconds, 1),
            "warnings": result.warnings,
        }
    )
    context["llm_run"] = {"source": talk, "settings": config, "folder": folder}
