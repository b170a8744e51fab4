"""What the three draft stages share: their inputs, the voice slot, and fitting text to platform limits."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from pipeline.artifacts import Outline, Source, Transcript
from pipeline.check.drafts import URL
from pipeline.check.parsed import canonical_url
from pipeline.format.limits import SENTENCE_END, SENTENCE_MARK_END, SENTENCE_MARKS, at_clause, shorten
from pipeline.format.render import outline_for_prompt
from pipeline.format.text import CJK, LANGUAGE_NAMES, guard
from pipeline.llm.client import LLM
from pipeline.llm.prompts import Prompt
from pipeline.safety import untrusted


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Shortened(Strict):
    text: str = Field(max_length=1000)


@dataclass
class DraftInputs:
    """A draft is written from the outline (never the raw transcript), in the output language."""

    outline: Outline
    source: Source
    llm: LLM
    prompts: dict[str, Prompt]
    language: str
    transcript: Transcript | None = None  # the sections' spans: what the speaker said, for passages and names
    rewrite: bool = False  # the blog: let the model edit each passage into prose (kept only if it adds nothing)
    habits_asked_again: bool = True  # an item with a habit's fault is asked again (else built from its section)
    voice: str = ""  # style examples from the corpus (pipeline.corpus.voice), rendered into the prompt's {{voice}} slot
    related: list[dict] = field(default_factory=list)  # past posts (title, url) for the blog's "Related reading"
    warnings: list[str] = field(default_factory=list)
    marked: list[str] = field(default_factory=list)  # the source's metadata marked as instructions (safety.untrusted)

    def known_urls(self) -> set[str]:
        """Links a draft may carry: the source's own, related posts', and those in the voice examples it was shown."""
        texts = [
            self.source.url or "",
            self.source.description or "",
            self.voice,
            *(post.get("url") or "" for post in self.related),
        ]
        return {canonical_url(url) for text in texts for url in URL.findall(text)}

    def variables(self) -> dict[str, str]:
        return {
            "outline": guard(outline_for_prompt(self.outline)),
            "title": guard(self.outline.title),
            "language": LANGUAGE_NAMES.get(self.language, self.language),
            "voice": self.voice,
        }


def fit(inputs: DraftInputs, label: str, text: str, limit: int, length=len, brief: str = "") -> str:
    """Over the limit: ask the model once to rewrite it shorter; still over: cut at a sentence or word boundary.
    `brief`: what the stage's other calls begin with, so a local server keeps the talk it has read for the next."""
    text = text.strip()
    if length(text) <= limit:
        return text
    rewritten = inputs.llm.structured(
        inputs.prompts["shorten"],
        Shortened,
        max_tokens=limit,
        brief=brief,
        text=text,
        limit=str(limit),
        length=str(length(text)),
    ).text.strip()
    rewritten = untrusted.draft_text(inputs, label, rewritten)
    if rewritten and length(rewritten) <= limit:
        inputs.warnings.append(
            f"{label} was {length(text)} characters; rewritten to {length(rewritten)} (limit {limit})"
        )
        return rewritten
    cut = shorten(rewritten or text, limit, length)
    inputs.warnings.append(
        f"{label} was {length(text)} characters; shortened at a sentence/word boundary (limit {limit})"
    )
    return cut


MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\((https?://[^)\s]+)\)")


def without_invented_links(inputs: DraftInputs, label: str, text: str) -> str:
    """Small models write "read more at https://example.com/..." with a URL nobody gave them: a markdown link to an
    unknown URL keeps its words, a sentence with a bare unknown URL goes. Each removal is a warning."""
    known = inputs.known_urls()

    def unlink(match: re.Match) -> str:
        if canonical_url(match.group(2)) in known:
            return match.group(0)
        inputs.warnings.append(f"{label}: removed a link the model made up ({match.group(2)})")
        return match.group(1)

    text = MARKDOWN_LINK.sub(unlink, text)
    kept = []
    for line in text.split("\n"):
        sentences = [s for s in SENTENCE_END.split(line) if s]
        invented = [
            url.rstrip(".,;:!?") for s in sentences for url in URL.findall(s) if canonical_url(url) not in known
        ]
        if not invented:
            kept.append(line)
            continue
        inputs.warnings.extend(f"{label}: removed a sentence with a link the model made up ({url})" for url in invented)
        rest = " ".join(s.strip() for s in sentences if all(canonical_url(u) in known for u in URL.findall(s)))
        if rest:
            kept.append(rest)
    return "\n".join(kept).strip()


ENDINGS = SENTENCE_MARKS + (")", "]", "'", "*", "`")  # and markdown's closing marks


def _ends_well(text: str) -> bool:
    """A sentence end, or what posts end with instead: a hashtag, a handle, a link, an emoji."""
    last_word = text.split()[-1] if text.split() else ""
    return (
        text.endswith(ENDINGS)
        or last_word.startswith(("#", "@", "http"))
        or unicodedata.category(text[-1]) == "So"  # an emoji
        or (CJK.match(text[-1]) is not None and text[-1].isalnum())
    )  # Chinese posts often end without 。


def finished(text: str, bound: int | None = None) -> str:
    """Whole sentences only. A string that reached its schema bound was stopped by the grammar, and small models
    sometimes stop mid-sentence too ("...the importance of hashing to"): such a tail goes, the last full sentence
    ends the text (a single unfinished sentence, only at the bound, is cut where a main clause ends, else at a word
    with an ellipsis)."""
    text = text.strip()
    at_bound = bound is not None and len(text) >= bound - 2
    # at its bound, only a sentence mark ends it: a Chinese character ("…坐前排。回想") or a closing quote ("…called
    # the 'mark-and-sweep'") is where the grammar stopped it
    if not text or (_ends_well(text) and not (at_bound and not SENTENCE_MARK_END.search(text))):
        return text
    sentences = [piece for piece in SENTENCE_END.split(text) if piece]
    if len(sentences) > 1:
        return shorten(text, len(text) - len(sentences[-1]))
    if not at_bound:
        return text
    return at_clause(text, len(text) - 1) or shorten(text, len(text) - 1)  # "X beats Y, because the" → "X beats Y."


def bound(schema: type[BaseModel], name: str) -> int:
    """The maxLength the grammar enforced on a field (or on each item of a list field)."""
    field = schema.model_json_schema()["properties"][name]
    return field.get("maxLength") or field["items"]["maxLength"]


def prose(inputs: DraftInputs, label: str, text: str, schema: type[BaseModel], name: str) -> str:
    """Model-written text as a draft may carry it: finished sentences, no invented links."""
    whole = finished(text, bound(schema, name))
    if whole != text.strip():
        inputs.warnings.append(f"{label} stopped mid-sentence; ended at its last full sentence")
    return untrusted.draft_text(inputs, label, without_invented_links(inputs, label, whole))  # marked text never passes
