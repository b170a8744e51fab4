"""Entities are names found in the source: proper names the talk or its metadata says, never a common noun, never
the file name. A small model lists 网站, 规则 or the file's "zh club" as names; code keeps only real ones.

English: the name occurs in the source written with a capital (as a name is), not only lowercased as a word.
Chinese: the name carries Latin letters ("Arc 浏览器"), or jieba tags it a person, place, organisation or other
proper noun.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pipeline.artifacts import Entities
from pipeline.format.text import CJK

PROPER_TAGS = ("nr", "ns", "nt", "nz")  # jieba: person, place, organisation, other proper noun


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@lru_cache(maxsize=256)
def _proper_chinese(name: str) -> bool:
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    tags = [pair.flag for pair in jieba.posseg.lcut(name)]
    return bool(tags) and any(tag.startswith(PROPER_TAGS) for tag in tags)


def is_proper_name(name: str, source_text: str) -> bool:
    """A name, as the source writes it: capitalised (English) or a proper noun (Chinese)."""
    if re.search(r"[A-Za-z]", name):
        latin = re.findall(r"[A-Za-z][\w.+#-]*", name)
        if not any(word[:1].isupper() or any(ch.isupper() for ch in word[1:]) for word in latin):
            return False
        return re.search(rf"(?<![\w]){re.escape(name.strip())}(?![\w])", source_text) is not None
    return bool(CJK.search(name)) and _proper_chinese(name.strip())


def grounded_entities(proposed: dict[str, list[str]], source_text: str, refused: list[str]) -> Entities:
    """Keep the proposed names that the source says as names; `refused` are words never to be names (the slug,
    the file name)."""
    folded = _fold(source_text)
    refuse = {_fold(word) for text in refused for word in re.split(r"[\s_\-./]+", text) if word} | {
        _fold(t) for t in refused
    }

    def keep(names: list[str]) -> list[str]:
        kept = []
        for name in names:
            name = " ".join(name.split())
            if len(name) < 2 or _fold(name) in refuse or _fold(name) not in folded:
                continue
            if is_proper_name(name, source_text):
                kept.append(name)
        return list(dict.fromkeys(kept))

    return Entities(**{kind: keep(names) for kind, names in proposed.items()})
