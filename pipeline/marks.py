"""Marks on transcript segments: what is shown in transcript.md but never quoted, summarised or cut into sections.

Stage directions are marked by the sentence splitter; here come page furniture (a web page copied as a text
transcript), the host's introduction and closing, questions from the room, and text that addresses the model.
One mechanism for all of them: a marked segment is data a person can read, never material for a draft.
"""

from __future__ import annotations

from collections import Counter

from pipeline.artifacts import Segment


def _words(segment: Segment) -> int:
    return len(segment.text.split()) + len([ch for ch in segment.text if "\u3400" <= ch <= "\u9fff"])


PRESENTER_SHARE = 0.4  # of the longest turn: a second talk in the same file holds the floor too


def _word_counts(segments: list[Segment]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for segment in segments:
        if segment.speaker and segment.mark is None:
            counts[segment.speaker] += _words(segment)
    return counts


def _longest_turns(segments: list[Segment]) -> dict[str, int]:
    """Per speaker, the words of their longest uninterrupted turn: a host's many short remarks never add up to one."""
    longest: dict[str, int] = {}
    speaker, run = None, 0
    for segment in segments:
        if not segment.speaker:
            continue
        run = run + _words(segment) if segment.speaker == speaker else _words(segment)
        speaker = segment.speaker
        longest[speaker] = max(longest.get(speaker, 0), run)
    return longest


def main_speaker(segments: list[Segment]) -> str | None:
    """The talk's speaker: whoever says the most words (None when the transcript names no one)."""
    counts = _word_counts(segments)
    return counts.most_common(1)[0][0] if counts else None


def presenters(segments: list[Segment]) -> set[str]:
    """Everyone who holds the floor: whoever gives the longest turn, and anyone with a turn a quarter as long."""
    longest = _longest_turns(segments)
    top = max(longest.values(), default=0)
    return {name for name, words in longest.items() if words >= PRESENTER_SHARE * top}


def role_marks(segments: list[Segment]) -> list[Segment]:
    """Other voices around the talk: before the presenters' first turn and after their last, the host (an
    introduction, a closing); in between, the audience."""
    speaking = presenters(segments)
    if not speaking or len({s.speaker for s in segments if s.speaker}) < 2:
        return segments
    own = [i for i, segment in enumerate(segments) if segment.speaker in speaking]
    first, last = own[0], own[-1]
    marked = []
    for index, segment in enumerate(segments):
        if segment.mark is None and segment.speaker and segment.speaker not in speaking:
            segment = segment.model_copy(update={"mark": "audience" if first < index < last else "host"})
        marked.append(segment)
    return marked


def furniture_marks(segments: list[Segment], language: str) -> list[Segment]:
    """A text copied from a web page carries navigation, counters and reward lines: never the talk's words."""
    from pipeline.speech import is_furniture

    return [
        segment.model_copy(update={"mark": "furniture"}) if segment.mark is None and is_furniture(segment.text, language)
        else segment
        for segment in segments
    ]  # fmt: skip


def injection_marks(segments: list[Segment]) -> list[Segment]:
    """A sentence addressed to the model ("ignore previous instructions") is data, never material."""
    from pipeline.injection import instruction_marks

    flags = instruction_marks([segment.text for segment in segments])
    return [
        segment.model_copy(update={"mark": "injection"}) if flag and segment.mark is None else segment
        for segment, flag in zip(segments, flags)
    ]


def marked(segments: list[Segment], language: str, web_text: bool = False) -> list[Segment]:
    """Every mark, in order; `web_text` for plain-text inputs, the only ones that can carry page furniture."""
    segments = role_marks(segments)
    if web_text:
        segments = furniture_marks(segments, language)
    return injection_marks(segments)
