"""Inputs the benchmark generates: a long talk transcript (.srt), a corpus folder, a long recording.

Sentences are built from templates and vocabularies with a fixed seed: varied and plausible enough that chunking,
tokenising and embedding behave as on real talks, and identical on every run, so figures compare across runs.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
from pathlib import Path

from pipeline.format.text import srt_time

WORDS_PER_MINUTE = 150

TOPICS = [
    "content-addressed caching",
    "vector search",
    "rate limiting",
    "incremental builds",
    "structured logging",
    "feature flags",
    "schema migrations",
    "retry budgets",
    "embedding models",
    "prompt templates",
    "continuous integration",
    "release notes",
    "API versioning",
    "load shedding",
    "observability dashboards",
    "on-call rotations",
    "dependency pinning",
    "local-first tools",
    "speech recognition",
    "batch pipelines",
]
THINGS = [
    "the cache key",
    "the manifest",
    "our CLI",
    "the staging cluster",
    "the vector store",
    "the retry loop",
    "a lock file",
    "the review page",
    "the build graph",
    "the request log",
    "the config file",
    "the test suite",
    "a small model",
    "the batch runner",
    "the SDK",
    "the changelog",
    "the ingest step",
    "the rollout plan",
]
PEOPLE = [
    "a newcomer",
    "a maintainer",
    "our support team",
    "a practitioner",
    "the community",
    "a first-time contributor",
]
VERBS = [
    "breaks",
    "hides",
    "explains",
    "speeds up",
    "simplifies",
    "slows down",
    "protects",
    "replaces",
    "measures",
    "documents",
]
ADJECTIVES = [
    "boring",
    "fragile",
    "predictable",
    "expensive",
    "surprising",
    "slow",
    "cheap",
    "explicit",
    "noisy",
    "safe",
]
NUMBERS = ["two", "three", "five", "ten", "forty", "a hundred", "a thousand"]
UNITS = ["milliseconds", "seconds", "minutes", "requests", "files", "tokens", "gigabytes", "weeks"]
OPENERS = [
    "So",
    "Now",
    "Honestly,",
    "And",
    "Here's the thing:",
    "Okay,",
    "Right,",
    "In practice,",
    "The short version:",
    "Look,",
]

TEMPLATES = [
    "{opener} when {thing} gets {adj}, {people} notices it long before any dashboard does.",
    "We learned that {topic} is mostly about making {thing} {adj}, not clever.",
    "{opener} the first time we tried {topic}, {thing} took {number} {unit} and nobody knew why.",
    "If you remember one thing about {topic}, it is that {thing} {verb} everything downstream.",
    "A question we get a lot from {people}: does {topic} really need {thing}?",
    "{opener} the answer is yes, but only if {thing} stays {adj} under load.",
    "We measured it: with {topic} in place, {thing} went from {number} {unit} to almost nothing.",
    "The trade-off is that {thing} {verb} the failure, so {people} has to read the logs.",
    "{opener} I would not start with {topic}; I would start by writing down what {thing} is for.",
    "Our rule of thumb is {number} {unit} per change, and {thing} enforces it for us.",
    "What surprised us was how {adj} {thing} became once {topic} was the default.",
    "{opener} {people} asked whether {thing} could skip {topic} entirely, and that was a fair question.",
    "You can see it in the demo: {thing} {verb} the slow path, and the fast path stays {adj}.",
    "For {people}, the docs now explain {topic} in {number} short steps instead of one long page.",
    "The mistake we made was treating {topic} as a feature, when it is really a property of {thing}.",
    "{opener} we kept {thing} {adj} on purpose, because {topic} punishes clever code.",
    "When {thing} fails, we want the error to say what happened and which command fixes it.",
    "There are {number} ways to get {topic} wrong, and we have tried most of them with {thing}.",
    "{opener} the pull request that added {topic} was small; the discussion around {thing} was not.",
    "Let me show you what {people} sees when {thing} {verb} a release.",
]


def sentence(rng: random.Random, topic: str | None = None) -> str:
    text = rng.choice(TEMPLATES).format(
        opener=rng.choice(OPENERS),
        thing=rng.choice(THINGS),
        adj=rng.choice(ADJECTIVES),
        people=rng.choice(PEOPLE),
        topic=topic or rng.choice(TOPICS),
        verb=rng.choice(VERBS),
        number=rng.choice(NUMBERS),
        unit=rng.choice(UNITS),
    )
    return text[0].upper() + text[1:]


def talk_segments(minutes: float, seed: int = 7) -> list[tuple[float, float, str]]:
    """(start, end, text) segments of a talk: one or two sentences each, topics drifting every few minutes."""
    rng = random.Random(seed)
    segments, clock, words_wanted = [], 0.0, minutes * WORDS_PER_MINUTE
    words, topic = 0, rng.choice(TOPICS)
    while words < words_wanted:
        if rng.random() < 0.03:
            topic = rng.choice(TOPICS)
        text = " ".join(sentence(rng, topic if rng.random() < 0.6 else None) for _ in range(rng.choice((1, 1, 2))))
        count = len(text.split())
        seconds = count * 60 / WORDS_PER_MINUTE
        segments.append((round(clock, 2), round(clock + seconds, 2), text))
        clock += seconds + 0.3
        words += count
    return segments


def talk_srt(path: Path, minutes: float) -> Path:
    """A subtitle file of a `minutes`-long talk (kept when it already exists)."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    blocks = [
        f"{i}\n{srt_time(a)} --> {srt_time(b)}\n{text}\n" for i, (a, b, text) in enumerate(talk_segments(minutes), 1)
    ]
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(blocks), encoding="utf-8")
    tmp.replace(path)
    return path


def corpus_folder(root: Path, files: int, sections: int, seed: int = 11) -> Path:
    """`files` markdown files with front matter, `sections` headed paragraphs each (one ~500-650 char chunk apiece)."""
    marker = root / f".made-{files}x{sections}"
    if marker.exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    rng = random.Random(seed)
    kinds = [("blog", "blog"), ("community", "community"), ("question", "questions"), ("hook", "hooks")]
    for number in range(files):
        kind, folder = kinds[number % len(kinds)]
        topic = rng.choice(TOPICS)
        lines = [
            "---",
            f"type: {kind}",
            f'title: "Notes on {topic}, part {number}"',
            f"date: 2025-{number % 12 + 1:02d}-{number % 28 + 1:02d}",
            f"tags: [{topic.replace(',', '')}, bench]",
            "language: en",
            "---",
            "",
        ]
        for index in range(sections):
            lines += [f"## {topic.capitalize()}: point {index + 1}", ""]
            paragraph = ""
            while len(paragraph) < 500:
                paragraph += sentence(rng, topic if rng.random() < 0.5 else None) + " "
            lines += [paragraph.strip(), ""]
        path = root / folder / f"bench-{number:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines), encoding="utf-8")
    marker.write_text("")
    return root


def queries(count: int, seed: int = 13) -> list[str]:
    """Questions a drafter would send to the store."""
    rng = random.Random(seed)
    forms = [
        "How do we keep {thing} {adj}?",
        "What does {topic} change for {people}?",
        "Why is {thing} slow?",
        "When should we add {topic}?",
        "{topic} pitfalls",
        "How does {thing} handle {topic}?",
    ]
    return [
        rng.choice(forms).format(
            thing=rng.choice(THINGS), adj=rng.choice(ADJECTIVES), topic=rng.choice(TOPICS), people=rng.choice(PEOPLE)
        )
        for _ in range(count)
    ]


def long_recording(source: Path, path: Path, minutes: float) -> Path:
    """The sample repeated to about `minutes` (sox), in the sample's own format (kept when it already exists)."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    length = float(subprocess.run(["soxi", "-D", str(source)], capture_output=True, text=True, check=True).stdout)
    repeats = max(0, round(minutes * 60 / length) - 1)
    tmp = path.with_name(".tmp-" + path.name)
    subprocess.run(["sox", str(source), str(tmp), "repeat", str(repeats)], check=True, capture_output=True)
    tmp.replace(path)
    return path


# Two voices taking turns: an interview the diarization figures and tests can check against, since the turn times
# are known exactly. Two espeak-ng voices stand in for two people: a low British male and a high American female.
# espeak's voices share one synthesiser, so most pairs sound alike to a speaker model (cosine 0.75-0.8 between
# en-us and en-gb+f3, as close as one voice to itself); this pair measured 0.36 apart against 0.72-0.82 within.
TWO_VOICES = (("-v", "en-gb", "-p", "20"), ("-v", "en-us+f2", "-p", "80"))
INTERVIEW = [
    "Welcome back to the show. Today we are talking about caching in data pipelines.",
    "Thanks for having me. Caching is the part of a pipeline that nobody notices until it breaks.",
    "So what goes into a cache key, and why does it matter so much?",
    "Every step hashes its inputs, its prompt and its model name. If any of those change, the step runs again.",
    "And what happens when a person edits one of the drafts by hand?",
    "The edit is never overwritten. The new version is written beside it, so the reviewer can compare the two.",
]


def two_voices(
    path: Path, lines: list[str] = INTERVIEW, voices: tuple[tuple[str, ...], ...] = TWO_VOICES, gap: float = 0.5
) -> list[tuple[float, float, str]]:
    """A 16 kHz WAV of `lines` spoken by alternating espeak-ng voices, `gap` seconds of silence between turns;
    returns the true turns (start, end, SPEAKER_n), trimmed to where each voice is audible. The turns are kept
    beside the file (.turns.json): a file made before is reused."""
    import json
    import wave

    import numpy as np
    from faster_whisper.audio import decode_audio

    record = path.with_suffix(".turns.json")
    if path.exists() and record.exists() and json.loads(record.read_text())["lines"] == list(lines):
        return [tuple(turn) for turn in json.loads(record.read_text())["turns"]]

    rate, pieces, turns, clock = 16000, [], [], 0.0
    with tempfile.TemporaryDirectory() as folder:
        for index, line in enumerate(lines):
            raw = Path(folder) / f"{index}.wav"
            subprocess.run(["espeak-ng", *voices[index % len(voices)], "-s", "160", "-w", str(raw), line], check=True)
            audio = decode_audio(str(raw), sampling_rate=rate)
            audible = np.flatnonzero(np.abs(audio) > 1e-3)
            audio = audio[audible[0] : audible[-1] + 1]
            turns.append((round(clock, 3), round(clock + len(audio) / rate, 3), f"SPEAKER_{index % len(voices) + 1}"))
            pieces += [audio, np.zeros(int(gap * rate), np.float32)]
            clock += len(audio) / rate + gap
    samples = (np.clip(np.concatenate(pieces), -1, 1) * 32767).astype("<i2")
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    record.write_text(json.dumps({"lines": list(lines), "turns": turns}))
    return turns


def interview_lines(minutes: float) -> list[str]:
    """Turns for a long two-voice recording: the synthetic talk's sentences, never repeated (a recording repeated
    end to end gives identical voice prints, which no real interview has)."""
    return [text for *_, text in talk_segments(minutes, seed=17)]
