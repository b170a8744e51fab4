"""`devrel run` on a subtitle file against the scripted endpoint: artifacts, cache, prompt edits, human edits."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bench.common import chat_tokens
from pipeline.prompts import BUILTIN_DIR
from conftest import last_run, verbatim_run

ARTIFACTS = ["source.json", "transcript.json", "transcript.md", "outline.json", "outline.md",
             "blog.md", "hooks.md", "community.md", "manifest.json", "runs.jsonl"]  # fmt: skip


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

    blog = (folder / "blog.md").read_text()
    assert blog.startswith("---\ntitle: A scripted post\n")
    assert "status: draft" in blog and "> Every step gets a cache key" in blog and "[00:04]" in blog
    assert "## X posts" in (folder / "hooks.md").read_text()
    assert "## Discord" in (folder / "community.md").read_text()

    manifest = json.loads((folder / "manifest.json").read_text())
    record = manifest["artifacts"]["blog.md"]
    assert record["model"] == "scripted-model" and record["llm_calls"] == 1 and record["tokens_in"] > 0
    assert set(record["prompt_sha256"]) == {"blog"} and len(record["cache_key"]) == 64

    run = last_run(folder)
    assert run["stages_run"] == ["ingest", "transcribe", "outline", "blog", "hooks", "community"]
    assert run["llm_calls"] == 4 and run["tokens_out"] > 0 and run["status"] == "ok"
    assert [call["prompt"] for call in run["calls"]] == ["outline", "blog", "hooks", "community"]


def test_rerun_with_nothing_changed_runs_nothing(cli, llm_server, srt_file, tmp_path):
    assert cli("run", srt_file).exit_code == 0
    before = len(llm_server.requests)
    assert cli("run", srt_file).exit_code == 0
    run = last_run(tmp_path / "outputs" / "caching-talk")
    assert run["stages_run"] == [] and run["llm_calls"] == 0
    assert len(run["stages_cached"]) == 6
    assert len(llm_server.requests) == before


def test_editing_the_blog_prompt_reruns_only_the_blog(cli, llm_server, srt_file, tmp_path):
    assert cli("run", srt_file).exit_code == 0
    custom = tmp_path / "my-prompts"
    shutil.copytree(BUILTIN_DIR / "blog", custom / "blog")
    (custom / "blog" / "system.md").write_text((BUILTIN_DIR / "blog" / "system.md").read_text() + "\nBe brief.\n")
    assert cli("run", srt_file, "--prompts", custom).exit_code == 0
    run = last_run(tmp_path / "outputs" / "caching-talk")
    assert run["stages_run"] == ["blog"]
    assert "Be brief." in llm_server.chat_requests("BlogDraft")[-1]["messages"][0]["content"]


def test_force_reruns_every_stage(cli, llm_server, srt_file, tmp_path):
    assert cli("run", srt_file).exit_code == 0
    assert cli("run", srt_file, "--force").exit_code == 0
    assert len(last_run(tmp_path / "outputs" / "caching-talk")["stages_run"]) == 6


def test_a_human_edit_is_never_overwritten(cli, llm_server, srt_file, tmp_path):
    assert cli("run", srt_file).exit_code == 0
    blog = tmp_path / "outputs" / "caching-talk" / "blog.md"
    edited = blog.read_text().replace("Scripted intro.", "An intro our editor rewrote.")
    blog.write_text(edited)

    result = cli("run", srt_file, "--force")
    assert result.exit_code == 0
    assert blog.read_text() == edited
    assert (blog.parent / "blog.new.md").read_text().count("Scripted intro.") == 1
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
    (folder / "outline.json").write_text(json.dumps(outline))

    assert cli("run", srt_file).exit_code == 0
    run = last_run(folder)
    assert run["stages_run"] == ["blog", "hooks", "community"]
    assert "## Why hash content instead of timestamps?" in (folder / "blog.md").read_text()
    assert json.loads((folder / "outline.json").read_text())["sections"][0]["question"].startswith("Why hash")


def test_to_transcript_stops_before_the_model(cli, llm_server, srt_file, tmp_path):
    result = cli("run", srt_file, "--to", "transcript")
    assert result.exit_code == 0
    folder = tmp_path / "outputs" / "caching-talk"
    assert (folder / "transcript.md").read_text().count("[00:0") == 3
    assert not (folder / "outline.json").exists() and llm_server.requests == []


def test_lang_flag_sets_the_output_language(cli, llm_server, srt_file):
    assert cli("run", srt_file, "--lang", "zh").exit_code == 0
    system = llm_server.chat_requests("BlogDraft")[0]["messages"][0]["content"]
    assert "Write in Simplified Chinese" in system


def test_devrel_toml_and_flags_layer(cli, llm_server, srt_file, tmp_path):
    (tmp_path / "devrel.toml").write_text('model = "from-toml"\nout = "drafts"\n')
    assert cli("run", srt_file, "--to", "outline").exit_code == 0
    assert llm_server.requests[-1]["model"] == "scripted-model"  # the environment beats the file
    assert (tmp_path / "drafts" / "caching-talk" / "outline.md").exists()
    assert cli("run", srt_file, "--to", "outline", "--model", "from-flag", "--force").exit_code == 0
    assert llm_server.requests[-1]["model"] == "from-flag"  # the flag beats the environment


def test_long_transcripts_are_mapped_then_reduced_within_the_context(cli, llm_server, tmp_path, monkeypatch):
    monkeypatch.setenv("DEVREL_CONTEXT_WINDOW", "4000")
    lines = [f"Sentence number {i} explains one more detail about caching pipelines and hashing inputs." for i in range(400)]
    talk = tmp_path / "long-talk.txt"
    talk.write_text("\n".join(lines))
    result = cli("run", talk, "--to", "outline")
    assert result.exit_code == 0, result.output
    notes = llm_server.chat_requests("Notes")
    assert len(notes) >= 3  # mapped over several chunks
    for request in llm_server.requests:  # counted by a real tokenizer (Qwen's, from the shipped GGUF)
        system, user = (m["content"] for m in request["messages"])
        assert chat_tokens(system, user) + request["max_tokens"] <= 4000
    reduce_prompt = llm_server.chat_requests("OutlineDraft")[0]["messages"][1]["content"]
    assert "Sentence number 399" not in reduce_prompt  # the reduce step sees notes, not the transcript


def test_artifacts_get_normal_permissions(cli, llm_server, srt_file, tmp_path):
    assert cli("run", srt_file, "--to", "transcript").exit_code == 0
    mode = (tmp_path / "outputs" / "caching-talk" / "transcript.md").stat().st_mode & 0o777
    assert mode & 0o044 == 0o044  # readable by the team (umask applies), not mkstemp's private 0600
