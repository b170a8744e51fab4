"""Grounding: quotes are whole transcript sentences; the model's inventions and edited quotes never reach a draft."""

from __future__ import annotations

import json

from conftest import grounded_answers
from pipeline.artifacts import Segment, Source, Transcript
from pipeline.check.grounding import find_quote, normalise
from pipeline.format.render import time_link

FOLDER = ("outputs", "caching-talk")

ZH = Transcript(
    language="zh",
    origin="subtitles",
    segments=[
        Segment(id=1, start=0.0, end=3.0, text="大家好，欢迎来到今天的分享。"),
        Segment(id=2, start=3.5, end=8.0, text="我们给每一个步骤都算一个缓存键，输入不变就不用重跑。"),
        Segment(id=3, start=8.5, end=12.0, text="人工改过的文件，我们绝不覆盖！"),
    ],
)

EN = Transcript(
    language="en",
    origin="subtitles",
    segments=[
        Segment(id=1, start=1.0, end=4.0, text="Welcome to this talk about caching data pipelines."),
        Segment(id=2, start=4.5, end=9.0, text="Every step gets a cache key built from the hashes"),
        Segment(id=3, start=9.0, end=11.0, text="of its inputs and its prompt."),
        Segment(id=4, start=12.0, end=13.0, text="Thank you."),
        Segment(id=5, start=20.0, end=21.0, text="Thank you."),
    ],
)


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

    assert time_link(source("https://youtube.com/watch?v=abc"), 65.4) == "[01:05](https://youtube.com/watch?v=abc&t=65)"
    assert time_link(source("https://youtu.be/abc"), 4.5) == "[00:04](https://youtu.be/abc?t=4)"
    assert (
        time_link(source("https://media.example.org/talk.mp4#old"), 3725)
        == "[1:02:05](https://media.example.org/talk.mp4#t=3725)"
    )
    assert time_link(source(None), 9.5) == "[00:09]"
    assert time_link(source(None), None) == ""


def test_what_the_model_writes_never_becomes_the_speakers_words(cli, llm_server, srt_file, tmp_path):
    """The model no longer cites lines: quotes and key points are transcript sentences chosen by code, so the key
    points the model offers are never used. What it writes (the summary) loses a sentence naming someone the talk
    never mentions or quoting words the speaker did not say."""
    llm_server.script(
        "SectionDraft",
        {
            "question": "What decides that a step runs again?",
            "key_points": [
                "As Grace Hopper said, caching is forever.",
                "Hashes of the inputs make the key.",
                "The speaker said “we delete every human edit without asking”.",
            ],
        },
    )
    llm_server.script(
        "OutlineDraft",
        {
            "title": "Caching data pipelines",
            "summary": "Grace Hopper invented caching. Every step gets a cache key.",
            "tags": ["caching"],
            "people": ["Grace Hopper"],
            "organizations": [],
            "products": [],
            "media": [],
        },
    )
    result = cli("run", srt_file)
    assert result.exit_code == 0, result.output
    folder = tmp_path.joinpath(*FOLDER)
    outline = json.loads((folder / "outline.json").read_text())
    segments = {s["id"]: s for s in json.loads((folder / "transcript.json").read_text())["segments"]}
    quotes = [quote for section in outline["sections"] for quote in section["quotes"]]
    assert quotes and all(quote["text"] == segments[quote["segment_id"]]["text"] for quote in quotes)
    assert outline["unverified"] == [] and "## Unverified" not in (folder / "outline.md").read_text()
    points = outline["sections"][0]["key_points"]  # the speaker's own sentences, not the model's
    assert points and all(point in {segment["text"] for segment in segments.values()} for point in points)
    assert not set(points) & {"As Grace Hopper said, caching is forever.", "Hashes of the inputs make the key."}
    assert outline["summary"] == "Every step gets a cache key." and outline["entities"]["people"] == []
    drafts = "".join((folder / name).read_text() for name in ("blog.md", "hooks.md", "community.md"))
    assert "Grace Hopper" not in drafts and "we delete every human edit" not in drafts
    assert "no problems" in result.output  # nothing for `devrel check` to find


def test_an_edited_outline_is_verified_before_drafting(cli, llm_server, srt_file, tmp_path):
    grounded_answers(llm_server)  # a key point that is not the quote itself, so an X post can quote it
    assert cli("run", srt_file).exit_code == 0
    folder = tmp_path.joinpath(*FOLDER)
    assert "## Unverified" not in (folder / "outline.md").read_text()
    outline = json.loads((folder / "outline.json").read_text())
    real = {
        "segment_id": 2,
        "text": "Every step gets a cache key built from the hashes of its inputs and its prompt.",
        "start": 99.0,
        "end": 101.0,
    }  # a real quote whose time a person got wrong
    paraphrase = {
        "segment_id": 2,
        "text": "Each stage receives a key computed by hashing what goes in.",
        "start": 4.5,
        "end": 9.0,
    }
    invented = {"segment_id": 3, "text": "We deleted every human edit without asking.", "start": 9.5, "end": 14.0}
    outline["sections"][0]["quotes"] = [real, paraphrase, invented]
    (folder / "outline.json").write_text(json.dumps(outline))

    result = cli("run", srt_file)
    assert result.exit_code == 0, result.output
    assert "2 quote(s) not found in the transcript" in result.output
    outline_md = (folder / "outline.md").read_text()
    shown, listed = outline_md.split("## Unverified", 1)
    assert "Each stage receives a key" in listed and "We deleted every human edit" in listed
    assert "> Every step gets a cache key built from the hashes of its inputs and its prompt.\n>\n> — [00:04]" in shown
    assert "[01:39]" not in outline_md  # the wrong time was replaced by the segment's
    drafts = "".join((folder / name).read_text() for name in ("blog.md", "hooks.md", "community.md"))
    assert "“Every step gets a cache key built from the hashes of its inputs and its prompt.”" in drafts  # quoted
    assert "Each stage receives" not in drafts and "We deleted every human edit" not in drafts
    assert (
        json.loads((folder / "outline.json").read_text())["sections"][0]["quotes"][1] == paraphrase
    )  # the person's file is kept


def test_drafts_link_quotes_to_the_moment_in_a_youtube_source(cli, llm_server, srt_file, tmp_path):
    grounded_answers(llm_server)
    assert cli("run", srt_file, "--to", "transcript").exit_code == 0
    folder = tmp_path.joinpath(*FOLDER)
    source = json.loads((folder / "source.json").read_text())
    (folder / "source.json").write_text(json.dumps(source | {"url": "https://youtube.com/watch?v=abc123"}))
    assert cli("run", srt_file).exit_code == 0
    assert "> — [00:04](https://youtube.com/watch?v=abc123&t=4)" in (folder / "outline.md").read_text()  # the quote
    assert "▶ [00:01](https://youtube.com/watch?v=abc123&t=1)" in (folder / "blog.md").read_text()  # the section
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


def test_a_sentence_over_two_captions_is_quoted_whole_with_its_times(cli, llm_server, tmp_path):
    """The model no longer cites a caption line to be widened: captions are joined into sentences
    (tests/test_sentences.py) and quotes are whole sentences chosen by code, never a line's fragment nor a line too
    short to say anything."""
    talk = tmp_path / "fragments.srt"
    talk.write_text(FRAGMENTS)
    result = cli("run", talk, "--to", "outline")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "outputs" / "fragments"
    segments = json.loads((folder / "transcript.json").read_text())["segments"]
    whole = (
        "If you remember one thing, remember this, hash what you read, hash what you write, "
        "and treat human edits as sacred."
    )
    assert [s["text"] for s in segments].count(whole) == 1  # cues 3 and 4 are one sentence
    quotes = [q for section in json.loads((folder / "outline.json").read_text())["sections"] for q in section["quotes"]]
    assert (whole, 62.0, 69.0) in [(q["text"], q["start"], q["end"]) for q in quotes]
    texts = {s["id"]: s["text"] for s in segments}
    assert all(q["text"] == texts[q["segment_id"]] for q in quotes) and len({q["text"] for q in quotes}) == len(quotes)
    assert not {"Here is the problem.", "Thanks for listening, and see you at the next meetup."} & {
        q["text"] for q in quotes
    }


def test_chinese_captions_are_quoted_as_whole_sentences_never_the_short_ones(tmp_path):
    from pipeline.analysis.selection import chosen_quotes
    from pipeline.config import load_settings
    from pipeline.corpus.store import embed
    from pipeline.stages.transcribe import transcript

    texts = [
        "今天我们聊一聊数据管道里的缓存，",
        "为什么按内容算哈希比看时间戳更可靠。",
        "先说问题。",
        "每一步都很慢，而且大多数时候输入根本没有变。",
        "人工的修改是神圣的。",
        "谢谢大家。",
    ]
    srt = "\n".join(
        f"{i}\n00:00:{3 * i:02d},000 --> 00:00:{3 * i + 2:02d},500\n{text}\n" for i, text in enumerate(texts, 1)
    )
    path = tmp_path / "zh.srt"
    path.write_text(srt, encoding="utf-8")
    made = transcript(
        Source(kind="subtitles", slug="zh", title="缓存", path=str(path), sha256="0", size=1), load_settings()
    )
    assert made.language == "zh"
    assert [s.text for s in made.segments] == [
        # a caption ending in ， runs on to its sentence
        "今天我们聊一聊数据管道里的缓存，为什么按内容算哈希比看时间戳更可靠。",
        "先说问题。",
        "每一步都很慢，而且大多数时候输入根本没有变。",
        "人工的修改是神圣的。",
        "谢谢大家。",
    ]
    assert (made.segments[0].start, made.segments[0].end) == (3.0, 8.5)
    speech = made.speech()
    quotes = chosen_quotes(speech, embed([s.text for s in speech]), "zh", [])
    too_short = {"先说问题。", "谢谢大家。"}  # says too little alone: never a quote
    assert quotes and {quote.text for quote in quotes} <= {s.text for s in made.segments} - too_short


def test_two_sentences_are_equally_central_so_the_claim_is_quoted_not_the_greeting():
    from pipeline.analysis.selection import chosen_quotes
    from pipeline.corpus.store import embed

    texts = ["Welcome to the talk about caching.", "Every step has a cache key built from the hashes of its inputs."]
    segments = [Segment(id=i, start=float(i), end=i + 0.9, text=text) for i, text in enumerate(texts, 1)]
    quotes = chosen_quotes(segments, embed(texts), "en", [])  # their centralities differ by float noise only
    assert [quote.text for quote in quotes] == [texts[1]]
