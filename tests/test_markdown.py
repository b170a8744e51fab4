"""Markdown transcripts as published: front matter, `**Name:**` turns, initials, inline times, markup that is not
speech. Every fixture is written for these tests."""

from __future__ import annotations

import pytest

from pipeline.errors import UserError
from pipeline.sources.readers import read_text
from pipeline.stages.ingest import source

EPISODE = """---
title: Ovens at Scale
date: 2024-05-02
speakers:
  - Ada Quill
media: https://example.org/episodes/ovens.mp3
tags: [baking, ovens]
---
# Intro

**Grace Baker:** \\[00:10\\] Welcome to the show. Today I talk with Ada Quill about [stone ovens](https://example.org/ovens).

\\* \\* \\*

**Grace Baker:** \\[00:40\\] Ada, why stone?

**Ada Quill:** Stone holds heat, so the **crust** sets in the first ten minutes.
![an oven](https://example.org/oven.png)

**Break**: \\[01:30\\]

**Ada Quill:** \\[02:00\\] After the break we moved to steam.
"""

INITIALS = """Grace Baker (GB): Welcome Ada.

Ada Quill (AQ): Hi.

GB: What changed this year?

AQ: We bought a second oven and doubled the morning bake.
"""

CHINESE = """**林小面**：[00:05] 大家好，今天聊烤箱。

**王面包**：[00:20] 为什么用石炉？

**林小面**：石炉保温好，面包皮在前十分钟定型。
"""


def test_an_episode_in_markdown_has_named_turns_times_and_no_markup(tmp_path):
    path = tmp_path / "ovens.md"
    path.write_text(EPISODE, encoding="utf-8")
    found = source(path)
    assert found.title == "Ovens at Scale" and found.speakers == ["Ada Quill"] and found.date == "2024-05-02"
    assert found.url == "https://example.org/episodes/ovens.mp3" and found.tags == ["baking", "ovens"]
    pieces = read_text(path)
    assert [p.speaker for p in pieces] == ["Grace Baker", "Grace Baker", "Ada Quill", "Ada Quill"]
    assert pieces[0].start == 10.0 and pieces[1].start == 40.0 and pieces[3].start == 120.0
    assert 40.0 < pieces[2].start < 120.0  # between two marks, by its share of the text
    text = " ".join(p.text for p in pieces)
    assert "stone ovens" in text and "crust sets" in text
    for markup in ("**", "](", "\\[", "* * *", "Break", "Intro", "oven.png", "00:40"):
        assert markup not in text, markup


def test_initials_are_the_full_name_they_were_introduced_with(tmp_path):
    path = tmp_path / "chat.txt"
    path.write_text(INITIALS, encoding="utf-8")
    assert [p.speaker for p in read_text(path)] == ["Grace Baker", "Ada Quill", "Grace Baker", "Ada Quill"]


def test_chinese_turns_with_a_full_width_colon(tmp_path):
    path = tmp_path / "kaoxiang.md"
    path.write_text(CHINESE, encoding="utf-8")
    pieces = read_text(path)
    assert [p.speaker for p in pieces] == ["林小面", "王面包", "林小面"]
    assert pieces[0].text == "大家好，今天聊烤箱。" and pieces[1].start == 20.0


def test_front_matter_that_is_not_yaml_names_its_line(tmp_path):
    path = tmp_path / "broken.md"
    path.write_text("---\ntitle: Ovens\ntags: [baking\n---\nHello.\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"broken.md: line \d+: the front matter is not valid YAML"):
        source(path)


def test_an_article_with_no_turns_is_one_voice_without_its_callouts(tmp_path):
    path = tmp_path / "article.md"
    path.write_text("> Join our channel for more!\n\n## Ovens\n\nStone holds heat.\n\nSteam sets the crust.\n")
    pieces = read_text(path)
    assert [p.text for p in pieces] == ["Stone holds heat.", "Steam sets the crust."]
    assert all(p.speaker is None for p in pieces)


def test_code_tables_and_a_pages_author_are_not_speech(tmp_path):
    path = tmp_path / "article.md"
    path.write_text(
        "---\ntitle: Ovens\nauthor: Page Editor\n---\nStone holds heat.\n\n```\noven --heat 250\n```\n\n"
        "| oven | degrees |\n| --- | --- |\n| stone | 250 |\n\nSteam sets the crust.\n",
        encoding="utf-8",
    )
    assert [p.text for p in read_text(path)] == ["Stone holds heat.", "Steam sets the crust."]
    assert source(path).speakers == []  # the page's author may be its editor: the talk says who speaks


def test_a_list_item_is_said_without_its_marker(tmp_path):
    path = tmp_path / "list.md"
    path.write_text("Three things matter:\n\n- Stone holds heat.\n- Steam sets the crust.\n1. Time the bake.\n")
    assert [p.text for p in read_text(path)] == [
        "Three things matter:",
        "Stone holds heat.",
        "Steam sets the crust.",
        "Time the bake.",
    ]
