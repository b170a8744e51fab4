"""Markdown for people: outline.md, front matter, quotes with timestamp links back to the source."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlparse

import yaml

from pipeline.artifacts import Outline, Quote, Source
from pipeline.format.text import timestamp

YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"}


def timed_url(source: Source, seconds: float | None) -> str:
    """The source's URL at a moment: `?t=` for YouTube, `#t=` for other media URLs; "" for a local file."""
    if not source.url:
        return ""
    whole = int(seconds or 0)
    if urlparse(source.url).hostname in YOUTUBE_HOSTS:
        joiner = "&" if "?" in source.url else "?"
        return f"{source.url}{joiner}t={whole}"
    return f"{source.url.split('#')[0]}#t={whole}"


def time_link(source: Source, seconds: float | None) -> str:
    """A [mm:ss] link to the moment in the source; a plain [mm:ss] marker for local files."""
    stamp = timestamp(seconds)
    if not stamp:
        return ""
    url = timed_url(source, seconds)
    return f"[{stamp}]({url})" if url else f"[{stamp}]"


def quote_block(source: Source, quote: Quote) -> str:
    link = time_link(source, quote.start)
    return f"> {quote.text}\n>\n> — {link}" if link else f"> {quote.text}"


def front_matter(fields: dict) -> str:
    return "---\n" + yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=1000) + "---\n"


def source_label(source: Source) -> str:
    return source.url or (source.path.rsplit("/", 1)[-1] if source.path else source.title)


def blog_front_matter(
    source: Source, outline: Outline, speaker: str | None, guest: str = "", author: str | None = None
) -> dict:
    """The fields of a static-site post, in the form our users write (shared/reference/seed-000.md): who spoke (in an
    interview the guest; the host is its author), `draft: true` until a person publishes it, and the names the talk
    mentions under their usual keys."""
    return {
        "title": outline.title,
        "date": source.date or date.today().isoformat(),
        "author": author or speaker or "",
        "speaker": speaker or "",
        "guest": guest,
        "layout": "post.njk",
        "source": source_label(source),
        "language": outline.language,
        "category": outline.tags[0] if outline.tags else "",
        "tags": outline.tags,
        "summary": outline.summary,
        "draft": True,
        "people": outline.entities.people,
        "companies_orgs": outline.entities.organizations,
        "products_models": outline.entities.products,
        "media_books": outline.entities.media,
        "status": "draft",
    }


def outline_markdown(outline: Outline, source: Source) -> str:
    lines = [f"# {outline.title}", "", outline.summary, ""]
    if outline.tags:
        lines += ["Tags: " + ", ".join(outline.tags), ""]
    for label, names in outline.entities.model_dump().items():
        if names:
            lines.append(f"- {label.capitalize()}: {', '.join(names)}")
    for section in outline.sections:
        heading = f"Heading in the drafts: {section.name}. " if section.name else ""
        lines += ["", f"## {section.question}", "", f"*{heading}For the {section.persona}.*", ""]
        lines += [f"- {point}" for point in section.key_points]
        for quote in section.quotes:
            lines += ["", quote_block(source, quote)]
    if outline.unverified:  # kept out of every draft; listed so a person can find the line or drop the claim
        lines += ["", "## Unverified", "", "Not found in the transcript, so left out of the drafts:", ""]
        lines += [f"- {item}" for item in outline.unverified]
    if outline.open_questions:  # from the corpus: what the community asked that this talk does not answer
        lines += ["", "## Community questions this talk does not answer", ""]
        lines += [f"- [{q.question}]({q.url})" if q.url else f"- {q.question}" for q in outline.open_questions]
    return "\n".join(lines).strip() + "\n"


def outline_for_prompt(outline: Outline) -> str:
    """The outline as drafts see it: compact, with the quotes the speaker really said."""
    lines = [f"Title: {outline.title}", f"Summary: {outline.summary}", f"Tags: {', '.join(outline.tags)}"]
    for number, section in enumerate(outline.sections, 1):
        lines.append(f"\nQuestion {number}: {section.question}")
        lines += [f"- {point}" for point in section.key_points]
        lines += [f'  Quote: "{quote.text}"' for quote in section.quotes]
    return "\n".join(lines)
