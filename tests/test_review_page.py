"""`devrel review serve`: the review page, driven in real headless Chromium over drafts made by `devrel run`.

The browser test walks a creator's session: the list, a draft beside its transcript (click a section's time: the
transcript and the player jump there), an edit saved in place (a rerun keeps it), live character counts, approve and
reject. Plain HTTP tests cover what must be refused: paths outside the outputs folder, POSTs without the token, a
foreign Host, and a draft's raw HTML.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import front, speak
from pipeline.artifacts import Source, sha256_file
from pipeline.config import load_settings
from pipeline.review.server import ReviewServer

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = Path("/tmp/review-page.png")


def long_srt(path: Path, count: int = 40) -> Path:
    """A transcript long enough that its last segment sits below the fold of the transcript pane."""
    lines = []
    for n in range(1, count + 1):
        start, end = (n - 1) * 4, (n - 1) * 4 + 3
        lines += [
            str(n),
            f"00:{start // 60:02d}:{start % 60:02d},000 --> 00:{end // 60:02d}:{end % 60:02d},000",
            f"Sentence number {n} explains detail {n * 37} about cache keys and reruns.",
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def serve(tmp_path):
    """Start the review page on a free port in a thread; returns a function so a test serves after making drafts."""
    servers = []

    def start(out: Path = Path("outputs")) -> ReviewServer:
        server = ReviewServer(load_settings(), out, port=0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def request(server: ReviewServer, method: str, path: str, body: str = "", headers: dict | None = None):
    """A raw request: http.client sends the path as written, so `..` and %2e%2e reach the server untouched."""
    connection = http.client.HTTPConnection(*server.server_address, timeout=10)
    sent = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
    connection.request(method, path, body=body.encode(), headers=sent)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), data


# ---------------------------------------------------------------------------------------------- in the browser


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is missing; run `make setup` (it is in the test extra)")
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is missing; run `make setup` (it installs Debian's chromium)")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 800},
        )
        yield context
        context.close()


def silence_first(wav: Path, seconds: float) -> Path:
    """The recording starts after a pause, so the talk (and its one section) starts after 0:00."""
    padded = wav.with_name(f"{wav.stem}-padded.wav")
    delay = f"adelay={int(seconds * 1000)}"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(wav), "-af", delay, str(padded)], check=True)
    padded.replace(wav)
    return wav


def test_a_creator_reviews_edits_and_approves_in_the_browser(cli, llm_server, serve, browser, tmp_path):
    talk = silence_first(
        speak(
            "Welcome to the talk about caching pipelines. Every step gets a cache key built from its inputs. "
            "Human edits are never overwritten by the pipeline.",
            tmp_path / "talk.wav",
        ),
        3,
    )
    long_talk = long_srt(tmp_path / "long-talk.srt")
    for source in (talk, long_talk):
        result = cli("run", source)
        assert result.exit_code == 0, result.output
    server = serve()
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # the list: every source with its drafts, status and check figures
    page.goto(server.url)
    rows = page.locator("li.row")
    assert rows.count() == 8
    blog_row = page.locator('li.row[data-draft="talk/blog.md"]')
    assert "draft" in blog_row.locator(".badge").first.inner_text() and "limits ok" in blog_row.inner_text()
    hooks_row = page.locator('li.row[data-draft="talk/hooks.md"]').inner_text()
    assert "quotes 2/2 verified" in hooks_row  # the X post and the LinkedIn post quote the talk
    page.screenshot(path=str(tmp_path / "review-list.png"), full_page=True)

    # a draft beside its transcript: a section's time moves the transcript and the player to where it starts
    blog_row.locator("a").click()
    page.wait_for_url(re.compile(r"/draft/talk/blog\.md$"))
    page.wait_for_function("document.getElementById('player').readyState >= 1", timeout=15000)
    stamp = page.locator("#rendered a.ts").first  # "▶ [00:02]" under the section's heading
    seconds, segment = float(stamp.get_attribute("data-t")), stamp.get_attribute("data-seg")
    outline = json.loads((tmp_path / "outputs" / "talk" / "outline.json").read_text())
    assert seconds > 0 and segment == str(outline["sections"][0]["first"])
    stamp.click()
    highlighted = page.locator(".segment.current")
    assert highlighted.count() == 1 and highlighted.get_attribute("id") == f"seg-{segment}"
    assert "Welcome" in highlighted.inner_text()
    page.wait_for_function(f"Math.abs(document.getElementById('player').currentTime - {seconds}) < 0.3", timeout=5000)
    page.screenshot(path=str(tmp_path / "review-draft.png"), full_page=True)
    shutil.copy(tmp_path / "review-draft.png", SCREENSHOT)

    # edit in place: the file changes on disk, the check reruns, and a rerun of the pipeline keeps the edit
    blog = tmp_path / "outputs" / "long-talk" / "blog.md"
    page.goto(server.url + "draft/long-talk/blog.md")
    assert page.locator("#figures").inner_text().startswith("quotes 0/0 verified")  # the speaker's words, no quotes
    page.locator("#editor summary").click()
    text = page.locator("#text").input_value()
    added = (
        "\n> Sentence number 40 explains detail 1480 about cache keys and reruns.\n>\n> — [02:36]\n"
        "\n> The speaker never said this sentence at all, not once.\n"
    )
    page.locator("#text").fill(text + added)
    page.locator("button.save").click()
    page.wait_for_url(re.compile(r"done=saved"))
    assert blog.read_text() == text.replace("\r\n", "\n") + added  # saved as written, with plain newlines
    assert "Saved" in page.locator(".flash").inner_text()
    assert page.locator("#figures").inner_text().startswith("quotes 1/2 verified")
    assert (
        page.locator("blockquote.unverified").count() == 1
        and "not in the transcript" in page.locator(".problems").inner_text()
    )
    assert "edited" in page.locator("#status").inner_text()
    page.locator("blockquote a.ts").last.click()  # segment 40, far down the transcript pane
    page.screenshot(path=str(tmp_path / "review-edited.png"), full_page=True)
    assert page.locator(".segment.current").get_attribute("id") == "seg-40"
    pane = page.evaluate("""() => { const pane = document.getElementById('segments'), seg = document.getElementById('seg-40');
        const p = pane.getBoundingClientRect(), s = seg.getBoundingClientRect();
        return {scrolled: pane.scrollTop, visible: s.top >= p.top - 1 && s.bottom <= p.bottom + 1}; }""")  # noqa: E501 - JavaScript source, kept as written
    assert pane["scrolled"] > 0 and pane["visible"], pane
    result = cli("run", long_talk, "--force")
    assert result.exit_code == 0, result.output
    assert blog.read_text().endswith(added) and (blog.parent / "blog.new.md").exists()
    page.goto(server.url)
    assert "new version waiting: blog.new.md" in page.locator('li.row[data-draft="long-talk/blog.md"]').inner_text()

    # hooks and community: characters counted per post as you type, links as 23 like X does
    page.goto(server.url + "draft/talk/hooks.md")
    page.locator("#editor summary").click()
    hooks = page.locator("#text").input_value()
    post = re.search(r"^### X post 1 \((\d+)/280\)\n\n(.+?)\n\n(?=#)", hooks, flags=re.M | re.S)
    assert post and post.group(2).startswith("“")  # the spoken talk's quote
    assert page.locator("#counts li").first.inner_text() == f"X post 1: {post.group(1)}/280"  # as the pipeline counted

    def with_post(text: str) -> str:
        return hooks[: post.start(2)] + text + hooks[post.end(2) :]

    page.locator("#text").fill(with_post("a" * 250 + " https://example.com/" + "x/" * 40))
    first = page.locator("#counts li").first
    assert first.inner_text() == "X post 1: 274/280" and first.get_attribute("class") == "ok"
    page.locator("#text").fill(with_post("a" * 250 + " https://example.com/ " + "b" * 60))
    assert first.inner_text() == f"X post 1: {250 + 1 + 23 + 1 + 60}/280" and first.get_attribute("class") == "over"
    page.goto(server.url + "draft/talk/community.md")
    page.locator("#editor summary").click()
    discord = re.search(
        r"^## Discord \((\d+)/2000\)$", (tmp_path / "outputs" / "talk" / "community.md").read_text(), flags=re.M
    )
    assert (
        page.locator("#counts li").first.inner_text() == f"Discord: {discord.group(1)}/2000"
    )  # as the pipeline counted

    # approve and reject do what `devrel review approve|reject` does
    page.goto(server.url + "draft/talk/blog.md")
    page.locator("button.approve").click()
    page.wait_for_url(re.compile(r"done=approved"))
    drafted = tmp_path / "outputs" / "talk"
    assert front(drafted / "blog.md")["status"] == "approved" and (tmp_path / "corpus" / "blog" / "talk.md").is_file()
    assert (
        "approved" in page.locator("#status").inner_text()
        and "corpus/blog/talk.md" in page.locator(".flash").inner_text()
    )
    page.goto(server.url + "draft/talk/community.md")
    page.locator("button.reject").click()
    page.wait_for_url(re.compile(r"done=rejected"))
    assert front(drafted / "community.md")["status"] == "rejected"
    listed = cli("review", "list").stdout
    assert re.search(r"approved\s+blog\s+outputs/talk/blog\.md", listed) and re.search(
        r"rejected\s+community\s+outputs/talk/community\.md", listed
    )
    assert errors == []
    page.close()


# ---------------------------------------------------------------------------------------------- plain HTTP


@pytest.fixture
def drafts(cli, llm_server, srt_file, tmp_path) -> Path:
    assert cli("run", srt_file).exit_code == 0
    assert cli("run", srt_file, "--out", tmp_path / "outputs" / "2025-W10").exit_code == 0  # a weekly batch folder
    return tmp_path / "outputs" / "caching-talk"


def test_only_drafts_under_the_outputs_folder_are_served(drafts, serve, tmp_path):
    server = serve()
    assert request(server, "GET", "/draft/caching-talk/blog.md")[0] == 200
    assert request(server, "GET", "/draft/2025-W10/caching-talk/hooks.md")[0] == 200
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "blog.md").write_text("---\ntitle: secret\n---\nsecret\n")
    (tmp_path / "outputs" / "linked").symlink_to(tmp_path / "secret")
    refused = [
        "/draft/../secret/blog.md",
        "/draft/%2e%2e/secret/blog.md",
        "/draft/caching-talk/..%2f..%2fsecret/blog.md",
        "/draft/%2E%2E/%2E%2E/etc/passwd",
        "/draft//etc/passwd",
        "/draft/linked/blog.md",
        "/draft/caching-talk/source.json",
        "/draft/caching-talk/manifest.json",
        "/static/../server.py",
        "/static/%2e%2e/markdown.py",
        "/media/%2e%2e",
        "/media/caching-talk",
        "/draft/caching-talk/blog.md%00",
    ]
    for path in refused:
        status, _, data = request(server, "GET", path)
        assert status in (403, 404), path
        assert b"secret" not in data, path
    assert b"secret" not in request(server, "GET", "/")[2]  # nor listed
    status, _, _ = request(server, "POST", "/save/%2e%2e/secret/blog.md", f"token={server.token}&text=owned")
    assert status == 404 and "owned" not in (tmp_path / "secret" / "blog.md").read_text()


def test_state_changes_need_the_token(drafts, serve):
    server = serve()
    blog = drafts / "blog.md"
    before = blog.read_text()
    for body, headers in (
        ("text=changed", {}),
        ("token=wrong&text=changed", {}),
        ("text=changed", {"X-Review-Token": "wrong"}),
    ):
        assert request(server, "POST", "/save/caching-talk/blog.md", body, headers)[0] == 403
    assert request(server, "POST", "/approve/caching-talk/blog.md")[0] == 403
    assert request(server, "POST", "/reject/caching-talk/blog.md", "token=")[0] == 403
    assert blog.read_text() == before and not Path("corpus").exists()
    assert request(server, "GET", "/", headers={"Host": "attacker.example:80"})[0] == 403  # DNS rebinding

    status, headers, _ = request(
        server,
        "POST",
        "/save/caching-talk/blog.md",
        "text=" + quote(before + "An editor's line.\r\n"),
        {"X-Review-Token": server.token},
    )
    assert status == 303 and headers["Location"] == "/draft/caching-talk/blog.md?done=saved"
    assert blog.read_text() == before + "An editor's line.\n"
    recorded = json.loads((drafts / "manifest.json").read_text())["artifacts"]["blog.md"]["sha256"]
    assert recorded != sha256_file(blog)  # a person's edit now: no run overwrites it
    page = request(server, "GET", headers["Location"])[2].decode()
    assert "An editor&#x27;s line." in page and 'class="badge edited"' in page


def test_an_edit_made_while_a_run_writes_the_folder_is_kept_on_the_page(drafts, serve):
    from filelock import FileLock

    server = serve()
    blog = drafts / "blog.md"
    before = blog.read_text()
    with FileLock(str(drafts / ".lock")):  # what `devrel run` holds while it writes
        body = f"token={server.token}&text=" + quote(before + "My careful paragraph.\n")
        status, _, data = request(server, "POST", "/save/caching-talk/blog.md", body)
    assert status == 409 and "wait for it to finish" in data.decode() and "My careful paragraph." in data.decode()
    assert blog.read_text() == before


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_a_drafts_raw_html_is_shown_as_text(drafts, serve):
    blog = drafts / "blog.md"
    text = re.sub(r"^title: .*$", 'title: "<script>alert(2)</script>"', blog.read_text(), count=1, flags=re.M)
    assert "<script>alert(2)" in text  # the post's title, whatever the outline chose
    blog.write_text(
        text + '\n<script>alert(1)</script>\n\nSee <img src=x onerror="alert(3)"> and [click](javascript:alert(4)).\n'
    )
    server = serve()
    for path in ("/", "/draft/caching-talk/blog.md"):
        status, headers, data = request(server, "GET", path)
        html = data.decode()
        assert status == 200 and "script-src 'self'" in headers["Content-Security-Policy"]
        parsed = Tags()
        parsed.feed(html)
        scripts = [attrs for tag, attrs in parsed.tags if tag == "script"]
        assert scripts == [{"src": "/static/page.js", "defer": None}], path
        assert not [attrs for tag, attrs in parsed.tags if tag == "img" or any(name.startswith("on") for name in attrs)]
        assert "javascript:" not in " ".join(str(attrs.get("href")) for tag, attrs in parsed.tags if tag == "a")
        assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_sources_media_file_is_served_with_ranges(serve, tmp_path):
    """Only the file source.json names, from outside the outputs folder if that is where the recording lives."""
    media = tmp_path / "recording.wav"
    media.write_bytes(bytes(range(256)) * 4)
    folder = tmp_path / "outputs" / "recording"
    folder.mkdir(parents=True)
    source = Source(kind="media", slug="recording", title="recording", path=str(media), sha256="0" * 64, size=1024)
    (folder / "source.json").write_text(source.to_json())
    server = serve()
    status, headers, data = request(server, "GET", "/media/recording")
    assert status == 200 and data == media.read_bytes() and headers["Accept-Ranges"] == "bytes"
    status, headers, data = request(server, "GET", "/media/recording", headers={"Range": "bytes=100-199"})
    assert status == 206 and data == media.read_bytes()[100:200] and headers["Content-Range"] == "bytes 100-199/1024"
    status, _, data = request(server, "GET", "/media/recording", headers={"Range": "bytes=-24"})
    assert status == 206 and data == media.read_bytes()[-24:]
    assert request(server, "GET", "/media/recording", headers={"Range": "bytes=5000-"})[0] == 416
    assert request(server, "GET", "/media/recording/../../recording.wav")[0] == 404


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_serve_command_binds_to_localhost(drafts, tmp_path):
    port = free_port()
    devrel = [sys.executable, "-c", "from pipeline.cli import app; app()"]
    process = subprocess.Popen(
        [*devrel, "review", "serve", "--no-open", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, COLUMNS="200", PYTHONUNBUFFERED="1"),
    )
    try:
        line = process.stdout.readline()
        assert line.strip() == f"review page: http://127.0.0.1:{port}/  (Ctrl-C to stop)"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/")
        response = connection.getresponse()
        assert response.status == 200 and "caching-talk/blog.md" in response.read().decode()
        connection.close()
        busy = subprocess.run(
            [*devrel, "review", "serve", "--no-open", "--port", str(port)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert busy.returncode != 0 and "pick another port with --port" in busy.stderr
    finally:
        process.terminate()
        process.wait(timeout=10)
