"""Cache: a rerun with nothing changed, then a rerun after editing one prompt (a copy of prompts/blog).

Uses the long-talk run of bench.llm when it ran in the same benchmark; on its own (`--only cache`) it first runs
a short synthetic talk through the embedded 0.5B model. The rerun is timed in-process (`run_source`, what a
library user or a batch pays) and as a fresh `devrel run` command (Python start-up and imports included).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from bench import synthetic
from bench.common import WORK, Group, clean_env, print_line, settings, timed

SECONDS_TARGET = 2.0
MODEL = "qwen2.5-coder-0.5b"


def _first_run(quick: bool) -> dict:
    from pipeline.runner import run_source

    talk = synthetic.talk_srt(WORK / "talk-3min.srt", 3)
    out = WORK / "cache-out"
    shutil.rmtree(out, ignore_errors=True)
    config = settings(local_model=MODEL, out=str(out), store=str(WORK / "no-store"), threads=2)
    print_line("  cache: first run of a 3-minute talk with the embedded 0.5B...")
    result = run_source(talk, config)
    if result.error:
        raise RuntimeError(f"the first run failed: {result.error}")
    return {"source": talk, "settings": config, "folder": result.folder}


def run(group: Group, quick: bool, context: dict) -> None:
    from pipeline.llm.prompts import BUILTIN_DIR
    from pipeline.runner import run_source

    prepared = context.get("llm_run") or _first_run(quick)
    talk, config = prepared["source"], prepared["settings"]
    group.details["source"] = Path(talk).name

    seconds, again = timed(lambda: run_source(talk, config))
    group.add(
        "rerun, nothing changed",
        round(seconds, 3),
        "s",
        f"< {SECONDS_TARGET}",
        seconds < SECONDS_TARGET,
        f"in-process run_source; stages run: {again.stages_run or 'none'}",
    )
    group.add("rerun, nothing changed: LLM calls", again.llm_calls, "calls", "0", again.llm_calls == 0)
    command = [str(Path(sys.executable).with_name("devrel")), "run", str(talk), "--out", config.out]
    env = clean_env(
        DEVREL_LOCAL_MODEL=config.local_model,
        DEVREL_STORE=config.store,
        DEVREL_THREADS=str(config.threads),
        DEVREL_CORPUS=config.corpus,
    )
    cli_seconds, done = timed(
        lambda: subprocess.run(command, cwd=WORK / "no-config", env=env, capture_output=True, text=True, timeout=600)
    )
    group.add(
        "rerun as a `devrel run` command",
        round(cli_seconds, 3),
        "s",
        note="fresh process: Python start-up and imports included"
        + ("" if done.returncode == 0 else f"; exit {done.returncode}"),
    )

    custom = WORK / "custom-prompts"
    shutil.rmtree(custom, ignore_errors=True)
    shutil.copytree(BUILTIN_DIR / "blog", custom / "blog")
    system = custom / "blog" / "system.md"
    system.write_text(
        system.read_text(encoding="utf-8") + "\n- Keep every paragraph under five sentences.\n", encoding="utf-8"
    )
    edited = config.model_copy(update={"prompts": str(custom)})
    print_line("  cache: rerun after editing the blog prompt (the blog is rewritten)...")
    edit_seconds, after_edit = timed(lambda: run_source(talk, edited))
    ran = after_edit.stages_run
    group.add(
        "after editing the blog prompt: stages run",
        ", ".join(ran) or "none",
        "",
        "blog only",
        ran == ["blog"],
        f"{edit_seconds:.1f} s, {after_edit.llm_calls} LLM call(s); cached: {', '.join(after_edit.stages_cached)}",
    )
    group.details.update(
        {
            "rerun": {
                "stages_run": again.stages_run,
                "stages_cached": again.stages_cached,
                "llm_calls": again.llm_calls,
                "seconds": round(seconds, 3),
                "result_seconds": again.seconds,
            },
            "cli_rerun": {"seconds": round(cli_seconds, 3), "exit": done.returncode, "stderr": done.stderr[-400:]},
            "prompt_edit": {
                "stages_run": ran,
                "stages_cached": after_edit.stages_cached,
                "llm_calls": after_edit.llm_calls,
                "seconds": round(edit_seconds, 1),
                "error": after_edit.error,
            },
        }
    )
