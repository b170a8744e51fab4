"""Marks on transcript segments: what is shown in transcript.md but never quoted, summarised or cut into sections.

Stage directions are marked by the sentence splitter; here come page furniture (a web page copied as a text
transcript), the host's introduction and closing, questions from the room, and text that addresses the model.
One mechanism for all of them: a marked segment is data a person can read, never material for a draft.
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.artifacts import Segment
from pipeline.sources.interview import hosts
from pipeline.sources.turns import ROLE_LABEL, turns, word_count

PRESENTER_SHARE = 0.4  # of the longest turn: a second talk in the same file holds the floor too


def _word_counts(segments: list[Segment]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for segment in segments:
        if segment.speaker and segment.mark is None:
            counts[segment.speaker] += word_count(segment.text)
    return counts


def _longest_turns(segments: list[Segment]) -> dict[str, int]:
    """Per speaker, the words of their longest uninterrupted turn: a host's many short remarks never add up to one."""
    longest: dict[str, int] = {}
    speaker, run = None, 0
    for segment in segments:
        if not segment.speaker:
            continue
        run = run + word_count(segment.text) if segment.speaker == speaker else word_count(segment.text)
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


TALK_TURN_WORDS = 30  # a turn this long holds the floor; shorter ones (a thank-you, an aside) do not count


HANDOVER_END = re.compile(r"\bthank(?:s| you)\b|谢谢|感谢", re.IGNORECASE)
HANDOVER_START = re.compile(
    r"^\W*(?:hi|hello|hey|good (?:morning|afternoon|evening))\b|\b(?:i'm|i am|my name is) [A-Z]|大家好|我叫|我是",
    re.IGNORECASE,
)


def talks(segments: list[Segment]) -> list[str]:
    """The presenters of separate talks in one file, in order: each holds the floor in one block and never
    alternates with another (an interview or a panel alternates). One name, or none, means one talk."""
    speaking = presenters(segments)
    order = [
        turn.speaker
        for turn in turns(segments, skip=frozenset())
        if turn.speaker in speaking and turn.words >= TALK_TURN_WORDS
    ]
    blocks = [name for index, name in enumerate(order) if index == 0 or order[index - 1] != name]
    if len(blocks) < 2 or len(blocks) != len(set(blocks)):
        return []
    # a next talk is handed over: someone else speaks between two presenters (a host), the one before thanks the room,
    # or the next greets it or says who they are; a label that changes mid-talk with none of these is one talk
    sequence = turns(segments, skip=frozenset())
    between = []
    for before, after in zip(blocks, blocks[1:]):
        at = next(i for i, turn in enumerate(sequence) if turn.speaker == after and turn.words >= TALK_TURN_WORDS)
        last = next(i for i in range(at - 1, -1, -1) if sequence[i].speaker == before)
        host = any(turn.speaker not in speaking for turn in sequence[last + 1 : at])
        closing = " ".join(segment.text for segment in sequence[last].segments[-2:])
        opening = " ".join(segment.text for segment in sequence[at].segments[:3])
        between.append(host or bool(HANDOVER_END.search(closing)) or bool(HANDOVER_START.search(opening)))
    return blocks if all(between) else []


def chosen_talk(names: list[str], segments: list[Segment], hint: str) -> str:
    """The talk the source is named after (a title or file name saying the presenter's name), else the longest."""
    said = hint.lower()
    named = [name for name in names if any(part.lower() in said for part in name.split() if len(part) > 2)]
    if named:
        return named[0]
    counts = _word_counts(segments)
    return max(names, key=lambda name: counts[name])


UNNAMED = re.compile(r"^SPEAKER_\d+$")  # a voice nobody named: SPEAKER_1, SPEAKER_2… by first speech
ROLE_TURN_WORDS = 80  # an "AUDIENCE MEMBER:" turn this long is the speaker's talk the stenographer never gave back


def reattributed(segments: list[Segment]) -> list[Segment]:
    """A long turn under a role label ("AUDIENCE MEMBER: Hi. [Applause] Okay, so this talk...") is the speaker
    going on after a remark from the room: its first sentence stays the room's, the rest is the speaker's before. So
    is a long unnamed turn (`>>`, labelled by parity) once a named speaker has the floor: a caption file that names
    the presenter and then goes on with `>>` after a remark from the room has not handed the talk to the host."""
    fixed = list(segments)
    index = 0
    while index < len(fixed):
        label = fixed[index].speaker
        end = index
        while end < len(fixed) and fixed[end].speaker == label:
            end += 1
        before = next(
            (s.speaker for s in reversed(fixed[:index]) if s.speaker and not ROLE_LABEL.match(s.speaker)), None
        )
        long = sum(word_count(s.text) for s in fixed[index:end]) > ROLE_TURN_WORDS
        if label and before and ROLE_LABEL.match(label) and long:
            for at in range(index + 1, end):
                fixed[at] = fixed[at].model_copy(update={"speaker": before})
        elif label and before and _unnamed(label) and not _unnamed(before) and long:
            for at in range(index, end):
                fixed[at] = fixed[at].model_copy(update={"speaker": before})
        index = end
    return fixed


def _unnamed(label: str | None) -> bool:
    return bool(label and UNNAMED.match(label))


def role_marks(
    segments: list[Segment], hint: str = "", kind: str | None = None, roles: dict | None = None
) -> list[Segment]:
    """Other voices around the talk: before the presenters' first turn and after their last, the host (an
    introduction, a closing); in between, the audience. A file holding several talks one after another keeps the
    one its title names; the others are marked as other talks."""
    if len({s.speaker for s in segments if s.speaker}) < 2:
        return segments
    if asking := hosts(segments, kind, roles):  # an interview: the hosts ask, every other voice answers
        return [
            s.model_copy(update={"mark": "host"}) if s.speaker in asking and s.mark is None else s for s in segments
        ]
    separate = talks(segments)
    speaking = {chosen_talk(separate, segments, hint)} if separate else presenters(segments)
    if not speaking:
        return segments
    own = [i for i, segment in enumerate(segments) if segment.speaker in speaking]
    first, last = own[0], own[-1]
    if any(
        _unnamed(name) for name in speaking
    ):  # `>>` turns alternate by guess: the talk starts at its first long turn
        first = _first_long_turn(segments, speaking, first)
    marked = []
    for index, segment in enumerate(segments):
        if segment.mark is None and segment.speaker in speaking and _unnamed(segment.speaker) and index < first:
            segment = segment.model_copy(update={"mark": "host"})
        elif segment.mark is None and segment.speaker and segment.speaker not in speaking:
            if segment.speaker in separate:
                mark = "other-talk"
            else:
                mark = "audience" if first < index < last else "host"
            segment = segment.model_copy(update={"mark": mark})
        marked.append(segment)
    return marked


def _first_long_turn(segments: list[Segment], speaking: set[str], fallback: int) -> int:
    start, run = None, 0
    for index, segment in enumerate(segments):
        if segment.speaker not in speaking:
            start, run = None, 0
            continue
        start = index if start is None else start
        run += word_count(segment.text)
        if run >= TALK_TURN_WORDS:
            return start
    return fallback


def furniture_marks(segments: list[Segment], language: str) -> list[Segment]:
    """A text copied from a web page carries navigation, counters and reward lines: never the talk's words."""
    from pipeline.analysis.speech import is_furniture

    return [
        segment.model_copy(update={"mark": "furniture"})
        if segment.mark is None and is_furniture(segment.text, language)
        else segment
        for segment in segments
    ]


def advert_marks(segments: list[Segment]) -> list[Segment]:
    """Sponsor reads and promo codes, in any input (an episode reads them aloud): with what one voice says between two
    of them, they are the publisher's furniture."""
    from pipeline.analysis.speech import ADVERT_GAP, is_advert

    ads = [index for index, segment in enumerate(segments) if segment.mark is None and is_advert(segment.text)]
    marked = set(ads)
    for left, right in zip(ads, ads[1:]):
        between = range(left + 1, right)
        if len(between) <= ADVERT_GAP and all(segments[i].speaker == segments[left].speaker for i in (*between, right)):
            marked.update(i for i in between if segments[i].mark is None)
    return [
        segment.model_copy(update={"mark": "furniture"}) if i in marked else segment
        for i, segment in enumerate(segments)
    ]


def injection_marks(segments: list[Segment]) -> list[Segment]:
    """A sentence addressed to the model ("ignore previous instructions") is data, never material."""
    from pipeline.safety.injection import instruction_marks

    flags = instruction_marks([segment.text for segment in segments])
    return [
        segment.model_copy(update={"mark": "injection"}) if flag and segment.mark is None else segment
        for segment, flag in zip(segments, flags)
    ]


def marked(
    segments: list[Segment],
    language: str,
    web_text: bool = False,
    hint: str = "",
    kind: str | None = None,
    roles: dict | None = None,
) -> list[Segment]:
    """Every mark, in order; `web_text` for plain-text inputs, the only ones that can carry page furniture; `hint`
    (the source's title and file name) picks the talk when a file holds several; `kind` and `roles` are what a
    person said (an interview, who hosts)."""
    segments = role_marks(reattributed(segments), hint, kind, roles)
    if web_text:
        segments = furniture_marks(segments, language)
    return injection_marks(advert_marks(segments))
