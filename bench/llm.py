"""LLM frugality: tokens in and out per stage for a long talk, as a ratio to the transcript's own tokens.

The run uses the embedded 0.5B model and no corpus store (retrieved style examples would add a fixed amount per
draft). Token counts are the server's, read back from runs.jsonl. The transcript is counted with the model's own
tokenizer; the fixed prompt overhead is the prompt templates themselves (variables left empty, chat wrapping
included), once per model call made.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

from bench import synthetic
from bench.common import WORK, Group, chat_tokens, count_tokens, print_line, settings, timed

MODEL = "qwen2.5-coder-0.5b"
STAGES = ("outline", "blog", "hooks", "community")
RATIO_TARGET = 1.5


def run(group: Group, quick: bool, context: dict) -> None:
    from pipeline.runner import run_source, stage_prompts

    minutes = 20 if quick else 60  # 20 minutes still maps two chunks; 60 is a one-hour talk
    talk = synthetic.talk_srt(WORK / f"talk-{minutes}min.srt", minutes)
    out = WORK / f"llm-out-{minutes}min"
    shutil.rmtree(out, ignore_errors=True)
    config = settings(local_model=MODEL, out=str(out), store=str(WORK / "no-store"), threads=2)
    transcript_tokens, numbered_tokens, plan = _transcript_figures(talk, config)
    print_line(
        f"  llm: {minutes}-minute talk, {transcript_tokens} transcript tokens, {plan['chunks']} chunk(s); "
        "running the pipeline..."
    )
    seconds, result = timed(lambda: run_source(talk, config))
    if result.error:
        raise RuntimeError(f"the pipeline failed on the long transcript: {result.error}")
    folder = result.folder
    manifest = json.loads((folder / "manifest.json").read_text())["artifacts"]
    calls = json.loads((folder / "runs.jsonl").read_text().splitlines()[-1])["calls"]

    prompts = stage_prompts(config, "drafts")
    template = {
        name: chat_tokens(*prompt.render(**dict.fromkeys(_variables(prompt), ""))) for name, prompt in prompts.items()
    }
    overhead = sum(template[call["prompt"]] * call["attempts"] for call in calls)
    per_prompt = Counter()
    for call in calls:
        per_prompt[call["prompt"]] += call["attempts"]

    stages, total_in, total_out = {}, 0, 0
    for stage in STAGES:
        record = manifest[f"{stage}.md" if stage != "outline" else "outline.json"]
        stages[stage] = {
            "tokens_in": record["tokens_in"],
            "tokens_out": record["tokens_out"],
            "llm_calls": record["llm_calls"],
            "seconds": record["seconds"],
            "in_ratio": round(record["tokens_in"] / transcript_tokens, 3),
            "out_ratio": round(record["tokens_out"] / transcript_tokens, 3),
        }
        total_in += record["tokens_in"]
        total_out += record["tokens_out"]
        group.add(
            f"{stage}: tokens in / out",
            f"{record['tokens_in']} / {record['tokens_out']}",
            "tokens",
            note=f"{stages[stage]['in_ratio']} / {stages[stage]['out_ratio']} × transcript, "
            f"{record['llm_calls']} call(s)",
        )
    total = total_in + total_out
    allowed = RATIO_TARGET * transcript_tokens + overhead
    group.add(
        "transcript tokens",
        transcript_tokens,
        "tokens",
        note=f"{minutes}-minute talk, {numbered_tokens} as numbered lines",
    )
    group.add(
        "fixed prompt overhead",
        overhead,
        "tokens",
        note="templates × calls: " + ", ".join(f"{n} {template[n]}×{c}" for n, c in per_prompt.items()),
    )
    group.add(
        "all four outputs: tokens in + out",
        total,
        "tokens",
        f"≤ 1.5 × transcript + overhead = {allowed:.0f}",
        total <= allowed,
        f"{total / transcript_tokens:.2f} × transcript; "
        f"{(total - overhead) / transcript_tokens:.2f} × without the overhead",
    )
    group.add(
        "all four outputs: tokens in",
        total_in,
        "tokens",
        f"≤ {allowed:.0f} (same bound)",
        total_in <= allowed,
        f"{total_in / transcript_tokens:.2f} × transcript (stuffing it into each output: 4×)",
    )
    notes_calls = per_prompt.get("notes", 0)
    group.add(
        "outline map: notes calls",
        notes_calls,
        "calls",
        note=f"{plan['chunks']} chunk(s) of ≤ {plan['budget']} estimated tokens; "
        f"{per_prompt.get('outline', 0)} reduce call(s)",
    )
    group.add("pipeline seconds (embedded 0.5B)", round(seconds, 1), "s", note=f"{result.llm_calls} model calls")
    group.details.update(
        {
            "model": MODEL,
            "minutes": minutes,
            "source": talk.name,
            "transcript_tokens": transcript_tokens,
            "numbered_transcript_tokens": numbered_tokens,
            "template_tokens": template,
            "calls_by_prompt": dict(per_prompt),
            "stages": stages,
            "chunking": plan,
            "seconds": round(seconds, 1),
            "warnings": result.warnings,
        }
    )
    context["llm_run"] = {"source": talk, "settings": config, "folder": folder}


def _variables(prompt) -> set[str]:
    from pipeline.llm.prompts import VARIABLE

    return set(VARIABLE.findall(prompt.system)) | set(VARIABLE.findall(prompt.user))


def _transcript_figures(talk: Path, config) -> tuple[int, int, dict]:
    """The transcript's tokens (plain and as the numbered lines the outline stage sends) and how it will be chunked."""
    from pipeline.llm.client import LLM
    from pipeline.runner import stage_prompts
    from pipeline.stages import ingest, outline, transcribe

    made = transcribe.transcript(ingest.source(talk), config)
    plain = "\n".join(segment.text for segment in made.segments)
    lines = outline.numbered_lines(made)
    llm = LLM(config)  # not started: only its context window is read
    prompts = stage_prompts(config, "outline")
    budget = outline.material_budget(llm, prompts["notes"], outline.NOTES_MAX_TOKENS)  # per map chunk
    parts = outline.chunks(lines, budget)
    plan = {
        "context_window": llm.context_window,
        "budget": budget,
        "chunks": len(parts) if len(parts) > 1 else 0,
        "chunk_tokens": [count_tokens(part) for part in parts],
    }
    return count_tokens(plain), count_tokens("\n".join(lines)), plan
