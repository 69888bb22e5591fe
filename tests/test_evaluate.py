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


def _scored(rec_id, scores, taxonomy="action_line"):
    return [{"rec_id": rec_id, "lang": "all", "taxonomy": taxonomy, "label": label, "score": score,
             "assigned": score >= 0.5, "rank": rank, "evidence": "", "model_version": "t"}
            for rank, (label, score) in enumerate(scores.items(), start=1)]


def test_calibration_measures_scores_against_gold():
    # ten Recommendations, C2 scored 0.75 for each and true for 7 or 8 of them as a calibrated score
    # would be; C5 scored 0.85 and never true: overconfident.
    gold = {f"R{i}": GoldLabel(f"R{i}", ("C2",) if i < 7 else ("C6",), ()) for i in range(10)}
    gold["R7"] = GoldLabel("R7", ("C2", "C6"), ())
    rows = [row for i in range(10) for row in _scored(f"R{i}", {"C2": 0.75, "C5": 0.85, "C6": 0.05})]
    rows += _scored("not-in-gold", {"C2": 0.99})
    evaluation = evaluate(pd.DataFrame(rows), gold)
    c = evaluation.metrics["calibration"]["action_line"]
    assert c["pairs"] == 30 and c["observed_true"] == 8 + 3
    assert c["expected_true"] == round(10 * (0.75 + 0.85 + 0.05), 1)
    # brier: C2 8 x 0.0625 + 2 x 0.5625; C5 10 x 0.7225; C6 7 x 0.0025 + 3 x 0.9025 over 30 pairs
    assert c["brier"] == round((8 * 0.0625 + 2 * 0.5625 + 10 * 0.7225 + 7 * 0.0025 + 3 * 0.9025) / 30, 4)
    table = evaluation.reliability.set_index("range")
    assert table.loc["0.7-0.8", "observed"] == 0.8 and table.loc["0.8-0.9", "observed"] == 0.0
    assert table.loc["0.0-0.1", "pairs"] == 10 and round(table.loc["0.0-0.1", "observed"], 2) == 0.3
    # ECE: |0.75-0.8| x 10 + |0.85-0| x 10 + |0.05-0.3| x 10, over 30
    assert c["ece"] == round((0.05 * 10 + 0.85 * 10 + 0.25 * 10) / 30, 4)


def test_a_perfectly_calibrated_score_has_no_calibration_error():
    gold = {f"R{i}": GoldLabel(f"R{i}", ("C2",) if i < 5 else ("C6",), ()) for i in range(10)}
    rows = [row for i in range(10) for row in _scored(f"R{i}", {"C2": 0.5, "C6": 0.5})]
    c = evaluate(pd.DataFrame(rows), gold).metrics["calibration"]["action_line"]
    assert c["ece"] == 0.0 and c["brier"] == 0.25 and c["expected_true"] == c["observed_true"] == 10


def test_f1_intervals_bracket_the_estimate_and_narrow_with_more_recommendations():
    from pipeline.evaluate import f1_intervals

    def case(n):  # n Recommendations on C5, one in six missed; n more on C2, all found
        gold = {f"S{i}": {"C5"} for i in range(n)} | {f"N{i}": {"C2"} for i in range(n)}
        predicted = {f"S{i}": set() if i % 6 == 0 else {"C5"} for i in range(n)} | {f"N{i}": {"C2"} for i in range(n)}
        return f1_intervals(predicted, gold, ["C5", "C2", "C6"])

    small, large = case(6), case(60)
    assert small["C2"] == [1.0, 1.0] and small["C6"] is None
    # C5: 5 of 6 found, F1 0.909; micro over both lines 11 of 12, F1 0.957
    assert small["C5"][0] < 0.909 < small["C5"][1] == 1.0 and small["micro"][0] < 0.957 <= small["micro"][1]
    assert large["C5"][1] - large["C5"][0] < (small["C5"][1] - small["C5"][0]) / 2
    assert case(6) == small  # seeded
    assert f1_intervals({}, {"A": {"C5"}}, ["C5"]) == {"C5": None, "micro": None}


def test_evaluate_reports_intervals_for_micro_f1_and_the_priority_lines():
    gold = {"A": GoldLabel("A", ("C2",), ()), "B": GoldLabel("B", ("C5", "C2"), ())}
    evaluation = evaluate(pd.DataFrame(_rows("A", "all", ["C2"]) + _rows("B", "all", ["C5", "C6"])), gold)
    intervals = evaluation.metrics["priority_lines_f1_interval"]
    assert set(intervals) == {"C2", "C5", "C6"}
    assert intervals["C6"] == [0.0, 0.0] and intervals["C5"][1] == 1.0
    low, high = evaluation.metrics["action_line"]["micro_f1_interval"]
    assert low <= 0.6667 <= high
