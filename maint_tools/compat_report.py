# SPDX-License-Identifier: BSD-3-Clause
"""Clone behaviour of the installed scikit-learn against ours, and the matrix report.

``probe_behaviours()`` measures, on the installed release, each behaviour of
``clone`` that changed across the supported releases (the oldest to the
newest of ``sklearn_slep017/_version_range.py``): once with
upstream's own ``sklearn.base.clone`` and once with ``enable()`` in force,
for each implementation. ``POLICIES`` says, per behaviour, what ``enable()``
promises: the release's own behaviour, or the protocol backported. The
nox sessions (``noxfile.py``) record a probe per release; ``aggregate``
turns the records into the table of ``compat-results/report.md``.

A maintainer tool, run from a checkout; not part of the installed package,
which never imports it. The nox sessions run it as a script,
``python -I maint_tools/compat_report.py probe ...``, so that what it probes
is the installed wheel, not the working tree.

Command line (used by ``noxfile.py`` and ``make compat``)::

    python -m maint_tools.compat_report probe --release 1.9.1 \\
        --results compat-results/1.9.1 --output compat-results/1.9.1.json
    python -m maint_tools.compat_report aggregate compat-results
"""

import argparse
import copy
import json
import platform
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from unittest import mock

# behaviour -> (what it is, policy of enable()). "release" means enable() keeps
# the installed release's own behaviour; "backport" means enable() gives the
# SLEP017 behaviour on every release; "improve" means we deliberately do better
# than upstream where upstream fails (never where it works).
POLICIES = {
    "protocol": (
        "`clone` delegates to `__sklearn_clone__`",
        "backport",
    ),
    "default_method": (
        "`BaseEstimator.__sklearn_clone__` exists",
        "backport",
    ),
    "dict_values": (
        "values of a `dict` parameter",
        "release",
    ),
    "dict_safe": (
        "`clone(dict)` with `safe=True`",
        "release",
    ),
    "metadata_request": (
        "`_metadata_request` carried over",
        "release",
    ),
    "output_config": (
        "`set_output` configuration",
        "release",
    ),
    "callbacks": (
        "`_skl_callbacks`",
        "release",
    ),
    "deprecated_original": (
        "`__init__.deprecated_original` introspected",
        "release",
    ),
    "class_error": (
        "`clone(SomeClass)` error",
        "release",
    ),
    "mock_parameter": (
        "a `MagicMock` parameter",
        "improve",
    ),
}

# What SLEP017 gives, which "backport" behaviours must show on every release.
BACKPORTED = {"protocol": "delegates", "default_method": "yes"}

POLICY_WORDS = {
    "release": "the release's own",
    "backport": "SLEP017 backported",
    "improve": "ours (upstream fails)",
}


def _outcome(func):
    # A short description of what func() returned or raised.
    try:
        return func()
    except RecursionError:
        return "RecursionError"
    except Exception as exc:  # noqa: BLE001 - the type is the answer
        return type(exc).__name__


def _probes(clone, base_estimator):
    """Each behaviour as a zero-argument function of ``clone``."""

    class Ridge(base_estimator):
        def __init__(self, alpha=1.0):
            self.alpha = alpha

    class Delegating(base_estimator):
        def __sklearn_clone__(self):
            return "delegated"

    class Marker:
        # Tells which operation carried it over to the clone.
        def __deepcopy__(self, memo):
            return "deepcopy"

        def __sklearn_clone__(self):
            return "clone"

    def protocol():
        return "delegates" if clone(Delegating()) == "delegated" else "ignores it"

    def default_method():
        return "yes" if hasattr(base_estimator, "__sklearn_clone__") else "no"

    def dict_values():
        fitted = Ridge()
        fitted.coef_ = 1.0
        (kept,) = clone({"model": fitted}, safe=False).values()
        return "deep-copied (stays fitted)" if hasattr(kept, "coef_") else "cloned (unfitted)"

    def dict_safe():
        return _outcome(lambda: "%s returned" % type(clone({"a": Ridge()})).__name__)

    def metadata_request():
        estimator = Ridge()
        estimator._metadata_request = Marker()
        new = clone(estimator)
        return getattr(new, "_metadata_request", "not carried")

    def output_config():
        estimator = Ridge()
        estimator._sklearn_output_config = {"transform": "pandas"}
        new = clone(estimator)
        config = getattr(new, "_sklearn_output_config", None)
        if config is None:
            return "not kept"
        return "copied" if config is not estimator._sklearn_output_config else "shared"

    def callbacks():
        estimator = Ridge()
        estimator._skl_callbacks = [object()]
        new = clone(estimator)
        found = getattr(new, "_skl_callbacks", None)
        if found is None:
            return "not carried"
        return "shared" if found is estimator._skl_callbacks else "copied"

    def deprecated_original():
        def original(self, a=1):
            self.a = a

        def wrapper(self, *args, **kwargs):
            original(self, *args, **kwargs)

        wrapper.deprecated_original = original
        klass = type("Deprecated", (base_estimator,), {"__init__": wrapper})
        return _outcome(lambda: "names %s" % klass._get_param_names())

    def class_error():
        return _outcome(lambda: clone(Ridge))

    def mock_parameter():
        # Upstream 1.9.1 takes about 12 s to reach the recursion limit here
        # (issue 34477); a low limit keeps the probe quick for both.
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(300)
        try:
            return _outcome(lambda: "%s returned" % type(clone(Ridge(alpha=mock.MagicMock())).alpha).__name__)
        finally:
            sys.setrecursionlimit(limit)

    return {name: func for name, func in locals().items() if name in POLICIES}


def probe_behaviours(implementations=("python", "cython")):
    """Measure each behaviour of POLICIES, upstream and under ``enable()``.

    Parameters
    ----------
    implementations : tuple of str, default=("python", "cython")
        The implementations to probe under ``enable()``.

    Returns
    -------
    behaviours : dict
        ``{behaviour: {"upstream": str, "<implementation>": str, ...}}``.

    Examples
    --------
    >>> from maint_tools.compat_report import probe_behaviours
    >>> probe_behaviours(("python",))["protocol"]["python"]
    'delegates'
    """
    import sklearn.base

    from sklearn_slep017 import _switch

    results = {name: {} for name in POLICIES}
    for name, func in _probes(sklearn.base.clone, sklearn.base.BaseEstimator).items():
        results[name]["upstream"] = _outcome(func)
    for implementation in implementations:
        with _switch.enabled(implementation):
            for name, func in _probes(sklearn.base.clone, sklearn.base.BaseEstimator).items():
                results[name][implementation] = _outcome(func)
    return {name: {k: str(v) for k, v in value.items()} for name, value in results.items()}


def check_policies(behaviours):
    """The behaviours that break their policy.

    Parameters
    ----------
    behaviours : dict
        As returned by :func:`probe_behaviours`.

    Returns
    -------
    problems : list of str
        Empty when every behaviour keeps its policy.
    """
    problems = []
    for name, values in behaviours.items():
        policy = POLICIES[name][1]
        ours = {k: v for k, v in values.items() if k != "upstream"}
        if len(set(ours.values())) > 1:
            problems.append("%s: the implementations disagree: %s" % (name, ours))
        for implementation, value in ours.items():
            if policy == "release" and value != values["upstream"]:
                problems.append(
                    "%s (%s): %r, the release gives %r"
                    % (name, implementation, value, values["upstream"])
                )
            if policy == "backport" and value != BACKPORTED[name]:
                problems.append(
                    "%s (%s): %r, SLEP017 gives %r"
                    % (name, implementation, value, BACKPORTED[name])
                )
            if policy == "improve" and "Error" in value:
                problems.append("%s (%s): %s" % (name, implementation, value))
    return problems


def _junit_counts(path):
    # Totals of a pytest --junitxml file: passed, failed, errors, skipped.
    if not path.is_file():
        return None
    root = ElementTree.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root)
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in suites:
        for key in counts:
            counts[key] += int(suite.get(key, 0))
    counts["passed"] = counts["tests"] - counts["failures"] - counts["errors"] - counts["skipped"]
    return counts


def _probe_command(args):
    import sklearn

    from sklearn_slep017 import __version__, implementation

    results = Path(args.results)
    upstream = {}
    for path in sorted(results.glob("upstream-*.json")):
        upstream[path.stem[len("upstream-") :]] = json.loads(path.read_text())
    record = {
        "release": args.release,
        "sklearn_version": sklearn.__version__,
        "sklearn_slep017": __version__,
        "implementation": implementation(),
        "python": platform.python_version(),
        "numpy": __import__("numpy").__version__,
        "scipy": __import__("scipy").__version__,
        "status": dict(item.split(":", 1) for item in args.status),
        "pytest_args": args.pytest_arg,
        "suite": _junit_counts(results / "suite.xml"),
        "doctests": _junit_counts(results / "doctests.xml"),
        "upstream_suites": upstream,
        "behaviours": probe_behaviours(),
    }
    record["problems"] = check_policies(record["behaviours"])
    Path(args.output).write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    print("wrote %s; policy problems: %d" % (args.output, len(record["problems"])))
    for problem in record["problems"]:
        print("  " + problem)
    return 1 if record["problems"] else 0


def _version_key(release):
    return tuple(int(part) for part in release.split("."))


def render_report(records):
    """The Markdown report of a list of probe records (one per release).

    Parameters
    ----------
    records : list of dict
        The JSON records written by ``probe``.

    Returns
    -------
    text : str
        Two tables -- test results by release, behaviour by release -- and
        the policy problems, if any.
    """
    records = sorted(records, key=lambda r: _version_key(r["release"]))
    lines = ["## Test results by release", ""]
    lines += [
        "| scikit-learn | numpy | scipy | our suite (both implementations) | doctests "
        "| upstream suites under `enable()` | policy problems |",
        "|---|---|---|---|---|---|---|",
    ]
    for record in records:
        suite = record.get("suite") or {}
        doctests = record.get("doctests") or {}
        upstream_cells = []
        for key, counts in sorted(record.get("upstream_suites", {}).items()):
            own = len(counts.get("upstream_own_failures", []))
            cell = "%s: %s passed" % (key, counts.get("passed", 0))
            if own:
                cell += " (%d failing without us too)" % own
            elif counts.get("failed"):
                cell += ", %s failed" % counts["failed"]
            upstream_cells.append(cell)
        problems = check_policies(record["behaviours"])
        lines.append(
            "| %s | %s | %s | %s | %s | %s | %s |"
            % (
                record["release"],
                record.get("numpy", "?"),
                record.get("scipy", "?"),
                _counts_cell(suite),
                _counts_cell(doctests),
                "<br>".join(upstream_cells) or "none recorded",
                len(problems),
            )
        )
    extra = sorted({" ".join(r.get("pytest_args") or []) for r in records} - {""})
    if extra:
        lines += ["", "Extra pytest arguments of these runs: " + "; ".join(
            "`%s`" % text for text in extra)]
    lines += ["", "## Behaviour by release (upstream / under `enable()`)", ""]
    header = "| behaviour | policy | " + " | ".join(r["release"] for r in records) + " |"
    lines += [header, "|---|---|" + "---|" * len(records)]
    for name, (label, policy) in POLICIES.items():
        cells = []
        for record in records:
            values = record["behaviours"][name]
            ours = values.get("cython", values.get("python"))
            upstream = values["upstream"]
            cells.append(upstream if ours == upstream else "%s / **%s**" % (upstream, ours))
        lines.append("| %s | %s | %s |" % (label, POLICY_WORDS[policy], " | ".join(cells)))
    all_problems = [
        "%s: %s" % (record["release"], problem)
        for record in records
        for problem in check_policies(record["behaviours"])
    ]
    lines += ["", "Policy problems: %s" % (len(all_problems) or "none")]
    lines += ["- " + problem for problem in all_problems]
    return "\n".join(lines) + "\n"


def _counts_cell(counts):
    if not counts:
        return "not run"
    cell = "%d passed" % counts["passed"]
    for key in ("failures", "errors", "skipped"):
        if counts.get(key):
            cell += ", %d %s" % (counts[key], key)
    return cell


def _aggregate_command(args):
    folder = Path(args.folder)
    records = [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]
    if not records:
        print("no probe records in %s: run `make compat` first" % folder, file=sys.stderr)
        return 2
    text = render_report(records)
    output = Path(args.output) if args.output else folder / "report.md"
    output.write_text(text)
    print("wrote %s (%d releases)" % (output, len(records)))
    return 0


def main(argv=None):
    """Command line: ``probe`` one release, or ``aggregate`` the records.

    Parameters
    ----------
    argv : list of str or None, default=None
        The arguments; None means ``sys.argv[1:]``.

    Returns
    -------
    status : int
        0 on success, 1 when a policy is broken, 2 on a usage error.
    """
    parser = argparse.ArgumentParser(prog="python -m maint_tools.compat_report")
    sub = parser.add_subparsers(dest="command", required=True)
    probe = sub.add_parser("probe", help="probe the installed release")
    probe.add_argument("--release", required=True)
    probe.add_argument("--results", required=True, help="folder with the junit files")
    probe.add_argument("--output", required=True)
    probe.add_argument("--status", action="append", default=[], help="name:outcome")
    probe.add_argument(
        "--pytest-arg", action="append", default=[], help="extra pytest arguments of the run"
    )
    aggregate = sub.add_parser("aggregate", help="write the Markdown report")
    aggregate.add_argument("folder")
    aggregate.add_argument("--output")
    args = parser.parse_args(argv)
    if args.command == "probe":
        return _probe_command(args)
    return _aggregate_command(args)


if __name__ == "__main__":
    sys.exit(main())
