# SPDX-License-Identifier: BSD-3-Clause
"""``python -m sklearn_slep017 check module:Object [...]``: the clone contract.

Each spec names an object to import, ``package.module:Name`` (the name may
be dotted, ``module:Outer.Inner``; ``package.module.Name`` without a colon is
read the same way): a class is instantiated with no
arguments, any other callable (a factory) is called with none, and anything
else is used as the estimator. Every check of :mod:`sklearn_slep017.checks`
runs on each estimator; one line per promise says PASS, FAIL (with what and
where) or SKIP (clone itself raised), followed by any finding that is not a
broken promise (``noted:``, with its hint, whatever the status), then a
summary line.

Exit status: 0 when every promise holds, 1 when one is broken, 2 when a spec
cannot be imported or called (the other specs are still checked).
"""

import argparse
import importlib
import inspect
import sys

from .._names import ACCEPTED

__all__ = ["add_arguments", "load_estimator", "run", "SpecError"]


class SpecError(Exception):
    """A spec that does not name an importable estimator, class or factory."""


def add_arguments(parser):
    """Add the ``check`` options to an argument parser.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The ``check`` subparser.
    """
    parser.add_argument(
        "specs", nargs="+", metavar="MODULE:OBJECT",
        help="an estimator class (instantiated with no arguments), a factory "
        "(called with none) or an estimator instance, e.g. "
        "mypackage.models:MyWrapper",
    )
    parser.add_argument(
        "--implementation", choices=ACCEPTED,
        default=None,
        help="clone implementation to check with (default: the live one)",
    )
    parser.add_argument(
        "--fit", action="store_true",
        help="fit a copy on small generic data before checking that the "
        "clone is unfitted",
    )
    parser.add_argument(
        "--verbose", "-v", action="store_true",
        help="also print the notes of passing checks",
    )


def _resolve_dotted(spec):
    """``(module name, attribute path)`` for a dotted name with no colon.

    The longest importable prefix is the module: ``sklearn.linear_model.Ridge``
    is ``("sklearn.linear_model", "Ridge")``. None when no prefix imports or
    the rest is not found there.
    """
    parts = spec.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        module_name = ".".join(parts[:cut])
        try:
            obj = importlib.import_module(module_name)
        except Exception:
            continue
        try:
            for part in parts[cut:]:
                obj = getattr(obj, part)
        except AttributeError:
            return None
        return module_name, ".".join(parts[cut:])
    return None


def _required_arguments(cls):
    """Names of the constructor arguments ``cls`` needs (no default), if known."""
    try:
        signature = inspect.signature(cls)
    except (TypeError, ValueError):
        return []
    return [
        p.name for p in signature.parameters.values()
        if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD,
                                               p.KEYWORD_ONLY)
    ]


def _factory_advice(cls, spec, required):
    module_name = spec.partition(":")[0]
    arguments = ", ".join("%s=..." % name for name in required) or "..."
    return (
        "it needs %s. Write a factory, a function with no arguments that "
        "builds the estimator, in a module of yours, and pass that:\n"
        "    # my_estimators.py\n"
        "    from %s import %s\n"
        "    def make_estimator():\n"
        "        return %s(%s)\n"
        "then give my_estimators:make_estimator"
        % (", ".join(required) if required else "arguments",
           module_name, cls.__name__, cls.__name__, arguments)
    )


def load_estimator(spec):
    """Import and build the estimator a spec names.

    Parameters
    ----------
    spec : str
        ``package.module:Name`` or ``package.module:Name.attribute``; a dotted
        name without a colon (``package.module.Name``) is read the same way,
        the longest importable prefix being the module.

    Returns
    -------
    estimator : object
        The class instantiated with no arguments, the factory's result, or
        the object itself.

    Raises
    ------
    SpecError
        With a message saying what is wrong with the spec: for a class whose
        constructor needs arguments, how to write a factory instead.

    Examples
    --------
    >>> from sklearn_slep017.checks._cli import load_estimator
    >>> load_estimator("sklearn.linear_model:Ridge")
    Ridge()
    >>> load_estimator("sklearn.linear_model.Ridge")
    Ridge()
    """
    module_name, sep, attribute = spec.partition(":")
    if not sep and "." in spec:
        resolved = _resolve_dotted(spec)
        if resolved is None:
            raise SpecError(
                "%r is not a spec: write package.module:Object (a class, a factory "
                "or an estimator instance), e.g. sklearn.linear_model:Ridge; no "
                "importable module holds %r" % (spec, spec.rpartition(".")[2])
            )
        module_name, attribute = resolved
        spec = "%s:%s" % resolved
    elif not sep or not module_name or not attribute:
        raise SpecError(
            "%r is not a spec: write package.module:Object (a class, a factory "
            "or an estimator instance), e.g. sklearn.linear_model:Ridge" % spec
        )
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        raise SpecError(
            "cannot import module %r: %s: %s" % (module_name, type(exc).__name__, exc)
        ) from exc
    obj = module
    for part in attribute.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise SpecError(
                "module %r has no attribute %r" % (module_name, attribute)
            ) from None
    if inspect.isclass(obj):
        what = "instantiate class"
    elif callable(obj) and not hasattr(obj, "get_params"):
        what = "call factory"
    else:
        return obj
    try:
        return obj()
    except Exception as exc:
        message = "cannot %s %s with no arguments: %s: %s" % (
            what, spec, type(exc).__name__, exc)
        if inspect.isclass(obj) and isinstance(exc, TypeError):
            required = _required_arguments(obj)
            if required or "argument" in str(exc):
                message += "; " + _factory_advice(obj, spec, required)
        raise SpecError(message) from exc


def _short(obj, limit=100):
    try:
        text = " ".join(repr(obj).split())
    except Exception:
        text = "<%s>" % type(obj).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."


def run(args):
    """Run the ``check`` subcommand from parsed arguments.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed by a parser set up with :func:`add_arguments`.

    Returns
    -------
    status : int
        0 if every promise holds for every estimator (findings that are not
        broken promises included), 1 if one is broken, 2 if a spec could not
        be loaded.
    """
    from .. import _clone, checks

    out = sys.stdout
    try:
        implementation = _clone.get_implementation(args.implementation)
    except ValueError as exc:
        print("error: %s" % exc, file=sys.stderr)
        return 2
    name = _clone.canonical_name(args.implementation or _clone.implementation())
    print("clone contract (implementation: %s)" % name, file=out)
    spec_errors = 0
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    broken_estimators = findings = 0
    for spec in args.specs:
        try:
            estimator = load_estimator(spec)
        except SpecError as exc:
            spec_errors += 1
            print("%s: ERROR %s" % (spec, exc), file=out)
            continue
        print("%s -> %s" % (spec, _short(estimator)), file=out)
        results = checks.run_clone_checks(
            estimator, clone=implementation.clone, fit=args.fit
        )
        width = max(len(r.check) for r in results)
        for result in results:
            counts[result.status] += 1
            line = "  %s  %-*s  %s" % (result.status, width, result.check, result.promise)
            if result.status == "FAIL":
                for location, detail in result.problems:
                    line += "\n        %s: %s" % (location, detail)
                if result.hint:
                    line += "\n        hint: %s" % result.hint
            elif result.note and (args.verbose or result.status == "SKIP"):
                line += " (%s)" % result.note
            # Findings are printed without --verbose: they ask for a fix,
            # though not one of the clone.
            for location, detail in result.findings:
                line += "\n        noted (not a clone failure): %s: %s" % (location, detail)
                findings += 1
            if result.findings and result.finding_hint:
                line += "\n        hint: %s" % result.finding_hint
            print(line, file=out)
        if any(r.status == "FAIL" for r in results):
            broken_estimators += 1
    checked = len(args.specs) - spec_errors
    print(
        "summary: %d estimator%s checked, %d broken; %d passed, %d failed, %d skipped"
        "%s%s"
        % (
            checked, "" if checked == 1 else "s", broken_estimators,
            counts["PASS"], counts["FAIL"], counts["SKIP"],
            "; %d finding%s (not clone failures)" % (findings, "" if findings == 1 else "s")
            if findings else "",
            "; %d spec error%s" % (spec_errors, "" if spec_errors == 1 else "s")
            if spec_errors else "",
        ),
        file=out,
    )
    if spec_errors:
        return 2
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":  # pragma: no cover - python -m sklearn_slep017 check
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    sys.exit(run(parser.parse_args()))
