"""results.json → a readable markdown table (bench/results.md, and what `make bench` prints)."""

from __future__ import annotations

TITLES = {
    "transcription": "Transcription",
    "diarization": "Diarization",
    "embedded": "Embedded model",
    "corpus": "Corpus store",
    "llm": "LLM stages",
    "cache": "Cache",
}


def _value(figure: dict) -> str:
    value, unit = figure["value"], figure["unit"]
    if unit in ("", "×"):
        return f"{value}{unit}"
    return f"{value} {unit}"


def _met(figure: dict) -> str:
    return {True: "yes", False: "**no**", None: ""}[figure["met"]]


def markdown(data: dict) -> str:
    machine = data["machine"]
    lines = [
        f"# Benchmark results{' (quick sizes)' if data['quick'] else ''}",
        "",
        f"{data['date']} · {machine['cpu']} · {machine['usable_cores']} of {machine['cores']} cores · "
        f"{machine['ram_gb']} GB RAM · "
        f"Python {machine['python']} · load average at start {machine['load_average']}",
        "",
        "| group | figure | value | target | met | note |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    notes = []
    for name, group in data["groups"].items():
        title = TITLES.get(name, name)
        for figure in group["figures"]:
            note = str(figure["note"]).replace("|", "/")
            lines.append(
                f"| {title} | {figure['name']} | {_value(figure)} | {figure['target']} | {_met(figure)} | {note} |"
            )
        for skipped in group["skipped"]:
            notes.append(f"- {title}: {skipped}")
        notes.append(
            f"- {title}: measured {group['measured_at']}, {group['seconds']:.0f} s, load average "
            f"{group['details'].get('load_average_before')} → {group['details'].get('load_average_after')}"
        )
    packages = ", ".join(f"{name} {version}" for name, version in machine["packages"].items() if version)
    return "\n".join(lines + ["", *notes, "", f"Packages: {packages}.", ""])
