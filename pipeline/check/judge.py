"""An editor's verdict on one talk's drafts, from a stronger model behind any OpenAI-compatible endpoint.

`make eval JUDGE=URL` (JUDGE_MODEL, JUDGE_KEY) reads each talk and its drafts with `prompts/judge/` and adds the
figures an editor reports to eval/results.md: the share of items worth keeping, whether the blog is publishable
after light edits, how readable it is, its factual errors and the key ideas it conveys. The counts beside them are
the pipeline's own checks; these are a reader's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from pipeline.config import load_settings
from pipeline.format.text import guard
from pipeline.kinds import DRAFT_KINDS
from pipeline.llm.client import LLM
from pipeline.llm.prompts import load_prompt

TALK_CHARS = 60_000  # a long talk is cut here: a judge reads what fits its context
ANSWER_TOKENS = 4000


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ItemVerdict(Strict):
    item: str = Field(max_length=200)
    verdict: Literal["keep", "edit", "rewrite", "wrong"]
    why: str = Field(default="", max_length=400)


class IdeaVerdict(Strict):
    idea: str = Field(max_length=300)
    conveyed: Literal["yes", "partly", "no"]


class BlogVerdict(Strict):
    key_ideas: list[IdeaVerdict] = Field(max_length=8)
    headings_fit: int = Field(ge=0)
    headings: int = Field(ge=0)
    factual_errors: list[Annotated[str, Field(max_length=300)]] = Field(max_length=30)
    readable: int = Field(ge=1, le=5)
    publishable: Literal["light", "heavy", "no"]


class Verdict(Strict):
    items: list[ItemVerdict] = Field(max_length=40)
    blog: BlogVerdict
    worst_problem: str = Field(max_length=600)


def judge_llm(url: str, model: str | None = None, key: str | None = None) -> LLM:
    """The judge's endpoint: never the embedded model (a 1.5B cannot judge what it wrote)."""
    return LLM(load_settings({"base_url": url, "model": model or "gpt-4o-mini", "api_key": key}))


def verdict(llm: LLM, talk: Path, folder: Path, prompts: str | None = None) -> Verdict:
    drafts = "\n\n".join(
        f"=== {kind.file} ===\n{(folder / kind.file).read_text(encoding='utf-8')}"
        for kind in DRAFT_KINDS
        if (folder / kind.file).is_file()
    )
    text = talk.read_text(encoding="utf-8", errors="replace")[:TALK_CHARS]
    return llm.structured(load_prompt("judge", prompts), Verdict, ANSWER_TOKENS, talk=guard(text), drafts=guard(drafts))


def figures(found: Verdict) -> dict[str, float | int | str]:
    """What results.md shows per talk: the rubric's figures."""
    items = found.items
    kept = sum(1 for item in items if item.verdict in ("keep", "edit"))
    ideas = found.blog.key_ideas
    return {
        "keep_rate": round(kept / len(items), 3) if items else 0.0,
        "wrong_items": sum(1 for item in items if item.verdict == "wrong"),
        "publishable": found.blog.publishable,
        "readable": found.blog.readable,
        "factual_errors": len(found.blog.factual_errors),
        "ideas_conveyed": round(sum(1 for idea in ideas if idea.conveyed != "no") / len(ideas), 3) if ideas else 0.0,
        "headings_fit": f"{found.blog.headings_fit}/{found.blog.headings}",
        "worst_problem": found.worst_problem,
    }
