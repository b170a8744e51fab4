"""Turns: one voice's uninterrupted run of segments, and how a turn is weighed. Marks and interviews both read a
transcript by its turns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.artifacts import Segment

# Why a segment is not speech at all: a stage direction, page furniture, text addressed to the model, another talk.
NOT_SPOKEN = frozenset({"stage", "furniture", "injection", "other-talk"})
# Labels that name a role in the room, never a person: the room asks, it never hosts or speaks the talk.
ROLE_LABEL = re.compile(r"^(?:audience(?: member)?|crowd|question|q|voice|unknown|观众|听众|提问)\b", re.IGNORECASE)


def word_count(text: str) -> int:
    """Words, with each Chinese character counted as one more: how marks and interviews weigh a turn."""
    return len(text.split()) + len([ch for ch in text if "\u3400" <= ch <= "\u9fff"])


@dataclass
class Turn:
    """One voice's uninterrupted run of segments."""

    speaker: str
    segments: list[Segment]

    @property
    def words(self) -> int:
        return sum(word_count(segment.text) for segment in self.segments)


def turns(segments: list[Segment], skip: frozenset[str] = NOT_SPOKEN) -> list[Turn]:
    """Uninterrupted turns of speech, in order; segments marked `skip` (by default stage directions, page furniture,
    injections and other talks) are left out."""
    found: list[Turn] = []
    for segment in segments:
        if not segment.speaker or segment.mark in skip:
            continue
        if found and found[-1].speaker == segment.speaker:
            found[-1].segments.append(segment)
        else:
            found.append(Turn(segment.speaker, [segment]))
    return found
