"""Each stage as a file-to-file step: read its inputs, call the stage's core function, write its
outputs atomically. ``wsis <stage>``, ``wsis run`` and ``dvc.yaml`` all go through these."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pandas as pd

from pipeline import atomic
from pipeline.classify import EvidenceFinder, build_label_spaces, classify
from pipeline.coverage import compute_coverage
from pipeline.embed import EmbedStats, embed_recommendations, recommendation_vectors
from pipeline.encoder.model import Encoder
from pipeline.ingest import IngestResult, ingest
from pipeline.params import Params
from pipeline.report import render_report
from pipeline.schemas import PREDICTIONS, RECOMMENDATIONS
from pipeline.taxonomy import load_taxonomy


def make_encoder(encoder_path: Path, params: Params) -> Encoder:
    p = params.embed
    return Encoder(Path(encoder_path), precision=p.precision, batch_size=p.batch_size, max_tokens=p.max_tokens)


def read_recommendations(path: Path) -> pd.DataFrame:
    return RECOMMENDATIONS.validate(pd.read_parquet(path))


def read_predictions(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype={"label": str, "rec_id": str}, keep_default_na=False)
    return PREDICTIONS.validate(frame)


def ingest_stage(inputs: Iterable[str | Path], out: Path) -> IngestResult:
    result = ingest(inputs)
    atomic.write_parquet(out, result.recommendations)
    atomic.write_csv(out.with_name("rejects.csv"), result.rejects)
    return result


def embed_stage(recommendations: Path, *, store: Path, encoder: Encoder, params: Params) -> EmbedStats:
    return embed_recommendations(read_recommendations(recommendations), store_root=store,
                                 encoder=encoder, chunk_size=params.embed.chunk_size)


def classify_stage(recommendations: Path, *, store: Path, encoder: Encoder, params: Params,
                   out: Path) -> pd.DataFrame:
    recs = read_recommendations(recommendations)
    taxonomy = load_taxonomy()
    vectors = recommendation_vectors(recs, store_root=store, encoder_version=encoder.version)
    spaces = build_label_spaces(taxonomy, encoder=encoder, store_root=store)
    predictions = classify(recs, vectors, spaces=spaces, evidence=EvidenceFinder(taxonomy),
                           params=params.classify,
                           model_version=f"zero-shot@{taxonomy.version}+{encoder.version}")
    atomic.write_csv(out, predictions)
    atomic.write_parquet(out.with_suffix(".parquet"), predictions)
    return predictions


@dataclass(frozen=True)
class ReportPaths:
    coverage_dir: Path
    report: Path


def report_stage(recommendations: Path, predictions: Path, *, coverage_dir: Path, report: Path,
                 params: Params, lang: str | None = None) -> ReportPaths:
    taxonomy = load_taxonomy()
    coverage = compute_coverage(read_recommendations(recommendations), read_predictions(predictions),
                                taxonomy=taxonomy, params=params.coverage)
    for name, table in coverage.tables().items():
        atomic.write_csv(coverage_dir / f"{name}.csv", table)
        atomic.write_parquet(coverage_dir / f"{name}.parquet", table)
    atomic.write_text(report, render_report(coverage, taxonomy=taxonomy, lang=lang or params.report.lang))
    return ReportPaths(coverage_dir, report)
