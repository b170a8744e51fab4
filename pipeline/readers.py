"""Readers for transcripts that already exist: subtitles (pysubs2), plain text, and transcript JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pipeline.artifacts import Segment, Transcript
from pipeline.errors import UserError
from pipeline.limits import SENTENCE_END
from pipeline.text import CJK

MAX_SEGMENT_CHARS = 400
TAGS = re.compile(r"<[^>]+>")


def _split_long(text: str) -> list[str]:
    """Keep segments quotable: a long paragraph becomes sentence-sized pieces."""
    if len(text) <= MAX_SEGMENT_CHARS:
        return [text]
    pieces, current = [], ""
    for sentence in (s for s in SENTENCE_END.split(text) if s.strip()):
        if current and len(current) + len(sentence) > MAX_SEGMENT_CHARS:
            pieces.append(current.strip())
            current = ""
        current += sentence if not current or CJK.match(sentence[:1]) else " " + sentence
    if current.strip():
        pieces.append(current.strip())
    return pieces


def _numbered(items: list[tuple[float | None, float | None, str]]) -> list[Segment]:
    return [Segment(id=i, start=start, end=end, text=text) for i, (start, end, text) in enumerate(items, 1)]


def read_subtitles(path: Path) -> list[Segment]:
    import pysubs2

    try:
        subs = pysubs2.load(str(path), encoding="utf-8")
    except Exception as error:
        raise UserError(f"{path}: not a subtitle file that can be parsed ({type(error).__name__}); check its format") from None
    items: list[tuple[float | None, float | None, str]] = []
    previous: list[str] = []
    for event in subs:
        if event.is_comment:
            continue
        lines = [" ".join(TAGS.sub("", line).split()) for line in event.plaintext.splitlines()]
        lines = [line for line in lines if line]
        # Rolling auto-captions repeat the previous cue's lines above the new words: keep only what is new.
        fresh = [line for line in lines if line not in previous]
        previous = lines or previous
        text = " ".join(fresh)
        if not text:
            continue
        if items and items[-1][2] == text:  # a caption repeated back to back is one caption
            items[-1] = (items[-1][0], event.end / 1000, text)
            continue
        items.append((event.start / 1000, event.end / 1000, text))
    if not items:
        raise UserError(f"{path}: no captions found in the subtitle file; check that it is the right file")
    return _numbered(items)


def read_text(path: Path) -> list[Segment]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{path}: not UTF-8 text; convert it to UTF-8 or pass the recording instead") from None
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n|\n", text) if p.strip()]
    items = [(None, None, piece) for paragraph in paragraphs for piece in _split_long(paragraph)]
    if not items:
        raise UserError(f"{path}: the transcript has no text; pass a transcript with content")
    return _numbered(items)


def read_transcript_json(path: Path) -> Transcript | list[Segment]:
    """Our own transcript.json, or any JSON with a `segments` list of {start, end, text} (whisper's shape)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise UserError(f"{path}: not valid JSON; pass a transcript.json or a .srt/.vtt/.txt file") from None
    if isinstance(data, dict) and "origin" in data:
        try:
            return Transcript.model_validate(data)
        except ValueError:
            pass
    segments = data.get("segments") if isinstance(data, dict) else None
    if not isinstance(segments, list) or not segments:
        raise UserError(f"{path}: JSON has no `segments` list; expected a transcript with segments of start/end/text")
    items = []
    for segment in segments:
        if not isinstance(segment, dict) or not str(segment.get("text", "")).strip():
            continue
        items.append((segment.get("start"), segment.get("end"), " ".join(str(segment["text"]).split())))
    if not items:
        raise UserError(f"{path}: the transcript's segments have no text")
    return _numbered(items)
