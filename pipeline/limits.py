"""Platform limits, counted the way the platforms count, and shortening that never cuts a word in half."""

from __future__ import annotations

import re

from pipeline.text import CJK

X_POST = 280
X_LINK = 23  # X counts every link as 23 characters, whatever its length
DISCORD = 2000
URL = re.compile(r"https?://\S+")
SENTENCE_MARKS = (".", "!", "?", "。", "！", "？", "…", "\"", "”", "」")  # what a finished sentence ends with
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])\s*")  # "3.5" and "example.com" are not sentence ends
WORDS = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]|[^\s\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+\s*|\s+")


def x_length(text: str) -> int:
    return len(URL.sub("x" * X_LINK, text))


def shorten(text: str, limit: int, length=len) -> str:
    """Cut at the last sentence end that fits, else at the last word boundary with an ellipsis."""
    text = text.strip()
    if length(text) <= limit:
        return text
    kept = ""
    for sentence in (s for s in SENTENCE_END.split(text) if s):
        joiner = "" if not kept or CJK.match(kept[-1]) else " "
        if length(kept + joiner + sentence) > limit:
            break
        kept += joiner + sentence
    if kept:
        return kept
    for token in WORDS.findall(text):
        if length(kept + token + "…") > limit:
            break
        kept += token
    return kept.rstrip(" ,;:，、") + "…"
