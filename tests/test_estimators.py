from sklearn.utils.estimator_checks import parametrize_with_checks

from pipeline.model.relevance import RelevanceClassifier


@parametrize_with_checks([RelevanceClassifier()])
def test_sklearn_compatible(estimator, check):
    check(estimator)
