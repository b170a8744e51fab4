"""Long steps are not silent: a count per model call, a bar over corpus batches, -v logs, -q keeps CI logs to errors."""

from __future__ import annotations

from llm_server import Fault

PROGRESS = ("…", "✓", "· cached", "done in", "check:")


def test_quiet_prints_no_progress_lines(cli, llm_server, srt_file):
    loud = cli("run", srt_file, "--to", "outline", "--force")
    assert loud.exit_code == 0, loud.output
    assert "✓" in loud.stderr and "done in" in loud.stderr  # what -q leaves out is there without it

    result = cli("-q", "run", srt_file, "--to", "outline", "--force")
    assert result.exit_code == 0, result.output
    assert result.stderr == "", result.stderr
    assert result.stdout.strip().endswith("caching-talk")  # the result still goes to stdout


def test_quiet_still_prints_errors(cli):
    result = cli("-q", "run", "missing.srt")
    assert result.exit_code == 2
    assert result.stderr.startswith("error:") and not any(mark in result.stderr for mark in PROGRESS)


def test_verbose_logs_a_retry_and_the_cache_decisions(cli, llm_server, srt_file):
    llm_server.faults.append(Fault(500))  # the first model call fails once; the openai client retries it
    result = cli("-v", "run", srt_file, "--to", "outline")
    assert result.exit_code == 0, result.output
    assert "Retrying request" in result.stderr, result.stderr
    assert "outline: model call 1" in result.stderr  # a line per call in a log, where no spinner can show
    assert "outline: runs (no files made before)" in result.stderr

    again = cli("-v", "run", srt_file, "--to", "outline")
    assert "outline: cached" in again.stderr
    assert "Retrying" not in cli("run", srt_file, "--to", "outline", "--force").stderr  # not without -v


def test_each_model_call_is_reported_with_last_runs_count_as_the_estimate(llm_server, srt_file):
    from pipeline.config import load_settings
    from pipeline.reporting import Reporter
    from pipeline.runner import run_source

    class Calls(Reporter):
        def __init__(self):
            self.seen = []

        def call(self, stage, number, expected, prompt):
            self.seen.append((stage, number, expected, prompt))

    first = Calls()
    result = run_source(srt_file, load_settings(), to="outline", reporter=first)
    assert [number for _, number, _, _ in first.seen] == list(range(1, result.llm_calls + 1))
    assert {stage for stage, *_ in first.seen} == {"outline"} and {expected for *_, expected, _ in first.seen} == {None}
    assert {"section", "outline"} <= {prompt for *_, prompt in first.seen}

    again = Calls()
    run_source(srt_file, load_settings(), to="outline", reporter=again, force=True)
    assert {expected for *_, expected, _ in again.seen} == {result.llm_calls}  # "outline 3/7": last run's calls


def test_corpus_index_reports_its_batches(tmp_path):
    from pipeline.config import load_settings
    from pipeline.corpus import store

    (tmp_path / "corpus").mkdir()
    for number in range(3):
        (tmp_path / "corpus" / f"post-{number}.md").write_text(
            f"---\ntype: blog\ntitle: Post {number}\n---\n\nParagraph {number} about caching keys.\n"
        )
    seen = []
    report = store.index(load_settings(), tmp_path / "corpus", progress=lambda done, total: seen.append((done, total)))
    assert report.added == 3 and seen == [(0, 3), (3, 3)]
