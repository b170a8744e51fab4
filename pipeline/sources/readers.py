"""Readers for transcripts that already exist: subtitles (pysubs2), plain text, and transcript JSON.

They return pieces as written (captions, lines, segments) with their times and speaker turns; pipeline.sources.sentences
turns them into sentences.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from pipeline.artifacts import Transcript
from pipeline.errors import UserError
from pipeline.sources.sentences import DASH_TURN, Piece, text_pieces

TAGS = re.compile(r"<[^>]+>")
VOICE = re.compile(r"<v(?:\.[^ >]*)?\s+([^>]+)>")  # WebVTT voice tags: <v Ada Lovelace> or <v.loud Ada>
SPEAKER_KEYS = ("speaker", "speaker_label", "speaker_name")  # WhisperX, AssemblyAI, Deepgram-style exports


def _vtt_voices(path: Path) -> list[str | None]:
    """Each cue's `<v Name>` in file order: pysubs2 drops voice tags, so they are read from the raw cues."""
    if path.suffix.lower() != ".vtt":
        return []
    blocks = re.split(r"\n\s*\n", path.read_text(encoding="utf-8", errors="replace"))
    voices = []
    for block in blocks:
        if "-->" in block:
            voice = VOICE.search(block.split("-->", 1)[1])
            voices.append(" ".join(voice.group(1).split()) if voice else None)
    return voices


def read_subtitles(path: Path) -> list[Piece]:
    import pysubs2

    try:
        subs = pysubs2.load(str(path), encoding="utf-8")
    except Exception as error:
        raise UserError(
            f"{path}: not a subtitle file that can be parsed ({type(error).__name__}); check its format"
        ) from None
    items: list[Piece] = []
    previous: list[str] = []
    voices = _vtt_voices(path)
    speaker = None
    for index, event in enumerate(subs):
        if event.is_comment:
            continue
        voice = voices[index] if len(voices) == len(subs) else None
        turn = voice is not None and voice != speaker
        speaker = voice or speaker
        lines = [" ".join(TAGS.sub("", line).split()) for line in event.plaintext.splitlines()]
        lines = [line for line in lines if line]
        if voice is None and len(lines) > 1 and all(DASH_TURN.match(line) for line in lines):
            # "- Did you?\n- I did.": two voices in one caption, each line a turn
            share = (event.end - event.start) / 1000 / len(lines)
            for number, line in enumerate(lines):
                begin = event.start / 1000 + number * share
                items.append(Piece(DASH_TURN.sub("", line), round(begin, 2), round(begin + share, 2), turn=True))
            previous = lines
            continue
        if voice is None and lines and DASH_TURN.match(lines[0]):
            lines[0] = DASH_TURN.sub("", lines[0])
            turn = True
        # Rolling auto-captions repeat the previous cue's lines above the new words: keep only what is new.
        fresh = [line for line in lines if line not in previous]
        previous = lines or previous
        text = " ".join(fresh)
        if not text:
            continue
        if items and items[-1].text == text:  # a caption repeated back to back is one caption
            items[-1].end = event.end / 1000
            continue
        items.append(Piece(text, event.start / 1000, event.end / 1000, speaker=voice, turn=turn))
        turn = False
    if not items:
        raise UserError(f"{path}: no captions found in the subtitle file; check that it is the right file")
    return items


def read_text(path: Path) -> list[Piece]:
    """Hard-wrapped lines are joined later; blank lines, `>>` and `NAME:` turns are kept as boundaries. Markdown (a
    `.md` file, or text with front matter or `**Name:**` turns) is read as published transcripts write it."""
    from pipeline.sources.markdown import front_matter, is_markdown, markdown_pieces

    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{path}: not UTF-8 text; convert it to UTF-8 or pass the recording instead") from None
    if is_markdown(path, text):
        pieces = markdown_pieces(front_matter(text, path)[1])
    else:
        pieces = text_pieces(text)
    if not any(piece.text for piece in pieces):
        raise UserError(f"{path}: the transcript has no text; pass a transcript with content")
    return pieces


ANONYMOUS = re.compile(r"^(?:speaker[ _-]?)?(?:\d+|[A-Z])$", re.IGNORECASE)  # 0, "A", "SPEAKER_00", "Speaker 1"


def _speaker(segment: dict) -> str | None:
    value = next((segment[key] for key in SPEAKER_KEYS if segment.get(key) not in (None, "")), None)
    return None if value is None else " ".join(str(value).split())


def _numbered(pieces: list[Piece]) -> list[Piece]:
    """Tools label voices 0, "A" or "SPEAKER_00"; ours are SPEAKER_1, SPEAKER_2… by order of first speech, the
    same as `>>` turns and diarization, so `--speakers` names them the same way whatever made the file."""
    order: dict[str, str] = {}
    for piece in pieces:
        if piece.speaker and ANONYMOUS.match(piece.speaker):
            piece.speaker = order.setdefault(piece.speaker, f"SPEAKER_{len(order) + 1}")
    return pieces


def _segment_list(data) -> list[dict] | None:
    """The list of timed, texted segments in the shapes tools write: whisper/WhisperX `segments`, AssemblyAI
    `utterances`, Deepgram `results.utterances` (or its paragraphs' sentences, with the paragraph's speaker)."""
    if not isinstance(data, dict):
        return None
    for key in ("segments", "utterances"):
        if isinstance(data.get(key), list) and data[key]:
            return data[key]
    results = data.get("results")
    if isinstance(results, dict):
        if isinstance(results.get("utterances"), list) and results["utterances"]:
            return results["utterances"]
        try:
            paragraphs = results["channels"][0]["alternatives"][0]["paragraphs"]["paragraphs"]
        except (KeyError, IndexError, TypeError):
            return None
        return [
            sentence | {"speaker": paragraph.get("speaker")}
            for paragraph in paragraphs
            for sentence in paragraph.get("sentences", [])
        ]
    return None


def read_transcript_json(path: Path) -> Transcript | list[Piece]:
    """Our own transcript.json, or a tool's export: segments (or utterances) of start/end/text, with speakers."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise UserError(f"{path}: not valid JSON; pass a transcript.json or a .srt/.vtt/.txt file") from None
    if isinstance(data, dict) and "origin" in data:
        try:
            return Transcript.model_validate(data)
        except ValueError:
            pass
    segments = _segment_list(data)
    if not segments:
        raise UserError(f"{path}: JSON has no `segments` list; expected a transcript with segments of start/end/text")
    items: list[Piece] = []
    for segment in segments:
        if not isinstance(segment, dict):
            continue
        text = str(segment.get("text") or segment.get("transcript") or "").strip()
        if not text:
            continue
        speaker = _speaker(segment)
        turn = speaker is not None and (not items or items[-1].speaker != speaker)
        start, end = segment.get("start"), segment.get("end")
        if isinstance(start, (int, float)) and isinstance(end, (int, float)) and max(start, end) > 36000:
            start, end = start / 1000, end / 1000  # AssemblyAI and others count milliseconds
        items.append(Piece(" ".join(text.split()), start, end, speaker=speaker, turn=turn))
    if not items:
        raise UserError(f"{path}: the transcript's segments have no text")
    return _numbered(items)
