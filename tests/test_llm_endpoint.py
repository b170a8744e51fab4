"""The real openai client against the scripted server: retries, Retry-After, timeouts, malformed answers."""

from __future__ import annotations

import time

import pytest

from conftest import grounded_answers, last_run
from llm_server import Fault, Hang, Raw
from pipeline.config import load_settings
from pipeline.llm.client import LLM, MAX_GRAMMAR_STRING, check_bounded, inline_refs
from pipeline.llm.prompts import load_prompt
from pipeline.stages.blog import Rewritten
from pipeline.stages.community import DiscordDraft, ForumDraft, NewsletterDraft
from pipeline.stages.drafting import Shortened
from pipeline.stages.hooks import LinkedInDraft, TitlesDraft, XPostDraft
from pipeline.stages.outline import OutlineDraft, SectionDraft


def test_429_with_retry_after_then_success(cli, llm_server, srt_file, tmp_path):
    grounded_answers(llm_server)  # a question that needs no edit: a call for the section, the outline, the name
    llm_server.faults.append(Fault(429, headers={"Retry-After": "1"}))
    started = time.monotonic()
    result = cli("run", srt_file, "--to", "outline")
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started >= 1.0  # the client waited as told
    calls = last_run(tmp_path / "outputs" / "caching-talk")["calls"]  # the question, the outline, the part name
    assert [call["attempts"] for call in calls] == [1, 1, 1]  # the client's own retry, no second layer:
    assert len(llm_server.requests) == len(calls) + 1  # one refused, then all answered


def test_seed_from_config_reaches_the_endpoint(cli, llm_server, srt_file, monkeypatch):
    assert cli("run", srt_file, "--to", "outline").exit_code == 0
    assert {request.get("seed") for request in llm_server.requests} == {0}  # same inputs, same drafts by default
    monkeypatch.setenv("DEVREL_SEED", "7")
    assert cli("run", srt_file, "--to", "outline").exit_code == 0  # a new seed is a new cache key: asked again
    assert llm_server.requests[-1]["seed"] == 7


def test_500_then_success(cli, llm_server, srt_file, tmp_path):
    llm_server.faults.append(Fault(500))
    assert cli("run", srt_file, "--to", "outline").exit_code == 0
    assert len(llm_server.requests) == len(last_run(tmp_path / "outputs" / "caching-talk")["calls"]) + 1


def test_persistent_500_fails_the_stage_with_one_line(cli, llm_server, srt_file, tmp_path):
    llm_server.faults.extend([Fault(500)] * 3)
    result = cli("run", srt_file, "--to", "outline")
    assert result.exit_code == 1
    assert "answered HTTP 500" in result.output and "Traceback" not in result.output
    assert len(llm_server.requests) == 3  # first try + max_retries (2)
    assert last_run(tmp_path / "outputs" / "caching-talk")["status"] == "failed"
    assert (tmp_path / "outputs" / "caching-talk" / "transcript.json").exists()  # earlier stages kept


def test_a_hang_past_the_timeout_is_a_clear_error(cli, llm_server, srt_file, monkeypatch):
    monkeypatch.setenv("DEVREL_TIMEOUT", "1")
    monkeypatch.setenv("DEVREL_MAX_RETRIES", "0")
    llm_server.faults.append(Hang(3))
    result = cli("run", srt_file, "--to", "outline")
    assert result.exit_code == 1
    assert "timed out after 1s" in result.output


def test_malformed_json_is_reasked_once_with_the_error(cli, llm_server, srt_file, tmp_path):
    llm_server.script(
        "SectionDraft",
        {
            "question": "What decides that a step runs again?",
            "key_points": ["Hashes of the inputs and the prompt make the key."],
        },
    )
    llm_server.script("OutlineDraft", Raw('{"title": "cut off'))
    result = cli("run", srt_file, "--to", "outline")
    assert result.exit_code == 0, result.output
    retry = llm_server.chat_requests("OutlineDraft")[-1]["messages"]
    assert retry[-1]["role"] == "user" and "invalid" in retry[-1]["content"]
    run = last_run(tmp_path / "outputs" / "caching-talk")
    assert [(call["prompt"], call["attempts"]) for call in run["calls"]] == [
        ("section", 1),
        ("outline", 2),
        ("part-name", 1),
    ]
    assert run["llm_calls"] == 4


def test_schema_violations_twice_fail_the_stage(cli, llm_server, srt_file):
    llm_server.script("OutlineDraft", {"title": "no sections"}, Raw("not json at all"))
    result = cli("run", srt_file, "--to", "outline")
    assert result.exit_code == 1
    assert "not a valid OutlineDraft after a retry" in result.output


def test_runaway_output_cut_by_max_tokens_is_retried(cli, llm_server, srt_file):
    llm_server.script("OutlineDraft", Raw('{"title": "' + "\\n" * 50, finish_reason="length"))
    assert cli("run", srt_file, "--to", "outline").exit_code == 0
    assert len(llm_server.chat_requests("OutlineDraft")) == 2


def test_lenient_parsing_of_fenced_answers_with_raw_newlines(llm_server):
    answer = '```json\n{"text": "line one\nline two"}\n```'
    llm_server.script("Shortened", Raw(answer))
    llm = LLM(load_settings())
    result = llm.structured(load_prompt("shorten"), Shortened, 50, text="x", limit="5", length="1")
    assert result.text == "line one\nline two"
    request = llm_server.requests[0]
    assert request["max_tokens"] == 50
    assert request["response_format"]["type"] == "json_schema"


def test_endpoint_unreachable(cli, srt_file, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "x")
    monkeypatch.setenv("DEVREL_MAX_RETRIES", "0")
    result = cli("run", srt_file, "--to", "outline")
    assert result.exit_code == 1 and "cannot reach LLM" in result.output


SCHEMAS = [
    SectionDraft,
    OutlineDraft,
    Rewritten,
    TitlesDraft,
    XPostDraft,
    LinkedInDraft,
    DiscordDraft,
    ForumDraft,
    NewsletterDraft,
    Shortened,
]


@pytest.mark.parametrize("schema", SCHEMAS)
def test_every_schema_compiles_to_a_bounded_grammar(schema):
    """llama.cpp's server dies on a string bound over ~1000; an unbounded string lets a small model run away."""
    check_bounded(inline_refs(schema.model_json_schema()))


def test_check_bounded_refuses_long_or_unbounded_strings():
    with pytest.raises(ValueError):
        check_bounded({"type": "object", "properties": {"a": {"type": "string"}}})
    with pytest.raises(ValueError):
        check_bounded({"type": "array", "items": {"type": "string", "maxLength": MAX_GRAMMAR_STRING + 1}})
