"""hooks: titles, X posts (≤ 280, links count 23), a LinkedIn post and short-video hooks."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from pipeline.artifacts import Artifact
from pipeline.limits import X_POST, x_length
from pipeline.render import front_matter, source_label
from pipeline.stages.drafting import DraftInputs, Strict, fit, prose
from pipeline.text import one_line

VERSION = 2  # 2: finished sentences, no invented links
MAX_TOKENS = 1500
LINKEDIN = 3000


class HooksDraft(Strict):
    """String bounds here only stop runaway output; platform limits are checked after, so nothing is cut mid-word."""

    titles: list[Annotated[str, Field(max_length=150)]] = Field(min_length=5, max_length=5)
    x_posts: list[Annotated[str, Field(max_length=450)]] = Field(min_length=3, max_length=3)
    linkedin: str = Field(max_length=1000)
    video_hooks: list[Annotated[str, Field(max_length=200)]] = Field(min_length=3, max_length=3)


class Hooks(Artifact):
    source: str
    title: str
    language: str
    titles: list[str]
    x_posts: list[str]
    linkedin: str
    video_hooks: list[str]

    def markdown(self) -> str:
        meta = {"type": "hook", "title": self.title, "source": self.source, "language": self.language, "status": "draft"}
        lines = [front_matter(meta), "## Titles", ""]
        lines += [f"{n}. {title}" for n, title in enumerate(self.titles, 1)]
        lines += ["", "## X posts"]
        for n, post in enumerate(self.x_posts, 1):
            lines += ["", f"### X post {n} ({x_length(post)}/{X_POST})", "", post]
        lines += ["", f"## LinkedIn ({len(self.linkedin)}/{LINKEDIN})", "", self.linkedin, "", "## Short-video hooks", ""]
        lines += [f"{n}. {hook}" for n, hook in enumerate(self.video_hooks, 1)]
        return "\n".join(lines) + "\n"


def hooks(inputs: DraftInputs) -> Hooks:
    draft = inputs.llm.structured(inputs.prompts["hooks"], HooksDraft, MAX_TOKENS, **inputs.variables())
    posts = [fit(inputs, f"X post {n}", prose(inputs, f"X post {n}", post, HooksDraft, "x_posts"), X_POST, x_length)
             for n, post in enumerate(draft.x_posts, 1)]  # fmt: skip
    return Hooks(
        source=source_label(inputs.source), title=inputs.outline.title, language=inputs.language,
        titles=[one_line(prose(inputs, f"title {n}", title, HooksDraft, "titles")) for n, title in enumerate(draft.titles, 1)],
        x_posts=posts, linkedin=fit(inputs, "LinkedIn post", prose(inputs, "LinkedIn post", draft.linkedin, HooksDraft, "linkedin"), LINKEDIN),
        video_hooks=[one_line(prose(inputs, f"video hook {n}", hook, HooksDraft, "video_hooks"))
                     for n, hook in enumerate(draft.video_hooks, 1)],  # fmt: skip
    )  # fmt: skip
