"""`devrel doctor` reports the backend, whisper model and store, and exits 1 when one is not ready."""

from __future__ import annotations


def test_doctor_with_a_reachable_endpoint(cli, llm_server):
    result = cli("doctor")
    assert result.exit_code == 0, result.output
    assert "scripted-model at http://127.0.0.1" in result.output
    assert "whisper-base" in result.output and "chromadb" in result.output


def test_doctor_with_the_embedded_default(cli, monkeypatch):
    monkeypatch.setenv("DEVREL_LOCAL_MODEL", "qwen2.5-coder-0.5b")
    result = cli("doctor")
    assert result.exit_code == 0, result.output
    assert "embedded qwen2.5-coder-0.5b" in result.output and "sha256 verified" in result.output


def test_doctor_with_an_unreachable_endpoint(cli, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    result = cli("doctor")
    assert result.exit_code == 1
    assert "not ready" in result.output and "OPENAI_BASE_URL" in result.output
