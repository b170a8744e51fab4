"""The title a talk announces itself by: the speaker or the host says it in the opening ("I'm here to talk about
stone ovens and rye.", "my talk is called “…”", "今天分享的题目是《…》"). It is the speaker's own name for the
talk, so it heads the drafts before any title a model proposes."""

from __future__ import annotations

import re

from pipeline.artifacts import Segment
from pipeline.rules import STOP

OPENING_WORDS = 300  # the talk's first words (the host's introduction included): where a talk says its title
TITLE_WORDS = (2, 12)  # "Ovens" names a subject, not a talk; a longer "title" is a sentence about it
_QUOTED = r"[\"“'‘](?P<quoted>[^\"”'’]{3,120})[\"”'’]"
_EN = [
    re.compile(
        r"\b(?:the title of (?:this|my|the) talk is|(?:this|my) talk is (?:called|titled|named)|"
        r"(?:this|my) talk,? (?:called|titled)|presenting\s*(?:--|—|:)?)\s*,?\s*" + _QUOTED,
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:(?:i'm|i am|we're|we are) (?:here |going |gonna )?(?:to )?talk(?:ing)? about|"
        r"(?:is|are|'s) going to talk about|(?<=[a-z]) talking about)\s+(?P<said>[^.!?]{3,100})(?:[.!?]|$)",
        re.IGNORECASE,
    ),
]
_ZH = re.compile(r"(?:分享|讲|聊|介绍|演讲|报告)的?(?:主题|题目|话题)?(?:是|叫做?)?[：:]?《(?P<quoted>[^》]{2,30})》")
_CLAUSE = re.compile(r",?\s+(?:today|tonight)\b.*$|,\s*(?:which|who|that|where|because|so|and then|and i)\b.*$", re.I)
_TRAILING = re.compile(r"[\s,;:—-]+(?:this (?:morning|afternoon|evening)|with you(?: all)?|here)\s*$", re.I)
_CLAUSE_WORDS = frozenset("i you we they he she it my our your is are was were".split())
_SMALL = frozenset("a an the and or but of to in on at by for with from as vs via".split())


def announced_title(segments: list[Segment], language: str) -> str:
    """The title the opening says, as a headline; "" when it says none."""
    opening, count = [], 0
    for segment in segments:
        if count >= OPENING_WORDS:
            break
        opening.append(segment.text)
        count += len(segment.text) if language == "zh" else len(segment.text.split())
    text = " ".join(" ".join(opening).split())
    if language == "zh":
        found = _ZH.search(text)
        return found.group("quoted").strip() if found else ""
    for pattern in _EN:
        for found in pattern.finditer(text):
            quoted = "quoted" in pattern.groupindex
            said = found.group("quoted") if quoted else _CLAUSE.sub("", found.group("said"))
            title = _TRAILING.sub("", said.strip().strip("\"“”'‘’")).strip(" ,;:")
            words = title.split()
            if not TITLE_WORDS[0] <= len(words) <= TITLE_WORDS[1] * (1 + quoted):  # a title in quote marks is one
                continue
            if not quoted and (words[-1].lower() in STOP or _CLAUSE_WORDS.intersection(w.lower() for w in words)):
                continue  # "about the", "about how we built it": a clause, not a name
            return headline_case(title.rstrip("!."))
    return ""


def headline_case(title: str) -> str:
    """Each word capitalised but the small ones inside the title; a word already capitalised keeps its case."""
    words = title.split()
    small = lambda i, word: 0 < i < len(words) - 1 and word.lower() in _SMALL  # noqa: E731
    return " ".join(
        word if word[:1].isupper() or small(i, word) else word[:1].upper() + word[1:] for i, word in enumerate(words)
    )
