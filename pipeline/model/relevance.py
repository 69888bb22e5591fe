"""The relevance head: a scikit-learn classifier giving calibrated probabilities from pair features."""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data


class RelevanceClassifier(ClassifierMixin, BaseEstimator):
    """Standardised features into an L2-regularised logistic regression.

    Why logistic regression: it is fitted by log-loss, so its outputs are calibrated probabilities
    without a separate calibration split — which matters when the labelled set is a few hundred pairs.
    """

    def __init__(self, C: float = 1.0, max_iter: int = 1000):
        self.C = C
        self.max_iter = max_iter

    def fit(self, X, y, sample_weight=None):
        X, y = validate_data(self, X, y)
        check_classification_targets(y)
        # A constant feature (a target's goal context is 1 for every action-line pair) can get a weighted
        # variance of -1e-17; the scaler treats it as constant either way, without the sqrt warning.
        with np.errstate(invalid="ignore"):
            self.scaler_ = StandardScaler().fit(X, sample_weight=sample_weight)
        self.model_ = LogisticRegression(C=self.C, max_iter=self.max_iter)
        self.model_.fit(self.scaler_.transform(X), y, sample_weight=sample_weight)
        self.classes_ = self.model_.classes_
        self.n_iter_ = self.model_.n_iter_
        return self

    def predict_proba(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self.model_.predict_proba(self.scaler_.transform(X))

    def predict(self, X):
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def decision_function(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self.model_.decision_function(self.scaler_.transform(X))
