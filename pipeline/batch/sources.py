"""sources.yaml: the week's inputs (items, and channels or playlists with `since`), validated with line numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from pipeline.config import Settings
from pipeline.errors import DevrelError, UserError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Voice(_Strict):
    """A transcript's voice as a person names it: `SPEAKER_1: {name: Maya, role: host}`."""

    name: str
    role: Literal["host", "guest", "speaker"] | None = None


class Item(_Strict):
    """One talk: a URL or a local path (relative to the sources file), with what a person knows about it."""

    url: str | None = None
    path: str | None = None
    title: str | None = None
    speakers: list[str] | dict[str, str | Voice] | None = None  # names in order of first speech, or label → name
    kind: Literal["talk", "interview"] | None = None
    lang: str | None = None
    tags: list[str] | None = None
    hotwords: list[str] | None = None

    @model_validator(mode="after")
    def one_source(self):
        if bool(self.url) == bool(self.path):
            raise ValueError("give exactly one of url or path")
        return self


class Channel(_Strict):
    """A channel or playlist: its entries in the window become items."""

    url: str
    since: str | None = None
    max_items: int | None = Field(default=None, ge=1)
    lang: str | None = None
    tags: list[str] | None = None
    hotwords: list[str] | None = None


class SourcesFile(_Strict):
    week: str | None = Field(default=None, pattern=r"^\d{4}-W\d{2}$")
    items: list[Item] = Field(default_factory=list)
    channels: list[Channel] = Field(default_factory=list)


@dataclass
class Job:
    """One run of the batch: a source, its settings overrides and metadata, or the error that prevents it."""

    source: str
    options: dict = field(default_factory=dict)
    overrides: dict = field(default_factory=dict)
    error: str | None = None

    def settings(self, base: Settings) -> Settings:
        return base.model_copy(update=self.options)


def _line_of(root: yaml.Node, loc: tuple) -> int | None:
    """Walk the YAML node tree along a pydantic error location to the line a person should look at."""
    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = [value for key, value in node.value if key.value == part]
            if not found:
                break
            node = found[0]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
    return node.start_mark.line + 1 if node is not None else None


def load_sources(path: Path) -> SourcesFile:
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such sources file; write one (see sources.yaml in the repo)")
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "somewhere"
        raise UserError(
            f"{path}:{mark.line + 1 if mark else ''} not valid YAML at {where} ({getattr(error, 'problem', error)})"
        ) from None
    try:
        return SourcesFile.model_validate(data)
    except ValidationError as error:
        problem = error.errors()[0]
        loc = tuple(part for part in problem["loc"] if not (isinstance(part, str) and part.startswith("function")))
        line = _line_of(root, loc) if root is not None else None
        field_name = ".".join(str(part) for part in loc) or "file"
        raise UserError(f"{path}:{line or 1}: {field_name}: {problem['msg']}") from None


def _options(entry: Item | Channel) -> dict:
    return {key: value for key, value in {"lang": entry.lang, "hotwords": entry.hotwords}.items() if value is not None}


def _speakers(item: Item) -> dict:
    from pipeline.sources.speakers import parsed_speakers

    given = item.speakers
    if isinstance(given, dict):
        given = {
            label: voice.model_dump(exclude_none=True) if isinstance(voice, Voice) else voice
            for label, voice in given.items()
        }
    return parsed_speakers(given)


def jobs_from(sources: SourcesFile, settings: Settings, expand: Callable, base: Path = Path(".")) -> list[Job]:
    """Items as they are; each channel listed by yt-dlp within its window (a channel that fails is one failed job)."""
    jobs = []
    for item in sources.items:
        source = item.url or str((base / item.path) if not Path(item.path).is_absolute() else item.path)
        overrides = {
            key: value
            for key, value in {"title": item.title, "tags": item.tags, "talk_kind": item.kind}.items()
            if value
        }
        overrides |= _speakers(item)
        jobs.append(Job(source=source, options=_options(item), overrides=overrides))
    for channel in sources.channels:
        window = settings.model_copy(
            update={"since": channel.since or settings.since, "max_items": channel.max_items or settings.max_items}
        )
        try:
            entries = expand(channel.url, window)
        except DevrelError as error:
            jobs.append(Job(source=channel.url, error=str(error)))
            continue
        options = _options(channel) | {"since": window.since}
        jobs += [
            Job(source=entry, options=options, overrides={"tags": channel.tags} if channel.tags else {})
            for entry in entries
        ]
    return jobs
