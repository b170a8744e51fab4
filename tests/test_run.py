"""`devrel run` on a subtitle file against the scripted endpoint: artifacts, cache, prompt edits, human edits."""

from __future__ import annotations

import json
import random
import re
import shutil

from bench.common import chat_tokens
from conftest import front, last_run, verbatim_run
from llm_server import schema_name
from pipeline.analysis.topics import MAX_SECTIONS
from pipeline.llm.prompts import BUILTIN_DIR
from pipeline.runner import COMMUNITY_PROMPTS, HOOKS_PROMPTS

ARTIFACTS = [
    "source.json",
    "transcript.json",
    "transcript.md",
    "outline.json",
    "outline.md",
    "blog.md",
    "hooks.md",
    "community.md",
    "manifest.json",
    "runs.jsonl",
]


def test_run_writes_every_artifact_with_verbatim_quotes(cli, llm_server, srt_file, tmp_path):
    result = cli("run", srt_file)
    assert result.exit_code == 0, result.output
    folder = tmp_path / "outputs" / "caching-talk"
    for name in ARTIFACTS:
        assert (folder / name).is_file(), name

    outline = json.loads((folder / "outline.json").read_text())
    transcript = json.loads((folder / "transcript.json").read_text())
    quotes = [quote for section in outline["sections"] for quote in section["quotes"]]
    assert quotes
    for quote in quotes:  # copied from the transcript, with its times
        run = verbatim_run(quote, transcript["segments"])
        assert run and (quote["start"], quote["end"]) == (run[0]["start"], run[-1]["end"])
    outline_md = (folder / "outline.md").read_text()  # quotes are shown with the time they were said
    assert (
        "> Every step gets a cache key built from the hashes of its inputs and its prompt.\n>\n> — [00:04]"
        in outline_md
    )

    blog = (folder / "blog.md").read_text()
    assert outline["title"] and front(folder / "blog.md")["title"] == outline["title"]  # the outline's title heads it
    assert blog.startswith("---\ntitle: ")
    assert "status: draft" in blog and "draft: true" in blog
    assert (
        "Every step gets a cache key built from the hashes of its inputs and its prompt." in blog
    )  # the speaker's words
    assert "▶ [00:01]" in blog  # where the section starts in the recording
    assert "## X posts" in (folder / "hooks.md").read_text()
    assert "## Discord" in (folder / "community.md").read_text()

    manifest = json.loads((folder / "manifest.json").read_text())
    record = manifest["artifacts"]["blog.md"]  # one paragraph, one rewrite call
    assert record["model"] == "scripted-model" and record["llm_calls"] == 1 and record["tokens_in"] > 0
    assert set(record["prompt_sha256"]) == {"blog"} and len(record["cache_key"]) == 64

    run = last_run(folder)
    assert run["stages_run"] == ["ingest", "transcribe", "outline", "blog", "hooks", "community", "video"]
    assert run["tokens_out"] > 0 and run["status"] == "ok"
    prompts = [call["prompt"] for call in run["calls"]]
    # one section: its question (then its theme: the scripted default says the span's opening back), then title and
    # summary, then the part's name
    assert prompts[:5] == ["section", "theme", "outline", "part-name", "blog"]
    # then small calls, one kind of item each; code chooses the video hooks (never asked) and builds the newsletter
    # from the talk (asked only when no template passes)
    assert set(prompts[5:]) == {*HOOKS_PROMPTS, *COMMUNITY_PROMPTS} - {"community-newsletter"}
    assert run["llm_calls"] == len(llm_server.requests) == sum(call["attempts"] for call in run["calls"])


def test_rerun_with_nothing_changed_runs_nothing(cli, llm_server, srt_file, tmp_path):
    assert cli("run", srt_file).exit_code == 0
    before = len(llm_server.requests)
    assert cli("run", srt_file).exit_code == 0
    run = last_run(tmp_path / "outputs" / "caching-talk")
    assert run["stages_run"] == [] and run["llm_calls"] == 0
    assert len(run["stages_cached"]) == 7
    assert len(llm_server.requests) == before


def test_editing_the_blog_prompt_reruns_only_the_blog(cli, llm_server, srt_file, tmp_path):
    assert cli("run", srt_file).exit_code == 0
    custom = tmp_path / "my-prompts"
    shutil.copytree(BUILTIN_DIR / "blog", custom / "blog")
    (custom / "blog" / "system.md").write_text((BUILTIN_DIR / "blog" / "system.md").read_text() + "\nBe brief.\n")
    assert cli("run", srt_file, "--prompts", custom).exit_code == 0
    run = last_run(tmp_path / "outputs" / "caching-talk")
    assert run["stages_run"] == ["blog"]
    assert "Be brief." in llm_server.chat_requests("Rewritten")[-1]["messages"][0]["content"]


def test_force_reruns_every_stage(cli, llm_server, srt_file, tmp_path):
    assert cli("run", srt_file).exit_code == 0
    assert cli("run", srt_file, "--force").exit_code == 0
    assert len(last_run(tmp_path / "outputs" / "caching-talk")["stages_run"]) == 7


def test_a_human_edit_is_never_overwritten(cli, llm_server, srt_file, tmp_path):
    assert cli("run", srt_file).exit_code == 0
    blog = tmp_path / "outputs" / "caching-talk" / "blog.md"
    said = "Human edits are never overwritten; we write the new version beside them."
    edited = blog.read_text().replace(said, "A paragraph our editor rewrote.")
    assert edited != blog.read_text()
    blog.write_text(edited)

    result = cli("run", srt_file, "--force")
    assert result.exit_code == 0
    assert blog.read_text() == edited
    assert (blog.parent / "blog.new.md").read_text().count(said) == 1
    assert "blog.new.md" in result.output
    assert last_run(blog.parent)["edits_kept"] == {"blog.md": "blog.new.md"}

    # a plain rerun afterwards is cached: no model call, and the edit still stands
    calls = len(llm_server.requests)
    assert cli("run", srt_file).exit_code == 0
    assert len(llm_server.requests) == calls and blog.read_text() == edited


def test_an_edited_outline_flows_into_the_drafts(cli, llm_server, srt_file, tmp_path):
    assert cli("run", srt_file).exit_code == 0
    folder = tmp_path / "outputs" / "caching-talk"
    outline = json.loads((folder / "outline.json").read_text())
    outline["sections"][0]["question"] = "Why hash content instead of timestamps?"
    outline["sections"][0]["name"] = "Content hashes, not timestamps"  # the heading the drafts show
    (folder / "outline.json").write_text(json.dumps(outline))

    assert cli("run", srt_file).exit_code == 0
    run = last_run(folder)
    assert run["stages_run"] == ["blog", "hooks", "community", "video"]
    assert "### Content hashes, not timestamps\n" in (folder / "blog.md").read_text()
    assert json.loads((folder / "outline.json").read_text())["sections"][0]["question"].startswith("Why hash")


def test_to_transcript_stops_before_the_model(cli, llm_server, srt_file, tmp_path):
    result = cli("run", srt_file, "--to", "transcript")
    assert result.exit_code == 0
    folder = tmp_path / "outputs" / "caching-talk"
    assert (folder / "transcript.md").read_text().count("[00:0") == 3
    assert not (folder / "outline.json").exists() and llm_server.requests == []


def test_lang_flag_sets_the_output_language(cli, llm_server, srt_file, tmp_path):
    assert cli("run", srt_file, "--lang", "zh").exit_code == 0
    transcript = json.loads((tmp_path / "outputs" / "caching-talk" / "transcript.json").read_text())
    assert transcript["language"] == "zh"  # --lang names the language of the transcript and of the drafts
    asked = {schema_name(request) for request in llm_server.requests}
    assert {"SectionDraft", "OutlineDraft", "TitlesDraft", "XPostDraft", "DiscordDraft", "NewsletterDraft"} <= asked
    for request in llm_server.requests:
        asked = "\n".join(message["content"] for message in request["messages"])
        assert "Simplified Chinese" in asked, schema_name(request)


def test_devrel_toml_and_flags_layer(cli, llm_server, srt_file, tmp_path):
    (tmp_path / "devrel.toml").write_text('model = "from-toml"\nout = "drafts"\n')
    assert cli("run", srt_file, "--to", "outline").exit_code == 0
    assert llm_server.requests[-1]["model"] == "scripted-model"  # the environment beats the file
    assert (tmp_path / "drafts" / "caching-talk" / "outline.md").exists()
    assert cli("run", srt_file, "--to", "outline", "--model", "from-flag", "--force").exit_code == 0
    assert llm_server.requests[-1]["model"] == "from-flag"  # the flag beats the environment


TOPICS = [  # a long talk on five topics in turn, each said in many different sentences
    (
        ["every pipeline step", "the cache", "a rerun", "our build"],
        ["hashes", "compares", "stores", "skips"],
        ["its inputs and its prompt", "the key of each stage", "nothing that is unchanged", "the transcript once"],
    ),
    (
        ["a human edit", "the reviewer", "the new draft", "an approved post"],
        ["stays", "is written beside", "keeps", "wins over"],
        ["the old file on disk", "the generated version", "what the editor changed", "every line a person wrote"],
    ),
    (
        ["the embedded model", "a small question", "the laptop", "one call"],
        ["answers", "takes", "needs", "fits"],
        ["in about nine seconds", "a bounded JSON schema", "four gigabytes of memory", "one short reader question"],
    ),
    (
        ["hard-wrapped text", "a caption line", "the subtitle file", "each sentence"],
        ["becomes", "is joined into", "keeps", "ends"],
        ["whole sentences first", "the speaker turn it belongs to", "its start and end times", "at a full stop"],
    ),
    (
        ["the evaluation suite", "every release", "a real talk", "the results table"],
        ["scores", "waits for", "reports", "compares"],
        [
            "each draft against the talk",
            "the similarity of the posts",
            "blog words per talk word",
            "the previous release",
        ],
    ),
]


def long_talk(count: int = 400) -> str:
    rng = random.Random(0)
    lines = []
    for i in range(count):
        subjects, verbs, objects = TOPICS[i * len(TOPICS) // count]
        lines.append(f"In part {i}, {rng.choice(subjects)} {rng.choice(verbs)} {rng.choice(objects)}.")
    return "\n".join(lines)


def test_a_long_transcript_stays_within_the_context_in_bounded_sections(cli, llm_server, tmp_path, monkeypatch):
    monkeypatch.setenv("DEVREL_CONTEXT_WINDOW", "4000")
    talk = tmp_path / "long-talk.txt"
    talk.write_text(long_talk())  # 400 sentences, some 6,000 words: more than a 4,000-token context holds
    result = cli("run", talk, "--to", "outline")
    assert result.exit_code == 0, result.output
    for request in llm_server.requests:  # counted by a real tokenizer (Qwen's, from the shipped GGUF)
        assert chat_tokens(request["messages"]) + request["max_tokens"] <= 4000

    folder = tmp_path / "outputs" / "long-talk"
    sections = json.loads((folder / "outline.json").read_text())["sections"]
    ids = [segment["id"] for segment in json.loads((folder / "transcript.json").read_text())["segments"]]
    assert 3 <= len(sections) <= MAX_SECTIONS  # a number that fits the talk, never one per chunk of text
    assert sections[0]["first"] == ids[0] and sections[-1]["last"] == ids[-1]
    assert all(a["last"] + 1 == b["first"] for a, b in zip(sections, sections[1:]))  # contiguous, never overlapping
    spans = [range(section["first"] - 1, section["last"]) for section in sections]  # "In part N" is segment N + 1
    asked = llm_server.chat_requests("SectionDraft")
    assert len(sections) <= len(asked) <= 2 * len(spans)  # one question per span (asked again once if it repeats)
    for request in asked:  # each question is asked about one span's words only
        parts = [int(n) for n in re.findall(r"In part (\d+)", request["messages"][1]["content"])]
        assert parts and any(all(part in span for part in parts) for span in spans), parts
    overview = llm_server.chat_requests("OutlineDraft")[0]["messages"][1]["content"]  # title and summary are asked
    assert overview.count("Part ") == len(sections)  # from the sections, a few of the speaker's words each,
    assert len(overview.split()) < len(talk.read_text().split()) / 5  # never from the whole transcript


def test_artifacts_get_normal_permissions(cli, llm_server, srt_file, tmp_path):
    assert cli("run", srt_file, "--to", "transcript").exit_code == 0
    mode = (tmp_path / "outputs" / "caching-talk" / "transcript.md").stat().st_mode & 0o777
    assert mode & 0o044 == 0o044  # readable by the team (umask applies), not mkstemp's private 0600


def test_the_run_ends_with_what_came_out_and_what_to_open_next(cli, llm_server, srt_file, tmp_path):
    result = cli("run", srt_file)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    row = {line.split()[0]: line for line in lines if line.strip().endswith((" ok", "problem", "problems"))}
    assert any(line.startswith("check: ") and line.endswith("no problems") for line in lines)  # it ships what passes
    row.pop("check:", None)
    assert set(row) == {"blog.md", "hooks.md", "community.md", "video.md"}
    assert re.search(r"\d+ sections?, \d+ words", row["blog.md"])
    assert re.search(r"\d titles?, \d X posts?, a LinkedIn post, \d video hooks?", row["hooks.md"])
    assert "Discord, forum, newsletter posts" in row["community.md"]
    assert re.search(r"\d+ chapters?, \d+ clips?, a description", row["video.md"])
    assert any("open next: `make review`" in line for line in lines)
    assert not any(line.startswith("warning:") for line in lines)  # choices are counted, printed only with -v
    noted = last_run(tmp_path / "outputs" / "caching-talk")["warnings"]
    if noted:
        assert any(f"{len(noted)} note(s) on choices made on the way" in line for line in lines)
    verbose = cli("-v", "run", srt_file, "--force")
    assert all(f"warning: {warning}"[:60] in verbose.output.replace("\n", " ") for warning in noted)
