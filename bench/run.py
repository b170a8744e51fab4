"""Entry point: `python -m bench [--quick] [--only transcription,diarization,embedded,corpus,llm,cache,clips]
[--out DIR]`.

Runs the groups one after the other (never two heavy jobs at once), then writes results.json and results.md
atomically and prints the table. With --only, the groups not run keep their figures from the previous results
file (each group records when it was measured). --quick uses small sizes and writes to a temp folder by default,
so development runs never overwrite the recorded figures.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

if __package__ in (None, ""):  # `python bench/run.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Group, machine, now, print_line  # noqa: E402
from bench.report import markdown  # noqa: E402

GROUPS = (
    "transcription",
    "diarization",
    "embedded",
    "corpus",
    "llm",
    "cache",
    "clips",
)  # cache reuses the llm group's run when both run
BENCH = Path(__file__).resolve().parent


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="How fast and how frugal the pipeline is, on this machine."
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes, for development (writes to a temp folder unless --out)"
    )
    parser.add_argument("--only", default="", help=f"comma-separated groups to run: {', '.join(GROUPS)}")
    parser.add_argument("--out", type=Path, help="folder for results.json and results.md (default: bench/)")
    args = parser.parse_args(argv)
    args.groups = [name.strip() for name in args.only.split(",") if name.strip()] or list(GROUPS)
    unknown = [name for name in args.groups if name not in GROUPS]
    if unknown:
        parser.error(f"unknown group(s) {', '.join(unknown)}; choose from {', '.join(GROUPS)}")
    args.out = args.out or (Path(tempfile.gettempdir()) / "devrel-bench" / "quick" if args.quick else BENCH)
    return args


def _previous(path: Path, quick: bool) -> dict:
    """Groups from the last results file, kept when this run does not measure them (same mode only)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {name: group for name, group in data.get("groups", {}).items() if group.get("quick") == quick}


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    results_path = args.out / "results.json"
    groups = _previous(results_path, args.quick)
    context: dict = {}
    failed = []
    started_all = time.perf_counter()
    info = machine()
    for name in [name for name in GROUPS if name in args.groups]:
        group = Group(name=name, quick=args.quick, measured_at=now())
        group.details["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
        print_line(f"[{name}] {'quick' if args.quick else 'full'} ...")
        started = time.perf_counter()
        try:
            importlib.import_module(f"bench.{name}").run(group, args.quick, context)
        except Exception as error:  # one failing group never hides the others' figures
            failed.append(name)
            group.skipped.append(f"failed: {type(error).__name__}: {str(error)[:300]}")
            traceback.print_exc()
        group.seconds = round(time.perf_counter() - started, 1)
        group.details["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        print_line(f"[{name}] done in {group.seconds:.0f}s")
        groups[name] = group.to_dict()
        _write(args.out, info, groups, args.quick)  # after every group: a long run interrupted keeps what it measured
    info["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    table = _write(args.out, info, groups, args.quick)
    print(table)
    print_line(
        f"bench: {time.perf_counter() - started_all:.0f}s; results in {results_path} and {args.out / 'results.md'}"
    )
    return 1 if failed else 0


def _write(out: Path, info: dict, groups: dict, quick: bool) -> str:
    from pipeline.artifacts import write_atomic

    ordered = {name: groups[name] for name in GROUPS if name in groups}
    data = {"date": now(), "quick": quick, "machine": info, "groups": ordered}
    write_atomic(out / "results.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    table = markdown(data)
    write_atomic(out / "results.md", table)
    return table


if __name__ == "__main__":
    raise SystemExit(main())
