"""Proper names a text mentions that its source does not: what a small model invents ("as Elon Musk once said").

A draft may name only people, companies and products the talk names. Without a named-entity model, names are found
the way a reader spots them:
- English: capitalised words and phrases ("Elon Musk", "GitHub", "AWS") that are not common words. A word is
  capitalised at a sentence start anyway, so there it counts only if the text also capitalises it mid-sentence (or it
  is written like a name: "GitHub", "AWS", "GPT-4"); so do the words of a title-case line ("How Cache Keys Work").
- Chinese has no capitals: Latin-script names inside Chinese text ("OpenAI", "Kubernetes").
- In both, names the caller lists (`names`: the outline's entities) wherever they occur.
A name is known when `known` (the source's metadata and transcript) contains it, case-insensitively, as whole words.
Used by the draft stages (a sentence naming an unknown name is dropped) and by `devrel check` (reported).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# Capitalised but not names: the pronoun, days and months, the acronyms every tech talk uses, the platforms our own
# drafts are written for. Everything else capitalised that the source never says is treated as a name.
COMMON = frozenset(
    """
i i'm i've i'll i'd ok okay mr mrs ms dr prof
monday tuesday wednesday thursday friday saturday sunday
january february march april may june july august september october november december
ai api apis llm llms ml cpu cpus gpu gpus url urls http https json yaml html css sql cli ci cd pr prs faq q&a ui ux
sdk sdks ide os id ids tl;dr tldr devrel dev devs diy etc eg ie vs fyi
x linkedin discord forum newsletter english chinese
why how what when where which who whose is are do does can should
""".split()
)

# Words a headline leaves in lower case ("How to Build Pipelines that Scale").
SMALL_WORDS = frozenset("and but for nor yet via with from into onto over than that this when your about the".split())
# code, link targets, URLs, e-mail addresses, @handles and #hashtags (tags, not prose: "#CacheKeys" names nothing)
MARKUP = re.compile(r"`[^`\n]*`|\]\([^)\s]*\)|https?://\S+|[\w.+-]+@[\w-]+\.[\w.]+|(?<![\w&])[@#]\w+")
LINE_PREFIX = re.compile(r"^\s*(?:#+|>+|[-*+•·]|\d+[.)])\s+")
SENTENCES = re.compile(r"(?<=[.!?:;。！？：；])[\"”’')\]*_]*\s+")
TOKEN = re.compile(r"[A-Za-z0-9](?:[\w’'.+&#-]*[A-Za-z0-9+#])?")
GAP = re.compile(r"[ \t]+")  # what may sit between the words of one name: spaces, nothing else
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9’'.+&#-]*(?:[ \t]+[A-Za-z0-9][A-Za-z0-9’'.+&#-]*)*")
KNOWN_WORD = re.compile(r"[a-z0-9][a-z0-9'.+#&-]*")  # Latin words of the folded source, also inside Chinese text
POSSESSIVE = re.compile(r"[’']s$", re.IGNORECASE)


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().replace("’", "'").split())


def _strong(word: str) -> bool:
    """Written like a name wherever it stands: inner capitals (GitHub, iPhone), an acronym (AWS), a version (GPT-4)."""
    letters = [ch for ch in word if ch.isalpha()]
    inner_caps = any(ch.isupper() for ch in word[1:]) and any(ch.islower() for ch in word)
    acronym = len(letters) >= 2 and all(ch.isupper() for ch in letters)
    return inner_caps or acronym or (any(ch.isdigit() for ch in word) and word[:1].isupper())


def _capitalised(word: str) -> bool:
    return word[:1].isupper() or _strong(word)


def _candidate(word: str) -> bool:
    bare = POSSESSIVE.sub("", word)
    return len(bare) > 1 and not bare.isdigit() and _capitalised(bare) and _fold(bare) not in COMMON


def _sentences(text: str) -> list[str]:
    """Lines without their markdown prefix, cut at sentence ends (and colons: "Tip: The..." starts afresh)."""
    found = []
    for line in MARKUP.sub(" ", text).splitlines():
        found += [piece for piece in SENTENCES.split(LINE_PREFIX.sub("", line)) if piece.strip()]
    return found


def _title_case(words: list[str], sentence: str = "") -> bool:
    """A headline ("Stop Rerunning Everything"): every longer word after the first capitalised, so a capital says
    nothing about a name there. "Use Docker and Kubernetes to scale" is a sentence: "scale" is lower case. A short
    heading with no full stop ("Motivation and Alignment", after a colon) is a headline with one such word."""
    longer = [word for word in words[1:] if len(word) > 2 and word[:1].isalpha() and word not in SMALL_WORDS]
    if not longer or not all(word[:1].isupper() for word in longer):
        return False
    heading = (  # three or four words joined by a small one: "Motivation and Alignment", never "Camille Fournier"
        3 <= len(words) <= 4
        and words[0][:1].isupper()
        and any(word.islower() for word in words[1:-1])
        and not sentence.rstrip(" *_").endswith((".", "!", "?"))
    )
    return len(longer) >= 2 or heading


def _mid_sentence_capitals(sentences: list[tuple[str, list[re.Match]]]) -> set[str]:
    """Words the text capitalises inside ordinary sentences: there a capital marks a name."""
    seen = set()
    for sentence, tokens in sentences:
        words = [token.group() for token in tokens]
        if not _title_case(words, sentence):
            seen |= {POSSESSIVE.sub("", word) for word in words[1:] if _capitalised(word)}
    return seen


def _phrases(sentence: str, tokens: list[re.Match], named: set[str]) -> list[str]:
    """Runs of name words separated only by spaces; an unproven word (sentence start, headline) is not one."""
    title = _title_case([token.group() for token in tokens], sentence)
    runs: list[list[str]] = []
    previous_end = None
    for index, token in enumerate(tokens):
        word = POSSESSIVE.sub("", token.group())
        proven = (index > 0 and not title) or _strong(word) or word in named
        if not (_candidate(token.group()) and proven):
            previous_end = None
            continue
        joined = previous_end is not None and GAP.fullmatch(sentence[previous_end : token.start()]) is not None
        if joined:
            runs[-1].append(word)
        else:
            runs.append([word])
        previous_end = token.end() if word == token.group() else None  # "Musk's team": the name ends at the 's
    return [" ".join(run) for run in runs]


def _known(name: str, folded_known: str, known_words: set[str]) -> bool:
    folded = _fold(name)
    if re.search(r"(?<![a-z0-9])" + re.escape(folded) + r"(?![a-z0-9])", folded_known):
        return True
    return all(word in known_words for word in folded.split())


@lru_cache(maxsize=4)
def _index(known: str) -> tuple[str, frozenset[str]]:
    """The source folded, and its Latin words: computed once per source, not once per sentence checked."""
    folded = _fold(known)
    words = KNOWN_WORD.findall(folded)
    return folded, frozenset(words) | {POSSESSIVE.sub("", word).strip(".'-") for word in words}


def _english(text: str) -> list[str]:
    sentences = [(sentence, list(TOKEN.finditer(sentence))) for sentence in _sentences(text)]
    named = _mid_sentence_capitals(sentences)
    return [phrase for sentence, tokens in sentences for phrase in _phrases(sentence, tokens, named)]


def capitalised_words(text: str) -> set[str]:
    """Words `text` capitalises inside ordinary sentences, where a capital marks a name ("we run on Kubernetes")."""
    return _mid_sentence_capitals([(sentence, list(TOKEN.finditer(sentence))) for sentence in _sentences(text)])


def _latin_in_chinese(text: str) -> list[str]:
    """Latin-script runs in Chinese text that are capitalised (Python, OpenAI, AWS): Chinese has no other mark of a
    name, and lower-case Latin words in Chinese text are mostly loan words ("bug", "app")."""
    found = []
    for run in LATIN_RUN.finditer(MARKUP.sub(" ", text)):
        words = [POSSESSIVE.sub("", word.strip(".-'’")) for word in run.group().split()]
        words = [word for word in words if _candidate(word)]
        if words:
            found.append(" ".join(words))
    return found


def unknown_names(text: str, known: str, language: str, names: Iterable[str] = ()) -> list[str]:
    """Proper names in `text` that `known` does not contain (case-insensitive, whole words), in order, once each.

    `names` are further names to look for (the outline's entities): in Chinese they are the only way to see a
    Chinese-script name."""
    candidates = _latin_in_chinese(text) if language.startswith("zh") else _english(text)
    folded_text = _fold(text)
    candidates += [name for name in names if name.strip() and _fold(name) in folded_text]
    folded_known, known_words = _index(known)
    unknown: list[str] = []
    for name in candidates:
        if not _known(name, folded_known, known_words) and _fold(name) not in {_fold(seen) for seen in unknown}:
            unknown.append(name)
    return unknown
