"""Transcripts as sentences: lines, captions and whisper pieces are joined within a speaker turn and split where
sentences end (pysbd, English and Chinese), so a segment is a sentence and never a line break.

Stenographers wrap at 40 characters and captions cut wherever the screen is full: a quote taken from such a line
is a fragment ("this down a little bit more. Because we"). Times are kept: a sentence's start and end are
interpolated by character position inside the pieces it came from. Stage directions ("(applause)") become their
own segments. Speaker turns (`>>`, `NAME:`, VTT `<v Name>`, a JSON `speaker`) are boundaries no sentence crosses.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from pipeline.artifacts import Segment
from pipeline.format.text import CJK

# "MAGGIE:", "AUDIENCE MEMBER:", "Ada Lovelace:" at the start of a line; Title Case only when it recurs (a line
# starting "Note: ..." is prose, a podcast's "Ada: ... Grace: ..." turns are not)
NAME_TURN = re.compile(r"^\s*((?:[A-Z][A-Z.'-]+)(?: [A-Z][A-Z.'-]+){0,2}|[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}):\s+")
ARROWS = re.compile(r"\s*>>+\s*")
DASH_TURN = re.compile(r"^\s*[-‐–—]\s+(?=\S)")  # "- Did you?" / "- I did." : a dialogue's turns in captions
DASH_TURNS_NEEDED = 3  # a text with fewer dash lines has a list, not a dialogue
MAX_WORDS, MAX_CJK = 60, 150  # a longer "sentence" is a run-on or unpunctuated captions: cut it at a pause
CUT_AT = re.compile(r"(?<=[,;:，；：])\s*|\s+--\s+")


@dataclass
class Piece:
    """A line, caption or whisper segment as read, before sentences exist."""

    text: str
    start: float | None = None
    end: float | None = None
    speaker: str | None = None
    turn: bool = False  # a speaker turn starts here
    paragraph: bool = False  # a paragraph starts here (text files): no sentence crosses it
    doubtful: bool = False  # the recogniser was unsure of these words (whisper's average log-probability)


CORRECTION = re.compile(r"(\w+)?\s*\[(?:edit|correction|corrected|sic)\s*[:：]\s*([^\]]*)\]", re.IGNORECASE)


def corrected(line: str) -> str:
    """A transcriber's correction applied ("the third [EDIT: FOURTH] column" → "the fourth column"): one word replaces
    the word before it; a longer one is only a note, and goes (the reader gets the sentence, not the editing)."""

    def apply(match: re.Match) -> str:
        said, fix = match.group(1) or "", match.group(2).strip()
        if said and re.fullmatch(r"\w+", fix):
            fix = fix.lower() if not said.isupper() else fix.upper()
            return fix[:1].upper() + fix[1:] if said[:1].isupper() else fix
        return said

    return CORRECTION.sub(apply, line)


def _title_case_names(lines: list[str]) -> set[str]:
    counts = Counter(m.group(1) for line in lines if (m := NAME_TURN.match(line)) and not m.group(1).isupper())
    return {name for name, count in counts.items() if count >= 2}


def text_pieces(text: str) -> list[Piece]:
    """A plain-text transcript: hard-wrapped lines, blank lines between paragraphs, `>>` and `NAME:` turns. A line
    of page furniture ("首页 | 登录", "阅读 1.2万") stands alone: it never joins the sentence next to it."""
    from pipeline.analysis.speech import is_furniture

    lines = [corrected(line) for line in text.splitlines()]
    recurring = _title_case_names(lines)
    dashes = sum(1 for line in lines if DASH_TURN.match(line)) >= DASH_TURNS_NEEDED
    pieces, paragraph = [], True
    for line in lines:
        if not line.strip():
            paragraph = True
            continue
        if is_furniture(line.strip(), "zh" if CJK.search(line) else "en"):
            pieces.append(Piece(" ".join(line.split()), paragraph=True))
            paragraph = True
            continue
        speaker, dash = None, False
        if (match := NAME_TURN.match(line)) and (match.group(1).isupper() or match.group(1) in recurring):
            speaker, line = match.group(1).title() if match.group(1).isupper() else match.group(1), line[match.end() :]
        elif dashes and (found := DASH_TURN.match(line)):
            dash, line = True, line[found.end() :]
        parts = ARROWS.split(line)
        for index, part in enumerate(parts):
            turn = speaker is not None or index > 0 or (dash and index == 0)
            if part.strip() or turn:
                pieces.append(Piece(" ".join(part.split()), speaker=speaker, turn=turn, paragraph=paragraph))
                paragraph, speaker = False, None
    return pieces


def _glue(left: str, right: str) -> str:
    """No space between Chinese pieces; one between Latin ones."""
    if not left or not right or CJK.match(left[-1]) or CJK.match(right[0]):
        return ""
    return " "


@dataclass
class _Run:
    """One speaker turn (or paragraph) as one string, with where each piece sits in it (for times)."""

    speaker: str | None
    turn: int  # how many turn markers came before: paragraphs of one turn share it
    text: str
    spans: list[tuple[int, int, Piece]]

    def time_at(self, position: int, end: bool = False) -> float | None:
        for start, stop, piece in self.spans:
            if start <= position < stop or (end and start < position <= stop):
                if piece.start is None or piece.end is None:
                    return None
                share = (position - start) / max(stop - start, 1)
                return round(piece.start + share * (piece.end - piece.start), 2)
        return None

    def doubtful(self, begin: int, end: int) -> bool:
        """Whether any piece the recogniser was unsure of overlaps the text between `begin` and `end`."""
        return any(piece.doubtful and start < end and begin < stop for start, stop, piece in self.spans)


def _runs(pieces: list[Piece]) -> list[_Run]:
    runs: list[_Run] = []
    speaker, turn = None, 0
    for piece in pieces:
        if piece.turn:
            speaker, turn = piece.speaker, turn + 1
        if not runs or piece.turn or piece.paragraph or (piece.speaker and piece.speaker != runs[-1].speaker):
            runs.append(_Run(piece.speaker or speaker, turn, "", []))
        run = runs[-1]
        text = piece.text.strip()
        if not text:
            continue
        run.text += _glue(run.text, text)
        run.spans.append((len(run.text), len(run.text) + len(text), piece))
        run.text += text
    return [run for run in runs if run.text.strip()]


@lru_cache(maxsize=4)
def _segmenter(language: str):
    import pysbd

    return pysbd.Segmenter(language=language if language in ("en", "zh") else "en", clean=False, char_span=True)


def _size(text: str) -> tuple[int, int]:
    return len(text.split()), len(CJK.findall(text))


def _too_long(text: str) -> bool:
    words, cjk = _size(text)
    return cjk > MAX_CJK if cjk > words else words > MAX_WORDS


def _cut_long(text: str, start: int) -> list[tuple[int, int]]:
    """A run-on sentence cut at commas (or, with no punctuation at all, at spaces) into pieces of about 30 words."""
    target = len(text) // (len(text) // 180 + 1) + 1
    cuts = [m.end() for m in CUT_AT.finditer(text)] or [m.end() for m in re.finditer(r"\s+", text)]
    spans, begin = [], 0
    for cut in cuts:
        if cut - begin >= target and len(text) - cut >= target // 2:
            spans.append((start + begin, start + cut))
            begin = cut
    spans.append((start + begin, start + len(text)))
    return spans


INLINE_AFTER = re.compile(r"\s*[a-z]")  # "John Meta (phonetic) who was…": the sentence goes on


def _inline(text: str, match: re.Match) -> bool:
    """A transcriber's note inside a sentence ("(phonetic)", "(laughs)" before a lowercase word) is not a sentence
    boundary: splitting there leaves "Who was a famous baker in town…" as a sentence of its own. `clean()` drops the
    note from prose; the sentence stays whole."""
    return bool(INLINE_AFTER.match(text, match.end()))


def _sentence_spans(run: _Run, language: str) -> list[tuple[int, int, bool]]:
    """(start, end, is a stage direction) of each sentence in the run."""
    from pipeline.analysis.speech import STAGE_DIRECTION

    spans: list[tuple[int, int, bool]] = []
    cursor = 0
    standalone = [match for match in STAGE_DIRECTION.finditer(run.text) if not _inline(run.text, match)]
    for match in standalone + [None]:
        stop = match.start() if match else len(run.text)
        chunk = run.text[cursor:stop]
        if chunk.strip():
            for found in _segmenter(language).segment(chunk):
                begin, end = cursor + found.start, cursor + found.end
                if not run.text[begin:end].strip():
                    continue
                pieces = _cut_long(run.text[begin:end], begin) if _too_long(run.text[begin:end]) else [(begin, end)]
                spans += [(a, b, False) for a, b in pieces]
        if match:
            spans.append((match.start(), match.end(), True))
            cursor = match.end()
    return spans


def _speaker_labels(runs: list[_Run]) -> None:
    """Unnamed turns (`>>`) alternate in a talk: the speaker and someone else (host, audience). Label them by
    parity with the longest turn, SPEAKER_1 for whoever spoke first."""
    unnamed = [run for run in runs if not run.speaker]
    if not unnamed or len({run.turn for run in runs}) < 2:
        return
    first = unnamed[0].turn
    for run in unnamed:
        run.speaker = "SPEAKER_1" if (run.turn - first) % 2 == 0 else "SPEAKER_2"


def sentences(pieces: list[Piece], language: str) -> list[Segment]:
    """Segments that are sentences, numbered from 1, with interpolated times, speakers and stage directions marked."""
    runs = _runs(pieces)
    _speaker_labels(runs)
    segments: list[Segment] = []
    for run in runs:
        for begin, end, stage in _sentence_spans(run, language):
            raw = run.text[begin:end]
            lead = len(raw) - len(raw.lstrip())
            text = raw.strip()
            begin += lead
            segments.append(
                Segment(
                    id=len(segments) + 1,
                    start=run.time_at(begin),
                    end=run.time_at(begin + len(text), end=True),
                    text=text,
                    speaker=run.speaker,
                    mark="stage" if stage else None,
                    doubtful=run.doubtful(begin, begin + len(text)),
                )
            )
    return segments
