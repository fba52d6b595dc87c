# SPDX-License-Identifier: BSD-3-Clause
"""Seeded estimator trees that benchmarks and tests clone.

The default workload is the brief's nested pipeline: a ``Pipeline`` of a
``FeatureUnion`` (a ``ColumnTransformer`` of ``width`` four-step pipelines,
and a ``PCA``) followed by a ``StackingClassifier``; ``width=100`` gives about
500 estimator nodes.
"""

from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.ensemble import RandomForestClassifier, StackingClassifier
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler
from sklearn.tree import DecisionTreeClassifier

__all__ = [
    "nested_pipeline",
    "flat_estimators",
    "deep_chain",
    "constructor_calls",
    "count_nodes",
]


def _branch(i):
    return Pipeline(
        [
            ("impute", SimpleImputer(strategy="median")),
            ("scale", StandardScaler(with_mean=bool(i % 2))),
            ("poly", PolynomialFeatures(degree=2)),
            ("select", SelectKBest(f_classif, k=1 + i % 5)),
        ]
    )


def nested_pipeline(width=100):
    """Build the nested pipeline of the brief with ``width`` branches.

    Parameters
    ----------
    width : int, default=100
        Number of four-step pipelines inside the ``ColumnTransformer``.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        An unfitted estimator tree of about ``5 * width`` nodes.

    Examples
    --------
    >>> from sklearn_slep017._workloads import nested_pipeline, count_nodes
    >>> count_nodes(nested_pipeline(10)) > 50
    True
    """
    columns = ColumnTransformer(
        [("branch%d" % i, _branch(i), [i % 7]) for i in range(width)],
        remainder="drop",
    )
    features = FeatureUnion([("columns", columns), ("pca", PCA(n_components=2))])
    stack = StackingClassifier(
        estimators=[
            ("lr", LogisticRegression(C=0.5)),
            ("tree", DecisionTreeClassifier(max_depth=3, random_state=0)),
            ("forest", RandomForestClassifier(n_estimators=10, random_state=0)),
        ],
        final_estimator=LogisticRegression(),
    )
    return Pipeline([("features", features), ("stack", stack)])


def flat_estimators(n=1000):
    """A list of ``n`` simple estimators with a few parameters each."""
    return [LogisticRegression(C=1.0 + i, max_iter=100 + i) for i in range(n)]


def deep_chain(depth=50):
    """``depth`` pipelines nested inside each other, a scaler at the bottom."""
    estimator = StandardScaler()
    for i in range(depth):
        estimator = Pipeline([("level%d" % i, estimator)])
    return estimator


def constructor_calls(estimator):
    """List the ``(class, params)`` of every estimator node of a tree.

    Calling each class with its parameters is all a clone must do at the
    least: the benchmarks time exactly that as the "floor".

    Parameters
    ----------
    estimator : object
        An estimator, or a container of estimators.

    Returns
    -------
    calls : list of (type, dict)
        One entry per object with ``get_params`` (classes excluded), in
        depth-first order; ``params`` is its ``get_params(deep=False)``.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> constructor_calls([Ridge(alpha=2.0)])[0][1]["alpha"]
    2.0
    """
    calls = []
    _collect(estimator, calls)
    return calls


def _collect(obj, calls):
    if isinstance(obj, (list, tuple, set, frozenset)):
        for item in obj:
            _collect(item, calls)
    elif isinstance(obj, dict):
        for item in obj.values():
            _collect(item, calls)
    elif hasattr(obj, "get_params") and not isinstance(obj, type):
        params = obj.get_params(deep=False)
        calls.append((type(obj), params))
        for value in params.values():
            _collect(value, calls)


def count_nodes(estimator):
    """Count the estimators (objects with ``get_params``) in a tree."""
    return len(constructor_calls(estimator))
