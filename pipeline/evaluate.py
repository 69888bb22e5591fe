"""Evaluate: compare predictions with gold labels — F1 overall, per label, for the priority lines,
French-vs-English agreement, a confusion table of primary action lines, and how well the scores are
calibrated (``calibration``)."""
from __future__ import annotations

from dataclasses import dataclass

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


def score_sets(predicted: dict[str, set[str]], gold: dict[str, set[str]]) -> tuple[dict, pd.DataFrame]:
    """Micro/macro F1 over the Recommendations in both, and per-label figures."""
    ids = sorted(set(predicted) & set(gold))
    labels = sorted({l for i in ids for l in predicted[i] | gold[i]})
    rows, totals = [], [0, 0, 0]
    for label in labels:
        tp = sum(label in predicted[i] and label in gold[i] for i in ids)
        fp = sum(label in predicted[i] and label not in gold[i] for i in ids)
        fn = sum(label not in predicted[i] and label in gold[i] for i in ids)
        totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
        p, r, f = _prf(tp, fp, fn)
        rows.append({"label": label, "support": tp + fn, "precision": round(p, 4), "recall": round(r, 4),
                     "f1": round(f, 4)})
    per_label = pd.DataFrame(rows, columns=["label", "support", "precision", "recall", "f1"])
    supported = per_label[per_label["support"] > 0]
    p, r, f = _prf(*totals)
    summary = {"n": len(ids), "micro_precision": round(p, 4), "micro_recall": round(r, 4),
               "micro_f1": round(f, 4),
               "macro_f1": round(float(supported["f1"].mean()), 4) if len(supported) else 0.0}
    return summary, per_label


def evaluate(predictions: pd.DataFrame, gold: dict[str, GoldLabel], *, lang: str = "all") -> Evaluation:
    metrics: dict = {"lang": lang}
    tables = []
    for taxonomy, field in GOLD_FIELD.items():
        truth = {rec_id: set(getattr(label, field)) for rec_id, label in gold.items()}
        summary, per_label = score_sets(_assigned_sets(predictions, lang, taxonomy), truth)
        metrics[taxonomy] = summary
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
