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


def _proper_chinese(name: str) -> bool:
    tags = _chinese_tags(name)
    return bool(tags) and any(tag.startswith(PROPER_TAGS) for tag in tags)


def is_proper_name(name: str, source_text: str) -> bool:
    """A name, as the source writes it: capitalised (English) or a proper noun (Chinese)."""
    if re.search(r"[A-Za-z]", name):
        latin = re.findall(r"[A-Za-z][\w.+#-]*", name)
        if not any(word[:1].isupper() or any(ch.isupper() for ch in word[1:]) for word in latin):
            return False
        return re.search(rf"(?<![\w]){re.escape(name.strip())}(?![\w])", source_text) is not None
    return bool(CJK.search(name)) and _proper_chinese(name.strip())


@lru_cache(maxsize=256)
def _chinese_tags(name: str) -> tuple[str, ...]:
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return tuple(pair.flag for pair in jieba.posseg.lcut(name))


TITLES_ZH = ("博士", "老师", "先生", "女士", "教授", "总监", "总裁", "老板")


def looks_like_person(name: str, source_text: str, named: list[str] = ()) -> bool:
    """A person's name by its shape: someone the source names as a speaker (or their first name); in English two or
    three capitalised words whose last is not a word the talk also says in lower case ("Hacker School", "Clojure
    script" and "Fantavision" are not people); in Chinese what jieba tags a person, or one with a title (晓辉博士)."""
    folded = _fold(name)
    if any(folded in (_fold(person), _fold(person).split()[0]) for person in named if person.strip()):
        return True
    if CJK.search(name):
        return name.endswith(TITLES_ZH) or any(tag.startswith("nr") for tag in _chinese_tags(name))
    tokens = name.split()
    shape = r"(?:Mc|Mac|O')?[A-Z][a-z]+(?:[-'’][A-Za-z]+)*|[A-Z]\."  # "Ada", "McQuill", "O'Hara", "Q."
    if not 2 <= len(tokens) <= 3 or not all(re.fullmatch(shape, token) for token in tokens):
        return False
    return re.search(rf"(?<![\w]){re.escape(tokens[-1].lower())}(?![\w])", source_text) is None


def typed(entities: Entities, source_text: str, named: list[str] = ()) -> Entities:
    """A small model lists every name as a person; a name that does not look like one moves to organisations (what
    jieba tags an organisation) or products, unless it is one word; a name sharing a word with a speaker's is a
    person wherever it was filed."""

    speaking = {_fold(word) for person in named for word in person.split()}

    def speaker(name: str) -> bool:  # "Travis Quill" for a speaker introduced as "Travis": never a product
        return bool({_fold(word) for word in name.split()} & speaking)

    kept = {"organizations": entities.organizations, "products": entities.products, "media": entities.media}
    moved = [name for names in kept.values() for name in names if speaker(name)]
    people = []
    organizations, products, media = ([name for name in kept[kind] if name not in moved] for kind in kept)
    for name in [*entities.people, *moved]:
        if name in moved or looks_like_person(name, source_text, named):
            people.append(name)
        elif CJK.search(name) and any(tag.startswith("nt") for tag in _chinese_tags(name)):
            organizations.append(name)
        elif CJK.search(name) or len(name.split()) > 1:
            products.append(name)
        # one word the model called a person ("Willem", "Fantavision"): its shape cannot tell, and a person filed
        # under products is worse than a name left out
    return entities.model_copy(
        update={
            "people": list(dict.fromkeys(people)),
            "organizations": list(dict.fromkeys(organizations)),
            "products": list(dict.fromkeys(products)),
            "media": media,
        }
    )


def grounded_entities(
    proposed: dict[str, list[str]], source_text: str, refused: list[str], named: list[str] = ()
) -> Entities:
    """Keep the proposed names that the source says as names; `refused` are words never to be names (the slug,
    the file name); `named` are the people the source names (speakers)."""
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

    return typed(Entities(**{kind: keep(names) for kind, names in proposed.items()}), source_text, named)
