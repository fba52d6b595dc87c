"""Every behavioural test runs against both implementations.

``impl`` is the module under test (``_clone_py`` or ``_clone_c``). The
compiled one is never skipped when missing: a missing extension fails the
``cython`` half of the suite, so a silent fallback cannot pass as a
compiled run. ``SKLEARN_SLEP017_NO_EXTENSIONS=1`` runs the reference only.
"""

import importlib
import importlib.util
import os
import sys
import warnings
from pathlib import Path

import pytest
import sklearn

import sklearn_slep017
from sklearn_slep017 import _clone_py, _compat


def _register_maint_tools():
    # The maintainer tools (maint_tools/, beside the package, never in the
    # wheel) are importable as ``maint_tools`` by the tests that test them,
    # without putting the repository root on sys.path: the nox sessions run
    # this suite against the installed wheel, which the working tree's
    # sklearn_slep017/ must not shadow.
    if "maint_tools" in sys.modules:
        return
    folder = Path(__file__).resolve().parent.parent / "maint_tools"
    spec = importlib.util.spec_from_file_location(
        "maint_tools", folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["maint_tools"] = module
    spec.loader.exec_module(module)


_register_maint_tools()

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


def pytest_configure(config):
    # The start-up switch (sklearn_slep017_enable.pth) would enable the
    # package before any test runs, and every test would then fail the
    # "never leave enabled" check below: say why instead.
    if sklearn_slep017.is_enabled():
        raise pytest.UsageError(
            "sklearn_slep017 is enabled at start-up (SKLEARN_SLEP017_ENABLE=%r): "
            "unset it to run the test suite" % os.environ.get("SKLEARN_SLEP017_ENABLE")
        )


@pytest.fixture(autouse=True)
def _never_leave_enabled():
    yield
    if sklearn_slep017.is_enabled():
        sklearn_slep017.disable()
        pytest.fail("a test left sklearn_slep017 enabled")
