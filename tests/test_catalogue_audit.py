"""The catalogue audits behind bench/catalogue_audit.py: well formed, held out from the training sample,
and the keyword audit's stratified estimate weighted as its sampling was."""
import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline.identifiers import parse_rec_id

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("catalogue_audit", ROOT / "bench" / "catalogue_audit.py")
catalogue_audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(catalogue_audit)


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("path", list(catalogue_audit.AUDITS.values()), ids=lambda p: p.name)
def test_each_audit_row_names_a_recommendation_once_with_a_judgement_and_a_reason(path):
    rows = read(path)
    assert len({row["id"] for row in rows}) == len(rows)
    for row in rows:
        assert parse_rec_id(row["id"]).rec_id == row["id"]
        assert isinstance(row["applies"], bool) and row["reason"].strip()
    assert len({row["label"] for row in rows}) == 1


def test_the_c6_audits_are_disjoint_and_no_audited_text_is_in_the_training_sample():
    c6, c6_keyword, c5_keyword = ({parse_rec_id(row["id"]).number for row in read(path)} for path in
                                  (catalogue_audit.AUDIT, catalogue_audit.KEYWORD_AUDIT, catalogue_audit.C5_KEYWORD_AUDIT))
    sample = set(pd.read_csv(catalogue_audit.SAMPLE, dtype=str)["number"])
    assert not c6 & c6_keyword
    assert not (c6 | c6_keyword | c5_keyword) & sample


def test_the_keyword_audit_weights_each_text_by_its_stratum_size_over_the_texts_audited_there():
    sizes = [{(row["drawn_from"], row["stratum_size"]) for row in read(path)}
             for path in (catalogue_audit.KEYWORD_AUDIT, catalogue_audit.C5_KEYWORD_AUDIT)]
    assert sizes == [{("keyword, labelled C6", 141), ("keyword, not labelled C6", 535)},
                     {("keyword, labelled C5", 278), ("keyword, not labelled C5", 251)}]
    # Stratum A: 10 texts, 2 audited, both predicted, one applies (weight 5 each).
    # Stratum B: 90 texts, 3 audited, none predicted, one applies (weight 30 each).
    audit = pd.DataFrame({"id": list("abcde"), "drawn_from": list("AABBB"), "stratum_size": [10, 10, 90, 90, 90],
                          "applies": [True, False, True, False, False]})
    estimate = catalogue_audit.weighted(audit, {"a": True, "b": True})
    assert estimate == {"population": 100, "precision": 0.5, "recall": round(5 / 35, 3)}
