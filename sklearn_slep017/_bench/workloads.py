# SPDX-License-Identifier: BSD-3-Clause
"""Seeded estimator trees that benchmarks and tests clone.

The default workload is the brief's nested pipeline: a ``Pipeline`` of a
``FeatureUnion`` (a ``ColumnTransformer`` of ``width`` four-step pipelines,
and a ``PCA``) followed by a ``StackingClassifier``; ``width=100`` gives about
500 estimator nodes. The numpy workloads hold the values users' grids hold
(``np.logspace`` / ``np.linspace`` / ``np.arange`` give numpy scalars and
small arrays, and a search's ``set_params`` puts them into estimators).
"""

import numpy as np

from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.ensemble import RandomForestClassifier, StackingClassifier
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler
from sklearn.tree import DecisionTreeClassifier

__all__ = [
    "nested_pipeline",
    "flat_estimators",
    "deep_chain",
    "numpy_search",
    "numpy_estimators",
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
    >>> from sklearn_slep017._bench.workloads import nested_pipeline, count_nodes
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


def numpy_search(n_values=50):
    """A ``GridSearchCV`` whose grid is built with numpy, as users build grids.

    Parameters
    ----------
    n_values : int, default=50
        Number of ``np.float64`` values of ``C`` (from ``np.logspace``); the
        grid also holds ``np.int64`` values of ``k``, ``np.bool_`` values and
        a small array (``np.linspace``) of ``l1_ratio``.

    Returns
    -------
    search : sklearn.model_selection.GridSearchCV
        Unfitted, over a three-step pipeline. Cloning it deep-copies every
        grid value (``param_grid`` is a constructor parameter).

    Examples
    --------
    >>> from sklearn_slep017._bench.workloads import numpy_search
    >>> type(numpy_search(5).param_grid["clf__C"][0]).__name__
    'float64'
    """
    pipeline = Pipeline(
        [
            ("scale", StandardScaler()),
            ("select", SelectKBest(f_classif)),
            ("clf", LogisticRegression(solver="saga")),
        ]
    )
    grid = {
        "clf__C": list(np.logspace(-3, 3, n_values)),
        "clf__l1_ratio": np.linspace(0.0, 1.0, 5),
        "select__k": list(np.arange(1, 11)),
        "scale__with_mean": [np.True_, np.False_],
    }
    return GridSearchCV(pipeline, grid, cv=3)


def numpy_estimators(n=1000):
    """``n`` estimators whose parameters hold numpy scalars and small arrays.

    What a search leaves in its estimators: ``set_params`` with values from
    ``np.logspace`` / ``np.arange`` (``np.float64``, ``np.int64``,
    ``np.bool_``), and array-valued parameters (``Ridge``'s per-target
    ``alpha``). Seeded: the same list on every call.

    Examples
    --------
    >>> from sklearn_slep017._bench.workloads import numpy_estimators
    >>> type(numpy_estimators(2)[1].C).__name__
    'float64'
    """
    cs = np.logspace(-3, 3, max(n, 1))
    estimators = []
    for i in range(n):
        if i % 2:
            estimators.append(
                LogisticRegression(
                    C=cs[i],
                    max_iter=np.int64(100 + i),
                    fit_intercept=np.bool_(i % 3 == 0),
                    tol=np.float64(1e-4),
                )
            )
        else:
            estimators.append(Ridge(alpha=np.linspace(0.1, 1.0, 3) * (i + 1)))
    return estimators


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


def _items(obj):
    # What the containers clone walks hold, depth first; anything else is
    # its own item.
    if isinstance(obj, (list, tuple, set, frozenset)):
        for item in obj:
            yield from _items(item)
    elif isinstance(obj, dict):
        for item in obj.values():
            yield from _items(item)
    else:
        yield obj


def _collect(obj, calls):
    for item in _items(obj):
        if hasattr(item, "get_params") and not isinstance(item, type):
            params = item.get_params(deep=False)
            calls.append((type(item), params))
            for value in params.values():
                _collect(value, calls)


def own_deepcopies(estimator):
    """List the ``(__deepcopy__, value)`` an exact clone of a tree must call.

    Upstream's clone deep-copies every parameter value that is neither an
    estimator nor a container it walks; a value whose type has its own
    ``__deepcopy__`` (numpy's scalars and arrays) is copied by that method,
    which no exact clone can skip. The benchmarks add these calls to the
    floor: the "exact floor".

    Parameters
    ----------
    estimator : object
        An estimator, or a container of estimators.

    Returns
    -------
    copies : list of (callable, object)
        ``type(value).__deepcopy__`` and ``value``, for every such value held
        by a parameter, inside containers too, in depth-first order.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import Ridge
    >>> [type(value).__name__ for _, value in own_deepcopies([Ridge(alpha=np.float64(2.0))])]
    ['float64']
    """
    copies = []
    for _, params in constructor_calls(estimator):
        for item in _items(list(params.values())):
            deepcopy = getattr(type(item), "__deepcopy__", None)
            estimator = hasattr(item, "get_params") and not isinstance(item, type)
            if deepcopy is not None and not estimator and not isinstance(item, type):
                copies.append((deepcopy, item))
    return copies


def count_nodes(estimator):
    """Count the estimators (objects with ``get_params``) in a tree."""
    return len(constructor_calls(estimator))
