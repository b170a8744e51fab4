"""Corpus: index ~10k chunks into a fresh store, re-index after changing one file, and query latency.

Uses the store's public functions (pipeline.corpus.store.index / collection / query / search) on a generated folder of
markdown files, in a temporary store directory: the project's own store is never touched.
"""

from __future__ import annotations

import shutil

from bench import synthetic
from bench.common import WORK, Group, percentile, print_line, settings, timed

P50_TARGET_MS = 20.0
SECTIONS = 10


def run(group: Group, quick: bool, context: dict) -> None:
    from pipeline.corpus import chunks, store

    files = 50 if quick else 1000
    folder = synthetic.corpus_folder(WORK / f"corpus-{files}x{SECTIONS}", files, SECTIONS)
    paths = chunks.corpus_files(folder)
    expected = sum(len(chunks.chunks(chunks.read_doc(path, chunks.store_key(path)))) for path in paths)
    where = WORK / f"store-{files}x{SECTIONS}"
    shutil.rmtree(where, ignore_errors=True)
    config = settings(store=str(where), corpus=str(folder))
    store.encoder()  # the embedding model is loaded once per process; loading it is not indexing
    print_line(f"  corpus: indexing {expected} chunks from {len(paths)} files...")
    index_seconds, report = timed(lambda: store.index(config, folder))
    group.add(
        f"index {report.added} chunks (fresh store)",
        round(index_seconds, 1),
        "s",
        note=f"{report.added / index_seconds:.0f} chunks/s, {len(paths)} files, USE multilingual v3 embeddings",
    )

    changed = paths[len(paths) // 2]
    text = changed.read_text(encoding="utf-8")
    try:
        changed.write_text(text.replace("## ", "## Revised: ", 1), encoding="utf-8")
        again_seconds, again = timed(lambda: store.index(config, folder))
    finally:
        changed.write_text(text, encoding="utf-8")  # the generated corpus stays as generated for the next run
    group.add(
        "re-index after changing one file",
        round(again_seconds, 2),
        "s",
        note=f"{again.embedded} chunk(s) embedded, {again.removed} removed, {again.unchanged} unchanged",
    )

    questions = synthetic.queries(20 if quick else 100)
    col = store.collection(config)
    store.query(col, "warm-up question about caching", k=5)
    query_ms = [timed(lambda q=q: store.query(col, q, k=5))[0] * 1000 for q in questions]
    search_ms = [timed(lambda q=q: store.search(config, q, k=5))[0] * 1000 for q in questions[: len(questions) // 2]]
    p50, p95 = percentile(query_ms, 0.5), percentile(query_ms, 0.95)
    group.add(
        "query p50",
        round(p50, 1),
        "ms",
        f"< {P50_TARGET_MS:.0f}",
        p50 < P50_TARGET_MS,
        f"{len(questions)} queries, k=5, query embedding included, collection open",
    )
    group.add("query p95", round(p95, 1), "ms")
    group.add(
        "search p50 (opens the collection each time)",
        round(percentile(search_ms, 0.5), 1),
        "ms",
        note="store.search, as `devrel corpus search` calls it",
    )
    group.details.update(
        {
            "files": len(paths),
            "chunks_expected": expected,
            "added": report.added,
            "index_s": round(index_seconds, 2),
            "reindex": {
                "seconds": round(again_seconds, 3),
                "embedded": again.embedded,
                "removed": again.removed,
                "added": again.added,
            },
            "query_ms": {
                "p50": round(p50, 2),
                "p95": round(p95, 2),
                "max": round(max(query_ms), 2),
                "count": len(query_ms),
            },
        }
    )
    shutil.rmtree(where, ignore_errors=True)
