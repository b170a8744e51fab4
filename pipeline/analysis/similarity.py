"""How alike two pieces of text are, the way a reader notices a copy: character trigrams, Jaccard.

Character trigrams work for English and Chinese alike (no tokenizer), and catch a post that repeats the summary
with a word changed. Used by the draft stages (regenerate a copy) and by `devrel check` / `make eval` (report it).
"""

from __future__ import annotations

import re
import unicodedata
from itertools import combinations

COPY = 0.5  # at or above this, a reader sees the same text twice


def _grams(text: str) -> set[str]:
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = " ".join(re.sub(r"[^\w]+", " ", folded).split())
    return {folded[i : i + 3] for i in range(max(len(folded) - 2, 0))} if len(folded) >= 3 else {folded} - {""}


def similarity(a: str, b: str) -> float:
    """Trigram Jaccard in [0, 1]; 0 when either side is empty."""
    left, right = _grams(a), _grams(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def highest(items: list[str]) -> float:
    """The highest similarity between two items of a list (0 for fewer than two)."""
    return max((similarity(a, b) for a, b in combinations(items, 2)), default=0.0)


def copies(text: str, others: list[str], threshold: float = COPY) -> bool:
    """True when `text` is a copy of any of `others`."""
    return any(similarity(text, other) >= threshold for other in others)
