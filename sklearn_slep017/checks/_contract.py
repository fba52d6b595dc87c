# SPDX-License-Identifier: BSD-3-Clause
"""The checks of the clone contract, one per promise.

Each ``check_clone_*`` function is declared with its promise and its hints
by the ``contract_check`` decorator (``_registry.py``), in the order
:func:`check_clone_contract` runs them: adding a check is adding one
decorated function here (and its name to the package's ``__all__``).

Why one module of over a thousand lines: the file's order is the order the
checks run and are documented in, one decorated function per promise; split
by theme, that one list would be spread over files and kept in step by hand.
What the checks share (walking and comparing trees, the hints, the outcomes)
is already in modules of its own.
"""

import copy
import functools
import inspect
import io
import pickle
import sys
import warnings

import numpy as np

from ._diff import (
    _ATOMS,
    _NO_SNAPSHOT,
    ROOT,
    _deepcopy_keeps,
    _diff,
    _format_diff,
    _is_atom,
    _is_estimator,
    _params,
    _short,
    _spell,
    _spell_attr,
    _walk_estimators,
    _walk_pairs,
)
from ._hints import _clone_failure, _clone_or_fail, _describe, _locate
from ._outcomes import CloneContractError, _warn_findings
from ._registry import contract_check
from ._registry import hint as _hint
from ._registry import promise as _promise


def _default_clone(clone):
    if clone is None:
        from .. import clone as live_clone

        return live_clone
    return clone


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


def _contract_errors_only(check):
    """``check``, raising :class:`CloneContractError` for any failure.

    A check that meets an exception of another kind (the estimator's ``fit``
    raising on the data given, say) reports it as a broken promise of its
    own, so that every failure of a check is a ``CloneContractError``.
    Defined here, so that the doctests of the checks stay this module's.
    """
    name = check.__name__

    @functools.wraps(check)
    def run(*args, **kwargs):
        try:
            return check(*args, **kwargs)
        except CloneContractError:
            raise
        except Exception as exc:
            raise CloneContractError(
                name, _promise(name),
                [(ROOT, "the check could not run: %s" % _describe(exc))], "",
            ) from exc

    return run


# --------------------------------------------------------------------------
# The checks


@contract_check(
    promise="clone(estimator) succeeds",
    gates_the_rest=True,
)
@_contract_errors_only
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
    _clone_or_fail(estimator, clone, "check_clone_succeeds", _promise("check_clone_succeeds"))


@contract_check(
    promise="the clone has the same type and parameters",
    hints={
        "type_and_params": (
            "__sklearn_clone__ should start from super().__sklearn_clone__() (or "
            "clone_parametrized(self)) and not change parameters or the type"
        ),
    },
)
@_contract_errors_only
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
    cloned = _clone_or_fail(estimator, clone, name, _promise(name))
    if type(cloned) is not type(estimator):
        raise CloneContractError(
            name, _promise(name),
            [(ROOT, "the clone is a %s, the original a %s"
              % (type(cloned).__qualname__, type(estimator).__qualname__))],
            _hint("type_and_params"),
        )
    problems = _diff(estimator, cloned)
    if problems:
        raise CloneContractError(
            name, _promise(name), _format_diff(problems, "original", "clone"),
            _hint("type_and_params"),
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
    cloned = _clone_or_fail(subject, clone, name, _promise(name))
    if cloned is subject:
        return (
            "clone returned the estimator itself (frozen by __sklearn_clone__): "
            "its fitted attributes are kept by design"
        ), []
    problems, constructor_set, unbuilt = [], [], []
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
            constructor_set.extend(
                _spell_attr(path, attr) for attr in _constructor_set_attributes(fresh)
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
        hint = _hint("unfitted") if custom_clone else _hint("unfitted_default")
        raise CloneContractError(name, _promise(name), problems, hint)
    if not seen_any:
        notes.append("the original has no fitted attribute to compare")
    if unbuilt:
        notes.append(
            "no fresh construction to compare with at %s (the constructor raised): "
            "every attribute ending in _ there counted as fitted" % ", ".join(unbuilt)
        )
    if constructor_set:
        notes.append(
            "set by a constructor, so compared with a fresh construction rather "
            "than counted as fitted (check_no_attributes_set_in_init fails "
            "them): %s" % ", ".join(constructor_set)
        )
    return "; ".join(notes) or None, []


@contract_check(
    promise="the clone is unfitted: no fitted attribute survives",
    hints={
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
    },
    collect=_check_unfitted,
)
@_contract_errors_only
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
    sets are :func:`check_no_attributes_set_in_init`'s business (it fails
    them, as scikit-learn's check of that name does); here they are only
    named in the note.

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


@contract_check(
    promise="the constructor sets no attribute ending in _ (the mark of a fitted estimator)",
    hints={
        "set_in_init": (
            "set attributes ending in _ in fit, not __init__ (scikit-learn's "
            "check_no_attributes_set_in_init; check_is_fitted takes them as the "
            "mark of a fitted estimator, so the clone looks fitted): keep them "
            "private (_name) or create them when fitting"
        ),
    },
)
@_contract_errors_only
def check_no_attributes_set_in_init(estimator, *, clone=None):
    """Check that no constructor sets a public attribute ending in ``_``.

    Named after scikit-learn's ``check_no_attributes_set_in_init``, which
    forbids them: ``check_is_fitted`` takes such an attribute as the mark of
    a fitted estimator, so a clone -- freshly constructed -- would pass for
    a fitted one. Each estimator of the tree is constructed afresh from its
    own ``get_params(deep=False)`` and every public attribute ending in
    ``_`` that is not a parameter is reported, with its path.

    Parameters
    ----------
    estimator : estimator instance
        The estimator to check.
    clone : callable, default=None
        Accepted for the checks' common signature; not used (the check
        constructs, it does not clone).

    Raises
    ------
    CloneContractError
        If a constructor sets such an attribute; the message names each one
        and the constructor that sets it.

    Examples
    --------
    >>> from sklearn.base import BaseEstimator
    >>> from sklearn_slep017.checks import check_no_attributes_set_in_init
    >>> class Recorder(BaseEstimator):
    ...     def __init__(self, alpha=1.0):
    ...         self.alpha = alpha
    ...         self.history_ = []
    >>> check_no_attributes_set_in_init(Recorder())
    Traceback (most recent call last):
    ...
    sklearn_slep017.checks.CloneContractError: check_no_attributes_set_in_init: broken promise: ...
      - history_: set by Recorder.__init__ (to []), not a parameter
      hint: set attributes ending in _ in fit, not __init__ ...
    """
    name = "check_no_attributes_set_in_init"
    problems = []
    for path, node in _walk_estimators(estimator):  # the estimator itself first
        fresh = _fresh_construction(node)
        if fresh is None:
            continue  # the clone checks report a constructor that raises
        for attr in _constructor_set_attributes(fresh):
            problems.append(
                (_spell_attr(path, attr),
                 "set by %s.__init__ (to %s), not a parameter"
                 % (type(fresh).__qualname__, _short(_get(fresh, attr), 40)))
            )
    if problems:
        raise CloneContractError(name, _promise(name), problems, _hint("set_in_init"))


def _frozen_ids(tree):
    return {
        id(node)
        for _, node in [((), tree)] + list(_walk_estimators(tree))
        if getattr(node, "__sklearn_clone__", None) is not None and _is_frozen_by_protocol(node)
    }


@contract_check(
    promise="the clone shares no mutable parameter value with the original",
    hints={
        "shares": (
            "clone every parameter value (clone(value, safe=False)) in "
            "__sklearn_clone__ instead of passing the original's objects on"
        ),
    },
)
@_contract_errors_only
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
    cloned = _clone_or_fail(estimator, clone, name, _promise(name))
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
        raise CloneContractError(name, _promise(name), problems, _hint("shares"))
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


@contract_check(
    promise="cloning leaves the original untouched",
    hints={
        "untouched": (
            "__sklearn_clone__ and get_params must only read the original; work "
            "on the new object"
        ),
    },
)
@_contract_errors_only
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
    _clone_or_fail(estimator, clone, name, _promise(name))
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
        raise CloneContractError(name, _promise(name), problems, _hint("untouched"))


@contract_check(
    promise="a clone of the clone has the same parameters",
    hints={
        "idempotent": (
            "the clone's parameters must not depend on whether the original was "
            "itself a clone; keep __sklearn_clone__ free of state that changes"
        ),
    },
)
@_contract_errors_only
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
    first = _clone_or_fail(estimator, clone, name, _promise(name))
    try:
        second = clone(first)
    except Exception as exc:
        error = _clone_failure(first, clone, name, _promise(name), exc)
        error.problems = [(loc, "cloning the clone: " + d) for loc, d in error.problems]
        raise CloneContractError(name, _promise(name), error.problems, error.hint) from exc
    if type(second) is not type(first):
        problems = [(ROOT, "clone of the clone is a %s, the clone a %s"
                     % (type(second).__qualname__, type(first).__qualname__))]
    else:
        problems = _format_diff(_diff(first, second), "clone", "clone of the clone")
    if problems:
        raise CloneContractError(name, _promise(name), problems, _hint("idempotent"))


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


@contract_check(
    promise="set_output configuration and metadata requests survive the clone",
    hints={
        "keeps_config": (
            "start __sklearn_clone__ from super().__sklearn_clone__() (it carries "
            "_sklearn_output_config and _metadata_request), or copy them yourself"
        ),
    },
)
@_contract_errors_only
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
        cloned = _clone_or_fail(subject, clone, name, _promise(name))
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
                cloned = _clone_or_fail(subject, clone, name, _promise(name))
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
        raise CloneContractError(name, _promise(name), problems, _hint("keeps_config"))
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


@contract_check(
    promise="the clone survives a pickle round trip with equal parameters",
    hints={
        "pickles": (
            "estimators are pickled to be shipped to workers and saved: use "
            "module-level functions and classes for parameters (no lambdas, "
            "local classes, open handles)"
        ),
    },
)
@_contract_errors_only
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
    cloned = _clone_or_fail(estimator, clone, name, _promise(name))
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
        raise CloneContractError(name, _promise(name), problems, _hint("pickles")) from exc
    try:
        restored = loads(data)
    except Exception as exc:
        raise CloneContractError(
            name, _promise(name), [(ROOT, "unpickling the clone raised %s" % _describe(exc))],
            _hint("pickles"),
        ) from exc
    if type(restored) is not type(cloned):
        problems = [(ROOT, "unpickled a %s from a %s"
                     % (type(restored).__qualname__, type(cloned).__qualname__))]
    else:
        problems = _format_diff(_diff(cloned, restored), "clone", "unpickled clone")
    if problems:
        raise CloneContractError(name, _promise(name), problems, _hint("pickles"))
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
