"""Shared pieces of the benchmark suite: workloads, implementations, timing.

The timing of the ``track_`` ratios is the package's own harness
(``sklearn_slep017._bench.timing.side_by_side``), shared with ``python -m
sklearn_slep017 bench``.

Everything here is seeded and deterministic, so two commits benchmark the
same trees. The estimator-tree builders come from
``sklearn_slep017._bench.workloads`` (the ones ``make bench`` uses); the two below
that it lacks are defined here so the suite still runs against older commits
of the project, which asv installs for ``asv continuous``.

Implementations (the parameter ``implementation`` of the clone benchmarks):

``upstream``
    ``sklearn.base.clone`` as installed, untouched.
``reference``
    ``sklearn_slep017._clone_py.clone`` under
    ``sklearn_slep017.enable("reference")`` (the cached ``_get_param_names``),
    enabled in ``setup`` and disabled in ``teardown``.
``compiled``
    ``sklearn_slep017._clone_c.clone``.
``floor``
    Only the constructors: every estimator node's class called with its
    ``get_params(deep=False)``, precomputed in ``setup``. No clone can be
    faster (the recipe of ``make bench``).
"""

import os

import numpy as np
import sklearn
import sklearn.base

import sklearn_slep017
try:
    from sklearn_slep017._bench import workloads
except ImportError:  # a commit before the bench room (sklearn_slep017/_bench/)
    from sklearn_slep017 import _workloads as workloads

# ``SKLEARN_SLEP017_ASV_QUICK=1`` trims the parameter grids to small trees for
# the CI smoke run (``asv run --quick``): it checks that every benchmark runs,
# it measures nothing.
QUICK = os.environ.get("SKLEARN_SLEP017_ASV_QUICK", "").strip() not in ("", "0")

IMPLEMENTATIONS = ["upstream", "reference", "compiled", "floor"]

WORKLOADS = [
    "nested_W1",
    "nested_W10",
    "nested_W100",
    "nested_W1000",
    "deep_chain",
    "flat_1000",
    "gridsearch_object",
    "large_array_params",
    "numpy_search",
    "numpy_estimators_1000",
]
if QUICK:
    WORKLOADS = ["nested_W1", "nested_W10", "deep_chain", "gridsearch_object",
                 "large_array_params", "numpy_search", "numpy_estimators_10"]

RANDOM_STATE = 0


# -- workloads ---------------------------------------------------------------


def gridsearch_object(n_candidates=20):
    """An unfitted ``GridSearchCV`` whose grid holds estimators.

    Cloning it clones the pipeline and deep-copies the ``param_grid`` (a dict
    of lists, some of estimators): what every nested search, and every
    ``cross_validate`` of a search, pays.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler
    from sklearn.svm import LinearSVC

    pipeline = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())])
    param_grid = {
        "scale": [StandardScaler(), MinMaxScaler(), RobustScaler(), "passthrough"],
        "clf": [LogisticRegression(C=10.0 ** k) for k in range(-n_candidates // 2, n_candidates // 2)]
        + [LinearSVC(C=10.0 ** k) for k in range(-n_candidates // 2, n_candidates // 2)],
    }
    return GridSearchCV(pipeline, param_grid, cv=3, scoring="accuracy")


def large_array_params(n_arrays=8, size=100_000):
    """A pipeline whose parameters hold large seeded arrays (about 7 MB).

    Non-estimator parameters are deep-copied by clone, so this workload is
    dominated by array copies: it is the one where ``peakmem_`` means most.
    """
    from sklearn.cluster import KMeans
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    rng = np.random.default_rng(RANDOM_STATE)
    steps = [
        ("weights%d" % i,
         FunctionTransformer(np.multiply, kw_args={"x2": rng.standard_normal(size)}))
        for i in range(n_arrays)
    ]
    steps.append(("kmeans", KMeans(n_clusters=8, n_init=1,
                                   init=rng.standard_normal((8, size // 8)))))
    return Pipeline(steps)


def make_workload(name):
    """Build the workload called ``name`` (one of ``WORKLOADS``, or any
    ``nested_W<width>``)."""
    if name.startswith("nested_W"):
        return workloads.nested_pipeline(int(name[len("nested_W"):]))
    if name == "deep_chain":
        return workloads.deep_chain(50)
    if name.startswith("flat_"):
        return workloads.flat_estimators(int(name[len("flat_"):]))
    if name == "gridsearch_object":
        return gridsearch_object()
    if name == "large_array_params":
        return large_array_params()
    if name == "numpy_search":
        return _builder("numpy_search")()
    if name.startswith("numpy_estimators_"):
        return _builder("numpy_estimators")(int(name[len("numpy_estimators_"):]))
    raise ValueError("unknown workload %r" % (name,))


def _builder(attribute):
    # Grids and estimators holding numpy values: older commits of the
    # package lack these builders, and asv skips a benchmark whose setup
    # raises NotImplementedError.
    builder = getattr(workloads, attribute, None)
    if builder is None:
        raise NotImplementedError("this commit's package has no %s workload" % attribute)
    return builder


# -- implementations ---------------------------------------------------------


def _constructor_calls(obj, out):
    # workloads.constructor_calls, kept here because asv runs this suite
    # against older commits whose package may not have it.
    if isinstance(obj, (list, tuple, set, frozenset)):
        for item in obj:
            _constructor_calls(item, out)
    elif isinstance(obj, dict):
        for item in obj.values():
            _constructor_calls(item, out)
    elif hasattr(obj, "get_params") and not isinstance(obj, type):
        params = obj.get_params(deep=False)
        out.append((type(obj), params))
        for value in params.values():
            _constructor_calls(value, out)
    return out


def make_floor(obj):
    """The constructor-only floor for ``obj``: a zero-argument callable that
    calls every node's class with its parameters (computed here, untimed)."""
    calls = _constructor_calls(obj, [])

    def floor():
        return [cls(**kwargs) for cls, kwargs in calls]

    return floor


def upstream_clone():
    """``sklearn.base.clone`` as installed; refuses while enable() is on."""
    if sklearn_slep017.is_enabled():
        raise RuntimeError("sklearn_slep017 is enabled: sklearn.base.clone is not upstream's")
    return sklearn.base.clone


def compiled_clone():
    from sklearn_slep017 import _clone_c  # a missing extension must fail, not skip

    return _clone_c.clone


def reference_clone():
    from sklearn_slep017 import _clone_py

    return _clone_py.clone


def clone_callable(implementation, obj):
    """A zero-argument callable that clones ``obj`` with ``implementation``.

    ``reference`` enables ``sklearn_slep017.enable("reference")`` here: call
    :func:`reset` (``sklearn_slep017.disable()``) in ``teardown``.
    """
    if implementation == "upstream":
        clone = upstream_clone()
    elif implementation == "reference":
        sklearn_slep017.enable("reference")
        clone = reference_clone()
    elif implementation == "compiled":
        clone = compiled_clone()
    elif implementation == "floor":
        return make_floor(obj)
    else:
        raise ValueError("unknown implementation %r" % (implementation,))

    def run():
        return clone(obj)

    return run


def reset():
    """Undo any ``enable()`` done in a ``setup``."""
    sklearn_slep017.disable()


# -- side-by-side timing -----------------------------------------------------
# The package's timing harness, the one ``python -m sklearn_slep017 bench``
# uses (median of interleaved samples, see sklearn_slep017/_bench/timing.py). A
# commit of the project older than that module has no harness to share: the
# ``track_`` ratios then skip (NotImplementedError in ``setup``) rather than
# time it another way; the ``time_`` and ``peakmem_`` benchmarks, timed by
# asv itself, still run.

try:
    from sklearn_slep017._bench.timing import side_by_side
except ImportError:  # an older commit of the project, installed by asv
    try:
        from sklearn_slep017._timing import side_by_side
    except ImportError:
        side_by_side = None


def require_harness():
    """Skip the calling benchmark's ``setup`` when the harness is missing."""
    if side_by_side is None:
        raise NotImplementedError(
            "this commit of sklearn_slep017 predates its timing harness "
            "(sklearn_slep017._bench.timing)"
        )
