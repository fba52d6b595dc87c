# SPDX-License-Identifier: BSD-3-Clause
"""Clone speed per estimator family: the families section of ``make bench``.

Each family is a list of real objects of one style, cloned one by one:

``skbase``
    sktime's estimators (``skbase.BaseObject`` descendants) that construct
    with their defaults, every class of the registry.
``skbase test parameters``
    sktime's own test instances of every class
    (``create_test_instances_and_names``): composites, nested estimators,
    values other than the defaults.
``pyod``
    pyod's detectors (``pyod.models.base.BaseDetector``) that construct with
    their defaults.
``hand-written get_params``
    a meta-estimator that writes its own ``get_params`` (:class:`HandWrittenMeta`),
    around scikit-learn estimators.
``custom __getattr__``
    an estimator forwarding unknown attributes to the one it wraps
    (:class:`ForwardingWrapper`).
``scikit-learn``
    a few of scikit-learn's own, for comparison.

Contenders, interleaved round-robin in every repeat (the first one rotates),
medians reported:

``upstream``
    ``sklearn.base.clone`` as installed.
``compiled``
    ``sklearn_slep017._clone_c.clone``.
``floor``
    what any exact clone must do: every node's constructor with its
    parameters, plus the user code upstream's clone calls and the compiled
    path cannot prove pure: ``get_params(deep=False)`` on the original and
    on the new object where the compiled path calls it, and the look-ups
    that reach a custom ``__getattr__`` (``_skl_callbacks``,
    ``_sklearn_output_config``).
``constructors``
    the constructors alone, the absolute floor.

A family whose library is not installed is left out with a note (install
the ``families`` dependency group).

Everything here serves the bench (``python -m sklearn_slep017 bench
--families``, from an installed wheel, and the asv suite's
``bench_families``): nothing is a test fixture. ``tests/clone/test_families.py``
imports the families' builders and the two hand-written styles so that the
differential tests run on exactly the objects that are timed.
"""

import contextlib
import gc
import importlib
import io
import pkgutil
import statistics
import sys
import time
import warnings

import sklearn.base
from sklearn.base import BaseEstimator

__all__ = [
    "ForwardingWrapper",
    "HandWrittenMeta",
    "contenders",
    "family_objects",
    "format_families",
    "pyod_detectors",
    "run_families",
    "skbase_objects",
    "sktime_test_instances",
]

FAMILIES = (
    "skbase",
    "skbase test parameters",
    "pyod",
    "hand-written get_params",
    "custom __getattr__",
    "scikit-learn",
)
CONTENDERS = ("upstream", "compiled", "floor", "constructors")

# The probes upstream's clone makes with ``hasattr`` that reach a custom
# ``__getattr__`` when the attribute is missing.
_GETATTR_PROBES = ("_skl_callbacks", "_sklearn_output_config")


# -- the hand-written styles ---------------------------------------------------


class HandWrittenMeta(BaseEstimator):
    """A meta-estimator that writes its own ``get_params``.

    Parameters
    ----------
    estimator : estimator, default=None
        The wrapped estimator.
    alpha : float, default=1.0
        A parameter of its own.
    n_rounds : int, default=3
        Another.
    """

    def __init__(self, estimator=None, alpha=1.0, n_rounds=3):
        self.estimator = estimator
        self.alpha = alpha
        self.n_rounds = n_rounds

    def get_params(self, deep=True):
        """Parameters of this estimator, and of the wrapped one when deep.

        Parameters
        ----------
        deep : bool, default=True
            Also return the wrapped estimator's, as ``estimator__<name>``.

        Returns
        -------
        params : dict
        """
        out = {"alpha": self.alpha, "estimator": self.estimator, "n_rounds": self.n_rounds}
        if deep and hasattr(self.estimator, "get_params"):
            for key, value in self.estimator.get_params(deep=True).items():
                out["estimator__" + key] = value
        return out


class ForwardingWrapper(BaseEstimator):
    """An estimator forwarding unknown public attributes to the one it wraps.

    Parameters
    ----------
    estimator : estimator, default=None
        The wrapped estimator.
    scale : float, default=1.0
        A parameter of its own.
    """

    def __init__(self, estimator=None, scale=1.0):
        self.estimator = estimator
        self.scale = scale

    def __getattr__(self, name):
        if name.startswith("_") or "estimator" not in self.__dict__:
            raise AttributeError(name)
        return getattr(self.__dict__["estimator"], name)


# -- the families ----------------------------------------------------------------


def _quiet_construct(cls):
    # Defaults only; a class that cannot be built so (a missing soft
    # dependency, a required argument) is left out.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return cls()
        except Exception:
            return None


def _sktime_classes():
    # Every class of sktime's registry, in a stable order (module, name).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from sktime.registry import all_estimators

        classes = all_estimators(return_names=False)
    return sorted(classes, key=lambda c: (c.__module__, c.__qualname__))


def skbase_objects(size=None):
    """sktime's estimators built with their defaults, sorted by class name.

    Parameters
    ----------
    size : int or None, default=None
        Stop after this many (None: every class).

    Returns
    -------
    objects : list
        One instance per class of ``sktime.registry.all_estimators()`` that
        constructs without arguments.

    Raises
    ------
    ImportError
        If sktime is not installed.
    """
    objects = []
    for cls in _sktime_classes():
        if size is not None and len(objects) >= size:
            break
        obj = _quiet_construct(cls)
        if obj is not None:
            objects.append(obj)
    return objects


def sktime_test_instances(size=None):
    """sktime's test instances of every class of its registry, in class order.

    Parameters
    ----------
    size : int or None, default=None
        Stop after this many (None: all).

    Returns
    -------
    objects : list

    Raises
    ------
    ImportError
        If sktime is not installed.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        objects = []
        for cls in _sktime_classes():
            if size is not None and len(objects) >= size:
                break
            try:
                objects += cls.create_test_instances_and_names()[0]
            except Exception:  # a missing soft dependency
                continue
    return objects if size is None else objects[:size]


def pyod_detectors(size=None):
    """pyod's detectors built with their defaults, sorted by class name.

    Every module of ``pyod.models`` that imports (those needing torch and
    other optional libraries are skipped) is searched for
    ``BaseDetector`` subclasses defined there.

    Parameters
    ----------
    size : int or None, default=None
        Stop after this many (None: every class).

    Returns
    -------
    objects : list

    Raises
    ------
    ImportError
        If pyod is not installed.
    """
    import pyod.models
    from pyod.models.base import BaseDetector

    classes = {}
    # pyod's modules print a line when an optional library is missing
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        for info in pkgutil.iter_modules(pyod.models.__path__, "pyod.models."):
            if info.ispkg:
                continue
            try:
                module = importlib.import_module(info.name)
            except Exception:
                continue
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, BaseDetector)
                    and value.__module__ == module.__name__
                    and not getattr(value, "__abstractmethods__", None)
                ):
                    classes[(value.__module__, value.__qualname__)] = value
    objects = []
    for key in sorted(classes):
        if size is not None and len(objects) >= size:
            break
        with contextlib.redirect_stdout(io.StringIO()):
            obj = _quiet_construct(classes[key])
        if obj is not None:
            objects.append(obj)
    return objects


def _sklearn_objects():
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.preprocessing import StandardScaler
    from sklearn.tree import DecisionTreeClassifier

    return [LogisticRegression(C=2.0), Ridge(), StandardScaler(), DecisionTreeClassifier()]


def family_objects(family, size=None):
    """The objects of one family.

    Parameters
    ----------
    family : str
        One of ``FAMILIES``.
    size : int or None, default=None
        At most this many (the first ones), None for all.

    Returns
    -------
    objects : list

    Raises
    ------
    ImportError
        If the family's library is not installed.
    """
    if family == "skbase":
        objects = skbase_objects(size)
    elif family == "skbase test parameters":
        objects = sktime_test_instances(size)
    elif family == "pyod":
        objects = pyod_detectors(size)
    elif family == "hand-written get_params":
        objects = [HandWrittenMeta(est, alpha=0.5) for est in _sklearn_objects()]
    elif family == "custom __getattr__":
        objects = [ForwardingWrapper(est, scale=2.0) for est in _sklearn_objects()]
    elif family == "scikit-learn":
        objects = _sklearn_objects()
    else:
        raise ValueError("unknown family %r" % (family,))
    return objects if size is None else objects[:size]


# -- the floor -------------------------------------------------------------------


def _nodes(obj, out):
    # Every estimator node, as clone walks them.
    if type(obj) in (list, tuple, set, frozenset):
        for item in obj:
            _nodes(item, out)
    elif type(obj) is dict:
        for item in obj.values():
            _nodes(item, out)
    elif hasattr(obj, "get_params") and not isinstance(obj, type):
        params = obj.get_params(deep=False)
        out.append((obj, type(obj), params))
        for value in params.values():
            _nodes(value, out)
    return out


def _has_custom_getattr(cls):
    return getattr(cls, "__getattr__", None) is not None


def make_floor(objects):
    """The floor's callable for a list of objects (see the module's notes).

    Parameters
    ----------
    objects : list
        The family's objects.

    Returns
    -------
    floor, constructors : callable
        Zero-argument callables: the floor, and the constructors alone.
    """
    from .. import _clone_c

    steps = []
    ctors = []
    for obj in objects:
        for node, cls, params in _nodes(obj, []):
            calls_get_params = _clone_c._get_params_path(node) == "call"
            steps.append((node, cls, params, calls_get_params, _has_custom_getattr(cls)))
            ctors.append((cls, params))

    def floor():
        out = []
        for node, cls, params, calls_get_params, custom_getattr in steps:
            new = cls(**params)
            if calls_get_params:
                node.get_params(deep=False)
                new.get_params(deep=False)
            if custom_getattr:
                for name in _GETATTR_PROBES:
                    hasattr(node, name)
            out.append(new)
        return out

    def constructors():
        return [cls(**params) for cls, params in ctors]

    return floor, constructors


def contenders(objects):
    """Zero-argument callables of each contender for a list of objects.

    Parameters
    ----------
    objects : list
        The family's objects.

    Returns
    -------
    contenders : dict
        ``CONTENDERS`` -> callable cloning (or building) every object.
    """
    from .. import _clone_c

    upstream = sklearn.base.clone
    compiled = _clone_c.clone
    floor, constructors = make_floor(objects)
    return {
        "upstream": lambda: [upstream(o) for o in objects],
        "compiled": lambda: [compiled(o) for o in objects],
        "floor": floor,
        "constructors": constructors,
    }


def _sample(fn, number):
    results = [None] * number
    gc.collect()
    fn()  # warm
    start = time.perf_counter()
    for i in range(number):
        results[i] = fn()
    elapsed = time.perf_counter() - start
    del results
    return elapsed / number


def run_families(repeats=15, sample_time=5e-3, families=FAMILIES, progress=None, size=None):
    """Time every contender on every family, side by side.

    Parameters
    ----------
    repeats : int, default=15
        Timed samples per contender and family; the median is reported.
    sample_time : float, default=5e-3
        Seconds a sample should last (calls are looped to reach it).
    families : iterable of str, default=FAMILIES
        The families to time.
    progress : file-like or None, default=None
        Where to report progress.
    size : int or None, default=None
        At most this many objects per family (None: all).

    Returns
    -------
    results : dict
        ``{"families": [...], "skipped": {family: reason}}``; each family
        entry has ``family``, ``objects``, ``paths`` (how many objects take
        each ``get_params`` path of the compiled clone) and per contender
        ``median`` / ``min`` / ``max`` seconds per object.
    """
    from .. import _clone_c

    out = {"families": [], "skipped": {}, "repeats": repeats}
    with warnings.catch_warnings():
        # constructors of the families warn about soft dependencies, and
        # every clone calls them again
        warnings.simplefilter("ignore")
        _run_families(out, repeats, sample_time, families, progress, size)
    return out


def _run_families(out, repeats, sample_time, families, progress, size):
    from .. import _clone_c

    for family in families:
        try:
            objects = family_objects(family, size)
        except ImportError as exc:
            out["skipped"][family] = "%s (install the 'families' dependency group)" % exc
            if progress is not None:
                print("families: %s skipped: %s" % (family, exc), file=progress)
            continue
        # Only what upstream clones without raising, so every contender
        # does the same work.
        kept = []
        for obj in objects:
            try:
                sklearn.base.clone(obj)
            except Exception:
                continue
            kept.append(obj)
        objects = kept
        if not objects:
            out["skipped"][family] = "no object of the family clones upstream"
            continue
        paths = {}
        for obj in objects:
            path = _clone_c._get_params_path(obj)
            paths[path] = paths.get(path, 0) + 1
        fns = contenders(objects)
        numbers = {}
        for name, fn in fns.items():
            fn()
            start = time.perf_counter()
            fn()
            once = max(time.perf_counter() - start, 1e-7)
            numbers[name] = max(1, int(sample_time / once))
        samples = {name: [] for name in fns}
        names = list(fns)
        for r in range(repeats):
            for k in range(len(names)):
                name = names[(r + k) % len(names)]
                samples[name].append(_sample(fns[name], numbers[name]) / len(objects))
        entry = {"family": family, "objects": len(objects), "paths": paths}
        for name in names:
            entry[name] = {
                "median": statistics.median(samples[name]),
                "min": min(samples[name]),
                "max": max(samples[name]),
            }
        out["families"].append(entry)
        if progress is not None:
            print("families: %s done (%d objects)" % (family, len(objects)), file=progress)


def _us(seconds):
    return "%.2f us" % (seconds * 1e6)


def format_families(results):
    """The families section as a Markdown table.

    Parameters
    ----------
    results : dict
        As returned by :func:`run_families`.

    Returns
    -------
    text : str
    """
    lines = [
        "### Estimator families (per object, median of %d)" % results["repeats"],
        "",
        "| family | objects | get_params paths | upstream | compiled | floor "
        "| constructors | upstream / compiled | compiled / floor |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for entry in results["families"]:
        up = entry["upstream"]["median"]
        comp = entry["compiled"]["median"]
        floor = entry["floor"]["median"]
        paths = ", ".join("%s %d" % kv for kv in sorted(entry["paths"].items()))
        lines.append(
            "| %s | %d | %s | %s | %s | %s | %s | %.1fx | %.2fx |"
            % (
                entry["family"], entry["objects"], paths, _us(up), _us(comp),
                _us(floor), _us(entry["constructors"]["median"]), up / comp,
                comp / floor,
            )
        )
    for family, reason in results["skipped"].items():
        lines.append("")
        lines.append("%s: skipped, %s" % (family, reason))
    lines.append("")
    return "\n".join(lines)


def run_families_section(output, quick=False, progress=None):
    """The families section of ``python -m sklearn_slep017 bench --families``.

    Writes ``families.json`` and ``families.md`` into ``output`` and prints
    the table.

    Parameters
    ----------
    output : str or path-like
        The results directory (created if missing).
    quick : bool, default=False
        A smoke run: 3 repeats, at most 10 objects per family.
    progress : file-like or None, default=None
        Where to report progress.

    Returns
    -------
    results : dict
        As returned by :func:`run_families`.
    """
    import json
    from pathlib import Path

    if quick:
        results = run_families(repeats=3, sample_time=1e-4, progress=progress, size=10)
    else:
        results = run_families(progress=progress)
    results["quick"] = quick
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    (output / "families.json").write_text(json.dumps(results, indent=2) + "\n")
    text = format_families(results)
    (output / "families.md").write_text(text)
    print(text)
    return results


if __name__ == "__main__":  # pragma: no cover - a quick manual run
    print(format_families(run_families(progress=sys.stderr)))
