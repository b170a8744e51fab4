"""Control flow follows an error's type, never its words."""

from __future__ import annotations

import pytest


def test_front_matter_errors_are_typed():
    from pipeline.format.frontmatter import InvalidFrontMatter, MissingFrontMatter, split_front_matter

    assert isinstance(split_front_matter("just text\n")[2], MissingFrontMatter)
    assert isinstance(split_front_matter("---\ntitle: x\n")[2], MissingFrontMatter)  # never closed
    assert isinstance(split_front_matter("---\n[unclosed\n---\nbody\n")[2], InvalidFrontMatter)
    assert isinstance(split_front_matter("---\n- a list\n---\nbody\n")[2], InvalidFrontMatter)
    assert split_front_matter("---\ntitle: x\n---\nbody\n")[2] is None


def test_the_corpus_skips_broken_front_matter_and_reads_plain_markdown():
    from pipeline.corpus.chunks import CorpusFileError, split_front_matter

    assert split_front_matter("no front matter here\n") == ({}, "no front matter here\n")
    with pytest.raises(CorpusFileError, match="not a mapping"):
        split_front_matter("---\n- a list\n---\nbody\n")


def test_a_skipped_source_is_a_batch_skip_whatever_its_message_says(monkeypatch):
    from pipeline import runner
    from pipeline.batch import weekly
    from pipeline.batch.sources import Job
    from pipeline.config import load_settings
    from pipeline.errors import Skipped, UserError

    def refuse(error):
        def run_source(*args, **kwargs):
            raise error

        return run_source

    job = Job(source="https://example.com/live")
    monkeypatch.setattr(runner, "run_source", refuse(Skipped("https://example.com/live: is a live stream")))
    assert weekly.run_job(job, load_settings(), "drafts", False, None).status == "skipped"
    monkeypatch.setattr(runner, "run_source", refuse(UserError("talk.srt: skipped: words are not a type")))
    assert weekly.run_job(job, load_settings(), "drafts", False, None).status == "failed"
