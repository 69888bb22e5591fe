"""Train: fit the classifier on labelled Recommendations and describe it (metrics, data hash)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.classify import EvidenceFinder, build_inputs, find_evidence
from pipeline.labels import GoldLabel, label_matrices
from pipeline.model.classifier import ClassifierConfig, WsisClassifier
from pipeline.model.spaces import TAXONOMIES, LabelSpaces


@dataclass(frozen=True)
class TrainingResult:
    model: WsisClassifier
    documents: int
    recommendations: int
    data_sha256: str
    cv_metrics: dict
    cv_per_label: pd.DataFrame
    pr_curve: pd.DataFrame      # taxonomy, threshold, precision, recall (micro, out-of-fold)
    confusion: pd.DataFrame     # gold primary line vs out-of-fold top line, one row per document


def training_data_hash(recommendations: pd.DataFrame, gold: dict[str, GoldLabel]) -> str:
    """Identifies exactly what was learned from: the texts and their labels, order-independent."""
    digest = hashlib.sha256()
    for row in recommendations.sort_values(["rec_id", "lang"]).itertuples(index=False):
        label = gold[row.rec_id]
        digest.update(json.dumps([row.rec_id, row.lang, row.text_sha256, label.action_lines,
                                  label.sdg_targets]).encode())
    return digest.hexdigest()


def micro_f1(pred: np.ndarray, truth: np.ndarray) -> float:
    tp = int((pred & truth).sum())
    return 2 * tp / max(int(pred.sum() + truth.sum()), 1)


def per_label_metrics(decided: dict[str, np.ndarray], labels: dict[str, np.ndarray],
                      codes: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    rows = []
    for name in TAXONOMIES:
        pred, truth = decided[name], labels[name].astype(bool)
        for j, code in enumerate(codes[name]):
            tp = int((pred[:, j] & truth[:, j]).sum())
            fp, fn = int((pred[:, j] & ~truth[:, j]).sum()), int((~pred[:, j] & truth[:, j]).sum())
            rows.append({"taxonomy": name, "label": code, "support": tp + fn,
                         "precision": tp / (tp + fp) if tp + fp else 0.0,
                         "recall": tp / (tp + fn) if tp + fn else 0.0,
                         "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0})
    return pd.DataFrame(rows)


def train_classifier(recommendations: pd.DataFrame, vectors: np.ndarray, gold: dict[str, GoldLabel], *,
                     spaces: LabelSpaces, evidence: EvidenceFinder,
                     config: ClassifierConfig | None = None) -> TrainingResult:
    """Fit on the rows of ``recommendations`` that have a gold label (both languages of each)."""
    keep = recommendations["rec_id"].isin(gold).to_numpy()
    if keep.sum() == 0:
        raise ValueError("none of the labelled Recommendations is in the training texts")
    recs = recommendations[keep].reset_index(drop=True)
    inputs = build_inputs(recs, vectors[keep], find_evidence(recs, evidence), spaces.codes)
    labels = label_matrices(recs["rec_id"].tolist(), gold, spaces.codes)
    model = WsisClassifier(spaces, config).fit(inputs, labels)
    decided = model.decide(model.cv_probabilities_)
    cv = {name: round(micro_f1(decided[name], labels[name].astype(bool)), 4) for name in TAXONOMIES}
    return TrainingResult(model, len(recs), recs["rec_id"].nunique(), training_data_hash(recs, gold),
                          {"cv_micro_f1": cv}, per_label_metrics(decided, labels, spaces.codes),
                          pr_curve(model.cv_probabilities_, labels),
                          primary_confusion(recs, gold, model.cv_probabilities_["action_line"], spaces))


def pr_curve(proba: dict[str, np.ndarray], labels: dict[str, np.ndarray]) -> pd.DataFrame:
    rows = []
    for name in TAXONOMIES:
        truth = labels[name].astype(bool)
        for threshold in np.round(np.arange(0.05, 0.96, 0.05), 2):
            pred = proba[name] >= threshold
            tp = int((pred & truth).sum())
            rows.append({"taxonomy": name, "threshold": float(threshold),
                         "precision": round(tp / max(int(pred.sum()), 1), 4),
                         "recall": round(tp / max(int(truth.sum()), 1), 4)})
    return pd.DataFrame(rows)


def primary_confusion(recs: pd.DataFrame, gold: dict[str, GoldLabel], proba: np.ndarray,
                      spaces: LabelSpaces) -> pd.DataFrame:
    codes = spaces.codes["action_line"]
    return pd.DataFrame({"rec_id": recs["rec_id"], "lang": recs["lang"],
                         "actual": [gold[r].action_lines[0] for r in recs["rec_id"]],
                         "predicted": [codes[j] for j in proba.argmax(axis=1)]})
