"""What the drafts keep of the model's text: whole sentences, no links it made up, numbers and domains intact."""

from __future__ import annotations

import re

from conftest import grounded_answers
from pipeline.format.limits import shorten


def test_text_cut_at_the_schema_bound_ends_at_a_sentence(cli, llm_server, srt_file, tmp_path):
    cut = ("Cache every step. Never overwrite human edits. " * 3)[:98] + "an"  # the grammar stopped it at 100
    assert len(cut) == 100
    llm_server.script(
        "LinkedInDraft",
        {
            # the model just stopped
            "opening": "Cache every step. Never overwrite human edits. The talk stresses the importance of hashing to",
            "closing_question": "What would you hash first?",
        },
    )
    titles = {
        "how_to": cut,
        "claim": "Your prompt\n\nis an input",
        "question": "Why are human edits never overwritten?",
    }
    llm_server.script("TitlesDraft", titles | {"detail": "A cache key built from every input", "topic": "caching"})
    result = cli("-v", "run", srt_file)  # the repairs made on the way are printed with -v
    assert result.exit_code == 0
    assert "LinkedIn opening stopped mid-sentence; ended at its last full sentence" in result.output
    hooks = (tmp_path / "outputs" / "caching-talk" / "hooks.md").read_text()
    assert "\nCache every step. Never overwrite human edits.\n" in hooks and "hashing to" not in hooks
    listed = hooks.split("## Titles", 1)[1].split("\n## ", 1)[0].strip().splitlines()  # the talk's own title leads
    title = next(line for line in listed if "Cache every step." in line)  # a list item: one line, ending at a sentence
    assert re.match(r"\d\. Cache every step\.", title) and title.endswith("human edits.") and "an" not in title.split()
    assert len(title) - len("1. ") <= 100  # and within the title's own bound
    assert re.search(r"\n\d\. Your prompt is an input\n", hooks)  # one line; a short line without a period is whole
    assert not llm_server.chat_requests("VideoHooksDraft")  # the video hooks are chosen by code


def test_links_the_model_made_up_are_removed_and_known_ones_kept(cli, llm_server, srt_file, tmp_path):
    grounded_answers(llm_server)
    llm_server.script(
        "Rewritten",
        {  # a tidy edit of the blog's passage, but for one link nobody gave the model
            "text": "Every step gets a cache key built from the hashes of its inputs and its prompt. "
            "Human edits are never overwritten; see https://ab.io/x."
        },
    )
    llm_server.script(
        "ForumDraft",
        {
            "title": "How do you key your caches?",
            "ask": "Tell us how you cache every step. Read more at https://example.com/made-up-post today.",
        },
    )
    llm_server.script(
        "DiscordDraft",
        {
            "opener": "See [how every step gets a cache key](https://docs.example.org/caching) for the details.",
            "question": "Every step hashes its inputs; does yours?",
        },
    )
    result = cli("-v", "run", srt_file)  # the repairs made on the way are printed with -v
    assert result.exit_code == 0, result.output
    folder = tmp_path / "outputs" / "caching-talk"
    community = (folder / "community.md").read_text()
    assert (
        "Tell us how you cache every step.\n" in community
        and "example.com/made-up-post" not in community
        and "Read more" not in community
    )
    assert (
        "See how every step gets a cache key for the details." in community and "docs.example.org" not in community
    )  # the words stay
    assert "Every step hashes its inputs; does yours?" in community
    output = " ".join(result.output.split())
    assert (
        "forum question: removed a sentence with a link the model made up (https://example.com/made-up-post)" in output
    )
    assert "Discord opener: removed a link the model made up (https://docs.example.org/caching)" in output
    blog = (folder / "blog.md").read_text()  # a rewrite that adds a link is not kept: the speaker's words stand
    assert "ab.io" not in blog and "we write the new version beside them." in blog
    assert "blog section 1: the model's rewrite added words the speaker did not say" in output
    assert "no problems" in output  # nothing left for `devrel check` to flag


def test_shortening_never_splits_numbers_or_domains():
    text = "Version 3.5 is out on example.com today. More text follows here, and it is long."
    assert shorten(text, 50) == "Version 3.5 is out on example.com today."
    assert shorten("今天我们讨论缓存。每一步都有一个缓存键。", 12) == "今天我们讨论缓存。"


def test_chinese_text_stopped_at_its_bound_ends_at_its_last_sentence():
    from pipeline.stages.drafting import finished

    text = "我有时觉得烘焙最让人着迷的地方是等待面团慢慢发酵。她对此非常喜欢。回想"
    assert finished(text, bound=len(text)) == "我有时觉得烘焙最让人着迷的地方是等待面团慢慢发酵。她对此非常喜欢。"
    assert finished(text, bound=len(text) + 100) == text  # not at the bound: a post may end on a character


def test_text_stopped_at_its_bound_inside_a_quote_ends_at_its_last_sentence():
    from pipeline.stages.drafting import finished

    text = "Marking finds what is reachable. The rest is called the 'mark-and-sweep'"
    assert finished(text, len(text)) == "Marking finds what is reachable."
    assert finished(text) == text  # not at a bound: the model ended it there


def test_one_sentence_stopped_at_its_bound_ends_where_its_main_clause_does():
    from pipeline.stages.drafting import finished

    text = "Garbage collection frees what nothing points to anymore, which is why a program can forget about the"
    assert finished(text, len(text)) == "Garbage collection frees what nothing points to anymore."
    assert finished("If we mark everything on the heap, mark sweep still has to go through", 70).endswith("…")
