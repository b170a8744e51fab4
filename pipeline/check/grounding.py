"""Grounding: a quote counts only if the speaker said it, found in the transcript by a normalised fuzzy match.

Text is normalised before matching (NFKC folds full-width forms, case is folded, punctuation, symbols and spaces are
dropped), so "Hello, world!" and 「hello world」 match the same segment; what remains must align with a stretch of the
transcript at rapidfuzz partial_ratio >= THRESHOLD. A quote that does not is dropped from the outline and listed as
unverified for a person to look at: it must never reach a draft as the speaker's words.
"""

from __future__ import annotations

import unicodedata

from rapidfuzz import fuzz

from pipeline.artifacts import Outline, Quote, Segment, Transcript

THRESHOLD = 90.0
NEAR = 8  # segments from the cited line searched first


def normalise(text: str) -> str:
    """Letters, marks and digits only, folded: the part of a quote that survives retyping, width and punctuation."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LMN")


def _index(segments: list[Segment]) -> tuple[str, list[tuple[int, int, Segment]]]:
    """The normalised segments as one string, and where each sits in it (so a quote may span segments)."""
    parts, spans, offset = [], [], 0
    for segment in segments:
        text = normalise(segment.text)
        if text:
            parts.append(text)
            spans.append((offset, offset + len(text), segment))
            offset += len(text)
    return "".join(parts), spans


def _search(segments: list[Segment], needle: str, threshold: float) -> tuple[Segment, Segment] | None:
    haystack, spans = _index(segments)
    if not needle or len(needle) > len(haystack):
        return None
    found = fuzz.partial_ratio_alignment(needle, haystack, score_cutoff=threshold)
    if found is None:
        return None
    # The alignment may start (or end) a character or two into a neighbour: skip such slivers.
    touched = [
        segment
        for start, end, segment in spans
        if min(end, found.dest_end) - max(start, found.dest_start) >= min(3, end - start)
    ]
    return (touched[0], touched[-1]) if touched else None


def find_span(
    transcript: Transcript, text: str, near: int | None = None, threshold: float = THRESHOLD
) -> tuple[Segment, Segment] | None:
    """The first and last segment of the stretch that says the quote, or None when the transcript does not contain
    it (closely enough). `near` is the line the quote cites: a talk repeats itself ("thank you"), so the cited place
    is tried first."""
    needle, segments = normalise(text), transcript.segments
    at = next((index for index, segment in enumerate(segments) if segment.id == near), None)
    if at is not None and (span := _search(segments[at : at + NEAR], needle, threshold)):
        return span
    return _search(segments, needle, threshold)


def find_quote(
    transcript: Transcript, text: str, near: int | None = None, threshold: float = THRESHOLD
) -> Segment | None:
    """The segment where the quote starts, or None when the transcript does not contain it."""
    span = find_span(transcript, text, near, threshold)
    return span[0] if span else None


def verify_outline(outline: Outline, transcript: Transcript) -> Outline:
    """Keep the quotes found in the transcript, with the times of the segment they start in; list the others.

    An outline.json a person edited is loaded from disk, so a changed or added quote is checked here before any
    draft uses it. The quote's text is kept as written (it matched); its segment and times come from the transcript.
    """
    unverified = list(outline.unverified)
    sections = []
    for section in outline.sections:
        quotes = []
        for quote in section.quotes:
            span = find_span(transcript, quote.text, near=quote.segment_id)
            if span is None:
                unverified.append(
                    f"“{quote.text}” (line {quote.segment_id}, under “{section.question}”): not in the transcript"
                )
                continue
            quotes.append(
                Quote(
                    segment_id=span[0].id,
                    text=quote.text,
                    start=span[0].start,
                    end=span[1].end,
                    speaker=span[0].speaker,
                )
            )
        sections.append(section.model_copy(update={"quotes": quotes}))
    return outline.model_copy(update={"sections": sections, "unverified": list(dict.fromkeys(unverified))})
