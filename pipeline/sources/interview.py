"""Interviews and a talk's questions from the room: who asks, who answers, and the question each answer follows.

An interview is two or more voices where the one who says the most (the guest) answers, at length, questions the
others (the hosts) ask from early on. Given (`kind: interview`, `host` roles) or detected. The hosts' questions become
the outline's questions, in their order; the guests' answers are the sections' material; a host is never quoted.
A talk that ends with questions from the room keeps them as its last section: the speaker's answers are material,
the room is never quoted.
"""

from __future__ import annotations

import re

from pipeline.artifacts import Segment
from pipeline.rules import leans_back
from pipeline.sources.turns import ROLE_LABEL, Turn, turns, word_count

QUESTION_END = re.compile(r"[?？]\s*[\"”’')\]]*$")
# An interviewer's prompt need not end in a question mark: "Tell me about the new oven."
REQUEST = re.compile(
    r"^(?:(?:so|and|now|okay|well),?\s+)?(?:tell (?:me|us)|talk (?:to (?:me|us) )?about|walk (?:me|us) through|"
    r"explain|describe|give (?:me|us)|let's talk about|what about|how about)\b|"
    r"^(?:那么?|所以)?(?:请你?|你来)?(?:说说|谈谈|讲讲|聊聊|介绍一下)",
    re.IGNORECASE,
)
QUOTED = re.compile(r"[\"“「『][^\"”」』]*[?？]\s*[\"”」』]\s*$")
ASKED_IN = 2  # a question among a turn's last two sentences asks: "What changed? I'm curious."
HOST_SHARE = 0.2  # of a host's turns ask something (the rest are "Right." and "That's awesome.")
EARLY = 0.25  # the hosts' first question comes within the first quarter of the words: not a Q&A at the end
ANSWER_WORDS = 20  # an answer is a turn of at least this many words (for telling an interview from a talk)
SHORT_ANSWER = 8  # once it is an interview, an answer this long still makes a section
MIN_QUESTIONS = 3
OWN_PART_WORDS = 150  # an answer this long to a question pointing back is a part of its own, named from its words
NEW_QUESTION_WORDS = 5  # "Really?", "Isn't that right?" follow up on what was said; they open no section


def asking(text: str) -> bool:
    """A question or a request, not one the speaker quotes ("Is it worth it?" she asked herself)."""
    text = text.strip()
    return not QUOTED.search(text) and bool(QUESTION_END.search(text) or REQUEST.search(text))


def asks(turn: Turn) -> bool:
    """The turn asks the other voice something: a question or a request among its last sentences."""
    return any(asking(segment.text) for segment in turn.segments[-ASKED_IN:])


def hosts(segments: list[Segment], kind: str | None = None, roles: dict[str, str] | None = None) -> list[str]:
    """The hosts' labels when this is an interview (the main one first), else []. A person's word wins (`kind:
    talk` turns detection off; `host` roles name the hosts); otherwise the voices other than the one who says the
    most that ask questions answered at length, from early on. Several hosts, or a co-host, ask in turn."""
    if kind == "talk":
        return []
    given = [label for label, role in (roles or {}).items() if role == "host"]
    if given:
        return given
    found = [turn for turn in turns(segments) if not ROLE_LABEL.match(turn.speaker)]  # the room never hosts
    said: dict[str, int] = {}
    for turn in found:
        said[turn.speaker] = said.get(turn.speaker, 0) + turn.words
    if len(said) < 2:
        return []
    guest = max(said, key=lambda label: said[label])
    enough = SHORT_ANSWER if kind == "interview" else ANSWER_WORDS
    answered = [
        i
        for i, turn in enumerate(found[:-1])
        if turn.speaker != guest
        and asks(turn)
        and found[i + 1].speaker != turn.speaker
        and found[i + 1].words >= enough
    ]
    own = {label: sum(1 for turn in found if turn.speaker == label) for label in said}
    asked = {label: sum(1 for i in answered if found[i].speaker == label) for label in said}
    chosen = [label for label in said if asked[label] and asked[label] >= HOST_SHARE * own[label]]
    answered = [i for i in answered if found[i].speaker in chosen]
    if not answered or len(answered) < (1 if kind == "interview" else MIN_QUESTIONS):
        return []
    total = sum(said.values()) or 1
    if kind != "interview" and sum(turn.words for turn in found[: answered[0]]) > EARLY * total:
        return []
    return sorted(chosen, key=lambda label: -asked[label])


POINTS_BACK = re.compile(
    r"\b(?:that|this|those|these) (?:story|stories|thing|one|point|idea|decision|problem|issue|part|project|stuff|"
    r"case|time|moment|approach|change|action|level)s?\b|\b(?:it|that|so|or)\W*[?？]$|那个|这个|这件事|"
    # a follow-up: "…happy with it, though?", "…baked by...?"
    r"\b(?:with|about|on|of|for|to|from|in|into) (?:it|that|them)\b|\b(?:though|then|too)\W*[?？]$|"
    r"(?:\.{2,}|…)\s*[?？]$",
    re.IGNORECASE,
)


def names_its_subject(question: str, language: str) -> bool:
    """A host's question that a reader understands as a heading, without the answer before it: not "Can you say more
    about that?" nor "…isn't it?"."""
    return not POINTS_BACK.search(question) and leans_back(question, language) is None


def host_question(turn: Turn, language: str) -> str:
    """What the host asks, as a heading: the turn's last full question (a tag question like "isn't it?" is not
    one), its lead-in and the guest's name dropped."""
    from pipeline.analysis.speech import clean

    asked = [segment.text for segment in turn.segments if asking(segment.text)]
    full = [text for text in asked if word_count(text) >= NEW_QUESTION_WORDS]
    text = clean((full or asked or [turn.segments[-1].text])[-1], language).strip()
    text = re.sub(r"^(?:so|and|okay|ok|well|now|right)\b[,\s]*", "", text, flags=re.IGNORECASE)
    text = re.sub(r"^[A-Z][\w'-]+(?: [A-Z][\w'-]+)?,\s+(?=\w)", "", text)  # "Ada, why did…" → "why did…"
    return text[:1].upper() + text[1:] if text else text


def qa_pairs(segments: list[Segment], hosts: list[str], language: str) -> list[tuple[str, list[Segment]]]:
    """(a host's question, the answer's speech segments) in the hosts' order. Words before the first question
    (a welcome, the episode's description) join nothing; a short follow-up ("Really?"), a question pointing back at
    what was just said and the hosts' remarks leave the answer going on; answers too short to be one are dropped."""
    pairs: list[tuple[str, list[Segment]]] = []
    found = turns(segments)
    for index, turn in enumerate(found):
        if turn.speaker in hosts:
            if asks(turn) and (question := host_question(turn, language)):
                answer = found[index + 1].words if index + 1 < len(found) else 0
                if word_count(question) >= NEW_QUESTION_WORDS and (
                    not pairs or names_its_subject(question, language) or answer >= OWN_PART_WORDS
                ):  # "Can you say more about that?" goes on with the answer before, unless a part of its own follows
                    pairs.append((question, []))
            continue
        if pairs and turn.segments:
            pairs[-1][1].extend(segment for segment in turn.segments if segment.mark is None)
    return [(question, answer) for question, answer in pairs if sum(word_count(s.text) for s in answer) >= SHORT_ANSWER]


ROOM_QUESTIONS = 2  # a Q&A is questions from the room; one "can you speak up?" mid-talk is not
ROOM_TURN_WORDS = 60  # a turn from the room longer than this is the speaker going on under a guessed label


def room_questions_start(segments: list[Segment]) -> int | None:
    """The segment id where a talk's questions from the room begin: the first of at least two questions from the
    audience after most of the talk, which the speaker answers. None when there is no such Q&A."""
    speech_words = [(segment.id, word_count(segment.text)) for segment in segments if segment.mark is None]
    total = sum(words for _, words in speech_words) or 1
    long_turns = {s.id for turn in turns(segments) if turn.words > ROOM_TURN_WORDS for s in turn.segments}
    asked = [  # a question from the room is short: a long turn asking is the speaker's own, labelled by guess
        segment
        for segment in segments
        if segment.mark == "audience" and QUESTION_END.search(segment.text.strip()) and segment.id not in long_turns
    ]
    for index, segment in enumerate(asked):
        before = sum(words for id_, words in speech_words if id_ < segment.id)
        after = sum(words for id_, words in speech_words if id_ > segment.id)
        if before >= 0.6 * total and after >= ANSWER_WORDS and len(asked) - index >= ROOM_QUESTIONS:
            return segment.id
    return None


def voices(
    segments: list[Segment], kind: str | None = None, roles: dict[str, str] | None = None
) -> tuple[list[str], list[str]] | None:
    """(hosts, guests) of an interview, guests by how much they say; None for a talk."""
    asking = hosts(segments, kind, roles)
    if not asking:
        return None
    said: dict[str, int] = {}
    for segment in segments:
        if segment.speaker and segment.speaker not in asking and segment.mark is None:
            said[segment.speaker] = said.get(segment.speaker, 0) + word_count(segment.text)
    return asking, sorted(said, key=lambda label: -said[label])
