"""The trained classifier on synthetic data where the right answer is known."""
import json

import numpy as np
import pytest

from pipeline.labels import GoldLabel, LabelFileError, label_matrices, read_gold
from pipeline.model.classifier import ClassifierConfig, WsisClassifier
from pipeline.model.features import FEATURE_NAMES, Inputs
from pipeline.model.registry import ModelFileError, current_version, load_model, save_model, set_current
from pipeline.model.spaces import LabelSpaces
from pipeline.taxonomy import load_taxonomy

CODES = {"action_line": ("C2", "C5", "C6"), "sdg_goal": ("9", "16"), "sdg_target": ("9.1", "9.c", "16.a")}


def synthetic(n_recs=40, seed=0):
    """Documents near one of three directions; their line is that direction, their target follows."""
    rng = np.random.default_rng(seed)
    dim = 8
    axes = np.eye(dim)[:3]
    spaces = LabelSpaces(CODES, {"action_line": axes, "sdg_goal": np.eye(dim)[[0, 1]],
                                 "sdg_target": np.eye(dim)[[0, 2, 1]]}, np.array([0, 0, 1]))
    kind = np.repeat(np.arange(3), int(np.ceil(n_recs / 3)))[:n_recs]
    vectors = axes[kind] + rng.normal(0, 0.35, (n_recs, dim))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    target = {0: ("9.1",), 1: ("16.a",), 2: ()}
    gold = {f"R{i}": GoldLabel(f"R{i}", (CODES["action_line"][k],), target[k]) for i, k in enumerate(kind)}
    ids = list(gold)
    lexicon = {name: np.zeros((n_recs, len(c))) for name, c in CODES.items()}
    return spaces, Inputs(vectors, lexicon, np.array(ids)), label_matrices(ids, gold, CODES)


def test_learns_and_respects_the_decision_rules():
    spaces, inputs, labels = synthetic()
    model = WsisClassifier(spaces).fit(inputs, labels)
    proba = model.predict_proba(inputs)
    decided = model.decide(proba)
    lines = decided["action_line"]
    assert lines.any(axis=1).all()  # the top line is always assigned
    assert (lines == labels["action_line"].astype(bool)).mean() > 0.9
    assert all(0 <= p.min() and p.max() <= 1 for p in proba.values())
    goal_of = spaces.target_goal
    assert not (decided["sdg_target"] & ~decided["sdg_goal"][:, goal_of]).any()  # targets only under goals
    assert set(model.thresholds_) == set(CODES)
    assert model.cv_probabilities_["action_line"].shape == labels["action_line"].shape


def test_saved_model_scores_identically_and_tampering_is_refused(tmp_path):
    spaces, inputs, labels = synthetic()
    inputs.langs = np.array(["en", "fr"] * (len(inputs.groups) // 2))
    model = WsisClassifier(spaces).fit(inputs, labels)
    folder = save_model(model, tmp_path / "v1", {"version": "v1", "encoder_version": "e"})
    set_current(tmp_path, "v1")
    assert current_version(tmp_path) == "v1"
    loaded, metadata = load_model(folder)
    assert metadata["version"] == "v1"
    assert [loaded.heads_[n].degree for n in ("action_line", "sdg_goal", "sdg_target")] == [1, 1, 2]
    for name, p in model.predict_proba(inputs).items():
        assert np.array_equal(p, loaded.predict_proba(inputs)[name])
    arrays = folder / "arrays.npz"
    arrays.write_bytes(arrays.read_bytes()[:-10])  # truncated
    with pytest.raises(ModelFileError, match="tampered or truncated"):
        load_model(folder)
    with pytest.raises(ModelFileError, match="not a model folder"):
        load_model(tmp_path / "missing")


def test_gold_file_errors_name_each_row(tmp_path):
    path = tmp_path / "labels.jsonl"
    rows = [{"id": "ITU-T X.1 (01/2020)", "action_lines": ["C5"], "sdg_targets": ["16.a"]},
            {"id": "ITU-T X.2 (01/2020)", "action_lines": ["C99"], "sdg_targets": []},
            {"id": "ITU-T X.3 (01/2020)", "action_lines": ["C2"], "sdg_targets": ["9.z"]}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n{not json\n")
    with pytest.raises(LabelFileError) as error:
        read_gold(path, load_taxonomy())
    message = str(error.value)
    assert f"{path}:2: ITU-T X.2 (01/2020) has unknown label code(s) ['C99']" in message
    assert f"{path}:3: ITU-T X.3 (01/2020) has unknown label code(s) ['9.z']" in message
    assert f"{path}:4: invalid JSON" in message


def test_a_threshold_is_the_middle_of_an_f1_plateau_not_its_chance_peak():
    """Where several thresholds score (almost) the same out-of-fold F1, which of them peaks is down to a
    few examples; the middle of the plateau is what a retraining on nearly the same data also picks."""
    from pipeline.model.classifier import PLATEAU, THRESHOLD_GRID

    spaces, _, _ = synthetic()
    model = WsisClassifier(spaces, ClassifierConfig(cv_repeats=1, min_positives_for_own_threshold=1))
    truth = np.array([[True], [True], [False], [False]])
    # positives at 0.9, negatives at 0.1: every threshold from 0.2 to 0.8 separates them perfectly
    flat = model._choose_thresholds(np.array([[0.9], [0.9], [0.1], [0.1]]), truth)
    assert flat[0] == THRESHOLD_GRID[len(THRESHOLD_GRID) // 2] == 0.5
    # a negative at 0.42: only 0.45 to 0.8 are best, and their (lower) middle is chosen
    above = model._choose_thresholds(np.array([[0.9], [0.9], [0.42], [0.1]]), truth)
    assert above[0] == 0.6 and PLATEAU < 0.1


def test_thresholds_use_every_repeat_of_the_cross_validation():
    spaces, inputs, labels = synthetic()
    model = WsisClassifier(spaces, ClassifierConfig(cv_repeats=2)).fit(inputs, labels)
    assert model.cv_probabilities_["action_line"].shape == labels["action_line"].shape
    single = WsisClassifier(spaces, ClassifierConfig(cv_repeats=1)).fit(inputs, labels)
    assert not np.array_equal(model.cv_probabilities_["action_line"], single.cv_probabilities_["action_line"])


def test_a_document_about_one_target_is_close_to_its_goal():
    """Goal similarity is the mean of the goal prototype's and the goal's closest target's."""
    spaces, _, _ = synthetic()
    about_target_9c = np.eye(8)[[2]]  # orthogonal to goal 9's own prototype, equal to its target 9.c
    assert spaces.similarity("sdg_goal", about_target_9c).tolist() == [[0.5, 0.0]]
    assert spaces.similarity("action_line", about_target_9c).tolist() == [[0.0, 0.0, 1.0]]


def test_a_label_unseen_in_training_is_rare_not_impossible():
    from pipeline.model.classifier import label_log_priors

    labels = np.zeros((100, 3), dtype=np.int8)
    labels[:60, 0], labels[:6, 1] = 1, 1
    unshrunk, shrunk = label_log_priors(labels, 0.0), label_log_priors(labels, 30.0)
    assert np.allclose(unshrunk, np.log((np.array([60, 6, 0]) + 0.5) / 101))
    assert shrunk[0] > shrunk[1] > shrunk[2] > unshrunk[2] + 2  # order kept, the unseen label lifted


def test_the_language_offset_is_removed_so_translations_meet():
    """A multilingual encoder keeps a direction per language; without it the two versions of a text
    are closer to each other than to other texts in their own language."""
    from pipeline.model.features import language_offsets, without_language

    rng = np.random.default_rng(1)
    english = rng.normal(0, 1, (30, 16))
    french = english + 0.1 * rng.normal(0, 1, (30, 16)) + 3.0 * np.eye(16)[0]  # same subjects, shifted
    vectors = np.vstack([english, french])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    langs = np.array(["en"] * 30 + ["fr"] * 30)
    offsets = language_offsets(vectors, langs)
    assert set(offsets) == {"en", "fr"} and np.allclose(offsets["en"], -offsets["fr"])
    neutral = without_language(vectors, langs, offsets)
    assert np.allclose(np.linalg.norm(neutral, axis=1), 1.0)
    pairs_before = (vectors[:30] * vectors[30:]).sum(axis=1)
    pairs_after = (neutral[:30] * neutral[30:]).sum(axis=1)
    assert pairs_after.mean() > 0.9 > pairs_before.mean()
    assert ((neutral[30:] @ neutral[:30].T).argmax(axis=1) == np.arange(30)).all()  # each finds its original
    # a language with too few documents gets no offset and is left as it is
    assert language_offsets(vectors[:35], langs[:35]) == {}
    assert np.array_equal(without_language(vectors, langs, {}), vectors)
    assert np.array_equal(without_language(vectors[:1], np.array(["de"]), offsets), vectors[:1])


def test_each_language_votes_apart_so_one_cannot_crowd_out_the_other():
    """French training texts that happen to sit nearer a document than any English one (a matter of
    style, not subject) take all its votes in one pool; voting by language, each language's nearest
    neighbours carry half."""
    from pipeline.model.features import neighbour_votes

    doc = np.array([[1.0, 0.0]])
    angles = np.array([0.05, 0.06, 0.07, 0.30, 0.31, 0.32])  # the French three are the nearest
    train = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    langs = np.array(["fr", "fr", "fr", "en", "en", "en"])
    labels = np.array([[1, 0]] * 3 + [[0, 1]] * 3)  # French neighbours say one label, English the other
    one_pool = neighbour_votes(doc, train, labels, k=3)
    by_language = neighbour_votes(doc, train, labels, k=3, train_langs=langs)
    assert np.allclose(one_pool, [[1.0, 0.0]])
    assert np.allclose(by_language, [[0.5, 0.5]])
    # a pool with every member hidden (the document's own versions) does not dilute the other
    hidden = np.array([[True, True, True, False, False, False]])
    assert np.allclose(neighbour_votes(doc, train, labels, k=3, exclude=hidden, train_langs=langs), [[0.0, 1.0]])
    # one language only: the same votes as one pool
    assert np.array_equal(neighbour_votes(doc, train, labels, k=3, train_langs=np.array(["en"] * 6)), one_pool)


def test_goal_exemplars_teach_the_sdg_heads_and_leave_action_lines_alone():
    """Documents without action lines (goal exemplars) are unlabelled for action lines: the action-line
    head, its thresholds and the Recommendations' folds are what they were without them, while the goal
    head learns a goal no Recommendation carries."""
    from pipeline.labels import UNLABELLED

    spaces, inputs, labels = synthetic()
    model = WsisClassifier(spaces).fit(inputs, labels)
    rng = np.random.default_rng(5)
    near_16 = np.eye(8)[[1]] + rng.normal(0, 0.2, (10, 8))  # texts about goal 16's subject
    near_16 /= np.linalg.norm(near_16, axis=1, keepdims=True)
    n = len(near_16)
    extended = Inputs(np.vstack([inputs.vectors, near_16]),
                      {k: np.vstack([v, np.zeros((n, v.shape[1]))]) for k, v in inputs.lexicon.items()},
                      np.concatenate([inputs.groups, [f"exemplar:{i}" for i in range(n)]]))
    extra = {"action_line": np.full((n, 3), UNLABELLED, dtype=np.int8),
             "sdg_goal": np.tile(np.array([0, 1], dtype=np.int8), (n, 1)),
             "sdg_target": np.tile(np.array([0, 0, 1], dtype=np.int8), (n, 1))}
    with_exemplars = WsisClassifier(spaces, ClassifierConfig(exemplar_weight=1.0)).fit(
        extended, {k: np.vstack([labels[k], extra[k]]) for k in labels})
    assert np.array_equal(with_exemplars.thresholds_["action_line"], model.thresholds_["action_line"])
    assert np.allclose(with_exemplars.predict_proba(inputs)["action_line"], model.predict_proba(inputs)["action_line"])
    assert np.array_equal(with_exemplars.priors_["sdg_goal"], model.priors_["sdg_goal"])  # frequencies in ITU-T work
    probe = np.eye(8)[[1]]
    probe_inputs = Inputs(probe, {k: np.zeros((1, v.shape[1])) for k, v in inputs.lexicon.items()}, np.array(["P"]))
    goal_16 = CODES["sdg_goal"].index("16")
    assert (with_exemplars.predict_proba(probe_inputs)["sdg_goal"][0, goal_16]
            > model.predict_proba(probe_inputs)["sdg_goal"][0, goal_16])


def test_a_label_without_action_lines_is_unlabelled_for_action_lines_only():
    from pipeline.labels import UNLABELLED, labelled

    gold = {"R": GoldLabel("R", ("C5",), ("16.a",)), "exemplar:1a": GoldLabel("exemplar:1a", (), ("9.c",))}
    matrices = label_matrices(["R", "exemplar:1a"], gold, CODES)
    assert matrices["action_line"].tolist() == [[0, 1, 0], [UNLABELLED] * 3]
    assert matrices["sdg_goal"].tolist() == [[0, 1], [1, 0]]
    assert labelled(matrices["action_line"]).tolist() == [True, False]
    assert labelled(matrices["sdg_target"]).tolist() == [True, True]


def test_a_model_can_leave_features_out_and_is_saved_with_that_choice(tmp_path):
    """bench/quality.py measures each part of the classifier by training without it."""
    spaces, inputs, labels = synthetic()
    config = ClassifierConfig(features=("cosine", "neighbour_vote"), cv_repeats=1)
    model = WsisClassifier(spaces, config).fit(inputs, labels)
    assert model.heads_["action_line"].model_.coef_.shape == (1, 2)
    loaded, _ = load_model(save_model(model, tmp_path / "v", {"version": "v"}))
    assert loaded.config.features == ("cosine", "neighbour_vote")
    for name, p in model.predict_proba(inputs).items():
        assert np.array_equal(p, loaded.predict_proba(inputs)[name])


def test_the_heads_read_the_closest_sentence_as_configured_and_the_saved_model_too(tmp_path):
    """The action-line head reads the closest sentence's similarity and its centred value; the SDG
    heads the centred value only (``ClassifierConfig.left_out``)."""
    spaces, inputs, labels = synthetic()
    rng = np.random.default_rng(1)
    inputs.sentences = {name: spaces.similarity(name, inputs.vectors) + rng.uniform(0, 0.3, labels[name].shape)
                        for name in CODES}
    subset = inputs.subset(np.array([3, 1]))
    assert np.array_equal(subset.sentences["sdg_target"], inputs.sentences["sdg_target"][[3, 1]])
    model = WsisClassifier(spaces, ClassifierConfig(cv_repeats=1)).fit(inputs, labels)
    assert model.heads_["action_line"].model_.coef_.shape == (1, len(FEATURE_NAMES))
    assert model.heads_["sdg_goal"].model_.coef_.shape == (1, len(FEATURE_NAMES) - 1)
    assert model.heads_["sdg_target"].scaler_.mean_.shape == (len(FEATURE_NAMES) - 1,)
    loaded, _ = load_model(save_model(model, tmp_path / "v", {"version": "v"}))
    assert {k: tuple(v) for k, v in loaded.config.left_out.items()} == {"sdg_goal": ("sentence_best",),
                                                                       "sdg_target": ("sentence_best",)}
    with_sentences = model.predict_proba(inputs)
    for name, p in with_sentences.items():
        assert np.array_equal(p, loaded.predict_proba(inputs)[name])
    inputs.sentences = None  # each document then counts as its one sentence
    assert not np.allclose(model.predict_proba(inputs)["action_line"], with_sentences["action_line"])
