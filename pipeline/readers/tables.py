"""Table readers: CSV and TSV (UTF-8 or Windows-1252/Latin-1), JSON Lines, Parquet and XLSX.

Each returns the file's rows as strings under the file's own column names; ingest maps the names.
Row locators are what a person would look for: the line number in a text table (the header is line
1), the sheet and row in a workbook.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import BinaryIO, Iterator

import pandas as pd

from pipeline.readers.base import MALFORMED, Limits, RawRecord, UnreadableFile
from pipeline.readers.safety import open_package, require_signature, require_text


def decode(raw: bytes, what: str) -> str:
    """UTF-8 first (with or without BOM), then Windows-1252, then Latin-1, which decodes anything.

    Catalogue exports from Excel on Windows are cp1252; a file that is neither is refused by
    ``require_text`` before it gets here, so the Latin-1 fallback only ever sees text.
    """
    require_text(raw, what)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _delimited(stream: BinaryIO, sep: str, what: str) -> Iterator[RawRecord]:
    """Rows are numbered as a spreadsheet shows them (the header is row 1). A row with more cells than
    the header is rejected on its own, so one stray delimiter does not cost the whole file."""
    rows = csv.reader(io.StringIO(decode(stream.read(), what), newline=""), delimiter=sep)
    number = 1
    try:
        header = next(rows, None)
        if header is None:
            return
        columns = [c.strip() for c in header]
        for number, cells in enumerate(rows, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(columns):
                yield RawRecord(row=str(number), reason=MALFORMED,
                                detail=f"{len(cells)} cells for {len(columns)} columns")
                continue
            yield RawRecord(dict(zip(columns, cells + [""] * (len(columns) - len(cells)))), row=str(number))
    except csv.Error as exc:
        raise UnreadableFile(f"malformed {what} after row {number}: {exc}") from exc


def _frame_records(frame: pd.DataFrame, *, first_row: int) -> Iterator[RawRecord]:
    columns = [str(c) for c in frame.columns]
    for position, values in enumerate(frame.itertuples(index=False, name=None)):
        yield RawRecord({c: _text(v) for c, v in zip(columns, values)}, row=str(position + first_row))


def read_csv(stream: BinaryIO, limits: Limits) -> Iterator[RawRecord]:
    return _delimited(stream, ",", "a CSV table")


def read_tsv(stream: BinaryIO, limits: Limits) -> Iterator[RawRecord]:
    return _delimited(stream, "\t", "a TSV table")


def read_jsonl(stream: BinaryIO, limits: Limits) -> Iterator[RawRecord]:
    """Lines end at "\n" only: ``str.splitlines`` would also split at U+2028 inside a JSON string."""
    text = decode(stream.read(), "a JSON Lines file")
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield RawRecord(row=str(number), reason=MALFORMED, detail=f"line {number}: invalid JSON ({exc.msg})")
            continue
        if not isinstance(record, dict):
            yield RawRecord(row=str(number), reason=MALFORMED, detail=f"line {number}: not a JSON object")
            continue
        yield RawRecord({str(k): _text(v) for k, v in record.items()}, row=str(number))


def read_parquet(stream: BinaryIO, limits: Limits) -> Iterator[RawRecord]:
    require_signature(stream, b"PAR1", "a Parquet file")
    try:
        frame = pd.read_parquet(stream)
    except Exception as exc:  # pyarrow raises its own ArrowInvalid family for damaged files
        raise UnreadableFile(f"corrupt Parquet file: {type(exc).__name__}: {exc}") from exc
    yield from _frame_records(frame, first_row=1)


def read_xlsx(stream: BinaryIO, limits: Limits) -> Iterator[RawRecord]:
    """Every sheet whose first row is a header; rows are located as "Sheet!row" like Excel does.

    openpyxl parses the package's XML with defusedxml when it is installed (it is a dependency), and
    ``open_package`` has already refused bombs and DTDs.
    """
    from openpyxl import load_workbook

    open_package(stream, limits, "XLSX workbook")
    stream.seek(0)
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises KeyError, InvalidFileException, XML errors … for damaged files
        raise UnreadableFile(f"corrupt XLSX workbook: {type(exc).__name__}: {exc}") from exc
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            header = next(rows, None)
            if header is None:
                continue
            columns = [_text(c) or f"column {i + 1}" for i, c in enumerate(header)]
            for number, values in enumerate(rows, start=2):
                if all(v is None or _text(v) == "" for v in values):
                    continue
                yield RawRecord({c: _text(v) for c, v in zip(columns, values)}, row=f"{sheet.title}!{number}")
    finally:
        book.close()


def _text(value: object) -> str:
    """Cells and JSON values as the text a person would type: dates as ISO, 13.0 as "13", lists by
    their first element (Relaton's ``study_groups``)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, (list, tuple)) or type(value).__name__ == "ndarray":
        return _text(value[0]) if len(value) else ""
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)
