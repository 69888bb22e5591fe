"""Input readers, one per table format, registered by file suffix.

Each reader returns the file's rows as strings, untouched: mapping columns, checking values and
rejecting rows is ingest's job, so every format is judged by the same rules.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pandas as pd


class UnreadableFile(ValueError):
    """The whole file cannot be read; the message says why, for the rejects file."""


Reader = Callable[[Path], pd.DataFrame]
READERS: dict[str, Reader] = {}


def reader(*suffixes: str) -> Callable[[Reader], Reader]:
    def register(fn: Reader) -> Reader:
        for suffix in suffixes:
            READERS[suffix] = fn
        return fn
    return register


def read_table(path: Path) -> pd.DataFrame:
    fn = READERS.get(path.suffix.lower())
    if fn is None:
        raise UnreadableFile(f"unsupported file type {path.suffix or '(none)'}")
    try:
        frame = fn(path)
    except UnreadableFile:
        raise
    except (ValueError, OSError, UnicodeError, json.JSONDecodeError) as exc:
        raise UnreadableFile(f"{type(exc).__name__}: {exc}") from exc
    return frame.astype("string")


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise UnreadableFile("binary content (NUL bytes) in a text table")
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("unknown text encoding")  # latin-1 decodes anything; kept for clarity


def _delimited(path: Path, sep: str) -> pd.DataFrame:
    from io import StringIO

    return pd.read_csv(StringIO(_decode(path)), sep=sep, dtype=str, keep_default_na=False)


@reader(".csv")
def read_csv(path: Path) -> pd.DataFrame:
    return _delimited(path, ",")


@reader(".tsv", ".tab")
def read_tsv(path: Path) -> pd.DataFrame:
    return _delimited(path, "\t")


@reader(".jsonl", ".ndjson")
def read_jsonl(path: Path) -> pd.DataFrame:
    records = []
    for number, line in enumerate(_decode(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            record = {"_error": f"line {number}: invalid JSON ({exc.msg})"}
        if not isinstance(record, dict):
            record = {"_error": f"line {number}: not a JSON object"}
        record["_row"] = str(number)
        records.append({k: _flatten(v) for k, v in record.items()})
    return pd.DataFrame.from_records(records)


@reader(".parquet")
def read_parquet(path: Path) -> pd.DataFrame:
    frame = pd.read_parquet(path)
    return frame.map(_flatten) if len(frame) else frame


def _flatten(value: object) -> object:
    """Lists (e.g. Relaton's ``study_groups``) become their first element; other values pass through."""
    if isinstance(value, (list, tuple)) or type(value).__name__ == "ndarray":
        return str(value[0]) if len(value) else ""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)
