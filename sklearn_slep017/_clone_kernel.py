# SPDX-License-Identifier: BSD-3-Clause
"""What the two clone implementations share: the kernel both import.

The reference (``_clone_py``) and the compiled clone (``_clone_c``) are
siblings: each imports this module, and the only arrow between them is the
compiled clone's deliberate hand-off of a too-deep subtree to the reference.
Here are the facts and messages that must be one object for both:

* the type sets: the exact types returned as they are, and the containers;
* the one cache of constructor parameter names (``PARAM_NAMES_CACHE``,
  filled by :func:`param_names`), so that a fact learnt by one
  implementation is never contradicted by the other;
* upstream's error builders, so that the messages cannot drift apart;
* the carry of ``_metadata_request`` to a new estimator.
"""

import copy
import inspect
import types
import weakref

from . import _compat

# Exact types for which ``copy.deepcopy`` returns its argument unchanged and
# which cannot carry ``__sklearn_clone__`` or ``get_params``, so that upstream's
# clone(x, safe=False) is ``x`` itself. Classes are handled separately.
ATOMIC_TYPES = frozenset(
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
CONTAINER_TYPES = (list, tuple, set, frozenset)

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


def carry_metadata_request(estimator, new_object, clone):
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


def call_with(klass, params):
    # ``klass(**params)`` for whatever a custom get_params returned.
    return klass(**params)


def not_an_estimator_error(estimator):
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


def modified_parameter_error(estimator, name):
    return RuntimeError(
        "Cannot clone object %s, as the constructor "
        "either does not set or modifies parameter %s" % (estimator, name)
    )
