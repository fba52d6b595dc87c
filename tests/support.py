"""Helpers shared by the test modules: ``from support import ...``.

The fixtures live in ``conftest.py``; what a test module imports by name
(the checkout's root, implementation names, release gates, estimator lists,
the differential tests' ``structure`` and ``identities``, the threaded stress
scripts' ``tree_check`` built on ``structure``) lives here, so
that no test imports ``conftest`` or another test module. ``tests/`` is on
``sys.path`` as pytest puts it there for ``conftest.py`` (rootdir-based
``prepend`` import mode), whichever folder the test module is in.

The test modules live in folders that mirror the package: ``clone/`` (the
reference and compiled clone, their diagnostics), ``switch/`` (enable /
disable, the start-up hook, worker processes, upstream's own suites under
``enable()``), ``checks/``, ``bench/`` (the bench CLI and asv suite),
``maint_tools/`` (the checkout's maintainer tools); ``test_base.py``,
``test_frozen.py`` beside ``base.py`` and ``frozen.py``; and the project's
own ``test_docs.py``, ``test_examples.py``, ``test_packaging.py``,
``test_versions.py``. The
folders have no ``__init__.py``: test module names are unique across them.
"""

import collections
import importlib
import json
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn

from sklearn_slep017 import _clone_py, _compat
from sklearn_slep017._names import canonical_name

# The checkout (or, in the nox sessions, the staged copy of it).
ROOT = Path(__file__).resolve().parent.parent



class _ImplementationNames(tuple):
    """The implementations under test, in the package's vocabulary.

    ``"reference"`` and ``"compiled"``: the ``impl_name`` fixture's params,
    hence the test ids (``test_x[reference]``, ``test_x[compiled]``). A test
    module still asking for an earlier spelling (``"cython" in
    IMPLEMENTATION_NAMES``) gets the same answer as for the name it spells.
    """

    def __contains__(self, name):
        try:
            return tuple.__contains__(self, canonical_name(name))
        except ValueError:
            return False


IMPLEMENTATION_NAMES = _ImplementationNames(
    ["reference"] if os.environ.get("SKLEARN_SLEP017_NO_EXTENSIONS") else ["reference", "compiled"]
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


# Tests whose oracle is upstream's own clone protocol (``__sklearn_clone__``,
# ``_clone_parametrized``): before 1.3 the protocol is ours alone
# (backported), so there is no upstream outcome to compare with.
upstream_protocol = since((1, 3), "upstream's clone protocol (these tests' oracle)")


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
    """The module of the implementation ``name`` (either spelling).

    The compiled one is imported by its name, never through the selector: a
    missing extension raises ``ImportError`` (fails the test), it is never
    replaced by the reference.
    """
    if canonical_name(name) == "reference":
        return _clone_py
    return importlib.import_module("sklearn_slep017._clone_c")


# ---------------------------------------------------------------------------
# Comparable descriptions of objects (the differential tests' yardstick).

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_PROBED = ("_sklearn_output_config", "_skl_callbacks", "_metadata_request")


def _is_estimator(obj):
    return hasattr(obj, "get_params") and not isinstance(obj, type)


def _metadata_description(request):
    serialize = getattr(request, "_serialize", None)
    if serialize is not None:
        return ("request", type(request), repr(serialize()))
    return ("request", type(request), _ADDRESS.sub("", repr(request)))


def structure(obj, *, params=None, leaf=None, visit=None):
    """Recursively map ``obj`` to a description that ``==`` can compare.

    Estimators by type and the structure of ``get_params(deep=False)`` (plus
    the non-parameter configuration clone carries), arrays by dtype, shape and
    values, sparse matrices likewise, containers by type and elements, floats
    by ``repr`` (so that nan equals nan), anything else by type and ``repr``
    (memory addresses removed).

    The keywords serve trees read while other threads change them (the
    stress scripts of ``test_threads.py`` and ``test_freethreading.py``,
    which import this module in their own interpreter):

    params : callable, optional
        ``params(estimator)``: the mapping described for an estimator, in
        place of ``get_params(deep=False)`` and the probed configuration;
        e.g. its instance attributes, when its class's signature changes
        while the tree is read.
    leaf : callable, optional
        ``leaf(node)``: a description standing for the whole node, which is
        then not walked; None walks it as usual (e.g. a container another
        thread mutates, described by what it may hold).
    visit : callable, optional
        Called with every node walked, in walk order (e.g. to check that no
        node of a clone is a node of the original).

    The recursion is one Python frame per level (no comprehension or
    generator frames), as deep chains are described in threads with small
    stacks.
    """

    def describe(obj):
        if leaf is not None:
            stands = leaf(obj)
            if stands is not None:
                return stands
        if visit is not None:
            visit(obj)
        if isinstance(obj, type):
            return ("class", obj)
        if isinstance(obj, float):
            return (type(obj), repr(obj))
        if isinstance(obj, np.ndarray):
            if obj.dtype == object:
                values = describe(obj.tolist())
            else:
                values = obj.tobytes()
            return ("ndarray", obj.dtype.str, obj.shape, values)
        if sp.issparse(obj):
            return ("sparse", type(obj), obj.format, obj.dtype.str, obj.shape,
                    obj.toarray().tobytes())
        if _is_estimator(obj):
            extra = []
            if params is None:
                mapping = obj.get_params(deep=False)
                own = getattr(obj, "__dict__", {})
                for name in _PROBED:
                    if name in own:
                        value = own[name]
                        if name == "_metadata_request":
                            extra.append((name, _metadata_description(value)))
                        else:
                            extra.append((name, describe(value)))
            else:
                mapping = params(obj)
            items = []
            for name, value in mapping.items():
                items.append((name, describe(value)))
            return ("estimator", type(obj), tuple(items), tuple(extra))
        if type(obj) is dict or isinstance(obj, collections.OrderedDict):
            items = []
            for key, value in obj.items():
                items.append((describe(key), describe(value)))
            return (type(obj), tuple(items))
        if isinstance(obj, (list, tuple)):
            items = []
            for item in obj:
                items.append(describe(item))
            return (type(obj), tuple(items))
        if isinstance(obj, (set, frozenset)):
            items = []
            for item in obj:
                items.append(describe(item))
            return (type(obj), tuple(sorted(items, key=repr)))
        if type(obj).__module__.startswith("test_") and hasattr(obj, "__dict__"):
            # The tests' own plain objects: by attributes, since their repr may
            # show sets whose order depends on memory addresses.
            return (type(obj), describe(vars(obj)))
        try:
            text = repr(obj)
        except Exception as exc:  # e.g. a BaseEstimator that hides get_params
            text = "<repr raised %s>" % type(exc).__name__
        return (type(obj), _ADDRESS.sub("", text))

    return describe(obj)


def _first_difference(a, b, path=()):
    # Where two descriptions first differ: the indices down to it, and both sides.
    if type(a) is tuple and type(b) is tuple:
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return _first_difference(x, y, path + (i,))
        if len(a) != len(b):
            return path, "%d items" % len(a), "%d items" % len(b)
    return path, repr(a)[:300], repr(b)[:300]


def tree_check(original, *, params=None, leaf=None, clone_leaf=None, fresh_from=()):
    """``check(cloned)``: the clone describes as ``original`` does, sharing none of its objects.

    ``structure(original)`` is computed once, here; ``check`` raises
    AssertionError if ``structure(cloned)`` differs (naming where), or if an
    estimator or a numpy array of the clone is a node of the original or one
    of ``fresh_from``. ``params`` is :func:`structure`'s, on both sides;
    ``leaf`` is given to the original's description and ``clone_leaf`` to the
    clone's (a node of the original that another thread mutates, standing for
    what its clone may be). The threaded stress scripts' oracle.
    """
    kept = {}  # id -> node: kept alive, so that no id is reused meanwhile

    def keep(node):
        kept[id(node)] = node

    expected = structure(original, params=params, leaf=leaf, visit=keep)
    for node in fresh_from:
        keep(node)

    def check(cloned):
        shared = []

        def visit(node):
            if kept.get(id(node)) is node and (
                _is_estimator(node) or isinstance(node, np.ndarray)
            ):
                shared.append(node)

        got = structure(cloned, params=params, leaf=clone_leaf, visit=visit)
        if got != expected:
            where, was, now = _first_difference(expected, got)
            raise AssertionError(
                "the clone differs at %s: %s in the original, %s in the clone"
                % (list(where), was, now)
            )
        if shared:
            raise AssertionError("the clone shares the original's %r" % (shared[:3],))

    return check


def identities(original, cloned):
    """For every node of ``cloned``, whether it *is* the original's node.

    The two trees are walked in parallel (estimator parameters, container
    elements); the result lists one boolean per node, in walk order.
    """
    facts = [cloned is original]
    if _is_estimator(original) and _is_estimator(cloned):
        a = original.get_params(deep=False)
        b = cloned.get_params(deep=False)
        for name in a:
            if name in b:
                facts.extend(identities(a[name], b[name]))
        own_a = getattr(original, "__dict__", {})
        own_b = getattr(cloned, "__dict__", {})
        for name in _PROBED:
            if name in own_a and name in own_b:
                facts.append((name, own_b[name] is own_a[name]))
                if name == "_metadata_request":
                    facts.append(
                        (
                            "owner",
                            getattr(own_b[name], "owner", None)
                            is getattr(own_a[name], "owner", None),
                        )
                    )
    elif type(original) is dict and type(cloned) is dict:
        for key in original:
            if key in cloned:
                facts.extend(identities(original[key], cloned[key]))
    elif type(original) in (list, tuple) and type(cloned) is type(original):
        for a, b in zip(original, cloned):
            facts.extend(identities(a, b))
    return facts


def outcome(clone, obj, safe=True):
    """``("error", type, message)`` or ``("ok", structure, identities)``."""
    try:
        result = clone(obj, safe=safe)
    except Exception as exc:
        return ("error", type(exc), str(exc))
    return ("ok", structure(result), identities(obj, result))


# Third-party libraries the tests run on, each from a dependency group of
# pyproject.toml: ``name -> (group, modules to import)``, the last module
# being the one ``require`` returns. A missing one skips its tests visibly,
# unless its group is required (``make test``, hence CI, sets both
# variables), which makes that a failure: CI cannot pass by skipping them.
THIRD_PARTY = {
    # `clients`: third-party estimators (tests/clone/test_clients.py, the
    # checks' false-alarm tests).
    "imblearn": ("clients", ("imblearn",)),
    "lightgbm": ("clients", ("lightgbm",)),
    "xgboost": ("clients", ("xgboost",)),
    "skorch": ("clients", ("torch", "skorch")),
    "ngboost": ("clients", ("ngboost",)),
    # `families`: estimator families outside scikit-learn's base class
    # (tests/clone/test_families.py and friends).
    "skbase": ("families", ("skbase", "skbase.base")),
    "sktime": ("families", ("skbase", "sktime", "sktime.registry")),
    "pyod": ("families", ("pyod", "pyod.models.base")),
    # `fuzz`: the differential fuzzer's engine (maint_tools/fuzz_clone.py).
    "atheris": ("fuzz", ("atheris",)),
}

REQUIRE_VARIABLES = {
    "clients": "SKLEARN_SLEP017_REQUIRE_CLIENTS",
    "families": "SKLEARN_SLEP017_REQUIRE_FAMILIES",
    "fuzz": "SKLEARN_SLEP017_REQUIRE_FUZZ",
}

REQUIRED_GROUPS = {
    group
    for group, variable in REQUIRE_VARIABLES.items()
    if os.environ.get(variable, "").strip().lower() not in ("", "0", "false", "no", "off")
}


def require(name):
    """Import a third-party library's modules, or skip (fail when its group is required)."""
    group, modules = THIRD_PARTY[name]
    for module in modules:
        try:
            importlib.import_module(module)
        except Exception as exc:  # an incompatible release may raise anything
            reason = "%s is not importable: %s: %s" % (module, type(exc).__name__, exc)
            if group in REQUIRED_GROUPS:
                pytest.fail(
                    reason + " (%s=1; install the %r dependency group)"
                    % (REQUIRE_VARIABLES[group], group),
                    pytrace=False,
                )
            pytest.skip(reason)
    return importlib.import_module(modules[-1])


def run_stress(script, name, duration):
    """Run a threaded stress ``script`` in a fresh interpreter; its JSON result.

    The script gets ``name`` (an implementation, or ``upstream``) and
    ``duration`` (seconds) as arguments and prints one JSON line last. A
    fresh process, so that a crash or a hang fails the test instead of the
    session. ``PYTHONPATH`` is the checkout, then whatever the caller put
    there (an overlaid scikit-learn, say), then ``tests/``: the script may
    ``from support import structure`` to compare trees.
    """
    env = dict(os.environ)
    env.pop("SKLEARN_SLEP017_ENABLE", None)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT)] + [p for p in [env.get("PYTHONPATH")] if p] + [str(ROOT / "tests")]
    )
    done = subprocess.run(
        [sys.executable, "-c", script, name, str(duration)],
        cwd=str(ROOT),
        env=env,
        capture_output=True,
        text=True,
        timeout=duration + 120,
    )
    assert done.returncode == 0, "the run crashed or hung (returncode %s):\n%s" % (
        done.returncode,
        done.stderr[-4000:],
    )
    return json.loads(done.stdout.strip().splitlines()[-1])
