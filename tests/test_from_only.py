"""--from / --only: any stage starts from the files on disk; a missing input names the command that makes it."""

from __future__ import annotations

import json

from conftest import last_run
from llm_server import schema_name


def test_only_blog_from_an_output_folder_after_the_source_is_gone(cli, llm_server, srt_file, tmp_path):
    assert cli("run", srt_file, "--to", "outline").exit_code == 0
    folder = tmp_path / "outputs" / "caching-talk"
    srt_file.unlink()  # the folder's files are all a later stage needs
    before = len(llm_server.requests)
    result = cli("run", folder, "--only", "blog")
    assert result.exit_code == 0, result.output
    run = last_run(folder)
    assert run["stages_run"] == ["blog"]
    assert run["stages_skipped"] == ["ingest", "transcribe", "outline", "hooks", "community", "video"]
    assert {schema_name(r) for r in llm_server.requests[before:]} == {"Rewritten"}  # the blog's passage edits only
    assert (folder / "blog.md").exists() and not (folder / "hooks.md").exists()
    assert "left out: ingest, transcribe, outline, hooks, community" in result.output


def test_from_outline_uses_the_transcript_on_disk_as_it_is(cli, llm_server, srt_file, tmp_path):
    assert cli("run", srt_file, "--to", "outline").exit_code == 0
    folder = tmp_path / "outputs" / "caching-talk"
    transcript = json.loads((folder / "transcript.json").read_text())
    transcript["segments"][0]["text"] = "A person fixed this line by hand."
    (folder / "transcript.json").write_text(json.dumps(transcript))
    result = cli("run", srt_file, "--from", "outline", "--to", "outline")
    assert result.exit_code == 0, result.output
    run = last_run(folder)
    assert run["stages_run"] == ["outline"] and run["stages_skipped"] == ["ingest", "transcribe"]
    asked = json.dumps(llm_server.requests[-1]["messages"])
    assert "A person fixed this line by hand." in asked  # the edited transcript, not a fresh parse of the .srt


def test_from_a_stage_whose_input_is_missing_names_the_command(cli, llm_server, srt_file, tmp_path):
    assert cli("run", srt_file, "--to", "transcript").exit_code == 0
    result = cli("run", srt_file, "--from", "blog")
    assert result.exit_code == 2
    assert (
        "outline.json is missing" in result.output and f"devrel run {srt_file.resolve()} --to outline" in result.output
    )
    assert "Traceback" not in result.output
    assert (tmp_path / "outputs" / "caching-talk" / "transcript.json").exists()  # earlier output untouched


def test_bad_selections_are_usage_errors(cli, llm_server, srt_file, tmp_path):
    for args, message in [
        (["--only", "polish"], "not a stage"),
        (["--from", "blog", "--to", "outline"], "comes after --to outline"),
        (["--from", "outline", "--only", "blog"], "do not go together"),
    ]:
        result = cli("run", srt_file, *args)
        assert result.exit_code == 2 and message in result.output, (args, result.output)
    assert llm_server.requests == [] and not (tmp_path / "outputs").exists()
    (tmp_path / "notes").mkdir()
    result = cli("run", tmp_path / "notes", "--only", "blog")
    assert result.exit_code == 2 and "not an output folder" in result.output


def test_an_output_folder_cannot_be_ingested_again(cli, llm_server, srt_file, tmp_path):
    assert cli("run", srt_file, "--to", "transcript").exit_code == 0
    result = cli("run", tmp_path / "outputs" / "caching-talk", "--only", "ingest")
    assert result.exit_code == 2 and "cannot be ingested again" in result.output
    assert (tmp_path / "outputs" / "caching-talk" / "transcript.json").exists()
