"""Does int8 pay off on this CPU? OpenVINO int8 against OpenVINO fp32, side by side, and what the runtime chose.

The runtime serves int8 as fp32 on a CPU without an int8 dot-product instruction (VNNI or AMX;
``pipeline/encoder/cpu.py``). This measures both paths on the machine at hand, int8 forced where the
runtime would not choose it: docs/s (median of ``--repeats``, model load excluded, real in-force
summaries as in bench/speed.py) and cosine to torch fp32 (worst and mean).

    .venv/bin/python bench/int8_cpu.py [--catalogue CSV] [--subset 128] [--repeats 3]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from speed import CATALOGUE, ENCODER, subset_texts  # noqa: E402

from pipeline.encoder import openvino_runtime  # noqa: E402
from pipeline.encoder.cpu import INT8_DOT_PRODUCT, cpu_flags, has_int8_dot_product  # noqa: E402
from pipeline.encoder.model import Encoder  # noqa: E402


def measure(encoder: Encoder, texts: list[str], reference: np.ndarray, repeats: int) -> dict:
    encoder.encode(texts[:4])
    rates, vectors = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        vectors = encoder.encode(texts)
        rates.append(len(texts) / (time.perf_counter() - start))
    cosines = (vectors * reference).sum(axis=1)
    return {"docs/s": statistics.median(rates), "runs": rates, "worst": float(cosines.min()),
            "mean": float(cosines.mean()), "under 0.999": int((cosines < 0.999).sum())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalogue", type=Path, default=CATALOGUE)
    parser.add_argument("--subset", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if not args.catalogue.exists():
        sys.exit(f"{args.catalogue} not found: this benchmark reads the in-force catalogue in ../shared")
    texts = subset_texts(args.catalogue, args.subset)
    reference = Encoder(ENCODER, precision="fp32", runtime="torch").encode(texts)
    chosen = has_int8_dot_product()
    openvino_runtime.has_int8_dot_product = lambda: True  # force int8, to measure it where it is not chosen
    rows = {precision: measure(Encoder(ENCODER, precision=precision, runtime="openvino"), texts, reference,
                               args.repeats) for precision in ("fp32", "int8")}
    flags = sorted(cpu_flags() & INT8_DOT_PRODUCT) or ["none"]
    print(f"int8 dot-product flags: {', '.join(flags)}; the runtime serves int8 as "
          f"{'int8' if chosen else 'fp32'} here\n")
    print("| OpenVINO | docs/s (median) | runs | worst cosine to torch fp32 | mean | under 0.999 |")
    print("|---|---|---|---|---|---|")
    for precision, r in rows.items():
        print(f"| {precision} | {r['docs/s']:.1f} | {', '.join(f'{x:.1f}' for x in r['runs'])} | "
              f"{r['worst']:.5f} | {r['mean']:.5f} | {r['under 0.999']} of {len(texts)} |")


if __name__ == "__main__":
    warnings.simplefilter("ignore", RuntimeWarning)
    main()
