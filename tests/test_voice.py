"""The corpus shapes the drafts: style examples and related posts in the prompts, novelty, community questions.

Real store and embeddings; the LLM is the scripted server, so what reached each prompt is read from its requests.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, last_run

OUTLINE = {
    "title": "Caching data pipelines with content hashes",
    "summary": "Each step's cache key is built from the hashes of its inputs and its prompt, and human edits are never overwritten.",
    "tags": ["caching"], "people": [], "organizations": [], "products": [], "media": [],
    "sections": [
        {"question": "Why should a config or prompt change invalidate the cache?", "persona": "practitioner",
         "key_points": ["The cache key hashes every input and the prompt, so any edit changes the key"], "lines": [2]},
        {"question": "What happens to a draft a person edited?", "persona": "newcomer",
         "key_points": ["Human edits are never overwritten; the new version goes beside them"], "lines": [3]},
    ],
}  # fmt: skip
CACHE_POST = "https://devrel.example.com/blog/cache-keys-from-content"


def index(cli, corpus: Path) -> None:
    result = cli("corpus", "index", corpus)
    assert result.exit_code == 0, result.output


@pytest.fixture
def starter(cli, tmp_path) -> Path:
    shutil.copytree(REPO / "corpus", tmp_path / "corpus")
    index(cli, tmp_path / "corpus")
    return tmp_path / "corpus"


def system_prompt(server, schema: str) -> str:
    return server.chat_requests(schema)[-1]["messages"][0]["content"]


def user_prompt(server, schema: str) -> str:
    return server.chat_requests(schema)[-1]["messages"][1]["content"]


def test_without_a_store_drafts_are_written_as_before(cli, llm_server, srt_file, tmp_path):
    result = cli("run", srt_file)
    assert result.exit_code == 0, result.output
    assert "<examples>" not in system_prompt(llm_server, "BlogDraft")
    assert "Related reading" not in (tmp_path / "outputs" / "caching-talk" / "blog.md").read_text()
    assert not (tmp_path / ".devrel").exists()


def test_style_examples_and_related_posts_reach_the_drafts(cli, llm_server, srt_file, starter, tmp_path):
    llm_server.script("OutlineDraft", OUTLINE)
    result = cli("run", srt_file)
    assert result.exit_code == 0, result.output

    blog = system_prompt(llm_server, "BlogDraft")
    assert "<examples>" in blog and "style examples" in blog and "not facts" in blog
    assert '<example title="Cache keys that never lie: hash the inputs, not the clock">' in blog
    assert CACHE_POST in blog  # the related posts are named in the prompt, so the model does not repeat them
    examples = re.findall(r"<example title=.*?>\n(.*?)\n</example>", blog, flags=re.S)
    assert 1 <= len(examples) <= 3 and all(len(example) <= 601 for example in examples)
    assert "Your cache trusts the clock" in system_prompt(llm_server, "HooksDraft")  # a hook for the hooks
    assert 'title="Discord: the vector store post is out"' in system_prompt(llm_server, "CommunityDraft")
    assert "<example" not in system_prompt(llm_server, "HooksDraft").split("<examples>")[0]

    text = (tmp_path / "outputs" / "caching-talk" / "blog.md").read_text()
    related = text.split("## Related reading\n\n")[1].splitlines()
    assert related[0] == f"- [Cache keys that never lie: hash the inputs, not the clock]({CACHE_POST})"
    assert not any("novelty" in warning for warning in last_run(tmp_path / "outputs" / "caching-talk")["warnings"])


def test_a_new_corpus_post_reruns_only_the_drafts_it_changes(cli, llm_server, srt_file, starter, tmp_path):
    llm_server.script("OutlineDraft", OUTLINE)
    assert cli("run", srt_file).exit_code == 0
    assert cli("run", srt_file).exit_code == 0
    assert last_run(tmp_path / "outputs" / "caching-talk")["stages_run"] == []

    (starter / "blog" / "prompt-hashes.md").write_text(
        "---\ntype: blog\ntitle: Why we hash our prompts\nurl: https://devrel.example.com/blog/prompt-hashes\nlanguage: en\n---\n\n"
        "A prompt file changes the output as much as code does, so its hash goes into every cache key.\n"
    )  # fmt: skip
    index(cli, starter)
    assert cli("run", srt_file).exit_code == 0
    assert last_run(tmp_path / "outputs" / "caching-talk")["stages_run"] == ["blog"]  # the hooks' and community posts' examples did not change
    assert "Why we hash our prompts" in system_prompt(llm_server, "BlogDraft")


def test_a_past_post_that_answers_most_questions_is_a_warning(cli, llm_server, srt_file, tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "blog").mkdir(parents=True)
    (corpus / "blog" / "same-talk.md").write_text(
        "---\ntype: blog\ntitle: Caching pipelines and keeping edits\nurl: https://devrel.example.com/blog/same\nlanguage: en\n---\n\n"
        "## Why a config or prompt change must invalidate the cache\n\nThe cache key hashes every input and the prompt, "
        "so any edit changes the key.\n\n## What happens to a draft a person edited\n\nA person's edit is never "
        "overwritten; the new version is written beside it.\n"
    )  # fmt: skip
    index(cli, corpus)
    llm_server.script("OutlineDraft", OUTLINE)
    result = cli("run", srt_file)
    assert result.exit_code == 0, result.output
    warning = "novelty: the past post “Caching pipelines and keeping edits” (https://devrel.example.com/blog/same) already answers 2 of the 2 questions"
    assert warning in result.output.replace("\n", " ") or warning in " ".join(last_run(tmp_path / "outputs" / "caching-talk")["warnings"])
    assert any(item.startswith(warning) for item in last_run(tmp_path / "outputs" / "caching-talk")["warnings"])


def test_community_questions_become_sections_and_open_ones_are_listed(cli, llm_server, srt_file, starter, tmp_path):
    llm_server.script("OutlineDraft", OUTLINE)
    result = cli("run", srt_file, "--to", "outline")
    assert result.exit_code == 0, result.output
    asked = "How do I stop my build cache from going stale when only a config file changes?"
    assert "Questions the community asked" in user_prompt(llm_server, "OutlineDraft") and asked in user_prompt(llm_server, "OutlineDraft")

    folder = tmp_path / "outputs" / "caching-talk"
    sections = json.loads((folder / "outline.json").read_text())["sections"]
    assert sections[0]["question"] == asked and sections[0]["persona"] == "community"
    assert sections[1]["question"] == "What happens to a draft a person edited?"  # no stored question matches it
    outline_md = (folder / "outline.md").read_text()
    open_part = outline_md.split("## Community questions this talk does not answer\n\n")[1]
    assert "- [How do I clean up old cache entries in a data pipeline?](https://forum.devrel.example.com/t/cache-cleanup)" in open_part
    assert asked not in open_part and f"## {asked}" in outline_md


def test_a_broken_store_does_not_stop_the_drafts(llm_server, srt_file, starter, tmp_path):
    (tmp_path / ".devrel" / "store" / "chroma.sqlite3").write_bytes(b"not a database" * 100)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHROMA_")}
    done = subprocess.run([str(Path(sys.executable).parent / "devrel"), "run", str(srt_file)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "run `devrel corpus rebuild`" in done.stderr and "drafting without the corpus" in done.stderr
    assert "<examples>" not in system_prompt(llm_server, "BlogDraft")
