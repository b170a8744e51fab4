"""blog: the outline becomes a blog post; the questions are its headings, the quotes are copied verbatim."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from pipeline.artifacts import Artifact
from pipeline.render import base_front_matter, front_matter, quote_block
from pipeline.stages.drafting import DraftInputs, Strict, prose
from pipeline.text import one_line
from pipeline.voice import related_markdown

VERSION = 2  # 2: finished sentences, no invented links
MAX_TOKENS = 3000


class BlogDraft(Strict):
    title: str = Field(max_length=120)
    intro: str = Field(max_length=900)
    answers: list[Annotated[str, Field(max_length=900)]] = Field(min_length=1, max_length=6)
    closing: str = Field(max_length=700)


class Blog(Artifact):
    front_matter: dict
    body: str

    def markdown(self) -> str:
        return front_matter(self.front_matter) + "\n" + self.body


def blog(inputs: DraftInputs) -> Blog:
    draft = inputs.llm.structured(inputs.prompts["blog"], BlogDraft, MAX_TOKENS, **inputs.variables())
    parts = [prose(inputs, "blog intro", draft.intro, BlogDraft, "intro")]
    for index, section in enumerate(inputs.outline.sections):
        answer = prose(inputs, f"blog answer {index + 1}", draft.answers[index], BlogDraft, "answers") if index < len(draft.answers) else ""
        if not answer:  # the model gave fewer answers than questions: the key points stand in
            answer = "\n".join(f"- {point}" for point in section.key_points)
        parts += [f"## {section.question}", answer]
        parts += [quote_block(inputs.source, quote) for quote in section.quotes]
    parts.append(prose(inputs, "blog closing", draft.closing, BlogDraft, "closing"))
    if inputs.related:
        parts.append(related_markdown(inputs.related, inputs.language))
    title = one_line(draft.title) or inputs.outline.title
    body = "\n\n".join(part for part in parts if part) + "\n"
    return Blog(front_matter=base_front_matter(inputs.source, inputs.outline, title), body=body)
