"""`devrel clip OUT`: the clips a run chose (clips.json), cut from the recording with ffmpeg.

Each cut is exact (seek and duration, re-encoded), optionally 9:16 (a centre crop), with its captions burned in or
carried as a subtitle track; an audio-only recording becomes an audiogram (its waveform, captions on it). A cut is
written to a temporary name and renamed when ffmpeg has finished: a half-written clip is never left behind.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from pipeline.artifacts import Source
from pipeline.errors import StageError, UserError

WIDE, TALL = (1280, 720), (1080, 1920)
CAPTIONS = ("burn", "srt", "none")
CAPTION_STYLE = "FontName=DejaVu Sans,FontSize=14,Outline=2,MarginV=40"


def chosen_clips(folder: Path, count: int | None = None, every: bool = False) -> list[dict]:
    """The clips.json entries to cut: the `count` best (by score), or all; in the order spoken."""
    path = folder / "clips.json"
    if not path.is_file():
        raise UserError(
            f"{folder}: no clips.json; run `devrel run SOURCE --out ...` first (clips come with the drafts)"
        )
    found = json.loads(path.read_text(encoding="utf-8")).get("clips", [])
    if not found:
        raise UserError(
            f"{folder}: clips.json holds no clips (the source has no times, or is too short); run it from a recording"
        )
    if count is not None and count < 1:
        raise UserError(f"--n {count}: give 1 or more")
    best = found if every else sorted(found, key=lambda clip: -clip.get("score", 0))[: count or 3]
    return sorted(best, key=lambda clip: clip["start"])


def media_of(folder: Path, given: Path | None) -> Path:
    """The recording to cut: --media, else the one source.json names (a local file, or a downloaded video)."""
    if given is not None:
        if not given.is_file():
            raise UserError(f"{given}: no such recording; check the --media path")
        return given
    source_json = folder / "source.json"
    if not source_json.is_file():
        raise UserError(f"{folder}: not a run's output folder (no source.json); pass the folder `devrel run` made")
    source = Source.model_validate_json(source_json.read_text(encoding="utf-8"))
    if source.kind != "media" or not source.path:
        raise UserError(
            f"{folder}: no media to cut (the source was a {source.kind} file); pass the recording with --media FILE"
        )
    if not Path(source.path).is_file():
        raise UserError(f"{source.path}: the recording is gone; pass it with --media FILE")
    return Path(source.path)


def has_video(media: Path) -> bool:
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v", "-show_entries", "stream=codec_type", "-of", "json", media],
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        raise UserError(f"{media}: not a recording ffprobe can read; pass an audio or video file")
    streams = json.loads(probe.stdout or "{}").get("streams", [])
    return any(stream.get("codec_type") == "video" for stream in streams)


def ffmpeg_command(
    media: Path, clip: dict, srt: Path, target: Path, video: bool, vertical: bool, captions: str
) -> list[str]:
    """One exact cut: seek to the clip's start, keep its duration, re-encode (H.264/AAC, MP4)."""
    width, height = TALL if vertical else WIDE
    start, seconds = float(clip["start"]), float(clip["end"]) - float(clip["start"])
    command = ["ffmpeg", "-v", "error", "-y", "-ss", f"{start:.3f}", "-t", f"{seconds:.3f}", "-i", str(media)]
    if captions == "srt":
        command += ["-i", str(srt)]
    burn = f"subtitles={srt.name}:force_style='{CAPTION_STYLE}'" if captions == "burn" else ""
    if video:
        filters = [f"scale={width}:{height}:force_original_aspect_ratio=increase", f"crop={width}:{height}"]
        filters = (filters if vertical else []) + ([burn] if burn else [])
        command += (["-vf", ",".join(filters)] if filters else []) + ["-map", "0:v:0", "-map", "0:a:0?"]
    else:  # an audiogram: the clip's waveform as its picture
        waves = f"[0:a]showwaves=s={width}x{height}:mode=cline:colors=white,format=yuv420p"
        command += ["-filter_complex", waves + (f",{burn}" if burn else "") + "[v]", "-map", "[v]", "-map", "0:a:0"]
    if captions == "srt":
        command += ["-map", "1:0", "-c:s", "mov_text"]
    command += ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p"]
    command += ["-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart", "-f", "mp4", str(target)]
    return command


def cut(
    folder: Path,
    count: int | None = None,
    every: bool = False,
    vertical: bool = False,
    captions: str = "burn",
    media: Path | None = None,
) -> list[Path]:
    """Cut the chosen clips into OUT/clips/clip-N.mp4, each with its clip-N.srt beside it."""
    if captions not in CAPTIONS:
        raise UserError(f"--captions {captions}: give burn, srt or none")
    folder = Path(folder).resolve()  # ffmpeg runs in the clips folder: every path it gets is absolute
    clips = chosen_clips(folder, count, every)
    recording = media_of(folder, media)
    video = has_video(recording)
    out = folder / "clips"
    out.mkdir(exist_ok=True)
    made = []
    for clip in clips:
        name = f"clip-{clip['n']}"
        srt = out / f"{name}.srt"
        _write(srt, clip.get("srt", ""))
        target, partial = out / f"{name}.mp4", out / f".{name}.part.mp4"
        command = ffmpeg_command(recording.resolve(), clip, srt, partial, video, vertical, captions)
        done = subprocess.run(command, cwd=out, capture_output=True, text=True)
        if done.returncode != 0:
            partial.unlink(missing_ok=True)
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise StageError(f"ffmpeg could not cut {name} from {recording}: {last}")
        os.replace(partial, target)
        made.append(target)
    return made


def _write(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.part")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
