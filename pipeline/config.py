"""Settings: defaults, then `devrel.toml` in the working directory, then DEVREL_* / OPENAI_* environment, then flags."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from pipeline.errors import UserError

CONFIG_FILE = "devrel.toml"


class Settings(BaseModel):
    """Every knob in one flat, typed place; `devrel doctor` prints where each came from."""

    model_config = ConfigDict(extra="forbid")

    # LLM: a remote OpenAI-compatible endpoint when base_url or api_key is set, else the embedded local model.
    model: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    local_model: str = "qwen2.5-coder-1.5b"
    structured_output: Literal["auto", "json_schema", "json_object"] = "auto"
    context_window: int | None = None
    timeout: float = 600.0
    max_retries: int = 2
    temperature: float = 0.2
    seed: int | None = 0  # same inputs, same drafts (llama.cpp honours it; OpenAI "mostly"); unset for variety
    threads: int = max(1, len(os.sched_getaffinity(0)))

    # Speech to text.
    whisper_model: str = "whisper-base"
    beam_size: int = 5
    whisper_window: float = 600.0  # seconds per piece of long audio: keeps peak memory flat
    hotwords: list[str] = []
    # Who spoke when (sources/diarization.py). auto: speaker turns when more than one voice is heard, none for a
    # single voice (a talk stays a talk); on: always labelled, SPEAKER_1 for a single voice; off: never.
    diarize: Literal["auto", "on", "off"] = "auto"
    speaker_count: int | None = Field(default=None, ge=1, le=20)  # known number of speakers; else estimated
    speaker_names: list[str] | None = None  # in order of first speech (--speakers "Ada Lovelace, Grace Hopper")

    # URLs (yt-dlp): untrusted input, so limits and no private addresses unless allowed (true, or networks).
    max_filesize_mb: float = 2048
    max_duration: float = 4 * 3600
    allow_private_urls: bool | list[str] = False
    since: str | None = None
    max_items: int | None = None
    transcribe: bool = False

    # Content.
    lang: Literal["auto", "en", "zh"] = "auto"
    prompts: str | None = None
    out: str = "outputs"
    # The blog's passages are the speaker's words; a model may rewrite them as prose (kept only when it adds no
    # name, number or claim). auto: with an endpoint, not with the embedded model (it returns them verbatim).
    rewrite: Literal["auto", "on", "off"] = "auto"
    # A hook or community item with a fault is asked again once before code builds it from its section. A slip (an
    # empty or cut-off line, a copy of another item, a word in the wrong language) is chance, and a second sample
    # fixes it; a habit (a stock opener, a line over its length, a section's question said back) the embedded model
    # repeats when told (make eval: 3 of 45 such second asks fixed). auto: every fault with an endpoint, slips only
    # with the embedded model.
    ask_again: Literal["auto", "all", "slips"] = "auto"
    # The outline's summary. A 1.5B relates a talk's terms wrongly when it states what the talk says ("X as a
    # censorship-resistant consensus system"), every word the talk's: auto lets an endpoint's model write it and, with
    # the embedded model, says which parts the talk covers by their names (model: always the model's; parts: never).
    summary: Literal["auto", "model", "parts"] = "auto"

    @model_validator(mode="after")
    def _count_from_names(self) -> "Settings":
        """Named speakers are also the speaker count: two names, two voices."""
        if self.speaker_names and self.speaker_count is None:
            self.speaker_count = len(self.speaker_names)
        return self

    @property
    def rewrites_passages(self) -> bool:
        return self.rewrite == "on" or (self.rewrite == "auto" and not self.uses_embedded_llm)

    @property
    def model_writes_summary(self) -> bool:
        return self.summary == "model" or (self.summary == "auto" and not self.uses_embedded_llm)

    @property
    def asks_again_for_habits(self) -> bool:
        return self.ask_again == "all" or (self.ask_again == "auto" and not self.uses_embedded_llm)

    # Corpus and vector store: an embedded chromadb folder, or a shared Chroma server when chroma_host is set.
    corpus: str = "corpus"
    store: str = ".devrel/store"
    store_wait: float = 10.0  # seconds a writer waits for another writer before saying the store is busy
    chroma_host: str | None = None
    chroma_port: int = 8000

    @property
    def uses_embedded_llm(self) -> bool:
        return not (self.base_url or self.api_key)

    @property
    def llm_name(self) -> str:
        if self.uses_embedded_llm:
            return self.model or self.local_model
        return self.model or "gpt-4o-mini"


ENV_ALIASES = {
    "OPENAI_API_KEY": "api_key",
    "OPENAI_BASE_URL": "base_url",
    "CHROMA_HOST": "chroma_host",
    "CHROMA_PORT": "chroma_port",
}


def _from_env(environ: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for env_name, key in ENV_ALIASES.items():
        if environ.get(env_name):
            values[key] = environ[env_name]
    for key in Settings.model_fields:
        env_name = f"DEVREL_{key.upper()}"
        if env_name in environ and environ[env_name] != "":
            raw = environ[env_name]
            values[key] = (
                [word.strip() for word in raw.split(",") if word.strip()]
                if key in ("hotwords", "speaker_names")
                else raw
            )
    return values


def _from_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UserError(f"{path}: not valid TOML ({error}); fix the file or move it away") from None


def load_settings(
    flags: dict[str, Any] | None = None, cwd: Path | None = None, environ: dict | None = None
) -> Settings:
    """Merge the layers; flags left as None do not override anything."""
    cwd = cwd or Path.cwd()
    merged: dict[str, Any] = {}
    merged.update(_from_file(cwd / CONFIG_FILE))
    merged.update(_from_env(dict(os.environ if environ is None else environ)))
    merged.update({key: value for key, value in (flags or {}).items() if value is not None})
    try:
        return Settings.model_validate(merged)
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        raise UserError(
            f"setting {where!r}: {problem['msg']} (check {CONFIG_FILE}, DEVREL_* variables and flags)"
        ) from None
