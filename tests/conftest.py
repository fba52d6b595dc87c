"""Every behavioural test runs against both implementations.

``impl`` is the module under test (``_clone_py`` or ``_clone_c``). The
compiled one is never skipped when missing: a missing extension fails the
``cython`` half of the suite, so a silent fallback cannot pass as a
compiled run. ``SKLEARN_SLEP017_NO_EXTENSIONS=1`` runs the reference only.
"""

import importlib
import os
import warnings

import pytest

import sklearn_slep017
from sklearn_slep017 import _clone_py

IMPLEMENTATION_NAMES = (
    ["python"] if os.environ.get("SKLEARN_SLEP017_NO_EXTENSIONS") else ["python", "cython"]
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


@pytest.fixture(params=IMPLEMENTATION_NAMES)
def impl_name(request):
    return request.param


@pytest.fixture
def impl(impl_name):
    """The clone implementation module under test."""
    return load_implementation(impl_name)


@pytest.fixture
def enabled_impl(impl_name):
    """``enable()`` in force with the implementation under test."""
    sklearn_slep017.enable(impl_name)
    try:
        yield load_implementation(impl_name)
    finally:
        sklearn_slep017.disable()


@pytest.fixture(autouse=True)
def _never_leave_enabled():
    yield
    if sklearn_slep017.is_enabled():
        sklearn_slep017.disable()
        pytest.fail("a test left sklearn_slep017 enabled")
