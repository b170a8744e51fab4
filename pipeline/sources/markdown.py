"""Markdown transcripts as podcasts and blogs publish them: front matter, `**Name:**` turns, times written inline.

A published transcript is markdown: YAML front matter (title, date, speakers, the media URL, tags), `**Full Name:**`
or `Full Name (FN):` turns and later `FN:`, `**名字**：` in Chinese, timestamps every few minutes (`\\[03:59\\]`,
`[01:02:03]`, `(12:30)`), topic headings, `* * *` separators, break markers, images and links. Headings,
separators, break markers and images are not speech; markup is removed from what was said; an inline time becomes
its turn's time, so quotes link to the moment.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from pipeline.analysis.speech import is_furniture
from pipeline.errors import UserError
from pipeline.format.text import CJK
from pipeline.sources.sentences import Piece

FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.S)
TIME = re.compile(r"\\?[\[(]((?:\d{1,2}:)?\d{1,2}:\d{2})\\?[\])]")
HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
SEPARATOR = re.compile(r"^\s*(?:(?:\\?[*_-]\s*){3,})$")
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
LINK = re.compile(r"\[([^\]]*)\]\((?:[^)]*)\)")
# a turn: "**Ada Quill:**", "**Ada Quill**:", "Ada Quill (AQ):", "AQ:", "**林小面**：" at the start of a line
TURN = re.compile(
    r"^\s*(?:\*\*|__)?(?P<name>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}|[A-Z]{2,4}|[\u4e00-\u9fff·]{2,8})"
    r"(?:\s*\((?P<initials>[A-Z]{2,4})\))?(?:\*\*|__)?\s*[:：](?:\*\*|__)?\s*"
)
EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")
ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>])")
NOT_SPEECH = {"break", "intro", "outro", "ad", "sponsor", "music", "transcript", "中场休息", "广告"}


def front_matter(text: str, path: Path) -> tuple[dict, str]:
    """The YAML front matter as a dict, and the body after it; front matter that is not YAML is a user error naming
    its line."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as error:
        line = getattr(getattr(error, "problem_mark", None), "line", 0) + 2  # the first line is "---"
        raise UserError(f"{path}: line {line}: the front matter is not valid YAML; fix it or remove it") from None
    if not isinstance(meta, dict):
        raise UserError(f"{path}: line 2: the front matter is not a YAML mapping of fields; fix it or remove it")
    return meta, text[match.end() :]


BOLD_TURN = re.compile(r"^\s*\*\*[^*\n]{2,40}?(?::\*\*|\*\*\s*[:：]|：\*\*)", re.M)


INITIALS_TURN = re.compile(r"^\s*[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)+\s*\([A-Z]{2,4}\)\s*:", re.M)


def is_markdown(path: Path, text: str) -> bool:
    """A `.md` file, or text that opens with front matter or speaks in `**Name:**` or `Full Name (FN):` turns."""
    turns = len(BOLD_TURN.findall(text)) + len(INITIALS_TURN.findall(text))
    return path.suffix.lower() == ".md" or bool(FRONT_MATTER.match(text)) or turns >= 2


def seconds(stamp: str) -> float:
    parts = [int(part) for part in stamp.split(":")]
    return float(sum(part * 60**power for power, part in enumerate(reversed(parts))))


LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)、])\s+")


def spoken(line: str) -> str:
    """A line as it was said: no list marker, images, link targets, emphasis or escapes."""
    line = LIST_ITEM.sub("", line)
    line = IMAGE.sub("", line)
    line = LINK.sub(r"\1", line)
    line = ESCAPE.sub(r"\1", line)
    line = EMPHASIS.sub(r"\2", line)
    return " ".join(line.replace("**", "").split())


def markdown_pieces(body: str) -> list[Piece]:
    """Turns and paragraphs with their speakers and inline times; a file whose turns cannot be told apart is one
    voice's paragraphs."""
    named: dict[str, str] = {}  # initials → the full name they were introduced with
    said = [TURN.match(line.strip().lstrip("> ")) for line in body.splitlines()]
    counts: dict[str, int] = {}
    for match in filter(None, said):
        counts[match.group("name")] = counts.get(match.group("name"), 0) + 1
    pieces: list[Piece] = []
    speaker, paragraph = None, True
    fenced = False
    for raw in body.splitlines():
        line = raw.strip()
        if line.startswith(("```", "~~~")):
            fenced, paragraph = not fenced, True
            continue
        if fenced or line.startswith("|"):  # code and tables are shown, not said
            continue
        if line.startswith(">"):
            if not counts:  # an article's callout (a channel's blurb, an editor's note): the page's, not the speaker's
                paragraph = True
                continue
            line = line.lstrip("> ").strip()
        if not line or HEADING.match(line) or SEPARATOR.match(line):
            paragraph = True
            continue
        turn = False
        match = TURN.match(line)
        bold = line.startswith(("**", "__"))
        known = match and (match.group("initials") or match.group("name") in named)
        if match and not (bold or known or counts.get(match.group("name"), 0) >= 2):
            match = None  # "Note: …" once in a page is prose; a name speaks more than once, or in bold
        if match:
            name, initials = match.group("name").strip(), match.group("initials")
            if name.casefold() in NOT_SPEECH:
                paragraph = True
                continue
            if initials:
                named[initials] = name
            speaker, turn, line = named.get(name, name), True, line[match.end() :]
        start = None
        if found := TIME.search(line):
            start = seconds(found.group(1))
            line = TIME.sub(" ", line)
        text = spoken(line)
        if not text:
            continue
        if is_furniture(text, "zh" if CJK.search(text) else "en"):
            pieces.append(Piece(text, paragraph=True))
            paragraph = True
            continue
        pieces.append(Piece(text, start, speaker=speaker, turn=turn, paragraph=paragraph or turn))
        paragraph = False
    return timed(pieces)


def timed(pieces: list[Piece]) -> list[Piece]:
    """Times written every few minutes spread over the pieces between them, by length: a piece's start is where its
    share of the text begins (none before the first mark or after the last)."""
    marks = [index for index, piece in enumerate(pieces) if piece.start is not None]
    for first, last in zip(marks, marks[1:]):
        begin, finish = pieces[first].start, pieces[last].start
        if finish is None or begin is None or finish <= begin:
            continue
        sizes = [max(1, len(piece.text)) for piece in pieces[first:last]]
        total, at = sum(sizes), begin
        for piece, size in zip(pieces[first:last], sizes):
            piece.start, at = round(at, 2), at + (finish - begin) * size / total
            piece.end = round(at, 2)
    return pieces


def source_fields(meta: dict) -> dict:
    """What the front matter tells `source.json`: title, date, speakers, the media URL and tags."""
    fields: dict = {}
    if isinstance(meta.get("title"), str) and meta["title"].strip():
        fields["title"] = " ".join(meta["title"].split())
    if meta.get("date"):
        fields["date"] = str(meta["date"])[:10]
    people = meta.get("speakers") or meta.get("speaker") or meta.get("guests")  # a page's author may be its editor
    if isinstance(people, str):
        people = [people]
    if isinstance(people, list):
        fields["speakers"] = [" ".join(str(p).split()) for p in people if str(p).strip()]
    url = meta.get("media") or meta.get("url") or meta.get("video") or meta.get("source")
    if isinstance(url, str) and url.startswith(("http://", "https://")):
        fields["url"] = url
    tags = meta.get("tags") or meta.get("categories")
    if isinstance(tags, str):
        tags = [tags]
    if isinstance(tags, list):
        fields["tags"] = [str(tag) for tag in tags if str(tag).strip()]
    if isinstance(meta.get("description"), str):
        fields["description"] = meta["description"].strip()
    return fields
