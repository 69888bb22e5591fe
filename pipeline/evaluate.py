"""Evaluate: compare predictions with gold labels — F1 overall, per label, for the priority lines,
French-vs-English agreement, a confusion table of primary action lines, and how well the scores are
calibrated (``calibration``).

Each micro-F1 and each priority line's F1 comes with a 95% bootstrap interval over the gold
Recommendations (``f1_intervals``). A gold set with six C5 Recommendations cannot tell 0.77 from 0.85,
and a chair reading "C5 F1 0.77" should see that."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.calibration import calibration
from pipeline.labels import GOLD_FIELD, GoldLabel
from pipeline.taxonomy import PRIORITY_LINES


@dataclass(frozen=True)
class Evaluation:
    metrics: dict                 # the DVC metrics document
    per_label: pd.DataFrame       # taxonomy, label, support, precision, recall, f1
    confusion: pd.DataFrame       # gold primary line × predicted top line
    disagreements: pd.DataFrame   # Recommendations whose French and English decisions differ
    reliability: pd.DataFrame     # taxonomy, score range, pairs, mean score, observed share true


def _assigned_sets(predictions: pd.DataFrame, lang: str, taxonomy: str) -> dict[str, set[str]]:
    rows = predictions[(predictions["lang"] == lang) & (predictions["taxonomy"] == taxonomy)]
    sets = {rec_id: set() for rec_id in rows["rec_id"].unique()}
    for rec_id, label in rows.loc[rows["assigned"], ["rec_id", "label"]].itertuples(index=False):
        sets[rec_id].add(label)
    return sets


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return precision, recall, f1


def _outcomes(predicted: dict[str, set[str]], gold: dict[str, set[str]]) -> tuple[list[str], list[str], np.ndarray]:
    """The Recommendations in both, the labels either gives them, and an (ids, labels, 3) array of
    true positives, false positives and false negatives: what every F1 here is counted from."""
    ids = sorted(set(predicted) & set(gold))
    labels = sorted({l for i in ids for l in predicted[i] | gold[i]})
    counts = np.array([[[l in predicted[i] and l in gold[i], l in predicted[i] and l not in gold[i],
                         l not in predicted[i] and l in gold[i]] for l in labels] for i in ids], dtype=int)
    return ids, labels, counts.reshape(len(ids), len(labels), 3)


def score_sets(predicted: dict[str, set[str]], gold: dict[str, set[str]]) -> tuple[dict, pd.DataFrame]:
    """Micro/macro F1 over the Recommendations in both, and per-label figures."""
    ids, labels, counts = _outcomes(predicted, gold)
    by_label = counts.sum(axis=0)
    rows = []
    for label, (tp, fp, fn) in zip(labels, by_label.tolist()):
        p, r, f = _prf(tp, fp, fn)
        rows.append({"label": label, "support": tp + fn, "precision": round(p, 4), "recall": round(r, 4),
                     "f1": round(f, 4)})
    per_label = pd.DataFrame(rows, columns=["label", "support", "precision", "recall", "f1"])
    supported = per_label[per_label["support"] > 0]
    p, r, f = _prf(*by_label.sum(axis=0).tolist())
    summary = {"n": len(ids), "micro_precision": round(p, 4), "micro_recall": round(r, 4),
               "micro_f1": round(f, 4),
               "macro_f1": round(float(supported["f1"].mean()), 4) if len(supported) else 0.0}
    return summary, per_label


def f1_intervals(predicted: dict[str, set[str]], gold: dict[str, set[str]], labels: list[str], *,
                 draws: int = 2000, level: float = 0.95, seed: int = 0) -> dict[str, list[float] | None]:
    """Percentile bootstrap intervals of F1, resampling the Recommendations in both with replacement:
    one per label in ``labels``, and ``"micro"`` over every label. None where no draw has the label at
    all (no gold and no prediction). Seeded, so the same inputs give the same intervals."""
    ids, every, counts = _outcomes(predicted, gold)
    if not ids:
        return {label: None for label in [*labels, "micro"]}
    weights = np.random.default_rng(seed).multinomial(len(ids), np.full(len(ids), 1 / len(ids)), size=draws)
    resampled = np.einsum("bn,nlk->blk", weights, counts)  # (draws, labels, tp/fp/fn)
    tail = 100 * (1 - level) / 2

    def interval(tp, fp, fn) -> list[float] | None:
        scored = 2 * tp + fp + fn > 0
        if not scored.any():
            return None
        f1 = 2 * tp[scored] / (2 * tp[scored] + fp[scored] + fn[scored])
        return [round(float(np.percentile(f1, tail)), 4), round(float(np.percentile(f1, 100 - tail)), 4)]

    out = {label: interval(*resampled[:, every.index(label)].T) if label in every else None for label in labels}
    out["micro"] = interval(*resampled.sum(axis=1).T)
    return out


def evaluate(predictions: pd.DataFrame, gold: dict[str, GoldLabel], *, lang: str = "all") -> Evaluation:
    metrics: dict = {"lang": lang}
    tables = []
    for taxonomy, field in GOLD_FIELD.items():
        truth = {rec_id: set(getattr(label, field)) for rec_id, label in gold.items()}
        predicted = _assigned_sets(predictions, lang, taxonomy)
        summary, per_label = score_sets(predicted, truth)
        priority = list(PRIORITY_LINES) if taxonomy == "action_line" else []
        intervals = f1_intervals(predicted, truth, priority)
        metrics[taxonomy] = {**summary, "micro_f1_interval": intervals["micro"]}
        if priority:
            metrics["priority_lines_f1_interval"] = {l: intervals[l] for l in priority}
        tables.append(per_label.assign(taxonomy=taxonomy))
    per_label = pd.concat(tables, ignore_index=True)[["taxonomy", "label", "support", "precision", "recall", "f1"]]
    lines = per_label[per_label["taxonomy"] == "action_line"].set_index("label")
    metrics["priority_lines_f1"] = {l: float(lines["f1"].get(l, 0.0)) for l in PRIORITY_LINES}
    agreement, disagreements = language_agreement(predictions)
    metrics["fr_en_agreement"] = agreement
    metrics["calibration"], reliability = calibration(predictions, gold, lang=lang)
    return Evaluation(metrics, per_label, confusion_table(predictions, gold, lang), disagreements, reliability)


def language_agreement(predictions: pd.DataFrame) -> tuple[dict, pd.DataFrame]:
    """How often the French and English versions of one Recommendation get the same labels."""
    out, rows = {}, []
    for taxonomy in ("action_line", "sdg_goal"):
        en = _assigned_sets(predictions, "en", taxonomy)
        fr = _assigned_sets(predictions, "fr", taxonomy)
        both = sorted(set(en) & set(fr))
        same = [i for i in both if en[i] == fr[i]]
        jaccard = [len(en[i] & fr[i]) / len(en[i] | fr[i]) if en[i] | fr[i] else 1.0 for i in both]
        out[taxonomy] = {"pairs": len(both), "exact": round(len(same) / len(both), 4) if both else None,
                         "jaccard": round(sum(jaccard) / len(both), 4) if both else None}
        rows += [{"rec_id": i, "taxonomy": taxonomy, "en": " ".join(sorted(en[i])),
                  "fr": " ".join(sorted(fr[i]))} for i in both if en[i] != fr[i]]
    return out, pd.DataFrame(rows, columns=["rec_id", "taxonomy", "en", "fr"])


def confusion_table(predictions: pd.DataFrame, gold: dict[str, GoldLabel], lang: str) -> pd.DataFrame:
    """Gold primary action line (rows) × predicted top-ranked line (columns)."""
    top = predictions[(predictions["lang"] == lang) & (predictions["taxonomy"] == "action_line")
                      & (predictions["rank"] == 1)].set_index("rec_id")["label"]
    pairs = [(gold[i].action_lines[0], top[i]) for i in top.index if i in gold]
    frame = pd.DataFrame(pairs, columns=["gold", "predicted"])
    return pd.crosstab(frame["gold"], frame["predicted"]) if len(frame) else pd.DataFrame()


def worst_errors(predictions: pd.DataFrame, gold: dict[str, GoldLabel], recommendations: pd.DataFrame,
                 *, n: int = 10, lang: str = "all") -> pd.DataFrame:
    """The Recommendations whose predicted action lines are furthest from gold, with their evidence.

    Distance is the number of missed plus spurious lines; ties go to the more confident mistake.
    """
    lines = predictions[(predictions["lang"] == lang) & (predictions["taxonomy"] == "action_line")]
    titles = recommendations.sort_values("lang").groupby("rec_id")["title"].first()
    rows = []
    for rec_id, group in lines.groupby("rec_id"):
        if rec_id not in gold:
            continue
        chosen = group[group["assigned"]].sort_values("rank")
        predicted, truth = set(chosen["label"]), set(gold[rec_id].action_lines)
        if predicted == truth:
            continue
        rows.append({"rec_id": rec_id, "title": titles.get(rec_id, ""), "gold": " ".join(gold[rec_id].action_lines),
                     "predicted": " ".join(chosen["label"]), "errors": len(predicted ^ truth),
                     "top_score": float(group["score"].max()),
                     "evidence": " / ".join(e for e in chosen["evidence"] if e)})
    frame = pd.DataFrame(rows, columns=["rec_id", "title", "gold", "predicted", "errors", "top_score", "evidence"])
    return frame.sort_values(["errors", "top_score"], ascending=False).head(n).reset_index(drop=True)
