"""Short draft items (titles, posts, hooks, announcements) the way a small model can write them.

Asked for a whole set of posts in one call, the 1.5B wrote the same post three times and copied the outline's summary
into every community post (issue 11). So the model answers one small question at a time, and code does the rest:
- cleans what it wrote: whole sentences, no links or names the source does not have (a sentence naming a person,
  company or product absent from the source is dropped with a warning);
- rejects a line that says what the talk never says or repeats a run of past content (pipeline.rules), one that
  repeats another of its kind or the summary (trigram similarity ≥ COPY), or opens with a framing or stock phrase
  ("In this talk", prompts/check/telltale.<lang>.txt);
- asks once more, saying what was wrong; still wrong, builds the item from its section with a template. A copy is
  never shipped: an item no version of which passes is left out, with a warning. The embedded model is asked again
  only for a slip (`Fault.slip`): told of a habit, it repeats it (make eval: 3 of 45 such second asks fixed, each
  ~10 s of a 20-minute talk's six-minute budget).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

from pydantic import BaseModel

from pipeline.analysis.names import capitalised_words, unknown_names
from pipeline.analysis.similarity import COPY, similarity
from pipeline.analysis.speech import clean, leans_on_pronoun, points_outside, quotability
from pipeline.artifacts import Outline, Quote, Section
from pipeline.check.drafts import INLINE_QUOTE, says, telltale_phrases
from pipeline.format.limits import SENTENCE_END
from pipeline.format.text import CJK, LANGUAGE_NAMES, guard, one_line
from pipeline.rules import claim_words, fired, leans_back, stem
from pipeline.stages.drafting import DraftInputs, prose

M = TypeVar("M", bound=BaseModel)

# How a small model frames a post instead of saying something: rejected at the start of an item (MODELS.md: the
# 1.5B opened with "In this talk" although told not to).
OPENERS = {
    "en": [
        "in this talk",
        "this talk",
        "in today's talk",
        "in this video",
        "this video",
        "in this session",
        "this session",
        "in this presentation",
        "this presentation",
        "in this post",
        "this post",
        "this blog post",
        "in this article",
        "this article",
        "the talk",
        "the speaker",
        "the presenter",
    ],
    "zh": [
        "在这次演讲中",
        "在本次演讲中",
        "在这场演讲中",
        "在这个演讲中",
        "本次演讲",
        "这次演讲",
        "这场演讲",
        "本场演讲",
        "在本视频中",
        "在这个视频中",
        "本视频",
        "这个视频",
        "本文",
        "这篇文章",
        "演讲者",
        "讲者",
    ],
}


def fold(text: str) -> str:
    return " ".join(text.casefold().replace("’", "'").split())


# An item's first sentence that goes on from one before it (a sentence dropped for a name, or never written)
CONTINUES = {
    "en": re.compile(
        r"(?:also|additionally|furthermore|moreover|besides|in addition)\b|"
        r"(?:you(?:'ll| will| can)?|we(?:'ll| will)?|they|it|this|he|she) (?:also|too)\b",
        re.IGNORECASE,
    ),
    "zh": re.compile(r"(?:此外|另外|而且|并且|同时|还有|你还|你也|我们还|我们也)"),
}
QUOTED = re.compile(r"“[^”]*”|「[^」]*」|\"[^\"\n]*\"")
COPIED_RUN = {"en": 100, "zh": 36}  # squashed characters (≈ 18 English words, 36 Chinese characters) copied in a row


def squash(text: str) -> str:
    """Words only, folded: a quote matches the transcript whatever its punctuation and spacing."""
    return "".join(re.findall(r"[^\W_]+", fold(text)))


def _opens(text: str, phrase: str) -> bool:
    """`text` begins with `phrase` as whole words ("the talk", not "the talking points")."""
    rest = text[len(phrase) : len(phrase) + 1]
    return text.startswith(phrase) and not (rest.isascii() and rest.isalnum() and phrase[-1].isascii())


def join(language: str, *parts: str) -> str:
    """Sentences side by side: a space between English ones, nothing between Chinese ones; a part missing its
    full stop gets one."""
    kept = [part.strip() for part in parts if part and part.strip()]
    text = ""
    for part in kept:
        if text and not re.search(r"[.!?:。！？：…”\"'’)][*_]*$", text):
            text += "。" if language.startswith("zh") else "."  # a point without its full stop, then the next part
        glue = "" if not text or (language.startswith("zh") and (CJK.match(text[-1]) or CJK.match(part[0]))) else " "
        text += glue + part
    return text


def led(language: str, heading: str, point: str) -> str:
    """A point after its section's heading: a question is followed by its answer; a theme ("Python bytecode", a
    heading as our users write them) is a label, so a colon follows it, not a full stop. A heading that is the
    point's own words (a part headed by its statement) is said once: the point alone."""
    bare = heading.strip()
    said = re.sub(r"^[*_]+|[*_]*[?？.!。！:：]*[*_]*$", "", bare).casefold()
    if said and said in point.casefold():
        return point
    if not bare or re.search(r"[?？.!。！:：][*_]*$", bare):
        return join(language, bare, point)
    words, marks = re.fullmatch(r"(.*?)([*_]*)", bare, flags=re.S).groups()  # "**Theme**": the colon goes inside
    return join(language, words + ("：" if language.startswith("zh") else ":") + marks, point)


def spread(count: int, wanted: int) -> list[int]:
    """Indices of `wanted` sections spread over the talk (start, middle, end), cycling when there are fewer."""
    if count <= 0 or wanted <= 0:
        return []
    if count < wanted:
        return [i % count for i in range(wanted)]
    return [round(i * (count - 1) / (wanted - 1)) for i in range(wanted)] if wanted > 1 else [0]


def headings(items: "Items") -> list[str]:
    """What heads the talk's parts in the drafts."""
    return [section.heading for section in items.inputs.outline.sections]


ASKED_AT_ONCE = 2  # questions to members in one line: more reads as a quiz, not an invitation


def few_questions(text: str, headings: Iterable[str] = ()) -> str:
    """A question to members as a person asks it: at most ASKED_AT_ONCE questions, none of them a part's heading
    said back ("What did the room ask?")."""
    said = {heading.strip().casefold() for heading in headings}
    kept, asked = [], 0
    for sentence in (piece.strip() for piece in SENTENCE_END.split(text) if piece.strip()):
        question = sentence.rstrip("”\"’'）)").endswith(("?", "？"))
        if sentence.casefold() in said or question and asked == ASKED_AT_ONCE:
            continue
        kept.append(sentence)
        asked += question
    return " ".join(kept) if not CJK.search(text) else "".join(kept)


def summary_text(outline: Outline) -> str:
    """The summary as text an item must not repeat, or "" when it only names the talk and its parts ("Ada Quill on
    stone ovens and proofing": built from the title and the parts' names, which the items are meant to use)."""
    rest = outline.summary.casefold()
    for text in sorted([outline.title, *(s.name for s in outline.sections)], key=len, reverse=True):
        if text.strip():
            rest = rest.replace(text.casefold(), " ")
    rest = re.sub(r"\b(?:on|and)\b|[谈和、：:。.,，]|内容", " ", rest)
    left = len(CJK.findall(rest)) if CJK.search(rest) else len(rest.split())
    return outline.summary if left > NAMING_LEFT else ""


NAMING_LEFT = 4  # words (Chinese: characters) beyond the title and parts' names: the person the summary names


def fresh_point(section: Section, summary: str, language: str, shown: Iterable[str] = ()) -> str:
    """The section's first key point the summary does not already say (one not opening on a pronoun first, one
    sharing words with the part's name before the rest: a label over a line it does not name reads wrong), else its
    first quote no text already `shown` in the draft carries, in quote marks, else its first point: a post listing
    points a summary was built from would read as the summary's copy."""
    said, named = squash(summary), {stem(word) for word in claim_words(section.name, language)}
    fresh = [point for point in section.key_points if squash(point) not in said]
    fresh.sort(  # "They realized…", "Similarly…" have nothing before them; then the point that says what it names,
        key=lambda point: (  # then the one that stands best
            not stands_alone(point, language),
            -len(named & {stem(word) for word in claim_words(point, language)}),
            -quotability(point, language),
        )
    )
    point = next(iter(fresh), "")
    quotes = unused(section.quotes, shown)
    alone = [quote for quote in quotes if stands_alone(quote.text, language)]
    if point and not stands_alone(point, language) and alone:  # a quote that stands beats a point that leans
        return f"“{alone[0].text}”"
    if point or not quotes:
        return point or (section.key_points[0] if section.key_points else "")
    return f"“{quotes[0].text}”"


def unused(quotes: list[Quote], shown: Iterable[str]) -> list[Quote]:
    """The quotes no text already `shown` in the draft carries: the same quote twice is a repeat a reader notices."""
    shown = list(shown)
    return [quote for quote in quotes if not any(quote.text.strip() in text for text in shown)]


def said_lines(section: Section, inputs: DraftInputs) -> list[Quote]:
    """The section's quotes and the key points the speaker said as they stand (code picks both from the span), each
    with its moment: what a post may quote. A point edited by hand or written by a model is no quote."""
    transcript, language = inputs.transcript, inputs.language
    if not transcript or section.first is None or section.last is None:
        return list(section.quotes)
    quoted = {quote.segment_id for quote in section.quotes}
    spoken = {
        clean(segment.text, language): segment
        for segment in transcript.segments
        if section.first <= segment.id <= section.last and segment.id not in quoted and not segment.mark
    }
    points = [
        Quote(segment_id=said.id, text=point, start=said.start, end=said.end, speaker=said.speaker)
        for point in section.key_points
        if (said := spoken.get(point.strip()))
    ]
    return [*section.quotes, *points]


def best_alone(quotes: list[Quote], language: str) -> list[Quote]:
    """Quotes that stand best alone first: a hook's viewer or a newsletter's reader never heard the sentence before,
    so one opening on a pointer back ("This is how…", "And so…") comes after every one that does not."""
    return sorted(
        quotes, key=lambda quote: (leans_back(quote.text, language) is not None, -quotability(quote.text, language))
    )


def standing_alone(quotes: list[Quote], language: str) -> list[Quote]:
    """Quotes that open on nothing pointing back and need no slide or room, best first: what a post or a hook may
    show on its own."""
    return [quote for quote in best_alone(quotes, language) if stands_alone(quote.text, language)]


def stands_alone(text: str, language: str) -> bool:
    """Nothing in it points at a sentence left out, the slide or the room, its subject is no pronoun ("I'm sure it
    will…"), the speaker does not say they are unsure of it, and it is about the subject, not the talk itself ("I'll
    show you two quick videos", "Raise your hand if…")."""
    from pipeline.analysis.speech import UNSURE, pronoun_subject, signposts

    return (
        leans_back(text, language) is None
        and not points_outside(text, language)
        and not pronoun_subject(text, language)
        and not UNSURE.search(text)
        and not signposts(text, language)
    )


def speaker_of(inputs: DraftInputs, quote: Quote) -> str:
    """Who said a quote: the name given to its segment's voice (sources.speakers), else "" (a voice nobody named
    is never credited to the source's speaker: it may be the host or someone in the room)."""
    from pipeline.sources.speakers import name_of

    segments = inputs.transcript.segments if inputs.transcript else []
    label = next((segment.speaker for segment in segments if segment.id == quote.segment_id), None) or quote.speaker
    if label:
        return name_of(label, inputs.source, inputs.transcript)
    return inputs.source.speakers[0] if len(inputs.source.speakers) == 1 else ""


def featured(inputs: DraftInputs) -> str:
    """Whom the drafts feature: an interview's guest(s), else the talk's speaker, as named (or "")."""
    from pipeline.sources.interview import voices
    from pipeline.sources.marks import main_speaker
    from pipeline.sources.speakers import name_of

    source, transcript = inputs.source, inputs.transcript
    if transcript is not None:
        interview = voices(transcript.segments, source.talk_kind, source.speaker_roles)
        labels = interview[1][:2] if interview else [main_speaker(transcript.segments)]
        named = [name for name in (name_of(label, source, transcript) for label in labels if label) if name]
        if named:
            return " & ".join(named)
    return source.speakers[0] if len(source.speakers) == 1 else " & ".join(source.speakers[:2])


def known_text(inputs: DraftInputs) -> str:
    """What the source says, for telling a real name from an invented one: its metadata and the whole transcript
    (without a transcript, the outline's own words stand in)."""
    source = inputs.source
    parts = [source.named_title, source.description or "", " ".join(source.speakers), " ".join(source.tags)]
    if inputs.transcript is not None:
        parts.append(inputs.transcript.text())
    else:
        outline = inputs.outline
        parts += [outline.title, outline.summary, " ".join(outline.tags)]
        parts += [text for section in outline.sections for text in [section.question, *section.key_points]]
        parts += [quote.text for section in outline.sections for quote in section.quotes]
    return "\n".join(parts)


def section_material(inputs: DraftInputs, sections: Iterable[Section]) -> str:
    """Sections as a prompt sees them: question, key points, the best quote; the summary stays out (it gets copied)."""
    lines = [f"Talk: {inputs.outline.title}"]
    if person := featured(inputs):
        lines.append(f"Speaker: {person}")
    for number, section in enumerate(sections, 1):
        lines += ["", f"{number}. {section.question}"] + [f"   - {point}" for point in section.key_points]
        if section.quotes:
            lines.append(f'   Quote: "{section.quotes[0].text}"')
    return guard("\n".join(lines))


def budget(schema: type[BaseModel]) -> int:
    """max_tokens for a schema: its string bounds in characters (a Chinese character can be a token) plus JSON."""
    total = 0
    for spec in schema.model_json_schema()["properties"].values():
        total += spec.get("maxLength") or spec.get("items", {}).get("maxLength", 0) * spec.get("maxItems", 1)
    return total + 40 * len(schema.model_fields)


class Fault(str):
    """Why a reader would not want an item. A slip is chance (an empty or cut-off start, a copy of another item, a
    word in the wrong language): a second sample fixes it. Any other fault is a habit (an opener, a stock phrase, a
    line too long for its bound, a section's question said back), which a small model repeats when told."""

    slip: bool = False


def slip(reason: str) -> Fault:
    fault = Fault(reason)
    fault.slip = True
    return fault


TALK_ITSELF = re.compile(
    r"\b(?:the (?:speaker|talk|presenter|presentation)|this (?:talk|video|presentation)|\w+'s talk|"
    r"(?:main|key) (?:topics?|points?|ideas?|takeaways?) of)\b|演讲者|讲者|本次演讲|这次演讲|主要内容|要点|"
    r"本[-\s]?(?:talk|演讲|分享|视频)|(?:本次|这次|本场)分享",
    re.IGNORECASE,
)


def about_the_talk(text: str) -> str | None:
    """A title or hook must be about the subject: "What are the key points of the talk?" tells a reader nothing."""
    return "is about the talk itself, not its subject; name the subject" if TALK_ITSELF.search(text) else None


@dataclass
class Kind:
    """Items that must not repeat one another, nor any of `fixed` (the summary; for titles, the section questions)."""

    fixed: list[tuple[str, str]]
    kept: list[tuple[str, str]] = field(default_factory=list)
    rule: Callable[[str], str | None] | None = None  # a fault of this kind only (a title about "the talk")
    naming: bool = False  # titles name the talk's subject: a word of their own is allowed (rules.unsupported)

    def others(self) -> list[tuple[str, str]]:
        return self.kept + self.fixed


Ask = Callable[[str], dict[str, str]]  # the note (what was wrong, or "") → field → cleaned text
Templates = Callable[[str], Iterable[str]]  # field → texts code can build for it, in order of preference


class Items:
    """One draft stage's short items: asked, cleaned, checked, asked again once, then built from a template."""

    def __init__(self, inputs: DraftInputs):
        self.inputs = inputs
        self.language = "zh" if inputs.language.startswith("zh") else "en"
        self.known = known_text(inputs)
        self.said = squash(self.known)
        self.capitalised = capitalised_words(self.known)  # what the talk writes as a name (for a title's topic)
        entities = inputs.outline.entities
        self.entities = [*entities.people, *entities.organizations, *entities.products, *entities.media]
        self.people = [name for name in {*entities.people, *inputs.source.speakers, featured(inputs)} if name]
        outline = inputs.outline
        self.past = [inputs.voice, *(str(post.get("title") or "") for post in inputs.related)]
        self.past += [question.question for question in outline.open_questions]  # asked before, never our text
        folders = {prompt.folder.parent for prompt in inputs.prompts.values()}
        self.banned = sorted({phrase for folder in folders for phrase in telltale_phrases(self.language, folder)})
        self.openers = OPENERS[self.language]
        examples = {example for prompt in inputs.prompts.values() for example in prompt.examples}
        # an example of what never to write ("In this talk") is an opener's fault, said as such
        self.examples = sorted(e for e in examples if not any(_opens(fold(e), phrase) for phrase in self.openers))

    @cached_property
    def brief(self) -> str:
        """What every item call of this stage begins with: the talk's sections and the voice examples (one prefix, read
        once by a local server); a call's own instructions, and any part it is about, follow it."""
        material = section_material(self.inputs, self.inputs.outline.sections)
        return self.inputs.prompts["brief"].render(material=material, voice=self.inputs.voice)[0]

    def warn(self, warning: str) -> None:
        self.inputs.warnings.append(warning)

    def model(self, prompt: str, schema: type[M], note: str, focus: str = "") -> M:
        """One small call: a bounded schema, max_tokens to match; `focus` is the one part the item is about."""
        language = LANGUAGE_NAMES.get(self.inputs.language, self.inputs.language)
        return self.inputs.llm.structured(
            self.inputs.prompts[prompt],
            schema,
            budget(schema),
            brief=self.brief,
            language=language,
            focus=focus,
            avoid=note,
        )

    def clean_all(self, draft: BaseModel, labels: dict[str, str], single_line: bool = True) -> dict[str, str]:
        """Every field named in `labels` (field → how a warning names it), cleaned."""
        schema = type(draft)
        return {
            name: self.clean(label, getattr(draft, name), schema, name, single_line) for name, label in labels.items()
        }

    def clean(self, label: str, text: str, schema: type[BaseModel], name: str, single_line: bool = True) -> str:
        """Model text as a draft may carry it: whole sentences, no invented links, no names the source lacks."""
        text = self.grounded(label, prose(self.inputs, label, text, schema, name))
        return one_line(text) if single_line else text

    def grounded(self, label: str, text: str) -> str:
        """Sentences naming a person, company or product the source never mentions are dropped (a small model
        borrows famous names: "as Elon Musk said")."""
        lines = []
        for line in text.split("\n"):
            kept = []
            for sentence in (piece for piece in SENTENCE_END.split(line) if piece):
                names = unknown_names(sentence, self.known, self.language, self.entities)
                quoted = self.misquoted(sentence)
                if names:
                    self.warn(f"{label}: dropped a sentence naming {', '.join(names)}, which the source never mentions")
                elif quoted:
                    self.warn(f"{label}: dropped a sentence quoting words the speaker did not say (“{quoted}”)")
                else:
                    kept.append(sentence.strip())
            if kept or not line.strip():
                lines.append(join(self.language, *kept))
        return "\n".join(lines).strip()

    def misquoted(self, sentence: str) -> str:
        """A quotation the model typed that is not the speaker's words (quotes are copied by code, never retyped)."""
        for match in INLINE_QUOTE.finditer(sentence):
            quoted = next(group for group in match.groups() if group)
            long_enough = len(CJK.findall(quoted)) >= 6 or len(re.findall(r"[^\W_]+", CJK.sub(" ", quoted))) >= 4
            if long_enough and squash(quoted) not in self.said:
                return quoted
        return ""

    def copies_speaker(self, text: str) -> bool:
        """Unquoted, a long run of the transcript word for word: a paragraph pasted as a post, not a point made.
        Words in quote marks are a quote, and welcome."""
        bare = squash(QUOTED.sub(" ", text))
        window = COPIED_RUN["zh" if self.language == "zh" else "en"]
        return len(bare) >= window and any(
            bare[at : at + window] in self.said for at in range(0, max(0, len(bare) - window) + 1, 5)
        )

    def fault(self, text: str, kind: Kind, model: bool = True) -> Fault | None:
        """Why a reader would not want this item, or None. `model`: the model wrote it (a template built from the
        talk's own words may repeat them)."""
        if not re.search(r"[^\W_]", text):
            return slip("is empty")
        if model and self.copies_speaker(text):
            return Fault("pastes the speaker's words without quote marks; make the point in a sentence of your own")
        bare = re.sub(r"^[^\w“”\"'‘’]+", "", text)
        if model and self.language == "en" and re.match(r"[a-z]+[\s,;:]", bare):  # "level, making it easier to…"
            return slip("starts mid-sentence, like the rest of a line cut in two; write it whole")
        if model and CONTINUES[self.language].match(bare):  # "You'll also learn…" after a dropped sentence
            return slip("starts as if a sentence came before it; write it whole")
        if model and fired("wrong_language", text, self.language):  # "…a deep understanding of garbage回收."
            return slip("slips into Chinese; write it in English only")
        if model and text.rstrip().endswith("…") and not text.rstrip().endswith("……"):  # cut at its length bound
            return Fault("was cut off at its length limit; say it in fewer words")
        copied = next((e for e in self.examples if says(text, e) and squash(e) not in self.said), None)
        if model and copied:  # "What we learned about caching data pipelines" from a talk on garbage collection
            return Fault(f"copies “{copied}” from its instructions, which this talk never says; write about this talk")
        if model and kind.rule and (reason := kind.rule(text)):
            return Fault(reason)
        if model and (reason := fired("unsupported", text, self.known, self.language, naming=kind.naming)):
            return Fault(reason)  # a small model's own claim: built from the talk's words instead
        if model and kind.naming and (reason := fired("misframed", text, self.known, self.language)):
            return Fault(reason)
        owner = next((name for name in self.people if re.search(rf"\b{re.escape(name)}['’]s\b", text)), None)
        if model and owner and not re.search(rf"\b{re.escape(owner)}['’]s\b", self.known):
            return Fault(f"credits {owner} with what the talk may only describe (“{owner}'s …”); name the thing itself")
        if model and kind.naming and (len(CJK.findall(text)) < 4 if self.language == "zh" else len(text.split()) < 2):
            return Fault("is a word, not a headline; name what the talk shows")  # "Computing"
        if model and kind.naming and (reason := fired("off_subject", text, self.known, self.language)):
            return Fault(reason)  # "Answering questions on a chat app" over a talk on a ledger: an aside as headline
        if reason := fired("borrowed", text, self.past, self.language, self.known):
            return Fault(reason)
        start = fold(bare)
        opener = next((phrase for phrase in self.openers if _opens(start, phrase)), None)
        if opener:
            return Fault(f"opens with “{opener}”")
        own = not re.match(r"[“\"'‘「]", bare)  # a quote's words are the speaker's, pronouns and all
        leans = own and leans_on_pronoun(bare, self.language) and not re.match(r"there\b", bare, re.I)
        if model and leans:  # a title "It allows developers to…": what does? ("There are three…" is fine)
            return Fault("opens on a pronoun no reader of it alone can place; name the subject")
        unquoted = QUOTED.sub(" ", text)
        later = (fold(re.sub(r"^[^\w“”\"'‘’]+", "", sentence)) for sentence in SENTENCE_END.split(unquoted)[1:])
        opener = next((phrase for start in later for phrase in self.openers if _opens(start, phrase)), None)
        if model and opener:  # "Memory is hard. This talk will help practitioners…"
            return Fault(f"frames a sentence with “{opener}”; say the point itself")
        phrase = next((phrase for phrase in self.banned if says(text, phrase)), None)
        if phrase:
            return Fault(f"uses the stock phrase “{phrase}”")
        copied = next((label for label, other in kind.kept if similarity(text, other) >= COPY), None)
        if copied:  # another item of its kind: chance
            return slip(f"repeats {copied}")
        copied = next((label for label, other in kind.fixed if similarity(text, other) >= COPY), None)
        return Fault(f"repeats {copied}") if copied else None  # the summary, a section's question: a habit

    def settle(self, labels: dict[str, str], ask: Ask, templates: Templates, kind: Kind) -> dict[str, str]:
        """Fields of one call (`labels`: field → how a warning names it) checked in order against `kind`; the
        faulty ones asked once more with the reasons said (a habit only when the model takes notes), then taken
        from `templates(field)`, else left out."""
        answers, result, faults = ask(""), {}, {}
        for name, label in labels.items():
            reason = self.fault(answers.get(name, ""), kind)
            if reason is None:
                result[name] = self.keep(kind, label, answers[name])
            elif reason.slip or self.inputs.habits_asked_again:
                faults[name] = reason
                self.warn(f"{label} {reason}; asked again")
            else:
                result[name] = self._built(label, reason, templates(name), kind)
        if faults:
            again = ask(self._note(labels, answers, faults))
            for name, reason in faults.items():
                result[name] = self._retry(labels[name], again.get(name, ""), lambda name=name: templates(name), kind)
        return {name: result[name] for name in labels}

    def _retry(self, label: str, text: str, templates: Callable[[], Iterable[str]], kind: Kind) -> str:
        reason = self.fault(text, kind)
        if reason is None:
            return self.keep(kind, label, text)
        return self._built(label, f"{reason} again", templates(), kind)

    def _built(self, label: str, reason: str, templates: Iterable[str], kind: Kind) -> str:
        """The first of the section's templates that passes, else nothing (never a faulty item)."""
        for candidate in templates:
            if candidate and self.fault(candidate, kind, model=False) is None:
                self.warn(f"{label} {reason}; built from its section instead")
                return self.keep(kind, label, candidate)
        self.warn(f"{label} {reason} and no template fits; left out")
        return ""

    @staticmethod
    def keep(kind: Kind, label: str, text: str) -> str:
        kind.kept.append((label, text))
        return text

    @staticmethod
    def _note(labels: dict[str, str], answers: dict[str, str], faults: dict[str, str]) -> str:
        """The second request says what was wrong with the first answer, field by field."""
        lines = ["# YOUR LAST ANSWER WAS REJECTED", ""]
        for name, reason in faults.items():
            shown = guard(answers.get(name, "")[:300])
            lines.append(f"- {name}: “{shown}” {reason}." if shown else f"- {name}: {reason}.")
        lines += ["", "Write those fields again: a different angle, different words, starting with the point itself."]
        return "\n".join(lines)
