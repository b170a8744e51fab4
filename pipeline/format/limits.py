"""Platform limits, counted the way the platforms count, and shortening that never cuts a word in half."""

from __future__ import annotations

import re
import unicodedata

from pipeline.format.text import CJK

X_POST = 280
X_LINK = 23  # X counts every link as 23 characters, whatever its length
# twitter-text v3 (what X counts): these code points weigh 1, every other one 2 (CJK, most symbols, emoji)
X_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
DISCORD = 2000
URL = re.compile(r"https?://\S+")
SENTENCE_MARK_END = re.compile(r"[.!?。！？…][\"'”’)\]]*$")  # ends on a sentence mark (closing quotes allowed)
SENTENCE_MARKS = (".", "!", "?", "。", "！", "？", "…", '"', "”", "」")  # what a finished sentence ends with
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])\s*")  # "3.5" and "example.com" are not sentence ends
# One emoji as X sees it, weighing 2 whatever it is made of: a flag, a keycap, or pictographs (with variation selector,
# skin tone, tags) joined by zero-width joiners. © and ® are emoji only with U+FE0F (alone they are Latin-1, weight 1).
_PICTOGRAPH = (
    "(?:[\U0001f000-\U0001faff\u2190-\u21ff\u2300-\u23ff\u25a0-\u27bf\u2900-\u297f\u2b00-\u2bff"
    "\u203c\u2049\u2122\u2139\u3030\u303d\u3297\u3299]\ufe0f?|[\u00a9\u00ae]\ufe0f)"
    "[\U0001f3fb-\U0001f3ff]?[\U000e0020-\U000e007f]*"
)
EMOJI = re.compile(f"[\U0001f1e6-\U0001f1ff]{{2}}|[0-9#*]\ufe0f?\u20e3|{_PICTOGRAPH}(?:\u200d{_PICTOGRAPH})*")
_X_TOKEN = re.compile(f"(?P<url>{URL.pattern})|(?P<emoji>{EMOJI.pattern})|.", re.S)
WORDS = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]|[^\s\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+\s*|\s+")


def x_length(text: str) -> int:
    """X's weighted length (twitter-text v3, which X enforces against X_POST): after NFC, a link counts X_LINK, an
    emoji 2, a code point in X_LIGHT 1 (Latin, Greek, Cyrillic, Hebrew, Arabic, Indic scripts...) and any other 2
    (Chinese, Japanese, Korean, most symbols). So 140 Chinese characters fill an X post."""
    total = 0
    for token in _X_TOKEN.finditer(unicodedata.normalize("NFC", text)):
        if token["url"]:
            total += X_LINK
        elif token["emoji"]:
            total += 2
        else:
            point = ord(token[0])
            total += 1 if any(low <= point <= high for low, high in X_LIGHT) else 2
    return total


CLAUSE_END = re.compile(r"\s*(?:[,;，；]|\s[—–]|\s-{1,2})\s+|[，；]")
# After an English comma, a word that starts a clause; any other ("a simple, efficient algorithm") is inside a list
CLAUSE_START = re.compile(
    r"(?:and|but|or|so|yet|which|who|whose|where|while|whereas|because|since|although|though|as|if|when|unless|"
    r"making|allowing|leading|meaning|giving|letting|instead|then|this|that|these|it|they|we|you|i|he|she|there)\b",
    re.I,
)
SUBORDINATE = re.compile(r"^(?:if|when|because|although|though|while|since|as|unless|whether|so that|until)\b", re.I)
SUBORDINATE_ZH = re.compile(r"^(?:如果|假如|要是|虽然|尽管|即使|因为|由于|当)")  # a clause that needs its main one


def at_clause(text: str, limit: int) -> str:
    """Model text over its limit cut where a clause ends, when what stays is a whole main clause ("X is faster than
    Y, because…" → "X is faster than Y."); "" when no cut leaves one. Never for quotes: they stay verbatim."""
    text = text.strip()
    if len(text) <= limit:
        return text
    zh = CJK.search(text) is not None
    cuts = [
        match.start()
        for match in CLAUSE_END.finditer(text)
        if match.start() < limit and (zh or match.group().strip() != "," or CLAUSE_START.match(text, match.end()))
    ]
    for cut in reversed(cuts):
        kept = text[:cut].rstrip(" ,;:，；：")
        long_enough = len(CJK.findall(kept)) >= 8 if zh else len(kept.split()) >= 6
        last_clause = re.split(r"[;；—–]", kept)[-1].split()  # "…for flow; instead" leaves a linking word alone
        if not zh and len(last_clause) < 3:
            continue
        if zh and any(SUBORDINATE_ZH.match(clause.strip()) for clause in re.split(r"[，,；;]", kept)[-1:] + [kept]):
            continue  # "如果你加太多缓存层级，虽然能提升速度" has no main clause left
        if long_enough and not SUBORDINATE.match(kept) and kept[-1:].isalnum():
            return kept + ("。" if zh else ".")
    return ""


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
