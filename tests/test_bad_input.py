"""Bad input: one clear line, exit 2, no traceback, nothing written."""

from __future__ import annotations

import pytest

from conftest import speak


def assert_clean_refusal(result, tmp_path, *words):
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in lines[0]
    assert not (tmp_path / "outputs").exists() or not any((tmp_path / "outputs").iterdir())


def test_missing_path(cli, tmp_path):
    assert_clean_refusal(cli("run", tmp_path / "nope.mp4"), tmp_path, "no such file")


def test_directory(cli, tmp_path):
    (tmp_path / "folder").mkdir()
    assert_clean_refusal(cli("run", tmp_path / "folder"), tmp_path, "directory")


def test_non_media_file_named_mp4(cli, tmp_path):
    fake = tmp_path / "talk.mp4"
    fake.write_text("this is not a video, just text pretending to be one\n" * 20)
    assert_clean_refusal(cli("run", fake), tmp_path, "decoded")


def test_empty_file(cli, tmp_path):
    (tmp_path / "empty.wav").write_bytes(b"")
    assert_clean_refusal(cli("run", tmp_path / "empty.wav"), tmp_path, "empty")


def test_truncated_media(cli, tmp_path):
    wav = speak("A short recording that will be cut.", tmp_path / "whole.wav")
    (tmp_path / "cut.wav").write_bytes(wav.read_bytes()[:30])
    assert_clean_refusal(cli("run", tmp_path / "cut.wav"), tmp_path)


def test_audio_with_no_speech(cli, tmp_path):
    import subprocess

    silence = tmp_path / "silence.wav"
    subprocess.run(["sox", "-n", "-r", "16000", "-c", "1", str(silence), "trim", "0", "4"], check=True)
    assert_clean_refusal(cli("run", silence), tmp_path, "no speech")


@pytest.mark.parametrize(
    "suffix,content", [(".srt", "1\nnot a time line\nhello\n"), (".vtt", "garbage without header\n")]
)
def test_unparseable_subtitles(cli, tmp_path, suffix, content):
    path = tmp_path / f"broken{suffix}"
    path.write_text(content)
    assert_clean_refusal(cli("run", path, "--to", "transcript"), tmp_path, "broken")


def test_unknown_to(cli, srt_file, tmp_path):
    assert_clean_refusal(cli("run", srt_file, "--to", "everything"), tmp_path, "--to", "drafts")


def test_bad_config_value(cli, srt_file, tmp_path):
    (tmp_path / "devrel.toml").write_text('lang = "klingon"\n')
    assert_clean_refusal(cli("run", srt_file), tmp_path, "lang")


def test_missing_template_variable_in_a_custom_prompt(cli, llm_server, srt_file, tmp_path):
    custom = tmp_path / "prompts" / "outline"
    custom.mkdir(parents=True)
    (custom / "system.md").write_text("Summarise {{materia}} please.")
    assert_clean_refusal(cli("run", srt_file, "--prompts", tmp_path / "prompts"), tmp_path, "materia")


def test_earlier_output_survives_a_bad_rerun(cli, llm_server, srt_file, tmp_path):
    assert cli("run", srt_file).exit_code == 0
    blog = (tmp_path / "outputs" / "caching-talk" / "blog.md").read_text()
    srt_file.write_text("1\nbroken\n")
    result = cli("run", srt_file)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert (tmp_path / "outputs" / "caching-talk" / "blog.md").read_text() == blog
