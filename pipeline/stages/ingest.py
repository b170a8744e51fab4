"""ingest: a local recording or transcript file becomes a `Source` (what it is, its hash, duration, title)."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.artifacts import Source, file_title, sha256_file
from pipeline.errors import UserError

SUBTITLE_SUFFIXES = {".srt", ".vtt", ".ass", ".ssa", ".sub"}
TEXT_SUFFIXES = {".txt", ".md"}
TRANSCRIPT_SUFFIXES = {".json"}


def slug_for(name: str) -> str:
    """A folder name from a title or file stem; keeps CJK characters, drops punctuation."""
    slug = re.sub(r"[^\w]+", "-", name.lower(), flags=re.UNICODE).strip("-_")
    return slug[:80] or "source"


def kind_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in SUBTITLE_SUFFIXES:
        return "subtitles"
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in TRANSCRIPT_SUFFIXES:
        return "transcript"
    return "media"


def check_path(path: Path) -> Path:
    """Refuse what cannot be a source before any work starts."""
    if not path.exists():
        raise UserError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise UserError(f"{path}: is a directory; pass a recording or a transcript file")
    if path.stat().st_size == 0:
        raise UserError(f"{path}: the file is empty; pass a recording or a transcript with content")
    return path


def media_duration(path: Path) -> float:
    """Probe with PyAV (what faster-whisper decodes with): a file it cannot open is not a recording."""
    import av

    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise UserError(f"{path}: has no audio track; pass a recording with speech")
            stream = container.streams.audio[0]
            if container.duration:
                return container.duration / 1_000_000
            if stream.duration and stream.time_base:
                return float(stream.duration * stream.time_base)
            return 0.0
    except UserError:
        raise
    except Exception:
        raise UserError(
            f"{path}: not an audio/video file that can be decoded (corrupt, or another format with a media suffix); "
            "pass a recording, or a .srt/.vtt/.txt transcript"
        ) from None


def source(path: Path) -> Source:
    """Describe a local file: its kind, sha256 (the transcript's cache key), duration for media."""
    path = check_path(Path(path)).resolve()
    kind = kind_of(path)
    duration = media_duration(path) if kind == "media" else None
    if kind == "media" and not duration:
        raise UserError(f"{path}: the recording has no duration (empty or truncated); pass a complete recording")
    fields = {"title": file_title(path) or path.name} | (published(path) if kind == "text" else {})
    return Source(
        kind=kind,
        slug=slug_for(path.stem),
        path=str(path),
        sha256=sha256_file(path),
        size=path.stat().st_size,
        duration=duration,
        **fields,
    )


def published(path: Path) -> dict:
    """What a markdown transcript's front matter says of it (title, date, speakers, media URL, tags)."""
    from pipeline.sources.markdown import front_matter, is_markdown, source_fields

    text = path.read_text(encoding="utf-8", errors="replace")
    return source_fields(front_matter(text, path)[0]) if is_markdown(path, text) else {}
