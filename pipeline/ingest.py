"""Ingest: read every input into the ``recommendations`` table, accounting for every record.

Inputs are tables (CSV/TSV/JSON Lines/Parquet/XLSX, with the canonical columns of DESIGN.md or the
Relaton-derived ones), Relaton YAML records (files, directories, globs or a .tar.gz of them) and the
Recommendation documents themselves (DOCX, PDF, HTML, French or English). ``pipeline.readers`` turns
each file into raw records; this module holds every rule about what is kept, so all formats are judged
alike:

- each record is kept once, or rejected with a reason (``IngestResult.accounting`` adds them up);
- ``rec_id`` is canonical ("UIT-T G.652 (11/2016)" is "ITU-T G.652 (11/2016)"), which pairs the French
  and English versions of an edition and finds the same edition in two sources;
- the same edition and language from a second source is rejected as a duplicate naming the source
  kept, after lending the kept row any keywords, study group, date or title it lacked;
- the language comes from the source (a column, the column names, a Relaton record, a document's
  headings) and is detected only when none says;
- without a status from the source, the latest edition of a number is in force and older ones
  superseded; Relaton's "Withdrawal" means superseded when a later edition exists, withdrawn otherwise.
"""
from __future__ import annotations

import datetime as dt
import glob
import hashlib
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import pandas as pd

from pipeline.identifiers import NotARecommendation, parse_rec_id
from pipeline.language import detect_language
from pipeline.readers import (DUPLICATE, EMPTY_SUMMARY, INVALID_STATUS, MISSING_ID, NOT_ITU_T, UNKNOWN_LANGUAGE,
                              UNREADABLE, UNSUPPORTED, Limits, RawRecord, UnreadableFile, read_records, reader_for)
from pipeline.schemas import RECOMMENDATIONS, REJECTS
from pipeline.study_groups import normalise_study_group

# Alternative spellings of canonical columns, with the language a column name implies.
ALIASES: dict[str, tuple[str, str]] = {
    "itu_id": ("rec_id", ""),
    "identifier": ("rec_id", ""),
    "title_en": ("title", "en"),
    "abstract_en": ("summary", "en"),
    "summary_en": ("summary", "en"),
    "title_fr": ("title", "fr"),
    "abstract_fr": ("summary", "fr"),
    "summary_fr": ("summary", "fr"),
    "abstract": ("summary", ""),
    "study_groups": ("study_group", ""),
    "published": ("approved", ""),
    "language": ("lang", ""),
}
_WITHDRAWAL = "withdrawal"  # Relaton's stage: no longer in force, superseded or withdrawn (decided later)
STATUS_WORDS = {
    "in_force": "in_force", "in force": "in_force", "published": "in_force", "en vigueur": "in_force",
    "superseded": "superseded", "remplacée": "superseded",
    "withdrawn": "withdrawn", "supprimée": "withdrawn", "withdrawal": _WITHDRAWAL,
    "unknown": "unknown", "": "",
}
LANGUAGE_WORDS = {"en": "en", "eng": "en", "english": "en", "anglais": "en",
                  "fr": "fr", "fra": "fr", "fre": "fr", "french": "fr", "français": "fr", "francais": "fr"}
RECOMMENDATION_DOCTYPES = frozenset({"", "recommendation"})
FILE_LEVEL = frozenset({UNREADABLE, UNSUPPORTED})

Progress = Callable[[int, int], None]  # (bytes just read, total bytes of all inputs)


class IngestError(ValueError):
    """Raised under ``strict=True`` at the first file that cannot be read."""


@dataclass(frozen=True)
class IngestResult:
    recommendations: pd.DataFrame
    rejects: pd.DataFrame
    read: int

    @property
    def accounting(self) -> str:
        reasons = Counter(self.rejects["reason"])
        by_reason = ", ".join(f"{reason} {n}" for reason, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])))
        line = f"read {self.read}, kept {len(self.recommendations)}, rejected {len(self.rejects)}"
        return f"{line} ({by_reason})" if by_reason else line


def expand_inputs(inputs: Iterable[str | Path]) -> list[Path]:
    """Files, directories (searched recursively for every readable type) and globs, in a stable order.

    A named file is kept whatever its type, so that an unsupported one is reported, not skipped.
    """
    found: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and reader_for(p))
        elif path.exists():
            found.append(path)
        else:
            matches = sorted(Path(m) for m in glob.glob(str(item), recursive=True))
            if not matches:
                raise FileNotFoundError(f"{item}: no such file, directory or glob match")
            for match in matches:
                if match.is_dir():
                    found += sorted(p for p in match.rglob("*") if p.is_file() and reader_for(p))
                elif match.is_file():
                    found.append(match)
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


def _clean(text: str) -> str:
    """One space between words, and accents composed (NFC): a summary exported with decomposed accents
    ("e" + U+0301, as macOS and some PDF tools write it) is the same text, hashes the same and matches
    the same lexicon terms."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def text_sha256(title: str, summary: str) -> str:
    """Hash of exactly what the encoder reads, so a changed title or summary is re-embedded."""
    return hashlib.sha256(embedding_text(title, summary).encode("utf-8")).hexdigest()


def embedding_text(title: str, summary: str) -> str:
    return f"{' '.join(title.split())}\n{' '.join(summary.split())}".strip()


def ingest(inputs: Iterable[str | Path], *, strict: bool = False, limits: Limits = Limits(),
           progress: Progress | None = None) -> IngestResult:
    """Read ``inputs`` (files, directories, globs) into the recommendations table and its rejects.

    With ``strict``, the first file that cannot be read raises ``IngestError``; otherwise it is
    rejected and the run goes on. ``progress`` is called as input bytes are consumed.
    """
    paths = expand_inputs(inputs)
    run = _Run(strict)
    total = sum(_size(p) for p in paths)
    for path in paths:
        done = 0

        def advance(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress(n, total)

        try:
            for raw in read_records(path, limits, advance):
                run.take(raw, path)
        except UnreadableFile as exc:
            run.take(RawRecord(reason=UNREADABLE, detail=str(exc)), path)
        if progress and _size(path) > done:
            progress(_size(path) - done, total)
    return run.result()


class _Run:
    """The state of one ingest: kept rows by (rec_id, lang), rejects, and the latest edition seen per number."""

    def __init__(self, strict: bool):
        self.strict = strict
        self.read = 0
        self.kept: dict[tuple[str, str], dict] = {}
        self.rejects: list[dict] = []
        self._reject_keys: set[tuple[str, str, str]] = set()
        self.latest: dict[str, dt.date] = {}
        self._renames: dict[tuple[str, ...], tuple[dict[str, str], str]] = {}

    def take(self, raw: RawRecord, path: Path) -> None:
        self.read += 1
        fields, implied_lang = self._canonical(raw.fields)
        given_id = " ".join(fields.get("rec_id", "").split())
        if raw.reason:
            if self.strict and raw.reason in FILE_LEVEL:
                where = f"{path}:{raw.row}" if raw.row else str(path)
                raise IngestError(f"{where}: {raw.reason}: {raw.detail}")
            return self._reject(path, raw.row, given_id, raw.reason, raw.detail)
        if not given_id:
            return self._reject(path, raw.row, "", MISSING_ID)
        approved = _date(fields.get("approved", ""))
        try:
            rec = parse_rec_id(given_id, approved)
        except NotARecommendation as exc:
            return self._reject(path, raw.row, given_id, NOT_ITU_T, str(exc))
        doctype = fields.get("doctype", "").strip().lower()
        if doctype not in RECOMMENDATION_DOCTYPES:
            return self._reject(path, raw.row, rec.rec_id, NOT_ITU_T, f"doctype {doctype!r}")
        edition = approved or _edition_month(rec.rec_id)
        self._saw_edition(rec.number, edition)
        for other in fields.get("editions", "").split(";"):
            other = other.strip().removeprefix("ITU-T ")
            if other.startswith(f"{rec.number} ("):
                try:
                    self._saw_edition(rec.number, _edition_month(parse_rec_id(f"ITU-T {other}").rec_id))
                except NotARecommendation:
                    continue
        summary = _clean(fields.get("summary", ""))
        if not summary:
            return self._reject(path, raw.row, rec.rec_id, EMPTY_SUMMARY)
        title = _clean(fields.get("title", ""))
        given_lang = fields.get("lang", "").strip()
        lang = LANGUAGE_WORDS.get(given_lang.lower(), LANGUAGE_WORDS.get(given_lang.lower()[:2], ""))
        if given_lang and not lang:
            return self._reject(path, raw.row, rec.rec_id, UNKNOWN_LANGUAGE, f"lang={given_lang!r} is neither en nor fr")
        if not lang:
            lang = implied_lang or detect_language(f"{title} {summary}")
        if lang not in ("en", "fr"):
            found = f"detected {lang!r}" if lang else "detection was inconclusive"
            return self._reject(path, raw.row, rec.rec_id, UNKNOWN_LANGUAGE, f"no lang given; {found}")
        status = STATUS_WORDS.get(fields.get("status", "").strip().lower())
        if status is None:
            return self._reject(path, raw.row, rec.rec_id, INVALID_STATUS, fields.get("status", ""))
        row = {
            "rec_id": rec.rec_id, "number": rec.number, "series": rec.series, "lang": lang,
            "title": title, "summary": summary, "keywords": _clean(fields.get("keywords", "")),
            "study_group": normalise_study_group(fields.get("study_group", "")), "approved": approved,
            "status": status, "source": f"{path}:{raw.row}" if raw.row else str(path),
            "text_sha256": text_sha256(title, summary), "_edition": edition,
        }
        first = self.kept.get((rec.rec_id, lang))
        if first is None:
            self.kept[(rec.rec_id, lang)] = row
            return None
        same = "same text as" if first["text_sha256"] == row["text_sha256"] else "different text from"
        lent = _lend(first, row)
        detail = f"{same} {first['source']}, which was kept" + (f"; it lent the kept row its {lent}" if lent else "")
        return self._reject(path, raw.row, rec.rec_id, DUPLICATE, detail)

    def _saw_edition(self, number: str, edition: dt.date | None) -> None:
        """Remember the latest edition known of each number, from records kept or not and from the
        editions a Relaton record lists, so an older edition is superseded even if the newer one
        has no summary."""
        if edition and edition > self.latest.get(number, dt.date.min):
            self.latest[number] = edition

    def _reject(self, path: Path, row: str, rec_id: str, reason: str, detail: str = "") -> None:
        """Record a reject; a repeated locator (an archive may hold two members of one name) gets "~2"."""
        key, n = (str(path), row, reason), 1
        while key in self._reject_keys:
            n += 1
            key = (str(path), f"{row}~{n}", reason)
        self._reject_keys.add(key)
        self.rejects.append({"source": key[0], "row": key[1], "rec_id": rec_id, "reason": reason, "detail": detail})

    def _canonical(self, fields: dict[str, str]) -> tuple[dict[str, str], str]:
        """Rename alias columns (once per distinct header); return the language the names imply."""
        key = tuple(fields)
        if key not in self._renames:
            lowered = {name: str(name).strip().lower() for name in key}
            present = set(lowered.values())
            renames, implied = {}, ""
            for name, low in lowered.items():
                target, lang = ALIASES.get(low, (low, ""))
                if target != low and (target in present or target in renames.values()):
                    target, lang = low, ""
                renames[name] = target
                implied = implied or lang
            self._renames[key] = (renames, implied)
        renames, implied = self._renames[key]
        return {renames[name]: ("" if value is None else str(value)) for name, value in fields.items()}, implied

    def result(self) -> IngestResult:
        rows = list(self.kept.values())
        for row in rows:
            row["status"] = self._status(row)
        table = pd.DataFrame.from_records(rows, columns=RECOMMENDATIONS.names)
        table = table.sort_values(["rec_id", "lang"], kind="stable")
        rejects = pd.DataFrame.from_records(self.rejects, columns=REJECTS.names)
        return IngestResult(RECOMMENDATIONS.validate(table),
                            REJECTS.validate(rejects) if len(rejects) else REJECTS.empty(), self.read)

    def _status(self, row: dict) -> str:
        if row["status"] not in ("", _WITHDRAWAL):
            return row["status"]
        latest = self.latest.get(row["number"])
        newer_exists = row["_edition"] is not None and latest is not None and row["_edition"] < latest
        if row["status"] == _WITHDRAWAL:
            return "superseded" if newer_exists else "withdrawn"
        return "superseded" if newer_exists else "in_force"


def _lend(kept: dict, other: dict) -> str:
    """Fill the kept row's empty fields from a duplicate of it; say which were filled."""
    lent = [name for name in ("title", "keywords", "study_group", "approved") if not kept[name] and other[name]]
    for name in lent:
        kept[name] = other[name]
    if "title" in lent:
        kept["text_sha256"] = text_sha256(kept["title"], kept["summary"])
    if "approved" in lent and kept["_edition"] is None:
        kept["_edition"] = other["_edition"]
    return ", ".join(lent).replace("approved", "approval date").replace("_", " ")


def _date(text: str) -> dt.date | None:
    """ISO dates (nearly all inputs) directly; anything else as pandas reads it; None if unreadable."""
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    value = pd.to_datetime(text, errors="coerce", dayfirst=not text[:4].isdigit())
    return None if pd.isna(value) else value.date()


def _edition_month(rec_id: str) -> dt.date | None:
    """The first of the "(MM/YYYY)" month in a rec_id: enough to order editions that lack a date."""
    tail = rec_id.rstrip(")").rsplit("(", 1)[-1]
    try:
        month, year = tail.split("/")
        return dt.date(int(year), int(month), 1)
    except ValueError:
        return None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
