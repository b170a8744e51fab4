"""video: what a video team publishes beside the post: YouTube chapters, a description, and short clips.

Code finds the moments (pipeline.analysis.moments): where each section starts, and the 20–60 s runs of one voice
that stand alone. A chapter is named like the section it opens (pipeline.stages.naming: the outline's names, one
call more only for a chapter no section names), and checked the same way; one that fails is the section's own short
statement. The creator's own chapters (a URL's metadata) win over any of these. The description is the speaker's
words, the chapters, who speaks and the links the source names — never one it does not. `chapters.json` (Podcasting
2.0) and `clips.json` (with each clip's captions, for `devrel clip`) are written beside `video.md`.
"""

from __future__ import annotations

import json

from pipeline.analysis.moments import ChapterSpan, Moment, chapter_spans, clips, srt, timed
from pipeline.analysis.speech import clean
from pipeline.artifacts import Artifact, Quote, Section
from pipeline.format.limits import URL
from pipeline.format.render import front_matter, source_label
from pipeline.format.text import one_line, timestamp
from pipeline.rules import leans_back
from pipeline.stages.drafting import DraftInputs
from pipeline.stages.items import featured, speaker_of, spread
from pipeline.stages.naming import fits, model_names, said_in
from pipeline.stages.outline import point_heading, terms_heading

DESCRIPTION_POINTS = 3
NO_TIMES = {
    "en": "No times in this source, so no chapters or clips: run it from the recording, or from captions with times.",
    "zh": "这个来源没有时间信息，无法生成章节和短视频片段：请用录音或带时间的字幕重新运行。",
}
TOO_SHORT = {
    "en": "Too short for chapters YouTube accepts (three, each at least ten seconds).",
    "zh": "太短，无法生成 YouTube 接受的章节（至少三个，每个至少十秒）。",
}


class Clip(Artifact):
    start: float
    end: float
    speaker: str
    opening: str  # its first sentence, verbatim
    title: str  # a caption title: the chapter it sits in
    srt: str  # its captions, timed from the clip's own start
    score: float  # how well it stands alone and says the talk's subject: `devrel clip --n` cuts the best


class Video(Artifact):
    source: str
    title: str
    language: str
    chapters: list[tuple[float, str]]
    description: str
    clips: list[Clip]
    note: str = ""  # why there are no chapters or clips

    def markdown(self) -> str:
        meta = {"type": "video", "title": self.title, "source": self.source, "language": self.language}
        lines = [front_matter(meta | {"status": "draft"}), "## Chapters", ""]
        lines += [f"{clock(start)} {title}" for start, title in self.chapters] or [self.note]
        lines += ["", "## Description", "", self.description, "", "## Clips", ""]
        for n, clip in enumerate(self.clips, 1):
            lines.append(
                f"{n}. {clock(clip.start)}–{clock(clip.end)} ({round(clip.end - clip.start)} s) — {clip.title}: "
                f"“{clip.opening}”" + (f" — {clip.speaker}" if clip.speaker else "")
            )
        if not self.clips:
            lines.append(self.note or TOO_SHORT.get(self.language, TOO_SHORT["en"]))
        return "\n".join(lines) + "\n"

    def files(self, name: str) -> dict[str, str]:
        """video.md, and beside it the chapters as Podcasting 2.0 JSON and the clips for `devrel clip`."""
        chapters = {"version": "1.2.0", "chapters": [{"startTime": start, "title": t} for start, t in self.chapters]}
        cut = [{"n": n, **clip.model_dump()} for n, clip in enumerate(self.clips, 1)]
        return {
            name: self.markdown(),
            "chapters.json": json.dumps(chapters, ensure_ascii=False, indent=2) + "\n",
            "clips.json": json.dumps({"clips": cut}, ensure_ascii=False, indent=2) + "\n",
        }


def clock(seconds: float) -> str:
    """YouTube's chapter times: 00:00 (h:mm:ss past an hour)."""
    return timestamp(seconds) or "00:00"


def video(inputs: DraftInputs) -> Video:
    outline, transcript, language = inputs.outline, inputs.transcript, inputs.language
    spans = chapter_spans(outline, transcript, language)
    moments = clips(outline, transcript, language)
    note = "" if spans else (TOO_SHORT if timed(transcript) else NO_TIMES).get(language, NO_TIMES["en"])
    titles = chapter_titles(inputs, spans)
    chapters = [(round(span.start, 1), title) for span, title in zip(spans, titles)]
    by_section = {span.section: title for span, title in zip(spans, titles) if span.section is not None}
    return Video(
        source=source_label(inputs.source),
        title=outline.title,
        language=language,
        chapters=chapters,
        description=description(inputs, chapters),
        clips=[_clip(inputs, moment, by_section) for moment in moments],
        note=note,
    )


def _clip(inputs: DraftInputs, moment: Moment, by_section: dict[int, str]) -> Clip:
    first = moment.segments[0]
    section = inputs.outline.sections[moment.section]
    title = by_section.get(moment.section) or _fallback_title(section, inputs.language)
    said = Quote(segment_id=first.id, text=first.text, start=first.start, end=first.end, speaker=first.speaker)
    return Clip(
        start=round(moment.start, 3),
        end=round(moment.end, 3),
        speaker=speaker_of(inputs, said),
        opening=first.text.strip(),
        title=title,
        srt=srt(moment),
        score=round(moment.score, 3),
    )


def chapter_titles(inputs: DraftInputs, spans: list[ChapterSpan]) -> list[str]:
    """A name per chapter: the creator's own chapter at that time, else the model's (checked), else the section's
    theme or its own short statement."""
    if not spans:
        return []
    language, sections = inputs.language, inputs.outline.sections
    given = [chapter for chapter in inputs.source.chapters if chapter.title.strip()]
    firsts = [
        span.section is not None and all(s.section != span.section for s in spans[:i]) for i, span in enumerate(spans)
    ]
    named_parts = all(first and sections[span.section].name for first, span in zip(firsts, spans))
    named = _model_titles(inputs, spans) if len(given) < len(spans) and not named_parts else []
    grounds = inputs.transcript.text() if inputs.transcript else ""  # what a name's words must come from
    titles: list[str] = []
    for index, span in enumerate(spans):
        own = next((c.title for c in given if abs(c.start - span.start) < 5), "")
        section = sections[span.section] if span.section is not None else None
        part = section.name if section and firsts[index] else ""  # the outline named it; a part cut in two is not
        candidates = [own, part, named[index] if index < len(named) else ""]
        candidates += [section.question if section else "", _fallback_title(section, language, span)]
        title = next(
            (
                t
                for t in (one_line(c).strip() for c in candidates)
                if fits(t, grounds, language, titles, (inputs.source.slug,))
            ),
            "",
        )
        titles.append(
            title or f"{'第' if language == 'zh' else 'Part '}{index + 1}{'部分' if language == 'zh' else ''}"
        )
    return titles


def _fallback_title(section: Section | None, language: str, span: ChapterSpan | None = None) -> str:
    """The part's own short statement, else its most repeated terms ("Compact blocks and FIBRE")."""
    own = point_heading(section, language) if section else ""
    return own or (_segment_title(span, language) if span else "")


def _segment_title(span: ChapterSpan, language: str) -> str:
    return terms_heading(span.segments, language)


def _model_titles(inputs: DraftInputs, spans: list[ChapterSpan]) -> list[str]:
    """One call names every chapter from its part's theme and points, or its first sentences."""
    parts = [
        said_in(inputs.outline.sections[span.section])
        if span.section is not None
        else [clean(s.text, inputs.language) for s in span.segments[:3]]
        for span in spans
    ]
    named = model_names(inputs.llm, inputs.prompts["part-names"], parts, inputs.language)
    if not named:
        inputs.warnings.append("chapter titles: the model's answer was unusable; named from the sections")
    return named


def description(inputs: DraftInputs, chapters: list[tuple[float, str]]) -> str:
    """Two or three of the speaker's points (their words, cleaned), the chapters, who speaks, and the links the
    source gives."""
    zh, sections = inputs.language == "zh", inputs.outline.sections
    points = []
    for index in dict.fromkeys(spread(len(sections), DESCRIPTION_POINTS)):
        point = next((p for p in sections[index].key_points if leans_back(p, inputs.language) is None), "")
        if point and point not in points:
            points.append(point)
    parts = [("" if zh else " ").join(points)]
    if chapters:
        parts.append(("章节：\n" if zh else "Chapters:\n") + "\n".join(f"{clock(s)} {t}" for s, t in chapters))
    if who := featured(inputs):
        parts.append(f"{'讲者' if zh else 'With'}: {who}")
    if links := source_links(inputs):
        parts.append(("链接：\n" if zh else "Links:\n") + "\n".join(links))
    return "\n\n".join(part for part in parts if part)


def source_links(inputs: DraftInputs) -> list[str]:
    """The source's own URL and the links its description and its unmarked words give, in order, once each."""
    texts = [inputs.source.url or "", inputs.source.description or ""]
    if inputs.transcript:
        texts += [s.text for s in inputs.transcript.segments if s.mark is None]
    found = [url.rstrip(".,;:!?)\"'”’") for text in texts for url in URL.findall(text)]
    return list(dict.fromkeys(url for url in found if url))
