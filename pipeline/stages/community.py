"""community: a Discord announcement (≤ 2000 characters), a forum post and a newsletter blurb."""

from __future__ import annotations

from pydantic import Field

from pipeline.artifacts import Artifact
from pipeline.limits import DISCORD
from pipeline.render import front_matter, source_label
from pipeline.stages.drafting import DraftInputs, Strict, fit, prose
from pipeline.text import one_line

VERSION = 2  # 2: finished sentences, no invented links
MAX_TOKENS = 2000


class CommunityDraft(Strict):
    discord: str = Field(max_length=1000)
    forum_title: str = Field(max_length=150)
    forum_body: str = Field(max_length=1000)
    newsletter: str = Field(max_length=700)


class Community(Artifact):
    source: str
    title: str
    language: str
    discord: str
    forum_title: str
    forum_body: str
    newsletter: str

    def markdown(self) -> str:
        meta = {"type": "community", "title": self.title, "source": self.source, "language": self.language, "status": "draft"}
        return "\n".join([
            front_matter(meta), f"## Discord ({len(self.discord)}/{DISCORD})", "", self.discord, "",
            f"## Forum: {self.forum_title}", "", self.forum_body, "", "## Newsletter", "", self.newsletter, "",
        ])  # fmt: skip


def community(inputs: DraftInputs) -> Community:
    draft = inputs.llm.structured(inputs.prompts["community"], CommunityDraft, MAX_TOKENS, **inputs.variables())
    return Community(
        source=source_label(inputs.source), title=inputs.outline.title, language=inputs.language,
        discord=fit(inputs, "Discord post", prose(inputs, "Discord post", draft.discord, CommunityDraft, "discord"), DISCORD),
        forum_title=one_line(prose(inputs, "forum title", draft.forum_title, CommunityDraft, "forum_title")),
        forum_body=prose(inputs, "forum post", draft.forum_body, CommunityDraft, "forum_body"),
        newsletter=prose(inputs, "newsletter blurb", draft.newsletter, CommunityDraft, "newsletter"),
    )  # fmt: skip
