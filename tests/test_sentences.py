"""Transcripts as sentences: hard-wrapped lines joined, turns kept, stage directions, furniture and the host marked."""

from __future__ import annotations

import json

import pytest

from pipeline.artifacts import Source
from pipeline.config import load_settings
from pipeline.stages.transcribe import transcript, transcript_markdown

# A stenographer's transcript, written for this test: wrapped at ~40 characters, `>>` turns, a host around the talk.
STENO = """ >> Our next speaker needs no
introduction. Please welcome her!
(applause)
 >> Thank you. So today I want to talk
about build caches, and why every
pipeline step should hash its inputs.
When a step's inputs have not changed,
the step does not need to run again.
(laughter) We measured this on our own
pipeline: reruns went from 40 minutes
to 90 seconds. That's the whole trick.
 >> Can you speak up?
 >> Sure. The second lesson is that
human edits are sacred. We never
overwrite a file a person has changed.
 >> Thank you! Let's take a break.
"""

NAMED = """MAGGIE:  Two minutes! Stretch your legs!
ADA:  Hello, everyone. I built a compiler
for a tiny language, and I learned that
error messages matter more than speed.
AUDIENCE MEMBER:  What about types?
ADA:  Types came later, after the error
messages were good.
MAGGIE:  Thanks, Ada!
"""

CHINESE_PAGE = """首页 | 登录 | 注册
阅读 1.2万
我有时觉得做社区最难的是持续提供价值。很多人技术很强，但不知道怎么吸引用户。

举个例子，我们每周写一篇文章，坚持了两年，订阅者从一百人涨到一万人。
成功推荐给其他人 + 10羽毛
我知道了 恭喜你~答对了
"""


def _read(tmp_path, name: str, text: str, lang: str = "auto"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    kind = {"txt": "text", "vtt": "subtitles", "srt": "subtitles", "json": "transcript"}[name.rsplit(".", 1)[1]]
    source = Source(kind=kind, slug="t", title="T", path=str(path), sha256="0", size=1)
    return source, transcript(source, load_settings({"lang": lang}))


def test_hard_wrapped_text_becomes_sentences_with_turns_and_marks(tmp_path):
    _, made = _read(tmp_path, "steno.txt", STENO)
    texts = [s.text for s in made.segments]
    assert "So today I want to talk about build caches, and why every pipeline step should hash its inputs." in texts
    assert "We measured this on our own pipeline: reruns went from 40 minutes to 90 seconds." in texts
    assert all("\n" not in text for text in texts)
    marks = {s.text: s.mark for s in made.segments}
    assert marks["(applause)"] == "stage" and marks["(laughter)"] == "stage"
    assert marks["Our next speaker needs no introduction."] == "host"  # before the speaker's first turn
    assert marks["Can you speak up?"] == "audience"  # between the speaker's turns
    assert marks["Thank you!"] == "host"  # after the speaker's last turn
    speech = made.speech()
    assert speech[0].text == "Thank you." and speech[-1].text == "We never overwrite a file a person has changed."
    assert len({s.speaker for s in speech}) == 1 and speech[0].speaker.startswith("SPEAKER_")


def test_a_transcribers_note_inside_a_sentence_does_not_split_it(tmp_path):
    text = """What got me excited again was Jane Roe (phonetic) who was a
designer combining code with a deep aesthetic sense. (laughter)
Then I learned to program.
"""
    _, made = _read(tmp_path, "note.txt", text)
    texts = [s.text for s in made.segments]
    assert texts[0].startswith("What got me excited") and texts[0].endswith("a deep aesthetic sense.")
    assert "(laughter)" in texts and "Then I learned to program." in texts  # between sentences it still stands apart


def test_a_transcribers_correction_replaces_the_word_it_corrects(tmp_path):
    text = "We fire the second [EDIT: THIRD] oven at dawn.\nThe crust [EDIT: the speaker pointed at a loaf] sets.\n"
    _, made = _read(tmp_path, "fixed.txt", text)
    texts = [s.text for s in made.segments]
    assert texts == ["We fire the third oven at dawn.", "The crust sets."]


_LONG_A = " ".join(["Caches should hash every input of a step, and a step with the same inputs never runs twice."] * 4)
_LONG_B = " ".join(["Radio gets faster because each channel is wider, so more bits fit in every second of air."] * 4)
# A caption file that runs on into the next talk (conference captions do), and a stenographer who never gave the
# floor back after a remark from the room.
TWO_TALKS = f"""HOST:  Here's Ada.
ADA:  {_LONG_A}
ADA:  {_LONG_A}
HOST:  Thanks! Next up is Grace.
GRACE:  {_LONG_B}
GRACE:  {_LONG_B}
"""
NEVER_GIVEN_BACK = f"""ADA:  Check, check. Hi, I'm Ada.
AUDIENCE MEMBER:  Hi.
(applause)
{_LONG_A}
{_LONG_A}
"""


def test_a_file_holding_two_talks_keeps_the_one_its_name_says(tmp_path):
    _, made = _read(tmp_path, "grace-talk.txt", TWO_TALKS)
    kept = {s.speaker for s in made.speech()}
    assert kept == {"Grace"}
    assert {s.mark for s in made.segments if s.speaker == "Ada"} == {"other-talk"}
    _, unnamed = _read(tmp_path, "talks.txt", TWO_TALKS)  # no name to go by: the longer talk, never both
    assert len({s.speaker for s in unnamed.speech()}) == 1


def test_a_long_turn_under_a_role_label_is_the_speaker_going_on(tmp_path):
    _, made = _read(tmp_path, "ada.txt", NEVER_GIVEN_BACK)
    by_text = {s.text: s for s in made.segments}
    assert by_text["Hi."].speaker == "Audience Member"
    speech = made.speech()
    assert speech and {s.speaker for s in speech} == {"Ada"}
    assert sum(1 for s in speech if s.text.startswith("Caches should hash")) == 8


def test_named_turns_keep_their_speaker(tmp_path):
    source, made = _read(tmp_path, "named.txt", NAMED)
    by_text = {s.text: s for s in made.segments}
    lesson = by_text[
        "I built a compiler for a tiny language, and I learned that error messages matter more than speed."
    ]
    assert lesson.speaker == "Ada" and lesson.mark is None
    assert by_text["What about types?"].mark == "audience" and by_text["What about types?"].speaker == "Audience Member"
    assert by_text["Two minutes!"].mark == "host"
    assert by_text["Thanks, Ada!"].mark == "host"
    page = transcript_markdown(source, made)
    assert "**Ada:**" in page and "(host, not quoted)" in page


def test_chinese_page_text_marks_furniture_and_keeps_sentences(tmp_path):
    _, made = _read(tmp_path, "zh-club.txt", CHINESE_PAGE)
    assert made.language == "zh"
    speech = [s.text for s in made.speech()]
    assert "我有时觉得做社区最难的是持续提供价值。" in speech
    assert "举个例子，我们每周写一篇文章，坚持了两年，订阅者从一百人涨到一万人。" in speech
    assert not any("羽毛" in text or "答对了" in text or "登录" in text for text in speech)
    assert {s.mark for s in made.segments if "羽毛" in s.text or "登录" in s.text} == {"furniture"}


def test_captions_are_joined_into_sentences_with_interpolated_times(tmp_path):
    vtt = """WEBVTT

00:00:01.000 --> 00:00:03.000
<v Ada Lovelace>Every step gets a cache key built

00:00:03.000 --> 00:00:05.000
<v Ada Lovelace>from its inputs. Edits are never

00:00:05.000 --> 00:00:07.000
<v Ada Lovelace>overwritten by a rerun.

00:00:07.000 --> 00:00:09.000
<v Grace Hopper>Why hash the prompt too?
"""
    _, made = _read(tmp_path, "talk.vtt", vtt, lang="en")
    first, second, third = made.segments[:3]
    assert first.text == "Every step gets a cache key built from its inputs." and first.speaker == "Ada Lovelace"
    assert first.start == 1.0 and 3.0 < first.end < 5.0
    assert second.text == "Edits are never overwritten by a rerun." and 3.0 < second.start < 5.0 and second.end == 7.0
    assert third.speaker == "Grace Hopper" and third.start == 7.0


def test_json_export_with_speakers(tmp_path):
    data = {
        "segments": [
            {"start": 0.0, "end": 2.0, "text": "Welcome to the show.", "speaker": "SPEAKER_00"},
            {"start": 2.0, "end": 6.0, "text": "Thanks. I think caching is the", "speaker": "SPEAKER_01"},
            {"start": 6.0, "end": 9.0, "text": "most underrated idea in data tooling.", "speaker": "SPEAKER_01"},
        ]
    }
    _, made = _read(tmp_path, "export.json", json.dumps(data), lang="en")
    texts = [(s.speaker, s.text) for s in made.segments]
    # the tool's labels become ours, by order of first speech (as `>>` turns and diarization label them)
    assert ("SPEAKER_2", "I think caching is the most underrated idea in data tooling.") in texts
    assert made.segments[0].speaker == "SPEAKER_1"


ASSEMBLYAI = {
    "utterances": [  # milliseconds, letters for voices
        {"speaker": "A", "start": 40000, "end": 43000, "text": "So why did you start hashing every input?"},
        {
            "speaker": "B",
            "start": 43000,
            "end": 50000,
            "text": "Because a full rerun took forty minutes on every commit.",
        },
    ]
}
DEEPGRAM = {
    "results": {
        "channels": [
            {
                "alternatives": [
                    {
                        "paragraphs": {
                            "paragraphs": [  # seconds, numbers for voices
                                {
                                    "speaker": 0,
                                    "sentences": [
                                        {"text": "So why did you start hashing every input?", "start": 1.0, "end": 3.0}
                                    ],
                                },
                                {
                                    "speaker": 1,
                                    "sentences": [
                                        {
                                            "text": "Because a full rerun took forty minutes on every commit.",
                                            "start": 3.0,
                                            "end": 8.0,
                                        }
                                    ],
                                },
                            ]
                        }
                    }
                ]
            }
        ]
    }
}


@pytest.mark.parametrize("shape", [ASSEMBLYAI, DEEPGRAM], ids=["assemblyai", "deepgram"])
def test_json_exports_of_transcription_services_keep_who_spoke(tmp_path, shape):
    _, made = _read(tmp_path, "export.json", json.dumps(shape), lang="en")
    said = [(s.speaker, s.text) for s in made.segments]
    assert said == [
        ("SPEAKER_1", "So why did you start hashing every input?"),
        ("SPEAKER_2", "Because a full rerun took forty minutes on every commit."),
    ]
    assert made.segments[1].start in (3.0, 43.0)


def test_dash_turns_in_captions_are_two_voices(tmp_path):
    srt = (
        "1\n00:00:01,000 --> 00:00:04,000\n- Did you hash the prompt too?\n- Yes, and the model file.\n\n"
        "2\n00:00:04,000 --> 00:00:08,000\n- Why the model file?\n\n"
        "3\n00:00:08,000 --> 00:00:12,000\n- Because a new model must rerun every step.\n"
    )
    _, made = _read(tmp_path, "dialogue.srt", srt, lang="en")
    said = [(s.speaker, s.text) for s in made.segments]
    assert said == [
        ("SPEAKER_1", "Did you hash the prompt too?"),
        ("SPEAKER_2", "Yes, and the model file."),
        ("SPEAKER_1", "Why the model file?"),
        ("SPEAKER_2", "Because a new model must rerun every step."),
    ]


def test_unpunctuated_captions_are_cut_at_pauses_not_left_as_one_block(tmp_path):
    words = " ".join(f"word{i}" for i in range(300))
    _, made = _read(tmp_path, "flat.txt", words, lang="en")
    assert len(made.segments) >= 5
    assert all(len(s.text.split()) <= 80 for s in made.segments)


def test_dash_turns_in_a_text_transcript(tmp_path):
    text = (
        "- Did you hash the prompt too?\n- Yes, and the model file as well.\n- Why the model file?\n"
        "- Because a new model must rerun every step that used it.\n"
    )
    _, made = _read(tmp_path, "dialogue.txt", text, lang="en")
    assert [s.speaker for s in made.segments] == ["SPEAKER_1", "SPEAKER_2", "SPEAKER_1", "SPEAKER_2"]
    _, listed = _read(tmp_path, "list.txt", "We learned two things.\n- hashing inputs\n- keeping edits\n", lang="en")
    assert all(s.speaker is None for s in listed.segments)  # two dashes are a list, not a dialogue
