"""transcribe: a `Source` becomes a `Transcript` of numbered, timestamped segments.

Recordings go through faster-whisper (shipped base model, CPU int8, VAD on); subtitle, text and JSON transcripts are
read as they are, so no speech-to-text runs when a transcript already exists.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Callable

from pipeline import readers
from pipeline.artifacts import Segment, Source, Transcript
from pipeline.config import Settings
from pipeline.errors import UserError
from pipeline.text import guess_language, timestamp

VERSION = 1
# Whisper writes traditional characters for Mandarin unless the context is simplified Chinese.
ZH_INITIAL_PROMPT = "以下是普通话的句子，使用简体中文。"

Progress = Callable[[float, float], None]


@lru_cache(maxsize=2)
def whisper_model(name: str, threads: int):
    """Loaded once per process (a batch reuses it); the folder carries tokenizer.json so nothing is fetched."""
    from faster_whisper import WhisperModel

    from pipeline.models import model_path

    return WhisperModel(str(model_path(name)), device="cpu", compute_type="int8", cpu_threads=threads)


def whisper_options(settings: Settings, language: str | None) -> dict:
    """The exact options handed to faster-whisper; part of the cache key and reused by the benchmark."""
    options = {"beam_size": settings.beam_size, "vad_filter": True, "language": language}
    if settings.hotwords:
        options["hotwords"] = ", ".join(settings.hotwords)
    if language == "zh":
        options["initial_prompt"] = ZH_INITIAL_PROMPT
    return options


def speech_language(source: Source, settings: Settings) -> str | None:
    """Given by --lang, else what the site says (a URL's metadata), else None: whisper detects it."""
    if settings.lang != "auto":
        return settings.lang
    return source.language.split("-")[0].lower() if source.language else None


def _speech(source: Source, settings: Settings, progress: Progress | None) -> Transcript:
    language = speech_language(source, settings)
    prompt = whisper_options(settings, language).get("initial_prompt")
    model = whisper_model(settings.whisper_model, settings.threads)
    try:
        segments, info = model.transcribe(source.path, **whisper_options(settings, language))
        items = []
        for piece in segments:
            text = piece.text.strip()
            if text and text != prompt:  # whisper sometimes echoes its initial prompt over silence
                items.append(Segment(id=len(items) + 1, start=round(piece.start, 2), end=round(piece.end, 2), text=text))
            if progress:
                progress(min(piece.end, info.duration), info.duration)
    except UserError:
        raise
    except Exception as error:
        raise UserError(f"{source.path}: could not decode the audio ({type(error).__name__}); check the file") from None
    if progress:
        progress(info.duration, info.duration)
    if not items:
        raise UserError(f"{source.path}: no speech found in the recording; check that it is the right file")
    return Transcript(
        language=language or info.language, origin="whisper", model=settings.whisper_model,
        duration=round(info.duration, 2), segments=items,
    )  # fmt: skip


def transcript(source: Source, settings: Settings, progress: Progress | None = None) -> Transcript:
    """Speech to text for recordings; parse for existing transcripts. Language: given, detected, or guessed."""
    if source.kind == "media":
        return _speech(source, settings, progress)
    path = Path(source.path)
    if source.kind == "subtitles":
        segments, origin = readers.read_subtitles(path), "subtitles"
    elif source.kind == "text":
        segments, origin = readers.read_text(path), "text"
    else:
        parsed = readers.read_transcript_json(path)
        if isinstance(parsed, Transcript):
            return parsed
        segments, origin = parsed, "transcript"
    text = "\n".join(segment.text for segment in segments)
    language = settings.lang if settings.lang != "auto" else speech_language(source, settings) or guess_language(text)
    ends = [segment.end for segment in segments if segment.end is not None]
    return Transcript(language=language, origin=origin, duration=max(ends) if ends else None, segments=segments)


def transcript_markdown(source: Source, transcript: Transcript) -> str:
    """transcript.md: one line per segment, with its timestamp, for people to read and search."""
    lines = [f"# {source.title}", "", f"Language: {transcript.language} · origin: {transcript.origin}", ""]
    for segment in transcript.segments:
        stamp = timestamp(segment.start)
        lines.append(f"[{stamp}] {segment.text}" if stamp else f"({segment.id}) {segment.text}")
        lines.append("")
    return "\n".join(lines)
