"""What a video team publishes next to the post: chapters YouTube accepts, clips that stand alone, and `devrel clip`
cutting them with real ffmpeg (exact durations, 9:16, captions burned or as a track, an audiogram for audio).
Every talk here is written for these tests."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import speak
from pipeline.analysis.moments import MIN_CHAPTER, chapter_spans, clips, srt
from pipeline.artifacts import Entities, Outline, Section, Segment, Source, Transcript
from pipeline.format.text import srt_time

LINES = [  # (speaker, sentence): three topics of a talk on ovens, then the host's question and an answer
    ("ADA", "Stone ovens hold their heat for hours after the fire goes out."),
    ("ADA", "The heat soaks into the stone floor, and the floor bakes the bread from below."),
    ("ADA", "A steel oven loses that heat within minutes of opening the door."),
    ("ADA", "So we keep the door shut."),
    ("ADA", "Steam is the second secret of a good crust on every loaf."),
    ("ADA", "A burst of steam in the first ten minutes keeps the crust soft while the loaf rises."),
    ("ADA", "When the steam stops, the crust sets and turns brown."),
    ("ADA", "Bakers who skip the steam get a pale, thick crust every time."),
    ("ADA", "Timing matters more than temperature in a bakery."),
    ("ADA", "A loaf that proofs for too long collapses in the oven."),
    ("ADA", "A loaf that proofs too briefly tears open along its side."),
    ("ADA", "We proof every batch for exactly ninety minutes at room temperature."),
]


def transcript(lines=LINES, seconds: float = 6.0, timed: bool = True) -> Transcript:
    segments = [
        Segment(
            id=i,
            start=i * seconds if timed else None,
            end=i * seconds + seconds - 0.2 if timed else None,
            text=text,
            speaker=speaker,
        )
        for i, (speaker, text) in enumerate(lines)
    ]
    return Transcript(language="en", origin="subtitles", segments=segments)


def outline(parts=((0, 3), (4, 7), (8, 11))) -> Outline:
    sections = [
        Section(
            question=f"Part {n}?", persona="newcomer", key_points=[LINES[first][1]], quotes=[], first=first, last=last
        )
        for n, (first, last) in enumerate(parts, 1)
    ]
    return Outline(title="Ovens", summary="Ovens.", language="en", tags=[], entities=Entities(), sections=sections)


def test_chapters_start_at_zero_are_three_or_more_and_at_least_ten_seconds_apart():
    spans = chapter_spans(outline(), transcript())
    assert [span.start for span in spans] == [0.0, 24.0, 48.0]
    one_part = chapter_spans(outline(((0, 11),)), transcript())  # one long section is cut where it moves on
    assert len(one_part) >= 3 and one_part[0].start == 0.0
    assert all(b.start - a.start >= MIN_CHAPTER for a, b in zip(one_part, one_part[1:]))
    assert chapter_spans(outline(), transcript(seconds=2.0)) == []  # 24 s: no list YouTube accepts
    assert chapter_spans(outline(), transcript(timed=False)) == []  # plain text has no times


def test_a_clip_is_whole_sentences_of_one_voice_that_open_on_a_line_standing_alone():
    found = clips(outline(), transcript(), "en")
    assert 1 <= len(found) <= 5
    for moment in found:
        assert 20 <= moment.seconds <= 60
        assert len({segment.speaker for segment in moment.segments}) == 1
        assert not moment.segments[0].text.startswith("So ")  # "So we keep the door shut." opens nothing
        ids = [segment.id for segment in moment.segments]
        assert ids == list(range(ids[0], ids[-1] + 1))
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))
    captions = srt(found[0])
    assert captions.startswith("1\n00:00:00,000 --> 00:00:05,800\n")
    assert found[0].segments[0].text in captions
    host = [("HOST", text) if i == 2 else (speaker, text) for i, (speaker, text) in enumerate(LINES)]
    assert all(2 not in [s.id for s in m.segments] for m in clips(outline(), transcript(host), "en"))
    assert clips(outline(), transcript(timed=False), "en") == []


SRT_TALK = [text for _, text in LINES] + [  # two minutes of cues, five seconds each
    "Flour is the cheapest part of a loaf and the one bakers argue about most.",
    "Strong flour has more protein, and protein builds the gluten that holds the gas.",
    "Weak flour makes a cake crumb, which is lovely in a cake and wrong in a baguette.",
    "We mill our own flour twice a week so it never goes stale.",
    "Salt slows the yeast down and tightens the dough.",
    "Without salt the bread tastes flat, however good the flour is.",
    "Two percent of the flour's weight is the rule most bakers follow.",
    "Water temperature is how we steer the dough on cold mornings.",
    "Warm water in winter and cold water in summer keep the dough at the same heat.",
    "A thermometer in the dough tells you more than the clock on the wall.",
    "Every batch gets written down, with its flour, its water and its time.",
    "That notebook is the most valuable thing in the bakery.",
]


def srt_file(folder: Path) -> Path:
    cues = []
    for n, text in enumerate(SRT_TALK, 1):
        start, end = (n - 1) * 5, (n - 1) * 5 + 4.8
        cues.append(f"{n}\n{srt_time(start)} --> {srt_time(end)}\n{text}\n")
    path = folder / "ovens.srt"
    path.write_text("\n".join(cues), encoding="utf-8")
    return path


def test_a_run_writes_chapters_a_description_and_clips_beside_the_drafts(cli, llm_server, tmp_path):
    result = cli("run", srt_file(tmp_path))
    assert result.exit_code == 0, result.output
    folder = tmp_path / "outputs" / "ovens"
    video = (folder / "video.md").read_text()
    chapters = json.loads((folder / "chapters.json").read_text())["chapters"]
    assert chapters[0]["startTime"] == 0 and len(chapters) >= 3
    assert all(b["startTime"] - a["startTime"] >= 10 for a, b in zip(chapters, chapters[1:]))
    assert all(0 < len(c["title"]) <= 50 and not c["title"].endswith("?") for c in chapters)
    assert all(c["title"].lower() != "ovens" for c in chapters)  # never the file's name
    assert "00:00 " + chapters[0]["title"] in video and "## Description" in video
    cut = json.loads((folder / "clips.json").read_text())["clips"]
    assert 3 <= len(cut) <= 5
    for clip in cut:
        assert 20 <= clip["end"] - clip["start"] <= 60 and clip["opening"] in SRT_TALK
        assert f"“{clip['opening']}”" in video and clip["srt"].startswith("1\n00:00:00,000 --> ")
    assert llm_server.chat_requests(
        "NamesDraft"
    )  # the model names the parts (and so the chapters); code chose the moments
    check = cli("check", folder / "video.md")
    assert check.exit_code == 0, check.output


def test_a_transcript_without_times_says_why_it_has_no_chapters(cli, llm_server, tmp_path):
    talk = tmp_path / "ovens.txt"
    talk.write_text(" ".join(text for _, text in LINES), encoding="utf-8")
    assert cli("run", talk).exit_code == 0
    folder = tmp_path / "outputs" / "ovens"
    assert "No times in this source" in (folder / "video.md").read_text()
    assert json.loads((folder / "clips.json").read_text()) == {"clips": []}
    cut = cli("clip", folder)
    assert cut.exit_code == 2 and "holds no clips" in cut.output and "Traceback" not in cut.output


def probe(path: Path) -> dict:
    shown = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "format=duration:stream=codec_type,width,height",
            "-of",
            "json",
            path,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(shown.stdout)


def frame(path: Path, at: float = 1.0) -> bytes:
    return subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-ss",
            str(at),
            "-i",
            path,
            "-frames:v",
            "1",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "gray",
            "-",
        ],
        capture_output=True,
        check=True,
    ).stdout


def recorded(tmp_path: Path, video: bool) -> Path:
    """Twelve seconds of espeak-ng speech, with ffmpeg's test picture when `video`."""
    wav = speak("Stone ovens hold their heat. " * 6, tmp_path / "speech.wav", speed=120)
    if not video:
        return wav
    path = tmp_path / "talk.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25", "-i", wav]
        + ["-shortest", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", path],
        check=True,
    )
    return path


def run_folder(tmp_path: Path, media: Path | None, kind: str = "media") -> Path:
    folder = tmp_path / "outputs" / "talk"
    folder.mkdir(parents=True)
    source = Source(kind=kind, slug="talk", title="Ovens", path=str(media) if media else None, sha256="0", size=1)
    (folder / "source.json").write_text(source.to_json())
    spans = [(1.0, 4.5, "Stone ovens hold their heat."), (5.0, 9.25, "The floor bakes the bread.")]
    cut = [
        {"n": n, "start": a, "end": b, "speaker": "Ada", "opening": t, "title": "Ovens", "score": 1.0 / n,
         "srt": f"1\n00:00:00,000 --> 00:00:0{int(b - a)},000\n{t}\n"}
        for n, (a, b, t) in enumerate(spans, 1)
    ]  # fmt: skip
    (folder / "clips.json").write_text(json.dumps({"clips": cut}))
    return folder


def test_clips_are_cut_exactly_in_9_16_with_their_captions_burned_in(cli, tmp_path):
    folder = run_folder(tmp_path, recorded(tmp_path, video=True))
    result = cli("clip", folder.relative_to(tmp_path), "--all", "--vertical")  # as typed: a path from here
    assert result.exit_code == 0, result.output
    for n, (start, end) in enumerate([(1.0, 4.5), (5.0, 9.25)], 1):
        made = folder / "clips" / f"clip-{n}.mp4"
        shown = probe(made)
        assert abs(float(shown["format"]["duration"]) - (end - start)) <= 0.1
        picture = next(s for s in shown["streams"] if s["codec_type"] == "video")
        assert (picture["width"], picture["height"]) == (1080, 1920)
        assert (folder / "clips" / f"clip-{n}.srt").read_text().startswith("1\n00:00:00,000")
    captioned = frame(folder / "clips" / "clip-1.mp4")
    assert cli("clip", folder, "--n", "1", "--vertical", "--captions", "none").exit_code == 0
    assert frame(folder / "clips" / "clip-1.mp4") != captioned  # the words were on the picture
    assert not list((folder / "clips").glob(".*part*"))  # nothing half-written left behind


def test_captions_as_a_track_and_an_audio_recording_as_an_audiogram(cli, tmp_path):
    folder = run_folder(tmp_path, recorded(tmp_path, video=False))
    assert cli("clip", folder, "--n", "1", "--captions", "srt").exit_code == 0
    shown = probe(folder / "clips" / "clip-1.mp4")
    kinds = [stream["codec_type"] for stream in shown["streams"]]
    assert kinds.count("video") == 1 and "audio" in kinds and "subtitle" in kinds  # the waveform, its sound, its words
    assert abs(float(shown["format"]["duration"]) - 3.5) <= 0.1


def test_a_transcript_source_has_no_media_to_cut_and_says_how_to_give_it(cli, tmp_path):
    folder = run_folder(tmp_path, None, kind="text")
    result = cli("clip", folder)
    assert result.exit_code == 2 and "no media to cut" in result.output and "--media" in result.output
    assert len(result.output.strip().splitlines()) == 1
    missing = cli("clip", tmp_path / "nowhere")
    assert missing.exit_code == 2 and "no clips.json" in missing.output
