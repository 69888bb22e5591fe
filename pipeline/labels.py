"""Gold labels in the labelling guide's JSON Lines format, checked row by row, and as label matrices."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

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


def read_gold(path: Path, taxonomy: Taxonomy) -> dict[str, GoldLabel]:
    """Read ``path``; every invalid row is reported (file, line, problem) in one LabelFileError."""
    targets = {t.code for t in taxonomy.targets}
    gold: dict[str, GoldLabel] = {}
    problems = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: invalid JSON ({exc.msg})")
            continue
        rec_id = str(record.get("id", "")).strip()
        lines = tuple(record.get("action_lines") or ())
        sdgs = tuple(str(t) for t in record.get("sdg_targets") or ())
        bad = [c for c in lines if c not in ACTION_LINES] + [t for t in sdgs if t not in targets]
        if not rec_id:
            problems.append(f"{where}: missing id")
        elif not lines:
            problems.append(f"{where}: {rec_id} has no action line")
        elif bad:
            problems.append(f"{where}: {rec_id} has unknown label code(s) {bad}")
        elif rec_id in gold:
            problems.append(f"{where}: {rec_id} is labelled twice")
        else:
            gold[rec_id] = GoldLabel(rec_id, lines, sdgs, str(record.get("confidence", "")))
    if problems:
        raise LabelFileError("\n".join(problems))
    return gold


def label_matrices(rec_ids: list[str], gold: dict[str, GoldLabel],
                   codes: dict[str, tuple[str, ...]]) -> dict[str, np.ndarray]:
    """Binary (n_docs, n_labels) matrices per taxonomy; a document's goals follow from its targets."""
    out = {}
    for name, getter in (("action_line", lambda g: g.action_lines), ("sdg_goal", lambda g: g.sdg_goals),
                         ("sdg_target", lambda g: g.sdg_targets)):
        index = {code: j for j, code in enumerate(codes[name])}
        matrix = np.zeros((len(rec_ids), len(index)), dtype=np.int8)
        for i, rec_id in enumerate(rec_ids):
            for code in getter(gold[rec_id]):
                matrix[i, index[code]] = 1
        out[name] = matrix
    return out
