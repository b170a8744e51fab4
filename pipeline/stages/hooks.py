"""hooks: five titles in distinct patterns, three X posts from three sections, a LinkedIn post, three video hooks.

The speaker's words lead: an X post is its section's best stand-alone quote, credited and linked to its moment; the
video hooks and LinkedIn's bullets are the talk's short lines that stand alone, chosen by code. The model names
(titles) and frames (LinkedIn's opening and closing question), one small question per call;
pipeline.stages.items refuses a line the talk does not support, a copy or a stock opener, and builds it from the
section instead. Calls with the embedded model: titles and LinkedIn (2), plus one per section with no quote for a
post and per rejected slip.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import Field

from pipeline.analysis.moments import clips
from pipeline.analysis.similarity import COPY, copies, similarity
from pipeline.analysis.speech import clean, is_fragment, points_outside, quotability
from pipeline.artifacts import Artifact, Quote, Section
from pipeline.format.limits import SENTENCE_END, X_POST, shorten, x_length
from pipeline.format.render import front_matter, source_label, timed_url
from pipeline.rules import fired, leans_back
from pipeline.stages.drafting import DraftInputs, Strict, fit
from pipeline.stages.items import (
    Items,
    Kind,
    about_the_talk,
    featured,
    few_questions,
    fresh_point,
    headings,
    led,
    said_lines,
    section_material,
    speaker_of,
    spread,
    standing_alone,
    stands_alone,
    summary_text,
    unused,
)
from pipeline.stages.outline import META, as_said

LINKEDIN = 3000
VIDEO_HOOK = {"en": 100, "zh": 40}  # characters a speaker says in about five seconds
SHORT_TITLE = 90
TITLE_QUOTE = {"en": 70, "zh": 30}  # characters: a longer quote reads as a post under a headline, not as one


class TitlesDraft(Strict):
    """Four titles in named patterns (the names keep them distinct) and the talk's subject, the fifth when no section
    names a theme."""

    how_to: str = Field(max_length=100)
    claim: str = Field(max_length=100)
    detail: str = Field(max_length=100)
    question: str = Field(max_length=100)
    topic: str = Field(max_length=60)


class XPostDraft(Strict):
    post: str = Field(max_length=280)


class LinkedInDraft(Strict):
    """The model's part of the LinkedIn post; the bullets between them are the sections' key points."""

    opening: str = Field(max_length=300)
    closing_question: str = Field(max_length=200)


class Hooks(Artifact):
    source: str
    title: str
    language: str
    titles: list[str]
    x_posts: list[str]
    linkedin: str
    video_hooks: list[str]

    def markdown(self) -> str:
        meta = {
            "type": "hook",
            "title": self.title,
            "source": self.source,
            "language": self.language,
            "status": "draft",
        }
        lines = [front_matter(meta), "## Titles", ""]
        lines += [f"{n}. {title}" for n, title in enumerate(self.titles, 1)]
        lines += ["", "## X posts"]
        for n, post in enumerate(self.x_posts, 1):
            lines += ["", f"### X post {n} ({x_length(post)}/{X_POST})", "", post]
        lines += ["", f"## LinkedIn ({len(self.linkedin)}/{LINKEDIN})", "", self.linkedin]
        lines += ["", "## Short-video hooks", ""]
        lines += [f"{n}. {hook}" for n, hook in enumerate(self.video_hooks, 1)]
        return "\n".join(lines) + "\n"


def hooks(inputs: DraftInputs) -> Hooks:
    items = Items(inputs)
    made_titles = titles(items)
    made_posts = x_posts(items, used=made_titles)
    made_linkedin = linkedin(items, used=[*made_titles, *made_posts])
    return Hooks(
        source=source_label(inputs.source),
        title=inputs.outline.title,
        language=inputs.language,
        titles=made_titles,
        x_posts=made_posts,
        linkedin=made_linkedin,
        video_hooks=video_hooks(items, used=[*made_titles, *made_posts, made_linkedin]),  # one line, one place
    )


def _summary(items: Items) -> list[tuple[str, str]]:
    summary = summary_text(items.inputs.outline)
    return [("the summary", summary)] if summary.strip() else []


def _questions(items: Items) -> list[tuple[str, str]]:
    return [(f"the question of section {n}", s.question) for n, s in enumerate(items.inputs.outline.sections, 1)]


def _themes(items: Items) -> list[str]:
    """The sections' names ("Columnar storage and compression"): a headline a title may be. A host's prompt
    ("Tell me about the new oven.") heads its answer in the blog; as a title it is someone else's line."""
    spoken = " ".join(segment.text for segment in items.inputs.transcript.segments) if items.inputs.transcript else ""
    return [
        s.heading
        for s in items.inputs.outline.sections
        if not s.heading.rstrip().endswith(("?", "？")) and s.heading.rstrip("。.") not in spoken
    ]


def _speaker(items: Items) -> str:
    return featured(items.inputs)


def _short_quotes(items: Items, limit: int) -> list[str]:
    """Quotes short enough for a headline or a spoken hook, in the quote marks `devrel check` verifies: only ones that
    stand alone, the best first (a hook's viewer never heard the sentence before it)."""
    quotes = standing_alone(  # a headline over "I'm sure it will burn the crust" leaves the reader asking what "it" is
        [quote for section in items.inputs.outline.sections for quote in section.quotes], items.language
    )
    return [f"“{text}”" for text in (quote.text.strip() for quote in quotes) if len(text) + 2 <= limit]


def _short_points(items: Items, limit: int) -> list[str]:
    """Key points short enough for a headline or a hook; a one-sentence point loses its full stop (one the model wrote
    without it is still whole). A point opening on a pronoun ("They were not a good grad student") leans on a
    sentence the hook's viewer never saw: it goes last."""
    from pipeline.analysis.speech import is_fragment, leans_on_pronoun

    points = [point.strip() for section in items.inputs.outline.sections for point in section.key_points]
    ended = lambda point: point if re.search(r"[.!?。！？]$", point) else point + "."  # noqa: E731 (a list item)
    whole = [point for point in points if point and not is_fragment(ended(point), items.language)]
    short = [point for point in whole if len(point) <= limit]
    short.sort(key=lambda point: leans_on_pronoun(point, items.language))
    return [point.rstrip(".。") if len(SENTENCE_END.split(point)) == 1 else point for point in short]


# Titles ------------------------------------------------------------------------------------------------------------

TITLE_LABELS = {
    "how_to": "title 1 (how-to)",
    "claim": "title 2 (claim)",
    "detail": "title 3 (detail)",
    "question": "title 4 (question)",
    "theme": "title 5 (theme)",
}


def title_templates(items: Items, field: str) -> list[str]:
    """Titles code can build from the outline: a detail with a number, a short quote, the talk's title. A part's name
    ("Time and DST") or a bare sentence is no headline (judges ruled them "rewrite" on every talk): a field none of
    these fill is left out, and the post offers fewer titles."""
    outline = items.inputs.outline
    points, quotes = _short_points(items, SHORT_TITLE), _short_quotes(items, TITLE_QUOTE.get(items.language, 70))
    own = {
        "detail": [point for point in points if any(ch.isdigit() for ch in point)],
        "claim": quotes,
    }.get(field, [])
    return [*own, outline.title, *quotes]


def titles(items: Items) -> list[str]:
    labels = TITLE_LABELS | {"topic": TITLE_LABELS["theme"]}
    del labels["theme"]

    themes = _themes(items)  # a question heading is the blog's, not a title

    def ask(note: str) -> dict[str, str]:
        answers = items.clean_all(items.model("hooks-titles", TitlesDraft, note), labels)
        topic = answers.pop("topic").strip(" .。")  # the subject as a noun phrase: a headline of its own
        answers["theme"] = topic[:1].upper() + topic[1:]
        return answers

    asked = [(label, question) for label, question in _questions(items) if question not in themes]
    kind = Kind(fixed=asked + _summary(items), rule=about_the_talk, naming=True)
    chosen = items.settle(TITLE_LABELS, ask, lambda field: title_templates(items, field), kind)
    made = [title for title in chosen.values() if title]
    own = items.inputs.outline.title  # the talk's own title leads, whichever field it filled
    made = [own, *(title for title in made if title != own)] if own in made else made
    return made + speaker_titles(items, made, themes)[: max(0, FEWEST_TITLES - len(made))]


FEWEST_TITLES = 3
SPEAKER_TITLE = {"en": "{speaker} on {part}", "zh": "{speaker}谈{part}"}


def speaker_titles(items: Items, made: list[str], themes: list[str]) -> list[str]:
    """Who on what, by the names of the talk's parts (`themes`) that name what it says most ("Ada Quill on stone
    ovens"): where the model's titles and the quotes fill fewer than FEWEST_TITLES, a plain headline an editor can
    sharpen."""
    speaker, said = featured(items.inputs), items.known
    if not speaker:
        return []
    found = []
    for name in themes:
        if fired("off_subject", name, said, items.language) or speaker in name:
            continue
        part = name if items.language == "zh" else as_said(name, said)
        title = SPEAKER_TITLE.get(items.language, SPEAKER_TITLE["en"]).format(speaker=speaker, part=part)
        if title not in made and title not in found:
            found.append(title)
    return found


# X posts -------------------------------------------------------------------------------------------------------------


def quote_post(items: Items, quote: Quote) -> str:
    """The speaker's own words in quote marks, with their name and the source link when they fit X's limit: a whole
    sentence of the quote or nothing (the caller moves on to the next quote)."""
    inputs, zh = items.inputs, items.language == "zh"
    speaker, url = speaker_of(inputs, quote), timed_url(inputs.source, quote.start)
    credit = (f"——{speaker}" if zh else f" — {speaker}") if speaker else ""
    for tail in ([f"{credit}\n\n{url}"] if url else []) + [credit]:
        body = shorten(quote.text, X_POST - x_length(f"“”{tail}"), x_length)
        if body and not (body.endswith("…") and not quote.text.strip().endswith("…")):
            return f"“{body}”{tail}"
    return ""


def point_material(items: Items, section: Section) -> str:
    """The one section a post is about, after the brief: its question, key points and best quote, between tags."""
    return "<part>\n" + section_material(items.inputs, [section]).split("\n", 1)[1].strip("\n") + "\n</part>\n"


def point_templates(items: Items, section: Section, used: Iterable[str] = ()) -> list[str]:
    """X posts code can build from a section: its question answered by a key point, one of its quotes not `used`
    elsewhere in the draft, a point. A part's name before a point ("Ovens: the crust burns…") reads as a label
    pasted on a line, not a post: only a question leads one."""
    asks_well = not META.search(section.question) and section.question.rstrip().endswith(("?", "？"))
    answered = [led(items.language, section.question, point) for point in section.key_points if asks_well]
    quoted = [quote_post(items, quote) for quote in unused(section.quotes, used)]
    fitted = [shorten(text, X_POST, x_length) for text in answered]
    return fitted + quoted + [shorten(point, X_POST, x_length) for point in section.key_points]


def model_post(items: Items, label: str, section: Section, kind: Kind, used: Iterable[str] = ()) -> str:
    """The model makes one section's point, seeing that section only."""

    def ask(note: str) -> dict[str, str]:
        draft = items.model("hooks-x", XPostDraft, note, focus=point_material(items, section))
        text = items.clean_all(draft, {"post": label}, single_line=False)["post"]
        whole = shorten(text, X_POST, x_length)
        if x_length(text) > X_POST and whole and not whole.endswith("…"):  # its first sentences make the point
            items.warn(f"{label} was {x_length(text)} characters; ended at its last whole sentence within {X_POST}")
            return {"post": whole}
        return {"post": fit(items.inputs, label, text, X_POST, x_length, items.brief) if text else ""}

    return items.settle({"post": label}, ask, lambda _: point_templates(items, section, used), kind)["post"]


def x_posts(items: Items, used: list[str] = ()) -> list[str]:
    """Three posts from different sections, each the section's line that stands best alone in the speaker's own
    words, credited and linked to its moment: the sections whose best line is best go first (a post is read on its
    own, so a weak line is no better for coming from the middle of the talk), spread over the talk on a tie. The
    model writes a post only when no section has a quote left, and then only what the talk supports."""
    sections, kind = items.inputs.outline.sections, Kind(fixed=_summary(items))
    wanted = spread(len(sections), 3)  # cycles when there are fewer sections: a section may give two posts
    lines = [said_lines(section, items.inputs) for section in sections]
    best = [
        max((quotability(q.text, items.language) for q in standing_alone(said, items.language)), default=0.0)
        for said in lines
    ]
    ranked = sorted(range(len(sections)), key=lambda i: (-best[i], min(abs(i - w) for w in wanted)))
    order = [*ranked, *ranked]  # a second round: a section may give two posts when fewer have a line
    planned: list[tuple[int, str]] = []  # (section index, its quote post, or "" where the model writes)
    taken: list[str] = list(used)
    for index in order:
        if len(planned) == len(wanted):
            break
        alone = standing_alone(unused(lines[index], taken), items.language)
        quoted = [post for post in (quote_post(items, quote) for quote in alone) if post]
        if quoted := [post for post in quoted if items.fault(post, kind, model=False) is None]:
            planned.append((index, quoted[0]))
            taken.append(quoted[0])
    for index in wanted:
        if len(planned) < len(wanted) and sum(i == index for i, _ in planned) < wanted.count(index):
            planned.append((index, ""))
    posts = []
    for index, quoted in sorted(planned, key=lambda pair: pair[0]):  # in the talk's order
        label = f"X post {len(posts) + 1}"
        post = Items.keep(kind, label, quoted) if quoted else model_post(items, label, sections[index], kind, taken)
        if post:
            posts.append(post)
    return posts


# LinkedIn ----------------------------------------------------------------------------------------------------------

LINKEDIN_LABELS = {"opening": "LinkedIn opening", "closing_question": "LinkedIn closing question"}


def points_across(
    sections: list[Section], wanted: int = 3, language: str = "en", used: Iterable[str] = ()
) -> list[tuple[Section, str]]:
    """Key points from different sections first (spread over the talk), then second points, until there are enough;
    only points that stand alone (a bullet has no sentence before it: no pronoun or pointer back, no slide), from
    the other parts when a part has none; none a title or post already `used` quotes."""
    used = list(used)
    order = [sections[i] for i in dict.fromkeys(spread(len(sections), min(wanted, len(sections))))]
    standing = {
        id(s): [p for p in s.key_points if stands_alone(p, language) and not any(p.strip() in t for t in used)]
        for s in sections
    }
    chosen = []
    for depth in range(3):
        chosen += [(section, standing[id(section)][depth]) for section in order if len(standing[id(section)]) > depth]
    for section in sections:  # a part with no point that stands alone gives its bullet to another part
        chosen += [(section, point) for point in standing[id(section)] if (section, point) not in chosen]
    return chosen[:wanted]


def linkedin_bullets(items: Items, frame: list[str], used: Iterable[str] = ()) -> str:
    """Three bullets of key points; if with them the post (`frame`: opening, closing, link) reads like the summary,
    each bullet leads with its section's heading, then with a point (or a quote no title or post already `used`) the
    summary does not say."""
    chosen, summary = (
        points_across(items.inputs.outline.sections, language=items.language, used=used),
        summary_text(items.inputs.outline),
    )
    plain = [point for _, point in chosen]
    led_points = [led(items.language, f"**{section.heading}**", point) for section, point in chosen]
    sections = list({id(section): section for section, _ in chosen}.values())
    led_fresh = [
        led(items.language, f"**{s.heading}**", fresh_point(s, summary, items.language, used)) for s in sections
    ]
    blocks = ["\n".join(f"- {line}" for line in lines) for lines in (plain, led_points, led_fresh)]
    scored = [(similarity("\n\n".join([frame[0], block, *frame[1:]]), summary), block) for block in blocks]
    best = next((block for score, block in scored if score < COPY), None)
    if best is None:
        items.warn("LinkedIn post: its bullets read like the summary whatever their form")
        best = min(scored)[1]
    return best


FOLLOW_ON_WORDS = 35  # the sentence after a quoted line, kept with it when it goes on with the thought


def said_next(items: Items, quote: Quote) -> str:
    """The speaker's next sentence, when it carries the quoted line on: it points back at it ("So…", "That is
    why…", "It…"), in the same voice, a whole statement, not too long, nothing a reader of a post cannot see. The
    payoff a line alone leaves out; a sentence that starts a new thought stays out."""
    segments = items.inputs.transcript.segments if items.inputs.transcript else []
    after = next((s for s in segments if s.id > quote.segment_id and s.text.strip()), None)
    if after is None or after.mark or after.doubtful or after.speaker != quote.speaker:
        return ""
    text = clean(after.text, items.language)
    if not text or text.rstrip("”\"’'）)").endswith(("?", "？")) or is_fragment(text, items.language):
        return ""
    if len(text.split()) > FOLLOW_ON_WORDS or points_outside(text, items.language) or quote.text.rstrip().endswith("?"):
        return ""
    return text if leans_back(" ".join(after.text.split()), items.language) else ""  # "So…" before cleaning


def linkedin_quote(items: Items, used: Iterable[str] = ()) -> str:
    """The talk's best stand-alone line no title or post already quotes, with the sentence that carries it on,
    credited, with the talk's title and the link to the moment: a post an editor can share as it is. Three lines from
    three parts under a stock question read as unrelated (editors ruled it "rewrite" on every talk)."""
    inputs, zh = items.inputs, items.language == "zh"
    lines = [q for section in inputs.outline.sections for q in unused(said_lines(section, inputs), used)]
    summary = summary_text(inputs.outline)
    for quote in standing_alone(lines, items.language):  # best first; the summary's own sentence would be a copy
        text = (("" if zh else " ").join([quote.text.strip(), said_next(items, quote)])).strip()
        speaker, title, url = speaker_of(inputs, quote), inputs.outline.title, timed_url(inputs.source, quote.start)
        if zh:
            credit = f"——{speaker}，《{title}》" if speaker else f"——《{title}》"
        else:
            credit = f"— {speaker}, in *{title}*" if speaker else f"— from *{title}*"
        post = "\n\n".join(part for part in [f"“{text}”", credit, url] if part)
        if similarity(post, summary) < COPY:
            return post
    return ""


def linkedin(items: Items, used: Iterable[str] = ()) -> str:
    """The talk's best line as a quote post (linkedin_quote); with no line to quote, an opening line (model), three
    bullets from three sections (code), a closing question (model), the link."""
    inputs, zh, title = items.inputs, items.language == "zh", items.inputs.outline.title
    if quoted := linkedin_quote(items, used):
        return fit(inputs, "LinkedIn post", quoted, LINKEDIN, brief=items.brief)

    def ask(note: str) -> dict[str, str]:
        parts = items.clean_all(items.model("hooks-linkedin", LinkedInDraft, note), LINKEDIN_LABELS)
        return parts | {"closing_question": few_questions(parts["closing_question"], headings(items))}

    templates = {
        "opening": [title],
        "closing_question": [
            "这几句里，哪一句和你的经历最像？"
            if zh
            else "Which of these matches your own experience, and where would you disagree?"
        ],
    }
    kind = Kind(fixed=_summary(items), rule=about_the_talk)  # "What are the key takeaways from this talk?"
    parts = items.settle(LINKEDIN_LABELS, ask, lambda field: templates[field], kind)
    frame = [parts["opening"], parts["closing_question"], inputs.source.url or ""]
    bullets = linkedin_bullets(items, frame, used)
    if speaker := featured(inputs):  # the bullets are the speaker's lines: never the poster's own "I"
        bullets = (f"{speaker}讲到：" if zh else f"In {speaker}'s words:") + "\n" + bullets
    post = "\n\n".join(part for part in [frame[0], bullets, *frame[1:]] if part)
    return fit(inputs, "LinkedIn post", post, LINKEDIN, brief=items.brief)


# Short-video hooks ---------------------------------------------------------------------------------------------------

HOOK_LABELS = {
    "question": "video hook 1 (question)",
    "surprise": "video hook 2 (surprise)",
    "mistake": "video hook 3 (mistake)",
}


def video_hooks(items: Items, used: list[str] = ()) -> list[str]:
    """Three lines a speaker says in five seconds (≤ 100 characters, 40 in Chinese), in the speaker's own words: the
    opening lines of the talk's clips first (video.md: each hook starts a moment worth cutting), then its short quotes
    and points that stand best alone, none already `used` (a title, a post) — the same quote
    twice in one draft is a repeat a reader notices. Code chooses them; a small model asked for a hook invents a
    claim ("you should always…") the talk never makes."""
    limit = VIDEO_HOOK[items.language]
    inputs = items.inputs
    openings = [  # a clip's first line (video.md): the hook is said where the clip starts
        f"“{text}”"
        for text in (m.segments[0].text.strip() for m in clips(inputs.outline, inputs.transcript, items.language))
        if len(text) + 2 <= limit
    ]
    candidates = [*openings, *_short_quotes(items, limit), *_short_points(items, limit)]
    kind = Kind(fixed=_questions(items) + _summary(items), rule=about_the_talk)
    chosen: list[str] = []
    for text in candidates:
        if len(chosen) == len(HOOK_LABELS):
            break
        bare = text.strip("“”")
        if any(bare in other or other.strip("“”") in bare for other in [*used, *chosen]):
            continue
        if copies(bare, [line for other in [*used, *chosen] for line in re.findall(r"“([^”]+)”", other)]):
            continue  # the key point that says a post's quote again in other words
        if not stands_alone(bare, items.language):
            continue  # "this top row of buttons", "It was great.": the viewer never saw what it points at
        if items.fault(text, kind, model=False) is None and not about_the_talk(text):  # a line of the talk may be
            chosen.append(Items.keep(kind, f"video hook {len(chosen) + 1}", text))  # about the talk itself
    if len(chosen) < len(HOOK_LABELS):
        items.warn(f"short-video hooks: {len(chosen)} of {len(HOOK_LABELS)} lines stand alone in {limit} characters")
    return chosen
