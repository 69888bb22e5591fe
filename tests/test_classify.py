import numpy as np
import pandas as pd

from pipeline.classify import LabelSpace, classify, decide, zero_shot_scores
from pipeline.params import ClassifyParams
from pipeline.schemas import PREDICTIONS


def _unit(rows):
    rows = np.asarray(rows, dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def tiny_spaces():
    """Three dimensions: infrastructure, security, health."""
    return {
        "action_line": LabelSpace("action_line", ("C2", "C5", "C7"), ("", "", ""),
                                  _unit(np.eye(3))),
        "sdg_goal": LabelSpace("sdg_goal", ("3", "9"), ("", ""), _unit([[0, 0, 1], [1, 0, 0]])),
        "sdg_target": LabelSpace("sdg_target", ("3.8", "3.d", "9.1", "9.c"), ("3", "3", "9", "9"),
                                 _unit([[0, .2, 1], [0, 1, 1], [1, 0, .1], [1, .3, 0]])),
    }


class NoEvidence:
    def find(self, text, lang):
        return {"action_line:C5": (["encryption"], ["It uses encryption."])} if "encryption" in text else {}


def test_targets_are_scored_within_their_goal():
    spaces = tiny_spaces()
    scores = zero_shot_scores(_unit([[1, 0, 0]]), spaces, temperature=0.1)
    goal9 = scores["sdg_goal"][0, 1]
    assert np.isclose(scores["sdg_target"][0, 2:].sum(), goal9)
    assert np.isclose(scores["sdg_target"].sum(), 1.0)
    assert np.isclose(scores["action_line"].sum(), 1.0)


def test_top_line_always_assigned_secondary_only_above_threshold():
    spaces = tiny_spaces()
    params = ClassifyParams(temperature=0.1, action_line_min_score=0.3)
    scores = zero_shot_scores(_unit([[1, 0.95, 0], [0, 0, 1]]), spaces, params.temperature)
    assigned = decide(scores, spaces, params)["action_line"]
    assert assigned[0].tolist() == [True, True, False]
    assert assigned[1].tolist() == [False, False, True]


def test_fused_rows_average_the_two_languages():
    recs = pd.DataFrame({
        "rec_id": ["ITU-T X.1 (01/2020)", "ITU-T X.1 (01/2020)", "ITU-T G.1 (01/2020)"],
        "lang": ["en", "fr", "en"], "title": ["t", "t", "t"],
        "summary": ["It uses encryption.", "Chiffrement.", "Fibre."],
    })
    vectors = _unit([[0.2, 1, 0], [0.6, 1, 0], [1, 0, 0]])
    predictions = classify(recs, vectors, spaces=tiny_spaces(), evidence=NoEvidence(),
                           params=ClassifyParams(temperature=0.1), model_version="test")
    assert PREDICTIONS.validate(predictions).equals(predictions)
    key = ["rec_id", "lang", "taxonomy", "label"]
    score = predictions.set_index(key)["score"]
    for label in ("C2", "C5", "C7"):
        en = score[("ITU-T X.1 (01/2020)", "en", "action_line", label)]
        fr = score[("ITU-T X.1 (01/2020)", "fr", "action_line", label)]
        fused = score[("ITU-T X.1 (01/2020)", "all", "action_line", label)]
        assert np.isclose(fused, (en + fr) / 2, atol=1e-6)
    single = predictions[predictions["rec_id"] == "ITU-T G.1 (01/2020)"]
    assert set(single["lang"]) == {"en", "all"}
    c5 = predictions.set_index(key).loc[("ITU-T X.1 (01/2020)", "all", "action_line", "C5")]
    assert c5["assigned"] and "encryption" in c5["evidence"]
    assert c5["rank"] == 1
