"""Docs cannot drift: every command in the README and docs code blocks is run here, and every CLI command has help.

`make demo` runs for real with the embedded model (the 0.5B, to keep CI fast): it is also the end-to-end test of the
embedded LLM, whisper and every stage on the bundled sample.
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
import yaml

from conftest import REPO, SRT, speak, speak_ogg, verbatim_run

BIN = os.path.dirname(sys.executable)


def readme_commands() -> list[str]:
    """The commands in the ```sh blocks of README.md, then of every docs/*.md in name order (```console is not run)."""
    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    blocks = [block for page in pages for block in re.findall(r"```sh\n(.*?)```", page.read_text(), flags=re.S)]
    lines = [line.split("  #")[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def sh(command: str, cwd, env_extra: dict | None = None, timeout: int = 900) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENAI_", "DEVREL_", "CHROMA_")) or k == "DEVREL_CACHE"
    }
    env["PATH"] = f"{BIN}:{env['PATH']}"
    env.update(env_extra or {})
    return subprocess.run(command, shell=True, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def endpoint(server) -> dict:
    return {"OPENAI_BASE_URL": server.url, "OPENAI_API_KEY": "test-key", "DEVREL_MODEL": "scripted-model"}


def run_make_demo(command, tmp_path, server):
    out = tmp_path / "demo-out"
    done = sh(
        f"{command} DEMO_MODEL=qwen2.5-coder-0.5b DEMO_OUT={out}", REPO, endpoint(server)
    )  # the key must be ignored
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    folder = out / "devrel-in-five-minutes"
    assert f"{folder}/" in done.stdout
    assert server.requests == []  # the demo never uses a configured endpoint
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["artifacts"]["blog.md"]["model"] == "qwen2.5-coder-0.5b"
    segments = json.loads((folder / "transcript.json").read_text())["segments"]
    outline = json.loads((folder / "outline.json").read_text())
    assert outline["sections"]
    for section in outline["sections"]:
        for quote in section["quotes"]:
            assert verbatim_run(quote, segments), quote
    blog = (folder / "blog.md").read_text()
    front = yaml.safe_load(blog.split("---\n")[1])
    assert front["status"] == "draft" and front["language"] == "en" and front["title"]
    assert outline["sections"][0]["quotes"][0]["text"] in blog
    hooks = (folder / "hooks.md").read_text()
    assert all(int(n) <= 280 for n in re.findall(r"### X post \d \((\d+)/280\)", hooks))
    run = json.loads((folder / "runs.jsonl").read_text().splitlines()[-1])
    assert run["llm_calls"] >= 4 and run["tokens_out"] > 0 and run["status"] == "ok"
    again = sh(f"{command} DEMO_MODEL=qwen2.5-coder-0.5b DEMO_OUT={out}", REPO)
    assert again.returncode == 0
    rerun = json.loads((folder / "runs.jsonl").read_text().splitlines()[-1])
    assert rerun["stages_run"] == [] and rerun["llm_calls"] == 0


INTERVIEW = """MAYA:  Welcome back. Today I'm talking with Ada about build caches.
MAYA:  Why did your team start hashing every input of a pipeline step?
ADA:  A full rerun took forty minutes on every commit, and most steps had nothing new to do at all.
MAYA:  What happens when somebody edits a draft by hand?
ADA:  A human edit is never overwritten; the new version is written beside it, and the reviewer picks one.
MAYA:  How do you test it?
ADA:  We run the real parts at the boundary and script only the remote model provider, with injected faults.
"""


def run_devrel(command, tmp_path, server):
    if "talk.mp4" in command:
        wav = speak("Hello developers. This talk explains caching with content hashes.", tmp_path / "talk.wav")
        subprocess.run(
            ["ffmpeg", "-loglevel", "error", "-y", "-i", str(wav), "-c:a", "aac", str(tmp_path / "talk.mp4")],
            check=True,
        )
    (tmp_path / "talk.srt").write_text(SRT)
    if "interview.txt" in command:
        (tmp_path / "interview.txt").write_text(INTERVIEW)
    if command.startswith("devrel corpus") and not (tmp_path / "corpus").exists():
        shutil.copytree(REPO / "corpus", tmp_path / "corpus")  # the starter corpus, as in a fresh clone
    if command.startswith("devrel clip"):  # a recording seconds long: one clip of it, as a run writes them
        wav = speak("Hello developers. This talk explains caching with content hashes.", tmp_path / "keynote.wav")
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", wav, tmp_path / "keynote.mp4"], check=True)
        assert sh("devrel run keynote.mp4 --to transcript", tmp_path, endpoint(server)).returncode == 0
        said = {"n": 1, "start": 0.5, "end": 3.0, "speaker": "", "opening": "Hello developers.", "title": "Caching"}
        srt = "1\n00:00:00,000 --> 00:00:02,500\nHello developers.\n"
        clips = {"clips": [said | {"score": 1.0, "srt": srt}]}
        (tmp_path / "outputs" / "keynote" / "clips.json").write_text(json.dumps(clips))
    if command.startswith("devrel review") and not (tmp_path / "outputs" / "talk" / "blog.md").exists():
        assert sh("devrel run talk.srt", tmp_path, endpoint(server)).returncode == 0  # drafts to review
    done = sh(command, tmp_path, endpoint(server))
    assert done.returncode == 0, done.stdout + done.stderr
    if command.startswith("devrel corpus search"):
        assert "corpus/blog/" in done.stdout
    if command.startswith("devrel review approve"):
        assert (tmp_path / "corpus" / "blog" / "talk.md").exists() and "status: approved" in (
            tmp_path / "outputs" / "talk" / "blog.md"
        ).read_text()
    if command.startswith("devrel run") and "interview.txt" in command:
        segments = json.loads((tmp_path / "outputs" / "interview" / "transcript.json").read_text())["segments"]
        assert {s["mark"] for s in segments if s["speaker"] == "Maya"} == {"host"}  # the host asks, never quoted
    elif command.startswith("devrel run"):
        folder = tmp_path / "outputs" / "talk"
        assert (folder / ("outline.md" if "--to outline" in command else "community.md")).exists()
    if command.startswith("devrel clip"):
        assert (tmp_path / "outputs" / "keynote" / "clips" / "clip-1.mp4").exists()
    if command == "devrel doctor":
        assert "scripted-model" in done.stdout and "whisper" in done.stdout


def run_web(command, tmp_path, site):
    """URLs in the README and docs point at example.com; here the same commands run against the local site."""
    (site.root / "talks").mkdir(exist_ok=True)
    speak_ogg("Welcome to the keynote about caching pipelines.", site.root / "talks" / "keynote.ogg")
    items = "".join(f"<item><title>{n}</title><link>{site.url('talks/keynote.ogg')}</link></item>" for n in ("One",))
    (site.root / "feed.xml").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'
    )
    done = sh(command.replace("https://example.com/", site.url("")), tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "outputs" / "keynote" / "transcript.json").exists()


def run_batch(command, tmp_path, server):
    spec = yaml.safe_load((REPO / "sources.yaml").read_text())
    for item in spec["items"]:
        item["path"] = str(REPO / item["path"])  # the repo's own sources file, with paths made absolute
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump(spec))
    done = sh(command, tmp_path, endpoint(server))
    assert done.returncode == 0, done.stdout + done.stderr
    week = Path(done.stdout.strip().splitlines()[-1])
    assert json.loads((tmp_path / week / "batch.json").read_text())["totals"]["ok"] == len(spec["items"])
    assert (tmp_path / week / "digest.md").exists()


def run_make_weekly(command, tmp_path):
    out = tmp_path / "weekly-out"
    done = sh(f"{command} DEMO_MODEL=qwen2.5-coder-0.5b DEMO_OUT={out}", REPO)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (week,) = [path for path in out.iterdir() if path.is_dir()]
    record = json.loads((week / "batch.json").read_text())
    assert record["totals"]["ok"] == record["totals"]["items"] >= 1
    assert "blog.md" in (week / "digest.md").read_text()


def test_every_readme_and_docs_command_runs(tmp_path, llm_server, site):
    commands = readme_commands()
    assert "make demo" in commands and "make test" in commands
    for command in commands:
        if command == "make demo":
            run_make_demo(command, tmp_path, llm_server)
        elif command == "make test":
            # this very run is `make test`; check the target resolves without recursing into it
            assert sh("make -n test", REPO).returncode == 0
        elif command == "source .venv/bin/activate":
            assert (REPO / ".venv" / "bin" / "activate").exists()
        elif command.startswith("export "):
            name = command.split()[1].split("=")[0]
            assert name in {"OPENAI_API_KEY", "OPENAI_BASE_URL", "DEVREL_MODEL"}  # read by pipeline.config
        elif command == "make weekly":
            run_make_weekly(command, tmp_path)
        elif command.startswith("devrel run https://example.com/"):
            run_web(command, tmp_path, site)
        elif command.startswith("devrel batch"):
            run_batch(command, tmp_path, llm_server)
        elif command.startswith("devrel "):
            run_devrel(command, tmp_path, llm_server)
        else:
            pytest.fail(f"README and docs command with no test: {command}")


def test_every_cli_command_has_help(cli):
    from pipeline.cli import app

    for command in app.registered_commands:
        assert command.callback.__doc__, command.name
        result = cli(command.name or command.callback.__name__, "--help")
        assert result.exit_code == 0 and "Usage" in result.output
    for group in app.registered_groups:  # devrel corpus ..., devrel review ...
        for command in group.typer_instance.registered_commands:
            assert command.callback.__doc__, f"{group.name} {command.name}"
            result = cli(group.name, command.name or command.callback.__name__, "--help")
            assert result.exit_code == 0 and "Usage" in result.output


def test_the_layout_section_matches_the_tree():
    """The README's layout names every folder of the package and no folder that is gone; none holds over 12 modules."""
    section = (REPO / "README.md").read_text().split("## Layout", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"\b([a-z_]+)/", section)) - {"pipeline"}
    package = REPO / "pipeline"
    folders = {path.name for path in package.iterdir() if path.is_dir() and path.name != "__pycache__"}
    assert named == folders
    for folder in [package, *package.rglob("*/")]:
        if folder.name != "__pycache__":
            assert len(list(folder.glob("*.py"))) <= 12, folder
