"""The drafts a run makes, in one table: every module that lists blog, hooks and community reads it from here.

Two names, each for one thing: the *stage* and its file are plural where the file holds many pieces (`hooks`,
`hooks.md`, `--only hooks`); the *type* names one piece, as in front matter and the corpus (`type: hook`, like
`type: question`), and the corpus keeps each type in `folder`.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ValidationError

from pipeline.format.frontmatter import BlogFrontMatter, CommunityFrontMatter, HooksFrontMatter, VideoFrontMatter


@dataclass(frozen=True)
class DraftKind:
    stage: str  # the stage, its --only/--from word, and `devrel check`'s kind
    file: str  # what the stage writes into the source's folder
    type: str  # front matter `type`, and the corpus type its approved copies join
    folder: str  # corpus/<folder>/ holds that type
    prompts: tuple[str, ...]  # the prompts the stage uses (prompts/<name>/)
    schema: type[BaseModel]  # its front matter
    label: str  # what the voice instructions call the corpus examples
    beside: tuple[str, ...] = ()  # files the stage writes next to its draft (data for other tools, not a draft)


HOOKS_PROMPTS = ("hooks-titles", "hooks-x", "hooks-linkedin")
COMMUNITY_PROMPTS = ("community-discord", "community-forum", "community-newsletter")

DRAFT_KINDS = (
    DraftKind("blog", "blog.md", "blog", "blog", ("blog",), BlogFrontMatter, "blog posts"),
    DraftKind(
        "hooks",
        "hooks.md",
        "hook",
        "hooks",
        ("brief", *HOOKS_PROMPTS, "shorten"),
        HooksFrontMatter,
        "hooks and social posts",
    ),
    DraftKind(
        "community",
        "community.md",
        "community",
        "community",
        ("brief", *COMMUNITY_PROMPTS, "shorten"),
        CommunityFrontMatter,
        "community posts",
    ),
    DraftKind(
        "video",
        "video.md",
        "video",
        "video",
        ("part-names",),
        VideoFrontMatter,
        "video descriptions",
        ("chapters.json", "clips.json"),
    ),
)
BY_STAGE = {kind.stage: kind for kind in DRAFT_KINDS}
BY_FILE = {kind.file: kind for kind in DRAFT_KINDS}
BY_TYPE = {kind.type: kind for kind in DRAFT_KINDS}
DRAFT_STAGES = tuple(BY_STAGE)
DRAFT_FILES = tuple(BY_FILE)
STAGES = ("ingest", "transcribe", "outline", *DRAFT_STAGES)  # in the order a run makes them


def front_matter_problems(kind: str, meta: dict) -> list[str]:
    """What is wrong with a draft's front matter against its kind's schema (`kind` is a stage: blog, hooks...)."""
    try:
        BY_STAGE[kind].schema.model_validate(meta)
    except ValidationError as error:
        return [f"{'.'.join(map(str, e['loc'])) or 'front matter'}: {e['msg']}" for e in error.errors()]
    return []
