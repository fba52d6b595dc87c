# SPDX-License-Identifier: BSD-3-Clause
"""Running the checks: all of them on one estimator, as a report, in pytest.

Everything here reads the one registry (``_registry.REGISTRY``), filled by
the checks' declarations in ``_contract.py``: :data:`CHECKS`,
:func:`run_clone_checks`, :func:`check_clone_contract`,
:func:`parametrize_with_clone_checks`.
"""

import functools
import re
import types

from ._contract import _default_clone
from ._diff import ROOT, _short
from ._hints import CAUSE_HINTS, _describe
from ._outcomes import CheckResult, CloneContractError, _warn_findings
from ._registry import REGISTRY


#: Every check, in the order :func:`check_clone_contract` runs them.
CHECKS = tuple(record.function for record in REGISTRY)

# Read-only views of the registry, by the names of earlier releases: the
# promise of each check, and every hint by name (the causes of a failing
# clone, then each check's own).
PROMISES = types.MappingProxyType({record.name: record.promise for record in REGISTRY})
HINTS = types.MappingProxyType(
    {**CAUSE_HINTS, **{key: text for record in REGISTRY for key, text in record.hints.items()}}
)


def run_clone_checks(estimator, *, clone=None, X=None, y=None, fit=False):
    """Run every check on one estimator and collect the outcomes.

    When ``clone(estimator)`` itself raises, only :func:`check_clone_succeeds`
    reports it (with the parameter to blame); the other checks are skipped.

    Parameters
    ----------
    estimator : estimator instance
        The estimator to check.
    clone : callable, default=None
        The clone function under test; None means :func:`sklearn_slep017.clone`.
    X, y : array-like, default=None
        Passed to :func:`check_clone_unfitted`.
    fit : bool, default=False
        Passed to :func:`check_clone_unfitted`.

    Returns
    -------
    results : list of CheckResult
        One per check, in the order of :data:`CHECKS`.

    Examples
    --------
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from sklearn_slep017.checks import run_clone_checks
    >>> [r.status for r in run_clone_checks(DecisionTreeClassifier())][:3]
    ['PASS', 'PASS', 'PASS']
    """
    clone = _default_clone(clone)
    results = []
    clone_failed = False
    for record in REGISTRY:
        name = record.name
        if clone_failed:
            results.append(CheckResult(name, record.promise, "SKIP", note="clone raised"))
            continue
        finding_hint = record.hints[record.finding_hint] if record.finding_hint else ""
        try:
            # A check with findings returns them here, instead of warning.
            note, findings = record.run(estimator, clone, X, y, fit)
        except CloneContractError as exc:
            results.append(CheckResult(
                name, record.promise, "FAIL", exc.problems, exc.hint,
                findings=exc.findings, finding_hint=finding_hint if exc.findings else "",
            ))
            if record.gates_the_rest:
                clone_failed = True
        except Exception as exc:  # an assertion of another kind, or a crash
            results.append(
                CheckResult(name, record.promise, "FAIL", [(ROOT, _describe(exc))], "")
            )
            if record.gates_the_rest:
                clone_failed = True
        else:
            results.append(CheckResult(
                name, record.promise, "PASS", note=note,
                findings=findings, finding_hint=finding_hint if findings else "",
            ))
    return results


def format_report(estimator, results):
    """The readable report of :func:`check_clone_contract` for failed results."""
    failed = [r for r in results if r.status == "FAIL"]
    skipped = [r for r in results if r.status == "SKIP"]
    lines = [
        "%s breaks %d promise%s of the clone contract:"
        % (_short(estimator, 200), len(failed), "" if len(failed) == 1 else "s")
    ]
    for result in failed:
        lines.append("* %s [%s]" % (result.promise, result.check))
        for location, detail in result.problems:
            lines.append("    %s: %s" % (location, detail))
        if result.hint:
            lines.append("    hint: %s" % result.hint)
    if skipped:
        lines.append(
            "not checked, since clone raised: %s" % ", ".join(r.check for r in skipped)
        )
    noted = [r for r in results if r.findings]
    if noted:
        lines.append("also noted, not broken promises:")
        for result in noted:
            for location, detail in result.findings:
                lines.append("    %s: %s [%s]" % (location, detail, result.check))
            if result.finding_hint:
                lines.append("    hint: %s" % result.finding_hint)
    return "\n".join(lines)


def check_clone_contract(estimator, *, clone=None, X=None, y=None, fit=False):
    """Check every promise of the clone contract and report all broken ones.

    Runs :data:`CHECKS` in order (see :func:`run_clone_checks`) and raises
    one :class:`CloneContractError` listing, for each broken promise, the
    promise, the parameter path or attribute concerned (spelled as in the
    module docstring) and a one-line hint.

    Parameters
    ----------
    estimator : estimator instance
        The estimator to check.
    clone : callable, default=None
        The clone function under test; None means :func:`sklearn_slep017.clone`.
    X, y : array-like, default=None
        Data to fit a copy on before checking that the clone is unfitted.
    fit : bool, default=False
        Fit a copy (on ``X, y`` or on generic small data) before checking
        that the clone is unfitted.

    Returns
    -------
    None
        Nothing: it returns when every promise holds.

    Raises
    ------
    CloneContractError
        If any promise is broken (an :class:`AssertionError`, so pytest
        reports it as a failed assertion); its ``check`` is
        ``"check_clone_contract"``, its ``problems`` every problem of every
        broken promise (the location, then ``[check] detail``), its
        ``results`` every check's outcome. Findings that are not broken
        promises are listed at the end of the message.

    Warns
    -----
    CloneContractWarning
        When every promise holds but a check noticed something else worth
        fixing (a constructor setting a public attribute ending in ``_``).

    Examples
    --------
    >>> from sklearn.base import BaseEstimator
    >>> from sklearn.pipeline import Pipeline
    >>> from sklearn_slep017.checks import check_clone_contract
    >>> class Copying(BaseEstimator):
    ...     def __init__(self, items=()):
    ...         self.items = list(items)
    >>> check_clone_contract(Pipeline([("c", Copying(items=[1]))]))
    Traceback (most recent call last):
    ...
    sklearn_slep017.checks.CloneContractError: Pipeline(steps=[('c', Copying(items=[1]))]) breaks 1 promise of the clone contract:
    * clone(estimator) succeeds [check_clone_succeeds]
        c__items: clone raised RuntimeError: ...stored a copy...
        hint: store constructor arguments unchanged in __init__ ...
    not checked, since clone raised: ...
    """
    results = run_clone_checks(estimator, clone=clone, X=X, y=y, fit=fit)
    failed = [r for r in results if r.status == "FAIL"]
    if failed:
        hints = [r.hint for r in failed if r.hint]
        raise CloneContractError(
            "check_clone_contract",
            "every promise of the clone contract",
            [(location, "[%s] %s" % (r.check, detail))
             for r in failed for location, detail in r.problems],
            hints[0] if len(hints) == 1 else "",
            findings=[f for r in results for f in r.findings],
            report=format_report(estimator, results),
            results=results,
        )
    for result in results:
        _warn_findings(result.check, result.findings)


def _estimator_id(estimator):
    return re.sub(r"\s", "", _short(estimator, 10**6))


def _skipped_when_clone_raises(check, clone):
    """``check``, skipped (pytest) when ``clone(estimator)`` itself raises.

    One root cause, one failure: ``check_clone_succeeds`` reports a clone
    that raises, with the parameter to blame; the other checks need a clone
    and are skipped, saying so, as :func:`run_clone_checks` and the
    ``check`` command line do.
    """

    @functools.wraps(check)
    def run(estimator, *args, **kwargs):
        import pytest

        try:
            _default_clone(clone)(estimator)
        except Exception as exc:
            pytest.skip(
                "not checked, since clone(estimator) raised %s: "
                "check_clone_succeeds reports it" % _describe(exc)
            )
        return check(estimator, *args, **kwargs)

    return run


def parametrize_with_clone_checks(estimators, *, clone=None, fit=False):
    """Pytest decorator running every clone check on every estimator.

    Shaped like scikit-learn's ``parametrize_with_checks``: the decorated
    test takes ``estimator`` and ``check`` and calls ``check(estimator)``.
    Test ids read ``<estimator repr>-<check name>``. When ``clone`` itself
    raises, only ``check_clone_succeeds`` fails (naming the parameter to
    blame); the other checks of that estimator are skipped, with the reason,
    as :func:`check_clone_contract` reports one root cause once.

    Parameters
    ----------
    estimators : list of estimator instances
        The estimators to check.
    clone : callable, default=None
        The clone function under test, bound into every check; None means
        :func:`sklearn_slep017.clone`.
    fit : bool, default=False
        Passed to :func:`check_clone_unfitted`: fit a copy on generic small
        data first.

    Returns
    -------
    decorator : pytest.mark.parametrize
        ``pytest.mark.parametrize("estimator, check", ...)``.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn_slep017.checks import parametrize_with_clone_checks
    >>> @parametrize_with_clone_checks([Ridge()])
    ... def test_clone_contract(estimator, check):
    ...     check(estimator)
    >>> [p.id for p in test_clone_contract.pytestmark[0].args[1]][:2]
    ['Ridge()-check_clone_succeeds', 'Ridge()-check_clone_type_and_params']
    """
    import pytest

    params = []
    for estimator in estimators:
        for record in REGISTRY:
            check = record.function
            kwargs = {"clone": clone}
            if record.takes_fit:
                kwargs["fit"] = fit
            bound = functools.partial(check, **kwargs)
            functools.update_wrapper(bound, check)
            if not record.gates_the_rest:
                bound = _skipped_when_clone_raises(bound, clone)
            params.append(
                pytest.param(
                    estimator, bound, id="%s-%s" % (_estimator_id(estimator), check.__name__)
                )
            )
    return pytest.mark.parametrize("estimator, check", params)
