"""Gold labels — the labelling guide's JSON Lines, or CSV/XLSX with the same fields (a filled review
sheet) — checked row by row, and turned into label matrices."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

from pipeline.taxonomy import ACTION_LINES, Taxonomy


class LabelFileError(ValueError):
    """A labels file has rows that cannot be used; the message lists each one."""


@dataclass(frozen=True)
class GoldLabel:
    rec_id: str
    action_lines: tuple[str, ...]
    sdg_targets: tuple[str, ...]
    confidence: str = ""

    @property
    def sdg_goals(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.split(".")[0] for t in self.sdg_targets))


# the GoldLabel field that holds each taxonomy's labels
GOLD_FIELD = {"action_line": "action_lines", "sdg_goal": "sdg_goals", "sdg_target": "sdg_targets"}


def _codes(value: object) -> tuple[str, ...]:
    """A list from JSON, or a cell like "C2, C5" / "9.1;9.c" from a spreadsheet."""
    if isinstance(value, (list, tuple)):
        return tuple(str(v).strip() for v in value if str(v).strip())
    if value is None or (isinstance(value, float) and value != value):
        return ()
    return tuple(c for c in re.split(r"[\s,;]+", str(value).strip()) if c)


def _records(path: Path) -> Iterator[tuple[int, dict | str]]:
    """(row number, record) pairs; a record that cannot be parsed is its error message instead."""
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, f"invalid JSON ({exc.msg})"
                continue
            yield number, record if isinstance(record, dict) else "not a JSON object"
        return
    try:
        if path.suffix.lower() == ".xlsx":
            frame = pd.read_excel(path, sheet_name=0, dtype=str, keep_default_na=False)
        elif path.suffix.lower() in (".csv", ".tsv"):
            frame = pd.read_csv(path, sep="\t" if path.suffix.lower() == ".tsv" else ",", dtype=str,
                                keep_default_na=False, encoding="utf-8-sig")
        else:
            raise LabelFileError(f"{path}: labels must be .jsonl, .csv, .tsv or .xlsx")
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise LabelFileError(f"{path}: unreadable ({type(exc).__name__}: {exc})") from exc
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if "id" not in frame.columns and "rec_id" in frame.columns:
        frame = frame.rename(columns={"rec_id": "id"})
    for column in ("id", "action_lines"):
        if column not in frame.columns:
            raise LabelFileError(f"{path}: no '{column}' column (found {list(frame.columns)})")
    for position, record in enumerate(frame.to_dict("records")):
        yield position + 2, {k: ("" if v is None or v != v else v) for k, v in record.items()}


def read_gold(path: Path, taxonomy: Taxonomy, *, skip_unfilled: bool = False) -> dict[str, GoldLabel]:
    """Read labels from JSON Lines, CSV or XLSX; every invalid row is reported (file, row, problem)
    in one LabelFileError, so nothing is silently dropped.

    ``skip_unfilled`` is for review sheets: a row whose action_lines cell is still empty has not been
    reviewed yet and is skipped rather than refused.
    """
    path = Path(path)
    targets = {t.code for t in taxonomy.targets}
    gold: dict[str, GoldLabel] = {}
    problems = []
    for number, record in _records(path):
        where = f"{path}:{number}"
        if isinstance(record, str):
            problems.append(f"{where}: {record}")
            continue
        rec_id = " ".join(str(record.get("id", "")).split())
        lines = _codes(record.get("action_lines"))
        sdgs = _codes(record.get("sdg_targets"))
        bad = [c for c in lines if c not in ACTION_LINES] + [t for t in sdgs if t not in targets]
        if not rec_id:
            problems.append(f"{where}: missing id")
        elif not lines:
            if not skip_unfilled:
                problems.append(f"{where}: {rec_id} has no action line")
        elif bad:
            problems.append(f"{where}: {rec_id} has unknown label code(s) {bad}")
        elif len(lines) > 3 or len(sdgs) > 3:
            problems.append(f"{where}: {rec_id} has more than 3 action lines or SDG targets")
        elif rec_id in gold:
            problems.append(f"{where}: {rec_id} is labelled twice")
        else:
            gold[rec_id] = GoldLabel(rec_id, lines, sdgs, str(record.get("confidence", "")))
    if problems:
        raise LabelFileError("\n".join(problems))
    return gold


UNLABELLED = -1  # a whole row of it: the document is not labelled in this taxonomy


def label_matrices(rec_ids: list[str], gold: dict[str, GoldLabel],
                   codes: dict[str, tuple[str, ...]]) -> dict[str, np.ndarray]:
    """Binary (n_docs, n_labels) matrices per taxonomy; a document's goals follow from its targets.

    A label without action lines (a goal exemplar: gold files always give one) gets an ``UNLABELLED``
    action-line row: it teaches the SDG heads only."""
    out = {}
    for name, getter in (("action_line", lambda g: g.action_lines), ("sdg_goal", lambda g: g.sdg_goals),
                         ("sdg_target", lambda g: g.sdg_targets)):
        index = {code: j for j, code in enumerate(codes[name])}
        matrix = np.zeros((len(rec_ids), len(index)), dtype=np.int8)
        for i, rec_id in enumerate(rec_ids):
            if name == "action_line" and not gold[rec_id].action_lines:
                matrix[i] = UNLABELLED
            for code in getter(gold[rec_id]):
                matrix[i, index[code]] = 1
        out[name] = matrix
    return out


def labelled(matrix: np.ndarray) -> np.ndarray:
    """(n_docs,) True where the document is labelled in this taxonomy (``label_matrices``)."""
    return matrix.min(axis=1, initial=0) != UNLABELLED
