"""Front matter of drafts: the leading `---` YAML block, and a schema per draft type to validate it against.

The schemas mirror what the draft stages write (render.base_front_matter, Hooks/Community.markdown), with
extra="forbid" like every artifact: a misspelt key a reviewer typed is reported instead of ignored.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import yaml
from pydantic import BeforeValidator, Field

from pipeline.artifacts import Artifact


class FrontMatterError(ValueError):
    """What is wrong with a file's front matter; its text is the one line a check prints."""


class MissingFrontMatter(FrontMatterError):
    """No leading `---` block, or one that never closes: a plain markdown file."""


class InvalidFrontMatter(FrontMatterError):
    """A `---` block that is not YAML, or not a mapping of fields."""


def _iso_date(value):
    """YAML reads an unquoted 2024-05-01 as a date and a quoted one as text: both are fine, other text is not."""
    return date.fromisoformat(value) if isinstance(value, str) else value


class FrontMatter(Artifact):
    title: str = Field(min_length=1)
    source: str = Field(min_length=1)
    language: str = Field(min_length=2)
    status: Literal["draft", "approved", "rejected"]


class BlogFrontMatter(FrontMatter):
    """What render.base_front_matter writes: a static-site post in the form our users publish
    (../shared/reference/seed-000.md): who spoke and wrote it, its layout and category, and the names it mentions."""

    type: Literal["blog"] = "blog"
    date: Annotated[date, BeforeValidator(_iso_date)]
    author: str | None = None
    speaker: str | None = None
    guest: str | None = None
    layout: str | None = None
    draft: bool | None = None
    category: str | None = None
    tags: list[str]
    summary: str = Field(min_length=1)
    people: list[str] = Field(default_factory=list)
    companies_orgs: list[str] = Field(default_factory=list)
    products_models: list[str] = Field(default_factory=list)
    media_books: list[str] = Field(default_factory=list)


class HooksFrontMatter(FrontMatter):
    type: Literal["hook"]


class CommunityFrontMatter(FrontMatter):
    type: Literal["community"]


class VideoFrontMatter(FrontMatter):
    type: Literal["video"]


def split_front_matter(text: str) -> tuple[dict | None, str, FrontMatterError | None]:
    """(front matter, body, error): the leading `---` block parsed with yaml.safe_load."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None, text, MissingFrontMatter("no front matter (a leading --- block)")
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() in ("---", "...")), None)
    if end is None:
        return None, text, MissingFrontMatter("front matter has no closing ---")
    body = "".join(lines[end + 1 :])
    try:
        meta = yaml.safe_load("".join(lines[1:end]))
    except yaml.YAMLError as error:
        return None, body, InvalidFrontMatter(f"front matter is not valid YAML ({str(error).splitlines()[0]})")
    if not isinstance(meta, dict):
        return None, body, InvalidFrontMatter("front matter is not a mapping of fields")
    return meta, body, None
