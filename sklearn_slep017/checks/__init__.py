# SPDX-License-Identifier: BSD-3-Clause
"""Checks of the clone contract, for estimator authors' test suites.

SLEP017 lets an estimator own its cloning through ``__sklearn_clone__``; an
override (or an unusual constructor, ``get_params`` or parameter value) can
then break, silently, what model selection relies on. Each check here tests
one promise and raises :class:`AssertionError` with a message naming the
parameter or attribute concerned and a one-line hint;
:func:`check_clone_contract` runs them all and reports every broken promise
at once; :func:`parametrize_with_clone_checks` plugs them into pytest.

The promises, in the order :func:`check_clone_contract` checks them:

- :func:`check_clone_succeeds`: ``clone(estimator)`` does not raise;
- :func:`check_clone_type_and_params`: the clone has the same type and
  parameters;
- :func:`check_clone_unfitted`: no fitted attribute survives;
- :func:`check_clone_shares_no_mutable_param`: no mutable parameter value is
  shared with the original;
- :func:`check_clone_leaves_original_untouched`: cloning does not change the
  original;
- :func:`check_clone_idempotent`: a clone of the clone has the same
  parameters;
- :func:`check_clone_keeps_config`: ``set_output`` configuration and
  metadata requests survive;
- :func:`check_clone_pickles`: the clone survives a pickle round trip.

How a parameter is named
------------------------
Paths use scikit-learn's ``set_params`` spelling: nested parameters are
joined with ``__`` (``clf__C``). Inside a list or tuple parameter, an element
that is a named step ``(name, estimator, ...)`` is named by its step name
and any other element by its index; a dict value is named by its key. When
the estimator exposes its steps as parameters (``Pipeline``,
``FeatureUnion``, ``ColumnTransformer``, the heterogeneous ensembles: the
step names are keys of ``get_params(deep=True)``), the list parameter itself
is left out, as ``set_params`` does: ``outer__inner__model`` for the
``model`` parameter of step ``inner`` of step ``outer`` of a ``Pipeline``.
Otherwise it is kept: ``estimators__a__alpha``, ``items__0``. The other
elements of a step tuple are named by their index after the step name
(``num__2`` for the columns of a ``ColumnTransformer`` step). The estimator
itself is ``(the estimator)``. A fitted or private attribute is written
``path.attribute`` (``clf.coef_``), and attributes of a parameter that is not
an estimator likewise (``model._lock``).

What counts as mutable
----------------------
:func:`check_clone_shares_no_mutable_param` lets a clone share a value
exactly when ``clone`` itself would: ``clone`` deep-copies every parameter
value that is not an estimator, so a value may be shared when
``copy.deepcopy(value) is value`` -- ``None``, booleans, numbers, strings,
bytes, ranges, ``Ellipsis``, enum members, compiled regular expressions,
classes, functions, builtins, numpy ufuncs (``numpy.log1p``) and any other
object whose ``__deepcopy__`` or reduction gives back the object itself. The
question is put to ``copy.deepcopy``, not guessed from the type (a value
whose deep copy raises counts as mutable); numpy scalars and dtypes, which
cannot change, may always be shared. Tuples and frozensets are looked into.
Everything else must be a new object in the clone, ``random_state`` included:
scikit-learn deep-copies a ``numpy.random.RandomState`` parameter (a shared
one would couple the draws of the clone and the original, so results would
depend on the order of fits). The one exception is an object whose own
``__sklearn_clone__`` returns itself (``FrozenEstimator``): sharing it is
its promise.

How values are compared
-----------------------
Parameters are compared structurally, the way ``clone`` copies them (see
:func:`check_clone_type_and_params`). Callables that a deep copy or a pickle
round trip rebuilds are compared by what they are made of, not by
identity: a bound method (``scipy.stats.norm(0, 1).pdf``) by its function
and a structurally equal object it is bound to, a ``functools.partial`` by
its function, arguments and keywords, and a function by its code, defaults
and closure. A method bound to an object with other attributes, or another
function, still differs.

Findings that are not broken promises
-------------------------------------
A check may notice something worth fixing that is not a failure of the
clone: :func:`check_clone_unfitted` notices attributes ending in ``_`` that
the constructor itself sets (scikit-learn's ``check_no_attributes_set_in_init``
forbids them, and ``check_is_fitted`` takes them as the mark of a fitted
estimator). Those are reported as findings: a :class:`CloneContractWarning`
from the check functions and :func:`check_clone_contract`, and
:attr:`CheckResult.findings` from :func:`run_clone_checks`; the check still
passes.

Examples
--------
>>> from sklearn.linear_model import LogisticRegression
>>> from sklearn_slep017.checks import check_clone_contract
>>> check_clone_contract(LogisticRegression(C=0.5))
"""

import copy
import dataclasses
import enum
import functools
import inspect
import io
import pickle
import re
import sys
import types
import warnings

import numpy as np

from .. import _clone_py

__all__ = [
    "CHECKS",
    "CheckResult",
    "CloneContractWarning",
    "check_clone_contract",
    "check_clone_idempotent",
    "check_clone_keeps_config",
    "check_clone_leaves_original_untouched",
    "check_clone_pickles",
    "check_clone_shares_no_mutable_param",
    "check_clone_succeeds",
    "check_clone_type_and_params",
    "check_clone_unfitted",
    "parametrize_with_clone_checks",
    "run_clone_checks",
]

ROOT = "(the estimator)"
_MAX_DEPTH = 40
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")

# Values known to be shareable without asking copy.deepcopy: those the clone
# returns as is (its own list) and immutable numpy / enum / regex values. Only
# a shortcut: anything else is shareable when deepcopy gives it back itself.
_ATOMS = tuple(_clone_py._ATOMIC_TYPES) + (
    type,
    types.FunctionType,
    np.generic,
    np.dtype,
    enum.Enum,
    re.Pattern,
)

HINTS = {
    "clone": (
        "clone rebuilds an estimator from get_params(deep=False), cloning each "
        "value (deep-copying non-estimators); make every parameter a "
        "constructor argument stored unchanged"
    ),
    "deepcopy": (
        "parameters are deep-copied by clone: pass something that can be (a "
        "function that builds the model, or its configuration) and build the "
        "model in fit, or give the wrapper a __sklearn_clone__ that rebuilds it"
    ),
    "modified": (
        "store constructor arguments unchanged in __init__ (self.x = x) and "
        "return them unchanged from get_params; validate or copy them in fit"
    ),
    "not_estimator": (
        "wrap the object in an estimator with get_params/set_params (subclass "
        "BaseEstimator), or pass a callable that builds it"
    ),
    "varargs": "declare every parameter explicitly in __init__ (no *args)",
    "recursion": (
        "a parameter refers back to an enclosing object, or its attribute "
        "lookup invents attributes: break the cycle"
    ),
    "type_and_params": (
        "__sklearn_clone__ should start from super().__sklearn_clone__() (or "
        "clone_parametrized(self)) and not change parameters or the type"
    ),
    "unfitted": (
        "__sklearn_clone__ must return an unfitted estimator: start from "
        "super().__sklearn_clone__() instead of copying self, and carry over "
        "configuration only"
    ),
    "unfitted_default": (
        "no estimator here overrides __sklearn_clone__: the fitted state came "
        "through the clone function under test, which must rebuild each "
        "estimator from get_params(deep=False) (as sklearn.base.clone does)"
    ),
    "set_in_init": (
        "set attributes ending in _ in fit, not __init__ (scikit-learn's "
        "check_no_attributes_set_in_init; check_is_fitted takes them as the "
        "mark of a fitted estimator): keep them private (_name) or create them "
        "when fitting"
    ),
    "shares": (
        "clone every parameter value (clone(value, safe=False)) in "
        "__sklearn_clone__ instead of passing the original's objects on"
    ),
    "untouched": (
        "__sklearn_clone__ and get_params must only read the original; work "
        "on the new object"
    ),
    "idempotent": (
        "the clone's parameters must not depend on whether the original was "
        "itself a clone; keep __sklearn_clone__ free of state that changes"
    ),
    "keeps_config": (
        "start __sklearn_clone__ from super().__sklearn_clone__() (it carries "
        "_sklearn_output_config and _metadata_request), or copy them yourself"
    ),
    "pickles": (
        "estimators are pickled to be shipped to workers and saved: use "
        "module-level functions and classes for parameters (no lambdas, "
        "local classes, open handles)"
    ),
}


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

    Attributes
    ----------
    check, promise, hint : str
        As given.
    problems : list of (str, str)
        As given, as a list.
    findings : list of (str, str)
        As given, as a list.

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

    def __init__(self, check, promise, problems, hint, *, findings=()):
        self.check = check
        self.promise = promise
        self.problems = list(problems)
        self.hint = hint
        self.findings = list(findings)
        super().__init__(self._message())

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

    Something about the estimator worth fixing that the check noticed on the
    way, but that is no failure of the clone: for instance a constructor that
    sets a public attribute ending in ``_`` (scikit-learn's
    ``check_no_attributes_set_in_init`` forbids it), which
    :func:`check_clone_unfitted` does not count as fitted state. The check
    functions and :func:`check_clone_contract` warn with it, so that a test
    suite shows it without failing; :func:`run_clone_checks` returns the same
    findings in :attr:`CheckResult.findings`.

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
    >>> import warnings
    >>> from sklearn.base import BaseEstimator
    >>> from sklearn_slep017.checks import CloneContractWarning, check_clone_unfitted
    >>> class Recorder(BaseEstimator):
    ...     def __init__(self, alpha=1.0):
    ...         self.alpha = alpha
    ...         self.history_ = []
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     note = check_clone_unfitted(Recorder())
    >>> caught[0].category is CloneContractWarning, caught[0].message.findings[0][0]
    (True, 'history_')
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


# What each kind of finding asks of the author, by check.
_FINDING_HINTS = {"check_clone_unfitted": "set_in_init"}


def _warn_findings(check, findings, stacklevel=3):
    if findings:
        warnings.warn(
            CloneContractWarning(check, findings, HINTS[_FINDING_HINTS[check]]),
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


# --------------------------------------------------------------------------
# Walking the parameter tree


def _default_clone(clone):
    if clone is None:
        from .. import clone as live_clone

        return live_clone
    return clone


def _is_estimator(obj):
    return not isinstance(obj, type) and hasattr(obj, "get_params")


_NO_SNAPSHOT = object()


def _deepcopy_keeps(obj):
    """``copy.deepcopy(obj)`` and whether it is ``obj`` itself.

    Returns ``(copy, kept)``; ``(_NO_SNAPSHOT, False)`` when the deep copy
    raises.
    """
    try:
        copied = copy.deepcopy(obj)
    except Exception:  # a lock, a handle: clone could not have copied it either
        return _NO_SNAPSHOT, False
    return copied, copied is obj


def _is_atom(obj):
    """Whether a faithful clone shares ``obj`` with the original.

    clone deep-copies every parameter value that is not an estimator, so
    what ``copy.deepcopy`` gives back as itself is shared by clone too (and
    compared by value, not identity). Asking deepcopy, rather than guessing
    from ``__reduce_ex__``, gets every case deepcopy itself gets: numpy 2.4's
    ufuncs refuse ``__reduce_ex__`` but deepcopy returns them unchanged
    (through numpy's copyreg reducer).
    """
    if isinstance(obj, _ATOMS):
        return True
    return _deepcopy_keeps(obj)[1]


def _params(est):
    params = est.get_params(deep=False)
    if not isinstance(params, dict):
        raise TypeError(
            "get_params(deep=False) returned %s, not a dict" % type(params).__name__
        )
    return params


def _is_named_steps(value):
    if type(value) not in (list, tuple) or not value:
        return False
    for step in value:
        if not (
            isinstance(step, tuple)
            and len(step) >= 2
            and isinstance(step[0], str)
            and (_is_estimator(step[1]) or isinstance(step[1], str) or step[1] is None)
        ):
            return False
    return True


def _steps_exposed(est, steps):
    try:
        deep = est.get_params(deep=True)
    except Exception:
        return False
    return all(step[0] in deep for step in steps)


def _join(path, segment):
    return path + (segment,)


def _children(obj):
    """The direct children of a node: ``(path segments, value)`` pairs.

    The segments (a tuple, possibly empty when a named-steps list parameter
    is left out of the path) are joined to the parent's path.
    """
    if _is_estimator(obj):
        try:
            params = _params(obj)
        except Exception:
            return []
        out = []
        for name, value in params.items():
            if _is_named_steps(value) and _steps_exposed(obj, value):
                out.extend(_step_children(value, ()))
            else:
                out.append(((name,), value))
        return out
    return _container_children(obj)


def _step_children(steps, prefix):
    out = []
    for step in steps:
        name = step[0]
        out.append((prefix + (name,), step[1]))
        for i, extra in enumerate(step[2:], start=2):
            out.append((prefix + (name, str(i)), extra))
    return out


def _container_children(obj):
    if type(obj) is dict or isinstance(obj, dict):
        return [((str(k),), v) for k, v in obj.items()]
    if isinstance(obj, (list, tuple)):
        if _is_named_steps(obj):
            return _step_children(obj, ())
        return [((str(i),), v) for i, v in enumerate(obj)]
    if isinstance(obj, (set, frozenset)):
        return [((str(i),), v) for i, v in enumerate(obj)]
    return []


def _spell(path):
    return "__".join(path) if path else ROOT


def _spell_attr(path, attr):
    return ("%s.%s" % ("__".join(path), attr)) if path else attr


def _walk_estimators(est, path=(), seen=None, depth=0):
    """Yield ``(path, estimator)`` for ``est`` and every estimator below it."""
    if seen is None:
        seen = set()
    if id(est) in seen or depth > _MAX_DEPTH:
        return
    seen.add(id(est))
    if _is_estimator(est):
        yield path, est
    for segments, child in _children(est):
        if _is_estimator(child) or isinstance(child, (list, tuple, dict)):
            yield from _walk_estimators(child, path + segments, seen, depth + 1)
    seen.discard(id(est))


def _paired_children(a, b):
    """Children of two nodes of the same shape, paired by path."""
    if _is_estimator(a) and _is_estimator(b) and type(a) is type(b):
        left, right = _children(a), _children(b)
    elif type(a) is type(b) and isinstance(a, (list, tuple)) and len(a) == len(b):
        left, right = _container_children(a), _container_children(b)
    elif type(a) is type(b) and isinstance(a, dict):
        left, right = _container_children(a), _container_children(b)
    else:
        return []
    right = dict(right)
    return [(segments, value, right[segments]) for segments, value in left if segments in right]


def _walk_pairs(a, b, path=(), seen=None, depth=0):
    """Yield ``(path, a_value, b_value)`` for two parameter trees in parallel."""
    if seen is None:
        seen = set()
    key = (id(a), id(b))
    if key in seen or depth > _MAX_DEPTH:
        return
    seen.add(key)
    for segments, left, right in _paired_children(a, b):
        yield path + segments, left, right
        yield from _walk_pairs(left, right, path + segments, seen, depth + 1)
    seen.discard(key)


# --------------------------------------------------------------------------
# Comparing values


def _short(obj, limit=80):
    try:
        text = repr(obj)
    except Exception as exc:  # a repr that raises
        text = "<%s (repr raised %s)>" % (type(obj).__name__, type(exc).__name__)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _leaf_equal(a, b, seen):
    if a is b:
        return True
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    if isinstance(a, np.ndarray):
        if a.shape != b.shape or a.dtype != b.dtype:
            return False
        try:
            return bool(np.array_equal(a, b, equal_nan=True))
        except TypeError:  # object or string arrays: no nan handling
            if a.dtype == object:
                return all(not _diff(x, y, (), seen) for x, y in zip(a.ravel(), b.ravel()))
            return bool(np.array_equal(a, b))
    if isinstance(a, np.random.RandomState):
        sa, sb = a.get_state(), b.get_state()
        return all(not _diff(x, y, (), seen) for x, y in zip(sa, sb))
    if isinstance(a, np.random.Generator):
        return not _diff(a.bit_generator.state, b.bit_generator.state, (), seen)
    try:
        import scipy.sparse as sp

        if sp.issparse(a):
            return (
                a.shape == b.shape
                and a.dtype == b.dtype
                and (a != b).nnz == 0
            )
    except ImportError:  # pragma: no cover - scipy is a scikit-learn dependency
        pass
    equals = getattr(a, "equals", None)  # pandas
    if callable(equals) and not _is_estimator(a):
        try:
            result = equals(b)
            if isinstance(result, (bool, np.bool_)):
                return bool(result)
        except Exception:
            pass
    eq_defined = type(a).__eq__ is not object.__eq__
    if eq_defined:
        try:
            result = a == b
            if isinstance(result, (bool, np.bool_)):
                return bool(result)
        except Exception:
            pass
    elif hasattr(a, "__dict__") and hasattr(b, "__dict__"):
        return not _diff(vars(a), vars(b), (), seen)
    return _ADDRESS.sub("", _short(a, 10**6)) == _ADDRESS.sub("", _short(b, 10**6))


def _cell_contents(cell):
    try:
        return cell.cell_contents
    except ValueError:  # an empty cell (a variable not yet assigned)
        return _NO_SNAPSHOT


def _callable_diff(a, b, seen, depth):
    """What differs between two callables a copy may rebuild; None if not one.

    ``copy.deepcopy`` rebinds a method's function to a deep copy of its
    object, pickle to an unpickled one, and both rebuild a ``partial`` from
    its parts; scipy rebuilds the functions behind a distribution's methods
    (``exec``) when unpickling it. Such copies never compare equal with
    ``==`` (a method compares its object by identity) although nothing was
    lost: compare what they are made of instead. Returns None when ``a`` is
    not such a callable, else a list of differences in words (empty when
    equal). ``a`` and ``b`` have the same type.
    """
    if isinstance(a, types.MethodType):
        what = "bound method %s" % getattr(a.__func__, "__qualname__", "?")
        if _callable_diff(a.__func__, b.__func__, seen, depth) or (
            not isinstance(a.__func__, types.FunctionType) and a.__func__ != b.__func__
        ):
            return ["%s vs bound method %s: other functions"
                    % (what, getattr(b.__func__, "__qualname__", "?"))]
        bound, other = a.__self__, b.__self__
        if (type(bound) is type(other) and not _is_estimator(bound)
                and type(bound).__eq__ is object.__eq__
                and hasattr(bound, "__dict__") and hasattr(other, "__dict__")):
            # Compared by their attributes, as _leaf_equal would, but keeping
            # the attribute that differs for the message.
            inner = _diff(vars(bound), vars(other), (), seen, depth + 1)
        else:
            inner = _diff(bound, other, (), seen, depth + 1)
        if inner:
            return ["%s of objects that differ (%s)" % (what, "; ".join(
                "%s%s" % (("at %s: " % ".".join(p)) if p else "", d) for p, d in inner[:3]))]
        return []
    if isinstance(a, functools.partial):
        problems = []
        for part in ("func", "args", "keywords"):
            inner = _diff(getattr(a, part), getattr(b, part), (), seen, depth + 1)
            if inner:
                problems.append("partial %s differ: %s" % (part, inner[0][1]))
        return problems
    if isinstance(a, types.FunctionType):
        # The same code (code objects compare by content: name, bytecode,
        # constants), defaults and closure: the same function, whichever
        # object holds it.
        if a.__code__ != b.__code__ or a.__module__ != b.__module__:
            return ["function %s vs function %s" % (_short(a), _short(b))]
        parts = [
            (a.__defaults__, b.__defaults__),
            (a.__kwdefaults__, b.__kwdefaults__),
            ([_cell_contents(c) for c in a.__closure__ or ()],
             [_cell_contents(c) for c in b.__closure__ or ()]),
            (vars(a), vars(b)),
        ]
        for left, right in parts:
            inner = _diff(left, right, (), seen, depth + 1)
            if inner:
                return ["function %s: defaults, closure or attributes differ: %s"
                        % (a.__qualname__, inner[0][1])]
        return []
    return None


def _diff(a, b, path=(), seen=None, depth=0):
    """Differences between two parameter values: a list of (path, detail)."""
    if seen is None:
        seen = set()
    if a is b:
        return []
    key = (id(a), id(b))
    if key in seen or depth > _MAX_DEPTH:
        return []
    if type(a) is not type(b):
        return [
            (path, "type %s in one, %s in the other (%s vs %s)"
             % (type(a).__name__, type(b).__name__, _short(a), _short(b)))
        ]
    seen.add(key)
    try:
        if _is_estimator(a):
            try:
                _params(a), _params(b)
            except Exception as exc:
                return [(path, "get_params raised %s: %s" % (type(exc).__name__, exc))]
            left, right = dict(_children(a)), dict(_children(b))
            problems = []
            for segments in left:
                if segments not in right:
                    problems.append((path + segments, "present in only one of them"))
                    continue
                problems.extend(_diff(left[segments], right[segments], path + segments, seen, depth + 1))
            for segments in right:
                if segments not in left:
                    problems.append((path + segments, "present in only one of them"))
            return problems
        if isinstance(a, (list, tuple)):
            if len(a) != len(b):
                return [(path, "length %d vs %d" % (len(a), len(b)))]
            problems = []
            for (segments, x), (_, y) in zip(_container_children(a), _container_children(b)):
                problems.extend(_diff(x, y, path + segments, seen, depth + 1))
            return problems
        if isinstance(a, dict):
            if set(a) != set(b):
                return [(path, "keys %s vs %s" % (_short(sorted(map(str, a))), _short(sorted(map(str, b)))))]
            problems = []
            for k in a:
                problems.extend(_diff(a[k], b[k], path + (str(k),), seen, depth + 1))
            return problems
        differs = _callable_diff(a, b, seen, depth)
        if differs is not None:
            return [(path, detail) for detail in differs]
        if _leaf_equal(a, b, seen):
            return []
        return [(path, "%s vs %s" % (_short(a), _short(b)))]
    finally:
        seen.discard(key)


def _format_diff(problems, left, right):
    out = []
    for path, detail in problems:
        out.append((_spell(path), "%s differs: %s" % (left + " and " + right, detail)))
    return out


# --------------------------------------------------------------------------
# Locating what makes an operation fail


def _attribute_culprit(obj, op, depth=0, seen=None):
    """The attribute chain inside a non-estimator object on which ``op`` fails."""
    if seen is None:
        seen = set()
    if depth > 4 or id(obj) in seen:
        return None
    seen.add(id(obj))
    try:
        attributes = vars(obj)
    except TypeError:
        return None
    for name, value in list(attributes.items()):
        try:
            op(value)
        except Exception:
            deeper = _attribute_culprit(value, op, depth + 1, seen)
            if deeper:
                return (name,) + deeper
            return (name,)
    return None


def _modified_param(est, clone):
    """The parameter the constructor (or get_params) does not give back as is."""
    params = _params(est)
    cloned = {name: clone(value, safe=False) for name, value in params.items()}
    new = type(est)(**cloned)
    back = _params(new)
    for name, value in cloned.items():
        if name not in back or back[name] is not value:
            return name, _short(value), _short(back.get(name, "<missing>"))
    return None


def _locate(obj, op, clone, path=(), depth=0, seen=None):
    """Find the deepest node below ``obj`` (on which ``op`` fails) that fails.

    Returns ``(path, exception, value, extra)`` or None when no descendant
    fails and no constructor problem is found.
    """
    if seen is None:
        seen = set()
    if depth > _MAX_DEPTH or id(obj) in seen:
        return None
    seen.add(id(obj))
    for segments, child in _children(obj):
        try:
            op(child)
        except RecursionError as exc:
            return path + segments, exc, child, None
        except Exception as exc:
            deeper = _locate(child, op, clone, path + segments, depth + 1, seen)
            if deeper is not None:
                return deeper
            extra = None
            # Classes and functions pickle by name, not by their attributes:
            # the value itself is what fails, not its __init__ or __dict__.
            if not _is_estimator(child) and not isinstance(
                child, (list, tuple, dict, set, frozenset, type, types.FunctionType)
            ):
                chain = _attribute_culprit(child, op)
                if chain:
                    holder = child
                    for name in chain:
                        holder = vars(holder)[name]
                    kind = type(holder)
                    kind = kind.__qualname__ if kind.__module__ == "builtins" else (
                        "%s.%s" % (kind.__module__, kind.__qualname__))
                    extra = "inside it, attribute %s (a %s) is what fails" % (".".join(chain), kind)
            return path + segments, exc, child, extra
    if clone is not None and _is_estimator(obj):
        try:
            modified = _modified_param(obj, clone)
        except Exception:
            modified = None
        if modified is not None:
            name, given, got = modified
            return (
                path + (name,),
                RuntimeError(
                    "the constructor of %s either does not set or modifies it, or "
                    "get_params returns a copy: given %s, got back %s"
                    % (type(obj).__name__, given, got)
                ),
                None,
                "modified",
            )
    return None


def _hint_for(exc, extra=None):
    text = str(exc)
    if extra == "modified" or "does not set or modifies" in text:
        return HINTS["modified"]
    if isinstance(exc, RecursionError):
        return HINTS["recursion"]
    if "get_params" in text and isinstance(exc, TypeError):
        return HINTS["not_estimator"]
    if "varargs" in text:
        return HINTS["varargs"]
    if "pickle" in text or "deepcopy" in text or "copy" in text:
        return HINTS["deepcopy"]
    return HINTS["clone"]


def _describe(exc):
    text = " ".join(str(exc).split())
    if len(text) > 300:
        text = text[:297] + "..."
    return "%s: %s" % (type(exc).__name__, text)


def _clone_or_fail(estimator, clone, check, promise):
    """``clone(estimator)``, or a CloneContractError naming the parameter to blame."""
    try:
        return clone(estimator)
    except Exception as exc:
        raise _clone_failure(estimator, clone, check, promise, exc) from exc


def _clone_failure(estimator, clone, check, promise, exc):
    try:
        found = _locate(
            estimator, lambda value: clone(value, safe=False), clone
        )
    except Exception:  # never let the diagnosis hide the error
        found = None
    if found is None:
        location, detail, hint = ROOT, _describe(exc), _hint_for(exc)
    else:
        path, inner, _value, extra = found
        location = _spell(path)
        detail = "clone raised %s" % _describe(exc)
        if inner is not exc and _describe(inner) != _describe(exc):
            detail += "; here: %s" % _describe(inner)
        if extra and extra != "modified":
            detail += "; %s" % extra
        hint = _hint_for(inner, extra)
    return CloneContractError(check, promise, [(location, detail)], hint)


def _is_frozen_by_protocol(obj):
    method = getattr(obj, "__sklearn_clone__", None)
    if method is None or isinstance(obj, type):
        return False
    try:
        return method() is obj
    except Exception:
        return False


def _working_copy(estimator, clone):
    """A copy to modify (fit, configure): a deep copy, else a clone, else None."""
    try:
        return copy.deepcopy(estimator)
    except Exception:
        pass
    try:
        return clone(estimator)
    except Exception:
        return None


# --------------------------------------------------------------------------
# The checks


def check_clone_succeeds(estimator, *, clone=None):
    """Check that ``clone(estimator)`` does not raise.

    When it does, the parameter to blame is found by cloning the parameter
    tree one node at a time: the deepest parameter whose clone raises, or
    the parameter an estimator's constructor (or ``get_params``) does not
    give back as is. For a parameter that is not an estimator, the
    attribute inside it that cannot be copied is named too.

    Parameters
    ----------
    estimator : estimator instance
        The estimator to check.
    clone : callable, default=None
        The clone function under test; None means :func:`sklearn_slep017.clone`.

    Raises
    ------
    AssertionError
        If clone raises; the message names the parameter path and hints at
        a fix.

    Examples
    --------
    >>> import threading
    >>> from sklearn.base import BaseEstimator
    >>> from sklearn.pipeline import Pipeline
    >>> from sklearn_slep017.checks import check_clone_succeeds
    >>> class Wrapper(BaseEstimator):
    ...     def __init__(self, model=None):
    ...         self.model = model
    >>> check_clone_succeeds(Pipeline([("w", Wrapper(model=threading.Lock()))]))
    Traceback (most recent call last):
    ...
    sklearn_slep017.checks.CloneContractError: check_clone_succeeds: broken promise: clone(estimator) succeeds
      - w__model: clone raised TypeError: cannot pickle '_thread.lock' object
      hint: parameters are deep-copied by clone: ...
    """
    clone = _default_clone(clone)
    _clone_or_fail(estimator, clone, "check_clone_succeeds", PROMISES["check_clone_succeeds"])


def check_clone_type_and_params(estimator, *, clone=None):
    """Check that the clone has the same type and the same parameters.

    ``get_params(deep=False)`` of the clone and of the original are compared
    recursively: estimators by type and parameters, arrays with
    ``np.array_equal`` (nan equal to nan), containers element by element,
    random states by their state, bound methods by their function and the
    object they are bound to (compared the same way), ``functools.partial``
    objects by function, arguments and keywords, functions by code, defaults
    and closure, other objects with ``==`` (when their class defines it),
    else by their attributes or, failing that, their type and ``repr``
    (memory addresses left out).

    Parameters
    ----------
    estimator : estimator instance
        The estimator to check.
    clone : callable, default=None
        The clone function under test; None means :func:`sklearn_slep017.clone`.

    Raises
    ------
    AssertionError
        If clone raises, returns another type, or a parameter differs; the
        message names each parameter path that differs.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn_slep017.checks import check_clone_type_and_params
    >>> check_clone_type_and_params(Ridge(alpha=3.0))
    """
    clone = _default_clone(clone)
    name = "check_clone_type_and_params"
    cloned = _clone_or_fail(estimator, clone, name, PROMISES[name])
    if type(cloned) is not type(estimator):
        raise CloneContractError(
            name, PROMISES[name],
            [(ROOT, "the clone is a %s, the original a %s"
              % (type(cloned).__qualname__, type(estimator).__qualname__))],
            HINTS["type_and_params"],
        )
    problems = _diff(estimator, cloned)
    if problems:
        raise CloneContractError(
            name, PROMISES[name], _format_diff(problems, "original", "clone"),
            HINTS["type_and_params"],
        )


def _make_data(n_samples=30, n_features=3):
    rng = np.random.RandomState(0)
    X = rng.uniform(0.1, 1.0, size=(n_samples, n_features))
    y = np.arange(n_samples) % 2
    return X, y


def _fitted_attributes(obj):
    try:
        names = list(vars(obj))
    except TypeError:
        return []
    return [n for n in names if n.endswith("_") and not n.startswith("__")]


def _get(obj, name):
    """``getattr(obj, name)``, or ``_NO_SNAPSHOT`` when that raises anything."""
    try:
        return getattr(obj, name)
    except Exception:  # a property of a fitted estimator raises on an unfitted one
        return _NO_SNAPSHOT


def _has_attribute(obj, name):
    try:
        if name in vars(obj):
            return True
    except TypeError:
        pass
    try:
        getattr(obj, name)
    except Exception:
        return False
    return True


def _fresh_construction(est):
    """``type(est)(**est.get_params(deep=False))``, or None when that raises.

    What any estimator built from these parameters has, whoever clones it:
    the yardstick for what a clone carried over. Warnings are silenced (the
    clone already built one the same way and gave them).
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return type(est)(**_params(est))
    except Exception:
        return None


def _constructor_set_attributes(fresh):
    """Public attributes ending in ``_`` that the constructor sets, not parameters."""
    try:
        params = set(_params(fresh))
    except Exception:
        params = set()
    return [
        attr for attr in _fitted_attributes(fresh)
        if not attr.startswith("_") and attr not in params
    ]


def _default_clone_funcs():
    from .. import _compat

    funcs = set()
    for func in _compat.DEFAULT_SKLEARN_CLONE_FUNCS:
        funcs.add(getattr(func, "__func__", func))
    return funcs


def _has_own_sklearn_clone(obj):
    """Whether the class of ``obj`` overrides the default ``__sklearn_clone__``."""
    method = getattr(type(obj), "__sklearn_clone__", None)
    if method is None:
        return False
    try:
        return getattr(method, "__func__", method) not in _default_clone_funcs()
    except TypeError:  # an unhashable descriptor: certainly not a default
        return True


def _check_unfitted(estimator, clone, X, y, fit):
    """check_clone_unfitted's work: ``(note, findings)``, or raise."""
    name = "check_clone_unfitted"
    notes = []
    subject = estimator
    if fit or X is not None:
        try:
            working = copy.deepcopy(estimator)
        except Exception as exc:
            working = None
            notes.append("not fitted: it cannot be deep-copied (%s)" % _describe(exc))
        if working is not None:
            if X is not None:
                (working.fit(X) if y is None else working.fit(X, y))
                subject = working
            else:
                data_X, data_y = _make_data()
                try:
                    working.fit(data_X, data_y)
                    subject = working
                except Exception as exc:
                    notes.append(
                        "could not be fitted on generic data (%s): checked as given"
                        % _describe(exc)
                    )
    cloned = _clone_or_fail(subject, clone, name, PROMISES[name])
    if cloned is subject:
        return (
            "clone returned the estimator itself (frozen by __sklearn_clone__): "
            "its fitted attributes are kept by design"
        ), []
    problems, findings, unbuilt = [], [], []
    seen_any = custom_clone = False
    pairs = [((), subject, cloned)] + list(_walk_pairs(subject, cloned))
    for path, orig, new in pairs:
        if not _is_estimator(orig) or not _is_estimator(new):
            continue
        if new is orig:
            continue  # shared nodes are check_clone_shares_no_mutable_param's business
        custom_clone = custom_clone or _has_own_sklearn_clone(orig)
        # What a fresh construction from the clone's parameters also has was
        # not carried over by the clone: the constructor (or the class) put it
        # there, and would on any clone.
        fresh = _fresh_construction(new)
        if fresh is None:
            unbuilt.append(_spell(path))
        else:
            for attr in _constructor_set_attributes(fresh):
                findings.append(
                    (_spell_attr(path, attr),
                     "set by %s.__init__ (to %s), not a parameter"
                     % (type(fresh).__qualname__, _short(_get(fresh, attr), 40)))
                )
        for attr in _fitted_attributes(orig):
            if fresh is not None and _has_attribute(fresh, attr):
                # The attribute is fitted state only where the original's
                # value is not the one a fresh construction has (skorch's
                # initialized_ is False until fit), and it survives only if
                # the clone holds the original's value.
                fresh_value, orig_value = _get(fresh, attr), _get(orig, attr)
                if not _diff(fresh_value, orig_value):
                    continue
                seen_any = True
                new_value = _get(new, attr)
                if new_value is not _NO_SNAPSHOT and not _diff(orig_value, new_value):
                    problems.append(
                        (_spell_attr(path, attr),
                         "fitted value survives on the clone (%s, where a fresh %s has %s)"
                         % (_short(new_value, 40), type(fresh).__qualname__,
                            _short(fresh_value, 40)))
                    )
                continue
            seen_any = True
            if _has_attribute(new, attr):
                problems.append(
                    (_spell_attr(path, attr),
                     "fitted attribute survives on the clone (%s)" % _short(getattr(new, attr, None), 60))
                )
    if problems:
        hint = HINTS["unfitted"] if custom_clone else HINTS["unfitted_default"]
        raise CloneContractError(name, PROMISES[name], problems, hint, findings=findings)
    if not seen_any:
        notes.append("the original has no fitted attribute to compare")
    if unbuilt:
        notes.append(
            "no fresh construction to compare with at %s (the constructor raised): "
            "every attribute ending in _ there counted as fitted" % ", ".join(unbuilt)
        )
    if findings:
        notes.append(
            "set by a constructor, so compared with a fresh construction rather "
            "than counted as fitted: %s" % ", ".join(location for location, _ in findings)
        )
    return "; ".join(notes) or None, findings


def check_clone_unfitted(estimator, *, clone=None, X=None, y=None, fit=False):
    """Check that no fitted attribute of the original survives on the clone.

    The fitted attributes are the instance attributes whose name ends with
    ``_`` (and does not start with ``__``), on the estimator and on every
    estimator among its parameters. To have some, the check fits a deep copy
    of the estimator first (never the estimator itself) when ``X`` is given
    or ``fit`` is True; with ``fit=True`` and no ``X``, on 30 samples of 3
    positive features and a binary target, and a fit that fails on that data
    is not an error (the estimator is checked as it is).

    What the clone would have anyway is not state it carried over: each
    estimator of the clone is compared with a fresh construction from its
    own parameters, ``type(est)(**est.get_params(deep=False))``. An
    attribute the fresh one also has (set by the constructor, or a class
    attribute) fails only when the clone holds the original's value and the
    fresh one another. Public attributes ending in ``_`` that a constructor
    sets are reported as a finding, not a failure: a
    :class:`CloneContractWarning` (scikit-learn's
    ``check_no_attributes_set_in_init`` forbids them, and ``check_is_fitted``
    takes them as the mark of a fitted estimator).

    An estimator whose ``__sklearn_clone__`` returns the very same object (a
    frozen wrapper such as ``FrozenEstimator``) keeps its fitted attributes
    by design: the check passes and says so.

    Parameters
    ----------
    estimator : estimator instance
        The estimator to check, fitted or not.
    clone : callable, default=None
        The clone function under test; None means :func:`sklearn_slep017.clone`.
    X : array-like, default=None
        Training data for a fit before the check.
    y : array-like, default=None
        Target for that fit.
    fit : bool, default=False
        Fit a copy first, on ``X, y`` or on generic small data.

    Returns
    -------
    note : str or None
        How the promise was kept when there is something to say (frozen by
        protocol, could not be fitted, no fitted attributes, attributes set
        by a constructor).

    Raises
    ------
    AssertionError
        If a fitted attribute survives; the message names it.

    Warns
    -----
    CloneContractWarning
        When a constructor sets a public attribute ending in ``_``.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_slep017.checks import check_clone_unfitted
    >>> check_clone_unfitted(LogisticRegression(), fit=True)
    """
    clone = _default_clone(clone)
    note, findings = _check_unfitted(estimator, clone, X, y, fit)
    _warn_findings("check_clone_unfitted", findings)
    return note


def _frozen_ids(tree):
    return {
        id(node)
        for _, node in [((), tree)] + list(_walk_estimators(tree))
        if getattr(node, "__sklearn_clone__", None) is not None and _is_frozen_by_protocol(node)
    }


def check_clone_shares_no_mutable_param(estimator, *, clone=None):
    """Check that the clone shares no mutable parameter value with the original.

    The parameter trees of the original and the clone are walked in
    parallel (through nested estimators, lists, tuples and dicts); any value
    found at the same path in both that is one and the same mutable object
    fails. Mutable means what ``clone`` would not share either: a value
    that ``copy.deepcopy`` does not give back as itself (see "What counts as
    mutable" in the module docstring), so ``numpy.log1p`` or a function may
    be shared, a list or a ``RandomState`` may not. Objects whose own
    ``__sklearn_clone__`` returns themselves are shared by design and not
    looked into.

    Parameters
    ----------
    estimator : estimator instance
        The estimator to check.
    clone : callable, default=None
        The clone function under test; None means :func:`sklearn_slep017.clone`.

    Returns
    -------
    note : str or None
        Which objects are shared by protocol, if any.

    Raises
    ------
    AssertionError
        If a mutable value is shared; the message names its path.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import SGDClassifier
    >>> from sklearn_slep017.checks import check_clone_shares_no_mutable_param
    >>> check_clone_shares_no_mutable_param(
    ...     SGDClassifier(random_state=np.random.RandomState(0)))
    """
    clone = _default_clone(clone)
    name = "check_clone_shares_no_mutable_param"
    cloned = _clone_or_fail(estimator, clone, name, PROMISES[name])
    if cloned is estimator:
        return "clone returned the estimator itself (frozen by __sklearn_clone__)"
    frozen = _frozen_ids(estimator)
    problems, shared_by_protocol = [], []
    skip_below = []
    for path, orig, new in _walk_pairs(estimator, cloned):
        if any(path[: len(p)] == p for p in skip_below):
            continue
        if orig is not new:
            continue
        if id(orig) in frozen:  # before _is_atom: no deep copy of a fitted model
            shared_by_protocol.append(_spell(path))
            skip_below.append(path)
            continue
        # clone itself shares what deepcopy gives back as is; an estimator is
        # cloned, not deep-copied, and may be shared only by protocol (above).
        if not _is_estimator(orig) and _is_atom(orig):
            continue
        if isinstance(orig, (tuple, frozenset)):
            continue  # immutable; its elements are paired and checked too
        problems.append(
            (_spell(path), "the clone and the original share one %s object (%s)"
             % (type(orig).__name__, _short(orig, 60)))
        )
        skip_below.append(path)
    if problems:
        raise CloneContractError(name, PROMISES[name], problems, HINTS["shares"])
    if shared_by_protocol:
        return "shared by protocol (their __sklearn_clone__ returns themselves): %s" % (
            ", ".join(shared_by_protocol)
        )
    return None


def _snapshot_value(value):
    """``(snapshot, is_atom)`` of one attribute value, taken before the clone.

    Estimators are nodes of their own (recorded attribute by attribute);
    atoms -- what deepcopy gives back as itself -- compare by value; anything
    else is deep-copied once, that copy both the snapshot and the answer to
    whether it is an atom.
    """
    if _is_estimator(value):
        return value, False
    if isinstance(value, _ATOMS):
        return value, True
    return _deepcopy_keeps(value)


def _snapshot(estimator):
    records = {}
    for path, node in [((), estimator)] + list(_walk_estimators(estimator)):
        try:
            attributes = dict(vars(node))
        except TypeError:
            attributes = {}
        for attr, value in attributes.items():
            records[(path, attr)] = (value,) + _snapshot_value(value)
    return records


def check_clone_leaves_original_untouched(estimator, *, clone=None):
    """Check that cloning does not change the original.

    The instance attributes (parameters, fitted and private state) of the
    estimator and of every estimator among its parameters are recorded
    before the clone: after it, the same attributes must exist, hold the
    same objects (atoms: equal values) and compare equal to a deep copy
    taken before (when the value could be deep-copied).

    Parameters
    ----------
    estimator : estimator instance
        The estimator to check.
    clone : callable, default=None
        The clone function under test; None means :func:`sklearn_slep017.clone`.

    Raises
    ------
    AssertionError
        If an attribute was added, removed, replaced or changed in place;
        the message names it.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_slep017.checks import check_clone_leaves_original_untouched
    >>> check_clone_leaves_original_untouched(make_pipeline(StandardScaler()))
    """
    clone = _default_clone(clone)
    name = "check_clone_leaves_original_untouched"
    before = _snapshot(estimator)
    _clone_or_fail(estimator, clone, name, PROMISES[name])
    after = _snapshot(estimator)
    problems = []
    for key in sorted(set(before) | set(after), key=lambda k: (k[0], k[1])):
        path, attr = key
        where = _spell_attr(path, attr)
        if key not in after:
            problems.append((where, "removed from the original"))
            continue
        if key not in before:
            problems.append((where, "added to the original (%s)" % _short(after[key][0], 60)))
            continue
        old, snap, atom = before[key]
        new = after[key][0]
        if atom:
            if _diff(old, new):
                problems.append((where, "changed from %s to %s" % (_short(old), _short(new))))
            continue
        if new is not old:
            problems.append(
                (where, "replaced by another object (%s, was %s)" % (_short(new, 50), _short(old, 50)))
            )
            continue
        if snap is not _NO_SNAPSHOT and not _is_estimator(old):
            changes = _diff(snap, new)
            if changes:
                problems.append(
                    (where, "changed in place: %s" % "; ".join(
                        "%s%s" % (("at %s: " % _spell(p)) if p else "", d) for p, d in changes[:3]))
                )
    if problems:
        raise CloneContractError(name, PROMISES[name], problems, HINTS["untouched"])


def check_clone_idempotent(estimator, *, clone=None):
    """Check that ``clone(clone(estimator))`` has the parameters of ``clone(estimator)``.

    A clone must be as good a starting point as the original: searches clone
    clones (a meta-estimator in a search clones its members again), so a
    ``__sklearn_clone__`` that loses or changes something on a second pass
    breaks them.

    Parameters
    ----------
    estimator : estimator instance
        The estimator to check.
    clone : callable, default=None
        The clone function under test; None means :func:`sklearn_slep017.clone`.

    Raises
    ------
    AssertionError
        If the second clone has another type or parameters; the message
        names each parameter path that differs.

    Examples
    --------
    >>> from sklearn.svm import SVC
    >>> from sklearn_slep017.checks import check_clone_idempotent
    >>> check_clone_idempotent(SVC(C=2.0))
    """
    clone = _default_clone(clone)
    name = "check_clone_idempotent"
    first = _clone_or_fail(estimator, clone, name, PROMISES[name])
    try:
        second = clone(first)
    except Exception as exc:
        error = _clone_failure(first, clone, name, PROMISES[name], exc)
        error.problems = [(loc, "cloning the clone: " + d) for loc, d in error.problems]
        raise CloneContractError(name, PROMISES[name], error.problems, error.hint) from exc
    if type(second) is not type(first):
        problems = [(ROOT, "clone of the clone is a %s, the clone a %s"
                     % (type(second).__qualname__, type(first).__qualname__))]
    else:
        problems = _format_diff(_diff(first, second), "clone", "clone of the clone")
    if problems:
        raise CloneContractError(name, PROMISES[name], problems, HINTS["idempotent"])


def _metadata_context():
    import sklearn

    try:
        return sklearn.config_context(enable_metadata_routing=True)
    except TypeError:  # scikit-learn < 1.3: no metadata routing
        return None


def _request_methods(obj):
    return sorted(
        n for n in dir(type(obj)) if n.startswith("set_") and n.endswith("_request")
    )


def _own_metadata_request(obj):
    try:
        return type(obj).__getattribute__(obj, "_metadata_request")
    except AttributeError:
        return None


def _serialized_request(obj):
    try:
        return obj._get_metadata_request()._serialize()
    except Exception:
        return None


def _set_a_request(tree):
    for path, node in [((), tree)] + list(_walk_estimators(tree)):
        for method_name in _request_methods(node):
            try:
                method = getattr(node, method_name)
                parameters = [
                    p for p in inspect.signature(method).parameters.values()
                    if p.name != "self" and p.kind == p.KEYWORD_ONLY
                ]
                if not parameters:
                    continue
                method(**{parameters[0].name: True})
            except Exception:
                continue
            return "%s.%s(%s=True)" % (_spell(path), method_name, parameters[0].name)
    return None


def _set_an_output(tree):
    try:
        import pandas  # noqa: F401

        transform = "pandas"
    except ImportError:
        transform = "default"
    for path, node in [((), tree)] + list(_walk_estimators(tree)):
        if not hasattr(node, "set_output"):
            continue
        try:
            node.set_output(transform=transform)
        except Exception:
            continue
        return "%s.set_output(transform=%r)" % (_spell(path), transform)
    return None


def _has_config(tree, getter):
    return any(
        getter(node) is not None for _, node in [((), tree)] + list(_walk_estimators(tree))
    )


def _output_config(obj):
    try:
        return vars(obj).get("_sklearn_output_config")
    except TypeError:
        return None


def _compare_config(orig, cloned, getter, what):
    problems = []
    for path, a, b in [((), orig, cloned)] + list(_walk_pairs(orig, cloned)):
        if not (_is_estimator(a) and _is_estimator(b)) or a is b:
            continue
        ca, cb = getter(a), getter(b)
        if ca is None:
            continue
        if cb is None:
            problems.append((_spell(path), "%s %s lost by the clone" % (what, _short(ca))))
        elif _diff(ca, cb):
            problems.append((_spell(path), "%s %s became %s" % (what, _short(ca), _short(cb))))
    return problems


def check_clone_keeps_config(estimator, *, clone=None):
    """Check that ``set_output`` configuration and metadata requests survive.

    Both are configuration that is not a constructor parameter, which
    scikit-learn's clone carries over (``_sklearn_output_config`` and
    ``_metadata_request``) and an override easily drops. Each part runs only
    where the estimator (or an estimator among its parameters) supports it.
    When none of them is configured yet, a deep copy is configured first
    (``set_output(transform="pandas")`` on the first node with
    ``set_output``; ``True`` for the first metadata of the first
    ``set_*_request`` method found), under
    ``sklearn.config_context(enable_metadata_routing=True)`` where the
    installed scikit-learn has it; the estimator itself is never changed.

    Parameters
    ----------
    estimator : estimator instance
        The estimator to check.
    clone : callable, default=None
        The clone function under test; None means :func:`sklearn_slep017.clone`.

    Returns
    -------
    note : str or None
        What was configured on a copy, or why a part did not apply.

    Raises
    ------
    AssertionError
        If a configuration is lost or changed; the message names the
        estimator's path.

    Examples
    --------
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_slep017.checks import check_clone_keeps_config
    >>> print(check_clone_keeps_config(StandardScaler()))  # doctest: +ELLIPSIS
    set_output: ...; metadata requests: ...
    """
    clone = _default_clone(clone)
    name = "check_clone_keeps_config"
    notes, problems = [], []

    # set_output
    subject, how = estimator, None
    if not _has_config(estimator, _output_config):
        working = _working_copy(estimator, clone)
        how = _set_an_output(working) if working is not None else None
        subject = working if how else None
    if subject is not None:
        cloned = _clone_or_fail(subject, clone, name, PROMISES[name])
        if cloned is not subject:
            problems += _compare_config(subject, cloned, _output_config, "set_output configuration")
        notes.append("set_output: " + ("set on a copy: %s" % how if how else "as configured"))
    else:
        notes.append("set_output: not supported")

    # metadata requests
    context = _metadata_context()
    if context is None:
        notes.append("metadata requests: no metadata routing in this scikit-learn")
    else:
        with context:
            subject, how = estimator, None
            if not _has_config(estimator, _own_metadata_request):
                working = _working_copy(estimator, clone)
                how = _set_a_request(working) if working is not None else None
                subject = working if how else None
            if subject is not None:
                cloned = _clone_or_fail(subject, clone, name, PROMISES[name])
                if cloned is not subject:
                    problems += _compare_config(
                        subject, cloned,
                        lambda o: _serialized_request(o) if _own_metadata_request(o) is not None else None,
                        "metadata request",
                    )
                notes.append(
                    "metadata requests: " + ("set on a copy: %s" % how if how else "as configured")
                )
            else:
                notes.append("metadata requests: not supported")
    if problems:
        raise CloneContractError(name, PROMISES[name], problems, HINTS["keeps_config"])
    return "; ".join(notes)


def _found_by_name(cls):
    """Whether pickle can find class ``cls`` again by module and qualified name.

    Not so for a class defined inside a function (``<locals>`` in its
    qualified name), made on the fly under a name its module does not hold,
    or redefined since (the name now holds another class).
    """
    module = sys.modules.get(getattr(cls, "__module__", None) or "")
    if module is None:
        return False
    found = module
    for part in getattr(cls, "__qualname__", "<locals>").split("."):
        found = getattr(found, part, _NO_SNAPSHOT)
        if found is _NO_SNAPSHOT:
            return False
    return found is cls


def _unnamed_estimator_classes(tree):
    """The classes of the estimators in ``tree`` that pickle cannot find by name."""
    classes = []
    for _, node in [((), tree)] + list(_walk_estimators(tree)):
        cls = type(node)
        if cls not in classes and not _found_by_name(cls):
            classes.append(cls)
    return classes


class _ClassByReferencePickler(pickle.Pickler):
    """A pickler that writes the given classes as references into this process.

    The rest is pickled as usual: only where those classes are found by name
    differs, and an unpickler holding the same list puts them back.
    """

    def __init__(self, file, classes):
        super().__init__(file)
        self._index = {id(cls): i for i, cls in enumerate(classes)}

    def persistent_id(self, obj):
        if isinstance(obj, type):
            return self._index.get(id(obj))
        return None


class _ClassByReferenceUnpickler(pickle.Unpickler):
    def __init__(self, file, classes):
        super().__init__(file)
        self._classes = classes

    def persistent_load(self, pid):
        return self._classes[pid]


def _pickle_round_trip(classes):
    """``(dumps, loads)``, passing ``classes`` by reference when there are any."""
    if not classes:
        return pickle.dumps, pickle.loads

    def dumps(obj):
        buffer = io.BytesIO()
        _ClassByReferencePickler(buffer, classes).dump(obj)
        return buffer.getvalue()

    def loads(data):
        return _ClassByReferenceUnpickler(io.BytesIO(data), classes).load()

    return dumps, loads


def check_clone_pickles(estimator, *, clone=None):
    """Check that the clone survives a pickle round trip with equal parameters.

    Clones are what model selection ships to parallel workers, and what
    gets saved. When pickling fails, the parameter that cannot be pickled is
    named.

    The promise is about what the clone carries -- its parameters and
    state -- not about where its class is defined: an estimator whose own
    class pickle cannot find by name (a class defined inside a function, as
    tests and notebooks do) is pickled with that class passed by reference,
    so that its parameters and state are still checked, and the note says
    so. scikit-learn's clone does not need the class to be importable
    either. A parameter value that is a local class, a lambda or an open
    handle still fails: that is what the estimator carries.

    Parameters
    ----------
    estimator : estimator instance
        The estimator to check.
    clone : callable, default=None
        The clone function under test; None means :func:`sklearn_slep017.clone`.

    Returns
    -------
    note : str or None
        Which estimator classes pickle cannot find by name (the round trip
        passed them by reference), if any.

    Raises
    ------
    AssertionError
        If the clone cannot be pickled or unpickled, or comes back with
        another type or other parameters.

    Examples
    --------
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sklearn_slep017.checks import check_clone_pickles
    >>> check_clone_pickles(RandomForestClassifier(n_estimators=3))
    """
    clone = _default_clone(clone)
    name = "check_clone_pickles"
    cloned = _clone_or_fail(estimator, clone, name, PROMISES[name])
    unnamed = _unnamed_estimator_classes(cloned)
    dumps, loads = _pickle_round_trip(unnamed)
    try:
        data = dumps(cloned)
    except Exception as exc:
        try:
            found = _locate(cloned, dumps, None)
        except Exception:
            found = None
        if found is None:
            problems = [(ROOT, "pickling the clone raised %s" % _describe(exc))]
        else:
            path, inner, _value, extra = found
            detail = "pickling the clone raised %s" % _describe(inner)
            if extra:
                detail += "; %s" % extra
            problems = [(_spell(path), detail)]
        raise CloneContractError(name, PROMISES[name], problems, HINTS["pickles"]) from exc
    try:
        restored = loads(data)
    except Exception as exc:
        raise CloneContractError(
            name, PROMISES[name], [(ROOT, "unpickling the clone raised %s" % _describe(exc))],
            HINTS["pickles"],
        ) from exc
    if type(restored) is not type(cloned):
        problems = [(ROOT, "unpickled a %s from a %s"
                     % (type(restored).__qualname__, type(cloned).__qualname__))]
    else:
        problems = _format_diff(_diff(cloned, restored), "clone", "unpickled clone")
    if problems:
        raise CloneContractError(name, PROMISES[name], problems, HINTS["pickles"])
    if unnamed:
        return (
            "not applicable to the estimator class%s %s: pickle cannot find %s by "
            "name (defined inside a function, or made on the fly); that is where "
            "the class is defined, not what the clone carries: passed by "
            "reference, the parameters and state survive the round trip"
            % ("" if len(unnamed) == 1 else "es",
               ", ".join("%s.%s" % (c.__module__, c.__qualname__) for c in unnamed),
               "it" if len(unnamed) == 1 else "them")
        )
    return None


PROMISES = {
    "check_clone_succeeds": "clone(estimator) succeeds",
    "check_clone_type_and_params": "the clone has the same type and parameters",
    "check_clone_unfitted": "the clone is unfitted: no fitted attribute survives",
    "check_clone_shares_no_mutable_param": "the clone shares no mutable parameter value with the original",
    "check_clone_leaves_original_untouched": "cloning leaves the original untouched",
    "check_clone_idempotent": "a clone of the clone has the same parameters",
    "check_clone_keeps_config": "set_output configuration and metadata requests survive the clone",
    "check_clone_pickles": "the clone survives a pickle round trip with equal parameters",
}

#: Every check, in the order :func:`check_clone_contract` runs them.
CHECKS = (
    check_clone_succeeds,
    check_clone_type_and_params,
    check_clone_unfitted,
    check_clone_shares_no_mutable_param,
    check_clone_leaves_original_untouched,
    check_clone_idempotent,
    check_clone_keeps_config,
    check_clone_pickles,
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
    for check in CHECKS:
        name = check.__name__
        if clone_failed:
            results.append(CheckResult(name, PROMISES[name], "SKIP", note="clone raised"))
            continue
        finding_hint = HINTS[_FINDING_HINTS[name]] if name in _FINDING_HINTS else ""
        try:
            if check is check_clone_unfitted:
                # Its findings go into the result, not into a warning.
                note, findings = _check_unfitted(estimator, clone, X, y, fit)
            else:
                note, findings = check(estimator, clone=clone), []
        except CloneContractError as exc:
            results.append(CheckResult(
                name, PROMISES[name], "FAIL", exc.problems, exc.hint,
                findings=exc.findings, finding_hint=finding_hint if exc.findings else "",
            ))
            if check is check_clone_succeeds:
                clone_failed = True
        except Exception as exc:  # an assertion of another kind, or a crash
            results.append(
                CheckResult(name, PROMISES[name], "FAIL", [(ROOT, _describe(exc))], "")
            )
            if check is check_clone_succeeds:
                clone_failed = True
        else:
            results.append(CheckResult(
                name, PROMISES[name], "PASS", note=note,
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
    one :class:`AssertionError` listing, for each broken promise, the
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
    AssertionError
        If any promise is broken; findings that are not broken promises are
        listed at the end of the message.

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
    AssertionError: Pipeline(steps=[('c', Copying(items=[1]))]) breaks 1 promise of the clone contract:
    * clone(estimator) succeeds [check_clone_succeeds]
        c__items: clone raised RuntimeError: ...
        hint: store constructor arguments unchanged in __init__ ...
    not checked, since clone raised: ...
    """
    results = run_clone_checks(estimator, clone=clone, X=X, y=y, fit=fit)
    if any(r.status == "FAIL" for r in results):
        raise AssertionError(format_report(estimator, results))
    for result in results:
        _warn_findings(result.check, result.findings)


def _estimator_id(estimator):
    return re.sub(r"\s", "", _short(estimator, 10**6))


def parametrize_with_clone_checks(estimators, *, clone=None, fit=False):
    """Pytest decorator running every clone check on every estimator.

    Shaped like scikit-learn's ``parametrize_with_checks``: the decorated
    test takes ``estimator`` and ``check`` and calls ``check(estimator)``.
    Test ids read ``<estimator repr>-<check name>``.

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
        for check in CHECKS:
            kwargs = {"clone": clone}
            if check is check_clone_unfitted:
                kwargs["fit"] = fit
            bound = functools.partial(check, **kwargs)
            functools.update_wrapper(bound, check)
            params.append(
                pytest.param(
                    estimator, bound, id="%s-%s" % (_estimator_id(estimator), check.__name__)
                )
            )
    return pytest.mark.parametrize("estimator, check", params)
