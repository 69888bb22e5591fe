import pandas as pd

from pipeline.evaluate import evaluate
from pipeline.labels import GoldLabel


def _rows(rec_id, lang, assigned, taxonomy="action_line", all_labels=("C2", "C5", "C6")):
    ranked = list(assigned) + [l for l in all_labels if l not in assigned]
    return [{"rec_id": rec_id, "lang": lang, "taxonomy": taxonomy, "label": l, "score": 0.5,
             "assigned": l in assigned, "rank": r, "evidence": "", "model_version": "t"}
            for r, l in enumerate(ranked, start=1)]


def test_metrics_agreement_and_confusion():
    gold = {"A": GoldLabel("A", ("C2",), ("9.1",)), "B": GoldLabel("B", ("C5", "C2"), ())}
    rows = (_rows("A", "all", ["C2"]) + _rows("B", "all", ["C5", "C6"])
            + _rows("B", "en", ["C5"]) + _rows("B", "fr", ["C6"])
            + _rows("A", "all", ["9"], "sdg_goal", ("9", "16")))
    evaluation = evaluate(pd.DataFrame(rows), gold)
    lines = evaluation.metrics["action_line"]
    # tp: A/C2, B/C5; fp: B/C6; fn: B/C2
    assert (lines["micro_precision"], lines["micro_recall"], lines["micro_f1"]) == (0.6667, 0.6667, 0.6667)
    assert evaluation.metrics["priority_lines_f1"] == {"C2": 0.6667, "C5": 1.0, "C6": 0.0}
    assert evaluation.metrics["sdg_goal"]["micro_f1"] == 1.0
    assert evaluation.metrics["fr_en_agreement"]["action_line"] == {"pairs": 1, "exact": 0.0, "jaccard": 0.0}
    assert evaluation.disagreements.to_dict("records") == [
        {"rec_id": "B", "taxonomy": "action_line", "en": "C5", "fr": "C6"}]
    assert evaluation.confusion.loc["C5", "C5"] == 1 and evaluation.confusion.loc["C2", "C2"] == 1
