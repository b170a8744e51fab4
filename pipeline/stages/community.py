"""community: a Discord announcement (≤ 2000 characters), a forum post and a newsletter blurb, each its own shape.

Code builds each structure from the sections in the speaker's words (their points, their best quote); the model
writes only the lines a person would: Discord's opener and its question to members, the forum thread's title and
its question about members' experience. Every model line is checked against the talk, the other items and the
summary (pipeline.stages.items). Calls with the embedded model: 2, plus one per rejected slip and one if the Discord
post is over its limit; the newsletter's own call only when none of its templates passes.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field

from pipeline.analysis.similarity import COPY, similarity
from pipeline.analysis.speech import quotability
from pipeline.artifacts import Artifact, Section
from pipeline.format.limits import DISCORD
from pipeline.format.render import front_matter, source_label
from pipeline.stages.drafting import DraftInputs, Strict, fit
from pipeline.stages.items import (
    Items,
    Kind,
    about_the_talk,
    best_alone,
    featured,
    few_questions,
    fresh_point,
    headings,
    join,
    led,
    speaker_of,
    spread,
    stands_alone,
    summary_text,
    unused,
)

HEAR = {"en": "**What you'll hear:**", "zh": "**你会听到：**"}
HEAR_FROM = {"en": "**What you'll hear from {speaker}:**", "zh": "**你会听到{speaker}讲：**"}  # whose "I" it is


class DiscordDraft(Strict):
    opener: str = Field(max_length=200)
    question: str = Field(max_length=200)


class ForumDraft(Strict):
    title: str = Field(max_length=120)
    ask: str = Field(max_length=300)


class NewsletterDraft(Strict):
    blurb: str = Field(max_length=500)


class Community(Artifact):
    source: str
    title: str
    language: str
    discord: str
    forum_title: str
    forum_body: str
    newsletter: str

    def markdown(self) -> str:
        meta = {
            "type": "community",
            "title": self.title,
            "source": self.source,
            "language": self.language,
            "status": "draft",
        }
        return "\n".join(
            [
                front_matter(meta),
                f"## Discord ({len(self.discord)}/{DISCORD})",
                "",
                self.discord,
                "",
                f"## Forum: {self.forum_title}",
                "",
                self.forum_body,
                "",
                "## Newsletter",
                "",
                self.newsletter,
                "",
            ]
        )


def community(inputs: DraftInputs) -> Community:
    items = Items(inputs)
    summary = summary_text(inputs.outline)
    # one kind: the three posts' own lines, about the talk's subject ("What will this talk cover?" is no question
    # a member can answer)
    kind = Kind(fixed=[("the summary", summary)] if summary.strip() else [], rule=about_the_talk)
    opener, question = discord_parts(items, kind)
    forum_title, ask = forum_parts(items, kind)
    forum = forum_body(items, ask)
    post = discord_post(items, opener, question, against=[forum, summary])
    discord = fit(inputs, "Discord post", post, DISCORD, brief=items.brief)
    kind.fixed += [("the Discord post", discord), ("the forum post", forum)]  # the newsletter's readers saw both
    return Community(
        source=source_label(inputs.source),
        title=inputs.outline.title,
        language=inputs.language,
        discord=discord,
        forum_title=forum_title or inputs.outline.title,
        forum_body=forum,
        newsletter=newsletter(items, kind, shown=[forum, discord]),
    )


def _fresh_line(section: Section, language: str, shown: Iterable[str]) -> str:
    """The section's key point or quote that stands alone (no pointer back, no slide, no pronoun subject) and stands
    best (quotability; a point first on a tie) that no other post of the draft already shows: three posts repeating
    one line read as one post three times."""
    seen = [text for text in shown if text]
    lines = [*section.key_points, *(quote.text for quote in section.quotes)]
    fresh = [line for line in lines if line.strip() and not any(line.strip() in text for text in seen)]
    alone = [line for line in fresh if stands_alone(line, language)]
    return max(alone, key=lambda line: quotability(line, language), default="")


# Discord -------------------------------------------------------------------------------------------------------------

DISCORD_LABELS = {"opener": "Discord opener", "question": "Discord question"}


def discord_parts(items: Items, kind: Kind) -> tuple[str, str]:
    """The model's two lines: why members should care, and a question they can answer."""
    zh, title, speaker = items.language == "zh", items.inputs.outline.title, featured(items.inputs)

    def ask(note: str) -> dict[str, str]:
        parts = items.clean_all(items.model("community-discord", DiscordDraft, note), DISCORD_LABELS)
        return parts | {"question": few_questions(parts["question"], headings(items))}

    templates = {
        "opener": [
            f"新分享上线：{title}" if zh else f"New for the community: {title}",
            (f"{speaker}：{title}" if zh else f"{speaker} on {title}") if speaker else "",
        ],
        "question": [
            "这几句里，哪一句说中了你的经历？欢迎在下面聊聊。"
            if zh
            else "Which of these lines matches your own experience? Tell us below."
        ],
    }
    parts = items.settle(DISCORD_LABELS, ask, lambda field: templates[field], kind)
    return parts["opener"], parts["question"]


HEAR_COUNT = 3  # "what you'll hear" is a taste, not the table of contents (the forum post has that)


def discord_post(items: Items, opener: str, question: str, against: list[str]) -> str:
    """Opener, "what you'll hear" (three sections spread over the talk: a point the forum post does not use, or
    their headings: a list of part names alone reads as a table of contents, not news), the question to members, the
    talk and its link. The variant least like the forum post and the summary is kept."""
    sections = items.inputs.outline.sections
    picked = [sections[i] for i in dict.fromkeys(spread(len(sections), min(HEAR_COUNT, len(sections))))]
    lines = [line for line in (_fresh_line(s, items.language, against) for s in picked) if line]
    for section in (s for s in sections if all(s is not p for p in picked)):  # a picked part with no line to give
        if len(lines) >= len(picked):
            break
        if line := _fresh_line(section, items.language, [*against, *lines]):
            lines.append(line)
    variants = [lines, [s.heading for s in picked]]
    posts, speaker = [], featured(items.inputs)
    for bullets, said in zip(variants, (True, False)):
        hear = HEAR_FROM[items.language].format(speaker=speaker) if speaker and said else HEAR[items.language]
        listing = "\n".join([hear, *(f"- {bullet}" for bullet in bullets)]) if bullets else ""
        posts.append("\n\n".join(part for part in [opener, listing, question, _watch(items, opener)] if part))
    scored = [(max((similarity(post, other) for other in against if other), default=0.0), post) for post in posts]
    kept = next((post for score, post in scored if score < COPY), None)
    if kept is None:
        items.warn("Discord post reads like the forum post or the summary whatever its bullets")
        kept = min(scored)[1]
    return kept


def _watch(items: Items, opener: str = "") -> str:
    """The last line names the talk and links to it (the announcement's point); with no link to give, a title the
    opener already said is not said again."""
    title, url, zh = items.inputs.outline.title, items.inputs.source.url, items.language == "zh"
    if not url and title in opener:
        return ""
    if zh:
        return f"观看《{title}》：{url}" if url else f"《{title}》"
    return f"Watch *{title}*: {url}" if url else f"*{title}*"


# Forum ---------------------------------------------------------------------------------------------------------------

FORUM_LABELS = {"title": "forum title", "ask": "forum question"}


def forum_parts(items: Items, kind: Kind) -> tuple[str, str]:
    """The model's two lines: the thread's title and the question about members' own experience."""
    zh, title = items.language == "zh", items.inputs.outline.title
    first = items.inputs.outline.sections[0].question if items.inputs.outline.sections else ""

    def ask(note: str) -> dict[str, str]:
        parts = items.clean_all(items.model("community-forum", ForumDraft, note), FORUM_LABELS)
        return parts | {"ask": few_questions(parts["ask"], headings(items))}

    templates = {
        "title": [f"讨论：{title}" if zh else f"Discussion: {title}", title],
        "ask": [
            "你在自己的项目里是怎么做的？哪些办法有用，哪些踩过坑？"
            if zh
            else "How do you handle this in your own projects? Share what worked and what did not.",
            (f"{first}你是怎么做的？" if zh else f"What is your experience with this: {first}") if first else "",
        ],
    }
    parts = items.settle(FORUM_LABELS, ask, lambda field: templates[field], kind)
    return parts["title"], parts["ask"]


def forum_body(items: Items, ask: str) -> str:
    """Where the talk comes from, then per section its heading in bold and one key point, then the question to
    members about their own experience."""
    zh, title, url = items.language == "zh", items.inputs.outline.title, items.inputs.source.url
    if zh:
        origin = f"来自《{title}》" + (f"：{url}" if url else "")
    else:
        origin = f"From *{title}*" + (f" ({url})" if url else "") + ":"
    summary = summary_text(items.inputs.outline)
    found = [(s, fresh_point(s, summary, items.language)) for s in items.inputs.outline.sections]
    answers = [led(items.language, f"**{s.heading}**", point) for s, point in found if point]  # a heading alone: no
    return "\n\n".join(part for part in [origin, *answers, ask] if part)


# Newsletter ----------------------------------------------------------------------------------------------------------


def lead_line(items: Items) -> str:
    """Who and what: "Ada Quill on *Stone ovens*."."""
    title, speaker = items.inputs.outline.title, featured(items.inputs)
    if items.language == "zh":
        return f"{speaker}谈《{title}》。" if speaker and speaker not in title else f"推荐一看：《{title}》。"
    if speaker and speaker in title:  # "Ada Quill on *Ada Quill on ovens*" says her name twice
        return f"*{title}*."
    return f"{speaker} on *{title}*." if speaker else f"Worth a watch: *{title}*."


def newsletter_templates(items: Items, shown: Iterable[str] = ()) -> list[str]:
    """Two or three sentences code can write: who and what, one key point, one quote (verbatim, in quote marks)."""
    inputs, zh, shown = items.inputs, items.language == "zh", list(shown)
    sections, lead = inputs.outline.sections, lead_line(items)
    found = []
    for first, second in zip(spread(len(sections), 2), reversed(spread(len(sections), 2))):
        point = _fresh_line(sections[first], items.language, shown)
        others = [quote for section in sections if section is not sections[second] for quote in section.quotes]
        quotes = [  # its section's line that stands best alone, or another section's, that no other post shows
            *best_alone(unused(sections[second].quotes, shown), items.language),
            *best_alone(unused(others, shown), items.language),
        ]
        quotes = [quote for quote in quotes if quote.text.strip() not in point]
        said = speaker_of(inputs, quotes[0]) if quotes else ""
        credit = (f"{said}说：" if zh else f"As {said} puts it: ") if said else ""
        quoted = f"{credit}“{quotes[0].text}”" if quotes else ""  # the one that stands best alone
        # never the parts' names in a row ("…on ovens, rye, and crusts"): editors ruled that list a table of
        # contents, not news, on every talk
        found += [join(items.language, lead, point, quoted), join(items.language, lead, point)]
    found += [join(items.language, lead, point) for section in sections for point in section.key_points[1:]]
    return found


def newsletter(items: Items, kind: Kind, shown: Iterable[str] = ()) -> str:
    """Who and what, one of the speaker's points and their best stand-alone line, built by code; the model writes the
    blurb only when none of those passes (a copy, a line another item took)."""
    for candidate in newsletter_templates(items, shown):
        if candidate and items.fault(candidate, kind, model=False) is None:
            return Items.keep(kind, "newsletter blurb", candidate)

    def ask(note: str) -> dict[str, str]:
        draft = items.model("community-newsletter", NewsletterDraft, note)
        return items.clean_all(draft, {"blurb": "newsletter blurb"}, single_line=False)

    blurb = items.settle({"blurb": "newsletter blurb"}, ask, lambda _: [], kind)["blurb"]
    return blurb or lead_line(items)  # who and what, at the least: a newsletter never goes out empty
