"""Renaming a speaker on the review page: the name goes to source.json and the drafts are made again from the
outline, through the real server (HTTP on 127.0.0.1 with the page's token) and in Chromium, with no new
transcription and a person's edited draft kept."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from urllib.parse import urlencode

import pytest

from conftest import front, last_run
from pipeline.config import load_settings
from pipeline.review.server import ReviewServer
from test_review_page import browser, request  # noqa: F401 - its Chromium fixture and raw HTTP request

# A stenographer's transcript: `>>` turns, the host's welcome, then a speaker who introduces herself.
STENO = (
    " >> Please welcome our next speaker!\n >> Hi, I'm Ada Lovelace. "
    + "Every step of our pipeline hashes its inputs into one cache key. " * 3
    + "A rerun with nothing changed does no work at all, and that is the point of the key. " * 3
)


@pytest.fixture
def drafted(cli, llm_server, tmp_path) -> Path:
    talk = tmp_path / "steno.txt"
    talk.write_text(STENO)
    result = cli("run", talk)
    assert result.exit_code == 0, result.output
    return tmp_path / "outputs" / "steno"


@pytest.fixture
def server():
    started = ReviewServer(load_settings(), Path("outputs"), port=0)
    threading.Thread(target=started.serve_forever, daemon=True).start()
    yield started
    started.shutdown()
    started.server_close()


def rename(server: ReviewServer, label: str, name: str, token: str | None = None):
    body = urlencode({"token": server.token if token is None else token, "label": label, "name": name})
    return request(server, "POST", "/speakers/steno/blog.md", body)


def test_a_rename_goes_to_source_json_and_remakes_the_drafts_without_transcribing(drafted, server):
    transcript = drafted / "transcript.json"
    said, made_at = transcript.read_bytes(), transcript.stat().st_mtime_ns
    # nobody named her, but she says who she is: the drafts credit her already, the page asks to confirm it
    assert front(drafted / "blog.md")["speaker"] == "Ada Lovelace"

    page = request(server, "GET", "/draft/steno/blog.md")[2].decode()
    panel = page.split('id="speakers"')[1].split("</details>")[0]
    assert 'name="label" value="SPEAKER_1"' in panel and 'name="label" value="SPEAKER_2"' in panel
    assert "introduces themselves as Ada Lovelace: press Rename to confirm" in panel  # a suggestion, not a name yet

    status, headers, _ = rename(server, "SPEAKER_2", "  Ada   Lovelace ")
    assert status == 303 and headers["Location"] == "/draft/steno/blog.md?done=renamed"
    source = json.loads((drafted / "source.json").read_text())
    assert source["speaker_names"] == {"SPEAKER_2": "Ada Lovelace"} and source["speakers"] == ["Ada Lovelace"]
    assert transcript.read_bytes() == said and transcript.stat().st_mtime_ns == made_at
    run = last_run(drafted)
    assert run["stages_run"] == ["blog", "hooks", "community", "video"] and run["status"] == "ok"
    assert (
        "transcribe" not in run["stages_run"]
        and "transcribe" in run["stages_skipped"]
        and "outline" in run["stages_skipped"]
    )
    assert front(drafted / "blog.md")["speaker"] == "Ada Lovelace"
    assert "Ada Lovelace on *" in (drafted / "community.md").read_text()  # the newsletter names whom it features
    page = request(server, "GET", headers["Location"])[2].decode()
    assert "Renamed. Made again from the outline, with no new transcription: blog, hooks, community, video." in page
    assert 'value="Ada Lovelace"' in page and "press Rename to confirm" not in page

    # the same voice again, a person's edit kept, then the same name twice: nothing to make again
    hooks = drafted / "hooks.md"
    hooks.write_text(hooks.read_text() + "\nAn editor's closing line.\n")
    assert rename(server, "SPEAKER_2", "Ada King")[0] == 303
    assert json.loads((drafted / "source.json").read_text())["speaker_names"] == {"SPEAKER_2": "Ada King"}
    assert front(drafted / "blog.md")["speaker"] == "Ada King"
    assert hooks.read_text().endswith("An editor's closing line.\n") and (drafted / "hooks.new.md").exists()
    page = request(server, "GET", "/draft/steno/blog.md?done=renamed")[2].decode()
    assert "Your edited hooks.md is kept; the new version is hooks.new.md." in page
    assert rename(server, "SPEAKER_2", "Ada King")[0] == 303
    assert last_run(drafted)["stages_run"] == []

    # an empty name clears the person's name: the drafts go back to how she introduces herself
    assert rename(server, "SPEAKER_2", "")[0] == 303
    source = json.loads((drafted / "source.json").read_text())
    assert source["speaker_names"] == {} and source["speakers"] == []
    assert front(drafted / "blog.md")["speaker"] == "Ada Lovelace"
    assert transcript.read_bytes() == said and transcript.stat().st_mtime_ns == made_at
    assert all(
        "transcribe" not in json.loads(line)["stages_run"]
        for line in (drafted / "runs.jsonl").read_text().splitlines()[1:]
    )


def test_a_bad_name_or_voice_is_refused_with_one_line(drafted, server):
    source = (drafted / "source.json").read_text()
    refused = {
        ("SPEAKER_2", "Ada\nLovelace"): "a name is one line",
        ("SPEAKER_2", "A" * 81): "a name is at most 80 characters, not 81",
        ("SPEAKER_2", "<b>Ada</b>"): "a name is plain text: no markup",
        ("SPEAKER_2", "[Ada](https://example.com)"): "a name is plain text: no markup",
        ("SPEAKER_2", "Ada\u200bLovelace"): "a name is plain text",  # a zero-width space hides in a name
        ("SPEAKER_9", "Ada"): "'SPEAKER_9' is not a voice of this transcript",
        ("", "Ada"): "'' is not a voice of this transcript",
    }
    for (label, name), message in refused.items():
        status, headers, data = rename(server, label, name)
        text = data.decode()
        assert status == 400 and text.startswith(message) and "\n" not in text.strip(), (label, name, text)
        assert headers["Content-Type"].startswith("text/plain")
    assert rename(server, "SPEAKER_2", "Ada", token="wrong")[0] == 403
    assert rename(server, "SPEAKER_2", "Ada", token="")[0] == 403
    assert (
        request(
            server,
            "POST",
            "/speakers/%2e%2e/steno/blog.md",
            urlencode({"token": server.token, "label": "SPEAKER_2", "name": "Ada"}),
        )[0]
        == 404
    )
    assert (drafted / "source.json").read_text() == source  # nothing written


def test_a_rename_while_a_run_writes_the_folder_waits_for_it(drafted, server):
    from filelock import FileLock

    source = (drafted / "source.json").read_text()
    with FileLock(str(drafted / ".lock")):  # what `devrel run` holds while it writes
        status, _, data = rename(server, "SPEAKER_2", "Ada Lovelace")
    assert status == 409 and "wait for it to finish, then rename again" in data.decode()
    assert (drafted / "source.json").read_text() == source


def test_a_creator_names_a_voice_in_the_browser(drafted, server, browser):  # noqa: F811 - the imported fixture
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server.url + "draft/steno/blog.md")
    row = page.locator("#speakers li").filter(has_text="SPEAKER_2")
    assert row.locator("input[name=name]").input_value() == "Ada Lovelace"  # the suggestion, filled in
    row.locator("input[name=name]").fill("Ada Lovelace")
    row.locator("button.rename").click()
    page.wait_for_url(re.compile(r"done=renamed"))
    assert "no new transcription" in page.locator(".flash").inner_text()
    assert front(drafted / "blog.md")["speaker"] == "Ada Lovelace"
    assert "Ada Lovelace" in page.locator(".front").inner_text()  # the front matter shown beside the post
    assert errors == []
    page.close()
