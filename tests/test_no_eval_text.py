"""No text of the evaluation talks (../shared/eval) may appear in the code, the prompts or the tests.

The eval talks score the pipeline; a sentence borrowed from one of them into a prompt, a docstring or a fixture
would leak the answer into what is measured. "Appear" means sharing a run of 6 consecutive English words (lowercased,
tokens of [a-z0-9']) or of 10 consecutive CJK characters (everything else ignored) with one of the talk files. The
licence files and the folder's README.md and RUBRIC.md are not talks and are not compared.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"

WORDS = 6
CJK_CHARS = 10
WORD = re.compile(r"[a-z0-9']+")
LETTER = re.compile(r"[a-z]")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
NOT_TALKS = {"README.md", "RUBRIC.md"}
CODE_SUFFIXES = {".py", ".txt", ".md", ".toml", ".json"}


def word_runs(text: str) -> set[str]:
    """Every run of WORDS consecutive words with at least 3 words that hold a letter (so no "0 0 0 0 0 0")."""
    words = WORD.findall(text.lower())
    runs = set()
    for i in range(len(words) - WORDS + 1):
        run = words[i : i + WORDS]
        if sum(1 for word in run if LETTER.search(word)) >= 3:
            runs.add(" ".join(run))
    return runs


def cjk_runs(text: str) -> set[str]:
    chars = "".join(CJK.findall(text))
    return {chars[i : i + CJK_CHARS] for i in range(len(chars) - CJK_CHARS + 1)}


def talk_files() -> list[Path]:
    return sorted(
        path
        for pattern in ("*.txt", "*.md")
        for path in EVAL.rglob(pattern)
        if path.is_file() and not path.name.startswith("LICENSE") and path.name not in NOT_TALKS
    )


def project_files() -> list[Path]:
    files = [p for p in (REPO / "pipeline").rglob("*") if p.suffix in CODE_SUFFIXES]
    files += (REPO / "prompts").rglob("*")
    files += (REPO / "tests").rglob("*.py")
    files += (REPO / "tests" / "data").rglob("*")
    return sorted({p for p in files if p.is_file() and "__pycache__" not in p.parts})


def read_text(path: Path) -> str | None:
    """The file's text, or None for a binary file (one that is not UTF-8)."""
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return None


def test_no_eval_talk_text_in_code_prompts_or_tests():
    if not EVAL.is_dir():
        pytest.skip(f"{EVAL} is absent")
    talks = talk_files()
    assert talks, f"no talk files under {EVAL}"
    runs: dict[str, str] = {}
    for talk in talks:
        text = talk.read_text(encoding="utf-8")
        for run in word_runs(text) | cjk_runs(text):
            runs.setdefault(run, talk.relative_to(EVAL).as_posix())
    hits = []
    for path in project_files():
        text = read_text(path)
        if text is None:
            continue
        for run in sorted((word_runs(text) | cjk_runs(text)) & runs.keys()):
            hits.append(f"{path.relative_to(REPO).as_posix()}: {run!r} (from {runs[run]})")
    assert not hits, f"{len(hits)} runs of eval talk text in the project:\n" + "\n".join(hits)
