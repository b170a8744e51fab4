"""A talk in the shape real transcripts come in (hard-wrapped, `>>` turns, stage directions, a host) becomes an
outline of code-found sections with code-chosen whole-sentence quotes, and a blog of the speaker's own words."""

from __future__ import annotations

import json
import re
import shutil

from conftest import DATA, front
from pipeline.analysis.selection import unlinked
from pipeline.analysis.speech import is_fragment
from pipeline.stages.blog import adds_nothing

TALK = DATA / "steno-talk.txt"


def _run(cli, tmp_path, *extra):
    shutil.copy(TALK, tmp_path / "talk.txt")
    result = cli("run", tmp_path / "talk.txt", *extra)
    assert result.exit_code == 0, result.output
    return tmp_path / "outputs" / "talk"


def test_sections_are_spans_with_whole_sentence_quotes(cli, tmp_path, llm_server):
    folder = _run(cli, tmp_path)
    transcript = json.loads((folder / "transcript.json").read_text())
    outline = json.loads((folder / "outline.json").read_text())
    by_id = {segment["id"]: segment for segment in transcript["segments"]}
    sections = outline["sections"]
    assert len(sections) >= 2
    spans = [(section["first"], section["last"]) for section in sections]
    assert spans == sorted(spans) and all(a <= b for a, b in spans)
    assert all(spans[i][1] < spans[i + 1][0] for i in range(len(spans) - 1))  # contiguous, never overlapping
    quotes = [quote for section in sections for quote in section["quotes"]]
    assert quotes and len({quote["text"] for quote in quotes}) == len(quotes)  # no quote twice
    for quote in quotes:
        segment = by_id[quote["segment_id"]]
        # verbatim: a whole transcript sentence, less a first word tying it to the one before ("And we…" → "We…")
        assert quote["text"] == unlinked(segment["text"], "en")
        assert segment["text"].endswith(quote["text"][1:])
        assert segment["mark"] is None  # never the host, the room or "(applause)"
        assert not is_fragment(quote["text"], "en"), quote["text"]
    questions = [section["question"] for section in sections]
    assert len(set(questions)) == len(questions)
    # the model is asked about one span at a time, with that span's words only
    requests = llm_server.chat_requests("SectionDraft")
    asked = [r["messages"][-1]["content"] for r in requests]
    # (what it reads is what the blog shows under the heading: the first span's paragraph on prompt files)
    assert len(asked) == len(set(asked)) >= len(sections) and "prompt file" in asked[0] and "mocked" not in asked[0]
    # the scripted default says the span's first words back as a question: a small follow-up names the span's theme,
    # in the section call's chat word for word (a local server reads only the follow-up, not the span again)
    themes = llm_server.chat_requests("ThemeDraft")
    assert themes
    for theme in themes:
        section, answer, follow_up = theme["messages"][:2], theme["messages"][2], theme["messages"][3:]
        assert any(r["messages"] == section for r in requests), "the theme follows its own section call"
        assert answer["role"] == "assistant" and json.loads(answer["content"])["question"].startswith("What about")
        assert [m["role"] for m in follow_up] == ["user"] and "theme" in follow_up[0]["content"]
        assert sum(m["content"].count("</material>") for m in theme["messages"]) == 1  # the span once
    assert any(question.endswith(": what it does") for question in questions), questions
    assert not any(question.startswith("What about") for question in questions), questions


def test_an_unusable_theme_leaves_the_echoing_question_to_the_question_edit(cli, tmp_path, llm_server):
    long = "Caching, keys, reruns, invalidation and everything else this part of the talk happens to mention"
    llm_server.script("ThemeDraft", *[{"theme": "Is caching worth it?"}, {"theme": long}] * 4)  # a question; too long
    folder = _run(cli, tmp_path, "--to", "outline")
    questions = [section["question"] for section in json.loads((folder / "outline.json").read_text())["sections"]]
    edits = [r["messages"][-1]["content"] for r in llm_server.chat_requests("QuestionDraft")]
    assert edits and all("only says this sentence back" in edit for edit in edits)
    assert all(len(r["messages"]) == 4 for r in llm_server.chat_requests("QuestionDraft"))  # a follow-up, too
    assert any(question.startswith("Why does") for question in questions), questions
    assert "Is caching worth it?" not in questions


def test_a_question_edit_stopped_by_its_bound_is_not_a_heading(cli, tmp_path, llm_server):
    cut = "What is the trade-off between caching every stage and rerunning only what changed for a first-time maint"
    llm_server.script("ThemeDraft", *[{"theme": "Is caching worth it?"}] * 8)
    llm_server.script("QuestionDraft", *[{"question": cut}] * 8)
    folder = _run(cli, tmp_path, "--to", "outline")
    questions = [section["question"] for section in json.loads((folder / "outline.json").read_text())["sections"]]
    assert llm_server.chat_requests("QuestionDraft") and not any("maint" in question for question in questions)


def test_blog_is_the_speakers_words_in_the_users_form(cli, tmp_path, llm_server):
    folder = _run(cli, tmp_path)
    blog = (folder / "blog.md").read_text()
    meta = front(folder / "blog.md")
    assert meta["draft"] is True and meta["layout"] and "companies_orgs" in meta and "products_models" in meta
    outline = json.loads((folder / "outline.json").read_text())
    headings = re.findall(r"^### (.+)$", blog, flags=re.M)
    assert headings == [section["name"] or section["question"] for section in outline["sections"]]
    assert all(section["name"] for section in outline["sections"])  # a talk's parts are named, not asked about
    body = blog.split("---\n", 2)[2]
    for noise in ("(applause)", "(laughter)", "Can everyone hear me", "Okay.", "Please welcome her", "move closer"):
        assert noise not in body
    assert "mocked the language model everywhere" in body  # the speaker's own words
    prose = [line for line in body.splitlines() if line and not line.startswith(("#", "▶", "-", ">"))]
    talk_words = sum(
        len(s["text"].split())
        for s in json.loads((folder / "transcript.json").read_text())["segments"]
        if s["mark"] is None
    )
    assert sum(len(line.split()) for line in prose) >= 0.3 * talk_words
    assert "This blog post" not in body and "In this talk" not in body
    assert not meta["speaker"] and body.lstrip().startswith("###")  # nobody named: no line on whose words they are


def test_a_named_speakers_post_says_whose_words_it_speaks_in(cli, tmp_path, llm_server):
    folder = _run(cli, tmp_path, "--speakers", "Priya Raman")
    body = (folder / "blog.md").read_text().split("---\n", 2)[2]
    assert body.lstrip().startswith("*From Priya Raman's talk: the speaker's own words, lightly edited.*")


def test_a_rewrite_that_adds_a_claim_is_not_kept(cli, tmp_path, llm_server):
    llm_server.script("Rewritten", {"text": "As Elon Musk said, caching cut our costs by 99 percent."})
    folder = _run(cli, tmp_path, "--only", "ingest,transcribe,outline,blog")
    body = (folder / "blog.md").read_text()
    assert "Elon Musk" not in body and "99 percent" not in body
    run = json.loads((folder / "runs.jsonl").read_text().splitlines()[-1])
    assert any("rewrite added words" in warning for warning in run["warnings"])


def test_adds_nothing_accepts_a_tidy_edit_and_refuses_new_facts():
    said = "So, um, we measured this on our own pipeline, and a rerun went from 40 minutes to, like, 90 seconds."
    assert adds_nothing("We measured this on our own pipeline: a rerun went from 40 minutes to 90 seconds.", said, "en")
    assert not adds_nothing("We measured a rerun going from 40 minutes to 9 seconds.", said, "en")
    assert not adds_nothing("Google measured a rerun going from 40 minutes to 90 seconds.", said, "en")
    assert not adds_nothing(
        "We measured this on our pipeline, proving that serverless databases beat everything.", said, "en"
    )


def test_a_question_that_echoes_its_span_or_asks_about_the_speaker_is_asked_again():
    from pipeline.artifacts import Segment
    from pipeline.corpus.store import embed
    from pipeline.stages.outline import Span, question_problems

    texts = [
        "We hash every input of a step into one cache key.",
        "When the key has not changed, the step does not run again.",
        "That took our reruns from forty minutes to ninety seconds.",
    ]
    span = Span([Segment(id=i, text=t) for i, t in enumerate(texts, 1)], embed(texts))
    assert question_problems("Why do we hash every input of a step into one cache key?", span, [], "en")
    assert question_problems("What is the main topic of the talk?", span, [], "en")
    assert question_problems("What are the framing ideas of Ada's talk?", span, [], "en")
    assert question_problems(
        "What decides that a step runs again?", span, ["What decides that a step runs again?"], "en"
    )
    assert question_problems("How do reruns get cheap?", span, [], "en") == []
    # a theme heading names the part's terms: it echoes only a sentence that says little more than it does
    assert question_problems("Step cache keys", span, [], "en")
    assert question_problems("Step cache keys", span, [], "en", strict=False) == []
    assert question_problems("Hashing every input of a step into one cache key", span, [], "en", strict=False)


def test_a_question_about_the_speaker_is_asked_about_the_subject():
    from pipeline.stages.outline import plain_question, usable_edit

    assert (
        plain_question("What is the speaker's main point about memory management?", "en")
        == "What matters about memory management?"
    )
    assert plain_question("What is the algorithm described in the material?", "en") == "What is the algorithm?"
    assert (
        plain_question("How does the speaker handle cache invalidation?", "en")
        == "How do you handle cache invalidation?"
    )
    # asked of "you", anything but a how-to reads as an interview: it keeps "the speaker" for the question's edit
    assert plain_question("What libraries is the speaker implementing?", "en") == (
        "What libraries is the speaker implementing?"
    )
    assert plain_question("Why did the speaker leave Google?", "en") == "Why did the speaker leave Google?"
    assert plain_question("为什么作者认为微信群的价值留存性差？", "zh") == "为什么微信群的价值留存性差？"
    assert plain_question("你为什么认为创业最难的是建立社区？", "zh") == "为什么创业最难的是建立社区？"
    assert plain_question("What is the speaker's proposed approach?", "en") == "What is your proposed approach?"
    two = "What is your view on programming? What do you think about the current state of programming and its"
    assert plain_question(two, "en") == "What is your view on programming?"  # a heading asks one question
    assert not usable_edit("What is the approach? What is wrong: Ask about the subject")


def test_a_question_about_the_speakers_own_story_becomes_the_theme_it_names():
    """ "What is the speaker's journey into programming and what are their interests?" turned to "you" read as an
    interview ("What is your journey … their interests?"): the part is the speaker's story, and a heading names it."""
    from pipeline.stages.outline import plain_question

    asked = {
        "What is the speaker's journey into programming and what are their interests?": "Journey into programming",
        "What is your value misalignment and how did it affect their career?": "Value misalignment",
        "What is the speaker's approach to keeping a sourdough starter alive?": "Keeping a sourdough starter alive",
        "What is your proposed approach to garbage collection, and how does it compare to mark-and-sweep?": (
            "Garbage collection"
        ),
        "What is your experience with Apple 2GS and Basic programming?": "Apple 2GS and Basic programming",
        "What was your favorite machine and what did it do?": "Favorite machine",
        "What are the speaker's thoughts on AI?": "What are your thoughts on AI?",  # one word names too little
        "What is your view of their work?": "What is your view of their work?",  # no subject of its own
        "What is the 1500 line switch statement?": "What is the 1500 line switch statement?",
    }
    assert {question: plain_question(question, "en") for question in asked} == asked


def _outline_of_grace_hopper_txt(cli, tmp_path, llm_server, summary: str) -> dict:
    """The outline of the steno talk saved as grace-hopper.txt (a name only its file gives), the model's summary
    scripted."""
    llm_server.script(
        "OutlineDraft",
        {
            "title": "Caching data pipelines",
            "summary": summary,
            "tags": ["caching"],
            "people": [],
            "organizations": [],
            "products": [],
            "media": [],
        },
    )
    shutil.copy(TALK, tmp_path / "grace-hopper.txt")
    result = cli("run", tmp_path / "grace-hopper.txt", "--to", "outline")
    assert result.exit_code == 0, result.output
    return json.loads((tmp_path / "outputs" / "grace-hopper" / "outline.json").read_text())


def test_a_name_only_the_file_name_gives_is_not_a_name_the_talk_said(cli, tmp_path, llm_server):
    outline = _outline_of_grace_hopper_txt(
        cli, tmp_path, llm_server, "Grace Hopper explains caching. A step reruns only when its inputs change."
    )
    assert "Hopper" not in outline["summary"] and "reruns only when its inputs change" in outline["summary"]


def test_a_key_point_states_the_point_not_that_someone_made_it():
    from pipeline.stages.outline import plain_point

    assert plain_point("The speaker proposes combining the two phases into one pass.", "en") == (
        "Combining the two phases into one pass."
    )
    assert plain_point("He says that time zones are political.", "en") == "Time zones are political."
    assert plain_point("The clock drifts a second a day.", "en") == "The clock drifts a second a day."
    assert plain_point("演讲者认为缓存命中率决定响应速度。", "zh") == "缓存命中率决定响应速度。"
    assert plain_point("The material discusses serial flow control with XON and XOFF.", "en") == (
        "Serial flow control with XON and XOFF."
    )


def test_names_a_small_model_lists_as_people_are_typed_by_their_shape():
    from pipeline.analysis.entities import grounded_entities

    said = (
        "I'm David Nolen. Bret Victor showed Fantavision on the Amiga. We wrote it in Clojure script at Hacker School, "
        "which is a school for programmers. 我每周都会读晓辉博士的文章，我的朋友在腾讯做总监。"
    )
    proposed = {
        "people": ["David Nolen", "Bret Victor", "Fantavision", "Clojure script", "Hacker School", "晓辉博士", "腾讯"],
        "organizations": [],
        "products": [],
        "media": [],
    }
    entities = grounded_entities(proposed, said, refused=[], named=["David Nolen"])
    assert entities.people == ["David Nolen", "Bret Victor", "晓辉博士"]
    assert set(entities.products) | set(entities.organizations) == {  # one word called a person: left out
        "Clojure script",
        "Hacker School",
        "腾讯",
    }


def test_a_speaker_filed_under_products_is_a_person():
    from pipeline.analysis.entities import grounded_entities

    said = "Next up is Ada McQuill on stone ovens. So I'm Ada. I bake with a Rofco oven every morning."
    proposed = {"people": [], "organizations": [], "products": ["Ada McQuill", "Rofco"], "media": []}
    entities = grounded_entities(proposed, said, refused=[], named=["Ada"])
    assert entities.people == ["Ada McQuill"]
    assert entities.products == ["Rofco"]


def test_a_summary_loses_its_in_this_talk_frame():
    from pipeline.stages.outline import grounded_summary

    said = "I'm Allison Kaptur. Python compiles to bytecode. The disassembler shows it and reads it back."
    summary = "In this talk, Allison Kaptur explains Python bytecode. She shows how the disassembler reads it."
    assert grounded_summary(summary, said, "en") == summary.removeprefix("In this talk, ")
    said = "缓存键来自输入的哈希。"
    assert grounded_summary("在这次演讲中，缓存键来自输入的哈希。", said, "zh") == "缓存键来自输入的哈希。"
    # a sentence about the talk ("在本…中", "作者分享了…") says nothing of its point: it goes
    assert grounded_summary("在本次演讲中，作者分享了社区建设。", "作者分享社区建设。", "zh") == ""
    # a sentence reporting the talk names its speaker when the source has one, else says what is reported
    reports = "The speaker discusses the NTP protocol and leap seconds. They explain that NTP stops the clock."
    # what the talk says, reporting verbs and all: a summary sentence says nothing the talk does not
    said = "Kamal Marhubi. The NTP protocol stops the clock for a leap second; he explains it and shows how."
    assert grounded_summary(reports, said, "en", "Kamal Marhubi") == (
        "Kamal Marhubi discusses the NTP protocol and leap seconds. NTP stops the clock."
    )
    assert grounded_summary(reports, said, "en") == (
        "The speaker discusses the NTP protocol and leap seconds. NTP stops the clock."
    )
    named = "Kamal Marhubi discusses NTP. He also explains leap seconds and shows how NTP stops the clock."
    assert grounded_summary(named, said, "en") == named  # without its subject "explains X and shows Y" breaks
    assert (
        grounded_summary("演讲者认为持续提供价值是关键。", "持续提供价值，这很关键。", "zh") == "持续提供价值是关键。"
    )


def test_a_summary_whose_every_sentence_names_a_stranger_becomes_the_talks_first_points(cli, tmp_path, llm_server):
    outline = _outline_of_grace_hopper_txt(
        cli, tmp_path, llm_server, "Grace Hopper explains caching. Grace Hopper shows the numbers."
    )
    assert outline["summary"] and "Hopper" not in outline["summary"]
    points = [section["key_points"][0] for section in outline["sections"][:3] if section["key_points"]]
    assert points and outline["summary"] == " ".join(points)  # the talk's own first points, never an empty field


def test_a_title_that_names_the_speaker_only_the_file_name_gives_keeps_the_rest():
    from pipeline.stages.outline import without_invented_names

    said = "how to keep a sourdough starter alive. I was at Stripe."
    title = "Dana Whitfield: How to Keep a Sourdough Starter Alive"
    assert without_invented_names(title, said, "en") == "How to Keep a Sourdough Starter Alive"


def test_a_summary_sentence_leaning_on_a_dropped_one_goes_too():
    from pipeline.stages.outline import grounded_summary

    said = "The clock drifts a little every day. DST changes reach the time zone database."
    summary = "Kamal Marhubi talks about clocks. He also highlights how DST changes reach the time zone database."
    assert grounded_summary(summary, said, "en") == ""  # the outline then uses the sections' first points
    kept = "The clock drifts a little every day. It also shows how DST changes reach the time zone database."
    assert grounded_summary(kept, said, "en") == kept


def test_a_question_still_about_the_material_after_its_edit_becomes_the_spans_theme(cli, tmp_path, llm_server):
    meta = {"question": "What is the material about?", "key_points": ["Cache keys hash every input of a step."]}
    llm_server.script("SectionDraft", *[meta] * 12)
    llm_server.script("QuestionDraft", *[{"question": "What is the material about?"}] * 12)
    folder = _run(cli, tmp_path, "--to", "outline")
    questions = [section["question"] for section in json.loads((folder / "outline.json").read_text())["sections"]]
    assert questions and not any("material" in question for question in questions), questions
    assert any(question.endswith(": what it does") for question in questions)


def test_a_heading_that_could_head_any_part_gives_way_to_the_parts_own_terms(cli, tmp_path, llm_server):
    generic = {"question": "A Practical Overview", "key_points": ["Cache keys hash every input of a step."]}
    llm_server.script("SectionDraft", *[generic] * 12)
    named = {"people": [], "organizations": [], "products": [], "media": []}
    llm_server.script("OutlineDraft", {"title": "A Practical Overview", "summary": "", "tags": []} | named)
    outline = json.loads((_run(cli, tmp_path, "--to", "outline") / "outline.json").read_text())
    headings = [section["question"] for section in outline["sections"]]
    assert headings and "A Practical Overview" not in headings + [outline["title"]], (headings, outline["title"])


def test_a_heading_left_naming_nothing_once_an_invented_name_goes_gets_the_parts_terms(cli, tmp_path, llm_server):
    invented = {"question": "Zorblat Settings: A Practical Overview", "key_points": ["Cache keys hash every input."]}
    llm_server.script("SectionDraft", *[invented] * 12)
    outline = json.loads((_run(cli, tmp_path, "--to", "outline") / "outline.json").read_text())
    headings = [section["question"] for section in outline["sections"]]
    assert headings and not any("Zorblat" in h or h == "A Practical Overview" for h in headings), headings


def test_a_title_left_naming_nothing_once_an_invented_name_goes_is_not_the_title(cli, tmp_path, llm_server):
    named = {"people": [], "organizations": [], "products": [], "media": []}
    invented = {"title": "Zorblat Settings: A Practical Overview", "summary": "", "tags": []} | named
    llm_server.script("OutlineDraft", invented)
    outline = json.loads((_run(cli, tmp_path, "--to", "outline") / "outline.json").read_text())
    assert outline["title"] and "Practical Overview" not in outline["title"], outline["title"]


def test_a_title_is_a_headline_not_the_summary_pasted_after_it():
    from pipeline.stages.outline import headline

    pasted = "AI写代码的好处：AI能生成可运行、可测试的函数，并非玩具。代码的设计是我的，AI只是更快地补全和整理。"
    assert headline(pasted, "zh") == "AI写代码的好处：AI能生成可运行、可测试的函数，并非玩具"
    assert headline("缓存设计：命中率与一致性", "zh") == "缓存设计：命中率与一致性"
    long = "Build Caches: how a 40,000 line makefile in Chromium decides which object files your linker has to relink"
    assert headline(long, "en") == "Build Caches"
    assert headline("Understanding Garbage Collection", "en") == "Understanding Garbage Collection"
    assert headline("The Clock and Libraries: A Deep Dive", "en") == "The Clock and Libraries"
    assert headline("A Comprehensive Guide: leap seconds", "en") == "leap seconds"


def test_a_summary_made_of_points_ends_each_one_before_the_next():
    from pipeline.artifacts import Section
    from pipeline.stages.outline import points_summary

    sections = [
        Section(question="Q1?", persona="p", key_points=["Our talks are a yin and yang"], quotes=[]),
        Section(question="Q2?", persona="p", key_points=["Grad school was not for me."], quotes=[]),
    ]
    assert points_summary(sections, "en") == "Our talks are a yin and yang. Grad school was not for me."
    zh = [Section(question="问？", persona="p", key_points=["持续提供价值是关键"], quotes=[]), sections[1]]
    assert points_summary(zh, "zh").startswith("持续提供价值是关键。")


def test_a_question_stopped_at_its_bound_keeps_its_first_whole_part():
    from pipeline.stages.outline import one_question

    cut = "What is your perspective on the future of programming and how did it evolve from his initial excitement '"
    assert one_question(cut) == "What is your perspective on the future of programming?"
    assert one_question("Memory management and how to tune it") == "Memory management and how to tune it"  # a theme


def test_a_summary_sentence_in_a_stock_phrase_goes():
    from pipeline.stages.outline import grounded_summary

    summary = "Ada shares her journey in computing. Her journey is a testament to her passion for art."
    assert (
        grounded_summary(summary, "Ada journey computing passion art", "en") == "Ada shares her journey in computing."
    )


def test_a_theme_heading_uses_the_parts_own_terms_and_ends_whole():
    from pipeline.stages.outline import names_the_part

    said = "serial sends one bit at a time, and the baud rate says how fast."
    assert names_the_part("Serial: one bit at a time", said, "en")
    assert not names_the_part("A Practical Overview", said, "en")  # could head any part
    in_practice = said + " in practice, the driver buffers an overview of the bytes."  # its words, saying nothing
    assert not names_the_part("A Practical Overview", in_practice, "en")
    from pipeline.stages.outline import names_nothing

    assert names_nothing("A Practical Overview") and not names_nothing("Serial: A Practical Overview")  # a title
    assert not names_the_part("Serial Ports: Understanding Baud Rates and", said, "en")  # stopped by its bound
    assert names_the_part("缓存设计：命中率与一致性", "我们做缓存设计，要看命中率。", "zh")
    assert not names_the_part("实用概览", "我们做缓存设计，要看命中率。", "zh")


def test_a_theme_that_is_the_prompts_example_with_its_topic_swapped_is_not_the_parts_heading():
    from pipeline.llm.prompts import load_prompt
    from pipeline.stages.outline import copies_example

    examples = load_prompt("theme").examples
    assert "Caching: what to keep and for how long" in examples and "缓存设计：命中率与一致性" in examples
    said = "We kept the batch runner slow on purpose. Continuous integration runs every change."
    assert copies_example("Continuous Integration: What to Keep and for How Long", examples, said)
    assert not copies_example("Continuous Integration: a slow batch runner on purpose", examples, said)
    assert copies_example("社群运营：命中率与一致性", examples, "社群运营很重要。")
    assert not copies_example("社群运营：持续输出价值", examples, "社群运营很重要。")
    # the part's own words, even where the example has them too
    assert not copies_example("What to keep and for how long", examples, "What to keep and for how long, we asked.")


def test_a_blog_answer_never_opens_on_what_its_heading_already_says():
    from pipeline.artifacts import Section, Segment
    from pipeline.check.reader import restates
    from pipeline.stages.blog import section_text

    said = [
        "在连锁烘焙行业，门店口碑能力至关重要。",
        "过去，能烤出面包本身就是一种手艺。",
        "老王面包店的成功，更多在于口碑做得好，而非面包本身最好吃。",
    ]
    segments = [Segment(id=i, start=i * 5.0, end=i * 5.0 + 4, text=text) for i, text in enumerate(said, 1)]
    heading = "在连锁烘焙行业，门店口碑能力的重要性是什么？"
    assert restates(heading, said[0])
    section = Section(question=heading, persona="p", key_points=[], quotes=[], first=1, last=3)
    text = "".join(section_text(section, segments, "zh", 200))
    assert text.startswith("过去，能烤出面包本身就是一种手艺。") and "老王面包店" in text


def test_a_part_whose_question_and_theme_both_miss_it_is_headed_by_its_own_terms():
    from pipeline.artifacts import Segment
    from pipeline.stages.outline import terms_heading

    said = [
        "So awk is widely available on Unix systems.",
        "Awk splits each line into fields by the field separator.",
        "Every time the separator comes in, awk breaks the line up.",
        "Unix tools like awk are everywhere.",
    ]
    segments = [Segment(id=i, text=text) for i, text in enumerate(said)]
    assert terms_heading(segments, "en") == "Awk and Unix"
    assert terms_heading(segments, "zh") == ""
    big = [Segment(id=i, text=f"Big data needs awk, big awk {i}.") for i in range(3)]
    assert terms_heading(big, "en") == "Awk and data"  # "big" is how much, not what
    side = [
        "You don't need to do unit tests first.",
        "You don't. Skipping them won't make you a sloppy coder because unit tests aren't mandatory.",
        "Unit tests can be fun, but don't do them because you think you should.",
    ]
    segments = [Segment(id=i, text=text) for i, text in enumerate(side)]
    assert terms_heading(segments, "en") == "Unit tests"  # "don't" is no term; two words said as one phrase are one


def test_a_part_name_that_asks_or_says_what_the_talk_does_not_falls_back_to_the_parts_own_words(
    cli, tmp_path, llm_server
):
    folder = _run(cli, tmp_path, "--to", "outline")
    count = len(json.loads((folder / "outline.json").read_text())["sections"])
    wrong = ["Why cache at all?", "Quantum ledger synergy"]  # a question; words the talk never says
    llm_server.script("NamesDraft", {"titles": [*wrong, *(f"Prompt files {n}" for n in range(count))][:count]})
    folder = _run(cli, tmp_path, "--only", "ingest,transcribe,outline,blog", "--force")
    sections = json.loads((folder / "outline.json").read_text())["sections"]
    names = [section["name"] for section in sections]
    assert all(names) and not set(wrong) & set(names), names
    assert count < 3 or names[2] == "Prompt files 2"  # a name that fits is the model's
    blog = (folder / "blog.md").read_text()
    assert re.findall(r"^### (.+)$", blog, flags=re.M) == names
    assert f"Heading in the drafts: {names[0]}." in (folder / "outline.md").read_text()


def test_with_the_embedded_model_the_summary_names_the_parts_and_states_no_claim():
    from pipeline.artifacts import Section
    from pipeline.config import Settings
    from pipeline.stages.outline import parts_summary

    assert not Settings().model_writes_summary  # the embedded default relates terms wrongly when it states them
    assert Settings(base_url="http://127.0.0.1:9/v1").model_writes_summary
    assert not Settings(base_url="http://127.0.0.1:9/v1", summary="parts").model_writes_summary
    part = lambda name: Section(question="q?", persona="", key_points=[], quotes=[], name=name)  # noqa: E731
    said = "the stone ovens hold heat, proofing takes a night, the morning bake at five"
    sections = [part("Stone Ovens"), part(""), part("Proofing"), part("The Morning Bake at Five")]
    assert parts_summary(sections, "Ada Quill", said, "en") == (
        "Ada Quill on stone ovens, proofing, and the morning bake at five."
    )
    assert parts_summary(sections[:2], "Ada Quill", said, "en", "Stone Ovens") == "Ada Quill on Stone Ovens."
    assert parts_summary(sections[:2], "", said, "en", "Stone Ovens") == ""  # nobody, one part: points stand in
    assert parts_summary(sections[:2], "Ada Quill", said, "en", "Ada Quill on ovens") == "Ada Quill on ovens."
    assert parts_summary([part("石窑"), part("发酵")], "", "", "zh") == "内容：石窑和发酵。"


def _names(llm_server, titles: list[str], shown: list[str], fallbacks: list[list[str]]) -> list[str]:
    """The names section_names gives two parts when the (scripted) model answers `titles`."""
    from pipeline.artifacts import Section
    from pipeline.config import load_settings
    from pipeline.llm.client import LLM
    from pipeline.llm.prompts import load_prompt
    from pipeline.stages.naming import section_names

    part = Section(question="q?", persona="", key_points=[], quotes=[])
    llm_server.script("NamesDraft", *({"titles": names} for names in titles))  # one call a part
    llm = LLM(load_settings())
    try:
        named = section_names(
            llm, load_prompt("part-name"), [part, part], shown, fallbacks, " ".join(shown), "en", set()
        )
    finally:
        llm.close()
    return [section.name for section in named]


def test_a_part_named_in_another_parts_words_takes_its_own(llm_server):
    shown = [
        "The stone oven holds its heat for six hours after the fire goes out.",
        "Sourdough proofing takes a whole night in the cold room before the morning bake.",
    ]
    titles = [["Stone Oven Heat"], ["Stone Oven Fires"]]  # both after the first part
    names = _names(llm_server, titles, shown, [[], ["Overnight sourdough proofing"]])
    assert names == ["Stone Oven Heat", "Overnight sourdough proofing"]


def test_names_swapped_between_parts_give_way_to_each_parts_own(llm_server):
    shown = [
        "The stone oven holds its heat for six hours, long enough for the proofing of the next batch.",
        "Sourdough proofing takes a whole night in the cold room before the morning bake in the oven.",
    ]
    titles = [["Sourdough proofing"], ["Stone oven heat"]]  # each the other's
    names = _names(llm_server, titles, shown, [["Oven heat"], ["Cold room proofing"]])
    assert names == ["Oven heat", "Cold room proofing"]


def test_of_the_names_offered_for_a_part_the_one_it_says_most_heads_it(llm_server):
    shown = [
        "A question first: what is rye? The stone oven holds its heat for hours, and the oven bakes the rye last, "
        "when the oven has cooled.",
        "Sourdough proofing takes a whole night in the cold room before the morning bake.",
    ]
    titles = [["Introduction", "Rye flour", "Stone oven heat"], ["Overnight sourdough proofing"]]
    names = _names(llm_server, titles, shown, [[], []])
    assert names == ["Stone oven heat", "Overnight sourdough proofing"]  # "oven" thrice beats "rye" twice
    from pipeline.stages.naming import unasked

    assert not unasked(shown[0], "en").startswith("A question first")  # a question is copied back, not named
