"""Typed artifacts that cross stage boundaries, and the one way they reach disk: temp file, fsync, rename."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline.errors import UserError


def _read_umask() -> int:
    """Read once at import: os.umask can only be read by setting it, which is not safe once threads run."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


UMASK = _read_umask()


class Artifact(BaseModel):
    """Base for artifacts: unknown keys are an error, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid")

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


A = TypeVar("A", bound=Artifact)


class Chapter(Artifact):
    title: str
    start: float
    end: float | None = None


class Source(Artifact):
    """What came in: a local recording, a subtitle/transcript file, or a URL fetched with yt-dlp."""

    kind: Literal["media", "subtitles", "text", "transcript"]
    slug: str
    title: str
    path: str | None = None
    url: str | None = None
    sha256: str
    size: int
    duration: float | None = None
    language: str | None = None
    speakers: list[str] = Field(default_factory=list)
    # names and roles people gave the transcript's voices (label → name; label → host/guest): pipeline.sources.speakers
    speaker_names: dict[str, str] = Field(default_factory=dict)
    speaker_roles: dict[str, Literal["host", "guest", "speaker"]] = Field(default_factory=dict)
    talk_kind: Literal["talk", "interview"] | None = None  # given (--kind, sources.yaml kind:); None: detected
    date: str | None = None
    description: str | None = None
    chapters: list[Chapter] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)

    @property
    def named_title(self) -> str:
        """The title someone gave the talk; "" when it is only the file's name ("kamal marhubi" from
        kamal-marhubi.txt), which names nothing the talk said."""
        stem = file_title(self.path)
        return "" if stem and self.title.strip() == stem else self.title


def file_title(path: str | Path | None) -> str:
    """The title ingest makes from a local file's name: its stem, "_" and "-" read as spaces ("" without a path)."""
    return Path(path).stem.replace("_", " ").replace("-", " ").strip() if path else ""


# Why a segment is shown in transcript.md but never quoted, summarised or used for sections:
# stage: "(applause)"; furniture: a web page's navigation, counters, contact or reward lines in a text input;
# host: the host's introduction or closing; audience: a question from the room; injection: text that addresses the
# model ("ignore previous instructions"): untrusted words stay data; other-talk: a second talk in the same file (a
# conference's caption file runs on into the next speaker's talk).
Mark = Literal["stage", "furniture", "host", "audience", "injection", "other-talk"]


class Segment(Artifact):
    """A sentence (or a run of sentences within one speaker turn), never a line break; times kept or interpolated."""

    id: int
    start: float | None = None
    end: float | None = None
    text: str
    speaker: str | None = None
    mark: Mark | None = None
    # the recogniser was unsure of some of its words: shown in transcript.md, never quoted, never a point or a name
    doubtful: bool = False


class Transcript(Artifact):
    language: str
    origin: Literal["whisper", "subtitles", "text", "transcript"]
    model: str | None = None
    duration: float | None = None
    segments: list[Segment]

    def text(self) -> str:
        return "\n".join(segment.text for segment in self.segments)

    def speech(self) -> list[Segment]:
        """What the talk says: the segments that may be quoted, summarised and cut into sections."""
        return [segment for segment in self.segments if segment.mark is None]


class Quote(Artifact):
    """A verbatim quote: the text and times are copied from the transcript segment, never typed by a model."""

    segment_id: int
    text: str
    start: float | None = None
    end: float | None = None
    speaker: str | None = None  # the transcript's label for who said it (a quote never spans two speakers)


class Section(Artifact):
    """A contiguous span of the talk (segments `first`..`last`), the reader question it answers, its quotes, and the
    short `name` that heads it in the drafts ("" when the question itself was asked in the recording: it heads)."""

    question: str
    persona: str
    key_points: list[str]
    quotes: list[Quote]
    first: int | None = None  # segment ids of the span; None in outlines written before spans existed
    last: int | None = None
    name: str = ""

    @property
    def heading(self) -> str:
        return self.name or self.question


class Entities(Artifact):
    people: list[str] = Field(default_factory=list)
    organizations: list[str] = Field(default_factory=list)
    products: list[str] = Field(default_factory=list)
    media: list[str] = Field(default_factory=list)


class AskedQuestion(Artifact):
    """A question stored in the corpus (`type: question`), as the community asked it."""

    question: str
    url: str = ""


class Outline(Artifact):
    title: str
    summary: str
    language: str
    tags: list[str]
    entities: Entities
    sections: list[Section]
    unverified: list[str] = Field(default_factory=list)  # quotes and cited lines not found in the transcript
    open_questions: list[AskedQuestion] = Field(default_factory=list)  # stored community questions the talk leaves open


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(8 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def write_atomic(path: Path, text: str) -> str:
    """Write text to a temp file beside `path`, fsync, then rename over it; returns the sha256 of what was written.

    A run killed at any moment leaves either the old file or the new one, never half of one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~UMASK)  # mkstemp makes 0600
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return sha256_bytes(data)


def load(path: Path, model: type[A], made_by: str) -> A:
    """Load an artifact from disk; a missing or broken file names the command that makes it."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path} is missing; run `{made_by}` to produce it")
    try:
        return model.model_validate_json(path.read_text(encoding="utf-8"))
    except (ValidationError, ValueError) as error:
        first = str(error).splitlines()[0]
        raise UserError(f"{path} is not a valid {model.__name__} ({first}); rerun `{made_by}` with --force") from None
