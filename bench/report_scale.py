"""Time `wsis report` at catalogue scale, without waiting for the classifier to run over the catalogue.

It ingests the real in-force catalogue (../shared/data/itu-t-relaton/itu_t_inforce_recommendations.csv),
then writes a predictions table of the real shape and size: every Recommendation gets the rows
``wsis classify`` would give it (11 action lines, 17 goals, the 10 best targets, for its language and
for the fused ``lang="all"``), scored from the taxonomy lexicons found in its own summary, so study
groups lean the way they really do, with evidence sentences taken from the summary. Then it runs
`wsis report` as a user would, in a fresh process, three times, and prints the median wall and CPU time
(also written to bench/results/report.json).

    .venv/bin/python bench/report_scale.py [CATALOGUE] [--out DIR] [--runs N]

The predictions are synthetic: the figure measures the report stage, not classification quality.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT.parent / "shared" / "data" / "itu-t-relaton" / "itu_t_inforce_recommendations.csv"
SENTENCE = re.compile(r"(?<=[.!?])\s+")


def synthetic_predictions(recs: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    from pipeline.schemas import PREDICTIONS
    from pipeline.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    rng = np.random.default_rng(seed)
    rows = []
    kept = {"action_line": 11, "sdg_goal": 17, "sdg_target": 10}
    most = {"action_line": 3, "sdg_goal": 2, "sdg_target": 3}
    for rec in recs.itertuples(index=False):
        text = f"{rec.title}. {rec.summary}"
        low = text.lower()
        sentences = SENTENCE.split(text)
        for name in ("action_line", "sdg_goal", "sdg_target"):
            labels = taxonomy.labels(name)
            hits = [[t for t in label.terms[rec.lang] if t in low] for label in labels]
            raw = np.array([len(h) for h in hits], dtype=float) + rng.gamma(0.6, 0.4, len(labels))
            score = 1 - np.exp(-raw / 3)
            order = np.argsort(-score, kind="stable")[:kept[name]]
            for rank, j in enumerate(order, start=1):
                chosen = rank <= most[name] and (rank == 1 and name == "action_line" or score[j] > 0.3)
                evidence = ""
                if chosen:
                    terms = hits[j][:4]
                    quoted = [s for s in sentences if any(t in s.lower() for t in terms)][:2] or sentences[:1]
                    evidence = (f"terms: {', '.join(terms)} | " if terms else "closest sentence: ") + \
                        " ".join(f"«{s}»" for s in quoted)
                for lang in (rec.lang, "all"):
                    rows.append((rec.rec_id, lang, name, labels[j].code, round(float(score[j]), 6), chosen,
                                 rank, evidence, "synthetic-bench"))
    return PREDICTIONS.validate(pd.DataFrame.from_records(rows, columns=PREDICTIONS.names))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("catalogue", nargs="?", type=Path, default=CATALOGUE)
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "processed" / "bench-report")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    wsis = [str(Path(sys.executable).with_name("wsis"))]
    out = args.out
    recs_path, preds_path = out / "recommendations.parquet", out / "predictions.csv"
    if not recs_path.exists():
        subprocess.run([*wsis, "ingest", str(args.catalogue), "--out", str(recs_path)], check=True)
    if not preds_path.exists():
        from pipeline import atomic

        recs = pd.read_parquet(recs_path)
        predictions = synthetic_predictions(recs)
        atomic.write_csv(preds_path, predictions)
        atomic.write_parquet(preds_path.with_suffix(".parquet"), predictions)
    n_recs = pd.read_parquet(recs_path, columns=["rec_id"])["rec_id"].nunique()
    n_rows = sum(1 for _ in preds_path.open()) - 1
    command = [*wsis, "report", str(recs_path), str(preds_path), "--coverage", str(out / "coverage"),
               "--report", str(out / "report.html")]
    runs = []
    for _ in range(args.runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        runs.append({"wall_s": round(wall, 2),
                     "cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2)})
    shown = ["wsis", *(os.path.relpath(a, ROOT) if a.startswith("/") else a for a in command[1:])]
    result = {"command": " ".join(shown), "recommendations": n_recs, "prediction_rows": n_rows,
              "report_html_mb": round((out / "report.html").stat().st_size / 1e6, 1),
              "wall_s_median": statistics.median(r["wall_s"] for r in runs),
              "cpu_s_median": statistics.median(r["cpu_s"] for r in runs), "runs": runs}
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "report.json").write_text(json.dumps(result, indent=1) + "\n")
    print(f"wsis report: {result['wall_s_median']} s wall, {result['cpu_s_median']} s CPU (median of {args.runs}) "
          f"for {n_recs} Recommendations, {n_rows} prediction rows; report.html {result['report_html_mb']} MB")


if __name__ == "__main__":
    main()
