# SPDX-License-Identifier: BSD-3-Clause
"""What a check reports: a broken promise, a finding, a result.

:class:`CloneContractError` (a broken promise, raised by every check),
:class:`CloneContractWarning` (a finding that is no broken promise) and
:class:`CheckResult` (one check's outcome, as :func:`run_clone_checks`
returns it).
"""

import dataclasses
import warnings

from ._registry import registered


class CloneContractError(AssertionError):
    """A broken promise of the clone contract.

    An :class:`AssertionError` whose message lists every problem found by
    one check; the problems are also kept as ``(location, detail)`` pairs in
    :attr:`problems`, with the check's one-line :attr:`hint`. Every
    ``check_clone_*`` function raises it.

    Parameters
    ----------
    check : str
        The name of the check that failed.
    promise : str
        The promise it checks, in words.
    problems : iterable of (str, str)
        ``(parameter path or attribute, what is wrong)`` for each problem.
    hint : str
        What to do about it, in one line; may be empty.
    findings : iterable of (str, str), default=()
        ``(location, remark)`` for what the check also noticed that is not
        a broken promise (see :class:`CloneContractWarning`).
    report : str or None, default=None
        The message, when it is not built from the problems (the report of
        :func:`check_clone_contract`).
    results : list of CheckResult or None, default=None
        Every check's outcome, when the error reports several checks.

    Attributes
    ----------
    check, promise, hint : str
        As given.
    problems : list of (str, str)
        As given, as a list.
    findings : list of (str, str)
        As given, as a list.
    results : list of CheckResult
        As given; empty for a single check's failure.

    Examples
    --------
    >>> import threading
    >>> from sklearn.base import BaseEstimator
    >>> from sklearn_slep017.checks import CloneContractError, check_clone_succeeds
    >>> class Wrapper(BaseEstimator):
    ...     def __init__(self, model=None):
    ...         self.model = model
    >>> try:
    ...     check_clone_succeeds(Wrapper(model=threading.Lock()))
    ... except CloneContractError as exc:
    ...     print(exc.check, exc.problems[0][0])
    check_clone_succeeds model
    """

    def __init__(self, check, promise, problems, hint, *, findings=(), report=None,
                 results=None):
        self.check = check
        self.promise = promise
        self.problems = list(problems)
        self.hint = hint
        self.findings = list(findings)
        self.results = list(results or ())
        super().__init__(self._message() if report is None else report)

    def _message(self):
        lines = ["%s: broken promise: %s" % (self.check, self.promise)]
        for location, detail in self.problems:
            lines.append("  - %s: %s" % (location, detail))
        if self.hint:
            lines.append("  hint: %s" % self.hint)
        for location, detail in self.findings:
            lines.append("  - also noted, not a clone failure: %s: %s" % (location, detail))
        return "\n".join(lines)


class CloneContractWarning(UserWarning):
    """A finding of a clone check that is not a broken promise.

    Something about the estimator worth fixing that a check noticed on the
    way, but that is no failure of the clone. The check functions and
    :func:`check_clone_contract` warn with it, so that a test suite shows it
    without failing; :func:`run_clone_checks` returns the same findings in
    :attr:`CheckResult.findings`. No check of this release reports one:
    attributes ending in ``_`` set by a constructor, the earlier finding,
    now fail :func:`check_no_attributes_set_in_init`, as in scikit-learn.

    Parameters
    ----------
    check : str
        The name of the check that noticed it.
    findings : iterable of (str, str)
        ``(attribute or parameter path, remark)`` for each finding.
    hint : str
        What to do about them, in one line.

    Attributes
    ----------
    check, hint : str
        As given.
    findings : list of (str, str)
        As given, as a list.

    Examples
    --------
    >>> from sklearn_slep017.checks import CloneContractWarning
    >>> warning = CloneContractWarning("check_x", [("name_", "remark")], "a hint")
    >>> print(warning)
    check_x: noted, not a broken promise:
      - name_: remark
      hint: a hint
    """

    def __init__(self, check, findings, hint):
        self.check = check
        self.findings = list(findings)
        self.hint = hint
        lines = ["%s: noted, not a broken promise:" % check]
        lines += ["  - %s: %s" % (location, detail) for location, detail in self.findings]
        if hint:
            lines.append("  hint: %s" % hint)
        super().__init__("\n".join(lines))


def _warn_findings(check, findings, stacklevel=3):
    if findings:
        record = registered(check)
        warnings.warn(
            CloneContractWarning(check, findings, record.hints[record.finding_hint]),
            stacklevel=stacklevel,
        )


@dataclasses.dataclass
class CheckResult:
    """The outcome of one check on one estimator.

    :func:`run_clone_checks` returns one per check; the ``check`` command
    line prints them.

    Parameters
    ----------
    check : str
        The check function's name.
    promise : str
        The promise it checks, in words.
    status : {"PASS", "FAIL", "SKIP"}
        ``SKIP`` when the check could not run because clone itself raised.
    problems : list of (str, str)
        ``(parameter path or attribute, what is wrong)`` for a failure.
    hint : str
        What to do about a failure.
    note : str or None
        A remark on a pass or a skip (for instance that clone returned the
        estimator itself, by protocol).
    findings : list of (str, str)
        ``(location, remark)`` for what the check noticed that is not a
        broken promise (see :class:`CloneContractWarning`), whatever the
        status.
    finding_hint : str
        What to do about the findings.

    Attributes
    ----------
    passed : bool
        Whether ``status`` is ``"PASS"``.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn_slep017.checks import run_clone_checks
    >>> result = run_clone_checks(Ridge())[0]
    >>> result.check, result.status, result.passed
    ('check_clone_succeeds', 'PASS', True)
    """

    check: str
    promise: str
    status: str
    problems: list = dataclasses.field(default_factory=list)
    hint: str = ""
    note: object = None
    findings: list = dataclasses.field(default_factory=list)
    finding_hint: str = ""

    @property
    def passed(self):
        """Whether the check passed.

        Returns
        -------
        passed : bool
            True when ``status`` is ``"PASS"``.
        """
        return self.status == "PASS"
