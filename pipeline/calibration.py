"""Calibration: does a score of 0.7 come true seven times in ten?

The predictions' ``score`` is documented as a calibrated probability (DESIGN.md), and the report and the
review queue read it as one. This measures it against gold labels, per taxonomy, over the scored
(Recommendation, label) pairs of the gold Recommendations:

- Brier score: the mean squared difference between score and outcome (0 is perfect; always saying the
  base rate scores ``rate * (1 - rate)``);
- expected calibration error (ECE): the pairs binned by score in tenths, the gap between each bin's mean
  score and the share of its pairs that are true, weighted by the bin's size;
- expected against observed labels: the sum of the scores against the number of true pairs, which says
  whether the scores over- or under-promise in total;
- a reliability table, one row per bin, to plot or read.

SDG targets are scored for the best targets of each document only (``classify``), so a gold target
outside them has no pair: calibration is measured on what was scored, and the missed targets show up
in recall instead.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.labels import GOLD_FIELD, GoldLabel

BINS = np.linspace(0.0, 1.0, 11)


def scored_pairs(predictions: pd.DataFrame, gold: dict[str, GoldLabel], lang: str, taxonomy: str) -> pd.DataFrame:
    """The scored pairs of the gold Recommendations, with ``truth`` 1 where gold carries the label."""
    rows = predictions[(predictions["lang"] == lang) & (predictions["taxonomy"] == taxonomy)
                       & predictions["rec_id"].isin(gold)]
    field = GOLD_FIELD[taxonomy]
    truth = [label in getattr(gold[rec_id], field) for rec_id, label in zip(rows["rec_id"], rows["label"])]
    return pd.DataFrame({"score": rows["score"].to_numpy(dtype=float), "truth": np.array(truth, dtype=float)})


def reliability(scores: np.ndarray, truth: np.ndarray) -> pd.DataFrame:
    """One row per tenth of the score range that holds pairs: its size, mean score and true share."""
    bins = np.digitize(scores, BINS[1:-1])  # 0 for scores under 0.1, ..., 9 for 0.9 and above
    frame = pd.DataFrame({"bin": bins, "score": scores, "truth": truth})
    table = frame.groupby("bin").agg(pairs=("score", "size"), mean_score=("score", "mean"),
                                     observed=("truth", "mean")).reset_index()
    table.insert(1, "range", [f"{BINS[b]:.1f}-{BINS[b + 1]:.1f}" for b in table["bin"]])
    return table.drop(columns="bin")


def calibration(predictions: pd.DataFrame, gold: dict[str, GoldLabel], *,
                lang: str = "all") -> tuple[dict, pd.DataFrame]:
    """Per taxonomy: Brier score, ECE, expected and observed true pairs; and the reliability tables."""
    summary, tables = {}, []
    for taxonomy in GOLD_FIELD:
        pairs = scored_pairs(predictions, gold, lang, taxonomy)
        if pairs.empty:
            continue
        table = reliability(pairs["score"].to_numpy(), pairs["truth"].to_numpy())
        ece = float((table["pairs"] * (table["mean_score"] - table["observed"]).abs()).sum() / len(pairs))
        brier = float(((pairs["score"] - pairs["truth"]) ** 2).mean())
        summary[taxonomy] = {"pairs": len(pairs), "brier": round(brier, 4), "ece": round(ece, 4),
                             "expected_true": round(float(pairs["score"].sum()), 1),
                             "observed_true": int(pairs["truth"].sum())}
        tables.append(table.assign(taxonomy=taxonomy))
    columns = ["taxonomy", "range", "pairs", "mean_score", "observed"]
    return summary, (pd.concat(tables, ignore_index=True)[columns] if tables else pd.DataFrame(columns=columns))
