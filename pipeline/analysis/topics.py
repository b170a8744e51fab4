"""Sections found by code: contiguous spans of the talk where its topic holds, by TextTiling over sentence vectors.

At every gap between two sentences, the sentences just before and just after are compared (cosine of their mean
vectors); where the talk moves on, that similarity dips. A dip's depth (how far it sits below the peaks on either
side) says how clear the change is, and the deepest dips, not too close together, become section boundaries. So
every section has its own material, and no two sections are built from the same sentences.
"""

from __future__ import annotations

import math

import numpy as np

WINDOW = 4  # sentences compared on each side of a gap
MAX_SECTIONS = 8
WORDS_PER_SECTION = 80  # count = sqrt(words / 80): 3 for five minutes of speech, 5 for ten, 8 from about an hour


def section_count(words: int, sentences: int) -> int:
    """About 3 sections for 5 minutes, up to 8 for an hour; never fewer than four sentences a section."""
    wanted = round(math.sqrt(max(words, 0) / WORDS_PER_SECTION))
    return max(1, min(MAX_SECTIONS, wanted, sentences // 4))


def _gap_similarity(vectors: np.ndarray, window: int) -> np.ndarray:
    scores = []
    for gap in range(1, len(vectors)):
        left = vectors[max(0, gap - window) : gap].mean(axis=0)
        right = vectors[gap : gap + window].mean(axis=0)
        scores.append(float(left @ right / (np.linalg.norm(left) * np.linalg.norm(right) + 1e-9)))
    scores = np.array(scores)
    if len(scores) >= 3:  # a light smoothing: one odd sentence is not a change of topic
        scores = np.convolve(np.pad(scores, 1, mode="edge"), np.ones(3) / 3, mode="valid")
    return scores


def _depths(scores: np.ndarray) -> np.ndarray:
    depths = np.zeros(len(scores))
    for i, score in enumerate(scores):
        left = max(scores[: i + 1])
        right = max(scores[i:])
        depths[i] = (left - score) + (right - score)
    return depths


def spans(vectors: np.ndarray, count: int, window: int = WINDOW) -> list[tuple[int, int]]:
    """`count` contiguous (start, end) index ranges covering all sentences, cut at the deepest topic dips."""
    total = len(vectors)
    if count <= 1 or total < 2:
        return [(0, total)]
    depths = _depths(_gap_similarity(vectors, window))
    shortest = max(2, total // (count * 2))  # no section under half its fair share
    cuts: list[int] = []
    for gap in np.argsort(-depths, kind="stable"):
        boundary = int(gap) + 1  # the gap before sentence gap + 1
        edges = [0, *cuts, total]
        if boundary < shortest or total - boundary < shortest:
            continue
        if any(abs(boundary - edge) < shortest for edge in edges):
            continue
        cuts.append(boundary)
        if len(cuts) == count - 1:
            break
    edges = [0, *sorted(cuts), total]
    return list(zip(edges, edges[1:]))


def centrality(vectors: np.ndarray) -> np.ndarray:
    """How close each sentence is to what its span is about: cosine with the span's mean vector."""
    if len(vectors) == 0:
        return np.zeros(0)
    centre = vectors.mean(axis=0)
    centre = centre / (np.linalg.norm(centre) + 1e-9)
    return vectors @ centre
