"""
Metadata requests that survive clone inside a search
====================================================

With metadata routing on, an estimator declares which metadata it wants
(``set_fit_request(sample_weight=True)``, ``set_score_request(...)``). Those requests are not
constructor parameters, yet a search clones the estimator for every
candidate and fold: the requests must travel with each clone, or the search
refuses the metadata (``UnsetMetadataPassedError``) or, worse, fits without
it. scikit-learn's ``clone`` (and this package's, as installed by
``sklearn_slep017.enabled()``) carries ``_metadata_request`` over.

The script fits a ``GridSearchCV`` with ``sample_weight`` routed to a
classifier that records, in every fit of every clone, whether it received
the weights; it checks the refitted best estimator against a direct weighted
fit, and shows the error a search raises when the request is missing.

Metadata routing through ``GridSearchCV`` needs scikit-learn >= 1.4; on
older releases the script says so and exits.
"""

import numpy as np
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV

import sklearn_slep017
from sklearn_slep017._version_range import parse_version

# (received sample_weight?) for every fit of every clone, in order.
FIT_LOG = []


class RecordingClassifier(ClassifierMixin, BaseEstimator):
    """A logistic regression that records whether ``fit`` received weights."""

    def __init__(self, C=1.0):
        self.C = C

    def fit(self, X, y, sample_weight=None):
        FIT_LOG.append(sample_weight is not None)
        self.model_ = LogisticRegression(C=self.C).fit(X, y, sample_weight=sample_weight)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X):
        return self.model_.predict(X)


def main():
    if parse_version(sklearn.__version__) < (1, 4):
        print(
            f"skipped: metadata routing through GridSearchCV needs scikit-learn >= 1.4 "
            f"(installed: {sklearn.__version__})"
        )
        return

    from sklearn.exceptions import UnsetMetadataPassedError

    X, y = make_classification(n_samples=150, n_features=5, random_state=0)
    sample_weight = np.random.default_rng(0).uniform(0.1, 3.0, size=len(y))
    grid = {"C": [0.1, 1.0]}

    with sklearn.config_context(enable_metadata_routing=True), sklearn_slep017.enabled():
        estimator = (
            RecordingClassifier()
            .set_fit_request(sample_weight=True)
            .set_score_request(sample_weight=True)
        )
        cloned = clone(estimator)
        routing = cloned.get_metadata_routing()
        print(
            f"requests after clone: fit {routing.fit.requests}, "
            f"score {routing.score.requests}"
        )
        own = cloned._metadata_request is not estimator._metadata_request
        print(f"the clone has its own request object: {own}")

        FIT_LOG.clear()
        search = GridSearchCV(estimator, grid, cv=3).fit(X, y, sample_weight=sample_weight)
        received = sum(FIT_LOG)
        print(f"fits that received sample_weight: {received} of {len(FIT_LOG)}")

        best_C = search.best_params_["C"]
        weighted = LogisticRegression(C=best_C).fit(X, y, sample_weight=sample_weight)
        unweighted = LogisticRegression(C=best_C).fit(X, y)
        coef = search.best_estimator_.model_.coef_
        print(
            "best estimator fitted with the weights: "
            f"{np.allclose(coef, weighted.coef_) and not np.allclose(coef, unweighted.coef_)}"
        )

        try:
            GridSearchCV(RecordingClassifier(), grid, cv=3).fit(X, y, sample_weight=sample_weight)
        except UnsetMetadataPassedError as error:
            message = str(error).splitlines()[0][:70]
            print(f"without the request: {type(error).__name__}: {message}...")


if __name__ == "__main__":
    main()
