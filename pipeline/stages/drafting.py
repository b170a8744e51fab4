"""What the three draft stages share: their inputs, the voice slot, and fitting text to platform limits."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from pipeline.artifacts import Outline, Source
from pipeline.limits import shorten
from pipeline.llm import LLM
from pipeline.prompts import Prompt
from pipeline.render import outline_for_prompt
from pipeline.text import LANGUAGE_NAMES, guard


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
    voice: str = ""  # style examples from the corpus (pipeline.voice), rendered into the prompt's {{voice}} slot
    related: list[dict] = field(default_factory=list)  # past posts (title, url) for the blog's "Related reading"
    warnings: list[str] = field(default_factory=list)

    def variables(self) -> dict[str, str]:
        return {
            "outline": guard(outline_for_prompt(self.outline)),
            "title": guard(self.outline.title),
            "language": LANGUAGE_NAMES.get(self.language, self.language),
            "voice": self.voice,
        }


def fit(inputs: DraftInputs, label: str, text: str, limit: int, length=len) -> str:
    """Over the limit: ask the model once to rewrite it shorter; still over: cut at a sentence or word boundary."""
    text = text.strip()
    if length(text) <= limit:
        return text
    rewritten = inputs.llm.structured(
        inputs.prompts["shorten"], Shortened, max_tokens=limit, text=text, limit=str(limit), length=str(length(text))
    ).text.strip()
    if rewritten and length(rewritten) <= limit:
        inputs.warnings.append(f"{label} was {length(text)} characters; rewritten to {length(rewritten)} (limit {limit})")
        return rewritten
    cut = shorten(rewritten or text, limit, length)
    inputs.warnings.append(f"{label} was {length(text)} characters; shortened at a sentence/word boundary (limit {limit})")
    return cut
