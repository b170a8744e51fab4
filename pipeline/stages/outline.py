"""outline: a `Transcript` becomes a question-driven `Outline` (reader questions, key points, verbatim quotes).

The model only names transcript line numbers; the code copies the quote text and times from the transcript, so a
quote can never be retyped or invented. Long transcripts are mapped to notes chunk by chunk and then reduced, and
no prompt ever exceeds the model's context window.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from langchain_text_splitters import RecursiveCharacterTextSplitter
from pydantic import BaseModel, ConfigDict, Field

from pipeline.artifacts import Entities, Outline, Quote, Section, Segment, Source, Transcript
from pipeline.errors import StageError
from pipeline.llm import LLM
from pipeline.prompts import Prompt
from pipeline.limits import SENTENCE_MARKS
from pipeline.text import CJK, LANGUAGE_NAMES, estimate_tokens, guard, one_line

VERSION = 3  # 2: invented line numbers are listed in `unverified`; 3: larger map chunks, whole-thought quotes
NOTES_MAX_TOKENS = 1200
OUTLINE_MAX_TOKENS = 2048
SEPARATORS = ["\n", "。", "！", "？", ". ", "! ", "? ", "，", ", ", " ", ""]

QUOTE_MIN_CHARS = 25  # a shorter quote ("Here is the problem.") borrows the next segment
QUOTE_MAX_CHARS = 320  # about 60 words, or 100 Chinese characters

Short = Annotated[str, Field(max_length=60)]
Point = Annotated[str, Field(max_length=240)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NoteItem(Strict):
    """Bounded everywhere: the grammar then bounds each field, so a small model cannot run away."""

    question: str = Field(max_length=200)
    persona: Literal["newcomer", "practitioner", "maintainer"]
    key_points: list[Point] = Field(min_length=1, max_length=4)
    lines: list[int] = Field(min_length=1, max_length=4)


class Notes(Strict):
    questions: list[NoteItem] = Field(min_length=1, max_length=5)


class OutlineDraft(Strict):
    title: str = Field(max_length=120)
    summary: str = Field(max_length=700)
    tags: list[Annotated[str, Field(max_length=32)]] = Field(max_length=6)
    people: list[Short] = Field(max_length=8)
    organizations: list[Short] = Field(max_length=8)
    products: list[Short] = Field(max_length=8)
    media: list[Short] = Field(max_length=8)
    sections: list[NoteItem] = Field(min_length=1, max_length=6)


def material_budget(llm: LLM, prompt: Prompt, max_tokens: int) -> int:
    """Tokens left for the material once the prompt, the answer and a margin are counted."""
    fixed = estimate_tokens(prompt.system) + estimate_tokens(prompt.user) + 400
    budget = llm.context_window - fixed - max_tokens
    if budget < 500:
        raise StageError(f"the model's context window ({llm.context_window} tokens) is too small for the {prompt.name} prompt")
    return budget


def chunks(lines: list[str], budget: int) -> list[str]:
    """Split along line boundaries first (CJK sentence ends after that), each chunk within the budget."""
    splitter = RecursiveCharacterTextSplitter(
        separators=SEPARATORS, chunk_size=budget, chunk_overlap=0, length_function=estimate_tokens, keep_separator="end"
    )
    return splitter.split_text("\n".join(lines))


def _note_lines(notes: Notes) -> list[str]:
    return [f"{item.lines} ({item.persona}) {item.question} — {'; '.join(item.key_points)}" for item in notes.questions]


def condensed_material(lines: list[str], llm: LLM, prompt: Prompt, title: str, language: str,
                       map_budget: int, reduce_budget: int) -> str:  # fmt: skip
    """Map: notes per chunk (each as large as the notes prompt allows); repeat until they fit one reduce prompt."""
    for _ in range(4):
        if estimate_tokens("\n".join(lines)) <= reduce_budget:
            return "\n".join(lines)
        parts = chunks(lines, map_budget)
        notes = [
            llm.structured(prompt, Notes, NOTES_MAX_TOKENS, material=guard(part), title=guard(title),
                           language=language, part=f"{index} of {len(parts)}")
            for index, part in enumerate(parts, 1)
        ]  # fmt: skip
        lines = [line for note in notes for line in _note_lines(note)]
    return chunks(lines, reduce_budget)[0]  # still too long after four rounds: keep what fits, never overflow


def _words(text: str) -> set[str]:
    lowered = text.lower()
    return set(re.findall(r"[a-z0-9]{4,}", lowered)) | {a + b for a, b in zip(lowered, lowered[1:]) if CJK.match(a) and CJK.match(b)}


def _matching_segment(item: NoteItem, transcript: Transcript) -> int | None:
    """When a small model cites no valid line, find the segment sharing most words with its answer (still verbatim)."""
    wanted = _words(item.question + " " + " ".join(item.key_points))
    best, best_score = None, 1
    for segment in transcript.segments:
        score = len(wanted & _words(segment.text))
        if score > best_score:
            best, best_score = segment.id, score
    return best


def _normalise(text: str) -> str:
    return " ".join(text.casefold().split())


def grounded_entities(draft: OutlineDraft, haystack: str) -> Entities:
    """Keep only names that occur in the transcript or the source's metadata: small models name the wrong people."""
    text = _normalise(haystack)

    def keep(names: list[str]) -> list[str]:
        return list(dict.fromkeys(name.strip() for name in names if name.strip() and _normalise(name) in text))

    return Entities(
        people=keep(draft.people), organizations=keep(draft.organizations),
        products=keep(draft.products), media=keep(draft.media),
    )  # fmt: skip


def _joined(segments: list[Segment]) -> str:
    """Consecutive segments as one quote: a space between them, except after Chinese punctuation."""
    text = ""
    for segment in segments:
        piece = segment.text.strip()
        glued = text and CJK.match(text[-1]) and not text[-1].isalnum()
        text += piece if not text or glued else " " + piece
    return text


def _size(text: str) -> int:
    return len(text) + 2 * len(CJK.findall(text))  # a Chinese character says about what three Latin letters do


def _complete(text: str) -> bool:
    """Ends a sentence. Whisper's Chinese segments often carry no final punctuation: a clause ending in a character
    (not in ，、；：) counts as whole."""
    last = text.rstrip()[-1:]
    return last in SENTENCE_MARKS or (bool(CJK.match(last)) and last not in "，、；：")


def quote_span(segments: list[Segment], index: int) -> list[Segment]:
    """The cited segment, widened to a whole thought: whisper cuts segments mid-sentence ("hash what you write,"
    / "and treat human edits as sacred."), so a fragment takes its neighbours until a sentence starts and ends.
    Still verbatim: consecutive segments, joined as spoken."""
    first = last = index
    while (first > 0 and segments[first].text.strip()[:1].islower() and not _complete(segments[first - 1].text)
           and _size(_joined(segments[first - 1 : last + 1])) <= QUOTE_MAX_CHARS):  # fmt: skip
        first -= 1
    while last + 1 < len(segments):
        text = _joined(segments[first : last + 1])
        if _complete(text) and _size(text) >= QUOTE_MIN_CHARS:
            break
        if _size(_joined(segments[first : last + 2])) > QUOTE_MAX_CHARS or "://" in segments[last + 1].text:
            break  # a link said in the talk is untrusted: only a quote the model chose may carry one
        last += 1
    return segments[first : last + 1]


def sections_from(draft: OutlineDraft, transcript: Transcript) -> list[Section]:
    position = {segment.id: index for index, segment in enumerate(transcript.segments)}
    # Auto-captions carry no punctuation at all: there a sentence cannot be found, so a line stays a line.
    punctuated = sum(_complete(segment.text) for segment in transcript.segments) >= 0.2 * len(transcript.segments)
    sections, seen, quoted = [], set(), set()  # quoted: segments an earlier section already quotes
    for item in draft.sections:
        key = _normalise(item.question)
        if not key or key in seen:
            continue
        ids = [i for i in dict.fromkeys(item.lines) if i in position]
        if not ids and (match := _matching_segment(item, transcript)) is not None:
            ids = [match]
        if not ids:
            continue  # a question with no support in the talk is not one the talk answers
        seen.add(key)
        spans, covered = [], set()
        for i in ids:
            if i in covered:
                continue  # cited lines that one quote already spans
            span = quote_span(transcript.segments, position[i]) if punctuated else [transcript.segments[position[i]]]
            covered |= {segment.id for segment in span}
            spans.append(span)
        fresh = [span for span in spans if not quoted & {segment.id for segment in span}]
        spans = (fresh or spans[:1])[:3]  # a quote the post already showed is not shown again, unless it is all there is
        quoted |= {segment.id for span in spans for segment in span}
        quotes = [Quote(segment_id=span[0].id, text=_joined(span), start=span[0].start, end=span[-1].end) for span in spans]
        points = [point for point in item.key_points if point]
        sections.append(Section(question=one_line(item.question), persona=item.persona, key_points=points, quotes=quotes))
    return sections


def invented_lines(draft: OutlineDraft, transcript: Transcript) -> list[str]:
    """Line numbers the model cited that the transcript does not have: listed for review, never silently skipped."""
    known = {segment.id for segment in transcript.segments}
    return list(dict.fromkeys(
        f"line {number} (not in the transcript), cited for “{item.question}”"
        for item in draft.sections for number in item.lines if number not in known
    ))  # fmt: skip


def numbered_lines(transcript: Transcript) -> list[str]:
    """The transcript as the model reads it: `[id] text`, so it can cite lines instead of retyping quotes."""
    return [f"[{segment.id}] {segment.text}" for segment in transcript.segments]


def outline(transcript: Transcript, source: Source, llm: LLM, prompts: dict[str, Prompt], language: str,
            questions: list[str] | None = None) -> Outline:  # fmt: skip
    """Map long transcripts to notes, reduce to an outline, then ground it in the transcript."""
    language_name = LANGUAGE_NAMES.get(language, language)
    lines = numbered_lines(transcript)
    reduce_prompt = prompts["outline"]
    hints = ""
    if source.chapters:
        hints = "Chapters: " + "; ".join(chapter.title for chapter in source.chapters)
    if questions:  # stored community questions near this talk (pipeline.voice): reuse their wording when answered
        hints += ("\n" if hints else "") + "Questions the community asked (when the talk answers one, use it as a question, in its words): "
        hints += "; ".join(questions)
    map_budget = material_budget(llm, prompts["notes"], NOTES_MAX_TOKENS)
    reduce_budget = material_budget(llm, reduce_prompt, OUTLINE_MAX_TOKENS) - estimate_tokens(hints + source.title)
    material = condensed_material(lines, llm, prompts["notes"], source.title, language_name, map_budget, reduce_budget)
    draft = llm.structured(
        reduce_prompt, OutlineDraft, OUTLINE_MAX_TOKENS,
        material=guard(material), title=guard(source.title), language=language_name, hints=guard(hints),
    )  # fmt: skip
    sections = sections_from(draft, transcript)
    if not sections:
        raise StageError("the model found no question that the talk answers with a quote from it; try a larger model (--model)")
    haystack = "\n".join([transcript.text(), source.title, source.description or "", *source.speakers])
    given = [*source.tags, *draft.tags]  # tags a person gave the source (batch sources.yaml) come first
    tags = list(dict.fromkeys(tag.strip().lstrip("#").lower() for tag in given if tag.strip().lstrip("#")))
    return Outline(
        title=one_line(draft.title) or source.title, summary=draft.summary.strip(), language=language, tags=tags,
        entities=grounded_entities(draft, haystack), sections=sections, unverified=invented_lines(draft, transcript),
    )  # fmt: skip
