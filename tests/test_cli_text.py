"""User text in console messages is printed as written: brackets in a path (yt-dlp names files `Title [id].ext`)
are not rich markup, so they neither break the CLI nor disappear from its output."""

from __future__ import annotations


def test_a_missing_file_with_brackets_is_one_clean_error(cli, tmp_path):
    result = cli("run", "missing[/x].mp4")  # `[/x]` read as markup is a closing tag with nothing open: MarkupError
    assert result.exit_code == 2, result.output
    assert not isinstance(result.exception, Exception), result.exception  # typer.Exit is a SystemExit, not a crash
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.output
    assert "missing[/x].mp4: no such file" in lines[0]
    assert not (tmp_path / "outputs").exists()


def test_a_transcript_named_with_brackets_keeps_them_in_the_output(cli, tmp_path):
    (tmp_path / "talk [abc].txt").write_text(
        "Welcome to this talk about caching data pipelines.\n"
        "Every step gets a cache key built from the hashes of its inputs.\n"
    )
    result = cli("run", "talk [abc].txt", "--to", "transcript")
    assert result.exit_code == 0, result.output
    assert "talk [abc].txt" in result.output.splitlines()  # the source's own line, `[abc]` not taken for a style
    assert "Traceback" not in result.output
