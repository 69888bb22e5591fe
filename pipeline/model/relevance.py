"""The relevance head: a scikit-learn classifier giving calibrated probabilities from pair features."""
from __future__ import annotations

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data


def second_degree(Z: np.ndarray) -> np.ndarray:
    """``Z`` followed by every product of two of its columns, squares included (i <= j).

    The products are taken a column at a time from a transposed copy, which gives the same array to the
    bit as fancy-indexing the columns of a tall row-major array (``Z[:, i] * Z[:, j]``), only faster:
    classifying 5,000 Recommendations in one call (845,000 target pairs) went from 9.9 to 8.8 s when
    scoring still built this array (bench/RESULTS.md); fitting does."""
    n, d = Z.shape
    columns = np.ascontiguousarray(Z.T)
    out = np.empty((n, d + d * (d + 1) // 2), dtype=Z.dtype)
    out[:, :d] = Z
    for k, (i, j) in enumerate(zip(*np.triu_indices(d))):
        np.multiply(columns[i], columns[j], out=out[:, d + k])
    return out


class RelevanceClassifier(ClassifierMixin, BaseEstimator):
    """Standardised features into an L2-regularised logistic regression.

    Why logistic regression: it is fitted by log-loss, so its outputs are calibrated probabilities
    without a separate calibration split — which matters when the labelled set is a few hundred pairs.

    With ``degree=2`` the standardised features are followed by their pairwise products and squares,
    standardised again: a feature's weight can then depend on another's (a target's similarity counts
    for more when its goal is likely) and bend (a goal probability of 0.9 is not three times 0.3).
    Still one logistic regression, so still calibrated.
    """

    def __init__(self, C: float = 1.0, max_iter: int = 100, degree: int = 1, tol: float = 1e-8):
        self.C = C
        self.max_iter = max_iter
        self.degree = degree
        self.tol = tol

    def fit(self, X, y, sample_weight=None):
        X, y = validate_data(self, X, y)
        check_classification_targets(y)
        if self.degree not in (1, 2):
            raise ValueError(f"degree must be 1 or 2, not {self.degree!r}")
        # A constant feature (a target's goal context is 1 for every action-line pair) can get a weighted
        # variance of -1e-17; the scaler treats it as constant either way, without the sqrt warning.
        with np.errstate(invalid="ignore"):
            self.scaler_ = StandardScaler().fit(X, sample_weight=sample_weight)
            design = self.scaler_.transform(X)
            self.expanded_scaler_ = None
            if self.degree == 2:
                design = second_degree(design)
                self.expanded_scaler_ = StandardScaler().fit(design, sample_weight=sample_weight)
                design = self.expanded_scaler_.transform(design)
        # Newton steps reach the optimum in about a dozen iterations. L-BFGS at its default tolerance
        # stopped short of it (target scores up to 0.14 away on a fold of the sample), so its scores
        # depended on the path the solver took.
        self.model_ = LogisticRegression(C=self.C, solver="newton-cholesky", tol=self.tol,
                                         max_iter=self.max_iter)
        self.model_.fit(design, y, sample_weight=sample_weight)
        self.classes_ = self.model_.classes_
        self.n_iter_ = self.model_.n_iter_
        return self

    def _design(self, X) -> np.ndarray:
        Z = self.scaler_.transform(X)
        if self.expanded_scaler_ is None:
            return Z
        return self.expanded_scaler_.transform(second_degree(Z))

    def _second_degree_logit(self, X) -> np.ndarray | None:
        """A binary second-degree head's logit without building the products: with E = [Z, Z_i Z_j]
        standardised by (E - m) / s, w·(E - m)/s + b is Z·a + Σ q_ij Z_i Z_j + c, a (d, d) quadratic form
        in place of an (n, d + d(d + 1)/2) array. Equal to the logit of ``_design`` to rounding (1e-12
        in tests/test_estimators.py): classifying 5,000 Recommendations (845,000 target pairs) in one
        call wrote the same predictions in 7.6 s instead of 10.2 (bench/RESULTS.md). None for a
        first-degree or multiclass head."""
        if self.expanded_scaler_ is None or len(self.classes_) != 2:
            return None
        Z = self.scaler_.transform(X)
        d = Z.shape[1]
        v = self.model_.coef_[0] / self.expanded_scaler_.scale_
        Q = np.zeros((d, d))
        Q[np.triu_indices(d)] = v[d:]
        c = self.model_.intercept_[0] - v @ self.expanded_scaler_.mean_
        return Z @ v[:d] + np.einsum("ij,ij->i", Z @ Q, Z) + c

    def predict_proba(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        logit = self._second_degree_logit(X)
        if logit is None:
            return self.model_.predict_proba(self._design(X))
        p = expit(logit)
        return np.stack([1 - p, p], axis=1)

    def predict(self, X):
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def decision_function(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        logit = self._second_degree_logit(X)
        return self.model_.decision_function(self._design(X)) if logit is None else logit
