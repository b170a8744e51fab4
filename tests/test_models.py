"""Shipped models: parts joined once into the user cache, sha256 verified, a mismatch refused."""

from __future__ import annotations

import dataclasses
import json

import pytest

from pipeline.artifacts import sha256_file
from pipeline.errors import SetupError
from pipeline.llm import models


def test_whisper_is_assembled_and_verified():
    folder = models.model_path("whisper-base")
    assert {"model.bin", "config.json", "tokenizer.json", "vocabulary.txt"} <= {p.name for p in folder.iterdir()}
    record = json.loads((folder / ".verified.json").read_text())
    assert record["sha256"] == models.WHISPER_BASE.sha256 == sha256_file(folder / "model.bin")


def test_a_wrong_sha256_is_refused_and_nothing_is_left(tmp_path, monkeypatch):
    monkeypatch.setenv("DEVREL_CACHE", str(tmp_path / "cache"))
    wrong = dataclasses.replace(models.WHISPER_BASE, sha256="0" * 64)
    monkeypatch.setitem(models.SPECS, "whisper-base", wrong)
    with pytest.raises(SetupError, match="refusing to load"):
        models.model_path("whisper-base")
    assert not any((tmp_path / "cache" / "models" / "whisper-base").glob("model.bin*"))


def test_a_changed_file_is_verified_again(tmp_path, monkeypatch):
    monkeypatch.setenv("DEVREL_CACHE", str(tmp_path / "cache"))
    folder = models.model_path("whisper-base")
    with (folder / "model.bin").open("ab") as handle:
        handle.write(b"tampered")
    assert models.model_path("whisper-base") == folder  # re-joined from the packages
    assert sha256_file(folder / "model.bin") == models.WHISPER_BASE.sha256


def test_unknown_model_names_the_known_ones():
    with pytest.raises(SetupError, match="qwen2.5-coder-0.5b"):
        models.model_path("gpt-5")
