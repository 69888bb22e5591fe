import numpy as np
from sklearn.utils.estimator_checks import parametrize_with_checks

from pipeline.model.relevance import RelevanceClassifier, second_degree


@parametrize_with_checks([RelevanceClassifier(), RelevanceClassifier(degree=2)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_a_second_degree_head_learns_what_two_features_mean_together():
    """Relevant only when both a target's own evidence and its goal's probability are high: a product,
    which a linear head over the two features cannot form."""
    rng = np.random.default_rng(0)
    evidence, goal = rng.uniform(0, 1, 4000), rng.uniform(0, 1, 4000)
    X = np.column_stack([evidence, goal])
    y = (evidence * goal > 0.4).astype(int)
    linear = RelevanceClassifier().fit(X, y)
    second = RelevanceClassifier(degree=2).fit(X, y)

    def log_loss(model):
        p = np.clip(model.predict_proba(X)[:, 1], 1e-9, 1 - 1e-9)
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    assert log_loss(second) < 0.6 * log_loss(linear)  # 0.025 against 0.057 when written


def test_second_degree_is_the_columns_then_every_product_of_two_squares_included():
    Z = np.random.default_rng(1).standard_normal((7, 3)).astype(np.float32)
    products = [Z[:, i] * Z[:, j] for i in range(3) for j in range(i, 3)]  # (0,0) (0,1) (0,2) (1,1) ...
    out = second_degree(Z)
    assert out.dtype == np.float32 and out.flags["C_CONTIGUOUS"]
    np.testing.assert_array_equal(out, np.column_stack([Z, *products]))
    assert second_degree(Z[:0]).shape == (0, 9)


def test_a_second_degree_head_scores_as_its_expanded_design_without_building_it():
    """``predict_proba`` takes the products' weights as a quadratic form; the logistic regression over
    the standardised products, which the head was fitted on, gives the same scores."""
    rng = np.random.default_rng(2)
    X = rng.standard_normal((500, 6)) * [1, 2, 0.5, 3, 1, 0] + [0, 1, -2, 0, 5, 1]  # a constant column too
    y = (X[:, 0] * X[:, 1] + X[:, 2] + rng.normal(0, 0.5, 500) > 0).astype(int)
    head = RelevanceClassifier(degree=2, C=0.1).fit(X, y)
    new = rng.standard_normal((300, 6)) * 2
    expanded = head.model_.predict_proba(head._design(new))
    np.testing.assert_allclose(head.predict_proba(new), expanded, rtol=0, atol=1e-12)
    np.testing.assert_allclose(head.decision_function(new), head.model_.decision_function(head._design(new)),
                               rtol=0, atol=1e-12)
    assert head._second_degree_logit(new) is not None  # the quadratic form, not the design, gave the scores
