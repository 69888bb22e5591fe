"""Try an int8 quantization recipe: its worst cosine to torch fp32 on real catalogue summaries, and its speed.

    .venv/bin/python bench/int8_recipes.py [--fp32-ffn-out 0,10,11 | none] [--smooth-quant 0.75]
                                           [--texts 512] [--seed 0] [--whole-catalogue] [--speed]
                                           [--role passage | query]

The recipe is the shipped one (``pipeline.encoder.openvino_build``: NNCF, calibrated on the bundled
sample and the label descriptions, global min/max activation ranges) with two knobs: which layers keep
their FFN output projection in fp32, and the SmoothQuant alpha; ``--role`` is the e5 role the summaries
are calibrated and scored in (the pipeline's ``DOCUMENT_ROLE`` by default). Scored on ``--texts`` in-force
summaries drawn with ``--seed`` (or all of them with ``--whole-catalogue``), against torch fp32
(cached in bench/.cache/int8-recipes/). ``--speed``: docs/s of the raw OpenVINO loop over those texts,
median of 3. Nothing is written to models/. Results are appended to bench/results/int8_recipes.jsonl.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.embed import DOCUMENT_ROLE  # noqa: E402
from pipeline.encoder import openvino_build as build  # noqa: E402
from pipeline.encoder.model import Encoder, _padded  # noqa: E402
from pipeline.ingest import embedding_text  # noqa: E402

ENCODER = ROOT / "models" / "encoder"
CATALOGUE = ROOT.parent / "shared" / "data" / "itu-t-relaton" / "itu_t_inforce_recommendations.csv"


def catalogue_texts(n: int | None, seed: int) -> list[str]:
    rows = pd.read_csv(CATALOGUE, dtype=str, keep_default_na=False)
    rows = rows[rows["abstract_en"].str.strip() != ""]
    if n is not None:
        rows = rows.sample(n, random_state=seed)
    return [embedding_text(t, s) for t, s in zip(rows["title_en"], rows["abstract_en"])]


def torch_reference(texts: list[str], name: str, role: str) -> np.ndarray:
    path = ROOT / "bench" / ".cache" / "int8-recipes" / f"{name}-{role}.npy"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        encoder = Encoder(ENCODER, precision="fp32", runtime="torch", batch_tokens=1 << 20, batch_size=8)
        np.save(path, encoder.encode(texts, role=role))
    return np.load(path)


def quantize(fp32_layers: tuple[int, ...], alpha: float, role: str):
    batches = build._calibration_batches(ENCODER, build.calibration_texts(["data/raw/calibration"], role))
    return build._quantize(build._convert(ENCODER), batches, fp32_layers, alpha)


def runner(model, role: str):
    """texts -> vectors through the runtime's loop (two single-thread streams, the Encoder's batches)."""
    import openvino as ov

    compiled = ov.Core().compile_model(model, "CPU", {
        "PERFORMANCE_HINT": "THROUGHPUT", "NUM_STREAMS": "2", "INFERENCE_NUM_THREADS": "2",
        "INFERENCE_PRECISION_HINT": "f32", "ENABLE_CPU_PINNING": False})
    queue = ov.AsyncInferQueue(compiled, 2)
    planner = Encoder(ENCODER, precision="fp32", runtime="openvino")
    hidden = compiled.output(0).get_partial_shape()[1].get_length()

    def embed(texts: list[str]) -> np.ndarray:
        ids = planner.tokenize(texts, role)
        lengths = [len(x) for x in ids]
        plan = planner.plan(lengths)
        done: dict[int, np.ndarray] = {}
        queue.set_callback(lambda request, k: done.__setitem__(k, request.get_output_tensor(0).data.copy()))
        for k, (input_ids, mask) in enumerate(_padded(ids, lengths, plan)):
            queue.start_async({"input_ids": input_ids, "attention_mask": mask}, k)
        queue.wait_all()
        out = np.zeros((len(texts), hidden), dtype=np.float32)
        for k, positions in enumerate(plan):
            out[positions] = done[k]
        return out

    return embed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fp32-ffn-out", default=",".join(map(str, build.FP32_FFN_OUT_LAYERS)))
    parser.add_argument("--smooth-quant", type=float, default=build.SMOOTH_QUANT_ALPHA)
    parser.add_argument("--texts", type=int, default=512)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--whole-catalogue", action="store_true")
    parser.add_argument("--speed", action="store_true")
    parser.add_argument("--role", choices=("passage", "query"), default=DOCUMENT_ROLE)
    args = parser.parse_args()
    if not CATALOGUE.exists():
        sys.exit(f"{CATALOGUE} not found: this benchmark needs ../shared")
    layers = () if args.fp32_ffn_out == "none" else tuple(int(x) for x in args.fp32_ffn_out.split(","))
    n = None if args.whole_catalogue else args.texts
    texts = catalogue_texts(n, args.seed)
    reference = torch_reference(texts, "whole" if n is None else f"{n}-seed{args.seed}", args.role)
    embed = runner(quantize(layers, args.smooth_quant, args.role), args.role)
    cosine = (embed(texts) * reference).sum(axis=1)
    result = {"fp32_ffn_out": list(layers), "smooth_quant": args.smooth_quant, "role": args.role,
              "texts": "whole catalogue" if n is None else f"{n}, seed {args.seed}", "n": len(texts),
              "worst": round(float(cosine.min()), 5), "mean": round(float(cosine.mean()), 5),
              "below_0.999": int((cosine < 0.999).sum())}
    if args.speed:
        rates = []
        for _ in range(3):
            start = time.perf_counter()
            embed(texts)
            rates.append(len(texts) / (time.perf_counter() - start))
        result["docs_per_s"] = round(statistics.median(rates), 1)
    print(json.dumps(result))
    with open(ROOT / "bench" / "results" / "int8_recipes.jsonl", "a") as out:
        out.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
