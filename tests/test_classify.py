import numpy as np
import pandas as pd

from pipeline.classify import Found, classify, closest_sentence_similarity
from pipeline.model.spaces import LabelSpaces
from pipeline.model.zero_shot import ZeroShotScorer
from pipeline.params import ClassifyParams
from pipeline.schemas import PREDICTIONS
from pipeline.text import sentences


def _unit(rows):
    rows = np.asarray(rows, dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def tiny_spaces() -> LabelSpaces:
    """Three dimensions: infrastructure, security, health."""
    return LabelSpaces(
        codes={"action_line": ("C2", "C5", "C7"), "sdg_goal": ("3", "9"),
               "sdg_target": ("3.8", "3.d", "9.1", "9.c")},
        prototypes={"action_line": _unit(np.eye(3)), "sdg_goal": _unit([[0, 0, 1], [1, 0, 0]]),
                    "sdg_target": _unit([[0, .2, 1], [0, 1, 1], [1, 0, .1], [1, .3, 0]])},
        target_goal=np.array([0, 0, 1, 1]),
    )


class TermsOnly:
    def find(self, text, lang, rec_id=""):
        labels = {"action_line:C5": (["encryption"], ["It uses encryption."])} if "encryption" in text else {}
        return Found(sentences(text, lang), labels)


class Inputs:
    def __init__(self, vectors):
        self.vectors = vectors


def test_targets_are_scored_within_their_goal():
    scorer = ZeroShotScorer(tiny_spaces(), ClassifyParams(temperature=0.1))
    scores = scorer.predict_proba(Inputs(_unit([[1, 0, 0]])))
    assert np.isclose(scores["sdg_target"][0, 2:].sum(), scores["sdg_goal"][0, 1])
    assert np.isclose(scores["sdg_target"].sum(), 1.0)
    assert np.isclose(scores["action_line"].sum(), 1.0)


def test_top_line_always_assigned_secondary_only_above_threshold():
    scorer = ZeroShotScorer(tiny_spaces(), ClassifyParams(temperature=0.1, action_line_min_score=0.3))
    assigned = scorer.decide(scorer.predict_proba(Inputs(_unit([[1, 0.95, 0], [0, 0, 1]]))))["action_line"]
    assert assigned[0].tolist() == [True, True, False]
    assert assigned[1].tolist() == [False, False, True]


def test_fused_rows_average_the_two_languages_and_carry_evidence():
    recs = pd.DataFrame({
        "rec_id": ["ITU-T X.1 (01/2020)", "ITU-T X.1 (01/2020)", "ITU-T G.1 (01/2020)"],
        "lang": ["en", "fr", "en"], "title": ["t", "t", "t"],
        "summary": ["It uses encryption.", "Chiffrement.", "Fibre cables. Ducts."],
    })
    vectors = _unit([[0.2, 1, 0], [0.6, 1, 0], [1, 0, 0]])
    spaces = tiny_spaces()
    predictions = classify(recs, vectors, scorer=ZeroShotScorer(spaces, ClassifyParams(temperature=0.1)),
                           spaces=spaces, evidence=TermsOnly(), model_version="test",
                           sentence_vectors=lambda sents: _unit([[1, 0, 0] if s == "Ducts." else [0, 0.1, 1]
                                                                 for s in sents]))
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
    indexed = predictions.set_index(key)
    c5 = indexed.loc[("ITU-T X.1 (01/2020)", "all", "action_line", "C5")]
    assert c5["assigned"] and c5["rank"] == 1
    assert c5["evidence"] == "terms: encryption | «It uses encryption.»"
    c2 = indexed.loc[("ITU-T G.1 (01/2020)", "all", "action_line", "C2")]
    assert c2["assigned"] and c2["evidence"] == "closest sentence: «Ducts.»"


def test_each_label_is_scored_by_the_sentence_closest_to_it():
    """A document about fibre with one sentence on security is near C5 in that sentence, though its
    other sentences pull its average away."""
    spaces = tiny_spaces()
    vectors = {"Fibre.": [1, 0, 0], "Ducts.": [1, 0.1, 0], "Keys are secret.": [0, 1, 0], "Health.": [0, 0, 1]}
    found = [Found(["Fibre.", "Ducts.", "Keys are secret."], {}), Found([], {}), Found(["Health."], {})]
    asked = []

    def sentence_vectors(sents):
        asked.append(list(sents))
        return _unit([vectors[s] for s in sents])

    closest = closest_sentence_similarity(found, spaces, sentence_vectors)
    assert asked == [["Fibre.", "Ducts.", "Keys are secret.", "Health."]]  # one lookup for all documents
    assert np.allclose(closest["action_line"], [[1, 1, 0], [0, 0, 0], [0, 0, 1]])
    first = _unit([vectors[s] for s in found[0].sentences])
    assert np.allclose(closest["sdg_target"][0], (first @ spaces.prototypes["sdg_target"].T).max(axis=0))
    assert np.allclose(closest["sdg_goal"][0], spaces.similarity("sdg_goal", first).max(axis=0))
