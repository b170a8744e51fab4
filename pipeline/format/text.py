"""Small text helpers shared by stages: CJK detection, token estimates, timestamps."""

from __future__ import annotations

import re

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
LANGUAGE_NAMES = {"en": "English", "zh": "Simplified Chinese"}


def estimate_tokens(text: str) -> int:
    """A token count without a tokenizer, on the safe side: one per CJK character, one per digit (Qwen and Llama
    split numbers digit by digit), one per four other characters. Measured against Qwen's tokenizer it is 4-25 % high
    on English and Chinese prose and transcript lines (bench/llm.py reports the real counts)."""
    cjk = len(CJK.findall(text))
    digits = sum(ch.isdigit() for ch in text)
    return cjk + digits + (len(text) - cjk - digits) // 4 + 1


def one_line(text: str) -> str:
    """Titles, headings and hooks are single lines in the markdown: a line break a model put in would end them."""
    return " ".join(text.split())


def guess_language(text: str) -> str:
    """English or Chinese, by the share of CJK characters (enough to pick prompts and whisper's language)."""
    letters = [ch for ch in text if not ch.isspace()]
    return "zh" if letters and len(CJK.findall(text)) / len(letters) > 0.2 else "en"


def timestamp(seconds: float | None) -> str:
    """[mm:ss] or [h:mm:ss]; empty when the source has no times (plain text)."""
    if seconds is None:
        return ""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def srt_time(seconds: float) -> str:
    """An SRT cue time: 00:01:02,345."""
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d},{millis:03d}"


DELIMITERS = re.compile(r"<\s*/\s*(material|metadata|outline|examples|post)\s*>", re.IGNORECASE)


def guard(text: str) -> str:
    """Untrusted text (transcript, title, chapters) sits between our tags as data: it cannot close a tag early."""
    return DELIMITERS.sub(lambda match: f"< /{match.group(1)}>", text)
