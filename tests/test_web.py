"""URLs through real yt-dlp against a local web site: media, pages, playlists, subtitles, limits and refusals."""

from __future__ import annotations

import json
import os
import time

import pytest

from conftest import last_run, speak_ogg

TALK = "Welcome to the talk. We store embeddings in a vector database and we cache every step."


@pytest.fixture
def talk(site):
    speak_ogg(TALK, site.root / "talk.ogg")
    return site


def refused(result, *words):
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in result.output, result.output
    for word in words:
        assert word in errors[0], errors[0]


def test_a_direct_media_url_is_downloaded_and_transcribed(cli, talk, tmp_path):
    url = talk.url("talk.ogg")
    result = cli("run", url, "--to", "transcript")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "outputs" / "talk"
    source = json.loads((folder / "source.json").read_text())
    assert source["kind"] == "media" and source["url"] == url and source["date"]
    assert (folder / "media").is_dir() and source["path"].startswith(str(folder / "media"))
    assert not list((folder / "media").glob(".download-*"))  # the per-job folder is gone
    text = " ".join(s["text"] for s in json.loads((folder / "transcript.json").read_text())["segments"]).lower()
    assert "vector database" in text and "cache" in text

    requests = len(talk.paths)
    assert cli("run", url, "--to", "transcript").exit_code == 0
    assert last_run(folder)["stages_run"] == [] and len(talk.paths) == requests  # no network on a cached rerun


def test_a_page_with_an_audio_element(cli, talk, tmp_path):
    (talk.root / "page.html").write_text(
        '<html><head><title>Caching Talk</title></head><body><audio src="talk.ogg"></audio></body></html>'
    )
    result = cli("run", talk.url("page.html"), "--to", "transcript")
    assert result.exit_code == 0, result.output
    source = json.loads(next((tmp_path / "outputs").glob("caching-talk*/source.json")).read_text())
    assert source["url"] == talk.url("page.html") and "Caching Talk" in source["title"]


def test_404(cli, site):
    refused(cli("run", site.url("missing.ogg")), "not found (HTTP 404)")


def test_a_non_media_file(cli, site):
    (site.root / "notes.txt").write_text("just some text, no media here\n")
    refused(cli("run", site.url("notes.txt")), "no media found")


def test_over_the_size_limit(cli, talk, tmp_path):
    (tmp_path / "devrel.toml").write_text('allow_private_urls = ["127.0.0.0/8"]\nmax_filesize_mb = 0.001\n')
    refused(cli("run", talk.url("talk.ogg")), "size limit")
    assert not (tmp_path / "outputs" / "talk").exists()


def test_over_the_duration_limit(cli, talk, tmp_path):
    (tmp_path / "devrel.toml").write_text('allow_private_urls = ["127.0.0.0/8"]\nmax_duration = 2\n')
    refused(cli("run", talk.url("talk.ogg")), "duration limit")


def test_a_redirect_to_a_link_local_address_is_refused(cli, site):
    refused(cli("run", site.url("redirect")), "169.254.169.254", "allow_private_urls")


def test_loopback_is_refused_unless_allowed(cli, talk, tmp_path):
    (tmp_path / "devrel.toml").unlink()
    refused(cli("run", talk.url("talk.ogg")), "127.0.0.1", "allow_private_urls")


def test_file_urls_are_refused(cli, tmp_path):
    refused(cli("run", f"file://{tmp_path}/talk.ogg"), "file://")


VTT = """WEBVTT

00:00:01.000 --> 00:00:03.000
Welcome to the talk about caching.

00:00:03.000 --> 00:00:03.010
Welcome to the talk about caching.

00:00:03.010 --> 00:00:05.000
Welcome to the talk about caching.
Every step has a cache key

00:00:05.000 --> 00:00:08.000
Every step has a cache key
built from the hashes of its inputs.
"""  # rolling captions: each line shown again in the next cue


def info_json(site, tmp_path, **extra) -> str:
    (site.root / "talk.en.vtt").write_text(VTT)
    info = {
        "id": "talk42",
        "title": "Caching at scale",
        "webpage_url": site.url("watch/talk42"),
        "extractor": "generic",
        "extractor_key": "Generic",
        "duration": 8,
        "upload_date": "20261115",
        "uploader": "Ada Lovelace",
        "language": "en",
        "description": "A talk about caching.",
        "chapters": [
            {"title": "Intro", "start_time": 0, "end_time": 3},
            {"title": "Keys", "start_time": 3, "end_time": 8},
        ],
        "formats": [
            {"format_id": "audio", "url": site.url("talk.ogg"), "ext": "ogg", "acodec": "vorbis", "vcodec": "none"}
        ],
        "subtitles": {"en": [{"url": site.url("talk.en.vtt"), "ext": "vtt"}]},
        **extra,
    }
    path = tmp_path / "talk42.info.json"
    path.write_text(json.dumps(info))
    return str(path)


def test_subtitles_become_the_transcript_through_yt_dlp(cli, talk, tmp_path, llm_server):
    result = cli("run", info_json(talk, tmp_path), "--to", "outline")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "outputs" / "caching-at-scale"
    source = json.loads((folder / "source.json").read_text())
    assert source["kind"] == "subtitles" and source["speakers"] == ["Ada Lovelace"] and source["date"] == "2026-11-15"
    assert [c["title"] for c in source["chapters"]] == ["Intro", "Keys"]
    transcript = json.loads((folder / "transcript.json").read_text())
    assert transcript["origin"] == "subtitles" and transcript["model"] is None
    assert [s["text"] for s in transcript["segments"]] == [  # each line once, joined into the sentences they make
        "Welcome to the talk about caching.",
        "Every step has a cache key built from the hashes of its inputs.",
    ]
    assert [s["start"] for s in transcript["segments"]] == [1.0, 3.01]
    assert "/talk.ogg" not in talk.paths  # no audio downloaded
    assert "Chapters: Intro; Keys" in llm_server.chat_requests("OutlineDraft")[0]["messages"][1]["content"]
    assert f"({talk.url('watch/talk42')}#t=3)" in (folder / "outline.md").read_text()


def test_transcribe_forces_speech_to_text(cli, talk, tmp_path):
    result = cli("run", info_json(talk, tmp_path), "--to", "transcript", "--transcribe")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "outputs" / "caching-at-scale"
    assert json.loads((folder / "source.json").read_text())["kind"] == "media"
    assert json.loads((folder / "transcript.json").read_text())["origin"] == "whisper"


def test_a_live_stream_is_refused(cli, talk, tmp_path):
    refused(cli("run", info_json(talk, tmp_path, is_live=True)), "live stream")


def feed(site, items) -> str:
    entries = "".join(
        f"<item><title>{t}</title><link>{site.url(f)}</link>"
        f'<enclosure url="{site.url(f)}" type="audio/ogg" length="1"/></item>'
        for t, f in items
    )
    (site.root / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Talks</title>'
        f"<link>{site.url('')}</link>{entries}</channel></rss>"
    )
    return site.url("feed.xml")


def test_a_playlist_with_a_bad_entry_processes_the_others(cli, talk, tmp_path):
    (talk.root / "second.ogg").write_bytes((talk.root / "talk.ogg").read_bytes())
    url = feed(talk, [("One", "talk.ogg"), ("Broken", "gone.ogg"), ("Two", "second.ogg")])
    result = cli("run", url, "--to", "transcript")
    assert result.exit_code == 1, result.output
    assert {p.name for p in (tmp_path / "outputs").iterdir() if p.is_dir()} == {"talk", "second"}
    assert "gone.ogg: not found (HTTP 404)" in result.output


def test_max_items_and_since_pick_entries(cli, talk, tmp_path):
    old = talk.root / "old.ogg"
    old.write_bytes((talk.root / "talk.ogg").read_bytes())
    past = time.mktime((2020, 1, 1, 0, 0, 0, 0, 0, 0))
    os.utime(old, (past, past))  # the server's Last-Modified becomes yt-dlp's upload_date
    url = feed(talk, [("New", "talk.ogg"), ("Old", "old.ogg")])
    assert cli("run", url, "--to", "transcript", "--max-items", "1").exit_code == 0
    assert [p.name for p in (tmp_path / "outputs").iterdir() if p.is_dir()] == ["talk"]

    result = cli("run", url, "--to", "transcript", "--since", "2025-01-01")
    assert "old.ogg: skipped" in result.output and "upload date" in result.output
    assert not (tmp_path / "outputs" / "old").exists()
