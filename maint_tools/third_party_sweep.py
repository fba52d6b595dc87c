# SPDX-License-Identifier: BSD-3-Clause
"""Third-party estimator libraries, cloned three ways and checked: the sweep.

For each library named (an importable top-level package), every class with
``get_params`` defined in it is found (its submodules imported, test
modules left out) and built with its defaults. Each object is then:

- cloned with upstream's ``sklearn.base.clone``, the reference and the
  compiled clone, with ``safe=True`` and ``safe=False``; the outcomes are
  compared: the exception's type and message (addresses blanked), or the
  result's tree (types, parameter names, instance attributes, values) with
  the identities upstream keeps (a node that *is* a node of the original,
  or one met earlier in the result);
- run through the contract checks with each of the three clones. A check
  that fails with ours and passes with upstream's is a difference of ours;
  one that fails with every clone is either the library breaking the
  contract or a false alarm of the check, which the report lists for a
  person to decide.

A maintainer tool, run from a checkout (``make sweep``, in a venv of its
own with the ``sweep`` dependency group); not part of the installed
package, which never imports it.

Command line::

    python -m maint_tools.third_party_sweep category_encoders feature_engine \\
        --output sweep-results
"""

import argparse
import importlib
import inspect
import json
import pkgutil
import re
import signal
import sys
import time
import warnings
from pathlib import Path

import numpy as np

_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_MAX_DEPTH = 12


class SweepTimeout(Exception):
    """A construction, clone or check that ran past the sweep's limit."""


def _blank(text):
    return _ADDRESS.sub("0x", text)


def _with_timeout(seconds, func, *args, **kwargs):
    # SIGALRM: a library's hang must not stop the sweep (POSIX main thread).
    def alarm(signum, frame):
        raise SweepTimeout("no answer within %d s" % seconds)

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        return func(*args, **kwargs)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def clones():
    """The three clones compared: ``{"upstream", "reference", "compiled"}``.

    Returns
    -------
    clones : dict
        Name -> clone function.

    Raises
    ------
    RuntimeError
        If the compiled clone is not the live implementation (a sweep on
        the reference alone would compare it with itself).
    """
    import sklearn_slep017
    from sklearn_slep017 import _clone_c, _clone_py, _compat

    if sklearn_slep017.implementation() != "compiled":
        raise RuntimeError(
            "the compiled clone is not live (implementation() is %r): build "
            "it, and unset SKLEARN_SLEP017_NO_EXTENSIONS" % sklearn_slep017.implementation()
        )
    return {
        "upstream": _compat.UPSTREAM_CLONE,
        "reference": _clone_py.clone,
        "compiled": _clone_c.clone,
    }


# --------------------------------------------------------------------------
# Finding the classes


def estimator_classes(package, timeout=60):
    """Every class with ``get_params`` that ``package`` defines, by spec.

    Parameters
    ----------
    package : str
        An importable top-level package.
    timeout : int, default=60
        Seconds allowed to import one submodule.

    Returns
    -------
    classes : dict
        ``"module:QualName"`` -> class, sorted by spec.
    """
    root = importlib.import_module(package)
    modules = [root]
    for info in pkgutil.walk_packages(getattr(root, "__path__", []), package + ".",
                                      onerror=lambda name: None):
        parts = info.name.split(".")
        if any(p in ("tests", "test", "testing", "conftest") or p.startswith("test_")
               for p in parts):
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                modules.append(_with_timeout(timeout, importlib.import_module, info.name))
        except (Exception, SweepTimeout):  # an optional dependency missing
            continue
    found = {}
    for module in modules:
        for value in list(vars(module).values()):
            if (
                inspect.isclass(value)
                and (value.__module__ or "").split(".")[0] == package
                and hasattr(value, "get_params")
            ):
                found["%s:%s" % (value.__module__, value.__qualname__)] = value
    return dict(sorted(found.items()))


def build_objects(classes, timeout=30):
    """Instances built with their defaults, and why the others were not.

    Parameters
    ----------
    classes : dict
        Spec -> class, as :func:`estimator_classes` returns.
    timeout : int, default=30
        Seconds allowed for one constructor.

    Returns
    -------
    objects : dict
        Spec -> zero-argument factory (a fresh object on every call).
    skipped : dict
        Spec -> reason.
    """
    objects, skipped = {}, {}
    for spec, cls in classes.items():
        if inspect.isabstract(cls):
            skipped[spec] = "abstract"
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                _with_timeout(timeout, cls)
        except (Exception, SweepTimeout) as exc:
            skipped[spec] = "%s: %s" % (type(exc).__name__, _blank(str(exc))[:160])
            continue
        objects[spec] = cls
    return objects, skipped


# --------------------------------------------------------------------------
# Comparing outcomes


def _is_estimator(obj):
    return hasattr(obj, "get_params") and not isinstance(obj, type)


def _leaf(value):
    if isinstance(value, type):
        return ("class", value.__module__, value.__qualname__)
    if isinstance(value, np.ndarray) and value.dtype != object:
        return ("ndarray", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, np.random.RandomState):
        state = value.get_state()
        return ("RandomState", state[1].tobytes(), state[2:])
    try:
        text = repr(value)
    except Exception as exc:
        text = "<repr raised %s>" % type(exc).__name__
    return (type(value).__module__, type(value).__qualname__, _blank(text)[:300])


_CONFIG = ("_sklearn_output_config", "_metadata_request", "_skl_callbacks")


def _children(obj):
    if _is_estimator(obj):
        try:
            params = obj.get_params(deep=False)
        except Exception:
            return []
        out = list(params.items())
        attributes = getattr(obj, "__dict__", None)
        if isinstance(attributes, dict):
            out += [("." + name, attributes[name]) for name in _CONFIG if name in attributes]
        return out
    if type(obj) in (list, tuple):
        return list(enumerate(obj))
    if type(obj) in (set, frozenset):
        return list(enumerate(sorted(obj, key=lambda v: _blank(repr(v)))))
    if type(obj) is dict:
        return [(repr(key), value) for key, value in obj.items()]
    return []


def describe(result, original):
    """A comparable description of a clone's result.

    One entry per node, in walking order: its path, what it is, and its
    identities: the path of the original's node it *is*, if any, and of
    the earlier node of the result it is, if any.

    Parameters
    ----------
    result : object
        What a clone returned.
    original : object
        What was cloned.

    Returns
    -------
    description : list of tuple
    """
    original_paths = {}

    def index(obj, path, depth):
        if depth > _MAX_DEPTH:
            return
        original_paths.setdefault(id(obj), path)
        for key, value in _children(obj):
            index(value, path + (key,), depth + 1)

    index(original, (), 0)
    seen, out = {}, []

    def walk(obj, path, depth):
        if depth > _MAX_DEPTH:
            out.append((path, "too deep"))
            return
        identity = (original_paths.get(id(obj)), seen.get(id(obj)))
        seen.setdefault(id(obj), path)
        if _is_estimator(obj):
            attributes = getattr(obj, "__dict__", None)
            what = ("estimator", type(obj).__module__, type(obj).__qualname__,
                    tuple(sorted(attributes)) if isinstance(attributes, dict) else None)
        elif type(obj) in (list, tuple, set, frozenset, dict):
            what = (type(obj).__name__, len(obj))
        else:
            what = _leaf(obj)
        out.append((path, what, identity))
        for key, value in _children(obj):
            if key == "._metadata_request":  # compared by what it serialises to
                serialize = getattr(value, "_serialize", None)
                text = _blank(repr(serialize() if callable(serialize) else value))
                out.append((path + (key,), ("request", type(value).__name__, text),
                            (original_paths.get(id(value)), seen.get(id(value)))))
                continue
            walk(value, path + (key,), depth + 1)

    walk(result, (), 0)
    return out


def outcome(clone, factory, safe, timeout=60):
    """What one clone of a fresh object gives: a comparable tuple.

    Parameters
    ----------
    clone : callable
        A clone function.
    factory : callable
        Builds the object to clone (a fresh one on every call).
    safe : bool
        Passed to ``clone``.
    timeout : int, default=60
        Seconds allowed.

    Returns
    -------
    outcome : tuple
        ``("raised", type, message)``, ``("timeout",)``, or
        ``("returned", description)``.
    """
    original = factory()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = _with_timeout(timeout, clone, original, safe=safe)
        except SweepTimeout:
            return ("timeout",)
        except Exception as exc:
            return ("raised", type(exc).__qualname__, _blank(str(exc)))
    return ("returned", describe(result, original))


def first_difference(expected, got):
    """The first entry where two outcomes differ, or None when equal."""
    if expected == got:
        return None
    if expected[0] != "returned" or got[0] != "returned":
        return (expected, got)
    for left, right in zip(expected[1], got[1]):
        if left != right:
            return (left, right)
    return ("%d nodes" % len(expected[1]), "%d nodes" % len(got[1]))


def failing_checks(clone, factory, timeout=120):
    """The contract checks that fail on a fresh object with ``clone``.

    Returns
    -------
    failures : dict
        Check name -> its first problem, in words.
    """
    from sklearn_slep017.checks import run_clone_checks

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            results = _with_timeout(timeout, run_clone_checks, factory(), clone=clone)
        except SweepTimeout as exc:
            return {"(all checks)": str(exc)}
    return {
        r.check: _blank("%s: %s" % r.problems[0] if r.problems else r.hint)[:300]
        for r in results
        if r.status == "FAIL"
    }


# --------------------------------------------------------------------------
# The sweep


def sweep_library(package, log=None):
    """Clone and check every default-built estimator of one library.

    Parameters
    ----------
    package : str
        An importable top-level package.
    log : callable, optional
        Called with a line of progress.

    Returns
    -------
    record : dict
        ``package``, ``version``, ``classes``, ``objects``, ``skipped``,
        ``mismatches`` (spec, safe, clone, upstream's outcome and ours at
        their first difference), ``ours_only`` (checks failing with ours
        alone) and ``every_clone`` (checks failing with every clone).
    """
    log = log or (lambda line: None)
    functions = clones()
    classes = estimator_classes(package)
    objects, skipped = build_objects(classes)
    module = sys.modules[package]
    record = {
        "package": package,
        "version": getattr(module, "__version__", "?"),
        "classes": len(classes),
        "objects": len(objects),
        "skipped": skipped,
        "mismatches": [],
        "ours_only": [],
        "every_clone": [],
    }
    start = time.monotonic()
    for i, (spec, factory) in enumerate(objects.items(), 1):
        for safe in (True, False):
            upstream = outcome(functions["upstream"], factory, safe)
            for name in ("reference", "compiled"):
                difference = first_difference(upstream, outcome(functions[name], factory, safe))
                if difference is not None:
                    record["mismatches"].append({
                        "spec": spec, "safe": safe, "clone": name,
                        "upstream": repr(difference[0])[:500], "ours": repr(difference[1])[:500],
                    })
        upstream_fails = failing_checks(functions["upstream"], factory)
        for name in ("reference", "compiled"):
            for check, problem in failing_checks(functions[name], factory).items():
                entry = {"spec": spec, "clone": name, "check": check, "problem": problem}
                (record["every_clone"] if check in upstream_fails else record["ours_only"]).append(entry)
        if i % 25 == 0 or i == len(objects):
            log("%s: %d/%d objects, %d mismatches, %.0f s" % (
                package, i, len(objects), len(record["mismatches"]), time.monotonic() - start))
    return record


def format_report(records):
    """A Markdown report of sweep records.

    Parameters
    ----------
    records : list of dict
        As :func:`sweep_library` returns.

    Returns
    -------
    report : str
    """
    lines = [
        "| library | version | classes | built with defaults | mismatches "
        "| checks failing with ours only | checks failing with every clone |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in records:
        every = {(e["spec"], e["check"]) for e in r["every_clone"]}
        lines.append("| %s | %s | %d | %d | %d | %d | %d |" % (
            r["package"], r["version"], r["classes"], r["objects"],
            len(r["mismatches"]), len(r["ours_only"]), len(every)))
    for r in records:
        for m in r["mismatches"]:
            lines += ["", "**Mismatch** %s (safe=%s, %s):" % (m["spec"], m["safe"], m["clone"]),
                      "- upstream: `%s`" % m["upstream"], "- ours: `%s`" % m["ours"]]
        for e in r["ours_only"]:
            lines += ["", "**Check failing with ours only** %s, %s (%s): %s"
                      % (e["spec"], e["check"], e["clone"], e["problem"])]
        shown = set()
        for e in r["every_clone"]:
            if (e["spec"], e["check"]) in shown:
                continue
            shown.add((e["spec"], e["check"]))
            lines += ["", "To review (fails with every clone: the library's fault or a "
                      "false alarm) %s, %s: %s" % (e["spec"], e["check"], e["problem"])]
    return "\n".join(lines) + "\n"


def main(argv=None):
    """Sweep the libraries named on the command line; write the report."""
    parser = argparse.ArgumentParser(prog="python -m maint_tools.third_party_sweep",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("packages", nargs="+", metavar="PACKAGE")
    parser.add_argument("--output", type=Path, default=Path("sweep-results"))
    args = parser.parse_args(argv)
    args.output.mkdir(parents=True, exist_ok=True)
    records = []
    for package in args.packages:
        try:
            record = sweep_library(package, log=lambda line: print(line, file=sys.stderr, flush=True))
        except ImportError as exc:
            print("%s: not importable (%s), left out" % (package, exc), file=sys.stderr)
            continue
        records.append(record)
        (args.output / ("%s.json" % package)).write_text(json.dumps(record, indent=1))
    report = format_report(records)
    (args.output / "report.md").write_text(report)
    print(report)
    failed = any(r["mismatches"] or r["ours_only"] for r in records)
    return 1 if failed else 0


if __name__ == "__main__":  # pragma: no cover - python -m maint_tools.third_party_sweep
    sys.exit(main())
