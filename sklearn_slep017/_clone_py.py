# SPDX-License-Identifier: BSD-3-Clause
"""Reference implementation of SLEP017's clone, in pure Python.

It reads like upstream's ``sklearn/base.py`` on purpose: every behaviour of
scikit-learn 1.9.1's ``clone`` is kept, including exception types and
messages and the identity sanity check. The differences, each deliberate:

* parameter names are introspected once per ``__init__``
  (``get_param_names``, one cache shared with the compiled module), not on
  every call;
* values that ``copy.deepcopy`` returns unchanged (None, numbers, strings,
  classes, functions ...) are returned without calling it;
* upstream's own ``BaseEstimator.__sklearn_clone__`` is recognised as the
  default and not re-entered, so a clone never bounces into upstream's
  slower implementation;
* ``_metadata_request`` is only carried over when the object really has one,
  never when ``__getattr__`` invents it (upstream 1.9 recurses forever on a
  ``unittest.mock.MagicMock`` parameter that way: scikit-learn issue 34477).

The compiled module ``_clone_c`` has the same names and behaviour.
"""

import copy
import inspect
import types
import weakref

from . import _compat
from ._diagnostics import (
    annotate,
    annotate_entry,
    annotate_parameter,
    mark_constructor,
    mark_uncopyable,
)

__all__ = ["clone", "clone_parametrized", "get_param_names", "sklearn_clone"]

# Exact types for which ``copy.deepcopy`` returns its argument unchanged and
# which cannot carry ``__sklearn_clone__`` or ``get_params``, so that upstream's
# clone(x, safe=False) is ``x`` itself. Classes are handled separately.
_ATOMIC_TYPES = frozenset(
    {
        type(None),
        type(Ellipsis),
        type(NotImplemented),
        bool,
        int,
        float,
        complex,
        str,
        bytes,
        range,
        types.BuiltinFunctionType,
        types.CodeType,
        property,
        weakref.ref,
    }
)
_CONTAINER_TYPES = (list, tuple, set, frozenset)

# The one cache of constructor parameter names, shared by both
# implementations: ``id(__init__)`` -> ``(weak reference to that __init__,
# its __code__, tuple of names)``, each entry replaced whole, never edited.
# Keyed by the function, not the class: the names are a function of
# ``__init__`` alone (of its code, for a plain function that carries none of
# ``SIGNATURE_ATTRIBUTES``), and a value holding no strong reference lets a
# class made on the fly (whose ``__init__`` closes over it through
# ``super()``) be freed. Any other ``__init__`` is introspected every time.
PARAM_NAMES_CACHE = {}

# Attributes ``inspect.signature`` reads off a function before its code:
# a function carrying one of them is never cached.
SIGNATURE_ATTRIBUTES = (
    "__signature__",
    "__wrapped__",
    "_partialmethod",
    "__partialmethod__",
    "deprecated_original",
)


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


def param_names(cls, init=None):
    """The parameter names of ``cls`` as a tuple, through the shared cache.

    Parameters
    ----------
    cls : type
        The estimator class.
    init : callable, optional
        ``cls.__init__``, when the caller has already read it.

    Returns
    -------
    names : tuple of str
        The cached tuple itself: callers must not expose it as a list.
    """
    if init is None:
        init = cls.__init__
    if type(init) is types.FunctionType:
        attributes = init.__dict__
        if not attributes or attributes.keys().isdisjoint(SIGNATURE_ATTRIBUTES):
            entry = PARAM_NAMES_CACHE.get(id(init))
            if entry is not None and entry[0]() is init and entry[1] is init.__code__:
                return entry[2]
            return _cache_param_names(cls, init)
    return tuple(_introspect_param_names(cls, init))


def _cache_param_names(cls, init):
    # Introspect a plain function and keep the names under its identity.
    key = id(init)
    code = init.__code__
    names = tuple(_introspect_param_names(cls, init))
    PARAM_NAMES_CACHE[key] = (weakref.ref(init, _forget(key)), code, names)
    return names


def _forget(key):
    # Drop the entry of a dead __init__, unless a new one took the key.
    def forget(ref):
        entry = PARAM_NAMES_CACHE.get(key)
        if entry is not None and entry[0] is ref:
            PARAM_NAMES_CACHE.pop(key, None)

    return forget


def _introspect_param_names(cls, init):
    # Upstream's BaseEstimator._get_param_names, body for body.
    if _compat.USES_DEPRECATED_ORIGINAL:
        init = getattr(init, "deprecated_original", init)
    if init is object.__init__:
        return []
    init_signature = inspect.signature(init)
    parameters = [
        p
        for p in init_signature.parameters.values()
        if p.name != "self" and p.kind != p.VAR_KEYWORD
    ]
    for p in parameters:
        if p.kind == p.VAR_POSITIONAL:
            raise RuntimeError(
                "scikit-learn estimators should always "
                "specify their parameters in the signature"
                " of their __init__ (no varargs)."
                " %s with constructor %s doesn't "
                " follow this convention." % (cls, init_signature)
            )
    return sorted([p.name for p in parameters])


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
    return type(estimator_type) is type and estimator_type in _ATOMIC_TYPES


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
        and estimator_type in _CONTAINER_TYPES
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
            raise mark_constructor(_not_an_estimator_error(estimator))

    klass = estimator.__class__
    new_object_params = estimator.get_params(deep=False)
    for name, param in new_object_params.items():
        try:
            new_object_params[name] = clone(param, safe=False)
        except Exception as exc:
            annotate_parameter(exc, estimator, name)
            raise

    new_object = klass(**new_object_params)
    _carry_metadata_request(estimator, new_object, clone)

    params_set = new_object.get_params(deep=False)

    if _compat.HAS_CALLBACKS and hasattr(estimator, "_skl_callbacks"):
        # Callbacks are designed to be shared by every clone of an estimator.
        new_object._skl_callbacks = estimator._skl_callbacks

    # quick sanity check of the parameters of the clone
    for name in new_object_params:
        param1 = new_object_params[name]
        param2 = params_set[name]
        if param1 is not param2:
            raise mark_constructor(_modified_parameter_error(estimator, name))

    # _sklearn_output_config is used by `set_output` to configure the output
    # container of an estimator.
    if _compat.HAS_OUTPUT_CONFIG and hasattr(estimator, "_sklearn_output_config"):
        new_object._sklearn_output_config = copy.deepcopy(
            estimator._sklearn_output_config
        )
    return new_object


def _carry_metadata_request(estimator, new_object, clone):
    # Shared by both implementations, each passing its own ``clone``.
    if _compat.METADATA_REQUEST_COPY is None:
        return
    try:
        # The class's own attribute lookup, without the ``__getattr__``
        # fallback: an object that invents attributes (a mock) must not hand
        # us an endless chain of invented metadata requests.
        metadata_request = type(estimator).__getattribute__(
            estimator, "_metadata_request"
        )
        if _compat.METADATA_REQUEST_COPY == "clone":
            new_object._metadata_request = clone(metadata_request)
        else:
            new_object._metadata_request = copy.deepcopy(metadata_request)
    except AttributeError:
        pass


def _call_with(klass, params):
    # ``klass(**params)`` for whatever a custom get_params returned.
    return klass(**params)


def _not_an_estimator_error(estimator):
    # Upstream's messages, shared by both implementations.
    if isinstance(estimator, type):
        return TypeError(
            "Cannot clone object. "
            "You should provide an instance of "
            "scikit-learn estimator instead of a class."
        )
    return TypeError(
        "Cannot clone object '%s' (type %s): "
        "it does not seem to be a scikit-learn "
        "estimator as it does not implement a "
        "'get_params' method." % (repr(estimator), type(estimator))
    )


def _modified_parameter_error(estimator, name):
    return RuntimeError(
        "Cannot clone object %s, as the constructor "
        "either does not set or modifies parameter %s" % (estimator, name)
    )


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
