"""Compile ``models/encoder`` for OpenVINO: an fp32 IR and a calibrated int8 IR, pooling included.

Why at build time: quantization needs calibration data and a minute of CPU; a run should only load.
The int8 recipe (``RECIPE``) is NNCF post-training quantization for transformers, calibrated on a frozen
bilingual calibration set (``data/raw/calibration``: the first 128 Recommendations of our sample, as
they were when the recipe was chosen) in the role summaries are embedded in (``pipeline.embed.DOCUMENT_ROLE``)
and the taxonomy's label descriptions (``query:``),
with SmoothQuant at alpha 0.75 and the FFN output projection of a few layers left in fp32 (see
``openvino_runtime`` and ``_quantize``). Each IR folder gets a
BUILD.json with the sha256 of what was written; that hash is part of ``Encoder.version``, so a rebuilt
IR never serves vectors cached from another. Folders are written beside their target and renamed into
place; an existing build of the same encoder, recipe and calibration is left as it is. The calibration
set is frozen rather than the training sample itself because every change to it changes the encoder's
version, and with it every cached vector: adding labelled Recommendations to the sample must not force
a re-embedding of the catalogue.

    python -m pipeline.encoder.openvino_build models/encoder [CALIBRATION_INPUT...]
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Sequence

import numpy as np

from pipeline.encoder.openvino_runtime import IR_BUILD, ir_dir

# Layers whose FFN output projection (the GELU output, the widest activation range) stays in fp32.
FP32_FFN_OUT_LAYERS = (0, 10, 11)
SMOOTH_QUANT_ALPHA = 0.75
RECIPE = f"int8-sq{SMOOTH_QUANT_ALPHA}-ffnout-fp32-{'.'.join(map(str, FP32_FFN_OUT_LAYERS))}-minmax-v3"
FP32_RECIPE = "fp32-v1"
CALIBRATION_BATCH = 4
DEFAULT_CALIBRATION = ("data/raw/calibration",)


def calibration_texts(inputs: Sequence[str | Path], role: str | None = None) -> list[str]:
    """Prefixed texts as the encoder will see them: calibration summaries (in ``role``, by default the
    pipeline's ``DOCUMENT_ROLE``) and label descriptions."""
    from pipeline.embed import DOCUMENT_ROLE
    from pipeline.ingest import embedding_text, ingest
    from pipeline.taxonomy import LANGS, load_taxonomy

    recs = ingest(inputs).recommendations if inputs else None
    summaries = [] if recs is None else [
        f"{role or DOCUMENT_ROLE}: {embedding_text(t or '', s)}" for t, s in zip(recs["title"], recs["summary"])]
    taxonomy = load_taxonomy()
    queries = [f"query: {label.text(lang)}" for name in ("action_line", "sdg_goal", "sdg_target")
               for label in taxonomy.labels(name) for lang in LANGS]
    return summaries + queries


def _pooled_module(encoder_path: Path):
    import torch
    from transformers import AutoModel

    bert = AutoModel.from_pretrained(str(encoder_path), local_files_only=True, dtype=torch.float32).eval()

    class Pooled(torch.nn.Module):
        """BertModel + attention-masked mean pooling + L2 normalisation, as one graph."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)
            return torch.nn.functional.normalize(pooled, dim=-1)

    return Pooled()


def _convert(encoder_path: Path):
    import openvino as ov
    import torch

    example = {"input_ids": torch.ones(2, 8, dtype=torch.long), "attention_mask": torch.ones(2, 8, dtype=torch.long)}
    with torch.no_grad():
        return ov.convert_model(_pooled_module(encoder_path), example_input=example,
                                input=[("input_ids", [-1, -1], ov.Type.i64), ("attention_mask", [-1, -1], ov.Type.i64)])


def _calibration_batches(encoder_path: Path, texts: list[str]) -> list[dict[str, np.ndarray]]:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(encoder_path), local_files_only=True)
    batches = []
    for start in range(0, len(texts), CALIBRATION_BATCH):
        enc = tokenizer(texts[start:start + CALIBRATION_BATCH], truncation=True, max_length=512,
                        padding=True, return_tensors="np")
        batches.append({"input_ids": enc["input_ids"].astype(np.int64),
                        "attention_mask": enc["attention_mask"].astype(np.int64)})
    return batches


def _quantize(model, batches: list[dict[str, np.ndarray]], fp32_ffn_out: Sequence[int] = FP32_FFN_OUT_LAYERS,
              smooth_quant_alpha: float = SMOOTH_QUANT_ALPHA):
    """Activation ranges are the calibration set's global min and max (not the mean of per-batch
    ranges), so no calibration value is clipped. SmoothQuant moves part of each activation's outlier
    range into the weights: at alpha 0.75 (NNCF's default is 0.95) the worst cosine to torch fp32 over
    512 catalogue summaries rose from 0.9990 to 0.9995, which left room to quantize the FFN output of
    all but ``FP32_FFN_OUT_LAYERS`` as well (bench/RESULTS.md, Speed)."""
    import nncf
    from nncf.quantization.advanced_parameters import AdvancedQuantizationParameters, AdvancedSmoothQuantParameters
    from nncf.quantization.range_estimator import RangeEstimatorParametersSet

    layers = "|".join(map(str, fp32_ffn_out))
    ignored = {"ignored_scope": nncf.IgnoredScope(patterns=[rf".*layer[./]({layers})[./]output[./]dense.*MatMul$"])}
    return nncf.quantize(
        model, nncf.Dataset(batches), model_type=nncf.ModelType.TRANSFORMER, subset_size=len(batches),
        **(ignored if fp32_ffn_out else {}),
        advanced_parameters=AdvancedQuantizationParameters(
            activations_range_estimator_params=RangeEstimatorParametersSet.MINMAX,
            smooth_quant_alphas=AdvancedSmoothQuantParameters(matmul=smooth_quant_alpha)),
    )


IR_HASH = "graph-without-generated-names"  # how ir_sha256 is computed (``ir_fingerprint``)
# OpenVINO names the nodes it creates from a per-process counter ("Constant_412644"), so two builds of
# the same weights write the same model.bin and the same graph under different names.
_GENERATED_NAME = re.compile(rb'name="([A-Za-z]+)_\d+"')


def ir_fingerprint(xml: bytes, weights: bytes) -> str:
    """sha256 of the graph (generated node names left out) and the weights: equal for equal numerics,
    so every install of one release gets the same encoder version, cache keys and model versions."""
    digest = hashlib.sha256()
    digest.update(_GENERATED_NAME.sub(rb'name="\1"', xml))
    digest.update(weights)
    return digest.hexdigest()


def _sha256_files(folder: Path) -> str:
    return ir_fingerprint((folder / "model.xml").read_bytes(), (folder / "model.bin").read_bytes())


def _write_ir(model, target: Path, info: dict) -> None:
    import openvino as ov

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        ov.save_model(model, str(staging / "model.xml"))  # weights as fp16: the encoder's are fp16 already
        info = {**info, "ir_sha256": _sha256_files(staging)}
        (staging / IR_BUILD).write_text(json.dumps(info, indent=1))
        staging.chmod(0o755)
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def build_openvino(encoder_path: Path, calibration: Sequence[str | Path] = DEFAULT_CALIBRATION) -> list[Path]:
    """Write ``<encoder>/openvino/fp32`` and ``<encoder>/openvino/int8``; skip those already current."""
    encoder_path = Path(encoder_path)
    fingerprint = json.loads((encoder_path / "BUILD.json").read_text())["fingerprint"]
    texts = calibration_texts(calibration)
    calibration_sha = hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()[:16]
    wanted = {
        "fp32": {"encoder": fingerprint, "recipe": FP32_RECIPE, "ir_hash": IR_HASH},
        "int8": {"encoder": fingerprint, "recipe": RECIPE, "calibration_sha256": calibration_sha,
                 "calibration_texts": len(texts), "ir_hash": IR_HASH},
    }
    todo = {}
    for precision, info in wanted.items():
        build = ir_dir(encoder_path, precision) / IR_BUILD
        current = json.loads(build.read_text()) if build.exists() else {}
        if {k: current.get(k) for k in info} != info:
            todo[precision] = info
    if todo:
        model = _convert(encoder_path)
        if "fp32" in todo:
            _write_ir(model, ir_dir(encoder_path, "fp32"), todo["fp32"])
        if "int8" in todo:
            _write_ir(_quantize(model, _calibration_batches(encoder_path, texts)), ir_dir(encoder_path, "int8"),
                      todo["int8"])
    return [ir_dir(encoder_path, p) for p in wanted]


def main() -> None:
    encoder = Path(sys.argv[1] if len(sys.argv) > 1 else "models/encoder")
    calibration = sys.argv[2:] or [c for c in DEFAULT_CALIBRATION if Path(c).exists()]
    for folder in build_openvino(encoder, calibration):
        print(f"OpenVINO encoder ready at {folder}")


if __name__ == "__main__":
    main()
