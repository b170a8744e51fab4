"""Speech rules: stage directions, page furniture, remarks to the room, cleaning, fragments and quotability.

The fixtures are written for this file. One test also reads the real talks in ../shared/eval (when present) to make
sure no sentence of real speech is taken for page furniture.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.analysis.speech import (
    LENGTH_WINDOW,
    STAGE_DIRECTION,
    WEIGHTS,
    clean,
    is_fragment,
    is_furniture,
    is_remark_to_room,
    is_stage_direction,
    quotability,
)

EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"


# --- stage directions ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "(applause)",
        "[ Applause ]",
        "(laughter)",
        "[Music]",
        "(Laughter and applause)",
        "（掌声）",
        "【笑声】",
        "(inaudible)",
        "[crosstalk]",
        "(APPLAUSE)",
        "(audience laughs)",
        "（笑）",
        "(Static)",  # what the room heard from a speaker or a recording
        "(Singing)",
    ],
)
def test_stage_direction_pattern_matches_directions(text):
    assert STAGE_DIRECTION.fullmatch(text)


@pytest.mark.parametrize("text", ["(JIT)", "(c)", "（比如远程办公）", "(see the docs)", "[EDIT: THIRD]", "(2019)"])
def test_stage_direction_pattern_leaves_spoken_asides(text):
    assert not STAGE_DIRECTION.search(text)


def test_stage_direction_is_found_inside_running_text():
    text = "That was the whole point. (laughter) So we moved on. 【掌声】"
    assert [m.group(0) for m in STAGE_DIRECTION.finditer(text)] == ["(laughter)", "【掌声】"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("(applause)", True),
        ("[ Applause ] (laughter)", True),
        ("（掌声）。", True),
        (" [Music] ", True),
        ("Thanks! (applause)", False),
        ("Applause is a good sign.", False),
        ("", False),
        ("(JIT)", False),
    ],
)
def test_is_stage_direction(text, expected):
    assert is_stage_direction(text) is expected


# --- page furniture --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Home | About | Contact",
        "Products | Pricing | Docs | Blog",
        "Share",
        "Like 42",
        "123 views",
        "5 min read",
        "© 2024 Foo Inc.",
        "All rights reserved.",
        "Copyright 2023 Example Labs",
        "Follow us on Mastodon",
        "Email: hello@example.org",
        "hello@example.org",
        "+1 (555) 123-4567",
        "2024-05-01 · 12:30",
        "— 3 —",
        "Subscribe to our newsletter",
        "Back to top",
    ],
)
def test_furniture_en(text):
    assert is_furniture(text, "en")


@pytest.mark.parametrize(
    "text",
    [
        "首页 登录 注册",
        "+ 10羽毛",
        "阅读 1.2万",
        "点赞",
        "收藏",
        "分享",
        "点赞 收藏 分享",
        "微信号：devrel_demo",
        "恭喜你~答对了",
        "成功推荐给其他人",
        "我知道了",
        "版权所有 © 示例公司",
        "首页 > 科技 > 文章",
        "电话：010-12345678",
        "13800138000",
        "关注我们，获取更多内容",
        "2024年5月1日 12:30",
    ],
)
def test_furniture_zh(text):
    assert is_furniture(text, "zh")


@pytest.mark.parametrize(
    "text",
    [
        "I like Rust.",
        "Share what you learn with the community.",
        "Like, it just works.",
        "We had 123 views on the first day and 10,000 by Friday.",
        "Follow the data, not your hunches.",
        "In 2014 we shipped version 2.0 of the compiler.",
        "Home is where the heap is.",
        "Thank you.",
        "My inbox had 4,000 unread messages.",
        "So that's 32 bits, 64 bits, 128 bits.",
        "",
    ],
)
def test_speech_is_not_furniture_en(text):
    assert not is_furniture(text, "en")


@pytest.mark.parametrize(
    "text",
    [
        "我很喜欢分享。",
        "我们的视频有一万次阅读。",
        "我知道了这个道理以后，就不再焦虑了。",
        "首页的设计我们改了三次。",
        "点赞的人很多，但留下来的人很少。",
        "我们用了3年，做了200期节目。",
        "谢谢大家。",
    ],
)
def test_speech_is_not_furniture_zh(text):
    assert not is_furniture(text, "zh")


def _en_sentences(path: Path) -> list[str]:
    """A caption file unwrapped, turn marks (">>", "NAME:") taken out, cut after . ! ?"""
    text = " ".join(path.read_text(encoding="utf-8").split()).replace(">>", " ")
    text = re.sub(r"\b[A-Z][A-Z .'-]{1,30}:\s", " ", text)
    return [sentence for sentence in re.split(r"(?<=[.!?])\s+", text) if sentence.strip()]


def _zh_sentences(path: Path) -> list[str]:
    return [s for s in re.split(r"(?<=[。！？])|\n+", path.read_text(encoding="utf-8")) if s and s.strip()]


@pytest.mark.skipif(not EVAL.is_dir(), reason="../shared/eval is not beside this checkout")
def test_no_sentence_of_the_real_talks_is_furniture():
    talks = [path for path in sorted((EVAL / "en").glob("*.txt")) if not path.name.startswith("LICENSE")]
    assert talks
    flagged = []
    for path in talks:
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        flagged += [s for s in _en_sentences(path) + lines if is_furniture(s, "en")]
    zh = sorted((EVAL / "zh").glob("*.txt"))
    for path in zh:
        flagged += [s for s in _zh_sentences(path) if is_furniture(s, "zh")]
    assert flagged == []


# --- remarks to the room ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Can everyone hear me?",
        "Is this on?",
        "Am I being amplified?",
        "Thank you.",
        "Thanks so much!",
        "Hello, everyone.",
        "Five minutes!",
        "Talk amongst yourselves!",
        "Next slide.",
        "Let me switch to my laptop",
        "Okay.",
        "Yeah.",
        "Cool.",
        "All right.",
        "Any questions?",
        "Check, check, check.",
        "Hi, I'm Dana Park.",
        "Okay, thank you so much!",
        "Thank you for having me.",
        "Can you all hear me in the back?",
        "(applause) Thanks!",
        "So that's it.",
        "One second.",
        "Good morning, everybody.",
    ],
)
def test_remark_to_room_en(text):
    assert is_remark_to_room(text, "en")


@pytest.mark.parametrize(
    "text",
    [
        "Thank you for building the compiler that made this whole project possible.",
        "Thanks to the cache, the nightly build went from forty minutes to four.",
        "Hello world is the first program most of us ever wrote.",
        "Okay, so the cache key is a hash of the inputs.",
        "I'm tired of slow builds.",
        "Can you see how the recursion unwinds here?",
        "Next, we hashed every prompt.",
        "Any question about caching comes down to invalidation.",
    ],
)
def test_content_is_not_a_remark_en(text):
    assert not is_remark_to_room(text, "en")


@pytest.mark.parametrize(
    "text",
    [
        "大家好",
        "大家好！",
        "谢谢大家。",
        "谢谢",
        "好的。",
        "下一页",
        "大家好，我是小王。",
        "能听到吗？",
        "有什么问题吗？",
        "好，谢谢大家！",
        "还有五分钟。",
    ],
)
def test_remark_to_room_zh(text):
    assert is_remark_to_room(text, "zh")


@pytest.mark.parametrize(
    "text",
    [
        "谢谢你们让我明白了社区的价值。",
        "好的产品会自己说话。",
        "下一页的表格里有三年的数据。",
        "大家好像都觉得做内容很容易，其实不是。",
    ],
)
def test_content_is_not_a_remark_zh(text):
    assert not is_remark_to_room(text, "zh")


# --- cleaning --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, cleaned",
    [
        ("Um, so the cache key is, uh, a hash of the inputs.", "The cache key is a hash of the inputs."),
        ("We cached the build, like, everywhere.", "We cached the build everywhere."),
        ("It was, like, a ten-minute build.", "It was a ten-minute build."),
        ("I mean, the tests were slow.", "The tests were slow."),
        ("You know, the tests were slow, you know?", "The tests were slow."),
        ("It's a cache, right?", "It's a cache."),
        ("It's, sort of, a cache.", "It's a cache."),
        ("Okay, so we shipped it on Friday.", "We shipped it on Friday."),
        ("So the first thing we did was measure.", "The first thing we did was measure."),
        ("And so we rewrote it.", "We rewrote it."),
        ("Well, the build broke.", "The build broke."),
        ("Right, the build broke.", "The build broke."),
        ("Yeah, the build broke.", "The build broke."),
        ("Basically, the build broke.", "The build broke."),
        ("I- I think it works.", "I think it works."),
        ("wh- what happened next?", "What happened next?"),
        ("We fixed the -- the parser.", "We fixed the parser."),
        ("We, we rewrote it.", "We rewrote it."),
        ("It's it's fast.", "It's fast."),
        ("We proof the dough longer we proof the dough longer.", "We proof the dough longer."),
        (
            "The compiler -- which we wrote in a weekend -- is fast.",
            "The compiler—which we wrote in a weekend—is fast.",
        ),
        ("People don't have -- really, the time to read it.", "People don't have, really, the time to read it."),
        ("We tried caching -- it failed.", "We tried caching—it failed."),
        ("That was the whole point. (laughter)", "That was the whole point."),
        ("It [ Applause ] really worked.", "It really worked."),
        ("the build , it was slow .", "The build, it was slow."),
        ("Right? Instruments matter a lot.", "Instruments matter a lot."),
        ("The rye was... how do I put it, a brick.", "The rye was—how do I put it, a brick."),
        ("...and then it sat overnight.", "And then it sat overnight."),
    ],
)
def test_clean_en(raw, cleaned):
    assert clean(raw, "en") == cleaned


@pytest.mark.parametrize(
    "text",
    [
        "I like Rust.",
        "It looks like a tree.",
        "Like I said, the cache is cold.",
        "It's sort of a cache.",
        "So many teams skip this step.",
        "So far it works.",
        "I know that that works.",
        "It is very, very fast.",
        "To achieve it, it takes a year.",
        "You know what I mean?",
        "Do you know Rust?",
        "It got slower and slower.",
        "Is it left or right?",
    ],
)
def test_clean_en_keeps_words_that_mean_something(text):
    assert clean(text, "en") == text


@pytest.mark.parametrize("text", ["(applause)", "Um.", "Uh, um...", "[ Applause ] (laughter)", "  "])
def test_clean_returns_empty_when_nothing_was_said(text):
    assert clean(text, "en") == ""


@pytest.mark.parametrize("text", ["（掌声）", "嗯。", "嗯，啊，", "【笑声】（掌声）", "  "])
def test_clean_zh_returns_empty_when_nothing_was_said(text):
    assert clean(text, "zh") == ""


def test_clean_en_marks_a_broken_off_sentence():
    assert clean("We were going to --", "en") == "We were going to—"


@pytest.mark.parametrize(
    "raw, cleaned",
    [
        ("嗯，我觉得这个问题，嗯，很重要。", "我觉得这个问题，很重要。"),
        ("啊，那个，我们今天讲社区。", "我们今天讲社区。"),
        ("那个我觉得可以。", "我觉得可以。"),
        ("然后呢，我们就开始做了。", "我们就开始做了。"),
        ("就是说，我们赢了。", "我们赢了。"),
        ("这个很重要，对吧？", "这个很重要。"),
        ("这个很重要对不对？", "这个很重要。"),
        ("这样做更简单，是吧。", "这样做更简单。"),
        ("我我我觉得不对。", "我觉得不对。"),
        ("我们，我们做了三年。", "我们做了三年。"),
        ("我，我觉得可以。", "我觉得可以。"),
        ("谢谢谢谢。", "谢谢。"),
        ("（掌声）谢谢大家。", "谢谢大家。"),
        ("哦，原来是这样。", "原来是这样。"),
    ],
)
def test_clean_zh(raw, cleaned):
    assert clean(raw, "zh") == cleaned


@pytest.mark.parametrize(
    "text",
    [
        "谢谢大家。",
        "看看这个。",
        "常常有人问我。",
        "那个问题很重要。",
        "也就是说，我们赢了。",
        "这说明了问题。",
        "是啊，很难。",
        "我们要慢慢来。",
    ],
)
def test_clean_zh_keeps_words(text):
    assert clean(text, "zh") == text


# --- fragments -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "and then we shipped the parser.",
        "We shipped the new parser",
        "We shipped the new parser...",
        "We were going to ship the --",
        "We shipped it…",
        "Ship it now.",
        "(applause)",
        "",
        "So this is, like, over here...",
    ],
)
def test_fragment_en(text):
    assert is_fragment(text, "en")


@pytest.mark.parametrize(
    "text",
    [
        "We shipped the new parser on Friday.",
        "Did you ship the new parser on Friday?",
        "We rewrote the whole parser (twice).",
        'She told us to "ship the parser on Friday."',
        "Caching saved us forty minutes a day!",
    ],
)
def test_whole_sentence_en(text):
    assert not is_fragment(text, "en")


@pytest.mark.parametrize(
    "text",
    [
        "我们上线了。",
        "因为我们在周五上线了新的解析器，",
        "然后我们在周五就上线了……",
        "我们在周五上线了新的解析器、",
        "（掌声）",
    ],
)
def test_fragment_zh(text):
    assert is_fragment(text, "zh")


@pytest.mark.parametrize(
    "text",
    [
        "我们在周五上线了新的解析器。",
        "我们在周五上线了新的解析器",
        "他说“我们在周五上线了新的解析器”",
        "你们在周五上线了新的解析器吗？",
    ],
)
def test_whole_sentence_zh(text):
    assert not is_fragment(text, "zh")


# --- quotability -----------------------------------------------------------------------------------------------


def test_weights_are_one_table():
    assert {
        "base",
        "number",
        "claim",
        "contrast",
        "question",
        "conjunction_start",
        "room_reference",
        "vague_opening",
        "greeting",
        "hedge",
    } <= set(WEIGHTS)
    assert set(LENGTH_WINDOW) == {"en", "zh"}


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Okay.", "en"),
        ("(applause)", "en"),
        ("Share", "en"),
        ("Can everyone hear me?", "en"),
        ("Read the whole write-up at https://example.com/post before you start.", "en"),
        ("and then it...", "en"),
        ("谢谢大家。", "zh"),
        ("（掌声）", "zh"),
        ("详情请看 www.example.cn 上的完整文章和视频。", "zh"),
        ("点赞 收藏 分享", "zh"),
        ("It was Jane Roe (phonetic) who designed the first version of the compiler.", "en"),
    ],
)
def test_quotability_is_zero_for_what_no_reader_should_see(text, lang):
    assert quotability(text, lang) == 0.0


@pytest.mark.parametrize(
    "better, worse",
    [
        (
            "We cut the nightly build from forty minutes to four minutes last spring.",
            "We cut the nightly build from very slow to fairly quick last spring.",
        ),
        (
            "I learned that the cache matters more than the size of the machine.",
            "We looked at the cache and then at the size of the machine.",
        ),
        (
            "We did not need a bigger machine, but we needed a smarter cache.",
            "We did not need a bigger machine, and we needed a smarter cache.",
        ),
        (
            "The nightly build takes forty minutes every single time we run it.",
            "Why does the nightly build take forty minutes every single time we run it?",
        ),
        (
            "The cache hit rate doubled within a week of hashing the prompts.",
            "As you can see on this slide, the cache hit rate doubled within a week.",
        ),
        (
            "Hashing the prompts doubled the cache hit rate in a single week.",
            "It doubled the cache hit rate in a single week of careful work.",
        ),
        (
            "The cache doubled our hit rate in a single week of careful work.",
            "And the cache doubled our hit rate in a single week of careful work.",
        ),
        (
            "Caching helped the team ship faster every single week of the year.",
            "Caching maybe probably sort of helped the team ship faster every week.",
        ),
        (
            "Building the compiler made this whole project possible for our small team.",
            "Thank you for building the compiler that made this whole project possible.",
        ),
        (
            "The cache key is a hash of every input and the prompt, so an edit changes it.",
            "The cache key is a hash of every input and the prompt, so an edit changes it, and that is the design we "
            "settled on after trying three other designs that each broke in their own way over the course of a long "
            "and rather painful year of rewrites.",
        ),
        ("我发现关键是持续输出，我们三年做了两百期视频。", "这张图里大家可以看到我们频道的一些视频。"),
        ("我们的频道不是靠运气，而是靠每周稳定更新。", "你们觉得我们的频道是靠运气还是靠每周更新？"),
        ("持续提供价值才是建立一个社区最重要的事情。", "所以持续提供价值才是建立一个社区的事情。"),
        (
            "And the database happens to take ten row locks for every statement inside a transaction block.",
            "So this shows up if you write a -= 2 in a transaction block when b isn't indexed.",
        ),
        (  # a sentence that ends on a pointer, or answers a question the reader never heard, leans outside itself
            "We don't strictly need to pin the versions, because the resolver's caution goes further than versions.",
            "We don't strictly need to do this, because the resolver's caution is even stricter than this.",
        ),
        (
            "Without a routing table the hardware switch cannot determine where incoming packets are going.",
            "You can't, because the switch lacks that picture of where the packets are going.",
        ),
        ("持续提供价值才是建立一个社区最重要的事情。", "我们三年来建立社区的办法其实一直都是这样。"),
        (  # an aside in parentheses is the speaker stepping out of the point ("Don't worry about that.")
            "We take two loaves off the rack, weigh them, and set the heavier one back on the rack.",
            "(In practice we rely on a slightly different scale, KITCHEN, that leaves the loaf on the rack.",
        ),
        (
            "We take two loaves off the rack, weigh them, and set the heavier one back on the rack.",
            "In practice we use a slightly different scale here, so don't worry about that.)",
        ),
        ("持续提供价值才是建立一个社区最重要的事情。", "（其实我们三年来建立社区用的办法跟别人的都差不多。"),
        (  # walking the room through the slides, and a word said twice, are speech, not a line to post
            "The oven keeps its heat for six hours after the fire goes out.",
            "Now let's take a quick look at our bakery's oven.",
        ),
        (
            "One of the ovens that we bake in is a stone oven.",
            "One of the ovens that we bake in in is a stone oven.",
        ),
        (  # said of anyone, a reader takes it as theirs; the speaker's own thing was named somewhere before
            "If you bake rye in a cold oven, the crust comes out pale and soft.",
            "Our rye comes out of a cold oven with a crust that is pale and soft.",
        ),
    ],
)
def test_quotability_prefers(better, worse):
    lang = "zh" if re.search(r"[\u4e00-\u9fff]", better) else "en"
    assert quotability(better, lang) > quotability(worse, lang)


@pytest.mark.parametrize(
    "text, lang",
    [
        ("I learned that the cache matters more than anything, because we cut the build from 40 minutes to 4.", "en"),
        ("Why?", "en"),
        ("It was, like, this thing over here on this slide, you know, maybe, I guess, sort of?", "en"),
        ("关键是持续输出，因为我们三年做了两百期视频，但是没有一期是靠运气。", "zh"),
        ("这张图大概可能也许是这样吧？", "zh"),
    ],
)
def test_quotability_stays_in_range(text, lang):
    assert 0.0 <= quotability(text, lang) <= 1.0


def _sentences(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?。！？…])\s*(?![.!?…])", paragraph) if s.strip()]


def test_quotability_ranks_the_claim_with_a_number_first():
    paragraph = (
        "Okay. So this is, like, over here... Can everyone see the graph? "
        "The lesson I took away is that caching beat raw speed, because it cut our build from 40 minutes to 4. "
        "And then we, um, moved on to the next thing."
    )
    ranked = sorted(_sentences(paragraph), key=lambda s: quotability(s, "en"), reverse=True)
    assert ranked[0].startswith("The lesson I took away")
    best = quotability(ranked[0], "en")
    assert best > quotability("Okay.", "en")
    assert best > quotability("So this is, like, over here...", "en")


def test_quotability_ranks_the_claim_with_a_number_first_zh():
    paragraph = (
        "好的。那个，就是这张图，大家看一下……"
        "我发现最重要的不是流量，而是持续输出，我们三年做了两百期节目。"
        "然后我们就，嗯，开始做下一个。"
    )
    ranked = sorted(_sentences(paragraph), key=lambda s: quotability(s, "zh"), reverse=True)
    assert ranked[0].startswith("我发现")
    assert quotability(ranked[0], "zh") > quotability("好的。", "zh")


def test_the_talk_about_itself_is_not_a_pull_quote():
    claim = "We measured this on our own pipeline: reruns went from 40 minutes to 90 seconds."
    for signpost in (
        "I'm Priya and I'll be talking about why package installs have gotten slower over the last 10 years.",
        "Today I want to talk about build caches and why they matter.",
        "Today we're going to look at how a 2,000 line makefile builds your whole kernel.",
        'My talk is "How to Keep a Sourdough Starter Alive".',
    ):
        assert quotability(signpost, "en") < quotability(claim, "en") - 0.25
    assert quotability("今天我想跟大家分享一下我们是怎么做社区的。", "zh") < quotability(
        "我们的社区一年从三百人涨到了三万人。", "zh"
    )


def test_a_point_cut_off_mid_phrase_is_broken_off():
    from pipeline.analysis.speech import broken_off

    assert broken_off("It keeps the time synchronized with our", "en")
    assert broken_off("我们之所以这样做，是因为我们的", "zh")
    assert not broken_off("The newest protocol uses 186 megahertz channels", "en")
    assert not broken_off("定期清理缓存是保持系统稳定的关键。", "zh")


@pytest.mark.parametrize(
    "text, lang, opening",
    [
        ("And what got me excited was the compiler.", "en", "What got me excited was the compiler."),
        ("But it's never only about the recipes.", "en", "It's never only about the recipes."),
        ("Caches hash their inputs.", "en", "Caches hash their inputs."),
        ("It was great.", "en", None),
        ("Who was a designer in the nineties and more.", "en", None),
        ("Or in this case a queue and a heap.", "en", None),
        ("这说明在分布式系统里，监控告警能力至关重要。", "zh", "在分布式系统里，监控告警能力至关重要。"),
        ("这很重要。", "zh", None),
    ],
)
def test_a_paragraph_opens_on_a_sentence_that_stands_alone(text, lang, opening):
    from pipeline.analysis.speech import paragraph_opening

    assert paragraph_opening(text, lang) == opening


@pytest.mark.parametrize(
    "text, lang, leans",
    [
        ("A third way to warm the oven is a gas burner.", "en", True),
        ("Another option is to bake at night.", "en", True),
        ("The other thing is the crust.", "en", True),
        ("Finally the loaves went out at six.", "en", True),
        ("Other bakers fire their ovens twice a day.", "en", False),
        ("Stone ovens hold heat for hours.", "en", False),
        ("其次，我们需要一个稳定的温度。", "zh", True),
        ("石头烤炉可以保温好几个小时。", "zh", False),
        ("I was also tired.", "en", True),  # adds itself to a line the reader never saw
        ("As I said before, the rye goes in last.", "en", True),
        ("Yet, the crust stays pale in a cold oven.", "en", True),
        ("Yet another oven arrived on Monday.", "en", False),
        ("The rye burned too.", "en", True),
        ("The oven was too hot for rye.", "en", False),
        ("我也觉得很难。", "zh", True),
        ("也许是炉温的问题。", "zh", False),
    ],
)
def test_the_next_item_of_a_list_leans_on_the_ones_before(text, lang, leans):
    from pipeline.rules import leans_back

    assert (leans_back(text, lang) is not None) == leans


def test_a_passage_starts_where_a_sentence_can_open_it():
    from pipeline.analysis.selection import opened

    assert opened(["It was great.", "And the cache made reruns fast.", "It broke."], "en") == [
        "The cache made reruns fast.",
        "It broke.",
    ]
    assert opened(["It was great."], "en") == ["It was great."]  # nothing better: the passage stands


def test_a_phrase_opening_on_an_ing_word_with_no_verb_is_a_fragment():
    assert is_fragment("Folding the dough over without tearing the top layer.", "en")
    assert not is_fragment("Folding the dough twice gives the crust its layers.", "en")
    assert not is_fragment("Proofing is where the bread gets its flavour.", "en")
    assert not is_fragment("During the bake, the oven slowly cools down.", "en")
    assert not is_fragment("Everything we bake starts with the same dough.", "en")


def test_steering_the_talk_is_a_signpost_not_a_point():
    from pipeline.analysis.speech import points_outside, signposts

    assert signposts("Let's focus on the one called the sourdough starter.", "en")
    assert signposts("The part we haven't talked about is the cooling rack.", "en")
    assert not signposts("Let's say the oven holds heat for six hours.", "en")
    assert signposts("Baking rye got hold of me, so I want to share what I found with you.", "en")
    assert not signposts("We share the oven with the bakery next door.", "en")
    assert signposts("So let's talk about the best known part of baking, the crust.", "en")
    assert points_outside("And this is really the code.", "en")  # the slide, not a line a post can carry
    assert not points_outside("This is the oven we bake rye in every morning.", "en")
    assert signposts("This is more of an overview of the bakery than a recipe.", "en")
    assert signposts("Hopefully you take away a thing or two about ovens.", "en")


def test_a_lone_line_whose_subject_is_a_pronoun_after_a_stance_leans_on_what_was_said():
    from pipeline.analysis.speech import UNSURE, pronoun_subject

    assert pronoun_subject("I'm sure it will burn the crust one day.", "en")
    assert pronoun_subject("Hopefully they keep the oven at 250 degrees.", "en")
    assert not pronoun_subject("I'm sure the stone oven will outlast us all.", "en")
    assert pronoun_subject("You could almost say it's as much a part of the bakery as the flour.", "en")
    assert not pronoun_subject("You could say the oven is the heart of the bakery.", "en")
    assert UNSURE.search("They were bakeries, I think, I'm not totally sure.")


def test_an_article_before_a_word_no_noun_can_be_is_a_garble_not_a_quote():
    from pipeline.analysis.speech import garbled

    assert garbled("The stone oven is the best tool that we can a do with.", "en")
    assert is_fragment("The stone oven is the best tool that we can a do with.", "en")
    assert not garbled("We keep a to-do list beside the oven.", "en")
    assert not garbled("If a is true and A and B are loaves, the a of awk is a letter.", "en")


def test_a_line_opening_on_a_consequence_or_contrast_leans_on_the_one_before():
    from pipeline.rules import leans_back

    assert leans_back("Conversely, a cold oven makes a pale crust.", "en")
    assert leans_back("Therefore the rye goes in last.", "en")
    assert not leans_back("Thursday is the day we bake rye.", "en")
    assert leans_back("In my defense, the oven was already cold.", "en")  # a reply to a line the reader never saw
    assert leans_back("That said, the crust held.", "en")
    assert leans_back("Now we know what that oven temperature on the dial meant.", "en")  # a recap of the unseen
    assert not leans_back("Now the oven holds its heat for six hours.", "en")
    assert not leans_back("In practice the oven stays hot for six hours.", "en")


def test_how_the_speaker_feels_on_stage_is_a_remark_to_the_room():
    from pipeline.analysis.speech import is_remark_to_room

    assert is_remark_to_room("I'm really nervous. I'm sure it'll go well.", "en")
    assert is_remark_to_room("I'm so excited to be here today!", "en")
    assert not is_remark_to_room("I'm nervous about the oven temperature every single morning.", "en")


def test_a_chinese_line_pointing_back_with_zhe_zhong_or_shang_shu_does_not_stand_alone():
    from pipeline.analysis.speech import points_outside
    from pipeline.stages.items import about_the_talk

    assert points_outside("由于面包都是基于这种发酵方法，师傅通常需要提前一天准备。", "zh")
    assert points_outside("上述问题让我们换了一台石窑。", "zh")
    assert not points_outside("石窑的热量可以保持六个小时。", "zh")
    assert about_the_talk("本-talk解决的问题是：如何让面包外皮更脆？")


def test_a_statement_opening_on_its_verb_left_its_subject_in_the_sentence_before():
    from pipeline.rules import leans_back

    assert leans_back("Can be baked once, twice, or three times.", "en")
    assert not leans_back("Can you smell the crust from the street?", "en")
    assert not leans_back("Canned yeast keeps for a year.", "en")


def test_what_the_talk_is_about_is_a_signpost_however_it_is_hedged():
    from pipeline.analysis.speech import signposts

    assert signposts("My talk is really a bit more about ovens than bread.", "en")
    assert not signposts("Good bread is mostly about patience, not ovens.", "en")


def test_a_run_of_short_pieces_between_commas_is_no_pull_quote():
    from pipeline.analysis.speech import quotability

    choppy = "And then the baker says, well, rye, 1912, 1915, the old oven, the worst, the crust burned in an hour."
    whole = "The crust of a rye loaf burns in an hour when the stone oven is still too hot."
    assert quotability(choppy, "en") < quotability(whole, "en") - 0.2


def test_a_guests_courtesies_to_the_host_are_remarks():
    from pipeline.analysis.speech import is_remark_to_room

    assert is_remark_to_room("Oh, thanks, I appreciate it; hopefully that was useful, too.", "en")
    assert is_remark_to_room("Glad to hear it.", "en") and is_remark_to_room("That's a great question.", "en")
    assert not is_remark_to_room("I appreciate the stone oven more every winter.", "en")


@pytest.mark.parametrize(
    "text, language, outside",
    [
        ("For years I believed that I couldn't, because I had no stone oven.", "en", True),
        ("What I learned when I did that was how little the flour matters.", "en", True),
        ("I learned that I was wrong about the flour.", "en", False),
        ("If you can, bake the rye last.", "en", False),
        ("我们换了石窑，就是想解决这个问题。", "zh", True),
        ("这个程序每天早上烤两百个面包。", "zh", True),
        ("这个时候石窑还很热。", "zh", False),
        ("You'll see we'll now bake the rye in the stone oven.", "en", True),
        ("On the left column, both loaves rise the same.", "en", True),
        ("You will see better bread if you wait a day.", "en", False),
    ],
)
def test_a_line_that_needs_the_sentence_before_or_the_room_does_not_stand_alone(text, language, outside):
    """A verb left for the sentence before to fill in, "这个问题" with no problem named, what the room will see."""
    from pipeline.analysis.speech import points_outside

    assert points_outside(text, language) == outside
