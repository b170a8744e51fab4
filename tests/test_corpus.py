"""`devrel corpus`: a real chromadb store in a temp folder, real USE embeddings, the starter corpus and small ones."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO

BIN = Path(sys.executable).parent


def embedded() -> int:
    from pipeline.corpus.store import UsemEmbedding

    return UsemEmbedding.embedded


def post(folder: Path, name: str, kind: str, title: str, body: str, language: str = "en") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"---\ntype: {kind}\ntitle: {title}\nurl: https://example.com/{path.stem}\n"
        f"language: {language}\n---\n\n{body}\n"
    )
    return path


def search(cli, *args) -> list[dict]:
    result = cli("corpus", "search", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def starter(cli, tmp_path) -> Path:
    shutil.copytree(REPO / "corpus", tmp_path / "corpus")
    result = cli("corpus", "index")
    assert result.exit_code == 0, result.output
    return tmp_path / "corpus"


def devrel(*args, cwd, env=None, check=True) -> subprocess.CompletedProcess:
    """A separate process: chromadb caches its clients per process, and locks are per process."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DEVREL_", "CHROMA_"))} | (env or {})
    done = subprocess.run(
        [str(BIN / "devrel"), *args], cwd=cwd, env=environ, capture_output=True, text=True, timeout=120
    )
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_index_is_incremental(cli, tmp_path):
    corpus = tmp_path / "corpus"
    post(
        corpus,
        "blog/one.md",
        "blog",
        "Caching",
        "## Keys\n\nHash the inputs.\n\n## Edits\n\nNever overwrite a person's edit.",
    )
    post(corpus, "blog/two.md", "blog", "Locks", "One writer at a time, behind a file lock.")
    post(corpus, "questions/q.md", "question", "How do I choose a cache key?", "Details.")

    before = embedded()
    result = cli("corpus", "index")
    assert result.exit_code == 0, result.output
    assert "3 file(s): 4 chunk(s) added, 0 removed, 0 unchanged; 4 embedded" in result.stdout
    assert embedded() - before == 4

    before = embedded()
    result = cli("corpus", "index")  # nothing changed: nothing embedded
    assert "0 chunk(s) added, 0 removed, 4 unchanged; 0 embedded" in result.stdout and embedded() == before

    post(
        corpus,
        "blog/one.md",
        "blog",
        "Caching",
        "## Keys\n\nHash the inputs and the prompt.\n\n## Edits\n\nNever overwrite a person's edit.",
    )
    before = embedded()
    result = cli("corpus", "index")  # one paragraph changed: only its chunk is embedded again
    assert "1 chunk(s) added, 1 removed, 3 unchanged; 1 embedded" in result.stdout and embedded() - before == 1
    assert search(cli, "hash the prompt", "-k", "1")[0]["text"].endswith("Hash the inputs and the prompt.")

    (corpus / "blog" / "two.md").unlink()
    result = cli("corpus", "index")
    assert "2 file(s): 0 chunk(s) added, 1 removed, 3 unchanged; 0 embedded" in result.stdout
    assert all(hit["file"] != "corpus/blog/two.md" for hit in search(cli, "file lock writer", "-k", "10"))
    stats = json.loads(cli("corpus", "stats", "--json").stdout)
    assert stats["files"] == 2 and stats["chunks"] == 3 and stats["types"] == {"blog": 1, "question": 1}


def test_files_that_are_not_corpus_items_are_skipped_with_a_reason(cli, tmp_path):
    post(tmp_path / "corpus", "blog/ok.md", "blog", "Fine", "Text.")
    (tmp_path / "corpus" / "notes.md").write_text("no front matter here\n")
    (tmp_path / "corpus" / "README.md").write_text("what this folder is\n")
    result = cli("corpus", "index")
    assert result.exit_code == 0
    assert "1 file(s)" in result.stdout and "notes.md: front matter `type` is 'missing'" in result.output
    assert "README" not in result.output


def test_chinese_finds_english_and_the_reverse(cli, starter):
    hit = search(cli, "用内容哈希生成缓存键，而不是时间戳", "--type", "blog", "-k", "1")[0]
    assert hit["file"] == "corpus/blog/cache-keys-from-content.md" and hit["language"] == "en"
    hit = search(cli, "How do I keep a small local model's JSON output under control?", "--type", "blog", "-k", "1")[0]
    assert hit["file"] == "corpus/blog/zh-local-llm-on-a-laptop.md" and hit["language"] == "zh"
    hit = search(cli, "两个进程同时写入同一个向量索引", "--type", "question", "-k", "1")[0]
    assert hit["file"] == "corpus/questions/two-writers-vector-index.md"


def test_type_filter_and_json_shape(cli, starter):
    hits = search(cli, "caching", "--type", "question", "-k", "3")
    assert len(hits) == 3 and {hit["type"] for hit in hits} == {"question"}
    assert set(hits[0]) == {"file", "type", "title", "url", "language", "heading", "text", "score"}
    assert [hit["score"] for hit in hits] == sorted((hit["score"] for hit in hits), reverse=True)
    assert hits[0]["url"].startswith("https://")
    text = cli("corpus", "search", "caching", "--type", "hook", "-k", "2")
    assert text.exit_code == 0 and "hook" in text.stdout and "question" not in text.stdout
    bad = cli("corpus", "search", "caching", "--type", "tweet")
    assert bad.exit_code == 2 and "not a corpus type" in bad.output


def test_search_without_a_store_says_what_to_run(cli):
    result = cli("corpus", "search", "anything")
    assert result.exit_code == 2 and "devrel corpus index" in result.output
    assert not Path(".devrel").exists()  # reading never creates a store


HOLD = """
import sys
from pipeline.config import load_settings
from pipeline.corpus import store
with store.writing(load_settings()) as col:
    col.upsert(ids=["held"], documents=["written while holding the lock"], metadatas=[{"file": "held.md", "type": "blog"}])
    print("holding", flush=True)
    sys.stdin.readline()  # hold the lock until the test says so
"""  # noqa: E501 - a script run in a subprocess, kept as written


def test_a_second_writer_waits_or_is_told_the_store_is_busy(cli, starter, tmp_path, monkeypatch):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEVREL_", "CHROMA_"))}
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD], cwd=tmp_path, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    waiter = None
    try:
        assert holder.stdout.readline().strip() == "holding"
        monkeypatch.setenv("DEVREL_STORE_WAIT", "0.5")
        busy = cli("corpus", "index")
        assert busy.exit_code == 2 and "is busy: another devrel process is writing it; try again" in busy.output
        # readers are not blocked, and see a whole store (a new process reopens it by the registered embedding)
        hits = json.loads(
            devrel("corpus", "search", "两个进程同时写入同一个向量索引", "--json", "-k", "3", cwd=tmp_path).stdout
        )
        assert "corpus/questions/two-writers-vector-index.md" in [hit["file"] for hit in hits]

        waiter = subprocess.Popen(
            [str(BIN / "devrel"), "corpus", "index"],
            cwd=tmp_path,
            env=env | {"DEVREL_STORE_WAIT": "60"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(2)
        assert waiter.poll() is None  # still waiting for the lock
        holder.stdin.write("release\n")
        holder.stdin.flush()
        out, err = waiter.communicate(timeout=60)
        assert waiter.returncode == 0, out + err
        assert "0 chunk(s) added, 0 removed, 38 unchanged" in out
    finally:
        for process in (holder, waiter):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
    stats = json.loads(cli("corpus", "stats", "--json").stdout)
    assert stats["chunks"] == 39 and stats["files"] == 19  # the starter corpus plus the holder's chunk, nothing lost


def test_a_broken_store_names_rebuild(cli, starter, tmp_path):
    (tmp_path / ".devrel" / "store" / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    broken = devrel("corpus", "search", "cache", cwd=tmp_path, check=False)
    assert broken.returncode == 2 and "run `devrel corpus rebuild`" in broken.stderr
    assert "Traceback" not in broken.stderr
    rebuilt = devrel("corpus", "rebuild", cwd=tmp_path)
    assert "18 file(s): 38 chunk(s) added" in rebuilt.stdout
    hits = json.loads(devrel("corpus", "search", "cache keys", "--json", "-k", "1", cwd=tmp_path).stdout)
    assert hits[0]["file"].startswith("corpus/")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_shared_chroma_server(cli, tmp_path, monkeypatch):
    port = free_port()
    server = subprocess.Popen(
        [
            str(BIN / "chroma"),
            "run",
            "--path",
            str(tmp_path / "server-data"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2).read()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "chroma run did not start"
                time.sleep(0.3)
        monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
        monkeypatch.setenv("CHROMA_PORT", str(port))
        post(tmp_path / "corpus", "blog/locks.md", "blog", "Locks", "One writer at a time, behind a file lock.")
        post(tmp_path / "corpus", "blog/zh.md", "blog", "缓存", "用内容的哈希作为缓存键。", language="zh")
        assert "2 chunk(s) added" in cli("corpus", "index").stdout
        assert "0 embedded" in cli("corpus", "index").stdout
        assert search(cli, "cache keys from content hashes", "-k", "1")[0]["file"] == "corpus/blog/zh.md"
        stats = json.loads(cli("corpus", "stats", "--json").stdout)
        assert stats["store"] == f"Chroma server 127.0.0.1:{port}" and stats["files"] == 2
        assert not (tmp_path / ".devrel" / "store").exists()  # nothing was written locally
    finally:
        server.terminate()
        server.wait(timeout=30)
    down = cli("corpus", "stats")
    assert down.exit_code == 2 and "cannot reach the Chroma server" in down.output


def test_cjk_text_is_split_at_sentence_ends():
    from pipeline.corpus.chunks import CHUNK_CHARS, Doc, chunks

    sentence = "本地模型需要一个长度上限，否则它会一直写下去。"
    doc = Doc(file="zh.md", type="blog", title="长文", body="## 标题\n\n" + sentence * 80)
    made = chunks(doc)
    assert len(made) > 1
    assert all(len(chunk.text) <= CHUNK_CHARS + 20 for chunk in made)
    assert all(chunk.text.endswith("。") for chunk in made)
    assert [chunk.meta["position"] for chunk in made] == list(range(len(made)))
