"""Ingest: read input tables into the ``recommendations`` table, accounting for every row.

Every row read ends up either in the table or in the rejects table with its reason, and
``IngestResult.accounting`` says how many went where. Column names are mapped from either the
canonical names of DESIGN.md or the Relaton-derived CSV (``itu_id, title_en, abstract_en,
study_group, published``), without options.
"""
from __future__ import annotations

import glob
import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pandas as pd

from pipeline.language import detect_language
from pipeline.readers import READERS, UnreadableFile, read_table
from pipeline.schemas import RECOMMENDATIONS, REJECTS, STATUSES
from pipeline.study_groups import normalise_study_group

# Alternative spellings of canonical columns, with the language a column name implies.
ALIASES: dict[str, tuple[str, str]] = {
    "itu_id": ("rec_id", ""),
    "title_en": ("title", "en"),
    "abstract_en": ("summary", "en"),
    "title_fr": ("title", "fr"),
    "abstract_fr": ("summary", "fr"),
    "study_groups": ("study_group", ""),
    "published": ("approved", ""),
}
STATUS_WORDS = {
    "in_force": "in_force", "in force": "in_force", "published": "in_force",
    "superseded": "superseded", "withdrawn": "withdrawn", "withdrawal": "withdrawn",
    "unknown": "unknown", "": "",
}
REC_ID = re.compile(r"^ITU-T\s+(?P<number>(?P<series>[A-Z]{1,3})\s?\.?\s?[0-9][\w.\-/]*)\s*(?P<rest>.*)$")


@dataclass(frozen=True)
class IngestResult:
    recommendations: pd.DataFrame
    rejects: pd.DataFrame
    read: int

    @property
    def accounting(self) -> str:
        reasons = Counter(self.rejects["reason"])
        by_reason = ", ".join(f"{reason} {n}" for reason, n in sorted(reasons.items()))
        line = f"read {self.read}, kept {len(self.recommendations)}, rejected {len(self.rejects)}"
        return f"{line} ({by_reason})" if by_reason else line


def expand_inputs(inputs: Iterable[str | Path]) -> list[Path]:
    """Files, directories (searched recursively for known table types) and globs, in a stable order."""
    found: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in READERS)
        elif path.exists():
            found.append(path)
        else:
            matches = sorted(Path(m) for m in glob.glob(str(item), recursive=True))
            if not matches:
                raise FileNotFoundError(f"{item}: no such file, directory or glob match")
            found += [m for m in matches if m.is_file()]
    return list(dict.fromkeys(found))


def text_sha256(title: str, summary: str) -> str:
    """Hash of exactly what the encoder reads, so a changed title or summary is re-embedded."""
    return hashlib.sha256(embedding_text(title, summary).encode("utf-8")).hexdigest()


def embedding_text(title: str, summary: str) -> str:
    return f"{' '.join(title.split())}\n{' '.join(summary.split())}".strip()


def ingest(inputs: Iterable[str | Path]) -> IngestResult:
    kept: list[dict] = []
    rejects: list[dict] = []
    read = 0
    for path in expand_inputs(inputs):
        try:
            frame = read_table(path)
        except UnreadableFile as exc:
            read += 1
            rejects.append(_reject(path, "", "", "unreadable file", str(exc)))
            continue
        read += len(frame)
        rows, bad = _rows_from_frame(frame, path)
        kept += rows
        rejects += bad
    table, duplicates = _drop_duplicates(pd.DataFrame.from_records(kept, columns=RECOMMENDATIONS.names))
    rejects += duplicates
    table = _infer_status(table)
    table = table.sort_values(["rec_id", "lang"], kind="stable")
    reject_frame = pd.DataFrame.from_records(rejects, columns=REJECTS.names)
    return IngestResult(
        RECOMMENDATIONS.validate(table),
        REJECTS.validate(reject_frame) if len(reject_frame) else REJECTS.empty(),
        read,
    )


def _reject(path: Path, row: str, rec_id: str, reason: str, detail: str = "") -> dict:
    return {"source": str(path), "row": row, "rec_id": rec_id, "reason": reason, "detail": detail}


def _canonical_columns(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Rename alias columns; return the language the column names imply ("" if none)."""
    implied = ""
    renames = {}
    for column in frame.columns:
        key = str(column).strip().lower()
        if key in ALIASES and ALIASES[key][0] not in frame.columns:
            target, lang = ALIASES[key]
            if target in renames.values():
                continue
            renames[column] = target
            implied = implied or lang
        elif key != column:
            renames[column] = key
    return frame.rename(columns=renames), implied


def _rows_from_frame(frame: pd.DataFrame, path: Path) -> tuple[list[dict], list[dict]]:
    frame, implied_lang = _canonical_columns(frame)
    kept, rejects = [], []
    for position, record in enumerate(frame.to_dict("records")):
        row = str(record.get("_row") or position + 2)  # +2: 1-based, after the header line
        locator = f"{path}:{row}"
        value = {k: ("" if pd.isna(v) else str(v).strip()) for k, v in record.items()}
        rec_id = " ".join(value.get("rec_id", "").split())
        if value.get("_error"):
            rejects.append(_reject(path, row, rec_id, "malformed row", value["_error"]))
            continue
        if not rec_id:
            rejects.append(_reject(path, row, "", "missing rec_id"))
            continue
        match = REC_ID.match(rec_id)
        if not match:
            rejects.append(_reject(path, row, rec_id, "not an ITU-T Recommendation",
                                   "rec_id should look like 'ITU-T Y.3172 (06/2019)'"))
            continue
        summary = " ".join(value.get("summary", "").split())
        if not summary:
            rejects.append(_reject(path, row, rec_id, "empty summary"))
            continue
        title = " ".join(value.get("title", "").split())
        lang = value.get("lang", "").lower() or implied_lang or detect_language(f"{title} {summary}")
        if lang not in ("en", "fr"):
            rejects.append(_reject(path, row, rec_id, "unknown language",
                                   f"lang={value.get('lang', '')!r}; detection was inconclusive"))
            continue
        status = STATUS_WORDS.get(value.get("status", "").lower())
        if status is None or (status and status not in STATUSES):
            rejects.append(_reject(path, row, rec_id, "invalid status", value.get("status", "")))
            continue
        approved = pd.to_datetime(value.get("approved", ""), errors="coerce")
        number = match.group("number").replace(" ", "")
        kept.append({
            "rec_id": rec_id,
            "number": value.get("number") or number,
            "series": value.get("series") or match.group("series"),
            "lang": lang,
            "title": title,
            "summary": summary,
            "keywords": value.get("keywords", ""),
            "study_group": normalise_study_group(value.get("study_group", "")),
            "approved": None if pd.isna(approved) else approved.date(),
            "status": status,
            "source": locator,
            "text_sha256": text_sha256(title, summary),
        })
    return kept, rejects


def _drop_duplicates(table: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Keep the first (rec_id, lang); later copies go to rejects naming the source that was kept."""
    dupes = table.duplicated(["rec_id", "lang"], keep="first")
    first_source = table.drop_duplicates(["rec_id", "lang"]).set_index(["rec_id", "lang"])["source"]
    rejects = []
    for record in table[dupes].to_dict("records"):
        path, _, row = record["source"].rpartition(":")
        kept_at = first_source[(record["rec_id"], record["lang"])]
        same = "same text" if _same_text(table, record) else "different text"
        rejects.append(_reject(Path(path), row, record["rec_id"], "duplicate", f"{same}; kept {kept_at}"))
    return table[~dupes], rejects


def _same_text(table: pd.DataFrame, record: dict) -> bool:
    first = table[(table["rec_id"] == record["rec_id"]) & (table["lang"] == record["lang"])].iloc[0]
    return first["text_sha256"] == record["text_sha256"]


def _infer_status(table: pd.DataFrame) -> pd.DataFrame:
    """Where the source gave no status, the latest edition of a number is in force, older ones superseded."""
    if table.empty:
        return table
    table = table.copy()
    latest = table.groupby("number")["approved"].transform(
        lambda dates: max((d for d in dates if d is not None), default=None)
    )
    unknown = table["status"] == ""
    is_latest = (table["approved"] == latest) | latest.isna()
    table.loc[unknown & is_latest, "status"] = "in_force"
    table.loc[unknown & ~is_latest, "status"] = "superseded"
    return table
