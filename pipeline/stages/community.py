"""community: a Discord announcement (≤ 2000 characters), a forum post and a newsletter blurb."""

from __future__ import annotations

from pydantic import Field

from pipeline.artifacts import Artifact
from pipeline.limits import DISCORD
from pipeline.render import front_matter, source_label
from pipeline.stages.drafting import DraftInputs, Strict, fit

VERSION = 1
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
        discord=fit(inputs, "Discord post", draft.discord, DISCORD), forum_title=draft.forum_title.strip(),
        forum_body=draft.forum_body.strip(), newsletter=draft.newsletter.strip(),
    )  # fmt: skip
