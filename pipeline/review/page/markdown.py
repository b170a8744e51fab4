"""A draft's markdown as review HTML: timestamps become jump links, unverified quotes and over-limit posts are marked.

Drafts are model output, so they are untrusted: markdown-it-py renders them with raw HTML disabled, and every piece
of text we add goes through html.escape. Quotes are verified the way `devrel check` does it
(check.drafts.quotes_in_context's rules, grounding.find_quote), so the page and the command never disagree about
what is grounded.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import parse_qs, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from pipeline.artifacts import Segment, Transcript
from pipeline.check.drafts import ATTRIBUTION, INLINE_QUOTE, _long_enough
from pipeline.check.grounding import find_quote
from pipeline.check.parsed import inline_text, sections
from pipeline.format.limits import DISCORD, X_POST, x_length

# A "[00:04]" / "[1:02:03]" marker (render.time_link for local media) or an inline quote, in one pass over a text.
MARKER = re.compile(r"(?P<ts>\[(?:(?P<h>\d+):)?(?P<m>\d{1,2}):(?P<s>\d{2})\])|(?P<q>" + INLINE_QUOTE.pattern + ")")


def markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    md.add_render_rule("text", _render_text)
    return md


def segment_at(transcript: Transcript | None, seconds: float) -> Segment | None:
    """The segment a "[mm:ss]" marker points to: markers truncate the start, so a matching whole second wins."""
    if transcript is None:
        return None
    segments = [segment for segment in transcript.segments if segment.start is not None]
    exact = next((segment for segment in segments if int(segment.start) == int(seconds)), None)
    earlier = [segment for segment in segments if segment.start <= seconds]
    return exact or (earlier[-1] if earlier else None)


def link_seconds(href: str) -> float | None:
    """The `t=` of a timestamp link (`?t=42` on YouTube, `#t=42` on other media URLs)."""
    parts = urlsplit(href)
    for query in (parts.query, parts.fragment):
        value = parse_qs(query).get("t", [""])[0].rstrip("s")
        if value.replace(".", "", 1).isdigit():
            return float(value)
    return None


def _stamp(seconds: float, segment: Segment | None) -> dict[str, str]:
    """Where a click goes: the segment's own start (precise) when known, else the second the marker names."""
    at = segment.start if segment is not None and segment.start is not None else seconds
    return {"data-t": f"{at:g}", "data-seg": str(segment.id) if segment is not None else ""}


def _render_text(self, tokens: list[Token], idx: int, options, env) -> str:
    token = tokens[idx]
    content, out, pos = token.content, [], 0
    for match in MARKER.finditer(content):
        out.append(escape(content[pos : match.start()]))
        pos = match.end()
        if match.group("ts"):
            seconds = int(match.group("h") or 0) * 3600 + int(match.group("m")) * 60 + int(match.group("s"))
            segment = token.meta.get("segment") or segment_at(env.get("transcript"), seconds)
            attrs = "".join(f' {key}="{escape(value)}"' for key, value in _stamp(seconds, segment).items())
            out.append(f'<a href="#" class="ts"{attrs}>{escape(match.group("ts"))}</a>')
        else:
            quote = next(group for group in match.groups()[5:] if group).strip()
            unverified = quote in env.get("unverified", set())
            out.append(
                f'<mark class="unverified" title="not in the transcript">{escape(match.group(0))}</mark>'
                if unverified
                else escape(match.group(0))
            )
    out.append(escape(content[pos:]))
    return "".join(out)


def _mark_quotes(tokens: list[Token], transcript: Transcript | None, env: dict) -> None:
    """Blockquotes get verified/unverified classes and their segment; inline quotes not found go to
    env["unverified"]."""
    depth, start, lines = 0, 0, []
    for index, token in enumerate(tokens):
        if token.type == "blockquote_open":
            depth += 1
            if depth == 1:
                start, lines = index, []
        elif token.type == "blockquote_close":
            depth -= 1
            if depth == 0 and lines:
                segment = find_quote(transcript, " ".join(lines)) if transcript else None
                tokens[start].attrJoin("class", "quote " + ("verified" if segment else "unverified"))
                if not segment:
                    tokens[start].attrSet("title", "not in the transcript")
                for inner in tokens[start:index]:
                    for child in inner.children or []:
                        child.meta["segment"] = segment
        elif token.type == "inline" and depth:
            lines += [
                line.strip() for line in inline_text(token).splitlines() if line.strip() and not ATTRIBUTION.match(line)
            ]
        elif token.type == "inline":
            for match in INLINE_QUOTE.finditer(inline_text(token)):
                quote = next(group for group in match.groups() if group).strip()
                if _long_enough(quote) and not (transcript and find_quote(transcript, quote)):
                    env["unverified"].add(quote)


def _mark_links(tokens: list[Token], transcript: Transcript | None) -> None:
    """Timestamp links become jump links (the href stays, for a source with no player); others open a new tab."""
    for token in tokens:
        for child in token.children or []:
            if child.type != "link_open":
                continue
            child.attrSet("rel", "noopener noreferrer")
            child.attrSet("target", "_blank")
            seconds = link_seconds(str(child.attrGet("href") or ""))
            if seconds is not None:
                for key, value in _stamp(seconds, child.meta.get("segment") or segment_at(transcript, seconds)).items():
                    child.attrSet(key, value)
                child.attrJoin("class", "ts")


def _mark_limits(tokens: list[Token], body: str, kind: str) -> None:
    """Headings of posts over their platform's limit get a class, so the page shows them in red."""
    heads = [token for token in tokens if token.type == "heading_open" and token.map]
    for head, (heading, text) in zip(heads, sections(tokens, body)):
        over = (kind == "hooks" and re.match(r"X post\b", heading, re.I) and x_length(text) > X_POST) or (
            kind == "community" and heading.lower().startswith("discord") and len(text) > DISCORD
        )
        if over:
            head.attrJoin("class", "over-limit")
            head.attrSet("title", "over the platform's limit")


def draft_html(body: str, kind: str, transcript: Transcript | None) -> str:
    """The draft body (front matter already split off) as safe HTML for the review page."""
    md = markdown()
    env: dict = {"transcript": transcript, "unverified": set()}
    tokens = md.parse(body, env)
    _mark_quotes(tokens, transcript, env)
    _mark_links(tokens, transcript)
    _mark_limits(tokens, body, kind)
    return md.renderer.render(tokens, md.options, env)
