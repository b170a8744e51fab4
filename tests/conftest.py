"""Shared fixtures: a clean working directory, the scripted LLM server, and real speech made with espeak-ng."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from llm_server import ScriptedLLM  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
SAMPLE = REPO / "pipeline" / "samples" / "devrel-in-five-minutes.ogg"

SRT = """1
00:00:01,000 --> 00:00:04,000
Welcome to this talk about caching data pipelines.

2
00:00:04,500 --> 00:00:09,000
Every step gets a cache key built from the hashes of its inputs and its prompt.

3
00:00:09,500 --> 00:00:14,000
Human edits are never overwritten; we write the new version beside them.
"""


@pytest.fixture(autouse=True)
def clean_env(tmp_path, monkeypatch):
    """Each test runs in its own folder with no LLM configuration leaking in from the machine."""
    for name in list(os.environ):
        if name.startswith(("DEVREL_", "OPENAI_")) and name != "DEVREL_CACHE":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def llm_server(monkeypatch):
    """The scripted OpenAI-compatible server, configured as the endpoint (short timeout, real retries)."""
    server = ScriptedLLM().start()
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    monkeypatch.setenv("DEVREL_MODEL", "scripted-model")
    monkeypatch.setenv("DEVREL_TIMEOUT", "3")
    monkeypatch.setenv("DEVREL_MAX_RETRIES", "2")
    yield server
    server.stop()


@pytest.fixture
def srt_file(tmp_path) -> Path:
    path = tmp_path / "caching-talk.srt"
    path.write_text(SRT, encoding="utf-8")
    return path


@pytest.fixture
def cli():
    from pipeline.cli import app

    runner = CliRunner()
    return lambda *args: runner.invoke(app, [str(arg) for arg in args])


def speak(text: str, path: Path, voice: str = "en-us", speed: int = 150) -> Path:
    """Real speech from espeak-ng (installed by `make setup`), as a WAV file."""
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is missing; run `make setup`")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path), text], check=True)
    return path
