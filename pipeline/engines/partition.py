"""How classify is split into parts, the same way by every engine.

Why fixed parts: the classifier's matrix products give results that differ in the last bits with the
number of rows they are given, so the local engine classifies the same parts, one after another, that
the Dask engine hands to its workers; the predictions are then the same to the bit, whatever the
number of workers. A part holds whole Recommendations, because the fused "all" decision needs both
languages of a Recommendation together.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.schemas import PREDICTIONS

RECOMMENDATIONS_PER_PART = 64


def partition_by_recommendation(recs: pd.DataFrame, per_part: int = RECOMMENDATIONS_PER_PART) -> list[np.ndarray]:
    """Row positions, in table order, of consecutive runs of ``per_part`` Recommendations (by rec_id)."""
    rec_ids = recs["rec_id"].to_numpy(dtype=object)
    part_of = {rec_id: i // per_part for i, rec_id in enumerate(sorted(set(rec_ids)))}
    labels = np.array([part_of[r] for r in rec_ids], dtype=np.int64)
    return [np.flatnonzero(labels == p) for p in range(int(labels.max()) + 1)] if len(labels) else []


def in_table_order(parts: list[pd.DataFrame], recs: pd.DataFrame) -> pd.DataFrame:
    """``classify``'s own row order: each document's rows in table order, then the fused rows by rec_id."""
    if not parts:
        return PREDICTIONS.validate(pd.DataFrame(columns=PREDICTIONS.names))
    rows = pd.concat(parts, ignore_index=True)
    position = {key: i for i, key in enumerate(zip(recs["rec_id"], recs["lang"]))}
    fused = (rows["lang"] == "all").to_numpy()
    documents, all_rows = rows[~fused], rows[fused]
    doc_order = np.argsort(np.array([position[k] for k in zip(documents["rec_id"], documents["lang"])],
                                    dtype=np.int64), kind="stable")
    all_order = np.argsort(all_rows["rec_id"].to_numpy(dtype=object), kind="stable")
    merged = pd.concat([documents.iloc[doc_order], all_rows.iloc[all_order]], ignore_index=True)
    return PREDICTIONS.validate(merged)
