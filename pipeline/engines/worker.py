"""What a Dask worker runs. Each worker process keeps what it loads (the encoder, the classifier) in
``_LOADED`` and reuses it for every later task, so a model is loaded once per worker, not per task.

Tasks receive plain specifications (paths, precisions, params), never loaded models: a loaded
OpenVINO or torch model is neither small nor picklable, and each worker must load its own anyway.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Callable, TypeVar

import numpy as np
import pandas as pd

T = TypeVar("T")
_LOADED: dict[tuple, object] = {}
LOADS: Counter = Counter()  # what was loaded in this process, by kind: the engine's test reads it


def _once(key: tuple, load: Callable[[], T]) -> T:
    if key not in _LOADED:
        _LOADED[key] = load()
        LOADS[key[0]] += 1
    return _LOADED[key]  # type: ignore[return-value]


def encoder_spec(encoder) -> dict:
    """The constructor arguments that fix an encoder's vectors; threads are the worker's own."""
    return {"path": str(encoder.path), "precision": encoder.precision, "batch_size": encoder.batch_size,
            "max_tokens": encoder.max_tokens, "runtime": encoder.runtime, "batch_tokens": encoder.batch_tokens}


def _worker_threads() -> int:
    try:
        from distributed import get_worker

        return int(get_worker().state.nthreads)
    except (ImportError, ValueError):
        return 1


def worker_encoder(spec: dict):
    from pipeline.encoder.model import Encoder

    def load() -> Encoder:
        encoder = Encoder(Path(spec["path"]), **{k: v for k, v in spec.items() if k != "path"},
                          threads=_worker_threads())
        encoder._load()
        return encoder

    return _once(("encoder", tuple(sorted(spec.items()))), load)


def encode(spec: dict, texts: list[str], role: str) -> np.ndarray:
    return worker_encoder(spec).encode(texts, role=role)


def read_file(path: Path) -> tuple[list, str | None]:
    """The raw records of one input file, and the reason it could not be read (if it could not)."""
    from pipeline.readers import UnreadableFile, read_records

    records: list = []
    try:
        for raw in read_records(path):
            records.append(raw)
    except UnreadableFile as exc:
        return records, str(exc)
    return records, None


def classify_part(spec: dict, store: str, params, model_root: str | None,
                  recs: pd.DataFrame, vectors: np.ndarray) -> pd.DataFrame:
    from pipeline.stages import load_classifier

    def load():
        return load_classifier(store=Path(store), encoder=worker_encoder(spec), params=params,
                               model_root=Path(model_root) if model_root else None)

    classifier = _once(("classifier", tuple(sorted(spec.items())), store, params, model_root), load)
    return classifier(recs.reset_index(drop=True), vectors)


def loads() -> dict[str, int]:
    return dict(LOADS)
