"""
A search space that travels with the estimator through clone
============================================================

SLEP017 lets configuration that is *not* a constructor parameter survive
``clone``: a mixin extends ``__sklearn_clone__`` by calling
``super().__sklearn_clone__()`` (the default, parameter-based clone) and then
copying its own state onto the new object. No estimator needs a new
constructor argument.

Here ``SearchSpaceMixin`` adds ``set_search_space(**space)`` to any
estimator. A small helper, ``tune``, clones whatever it is given (as every
scikit-learn meta-estimator does) and reads the search spaces of the clone
and of its sub-estimators to build a ``GridSearchCV``. Without the mixin's
``__sklearn_clone__`` the space attached to the estimator is lost in the
clone and there is nothing to search.

``sklearn_slep017.enabled()`` makes ``sklearn.base.clone`` honour
``__sklearn_clone__`` (and gives ``BaseEstimator`` the default one) on
scikit-learn < 1.3 too.
"""

import copy

from sklearn.base import BaseEstimator, clone
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

import sklearn_slep017


class SearchSpaceMixin:
    """Attach a parameter search space to an estimator; it survives clone."""

    def set_search_space(self, **space):
        self._search_space = space
        return self

    def get_search_space(self):
        return getattr(self, "_search_space", {})

    def __sklearn_clone__(self):
        new = super().__sklearn_clone__()
        if hasattr(self, "_search_space"):
            new._search_space = copy.deepcopy(self._search_space)
        return new


class TunableLogisticRegression(SearchSpaceMixin, LogisticRegression):
    pass


class TunablePolynomialFeatures(SearchSpaceMixin, PolynomialFeatures):
    pass


def collect_search_space(estimator):
    """The spaces of ``estimator`` and of its sub-estimators, as a param grid."""
    grid = {}
    if hasattr(estimator, "get_search_space"):
        grid.update(estimator.get_search_space())
    for name, value in estimator.get_params(deep=True).items():
        if isinstance(value, BaseEstimator) and hasattr(value, "get_search_space"):
            grid.update(
                {f"{name}__{key}": v for key, v in value.get_search_space().items()}
            )
    return grid


def tune(estimator, X, y):
    """Search the space attached to ``estimator`` (and its steps), on a clone."""
    estimator = clone(estimator)
    grid = collect_search_space(estimator)
    if not grid:
        return None, grid
    return GridSearchCV(estimator, grid, cv=3).fit(X, y), grid


def main():
    X, y = make_classification(n_samples=150, n_features=4, random_state=0)
    with sklearn_slep017.enabled():
        # Without the protocol: an attribute set on a plain estimator is lost.
        plain = LogisticRegression()
        plain._search_space = {"C": [0.01, 1.0]}
        space = getattr(clone(plain), "_search_space", None)
        print(f"plain estimator, space after clone: {space}")

        tunable = TunableLogisticRegression(max_iter=200).set_search_space(C=[0.01, 0.1, 1.0])
        print(f"mixin estimator, space after clone: {clone(tunable).get_search_space()}")
        same = sorted(LogisticRegression().get_params()) == sorted(tunable.get_params())
        print(f"constructor parameters unchanged: {same}")

        search, grid = tune(tunable, X, y)
        print(f"tune(estimator) searched {grid}: best {search.best_params_}")

        pipe = make_pipeline(
            TunablePolynomialFeatures().set_search_space(degree=[1, 2]),
            StandardScaler(),
            TunableLogisticRegression(max_iter=200).set_search_space(C=[0.1, 1.0]),
        )
        search, grid = tune(pipe, X, y)
        print(f"tune(pipeline) searched {grid}: best {search.best_params_}")
        kept = search.best_estimator_[-1].get_search_space() == {"C": [0.1, 1.0]}
        print(f"space kept on the search's refitted best estimator: {kept}")


if __name__ == "__main__":
    main()
