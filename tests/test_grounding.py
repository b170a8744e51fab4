"""Grounding: quotes are matched against the transcript; invented lines and edited quotes never reach a draft."""

from __future__ import annotations

import json

from pipeline.artifacts import Segment, Source, Transcript
from pipeline.grounding import find_quote, normalise
from pipeline.render import time_link

FOLDER = ("outputs", "caching-talk")

ZH = Transcript(language="zh", origin="subtitles", segments=[
    Segment(id=1, start=0.0, end=3.0, text="大家好，欢迎来到今天的分享。"),
    Segment(id=2, start=3.5, end=8.0, text="我们给每一个步骤都算一个缓存键，输入不变就不用重跑。"),
    Segment(id=3, start=8.5, end=12.0, text="人工改过的文件，我们绝不覆盖！"),
])  # fmt: skip

EN = Transcript(language="en", origin="subtitles", segments=[
    Segment(id=1, start=1.0, end=4.0, text="Welcome to this talk about caching data pipelines."),
    Segment(id=2, start=4.5, end=9.0, text="Every step gets a cache key built from the hashes"),
    Segment(id=3, start=9.0, end=11.0, text="of its inputs and its prompt."),
    Segment(id=4, start=12.0, end=13.0, text="Thank you."),
    Segment(id=5, start=20.0, end=21.0, text="Thank you."),
])  # fmt: skip


def outline_section(lines: list[int]) -> dict:
    return {"question": "How does the cache decide what to rerun?", "persona": "practitioner",
            "key_points": ["Hashes of inputs and prompts."], "lines": lines}  # fmt: skip


def test_normalise_folds_case_width_punctuation_and_spaces():
    assert normalise("Hello,  World!") == normalise("「ＨＥＬＬＯ　world」") == "helloworld"
    assert normalise("人工改过的文件，我们绝不覆盖！") == normalise("“人工改过的文件, 我们绝不覆盖!”")


def test_a_quote_is_found_with_the_segment_it_starts_in():
    assert find_quote(EN, "every step gets a cache key, built from the hashes of its inputs").id == 2
    assert find_quote(EN, "the hashes of its inputs and its prompt").id == 2  # spans two segments, starts in 2
    assert find_quote(EN, "Every step gets a cash key built from the hashes").id == 2  # one slip of the ear is fine
    assert find_quote(EN, "Each stage receives a key computed by hashing what goes in.") is None  # a paraphrase is not
    assert find_quote(EN, "We never cache anything, it is too risky.") is None
    assert find_quote(EN, "Thank you.", near=5).id == 5  # a repeated line: the cited place wins
    assert find_quote(EN, "Thank you.").id == 4


def test_chinese_quotes_match_across_full_and_half_width_punctuation():
    assert find_quote(ZH, "「我们给每一个步骤都算一个缓存键，输入不变就不用重跑。」").id == 2
    assert find_quote(ZH, "人工改过的文件, 我们绝不覆盖!").id == 3
    assert find_quote(ZH, "我们每天都会重新生成所有文件") is None


def test_time_links_point_back_to_the_moment_in_the_source():
    def source(url):
        return Source(kind="media", slug="talk", title="Talk", url=url, sha256="0", size=1)

    assert time_link(source("https://www.youtube.com/watch?v=abc"), 65.4) == "[01:05](https://www.youtube.com/watch?v=abc&t=65)"
    assert time_link(source("https://youtu.be/abc"), 4.5) == "[00:04](https://youtu.be/abc?t=4)"
    assert time_link(source("https://media.example.org/talk.mp4#old"), 3725) == "[1:02:05](https://media.example.org/talk.mp4#t=3725)"
    assert time_link(source(None), 9.5) == "[00:09]"
    assert time_link(source(None), None) == ""


def test_an_invented_line_is_dropped_and_listed_as_unverified(cli, llm_server, srt_file, tmp_path):
    llm_server.script("OutlineDraft", {
        "title": "Caching", "summary": "How the cache works.", "tags": ["caching"], "people": [], "organizations": [],
        "products": [], "media": [], "sections": [outline_section([2, 99])],
    })  # fmt: skip
    assert cli("run", srt_file).exit_code == 0
    folder = tmp_path.joinpath(*FOLDER)
    outline = json.loads((folder / "outline.json").read_text())
    quotes = outline["sections"][0]["quotes"]
    assert [(q["segment_id"], q["start"]) for q in quotes] == [(2, 4.5)]
    assert quotes[0]["text"].startswith("Every step gets a cache key")
    assert outline["unverified"] == ["line 99 (not in the transcript), cited for “How does the cache decide what to rerun?”"]
    unverified = (folder / "outline.md").read_text().split("## Unverified", 1)[1]
    assert "line 99 (not in the transcript)" in unverified
    blog = (folder / "blog.md").read_text()
    assert "> Every step gets a cache key" in blog and "line 99" not in blog


def test_an_edited_outline_is_verified_before_drafting(cli, llm_server, srt_file, tmp_path):
    assert cli("run", srt_file).exit_code == 0
    folder = tmp_path.joinpath(*FOLDER)
    assert "## Unverified" not in (folder / "outline.md").read_text()
    outline = json.loads((folder / "outline.json").read_text())
    quotes = outline["sections"][1]["quotes"]
    real = quotes[0] | {"start": 99.0}  # a real quote whose time a person got wrong
    paraphrase = {"segment_id": 2, "text": "Each stage receives a key computed by hashing what goes in.", "start": 4.5, "end": 9.0}
    invented = {"segment_id": 3, "text": "We deleted every human edit without asking.", "start": 9.5, "end": 14.0}
    outline["sections"][1]["quotes"] = [real, paraphrase, invented]
    (folder / "outline.json").write_text(json.dumps(outline))

    result = cli("run", srt_file)
    assert result.exit_code == 0, result.output
    assert "2 quote(s) not found in the transcript" in result.output
    outline_md = (folder / "outline.md").read_text()
    listed = outline_md.split("## Unverified", 1)[1]
    assert "Each stage receives a key" in listed and "We deleted every human edit" in listed
    assert "> Every step gets a cache key" in outline_md.split("## Unverified", 1)[0]
    blog = (folder / "blog.md").read_text()
    assert "> Every step gets a cache key built from the hashes of its inputs and its prompt.\n>\n> — [00:04]" in blog
    assert "Each stage receives" not in blog and "We deleted every human edit" not in blog
    assert "[01:39]" not in blog  # the wrong time was replaced by the segment's
    assert json.loads((folder / "outline.json").read_text())["sections"][1]["quotes"][1] == paraphrase  # the person's file is kept


def test_drafts_link_quotes_to_the_moment_in_a_youtube_source(cli, llm_server, srt_file, tmp_path):
    assert cli("run", srt_file, "--to", "transcript").exit_code == 0
    folder = tmp_path.joinpath(*FOLDER)
    source = json.loads((folder / "source.json").read_text())
    (folder / "source.json").write_text(json.dumps(source | {"url": "https://www.youtube.com/watch?v=abc123"}))
    assert cli("run", srt_file).exit_code == 0
    blog = (folder / "blog.md").read_text()
    assert "> — [00:04](https://www.youtube.com/watch?v=abc123&t=4)" in blog
    result = cli("check", folder)  # a timestamp link to the source is not an unknown URL
    assert result.exit_code == 0, result.output


FRAGMENTS = """1
00:00:01,000 --> 00:00:03,000
Here is the problem.

2
00:00:03,000 --> 00:00:05,000
Every step is slow, and most runs change nothing.

3
00:01:02,000 --> 00:01:06,500
If you remember one thing, remember this, hash what you read, hash what you write,

4
00:01:07,000 --> 00:01:09,000
and treat human edits as sacred.

5
00:01:10,000 --> 00:01:13,000
Thanks for listening, and see you at the next meetup.
"""


def test_a_cited_fragment_becomes_a_whole_thought_still_verbatim(cli, llm_server, tmp_path):
    talk = tmp_path / "fragments.srt"
    talk.write_text(FRAGMENTS)
    llm_server.script("OutlineDraft", {
        "title": "Caching", "summary": "How the cache works.", "tags": [], "people": [], "organizations": [],
        "products": [], "media": [], "sections": [
            outline_section([4, 1, 3]),
            {**outline_section([4, 5]), "question": "What should I remember?"},
            {**outline_section([1]), "question": "What is the problem?"},
        ],
    })  # fmt: skip
    result = cli("run", talk)
    assert result.exit_code == 0, result.output
    folder = tmp_path / "outputs" / "fragments"
    sections = json.loads((folder / "outline.json").read_text())["sections"]
    quotes = sections[0]["quotes"]
    assert [(q["segment_id"], q["start"], q["end"], q["text"]) for q in quotes] == [
        (3, 62.0, 69.0, "If you remember one thing, remember this, hash what you read, hash what you write, "
                        "and treat human edits as sacred."),  # a continuation takes the sentence it ends
        (1, 1.0, 5.0, "Here is the problem. Every step is slow, and most runs change nothing."),  # too short alone
    ]  # and line 3, already inside the first quote, is not quoted twice
    assert [q["segment_id"] for q in sections[1]["quotes"]] == [5]  # lines 3-4 are already quoted above
    assert [q["segment_id"] for q in sections[2]["quotes"]] == [1]  # ...unless it is the only quote a section has
    blog = (folder / "blog.md").read_text()
    assert blog.count("> If you remember one thing") == 1
    assert "4/4 quotes verified" in result.output


def test_chinese_quotes_widen_over_commas_and_very_short_sentences_only():
    from pipeline.stages.outline import quote_span

    texts = ["今天我们聊一聊数据管道里的缓存，", "为什么按内容算哈希比看时间戳更可靠。", "先说问题。",
             "每一步都很慢，而且大多数时候输入根本没有变。", "人工的修改是神圣的。", "谢谢大家。"]  # fmt: skip
    segments = [Segment(id=i, start=float(i), end=i + 0.9, text=text) for i, text in enumerate(texts, 1)]
    assert [[s.id for s in quote_span(segments, i)] for i in range(len(segments))] == [
        [1, 2],  # a clause ending in ， takes the rest of its sentence
        [2], [3, 4],  # "先说问题。" alone says too little
        [4], [5],  # a ten-character sentence is a quote on its own
        [6],  # the last segment has nothing to borrow
    ]
