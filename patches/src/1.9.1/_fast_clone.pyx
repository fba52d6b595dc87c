# Authors: The scikit-learn developers
# SPDX-License-Identifier: BSD-3-Clause

"""Compiled helper of :func:`sklearn.base.clone`.

:func:`sklearn.base.clone` and :func:`sklearn.base._clone_parametrized` stay
the documented Python functions; they call :func:`clone` and
:func:`clone_parametrized` here, which do step for step what the pure-Python
default (``_python_clone`` and ``_python_clone_parametrized`` in
``sklearn/base.py``) does: every attribute is read at the same moment,
through the same attribute protocol, with the same results, exceptions and
messages. The speed comes from doing in C what the Python code does:

* values that ``copy.deepcopy`` returns unchanged are returned without
  calling it, and containers are walked here;
* ``BaseEstimator.get_params(deep=False)`` and ``_get_param_names`` are
  recognised by the identity of the functions an instance resolves to, and
  then inlined (the cached names, one ``getattr`` per parameter);
* the probes for ``__sklearn_clone__``, ``_metadata_request``,
  ``_sklearn_output_config`` and ``_skl_callbacks`` raise no exception when
  the attribute is absent.

This module cannot import :mod:`sklearn.base`, which imports it: what it
needs from there comes in a :class:`CloneContext`, made once by
``sklearn/base.py`` and passed on every call.

Only public CPython API is used (``_fast_clone_capi.h`` holds the C
helpers). The module keeps no mutable C-level state: its C globals are set
once, at import, and never reassigned; the two caches it fills (``type ->
verdict`` below, the C stack bounds per thread) are a dict and a
``threading.local``, which do their own locking. The recursion never trusts
a fixed stack budget: it hands a subtree to the pure-Python default when it
is deep, or when the running thread's C stack (as the platform reports it)
is half used.
"""

import copy
import threading
import types

from cpython.object cimport PyObject
from cpython.ref cimport Py_DECREF

from sklearn.utils._clone_diagnostics import (
    annotate,
    annotate_entry,
    annotate_parameter,
    mark_constructor,
    mark_uncopyable,
)

__all__ = ["CloneContext", "clone", "clone_parametrized"]


cdef extern from "Python.h":
    int Py_EnterRecursiveCall(const char* where) except? -1
    void Py_LeaveRecursiveCall()
    bint PyMethod_Check(object op)
    PyObject* PyMethod_GET_FUNCTION(object op)
    PyObject* PyMethod_GET_SELF(object op)
    bint PyFunction_Check(object op)
    object PyObject_GenericGetDict(object obj, void* context)
    object PyLong_FromVoidPtr(void* p)
    void* PyLong_AsVoidPtr(object p) except? NULL
    object PyObject_Call(object callable, object args, object kwargs)
    int PyObject_IsInstance(object inst, object cls) except -1
    object PyDict_Copy(object d)
    int PySequence_Contains(object seq, object value) except -1


cdef extern from "_fast_clone_capi.h":
    int clone_dict_get_ref(object d, object key, PyObject** result) except -1
    int clone_weakref_get_ref(object ref, PyObject** result) except -1
    int clone_list_get_ref(object lst, Py_ssize_t i, PyObject** result) except -1
    int clone_is_fixed_type(object type) except -1
    char* clone_stack_pointer()
    int clone_stack_bounds(char** low, char** high)


# Set once, at import, never reassigned.
cdef object _deepcopy = copy.deepcopy
cdef object _FunctionType = types.FunctionType
cdef object _type = type
cdef object _ABSENT = object()

cdef str _S_SKLEARN_CLONE = "__sklearn_clone__"
cdef str _S_GET_PARAMS = "get_params"
cdef str _S_GET_PARAM_NAMES = "_get_param_names"
cdef str _S_METADATA = "_metadata_request"
cdef str _S_OUTPUT = "_sklearn_output_config"
cdef str _S_CALLBACKS = "_skl_callbacks"
cdef str _S_INIT = "__init__"
cdef str _S_CODE = "__code__"

cdef tuple _EMPTY = ()
cdef dict _DEEP_FALSE = {"deep": False}


cdef class CloneContext:
    """What the compiled clone needs from :mod:`sklearn.base`.

    Made once by ``sklearn/base.py``, with every attribute below given by
    keyword; they are set when the object is allocated and cannot be
    assigned afterwards.

    Attributes
    ----------
    param_names_cache : dict
        ``sklearn.base._PARAM_NAMES_CACHE``, read without a Python call.
    param_names : callable
        ``sklearn.base._param_names_tuple``, called when the cache has no
        valid entry.
    signature_attributes : tuple of str
        ``sklearn.base._SIGNATURE_ATTRIBUTES``.
    atomic_types : frozenset of type
        ``sklearn.base._ATOMIC_TYPES``.
    container_types : tuple of type
        ``sklearn.base._CONTAINER_TYPES``.
    get_params : function
        ``BaseEstimator.get_params``, as defined.
    get_param_names : function
        The function of the classmethod ``BaseEstimator._get_param_names``.
    sklearn_clone_funcs : tuple of function
        The default ``__sklearn_clone__`` implementations.
    python_clone : callable
        The pure-Python ``clone``, given the subtrees too deep for C.
    python_clone_parametrized : callable
        The pure-Python ``_clone_parametrized``, likewise.
    not_an_estimator_error : callable
        Builds the error for cloning a class or a non-estimator.
    modified_parameter_error : callable
        Builds the error for a constructor that modifies a parameter.

    See Also
    --------
    sklearn.base.clone : Construct a new unfitted estimator with the same
        parameters.

    Examples
    --------
    >>> from sklearn.base import _FAST_CLONE_CONTEXT
    >>> _FAST_CLONE_CONTEXT.get_params.__qualname__
    'BaseEstimator.get_params'
    """

    cdef readonly dict param_names_cache
    cdef readonly object param_names
    cdef readonly tuple signature_attributes
    cdef readonly frozenset atomic_types
    cdef readonly tuple container_types
    cdef readonly object get_params
    cdef readonly object get_param_names
    cdef readonly tuple sklearn_clone_funcs
    cdef readonly object python_clone
    cdef readonly object python_clone_parametrized
    cdef readonly object not_an_estimator_error
    cdef readonly object modified_parameter_error

    def __cinit__(
        self,
        *,
        dict param_names_cache not None,
        param_names,
        tuple signature_attributes not None,
        frozenset atomic_types not None,
        tuple container_types not None,
        get_params,
        get_param_names,
        tuple sklearn_clone_funcs not None,
        python_clone,
        python_clone_parametrized,
        not_an_estimator_error,
        modified_parameter_error,
    ):
        self.param_names_cache = param_names_cache
        self.param_names = param_names
        self.signature_attributes = signature_attributes
        self.atomic_types = atomic_types
        self.container_types = container_types
        self.get_params = get_params
        self.get_param_names = get_param_names
        self.sklearn_clone_funcs = sklearn_clone_funcs
        self.python_clone = python_clone
        self.python_clone_parametrized = python_clone_parametrized
        self.not_an_estimator_error = not_an_estimator_error
        self.modified_parameter_error = modified_parameter_error


# ---------------------------------------------------------------------------
# Attribute probes.

cdef inline object _probe(object obj, str name):
    """``getattr(obj, name)``, or ``_ABSENT`` where ``hasattr`` is False.

    ``getattr`` with a default is ``hasattr``'s own look-up: a miss on an
    object with generic attribute access raises nothing, and any error other
    than AttributeError propagates, as from ``hasattr``.
    """
    return getattr(obj, name, _ABSENT)


cdef inline bint _isclass(object obj) except -1:
    """``inspect.isclass(obj)``: ``isinstance(obj, type)``, which honours ``__class__``."""
    return PyObject_IsInstance(obj, _type)


cdef inline bint _is_bound_to(object method, object owner, tuple funcs) except -1:
    """Whether ``method`` is one of ``funcs`` bound to ``owner``.

    Compared by identity, so that nothing user-defined is hashed or compared.
    """
    cdef object func
    if not PyMethod_Check(method) or PyMethod_GET_SELF(method) is not <PyObject*>owner:
        return False
    func = <object>PyMethod_GET_FUNCTION(method)
    for known in funcs:
        if known is func:
            return True
    return False


# ---------------------------------------------------------------------------
# Parameter names: sklearn.base's cache, read without calling into Python.

cdef inline bint _names_from_attributes(dict attributes, tuple names) except -1:
    """Whether a function carries an attribute ``inspect.signature`` reads first."""
    for name in names:
        if name in attributes:
            return True
    return False


cdef tuple _names_of(object cls, CloneContext ctx):
    """The parameter names of ``cls``, as ``_param_names_tuple(cls)`` gives them.

    The cache entry of ``cls.__init__`` is used when valid, with the checks
    ``_param_names_tuple`` makes; otherwise that function is called.
    """
    cdef PyObject* found = NULL
    cdef object init = getattr(cls, _S_INIT)
    cdef object entry
    cdef object referent
    if PyFunction_Check(init):
        attributes = PyObject_GenericGetDict(init, NULL)
        if type(attributes) is dict and (
            not attributes
            or not _names_from_attributes(attributes, ctx.signature_attributes)
        ):
            key = PyLong_FromVoidPtr(<void*>init)
            if clone_dict_get_ref(ctx.param_names_cache, key, &found) == 1:
                entry = <object>found
                Py_DECREF(entry)
                if (
                    type(entry) is tuple
                    and len(<tuple>entry) == 3
                    and clone_weakref_get_ref((<tuple>entry)[0], &found) == 1
                ):
                    referent = <object>found
                    Py_DECREF(referent)
                    if (
                        referent is init
                        and (<tuple>entry)[1] is getattr(init, _S_CODE)
                        and type((<tuple>entry)[2]) is tuple
                    ):
                        return (<tuple>entry)[2]
    return ctx.param_names(cls, init)


# ---------------------------------------------------------------------------
# get_params(deep=False), inlined where it provably is BaseEstimator's.

cdef object _shallow_params(object obj, CloneContext ctx):
    """``obj.get_params(deep=False)``.

    Returns a dict, or, when ``BaseEstimator.get_params`` and
    ``_get_param_names`` provably run, a tuple ``(names, values)``: the
    cached names and a new list of the values, read with ``getattr`` in
    order, as ``get_params`` reads them.
    """
    method = getattr(obj, _S_GET_PARAMS)
    if (
        not PyMethod_Check(method)
        or PyMethod_GET_SELF(method) is not <PyObject*>obj
        or <object>PyMethod_GET_FUNCTION(method) is not ctx.get_params
    ):
        return PyObject_Call(method, _EMPTY, _DEEP_FALSE)
    names_method = getattr(obj, _S_GET_PARAM_NAMES)
    owner = type(obj)
    if (
        not PyMethod_Check(names_method)
        or PyMethod_GET_SELF(names_method) is not <PyObject*>owner
        or <object>PyMethod_GET_FUNCTION(names_method) is not ctx.get_param_names
    ):
        # Any other _get_param_names: get_params' own loop, over its result
        # (through its iterator, as there).
        out = {}
        for key in iter(names_method()):
            out[key] = getattr(obj, key)
        return out
    names = _names_of(<object>PyMethod_GET_SELF(names_method), ctx)
    return (names, [getattr(obj, name) for name in names])


# ---------------------------------------------------------------------------
# Values that deepcopy would return unchanged.

cdef inline bint _is_atomic(object obj, object t, CloneContext ctx) except -1:
    """Whether ``clone(obj, safe=False)`` is ``obj`` itself (``t`` is its type)."""
    if obj is None or t is int or t is float or t is str or t is bool:
        return True
    # Exact builtin types only: a metaclass could define __hash__ / __eq__.
    if type(t) is _type and t in ctx.atomic_types:
        return True
    if t is _FunctionType:
        # A plain function is deep-copied as itself, unless it carries an
        # attribute that would make clone treat it as an estimator.
        d = PyObject_GenericGetDict(obj, NULL)
        return not d or (_S_SKLEARN_CLONE not in d and _S_GET_PARAMS not in d)
    return False


cdef object _deepcopy_output_config(object value, CloneContext ctx):
    """``copy.deepcopy(value)``: a dict copy for a dict of atoms."""
    if type(value) is dict:
        copied = PyDict_Copy(value)
        # The copy is this function's alone: inspecting it needs no care.
        for k, v in (<dict>copied).items():
            if not _is_atomic(k, type(k), ctx) or not _is_atomic(v, type(v), ctx):
                return _deepcopy(value)
        return copied
    return _deepcopy(value)


# ---------------------------------------------------------------------------
# Values of fixed types (numpy scalars and arrays, most C types): clone(x,
# safe=False) is deepcopy(x), decided once per type.

# type -> whether its instances are "fixed leaves": a static, immutable type
# (its attributes can never change) with generic attribute access, no
# instance __dict__, not a class, not a container, and with neither
# __sklearn_clone__ nor get_params. For those, every probe clone makes has
# an answer fixed by the type: it deep-copies them. Static types are never
# freed, so the dict never holds a dead key.
cdef dict _FIXED_LEAVES = {}


cdef bint _is_fixed_leaf(object t) except -1:
    """Whether ``clone(x, safe=False)`` is ``copy.deepcopy(x)`` for every ``x`` of type ``t``."""
    cdef PyObject* found = NULL
    if type(t) is not _type:  # hashing a class must not run user code
        return False
    if clone_dict_get_ref(_FIXED_LEAVES, t, &found) == 1:
        verdict = <object>found
        Py_DECREF(verdict)
        return verdict is True
    if not clone_is_fixed_type(t):
        return False
    verdict = (
        t.__dictoffset__ == 0
        and not issubclass(t, _type)
        and not any([t is c for c in (dict, list, tuple, set, frozenset)])
        and getattr(t, _S_SKLEARN_CLONE, _ABSENT) is _ABSENT
        and getattr(t, _S_GET_PARAMS, _ABSENT) is _ABSENT
    )
    _FIXED_LEAVES[t] = verdict
    return verdict


# ---------------------------------------------------------------------------
# The stack guard: no fixed budget, no C-level state.

# Below ``soft`` the recursion hands the subtree to the pure-Python default
# (whose Python-to-Python calls use no C stack); below ``hard`` there is not
# even room for that, and RecursionError is raised.
cdef struct _Guard:
    char* soft
    char* hard

# C levels per entry before the pure-Python default takes over: CPython 3.12+
# counts C recursion against a fixed limit of its own, which a deep tree
# must not exhaust.
cdef enum:
    _MAX_DEPTH = 200

# Where the platform cannot tell the stack's bounds: budgets from the entry.
cdef enum:
    _UNKNOWN_SOFT = 64 * 1024
    _UNKNOWN_HARD = 96 * 1024
    _MAX_MARGIN = 1024 * 1024

# Per thread: (low, high) addresses of its stack, as Python ints. Python
# state, so that threads (and free-threaded builds) need no C-level care.
cdef object _STACK = threading.local()


cdef int _guard_init(_Guard* g) except -1:
    """Set the stack limits of one call of :func:`clone` from where it runs."""
    cdef char* here = clone_stack_pointer()
    cdef char* low = NULL
    cdef char* high = NULL
    cdef size_t margin
    bounds = getattr(_STACK, "bounds", None)
    if bounds is not None:
        low = <char*>PyLong_AsVoidPtr((<tuple>bounds)[0])
        high = <char*>PyLong_AsVoidPtr((<tuple>bounds)[1])
    if bounds is None or not (low < here <= high):
        if clone_stack_bounds(&low, &high) and low < here <= high:
            _STACK.bounds = (PyLong_FromVoidPtr(low), PyLong_FromVoidPtr(high))
        else:
            g.soft = here - _UNKNOWN_SOFT if <size_t>here > _UNKNOWN_HARD else here
            g.hard = here - _UNKNOWN_HARD if <size_t>here > _UNKNOWN_HARD else here
            return 0
    # Half the stack for our C frames, at most a MiB kept for what runs
    # below them; a quarter of that kept as the last reserve.
    margin = <size_t>(high - low) // 2
    if margin > _MAX_MARGIN:
        margin = _MAX_MARGIN
    g.soft = low + margin
    g.hard = low + margin // 4
    if here < g.hard:
        raise RecursionError("maximum recursion depth exceeded while cloning")
    return 0


cdef inline bint _too_deep(_Guard* g, int depth) except -1:
    """Whether to hand the subtree to the pure-Python default."""
    return depth >= _MAX_DEPTH or clone_stack_pointer() < g.soft


cdef inline int _enter() except -1:
    """``Py_EnterRecursiveCall``, which returns non-zero (not always -1) on error."""
    if Py_EnterRecursiveCall(" while cloning"):
        return -1
    return 0


# ---------------------------------------------------------------------------
# The recursion.

cdef object _clone_container(
    object estimator, object t, bint safe, _Guard* g, CloneContext ctx, int depth
):
    """Clone a list, tuple, set, frozenset or dict entry by entry.

    Every container is complete at every moment (items appended to a list
    nobody else has, a tuple made from it at the end), so that code run by
    a constructor midway never meets a half-built object.
    """
    cdef Py_ssize_t i = 0
    cdef list cloned
    cdef PyObject* item = NULL
    if t is dict:
        result = {}
        # The dict's own iterator, as the comprehension's: a change of its
        # keys midway raises the same RuntimeError.
        it = iter(estimator.items())
        k = None
        try:
            for k, v in it:
                result[k] = _clone(v, safe, g, ctx, depth)
        except Exception as exc:
            annotate(exc, k)
            raise
        return result
    cloned = []
    if t is list:
        # A list's iteration reads its length at every step. Each item is
        # read with a reference of its own: without the GIL another thread
        # may shrink the list, or replace an item and free it, meanwhile.
        try:
            while clone_list_get_ref(estimator, i, &item) == 1:
                entry = <object>item
                Py_DECREF(entry)
                cloned.append(_clone(entry, safe, g, ctx, depth))
                i += 1
        except Exception as exc:
            annotate_entry(exc, estimator, i)
            raise
        return cloned
    try:
        for e in estimator:
            cloned.append(_clone(e, safe, g, ctx, depth))
            i += 1
    except Exception as exc:
        annotate_entry(exc, estimator, i)
        raise
    if t is tuple:
        return tuple(cloned)
    return t(cloned)


cdef object _clone(object estimator, bint safe, _Guard* g, CloneContext ctx, int depth):
    """``clone(estimator, safe=safe)``."""
    cdef object t = type(estimator)
    if not safe:
        if _is_atomic(estimator, t, ctx):
            return estimator
        if _is_fixed_leaf(t):
            try:
                return _deepcopy(estimator)
            except Exception as exc:
                mark_uncopyable(exc)
                raise
    if _too_deep(g, depth):
        return ctx.python_clone(estimator, safe=safe)
    _enter()
    try:
        if t is dict or t is list or t is tuple or t is set or t is frozenset:
            return _clone_container(estimator, t, safe, g, ctx, depth + 1)
        if _probe(estimator, _S_SKLEARN_CLONE) is not _ABSENT and not _isclass(estimator):
            method = getattr(estimator, _S_SKLEARN_CLONE)
            if _is_bound_to(method, estimator, ctx.sklearn_clone_funcs):
                return _clone_parametrized(estimator, True, g, ctx, depth + 1)
            return method()
        return _clone_parametrized(estimator, safe, g, ctx, depth + 1)
    finally:
        Py_LeaveRecursiveCall()


cdef object _clone_parametrized(
    object estimator, bint safe, _Guard* g, CloneContext ctx, int depth
):
    """``_clone_parametrized(estimator, safe=safe)``."""
    cdef object t = type(estimator)
    cdef Py_ssize_t i, n = 0
    cdef tuple names = None
    cdef list values = None
    if t is dict or t is list or t is tuple or t is set or t is frozenset:
        return _clone_container(estimator, t, safe, g, ctx, depth)
    # ``estimator_type in (list, tuple, set, frozenset)`` compares the class
    # with each: a metaclass's __eq__ runs, and may say yes.
    if type(t) is not _type and PySequence_Contains(ctx.container_types, t):
        return _clone_container(estimator, t, safe, g, ctx, depth)
    if _probe(estimator, _S_GET_PARAMS) is _ABSENT or _isclass(estimator):
        if not safe:
            try:
                return _deepcopy(estimator)
            except Exception as exc:
                mark_uncopyable(exc)
                raise
        raise mark_constructor(ctx.not_an_estimator_error(estimator))

    klass = estimator.__class__
    shallow = _shallow_params(estimator, ctx)
    if type(shallow) is tuple:
        # BaseEstimator.get_params provably ran: clone the values in place,
        # then make the keyword dict it would have made.
        names = <tuple>(<tuple>shallow)[0]
        values = <list>(<tuple>shallow)[1]
        n = len(names)
        for i in range(n):
            try:
                values[i] = _clone(values[i], False, g, ctx, depth)
            except Exception as exc:
                annotate_parameter(exc, estimator, names[i])
                raise
        new_object_params = {}
        for i in range(n):
            (<dict>new_object_params)[names[i]] = values[i]
    else:
        new_object_params = shallow
        for name, param in new_object_params.items():
            try:
                new_object_params[name] = _clone(param, False, g, ctx, depth)
            except Exception as exc:
                annotate_parameter(exc, estimator, name)
                raise

    new_object = klass(**new_object_params)
    value = _probe(estimator, _S_METADATA)
    if value is not _ABSENT:
        try:
            new_object._metadata_request = _clone(value, True, g, ctx, depth)
        except AttributeError:
            pass

    params_set = _shallow_params(new_object, ctx)

    if _probe(estimator, _S_CALLBACKS) is not _ABSENT:
        # Callbacks are designed to be shared by every clone of an estimator.
        new_object._skl_callbacks = estimator._skl_callbacks

    # quick sanity check of the parameters of the clone
    if (
        type(params_set) is tuple
        and type(shallow) is tuple
        and (<tuple>params_set)[0] is (<tuple>shallow)[0]
    ):
        # Same class, same cached names: both dicts would hold the same keys
        # in the same order, so compare position by position.
        set_values = (<tuple>params_set)[1]
        for i in range(n):
            if values[i] is not (<list>set_values)[i]:
                raise mark_constructor(ctx.modified_parameter_error(estimator, names[i]))
    else:
        if type(params_set) is tuple:
            set_names = (<tuple>params_set)[0]
            set_values = (<tuple>params_set)[1]
            params_set = {}
            for i in range(len(<tuple>set_names)):
                params_set[(<tuple>set_names)[i]] = (<list>set_values)[i]
        for name in new_object_params:
            if new_object_params[name] is not params_set[name]:
                raise mark_constructor(ctx.modified_parameter_error(estimator, name))

    # _sklearn_output_config is used by `set_output` to configure the output
    # container of an estimator.
    if _probe(estimator, _S_OUTPUT) is not _ABSENT:
        new_object._sklearn_output_config = _deepcopy_output_config(
            estimator._sklearn_output_config, ctx
        )
    return new_object


# ---------------------------------------------------------------------------
# Entry points, called by sklearn/base.py.

def clone(estimator, bint safe, CloneContext context not None):
    """Construct a new unfitted estimator with the same parameters.

    The work of :func:`sklearn.base.clone`, which calls it: see there.

    Parameters
    ----------
    estimator : {list, tuple, set} of estimator instance or a single \
            estimator instance
        The estimator or group of estimators to be cloned.
    safe : bool
        If safe is False, clone will fall back to a deep copy on objects
        that are not estimators.
    context : CloneContext
        What the clone needs from :mod:`sklearn.base`.

    Returns
    -------
    estimator : object
        The deep copy of the input, an estimator if input is an estimator.
    """
    cdef _Guard g
    _guard_init(&g)
    return _clone(estimator, safe, &g, context, 0)


def clone_parametrized(estimator, bint safe, CloneContext context not None):
    """Clone an estimator from its parameters, ignoring ``__sklearn_clone__``.

    The work of :func:`sklearn.base._clone_parametrized`, which calls it.

    Parameters
    ----------
    estimator : {list, tuple, set, frozenset, dict} of estimator instance or \
            a single estimator instance
        The estimator or group of estimators to be cloned.
    safe : bool
        If safe is False, fall back to a deep copy on objects that are not
        estimators.
    context : CloneContext
        What the clone needs from :mod:`sklearn.base`.

    Returns
    -------
    estimator : object
        The new, unfitted estimator (or container, or deep copy).
    """
    cdef _Guard g
    _guard_init(&g)
    if _too_deep(&g, 0):
        return context.python_clone_parametrized(estimator, safe=safe)
    _enter()
    try:
        return _clone_parametrized(estimator, safe, &g, context, 0)
    finally:
        Py_LeaveRecursiveCall()
