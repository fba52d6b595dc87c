"""Helpers shared by the test modules: ``from support import ...``.

The fixtures live in ``conftest.py``; what a test module imports by name
(implementation names, release gates, estimator lists) lives here, so that no
test imports ``conftest``. ``tests/`` is on ``sys.path`` as pytest puts it
there for ``conftest.py`` (rootdir-based ``prepend`` import mode).
"""

import importlib
import os
import warnings

import pytest
import sklearn

from sklearn_slep017 import _clone_py, _compat

IMPLEMENTATION_NAMES = (
    ["python"] if os.environ.get("SKLEARN_SLEP017_NO_EXTENSIONS") else ["python", "cython"]
)


# Whether the installed scikit-learn's own clone honours __sklearn_clone__
# (1.3 and later); before, only ours does (the protocol is backported).
UPSTREAM_DELEGATES = _compat.SKLEARN_VERSION >= (1, 3)


def protocol_base():
    """A ``BaseEstimator`` with the protocol's default ``__sklearn_clone__``.

    Upstream's from 1.3; before, ours (``sklearn_slep017.base``), as an
    estimator author supporting those releases would use.
    """
    from sklearn.base import BaseEstimator

    if hasattr(BaseEstimator, "__sklearn_clone__"):
        return BaseEstimator
    import sklearn_slep017.base

    return sklearn_slep017.base.BaseEstimator


def since(release, what):
    """Skip a test on scikit-learn releases older than ``release``.

    For tests of a feature that the release lacks (``set_output``, metadata
    routing, ...): the reason names the feature and both versions, so that
    the skip is visible and explained in every compatibility session.
    """
    return pytest.mark.skipif(
        _compat.SKLEARN_VERSION < release,
        reason="%s arrived in scikit-learn %s; %s is installed"
        % (what, ".".join(map(str, release)), sklearn.__version__),
    )


def default_constructible_estimators():
    """``(name, class)`` of every scikit-learn estimator built without arguments.

    Those whose constructor has required arguments (meta-estimators such as
    Pipeline, ColumnTransformer, GridSearchCV, SelectFromModel need their
    inner estimators) are left out: no default instance exists.
    """
    from sklearn.utils import all_estimators

    found = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, cls in all_estimators():
            try:
                cls()
            except TypeError:
                continue
            found.append((name, cls))
    return found


def load_implementation(name):
    if name == "python":
        return _clone_py
    return importlib.import_module("sklearn_slep017._clone_c")
