"""outline: a `Transcript` becomes a question-driven `Outline`, built from the talk's own structure.

Code finds the sections (topic spans over sentence vectors, analysis.topics) and chooses each section's quotes
(whole, central, quotable sentences, analysis.selection); the model is asked small, bounded questions: per section,
the reader question its span answers and 1-3 key points; then a title, summary, tags and names from the sections.
Quotes are copied from the transcript, so none can be retyped or invented; no two sections share a question or a
quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from pipeline.analysis.entities import grounded_entities
from pipeline.analysis.selection import (
    chosen_quotes,
    key_points,
    passage,
    passages,
    recurring_terms,
    shares,
    words,
)
from pipeline.analysis.similarity import copies
from pipeline.analysis.titles import announced_title
from pipeline.analysis.topics import section_count, spans
from pipeline.artifacts import Outline, Section, Segment, Source, Transcript
from pipeline.errors import StageError
from pipeline.format.limits import SENTENCE_END, SENTENCE_MARKS
from pipeline.format.text import LANGUAGE_NAMES, guard, one_line
from pipeline.llm.client import LLM, Conversation
from pipeline.llm.prompts import Prompt
from pipeline.rules import STOP, fired, leans_back
from pipeline.sources.turns import NOT_SPOKEN
from pipeline.stages.naming import ANY_HEADING, META, names_nothing, naming_words, section_names

SECTION_MAX_TOKENS = 300
QUESTION_MAX_TOKENS = 80
THEME_MAX_TOKENS = 60
THEME_CHARS_EN, THEME_CHARS_ZH = 70, 20  # a heading a reader scans
HEADING_CHARS = {"en": 120, "zh": 40}  # a question heading longer than this is a passage the model pasted
OUTLINE_MAX_TOKENS = 700
MATERIAL_WORDS = 260  # what the model reads of a section: its most central sentences, in order
OVERVIEW_WORDS = 25  # per section, for the title and summary call

Short = Annotated[str, Field(max_length=60)]
Point = Annotated[str, Field(max_length=200)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SectionDraft(Strict):
    """Bounded everywhere: the grammar then bounds each field, so a small model cannot run away."""

    question: str = Field(max_length=120)
    key_points: list[Point] = Field(min_length=1, max_length=3)


class OutlineDraft(Strict):
    title: str = Field(max_length=100)
    summary: str = Field(max_length=500)
    tags: list[Annotated[str, Field(max_length=32)]] = Field(max_length=6)
    people: list[Short] = Field(max_length=8)
    organizations: list[Short] = Field(max_length=8)
    products: list[Short] = Field(max_length=8)
    media: list[Short] = Field(max_length=8)


@dataclass
class Span:
    """A section's material: its speech segments and their sentence vectors."""

    segments: list[Segment]
    vectors: np.ndarray
    shown: int = MATERIAL_WORDS  # the words the blog shows of it (selection.shares)

    def material(self, language: str, budget: int = MATERIAL_WORDS) -> str:
        """What the model names: the paragraphs the blog shows first under this heading (the span's best runs of
        sentences), so the heading fits the text beneath it."""
        joiner = "" if language == "zh" else " "
        runs = passages(self.segments, self.vectors, language, min(budget, self.shown))
        return "\n\n".join(joiner.join(run) for run in runs) or joiner.join(
            passage(self.segments, self.vectors, language, budget)
        )


def topic_spans(speech: list[Segment]) -> list[Span]:
    """The talk cut where its topic changes, into a number of sections that fits its length."""
    from pipeline.corpus.store import embed

    vectors = embed([segment.text for segment in speech])
    count = section_count(sum(words(segment.text) for segment in speech), len(speech))
    return [Span(speech[a:b], vectors[a:b]) for a, b in spans(vectors, count)]


ROOM_QUESTIONS = {"en": "What did the room ask?", "zh": "现场观众问了什么？"}


def given_spans(transcript: Transcript, source: Source, language: str) -> list[tuple[Span, str | None]]:
    """(span, its question when the talk itself asks it): an interview's sections are the host's questions and the
    guest's answers, in the host's order; a talk that ends with questions from the room keeps them as its last
    section; any other talk is cut by topic and its questions are named by the model."""
    from pipeline.corpus.store import embed
    from pipeline.sources.interview import hosts, names_its_subject, qa_pairs, room_questions_start

    speech = transcript.speech()
    if asking := hosts(transcript.segments, source.talk_kind, source.speaker_roles):
        pairs = merged_pairs(qa_pairs(transcript.segments, asking, language), language)
        if pairs:  # a question that points back at what was said before ("that story") is named like a talk's part
            return [
                (
                    Span(answer, embed([s.text for s in answer])),
                    question if names_its_subject(question, language) else None,
                )
                for question, answer in pairs
            ]
    start = room_questions_start(transcript.segments)
    talk = [segment for segment in speech if start is None or segment.id < start]
    room = [segment for segment in speech if start is not None and segment.id > start]
    found: list[tuple[Span, str | None]] = [(span, None) for span in topic_spans(talk)]
    if room:
        found.append((Span(room, embed([s.text for s in room])), ROOM_QUESTIONS.get(language, ROOM_QUESTIONS["en"])))
    return found


MAX_QUESTIONS = 8  # an interview keeps every question the host asks, up to this many sections


def merged_pairs(pairs: list[tuple[str, list[Segment]]], language: str) -> list[tuple[str, list[Segment]]]:
    """Every question the host asks, up to MAX_QUESTIONS sections: beyond that a follow-up ("Did the crust burn,
    though?", one that heads nothing alone) joins the answer before it, then the shortest answer does. A
    topic's question stays a heading: merged under the question before it, its answer would sit under a heading
    it does not answer."""
    from pipeline.sources.interview import names_its_subject

    pairs = [(question, list(answer)) for question, answer in pairs]
    while len(pairs) > MAX_QUESTIONS:
        sizes = [sum(words(s.text) for s in answer) for _, answer in pairs]
        index = min(range(1, len(pairs)), key=lambda i: (names_its_subject(pairs[i][0], language), sizes[i]))
        pairs[index - 1][1].extend(pairs[index][1])
        del pairs[index]
    return pairs


ASKING_YOU_ZH = re.compile(r"^你(为什么|为何|如何)?(?:认为|觉得)")
ABOUT_SPEAKER_ZH = re.compile(r"(?:作者|演讲者|讲者)(?:认为|觉得|为什么|如何|怎么)?")
# A small model keeps asking about "the speaker" whatever it is told; these say the same about the subject.
PLAIN_EN = (
    (
        re.compile(
            r"^What (?:is|are) the speaker'?s? (?:main |key |central )?(?:point|idea|argument|message|takeaway|"
            r"view|opinion|advice)s? (?:about|on|regarding) ",
            re.I,
        ),
        "What matters about ",
    ),
    (
        re.compile(
            r"^What (?:does|did) the speaker (?:say|think|believe|suggest|propose|recommend|argue) (?:about|on) ", re.I
        ),
        "What should you know about ",
    ),
    (
        re.compile(
            r",? (?:as )?(?:described|discussed|mentioned|presented|explained|proposed|covered|outlined) (?:in|by) "
            r"the (?:material|talk|speaker|presentation|text|video)\b",
            re.I,
        ),
        "",
    ),
    (re.compile(r",? (?:according to|in) the (?:speaker|talk|material|presentation)\b", re.I), ""),
    (re.compile(r"\b(is|are) the speaker'?s\b", re.I), r"\1 your"),
    (re.compile(r"\bthe speaker'?s\b", re.I), "your"),
    # "How does the speaker handle X?" is the reader's "How do you handle X?"; "What libraries is the speaker
    # implementing?" asked of "you" is an interview question, so it stays for the question's edit
    (re.compile(r"^How does the speaker\b", re.I), "How do you"),
    (re.compile(r"^How did the speaker\b", re.I), "How did you"),
    (re.compile(r"^How is the speaker\b", re.I), "How are you"),
)


ASK_WORD = r"(?:how|why|what|when|where|which|who|is|are|does|do|did|can|should)\b"
ASKING = re.compile("^" + ASK_WORD, re.IGNORECASE)


def one_question(text: str) -> str:
    """The first question when a model asks two ("What is X? What do you think about Y and its"): a heading asks one.
    One stopped by its length bound ("What is X, and how did it evolve from his '") keeps its first whole part."""
    match = re.match(r"\s*(.+?[?？])\s*\S", text)
    if match:
        return match.group(1)
    text = text.strip()
    if ASKING.match(text) and not text.endswith(("?", "？")):  # a theme heading ("Caching and how…") is no question
        cut = re.match(rf"(.{{12,}}?),?\s+(?:and|or|but)\s+{ASK_WORD}", text, re.IGNORECASE)
        if cut:
            return cut.group(1).rstrip(" ,") + "?"
    return text


def plain_question(question: str, language: str) -> str:
    """The question about the subject, not about the speaker or "the material", by rewriting the phrasings a small
    model falls back on; what cannot be rewritten stays as it is."""
    question = one_question(question)
    if language == "zh":  # "为什么作者认为X？", "你为什么认为X？" → "为什么X？"
        return ASKING_YOU_ZH.sub(r"\1", ABOUT_SPEAKER_ZH.sub("", question)) or question
    text = question
    for pattern, replacement in PLAIN_EN:
        text = pattern.sub(replacement, text)
    text = re.sub(r"\s+([?,.])", r"\1", " ".join(text.split()))
    return speakers_own(text) or (text[:1].upper() + text[1:] if text else question)


# "What is the speaker's journey into programming and what are their interests?": a question about the speaker's
# own story (or, asked of "you", the reader's), which no talk answers for its reader
SPEAKERS_OWN = re.compile(
    rf"^What (?:is|are|was|were) (?:the speaker'?s?|your) (.+?)(?:,?\s+(?:and|or|but)\s+{ASK_WORD}.*)?[?？]$",
    re.IGNORECASE,
)


def speakers_own(question: str) -> str | None:
    """Its subject as a theme heading, as our users write one ("Journey into programming"): that part of a talk is
    the speaker's story, and a heading names it; None for any other question."""
    match = SPEAKERS_OWN.match(question.strip())
    if not match:
        return None
    theme = STANCE.sub("", match.group(1).strip(" ,"))  # "approach to staying in love…": what it is about
    if STANCE_ONLY.fullmatch(theme) or not 2 <= len(theme.split()) <= 10 or re.search(PRONOUN, theme, re.I):
        return None  # "What is your proposed approach?", "What is your view of their work?": no subject to name
    return theme[:1].upper() + theme[1:]


STANCE = re.compile(
    r"^(?:(?:proposed|main|overall|general|personal|own)\s+)?(?:views?|perspectives?|thoughts|opinions?|take|"
    r"approach|stance|advice|experiences?)\s+(?:on|to|of|about|regarding|for|with|in)\s+(?=\S)",
    re.IGNORECASE,
)
STANCE_ONLY = re.compile(
    r"(?:(?:proposed|main|overall|general|personal|own)\s+)?(?:views?|perspectives?|thoughts|opinions?|take|approach|"
    r"stance|advice|background|story|journey|experience|goals?)",
    re.IGNORECASE,
)
PRONOUN = r"\b(?:their|they|them|his|her|its|it)\b"


def usable_edit(text: str) -> bool:
    """A question edit is one question on one line; a model that echoes its prompt ("What is wrong: …") is not."""
    return (
        bool(text.strip())
        and "\n" not in text.strip()
        and text.count("?") + text.count("？") <= 1
        and not re.search(r"what is wrong|^question:", text, re.I)
    )


def echoed_sentence(question: str, span: Span, language: str, strict: bool = True) -> str | None:
    """One of the span's opening sentences that the question only says back (its answer would restate it): the
    opening of what the model read and of what the blog shows under the question. `strict` for a question (one
    that shares most of its words with the opening is asked again); a theme heading names the part's terms, so it
    only echoes a sentence that says little more than it (as `devrel check` reads a restated answer)."""
    from pipeline.check.reader import restates

    runs = passages(span.segments, span.vectors, language, span.shown)
    opening = [sentence for run in runs[:1] for sentence in run[:2]]
    return next((sentence for sentence in opening if restates(question, sentence, strict=strict)), None)


def question_problems(question: str, span: Span, asked: list[str], language: str, strict: bool = True) -> list[str]:
    """Why a section question would not help a reader: it repeats an earlier one, says one of the span's opening
    sentences back (the answer would restate its heading), or asks about "the speaker" / "the main topic"."""
    problems = []
    if copies(question, asked):
        problems.append(
            "Earlier parts already answer these; ask a different question:\n" + "\n".join(f"  - {q}" for q in asked)
        )
    if echoed := echoed_sentence(question, span, language, strict):
        problems.append(
            f"Your question only says this sentence back: “{echoed}”. Ask what the whole part answers, "
            "in other words, so the part itself is the answer."
        )
    if META.search(question):
        problems.append(
            "Ask about the subject itself, the way a reader would, without naming the speaker, the talk "
            "or its “main topic”."
        )
    return problems


def section_variables(span: Span, title: str, language: str) -> dict[str, str]:
    """What the section prompt reads: the span's most central words and the talk's title (both guarded data)."""
    return {
        "material": guard(span.material(language)),
        "title": guard(title),
        "language": LANGUAGE_NAMES.get(language, language),
    }


class QuestionDraft(Strict):
    question: str = Field(max_length=120)


def _ask_section(
    llm: LLM, prompts: dict[str, Prompt], span: Span, title: str, language: str, asked: list[str]
) -> SectionDraft:
    """One small call: the reader question this span answers. A question that repeats an earlier one is asked again
    with the span; one that says the span's opening back or asks about the speaker gets a follow-up that only
    edits the question (a small model fixes a named problem in one line far better than it re-reads a passage).
    Follow-ups are asked in the section call's chat, so a local server does not read the span again."""
    variables = section_variables(span, title, language)
    chat = llm.conversation()
    draft = chat.ask(prompts["section"], SectionDraft, SECTION_MAX_TOKENS, avoid="", **variables)
    if copies(draft.question, asked):
        avoid = "- Earlier parts already answer these; ask a different question:\n" + "\n".join(
            f"  - {q}" for q in asked
        )
        chat = llm.conversation()
        draft = chat.ask(prompts["section"], SectionDraft, SECTION_MAX_TOKENS, avoid=guard(avoid), **variables)
    draft = draft.model_copy(
        update={"question": plain_question(draft.question, language)}
    )  # no call for what code fixes
    if echoed_sentence(draft.question, span, language):
        draft = _themed(chat, prompts, span, draft, variables, language, asked)
    problems = [
        problem
        for problem in question_problems(draft.question, span, asked, language)
        if not problem.startswith("Earlier parts")
    ]
    if problems:
        asking = f"Question: {draft.question}\nWhat is wrong: " + " ".join(problems)
        edit = chat.ask(
            prompts["question"],
            QuestionDraft,
            QUESTION_MAX_TOKENS,
            question=guard(asking),
            language=variables["language"],
        )
        fixed = plain_question(edit.question.strip(), language)
        asks = fixed.endswith(("?", "？"))  # one stopped by its bound ("…for a first-time maint") is no heading
        if asks and usable_edit(fixed) and len(question_problems(fixed, span, asked, language)) < len(problems):
            draft = draft.model_copy(update={"question": fixed})
    if META.search(draft.question):  # "What is the material about?" after its edit: the span's theme instead
        draft = _themed(chat, prompts, span, draft, variables, language, asked)
    heading = not draft.question.rstrip().endswith(("?", "？"))  # the model named a theme, not a question
    if (META.search(draft.question) or heading and names_nothing(draft.question)) and (
        terms := terms_heading(span.segments, language)
    ):  # no question or theme about this part ("A Practical Overview"): its own terms
        draft = draft.model_copy(update={"question": terms})
    return draft.model_copy(update={"question": plain_question(draft.question, language)})


SPEECH_WORDS = frozenset(
    """want need make kind sort lot something say said see look talk talking let big small good great new old
    different same many much little first last next other real sure whole bit cool nice awesome amazing
    interesting important because actually really just thing things way ways stuff yeah okay right going gonna
    also even still well maybe probably
    back front up down out over away around forward side top bottom left inside outside""".split()
)  # the last line: where things go ("move it back", "the top row"), said often and never a part's subject


PAST = re.compile(r"..[^e]ed$", re.I)  # "fired", "shared": what was done, rarely a part's subject ("bed", "speed" stay)


def terms_heading(segments: list[Segment], language: str) -> str:
    """The most repeated terms of what `segments` say, as a heading ("Awk and Unix", "Side projects" when the two are
    said as one phrase), when neither the model's question nor its theme is about the part: a heading that names the
    part's words beats "What is the main topic of this part?". Chinese counts jieba's nouns (zh_terms_heading). A
    contraction ("don't") is never a term; a possessive counts as its noun."""
    from collections import Counter

    from pipeline.safety.injection import STOPWORDS

    if language == "zh":
        return zh_terms_heading(segments)
    said = " ".join(segment.text for segment in segments if not segment.doubtful)  # a misheard word names nothing
    found = [
        re.sub(r"['’]s$", "", word)
        for word in re.findall(r"[A-Za-z][A-Za-z0-9+#'’-]*[A-Za-z0-9+#]", said)
        if not re.search(r"['’](?!s$)", word)  # "don't", "I'm": speech, not a subject
    ]
    found = [word for word in found if len(word) >= 3 and not PAST.search(word)]
    counted = Counter(
        word.casefold() for word in found if word.casefold() not in STOPWORDS | SPEECH_WORDS | ANY_HEADING | STOP
    )
    terms = [word for word, count in counted.most_common(2) if count >= 2]
    if not terms:
        return ""
    shown = {term: Counter(w for w in found if w.casefold() == term).most_common(1)[0][0] for term in terms}
    folded = [word.casefold() for word in re.findall(r"[A-Za-z][A-Za-z0-9+#'’-]*", said)]  # "ovens at dawn": no pair
    said_together = Counter(zip(folded, folded[1:]))
    phrase = max([tuple(terms), tuple(reversed(terms))], key=lambda pair: said_together[pair])
    if len(terms) == 2 and said_together[phrase] >= 2:  # "side projects": one subject, said as one phrase
        heading = " ".join(shown[term] for term in phrase)
    else:
        heading = " and ".join(shown[term] for term in terms)
    return heading[:1].upper() + heading[1:]


def zh_terms_heading(segments: list[Segment]) -> str:
    """A Chinese part's two most repeated nouns (jieba's tags, two characters or more, said at least twice), joined
    as a heading: "视频与剪辑"."""
    from collections import Counter

    import jieba.posseg

    said = "".join(segment.text for segment in segments if not segment.doubtful)
    nouns = Counter(word for word, flag in jieba.posseg.lcut(said) if flag.startswith("n") and len(word) >= 2)
    terms = [word for word, count in nouns.most_common(2) if count >= 2]
    return "与".join(terms)


class ThemeDraft(Strict):
    theme: str = Field(max_length=60)


def _themed(
    chat: Conversation,
    prompts: dict[str, Prompt],
    span: Span,
    draft: SectionDraft,
    variables: dict[str, str],
    language: str,
    asked: list[str],
) -> SectionDraft:
    """A question that is the span's opening sentence turned round ("Why is X hard?" over "X is hard.") becomes the
    part's theme, a heading as our users write them ("Content: what the audience expects"): a small model names a
    theme well, and a reworded question keeps echoing. Kept only if it is short, one line, and echoes nothing."""
    wanted = {name: variables[name] for name in ("material", "language")}  # the section call's, selected once
    theme = chat.ask(prompts["theme"], ThemeDraft, THEME_MAX_TOKENS, **wanted).theme
    theme = one_line(theme).strip().rstrip("。.!！")
    limit = THEME_CHARS_ZH if language == "zh" else THEME_CHARS_EN
    if not usable_edit(theme) or "?" in theme or "？" in theme or not 2 <= len(theme) <= limit:
        return draft
    said = " ".join(segment.text for segment in span.segments).casefold()
    if copies_example(theme, prompts["theme"].examples, said):
        return draft  # the prompt's own example, copied: it names the prompt, not this part
    if not names_the_part(theme, said, language):
        return draft
    if question_problems(theme, span, asked, language, strict=False):
        return draft
    return draft.model_copy(update={"question": theme})


def copies_example(theme: str, examples: list[str], said: str) -> bool:
    """A theme carrying a run of a prompt example's words (three words, four Chinese characters) that the part never
    says: "Continuous Integration: What to Keep and for How Long" is the example "Caching: what to keep and for how
    long" with the topic swapped, not the part's own terms."""

    def runs(text: str) -> set[str]:
        folded = text.casefold()
        words = re.findall(r"[a-z0-9'+#-]+", folded)
        han = "".join(re.findall(r"[\u4e00-\u9fff]", folded))
        return {" ".join(words[i : i + 3]) for i in range(len(words) - 2)} | {
            han[i : i + 4] for i in range(len(han) - 3)
        }

    spoken = runs(said)
    return any(run not in spoken for example in examples for run in runs(example) & runs(theme))


def names_the_part(theme: str, said: str, language: str) -> bool:
    """A theme heading uses the part's own terms and ends whole: "A Practical Overview" could head any part, and
    "Understanding Big Data and" was stopped by its length bound."""
    from pipeline.analysis.speech import broken_off

    if broken_off(theme, language):
        return False
    if language == "zh":
        pairs = {
            theme[i : i + 2] for i in range(len(theme) - 1) if re.fullmatch(r"[\u4e00-\u9fff]{2}", theme[i : i + 2])
        }
        return any(pair in said for pair in pairs)
    return any(word[:5] in said for word in naming_words(theme))


def _sections(
    spans_: list[Span], drafts: list[SectionDraft], language: str, asked: frozenset[str] = frozenset()
) -> list[Section]:
    """Sections with quotes chosen by code; a span whose question still repeats an earlier one joins the section
    before it (spans stay contiguous, and no two sections share a question). The answer to a question someone
    `asked` keeps its opening among its points: that is where it answers."""
    merged: list[tuple[SectionDraft, Span]] = []
    for draft, span in zip(drafts, spans_):
        if merged and copies(draft.question, [d.question for d, _ in merged]):
            d, s = merged[-1]  # into the section before it, so every section stays one contiguous span
            merged[-1] = (d, Span(s.segments + span.segments, np.vstack([s.vectors, span.vectors])))
            continue
        merged.append((draft, span))
    sections, shown, made = [], [], []
    subject = recurring_terms([s.text for _, span in merged for s in span.segments], language)
    for draft, span in merged:  # the model names the section; its points are the speaker's own sentences
        quotes = chosen_quotes(span.segments, span.vectors, language, shown, subject)
        shown += [quote.text for quote in quotes]
        quoted = [quote.segment_id for quote in quotes]
        points = key_points(span.segments, span.vectors, language, quoted, made, subject, lead=draft.question in asked)
        made += points
        sections.append(
            Section(
                question=one_line(draft.question),
                persona=persona(draft.question),
                key_points=points,
                quotes=quotes,
                first=span.segments[0].id,
                last=span.segments[-1].id,
            )
        )
    return sections


PERSONAS = (  # who asks it, read from the question's form (a small model picks the first choice it is offered)
    (
        "maintainer",
        re.compile(
            r"\b(?:inside|internals?|under the hood|trade-?offs?|design|architecture|implement\w*|"
            r"scale|why (?:does|did) \w+ (?:use|choose))\b|内部|原理|权衡|架构|实现",
            re.I,
        ),
    ),
    (
        "practitioner",
        re.compile(
            r"\b(?:how (?:do|can|should) (?:i|we|you)|when should|pitfalls?|mistakes?|avoid|"
            r"best way|in practice|steps?)\b|怎么|如何|怎样|坑|避免|实践",
            re.I,
        ),
    ),
)


def persona(question: str) -> str:
    """A maintainer asks how it works inside, a practitioner how to use it; anything else is a newcomer's question."""
    return next((name for name, pattern in PERSONAS if pattern.search(question)), "newcomer")


def _overview(sections: list[Section], spans_: list[Span], language: str) -> str:
    parts = []
    for number, (section, span) in enumerate(zip(sections, spans_), 1):
        parts.append(f"Part {number}: {section.question}")
        parts += [f"- {point}" for point in section.key_points]
        parts.append("  Speaker: " + span.material(language, OVERVIEW_WORDS))
    return "\n".join(parts)


def _named_heading(section: Section, spans_of: dict[int, Span], source_text: str, language: str) -> str:
    """The heading without names the talk never says; when what is left names nothing ("IMAXBEL Settings: A Practical
    Overview" → "A Practical Overview"), the part's own terms."""
    heading = without_invented_names(section.question, source_text, language) or section.question
    span = spans_of.get(section.first)
    wrong = fired("unsupported", heading, source_text, language, naming=True) or fired(
        "wrong_language", heading, language
    )
    limit = HEADING_CHARS["zh" if language == "zh" else "en"]
    pasted = len(heading) > limit or len([s for s in SENTENCE_END.split(heading) if s.strip()]) > 1
    if span is not None and (names_nothing(heading) or wrong or pasted):  # a pasted passage names nothing
        return point_heading(section, language) or terms_heading(span.segments, language) or heading
    return heading


POINT_HEADING_CHARS = {"en": 70, "zh": 24}
PERSONAL = {
    "en": re.compile(r"\b(?:i|i'm|i've|i'll|me|my|we|we're|we've|we'll|us|our|you|you're|your)\b", re.I),
    "zh": re.compile(r"我|你|咱"),
}


def point_heading(section: Section, language: str) -> str:
    """A part's own short general statement as its heading ("Quines are self-printing programs"), when the model's
    would not do: the speaker's words name the part better than its two most repeated terms. Never one that leans
    on a sentence before, asks, or speaks as "I" or to "you" (a heading is nobody's line)."""
    lang = "zh" if language == "zh" else "en"
    for point in section.key_points:
        text = point.strip().rstrip("。.!！")
        if (
            0 < len(text) <= POINT_HEADING_CHARS[lang]
            and not text.endswith(("?", "？"))
            and not PERSONAL[lang].search(text)
            and leans_back(text, language) is None
            and len(SENTENCE_END.split(text)) == 1
        ):
            return text
    return ""


def without_invented_names(text: str, source_text: str, language: str) -> str | None:
    """A heading or title naming what the talk never says ("... in C++"): the phrase goes, or the text does (None)."""
    from pipeline.analysis.names import unknown_names

    for name in unknown_names(text, source_text, language):
        named = re.escape(name)
        text = re.sub(rf"\s*\b(?:in|with|for|using|on|from|at|of|by)\s+{named}(?![\w+#])", "", text)
        first = r"(?:[A-Z][\w'’-]*\s+){0,2}"  # "Ada " before "Lovelace"
        text = re.sub(rf"^\s*{first}{named}\s*(?:[:：\-–—|]\s*|['’]s\s+)", "", text)  # "Ada Lovelace: …", "Ada's …"
        text = re.sub(rf"\s*(?:[\-–—|:]|\bby)\s*{first}{named}\s*$", "", text)  # "… — Ada Lovelace", "… by Ada"
    text = " ".join(text.split())
    text = text[:1].upper() + text[1:]
    return None if not text or unknown_names(text, source_text, language) else text


def said_tags(tags: list[str], source_text: str) -> list[str]:
    """A tag in Latin script is kept when the talk says its words ("c++" for a talk about C is dropped)."""
    folded = " ".join(source_text.casefold().split())
    spoken = set(re.findall(r"[a-z0-9+#]+", folded))
    return [
        tag for tag in tags if not re.search(r"[a-z]", tag) or all(w in spoken for w in re.findall(r"[a-z0-9+#]+", tag))
    ]


@lru_cache(maxsize=4)
def _stock_phrases(language: str) -> tuple[str, ...]:
    from pipeline.check.drafts import telltale_phrases

    return tuple(phrase.casefold() for phrase in telltale_phrases(language))


def stock_phrase(text: str, language: str) -> bool:
    """Says one of the telltale phrases `devrel check` flags ("serves as a reminder", "a deep dive"): the model's
    commentary, not the talk's point, in a key point, a summary sentence or half a title."""
    return any(phrase in text.casefold() for phrase in _stock_phrases(language))


def grounded_summary(summary: str, source_text: str, language: str, speaker: str = "") -> str:
    """A summary sentence naming someone the talk never mentions is the model's invention: it goes; so do a last
    sentence the length bound cut off and one in a stock phrase ("…is a testament to his passion"). One reporting
    the talk ("The speaker discusses X", "They explain that X") says X, or names the speaker when the source does."""
    from pipeline.analysis.names import unknown_names
    from pipeline.analysis.speech import broken_off, is_fragment
    from pipeline.format.limits import SENTENCE_END

    parts = [s for s in SENTENCE_END.split(summary.strip()) if s.strip()]
    if len(parts) > 1 and is_fragment(parts[-1], language) or parts and broken_off(parts[-1], language):
        parts = parts[:-1]  # stopped at its length bound mid-sentence
    kept = [
        s
        for s in parts
        if not unknown_names(s, source_text, language)
        and not stock_phrase(s, language)  # "…is a testament to…"
        and not fired("unsupported", reported(FRAMING.sub("", s, count=1), speaker, language), source_text, language)
        and not (language == "zh" and ZH_ABOUT_TALK.search(s))  # "在本talk中，演讲者探讨了…": the talk, not its point
    ]
    if parts and kept and parts[0] not in kept and LEANS_BACK.match(FRAMING.sub("", kept[0], count=1)):
        kept = []  # "He also highlights…" once the sentence naming him went: nothing left to lean on
    kept = [reported(FRAMING.sub("", s, count=1), speaker, language) for s in kept]
    return ("" if language == "zh" else " ").join(s[:1].upper() + s[1:] for s in kept if s)


ZH_ABOUT_TALK = re.compile(r"在本.{0,6}中|(?:演讲者|讲者|作者)还?(?:分享|探讨|介绍|讨论|提到|强调)")
THE_SPEAKER = re.compile(r"^the (?:speaker|presenter|author)\b", re.I)


def reported(sentence: str, speaker: str, language: str) -> str:
    """ "The speaker discusses X" is "Ada Lovelace discusses X" when the source names its one speaker; "They explain
    that X" is X. A frame followed by anything but a clause stays: "She explains X and provides Y" without its
    subject is no sentence."""
    if speaker and language != "zh" and THE_SPEAKER.match(sentence):
        return THE_SPEAKER.sub(speaker, sentence, count=1)
    frame = (SPEAKER_SAYS_ZH if language == "zh" else SPEAKER_SAYS_EN).match(sentence.strip())
    if frame and (language == "zh" or re.search(r"\bthat\s+$", frame.group(0))):
        return plain_point(sentence, language)
    return sentence


TITLE_CHARS = {"en": 90, "zh": 30}


def headline(title: str, language: str) -> str:
    """A title is a headline: a small model pastes its summary after it ("AI写博客的优势：AI能写出…。文章的思想是…。"),
    so a long one keeps its first sentence, then what comes before its colon."""
    limit = TITLE_CHARS.get(language, 90)
    for cut in (r"(?<=[.!?])\s+|(?<=[。！？])", r"\s*[:：]\s*"):
        if len(title) > limit:
            title = re.split(cut, title, maxsplit=1)[0].strip()
    parts = re.split(r"\s*[:：]\s*", title, maxsplit=1)  # "The Clock: A Deep Dive": the stock half goes
    if len(parts) == 2 and all(part.strip() for part in parts):
        stale = [stock_phrase(part, language) for part in parts]
        if stale[0] != stale[1]:
            title = parts[1] if stale[0] else parts[0]
    return title.rstrip("。.")


def points_summary(sections: list[Section], language: str) -> str:
    """When every sentence of the model's summary named someone the talk never says (or it was empty), the summary is
    the first key point of the first three sections: the talk's own points, never an empty field."""
    points = [section.key_points[0].strip() for section in sections[:3] if section.key_points]
    end = "。" if language == "zh" else "."  # "…a yin and yang They were…": each point ends before the next
    points = [point if point.endswith(SENTENCE_MARKS) else point + end for point in points if point]
    return ("" if language == "zh" else " ").join(points)


PARTS_SUMMARY = {"en": ("{person} on {parts}.", "On {parts}."), "zh": ("{person}谈{parts}。", "内容：{parts}。")}
SUMMARY_PARTS = 4


def parts_summary(sections: list[Section], person: str, said: str, language: str, title: str = "") -> str:
    """What the talk covers, by its parts' names ("Ada Quill on stone ovens, proofing and the morning bake."): a
    summary that reports no claim, for a model that relates a talk's terms wrongly when it writes one. A title-case
    word the talk says in lower case is written so. With fewer than two named parts (an interview's parts are its
    host's questions) the title stands for them; "" when that leaves nothing to say."""
    names = list(dict.fromkeys(s.name for s in sections if s.name))[:SUMMARY_PARTS]
    if len(names) < 2:
        if person and title and person in title:  # "Ada Quill on Ada Quill on ovens": the title says both
            return title.rstrip("。.") + ("。" if language == "zh" else ".")
        return (
            PARTS_SUMMARY.get(language, PARTS_SUMMARY["en"])[0].format(person=person, parts=title)
            if person and title
            else ""
        )
    if language == "zh":
        parts = "、".join(names[:-1]) + "和" + names[-1]
    else:
        lowered = [as_said(name, said) for name in names]
        parts = ", ".join(lowered[:-1]) + ("," if len(lowered) > 2 else "") + " and " + lowered[-1]
    templates = PARTS_SUMMARY.get(language, PARTS_SUMMARY["en"])
    return templates[0].format(person=person, parts=parts) if person else templates[1].format(parts=parts)


def as_said(name: str, said: str) -> str:
    """A part's name inside a sentence: a title-case word the talk says in lower case is written so ("Memory
    Management" → "memory management"); a name keeps its capitals."""
    return " ".join(
        word.lower() if word[:1].isupper() and word[1:].islower() and re.search(rf"\b{word.lower()}\b", said) else word
        for word in name.split()
    )


LEANS_BACK = re.compile(r"(?:he|she|they|it|this|these|他|她|他们|这)(?:\b|(?=[\u4e00-\u9fff]))", re.I)


# "In this talk, Ada explains…" says nothing the summary's reader does not know: the frame goes, the sentence stays
FRAMING = re.compile(
    r"^\s*(?:in this (?:talk|presentation|video|session),?\s+|在(?:本次|这次|这个)(?:演讲|分享|视频)中，?)", re.I
)


SPEAKER_SAYS_EN = re.compile(
    r"^(?:the (?:speaker|presenter|author|talk|material|passage|text)|(?:this|the) (?:part|section)|he|she|they)\s+"
    r"(?:also\s+)?(?:says?|said|explains?|argues?|notes?|suggests?|proposes?|emphasi[sz]es?|highlights?|believes?|"
    r"thinks?|states?|points? out|mentions?|discuss(?:es)?|describes?|covers?|introduces?|talks? about)"
    r"(?:\s+that)?\s+",
    re.IGNORECASE,
)
SPEAKER_SAYS_ZH = re.compile(r"^(?:演讲者|讲者|作者|他|她)(?:还)?(?:认为|指出|提到|表示|强调|说|提出|建议)[，,：:]?")


def plain_point(point: str, language: str) -> str:
    """The point itself, not a report of it: "The speaker proposes combining the phases." → "Combining the
    phases." A small model reports what it read whatever it is told; a reader wants the claim."""
    pattern = SPEAKER_SAYS_ZH if language == "zh" else SPEAKER_SAYS_EN
    rest = pattern.sub("", point.strip(), count=1)
    if rest == point.strip() or len(rest) < 8:
        return point
    return rest[:1].upper() + rest[1:]


TOPIC_MENTIONS = 3  # a name the guest says this often is what the conversation is about
CONVERSATION_TITLE = {
    "en": ("{guest} on {topic}", "A conversation with {guest}"),
    "zh": ("{guest}谈{topic}", "对话{guest}"),
}


def interview_guest(transcript: Transcript, source: Source) -> tuple[tuple[list[str], list[str]] | None, str]:
    """An interview's (hosts, guests) labels and its main guest's name ("" when unnamed); (None, "") for a talk."""
    from pipeline.sources.interview import voices
    from pipeline.sources.speakers import name_of

    interview = voices(transcript.segments, source.talk_kind, source.speaker_roles)
    return interview, name_of(interview[1][0], source, transcript) if interview and interview[1] else ""


def _talk_speaker(transcript: Transcript, source: Source) -> str:
    """A talk's speaker as named (the main voice's name, or a name they introduce themselves with), else ""."""
    from pipeline.sources.marks import main_speaker
    from pipeline.sources.speakers import name_of

    return name_of(main_speaker(transcript.segments), source, transcript)


def conversation_title(transcript: Transcript, source: Source, language: str) -> str:
    """A title naming who speaks and what they keep naming ("Ada Quill on Kubernetes"), or the terms they repeat most
    ("Ada Quill on ovens and bread"), when nothing better names the talk: an interview's guest ("A conversation with
    Ada Quill" when nothing recurs), a talk's named speaker; "" when nobody is named (a made-up question is no
    title)."""
    from pipeline.sources.marks import main_speaker
    from pipeline.sources.speakers import name_of

    interview, guest = interview_guest(transcript, source)
    voices = interview[1] if interview else [label for label in [main_speaker(transcript.segments)] if label]
    person = guest if interview else _talk_speaker(transcript, source)
    person = person or (source.speakers[0] if not interview and len(source.speakers) == 1 else "")
    if not person:
        return ""
    everyone = [*(interview[0] if interview else []), *voices]
    speaking = {part for label in everyone for part in name_of(label, source, transcript).split()} | set(person.split())
    names: dict[str, int] = {}
    for segment in transcript.segments:
        if (segment.speaker in voices or not voices) and segment.mark is None and language != "zh":
            for word in re.findall(r"(?<=[\w,;] )(?-i:[A-Z][\w'-]*[A-Za-z])", segment.text):  # not a sentence's first
                word = re.sub(r"['’]s$", "", word)
                if word.lower() not in STOP and word not in speaking and not re.search(r"['’]", word):  # "I'll"
                    names[word] = names.get(word, 0) + 1
    topic = max(names, key=lambda word: names[word], default="")
    templates = CONVERSATION_TITLE.get(language, CONVERSATION_TITLE["en"])
    said = " ".join(s.text for s in transcript.speech())
    if topic and names[topic] >= TOPIC_MENTIONS and not fired("off_subject", topic, said, language):
        return templates[0].format(guest=person, topic=topic)  # a name they keep saying, and what the talk is about
    theirs = [s for s in transcript.speech() if s.speaker in voices or not voices]
    if terms := terms_heading(theirs, language):  # "Ada on ovens and bread"
        first = terms.split()[0]
        lower = first.lower() if re.search(rf"\b{re.escape(first.lower())}\b", transcript.text()) else first
        return templates[0].format(guest=person, topic=terms if language == "zh" else lower + terms[len(first) :])
    return templates[1].format(guest=person) if interview else ""


def outline(transcript: Transcript, source: Source, llm: LLM, prompts: dict[str, Prompt], language: str) -> Outline:
    """Sections from the talk, a small question per section, then title, summary, tags and names."""
    speech = transcript.speech()
    if not speech:
        raise StageError(
            "the transcript has no speech to outline (every segment is marked: host, stage, page furniture)"
        )
    given = given_spans(transcript, source, language)
    found = [span for span, _ in given]
    for span, shown in zip(found, shares([sum(words(s.text) for s in span.segments) for span in found])):
        span.shown = shown
    drafts: list[SectionDraft] = []
    for span, question in given:
        if question:  # the talk asks it (an interview's host, the room): the model only names the key points
            variables = section_variables(span, source.title, language)
            draft = llm.structured(prompts["section"], SectionDraft, SECTION_MAX_TOKENS, avoid="", **variables)
            drafts.append(draft.model_copy(update={"question": question}))
        else:
            drafts.append(_ask_section(llm, prompts, span, source.title, language, [d.question for d in drafts]))
    chapters = [chapter.title for chapter in source.chapters]  # the creator's own parts (a URL's metadata), if any
    said = [  # what was said, the host's questions and the room's included: what a heading or summary may use
        *(segment.text for segment in transcript.segments if segment.mark not in NOT_SPOKEN),
        source.named_title,
        source.description or "",
        *source.speakers,
        *chapters,
    ]
    source_text = "\n".join(said)
    sections = _sections(found, drafts, language, frozenset(question for _, question in given if question))
    spans_by_first = {span.segments[0].id: span for span in found}
    kept_spans = [spans_by_first.get(section.first, found[0]) for section in sections]
    overview = ("Chapters: " + "; ".join(chapters) + "\n" if chapters else "") + _overview(
        sections, kept_spans, language
    )
    draft = llm.structured(
        prompts["outline"],
        OutlineDraft,
        OUTLINE_MAX_TOKENS,
        material=guard(overview),
        title=guard(source.title),
        language=LANGUAGE_NAMES.get(language, language),
    )
    proposed = {
        "people": draft.people,
        "organizations": draft.organizations,
        "products": draft.products,
        "media": draft.media,
    }
    refused = [source.slug, *([source.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]] if source.path else [])]
    plain = lambda tags: [tag.strip().lstrip("#").lower() for tag in tags if tag.strip().lstrip("#")]  # noqa: E731
    # tags a person gave the source (batch sources.yaml) come first; the model's only when the talk says them
    tags = list(dict.fromkeys([*plain(source.tags), *said_tags(plain(draft.tags), source_text)]))
    asked_in_talk = {question for _, question in given if question}  # the host's, the room's: said, not named
    sections = [
        section
        if section.question in asked_in_talk
        else section.model_copy(update={"question": _named_heading(section, spans_by_first, source_text, language)})
        for section in sections
    ]
    fallbacks = [  # a theme the model already gave, the part's own short statement, its most repeated terms
        [
            *([] if section.question.endswith(("?", "？")) else [section.question]),
            point_heading(section, language),
            terms_heading(spans_by_first.get(section.first, found[0]).segments, language),
        ]
        for section in sections
    ]
    shown = [span.material(language) for span in kept_spans]
    sections = section_names(
        llm, prompts["part-name"], sections, shown, fallbacks, source_text, language, asked_in_talk
    )
    from pipeline.analysis.speech import broken_off

    proposed_title = headline(one_line(draft.title), language)
    # "Elastic Map Reduce Cluster Setup: Understanding Big Data and" (cut), "A Practical Overview" (names nothing)
    unsupported = (
        fired("unsupported", proposed_title, source_text, language, naming=True)
        or fired("misframed", proposed_title, source_text, language)
        or fired("cut_short", proposed_title, source_text)
        or fired("off_subject", proposed_title, source_text, language)
    )
    if broken_off(proposed_title, language) or names_nothing(proposed_title) or unsupported:
        proposed_title = ""
    named_title = without_invented_names(proposed_title, source_text, language)
    # a heading code built from the part's most repeated words ("Run and program") heads a part, never the talk
    named = [
        s for s in sections if s.question != terms_heading(spans_by_first.get(s.first, found[0]).segments, language)
    ]
    named = [s for s in named if s.question not in asked_in_talk]  # "Tell me about the new oven." heads one answer
    title = (
        announced_title(transcript.segments, language)  # the speaker's own name for the talk, or the host's
        # "A Practical Overview" once "X: " goes
        or (None if named_title and names_nothing(named_title) else named_title)
        or source.named_title
        or conversation_title(transcript, source, language)  # who, on what they keep naming: never a made-up question
        or terms_heading(speech, language)  # what the talk keeps saying
        or next((s.question for s in named if not s.question.endswith(("?", "？"))), "")  # one part's theme, if no one
        or next((s.question for s in named), "")  # is named to title the talk by; its first question, never the file's
        or next((s.question for s in sections), "")
        or source.title
    )
    # whom the summary reports: an interview's guest ("The speaker discusses…" is an answer, never the host)
    speaker = interview_guest(transcript, source)[1] or (source.speakers[0] if len(source.speakers) == 1 else "")
    person = speaker or _talk_speaker(transcript, source)
    written = (
        grounded_summary(draft.summary, source_text, language, speaker)
        if llm.settings.model_writes_summary
        else parts_summary(sections, person, " ".join(s.text for s in speech), language, title)
    )
    return Outline(
        title=title,
        summary=written or points_summary(sections, language) or title,
        language=language,
        tags=tags,
        entities=grounded_entities(
            proposed, source_text, refused, [*source.speakers, *source.speaker_names.values(), person]
        ),
        sections=sections,
    )
