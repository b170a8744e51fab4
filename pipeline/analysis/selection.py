"""Choosing by code: the quotes of a section and the sentences of its passage, from the section's own span.

A small model cannot pick a quotable sentence or edit a passage (MODELS.md), but a sentence's place in its span
(how central it is) and its form (whole, a claim, a number, no greeting or slide reference) can be measured.
Quotes are verbatim segments; passages are the same sentences cleaned of speech noise, in the order spoken.
"""

from __future__ import annotations

import re

import numpy as np

from pipeline.analysis.similarity import copies
from pipeline.analysis.topics import centrality
from pipeline.artifacts import Quote, Segment
from pipeline.format.text import CJK

QUOTES_PER_SECTION = 2
PASSAGE_CENTRAL_WEIGHT = 0.5  # a passage keeps the span's thread: centrality and form alike
PASSAGE_FORM = 0.25  # below this a sentence reads as noise in prose ("Now I can go like this, maybe.")
ROOM_QUESTION = re.compile(
    r"\b(?:you guys|anybody|anyone|everybody|raise (?:your|of) hands?|show of hands)\b.*\?$|大家.*[吗？]$",
    re.IGNORECASE,
)
SECOND_QUOTE = 0.85  # a second quote only when it scores nearly as well as the first
SHARE = 0.4  # of the talk's words; cleaning takes out the fillers, so a post lands near a third of the talk
MAX_WORDS = 2000
MIN_WORDS = 120


def words(text: str) -> int:
    """Words as a reader counts them: a Chinese character is one."""
    cjk = len(CJK.findall(text))
    return cjk + len(CJK.sub(" ", text).split())


CENTRAL_WEIGHT = 0.35  # the rest is quotability: a central sentence that means nothing alone is no quote
MIN_SPREAD = 0.05  # centralities closer than this are a tie, not a ranking: two sentences are always equally central


def _scores(
    texts: list[str], vectors: np.ndarray, language: str, central_weight: float = CENTRAL_WEIGHT
) -> list[float]:
    """Per sentence: how central it is to its span (scaled to [0, 1] within the span) and how well it stands alone;
    0 for what can never be used (fragments, remarks to the room, stage directions)."""
    from pipeline.analysis.speech import quotability

    central = centrality(vectors)
    low, high = (float(central.min()), float(central.max())) if len(central) else (0.0, 1.0)
    spread = max(high - low, MIN_SPREAD)  # else float noise between tied sentences would weigh CENTRAL_WEIGHT
    scores = []
    for text, c in zip(texts, central):
        quotable = quotability(text, language) if text else 0.0
        scores.append(
            central_weight * (float(c) - low) / spread + (1 - central_weight) * quotable if quotable > 0 else 0.0
        )
    return scores


def chosen_quotes(segments: list[Segment], vectors: np.ndarray, language: str, shown: list[str]) -> list[Quote]:
    """The span's best pull quotes: whole sentences, central and quotable, none a repeat of one already shown."""
    scores = _scores([segment.text for segment in segments], vectors, language)
    chosen: list[Quote] = []
    best = max(scores, default=0.0)
    for index in sorted(range(len(segments)), key=lambda i: -scores[i]):
        if scores[index] <= 0 or len(chosen) == QUOTES_PER_SECTION or (chosen and scores[index] < SECOND_QUOTE * best):
            break
        segment = segments[index]
        if copies(segment.text, shown + [quote.text for quote in chosen]):
            continue
        chosen.append(
            Quote(
                segment_id=segment.id, text=segment.text, start=segment.start, end=segment.end, speaker=segment.speaker
            )
        )
    return sorted(chosen, key=lambda quote: quote.segment_id)


def passage(segments: list[Segment], vectors: np.ndarray, language: str, budget: int) -> list[str]:
    """The span condensed by selection: its most central whole sentences, cleaned, in the order spoken, within
    `budget` words. Fragments ("These are"), trailing-off starts, remarks and questions to the room and repeats are
    left out."""
    from pipeline.analysis.speech import clean

    cleaned = [clean(segment.text, language) for segment in segments]
    from pipeline.analysis.speech import quotability

    scores = _scores(cleaned, vectors, language, central_weight=PASSAGE_CENTRAL_WEIGHT)
    usable = [
        i
        for i, text in enumerate(cleaned)
        if scores[i] > 0 and quotability(text, language) >= PASSAGE_FORM and not ROOM_QUESTION.search(text)
    ]
    kept: list[int] = []
    used = 0
    for index in sorted(usable, key=lambda i: -scores[i]):
        size = words(cleaned[index])
        if used + size > budget and kept:
            continue
        if copies(cleaned[index], [cleaned[k] for k in kept]):
            continue
        kept.append(index)
        used += size
        if used >= budget:
            break
    return [cleaned[i] for i in sorted(kept)]


def shares(sizes: list[int]) -> list[int]:
    """The words the blog shows of each section: about a third of the talk (at most MAX_WORDS), shared out by how
    much each section says. The outline reads the same passages, so a heading never says their opening back."""
    total = sum(sizes) or 1
    wanted = max(MIN_WORDS, min(MAX_WORDS, round(total * SHARE)))
    return [max(40, round(wanted * size / total)) for size in sizes]


def opened(sentences: list[str], language: str) -> list[str]:
    """The passage from its first sentence that can open a paragraph: under a heading the reader has not heard the
    sentence before it, so "And…" loses its link and "It was great." goes (when none can, the passage stands)."""
    from pipeline.analysis.speech import paragraph_opening

    for index, sentence in enumerate(sentences):
        if (first := paragraph_opening(sentence, language)) is not None:
            return [first, *sentences[index + 1 :]]
    return sentences


def paragraphs(sentences: list[str], language: str, size: int = 90) -> list[str]:
    """Sentences grouped into paragraphs of about `size` words, as a reader expects prose to be broken."""
    groups: list[list[str]] = [[]]
    count = 0
    for sentence in sentences:
        if count >= size:
            groups.append([])
            count = 0
        groups[-1].append(sentence)
        count += words(sentence)
    joiner = "" if language == "zh" else " "
    return [joiner.join(group) for group in groups if group]
