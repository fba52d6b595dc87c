# SPDX-License-Identifier: BSD-3-Clause
"""The one registry of the clone contract's checks.

A check is declared once, where it is defined: the :func:`contract_check`
decorator records the function with its promise (in words) and its hints
(what to do when the promise is broken), in definition order. The runner
(``CHECKS``, :func:`~sklearn_slep017.checks.run_clone_checks`,
:func:`~sklearn_slep017.checks.parametrize_with_clone_checks`), the
failure messages and the ``check`` command line all read this registry, so
adding a check is one decorated function in ``_contract.py``.
"""

import dataclasses
import inspect
import types

__all__ = ["ContractCheck", "REGISTRY", "contract_check", "hint", "promise", "registered"]


@dataclasses.dataclass(frozen=True)
class ContractCheck:
    """One check of the clone contract, with what it promises and its hints.

    Parameters
    ----------
    function : callable
        The check, ``function(estimator, *, clone=None, ...)``; it returns
        a note (or None) and raises
        :class:`~sklearn_slep017.checks.CloneContractError` on a broken
        promise.
    promise : str
        The promise it checks, in words.
    hints : mapping of str to str
        One-line hints by name, the check's own: what an author does about a
        broken promise (the first is the usual one) or about a finding.
    finding_hint : str, default=""
        The name, in ``hints``, of the hint for findings that are not broken
        promises; empty when the check has none.
    gates_the_rest : bool, default=False
        When this check fails, :func:`~sklearn_slep017.checks.run_clone_checks`
        skips the ones after it (``check_clone_succeeds``: the others need a
        clone).
    collect : callable or None, default=None
        ``collect(estimator, clone, X, y, fit) -> (note, findings)``: how the
        runner calls the check so that its findings are returned, not warned
        about. None: ``(function(estimator, clone=clone), [])``.

    Attributes
    ----------
    name : str
        The function's name.
    takes_fit : bool
        Whether the function accepts ``fit`` (passed on by
        :func:`~sklearn_slep017.checks.parametrize_with_clone_checks`).
    """

    function: object
    promise: str
    hints: types.MappingProxyType = dataclasses.field(default_factory=dict)
    finding_hint: str = ""
    gates_the_rest: bool = False
    collect: object = None

    @property
    def name(self):
        """The check function's name."""
        return self.function.__name__

    @property
    def takes_fit(self):
        """Whether the check function accepts a ``fit`` argument."""
        return "fit" in inspect.signature(self.function).parameters

    def run(self, estimator, clone, X=None, y=None, fit=False):
        """Run the check for the runner: ``(note, findings)``, or raise.

        Parameters
        ----------
        estimator : estimator instance
            The estimator to check.
        clone : callable
            The clone function under test.
        X, y : array-like or None, default=None
            Data for a check that fits (``collect`` only).
        fit : bool, default=False
            Whether a check that can fit does (``collect`` only).

        Returns
        -------
        note : str or None
            The check's remark on a pass.
        findings : list of (str, str)
            What it noticed that is not a broken promise.
        """
        if self.collect is not None:
            return self.collect(estimator, clone, X, y, fit)
        return self.function(estimator, clone=clone), []


#: Every check, in definition order (the order ``check_clone_contract`` runs them).
REGISTRY = []


def contract_check(promise, *, hints=None, finding_hint="", gates_the_rest=False, collect=None):
    """Declare a check of the clone contract, with its promise and hints.

    Parameters
    ----------
    promise : str
        The promise the check tests, in words.
    hints : dict of str to str, default=None
        The check's one-line hints by name (see :class:`ContractCheck`).
    finding_hint : str, default=""
        The name of the hint for findings, if the check has findings.
    gates_the_rest : bool, default=False
        Whether a failure skips the checks after it.
    collect : callable or None, default=None
        How the runner calls it to collect findings (see
        :class:`ContractCheck`).

    Returns
    -------
    decorator : callable
        Records the function in :data:`REGISTRY` and returns it unchanged.

    Examples
    --------
    >>> from sklearn_slep017.checks._registry import registered
    >>> registered("check_clone_idempotent").promise
    'a clone of the clone has the same parameters'
    """
    hints = dict(hints or {})
    if finding_hint and finding_hint not in hints:
        raise ValueError("finding_hint %r is not one of the hints" % finding_hint)

    def decorate(function):
        if any(record.name == function.__name__ for record in REGISTRY):
            raise ValueError("a check named %r is already registered" % function.__name__)
        REGISTRY.append(ContractCheck(
            function, promise, types.MappingProxyType(hints), finding_hint,
            gates_the_rest, collect,
        ))
        return function

    return decorate


def registered(name):
    """The registered check of that name.

    Parameters
    ----------
    name : str
        A check function's name, ``"check_clone_pickles"`` say.

    Returns
    -------
    record : ContractCheck
        Its record.

    Raises
    ------
    KeyError
        If no check has that name.
    """
    for record in REGISTRY:
        if record.name == name:
            return record
    raise KeyError(name)


def promise(name):
    """The promise of the check named ``name``, in words.

    Parameters
    ----------
    name : str
        A check function's name.

    Returns
    -------
    promise : str
        As declared with :func:`contract_check`.
    """
    return registered(name).promise


def hint(name):
    """The one-line hint of that name, declared by whichever check owns it.

    Parameters
    ----------
    name : str
        A hint's name, ``"pickles"`` say.

    Returns
    -------
    hint : str
        The hint's text.

    Raises
    ------
    KeyError
        If no registered check declares it.
    """
    for record in REGISTRY:
        if name in record.hints:
            return record.hints[name]
    raise KeyError(name)
