"""Interviews as published: hosts who ask without a question mark, a co-host, follow-ups that open no section, and a
talk with one voice that is never taken for an interview. Every fixture is written for these tests."""

from __future__ import annotations

from pipeline.artifacts import Segment
from pipeline.sources.interview import hosts, qa_pairs, voices
from pipeline.sources.readers import read_text
from pipeline.sources.sentences import sentences

ANSWER = "We fired the ovens at dawn and measured the crust every ten minutes across the whole first week of trials."

EPISODE = f"""**Grace Baker:** Welcome to the show. Today I am here with Ada Quill and my co-host Tom Rye.

**Ada Quill:** Thanks for having me.

**Grace Baker:** Tell me about the stone ovens you built last spring.

**Ada Quill:** {ANSWER} It took longer than we planned.

**Grace Baker:** That's great.

**Ada Quill:** {ANSWER} The numbers surprised us.

**Tom Rye:** Why did you pick stone over steel for the second oven?

**Ada Quill:** {ANSWER} Steel cooled too fast.

**Grace Baker:** Really?

**Ada Quill:** Yes, by almost half a degree a minute, which ruins a long bake.

**Tom Rye:** People kept asking "Is it worth it?" What did you tell the customers who asked about price?

**Ada Quill:** {ANSWER} Most of them came back.

**Grace Baker:** Walk us through a normal morning at the bakery.

**Ada Quill:** {ANSWER} Then we open the doors.
"""

TALK = f"""**Ada Quill:** Hello everyone. {ANSWER} Why stone? {ANSWER} What about steel? {ANSWER} {ANSWER}
"""


def segments_of(tmp_path, text):
    path = tmp_path / "episode.md"
    path.write_text(text, encoding="utf-8")
    return sentences(read_text(path), "en")


def test_hosts_who_ask_without_question_marks_and_a_co_host_are_found(tmp_path):
    segments = segments_of(tmp_path, EPISODE)
    assert hosts(segments) == ["Grace Baker", "Tom Rye"]
    assert voices(segments) == (["Grace Baker", "Tom Rye"], ["Ada Quill"])


def test_each_full_question_opens_a_section_in_the_hosts_order(tmp_path):
    pairs = qa_pairs(segments_of(tmp_path, EPISODE), ["Grace Baker", "Tom Rye"], "en")
    assert [question for question, _ in pairs] == [
        "Tell me about the stone ovens you built last spring.",
        "Why did you pick stone over steel for the second oven?",
        "What did you tell the customers who asked about price?",  # the quoted question is not the host's
        "Walk us through a normal morning at the bakery.",
    ]
    second = " ".join(segment.text for segment in pairs[1][1])
    assert "Steel cooled too fast." in second and "half a degree" in second  # "Really?" opened no section
    assert "The numbers surprised us." in " ".join(segment.text for segment in pairs[0][1])  # "That's great." neither


def test_a_talk_with_questions_of_its_own_is_not_an_interview(tmp_path):
    assert hosts(segments_of(tmp_path, TALK)) == []
    assert hosts(segments_of(tmp_path, EPISODE), kind="talk") == []


def test_an_interviews_title_names_the_guest_and_what_they_keep_naming(tmp_path):
    from pipeline.artifacts import Source, Transcript
    from pipeline.stages.outline import conversation_title

    about = (  # a name said often enough to be among the words the talk says most
        "We baked with Sourdough starters, and Sourdough needs patience, so Sourdough is the house bread. "
        "We sell Sourdough at dawn, and we bake Sourdough in the stone ovens."
    )
    text = EPISODE.replace(f"{ANSWER} Most of them came back.", f"{about} Most of them came back.")
    transcript = Transcript(language="en", origin="text", segments=segments_of(tmp_path, text))
    source = Source(kind="text", slug="episode", title="episode", path=str(tmp_path / "episode.md"), sha256="0", size=1)
    assert conversation_title(transcript, source, "en") == "Ada Quill on Sourdough"
    talk = Transcript(language="en", origin="text", segments=segments_of(tmp_path, TALK))
    # a talk naming no name again: the words she repeats most, never a question
    assert conversation_title(talk, source, "en") == "Ada Quill on ovens and dawn"
    said = Transcript(language="en", origin="text", segments=segments_of(tmp_path, TALK.replace(ANSWER, about, 1)))
    assert conversation_title(said, source, "en") == "Ada Quill on Sourdough"  # a talk's named speaker, the same way
    aside = "We met in Lyon, bought flour in Lyon, and I still think of Lyon."  # a place said thrice, not the subject
    longer = TALK.replace(ANSWER, aside, 1).rstrip() + f" {ANSWER} {ANSWER}\n"
    side = Transcript(language="en", origin="text", segments=segments_of(tmp_path, longer))
    assert conversation_title(side, source, "en") == "Ada Quill on ovens and dawn"
    promising = "Then I'll fire it, and I'll wait, so I'll know, and I'll bake."  # a contraction is no name
    again = Transcript(language="en", origin="text", segments=segments_of(tmp_path, TALK.replace(ANSWER, promising, 1)))
    assert "I'll" not in conversation_title(again, source, "en")


def test_a_sponsor_read_is_the_publishers_not_the_guests(tmp_path):
    from pipeline.sources.marks import marked

    read = (
        "**Ada Quill:** Thanks for having me. Thanks to our sponsors at Linode for supporting the show. "
        'We\'ll see you next week in Austin. Use the code "OVENS20" to save 20% off your ticket.\n\n'
        "**Ada Quill:** Use the code review tool before you merge anything."
    )
    segments = marked(segments_of(tmp_path, read), "en")
    marks = {segment.text: segment.mark for segment in segments}
    assert marks["Thanks for having me."] is None
    assert marks["Use the code review tool before you merge anything."] is None
    assert [segment.mark for segment in segments[1:4]] == ["furniture"] * 3  # the line between two ads goes with them


def test_a_question_pointing_back_at_the_answer_before_is_no_heading():
    from pipeline.sources.interview import names_its_subject

    assert names_its_subject("Why did you pick stone over steel for the second oven?", "en")
    assert names_its_subject("Tell us about the bakery's first year.", "en")
    for leaning in (
        "Can you say more about that story?",
        "It paid off in the end, isn't that so?",
        "And why was that?",
        "Were the bakers happy with it, though?",  # a follow-up to the answer before
        "Is the rye yours, or is it baked by...?",
    ):
        assert not names_its_subject(leaning, "en"), leaning


def test_past_eight_questions_a_follow_up_joins_the_answer_before_it():
    from pipeline.stages.outline import MAX_QUESTIONS, merged_pairs

    def answer(n: int, size: int) -> list[Segment]:
        return [Segment(id=n, start=float(n), end=float(n) + 1, text=" ".join(["bread"] * size) + ".")]

    pairs = [(f"Why does oven number {n} bake rye best?", answer(n, 40 + n)) for n in range(MAX_QUESTIONS)]
    pairs.insert(3, ("Were the bakers happy with it, though?", answer(99, 200)))  # long, but a follow-up
    merged = merged_pairs(pairs, "en")
    assert len(merged) == MAX_QUESTIONS and all("happy with it" not in question for question, _ in merged)
    assert [s.id for s in merged[2][1]] == [2, 99]  # its answer goes on under the question before
