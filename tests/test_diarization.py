"""Offline diarization on real speech: two espeak-ng voices taking turns (bench/synthetic.py makes the recording
and knows its true turns), the shipped CAM++ ONNX model, and the transcribe stage that labels segments with it."""

from __future__ import annotations

import json
import shutil

import pytest

from bench.synthetic import INTERVIEW, two_voices
from conftest import speak
from pipeline.errors import SetupError

SHORT = [
    "Welcome back. What goes into a cache key?",
    "Every step hashes its inputs and its prompt.",
    "And a person's edit?",
    "It is never overwritten. The new version goes beside it.",
]


@pytest.fixture(scope="module")
def interview(tmp_path_factory):
    path = tmp_path_factory.mktemp("voices") / "interview.wav"
    return path, two_voices(path)


@pytest.fixture(scope="module")
def short_interview(tmp_path_factory):
    path = tmp_path_factory.mktemp("voices") / "short-interview.wav"
    return path, two_voices(path, SHORT)


def changes(turns) -> list[tuple[float, float, str]]:
    """(end of the last turn, start of the next, next speaker) wherever the speaker changes."""
    return [(a[1], b[0], b[2]) for a, b in zip(turns, turns[1:]) if a[2] != b[2]]


def test_two_voices_are_two_speakers_with_turns_where_they_change(interview, monkeypatch):
    from faster_whisper.audio import decode_audio

    from pipeline.sources import diarization
    from pipeline.sources.diarization import speaker_turns

    path, truth = interview
    audio = decode_audio(str(path), sampling_rate=16000)
    found = speaker_turns(audio)
    monkeypatch.setattr(diarization, "SCREEN_WINDOWS", 20)  # a sample this small still hears the second voice
    assert speaker_turns(audio, screen=True) == found
    assert {turn.speaker for turn in found} == {"SPEAKER_1", "SPEAKER_2"}
    assert found[0].speaker == "SPEAKER_1"  # labelled in order of first speech
    assert len(changes(found)) == len(truth) - 1 == len(INTERVIEW) - 1
    for (end, start, speaker), (true_end, true_start, true_speaker) in zip(changes(found), changes(truth)):
        assert speaker == true_speaker
        assert abs(end - true_end) <= 0.5 and abs(start - true_start) <= 0.5, (end, start, true_end, true_start)


def test_one_voice_is_one_speaker_and_gets_no_labels_unless_asked(tmp_path):
    from faster_whisper.audio import decode_audio

    from pipeline.config import load_settings
    from pipeline.sources.diarization import speaker_turns
    from pipeline.stages.ingest import source
    from pipeline.stages.transcribe import transcript

    wav = speak(
        "Every step hashes its inputs and its prompt. A person's edit is never overwritten.", tmp_path / "one.wav"
    )
    assert {turn.speaker for turn in speaker_turns(decode_audio(str(wav), sampling_rate=16000))} == {"SPEAKER_1"}
    made = transcript(source(wav), load_settings({"lang": "en"}))  # diarize = auto: one voice, no labels
    assert made.segments and all(segment.speaker is None for segment in made.segments)
    labelled = transcript(
        source(wav), load_settings({"lang": "en", "diarize": "on"})
    )  # asked for: one label throughout
    assert {segment.speaker for segment in labelled.segments} == {"SPEAKER_1"}


def test_run_labels_segments_with_the_speaker_who_said_them(cli, tmp_path, short_interview):
    path, truth = short_interview
    result = cli("run", path, "--to", "transcript", "--lang", "en")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "outputs" / "short-interview"
    segments = json.loads((folder / "transcript.json").read_text())["segments"]
    order = [s["speaker"] for i, s in enumerate(segments) if i == 0 or s["speaker"] != segments[i - 1]["speaker"]]
    assert order == [speaker for *_, speaker in truth] == ["SPEAKER_1", "SPEAKER_2"] * 2
    for segment in segments:  # each sentence carries the voice that was speaking in its middle
        middle = (segment["start"] + segment["end"]) / 2
        assert segment["speaker"] == min(truth, key=lambda turn: max(turn[0] - middle, middle - turn[1], 0))[2]
    assert "**SPEAKER_2:**" in (folder / "transcript.md").read_text()


def test_no_diarize_gives_no_speakers(cli, tmp_path, short_interview):
    path, _truth = short_interview
    result = cli("run", path, "--to", "transcript", "--lang", "en", "--no-diarize")
    assert result.exit_code == 0, result.output
    segments = json.loads((tmp_path / "outputs" / "short-interview" / "transcript.json").read_text())["segments"]
    assert segments and all(segment["speaker"] is None for segment in segments)


def test_speakers_flag_takes_a_count_or_names():
    from pipeline.cli import _speaker_flags
    from pipeline.config import load_settings

    assert load_settings(_speaker_flags("3"), environ={}).speaker_count == 3
    named = load_settings(_speaker_flags("Ada Lovelace, Grace Hopper"), environ={})
    assert named.speaker_names == ["Ada Lovelace", "Grace Hopper"] and named.speaker_count == 2


def test_der_scores_misses_false_alarms_and_confusion_under_the_best_mapping():
    from bench.diarization import der

    truth = [(0.0, 10.0, "A"), (10.0, 20.0, "B")]
    assert der(truth, [(0.0, 10.0, "x"), (10.0, 20.0, "y")]) == 0.0  # names do not matter, only who is who
    # 0.25 s either side of 0, 10 and 20 s is not scored: 9.5 s of each speaker count
    assert der(truth, [(0.0, 20.0, "x")]) == pytest.approx(9.5 / 19)  # B confused with A
    assert der(truth, [(0.0, 10.0, "x")]) == pytest.approx(9.5 / 19)  # B missed
    assert der(truth, [(0.0, 10.0, "x"), (10.0, 20.0, "y"), (20.0, 29.5, "y")]) == pytest.approx(
        9.25 / 19
    )  # false alarm past the collar
    overlapped = truth + [(4.0, 6.0, "B")]
    assert der(overlapped, [(0.0, 10.0, "x"), (10.0, 20.0, "y")], skip_overlap=True) == 0.0
    assert der(overlapped, [(0.0, 10.0, "x"), (10.0, 20.0, "y")]) > 0.0


def test_a_tampered_speaker_model_is_refused(tmp_path):
    from pipeline.sources.diarization import MODEL, MODEL_SHA256, embedding_model

    copy = tmp_path / "campplus.onnx"
    shutil.copyfile(MODEL, copy)
    data = bytearray(copy.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 8] = bytes(8)
    copy.write_bytes(bytes(data))
    with pytest.raises(SetupError) as refused:
        embedding_model(copy, MODEL_SHA256)
    message = str(refused.value)
    assert "\n" not in message and "refusing to load it" in message and MODEL_SHA256 in message


def test_doctor_says_the_speaker_model_is_ready(cli, llm_server):
    result = cli("doctor")
    assert result.exit_code == 0, result.output
    assert "speakers" in result.output and "campplus-cn-en.onnx" in result.output
