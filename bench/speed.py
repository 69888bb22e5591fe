"""Speed benchmark: embedding throughput, the FLOP ceiling, and the whole catalogue end to end.

    .venv/bin/python bench/speed.py [--catalogue CSV] [--editions JSONL] [--subset 128] [--repeats 3]
                                    [--configs naive,...,dask] [--engines local,dask] [--no-editions]
                                    [--out bench/results/speed.json]

One table, side by side: the naive baseline (torch fp32, batches of 32 in catalogue order, one thread),
the previous default (torch bf16 autocast, batches of 32 sorted by characters), the reference fp32
paths, the local engine's default (OpenVINO int8) and the Dask engine on a 2-worker LocalCluster.

- docs/s: median of ``--repeats`` runs over a fixed subset of real in-force summaries (seed 0), model
  load excluded, each configuration in its own process (thread settings are per process);
- wall time: ``wsis run`` on the in-force catalogue, medians of ``--repeats`` runs each: cold (an
  empty store each time), warm (unchanged reruns), and reruns after a different 1% of the summaries
  changed each time; the naive baseline's full-catalogue time is not run (it would take the better
  part of an hour) but extrapolated from its docs/s, and is marked so;
- peak RSS: the sum over the process tree (driver and Dask workers), polled every 0.2 s; shared pages
  are counted once per process, so it is an upper bound;
- ceiling: the FLOPs of the subset's real token counts against this machine's measured GEMM rates.

Results go to stdout and to ``--out`` (bench/results/speed.json), with the CPU they were measured on.
Other work on the machine slows every figure; the load average at each measurement is recorded.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
ENCODER = ROOT / "models" / "encoder"
CATALOGUE = ROOT.parent / "shared" / "data" / "itu-t-relaton" / "itu_t_inforce_recommendations.csv"
EDITIONS = ROOT.parent / "shared" / "data" / "itu-t-relaton" / "itu_t_recommendations.jsonl"
WSIS = ROOT / ".venv" / "bin" / "wsis"

# (label, runtime, precision, threads, batching): batching "naive" = catalogue order, "chars" = sorted by
# characters in 32s (the code before this benchmark), "tokens" = the Encoder's plan.
CONFIGS = {
    "naive": ("naive baseline: torch fp32, unsorted, 1 thread", "torch", "fp32", 1, "naive"),
    "before": ("previous default: torch bf16 autocast", "torch", "bf16", None, "chars"),
    "torch-fp32": ("torch fp32, token-bucketed", "torch", "fp32", None, "tokens"),
    "ov-fp32": ("OpenVINO fp32, token-bucketed", "openvino", "fp32", None, "tokens"),
    "ov-int8": ("local engine: OpenVINO int8 (default)", "openvino", "int8", None, "tokens"),
}


def subset_texts(catalogue: Path, n: int) -> list[str]:
    from pipeline.ingest import embedding_text

    rows = pd.read_csv(catalogue, dtype=str, keep_default_na=False)
    rows = rows[rows["abstract_en"].str.strip() != ""].sample(n, random_state=0)
    return [embedding_text(t, s) for t, s in zip(rows["title_en"], rows["abstract_en"])]


def measure_config(name: str, texts: list[str], repeats: int) -> dict:
    """Runs inside its own process: docs/s of one configuration over ``texts``."""
    from pipeline.encoder.model import Encoder, _padded

    _, runtime, precision, threads, batching = CONFIGS[name]
    encoder = Encoder(ENCODER, precision=precision, runtime=runtime, threads=threads)
    encoder.encode(texts[:4])
    rates, loads = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        if batching == "tokens":
            encoder.encode(texts)
        else:
            ids = encoder.tokenize(texts)
            lengths = [len(x) for x in ids]
            order = np.arange(len(texts)) if batching == "naive" else np.argsort([len(t) for t in texts], kind="stable")
            plan = [order[i:i + 32] for i in range(0, len(order), 32)]
            for _ in encoder._model.embed(_padded(ids, lengths, plan)):
                pass
        rates.append(len(texts) / (time.perf_counter() - start))
        loads.append(os.getloadavg()[0])
    return {"docs_per_s": rates, "load": loads}


def measure_dask(texts: list[str], repeats: int) -> dict:
    from pipeline.embed import text_key
    from pipeline.engines import make_engine

    from pipeline.params import load_params
    from pipeline.stages import make_encoder

    encoder = make_encoder(ENCODER, load_params(ROOT / "params.yaml"))
    keys = [text_key(t) for t in texts]
    quarter = -(-len(texts) // 4)
    chunks = [(keys[i:i + quarter], texts[i:i + quarter]) for i in range(0, len(texts), quarter)]
    with make_engine("dask", workers=2) as dask:
        encode = dask._encode_chunks(encoder)
        list(encode(chunks, "passage"))  # both workers load the model: not timed, as for the local engine
        rates, loads = [], []
        for _ in range(repeats):
            start = time.perf_counter()
            list(encode(chunks, "passage"))
            rates.append(len(texts) / (time.perf_counter() - start))
            loads.append(os.getloadavg()[0])
    return {"docs_per_s": rates, "load": loads}


def gemm_rates() -> dict:
    """GFLOP/s of fp32 and int8 (VNNI) matrix products of the encoder's shapes on all cores: the best of
    5 single-threaded timings (the least disturbed by other work) times the number of cores."""
    import torch

    torch.set_num_threads(1)
    cores = len(os.sched_getaffinity(0))
    a, b = torch.randn(4096, 384), torch.randn(384, 1536)
    ai, bi = torch.randint(-128, 127, (4096, 384), dtype=torch.int8), torch.randint(-128, 127, (384, 1536), dtype=torch.int8)
    rates = {}
    for name, fn in (("fp32", lambda: torch.mm(a, b)), ("int8", lambda: torch._int_mm(ai, bi))):
        fn()
        best = min(_time(fn) for _ in range(5))
        rates[name] = cores * 2 * 4096 * 384 * 1536 / best / 1e9
    return rates


def _time(fn) -> float:
    start = time.perf_counter()
    for _ in range(5):
        fn()
    return (time.perf_counter() - start) / 5


def ceiling(texts: list[str], rates: dict) -> dict:
    """docs/s if every FLOP ran at the measured GEMM rate: all fp32, or as the int8 recipe splits them."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(ENCODER), local_files_only=True)
    lengths = np.array([len(x) for x in tokenizer([f"passage: {t}" for t in texts], truncation=True,
                                                  max_length=512)["input_ids"]], dtype=np.float64)
    from pipeline.encoder.openvino_build import FP32_FFN_OUT_LAYERS

    h, ffn, layers, fp32_ffn_out = 384, 1536, 12, len(FP32_FFN_OUT_LAYERS)
    # Q, K, V, attention output, FFN input, and the FFN output of all but the recipe's fp32 layers
    int8_linear = 2 * lengths * (layers * (4 * h * h + h * ffn) + (layers - fp32_ffn_out) * ffn * h)
    fp32_linear = 2 * lengths * fp32_ffn_out * ffn * h
    attention = layers * 2 * 2 * lengths ** 2 * h  # scores and weighted sum, fp32
    flops = int8_linear + fp32_linear + attention
    seconds_fp32 = flops.sum() / (rates["fp32"] * 1e9)
    seconds_int8 = (int8_linear.sum() / rates["int8"] + (fp32_linear + attention).sum() / rates["fp32"]) / 1e9
    return {"mean_tokens": float(lengths.mean()), "gflop_per_doc": float(flops.mean() / 1e9),
            "gemm_gflops": rates, "fp32_docs_per_s": len(texts) / seconds_fp32,
            "int8_recipe_docs_per_s": len(texts) / seconds_int8}


def timed_run(args: list[str], log: Path) -> dict:
    """Wall seconds and peak RSS (process tree) of one command."""
    import psutil

    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    with open(log, "w") as out:
        start = time.perf_counter()
        process = psutil.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        peak = 0
        while process.poll() is None:
            try:
                tree = [process, *process.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree))
            except psutil.Error:
                pass
            time.sleep(0.2)
        wall = time.perf_counter() - start
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, args))} failed; see {log}")
    return {"wall_s": wall, "peak_rss_gib": peak / 2**30, "load": os.getloadavg()[0]}


def changed_copy(catalogue: Path, folder: Path, seed: int, fraction: float = 0.01) -> Path:
    """The catalogue with ``fraction`` of its summaries edited (a different 1% for each seed)."""
    rows = pd.read_csv(catalogue, dtype=str, keep_default_na=False)
    with_summary = rows.index[rows["abstract_en"].str.strip() != ""]
    chosen = pd.Series(with_summary).sample(frac=fraction, random_state=seed)
    rows.loc[chosen, "abstract_en"] = rows.loc[chosen, "abstract_en"] + f" (Revised {seed}.)"
    target = folder / f"changed-{seed}" / catalogue.name
    target.parent.mkdir(parents=True, exist_ok=True)
    rows.to_csv(target, index=False)
    return target


def end_to_end(engine: str, catalogue: Path, work: Path, repeats: int) -> dict:
    """``repeats`` cold runs (each with an empty store), then on the last one's store ``repeats`` warm
    (unchanged) reruns and ``repeats`` reruns each after a different 1% of the summaries changed."""
    def run(source: Path, out: str, store: str) -> list[str]:
        return [str(WSIS), "run", str(source), "--out", str(work / engine / out), "--store",
                str(work / engine / store), "--engine", engine]

    cold = [timed_run(run(catalogue, f"out-cold{i}", f"store{i}"), work / f"{engine}-cold{i}.log")
            for i in range(repeats)]
    store = f"store{repeats - 1}"
    warm = [timed_run(run(catalogue, f"out-cold{repeats - 1}", store), work / f"{engine}-warm{i}.log")
            for i in range(repeats)]
    changed = [timed_run(run(changed_copy(catalogue, work / engine, seed), f"out-changed{seed}", store),
                         work / f"{engine}-changed{seed}.log") for seed in range(1, repeats + 1)]
    return {"cold": cold, "cold_median_s": statistics.median(c["wall_s"] for c in cold),
            "cold_peak_rss_gib": max(c["peak_rss_gib"] for c in cold),
            "warm": warm, "warm_median_s": statistics.median(w["wall_s"] for w in warm),
            "changed_1pct": changed, "changed_median_s": statistics.median(c["wall_s"] for c in changed),
            "cold_embed_line": _embed_line(work / f"{engine}-cold0.log"),
            "changed_embed_line": _embed_line(work / f"{engine}-changed1.log")}


def classify_timing(out: Path, store: Path, n: int, repeats: int) -> dict:
    """Seconds to classify the first ``n`` Recommendations (every language of each) of a finished run,
    its embeddings in the store (summaries and sentences): the classifier alone, loaded beforehand,
    median of ``repeats``. Runs in its own process."""
    code = f"""
import json, statistics, sys, time
sys.path.insert(0, {str(ROOT)!r})
from pathlib import Path
from pipeline.embed import recommendation_vectors
from pipeline.params import load_params
from pipeline.stages import load_classifier, make_encoder, read_recommendations
recs = read_recommendations(Path({str(out / 'recommendations.parquet')!r})).reset_index(drop=True)
chosen = list(dict.fromkeys(recs["rec_id"]))[:{n}]
recs = recs[recs["rec_id"].isin(set(chosen))].reset_index(drop=True)
params = load_params(Path({str(ROOT / 'params.yaml')!r}))
encoder = make_encoder(Path({str(ENCODER)!r}), params)
store = Path({str(store)!r})
vectors = recommendation_vectors(recs, store_root=store, encoder_version=encoder.version)
classifier = load_classifier(store=store, encoder=encoder, params=params, model_root=Path({str(ROOT / 'models' / 'classifier')!r}))
seconds = []
for _ in range({repeats}):
    start = time.perf_counter()
    rows = classifier(recs, vectors)
    seconds.append(time.perf_counter() - start)
print("RESULT", json.dumps({{"recommendations": len(chosen), "documents": len(recs), "rows": len(rows),
                            "seconds": seconds, "median_s": statistics.median(seconds)}}))
"""
    return python_result(code, "classify timing")


def _embed_line(log: Path) -> str:
    return next((line.strip() for line in log.read_text().splitlines() if line.startswith("embed:")), "")


def in_subprocess(key: str, catalogue: Path, n: int, repeats: int) -> dict:
    code = (f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(ROOT / 'bench')!r});"
            f"import speed; t = speed.subset_texts(speed.Path({str(catalogue)!r}), {n});"
            + (f"r = speed.measure_dask(t, {repeats})" if key == "dask" else f"r = speed.measure_config({key!r}, t, {repeats})")
            + "; print('RESULT', json.dumps(r))")
    return python_result(code, key)


def python_result(code: str, what: str) -> dict:
    """Run ``code`` in a fresh Python process and return the JSON it prints after ``RESULT``."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "HF_HUB_OFFLINE": "1"})
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        raise RuntimeError(f"{what} failed:\n{result.stderr[-3000:]}")
    return json.loads(lines[-1][7:])


def machine() -> dict:
    """What the figures were measured on: the CPU's model name, its cores and its int8 dot product."""
    from pipeline.encoder.cpu import CPUINFO, has_int8_dot_product

    names = [line.partition(":")[2].strip() for line in
             (CPUINFO.read_text().splitlines() if CPUINFO.exists() else []) if line.startswith("model name")]
    return {"cpus": len(os.sched_getaffinity(0)), "cpu": names[0] if names else platform.processor(),
            "int8_dot_product": has_int8_dot_product()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--catalogue", type=Path, default=CATALOGUE)
    parser.add_argument("--editions", type=Path, default=EDITIONS)
    parser.add_argument("--subset", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-full", action="store_true", help="throughput and ceiling only")
    parser.add_argument("--configs", default=",".join([*CONFIGS, "dask"]),
                        help="throughput rows to (re)measure; the others are kept from --out")
    parser.add_argument("--engines", default="local,dask", help="engines to run end to end")
    parser.add_argument("--no-editions", action="store_true", help="skip the 16,172-edition run")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "speed.json",
                        help="results file (one per kind of CPU; rows not re-measured are kept from it)")
    args = parser.parse_args()
    saved = args.out
    results: dict = json.loads(saved.read_text()) if saved.exists() else {}
    results.update({"machine": machine(), "subset": args.subset, "repeats": args.repeats})
    results.setdefault("throughput", {})
    for key in args.configs.split(","):
        r = in_subprocess(key, args.catalogue, args.subset, args.repeats)
        r["median"] = statistics.median(r["docs_per_s"])
        results["throughput"][key] = r
        print(f"{key:12s} {r['median']:6.1f} docs/s  (runs {', '.join(f'{x:.1f}' for x in r['docs_per_s'])}; "
              f"load {max(r['load']):.1f})", flush=True)
    results["ceiling"] = ceiling(subset_texts(args.catalogue, args.subset), gemm_rates())
    if not args.skip_full:
        with tempfile.TemporaryDirectory(prefix="wsis-speed-") as tmp:
            work = Path(tmp)
            for engine in args.engines.split(","):
                results[engine] = end_to_end(engine, args.catalogue, work, args.repeats)
                print(f"{engine}: {json.dumps(results[engine])}", flush=True)
            if not args.no_editions:
                editions = [str(WSIS), "run", str(args.editions), "--out", str(work / "editions"), "--engine", "local"]
                results["editions_cold"] = timed_run(editions, work / "editions.log")
                results["editions_embed"] = _embed_line(work / "editions.log")
                results["classify_5000"] = classify_timing(work / "editions", work / "editions" / "embeddings",
                                                           5000, args.repeats)
                print(f"classify: {json.dumps(results['classify_5000'])}", flush=True)
    saved.parent.mkdir(exist_ok=True)
    saved.write_text(json.dumps(results, indent=1))
    print(table(results))


def _engine_cells(e: dict) -> str:
    return (f" {e['cold_median_s']:.0f} s | {e['warm_median_s']:.1f} s | {e['changed_median_s']:.1f} s "
            f"({100 * e['changed_median_s'] / e['cold_median_s']:.1f}% of cold) | {e['cold_peak_rss_gib']:.2f} GiB |")


def table(r: dict) -> str:
    t, c = r["throughput"], r["ceiling"]
    lines = ["| configuration | docs/s (median) | full catalogue cold | warm rerun | 1% changed | peak RSS |",
             "|---|---|---|---|---|---|"]
    local, dask = r.get("local"), r.get("dask")
    for key, (label, *_rest) in CONFIGS.items():
        row = f"| {label} | {t[key]['median']:.1f} |"
        if key == "ov-int8" and local:
            row += _engine_cells(local)
        elif key == "naive" and local:
            embedded = int(local["cold_embed_line"].split()[1]) if local["cold_embed_line"] else 0
            extrapolated = local["cold_median_s"] + embedded / t["naive"]["median"] - embedded / t["ov-int8"]["median"]
            row += f" ~{extrapolated:.0f} s (extrapolated) | | | |"
        else:
            row += " | | | |"
        lines.append(row)
    row = f"| Dask LocalCluster, 2 workers × 1 thread, int8 | {t['dask']['median']:.1f} |"
    if dask:
        row += _engine_cells(dask)
    else:
        row += " | | | |"
    lines.append(row)
    lines.append(f"| FLOP ceiling (measured GEMM: fp32 {c['gemm_gflops']['fp32']:.0f}, int8 "
                 f"{c['gemm_gflops']['int8']:.0f} GOP/s; {c['mean_tokens']:.0f} tokens, {c['gflop_per_doc']:.1f} GFLOP/doc)"
                 f" | fp32 {c['fp32_docs_per_s']:.0f}; int8 recipe {c['int8_recipe_docs_per_s']:.0f} | | | | |")
    if "editions_cold" in r:
        e = r["editions_cold"]
        lines.append(f"| all 16,172 editions, local engine, cold ({r['editions_embed']}) | | "
                     f"{e['wall_s']:.0f} s | | | {e['peak_rss_gib']:.2f} GiB |")
    if "classify_5000" in r:
        c5 = r["classify_5000"]
        lines.append(f"| classify only (after embedding), {c5['recommendations']:,} Recommendations "
                     f"({c5['documents']:,} documents) | {c5['documents'] / c5['median_s']:.0f} | "
                     f"{c5['median_s']:.1f} s | | | |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
