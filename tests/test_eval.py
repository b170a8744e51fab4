"""`make eval` (check.evaluation) on a folder the test writes: an English stenographer's transcript and a Chinese
text with page furniture, against the scripted endpoint (never the embedded model)."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.check import evaluation
from test_check import CLEAN_HOOKS, READER_BLOG, READER_HOOKS, READER_TALK, output_folder, reader_folder

EN_TALK = """>> Our next speaker is Ada, please welcome her.
(applause)
>> Thank you. So today I want to talk about
caching in data pipelines, which is the
thing that saved my team hours every week.
Every step gets a cache key built from the
hashes of its inputs and its prompt.
When nothing changed, the step is skipped,
and a rerun takes under a second.
Human edits are never overwritten; we write
the new version beside them, so a reviewer
never loses work.
(laughter)
We measured it on forty talks last quarter,
and the rerun cost dropped to zero calls.
>> Thank you, Ada! Questions?
"""

ZH_TALK = """首页 | 文章 | 关于我们
我做社区这件事已经有五年了。一开始我以为最重要的是内容的数量，后来发现完全不是这样。
真正让社区长起来的，是持续地给用户提供他们需要的价值。每一次回答问题，每一篇认真写的文章，都会带来新的朋友。
内容的回报是超线性的：前一百篇文章几乎没有人看，第一百零一篇开始，前面的文章也一起被读到了。
所以我的建议是，先想清楚你能长期坚持做什么，再决定做什么样的内容。
阅读 1024 · 点赞 36
成功推荐给其他人 + 10羽毛
"""


def write_talks(root: Path) -> Path:
    talks = root / "talks"
    (talks / "en").mkdir(parents=True)
    (talks / "zh").mkdir()
    (talks / "en" / "caching-in-pipelines.txt").write_text(EN_TALK, encoding="utf-8")
    (talks / "zh" / "community-talk.txt").write_text(ZH_TALK, encoding="utf-8")
    (talks / "en" / "LICENSE.talks.txt").write_text("MIT licence, not a talk.\n")
    (talks / "README.md").write_text("# Talks\n")
    return talks


def results(out: Path) -> dict:
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def test_the_evaluation_scores_every_talk_and_the_total(llm_server, tmp_path):
    talks, out = write_talks(tmp_path), tmp_path / "eval"
    assert evaluation.main(["--dir", str(talks), "--model", "tiny", "--out", str(out)]) == 0
    data = results(out)
    assert data["talks"] == ["en/caching-in-pipelines.txt", "zh/community-talk.txt"]  # no licence, no read-me
    model = data["models"]["tiny"]
    assert model["llm"] == "scripted-model"
    for entry in model["talks"]:
        assert entry["status"] == "ok", entry["error"]
        assert set(entry["figures"]) == set(evaluation.FIGURES)
        assert all(figure["value"] is not None for figure in entry["figures"].values()), entry["figures"]
        assert entry["figures"]["llm_calls"]["value"] > 0 and entry["figures"]["tokens_in"]["value"] > 0
        assert Path(entry["folder"]).is_relative_to(out / "runs" / "tiny")
    en, zh = (entry["figures"] for entry in model["talks"])
    assert 80 <= en["talk_words"]["value"] <= 88  # the speaker's 88 words: not the host's, not "(applause)"
    assert 60 < zh["talk_words"]["value"] < 200  # a Chinese character is a word; the page's furniture is not speech
    total = model["total"]
    assert set(total) == set(evaluation.FIGURES) | {"failed_talks"} and total["failed_talks"]["value"] == 0
    assert total["talk_words"]["value"] == en["talk_words"]["value"] + zh["talk_words"]["value"]
    assert total["llm_calls"]["value"] == en["llm_calls"]["value"] + zh["llm_calls"]["value"]
    assert total["fragment_quotes"]["target"] == "= 0" and total["similarity_x_posts"]["target"] == "< 0.5"
    markdown = (out / "results.md").read_text(encoding="utf-8")
    assert "## Totals" in markdown and "## tiny per talk (scripted-model)" in markdown
    assert "| similarity_x_posts | < 0.5 |" in markdown


def test_a_planted_copy_is_counted_and_a_rerun_hits_the_cache(llm_server, tmp_path):
    talks, out = write_talks(tmp_path), tmp_path / "eval"
    assert evaluation.main(["--dir", str(talks), "--model", "tiny", "--out", str(out)]) == 0
    first = results(out)["models"]["tiny"]["talks"][0]
    hooks = Path(first["folder"]) / "hooks.md"
    twice = CLEAN_HOOKS | {"post2": CLEAN_HOOKS["post1"]}  # two identical X posts, a person's edit: a rerun keeps it
    hooks.write_text(READER_HOOKS.format(**twice), encoding="utf-8")

    assert evaluation.main(["--dir", str(talks), "--model", "tiny", "--out", str(out)]) == 0
    again = results(out)["models"]["tiny"]
    entry = again["talks"][0]
    assert entry["this_run"]["llm_calls"] == 0 and entry["this_run"]["stages_run"] == []
    assert entry["figures"]["llm_calls"]["value"] == first["figures"]["llm_calls"]["value"]  # what the drafts cost
    x_posts = entry["figures"]["similarity_x_posts"]
    assert (x_posts["value"], x_posts["met"], x_posts["target"]) == (1.0, False, "< 0.5")
    assert entry["figures"]["copies"]["value"] >= 1 and entry["figures"]["copies"]["met"] is False
    assert again["total"]["similarity_x_posts"]["value"] == 1.0 and again["total"]["similarity_x_posts"]["met"] is False
    assert "1.0 ✗" in (out / "results.md").read_text(encoding="utf-8")


def test_a_failed_talk_is_reported_and_the_others_still_count(llm_server, tmp_path):
    talks, out = write_talks(tmp_path), tmp_path / "eval"
    (talks / "en" / "broken.json").write_text("{not json", encoding="utf-8")
    assert evaluation.main(["--dir", str(talks), "--model", "tiny", "--out", str(out)]) == 0
    model = results(out)["models"]["tiny"]
    status = {entry["talk"]: entry["status"] for entry in model["talks"]}
    assert status == {"en/broken.json": "failed", "en/caching-in-pipelines.txt": "ok", "zh/community-talk.txt": "ok"}
    broken = next(entry for entry in model["talks"] if entry["status"] == "failed")
    assert broken["error"] and all(figure["value"] is None for figure in broken["figures"].values())
    assert model["total"]["failed_talks"] == {**model["total"]["failed_talks"], "value": 1, "met": False}
    assert model["total"]["talk_words"]["value"] > 0  # the two good talks still add up
    assert "en/broken.json: failed:" in (out / "results.md").read_text(encoding="utf-8")


def test_measure_reads_a_folder_the_way_devrel_check_does(tmp_path):
    """The figures are devrel check's: a hand-made folder with a planted copy, a fragment and a restated answer."""
    folder = reader_folder(tmp_path, hooks={"post2": "Content hashes make a rerun nearly free. #devrel"})
    restated = READER_BLOG.replace("Nothing: a changed file", "What happens to your edits: nothing. A changed file")
    fragment = "> we write the new version\n\n"
    (folder / "blog.md").write_text(restated.replace("## Related reading", fragment + "## Related reading"))
    (folder / "manifest.json").write_text(
        json.dumps(
            {
                "artifacts": {
                    "outline.json": {
                        "stage": "outline",
                        "seconds": 12.5,
                        "llm_calls": 3,
                        "tokens_in": 900,
                        "tokens_out": 80,
                    },
                    "outline.md": {
                        "stage": "outline",
                        "seconds": 12.5,
                        "llm_calls": 3,
                        "tokens_in": 900,
                        "tokens_out": 80,
                    },
                    "blog.md": {"stage": "blog", "seconds": 2.0, "llm_calls": 1, "tokens_in": 300, "tokens_out": 40},
                }
            }
        )
    )
    figures = evaluation.measure(folder, corpus=tmp_path / "corpus")
    assert figures["copies"] == 1 and figures["similarity_x_posts"] == 1.0
    assert figures["fragment_quotes"] == 1 and figures["quotes"] == 3 and figures["repeated_quotes"] == 0
    assert figures["restated_answers"] == 1 and figures["unknown_names"] == 0 and figures["banned_phrases"] == 0
    assert figures["talk_words"] == sum(len(text.split()) for _, text in READER_TALK)
    assert figures["blog_ratio"] == round(figures["blog_words"] / figures["talk_words"], 3)
    assert (figures["seconds"], figures["llm_calls"], figures["tokens_in"]) == (14.5, 4, 1200)  # outline counted once


def test_talks_are_transcripts_under_the_folder(tmp_path):
    talks = write_talks(tmp_path)
    (talks / "en" / "notes.pdf").write_text("not a transcript")
    (talks / "en" / "talk.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nHi.\n")
    (talks / "en" / "episode.md").write_text("**Ada:** Hi.\n\n**Grace:** Hello.\n")  # a podcast transcript
    (talks / "RUBRIC.md").write_text("# How we judge\n")  # notes beside the talks are not talks
    done = output_folder(talks / "runs")  # an output folder left inside: its transcript.json is not a talk
    (done / "manifest.json").write_text("{}")
    assert [path.relative_to(talks).as_posix() for path in evaluation.talks(talks)] == [
        "en/caching-in-pipelines.txt",
        "en/episode.md",
        "en/talk.srt",
        "zh/community-talk.txt",
    ]
    assert evaluation.talks(talks / "en" / "talk.srt") == [talks / "en" / "talk.srt"]
    assert evaluation.default_dir() in (evaluation.SHARED, evaluation.SAMPLE)


def test_a_missing_folder_is_a_usage_error(tmp_path, capsys):
    assert evaluation.main(["--dir", str(tmp_path / "nope"), "--model", "tiny"]) == 2
    assert "does not exist" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert evaluation.main(["--dir", str(tmp_path / "empty"), "--model", "tiny"]) == 2


def _verdict(publishable: str, verdicts: list[str]) -> dict:
    return {
        "items": [{"item": f"item {n}", "verdict": v, "why": ""} for n, v in enumerate(verdicts, 1)],
        "blog": {
            "key_ideas": [{"idea": "caching", "conveyed": "yes"}, {"idea": "keys", "conveyed": "no"}],
            "headings_fit": 2,
            "headings": 3,
            "factual_errors": ["a claim the talk never made"],
            "readable": 4,
            "publishable": publishable,
        },
        "worst_problem": "one title is generic",
    }


def test_a_judge_adds_the_rubric_figures_beside_the_counts(llm_server, tmp_path):
    talks, out = write_talks(tmp_path), tmp_path / "eval"
    llm_server.script("Verdict", _verdict("light", ["keep", "edit", "rewrite", "wrong"]), _verdict("no", ["wrong"]))
    argv = ["--dir", str(talks), "--model", "tiny", "--out", str(out), "--judge", llm_server.url]
    assert evaluation.main(argv + ["--judge-model", "judge-model"]) == 0
    judged = [entry["judged"] for entry in results(out)["models"]["tiny"]["talks"]]
    assert judged[0]["keep_rate"] == 0.5 and judged[0]["wrong_items"] == 1 and judged[0]["publishable"] == "light"
    assert (
        judged[0]["factual_errors"] == 1 and judged[0]["ideas_conveyed"] == 0.5 and judged[0]["headings_fit"] == "2/3"
    )
    assert judged[1]["keep_rate"] == 0.0 and judged[1]["publishable"] == "no"
    asked = llm_server.chat_requests("Verdict")
    assert len(asked) == 2 and all(request["model"] == "judge-model" for request in asked)
    assert "<talk>" in asked[0]["messages"][-1]["content"] and "=== blog.md ===" in asked[0]["messages"][-1]["content"]
    markdown = (out / "results.md").read_text(encoding="utf-8")
    assert "an editor's rubric per talk (judge: judge-model)" in markdown and "| keep_rate | 0.5 | 0.0 |" in markdown


def test_without_a_judge_the_report_says_the_counts_are_lint(llm_server, tmp_path):
    talks, out = write_talks(tmp_path), tmp_path / "eval"
    assert evaluation.main(["--dir", str(talks), "--model", "tiny", "--out", str(out)]) == 0
    assert "the pipeline's own checks (lint)" in (out / "results.md").read_text(encoding="utf-8")
