"""A draft as a reader of markdown sees it: its tokens, an inline token's words, its sections under their headings,
and what a check reads it against (`Grounds`) and finds (`FileReport`). `devrel check`, the reader checks and the
safety screen all parse drafts this one way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from pipeline.artifacts import Source, Transcript

MARKDOWN = MarkdownIt("commonmark")
TIME_PARAMS = {"t", "start"}


@dataclass
class FileReport:
    path: Path
    kind: str
    quotes_total: int = 0
    quotes_verified: int = 0
    problems: dict[str, list[str]] = field(default_factory=dict)  # category → what failed
    figures: dict[str, float | int] = field(default_factory=dict)  # reader measures (blog words, similarities)

    def add(self, category: str, message: str) -> None:
        self.problems.setdefault(category, []).append(message)


@dataclass
class Grounds:
    """What a draft may draw on. The transcript vouches for quotes, but not for links: it is untrusted input (a
    talk can say "visit http://scam.example"), so only the source's metadata and the corpus vouch for URLs and handles.
    """

    transcript: Transcript | None
    text: str  # source.json and corpus, folded
    urls: set[str]
    spoken: str = ""  # the transcript, folded
    summaries: list[str] = field(default_factory=list)  # the blog's front matter summary and the outline's
    names_text: str = ""  # source metadata (not the file name), transcript and corpus, as written: names they contain
    source: Source | None = None  # who is who: the names and roles people gave the transcript's voices
    past: list[str] = field(default_factory=list)  # the corpus: voice for drafts, never their text (rules.borrowed)

    def knows(self, reference: str) -> bool:
        if reference.startswith("@"):
            name = reference[1:].casefold()
            return reference.casefold() in self.text or re.search(rf"\b{re.escape(name)}\b", self.text) is not None
        return canonical_url(reference) in self.urls


def canonical_url(url: str) -> str:
    """A URL without scheme, www., fragment or time parameter: a timestamp link still points to its source."""
    parts = urlsplit(url.rstrip(".,;:!?"))
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k not in TIME_PARAMS])
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}" + (f"?{query}" if query else "")


def inline_text(token: Token) -> str:
    """An inline token's words: text and link text, line breaks kept, code left out."""
    parts = []
    for child in token.children or []:
        if child.type == "text":
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "code_inline":
            parts.append(" ")
    return "".join(parts)


def sections(tokens: list[Token], body: str) -> list[tuple[str, str]]:
    """(heading, the raw markdown under it up to the next heading): posts are measured as they were written."""
    lines = body.splitlines()
    heads = [(i, token) for i, token in enumerate(tokens) if token.type == "heading_open" and token.map]
    found = []
    for n, (i, token) in enumerate(heads):
        end = heads[n + 1][1].map[0] if n + 1 < len(heads) else len(lines)
        found.append((tokens[i + 1].content.strip(), "\n".join(lines[token.map[1] : end]).strip()))
    return found


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().replace("’", "'")
    return " ".join(text.split())
