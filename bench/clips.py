"""Clips: seconds per clip cut by `devrel clip` (ffmpeg, exact cut, re-encoded), wide and 9:16 with burned captions,
from a 2-minute 1280x720 test video with speech (ffmpeg's test picture, espeak-ng's voice)."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

from bench.common import WORK, Group, print_line

SECONDS_TARGET = 10.0  # per 30-second clip on 2 cores


def _video(minutes: float) -> tuple[Path, Path]:
    folder = WORK / "clips"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    wav = folder / "speech.wav"
    text = "Stone ovens hold their heat for hours after the fire goes out. " * int(minutes * 12)
    subprocess.run(["espeak-ng", "-s", "150", "-w", str(wav), text], check=True, capture_output=True)
    video = folder / "talk.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=1280x720:rate=30", "-i", str(wav)]
        + ["-t", str(minutes * 60), "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", str(video)],
        check=True,
    )
    return folder, video


def run(group: Group, quick: bool, context: dict) -> None:
    from pipeline.artifacts import Source
    from pipeline.commands.clip import cut

    minutes = 1.0 if quick else 2.0
    root, video = _video(minutes)
    out = root / "out"
    out.mkdir()
    source = Source(kind="media", slug="talk", title="Ovens", path=str(video), sha256="0", size=1)
    (out / "source.json").write_text(source.to_json())
    spans = [(5.0, 35.0), (40.0, 70.0), (75.0, 105.0)] if not quick else [(5.0, 25.0), (30.0, 50.0), (52.0, 58.0)]
    srt = "1\n00:00:00,000 --> 00:00:05,000\nStone ovens hold their heat.\n"
    clips = [{"n": n, "start": a, "end": b, "score": 1.0, "srt": srt} for n, (a, b) in enumerate(spans, 1)]
    (out / "clips.json").write_text(json.dumps({"clips": clips}))
    clip_seconds = sum(b - a for a, b in spans)
    for label, vertical in (("wide, captions burned", False), ("9:16, captions burned", True)):
        print_line(f"  clips: cutting {len(spans)} clips ({label})...")
        started = time.perf_counter()
        cut(out, every=True, vertical=vertical)
        seconds = time.perf_counter() - started
        per_clip = seconds / len(spans)
        group.add(
            f"seconds per clip cut ({label}, {clip_seconds / len(spans):.0f} s clips)",
            round(per_clip, 2),
            "s",
            f"≤ {SECONDS_TARGET:.0f} s",
            per_clip <= SECONDS_TARGET,
        )
