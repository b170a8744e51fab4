"""X's weighted length (twitter-text v3): CJK characters and emoji count 2, links 23, so a Chinese X post holds 140
characters; `devrel` and the review page's live counter count the same way."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.format.limits import X_POST, shorten, x_length

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

CASES = [
    "Caching pipelines, explained in five minutes.",
    "缓存让每一步只运行一次。",
    "中" * 140,
    "中" * 200,
    "Ship it 🚀👍🏽❤️ #devrel",
    "👨‍👩‍👧‍👦 🇯🇵 1️⃣ ©️ © café",
    "缓存很重要 https://example.com/a/very/long/path/that/is/still/one/link 🚀",
]


def test_latin_counts_one_per_character_and_links_23():
    assert x_length("Caching pipelines, explained in five minutes.") == 45
    assert x_length("Привет, שלום, नमस्ते") == len("Привет, שלום, नमस्ते")
    assert x_length("see https://example.com/" + "x/" * 40 + " now") == 4 + 23 + 4
    assert x_length("cafe\u0301") == 4  # counted after NFC, like X


def test_chinese_counts_two_per_character():
    assert x_length("缓存让每一步只运行一次。") == 24
    assert x_length("中" * 140) == X_POST  # exactly full
    assert x_length("中" * 200) == 400 > X_POST  # 200 characters pass a plain len() check and X rejects them
    assert x_length("日本語とカタカナ、한국어") == 24
    assert x_length("缓存很重要 https://example.com/long/path 🚀") == 10 + 1 + 23 + 1 + 2


def test_an_emoji_counts_two_whatever_it_is_made_of():
    for emoji in ("🚀", "👍🏽", "❤️", "👨‍👩‍👧‍👦", "🇯🇵", "1️⃣", "©️", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "☕"):
        assert x_length(emoji) == 2, emoji
    assert x_length("Ship it 🚀👍🏽 #devrel") == 8 + 2 + 2 + 8
    assert x_length("© 2026") == 6  # a bare © is Latin-1, weight 1; only ©️ (with U+FE0F) is an emoji


def test_shortening_by_weighted_length_fits_x():
    chinese = "今天我们讨论缓存。每一步都有一个由输入哈希组成的缓存键，人工修改永远不会被覆盖。" * 6
    cut = shorten(chinese, X_POST, length=x_length)
    assert x_length(cut) <= X_POST < x_length(chinese)
    assert cut.endswith("。") and chinese.startswith(cut)  # at a sentence end
    unbroken = shorten("缓存" * 200, X_POST, length=x_length)
    assert unbroken.endswith("…") and X_POST - 2 <= x_length(unbroken) <= X_POST
    emoji = shorten("ship it 🚀 " * 40, X_POST, length=x_length)
    assert emoji.endswith("…") and x_length(emoji) <= X_POST


def test_the_review_page_counts_x_posts_as_x_does():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is missing; run `make setup` (it is in the test extra)")
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is missing; run `make setup` (it installs Debian's chromium)")
    script = (Path(__file__).resolve().parent.parent / "pipeline" / "review" / "page" / "page.js").read_text()
    draft = "\n\n".join(f"### X post {n}\n\n{text}" for n, text in enumerate(CASES, 1))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        page = browser.new_page()
        page.set_content(
            '<textarea id="text" data-kind="hooks" data-x-post="280" data-x-link="23" data-discord="2000">'
            '</textarea><ul id="counts"></ul>'
        )
        page.locator("#text").fill(draft)
        page.add_script_tag(content=script)
        items = page.locator("#counts li")
        shown = [(items.nth(i).inner_text(), items.nth(i).get_attribute("class")) for i in range(items.count())]
        browser.close()
    expected = [
        (f"X post {n}: {x_length(text)}/280", "over" if x_length(text) > X_POST else "ok")
        for n, text in enumerate(CASES, 1)
    ]
    assert shown == expected
    assert shown[3] == ("X post 4: 400/280", "over")
