"""Diarization: diarization error rate (DER) and speakers found, on a real meeting excerpt and on our own two-voice
recording, with CPU seconds per audio minute and peak memory.

DER is scored here, not by a package: the scorers on PyPI pull in torch or a dozen other packages. It follows
NIST md-eval: a 0.25 s collar either side of every reference boundary is not scored, and the hypothesis speakers are
mapped one-to-one onto the reference speakers to make the error smallest. It is given twice: with overlapped speech
scored (one voice per moment can at best miss the second speaker there) and with overlap regions skipped.

`python -m bench.diarization --peak FILE [--screen]` is the child process that diarizes FILE and prints its own peak
RSS (--screen: as `diarize = "auto"` does, a sample of windows first).
"""

from __future__ import annotations

import itertools
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

from bench import synthetic
from bench.common import REPO, WORK, Group, child_json, print_line

MEETING = REPO.parent / "shared" / "eval" / "audio" / "ami-dev00.wav"
COLLAR = 0.25
DER_TARGETS = {"two voices (espeak-ng)": 0.15, "meeting (AMI dev00)": 0.25}
REAL_TIME_TARGET = 0.1  # CPU seconds per audio second
RESOLUTION = 100  # scored frames per second

Turns = list[tuple[float, float, str]]


def read_rttm(path: Path) -> Turns:
    """(start, end, speaker) from RTTM's SPEAKER lines (onset and duration in fields 4 and 5, speaker in 8)."""
    turns = []
    for line in path.read_text().splitlines():
        fields = line.split()
        if fields and fields[0] == "SPEAKER":
            start, length = float(fields[3]), float(fields[4])
            turns.append((start, start + length, fields[7]))
    return turns


def _activity(turns: Turns, speakers: list[str], frames: int) -> np.ndarray:
    grid = np.zeros((len(speakers), frames), bool)
    for start, end, speaker in turns:
        grid[speakers.index(speaker), int(round(start * RESOLUTION)) : int(round(end * RESOLUTION))] = True
    return grid


def der(reference: Turns, hypothesis: Turns, collar: float = COLLAR, skip_overlap: bool = False) -> float:
    """(missed + false alarm + confused speaker time) / scored reference speech time, at 10 ms resolution."""
    frames = int(round(max(end for _, end, _ in reference + hypothesis) * RESOLUTION)) + 1
    ref_names, hyp_names = sorted({s for *_, s in reference}), sorted({s for *_, s in hypothesis})
    ref, hyp = _activity(reference, ref_names, frames), _activity(hypothesis, hyp_names, frames)
    scored = np.ones(frames, bool)
    for start, end, _ in reference:
        for edge in (start, end):
            scored[max(0, int(round((edge - collar) * RESOLUTION))) : int(round((edge + collar) * RESOLUTION))] = False
    if skip_overlap:
        scored &= ref.sum(axis=0) < 2
    ref, hyp = ref[:, scored], hyp[:, scored]
    n_ref, n_hyp = ref.sum(axis=0), hyp.sum(axis=0)
    together = ref.astype(int) @ hyp.T.astype(int)  # frames each reference speaker shares with each hypothesis one
    best = 0
    if hyp_names:  # the one-to-one mapping that matches the most frames (few speakers: try every assignment)
        small, large = sorted((len(ref_names), len(hyp_names)))
        for chosen in itertools.permutations(range(large), small):
            pairs = zip(range(small), chosen) if len(ref_names) <= len(hyp_names) else zip(chosen, range(small))
            best = max(best, sum(int(together[r, h]) for r, h in pairs))
    errors = (
        np.maximum(n_ref - n_hyp, 0).sum() + np.maximum(n_hyp - n_ref, 0).sum() + np.minimum(n_ref, n_hyp).sum() - best
    )
    return float(errors / max(n_ref.sum(), 1))


def _diarize(path: Path, screen: bool = False) -> tuple[Turns, float, float]:
    """Turns, CPU seconds and audio seconds (model load included in the CPU time, as a run pays it once)."""
    from faster_whisper.audio import decode_audio

    from pipeline.sources.diarization import speaker_turns

    audio = decode_audio(str(path), sampling_rate=16000)
    before = time.process_time()
    turns = speaker_turns(audio, threads=2, screen=screen)
    return [tuple(turn) for turn in turns], time.process_time() - before, len(audio) / 16000


def _score(group: Group, name: str, path: Path, reference: Turns) -> dict:
    turns, cpu, seconds = _diarize(path)
    scored, skipped = der(reference, turns), der(reference, turns, skip_overlap=True)
    found, true = len({s for *_, s in turns}), len({s for *_, s in reference})
    target = DER_TARGETS[name]
    group.add(
        f"DER, {name}",
        round(scored * 100, 1),
        "%",
        f"≤ {target:.0%}",
        scored <= target,
        f"overlap skipped: {skipped:.1%}; collar {COLLAR} s; {seconds:.0f} s of audio",
    )
    group.add(f"speakers found, {name}", f"{found} of {true}", "", "right count", found == true)
    print_line(f"  {name}: DER {scored:.1%} ({skipped:.1%} overlap skipped), {found}/{true} speakers, {cpu:.1f} s CPU")
    return {
        "file": path.name,
        "duration_s": round(seconds, 2),
        "cpu_s": round(cpu, 2),
        "der": round(scored, 4),
        "der_overlap_skipped": round(skipped, 4),
        "speakers_found": found,
        "speakers_true": true,
        "turns": turns,
    }


def run(group: Group, quick: bool, context: dict) -> None:
    two = WORK / "two-voices.wav"
    truth = synthetic.two_voices(two)
    group.details["two_voices"] = _score(group, "two voices (espeak-ng)", two, truth)
    if MEETING.exists():
        group.details["meeting"] = _score(
            group, "meeting (AMI dev00)", MEETING, read_rttm(MEETING.with_suffix(".rttm"))
        )
    else:
        group.skipped.append(f"meeting excerpt: {MEETING} is absent (../shared not beside the repo)")
    minutes = 3 if quick else 20  # 20 min is past MAX_POINTS windows: the pooled clustering of long talks runs
    long = WORK / f"two-voices-{minutes}min.wav"
    long_truth = synthetic.two_voices(long, synthetic.interview_lines(minutes))
    data, _children = child_json(["bench.diarization", "--peak", str(long)], timeout=3600)
    hypothesis = [tuple(turn) for turn in data.pop("turns")]
    scored, found = der(long_truth, hypothesis), len({s for *_, s in hypothesis})
    group.add(
        f"DER, {data['duration_s'] / 60:.0f} min of two voices",
        round(scored * 100, 1),
        "%",
        "≤ 15%",
        scored <= 0.15,
        f"{len(long_truth)} turns; {found} of 2 speakers found",
    )
    per_minute = data["cpu_s"] / data["duration_s"] * 60
    group.add(
        "CPU seconds per audio minute",
        round(per_minute, 2),
        "s",
        f"≤ {REAL_TIME_TARGET * 60:.0f} (0.1× real time)",
        per_minute <= REAL_TIME_TARGET * 60,
        f"{data['duration_s'] / 60:.0f} min of two voices, model load included, 2 threads; wall {data['wall_s']:.1f} s",
    )
    group.add(
        "peak memory diarizing",
        round(data["maxrss_kb"] / 1024**2, 3),
        "GB",
        note=f"child process ru_maxrss, {data['duration_s'] / 60:.0f} min of audio, decoding included",
    )
    group.details["long"] = data | {"der": round(scored, 4), "speakers_found": found}
    one = WORK / f"one-voice-{minutes}min.wav"
    synthetic.two_voices(one, synthetic.interview_lines(minutes), voices=synthetic.TWO_VOICES[:1])
    data, _children = child_json(["bench.diarization", "--peak", str(one), "--screen"], timeout=3600)
    found = len({s for *_, s in data.pop("turns")})
    per_minute = data["cpu_s"] / data["duration_s"] * 60
    group.add(
        "CPU seconds per audio minute, one voice (a talk)",
        round(per_minute, 2),
        "s",
        note=f"diarize = auto: a "
        f"sample of windows heard first; {data['duration_s'] / 60:.0f} min, {found} speaker(s) found",
    )
    group.details["one_voice"] = data | {"speakers_found": found}


def _peak(path: str, screen: bool) -> None:
    started = time.perf_counter()
    turns, cpu, seconds = _diarize(Path(path), screen)
    print(
        json.dumps(
            {
                "file": Path(path).name,
                "duration_s": round(seconds, 2),
                "cpu_s": round(cpu, 2),
                "wall_s": round(time.perf_counter() - started, 2),
                "turns": turns,
                "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            }
        )
    )


if __name__ == "__main__":
    if len(sys.argv) in (3, 4) and sys.argv[1] == "--peak":
        _peak(sys.argv[2], sys.argv[3:] == ["--screen"])
    else:
        print("usage: python -m bench.diarization --peak FILE [--screen]", file=sys.stderr)
        raise SystemExit(2)
