"""The bundled sample corpus is the demo's input and the tests' fixture: check it is what we promise."""
import json

import pandas as pd

from pipeline.ingest import ingest
from pipeline.study_groups import CURRENT
from pipeline.taxonomy import ACTION_LINES, load_taxonomy
from tests.conftest import SAMPLE, word_runs


def test_sample_is_bilingual_and_spans_every_study_group():
    result = ingest([SAMPLE / "recommendations.csv"])
    recs = result.recommendations
    assert result.rejects.empty
    assert recs["rec_id"].nunique() >= 60
    assert set(recs["study_group"]) == set(CURRENT)
    languages = recs.groupby("rec_id")["lang"].apply(frozenset)
    assert (languages == frozenset({"en", "fr"})).all()
    assert {"in_force", "superseded"} <= set(recs["status"])


def test_every_sample_recommendation_is_labelled_with_known_codes():
    labels = [json.loads(line) for line in (SAMPLE.parents[1] / "labels" / "sample.jsonl").read_text().splitlines()]
    recs = pd.read_csv(SAMPLE / "recommendations.csv", dtype=str)
    assert {l["id"] for l in labels} == set(recs["rec_id"])
    targets = {t.code for t in load_taxonomy().targets}
    for label in labels:
        assert 1 <= len(label["action_lines"]) <= 3 and set(label["action_lines"]) <= set(ACTION_LINES)
        assert len(label["sdg_targets"]) <= 3 and set(label["sdg_targets"]) <= targets
        assert label["confidence"] in {"high", "medium", "low"}
    primary = {l["action_lines"][0] for l in labels}
    assert {"C2", "C5", "C6", "C7"} <= primary


def test_sample_is_not_the_dev_set(shared):
    dev = pd.read_csv(shared / "data" / "dev" / "dev_items.csv", dtype=str)
    dev_numbers = {i.split()[1] for i in dev["itu_id"]}
    sample = pd.read_csv(SAMPLE / "recommendations.csv", dtype=str)
    assert not dev_numbers & set(sample["number"])


def test_sample_summaries_are_our_own_words(shared):
    """No English sample summary shares a run of 10 words with any official abstract in the catalogue
    (shorter runs are names: "the UN Convention on the Rights of Persons with Disabilities")."""
    catalogue = pd.read_csv(shared / "data" / "itu-t-relaton" / "itu_t_inforce_recommendations.csv", dtype=str)
    official = set().union(*(word_runs(text, 10) for text in catalogue["abstract_en"].dropna()))
    sample = pd.read_csv(SAMPLE / "recommendations.csv", dtype=str)
    english = sample[sample["lang"] == "en"]
    copied = [rec_id for rec_id, summary in zip(english["rec_id"], english["summary"]) if word_runs(summary, 10) & official]
    assert not copied


def test_calibration_set_is_the_first_part_of_the_sample():
    """The int8 encoder is calibrated on a frozen copy of the sample's first 128 Recommendations, so that
    growing the sample never changes the encoder (and every cached vector with it)."""
    calibration = pd.read_csv(SAMPLE.parent / "calibration" / "recommendations.csv", dtype=str)
    sample = pd.read_csv(SAMPLE / "recommendations.csv", dtype=str)
    assert calibration["rec_id"].nunique() == 128
    assert list(calibration["rec_id"].unique()) == list(sample["rec_id"].unique()[:128])
    assert ingest([SAMPLE.parent / "calibration"]).rejects.empty
