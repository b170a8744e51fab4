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
    "summary": "Each step's cache key is built from the hashes of its inputs and its prompt, "
    "and human edits are never overwritten.",
    "tags": ["caching"],
    "people": [],
    "organizations": [],
    "products": [],
    "media": [],
}
SECTIONS = [  # the model's answer for each of the talk's two parts (code finds the parts, pipeline.analysis.topics)
    {
        "question": "Why should a config or prompt change invalidate the cache?",
        "key_points": ["The cache key hashes every input and the prompt, so any edit changes the key"],
    },
    {
        "question": "What happens to a draft a person edited?",
        "key_points": ["Human edits are never overwritten; the new version goes beside them"],
    },
]
# A talk long enough for two sections: caching first, then people's edits (the 3-cue SRT gives one section).
TALK = [
    "Welcome to this talk about caching data pipelines.",
    "Every step gets a cache key built from the hashes of its inputs and its prompt.",
    "We measured it on our own pipeline: a rerun with nothing changed went from forty minutes to ninety seconds.",
    "When a config file or a prompt changes, its hash changes, so the key changes and the step runs again.",
    "A prompt file is code too, and a hash of the Python code cannot see a text file next to it.",
    "So we hash every prompt file explicitly and put that hash into the key of every step that reads it.",
    "With the cache in place, a rerun only repeats the steps whose inputs really changed.",
    "The second lesson is about people: our editors rewrite the drafts by hand.",
    "Human edits are never overwritten; we write the new version beside them.",
    "When an editor has changed a draft, the fresh version goes into a second file with a different name.",
    "Then the editor compares the two versions side by side and decides what to keep.",
    "For a long time our tool quietly replaced their work, and the editors stopped trusting it.",
    "That one rule about edits did more for adoption than any feature we shipped that year.",
]
CACHE_POST = "https://devrel.example.com/blog/cache-keys-from-content"


@pytest.fixture
def talk(tmp_path) -> Path:
    """caching-talk.srt with two topics: code finds two sections in it, `script_outline` answers for both."""
    cues = [f"{n}\n00:00:{5 * n - 4:02d},000 --> 00:00:{5 * n:02d},000\n{text}\n" for n, text in enumerate(TALK, 1)]
    path = tmp_path / "caching-talk.srt"
    path.write_text("\n".join(cues), encoding="utf-8")
    return path


def script_outline(server) -> None:
    server.script("SectionDraft", *SECTIONS)
    server.script("OutlineDraft", OUTLINE)


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


HOOKS = ["TitlesDraft", "XPostDraft", "LinkedInDraft"]  # one small call each (prompts hooks-*)
COMMUNITY = ["DiscordDraft", "ForumDraft"]  # prompts community-* (the newsletter is built by code first)


def test_without_a_store_drafts_are_written_as_before(cli, llm_server, srt_file, tmp_path):
    result = cli("run", srt_file)
    assert result.exit_code == 0, result.output
    assert "<examples>" not in system_prompt(llm_server, "Rewritten")  # the blog's paragraph edits
    assert all("<examples>" not in system_prompt(llm_server, schema) for schema in HOOKS + COMMUNITY)
    assert "Related reading" not in (tmp_path / "outputs" / "caching-talk" / "blog.md").read_text()
    assert not (tmp_path / ".devrel").exists()


def test_style_examples_and_related_posts_reach_the_drafts(cli, llm_server, talk, starter, tmp_path):
    script_outline(llm_server)
    result = cli("run", talk)
    assert result.exit_code == 0, result.output

    blog = system_prompt(llm_server, "Rewritten")  # each paragraph's edit sees the examples
    assert "<examples>" in blog and "style examples" in blog and "not facts" in blog
    assert '<example title="Cache keys that never lie: hash the inputs, not the clock">' in blog
    assert CACHE_POST in blog  # the related posts are named in the prompt, so the model does not repeat them
    examples = re.findall(r"<example title=.*?>\n(.*?)\n</example>", blog, flags=re.S)
    assert 1 <= len(examples) <= 3 and all(len(example) <= 601 for example in examples)
    asked = [schema for schema in HOOKS if llm_server.chat_requests(schema)]  # posts quote the talk: no call
    assert "TitlesDraft" in asked
    for schema in asked:  # every small hooks call: a hook for the hooks, marked as style, only inside the block
        hooks = system_prompt(llm_server, schema)
        assert "Your cache trusts the clock" in hooks and "style examples" in hooks and "not facts" in hooks, schema
        assert "<example" not in hooks.split("<examples>")[0], schema
    for schema in COMMUNITY:
        community = system_prompt(llm_server, schema)
        assert 'title="Discord: the vector store post is out"' in community and "not facts" in community, schema

    text = (tmp_path / "outputs" / "caching-talk" / "blog.md").read_text()
    related = text.split("## Related reading\n\n")[1].splitlines()
    assert related[0] == f"- [Cache keys that never lie: hash the inputs, not the clock]({CACHE_POST})"
    assert not any("novelty" in warning for warning in last_run(tmp_path / "outputs" / "caching-talk")["warnings"])


def test_a_new_corpus_post_reruns_only_the_drafts_it_changes(cli, llm_server, talk, starter, tmp_path):
    script_outline(llm_server)
    assert cli("run", talk).exit_code == 0
    assert cli("run", talk).exit_code == 0
    assert last_run(tmp_path / "outputs" / "caching-talk")["stages_run"] == []

    (starter / "blog" / "prompt-hashes.md").write_text(
        "---\ntype: blog\ntitle: Why we hash our prompts\n"
        "url: https://devrel.example.com/blog/prompt-hashes\nlanguage: en\n---\n\n"
        "A prompt file changes the output as much as code does, so its hash goes into every cache key.\n"
    )
    index(cli, starter)
    assert cli("run", talk).exit_code == 0
    # the hooks' and community posts' examples did not change
    assert last_run(tmp_path / "outputs" / "caching-talk")["stages_run"] == ["blog"]
    assert "Why we hash our prompts" in system_prompt(llm_server, "Rewritten")


def test_a_past_post_that_answers_most_questions_is_a_warning(cli, llm_server, talk, tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "blog").mkdir(parents=True)
    (corpus / "blog" / "same-talk.md").write_text(
        "---\ntype: blog\ntitle: Caching pipelines and keeping edits\n"
        "url: https://devrel.example.com/blog/same\nlanguage: en\n---\n\n"
        "## Why a config or prompt change must invalidate the cache\n\n"
        "The cache key hashes every input and the prompt, so any edit changes the key.\n\n"
        "## What happens to a draft a person edited\n\n"
        "A person's edit is never overwritten; the new version is written beside it.\n"
    )
    index(cli, corpus)
    script_outline(llm_server)
    result = cli("run", talk)
    assert result.exit_code == 0, result.output
    warning = (
        "novelty: the past post “Caching pipelines and keeping edits” (https://devrel.example.com/blog/same) "
        "already answers 2 of the 2 questions"
    )
    assert warning in result.output.replace("\n", " ") or warning in " ".join(
        last_run(tmp_path / "outputs" / "caching-talk")["warnings"]
    )
    assert any(item.startswith(warning) for item in last_run(tmp_path / "outputs" / "caching-talk")["warnings"])


def test_community_questions_become_sections_and_open_ones_are_listed(cli, llm_server, talk, starter, tmp_path):
    script_outline(llm_server)
    result = cli("run", talk, "--to", "outline")
    assert result.exit_code == 0, result.output
    asked = "How do I stop my build cache from going stale when only a config file changes?"

    folder = tmp_path / "outputs" / "caching-talk"
    sections = json.loads((folder / "outline.json").read_text())["sections"]
    assert len(sections) == 2
    assert sections[0]["question"] == asked and sections[0]["persona"] == "community"
    assert sections[1]["question"] == "What happens to a draft a person edited?"  # no stored question matches it
    outline_md = (folder / "outline.md").read_text()
    open_part = outline_md.split("## Community questions this talk does not answer\n\n")[1]
    assert (
        "- [How do I clean up old cache entries in a data pipeline?](https://forum.devrel.example.com/t/cache-cleanup)"
        in open_part
    )
    assert asked not in open_part and f"## {asked}" in outline_md


def test_a_broken_store_does_not_stop_the_drafts(llm_server, srt_file, starter, tmp_path):
    (tmp_path / ".devrel" / "store" / "chroma.sqlite3").write_bytes(b"not a database" * 100)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHROMA_")}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "devrel"), "run", str(srt_file)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "run `devrel corpus rebuild`" in done.stderr and "drafting without the corpus" in done.stderr
    assert "<examples>" not in system_prompt(llm_server, "Rewritten")
    assert all("<examples>" not in system_prompt(llm_server, schema) for schema in HOOKS + COMMUNITY)
