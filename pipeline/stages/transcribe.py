"""transcribe: a `Source` becomes a `Transcript` of numbered, timestamped segments.

Recordings go through faster-whisper (shipped base model, CPU int8, VAD on); subtitle, text and JSON transcripts are
read as they are, so no speech-to-text runs when a transcript already exists.
"""

from __future__ import annotations

import dataclasses
import itertools
from functools import lru_cache
from pathlib import Path
from typing import Callable

from pipeline.artifacts import Source, Transcript
from pipeline.config import Settings
from pipeline.errors import SetupError, UserError
from pipeline.format.text import guess_language, timestamp
from pipeline.sources import readers
from pipeline.sources.marks import marked
from pipeline.sources.sentences import Piece, sentences

# below this average log-probability a whisper segment's words are a guess ("Every step is low" for "…is slow"):
# whisper's own threshold for retrying a segment is -1.0
DOUBTFUL_LOGPROB = -0.8
SAMPLE_RATE = 16000
# Whisper writes traditional characters for Mandarin unless the context is simplified Chinese.
ZH_INITIAL_PROMPT = "以下是普通话的句子，使用简体中文。"
# Whisper falls back to sampling on hard audio; a fixed seed makes the same recording give the same transcript,
# whatever ran before it in the process (a batch, a test suite).
SEED = 0

Progress = Callable[[float, float], None]
MARK_NOTES = {
    "stage": "stage direction",
    "furniture": "page furniture, not speech",
    "host": "host, not quoted",
    "audience": "from the room, not quoted",
    "injection": "addresses the AI: kept as data, never used",
    "other-talk": "another talk in the same file, not drafted",
}


@lru_cache(maxsize=2)
def whisper_model(name: str, threads: int):
    """Loaded once per process (a batch reuses it); the folder carries tokenizer.json so nothing is fetched."""
    from faster_whisper import WhisperModel

    from pipeline.llm.models import model_path

    return WhisperModel(str(model_path(name)), device="cpu", compute_type="int8", cpu_threads=threads)


def whisper_options(settings: Settings, language: str | None) -> dict:
    """The exact options handed to faster-whisper; part of the cache key and reused by the benchmark."""
    options = {"beam_size": settings.beam_size, "vad_filter": True, "language": language}
    if settings.hotwords:
        options["hotwords"] = ", ".join(settings.hotwords)
    if language == "zh":
        options["initial_prompt"] = ZH_INITIAL_PROMPT
    return options


def diarization_options(settings: Settings) -> dict:
    """What decides a recording's speaker turns; part of the transcribe cache key beside the whisper options."""
    from pipeline.sources.diarization import MODEL_SHA256

    return {"diarize": settings.diarize, "speaker_count": settings.speaker_count, "speaker_model": MODEL_SHA256[:16]}


def speech_language(source: Source, settings: Settings) -> str | None:
    """Given by --lang, else what the site says (a URL's metadata), else None: whisper detects it."""
    if settings.lang != "auto":
        return settings.lang
    return source.language.split("-")[0].lower() if source.language else None


def windows(audio, length: float, rate: int = SAMPLE_RATE) -> list[tuple[int, int]]:
    """Cut long audio into pieces of about `length` seconds, each cut at the quietest 100 ms of its last 20 s.

    faster-whisper computes features for all the audio it is given at once, so peak memory grows with the input;
    pieces keep it flat (the decoded audio itself is 230 MB per hour), and a cut in a pause splits no word.
    """
    import numpy as np

    step, frame, spans, start = int(length * rate), rate // 10, [], 0
    look_back = min(20 * rate, step // 2)
    while len(audio) - start > step:
        search_from = start + step - look_back
        tail = audio[search_from : start + step]
        energy = np.sqrt(np.mean(tail[: len(tail) // frame * frame].reshape(-1, frame) ** 2, axis=1))
        cut = search_from + int(np.argmin(energy)) * frame + frame // 2
        spans.append((start, cut))
        start = cut
    spans.append((start, len(audio)))
    return spans


def _pieces(model, path: str, options: dict, duration: float, window: float):
    """(offset seconds, segments, info) per piece: the file itself when short, decoded windows when long."""
    import ctranslate2

    if duration <= window * 1.1:
        ctranslate2.set_random_seed(SEED)
        segments, info = model.transcribe(path, **options)
        yield 0.0, segments, info
        return
    from faster_whisper.audio import decode_audio

    audio = decode_audio(path, sampling_rate=SAMPLE_RATE)
    for start, end in windows(audio, window):
        ctranslate2.set_random_seed(SEED)
        segments, info = model.transcribe(audio[start:end], **options)
        yield start / SAMPLE_RATE, segments, info
        if options.get("language") is None:  # keep the language detected on the first piece
            options = options | {"language": info.language}


def _without_echo(text: str, prompt: str | None) -> str:
    """Whisper sometimes repeats its initial prompt over silence or after a phrase; that is not speech."""
    return (text.replace(prompt, " ") if prompt else text).strip()


def _speaker_turns(source: Source, settings: Settings) -> list:
    """Diarized turns; none when diarization is off, or (auto) when one voice is all there is: a talk stays a talk."""
    if settings.diarize == "off":
        return []
    from faster_whisper.audio import decode_audio

    from pipeline.sources.diarization import speaker_turns

    audio = decode_audio(source.path, sampling_rate=SAMPLE_RATE)
    turns = speaker_turns(audio, settings.speaker_count, settings.threads, screen=settings.diarize == "auto")
    if settings.diarize == "auto" and not settings.speaker_count and len({turn.speaker for turn in turns}) < 2:
        return []
    return turns


def _with_speakers(
    text: str, start: float, end: float, words: list, turns: list, doubtful: bool = False
) -> list[Piece]:
    """A whisper segment as pieces of one speaker each: whole when one speaker covers it, else split between words
    where the speaker changes. A run of one or two words is too short to trust (turn edges are ±0.3 s), so it
    stays with the speaker before it."""
    from pipeline.sources.diarization import speaker_at

    if not words or len({speaker_at(turns, word.start, word.end) for word in words}) < 2:
        return [Piece(text, start, end, speaker_at(turns, start, end), doubtful=doubtful)]
    runs: list[list] = []
    for speaker, group in itertools.groupby(words, key=lambda word: speaker_at(turns, word.start, word.end)):
        run = list(group)
        if runs and (len(run) < 3 or runs[-1][0] == speaker):
            runs[-1][1] += run
        else:
            runs.append([speaker, run])
    if len(runs) > 1 and len(runs[0][1]) < 3:  # a short first run belongs to the speaker after it
        runs[1][1][:0] = runs.pop(0)[1]
    return [
        Piece(
            "".join(word.word for word in run).strip(),
            round(run[0].start, 2),
            round(run[-1].end, 2),
            speaker,
            doubtful=doubtful,
        )
        for speaker, run in runs
    ]


def _speech(source: Source, settings: Settings, progress: Progress | None) -> Transcript:
    language = speech_language(source, settings)
    options = whisper_options(settings, language)
    model = whisper_model(settings.whisper_model, settings.threads)
    total = source.duration or 0.0
    items, detected = [], language
    try:
        turns = _speaker_turns(source, settings)
        if len({turn.speaker for turn in turns}) > 1:  # word times place a turn change inside a segment (~8% slower)
            options = options | {"word_timestamps": True}
        for offset, segments, info in _pieces(model, source.path, options, total, settings.whisper_window):
            detected = detected or info.language
            total = total or info.duration
            for piece in segments:
                text = _without_echo(piece.text, options.get("initial_prompt"))
                start, end = round(offset + piece.start, 2), round(offset + piece.end, 2)
                if text and turns:
                    shifted = [
                        dataclasses.replace(w, start=offset + w.start, end=offset + w.end) for w in piece.words or []
                    ]
                    words = shifted if text == piece.text.strip() else []
                    doubtful = piece.avg_logprob < DOUBTFUL_LOGPROB
                    items += _with_speakers(text, start, end, words, turns, doubtful)
                elif text:
                    items.append(Piece(text, start, end, doubtful=piece.avg_logprob < DOUBTFUL_LOGPROB))
                if progress:
                    progress(min(offset + piece.end, total), total)
    except (UserError, SetupError):
        raise
    except Exception as error:
        raise UserError(f"{source.path}: could not decode the audio ({type(error).__name__}); check the file") from None
    for before, piece in zip([None, *items], items):  # a new speaker starts a turn: sentences never cross it
        piece.turn = piece.speaker is not None and (before is None or before.speaker != piece.speaker)
    if progress:
        progress(total, total)
    if not items:
        raise UserError(f"{source.path}: no speech found in the recording; check that it is the right file")
    language = detected or "en"
    return Transcript(
        language=language,
        origin="whisper",
        model=settings.whisper_model,
        duration=round(total, 2),
        segments=marked(
            sentences(items, language.split("-")[0]),
            language,
            hint=_hint(source),
            kind=source.talk_kind,
            roles=source.speaker_roles,
        ),
    )


def _hint(source: Source) -> str:
    """What names the talk: its title and file name (a caption file may hold the next talk too)."""
    return " ".join([source.title, Path(source.path).stem if source.path else "", *source.speakers])


def transcript(source: Source, settings: Settings, progress: Progress | None = None) -> Transcript:
    """Speech to text for recordings; parse for existing transcripts. Language: given, detected, or guessed."""
    if source.kind == "media":
        return _speech(source, settings, progress)
    path = Path(source.path)
    if source.kind == "subtitles":
        pieces, origin = readers.read_subtitles(path), "subtitles"
    elif source.kind == "text":
        pieces, origin = readers.read_text(path), "text"
    else:
        parsed = readers.read_transcript_json(path)
        if isinstance(parsed, Transcript):
            return parsed
        pieces, origin = parsed, "transcript"
    text = "\n".join(piece.text for piece in pieces)
    language = settings.lang if settings.lang != "auto" else speech_language(source, settings) or guess_language(text)
    segments = marked(
        sentences(pieces, language.split("-")[0]),
        language,
        web_text=origin == "text",
        hint=_hint(source),
        kind=source.talk_kind,
        roles=source.speaker_roles,
    )
    ends = [segment.end for segment in segments if segment.end is not None]
    return Transcript(language=language, origin=origin, duration=max(ends) if ends else None, segments=segments)


def transcript_markdown(source: Source, transcript: Transcript) -> str:
    """transcript.md: one line per segment, with its timestamp, for people to read and search."""
    lines = [f"# {source.title}", "", f"Language: {transcript.language} · origin: {transcript.origin}", ""]
    from pipeline.sources.speakers import suggested_names

    suggested = suggested_names(transcript)
    speaker = None
    for segment in transcript.segments:
        if segment.speaker and segment.speaker != speaker:
            maybe = suggested.get(segment.speaker)
            hint = f" *(introduces themselves as {maybe}: confirm with --speakers or sources.yaml)*" if maybe else ""
            lines += [f"**{segment.speaker}:**{hint}", ""]
        speaker = segment.speaker or speaker
        stamp = timestamp(segment.start)
        mark = f" *({MARK_NOTES[segment.mark]})*" if segment.mark else ""
        mark += " *(unsure: check against the recording)*" if segment.doubtful else ""
        lines.append((f"[{stamp}] " if stamp else f"({segment.id}) ") + segment.text + mark)
        lines.append("")
    return "\n".join(lines)
