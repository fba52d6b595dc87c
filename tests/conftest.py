"""Every behavioural test runs against both implementations.

``impl`` is the module under test (``_clone_py`` or ``_clone_c``). The
compiled one is never skipped when missing: a missing extension fails the
``compiled`` half of the suite (the test ids say ``[reference]`` and
``[compiled]``, the package's names), so a silent fallback cannot pass as a
compiled run. ``SKLEARN_SLEP017_NO_EXTENSIONS=1`` runs the reference only.
The helpers test modules import by name are in ``support.py``.
"""

import importlib.util
import os
import sys
from pathlib import Path

import pytest

import sklearn_slep017
from support import IMPLEMENTATION_NAMES, load_implementation


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
