"""`devrel review`: list drafts and their status, approve one into the corpus (searchable at once), reject one."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import front
from pipeline.artifacts import sha256_file


def recorded(folder: Path, name: str) -> str:
    return json.loads((folder / "manifest.json").read_text())["artifacts"][name]["sha256"]


@pytest.fixture
def drafts(cli, llm_server, srt_file, tmp_path) -> Path:
    assert cli("run", srt_file).exit_code == 0
    assert cli("run", srt_file, "--out", tmp_path / "outputs" / "2025-W10").exit_code == 0  # a weekly batch folder
    return tmp_path / "outputs" / "caching-talk"


def outline_title(folder: Path) -> str:
    """The title the outline stage settled on (the model's when the talk keeps saying its words, else a fallback)."""
    return json.loads((folder / "outline.json").read_text())["title"]


def test_list_shows_every_draft_with_its_status(cli, drafts):
    result = cli("review", "list")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 8 and all(line.startswith("draft") for line in lines)  # 4 drafts of 2 sources
    assert any("outputs/2025-W10/caching-talk/hooks.md" in line for line in lines)
    assert any(
        "outputs/caching-talk/blog.md" in line and outline_title(drafts) in line for line in lines
    )  # the post's title


def test_approve_copies_into_the_corpus_and_makes_it_searchable(cli, drafts, llm_server, srt_file, tmp_path):
    blog = drafts / "blog.md"
    before = blog.read_text()
    result = cli("review", "approve", blog)
    assert result.exit_code == 0, result.output
    assert blog.read_text() == before.replace("status: draft", "status: approved")
    assert recorded(drafts, "blog.md") != sha256_file(blog)  # a reviewed draft is a person's file now

    copy = tmp_path / "corpus" / "blog" / "caching-talk.md"
    said = "Human edits are never overwritten; we write the new version beside them."  # the speaker's words
    assert front(copy)["type"] == "blog" and front(copy)["status"] == "approved" and said in copy.read_text()
    hits = json.loads(cli("corpus", "search", "keeping human edits to drafts", "--type", "blog", "--json").stdout)
    assert hits[0]["file"] == "corpus/blog/caching-talk.md" and hits[0]["title"] == outline_title(drafts)

    listed = cli("review", "list").stdout
    assert any(line.startswith("approved") and "outputs/caching-talk/blog.md" in line for line in listed.splitlines())

    # a rerun is cached: the approved draft is neither rewritten nor treated as an edit, nor its own example
    assert cli("run", srt_file).exit_code == 0
    run = json.loads((drafts / "runs.jsonl").read_text().splitlines()[-1])
    assert run["stages_run"] == [] and front(blog)["status"] == "approved" and not (drafts / "blog.new.md").exists()
    assert "<examples>" not in llm_server.chat_requests("Rewritten")[-1]["messages"][0]["content"]

    # regenerating never overwrites the reviewed draft: the new version goes beside it
    assert cli("run", srt_file, "--force").exit_code == 0
    assert front(blog)["status"] == "approved" and front(drafts / "blog.new.md")["status"] == "draft"
    assert (
        "<examples>" not in llm_server.chat_requests("Rewritten")[-1]["messages"][0]["content"]
    )  # not its own example


def test_approving_a_hand_edited_draft_keeps_it_marked_as_edited(cli, drafts):
    hooks = drafts / "hooks.md"
    generated = recorded(drafts, "hooks.md")
    first = re.search(r"^1\. (.+)$", hooks.read_text(), flags=re.M).group(1)  # the first title
    hooks.write_text(hooks.read_text().replace(f"1. {first}\n", "1. A title our editor wrote\n"))
    assert cli("review", "approve", hooks).exit_code == 0
    assert front(hooks)["status"] == "approved" and recorded(drafts, "hooks.md") == generated
    copy = Path("corpus") / "hooks" / "caching-talk.md"
    assert front(copy)["type"] == "hook" and "A title our editor wrote" in copy.read_text()


def test_reject_marks_the_draft_and_takes_an_approved_copy_back_out(cli, drafts, tmp_path):
    community = tmp_path / "outputs" / "2025-W10" / "caching-talk" / "community.md"
    result = cli("review", "reject", community)
    assert result.exit_code == 0, result.output
    assert front(community)["status"] == "rejected"
    assert recorded(community.parent, "community.md") != sha256_file(community)

    assert cli("review", "approve", drafts / "blog.md").exit_code == 0
    assert cli("review", "reject", drafts / "blog.md").exit_code == 0
    assert (
        front(drafts / "blog.md")["status"] == "rejected"
        and not (tmp_path / "corpus" / "blog" / "caching-talk.md").exists()
    )
    assert json.loads(cli("corpus", "stats", "--json").stdout)["files"] == 0
    statuses = {line.split()[0] for line in cli("review", "list").stdout.splitlines()}
    assert statuses == {"draft", "rejected"}


def test_review_refuses_what_is_not_a_draft(cli, drafts):
    for path, message in (
        (drafts / "outline.md", "is not a draft"),
        (drafts / "gone" / "blog.md", "is missing"),
        (drafts, "is a folder"),
    ):
        result = cli("review", "approve", path)
        assert result.exit_code == 2 and message in result.output
    assert not Path("corpus").exists()
