# SPDX-License-Identifier: BSD-3-Clause
"""Reference implementation of SLEP017's clone, in pure Python.

It reads like upstream's ``sklearn/base.py`` on purpose: every behaviour of
scikit-learn 1.9.1's ``clone`` is kept, including exception types and
messages and the identity sanity check. The differences, each deliberate:

* parameter names are introspected once per ``__init__``
  (``get_param_names``, through the one cache of ``_clone_kernel``, which
  the compiled module shares), not on every call;
* values that ``copy.deepcopy`` returns unchanged (None, numbers, strings,
  classes, functions ...) are returned without calling it;
* upstream's own ``BaseEstimator.__sklearn_clone__`` is recognised as the
  default and not re-entered, so a clone never bounces into upstream's
  slower implementation;
* ``_metadata_request`` is only carried over when the object really has one,
  never when ``__getattr__`` invents it (upstream 1.9 recurses forever on a
  ``unittest.mock.MagicMock`` parameter that way: scikit-learn issue 34477).

The compiled module ``_clone_c`` has the same names and behaviour; what the
two share is in ``_clone_kernel``.
"""

import copy
import inspect

from . import _compat
from ._clone_kernel import (
    ATOMIC_TYPES,
    CONTAINER_TYPES,
    carry_metadata_request,
    modified_parameter_error,
    not_an_estimator_error,
    param_names,
)
from ._diagnostics import (
    annotate,
    annotate_entry,
    annotate_parameter,
    mark_constructor,
    mark_uncopyable,
)

__all__ = ["clone", "clone_parametrized", "get_param_names", "sklearn_clone"]



def get_param_names(cls):
    """Get the constructor parameter names of an estimator class, cached.

    The same result as upstream's ``BaseEstimator._get_param_names``: the
    names of ``cls.__init__``'s parameters, sorted, without ``self`` and
    ``**kwargs``. For a plain Python ``__init__`` the signature is
    introspected once, and again whenever the class's ``__init__`` is
    replaced, its code edited in place, or it gains an attribute that
    ``inspect.signature`` reads (``__signature__``, ``__wrapped__`` ...).

    Parameters
    ----------
    cls : type
        The estimator class.

    Returns
    -------
    names : list of str
        A new list on every call, so callers may modify it.

    Raises
    ------
    RuntimeError
        If ``__init__`` takes ``*args``, with upstream's message.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn_slep017._clone_py import get_param_names
    >>> get_param_names(Ridge)[:3]
    ['alpha', 'copy_X', 'fit_intercept']
    """
    return list(param_names(cls))


def _is_default_sklearn_clone(estimator, method):
    # A bound ``BaseEstimator.__sklearn_clone__``, upstream's or ours,
    # compared by identity: a user's callable must not be hashed or compared.
    func = getattr(method, "__func__", None)
    for known in _DEFAULT_SKLEARN_CLONE_FUNCS:
        if func is known:
            return method.__self__ is estimator and _compat.runs_original_code(func)
    return False


def _is_atomic_type(estimator_type):
    # Exact builtin types only, by identity: a metaclass may define __eq__ or
    # __hash__, and upstream never compares or hashes an estimator's class.
    return type(estimator_type) is type and estimator_type in ATOMIC_TYPES


def _is_container_type(estimator_type):
    return (
        estimator_type is list
        or estimator_type is tuple
        or estimator_type is set
        or estimator_type is frozenset
    )


def clone(estimator, *, safe=True):
    """Construct a new unfitted estimator with the same parameters.

    Clone does a deep copy of the model in an estimator without actually
    copying attached data. It returns a new estimator with the same
    parameters that has not been fitted on any data.

    Following SLEP017, an object that implements ``__sklearn_clone__`` (and
    is not a class) clones itself; everything else goes to
    :func:`clone_parametrized`.

    Parameters
    ----------
    estimator : {list, tuple, set} of estimator instance or a single \
            estimator instance
        The estimator or group of estimators to be cloned.
    safe : bool, default=True
        If safe is False, clone will fall back to a deep copy on objects
        that are not estimators. Ignored if ``estimator.__sklearn_clone__``
        exists.

    Returns
    -------
    estimator : object
        The deep copy of the input, an estimator if input is an estimator.

    See Also
    --------
    clone_parametrized : The default implementation, without delegation.

    Notes
    -----
    If the estimator's ``random_state`` parameter is an integer (or if the
    estimator doesn't have a ``random_state`` parameter), an *exact clone* is
    returned: the clone and the original estimator will give the exact same
    results. Otherwise, a *statistical clone* is returned: the clone might
    return different results from the original estimator.

    Examples
    --------
    >>> from sklearn_slep017 import clone
    >>> from sklearn.linear_model import LogisticRegression
    >>> X = [[-1, 0], [0, 1], [0, -1], [1, 0]]
    >>> y = [0, 0, 1, 1]
    >>> classifier = LogisticRegression().fit(X, y)
    >>> cloned_classifier = clone(classifier)
    >>> hasattr(classifier, "classes_")
    True
    >>> hasattr(cloned_classifier, "classes_")
    False
    >>> classifier is cloned_classifier
    False
    """
    estimator_type = type(estimator)
    if not safe and _is_atomic_type(estimator_type):
        return estimator
    if _is_container_type(estimator_type) or (
        estimator_type is dict and _compat.CLONES_DICT_VALUES
    ):
        return clone_parametrized(estimator, safe=safe)  # they never delegate
    if hasattr(estimator, "__sklearn_clone__") and not inspect.isclass(estimator):
        method = estimator.__sklearn_clone__
        if _is_default_sklearn_clone(estimator, method):
            return clone_parametrized(estimator)
        return method()
    return clone_parametrized(estimator, safe=safe)


def clone_parametrized(estimator, *, safe=True):
    """Clone an estimator from its parameters, ignoring ``__sklearn_clone__``.

    This is the default implementation of :func:`clone`, factored out by
    SLEP017 so that an estimator's ``__sklearn_clone__`` can extend it
    (``BaseEstimator.__sklearn_clone__`` calls it). Containers (``list``,
    ``tuple``, ``set``, ``frozenset`` and the values of an exact ``dict``)
    are cloned element by element; an estimator is rebuilt by calling its
    class with its cloned ``get_params(deep=False)``; anything else is
    deep-copied when ``safe`` is False.

    Parameters
    ----------
    estimator : {list, tuple, set, frozenset, dict} of estimator instance or \
            a single estimator instance
        The estimator or group of estimators to be cloned.
    safe : bool, default=True
        If safe is False, fall back to a deep copy on objects that are not
        estimators.

    Returns
    -------
    estimator : object
        The new, unfitted estimator (or container, or deep copy).

    Raises
    ------
    TypeError
        If ``safe`` is True and ``estimator`` is a class, or an object with
        no ``get_params`` method.
    RuntimeError
        If the constructor does not store a parameter unchanged: the clone's
        ``get_params(deep=False)`` must return the very objects passed in.

    See Also
    --------
    clone : Delegates to ``__sklearn_clone__`` when the object has one.

    Examples
    --------
    >>> from sklearn_slep017 import clone_parametrized
    >>> from sklearn.linear_model import Ridge
    >>> clone_parametrized(Ridge(alpha=3.0))
    Ridge(alpha=3.0)
    """
    # Each loop below notes, on an exception, which parameter or entry it was
    # cloning (see _diagnostics): a try block costs nothing until it raises.
    estimator_type = type(estimator)
    if estimator_type is dict and _compat.CLONES_DICT_VALUES:
        cloned = {}
        for k, v in estimator.items():
            try:
                cloned[k] = clone(v, safe=safe)
            except Exception as exc:
                annotate(exc, k)
                raise
        return cloned
    elif _is_container_type(estimator_type) or (
        # upstream's ``estimator_type in (list, tuple, set, frozenset)``
        # compares the class with each: a metaclass's __eq__ runs (and may
        # raise); a class of metaclass ``type`` compares by identity alone
        type(estimator_type) is not type
        and estimator_type in CONTAINER_TYPES
    ):
        cloned = []
        for i, e in enumerate(estimator):
            try:
                cloned.append(clone(e, safe=safe))
            except Exception as exc:
                annotate_entry(exc, estimator, i)
                raise
        return estimator_type(cloned)
    elif not hasattr(estimator, "get_params") or isinstance(estimator, type):
        if not safe:
            try:
                return copy.deepcopy(estimator)
            except Exception as exc:
                mark_uncopyable(exc)
                raise
        else:
            raise mark_constructor(not_an_estimator_error(estimator))

    klass = estimator.__class__
    new_object_params = estimator.get_params(deep=False)
    for name, param in new_object_params.items():
        try:
            new_object_params[name] = clone(param, safe=False)
        except Exception as exc:
            annotate_parameter(exc, estimator, name)
            raise

    new_object = klass(**new_object_params)
    carry_metadata_request(estimator, new_object, clone)

    params_set = new_object.get_params(deep=False)

    if _compat.HAS_CALLBACKS and hasattr(estimator, "_skl_callbacks"):
        # Callbacks are designed to be shared by every clone of an estimator.
        new_object._skl_callbacks = estimator._skl_callbacks

    # quick sanity check of the parameters of the clone
    for name in new_object_params:
        param1 = new_object_params[name]
        param2 = params_set[name]
        if param1 is not param2:
            raise mark_constructor(modified_parameter_error(estimator, name))

    # _sklearn_output_config is used by `set_output` to configure the output
    # container of an estimator.
    if _compat.HAS_OUTPUT_CONFIG and hasattr(estimator, "_sklearn_output_config"):
        new_object._sklearn_output_config = copy.deepcopy(
            estimator._sklearn_output_config
        )
    return new_object


def sklearn_clone(self):
    """Clone this estimator with the default implementation.

    ``BaseEstimator.__sklearn_clone__`` as SLEP017 defines it: subclasses
    extend it with ``super().__sklearn_clone__()``.

    Returns
    -------
    estimator : object
        ``clone_parametrized(self)``.
    """
    return clone_parametrized(self)


_DEFAULT_SKLEARN_CLONE_FUNCS = _compat.DEFAULT_SKLEARN_CLONE_FUNCS
_compat.add_default(_DEFAULT_SKLEARN_CLONE_FUNCS, sklearn_clone)
_compat.add_default(_compat.DEFAULT_GET_PARAM_NAMES_FUNCS, get_param_names)
