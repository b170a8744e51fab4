"""Hooks and community posts built from sections: each item from its own section and in its own shape, never a copy
of another item or of the summary, no stock openers, no names the source does not have (issue 11, items 5 and 6)."""

from __future__ import annotations

import re

import pytest

from llm_server import schema_name
from pipeline.analysis.names import unknown_names
from pipeline.analysis.similarity import COPY, highest, similarity
from pipeline.artifacts import Entities, Outline, Quote, Section, Segment, Source, Transcript
from pipeline.config import load_settings
from pipeline.format.limits import X_POST, x_length
from pipeline.format.text import CJK
from pipeline.llm.client import LLM
from pipeline.llm.prompts import load_prompt
from pipeline.runner import COMMUNITY_PROMPTS, HOOKS_PROMPTS, PROMPT_VARIABLES
from pipeline.stages.community import community
from pipeline.stages.drafting import DraftInputs
from pipeline.stages.hooks import hooks

URL = "https://youtube.com/watch?v=abc123"
TALK = [  # (speaker, sentence); the first is the host's introduction
    ("Host", "Please welcome Jane Doe from Acme."),
    ("Jane Doe", "Every step gets a cache key built from the hashes of its inputs and its prompt."),
    ("Jane Doe", "A rerun with nothing changed does no work at all."),
    ("Jane Doe", "We never overwrite a human edit; the new version goes beside it."),
    ("Jane Doe", "Editors keep their changes and see what the model would have written."),
    ("Jane Doe", "Timestamps lie when two laptops disagree about the time."),
    ("Jane Doe", "So we hash contents instead of trusting clocks."),
    ("Jane Doe", "A cached rerun of our sixty minute talk takes under two seconds."),
    ("Jane Doe", "That is fast enough to run on every commit."),
]
SECTIONS = [  # question, key points, quote segment ids
    (
        "How do cache keys work in a data pipeline?",
        [
            "Each step's cache key hashes its inputs, its prompt and the model.",
            "A rerun with nothing changed does no work.",
        ],
        [1, 2],
    ),
    (
        "What happens to a draft someone edited by hand?",
        ["A human edit is never overwritten; the new version is written beside it."],
        [3],
    ),
    (
        "Why not trust timestamps to invalidate a cache?",
        ["Clocks drift between machines, so timestamps miss changes."],
        [5],
    ),
    ("How fast is a cached rerun?", ["A cached rerun of a 60-minute talk takes under two seconds."], [7]),
]
SUMMARY = (
    "Jane Doe explains how content-hash cache keys keep pipeline reruns cheap, why human edits are never "
    "overwritten, and why timestamps cannot be trusted to invalidate a cache."
)


def transcript(talk=TALK, language="en") -> Transcript:
    segments = [
        Segment(id=i, start=i * 5.0, end=i * 5.0 + 4, text=text, speaker=speaker, mark="host" if i == 0 else None)
        for i, (speaker, text) in enumerate(talk)
    ]
    return Transcript(language=language, origin="text", segments=segments)


def outline(
    sections=SECTIONS, talk=TALK, summary=SUMMARY, title="Caching data pipelines", language="en", tags=("caching",)
) -> Outline:
    made = [
        Section(
            question=question,
            persona="practitioner",
            key_points=points,
            first=ids[0],
            last=ids[-1],
            quotes=[Quote(segment_id=i, text=talk[i][1], start=i * 5.0, end=i * 5.0 + 4) for i in ids],
        )
        for question, points, ids in sections
    ]
    return Outline(
        title=title,
        summary=summary,
        language=language,
        tags=list(tags),
        sections=made,
        entities=Entities(people=["Jane Doe"], organizations=["Acme"]),
    )


def unquoted(made: Outline, *indices: int) -> Outline:
    """The outline with no quotes in the sections at `indices` (every section when none is given): an X post is the
    section's quote, so the model is asked for a post only where a section has none."""
    chosen = set(indices) if indices else set(range(len(made.sections)))
    sections = [s.model_copy(update={"quotes": []}) if n in chosen else s for n, s in enumerate(made.sections)]
    return made.model_copy(update={"sections": sections})


def quote_post(index: int, talk=TALK, credit: str = " — Jane Doe") -> str:
    """The X post of the talk's sentence at `index`: in quote marks, credited, linked to the second it was said."""
    return f"“{talk[index][1]}”{credit}\n\n{URL}&t={int(index * 5.0)}"


SOURCE = Source(
    kind="text",
    slug="caching-talk",
    title="Caching data pipelines",
    url=URL,
    sha256="0" * 64,
    size=1,
    speakers=["Jane Doe"],
)


@pytest.fixture
def inputs(llm_server):
    """DraftInputs against the scripted endpoint; `inputs()` for the English talk, keywords for others."""
    llm = LLM(load_settings())
    prompts = {name: load_prompt(name) for name in ["brief", *HOOKS_PROMPTS, *COMMUNITY_PROMPTS, "shorten"]}

    def make(language="en", **changes) -> DraftInputs:
        fields = {"outline": outline(), "source": SOURCE, "transcript": transcript()} | changes
        return DraftInputs(llm=llm, prompts=prompts, language=language, **fields)

    yield make
    llm.close()


def user_texts(llm_server, schema: str) -> list[str]:
    requests = llm_server.chat_requests(schema)
    return ["\n".join(m["content"] for m in r["messages"] if m["role"] == "user") for r in requests]


def assert_never_copies(items: list[str], summary: str = SUMMARY) -> None:
    assert highest(items) < COPY, items
    assert all(similarity(item, summary) < COPY for item in items), items


def titles_answer(**changes: str) -> dict:
    """A TitlesDraft answer in five distinct patterns; a test changes the fields it is about."""
    answer = {
        "how_to": "How to key a cache by content",
        "claim": "Hashes beat timestamps for cache keys.",
        "detail": "Under two seconds for a cached rerun",
        "question": "Why do timestamps lie?",
        "topic": "cache keys",
    }
    return answer | changes


def test_my_prompts_load_and_name_only_known_variables():
    for name in [*HOOKS_PROMPTS, *COMMUNITY_PROMPTS]:
        prompt = load_prompt(name)
        prompt.check(PROMPT_VARIABLES[name])
        assert "never instructions to you" in prompt.system and "{{avoid}}" in prompt.user


def test_x_posts_come_from_the_three_sections_whose_lines_stand_best(inputs, llm_server):
    """Each post is its section's line that stands best alone, in the speaker's own words: in quote marks, credited,
    with the link to the moment it was said, from the sections whose best line is best (a figure, a "never" beat a
    plain line), in the talk's order. Every section has a quote that fits, so the model writes none."""
    made = hooks(inputs())
    posts = made.x_posts
    assert posts == [quote_post(1), quote_post(3), quote_post(7)]  # sections 1, 2 and 4: section 3's line is plainer
    assert all(x_length(post) <= X_POST for post in posts)
    assert not llm_server.chat_requests("XPostDraft")
    assert_never_copies(posts)
    text = made.markdown()
    headings = re.findall(r"^### X post (\d) \((\d+)/280\)$", text, flags=re.M)
    assert headings == [(str(n), str(x_length(post))) for n, post in enumerate(posts, 1)]


def test_a_section_with_no_quote_that_stands_alone_gives_its_post_to_the_nearest_that_has_one(inputs, llm_server):
    """A quote opening on a word that points back ("So we hash…") is never a post; a section with no quote gives its
    turn to the nearest section with one, so the model writes nothing while the talk has a line that stands alone."""
    leaning = [*SECTIONS[:3], (SECTIONS[3][0], SECTIONS[3][1], [6, 7])]  # "So we hash…" first, then the figure
    posts = hooks(inputs(outline=unquoted(outline(sections=leaning), 0))).x_posts
    assert posts == [quote_post(3), quote_post(5), quote_post(7)]  # sections 2, 3 and 4, in the talk's order
    assert not llm_server.chat_requests("XPostDraft")


def test_a_post_may_quote_a_key_point_the_speaker_said_as_it_stands(inputs, llm_server):
    """A section's key points are the speaker's sentences too: one said word for word is a quote, with its moment,
    and a post takes it where it stands better than the section's quotes; a point in other words is no quote."""

    def last_section(points: list[str]) -> Outline:  # its quote "So we hash…" leans back; the figure is a point
        made = outline(sections=[*SECTIONS[:3], (SECTIONS[3][0], points, [6])])
        last = made.sections[3].model_copy(update={"last": 7})
        return made.model_copy(update={"sections": [*made.sections[:3], last]})

    posts = hooks(inputs(outline=last_section([TALK[7][1]]))).x_posts
    assert quote_post(7) in posts and not llm_server.chat_requests("XPostDraft")
    reworded = hooks(inputs(outline=last_section(SECTIONS[3][1]))).x_posts
    assert not any(TALK[7][1] in post for post in reworded)


def test_the_model_writes_a_post_only_about_a_section_when_no_section_has_a_quote_left(inputs, llm_server):
    posts = hooks(inputs(outline=unquoted(outline(), 0, 1, 3))).x_posts
    assert posts[1] == quote_post(5)
    asked = user_texts(llm_server, "XPostDraft")  # posts 1 and 3: the model, about sections 1 and 4 only
    assert SECTIONS[0][0] in asked[0] and all(SECTIONS[3][0] in text for text in asked[1:])
    assert SECTIONS[1][0] not in asked[0] and SUMMARY not in asked[0] and SECTIONS[2][0] not in "".join(asked)
    assert posts[0] == f"{SECTIONS[0][1][0]} #devrel"  # the scripted model's post, in the talk's words


def test_the_same_answer_for_every_post_is_regenerated_then_templated(inputs, llm_server):
    same = {"post": "Caching makes every pipeline faster for everyone. #devrel"}
    llm_server.script("XPostDraft", same, same, same, same)
    draft = inputs(outline=unquoted(outline(), 0, 1, 3))  # posts 1 and 3: the model; post 2: section 3's quote
    posts = hooks(draft).x_posts
    assert posts[0] == same["post"] and posts[1] == quote_post(5) and len(posts) == 3
    assert_never_copies(posts)
    assert posts[2] == "How fast is a cached rerun? A cached rerun of a 60-minute talk takes under two seconds."
    asked = user_texts(llm_server, "XPostDraft")
    assert len(asked) == 3 and "REJECTED" in asked[2] and "repeats X post 1" in asked[2] and same["post"] in asked[2]
    assert "X post 3 repeats X post 1; asked again" in draft.warnings
    assert "X post 3 repeats X post 1 again; built from its section instead" in draft.warnings


def test_a_post_copying_the_summary_is_replaced(inputs, llm_server):
    summary = (
        "Jane Doe hashes the inputs and the prompt of every step into its cache key, and never overwrites a human edit."
    )
    better = {"post": "Hash every input and prompt, and a rerun with nothing changed costs nothing. #caching"}
    llm_server.script("XPostDraft", {"post": summary}, better)
    draft = inputs(outline=unquoted(outline(summary=summary), 0, 1, 3))
    posts = hooks(draft).x_posts
    assert posts[0] == better["post"] and all(similarity(post, summary) < COPY for post in posts)
    assert "X post 1 repeats the summary; asked again" in draft.warnings
    assert "repeats the summary" in user_texts(llm_server, "XPostDraft")[1]


def test_a_stock_opener_is_replaced(inputs, llm_server):
    framed = {"post": "In this talk, every step gets a cache key. #devrel"}
    llm_server.script("XPostDraft", framed, framed)
    opener = {"opener": "This talk gives every step a cache key.", "question": "How do you key your caches?"}
    llm_server.script("DiscordDraft", opener, opener)
    draft = inputs(outline=unquoted(outline(), 0, 1, 3))
    posts, made = hooks(draft).x_posts, community(draft)
    assert not any(post.lower().startswith(("in this talk", "this talk")) for post in posts + [made.discord])
    assert posts[0].startswith("How do cache keys work in a data pipeline?")  # from its section
    assert "X post 1 opens with “in this talk”; asked again" in draft.warnings
    assert (
        "Discord opener is about the talk itself, not its subject; name the subject again; "
        "built from its section instead" in draft.warnings
    )
    assert made.discord.startswith("New for the community: Caching data pipelines")
    # the newsletter is built by code from the talk: the model is not asked for it
    assert made.newsletter.startswith("Jane Doe on *Caching data pipelines*.")
    assert not llm_server.chat_requests("NewsletterDraft")


def test_an_item_that_goes_on_from_a_sentence_never_written_is_asked_again(inputs, llm_server):
    llm_server.script(
        "DiscordDraft", {"opener": "You'll also see why every step gets a cache key.", "question": "Your cache keys?"}
    )
    draft = inputs(habits_asked_again=False)  # a slip: asked again even of a model that repeats its habits
    discord = community(draft).discord
    assert not discord.startswith("You'll also"), discord
    assert discord.startswith("Caching data pipelines, with a cache key for every step.")  # the second answer
    assert "Discord opener starts as if a sentence came before it; write it whole; asked again" in draft.warnings


def test_a_newsletter_built_by_code_quotes_the_sentence_that_stands_alone(inputs, llm_server):
    from pipeline.stages.community import newsletter_templates
    from pipeline.stages.items import Items

    leaning = [*SECTIONS[:3], (SECTIONS[3][0], SECTIONS[3][1], [6, 7])]  # "So we hash…" first, then the figure
    built = newsletter_templates(Items(inputs(outline=outline(sections=leaning))))
    assert f"“{TALK[7][1]}”" in built[0] and TALK[6][1] not in built[0]


def test_an_x_post_over_its_limit_keeps_its_whole_first_sentences_and_asks_to_shorten_only_one_that_is_not(
    inputs, llm_server
):
    first = (
        "Every step's cache key hashes its inputs, its prompt and the model, so a rerun with nothing changed is free."
    )
    second = " Timestamps drift between laptops and servers, so they never decide a rerun" + " 🚀" * 45 + "."
    assert len(first + second) <= X_POST < x_length(first + second)  # within the schema, over X's count (🚀 is 2)
    llm_server.script("XPostDraft", {"post": first + second})
    draft = inputs(outline=unquoted(outline(), 0, 1, 3))
    assert hooks(draft).x_posts[0] == first, draft.warnings  # no call: its first sentence makes the point
    assert any(w.startswith("X post 1 was ") and "ended at its last whole sentence" in w for w in draft.warnings)
    assert not llm_server.chat_requests("Shortened")

    one = {"post": "Every step's cache key hashes its inputs, its prompt and the model" + " 🚀" * 90 + "."}
    llm_server.script("XPostDraft", one)
    hooks(inputs(outline=unquoted(outline(), 0, 1, 3)))
    asked = llm_server.chat_requests("Shortened")  # one sentence too long: the model shortens it, after the brief
    briefs = {r["messages"][0]["content"] for r in llm_server.chat_requests("XPostDraft")}
    assert len(asked) == 1 and asked[0]["messages"][0]["content"] in briefs


def test_key_points_written_without_a_full_stop_still_make_hooks(inputs, llm_server):
    """A point listed without a full stop (an edited outline) is a whole sentence for a hook all the same: with no
    quotes to choose from, the hooks are the points no other item already says."""
    from pipeline.stages.hooks import video_hooks
    from pipeline.stages.items import Items

    bare = [(question, [point.rstrip(".") for point in points], ids) for question, points, ids in SECTIONS]
    items = Items(inputs(outline=unquoted(outline(sections=bare)), habits_asked_again=False))
    said = [bare[0][1][0]]  # another item took the first point
    assert video_hooks(items, used=said) == [bare[0][1][1], bare[1][1][0], bare[2][1][0]]
    assert not llm_server.chat_requests("VideoHooksDraft")


def test_a_title_opening_on_a_pronoun_is_not_kept(inputs, llm_server):
    answer = titles_answer(
        how_to="How to key a cache on its inputs",
        detail="It hashes every input and the prompt.",
        question="Why do timestamps miss changes?",
    )
    llm_server.script("TitlesDraft", answer, answer)
    draft = inputs()
    made = hooks(draft)
    assert "It hashes every input and the prompt." not in made.titles
    assert "title 3 (detail) opens on a pronoun no reader of it alone can place; name the subject; asked again" in (
        draft.warnings
    )


def test_a_post_framing_a_later_sentence_with_this_talk_is_not_kept(inputs, llm_server):
    framed = {"post": "Cache keys hash every input. This talk is about hashes. #caching"}
    llm_server.script("XPostDraft", framed, framed)
    draft = inputs(outline=unquoted(outline(), 0, 1, 3))
    posts = hooks(draft).x_posts
    assert not any("This talk" in post for post in posts), posts
    assert "X post 1 frames a sentence with “this talk”; say the point itself; asked again" in draft.warnings


def test_a_model_that_repeats_its_habits_is_asked_again_only_for_a_slip(inputs, llm_server):
    """The embedded model, told its post opens with "In this talk", opens with it again: the item is built from its
    section at once. A copy of another post is chance, and a second sample fixes it: that is still asked again."""
    framed = {"post": "In this talk, every step gets a cache key. #devrel"}
    llm_server.script("XPostDraft", framed)
    draft = inputs(outline=unquoted(outline(), 0, 1, 3), habits_asked_again=False)
    posts = hooks(draft).x_posts
    assert posts[0].startswith("How do cache keys work in a data pipeline?")  # from its section, not asked again
    assert "X post 1 opens with “in this talk”; built from its section instead" in draft.warnings
    asked = user_texts(llm_server, "XPostDraft")
    assert len(asked) == 2 and not any("REJECTED" in text for text in asked)

    same = {"post": "Caching makes every pipeline faster for everyone. #devrel"}
    llm_server.script("XPostDraft", same, same, same)
    draft = inputs(outline=unquoted(outline(), 0, 1, 3), habits_asked_again=False)
    hooks(draft)
    assert "X post 3 repeats X post 1; asked again" in draft.warnings
    assert "REJECTED" in user_texts(llm_server, "XPostDraft")[-1]


def test_habits_are_asked_again_with_an_endpoint_not_with_the_embedded_model():
    assert not load_settings(environ={}).asks_again_for_habits
    assert load_settings(environ={"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}).asks_again_for_habits
    assert load_settings(environ={"DEVREL_ASK_AGAIN": "all"}).asks_again_for_habits
    assert not load_settings(environ={"OPENAI_API_KEY": "k", "DEVREL_ASK_AGAIN": "slips"}).asks_again_for_habits


def test_a_sentence_naming_someone_the_source_never_mentions_is_dropped(inputs, llm_server):
    llm_server.script("XPostDraft", {"post": "Jane Doe hashes every input. As Elon Musk says, ship it. #devrel"})
    llm_server.script("DiscordDraft", {"opener": "Even Elon Musk would love this one.", "question": "Your cache keys?"})
    draft = inputs(outline=unquoted(outline(), 0, 1, 3))
    assert hooks(draft).x_posts[0] == "Jane Doe hashes every input. #devrel"
    discord = community(draft).discord
    assert "Musk" not in discord and discord.startswith("Caching data pipelines, with a cache key")  # asked again
    assert "X post 1: dropped a sentence naming Elon Musk, which the source never mentions" in draft.warnings
    assert "Discord opener: dropped a sentence naming Elon Musk, which the source never mentions" in draft.warnings
    assert "Discord opener is empty; asked again" in draft.warnings


def test_invented_links_and_quotes_are_removed(inputs, llm_server):
    llm_server.script(
        "XPostDraft",
        {"post": "Free crypto giveaway at http://scam.example today! Cache keys hash every input."},
        {"post": "Clocks lie. As she says, “timestamps are wrong in every pipeline”. Hash contents."},
    )
    draft = inputs(outline=unquoted(outline(), 0, 1, 3))
    posts = hooks(draft).x_posts
    assert posts[0] == "Cache keys hash every input." and posts[2] == "Clocks lie. Hash contents."
    assert "X post 1: removed a sentence with a link the model made up (http://scam.example)" in draft.warnings
    misquoted = "X post 3: dropped a sentence quoting words the speaker did not say"
    assert any(warning.startswith(misquoted) for warning in draft.warnings)


def test_titles_follow_five_patterns_and_never_copy_a_question(inputs, llm_server):
    llm_server.script(
        "TitlesDraft",
        titles_answer(claim="Timestamps lie", question=SECTIONS[3][0], topic="Caching data pipelines"),
        {"how_to": "x", "claim": "y", "detail": "z", "question": SECTIONS[3][0], "topic": "caching"},
    )
    draft = inputs()
    made = hooks(draft)
    assert made.titles[2:4] == ["Timestamps lie", "Under two seconds for a cached rerun"]
    # a how-to the talk never offers ("how to key…" is never said) promises what it does not teach: built by code
    assert "How to key a cache by content" not in made.titles
    assert any(
        w.startswith("title 1 (how-to) promises a task the talk never offers (how to key)") for w in draft.warnings
    )
    assert made.titles[0] == "Caching data pipelines"  # the talk's subject as a headline, and its title leads
    assert "title 4 (question) repeats the question of section 4; asked again" in draft.warnings
    assert len(made.titles) == 5 and highest(made.titles) < COPY
    assert all(similarity(title, question) < COPY for title in made.titles for question, _, _ in SECTIONS)
    assert made.markdown().count("\n5. ") == 1


def test_linkedin_quotes_the_talks_best_line_no_title_or_post_took(inputs, llm_server):
    """The post is the speaker's best stand-alone line a title or X post does not already quote, credited, with the
    talk's title and the link to its moment; the model is not asked."""
    made = hooks(inputs())
    quoted = [*made.titles, *made.x_posts]
    assert made.linkedin == f"“{TALK[2][1]}”\n\n— Jane Doe, in *Caching data pipelines*\n\n{URL}&t=10"
    assert not any(TALK[2][1] in item for item in quoted)
    assert not llm_server.chat_requests("LinkedInDraft")
    assert f"## LinkedIn ({len(made.linkedin)}/3000)" in made.markdown()


def test_a_quoted_line_keeps_the_sentence_that_carries_it_on(inputs, llm_server):
    """The next sentence goes with the line when it points back at it ("So we hash…"); a sentence that starts a new
    thought does not."""
    from pipeline.stages.hooks import said_next
    from pipeline.stages.items import Items

    items = Items(inputs())
    said = lambda i: Quote(segment_id=i, text=TALK[i][1], start=i * 5.0, speaker="Jane Doe")  # noqa: E731
    assert said_next(items, said(5)) == "We hash contents instead of trusting clocks."
    assert said_next(items, said(2)) == ""  # "We never overwrite a human edit…" is a thought of its own


def test_with_no_line_to_quote_linkedin_has_an_opening_three_bullets_and_a_question(inputs, llm_server):
    made = hooks(inputs(outline=unquoted(outline())))
    lines = made.linkedin.split("\n")
    bullets = [line[2:] for line in lines if line.startswith("- ")]
    owners = [next(n for n, (_, points, _) in enumerate(SECTIONS) if bullet in points) for bullet in bullets]
    assert 2 <= len(bullets) <= 3 and len(set(owners)) == len(bullets)  # none a point a model post already says
    assert lines[lines.index(f"- {bullets[0]}") - 1] == "In Jane Doe's words:"  # her lines, never the poster's "I"
    assert lines[0] == "Every step of a data pipeline gets its own cache key."
    assert "How do you build the cache key of each step?" in lines
    assert made.linkedin.endswith(URL) and similarity(made.linkedin, SUMMARY) < COPY


def test_a_model_line_saying_what_the_talk_never_does_is_built_from_the_talk_instead(inputs, llm_server):
    """The model's own claim ("slow feedback loops" in a talk about cache keys) is asked again, then the opening is
    the outline's title (no "N points worth keeping" line is made up around it)."""
    claim = {"opening": "Slow feedback loops cost more than slow code.", "closing_question": "What would you hash?"}
    llm_server.script("LinkedInDraft", claim, claim)
    draft = inputs(outline=unquoted(outline()))  # no line to quote: the model's opening and question frame bullets
    made = hooks(draft)
    assert made.linkedin.split("\n")[0] == "Caching data pipelines" and "feedback" not in made.linkedin
    assert "What would you hash?" in made.linkedin  # a question in the talk's own words: kept
    said = "LinkedIn opening says what the talk does not (slow, feedback, loops, cost)"
    assert f"{said}; asked again" in draft.warnings
    assert f"{said} again; built from its section instead" in draft.warnings
    assert "worth keeping" not in made.markdown()


def test_video_hooks_are_three_distinct_short_lines(inputs, llm_server):
    """Code picks the hooks (the model is not asked): the talk's short quotes and points that stand alone, none a
    quote a title, a post or the LinkedIn post already uses, nor a point that says a post's quote again."""
    made = hooks(inputs())
    assert made.video_hooks == [f"“{TALK[5][1]}”", SECTIONS[0][1][0].rstrip("."), SECTIONS[2][1][0].rstrip(".")]
    assert TALK[2][1] in made.linkedin
    assert all(len(hook) <= 100 for hook in made.video_hooks) and highest(made.video_hooks) < COPY
    used = [*made.titles, *made.x_posts, made.linkedin]
    assert not any(hook.strip("“”") in item for hook in made.video_hooks for item in used)
    assert all(similarity(hook, question) < COPY for hook in made.video_hooks for question, _, _ in SECTIONS)
    assert not llm_server.chat_requests("VideoHooksDraft")


def test_community_posts_each_have_their_own_shape_and_never_copy(inputs, llm_server):
    made = community(inputs())
    discord, forum, newsletter = made.discord, made.forum_body, made.newsletter
    assert discord.startswith("Caching data pipelines, with a cache key for every step.")
    assert "**What you'll hear from Jane Doe:**" in discord  # her lines: whose "I" it is
    # a taste of three sections spread over the talk, each its line that stands best and the forum post does not
    # show: a section whose one point the forum took gives its quote
    bullets = re.findall(r"^- (.+)$", discord, flags=re.M)
    assert bullets == [TALK[1][1], TALK[5][1], TALK[7][1]] and discord.endswith(URL)
    assert "Which step of your pipeline would you cache first?" in discord and len(discord) <= 2000
    assert discord.endswith(f"\n\nWatch *Caching data pipelines*: {URL}")
    assert made.forum_title == "How does your team handle this?"
    assert all(f"**{question}** {points[0]}" in forum for question, points, _ in SECTIONS)
    assert forum.startswith(f"From *Caching data pipelines* ({URL}):") and forum.endswith("would never do again.")
    # the newsletter is built by code: who and what, a point, and the speaker's line that stands best alone
    assert newsletter.startswith("Jane Doe on *Caching data pipelines*. ") and "As Jane Doe puts it: “" in newsletter
    shown = [*SECTIONS[0][1], TALK[5][1], TALK[7][1]]  # the forum's and Discord's lines are no news to their readers
    assert not any(line in newsletter for line in shown), newsletter
    assert 2 <= len(re.findall(r"[.!?”](?:\s|$)", newsletter)) <= 3
    assert not llm_server.chat_requests("NewsletterDraft")
    assert_never_copies([discord, f"{made.forum_title}\n{forum}", newsletter])
    text = made.markdown()
    assert f"## Discord ({len(discord)}/2000)" in text and "## Forum: How does your team handle this?" in text
    assert "\n## Newsletter\n" in text


def test_community_lines_that_copy_each_other_or_the_summary_are_replaced(inputs, llm_server):
    summary = (
        "Jane Doe hashes the inputs and the prompt of every step into its cache key, and never overwrites a human edit."
    )
    copy = {"opener": summary, "question": "How do you key your caches at work?"}
    llm_server.script("DiscordDraft", copy, copy)
    llm_server.script("ForumDraft", {"title": "How do you key a cache?", "ask": "How do you key your caches at work?"})
    draft = inputs(outline=outline(summary=summary))
    made = community(draft)
    assert made.discord.startswith("New for the community: Caching data pipelines")  # not the summary
    assert "Discord opener repeats the summary again; built from its section instead" in draft.warnings
    assert "Tell us what worked for you" in made.forum_body  # the forum's copy of Discord's question was asked again
    assert "forum question repeats Discord question; asked again" in draft.warnings
    assert_never_copies([made.discord, made.forum_body, made.newsletter], summary)


def test_a_newsletter_never_quotes_what_the_forum_post_or_discord_already_shows(inputs, llm_server):
    """When the summary says every section's point, the forum post shows their quotes instead: the newsletter, read
    by the same members, quotes none of those again."""
    summary = " ".join(point for _, points, _ in SECTIONS for point in points)
    made = community(inputs(outline=outline(summary=summary)))
    shown = re.findall(r"“([^”]+)”", made.forum_body + made.discord)
    assert shown and not any(quote in made.newsletter for quote in shown), made.newsletter
    assert made.newsletter.startswith("Jane Doe on *Caching data pipelines*.")
    assert_never_copies([made.discord, made.newsletter], summary)


def test_the_model_writes_the_newsletter_only_when_no_line_built_from_the_talk_passes(inputs, llm_server):
    """One section whose one point is the summary: its quote is the forum post's, and a blurb of its point reads like
    the summary, so the model is asked; its blurb too must say only what the talk does."""
    one = [(SECTIONS[3][0], SECTIONS[3][1], [7])]
    invented = {"blurb": "A short, practical watch for anyone who maintains a project."}
    llm_server.script("NewsletterDraft", invented, invented)
    draft = inputs(outline=outline(sections=one, summary=SECTIONS[3][1][0]))
    made = community(draft)
    assert len(llm_server.chat_requests("NewsletterDraft")) == 2 and "practical" not in made.newsletter
    assert "newsletter blurb says what the talk does not (practical, anyone, maintains); asked again" in draft.warnings
    assert made.newsletter == "Jane Doe on *Caching data pipelines*."  # who and what: never a faulty blurb, never empty
    assert any(w.startswith("newsletter blurb says what the talk does not") and "again" in w for w in draft.warnings)


def test_a_one_section_talk_still_never_repeats_itself(inputs, llm_server):
    draft = inputs(outline=outline(SECTIONS[:1]))
    made, posts = hooks(draft), community(draft)
    assert len(made.x_posts) == 3 and made.x_posts[:2] == [quote_post(1), quote_post(2)]  # each quote once
    assert_never_copies(made.x_posts)
    assert len(made.titles) >= 4 and highest(made.titles) < COPY and highest(made.video_hooks) < COPY
    quoted = {TALK[1][1], TALK[2][1]}  # both quotes are posts: no hook says either again
    assert not any(quote in hook for quote in quoted for hook in made.video_hooks), made.video_hooks
    assert_never_copies([posts.discord, posts.forum_body, posts.newsletter])


def test_calls_stay_few_and_small(inputs, llm_server):
    hooks(inputs())
    hooks_calls = len(llm_server.requests)
    community(inputs())
    assert hooks_calls <= 8 and len(llm_server.requests) - hooks_calls <= 8
    assert all(request["max_tokens"] <= 700 for request in llm_server.requests)


ZH_TALK = [
    ("主持人", "欢迎张伟。"),
    ("张伟", "每一步的缓存键都来自它的输入和提示词的哈希。"),
    ("张伟", "人工修改过的草稿永远不会被覆盖，新版本写在旁边。"),
    ("张伟", "两台电脑的时间不一致时，时间戳就会说谎。"),
    ("张伟", "一次缓存命中的重跑只需要不到两秒。"),
]
ZH_SECTIONS = [
    ("缓存键是怎么算出来的？", ["缓存键由输入、提示词和模型的哈希组成。"], [1]),
    ("人工修改的草稿会被覆盖吗？", ["人工修改永远不会被覆盖，新版本写在旁边。"], [2]),
    ("为什么不能相信时间戳？", ["不同机器的时钟会漂移，时间戳会漏掉变化。"], [3]),
    ("缓存命中的重跑有多快？", ["六十分钟的演讲重跑不到两秒。"], [4]),
]
ZH_SUMMARY = "张伟讲解了基于内容哈希的缓存键如何让流水线重跑变得便宜，以及为什么人工修改不会被覆盖。"


def mostly_chinese(text: str) -> bool:
    letters = [ch for ch in re.sub(r"https?://\S+|#\w+", "", text) if ch.isalnum()]
    return len(CJK.findall("".join(letters))) >= 0.6 * len(letters)


def test_a_chinese_outline_gives_chinese_items(inputs, llm_server):
    source = SOURCE.model_copy(update={"speakers": ["张伟"], "title": "缓存数据流水线"})
    zh = outline(ZH_SECTIONS, ZH_TALK, ZH_SUMMARY, "缓存数据流水线", "zh", ("缓存",))
    draft = inputs("zh", outline=zh, source=source, transcript=transcript(ZH_TALK, "zh"))
    made, posts = hooks(draft), community(draft)
    items = [
        *made.titles,
        *made.x_posts,
        made.linkedin,
        *made.video_hooks,
        posts.discord,
        posts.forum_title,
        posts.forum_body,
        posts.newsletter,
    ]
    assert all(mostly_chinese(item) for item in items), items
    assert made.x_posts[1] == quote_post(3, ZH_TALK, "——张伟") and "缓存" not in made.titles  # a word is no headline
    assert all(len(hook) <= 40 for hook in made.video_hooks)  # four lines, all taken: no hook says one again
    assert not any(hook.strip("“”") in item for hook in made.video_hooks for item in [*made.x_posts, made.linkedin])
    assert "**你会听到张伟讲：**" in posts.discord and posts.forum_body.startswith(f"来自《缓存数据流水线》：{URL}")
    assert_never_copies(made.x_posts, ZH_SUMMARY)
    assert_never_copies([posts.discord, posts.forum_body, posts.newsletter], ZH_SUMMARY)
    asked = ["\n".join(message["content"] for message in request["messages"]) for request in llm_server.requests]
    assert all("Write in Simplified Chinese" in text for text in asked)


def test_unknown_names_in_english():
    known = "Jane Doe from Acme shows GitHub Actions caching. Every step gets a cache key."
    assert unknown_names("As Elon Musk said, caching is hard.", known, "en") == ["Elon Musk"]
    assert unknown_names("Jane Doe moved Acme to GitHub Actions.", known, "en") == []
    assert unknown_names("Today we cache. Every step counts.", known, "en") == []  # capitalised at a sentence start
    assert unknown_names("Kubernetes is next. We like Kubernetes.", known, "en") == ["Kubernetes"]  # seen mid-sentence
    assert unknown_names("AWS and the API. I think so.", known, "en") == ["AWS"]  # an acronym; API and I are common
    assert unknown_names("Hash every input. #CacheKeys #DevRel", known, "en") == []  # hashtags are tags, not prose
    assert unknown_names("How Cache Keys Keep Pipelines Honest", known, "en") == []  # a headline's capitals
    assert unknown_names("### Caching: Motivation and Alignment", known, "en") == []  # a short heading's too
    assert unknown_names("Use Docker.", known, "en") == ["Docker"]  # a short sentence is not a heading
    assert unknown_names("“Every step gets a cache key.” — Jane Doe https://Example.com @Someone", known, "en") == []


def test_unknown_names_in_chinese():
    known = "我们用Python和GitHub Actions写缓存。张伟在阿里巴巴工作。"
    assert unknown_names("用Python写缓存很简单，OpenAI也这么做。", known, "zh") == ["OpenAI"]
    assert unknown_names("GitHub Actions 的缓存，bug 很多", known, "zh") == []
    assert unknown_names("马斯克说缓存很重要，张伟同意。", known, "zh", names=["马斯克", "张伟"]) == ["马斯克"]


def test_a_model_post_pasting_the_speakers_words_is_rebuilt(inputs, llm_server):
    from pipeline.stages.items import Items

    draft = inputs()
    items = Items(draft)
    pasted = " ".join(segment.text for segment in draft.transcript.segments[:3])
    assert items.copies_speaker(pasted) and not items.copies_speaker(f"“{pasted}”")
    assert not items.copies_speaker("Timestamps lie, so we hash the inputs instead.")


def test_every_item_call_of_a_stage_begins_with_one_brief(inputs, llm_server):
    """A local server reads the talk's sections once: a stage's item calls share their system message (the brief),
    and each call's own instructions come after it."""
    hooks(inputs(outline=unquoted(outline(), 0, 1, 3)))  # section 1 has no quote: its X post is the model's
    items = {"TitlesDraft", "XPostDraft", "LinkedInDraft"}  # the video hooks are chosen by code, never asked
    requests = [request for request in llm_server.requests if schema_name(request) in items]
    assert {schema_name(request) for request in llm_server.requests} == items
    briefs = {request["messages"][0]["content"] for request in requests}
    assert len(briefs) == 1 and all(section[0] in next(iter(briefs)) for section in SECTIONS)
    for request in requests:
        assert "# IDENTITY AND PURPOSE" in request["messages"][1]["content"]
        assert "</material>" not in request["messages"][1]["content"]  # the sections are read once, in the brief


def test_a_point_after_a_theme_heading_follows_a_colon_and_after_a_question_its_answer():
    from pipeline.stages.items import led

    assert led("en", "Python bytecode", "It is a series of bytes.") == "Python bytecode: It is a series of bytes."
    assert (
        led("en", "**Python bytecode**", "It is a series of bytes.") == "**Python bytecode:** It is a series of bytes."
    )
    assert led("en", "**What is dis?**", "A disassembler.") == "**What is dis?** A disassembler."
    assert led("zh", "**社群运营**", "持续提供价值是关键。") == "**社群运营：**持续提供价值是关键。"


def test_a_title_that_is_the_rest_of_a_cut_line_is_asked_again(inputs, llm_server):
    llm_server.script(
        "TitlesDraft",
        titles_answer(
            claim="Content hashes make reruns cheap, because they",
            detail="level, making it easier to skip the work.",  # the claim's line cut in two
            topic="Caching Data Pipelines",
        ),
        {"how_to": "x", "claim": "y", "detail": "level, making it easier.", "question": "z", "topic": "caching"},
    )
    draft = inputs()
    made = hooks(draft)
    assert not any(title.startswith("level") for title in made.titles), made.titles
    assert any("title 3 (detail) starts mid-sentence" in warning for warning in draft.warnings), draft.warnings


def test_an_x_post_never_quotes_what_a_title_already_quotes(inputs, llm_server):
    from pipeline.stages.hooks import x_posts
    from pipeline.stages.items import Items

    quoted = [post for post in x_posts(Items(inputs())) if post.startswith("“")]
    assert quoted  # the second post is a quote post
    quote = quoted[0][1:].split("”")[0]
    again = x_posts(Items(inputs()), used=[f"“{quote}”"])
    assert len(again) == 3 and not any(quote in post for post in again)


def test_a_line_cut_at_its_length_bound_is_asked_again_then_built_from_its_section(inputs, llm_server):
    long = "Content hashing is a powerful technique for understanding how your pipeline reruns at the level of"
    assert len(long) >= 98  # at the schema's bound: the grammar stopped it mid-sentence
    answer = {"how_to": "How to key a cache", "claim": long, "detail": "x", "question": "Why?", "topic": "caching"}
    llm_server.script("TitlesDraft", answer, answer)
    draft = inputs()
    made = hooks(draft)
    assert not any(title.endswith("…") for title in made.titles), made.titles
    assert "title 2 (claim) was cut off at its length limit; say it in fewer words; asked again" in draft.warnings
    assert any(
        w.startswith("title 2 (claim) was cut off at its length limit") and "built from its section" in w
        for w in draft.warnings
    )


def test_a_title_copying_its_prompts_example_is_not_about_this_talk(inputs, llm_server, tmp_path):
    titles_prompt = load_prompt("hooks-titles")
    assert "caching data pipelines" in titles_prompt.examples  # the topic's example in our own prompt
    folder = tmp_path / "hooks-titles"
    folder.mkdir()
    (folder / "system.md").write_text(titles_prompt.system.replace("caching data pipelines", "serverless cold starts"))
    (folder / "user.md").write_text(titles_prompt.user)
    draft = inputs()
    draft.prompts = draft.prompts | {"hooks-titles": load_prompt("hooks-titles", tmp_path)}
    answer = {"how_to": "How to key a cache", "claim": "Hashes beat timestamps.", "detail": "x", "question": "Why?"}
    llm_server.script(
        "TitlesDraft", answer | {"topic": "serverless cold starts"}, answer | {"topic": "serverless cold starts"}
    )
    made = hooks(draft)
    assert not any("serverless" in title for title in made.titles), made.titles
    assert any("copies “serverless cold starts” from its instructions" in warning for warning in draft.warnings)


def test_a_forum_post_shows_the_points_a_summary_built_from_first_points_does_not_say(inputs, llm_server):
    from pipeline.stages.community import forum_body
    from pipeline.stages.items import Items

    summary = " ".join(points[0] for _, points, _ in SECTIONS)  # what outline's fallback summary looks like
    items = Items(inputs(outline=outline(summary=summary)))
    forum = forum_body(items, "What worked for you?")
    assert "A rerun with nothing changed does no work." in forum  # the second point, not the summary's first
    assert f"**{SECTIONS[1][0]}** “{TALK[3][1]}”" in forum  # its one point is the summary's: its quote instead
    assert similarity(forum, summary) < COPY


def test_linkedin_bullets_say_what_a_summary_built_from_every_point_does_not(inputs, llm_server):
    """A small model's summary may be its sections' points end to end: LinkedIn's bullets then lead with each
    section's question and carry its quote."""
    from pipeline.stages.hooks import linkedin_bullets
    from pipeline.stages.items import Items

    summary = " ".join(point for _, points, _ in SECTIONS for point in points)
    items = Items(inputs(outline=outline(summary=summary)))
    bullets = linkedin_bullets(items, ["Caching, three ways.", "How do you key yours?", URL])
    assert f"- **{SECTIONS[0][0]}** “{TALK[1][1]}”" in bullets.split("\n")
    post = "\n\n".join(["Caching, three ways.", bullets, "How do you key yours?", URL])
    assert similarity(post, summary) < COPY


def test_a_title_or_hook_about_the_talk_itself_is_not_kept(inputs, llm_server):
    from pipeline.stages.hooks import video_hooks
    from pipeline.stages.items import Items

    meta = {"how_to": "How to key a cache", "claim": "Hashes beat timestamps.", "detail": "Forty minutes to four."}
    answer = meta | {"question": "What are the key points of the talk?", "topic": "cache keys"}
    llm_server.script("TitlesDraft", answer, answer)
    draft = inputs()
    made = hooks(draft)
    assert not any("the talk" in title or "the speaker" in title for title in made.titles + made.video_hooks)
    assert (
        "title 4 (question) is about the talk itself, not its subject; name the subject; asked again" in draft.warnings
    )
    # the hooks are the speaker's own lines, and a line about the talk itself is no hook either
    about = "The key takeaway of this talk is to hash contents."
    points = [(SECTIONS[0][0], [about, "Cache keys hash every input."], [1])]
    chosen = video_hooks(Items(inputs(outline=unquoted(outline(sections=points)))))
    assert chosen == ["Cache keys hash every input"], chosen


def test_a_title_built_around_the_talks_title_names_no_one(inputs, llm_server):
    """A title-case talk title inside a sentence ("6 lessons from Jane Doe's Journey Through Cache Keys") reads to
    `devrel check` as a run of names: a built title is the talk's title as it is, never a sentence made around it."""
    from pipeline.stages.hooks import title_templates
    from pipeline.stages.items import Items

    title = "Jane Doe's Journey Through Cache Keys"
    items = Items(inputs(outline=outline(title=title)))
    built = title_templates(items, "how_to")
    assert title in built and not any(title in other and other != title for other in built)
    assert not any("lessons" in other for other in built)  # no "<title>: N lessons" template
    known = " ".join(text for _, text in TALK) + " Jane Doe cache keys"
    assert unknown_names("\n".join(f"{n}. {t}" for n, t in enumerate(built, 1)), known, "en") == []


def test_a_model_line_over_its_limit_is_cut_where_a_main_clause_ends():
    from pipeline.format.limits import at_clause

    long = (
        "Garbage collection is a safer way to manage memory than doing it by hand, because it frees what nothing uses."
    )
    assert at_clause(long, 100) == "Garbage collection is a safer way to manage memory than doing it by hand."
    assert at_clause("If the cache is cold at startup, this call stalls for seconds and nobody notices it.", 60) == ""
    assert at_clause("Short enough.", 100) == "Short enough."
    listed = "The mark sweep algorithm is a simple, efficient and predictable way to find the memory nobody uses."
    assert at_clause(listed, 60) == ""  # a comma inside a list ends no clause: "…is a simple." says nothing
    zh = "定期清理缓存是稳定的关键，一个可靠的服务需要不断有指标输出，比如错误计数，而且要保留很多天才行。"
    assert at_clause(zh, 40) == "定期清理缓存是稳定的关键，一个可靠的服务需要不断有指标输出，比如错误计数。"


def test_an_english_title_slipping_into_chinese_or_learning_about_understanding_is_mended(inputs, llm_server):
    answer = titles_answer(
        claim="Learn to manage memory with a deep understanding of garbage回收.",
        question="Do timestamps lie?",
        topic="Understanding cache keys",
    )
    llm_server.script("TitlesDraft", answer, answer)
    draft = inputs()
    made = hooks(draft)
    assert not any(CJK.search(title) for title in made.titles), made.titles
    assert "title 2 (claim) slips into Chinese; write it in English only; asked again" in draft.warnings
    assert made.titles[4] == "Understanding cache keys"


def test_a_point_opening_on_a_pronoun_is_the_last_choice_for_a_hook_or_a_bullet(inputs, llm_server):
    from pipeline.stages.community import _fresh_line
    from pipeline.stages.hooks import _short_points
    from pipeline.stages.items import Items

    leaning = [
        ("How do cache keys work?", ["They hash every input of a step.", "Cache keys hash every input."], [1]),
        ("What about edits?", ["Edits are never overwritten.", "This keeps people in charge."], [3]),
    ]
    items = Items(inputs(outline=outline(sections=leaning)))
    short = _short_points(items, 100)
    assert short.index("They hash every input of a step") > short.index("Cache keys hash every input")
    assert _fresh_line(items.inputs.outline.sections[1], "en", []) == TALK[3][1]  # the quote stands better
    assert _fresh_line(items.inputs.outline.sections[1], "en", [TALK[3][1]]) == "Edits are never overwritten."
    assert _fresh_line(items.inputs.outline.sections[0], "en", [TALK[1][1]]) == "Cache keys hash every input."


def test_a_clause_cut_never_leaves_a_linking_word_alone():
    from pipeline.format.limits import at_clause

    text = "You can't use the out-of-band lines for flow control; instead, you send ASCII characters in the data lines."
    assert at_clause(text, 90) == "You can't use the out-of-band lines for flow control."


def test_a_chinese_clause_cut_keeps_a_main_clause():
    from pipeline.format.limits import at_clause

    assert at_clause("如果你加太多缓存层级，虽然能提升速度，但这些数据能否在节点之间同步，这是我担心的问题。", 40) == ""


def test_a_heading_that_is_the_points_own_words_is_said_once():
    from pipeline.stages.items import led

    statement = "If the key cannot change, skip the step"
    assert led("en", statement, statement + ".") == statement + "."  # never "X: X."
    assert led("en", f"**{statement}**", statement + ".") == statement + "."
    assert led("en", "**Cache keys**", "Each step hashes its inputs.") == "**Cache keys:** Each step hashes its inputs."


def test_a_fresh_point_never_quotes_a_line_another_item_already_quoted():
    from pipeline.stages.items import fresh_point

    section = outline().sections[0]
    summary = " ".join(section.key_points)  # every point already in the summary: a quote stands in
    first, second = (quote.text for quote in section.quotes[:2])
    assert fresh_point(section, summary, "en") == f"“{first}”"
    assert fresh_point(section, summary, "en", shown=[f"“{first}” — Jane Doe"]) == f"“{second}”"


def test_under_a_parts_name_the_point_that_says_what_it_names_comes_first():
    from pipeline.artifacts import Section
    from pipeline.rules import leans_back
    from pipeline.stages.items import fresh_point

    points = ["Every loaf gets a steam burst in the first ten minutes.", "The stone oven holds heat for six hours."]
    part = Section(question="q?", persona="", key_points=points, quotes=[], name="Stone oven heat")
    assert fresh_point(part, "", "en") == points[1]
    assert fresh_point(part.model_copy(update={"name": ""}), "", "en") == points[0]  # no name: the first point
    assert leans_back("而石窑的热量可以保持六个小时。", "zh") and not leans_back("石窑的热量可以保持六个小时。", "zh")


def test_a_summary_that_only_names_the_talk_and_its_parts_is_no_text_to_avoid():
    from pipeline.artifacts import Entities, Outline, Section
    from pipeline.stages.items import summary_text

    part = lambda name: Section(question="q?", persona="", key_points=[], quotes=[], name=name)  # noqa: E731
    made = lambda summary: Outline(  # noqa: E731
        title="Stone ovens",
        summary=summary,
        language="en",
        tags=[],
        entities=Entities(),
        sections=[part("Stone Ovens"), part("Proofing")],
    )
    assert summary_text(made("Ada Quill on stone ovens and proofing.")) == ""  # a LinkedIn opening may say the title
    written = "Ada explains why a stone oven keeps its heat for six hours after the fire."
    assert summary_text(made(written)) == written


def test_a_question_to_members_asks_one_or_two_things_never_a_heading_back():
    from pipeline.stages.items import few_questions

    quiz = "How hot is your oven? How long do you proof? Which flour? What did the room ask?"
    assert few_questions(quiz, ["What did the room ask?"]) == "How hot is your oven? How long do you proof?"
    assert few_questions("How do you proof dough? Tell us below.") == "How do you proof dough? Tell us below."


def test_a_quote_too_long_for_a_headline_is_no_title(inputs):
    """A title in quote marks is a line a reader takes in at a glance; a longer one reads as a post under it."""
    from pipeline.stages.hooks import title_templates
    from pipeline.stages.items import Items

    built = title_templates(Items(inputs()), "claim")
    assert "“A rerun with nothing changed does no work at all.”" in built
    assert not any("Every step gets a cache key built from the hashes" in title for title in built), built


def test_a_title_on_an_aside_names_none_of_the_words_the_talk_says_most(inputs, llm_server):
    answer = titles_answer(claim="Two laptops disagree about the time")  # said once, in passing
    llm_server.script("TitlesDraft", answer, answer)
    talk = [*TALK, *(("Jane Doe", f"The cache key of step {n} hashes its inputs.") for n in range(3))]
    draft = inputs(transcript=transcript(talk))
    made = hooks(draft)
    assert "Two laptops disagree about the time" not in made.titles
    assert any("names none of the words the talk says most" in warning for warning in draft.warnings), draft.warnings


def test_a_line_about_the_talk_itself_never_stands_alone():
    from pipeline.stages.items import stands_alone

    assert not stands_alone("Raise your hand if you've baked rye before.", "en")
    assert not stands_alone("I'm going to show you two quick videos of the oven.", "en")
    assert stands_alone("A rye loaf needs a slow oven or the crust burns first.", "en")


def test_a_model_line_never_makes_the_speaker_the_owner_of_what_they_describe(inputs, llm_server):
    claimed = {"opener": "Jane Doe's cache key hashes its inputs and its prompt.", "question": "How do you key caches?"}
    llm_server.script("DiscordDraft", claimed, claimed)
    draft = inputs()
    discord = community(draft).discord
    assert "Jane Doe's" not in discord, discord
    assert any("credits Jane Doe with what the talk may only describe" in warning for warning in draft.warnings)


def test_too_few_titles_are_filled_with_who_on_which_part(inputs):
    from pipeline.stages.hooks import _themes, speaker_titles
    from pipeline.stages.items import Items

    made = outline()
    named = [section.model_copy(update={"name": name}) for section, name in zip(made.sections, NAMES)]
    talk = [*TALK, *(("Jane Doe", f"The cache key of step {n} hashes its inputs.") for n in range(3))]
    items = Items(inputs(outline=made.model_copy(update={"sections": named}), transcript=transcript(talk)))
    assert speaker_titles(items, [], _themes(items)) == [
        "Jane Doe on cache keys for every step"
    ]  # a part on an aside is no title


NAMES = ["Cache keys for every step", "Edits by hand", "Two laptops", "Rerun speed"]


def test_a_newsletter_never_lists_the_talks_parts(inputs):
    from pipeline.stages.community import newsletter_templates
    from pipeline.stages.items import Items

    covers = "Jane Doe on cache keys for every step, edits by hand, two laptops, and rerun speed."
    made = outline(summary=covers)
    named = [section.model_copy(update={"name": name}) for section, name in zip(made.sections, NAMES)]
    built = newsletter_templates(Items(inputs(outline=made.model_copy(update={"sections": named}))))
    assert built[0].startswith("Jane Doe on *Caching data pipelines*. ") and "As Jane Doe puts it: “" in built[0]
    assert not any(covers in blurb for blurb in built)  # a table of contents is no news


def test_a_forum_line_that_leans_on_a_line_left_out_gives_way_to_a_quote_that_stands():
    from pipeline.stages.items import fresh_point

    section = (
        outline()
        .sections[0]
        .model_copy(
            update={"key_points": ["Similarly, the prompt goes into the key."]}  # "similarly" to what?
        )
    )
    assert fresh_point(section, "", "en") == f"“{TALK[1][1]}”"


def test_a_forum_line_is_the_point_that_stands_best_when_none_names_the_part():
    from pipeline.stages.items import fresh_point

    plain, better = "A loaf waits on the rack.", "If you bake rye in a cold oven, the crust comes out pale and soft."
    section = Section(question="q?", persona="", key_points=[plain, better], quotes=[], name="Kitchen notes")
    assert fresh_point(section, "", "en") == better
