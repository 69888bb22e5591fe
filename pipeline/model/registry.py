"""Save and load trained classifiers as JSON + NPZ, checked by hash — never a pickle.

A model folder ``models/classifier/<version>/`` holds ``model.json`` (config, label codes, metadata),
``arrays.npz`` (every learned number; loaded with ``allow_pickle=False``) and ``MANIFEST.json`` with
the sha256 of both. A file whose hash does not match is refused, so a tampered or truncated model
never scores anything. ``models/classifier/current`` is a one-line file naming the version in use.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from pipeline.atomic import write_text
from pipeline.model.classifier import ClassifierConfig, WsisClassifier
from pipeline.model.features import FEATURE_NAMES
from pipeline.model.relevance import RelevanceClassifier
from pipeline.model.spaces import TAXONOMIES, LabelSpaces

FILES = ("model.json", "arrays.npz")


class ModelFileError(ValueError):
    """A model folder is missing, incomplete, or fails its hash check."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save_model(model: WsisClassifier, folder: Path, metadata: dict,
               documents: dict[str, str] | None = None) -> Path:
    """Write the model to ``folder`` (replacing it whole, atomically) and return the folder.

    ``documents`` are extra text files to store beside it (the model card, CV tables).
    """
    arrays: dict[str, np.ndarray] = {"train_vectors": model.train_vectors_,
                                     "target_goal": model.spaces.target_goal}
    arrays |= {f"language_offset/{lang}": offset for lang, offset in model.language_offsets_.items()}
    if model.train_langs_ is not None:
        arrays["train_langs"] = model.train_langs_.astype(str)
    for name in TAXONOMIES:
        head = model.heads_[name]
        arrays |= {
            f"{name}/prototypes": model.spaces.prototypes[name],
            f"{name}/train_labels": model.train_labels_[name],
            f"{name}/priors": model.priors_[name],
            f"{name}/thresholds": model.thresholds_[name],
            f"{name}/scaler_mean": head.scaler_.mean_, f"{name}/scaler_scale": head.scaler_.scale_,
            f"{name}/coef": head.model_.coef_, f"{name}/intercept": head.model_.intercept_,
            f"{name}/classes": head.classes_,
        }
        if head.expanded_scaler_ is not None:  # a second-degree head
            arrays |= {f"{name}/expanded_mean": head.expanded_scaler_.mean_,
                       f"{name}/expanded_scale": head.expanded_scaler_.scale_}
    document = {"format": 1, "features": list(FEATURE_NAMES), "config": {**model.config.__dict__},
                "codes": {k: list(v) for k, v in model.spaces.codes.items()}, "metadata": metadata}
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        (staging / "model.json").write_text(json.dumps(document, indent=1, sort_keys=True))
        with open(staging / "arrays.npz", "wb") as handle:
            np.savez(handle, **arrays)
        for name, text in (documents or {}).items():
            (staging / name).write_text(text, encoding="utf-8")
        manifest = {name: _sha256(staging / name) for name in FILES}
        (staging / "MANIFEST.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
        staging.chmod(0o755)
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(staging, folder)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return folder


def verify(folder: Path) -> None:
    manifest_path = Path(folder) / "MANIFEST.json"
    if not manifest_path.exists():
        raise ModelFileError(f"{folder}: no MANIFEST.json; not a model folder (train one with `wsis train`)")
    manifest = json.loads(manifest_path.read_text())
    for name in FILES:
        path = Path(folder) / name
        if not path.exists():
            raise ModelFileError(f"{path}: missing")
        if _sha256(path) != manifest.get(name):
            raise ModelFileError(f"{path}: sha256 does not match MANIFEST.json (tampered or truncated); refusing to load")


def load_model(folder: Path) -> tuple[WsisClassifier, dict]:
    """Return the classifier and its metadata, after checking every file's hash."""
    folder = Path(folder)
    verify(folder)
    document = json.loads((folder / "model.json").read_text())
    if document.get("features") != list(FEATURE_NAMES):
        raise ModelFileError(f"{folder}: trained with another feature set than this code computes; "
                             "retrain it with `wsis train` (or `make classifier`)")
    with np.load(folder / "arrays.npz", allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files}
    codes = {k: tuple(v) for k, v in document["codes"].items()}
    spaces = LabelSpaces(codes, {n: arrays[f"{n}/prototypes"] for n in TAXONOMIES}, arrays["target_goal"])
    config = document["config"]
    features = tuple(config.get("features", FEATURE_NAMES))  # a list in JSON
    model = WsisClassifier(spaces, ClassifierConfig(**{**config, "features": features}))
    model.train_vectors_ = arrays["train_vectors"]
    model.train_langs_ = arrays.get("train_langs")  # absent: trained without languages, one pool of votes
    model.language_offsets_ = {key.split("/", 1)[1]: value for key, value in arrays.items()
                               if key.startswith("language_offset/")}
    model.train_labels_ = {n: arrays[f"{n}/train_labels"] for n in TAXONOMIES}
    model.priors_ = {n: arrays[f"{n}/priors"] for n in TAXONOMIES}
    model.thresholds_ = {n: arrays[f"{n}/thresholds"] for n in TAXONOMIES}
    model.heads_ = {n: _head(arrays, n) for n in TAXONOMIES}
    return model, document["metadata"]


def _scaler(mean: np.ndarray, scale: np.ndarray) -> StandardScaler:
    scaler = StandardScaler()
    scaler.mean_, scaler.scale_, scaler.var_ = mean, scale, scale ** 2
    scaler.n_features_in_ = len(mean)
    return scaler


def _head(arrays: dict[str, np.ndarray], name: str) -> RelevanceClassifier:
    second_degree = f"{name}/expanded_mean" in arrays
    head = RelevanceClassifier(degree=2 if second_degree else 1)
    scaler = _scaler(arrays[f"{name}/scaler_mean"], arrays[f"{name}/scaler_scale"])
    head.expanded_scaler_ = (_scaler(arrays[f"{name}/expanded_mean"], arrays[f"{name}/expanded_scale"])
                             if second_degree else None)
    linear = LogisticRegression()
    linear.coef_, linear.intercept_ = arrays[f"{name}/coef"], arrays[f"{name}/intercept"]
    linear.classes_ = arrays[f"{name}/classes"]
    linear.n_features_in_ = linear.coef_.shape[1]
    head.scaler_, head.model_, head.classes_ = scaler, linear, linear.classes_
    head.n_features_in_, head.n_iter_ = scaler.n_features_in_, np.array([0])
    return head


def compare_models(root: Path, baseline: str, candidate: str) -> pd.DataFrame:
    """Cross-validated per-label F1 of two trained versions side by side, with the difference."""
    tables = []
    for version in (baseline, candidate):
        verify(Path(root) / version)
        table = pd.read_csv(Path(root) / version / "cv_per_label.csv", dtype={"label": str})
        tables.append(table.set_index(["taxonomy", "label"])[["support", "f1"]].add_suffix(f" {version}"))
    both = tables[0].join(tables[1], how="outer").fillna(0.0)
    both["f1 change"] = both[f"f1 {candidate}"] - both[f"f1 {baseline}"]
    return both.reset_index()


def list_versions(root: Path) -> list[str]:
    return sorted(p.name for p in Path(root).iterdir() if (p / "MANIFEST.json").exists()) if Path(root).exists() else []


def current_version(root: Path) -> str | None:
    pointer = Path(root) / "current"
    return pointer.read_text().strip() if pointer.exists() else None


def set_current(root: Path, version: str) -> None:
    write_text(Path(root) / "current", version + "\n")
