"""Interviews and a talk's questions from the room: who asks, who answers, and the question each answer follows.

An interview is two or more voices where one of them (the host) asks most of the questions from early on, and
another answers at length. Given (`kind: interview`, a `host` role) or detected. The host's questions become the
outline's questions, in the host's order; the guest's answers are the sections' material; the host is never quoted.
A talk that ends with questions from the room keeps them as its last section: the speaker's answers are material,
the room is never quoted.
"""

from __future__ import annotations

import re

from pipeline.artifacts import Segment
from pipeline.sources.marks import ROLE_LABEL, Turn, turns, word_count

QUESTION_END = re.compile(r"[?？]\s*[\"”’')\]]*$")
HOST_SHARE = 0.4  # of the host's turns end in a question
EARLY = 0.25  # the host's first question comes within the first quarter of the words: not a Q&A at the end
ANSWER_WORDS = 20  # an answer is a turn of at least this many words (for telling an interview from a talk)
SHORT_ANSWER = 8  # once it is an interview, an answer this long still makes a section
MIN_QUESTIONS = 3


def asks(turn: Turn) -> bool:
    """The turn ends in a question."""
    return bool(turn.segments) and QUESTION_END.search(turn.segments[-1].text.strip()) is not None


def interviewer(segments: list[Segment], kind: str | None = None, roles: dict[str, str] | None = None) -> str | None:
    """The host's label when this is an interview, else None. A person's word wins (`kind: talk` turns detection
    off; a `host` role names the host); otherwise the voice asking most questions, early and answered at length."""
    if kind == "talk":
        return None
    given = next((label for label, role in (roles or {}).items() if role == "host"), None)
    if given:
        return given
    found = turns(segments)
    if len({turn.speaker for turn in found}) < 2:
        return None
    total = sum(turn.words for turn in found) or 1
    best, best_count = None, 0
    for speaker in dict.fromkeys(turn.speaker for turn in found):
        if ROLE_LABEL.match(speaker):
            continue  # the room asks questions, but never hosts
        own = [i for i, turn in enumerate(found) if turn.speaker == speaker]
        enough = SHORT_ANSWER if kind == "interview" else ANSWER_WORDS
        answered = [
            i
            for i in own
            if asks(found[i])
            and i + 1 < len(found)
            and found[i + 1].speaker != speaker
            and found[i + 1].words >= enough
        ]
        if not answered or len(answered) < HOST_SHARE * len(own):
            continue
        before = sum(turn.words for turn in found[: answered[0]])
        if (kind == "interview" or before <= EARLY * total) and len(answered) > best_count:
            best, best_count = speaker, len(answered)
    needed = 1 if kind == "interview" else MIN_QUESTIONS
    return best if best_count >= needed else None


def host_question(turn: Turn, language: str) -> str:
    """What the host asks, as a heading: the turn's last question (its lead-in and the guest's name dropped)."""
    from pipeline.analysis.speech import clean

    asked = [segment.text for segment in turn.segments if QUESTION_END.search(segment.text.strip())]
    text = clean(asked[-1] if asked else turn.segments[-1].text, language).strip()
    text = re.sub(r"^(?:so|and|okay|ok|well|now|right)\b[,\s]*", "", text, flags=re.IGNORECASE)
    text = re.sub(r"^[A-Z][\w'-]+(?: [A-Z][\w'-]+)?,\s+(?=\w)", "", text)  # "Ada, why did…" → "why did…"
    return text[:1].upper() + text[1:] if text else text


def qa_pairs(segments: list[Segment], host: str, language: str) -> list[tuple[str, list[Segment]]]:
    """(the host's question, the answer's speech segments) in the host's order. Words before the first question
    (a welcome) and answers too short to be one join nothing; an answer's follow-up remarks stay with it."""
    pairs: list[tuple[str, list[Segment]]] = []
    for turn in turns(segments):
        if turn.speaker == host:
            if asks(turn):
                pairs.append((host_question(turn, language), []))
            continue
        if pairs and turn.segments:
            pairs[-1][1].extend(segment for segment in turn.segments if segment.mark is None)
    return [(question, answer) for question, answer in pairs if sum(word_count(s.text) for s in answer) >= SHORT_ANSWER]


ROOM_QUESTIONS = 2  # a Q&A is questions from the room; one "can you speak up?" mid-talk is not


def room_questions_start(segments: list[Segment]) -> int | None:
    """The segment id where a talk's questions from the room begin: the first of at least two questions from the
    audience after most of the talk, which the speaker answers. None when there is no such Q&A."""
    speech_words = [(segment.id, word_count(segment.text)) for segment in segments if segment.mark is None]
    total = sum(words for _, words in speech_words) or 1
    asked = [
        segment for segment in segments if segment.mark == "audience" and QUESTION_END.search(segment.text.strip())
    ]
    for index, segment in enumerate(asked):
        before = sum(words for id_, words in speech_words if id_ < segment.id)
        after = sum(words for id_, words in speech_words if id_ > segment.id)
        if before >= 0.6 * total and after >= ANSWER_WORDS and len(asked) - index >= ROOM_QUESTIONS:
            return segment.id
    return None


def voices(
    segments: list[Segment], kind: str | None = None, roles: dict[str, str] | None = None
) -> tuple[str, list[str]] | None:
    """(host, guests) of an interview, guests by how much they say; None for a talk."""
    host = interviewer(segments, kind, roles)
    if host is None:
        return None
    said: dict[str, int] = {}
    for segment in segments:
        if segment.speaker and segment.speaker != host and segment.mark is None:
            said[segment.speaker] = said.get(segment.speaker, 0) + word_count(segment.text)
    return host, sorted(said, key=lambda label: -said[label])
