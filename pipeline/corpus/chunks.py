"""The corpus: past content as markdown files with YAML front matter, read and cut into chunks for the store.

A chunk follows the markdown structure (a heading's paragraphs stay together) and long blocks are split at
sentence ends, Chinese ones included. Its id is a hash of its content and of its file's front matter, so an index
run can tell which chunks are new without embedding anything.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from langchain_text_splitters import RecursiveCharacterTextSplitter
from markdown_it import MarkdownIt

from pipeline.format import frontmatter
from pipeline.format.text import guess_language
from pipeline.kinds import DRAFT_KINDS

FOLDERS = {**{kind.type: kind.folder for kind in DRAFT_KINDS}, "question": "questions", "transcript": "transcripts"}
TYPES = tuple(FOLDERS)  # blog, hook, community (the drafts' types), question, transcript
CHUNK_CHARS = 700
SEPARATORS = ["\n\n", "\n", "。", "！", "？", ". ", "! ", "? ", "；", "; ", "，", ", ", " ", ""]
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n?", re.S)


class CorpusFileError(ValueError):
    """A markdown file that is not a corpus item (no front matter, unknown type); the index skips it and says why."""


@dataclass
class Doc:
    """One past piece: where it lives, what its front matter says, and its markdown body."""

    file: str
    type: str
    title: str
    body: str
    date: str = ""
    url: str = ""
    tags: list[str] = field(default_factory=list)
    language: str = ""

    def meta(self) -> dict[str, str]:
        """Front matter as chroma metadata: flat scalars only, so tags become one comma-separated string."""
        return {
            "file": self.file,
            "type": self.type,
            "title": self.title,
            "date": self.date,
            "url": self.url,
            "tags": ", ".join(self.tags),
            "language": self.language,
        }


@dataclass
class Chunk:
    id: str
    text: str
    meta: dict


def split_front_matter(text: str) -> tuple[dict, str]:
    """(front matter, body); a file without front matter has an empty dict (the drafts' parser, made lenient)."""
    if not FRONT_MATTER.match(text):
        return {}, text
    fields, body, error = frontmatter.split_front_matter(text)
    if isinstance(error, frontmatter.MissingFrontMatter):
        return {}, text
    if error:
        raise CorpusFileError(str(error))
    return fields, body


def read_doc(path: Path, key: str) -> Doc:
    """Parse one corpus file; `key` is the name the store knows it by (a path relative to where you run devrel)."""
    fields, body = split_front_matter(Path(path).read_text(encoding="utf-8"))
    kind = str(fields.get("type") or "").strip().lower()
    if kind not in TYPES:
        raise CorpusFileError(f"front matter `type` is {kind or 'missing'!r}; use one of: {', '.join(TYPES)}")
    title = str(fields.get("title") or "").strip() or Path(path).stem.replace("-", " ")
    tags = fields.get("tags") or []
    tags = [str(tag) for tag in (tags if isinstance(tags, list) else str(tags).split(","))]
    return Doc(
        file=key,
        type=kind,
        title=title,
        body=body.strip(),
        date=str(fields.get("date") or ""),
        url=str(fields.get("url") or ""),
        tags=[tag.strip() for tag in tags if tag.strip()],
        language=str(fields.get("language") or "") or guess_language(title + body[:2000]),
    )


def blocks(body: str) -> list[tuple[str, str]]:
    """(heading, block text) for each top-level markdown block, in order, with the text as written."""
    lines = body.splitlines()
    tokens = MarkdownIt("commonmark").parse(body)
    heading, found = "", []
    for index, token in enumerate(tokens):
        if token.level != 0 or token.map is None or token.nesting == -1:
            continue
        text = "\n".join(lines[token.map[0] : token.map[1]]).strip()
        if token.type == "heading_open":
            heading = tokens[index + 1].content.strip()
            found.append((heading, text))  # the heading as written ("## Keys") opens its section's first chunk
        elif text:
            found.append((heading, text))
    return found


def _splitter() -> RecursiveCharacterTextSplitter:
    return RecursiveCharacterTextSplitter(
        separators=SEPARATORS, chunk_size=CHUNK_CHARS, chunk_overlap=0, keep_separator="end"
    )


def chunk_texts(body: str) -> list[tuple[str, str]]:
    """Blocks under one heading are packed together up to CHUNK_CHARS; a longer block is split at sentence ends."""
    packed: list[tuple[str, str]] = []
    splitter = _splitter()
    for heading, text in blocks(body):
        for piece in splitter.split_text(text) if len(text) > CHUNK_CHARS else [text]:
            piece = piece.strip()
            previous = packed[-1][1] if packed and packed[-1][0] == heading else None
            lone_heading = previous is not None and previous.startswith("#") and "\n" not in previous
            if previous is not None and (lone_heading or len(previous) + len(piece) + 2 <= CHUNK_CHARS):
                packed[-1] = (heading, packed[-1][1] + "\n\n" + piece)
            elif piece:
                packed.append((heading, piece))
    return packed


def chunks(doc: Doc) -> list[Chunk]:
    """The doc's chunks; the first one carries the title, since a title says what a piece is about."""
    made, seen = [], set()
    doc_meta = doc.meta()
    for position, (heading, text) in enumerate(chunk_texts(doc.body) or [("", doc.title)]):
        document = text.strip()
        if position == 0 and doc.title not in document:
            document = f"{doc.title}\n\n{document}"
        payload = json.dumps([doc_meta, document], ensure_ascii=False, sort_keys=True)
        chunk_id = hashlib.sha256(payload.encode()).hexdigest()
        while chunk_id in seen:  # the same paragraph twice in one file: keep both, under distinct ids
            chunk_id = hashlib.sha256((chunk_id + "+").encode()).hexdigest()
        seen.add(chunk_id)
        made.append(Chunk(id=chunk_id, text=document, meta=doc_meta | {"heading": heading, "position": position}))
    return made


def store_key(path: Path) -> str:
    """Files are known by their path relative to the working directory, so a team sharing a server agrees on names."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def corpus_files(path: Path) -> list[Path]:
    """The markdown files under a folder (README.md files explain the folder and are not corpus items)."""
    path = Path(path)
    if path.is_file():
        return [path]
    found = path.rglob("*.md")
    return sorted(
        p
        for p in found
        if p.name.lower() != "readme.md" and not any(part.startswith(".") for part in p.relative_to(path).parts)
    )
