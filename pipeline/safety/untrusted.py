"""Untrusted words stay data (issue 14): what a run does with the text pipeline.safety.injection marks.

Before the model: transcript sentences are marked when the transcript is read (sources.marks); here the source's
own metadata (title, description, chapters, speakers), stored community questions and corpus examples are screened
the same way. A marked title gives way to one made from the file or folder name; marked description sentences,
chapters, speakers, questions and examples are left out of everything the model is shown. Every mark is a warning.

After the model: `kept` drops each sentence of model-written text that repeats a marked one (its words, or a link,
handle or marker only a marked text has: `safety.injection.leaks`), with a warning; `check_problems` is the same
test for `devrel check`, plus the rules themselves, so a draft that carries an instruction fails.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.artifacts import Outline, Source, Transcript, file_title
from pipeline.check.parsed import inline_text
from pipeline.safety.injection import instruction_reasons, leaks, rule

MARK = "injection"  # the segment mark, the check's problem category, and how every warning here begins
SENTENCE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？；])\s*")
CJK_EDGE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
UNTITLED = "Untitled talk"
PART = {"en": "Part {}", "zh": "第{}部分"}  # a section question the filter emptied


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _join(parts: list[str]) -> str:
    """Sentences side by side again: a space between English ones, nothing after a Chinese one."""
    text = ""
    for part in (p.strip() for p in parts if p.strip()):
        glue = "" if not text or CJK_EDGE.match(text[-1]) or CJK_EDGE.match(part[0]) else " "
        text += glue + part
    return text


def sentences(text: str) -> list[str]:
    return [piece for piece in SENTENCE.split(text) if piece and piece.strip()]


# --- the transcript --------------------------------------------------------------------------------------------------


def marked_segments(transcript: Transcript | None) -> list[str]:
    return [s.text for s in transcript.segments if s.mark == MARK] if transcript else []


def speech_texts(transcript: Transcript | None) -> list[str]:
    return [s.text for s in transcript.speech()] if transcript else []


def transcript_warnings(transcript: Transcript) -> list[str]:
    """One warning per marked sentence, naming the rule that marked it. Rules only (no encoder): a sentence no rule
    matches was marked for its likeness to a known injection."""
    found = []
    for segment in transcript.segments:
        if segment.mark == MARK:
            why = rule(segment.text) or "like a known injection"
            found.append(
                f"{MARK}: transcript sentence {segment.id} marked ({why}); kept in transcript.md, "
                f"never sent to the model: “{_short(segment.text)}”"
            )
    return found


# --- the source's metadata -------------------------------------------------------------------------------------------


@dataclass
class Screened:
    """A source as the model may see it, the texts that were marked, and a warning for each."""

    source: Source
    marked: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _fallback_title(source: Source, marked_title: str) -> str:
    """The folder's or the file's name, unless it carries the marked title's words too (a slug made from it)."""
    for candidate in (source.slug.replace("-", " ").strip(), file_title(source.path).split(".")[0]):
        if candidate and not rule(candidate) and not leaks(candidate, [marked_title]):
            return candidate
    return UNTITLED


def _description_pieces(description: str) -> list[list[str]]:
    return [sentences(line) for line in description.split("\n")]


def _texts(source: Source) -> list[tuple[str, str]]:
    """(where, text) for every piece of metadata the page wrote: title, description sentences, chapters, speakers."""
    texts = [("title", source.title)]
    texts += [("description", piece) for line in _description_pieces(source.description or "") for piece in line]
    texts += [("chapter", chapter.title) for chapter in source.chapters]
    return texts + [("speaker", name) for name in source.speakers]


def _reasons(source: Source, texts: list[str]) -> list[str | None]:
    """A local file's own name needs the rules only (no encoder to load on a cached rerun); a page's words get both."""
    if len(texts) == 1 and source.title == file_title(source.path):
        return [rule(texts[0])]
    return instruction_reasons(texts)


@functools.lru_cache(maxsize=16)
def _screen(source_json: str) -> Screened:
    source = Source.model_validate_json(source_json)
    texts = _texts(source)
    reasons = _reasons(source, [text for _, text in texts])
    flagged = {(where, text): why for (where, text), why in zip(texts, reasons) if why}
    if not flagged:
        return Screened(source=source)
    marked = [text for _, text in flagged]
    warnings = [
        f"{MARK}: the source's {where} marked ({why}); never sent to the model: “{_short(text)}”"
        for (where, text), why in flagged.items()
    ]
    update: dict = {}
    if ("title", source.title) in flagged:
        update["title"] = _fallback_title(source, source.title)
        warnings.append(
            f"{MARK}: the drafts use the title “{update['title']}” instead of the source's "
            "(a `title:` in the batch's sources.yaml names it)"
        )
    if source.description:
        pieces = _description_pieces(source.description)
        lines = [_join([piece for piece in line if ("description", piece) not in flagged]) for line in pieces]
        update["description"] = "\n".join(lines).strip() or None
    update["chapters"] = [c for c in source.chapters if ("chapter", c.title) not in flagged]
    update["speakers"] = [name for name in source.speakers if ("speaker", name) not in flagged]
    return Screened(source=source.model_copy(update=update), marked=marked, warnings=warnings)


def slug_title(info: dict) -> str:
    """What names a page's output folder: its title, unless marked; then its id (a folder, a branch or a pull request
    never carries the attacker's words)."""
    title = str(info.get("title") or "")
    if title and not instruction_reasons([title])[0]:
        return title
    return str(info.get("id") or "source")


def screen(source: Source) -> Screened:
    """The source without its marked metadata (cached per source: `devrel check` and a run screen it alike)."""
    return _screen(source.to_json())


def screened_run(source: Source, transcript: Transcript, warnings: list[str]) -> Screened:
    """Once per run, after the transcript is loaded: every mark is a warning, and the stages get the clean source."""
    screened = screen(source)
    warnings.extend(w for w in [*transcript_warnings(transcript), *screened.warnings] if w not in warnings)
    return screened


def marks(warnings: list[str]) -> list[str]:
    """The warnings that name a marked input (not the filter's drops): what manifest.json keeps."""
    return [w for w in warnings if w.startswith(f"{MARK}: ") and " marked (" in w]


# --- the corpus ------------------------------------------------------------------------------------------------------


def unmarked(items: list, text_of, where: str, warnings: list[str]) -> list:
    """Stored questions or examples a model may be shown: a marked one is left out, with a warning."""
    if not items:
        return items
    reasons = instruction_reasons([text_of(item) for item in items])
    for item, why in zip(items, reasons):
        if why:
            warnings.append(f"{MARK}: {where} marked ({why}); never shown to the model: “{_short(text_of(item))}”")
    return [item for item, why in zip(items, reasons) if not why]


# --- the output filter -----------------------------------------------------------------------------------------------


def kept(text: str, label: str, marked: list[str], clean: list[str], warnings: list[str]) -> str:
    """Model-written text without the sentences that repeat a marked text; each one dropped is a warning."""
    if not marked or not text.strip():
        return text
    lines = []
    for line in text.split("\n"):
        reasons = [(sentence, leaks(sentence, marked, clean)) for sentence in sentences(line)]
        warnings.extend(f"{MARK}: {label}: dropped a sentence that {reason}" for _, reason in reasons if reason)
        if not any(reason for _, reason in reasons):
            lines.append(line)  # untouched, spacing and all
        elif kept_line := _join([sentence for sentence, reason in reasons if not reason]):
            lines.append(kept_line)
    return "\n".join(lines).strip()


def draft_text(inputs, label: str, text: str) -> str:
    """`kept` for a draft stage (pipeline.stages.drafting.DraftInputs): marked sentences of the transcript and of
    the source's metadata; the speaker's own words may be repeated."""
    marked = [*marked_segments(inputs.transcript), *inputs.marked]
    return kept(text, label, marked, speech_texts(inputs.transcript), inputs.warnings)


def outline_kept(outline: Outline, screened: Screened, transcript: Transcript, warnings: list[str]) -> Outline:
    """The outline's model-written strings through the same filter: title, summary, tags, names, questions, part
    names, points.
    A title that goes is the source's (clean) title; a question that goes is "Part N"."""
    marked, clean = [*marked_segments(transcript), *screened.marked], speech_texts(transcript)
    if not marked:
        return outline

    def keep(text: str, label: str) -> str:
        return kept(text, label, marked, clean, warnings)

    part = PART.get(outline.language, PART["en"])
    sections = []
    for number, section in enumerate(outline.sections, 1):
        label = f"outline question {number}"
        points = [point for point in (keep(p, f"{label}: key point") for p in section.key_points) if point]
        update = {"question": keep(section.question, label) or part.format(number), "key_points": points}
        if section.name:  # a name that goes leaves the (screened) question to head the part
            update["name"] = keep(section.name, f"outline name {number}")
        sections.append(section.model_copy(update=update))
    entities = outline.entities
    names = {
        key: [name for name in getattr(entities, key) if keep(name, f"outline {key}")]
        for key in type(entities).model_fields
    }
    return outline.model_copy(
        update={
            "title": keep(outline.title, "outline title") or screened.source.title,
            "summary": keep(outline.summary, "outline summary"),
            "tags": [tag for tag in outline.tags if keep(tag, "outline tag")],
            "entities": outline.entities.model_copy(update=names),
            "sections": sections,
        }
    )


# --- devrel check ----------------------------------------------------------------------------------------------------


def _strings(value) -> list[str]:
    """Every string in front matter, however nested."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def _source_marks(folder: Path) -> list[str]:
    try:
        return screen(Source.model_validate_json((folder / "source.json").read_text(encoding="utf-8"))).marked
    except (OSError, ValueError):
        return []


def check_problems(path: Path, meta: dict, tokens: list, transcript: Transcript | None) -> list[str]:
    """A draft's front matter, prose and link targets, line by line: a line that repeats a marked text of its
    source, or that is itself an instruction to a model (pipeline.safety.injection's rules), is a problem."""

    hrefs = [
        str(child.attrs.get("href", ""))
        for token in tokens
        if token.type == "inline"
        for child in token.children or []
        if child.type == "link_open"
    ]
    lines = [*_strings(meta), *(inline_text(t) for t in tokens if t.type == "inline"), *hrefs]
    marked, clean = [*marked_segments(transcript), *_source_marks(path.parent)], speech_texts(transcript)
    problems = []
    for line in (line for text in lines for line in text.split("\n") if line.strip()):
        reason = leaks(line, marked, clean) if marked else None
        why = f"{reason}" if reason else (f"is an instruction to a model ({name})" if (name := rule(line)) else "")
        if why:
            problems.append(f"{why}: “{_short(line)}”")
    return list(dict.fromkeys(problems))
