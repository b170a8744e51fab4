"""Shared fixtures: a clean working directory, the scripted LLM server, and real speech made with espeak-ng."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
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


# Tests that need the real heavy parts: the embedded model (`make demo`), a browser, whisper and the speaker model on
# recordings, yt-dlp against a local site. `make test` runs them all; `make test-fast` leaves them out (the edit loop).
HEAVY_FILES = {
    "test_readme.py",
    "test_review_page.py",
    "test_transcribe.py",
    "test_diarization.py",
    "test_embedded.py",
    "test_web.py",
    "test_models.py",
}


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.name in HEAVY_FILES:
            item.add_marker(pytest.mark.slow)


def front(path: Path) -> dict:
    """A draft's YAML front matter."""
    return yaml.safe_load(path.read_text().split("---\n")[1])


def last_run(folder: Path) -> dict:
    """The newest line of a source folder's runs.jsonl: what the last run did."""
    return json.loads((folder / "runs.jsonl").read_text().splitlines()[-1])


def grounded_answers(server) -> None:
    """What a capable model answers about the SRT talk: a reader question that does not echo its passage, and a
    title and summary in the talk's own words. The scripted defaults ("What about <its first words>?", "Scripted
    outline") are what `devrel check` rightly reports: an answer restating its heading, a name the talk never says."""
    server.script(
        "SectionDraft",
        {
            "question": "What decides that a step runs again?",
            "key_points": ["Hashes of the inputs and the prompt make the key."],
        },
    )
    server.script(
        "OutlineDraft",
        {
            "title": "Caching data pipelines",
            "summary": "A cache key from the hashes of every input decides when a step runs again; human edits are "
            "never overwritten.",
            "tags": ["caching"],
            "people": [],
            "organizations": [],
            "products": [],
            "media": [],
        },
    )


def verbatim_run(quote: dict, segments: list[dict]) -> list[dict] | None:
    """The consecutive transcript segments a quote is copied from (starting at its segment_id), or None.

    Spaces are ignored (segments are joined with or without one); every other character must be the speaker's."""
    squash = lambda text: "".join(text.split())  # noqa: E731
    index = next(i for i, segment in enumerate(segments) if segment["id"] == quote["segment_id"])
    for end in range(index + 1, min(index + 6, len(segments)) + 1):
        if squash(quote["text"]) == "".join(squash(segment["text"]) for segment in segments[index:end]):
            return segments[index:end]
    return None


@pytest.fixture(autouse=True)
def clean_env(tmp_path, monkeypatch):
    """Each test runs in its own folder with no LLM or Chroma server configuration leaking in from the machine."""
    for name in list(os.environ):
        if name.startswith(("DEVREL_", "OPENAI_", "CHROMA_")) and name != "DEVREL_CACHE":
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


class _Site:
    """A local web site for yt-dlp: files from a folder, plus a redirect to a link-local (cloud metadata) address."""

    def __init__(self, root: Path):
        import functools
        import threading
        from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

        self.root, self.paths = root, []
        site = self

        class Handler(SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                site.paths.append(self.path)
                if self.path == "/redirect":
                    self.send_response(302)
                    self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                    self.end_headers()
                    return
                super().do_GET()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/{path}"


@pytest.fixture
def site(tmp_path):
    """Serves tmp_path/site on 127.0.0.1, and allows our own loopback server in devrel.toml (nothing else private)."""
    root = tmp_path / "site"
    root.mkdir()
    (tmp_path / "devrel.toml").write_text('allow_private_urls = ["127.0.0.0/8"]\n')
    served = _Site(root)
    yield served
    served.server.shutdown()
    served.server.server_close()


def speak_ogg(text: str, path: Path, voice: str = "en-us") -> Path:
    wav = speak(text, path.with_suffix(".wav"), voice)
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-i", str(wav), "-c:a", "libvorbis", "-q:a", "1", str(path)], check=True
    )
    wav.unlink()
    return path
