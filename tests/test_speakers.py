"""Who spoke: names and roles people give a transcript's voices, self-introductions as suggestions, and quotes
credited to the wrong voice failing `devrel check`."""

from __future__ import annotations

import json

import pytest
import yaml

from pipeline.artifacts import Segment, Source, Transcript
from pipeline.errors import UserError
from pipeline.sources.speakers import names, parsed_speakers, suggested_names

# An interview as a podcast tool writes it: NAME: turns, the host asking, the guest answering.
INTERVIEW = """MAYA:  Welcome back to the show. Today I'm talking with Ada about build caches.
MAYA:  Ada, why did your team start hashing every input of a pipeline step?
ADA:  We were rerunning everything on every commit, and a full run took forty minutes.
ADA:  Once every step had a cache key built from its inputs, a rerun with nothing changed took ninety seconds.
MAYA:  What happens when somebody edits a draft by hand?
ADA:  A human edit is never overwritten; the new version is written beside it, and the reviewer picks.
ADA:  We learned that the hard way, after a release note a writer had polished was replaced overnight.
MAYA:  Thanks, Ada. That's all for today.
"""


def _source(**fields) -> Source:
    return Source(kind="text", slug="talk", title="talk", sha256="0" * 64, size=1, **fields)


def _transcript(*turns: tuple[str, str]) -> Transcript:
    segments = [Segment(id=i, text=text, speaker=label) for i, (label, text) in enumerate(turns, 1)]
    return Transcript(language="en", origin="text", segments=segments)


def test_speakers_are_given_as_a_list_or_a_mapping_with_roles():
    assert parsed_speakers("Ada Lovelace, Grace Hopper") == {"speakers": ["Ada Lovelace", "Grace Hopper"]}
    mapped = parsed_speakers({"SPEAKER_1": {"name": "Maya", "role": "host"}, "SPEAKER_2": "Ada Lovelace"})
    assert mapped["speaker_names"] == {"SPEAKER_1": "Maya", "SPEAKER_2": "Ada Lovelace"}
    assert mapped["speaker_roles"] == {"SPEAKER_1": "host"}
    with pytest.raises(UserError, match="role must be one of host, guest, speaker"):
        parsed_speakers({"SPEAKER_1": {"name": "Maya", "role": "moderator"}})
    with pytest.raises(UserError, match="give a list of names"):
        parsed_speakers(42)


def test_names_follow_the_order_of_first_speech_and_one_name_is_the_main_speaker():
    made = _transcript(
        ("SPEAKER_1", "Our next speaker needs no introduction."),
        ("SPEAKER_2", "Thanks. Today: build caches, and why every step should hash its inputs."),
        ("SPEAKER_2", "A rerun with nothing changed does no work at all, and that is the point."),
    )
    assert names(_source(speakers=["Maya", "Ada"]), made) == {"SPEAKER_1": "Maya", "SPEAKER_2": "Ada"}
    assert names(_source(speakers=["Ada"]), made) == {"SPEAKER_2": "Ada"}  # the host is never named Ada
    assert names(_source(), made) == {}  # nobody named: nobody credited
    named = _transcript(("Kamal", "Hello, is this mic working?"), ("Audience Member", "Yes!"))
    assert names(_source(), named) == {"Kamal": "Kamal"}


def test_a_self_introduction_is_only_a_suggestion():
    made = _transcript(
        ("SPEAKER_1", "Hi everyone, I'm Ada Lovelace and I work on compilers."),
        ("SPEAKER_2", "我是晓辉，今天聊聊社区。"),
    )
    assert suggested_names(made) == {"SPEAKER_1": "Ada Lovelace"}
    assert names(_source(), made) == {}


def test_a_quote_credited_to_the_wrong_voice_fails_the_check(cli, llm_server, tmp_path):
    talk = tmp_path / "interview.txt"
    talk.write_text(INTERVIEW)
    assert cli("run", talk).exit_code == 0
    folder = tmp_path / "outputs" / "interview"
    segments = json.loads((folder / "transcript.json").read_text())["segments"]
    assert {s["speaker"] for s in segments} == {"Maya", "Ada"}
    outline = json.loads((folder / "outline.json").read_text())
    quoted = {q["speaker"] for section in outline["sections"] for q in section["quotes"]}
    assert quoted <= {"Ada", "Maya"} and quoted
    blog = folder / "blog.md"
    text = blog.read_text()
    right = (
        "As Ada puts it: “A human edit is never overwritten; the new version is written beside it, "
        "and the reviewer picks.”"
    )
    blog.write_text(text + "\n" + right + "\n")
    result = cli("check", blog)
    assert "attribution" not in result.output, result.output
    wrong = "As Ada puts it: “Ada, why did your team start hashing every input of a pipeline step?”"
    blog.write_text(text + "\n" + wrong + "\n")
    result = cli("check", blog)
    assert result.exit_code == 1
    assert "is credited to Ada, but Maya said it" in " ".join(result.output.split())


def test_transcript_md_shows_a_suggested_name(cli, tmp_path):
    talk = tmp_path / "steno.txt"
    talk.write_text(
        " >> Please welcome our next speaker!\n >> Hi, I'm Ada Lovelace. "
        + "Every step of our pipeline hashes its inputs into one cache key. " * 6
    )
    assert cli("run", talk, "--to", "transcript").exit_code == 0
    page = (tmp_path / "outputs" / "steno" / "transcript.md").read_text()
    assert "**SPEAKER_2:** *(introduces themselves as Ada Lovelace: confirm with --speakers or sources.yaml)*" in page


PODCAST = """MAYA:  Welcome back to the show. Today I'm talking with Ada about build caches and the people who use them.
MAYA:  Ada, why did your team start hashing every input of a pipeline step?
ADA:  We were rerunning everything on every commit, and a full run of the pipeline took forty minutes each time.
ADA:  Once every step had a cache key built from its inputs, a rerun with nothing changed took ninety seconds.
MAYA:  So what happens when somebody edits a draft by hand?
ADA:  A human edit is never overwritten; the new version is written beside it, and the reviewer picks one.
ADA:  We learned that the hard way, after a release note a writer had polished was replaced overnight by a rerun.
MAYA:  How do you test a pipeline like that without mocking everything?
ADA:  We run the real parts at the boundary: a real speech model on real audio, a real vector store on disk.
ADA:  The only thing we script is the remote model provider, with a small local server that injects faults.
MAYA:  Thanks, Ada. That's all for today.
"""


def test_an_interview_becomes_the_hosts_questions_and_the_guests_answers(cli, llm_server, tmp_path):
    talk = tmp_path / "podcast.txt"
    talk.write_text(PODCAST)
    assert cli("run", talk, "--speakers", "Maya Chen, Ada Lovelace").exit_code == 0
    folder = tmp_path / "outputs" / "podcast"
    segments = json.loads((folder / "transcript.json").read_text())["segments"]
    assert {s["mark"] for s in segments if s["speaker"] == "Maya"} == {"host"}  # never quoted, never material
    outline = json.loads((folder / "outline.json").read_text())
    questions = [section["question"] for section in outline["sections"]]
    assert questions == [
        "Why did your team start hashing every input of a pipeline step?",
        "What happens when somebody edits a draft by hand?",
        "How do you test a pipeline like that without mocking everything?",
    ]
    assert all(q["speaker"] == "Ada" for section in outline["sections"] for q in section["quotes"])
    blog = (folder / "blog.md").read_text()
    meta = yaml.safe_load(blog.split("---\n")[1])
    assert meta["guest"] == meta["speaker"] == "Ada Lovelace" and meta["author"] == "Maya Chen"  # the host publishes
    assert "*Maya Chen talks with Ada Lovelace." in blog
    assert "### Why did your team start hashing every input of a pipeline step?" in blog
    assert "Welcome back to the show" not in blog.split("---\n", 2)[2]
    hooks = (folder / "hooks.md").read_text()
    assert "Ada Lovelace" in hooks and "Maya Chen puts it" not in hooks  # the guest is named, the host never quoted
    assert cli("run", talk, "--kind", "talk", "--to", "transcript", "--out", tmp_path / "as-talk").exit_code == 0
    as_talk = json.loads((tmp_path / "as-talk" / "podcast" / "transcript.json").read_text())["segments"]
    assert any(s["speaker"] == "Maya" and s["mark"] != "host" for s in as_talk)  # a person's word wins


ROOM = (
    "ADA:  "
    + "Every step of our pipeline hashes its inputs, its prompt and its model into one cache key. " * 8
    + "\nAUDIENCE MEMBER:  Does the cache key include the model version?\n"
    + "ADA:  Yes, the model's file hash is part of the key, so a new model reruns every step that used it.\n"
    + "AUDIENCE MEMBER:  And what about prompts?\n"
    + "ADA:  Prompts too: the prompt's sha256 is in the key, so editing a prompt reruns only the stages using it.\n"
)


def test_questions_from_the_room_are_the_last_section_and_never_quoted(cli, llm_server, tmp_path):
    talk = tmp_path / "room.txt"
    talk.write_text(ROOM)
    assert cli("run", talk, "--to", "outline").exit_code == 0
    outline = json.loads((tmp_path / "outputs" / "room" / "outline.json").read_text())
    last = outline["sections"][-1]
    assert last["question"] == "What did the room ask?"
    quoted = [q["text"] for section in outline["sections"] for q in section["quotes"]]
    assert "Does the cache key include the model version?" not in quoted


def test_naming_the_voices_later_remakes_only_the_drafts(cli, llm_server, tmp_path):
    talk = tmp_path / "podcast.txt"
    talk.write_text(PODCAST)
    assert cli("run", talk).exit_code == 0
    assert cli("run", talk, "--speakers", "Maya Chen, Ada Lovelace").exit_code == 0
    run = json.loads((tmp_path / "outputs" / "podcast" / "runs.jsonl").read_text().splitlines()[-1])
    assert "transcribe" not in run["stages_run"] and "outline" not in run["stages_run"]
    assert "blog" in run["stages_run"]
