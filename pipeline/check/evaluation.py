"""`make eval`: run the pipeline over a folder of real talk transcripts and score the drafts as a reader would.

    python -m pipeline.check.evaluation [--dir DIR] [--model NAME ...] [--out eval]

Every transcript under DIR (.txt .md .srt .vtt .json, recursively; default ../shared/eval beside the checkout, else the
bundled sample) goes through `devrel run` once per model, into OUT/runs/<model>/ (a rerun hits the pipeline's cache).
Each talk is scored with `devrel check`'s own reader checks (pipeline.check.reader): fragment and repeated quotes,
restated answers, copies, banned phrases and openers, names not in the source, and the blog's length against the
talk's. OUT/results.json and OUT/results.md give the figures per talk and in total, with targets and met / not met,
as bench/ does. A talk that fails is reported, not fatal.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Callable

from pipeline.analysis.similarity import COPY
from pipeline.artifacts import Transcript
from pipeline.check.drafts import check_report
from pipeline.check.judge import figures as judged, judge_llm, verdict
from pipeline.check.reader import words
from pipeline.config import Settings, load_settings
from pipeline.errors import DevrelError, UserError
from pipeline.kinds import DRAFT_FILES
from pipeline.llm.client import LLM
from pipeline.rules import FIRED, RULES
from pipeline.runner import Reporter, run_source

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "eval"
SAMPLE = REPO / "pipeline" / "samples" / "devrel-in-five-minutes.ogg"
MODELS = ["qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b"]  # the default first; the smaller one reported beside it
SUFFIXES = (".txt", ".md", ".srt", ".vtt", ".json")
DRAFTS = DRAFT_FILES
BLOG_RATIO, BLOG_MAX = 0.3, 2000

ZERO = ("= 0", lambda value: value == 0)
BELOW = (f"< {COPY}", lambda value: value < COPY)
# The counts are `devrel check`'s problems, by category: figure → category.
COUNTS = {
    "unverified_quotes": "quotes",
    "fragment_quotes": "fragments",
    "repeated_quotes": "repeats",
    "restated_answers": "restated",
    "copies": "copies",
    "banned_phrases": "phrases",
    "banned_openers": "openers",
    "unknown_names": "names",
    "borrowed_text": "borrowed",
}
SIMILARITIES = [
    "similarity_x_posts",
    "similarity_video_hooks",
    "similarity_titles",
    "similarity_community",
    "similarity_community_summary",
    "similarity_linkedin_summary",
]
# figure → (unit, how the total is made: sum / max / ratio, (target, met when) or None for no target)
FIGURES: dict[str, tuple[str, str, tuple[str, Callable] | None]] = {
    "quotes": ("quotes", "sum", None),
    **{name: ("", "sum", ZERO) for name in COUNTS},
    "false_injection_marks": ("sentences", "sum", ZERO),
    "unsupported_sentences": (
        "sentences",
        "sum",
        None,
    ),  # counted, not failed: a person's edit may add to the talk  # real talks address the audience, never the model
    "blog_words": ("words", "max", (f"≤ {BLOG_MAX}", lambda value: value <= BLOG_MAX)),
    "talk_words": ("words", "sum", None),
    "blog_ratio": ("×", "ratio", None),  # its target needs the talk's words too: see ratio_met
    **{name: ("", "max", BELOW) for name in SIMILARITIES},
    "seconds": ("s", "sum", None),
    "llm_calls": ("calls", "sum", None),
    "tokens_in": ("tokens", "sum", None),
    "tokens_out": ("tokens", "sum", None),
}
RATIO_TARGET = f"≥ {BLOG_RATIO} (or ≥ {int(BLOG_MAX * 0.9)} words)"


def ratio_met(blog: int, talk: int) -> bool:
    """About a third of the talk, but at most ~2,000 words: a long talk's blog meets it near the cap."""
    return blog >= min(BLOG_RATIO * talk, BLOG_MAX * 0.9)


# Talks


def talks(root: Path) -> list[Path]:
    """Transcript files under `root` (or `root` itself), skipping licences, read-mes and our own output folders."""
    if root.is_file():
        return [root]
    found = []
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if not path.is_file() or path.suffix.lower() not in SUFFIXES or any(part.startswith(".") for part in parts):
            continue
        notes = path.name.upper().startswith(("LICENSE", "README")) or path.stem.isupper()  # RUBRIC.md, NOTES.txt
        if notes or (path.parent / "manifest.json").exists():
            continue
        found.append(path)
    return found


def default_dir() -> Path:
    return SHARED if SHARED.is_dir() else SAMPLE


def label(talk: Path, root: Path) -> str:
    return talk.name if root.is_file() else talk.relative_to(root).as_posix()


# Measuring one talk's drafts


def false_injection_marks(folder: Path) -> int:
    """Sentences of a real talk marked as addressed to the model (issue 14; safety.redteam has the planted cases)."""
    transcript = Transcript.model_validate_json((folder / "transcript.json").read_text(encoding="utf-8"))
    return sum(segment.mark == "injection" for segment in transcript.segments)


def talk_words(folder: Path) -> int:
    """The talk's spoken words: speech segments only (not stage directions, page furniture, host or audience)."""
    transcript = Transcript.model_validate_json((folder / "transcript.json").read_text(encoding="utf-8"))
    return sum(words(segment.text) for segment in transcript.speech())


def cost(folder: Path) -> dict[str, float]:
    """What making the drafts on disk took, per manifest.json (one record per stage): the same after a cached rerun."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    stages = {record["stage"]: record for record in manifest.get("artifacts", {}).values()}
    keys = ("seconds", "llm_calls", "tokens_in", "tokens_out")
    totals = {key: sum(record.get(key, 0) for record in stages.values()) for key in keys}
    return totals | {"seconds": round(totals["seconds"], 1)}


def measure(folder: Path, prompts: str | None = None, corpus: Path | None = None) -> dict[str, float | int | None]:
    """Every figure for one output folder, from `devrel check`'s report of its three drafts."""
    reports = [report for report in check_report(folder, prompts, corpus).files if report.path.name in DRAFTS]
    figures: dict[str, float | int | None] = {"quotes": sum(report.quotes_total for report in reports)}
    for name, category in COUNTS.items():
        figures[name] = sum(len(report.problems.get(category, [])) for report in reports)
    found = {key: value for report in reports for key, value in report.figures.items()}
    blog, talk = found.get("blog_words"), talk_words(folder)
    ratio = round(blog / talk, 3) if blog is not None and talk else None
    figures |= {"blog_words": blog, "talk_words": talk, "blog_ratio": ratio}
    figures["false_injection_marks"] = false_injection_marks(folder)
    figures |= {name: found.get(name) for name in SIMILARITIES}
    figures["unsupported_sentences"] = sum(report.figures.get("unsupported_sentences", 0) for report in reports)
    return figures | cost(folder)


def scored(values: dict) -> dict[str, dict]:
    """Figures with unit, target and met, the way bench/ writes them."""
    from bench.common import Figure

    result = {}
    for name, (unit, _, goal) in FIGURES.items():
        value = values.get(name)
        target, met = (goal[0], None if value is None else goal[1](value)) if goal else ("", None)
        if name == "blog_ratio":
            blog, talk = values.get("blog_words"), values.get("talk_words")
            target, met = RATIO_TARGET, None if blog is None or not talk else ratio_met(blog, talk)
        result[name] = asdict(Figure(name, value, unit, target, met))
    return result


def totals(entries: list[dict]) -> dict[str, dict]:
    """Counts and costs add up, similarities and the blog's length take the worst talk, the ratio is words over
    words; a target is met in total only when every talk met it (and no talk failed)."""
    from bench.common import Figure

    done = [entry["figures"] for entry in entries if entry["status"] == "ok"]
    values = {}
    for name, (_, how, _) in FIGURES.items():
        present = [figures[name]["value"] for figures in done if figures[name]["value"] is not None]
        values[name] = (sum(present) if how == "sum" else max(present)) if present and how != "ratio" else None
    if values["talk_words"]:
        blog = sum(figures["blog_words"]["value"] or 0 for figures in done)
        values["blog_ratio"] = round(blog / values["talk_words"], 3)
    result = scored(values)
    for name, figure in result.items():
        if figure["target"]:
            figure["met"] = bool(done) and len(done) == len(entries) and all(figures[name]["met"] for figures in done)
    failed = len(entries) - len(done)
    result["failed_talks"] = asdict(Figure("failed_talks", failed, "", "= 0", failed == 0))
    return result


# Running


class Progress(Reporter):
    """A long evaluation says what it is doing, a line per stage."""

    def stage(self, name: str, cached: bool, seconds: float) -> None:
        say(f"  {name}: {'cached' if cached else f'{seconds:.1f} s'}")


def evaluate_talk(talk: Path, name: str, settings: Settings, llm: LLM, judge: LLM | None = None) -> dict:
    """Run one talk through the pipeline and measure its drafts. Anything that goes wrong is this talk's entry
    (status failed, the error's first line), never the end of an evaluation of many talks."""
    entry = {"talk": name, "status": "ok", "error": None, "folder": None, "this_run": None, "figures": scored({})}
    before = Counter(FIRED)
    try:
        result = run_source(talk, settings, llm=llm, reporter=Progress())
        entry["rules_fired"] = dict(Counter(FIRED) - before)  # what the stages refused: a rule that never fires goes
        entry["folder"] = str(result.folder)
        entry["this_run"] = {
            "seconds": result.seconds,
            "llm_calls": result.llm_calls,
            "stages_run": result.stages_run,
            "stages_cached": result.stages_cached,
            "warnings": result.warnings,
        }
        if result.error:
            raise DevrelError(result.error)
        entry["figures"] = scored(measure(result.folder, settings.prompts, Path(settings.corpus)))
    except Exception as error:  # noqa: BLE001 - see the docstring
        entry["status"], entry["error"] = "failed", (str(error).splitlines() or [type(error).__name__])[0]
    if judge is not None and entry["status"] == "ok":
        try:
            entry["judged"] = judged(verdict(judge, talk, Path(entry["folder"]), settings.prompts))
        except Exception as error:  # noqa: BLE001 - a judge that fails leaves the counts standing
            entry["judged"] = {"error": (str(error).splitlines() or [type(error).__name__])[0]}
    return entry


def evaluate_model(model: str, root: Path, out: Path, judge: LLM | None = None) -> dict:
    settings = load_settings({"local_model": model})
    llm = LLM(settings)  # one client (and one embedded server) for every talk of this model
    entries = []
    try:
        for talk in talks(root):
            name = label(talk, root)
            where = out / "runs" / model / Path(name).parent
            say(f"{model} {name}")
            entry = evaluate_talk(talk, name, settings.model_copy(update={"out": str(where)}), llm, judge)
            say(f"{model} {name}: {entry['status']}" + (f": {entry['error']}" if entry["error"] else ""))
            entries.append(entry)
    finally:
        llm.close()
    return {"llm": llm.name, "talks": entries, "total": totals(entries)}


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def evaluate(root: Path, models: list[str], out: Path, judge: LLM | None = None) -> dict:
    from bench.common import machine, now

    found = talks(root)
    if not found:
        raise UserError(f"no transcripts ({', '.join(SUFFIXES)}) under {root}")
    data = {
        "date": now(),
        "dir": str(root),
        "talks": [label(talk, root) for talk in found],
        "machine": machine(),
        "judge": judge.name if judge else None,
        "models": {model: evaluate_model(model, root, out, judge) for model in models},
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (out / "results.md").write_text(markdown(data), encoding="utf-8")
    return data


# results.md


def _cell(figure: dict) -> str:
    from bench.report import _value

    if figure["value"] is None:
        return "–"
    return _value(figure) + (" ✗" if figure["met"] is False else "")


def markdown(data: dict) -> str:
    """Totals per model side by side, then a table per model with a column per talk."""
    from bench.report import _met

    models = list(data["models"])
    lines = [
        "# Draft quality on real talks",
        "",
        f"{data['date']} · {data['dir']} · {len(data['talks'])} talk(s) · "
        f"{data['machine']['cpu']} · {data['machine']['usable_cores']} cores",
        "",
        "## Totals",
        "",
        "| figure | target | " + " | ".join(f"{model} | met" for model in models) + " |",
        "| --- | --- |" + " --- | --- |" * len(models),
    ]
    for name, figure in data["models"][models[0]]["total"].items():
        each = [data["models"][model]["total"][name] for model in models]
        cells = " | ".join(f"{_cell(one)} | {_met(one)}" for one in each)
        lines.append(f"| {name} | {figure['target']} | {cells} |")
    for model in models:
        lines += _model_table(model, data["models"][model])
        lines += _rules_table(model, data["models"][model])
        lines += _judged_table(model, data["models"][model], data.get("judge"))
    return "\n".join(lines) + "\n"


JUDGED = ["keep_rate", "wrong_items", "publishable", "readable", "factual_errors", "ideas_conveyed", "headings_fit"]


def _per_talk(heading: str, first: str, entries: list[dict]) -> list[str]:
    """A table with a column per talk, under its heading."""
    names = " | ".join(Path(entry["talk"]).stem[:24] for entry in entries)
    return ["", f"## {heading}", "", f"| {first} | {names} |", "| --- |" + " --- |" * len(entries)]


def _rules_table(model: str, result: dict) -> list[str]:
    """How often each shared rule refused something in the stages, per talk: a rule that never fires goes."""
    entries = result["talks"]
    lines = _per_talk(f"{model}: rules that fired in the stages", "rule", entries)
    for name in RULES:
        lines.append(
            f"| {name} | " + " | ".join(str(entry.get("rules_fired", {}).get(name, 0)) for entry in entries) + " |"
        )
    return lines


def _judged_table(model: str, result: dict, judge: str | None) -> list[str]:
    """The rubric's figures per talk when a judge read the drafts; else a line saying what the counts are."""
    if not judge:
        return [
            "",
            "No judge read these drafts: the figures above are the pipeline's own checks (lint), not an "
            "editor's verdict. `make eval JUDGE=URL` adds the rubric's.",
        ]
    entries = result["talks"]
    lines = _per_talk(f"{model}: an editor's rubric per talk (judge: {judge})", "figure", entries)
    for name in [*JUDGED, "worst_problem", "error"]:
        cells = [str((entry.get("judged") or {}).get(name, "–")).replace("|", "/") for entry in entries]
        if name == "error" and all(cell == "–" for cell in cells):
            continue
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def _model_table(model: str, result: dict) -> list[str]:
    entries = result["talks"]
    names = [Path(entry["talk"]).stem[:24] for entry in entries]
    lines = [
        "",
        f"## {model} per talk ({result['llm']})",
        "",
        "| figure | target | " + " | ".join(names) + " |",
        "| --- | --- |" + " --- |" * len(names),
    ]
    for name in FIGURES:
        target = entries[0]["figures"][name]["target"] if entries else ""
        lines.append(f"| {name} | {target} | " + " | ".join(_cell(entry["figures"][name]) for entry in entries) + " |")
    failed = [f"- {entry['talk']}: failed: {entry['error']}" for entry in entries if entry["status"] != "ok"]
    return lines + ([""] + failed if failed else [])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.check.evaluation", description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, help="a folder of transcripts or one file (default: ../shared/eval)")
    parser.add_argument("--model", nargs="+", action="extend", help=f"embedded model(s) (default: {' '.join(MODELS)})")
    parser.add_argument("--out", type=Path, default=Path("eval"), help="where runs/, results.json and results.md go")
    parser.add_argument("--judge", help="an OpenAI-compatible endpoint whose model applies the editor's rubric")
    parser.add_argument("--judge-model", help="the judge endpoint's model name")
    args = parser.parse_args(argv)
    root = args.dir or default_dir()
    try:
        if not root.exists():
            raise UserError(f"{root} does not exist; give --dir a folder of transcripts (or EVAL_DIR= to make eval)")
        judge = judge_llm(args.judge, args.judge_model, os.environ.get("JUDGE_KEY")) if args.judge else None
        evaluate(root, args.model or MODELS, args.out, judge)
    except UserError as error:
        say(f"error: {error}")
        return 2
    say(f"wrote {args.out / 'results.json'} and {args.out / 'results.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
