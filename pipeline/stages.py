"""Each stage as a file-to-file step: read its inputs, call the stage's core function, write its
outputs atomically. ``wsis <stage>``, ``wsis run`` and ``dvc.yaml`` all go through these."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from pipeline import atomic
from pipeline.classify import EvidenceFinder, Scorer, SentenceVectors, classify, document_text
from pipeline.coverage import compute_coverage
from pipeline.embed import (ChunkEncoder, EmbedStats, embed_recommendations, embed_texts, recommendation_vectors,
                            sentence_store, text_key)
from pipeline.encoder.model import Encoder
from pipeline.engines.partition import RECOMMENDATIONS_PER_PART, in_table_order, partition_by_recommendation
from pipeline.engines.prediction_cache import (PredictionCache, classify_context, classify_incrementally,
                                               deciding_sources_sha256)
from pipeline.evaluate import Evaluation, evaluate
from pipeline.ingest import IngestResult, Progress, ingest
from pipeline.labels import read_gold
from pipeline.model.card import render_model_card
from pipeline.model.features import FEATURE_NAMES
from pipeline.model.registry import current_version, load_model, save_model, set_current
from pipeline.model.spaces import LabelSpaces, build_label_spaces
from pipeline.model.zero_shot import ZeroShotScorer
from pipeline.params import Params
from pipeline.report import render_report, render_summary, write_workbook
from pipeline.schemas import PREDICTIONS, RECOMMENDATIONS
from pipeline.taxonomy import load_taxonomy
from pipeline.text import sentences
from pipeline.train import TrainingResult, embed_exemplars, train_classifier


def make_encoder(encoder_path: Path, params: Params) -> Encoder:
    p = params.embed
    return Encoder(Path(encoder_path), precision=p.precision, batch_size=p.batch_size, max_tokens=p.max_tokens,
                   runtime=p.runtime, batch_tokens=p.batch_tokens, threads=p.threads or None)


def read_recommendations(path: Path) -> pd.DataFrame:
    return RECOMMENDATIONS.validate(pd.read_parquet(path))


def read_predictions(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype={"label": str, "rec_id": str}, keep_default_na=False)
    return PREDICTIONS.validate(frame)


def ingest_stage(inputs: Iterable[str | Path], out: Path, *, strict: bool = False,
                 progress: Progress | None = None) -> IngestResult:
    result = ingest(inputs, strict=strict, progress=progress)
    atomic.write_parquet(out, result.recommendations)
    atomic.write_csv(out.with_name("rejects.csv"), result.rejects)
    return result


def embed_stage(recommendations: Path, *, store: Path, encoder: Encoder, params: Params,
                encode_chunks: ChunkEncoder | None = None) -> EmbedStats:
    return embed_recommendations(read_recommendations(recommendations), store_root=store,
                                 encoder=encoder, chunk_size=params.embed.chunk_size, encode_chunks=encode_chunks)


def embed_sentences(recs: pd.DataFrame, *, store: Path, encoder: Encoder, params: Params,
                    encode_chunks: ChunkEncoder | None = None) -> EmbedStats:
    """Embed every sentence ``classify`` reads: for the closest-sentence features, and to quote the
    closest one to a label.

    Embedding them all before classifying, in the chunks ``embed_texts`` chooses, batches them well (one
    document's few sentences at a time kept the CPU half idle) and, as for summaries, makes their
    vectors the same whichever engine or worker classifies the document."""
    texts = {text_key(s): s for title, summary, lang in recs[["title", "summary", "lang"]].itertuples(index=False)
             for s in sentences(document_text(title, summary), lang)}
    return embed_texts(sentence_store(store, encoder.version), encoder, texts, chunk_size=params.embed.chunk_size,
                       encode_chunks=encode_chunks)


def sentence_vectors(encoder: Encoder, store_root: Path) -> SentenceVectors:
    """Sentences' vectors from the sentence store, embedding (and keeping) any it lacks."""
    store = sentence_store(store_root, encoder.version)

    def vectors(sents: list[str]) -> np.ndarray:
        embed_texts(store, encoder, {text_key(s): s for s in sents})
        return store.get([text_key(s) for s in sents])

    return vectors


def load_scorer(model_root: Path | None, spaces: LabelSpaces, params: Params,
                encoder_version: str) -> tuple[Scorer, str]:
    """The installed trained model if there is one, else the zero-shot baseline."""
    version = current_version(model_root) if model_root else None
    if version is None:
        return ZeroShotScorer(spaces, params.classify), f"zero-shot+{encoder_version}"
    model, metadata = load_model(Path(model_root) / version)
    if metadata.get("encoder_version") != encoder_version:
        raise ValueError(f"model {version} was trained with encoder {metadata.get('encoder_version')}, "
                         f"not {encoder_version}; retrain with `wsis train`")
    return model, version


@dataclass
class Classifier:
    """Everything ``classify`` needs besides the documents, loaded once and applied to any number of
    them (the Dask engine keeps one per worker)."""

    scorer: Scorer
    spaces: LabelSpaces
    evidence: EvidenceFinder
    version: str
    sentence_vectors: SentenceVectors
    targets_kept: int

    def __call__(self, recs: pd.DataFrame, vectors: np.ndarray) -> pd.DataFrame:
        return classify(recs, vectors, scorer=self.scorer, spaces=getattr(self.scorer, "spaces", self.spaces),
                        evidence=self.evidence, model_version=self.version,
                        sentence_vectors=self.sentence_vectors, targets_kept=self.targets_kept)


def load_classifier(*, store: Path, encoder: Encoder, params: Params, model_root: Path | None = None) -> Classifier:
    taxonomy = load_taxonomy()
    spaces = build_label_spaces(taxonomy, encoder=encoder, store_root=store)
    scorer, version = load_scorer(model_root, spaces, params, encoder.version)
    return Classifier(scorer, spaces, EvidenceFinder(taxonomy), version, sentence_vectors(encoder, store),
                      params.classify.targets_kept)


def classify_stage(recommendations: Path, *, store: Path, encoder: Encoder, params: Params,
                   out: Path, model_root: Path | None = None,
                   part_size: int = RECOMMENDATIONS_PER_PART) -> pd.DataFrame:
    """Classify the Recommendations not classified before (``pipeline.engines.prediction_cache``), in the
    parts every engine uses (``pipeline.engines.partition``), so all engines agree to the bit."""
    recs = read_recommendations(recommendations).reset_index(drop=True)

    def classify_new(todo: pd.DataFrame) -> list[pd.DataFrame]:
        vectors = recommendation_vectors(todo, store_root=store, encoder_version=encoder.version)
        embed_sentences(todo, store=store, encoder=encoder, params=params)
        classifier = load_classifier(store=store, encoder=encoder, params=params, model_root=model_root)
        return [classifier(todo.iloc[rows], vectors[rows]) for rows in partition_by_recommendation(todo, part_size)]

    context = classify_context(encoder_version=encoder.version, model_root=model_root, params=params)
    predictions = in_table_order(classify_incrementally(recs, PredictionCache(store, context), classify_new), recs)
    atomic.write_csv(out, predictions)
    atomic.write_parquet(out.with_suffix(".parquet"), predictions)
    return predictions


def merge_labels(paths: list[Path], taxonomy) -> dict:
    """Later files override earlier ones for the same Recommendation: review corrections beat seeds."""
    merged: dict = {}
    for path in paths:
        merged.update(read_gold(path, taxonomy, skip_unfilled=Path(path).suffix.lower() != ".jsonl"))
    return merged


def train_stage(inputs: list[Path], labels: list[Path], *, store: Path, encoder: Encoder,
                model_root: Path, version: str | None = None, metrics_dir: Path | None = None,
                params: Params | None = None) -> tuple[TrainingResult, Path]:
    """Train on the labelled Recommendations found in ``inputs`` and make the model current."""
    params = params or Params()
    taxonomy = load_taxonomy()
    gold = merge_labels(list(labels), taxonomy)
    recs = ingest(inputs).recommendations
    embed_recommendations(recs, store_root=store, encoder=encoder)
    vectors = recommendation_vectors(recs, store_root=store, encoder_version=encoder.version)
    spaces = build_label_spaces(taxonomy, encoder=encoder, store_root=store)
    exemplars = embed_exemplars(taxonomy, store_root=store, encoder=encoder)
    # the sentences training reads, embedded in full batches before it asks for them
    for texts in (recs[recs["rec_id"].isin(gold)], exemplars.documents):
        embed_sentences(texts, store=store, encoder=encoder, params=params)
    result = train_classifier(recs, vectors, gold, spaces=spaces, evidence=EvidenceFinder(taxonomy),
                              exemplars=exemplars, sentence_vectors=sentence_vectors(encoder, store))
    # new labels, encoder, features, settings or classifier code: a new version
    recipe = (f"{result.data_sha256}:{encoder.version}:{','.join(FEATURE_NAMES)}:"
              f"{json.dumps(result.model.config.__dict__, sort_keys=True)}:{deciding_sources_sha256()}")
    version = version or "wsis-" + hashlib.sha256(recipe.encode()).hexdigest()[:10]
    metadata = {"version": version, "encoder_version": encoder.version, "taxonomy_version": taxonomy.version,
                "training_data_sha256": result.data_sha256, "documents": result.documents,
                "recommendations": result.recommendations, "goal_exemplars": len(taxonomy.exemplars),
                "labels_files": [str(p) for p in labels],
                "config": dict(result.model.config.__dict__), "folds": result.model.config.folds,
                "trained": dt.date.today().isoformat(), **result.cv_metrics}
    per_label = result.cv_per_label.round(4)
    documents = {"MODEL_CARD.md": render_model_card(metadata, per_label),
                 "cv_per_label.csv": per_label.to_csv(index=False)}
    folder = save_model(result.model, Path(model_root) / version, metadata, documents)
    set_current(model_root, version)
    if metrics_dir is not None:
        write_training_metrics(result, metrics_dir)
    return result, folder


def write_training_metrics(result: TrainingResult, folder: Path) -> None:
    """DVC metrics and plots: CV micro-F1, per-label table, PR curve points, primary-line confusion."""
    atomic.write_text(folder / "train_metrics.json",
                      json.dumps(result.cv_metrics, indent=1, sort_keys=True) + "\n")
    atomic.write_csv(folder / "cv_per_label.csv", result.cv_per_label.round(4))
    atomic.write_csv(folder / "pr_curve.csv", result.pr_curve)
    atomic.write_csv(folder / "cv_confusion.csv", result.confusion)


def evaluate_stage(predictions: Path, gold_path: Path, *, out: Path, lang: str = "all") -> Evaluation:
    """Write ``out`` (DVC metrics JSON) and, beside it, per-label, confusion, disagreement and
    reliability (calibration) CSVs."""
    evaluation = evaluate(read_predictions(predictions), read_gold(gold_path, load_taxonomy()), lang=lang)
    atomic.write_text(out, json.dumps(evaluation.metrics, indent=1, sort_keys=True) + "\n")
    atomic.write_csv(out.with_name("per_label.csv"), evaluation.per_label)
    atomic.write_csv(out.with_name("confusion.csv"), evaluation.confusion.reset_index())
    atomic.write_csv(out.with_name("fr_en_disagreements.csv"), evaluation.disagreements)
    atomic.write_csv(out.with_name("reliability.csv"), evaluation.reliability)
    return evaluation


@dataclass(frozen=True)
class ReportPaths:
    coverage_dir: Path
    report: Path
    summary: Path
    workbook: Path


def report_stage(recommendations: Path, predictions: Path, *, coverage_dir: Path, report: Path,
                 params: Params, lang: str | None = None) -> ReportPaths:
    """Tables in ``coverage_dir`` (CSV, Parquet, coverage.xlsx); report.html and summary.md beside it."""
    taxonomy = load_taxonomy()
    lang = lang or params.report.lang
    coverage = compute_coverage(read_recommendations(recommendations), read_predictions(predictions),
                                taxonomy=taxonomy, params=params.coverage)
    for name, table in coverage.tables().items():
        atomic.write_csv(coverage_dir / f"{name}.csv", table)
        atomic.write_parquet(coverage_dir / f"{name}.parquet", table)
    write_workbook(coverage_dir / "coverage.xlsx", coverage.tables())
    summary = report.with_name("summary.md")
    atomic.write_text(summary, render_summary(coverage, taxonomy=taxonomy, params=params.report, lang=lang))
    atomic.write_text(report, render_report(coverage, taxonomy=taxonomy, params=params.report, lang=lang))
    return ReportPaths(coverage_dir, report, summary, coverage_dir / "coverage.xlsx")
