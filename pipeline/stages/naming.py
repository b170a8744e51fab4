"""naming: a short name for each part of a talk — the blog's heading over it and its video chapter.

The embedded model names a passage well and states facts badly, and a question it writes often relates the part's
terms wrongly ("What is the purpose of X using Y?"). So a part is headed by a name, not a made-up question: one call
per part offers up to three names from the opening of the text the blog shows under it, each is checked like a
heading (short, not a question, in the talk's own words, naming something, not cut short, not a repeat, not another
part's words), and code keeps the one whose words the part says most. A part no name fits is headed by its own
short statement, then its most repeated terms. A question someone in the recording asked (a host's, the room's)
stays its part's heading. The video's chapters are named in one call for every part (model_names).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Annotated

from pydantic import Field

from pipeline.artifacts import Section
from pipeline.format.limits import SENTENCE_END
from pipeline.format.text import LANGUAGE_NAMES, guard, one_line
from pipeline.llm.client import LLM
from pipeline.llm.prompts import Prompt
from pipeline.rules import claim_words, fired, stem
from pipeline.stages.drafting import Strict

META = re.compile(
    r"\b(?:the (?:speaker|talk|presenter|presentation|material|author)|this (?:talk|part|video)|\w+'s talk|"
    r"(?:main|key) (?:topic|points?|ideas?|takeaways?)|significance of)\b|"
    r"作者|演讲者|讲者|本次演讲|这次演讲|视频中|本文|主要内容|要点",
    re.IGNORECASE,
)


# Words that could head any part of any talk: "A Practical Overview" passed as the part's own terms when the talk
# said "practice" somewhere; they name nothing, so they never count as the part's terms.
ANY_HEADING = frozenset(
    """overview practical introduction intro guide deep dive insights insight basics essentials understanding
    exploring exploration journey lessons lesson concepts fundamentals things ways tips approach approaches
    perspective perspectives thoughts story stories discussion closer look comprehensive complete ultimate
    beginners beginner primer review summary highlights takeaways key important importance role""".split()
)


def naming_words(heading: str) -> list[str]:
    """An English heading's words that could name a part: not small words, not words that could head anything."""
    words = re.findall(r"[a-z0-9][a-z0-9'+#-]*", heading.casefold())
    return [word for word in words if word not in ANY_HEADING and word not in SMALL_WORDS]


def names_nothing(heading: str) -> bool:
    """An English heading made only of words that could head anything ("A Practical Overview")."""
    return bool(re.search(r"[a-z0-9]", heading.casefold())) and not naming_words(heading)


SMALL_WORDS = frozenset(
    "a an the and or of in on for to with at by from vs how what why its your our we you is are".split()
)


NAME_CHARS = 50  # YouTube's limit for a chapter, and about what a reader takes in of a heading at a glance
NAMES_MAX_TOKENS = 300
NAMED_POINTS = 3  # what the model reads of a chapter the outline did not name: its part's first key points
NAMED_WORDS = 100  # what the chapters call reads of a part
PART_WORDS = 150  # what a part's own call reads of it: the opening of what the blog shows under its heading
PART_NAMES = 3


class NamesDraft(Strict):
    titles: list[Annotated[str, Field(max_length=80)]] = Field(max_length=20)


def model_names(llm: LLM, prompt: Prompt, parts: list[list[str]], language: str) -> list[str]:
    """One call names every part from what it says; [] when the answer is unusable or does not name each part once
    (the parts' own statements stand in)."""
    material = "\n".join(f'<part n="{n}">\n' + "\n".join(said) + "\n</part>" for n, said in enumerate(parts, 1))
    try:
        draft = llm.structured(
            prompt,
            NamesDraft,
            NAMES_MAX_TOKENS,
            material=guard(material),
            count=str(len(parts)),
            language=LANGUAGE_NAMES.get(language, language),
        )
    except Exception:  # noqa: BLE001 - a name is a nicety: every part still has its own statement or terms
        return []
    if len(draft.titles) != len(parts):
        return []
    return [one_line(title).strip().strip('"“”').rstrip("。.") for title in draft.titles]


def fits(name: str, grounds: str, language: str, taken: list[str], refused: tuple[str, ...] = ()) -> bool:
    """A name names a topic: short, not a question, in the talk's words, about something (not "A Practical
    Overview"), not the talk itself, not pointing back, not a name another part has."""
    if not name or len(name) > NAME_CHARS or name.rstrip().endswith(("?", "？")) or META.search(name):
        return False
    if name.casefold() in {t.casefold() for t in [*taken, *refused]} or (language != "zh" and names_nothing(name)):
        return False
    return not (
        fired("cut_short", name, grounds)
        or fired("unsupported", name, grounds, language, naming=True)
        or fired("wrong_language", name, language)
        or fired("leans_back", name, language)
    )


def _share(name: str, text: str, language: str) -> float:
    """How much of a name's own words a text says."""
    words = {stem(word) for word in claim_words(name, language)}
    said = {stem(word) for word in claim_words(text, language)}
    return len(words & said) / len(words) if words else 0.0


def elsewhere(name: str, index: int, shown: list[str], language: str) -> bool:
    """Another part says more of the name's words than the part it heads: names swapped between parts."""
    own = _share(name, shown[index], language)
    return any(_share(name, text, language) > own for i, text in enumerate(shown) if i != index and text)


def said_in(section: Section) -> list[str]:
    """What the model reads of a chapter: its part's theme heading, if any, and the speaker's first points."""
    theme = [] if section.question.rstrip().endswith(("?", "？")) else [section.question]
    return [*theme, *section.key_points[:NAMED_POINTS]]


def opening(text: str, language: str, limit: int = NAMED_WORDS) -> str:
    """The first `limit` words of a text (Chinese: twice as many characters), cut at a word."""
    if language == "zh":
        return text[: limit * 2]
    said = text.split()
    return " ".join(said[:limit]) + (" …" if len(said) > limit else "")


def part_names(llm: LLM, prompt: Prompt, said: str, language: str) -> list[str]:
    """One call: up to three names for one part, from what it says; [] when the answer is unusable. One part a call:
    asked to name every part at once, a small model slips by one ("Introduction", then each name one place late)."""
    try:
        draft = llm.structured(
            prompt,
            NamesDraft,
            NAMES_MAX_TOKENS,
            material=guard(said),
            language=LANGUAGE_NAMES.get(language, language),
        )
    except Exception:  # noqa: BLE001 - a name is a nicety: every part still has its own statement or terms
        return []
    return [one_line(title).strip().strip('"“”').rstrip("。.") for title in draft.titles[:PART_NAMES]]


def repeated(name: str, text: str, language: str) -> float:
    """How much a text keeps saying a name's words (each counted up to five times): a heading names what its part
    says most, not a word it says once."""
    counts = Counter(stem(word) for word in claim_words(text, language))
    words = [stem(word) for word in claim_words(name, language)]
    return sum(min(counts[word], 5) for word in words) / len(words) if words else 0.0


def unasked(text: str, language: str, limit: int = PART_WORDS) -> str:
    """What the model reads of a part: its opening without the questions the speaker asks (a small model copies a
    question back as the name: "What is a stone oven?")."""
    sentences = [s for s in SENTENCE_END.split(text) if s.strip() and not s.rstrip().endswith(("?", "？"))]
    return opening(("" if language == "zh" else " ").join(sentences) or text, language, limit)


def section_names(
    llm: LLM,
    prompt: Prompt,
    sections: list[Section],
    shown: list[str],
    fallbacks: list[list[str]],
    grounds: str,
    language: str,
    asked: set[str],
) -> list[Section]:
    """Each section with its `name`: of the model's names for it (from what the blog `shown` under it, so the heading
    fits the text beneath it), the one that fits and that the part says most; else the first of its `fallbacks` (its
    own statement, its terms) that fits. A name must be its own part's words, not another part's. A section whose
    question was asked in the recording keeps that question as its heading."""
    taken = [section.question for section in sections if section.question in asked]
    result = []
    for index, section in enumerate(sections):
        if section.question in asked:
            result.append(section)
            continue
        modelled = [
            name
            for name in part_names(llm, prompt, unasked(shown[index], language), language)
            if not fired("unsupported", name, shown[index], language, naming=True)
            and not elsewhere(name, index, shown, language)  # another part's words: its fallbacks are its own
        ]
        modelled.sort(key=lambda name: -repeated(name, shown[index], language))
        candidates = [*modelled, *fallbacks[index]]
        name = next((n for n in (one_line(c).strip() for c in candidates) if fits(n, grounds, language, taken)), "")
        taken.append(name)
        result.append(section.model_copy(update={"name": name}))
    return result
