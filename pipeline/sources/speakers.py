"""Who spoke: the labels a transcript carries and the names and roles people give them.

A label is a name the transcript wrote ("KAMAL:", `<v Ada>`, a JSON `speaker`) or SPEAKER_1, SPEAKER_2… by order of
first speech (`>>` turns, diarization). People name them with `--speakers "Ada Lovelace, Grace Hopper"` (in order of
first speech), `speakers:` in sources.yaml (a list, or a mapping from label to a name or to `{name, role}`), or a
rename on the review page. Names live in source.json, never in transcript.json, so a rename re-renders the drafts
without a new transcription. A self-introduction ("I'm Ada", "我是…") only suggests a name until a person confirms it.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.artifacts import Segment, Source, Transcript
from pipeline.errors import UserError
from pipeline.rules import STOP
from pipeline.sources.marks import UNNAMED, main_speaker
from pipeline.sources.turns import ROLE_LABEL

ROLES = ("host", "guest", "speaker")
INTRODUCTION = {
    "en": re.compile(r"\b(?:I'm|I am|my name is|this is)\s+((?:[A-Z][a-z]+)(?:\s+[A-Z][a-z]+)?)\b"),
    "zh": re.compile(r"(?:我是|我叫|我的名字是)([\u4e00-\u9fff]{2,3}|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)"),
}
NOT_NAMES = frozenset("going here sure not just really so very glad happy excited back trying".split())


def is_named(label: str | None) -> bool:
    """A label that is a person's name, not SPEAKER_2 or AUDIENCE MEMBER."""
    return bool(label) and not UNNAMED.match(label or "") and not ROLE_LABEL.match(label or "")


def parsed_speakers(value: Any) -> dict[str, Any]:
    """`speakers` as people write it, as Source fields: a list of names (in order of first speech), or a mapping
    from a transcript's label to a name or to {name, role}. A wrong shape is a user error naming what to write."""
    if value is None:
        return {}
    if isinstance(value, str):
        value = [name.strip() for name in value.split(",") if name.strip()]
    if isinstance(value, list) and all(isinstance(name, str) for name in value):
        return {"speakers": [" ".join(name.split()) for name in value if name.strip()]}
    if not isinstance(value, dict):
        raise UserError('speakers: give a list of names, or a mapping like {SPEAKER_1: "Ada Lovelace"}')
    names, roles = {}, {}
    for label, given in value.items():
        if isinstance(given, dict):
            name, role = given.get("name"), given.get("role")
            if role is not None and role not in ROLES:
                raise UserError(f"speakers: {label}: role must be one of {', '.join(ROLES)}, not {role!r}")
            if role:
                roles[str(label)] = role
        else:
            name = given
        if name:
            names[str(label)] = " ".join(str(name).split())
    return {"speakers": list(names.values()), "speaker_names": names, "speaker_roles": roles}


def labels_in_order(segments: list[Segment]) -> list[str]:
    """Every label with words, by order of first speech."""
    return list(dict.fromkeys(segment.speaker for segment in segments if segment.speaker))


def names(source: Source, transcript: Transcript | None) -> dict[str, str]:
    """label → the name a draft prints. A person's mapping first; else with several names, labels by order of first
    speech; with one name, the talk's main speaker; else the transcript's own names. Unnamed labels stay unnamed."""
    segments = transcript.segments if transcript else []
    mapping = dict(source.speaker_names)
    if not mapping and segments:
        talking = [label for label in labels_in_order(segments) if not ROLE_LABEL.match(label)]
        if len(source.speakers) > 1:
            mapping = dict(zip(talking, source.speakers))
        elif len(source.speakers) == 1 and (main := main_speaker(segments)):
            mapping = {main: source.speakers[0]}
    for label in labels_in_order(segments):
        if label not in mapping and is_named(label):
            mapping[label] = label
    return mapping


def name_of(label: str | None, source: Source, transcript: Transcript | None) -> str:
    """The printed name for a label, or "" when nobody named that voice."""
    return names(source, transcript).get(label or "", "") if label else ""


def suggested_names(transcript: Transcript) -> dict[str, str]:
    """Unnamed voices that introduce themselves ("Hi, I'm Ada"): a suggestion shown in transcript.md, never printed
    in a draft until a person confirms it with --speakers or sources.yaml."""
    pattern = INTRODUCTION["zh" if transcript.language.startswith("zh") else "en"]
    found: dict[str, str] = {}
    for segment in transcript.segments[:400]:
        if not segment.speaker or is_named(segment.speaker) or segment.speaker in found:
            continue
        if (match := pattern.search(segment.text)) and match.group(1).split()[0].lower() not in NOT_NAMES:
            found[segment.speaker] = match.group(1)
    return found


OPENING_SENTENCES = 40  # a speaker says who they are near the start, or not at all
SELF_INTRODUCTION = {
    "en": re.compile(r"\b(?:I'm|I am|my name is)\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\b(?![-'])"),
    "zh": re.compile(
        r"(?:我叫|我的名字是|我是(?:今天的?(?:讲师|主讲人|分享嘉宾|嘉宾))?)((?![一这那个在们今])[\u4e00-\u9fff]{2,3})"
        r"(?=[，,。！!、（(\s]|$)"
    ),
}


_NAME = r"((?-i:[A-Z][a-z]+)(?:\s+(?-i:[A-Z][a-z]+))?)"
HOST_INTRODUCTION = {  # a host handing over: "…without further ado, Ada Quill.", "Please welcome Ada", "有请…"
    "en": re.compile(
        rf"\b(?:without further ado,?|please welcome|let's welcome|give it up for|here's|here is|next up is|"
        rf"welcome to the stage,?|(?:now|next|first up|up next)[.,…\s]*we have)\s+{_NAME}(?=[\s.,!]|$)|"
        # "We have Ada Quill, presenting…": a name, then a pause or what she does ("We have Stone Ovens Platters" is
        # no one)
        rf"^we have\s+{_NAME}(?=[.,!]|\s*$|\s+(?:presenting|talking|speaking|who|with|on)\b)",
        re.IGNORECASE,
    ),
    "zh": re.compile(r"(?:有请|欢迎|下面请)([\u4e00-\u9fff]{2,3})(?=[，,。！!、（(\s]|老师|为我们|来|$)"),
}


def introduced(source: Source, transcript: Transcript) -> Source:
    """The source with its speaker named as they introduce themselves in the opening ("Hi, I'm Ada", "我叫…"), or as
    the host hands over ("…without further ado, Ada Quill."), when nobody named anyone: a talk whose speaker is named
    is never credited to "they". A name given with --speakers or sources.yaml always wins."""
    if source.speakers or source.speaker_names:
        return source
    zh = transcript.language.startswith("zh")
    pattern = SELF_INTRODUCTION["zh" if zh else "en"]
    main = main_speaker(transcript.segments)
    opening = [segment for segment in transcript.speech() if segment.speaker == main][:OPENING_SENTENCES]
    hosting = [s for s in transcript.segments[:OPENING_SENTENCES] if s.mark == "host"]
    found = [
        next((name for segment in segments if (name := _named(pattern, segment.text))), "")
        for pattern, segments in ((pattern, opening), (HOST_INTRODUCTION["zh" if zh else "en"], hosting))
    ]
    own, handed = found
    if own and handed and handed.split()[0] == own.split()[0] and len(handed) > len(own):
        own = handed  # "I'm Ada" after "please welcome Ada Quill": the host gave the whole name
    name = own or handed
    if name and len(name.split()) == 1 and not zh:  # the host's whole introduction, however long, then the speaker's
        first = next((i for i, segment in enumerate(transcript.segments) if segment.speaker == main), 0)
        before = [segment.text for segment in transcript.segments[: max(first, OPENING_SENTENCES)] if segment.mark]
        name = _full_name(name, [*before, *(segment.text for segment in opening)]) or name
    return source.model_copy(update={"speakers": [name]}) if name else source


def _full_name(first: str, texts: list[str]) -> str:
    """ "Ada" in full, as the host or the speaker says it in the opening ("First up we have Ada Quill"): the name a
    post credits, not only the one the speaker used with the room."""
    pattern = re.compile(rf"\b{re.escape(first)}\s+((?-i:[A-Z][a-z]+(?:-[A-Z][a-z]+)?))\b(?!['’])")
    for text in texts:
        for match in pattern.finditer(text):
            if match.group(1).lower() not in NOT_NAMES and match.group(1).lower() not in STOP:
                return f"{first} {match.group(1)}"
    return ""


def _named(pattern: re.Pattern, text: str) -> str:
    match = pattern.search(text)
    name = next((group for group in match.groups() if group), "") if match else ""  # the alternative that matched
    return name if name and name.split()[0].lower() not in NOT_NAMES else ""
