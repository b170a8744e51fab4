"""What an editor would refuse, tested on the shared rules and the code that chooses the speaker's words.

Every sentence here is written for these tests: a talk about a bakery's ovens and a build cache.
"""

from __future__ import annotations

import pytest

from pipeline.artifacts import Segment, Source, Transcript
from pipeline.rules import RULES, fired

OVENS = (
    "Our bakery runs three ovens from four in the morning. The stone oven bakes the sourdough at 250 degrees. "
    "Every loaf gets a steam burst in the first ten minutes. The crust cracks when the steam stops too early."
)


def test_a_model_sentence_with_a_word_or_number_the_talk_never_says_is_unsupported():
    assert fired("unsupported", "The stone oven bakes the sourdough.", OVENS, "en") is None
    assert fired("unsupported", "You should always preheat with sudo privileges.", OVENS, "en")
    assert fired("unsupported", "The stone oven bakes at 300 degrees.", OVENS, "en")  # a number the talk never says
    # the speaker's words in quote marks are checked as quotes, not as the model's claim
    assert fired("unsupported", "“The crust cracks when the steam stops too early.”", OVENS, "en") is None
    zh = "我们的面包房凌晨四点开三台烤箱。石炉用二百五十度烤酸面包。"
    assert fired("unsupported", "石炉烤酸面包。", zh, "zh") is None
    assert fired("unsupported", "数据分享社群很重要。", zh, "zh")


def test_a_question_asks_unless_it_presumes_a_claim():
    assert fired("unsupported", "What is the hottest oven in your bakery?", OVENS, "en") is None
    assert fired("unsupported", "How do you handle 3D textures in your pixel art?", OVENS, "en")  # presumes them
    assert fired("unsupported", "Did you know the bakery was part of a larger security initiative?", OVENS, "en")
    assert fired("unsupported", "Did you know the stone oven bakes the sourdough at 250 degrees?", OVENS, "en") is None


def test_a_heading_may_name_the_subject_in_a_word_of_its_own_but_not_invent_it():
    assert fired("unsupported", "Ovens proof sourdough", OVENS, "en", naming=True) is None
    assert fired("unsupported", "Ovens proof sourdough.", OVENS, "en")  # as a claim, "proof" is the model's
    assert fired("unsupported", "Cloud security best practices", OVENS, "en", naming=True)
    assert fired("wrong_language", "Why ovens need steam烤箱?", "en") and fired("wrong_language", "烤箱", "zh") is None


def test_past_content_is_voice_never_text():
    past = ["Stale cache entries are the silent cost of every build system we ever shipped."]
    assert fired("borrowed", "Stale cache entries are the silent cost of our ovens.", past, "en")
    assert fired("borrowed", "Our ovens start early and bake all day long.", past, "en") is None
    # a run the talk itself says is the speaker's, whatever the corpus holds
    spoken = "Honestly, stale cache entries are the silent cost of it all."
    assert fired("borrowed", "Stale cache entries are the silent cost of it all.", past, "en", spoken) is None
    assert fired(
        "borrowed", "缓存里过期的条目是每个构建系统沉默的代价", ["缓存里过期的条目是每个构建系统沉默的代价。"], "zh"
    )


def test_every_rule_in_the_table_says_what_it_finds_and_what_a_stage_does():
    for rule in RULES.values():
        assert rule.finds and rule.action in {"rebuild", "drop", "flag"} and set(rule.languages) <= {"en", "zh"}


def _segments(texts: list[str], speaker: str | None = None) -> list[Segment]:
    return [
        Segment(id=i, start=float(i * 5), end=float(i * 5 + 4), text=t, speaker=speaker) for i, t in enumerate(texts)
    ]


def _prose(texts: list[str], language: str = "en") -> str:
    """The blog's passages of a span of these sentences, as one text."""
    from pipeline.analysis.selection import passages
    from pipeline.corpus.store import embed

    runs = passages(_segments(texts), embed(texts), language, budget=400)
    return ("" if language == "zh" else " ").join(sentence for run in runs for sentence in run)


def test_the_blog_keeps_runs_of_sentences_with_the_speakers_own_hedge():
    from pipeline.analysis.selection import passages
    from pipeline.corpus.store import embed

    texts = [
        "Let me tell you how our build cache went wrong last winter.",
        "Every build step writes its output under a key made from its inputs.",
        "If the inputs hash the same, the step is skipped and the old output is reused.",
        "Which is almost true.",
        "A timestamp in one input file changed the key on every run.",
        "So nothing was ever reused, and builds took forty minutes instead of four.",
        "Anyway, who here has used a build cache before?",
        "Sorry about it being small up here.",
        "That is my talk title, by the way.",
        "And the next step is..",
        "Once we dropped the timestamp, the cache hit rate went from zero to ninety percent.",
        "How did we find it?",
        "And that was because,",
    ]
    segments = _segments(texts)
    runs = passages(segments, embed(texts), "en", budget=200)
    prose = [sentence for run in runs for sentence in run]
    assert "Which is almost true." in prose  # the hedge stays with the claim it qualifies
    at = prose.index("Which is almost true.")
    assert prose[at - 1].startswith("If the inputs hash the same")
    assert not any("who here" in sentence for sentence in prose)  # a question to the room goes
    assert not any("Sorry about" in sentence for sentence in prose)  # so does a word about the room's screen
    assert not any("talk title" in sentence for sentence in prose)  # a word about the talk itself goes
    assert not any(sentence.endswith("..") for sentence in prose)  # a start the speaker left goes on, or goes
    assert not prose[-1].endswith((",", "?"))  # a paragraph ends where a whole sentence does, not on a question
    for run in runs:
        assert not run[0].startswith(("Which", "So ", "And ")), run  # no paragraph leans on one left out
    assert [texts.index(s) for s in prose if s in texts] == sorted(texts.index(s) for s in prose if s in texts)


def test_key_points_are_the_speakers_sentences_that_stand_alone():
    from pipeline.analysis.selection import key_points
    from pipeline.corpus.store import embed

    texts = [
        "It was great.",
        "The stone oven bakes the sourdough at 250 degrees for forty minutes.",
        "They liked it.",
        "Every loaf gets a steam burst in the first ten minutes of baking.",
        "And that is why.",
    ]
    points = key_points(_segments(texts), embed(texts), "en", quoted=[], shown=[])
    assert points and all(point in texts[1::2] for point in points)


def test_a_speaker_who_introduces_themselves_is_named():
    from pipeline.sources.speakers import introduced

    talk = Transcript(
        language="en",
        origin="text",
        segments=_segments(["Hi everyone.", "I'm Ada Quill and I bake bread for a living.", "Ovens are hot."]),
    )
    source = Source(kind="text", title="ovens", slug="ovens", sha256="0" * 64, size=1)
    assert introduced(source, talk).speakers == ["Ada Quill"]
    named = source.model_copy(update={"speakers": ["Grace Baker"]})
    assert introduced(named, talk).speakers == ["Grace Baker"]  # a name a person gave wins
    zh = Transcript(language="zh", origin="text", segments=_segments(["大家好，我叫林小面，今天聊烤箱。"]))
    assert introduced(source, zh).speakers == ["林小面"]
    lecturer = _segments(["各位好，我是今天的讲师王面包（花名：酵母）。"])
    host = Transcript(language="zh", origin="text", segments=lecturer)
    assert introduced(source, host).speakers == ["王面包"]
    handed = [
        Segment(id=1, text="Thanks all, and without further ado, Ada Quill.", mark="host", speaker="HOST"),
        Segment(id=2, text="Hello! Ovens are hot and bread is good.", speaker="ADA"),
    ]
    assert introduced(source, Transcript(language="en", origin="text", segments=handed)).speakers == ["Ada Quill"]
    handed[1] = Segment(id=2, text="Hi, I'm Ada and ovens are hot.", speaker="ADA")  # the host gave the whole name
    assert introduced(source, Transcript(language="en", origin="text", segments=handed)).speakers == ["Ada Quill"]
    plain = Transcript(language="zh", origin="text", segments=_segments(["我是一个程序员，也做面包。"]))
    assert introduced(source, plain).speakers == []
    first_only = [  # the host says the whole name in passing, then hands over by the first name alone
        Segment(id=1, text="Our first speaker, Ada Quill, runs a bakery in town.", mark="host", speaker="HOST"),
        Segment(id=2, text="So let's welcome Ada.", mark="host", speaker="HOST"),
        Segment(id=3, text="Hello! Ovens are hot and bread is good.", speaker="ADA"),
    ]
    assert introduced(source, Transcript(language="en", origin="text", segments=first_only)).speakers == ["Ada Quill"]
    for line, named in (
        ("We have Ada Quill, presenting her stone oven.", ["Ada Quill"]),
        ("We have Stone Oven Platters in the back room.", []),  # a capitalised thing, not a person
    ):
        hosted = [Segment(id=1, text=line, mark="host", speaker="HOST"), Segment(id=2, text="Ovens.", speaker="ADA")]
        assert introduced(source, Transcript(language="en", origin="text", segments=hosted)).speakers == named


def test_a_label_that_changes_with_nobody_between_is_one_talk():
    from pipeline.sources.marks import talks

    long = "The oven bakes bread all morning and the crust cracks when the steam stops too early, every day. "
    one = [*_segments([long * 2] * 3, "ADA"), *_segments([long * 2] * 3, "SPEAKER_2")]
    assert talks(one) == []
    two = [*_segments([long * 2] * 3, "ADA"), *_segments(["Thank you! Next up is Grace."], "HOST")]
    two += _segments([long * 2] * 3, "GRACE")
    assert talks(two) == ["ADA", "GRACE"]


def test_a_stage_s_cache_key_follows_its_code_and_the_modules_it_imports(tmp_path, monkeypatch):
    from pipeline import cache
    from pipeline.stages import blog, hooks

    blog_code, hooks_code = cache.code_version(blog), cache.code_version(hooks)
    assert blog_code == cache.code_version(blog) and blog_code != hooks_code
    reached = cache._imports(cache.PACKAGE / "stages" / "hooks.py")
    names = cache.PACKAGE / "analysis" / "names.py"
    assert cache.PACKAGE / "stages" / "items.py" in reached and names not in reached
    assert names in cache._imports(cache.PACKAGE / "stages" / "items.py")  # reached at depth 2
    # a change to a module a stage reaches changes the stage's key
    package = tmp_path / "pipeline"
    (package / "stages").mkdir(parents=True)
    (package / "stages" / "made.py").write_text("from pipeline.helper import x\n")
    (package / "helper.py").write_text("x = 1\n")
    monkeypatch.setattr(cache, "PACKAGE", package)

    class Made:
        __file__ = str(package / "stages" / "made.py")

    before = cache.code_version.__wrapped__(Made)
    (package / "helper.py").write_text("x = 2\n")
    assert cache.code_version.__wrapped__(Made) != before


def test_a_belief_the_story_corrects_is_no_pull_quote():
    from pipeline.analysis.speech import quotability

    held = "I thought the second oven would double the morning bake without any changes."
    found = "The second oven doubled the morning bake once we moved the proofing racks."
    assert quotability(held, "en") < quotability(found, "en")
    assert quotability("我以为第二台烤箱能让早上的产量翻倍。", "zh") < quotability(
        "第二台烤箱让早上的产量翻了一倍。", "zh"
    )
    assert quotability("本文根据烘焙直播分享整理，主题：石炉与蒸汽。", "zh") == 0.0  # the page's note on itself


def test_a_line_with_a_remark_to_the_room_or_a_signpost_is_no_pull_quote():
    from pipeline.analysis.speech import quotability

    plain = "The detector hears the tone set and wakes the right pager in the station."
    assert quotability(plain + " Oh, and we have two more minutes!", "en") < quotability(plain, "en")
    assert quotability("Let me show you the output, then I'll do it again.", "en") < quotability(plain, "en")
    pointing = "The detector hears this tone set and wakes the right pager in the station."
    assert quotability(pointing, "en") < quotability(plain, "en")  # "this tone set": the one on the slide
    assert fired("leans_back", "If not, the pager stays asleep all night.", "en")


def test_a_chinese_part_without_a_usable_heading_is_headed_by_its_repeated_nouns():
    from pipeline.stages.outline import zh_terms_heading

    texts = ["烤箱的温度决定面包的口感。", "我们每天早上检查烤箱和面包。", "面包出炉前，烤箱要先预热。"]
    heading = zh_terms_heading(_segments(texts))
    assert set(heading.split("与")) == {"烤箱", "面包"}


def test_a_title_is_built_on_what_the_talk_keeps_saying():
    talk = OVENS + " Maybe one day we will sell pizza too. The stone oven and the steam make the crust."
    assert fired("misframed", "Stone ovens, steam and the crust", talk, "en") is None
    assert fired("misframed", "A pizza oven revolution", talk, "en")  # pizza: said once, as a maybe


def test_a_headline_names_what_the_talk_says_most_and_a_promise_only_what_it_teaches():
    talk = OVENS + " Maybe one day we will sell pizza too. The stone oven and the steam make the crust."
    assert fired("off_subject", "Stone ovens and their crust", talk, "en") is None
    assert fired("off_subject", "Selling pizza one day", talk, "en")  # an aside heads every post it is stamped on
    assert fired("unsupported", "Stone ovens and efficient crusts", talk, "en", naming=True) is None  # one of its own
    assert fired("unsupported", "How to bake efficient crusts in a stone oven", talk, "en", naming=True)  # a promise
    assert fired("unsupported", "How to bake a crust in a stone oven", talk, "en", naming=True)  # never offered
    offered = talk + " Let me show you how to bake a crust that cracks."
    assert fired("unsupported", "How to bake a crust in a stone oven", offered, "en", naming=True) is None
    assert fired("cut_short", "Stone ovens and the cru", talk) and fired("cut_short", "Stone ovens", talk) is None


def test_a_part_the_model_cannot_name_is_headed_by_its_own_short_general_statement():
    from pipeline.artifacts import Section
    from pipeline.stages.outline import point_heading

    points = [
        "I promised to talk about ovens.",  # the speaker's own line, not a heading
        "So it cracks.",  # leans on the sentence before
        "A stone oven keeps its heat for hours after the fire goes out, which is why bakers love it so much.",
        "Stone ovens keep their heat for hours.",
    ]
    section = Section(question="x", persona="", key_points=points, quotes=[])
    assert point_heading(section, "en") == "Stone ovens keep their heat for hours"
    assert point_heading(section.model_copy(update={"key_points": points[:3]}), "en") == ""
    zh = Section(question="x", persona="", key_points=["我觉得石炉很好。", "石炉保温好，面包皮定型快。"], quotes=[])
    assert point_heading(zh, "zh") == "石炉保温好，面包皮定型快"


def test_a_passage_keeps_the_turn_that_corrects_it():
    from pipeline.analysis.selection import passages
    from pipeline.corpus.store import embed

    texts = [
        "We planned to run a bread contest every month to bring new bakers to the shop, with a jury of three of our "
        "oldest customers, a table by the window for the entries, and a small prize for the best crust and crumb.",
        "The winners would get their loaves sold on our front shelf for a whole week, with their name on a card beside "
        "the price, and we would bake their recipe in our own oven so they could see how it behaves at scale.",
        "We printed posters and put them up in every cafe on the street, we told every customer at the counter for a "
        "month, and we even asked the flour mill to mention it in the letter they send to every bakery they supply.",
        "But in the end almost nobody entered, because a good baker is not always someone who likes a contest.",
        "The stone oven holds its heat for six hours after the fire goes out.",
        "We bake the rye last, when the oven has cooled to two hundred degrees.",
        "A loaf of rye needs a slow oven or the crust burns before the middle sets.",
        "The sourdough proofs overnight in the cold room at eight degrees.",
    ]
    runs = passages(_segments(texts), embed(texts), "en", budget=40, lead=True)
    prose = [sentence for run in runs for sentence in run]
    assert texts[2] in prose and texts[3] in prose  # the plan is never shown without how it turned out


def test_a_line_that_trails_off_goes_on_in_the_next_one():
    texts = [
        "So...",
        "I have been baking bread in a stone oven for ten years now, every morning before the shop opens.",
        "And then the dough...",
        "Well, it just sat on the bench overnight and nobody knew why.",
        "The stone oven holds its heat for six hours after the fire goes out.",
        "A loaf of rye needs a slow oven or the crust burns before the middle sets.",
    ]
    prose = _prose(texts)
    assert "And then the dough—it just sat on the bench overnight" in prose  # one sentence, as spoken
    assert not prose.startswith("So")  # a pause alone is no sentence


def test_a_short_gap_between_two_kept_paragraphs_is_kept():
    from pipeline.analysis.selection import _bridged

    sizes = [10] * 12
    cleaned = ["A whole sentence about ovens."] * 12
    assert _bridged([(0, 3), (4, 7), (10, 12)], cleaned, sizes) == [(0, 4), (4, 7), (10, 12)]  # one line: kept
    cleaned[6] = "The crust is a very..."
    assert _bridged([(0, 3), (3, 7), (7, 9)], cleaned, sizes) == [(0, 3), (3, 9)]  # trails into the next: one
    assert _bridged([(0, 3), (9, 12)], cleaned, sizes) == [(0, 3), (9, 12)]  # six lines between: a cut


@pytest.mark.parametrize(
    "opening, language, title",
    [
        (["Hi.", "Ada's going to talk about stone ovens and rye!"], "en", "Stone Ovens and Rye"),
        (["Hi, I'm Ada.", "The title of my talk is “Bake the rye last”, and I mean it."], "en", "Bake the Rye Last"),
        (["Hi, I'm Ada and I'm going to talk about ovens today, which I love."], "en", ""),  # one word: a subject
        (["I'm going to talk about how we fixed it."], "en", ""),  # a clause, not a name
        (["大家好，今天我分享的题目是《石窑面包的火候》。"], "zh", "石窑面包的火候"),
        (["Stone ovens hold their heat for six hours."], "en", ""),
        (["Now we have Ada, presenting -- “Rye, Spelt and the Slow Oven!”"], "en", "Rye, Spelt and the Slow Oven"),
    ],
)
def test_the_title_a_talk_announces_itself_by(opening, language, title):
    from pipeline.analysis.titles import announced_title

    segments = [Segment(id=i, start=float(i), end=float(i) + 1, text=text) for i, text in enumerate(opening)]
    assert announced_title(segments, language) == title


def test_a_list_a_page_cut_into_lines_is_one_paragraph_of_the_post():
    texts = [
        "石窑面包店开业已经十年了，每天早上五点开始烤面包。",
        "除了石窑以外，这家店还有三个主要特色：",
        "低温发酵：面团在八度的冷藏室里发酵整整一夜，",
        "风味更加浓郁；全麦面粉：所有面粉都来自本地的磨坊，每周新磨；",
    ]
    prose = _prose(texts, "zh")
    assert "三个主要特色：低温发酵：" in prose and prose.endswith("每周新磨。")  # the list, whole, ended


def test_a_line_about_what_the_room_sees_on_the_slide_is_not_prose():
    texts = [
        "A sourdough starter is flour and water that wild yeast has moved into.",
        "It looks like this.",
        "You feed it every morning with the same weight of flour and water.",
        "And you see the jar at the very bottom?",
        "That one has been alive for twelve years in our bakery.",
    ]
    prose = _prose(texts)
    assert "looks like this" not in prose and "very bottom" not in prose and "every morning" in prose


def test_the_post_never_opens_on_a_sentence_pointing_back():
    from pipeline.artifacts import Section
    from pipeline.stages.blog import section_text

    texts = [
        "They're loaves, and they should be eaten warm.",
        "Rye bread keeps for a week in a cloth bag on the counter.",
        "A stone oven holds its heat for six hours after the fire goes out.",
    ]
    section = Section(question="x", persona="", key_points=[], quotes=[], first=0, last=2)
    opening = section_text(section, _segments(texts), "en", 400, opens=True)
    assert opening[0].startswith("Rye bread keeps"), opening
    assert section_text(section, _segments(texts), "en", 400)[0].startswith("They're loaves")  # mid-post: it stays


def test_a_line_about_the_talk_stays_when_the_next_one_points_back_at_it():
    texts = [
        "I have been baking bread in a stone oven for ten years now, every morning before the shop opens.",
        "This talk is really about patience.",
        "That has been my secret to a good crust, more than any flour.",
        "The stone oven holds its heat for six hours after the fire goes out.",
        "A loaf of rye needs a slow oven or the crust burns before the middle sets.",
    ]
    prose = _prose(texts)
    assert "about patience. That has been my secret" in prose  # "That" is patience, not the ten years
    alone = _prose([texts[0], texts[1], *texts[3:]])
    assert "about patience" not in alone  # with nothing pointing back at it, a line about the talk goes
