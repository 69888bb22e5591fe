"""The tables passed between stages, declared once and checked at every stage boundary.

DESIGN.md fixes these column names; other tools (the evaluation harness among them) read them, so a
change here is an interface change.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


class SchemaError(ValueError):
    """A table at a stage boundary does not match its declared schema."""


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # "string", "bool", "float", "int", "date"
    allowed: frozenset[str] | None = None
    nullable: bool = True


@dataclass(frozen=True)
class TableSchema:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def empty(self) -> pd.DataFrame:
        return self.validate(pd.DataFrame({c.name: [] for c in self.columns}))

    def validate(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Return ``frame`` with exactly the declared columns, in order, with their dtypes.

        Raises ``SchemaError`` naming the table, the column and the offending values.
        """
        missing = [c.name for c in self.columns if c.name not in frame.columns]
        if missing:
            raise SchemaError(f"{self.name}: missing column(s) {missing}")
        out = frame.loc[:, self.names].copy()
        for col in self.columns:
            out[col.name] = _coerce(out[col.name], col.dtype, f"{self.name}.{col.name}")
            if not col.nullable and out[col.name].isna().any():
                raise SchemaError(f"{self.name}.{col.name}: empty values are not allowed")
            if col.allowed is not None:
                bad = sorted(set(out[col.name].dropna()) - col.allowed)
                if bad:
                    raise SchemaError(f"{self.name}.{col.name}: unexpected values {bad[:5]}")
        dupes = out.duplicated(list(self.key))
        if dupes.any():
            first = out.loc[dupes, list(self.key)].iloc[0].tolist()
            raise SchemaError(f"{self.name}: duplicate key {dict(zip(self.key, first))}")
        return out.reset_index(drop=True)


def _coerce(series: pd.Series, dtype: str, where: str) -> pd.Series:
    try:
        if dtype == "string":
            return series.astype("string")
        if dtype == "bool":
            return series.astype("boolean")
        if dtype == "float":
            return pd.to_numeric(series).astype("float64")
        if dtype == "int":
            return pd.to_numeric(series).astype("Int64")
        if dtype == "date":
            return pd.to_datetime(series, errors="raise").dt.date.astype("object")
    except (ValueError, TypeError) as exc:
        raise SchemaError(f"{where}: cannot be read as {dtype}: {exc}") from exc
    raise AssertionError(f"unknown dtype {dtype}")


LANGS = frozenset({"en", "fr"})
STATUSES = frozenset({"in_force", "superseded", "withdrawn", "unknown"})
TAXONOMIES = frozenset({"action_line", "sdg_goal", "sdg_target"})

RECOMMENDATIONS = TableSchema(
    "recommendations",
    (
        Column("rec_id", "string", nullable=False),
        Column("number", "string", nullable=False),
        Column("series", "string", nullable=False),
        Column("lang", "string", LANGS, nullable=False),
        Column("title", "string"),
        Column("summary", "string", nullable=False),
        Column("keywords", "string"),
        Column("study_group", "string"),
        Column("approved", "date"),
        Column("status", "string", STATUSES, nullable=False),
        Column("source", "string", nullable=False),
        Column("text_sha256", "string", nullable=False),
    ),
    key=("rec_id", "lang"),
)

PREDICTIONS = TableSchema(
    "predictions",
    (
        Column("rec_id", "string", nullable=False),
        Column("lang", "string", LANGS | {"all"}, nullable=False),
        Column("taxonomy", "string", TAXONOMIES, nullable=False),
        Column("label", "string", nullable=False),
        Column("score", "float", nullable=False),
        Column("assigned", "bool", nullable=False),
        Column("rank", "int", nullable=False),
        Column("evidence", "string"),
        Column("model_version", "string", nullable=False),
    ),
    key=("rec_id", "lang", "taxonomy", "label"),
)

REJECTS = TableSchema(
    "rejects",
    (
        Column("source", "string", nullable=False),
        Column("row", "string"),
        Column("rec_id", "string"),
        Column("reason", "string", nullable=False),
        Column("detail", "string"),
    ),
    key=("source", "row", "reason"),
)
