"""What the drafts keep of the model's text: whole sentences, no links it made up, numbers and domains intact."""

from __future__ import annotations

from pipeline.limits import shorten


def test_text_cut_at_the_schema_bound_ends_at_a_sentence(cli, llm_server, srt_file, tmp_path):
    cut = ("Hash what you read. Hash what you write. " * 6)[:198] + "and then the ca"  # the grammar stopped it at 200
    assert len(cut) > 198
    llm_server.script("HooksDraft", {
        "titles": [f"Title {i}" for i in range(1, 6)], "x_posts": ["One.", "Two.", "Three."],
        "linkedin": "Hash inputs. Keep edits. The talk stresses the importance of hashing to",  # the model just stopped
        "video_hooks": [cut[:200], "Hook\n\ntwo", "Hook three"],  # a line break would end the list item
    })  # fmt: skip
    result = cli("run", srt_file)
    assert result.exit_code == 0
    assert "LinkedIn post stopped mid-sentence; ended at its last full sentence" in result.output
    hooks = (tmp_path / "outputs" / "caching-talk" / "hooks.md").read_text()
    assert "\nHash inputs. Keep edits.\n" in hooks and "hashing to" not in hooks
    hook = hooks.split("## Short-video hooks", 1)[1].strip().splitlines()[0]
    assert hook.startswith("1. Hash what you read.") and hook.endswith("you read.") and "the ca" not in hook
    assert "\n2. Hook two\n" in hooks  # one line; a short title-like line without a period is kept whole


def test_links_the_model_made_up_are_removed_and_known_ones_kept(cli, llm_server, srt_file, tmp_path):
    llm_server.script("BlogDraft", {
        "title": "Caching", "intro": "Caching keeps reruns cheap. Read more at https://example.com/made-up-post today.",
        "answers": ["See [our caching guide](https://docs.example.org/caching) for the details.",
                    "Version 3.5 hashes every input."],
        "closing": "Thanks for reading.",
    })  # fmt: skip
    result = cli("run", srt_file)
    assert result.exit_code == 0, result.output
    blog = (tmp_path / "outputs" / "caching-talk" / "blog.md").read_text()
    assert "Caching keeps reruns cheap." in blog and "example.com/made-up-post" not in blog and "Read more" not in blog
    assert "See our caching guide for the details." in blog and "docs.example.org" not in blog  # the words stay
    assert "Version 3.5 hashes every input." in blog
    assert "blog intro: removed a sentence with a link the model made up (https://example.com/made-up-post)" in result.output
    assert "no problems" in result.output  # nothing left for `devrel check` to flag


def test_shortening_never_splits_numbers_or_domains():
    text = "Version 3.5 is out on example.com today. More text follows here, and it is long."
    assert shorten(text, 50) == "Version 3.5 is out on example.com today."
    assert shorten("今天我们讨论缓存。每一步都有一个缓存键。", 12) == "今天我们讨论缓存。"
