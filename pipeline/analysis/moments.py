"""A talk's moments, chosen by code: its chapters (where each section starts) and short clips worth posting.

Chapters follow the outline's sections, as YouTube reads them: the first at 00:00, each at least MIN_CHAPTER seconds,
at least MIN_CHAPTERS of them (a long section is cut where its speaker moves on when there are fewer). A clip is a run
of whole sentences inside one speaker's turn and one section, 20–60 s long, that opens on a sentence standing alone;
clips are ranked by how quotable their opening and their sentences are and by how much of the talk's own subject they
name. Everything needs times: a transcript without them (plain text) has no moments.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.analysis.selection import recurring_terms
from pipeline.analysis.speech import broken_off, clean, quotability
from pipeline.artifacts import Outline, Segment, Transcript
from pipeline.format.text import srt_time
from pipeline.rules import claim_words, leans_back, stem

MIN_CHAPTER = 10.0  # seconds: YouTube ignores chapters shorter than this
MIN_CHAPTERS = 3  # and chapter lists shorter than this
CLIP_SECONDS = (20.0, 60.0)
BEST_SECONDS = 40.0
CLIPS = (3, 5)  # at least, at most
OPENING_FORM = 0.45  # a clip's first sentence stands alone at least this well
SENTENCE_FORM = 0.2  # below this a sentence is noise a viewer would sit through


@dataclass
class ChapterSpan:
    start: float
    section: int | None  # the outline section it follows (None: a part cut from the one before)
    segments: list[Segment] = field(default_factory=list)


@dataclass
class Moment:
    """A clip: whole sentences of one voice, from `start` to `end` (seconds in the recording)."""

    segments: list[Segment]
    section: int
    score: float

    @property
    def start(self) -> float:
        return float(self.segments[0].start or 0.0)

    @property
    def end(self) -> float:
        return float(self.segments[-1].end or self.segments[-1].start or 0.0)

    @property
    def seconds(self) -> float:
        return self.end - self.start


TIMED_SHARE = 0.8  # of the speech carries times (a markdown episode's marks leave its first lines untimed)


def _has_times(segment: Segment) -> bool:
    return segment.start is not None and segment.end is not None


def timed(transcript: Transcript | None) -> bool:
    speech = transcript.speech() if transcript else []
    return bool(speech) and sum(map(_has_times, speech)) >= TIMED_SHARE * len(speech)


def _section_segments(outline: Outline, transcript: Transcript) -> list[list[Segment]]:
    speech = [segment for segment in transcript.speech() if _has_times(segment)]
    return [
        [
            s
            for s in speech
            if section.first is not None and section.last is not None and section.first <= s.id <= section.last
        ]
        for section in outline.sections
    ]


def chapter_spans(outline: Outline, transcript: Transcript | None, language: str = "en") -> list[ChapterSpan]:
    """The chapters' starts and what each holds, or [] when the transcript has no times or no chapter list YouTube
    would accept can be made (a talk too short for three chapters of ten seconds)."""
    if not timed(transcript):
        return []
    chapters = [
        ChapterSpan(float(segments[0].start), index, segments)
        for index, segments in enumerate(_section_segments(outline, transcript))
        if segments
    ]
    if not chapters:
        return []
    chapters[0].start = 0.0
    merged: list[ChapterSpan] = []
    for chapter in chapters:  # a chapter under MIN_CHAPTER seconds joins the one before
        if merged and chapter.start - merged[-1].start < MIN_CHAPTER:
            merged[-1].segments += chapter.segments
        else:
            merged.append(chapter)
    while len(merged) < MIN_CHAPTERS:
        longest = max(merged, key=lambda c: _end(c) - c.start)
        cut = _cut(longest, language)
        if cut is None:
            return []
        index = merged.index(longest)
        merged[index : index + 1] = [
            ChapterSpan(longest.start, longest.section, longest.segments[:cut]),
            ChapterSpan(float(longest.segments[cut].start), None, longest.segments[cut:]),
        ]
    return merged


def _end(chapter: ChapterSpan) -> float:
    return float(chapter.segments[-1].end or chapter.start)


def _cut(chapter: ChapterSpan, language: str) -> int | None:
    """Where a long chapter splits in two, each at least MIN_CHAPTER long: the sentence boundary nearest its middle
    that opens on a sentence standing alone (else the nearest at all)."""
    middle = (chapter.start + _end(chapter)) / 2
    usable = [
        i
        for i in range(1, len(chapter.segments))
        if chapter.segments[i].start - chapter.start >= MIN_CHAPTER
        and _end(chapter) - chapter.segments[i].start >= MIN_CHAPTER
    ]
    if not usable:
        return None
    standing = [i for i in usable if leans_back(chapter.segments[i].text, language) is None] or usable
    return min(standing, key=lambda i: abs(chapter.segments[i].start - middle))


def clips(
    outline: Outline,
    transcript: Transcript | None,
    language: str,
    seconds: tuple[float, float] = CLIP_SECONDS,
    most: int = CLIPS[1],
) -> list[Moment]:
    """The talk's best short moments, in the order spoken: at most `most`, none overlapping, each inside one voice's
    turn and one section, whole sentences from one that stands alone to one that ends whole."""
    if not timed(transcript):
        return []
    parts = _section_segments(outline, transcript)
    terms = recurring_terms([s.text for part in parts for s in part], language)
    candidates: list[Moment] = []
    for index, part in enumerate(parts):
        texts = [clean(s.text, language) for s in part]
        forms = [quotability(text, language) if text and not s.doubtful else 0.0 for text, s in zip(texts, part)]
        named = [len({stem(w) for w in claim_words(text, language)} & terms) for text in texts]
        for first in range(len(part)):
            if forms[first] < OPENING_FORM or leans_back(part[first].text, language) is not None:
                continue  # the viewer hears the sentence as said: "So if…" leans on what the clip left out
            for last in range(first, len(part)):
                if part[last].speaker != part[first].speaker or forms[last] < SENTENCE_FORM:
                    break
                if last > first and part[last].id != part[last - 1].id + 1:
                    break  # a marked line (the host, the room) came between: another voice's moment
                length = float(part[last].end) - float(part[first].start)
                if length > seconds[1]:
                    break
                if length < seconds[0] or broken_off(texts[last], language):
                    continue
                run = range(first, last + 1)
                body = sum(forms[i] for i in run) / len(run)
                subject = min(1.0, sum(min(named[i], 2) for i in run) / (2 * len(run)))
                fit = 1 - min(1.0, abs(length - BEST_SECONDS) / BEST_SECONDS)  # long enough to say something whole
                score = 0.35 * forms[first] + 0.35 * body + 0.2 * subject + 0.1 * fit
                candidates.append(Moment(part[first : last + 1], index, score))
    chosen: list[Moment] = []
    for moment in sorted(candidates, key=lambda m: -m.score):
        if len(chosen) == most:
            break
        opening = moment.segments[0].text.strip()
        if all(moment.end <= other.start or moment.start >= other.end for other in chosen) and all(
            other.segments[0].text.strip() != opening
            for other in chosen  # a line said twice is quoted once
        ):
            chosen.append(moment)
    return sorted(chosen, key=lambda m: m.start)


def srt(moment: Moment) -> str:
    """The clip's captions, one cue per sentence, timed from the clip's own start: the words as said."""
    cues = []
    for number, segment in enumerate(moment.segments, 1):
        start = float(segment.start) - moment.start
        end = float(segment.end) - moment.start
        cues.append(f"{number}\n{srt_time(start)} --> {srt_time(end)}\n{segment.text.strip()}\n")
    return "\n".join(cues)
