"""blog: the talk as a post in our users' own form — a `###` heading per section (its name, or the question a host
or the room asked there), and under it the
speaker's own words from that section's span, cleaned of speech noise and condensed by selection, in order.

No model writes the prose: the embedded model cannot edit a passage (it returns it verbatim, fillers and all), and a
post of the speaker's own words cannot put a claim in their mouth. Names the outline found are in bold at first
mention; each section links back to where it starts in the recording.
"""

from __future__ import annotations

import re

from pydantic import Field

from pipeline.analysis.selection import opened, paragraphs, passage, passages, shares, words
from pipeline.artifacts import Artifact, Section, Segment, Source, Transcript
from pipeline.check.drafts import URL
from pipeline.corpus.voice import related_markdown
from pipeline.format.render import blog_front_matter, front_matter, time_link
from pipeline.format.text import LANGUAGE_NAMES, guard
from pipeline.rules import leans_back
from pipeline.safety import untrusted
from pipeline.sources.interview import voices
from pipeline.sources.marks import main_speaker
from pipeline.sources.speakers import name_of
from pipeline.stages.drafting import DraftInputs, Strict

REWRITE_TOKENS = 500
THIN_SECTION_WORDS = (15, 30)  # English words, Chinese characters: less is a line, not a part of the post
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
CONTENT_WORD = re.compile(r"[a-z]{5,}")


class Rewritten(Strict):
    text: str = Field(max_length=1000)


class Blog(Artifact):
    front_matter: dict
    body: str

    def markdown(self) -> str:
        return front_matter(self.front_matter) + "\n" + self.body


def speaker_name(source: Source, transcript: Transcript | None) -> str | None:
    """Who gave the talk: the name given to the main voice (pipeline.sources.speakers), else the names a person gave the
    source, else the transcript's own name for its main speaker."""
    main = main_speaker(transcript.segments) if transcript else None
    return name_of(main, source, transcript) or (", ".join(source.speakers) if source.speakers else None)


def span_of(section: Section, transcript: Transcript) -> list[Segment]:
    if section.first is None or section.last is None:
        return []
    return [s for s in transcript.speech() if section.first <= s.id <= section.last]


def _bold_first_mentions(text: str, names: list[str], seen: set[str]) -> str:
    for name in sorted(names, key=len, reverse=True):
        if name in seen:
            continue
        latin = re.match(r"\w", name, re.ASCII) is not None
        pattern = rf"(?<![\w*]){re.escape(name)}(?![\w*])" if latin else re.escape(name)
        text, count = re.subn(pattern, f"**{name}**", text, count=1)
        if count:
            seen.add(name)
    return text


def asked_in(question: str, transcript: Transcript | None) -> bool:
    """The heading is a question someone in the recording asked (a host, the room), not one the outline named."""
    said = question.strip().rstrip("?？.。")
    return bool(transcript and said) and any(said in segment.text for segment in transcript.segments if segment.mark)


def section_text(
    section: Section, segments: list[Segment], language: str, budget: int, asked: bool = False, opens: bool = False
) -> list[str]:
    """The section's paragraphs: runs of the speaker's consecutive sentences within `budget` words, cleaned, in order;
    a paragraph breaks where the speaker moves on. The answer to a question someone `asked` opens as it was given.
    The post's first paragraph (`opens`) starts on a sentence that points at nothing before it ("They're…", "As I
    say that…"): the reader has read nothing yet."""
    from pipeline.check.reader import restates
    from pipeline.corpus.store import embed

    if not segments:  # an outline from before spans existed: its key points stand in
        return ["\n".join(f"- {point}" for point in section.key_points)]
    vectors = embed([s.text for s in segments])
    runs = passages(segments, vectors, language, budget, lead=asked)
    if runs and len(runs[0]) > 1 and restates(section.heading, runs[0][0]):  # the heading already says it
        runs[0] = opened(runs[0][1:], language)
    if not any(runs):  # no run of the span stands as prose (a list, a demo): its best single sentences
        runs = [opened(passage(segments, vectors, language, budget), language)]
    while opens and runs and len(runs[0]) > 1 and leans_back(runs[0][0], language):
        runs[0] = runs[0][1:]
    return [text for run in runs if run for text in paragraphs(run, language, size=130)]


def adds_nothing(rewrite: str, original: str, language: str) -> bool:
    """A rewrite may tidy, never add: no number, name, link or content word (a stand-in for a claim) the speaker did
    not say, and not longer than what it rewrites."""
    from pipeline.analysis.names import unknown_names

    if not rewrite.strip() or words(rewrite) > words(original) * 1.1:
        return False
    if set(URL.findall(rewrite)) - set(URL.findall(original)):  # "see https://ab.io": one new word, a made-up link
        return False
    if set(NUMBER.findall(rewrite)) - set(NUMBER.findall(original)) or unknown_names(rewrite, original, language):
        return False
    if language == "zh":
        chars = {ch for ch in rewrite if "\u3400" <= ch <= "\u9fff"}
        return len(chars - set(original)) <= max(1, len(chars) // 10)
    said = {word[:5] for word in CONTENT_WORD.findall(original.lower())}
    new = [word for word in CONTENT_WORD.findall(rewrite.lower()) if word[:5] not in said]
    return len(new) <= max(1, len(CONTENT_WORD.findall(rewrite.lower())) // 10)


def edited(inputs: DraftInputs, text: str, label: str) -> str:
    """A capable model's prose edit of one paragraph, when it adds nothing; else the speaker's cleaned words."""
    answer = inputs.llm.structured(
        inputs.prompts["blog"],
        Rewritten,
        REWRITE_TOKENS,
        passage=guard(text),
        voice=inputs.voice,
        language=LANGUAGE_NAMES.get(inputs.language, inputs.language),
    ).text.strip()
    answer = untrusted.draft_text(inputs, label, answer)  # marked (injection) text never passes (issue 14)
    if adds_nothing(answer, text, inputs.language):
        return answer
    inputs.warnings.append(
        f"{label}: the model's rewrite added words the speaker did not say; kept the speaker's words"
    )
    return text


def blog(inputs: DraftInputs) -> Blog:
    outline, transcript, language = inputs.outline, inputs.transcript, inputs.language
    spans = [span_of(section, transcript) if transcript else [] for section in outline.sections]
    names = [
        *outline.entities.people,
        *outline.entities.organizations,
        *outline.entities.products,
        *outline.entities.media,
    ]
    parts, seen = [], set()
    budgets = shares([sum(words(segment.text) for segment in span) for span in spans])
    for number, (section, span, budget) in enumerate(zip(outline.sections, spans, budgets), 1):
        asked = asked_in(section.question, transcript)
        texts = section_text(section, span, language, budget, asked=asked, opens=not parts)
        if sum(words(text) for text in texts) < THIN_SECTION_WORDS[language == "zh"]:
            continue  # a heading over nothing, or over one short line, is a promise the post does not keep
        parts.append(f"### {section.heading}")
        if inputs.rewrite and span:
            texts = [edited(inputs, text, f"blog section {number}") for text in texts]
        parts += [_bold_first_mentions(text, names, seen) for text in texts]
        if span and (link := time_link(inputs.source, span[0].start)):
            parts.append(f"▶ {link}")
    if inputs.related:
        parts.append(related_markdown(inputs.related, language))
    speaker, guest, author = speaker_name(inputs.source, transcript), "", None
    if transcript and (interview := voices(transcript.segments, inputs.source.talk_kind, inputs.source.speaker_roles)):
        asking, guests = interview  # a Q&A post: the hosts' show, the guests' words
        hosts = " & ".join(n for n in (name_of(label, inputs.source, transcript) for label in asking) if n)
        guest = " & ".join(name for name in (name_of(label, inputs.source, transcript) for label in guests) if name)
        author, speaker = hosts or speaker, guest or speaker
        if hosts and guest:  # who is talking: the answers below are the guest's, the headings the host's questions
            many = len(asking) > 1 or language == "zh"
            line = CONVERSATION.get(language, CONVERSATION["en"]) if many else CONVERSATION_ONE_HOST
            parts.insert(0, line.format(hosts=hosts, guest=guest))
    elif speaker and parts:  # whose "I" the post speaks in: the speaker's, not the blog's author
        parts.insert(0, SPEAKER_OWN_WORDS.get(language, SPEAKER_OWN_WORDS["en"]).format(speaker=speaker))
    body = "\n\n".join(part for part in parts if part) + "\n"
    return Blog(front_matter=blog_front_matter(inputs.source, outline, speaker, guest, author), body=body)


CONVERSATION = {
    "en": "*{hosts} talk with {guest}. The questions are the hosts'; the answers, {guest}'s own words.*",
    "zh": "*{hosts}对话{guest}。问题来自主持人，回答是{guest}的原话。*",
}
CONVERSATION_ONE_HOST = "*{hosts} talks with {guest}. The questions are the host's; the answers, {guest}'s own words.*"
SPEAKER_OWN_WORDS = {
    "en": "*From {speaker}'s talk: the speaker's own words, lightly edited.*",
    "zh": "*本文整理自{speaker}的分享，内容为讲者本人的话，略有删节。*",
}
