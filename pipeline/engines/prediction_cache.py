"""Classify only the Recommendations whose text changed; reuse the rest of the last run's rows.

Why: after a study-group meeting a rerun changes a few summaries, but classifying every document again
(lemmatising, evidence, the sentence nearest each label) costs a minute on the in-force catalogue.
Rows are cached per Recommendation (the fused "all" decision needs both languages), under a key made
of its documents' ``(lang, text_sha256)`` pairs, inside a folder named after everything else that
decides them: the encoder version, the installed classifier (its version and manifest), the classify
parameters and the source of the classifier code and taxonomy. Change any of these and nothing old
is reused.
"""
from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Callable

import pandas as pd

from pipeline.params import Params
from pipeline.sealed import sealed_files, write_sealed

PACKAGE = Path(__file__).resolve().parents[1]
DECIDING_SOURCES = ("classify.py", "text.py", "model", "taxonomy")


def classify_context(*, encoder_version: str, model_root: Path | None, params: Params) -> str:
    digest = hashlib.sha256()
    digest.update(f"{encoder_version}\n{params.classify!r}\n".encode())
    version = (Path(model_root) / "current").read_text().strip() if model_root and (Path(model_root) / "current").exists() else ""
    digest.update(f"model {version or 'zero-shot'}\n".encode())
    manifest = Path(model_root) / version / "MANIFEST.json" if version else None
    if manifest and manifest.exists():
        digest.update(manifest.read_bytes())
    digest.update(deciding_sources_sha256().encode())
    return digest.hexdigest()[:20]


def deciding_sources_sha256() -> str:
    """sha256 of the classifier code and the taxonomy: what turns vectors and text into labels."""
    digest = hashlib.sha256()
    for name in DECIDING_SOURCES:
        path = PACKAGE / name
        for source in sorted(path.rglob("*") if path.is_dir() else [path]):
            if source.is_file() and source.suffix in (".py", ".yaml", ".csv", ".json"):
                digest.update(source.relative_to(PACKAGE).as_posix().encode() + source.read_bytes())
    return digest.hexdigest()


def recommendation_keys(recs: pd.DataFrame) -> pd.Series:
    """One key per row: the hash of its Recommendation's documents, so a change in either language
    invalidates both languages' rows and the fused ones."""
    pairs = recs.assign(_pair=recs["lang"].astype(str) + ":" + recs["text_sha256"].astype(str))
    joined = pairs.groupby("rec_id", sort=False)["_pair"].agg(lambda p: "|".join(sorted(p)))
    keys = {rec_id: hashlib.sha256(f"{rec_id}|{doc}".encode()).hexdigest()[:24] for rec_id, doc in joined.items()}
    return recs["rec_id"].map(keys)


class PredictionCache:
    """Rows of earlier runs, beside the embedding store (``<store>.predictions/``): not inside it, so
    that DVC's embed output does not change when classify runs. Parts are sealed files
    (``pipeline.sealed``): one that fails its check is refused and its Recommendations classified again."""

    def __init__(self, store: Path, context: str):
        store = Path(store)
        self.folder = store.with_name(f"{store.name}.predictions") / context

    def load(self, keys: set[str]) -> pd.DataFrame | None:
        frames = [pd.read_parquet(io.BytesIO(data)) for _, data in sealed_files(self.folder, "part-*.parquet")]
        if not frames:
            return None
        rows = pd.concat(frames, ignore_index=True)
        return rows[rows["_key"].isin(keys)].drop_duplicates(["_key", "lang", "taxonomy", "label"])

    def add(self, rows: pd.DataFrame) -> None:
        if rows.empty:
            return
        buffer = io.BytesIO()
        rows.to_parquet(buffer, index=False)
        write_sealed(self.folder, "part", ".parquet", buffer.getvalue())


def classify_incrementally(recs: pd.DataFrame, cache: PredictionCache,
                           classify_new: Callable[[pd.DataFrame], list[pd.DataFrame]]) -> list[pd.DataFrame]:
    """Cached rows for unchanged Recommendations plus ``classify_new`` of the rest, as parts to merge."""
    keys = recommendation_keys(recs)
    cached = cache.load(set(keys))
    done = set(cached["_key"]) if cached is not None else set()
    todo = recs[~keys.isin(done)]
    parts = [cached.drop(columns="_key")] if cached is not None and len(cached) else []
    if len(todo):
        fresh = classify_new(todo)
        key_of = dict(zip(todo["rec_id"], keys[todo.index]))
        for part in fresh:
            cache.add(part.assign(_key=part["rec_id"].map(key_of)))
        parts += fresh
    return parts
