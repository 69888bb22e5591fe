"""Train: fit the classifier on labelled Recommendations and describe it (metrics, data hash)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from pipeline.classify import EvidenceFinder, SentenceVectors, build_inputs, find_evidence
from pipeline.embed import TextEncoder, embed_recommendations, recommendation_vectors
from pipeline.ingest import text_sha256
from pipeline.labels import GoldLabel, label_matrices, labelled
from pipeline.model.classifier import ClassifierConfig, WsisClassifier
from pipeline.model.spaces import TAXONOMIES, LabelSpaces
from pipeline.taxonomy import LANGS, Taxonomy


class Exemplars(NamedTuple):
    """The taxonomy's goal exemplars as training documents: one row per exemplar and language, shaped
    like ingested Recommendations, their vectors, and their labels (SDG targets, no action line)."""

    documents: pd.DataFrame
    vectors: np.ndarray
    gold: dict[str, GoldLabel]


def embed_exemplars(taxonomy: Taxonomy, *, store_root: Path, encoder: TextEncoder) -> Exemplars:
    frame = pd.DataFrame([{"rec_id": e.rec_id, "lang": lang, "title": "", "summary": e.text[lang],
                           "text_sha256": text_sha256("", e.text[lang])}
                          for e in taxonomy.exemplars for lang in LANGS],
                         columns=["rec_id", "lang", "title", "summary", "text_sha256"])
    embed_recommendations(frame, store_root=store_root, encoder=encoder)
    vectors = recommendation_vectors(frame, store_root=store_root, encoder_version=encoder.version)
    return Exemplars(frame, vectors, {e.rec_id: GoldLabel(e.rec_id, (), e.targets) for e in taxonomy.exemplars})


@dataclass(frozen=True)
class TrainingResult:
    model: WsisClassifier
    documents: int              # Recommendation texts learned from (goal exemplars not counted)
    recommendations: int
    data_sha256: str
    cv_metrics: dict
    cv_per_label: pd.DataFrame
    pr_curve: pd.DataFrame      # taxonomy, threshold, precision, recall (micro, out-of-fold)
    confusion: pd.DataFrame     # gold primary line vs out-of-fold top line, one row per document
    exemplar_texts: int = 0     # goal exemplar texts the SDG heads also learned from


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
                     spaces: LabelSpaces, evidence: EvidenceFinder, config: ClassifierConfig | None = None,
                     sentence_vectors: SentenceVectors | None,
                     exemplars: Exemplars | None = None) -> TrainingResult:
    """Fit on the rows of ``recommendations`` that have a gold label (both languages of each), and on
    the goal ``exemplars`` if given. Cross-validated figures are the Recommendations' alone.
    ``sentence_vectors`` must be what classifying will have (``stages.sentence_vectors``); None takes
    each document for its one sentence, for models that will be given no sentences either."""
    keep = recommendations["rec_id"].isin(gold).to_numpy()
    if keep.sum() == 0:
        raise ValueError("none of the labelled Recommendations is in the training texts")
    recs, vectors = recommendations[keep].reset_index(drop=True), vectors[keep]
    if exemplars is not None:
        recs = pd.concat([recs, exemplars.documents], ignore_index=True)
        vectors, gold = np.vstack([vectors, exemplars.vectors]), {**gold, **exemplars.gold}
    inputs = build_inputs(recs, vectors, find_evidence(recs, evidence), spaces, sentence_vectors)
    labels = label_matrices(recs["rec_id"].tolist(), gold, spaces.codes)
    model = WsisClassifier(spaces, config).fit(inputs, labels)
    rows = labelled(labels["action_line"])  # the Recommendations
    proba = {name: p[rows] for name, p in model.cv_probabilities_.items()}
    labels = {name: m[rows] for name, m in labels.items()}
    decided = model.decide(proba)
    cv = {name: round(micro_f1(decided[name], labels[name].astype(bool)), 4) for name in TAXONOMIES}
    return TrainingResult(model, int(rows.sum()), recs["rec_id"][rows].nunique(), training_data_hash(recs, gold),
                          {"cv_micro_f1": cv}, per_label_metrics(decided, labels, spaces.codes),
                          pr_curve(proba, labels),
                          primary_confusion(recs[rows].reset_index(drop=True), gold, proba["action_line"], spaces),
                          int((~rows).sum()))


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
