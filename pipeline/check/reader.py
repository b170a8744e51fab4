"""Reader checks: what a person reading the drafts notices that a schema cannot.

A quote that is a line fragment ("this down a little bit more. Because we"), the same quote twice, a blog answer that
restates its own heading, three X posts that say the same thing or repeat the summary, an item that opens with a
stock phrase, a name the talk never mentions. `devrel check` reports each as a problem (check.drafts calls these
functions) and `make eval` (check.evaluation) counts the same problems and records the same figures: one
implementation of each measure, so what eval scores is what a reviewer is told.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from itertools import combinations

from markdown_it.token import Token

from pipeline.analysis.similarity import COPY, similarity
from pipeline.check.grounding import normalise
from pipeline.check.parsed import MARKDOWN, FileReport, Grounds, fold, inline_text, sections
from pipeline.format.limits import SENTENCE_END
from pipeline.format.text import guess_language
from pipeline.rules import claim_words, fired

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")  # a Chinese character: one word when counting words
WIDE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")  # CJK characters and punctuation
CLOSERS = "\"'”’」』)）]】 \t\n"
FINAL_MARKS = (".", "!", "?", "。", "！", "？")  # a trailing "..." or "…" trails off: not a whole sentence
ZH_OPEN_ENDS = ("，", "、", "；", "：", ",", ";", ":")
MIN_WORDS, MIN_HAN = 5, 8
TIME_ONLY = re.compile(r"^\W*\d{1,2}:\d{2}(?::\d{2})?\W*$")  # "▶ [01:23](link)": a place in the video, not prose
RELATED = re.compile(r"^(related reading|further reading|延伸阅读|相关阅读)", re.I)
HEADING_ITEMS = {  # draft kind → (item kind, heading pattern, a list of items or one text)
    "hooks": [
        ("title", re.compile(r"^(titles?\b|标题)", re.I), True),
        ("x_post", re.compile(r"^x post\b", re.I), False),
        ("linkedin", re.compile(r"^linkedin\b", re.I), False),
        ("video_hook", re.compile(r"^((short[- ]?)?video hooks?\b|短视频)", re.I), True),
    ],
    "community": [
        ("discord", re.compile(r"^discord\b", re.I), False),
        ("forum", re.compile(r"^(forum\b|论坛)", re.I), False),
        ("newsletter", re.compile(r"^(newsletter\b|简报|通讯)", re.I), False),
    ],
}
LABELS = {
    "title": "title",
    "video_hook": "video hook",
    "linkedin": "LinkedIn post",
    "discord": "Discord post",
    "forum": "forum post",
    "newsletter": "newsletter",
}
# Figures a draft records (FileReport.figures): the highest similarity of each kind of pair a reader would notice,
# within a kind of item, or between an item and the summary. Every one is recorded for its draft kind (0 when no pair).
COMMUNITY = ("discord", "forum", "newsletter")
CLAIM_WORDS = 4  # a sentence with fewer words of its own makes no claim to check against the talk
HOOKS = ("title", "x_post", "linkedin", "video_hook")
WITHIN = {
    "hooks": {
        "similarity_titles": ("title",),
        "similarity_x_posts": ("x_post",),
        "similarity_video_hooks": ("video_hook",),
    },
    "community": {"similarity_community": COMMUNITY},
}
AGAINST_SUMMARY = {
    "hooks": {"similarity_linkedin_summary": ("linkedin",), "similarity_hooks_summary": HOOKS},
    "community": {"similarity_community_summary": COMMUNITY},
}
EN_STOP = set(
    """what why how when where which who whom whose does did done doing are was were been being can could
should would will shall may might must the and but not for from with about into onto than then that this these those
there their they them you your our ours his her hers its it's i'm we're you're speaker speakers talk say says said
have has had get gets make makes one way ways thing things really just also very more most some any all""".split()
)
ZH_QUESTION = re.compile(r"什么|为什么|怎么样|怎么|怎样|如何|哪些|哪个|是否|能否|吗|呢|的|了|是|吧|？|\?")


@dataclass
class Item:
    """One thing a reader reads on its own: a title, an X post, the Discord post, a blog paragraph."""

    kind: str
    label: str
    text: str


@dataclass
class Draft:
    """A parsed draft (front matter, body, markdown-it tokens): the same parse pipeline.check.drafts reads."""

    kind: str
    meta: dict
    body: str
    tokens: list[Token]
    language: str

    @cached_property
    def parts(self) -> list[tuple[str, str]]:
        return sections(self.tokens, self.body)

    @cached_property
    def items(self) -> list[Item]:
        """Hooks and community items by their headings; blog paragraphs. Unknown headings are left alone."""
        if self.kind == "blog":
            intro, answers = blog_sections(self)
            return [Item("blog", "blog intro", text) for text in intro] + [
                Item("blog", f"answer to “{heading}”", text) for heading, paragraphs in answers for text in paragraphs
            ]
        found: list[Item] = []
        for heading, raw in self.parts:
            for kind, pattern, listed in HEADING_ITEMS.get(self.kind, []):
                if pattern.match(heading):
                    found += _heading_items(kind, heading, raw, listed)
        return found


def _heading_items(kind: str, heading: str, raw: str, listed: bool) -> list[Item]:
    if listed:
        return [Item(kind, f"{LABELS[kind]} {n}", text) for n, text in enumerate(list_items(raw), 1)]
    label = heading.split("(")[0].strip() if kind == "x_post" else LABELS[kind]
    text = "\n".join(paragraphs(raw))
    return [Item(kind, label, text)] if text.strip() else []


def list_items(markdown: str) -> list[str]:
    """The items of the lists in `markdown` (numbered or not); lines when there is no list."""
    tokens = MARKDOWN.parse(markdown)
    found, depth = [], 0
    for token in tokens:
        depth += {"list_item_open": 1, "list_item_close": -1}.get(token.type, 0)
        if token.type == "inline" and depth:
            found.append(" ".join(inline_text(token).split()))
    return found or [line.strip() for line in markdown.splitlines() if line.strip()]


def paragraphs(markdown: str) -> list[str]:
    """Prose outside blockquotes (paragraphs and list items), as plain text: what the writer says, not a quote,
    and not a bare timestamp link."""
    found, depth = [], 0
    for token in MARKDOWN.parse(markdown):
        depth += {"blockquote_open": 1, "blockquote_close": -1}.get(token.type, 0)
        if token.type == "inline" and not depth:
            text = " ".join(inline_text(token).split())
            if text and not TIME_ONLY.match(text):
                found.append(text)
    return found


def blog_sections(draft: Draft) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """(intro paragraphs, [(heading, paragraphs)]): the blog's prose by section; "Related reading" is a list of
    links, not prose, and is left out."""
    heads = [token.map[0] for token in draft.tokens if token.type == "heading_open" and token.map]
    intro = "\n".join(draft.body.splitlines()[: heads[0]]) if heads else draft.body
    answers = [(heading, paragraphs(raw)) for heading, raw in draft.parts if not RELATED.match(heading)]
    return paragraphs(intro), answers


def words(text: str) -> int:
    """Words as a reader counts them: a Chinese character is one word, so English and Chinese talks compare."""
    latin = WIDE.sub(" ", text).split()
    return len(HAN.findall(text)) + sum(1 for word in latin if any(ch.isalnum() for ch in word))


def blog_words(draft: Draft) -> int:
    intro, answers = blog_sections(draft)
    return sum(words(text) for text in intro + [text for _, texts in answers for text in texts])


def first_sentence(text: str) -> str:
    return next((part for part in SENTENCE_END.split(text.strip()) if part.strip()), "").strip()


# Quotes


def fragment(quote: str) -> str | None:
    """Why a quote is not a whole sentence (None when it is). English: it starts lowercase or mid-sentence, has no
    final mark, or is under five words. Chinese: under eight characters, or it ends on a comma-like mark."""
    text = quote.strip().rstrip(CLOSERS)
    if guess_language(text) == "zh":
        if len(HAN.findall(text)) < MIN_HAN:
            return f"under {MIN_HAN} characters"
        return "ends mid-sentence" if text.endswith(ZH_OPEN_ENDS) else None
    start = text.lstrip("\"'“‘「『([ ")
    if start.startswith(("...", "…")) or (start[:1].isalpha() and start[:1].islower()):
        return "starts mid-sentence"
    if not text.endswith(FINAL_MARKS) or text.endswith(("...", "…")):
        return "no final sentence mark"
    count = words(text)
    return f"{count} words" if count < MIN_WORDS else None


def repeats(quotes: list[str]) -> list[int]:
    """Indexes of quotes an earlier quote already said: the same words, whatever the punctuation, case or width."""
    seen: set[str] = set()
    found = []
    for index, quote in enumerate(quotes):
        key = normalise(quote)
        if key in seen:
            found.append(index)
        seen.add(key)
    return found


# Restated answers


def content_words(text: str) -> set[str]:
    """What a heading is about: English words without question and filler words (first four letters, so
    "caching" and "cache" meet); Chinese character pairs, with question words and particles taken out."""
    if guess_language(text) == "zh":
        runs = re.findall(r"[\u3400-\u9fff\uf900-\ufaff]+", ZH_QUESTION.sub(" ", text))
        return {run[i : i + 2] for run in runs for i in range(len(run) - 1)}
    found = re.findall(r"[a-z0-9][a-z0-9'’-]*", fold(text))
    return {word[:4] for word in found if len(word) > 2 and word not in EN_STOP}


def restates(heading: str, sentence: str, strict: bool = False) -> bool:
    """The answer's first sentence says the heading back (trigram similarity ≥ COPY, or more than half of the
    heading's content words, at least two): the reader learns nothing from it. An English sentence that names the
    heading's topic and then says more than it repeats ("Memory management is hard, and most of us never think
    about it") answers it, unless `strict` (the outline, which would rather ask a question the opening does not
    already say)."""
    if not sentence:
        return False
    if similarity(heading, sentence) >= COPY:
        return True
    wanted = content_words(heading)
    if len(wanted) < 2:
        return False
    if guess_language(heading) == "zh":
        return sum(1 for pair in wanted if pair in sentence) / len(wanted) > 0.5
    said = content_words(sentence)
    hits = len(wanted & said)
    return hits / len(wanted) > 0.5 and (strict or len(said - wanted) <= hits)


def restated_answers(draft: Draft) -> list[str]:
    _, answers = blog_sections(draft)
    problems = []
    for heading, texts in answers:
        sentence = first_sentence(texts[0]) if texts else ""
        if restates(heading, sentence):
            problems.append(f"the answer to “{heading}” restates it: “{_short(sentence)}”")
    return problems


# Copies


def copy_figures(kind: str, items: list[Item], summaries: list[str]) -> dict[str, float]:
    """The highest similarity of each kind of pair this draft kind has (0 when there is no pair)."""
    figures = {}
    for name, kinds in WITHIN.get(kind, {}).items():
        group = [item.text for item in items if item.kind in kinds]
        figures[name] = round(max((similarity(a, b) for a, b in combinations(group, 2)), default=0.0), 3)
    for name, kinds in AGAINST_SUMMARY.get(kind, {}).items():
        group = [item.text for item in items if item.kind in kinds]
        scores = [similarity(text, summary) for text in group for summary in summaries]
        figures[name] = round(max(scores, default=0.0), 3)
    return figures


def copy_problems(kind: str, items: list[Item], summaries: list[str]) -> list[str]:
    """A problem per pair at or above COPY: the same post twice, or the summary posted again."""
    problems = []
    for kinds in WITHIN.get(kind, {}).values():
        group = [item for item in items if item.kind in kinds]
        for first, second in combinations(group, 2):
            if (score := similarity(first.text, second.text)) >= COPY:
                problems.append(f"{second.label} copies {first.label} (similarity {score:.2f})")
    for item in (item for item in items if item.kind in HOOKS + COMMUNITY):
        score = max((similarity(item.text, summary) for summary in summaries), default=0.0)
        if score >= COPY:
            problems.append(f"{item.label} copies the summary (similarity {score:.2f})")
    return problems


# Openers and names


def opens_with(text: str, phrase: str) -> bool:
    """The item's first words are the phrase (after any leading emoji or punctuation)."""
    folded, start = fold(phrase), re.sub(r"^[\W_]+", "", fold(text))
    if not folded or not start.startswith(folded):
        return False
    after = start[len(folded) : len(folded) + 1]
    return not (re.match(r"[a-z0-9]", folded[-1]) and re.match(r"[a-z0-9]", after))


def opener_problems(items: list[Item], phrases: list[str]) -> list[str]:
    return [
        f"{item.label} opens with “{phrase}”" for item in items for phrase in phrases if opens_with(item.text, phrase)
    ]


def entities(draft: Draft) -> list[str]:
    """The front matter's entity lists: in Chinese text the only way to see a Chinese-script name."""
    lists = [draft.meta.get(key) for key in ("people", "companies_orgs", "products_models", "media_books")]
    return [str(name) for names in lists if isinstance(names, list) for name in names if name]


def name_text(draft: Draft) -> str:
    """What a reader reads of the draft, for names: the summary and entity lists, and the prose (for hooks and
    community posts only the items: "LinkedIn" and "Discord" in their headings are ours, not the talk's)."""
    if draft.kind == "blog":
        body = "\n".join(inline_text(token) for token in draft.tokens if token.type == "inline")
    else:
        body = "\n".join(item.text for item in draft.items)
    return "\n".join([str(draft.meta.get("summary") or ""), *entities(draft), body])


def name_problems(draft: Draft, known: Grounds) -> list[str]:
    from pipeline.analysis.names import unknown_names  # imported when used: it is the draft stages' module too

    names = unknown_names(name_text(draft), known.names_text, draft.language, entities(draft))
    return [f"“{name}” is not in the source" for name in names]


def review(report: FileReport, draft: Draft, known: Grounds, phrases: list[str]) -> None:
    """Add the reader-facing problems and figures to a draft's report (quotes are checked in pipeline.check.drafts)."""
    if draft.kind == "blog":
        report.figures["blog_words"] = blog_words(draft)
        for problem in restated_answers(draft):
            report.add("restated", problem)
    report.figures.update(copy_figures(draft.kind, draft.items, known.summaries))
    for problem in copy_problems(draft.kind, draft.items, known.summaries):
        report.add("copies", problem)
    for problem in opener_problems(draft.items, phrases):
        report.add("openers", problem)
    for problem in name_problems(draft, known):
        report.add("names", problem)
    for problem in attribution_problems(draft, known):
        report.add("attribution", problem)
    spoken = known.transcript.text() if known.transcript else ""
    for item in draft.items:
        if reason := fired("borrowed", item.text, known.past, draft.language, spoken):
            report.add("borrowed", f"{item.label} {reason}")
    # a person's edit may add what the talk never said, so a sentence the talk does not support is counted (make
    # eval's lint), not failed; the stages never write one (rules.unsupported)
    report.figures["unsupported_sentences"] = sum(
        1
        for item in (draft.items if spoken else [])
        if item.kind != "blog"
        for sentence in SENTENCE_END.split(item.text)
        if len(claim_words(sentence, draft.language)) >= CLAIM_WORDS  # "New talk!", "Tell us below": no claim
        and fired("unsupported", sentence, spoken + "\n" + known.text, draft.language)
    )


# Attribution

_NAME = r"(?P<name>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})"
_QUOTED = r"[“\"](?P<quote>[^“”\"\n]+)[”\"]"
ATTRIBUTED = (  # "As Ada puts it: “…”", "Ada: “…”", "“…” — Ada", "晓辉说：“…”"
    re.compile(rf"{_NAME}\s+(?:puts it|put it|said|says|explains|notes|adds|told us)\s*[:,]?\s*{_QUOTED}"),
    re.compile(rf"{_NAME}:\s*{_QUOTED}"),
    re.compile(rf"{_QUOTED}\s*[—–]+\s*{_NAME}"),
    re.compile(r"(?P<name>[^\s，。：“”*]{1,20}?)(?:说|表示|提到|指出)[:：]\s*“(?P<quote>[^”]+)”"),
)


def attributed_quotes(text: str) -> list[tuple[str, str]]:
    """(name, quote) for every quote a draft credits to someone."""
    found = []
    for pattern in ATTRIBUTED:
        for match in pattern.finditer(text):
            name = re.sub(r"^(?:As|And|But|So)\s+", "", match.group("name")).rstrip(".,;:'’")
            found.append((name, match.group("quote").strip()))
    return found


def _same_person(credited: str, name: str) -> bool:
    """\"Ada" credits "Ada Lovelace"; "Lovelace" too: a shared name part of three letters or more."""
    parts = lambda text: {part for part in re.split(r"[\s,.·]+", text.casefold()) if len(part) > 2}  # noqa: E731
    return bool(parts(credited) & parts(name)) or (credited.casefold() in name.casefold() and len(credited) >= 2)


def attribution_problems(draft: Draft, known: Grounds) -> list[str]:
    """A quote credited to one voice of the transcript that another voice said (a host's remark as the guest's
    words): the worst grounding error a published post can make."""
    from pipeline.check.grounding import find_quote
    from pipeline.sources.speakers import names

    transcript = known.transcript
    if transcript is None or known.source is None:
        return []
    voices = names(known.source, transcript)
    if not voices:
        return []
    problems = []
    for credited, quote in attributed_quotes(prose_lines(draft)):
        if not any(_same_person(credited, name) for name in voices.values()):
            continue  # not one of the voices ("Tip:", a book): nothing to compare
        segment = find_quote(transcript, quote)
        if segment is None:
            continue  # reported as not in the transcript
        said_by = voices.get(segment.speaker or "", "")
        if not said_by or not _same_person(credited, said_by):
            who = said_by or (segment.speaker or "an unnamed voice")
            problems.append(f"“{_short(quote)}” is credited to {credited}, but {who} said it")
    return problems


def prose_lines(draft: Draft) -> str:
    """The draft's text as a reader sees it, one line per paragraph or list item (markup removed)."""
    return "\n".join(inline_text(token) for token in draft.tokens if token.type == "inline")


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:79] + "…"
