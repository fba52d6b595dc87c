# SPDX-License-Identifier: BSD-3-Clause
"""Compiled implementation of SLEP017's clone: same names, same behaviour.

Mirrors ``_clone_py`` function for function, step for step: every attribute
the reference reads is read here too, at the same moment, through the same
attribute protocol, so that a class may change anything between two clones
(or during one) and both implementations see it alike. What the two share
(the parameter-name cache, the type sets, upstream's messages, the metadata
carry) is in ``_clone_kernel``; the reference is reached only to hand it a
subtree too deep for this recursion.

Per class, facts that let a node skip reads upstream makes are kept only
while CPython's own change notifications (type watchers on 3.12+, version
tags on 3.11) say the class is unchanged, and checked again for what no
notification covers; see "Per-class facts" below.

The speed comes from doing in C what the reference does in Python: atoms
are returned without ``copy.deepcopy``, containers are walked here, the
default ``get_params(deep=False)`` / ``_get_param_names`` are recognised by
the identity of the functions an instance really resolves to and then
inlined (cached names, one ``getattr`` per parameter), and the probes for
metadata requests, output configuration and callbacks cost no exception
when the attribute is absent.

Only public CPython API is used (``_clone_capi.h`` holds the shims for
older Pythons); the module keeps no mutable C-level state. The recursion
never trusts a fixed stack budget: it hands a subtree to the reference
when it is deep, or when the running thread's real stack (asked of the
platform) is half used; see ``docs/compiled_core.rst``.

Why one module of some 1,600 lines: a node's path (the recursion, the
facts and their guards, the inlined ``get_params`` of each family) calls
``cdef`` functions that Cython can call directly, and inline, only inside
one module; split across extension modules, every such call would go
through a function-pointer table or a Python call, on every node. The
sections below are the rooms a split would make.
"""

import atexit
import builtins
import copy
import sys
import threading
import types
import weakref

from cpython.object cimport PyObject, Py_TYPE
from cpython.ref cimport Py_DECREF, Py_INCREF, Py_XDECREF

from . import _clone_kernel, _clone_py, _compat, _families
from ._diagnostics import (
    annotate,
    annotate_entry,
    annotate_parameter,
    mark_constructor,
    mark_uncopyable,
)

__all__ = ["clone", "clone_parametrized", "get_param_names", "sklearn_clone"]


cdef extern from "Python.h":
    int Py_EnterRecursiveCall(const char* where) except? -1
    void Py_LeaveRecursiveCall()
    bint PyMethod_Check(object op)
    PyObject* PyMethod_GET_FUNCTION(object op)
    PyObject* PyMethod_GET_SELF(object op)
    bint PyFunction_Check(object op)
    PyObject* PyFunction_GetCode(object op) except NULL
    object PyObject_GenericGetDict(object obj, void* context)
    object PyLong_FromVoidPtr(void* p)
    void* PyLong_AsVoidPtr(object p) except? NULL
    object PyObject_Call(object callable, object args, object kwargs)
    object PyObject_Vectorcall(object callable, PyObject** args, size_t nargsf, PyObject* kwnames)
    int PyObject_IsInstance(object inst, object cls) except -1
    object PyDict_Copy(object d)
    PyObject* PyFunction_GetGlobals(object op)
    int PySequence_Contains(object seq, object value) except -1


cdef extern from "_clone_capi.h":
    int clone_dict_get_ref(object d, object key, PyObject** result) except -1
    int clone_weakref_get_ref(object ref, PyObject** result) except -1
    int clone_list_get_ref(object lst, Py_ssize_t i, PyObject** result) except -1
    object clone_function_defaults(object func)
    bint clone_has_generic_getattr(object obj)
    int clone_is_fixed_type(object type) except -1
    bint clone_is_heap_type(object type)
    char* clone_stack_pointer()
    int clone_stack_bounds(char** low, char** high)


# Read once at import; every name below refers to an immutable object or to
# a Python object that does its own locking (dicts, sets).
cdef object _getattr = builtins.getattr
cdef object _deepcopy = copy.deepcopy
cdef dict _COPY_GLOBALS = vars(copy)
cdef object _FunctionType = types.FunctionType
cdef object _type = type
cdef object _ABSENT = object()
cdef object _PARAM_NAMES = _clone_kernel.PARAM_NAMES_CACHE
cdef object _param_names_slow = _clone_kernel.param_names
cdef tuple _SIGNATURE_ATTRIBUTES = _clone_kernel.SIGNATURE_ATTRIBUTES
cdef frozenset _ATOMIC_TYPES = _clone_kernel.ATOMIC_TYPES
cdef tuple _CONTAINER_TYPES = _clone_kernel.CONTAINER_TYPES
cdef object _call_with = _clone_kernel.call_with
cdef object _not_an_estimator_error = _clone_kernel.not_an_estimator_error
cdef object _modified_parameter_error = _clone_kernel.modified_parameter_error
cdef object _carry_metadata_request = _clone_kernel.carry_metadata_request
cdef object _known_get_params = _compat.known_get_params
cdef object _known_skbase = _families.known_skbase
# The lists those two functions fill once (never emptied): read directly.
cdef list _KNOWN_GET_PARAMS_LIST = _compat._KNOWN_GET_PARAMS
cdef list _SKBASE_VERDICT = _families._SKBASE
cdef str _SKBASE_MODULE = _families.SKBASE_MODULE
cdef list _SKTIME_META_VERDICT = _families._SKTIME_META
cdef str _SKTIME_META_MODULE = _families.SKTIME_META_MODULE
cdef object _known_sktime_meta = _families.known_sktime_meta
cdef object _super = builtins.super
cdef object _MODULES = sys.modules
cdef object _sorted = builtins.sorted
# The one arrow to the sibling: a subtree too deep for this recursion is
# handed to the reference (where _too_deep says so).
cdef object _py_clone = _clone_py.clone
cdef object _py_clone_parametrized = _clone_py.clone_parametrized
cdef object _UPSTREAM_GET_PARAMS = _compat.UPSTREAM_GET_PARAMS
# Filled as tuples at the end of this module, once both implementations
# have added their functions to _compat's sets (nothing adds to them later):
# a tuple is walked by identity without making an iterator.
cdef tuple _DEFAULT_SKLEARN_CLONE_FUNCS = ()
cdef tuple _DEFAULT_GET_PARAM_NAMES_FUNCS = ()

cdef str _METADATA_MODE = _compat.METADATA_REQUEST_COPY or ""
cdef bint _HAS_CALLBACKS = _compat.HAS_CALLBACKS
cdef bint _HAS_OUTPUT_CONFIG = _compat.HAS_OUTPUT_CONFIG
cdef bint _CLONES_DICT = _compat.CLONES_DICT_VALUES

cdef str _S_SKLEARN_CLONE = "__sklearn_clone__"
cdef str _S_GET_PARAMS = "get_params"
cdef str _S_GET_PARAMS_PRIVATE = "_get_params"
cdef str _S_GET_PARAM_NAMES = "_get_param_names"
cdef str _S_METADATA = "_metadata_request"
cdef str _S_OUTPUT = "_sklearn_output_config"
cdef str _S_CALLBACKS = "_skl_callbacks"
cdef str _S_INIT = "__init__"
cdef str _S_GET_PARAM_NAMES_SKBASE = "get_param_names"
cdef str _S_INIT_SIGNATURE = "_get_init_signature"
cdef str _S_BUILTINS = "__builtins__"
cdef str _S_GETATTR = "getattr"
cdef str _S_SORTED = "sorted"
cdef str _S_SUPER = "super"
cdef str _S_STEPS_ATTR = "_steps_attr"

# The builtins the recognised functions read, as they were at import.
cdef dict _BUILTINS = {
    "dict": dict, "getattr": builtins.getattr, "sorted": builtins.sorted, "super": builtins.super,
}

cdef tuple _EMPTY = ()
cdef dict _DEEP_FALSE = {"deep": False}


# ---------------------------------------------------------------------------
# Attribute probes.

cdef inline object _probe(object obj, str name):
    """``getattr(obj, name)``, or ``_ABSENT`` where ``hasattr`` is False.

    ``getattr`` with a default is ``hasattr``'s own look-up: a miss on an
    object with generic attribute access raises nothing, and any error other
    than AttributeError propagates, as from ``hasattr``.
    """
    return _getattr(obj, name, _ABSENT)


cdef inline bint _isclass(object obj) except -1:
    # inspect.isclass: isinstance(obj, type), which honours __class__.
    return PyObject_IsInstance(obj, _type)


cdef inline bint _is_bound_to(object method, object owner, tuple funcs) except -1:
    # ``method`` is a bound method of one of ``funcs`` on ``owner``; compared
    # by identity, so that nothing user-defined is hashed or compared.
    cdef object func
    if not PyMethod_Check(method) or PyMethod_GET_SELF(method) is not <PyObject*>owner:
        return False
    func = <object>PyMethod_GET_FUNCTION(method)
    for known in funcs:
        if known is func:
            return _runs_original_code(func)
    return False


cdef inline bint _runs_original_code(object func) except -1:
    # _compat.runs_original_code: a recognised function whose __code__ was
    # replaced is no longer the function it was recognised as.
    if type(func) is not _FunctionType:
        return True
    return <object>PyFunction_GetCode(func) is _ORIGINAL_CODES.get(id(func))


# ---------------------------------------------------------------------------
# Parameter names: the reference's cache, read without calling into Python.

cdef inline bint _names_from_attributes(object attributes) except -1:
    # inspect.signature reads these off a function before its code.
    for name in _SIGNATURE_ATTRIBUTES:
        if name in <dict>attributes:
            return True
    return False


cdef tuple _names_of(object cls):
    """The cached parameter names of ``cls`` as a tuple (the reference's cache)."""
    cdef PyObject* found = NULL
    cdef object init = getattr(cls, _S_INIT)
    cdef object entry
    cdef object referent
    if PyFunction_Check(init):
        attributes = PyObject_GenericGetDict(init, NULL)
        if not attributes or not _names_from_attributes(attributes):
            key = PyLong_FromVoidPtr(<void*>init)
            if clone_dict_get_ref(_PARAM_NAMES, key, &found) == 1:
                entry = <object>found
                Py_DECREF(entry)
                if (
                    type(entry) is tuple
                    and clone_weakref_get_ref((<tuple>entry)[0], &found) == 1
                ):
                    referent = <object>found
                    Py_DECREF(referent)
                    if referent is init and (<tuple>entry)[1] is <object>PyFunction_GetCode(init):
                        return (<tuple>entry)[2]
    return _param_names_slow(cls, init)


def get_param_names(cls):
    return list(_names_of(cls))


# ---------------------------------------------------------------------------
# get_params(deep=False), inlined where it provably is upstream's.

cdef bint _get_params_is_base(object obj, object method) except -1:
    """Whether ``method`` (``obj.get_params``) returns upstream's shallow result.

    ``BaseEstimator.get_params`` itself, or a composition's override whose
    ``deep=False`` result is, by its code, ``BaseEstimator.get_params``'s
    (``_BaseComposition._get_params`` returns ``super().get_params(deep=False)``
    when not deep), checked along the very look-ups those methods make.
    """
    cdef object func
    if not PyMethod_Check(method) or PyMethod_GET_SELF(method) is not <PyObject*>obj:
        return False
    func = <object>PyMethod_GET_FUNCTION(method)
    if func is _UPSTREAM_GET_PARAMS:
        return _upstream_get_params_intact()
    # the computed entry read directly, without a Python call, once it exists
    known = (<list>_KNOWN_GET_PARAMS_LIST)[0] if _KNOWN_GET_PARAMS_LIST else _known_get_params()
    composition, overrides = known
    for override, owner in overrides:
        if override is func:
            break
    else:
        return False
    if not _runs_original_code(func) or (owner is not None and not _super_is(func, owner)):
        return False
    # ``self._get_params`` or ``super(owner, self)._get_params``
    private = getattr(obj if owner is None else super(owner, obj), _S_GET_PARAMS_PRIVATE)
    if not PyMethod_Check(private) or PyMethod_GET_SELF(private) is not <PyObject*>obj:
        return False
    private_func = <object>PyMethod_GET_FUNCTION(private)
    if private_func is not composition.__dict__[_S_GET_PARAMS_PRIVATE]:
        return False
    if not _runs_original_code(private_func) or not _super_is(private_func, composition):
        return False
    # ``super().get_params`` inside ``_BaseComposition._get_params``
    inner = getattr(super(composition, obj), _S_GET_PARAMS)
    return (
        PyMethod_Check(inner)
        and PyMethod_GET_SELF(inner) is <PyObject*>obj
        and <object>PyMethod_GET_FUNCTION(inner) is _UPSTREAM_GET_PARAMS
        and _upstream_get_params_intact()
    )


cdef bint _upstream_get_params_intact() except -1:
    # BaseEstimator.get_params runs its own code, and the globals it reads
    # with deep=False (``dict``, ``getattr``) are the builtins.
    return (
        _runs_original_code(_UPSTREAM_GET_PARAMS)
        and _reads_builtin(_UPSTREAM_GET_PARAMS, "dict")
        and _reads_builtin(_UPSTREAM_GET_PARAMS, _S_GETATTR)
    )


cdef bint _super_is(object func, object owner) except -1:
    # ``super()`` in ``func`` is ``super(owner, self)``: its ``__class__``
    # cell holds ``owner`` and the global ``super`` is the builtin.
    closure = func.__closure__
    return (
        type(closure) is tuple
        and len(<tuple>closure) == 1
        and func.__code__.co_freevars == ("__class__",)
        and clone_cell_get((<tuple>closure)[0]) is owner
        and _reads_builtin(func, _S_SUPER)
    )


# ---------------------------------------------------------------------------
# skbase's BaseObject.get_params(deep=False), computed where it provably is
# the reviewed code (see _families).

# Parameter names in signature order (a tuple of exact str) -> the same
# names sorted, one tuple per distinct signature: sorting strings is pure,
# and handing out the same tuple lets the read-back compare by position.
cdef dict _SKBASE_SORTED = {}


cdef inline bint _reads_builtin(object func, str name) except -1:
    # The global ``name`` (``getattr``, ``sorted`` or ``super``), read by ``func``'s
    # code, resolves to the builtin as it was when this module was imported
    # (the one the inlined code uses).
    module_globals = <object>PyFunction_GetGlobals(func)
    if type(module_globals) is not dict or name in <dict>module_globals:
        return False
    func_builtins = getattr(func, _S_BUILTINS)
    if type(func_builtins) is not dict:
        return False
    return (<dict>func_builtins).get(name) is _BUILTINS[name]


cdef bint _is_skbase_get_params(object obj, object method) except -1:
    """Whether ``method`` is skbase's reviewed ``get_params`` bound to ``obj``."""
    if not PyMethod_Check(method) or PyMethod_GET_SELF(method) is not <PyObject*>obj:
        return False
    if _SKBASE_VERDICT:
        known = (<list>_SKBASE_VERDICT)[0]
    elif type(_MODULES) is dict and _SKBASE_MODULE not in <dict>_MODULES:
        # skbase not imported: no object can be one of its (were sys.modules
        # replaced, skbase's objects would only be cloned the general way)
        return False
    else:
        known = _known_skbase()
    if known is None:
        return False
    func = <object>PyMethod_GET_FUNCTION(method)
    return (
        func is (<tuple>known)[0]
        and <object>PyFunction_GetCode(func) is (<tuple>known)[1]
        and _reads_builtin(func, _S_GETATTR)
    )


cdef object _skbase_names_owner(object names_method):
    """The class whose ``_get_init_signature`` skbase's ``get_param_names``
    would call, or None when ``names_method`` (``self.get_param_names``) is
    not provably the reviewed classmethod with ``sort=True``."""
    if not PyMethod_Check(names_method) or not _SKBASE_VERDICT:
        return None
    known = (<list>_SKBASE_VERDICT)[0]
    names_func = <object>PyMethod_GET_FUNCTION(names_method)
    if (
        names_func is not (<tuple>known)[2]
        or <object>PyFunction_GetCode(names_func) is not (<tuple>known)[3]
    ):
        return None
    defaults = clone_function_defaults(names_func)
    if (
        type(defaults) is not tuple
        or len(<tuple>defaults) != 1
        or (<tuple>defaults)[0] is not True
    ):
        return None
    if not _reads_builtin(names_func, _S_SORTED):
        return None
    return <object>PyMethod_GET_SELF(names_method)


cdef object _skbase_shallow(object obj):
    """skbase's ``get_params(deep=False)`` for ``obj``, its code verified:
    ``{key: getattr(self, key) for key in self.get_param_names()}``."""
    cdef PyObject* found = NULL
    names_method = getattr(obj, _S_GET_PARAM_NAMES_SKBASE)
    owner = _skbase_names_owner(names_method)
    if owner is None:
        # Another get_param_names: called, and its result read as the
        # verified get_params reads it (through its iterator: a list another
        # thread shrinks ends the loop, as there).
        return {key: getattr(obj, key) for key in iter(names_method())}
    parameters = getattr(owner, _S_INIT_SIGNATURE)()
    # The reviewed get_param_names: every ``p.name`` read, in order, as
    # there (the list, its Parameter objects and their names are whatever
    # they are now); only the sorting of exact strings is remembered.
    names_list = [p.name for p in parameters]
    for name in names_list:
        if type(name) is not str:
            return {key: getattr(obj, key) for key in _sorted(names_list)}
    unsorted = tuple(names_list)
    if clone_dict_get_ref(_SKBASE_SORTED, unsorted, &found) == 1:
        names = <object>found
        Py_DECREF(names)
    else:
        names = tuple(_sorted(names_list))
        if len(set(names)) != len(names):  # a dict keeps one of each
            return {key: getattr(obj, key) for key in names}
        if len(_SKBASE_SORTED) > 4096:
            _SKBASE_SORTED.clear()
        _SKBASE_SORTED[unsorted] = names
    return (names, [getattr(obj, name) for name in <tuple>names])


cdef object _sktime_meta_known():
    if _SKTIME_META_VERDICT:
        return (<list>_SKTIME_META_VERDICT)[0]
    if type(_MODULES) is dict and _SKTIME_META_MODULE not in <dict>_MODULES:
        return None
    return _known_sktime_meta()


cdef bint _is_sktime_meta_get_params(object obj, object method) except -1:
    """Whether ``method`` is sktime's reviewed composite ``get_params``
    bound to ``obj`` (its code reads no global)."""
    if not PyMethod_Check(method) or PyMethod_GET_SELF(method) is not <PyObject*>obj:
        return False
    known = _sktime_meta_known()
    if known is None:
        return False
    func = <object>PyMethod_GET_FUNCTION(method)
    return func is (<tuple>known)[0] and <object>PyFunction_GetCode(func) is (<tuple>known)[1]


cdef object _sktime_meta_shallow(object obj):
    """sktime's composite ``get_params(deep=False)``, its code verified:
    ``self._get_params(self._steps_attr, deep=False)``, whose deep=False
    path is ``getattr(super(), "get_params")(deep=False)``."""
    known = _sktime_meta_known()
    steps = getattr(obj, _S_STEPS_ATTR)
    private = getattr(obj, _S_GET_PARAMS_PRIVATE)
    verified = False
    if PyMethod_Check(private) and PyMethod_GET_SELF(private) is <PyObject*>obj:
        func = <object>PyMethod_GET_FUNCTION(private)
        if func is (<tuple>known)[2] and <object>PyFunction_GetCode(func) is (<tuple>known)[3]:
            defaults = clone_function_defaults(func)
            closure = func.__closure__
            verified = (
                type(defaults) is tuple
                and len(<tuple>defaults) == 2
                and (<tuple>defaults)[0] is True
                and (<tuple>defaults)[1] is False
                and type(closure) is tuple
                and len(<tuple>closure) == 1
                and (<tuple>closure)[0].cell_contents is (<tuple>known)[4]
                and _reads_builtin(func, _S_GETATTR)
                and _reads_builtin(func, _S_SUPER)
            )
    if not verified:
        # Another _get_params: called as the verified get_params calls it.
        return PyObject_Call(private, (steps,), _DEEP_FALSE)
    inner = getattr(_super((<tuple>known)[4], obj), _S_GET_PARAMS)
    if _is_skbase_get_params(obj, inner):
        return _skbase_shallow(obj)
    return PyObject_Call(inner, _EMPTY, _DEEP_FALSE)


cdef object _shallow_params(object obj):
    """``obj.get_params(deep=False)``: a dict, or a tuple of names whose values
    follow in the returned list when upstream's (or a recognised family's)
    code provably ran."""
    method = getattr(obj, _S_GET_PARAMS)
    if not _get_params_is_base(obj, method):
        if _is_skbase_get_params(obj, method):
            return _skbase_shallow(obj)
        if _is_sktime_meta_get_params(obj, method):
            return _sktime_meta_shallow(obj)
        return PyObject_Call(method, _EMPTY, _DEEP_FALSE)
    names_method = getattr(obj, _S_GET_PARAM_NAMES)
    if not _is_bound_to(names_method, type(obj), _DEFAULT_GET_PARAM_NAMES_FUNCS):
        # Any other _get_param_names: get_params' own loop, over its result
        # (through its iterator, as there).
        out = {}
        for key in iter(names_method()):
            out[key] = getattr(obj, key)
        return out
    names = _names_of(<object>PyMethod_GET_SELF(names_method))
    return (names, [getattr(obj, name) for name in names])


# ---------------------------------------------------------------------------
# Values that deepcopy would return unchanged.

cdef inline bint _is_atomic(object obj, object t) except -1:
    if (
        obj is None
        or t is int
        or t is float
        or t is str
        or t is bool
    ):
        return True
    # Exact builtin types only: a metaclass could define __hash__ / __eq__.
    # Every atomic type is static: a class made at run time (an estimator)
    # is not looked up.
    if type(t) is _type and not clone_is_heap_type(t) and t in _ATOMIC_TYPES:
        return True
    if t is _FunctionType:
        # A plain function is deep-copied as itself, unless it carries an
        # attribute that would make clone treat it as an estimator.
        d = PyObject_GenericGetDict(obj, NULL)
        return not d or (_S_SKLEARN_CLONE not in d and _S_GET_PARAMS not in d)
    return False


cdef object _deepcopy_output_config(object value):
    # deepcopy of an exact dict of atoms (set_output's config) is a dict
    # copy. The copy is ours alone, so inspecting it needs no care.
    if type(value) is dict:
        copied = PyDict_Copy(value)
        for k, v in (<dict>copied).items():
            if not _is_atomic(k, type(k)) or not _is_atomic(v, type(v)):
                return _deepcopy(value)
        return copied
    return _deepcopy(value)


# ---------------------------------------------------------------------------
# Values of fixed types (numpy scalars and arrays, most C types): clone(x,
# safe=False) is deepcopy(x), decided once per type.

# type -> False, or for "fixed leaves" what deep-copies them: a static,
# immutable type (its attributes, and its bases', can never change) with
# generic attribute access, no instance __dict__, not a class, not a
# container, and with neither __sklearn_clone__ nor get_params. For those,
# every probe upstream's clone makes has an answer fixed by the type: it
# deep-copies them. The value is the type's ``__deepcopy__`` when that is a
# method descriptor (numpy's scalars and arrays), which ``x.__deepcopy__(memo)``
# would bind and call: called unbound, ``descr(x, memo)``, the same C function
# runs on the same arguments; True for any other fixed type. Static types
# are never freed, so the dict never holds a dead key.
cdef dict _FIXED_LEAVES = {}
cdef object _MethodDescriptorType = types.MethodDescriptorType
cdef str _S_DEEPCOPY = "__deepcopy__"


cdef object _fixed_deepcopier(object t):
    # The first ``__deepcopy__`` along the MRO, as a generic getattr on an
    # instance without __dict__ finds it (the MRO of a static type holds only
    # static types, whose dicts are read-only).
    for base in t.__mro__:
        found = base.__dict__.get(_S_DEEPCOPY, _ABSENT)
        if found is not _ABSENT:
            return found if type(found) is _MethodDescriptorType else True
    return True


cdef object _fixed_leaf(object t):
    """What deep-copies instances of ``t`` if it is a fixed type, else False."""
    cdef PyObject* found = NULL
    if type(t) is not _type:  # hashing a class must not run user code
        return False
    if clone_is_heap_type(t):  # never fixed (clone_is_fixed_type)
        return False
    if clone_dict_get_ref(_FIXED_LEAVES, t, &found) == 1:
        verdict = <object>found
        Py_DECREF(verdict)
        return verdict
    if not clone_is_fixed_type(t):
        return False
    fixed = (
        t.__dictoffset__ == 0
        and not issubclass(t, _type)
        and not any([t is c for c in (dict, list, tuple, set, frozenset)])
        and _getattr(t, _S_SKLEARN_CLONE, _ABSENT) is _ABSENT
        and _getattr(t, _S_GET_PARAMS, _ABSENT) is _ABSENT
    )
    verdict = _fixed_deepcopier(t) if fixed else False
    _FIXED_LEAVES[t] = verdict
    return verdict


cdef object _deepcopy_fixed_leaf(object x, object t, object copier):
    # copy.deepcopy(x) with a fresh memo, step for step (CPython 3.10-3.13),
    # without its Python frame: the dispatch table, read live, then the
    # instance's __deepcopy__; anything else goes to deepcopy itself.
    memo = {}
    dispatch = _COPY_GLOBALS.get("_deepcopy_dispatch")
    if type(dispatch) is not dict:
        return _deepcopy(x)
    found = (<dict>dispatch).get(t)
    if found is not None:
        return found(x, memo)
    if copier is not True:
        return copier(x, memo)
    found = _getattr(x, _S_DEEPCOPY, None)
    if found is not None:
        return found(memo)
    return _deepcopy(x)


# ---------------------------------------------------------------------------
# The stack guard: no fixed budget, no C-level state.

# Classes whose facts one call keeps at hand (a power of two).
cdef enum:
    _SEEN = 8


# Below ``soft`` the recursion hands the subtree to the reference (whose
# Python-to-Python calls use no C stack from CPython 3.11); below ``hard``
# there is not even room for that, and RecursionError is raised.
cdef struct _Guard:
    char* soft
    char* hard
    # The facts last used for a few classes during this call (strong
    # references to the facts, released by _guard_release; the class is
    # only compared by address: a dead class's facts are invalid, _Forget).
    void* seen_type[_SEEN]
    PyObject* seen_facts[_SEEN]

# C levels per entry before the reference takes over: CPython 3.12+ counts C
# recursion against a fixed limit of its own (Py_C_RECURSION_LIMIT), which a
# deep tree must not exhaust.
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

# From CPython 3.11 a Python-to-Python call uses no C stack: the reference
# can take a deep subtree over. Before, it cannot (see _too_deep).
cdef bint _HANDS_OFF = sys.version_info >= (3, 11)


cdef int _guard_init(_Guard* g) except -1:
    cdef char* here = clone_stack_pointer()
    cdef char* low = NULL
    cdef char* high = NULL
    cdef size_t margin
    cdef int i
    for i in range(_SEEN):
        g.seen_type[i] = NULL
        g.seen_facts[i] = NULL
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


cdef void _guard_release(_Guard* g) noexcept:
    cdef int i
    cdef PyObject* facts
    for i in range(_SEEN):
        facts = g.seen_facts[i]
        g.seen_facts[i] = NULL
        g.seen_type[i] = NULL
        Py_XDECREF(facts)


cdef inline bint _too_deep(_Guard* g, int depth) except -1:
    if depth < _MAX_DEPTH and clone_stack_pointer() >= g.soft:
        return False
    if not _HANDS_OFF:
        # Before CPython 3.11 the reference's Python-to-Python calls use the
        # C stack as well: handing it the subtree would move the overflow,
        # not avoid it. Stop here, cleanly, where the stack is known.
        if clone_stack_pointer() < g.soft:
            raise RecursionError("maximum recursion depth exceeded while cloning")
        return False
    return True


cdef inline int _enter() except -1:
    # Py_EnterRecursiveCall returns non-zero (not always -1) on error.
    if Py_EnterRecursiveCall(" while cloning"):
        return -1
    return 0


# ---------------------------------------------------------------------------
# Per-class facts, kept exact by CPython's own change notifications.
#
# For the class ``t`` of an estimator, the facts say what every read upstream's
# clone makes of an instance resolves to, as long as the instance's own
# ``__dict__`` does not shadow it: ``__sklearn_clone__`` and ``get_params``
# (and, through it, ``_get_param_names``) are the default functions, with
# their original code; ``__class__`` is object's; no class attribute is named
# like a parameter or like the attributes clone probes (``_metadata_request``,
# ``_sklearn_output_config``, ``_skl_callbacks``); the parameter names, read
# through the shared names cache. With them, a node costs a look-up of each
# of those names in the instance's ``__dict__`` (what the generic attribute
# look-up ends in, without a bound method per read) and the constructor.
#
# They stand only while CPython says that neither ``t`` (with its bases) nor
# its metaclass has changed (_clone_capi.h: type watchers from 3.12, version
# tags on 3.11, none on 3.10). What a type notification does not cover is
# checked on every node (_guards_hold): the code of the functions recognised
# by identity, the ``__init__``'s code and attribute dict, the globals those
# functions read, the ``__class__`` cells behind their ``super()``. Every
# check is made again after user code ran in the middle of a node (the
# parameters' clones, the constructor), before a fact is used again.

cdef extern from "_clone_capi.h":
    int CLONE_FACTS_MODE
    unsigned int clone_type_tag(object type)
    ctypedef int (*clone_type_callback)(PyTypeObject*) noexcept
    int clone_type_add_watcher(clone_type_callback callback) except? -1
    int clone_type_watch(int watcher, object type) except -1
    int clone_type_clear_watcher(int watcher) except -1
    ctypedef int (*clone_dict_callback)(int, PyObject*, PyObject*, PyObject*) noexcept
    int clone_dict_add_watcher(clone_dict_callback callback) except? -1
    int clone_dict_watch(int watcher, object d) except -1
    int clone_dict_clear_watcher(int watcher) except -1
    int clone_flag_load(int* flag)
    void clone_flag_store(int* flag, int value)
    bint clone_is_plain_metaclass(object meta)
    bint clone_type_has_generic_getattr(object type)
    bint clone_has_generic_setattr(object obj)
    bint clone_type_is_mutable(object type)
    bint clone_is_metatype(object type)
    PyObject* clone_exception_save()
    void clone_exception_restore(PyObject* exc)
    object clone_cell_get(object cell)
    object clone_dict_values(object d)
    void clone_dict_clear(object d)


cdef extern from "Python.h":
    ctypedef struct PyTypeObject
    Py_ssize_t PyDict_Size(object d) except -1


cdef object _TYPE_MRO = type.__dict__["__mro__"]
cdef object _TYPE_DICT = type.__dict__["__dict__"]
cdef object _TYPE_DICTOFFSET = type.__dict__["__dictoffset__"]
cdef object _TYPE_INIT = type.__dict__["__init__"]
cdef object _TYPE_MRO_METHOD = type.__dict__["mro"]
cdef object _OBJECT_INIT = object.__dict__["__init__"]
cdef object _OBJECT_CLASS = object.__dict__["__class__"]
cdef object _classmethod = classmethod
cdef object _weakref = weakref.ref
cdef object _UNKNOWN = object()
# A name no class defines: looking it up on a class gives the class (and its
# bases and metaclass) a version tag on 3.11, running no user code.
cdef str _S_TAG_PROBE = "__sklearn_slep017_facts__"
# id(function) -> its code when recognised (_compat.runs_original_code).
cdef dict _ORIGINAL_CODES = _compat.ORIGINAL_CODES

# id(class) -> its _Facts. Entries leave with their class (a weak reference's
# callback) or are replaced when they no longer hold.
cdef dict _FACTS = {}
# 3.12+: id(class or metaclass) -> {id(facts): facts} resting on it; a
# watcher's notification pops the box and clears each one's ``valid``.
cdef dict _DEPENDENTS = {}
# The type watcher's id (3.12+), -1 where there is none: set once, at import.
cdef int _WATCHER = -1
# The dict watcher's id (3.12+) for the globals and builtins the inlined code
# reads, -1 where there is none (their checks are then made on every use).
cdef int _DICT_WATCHER = -1
# The names those dicts are read for: a change of any other key is no news.
cdef frozenset _GLOBAL_NAMES = frozenset(_BUILTINS)


cdef class _Facts:
    """What the clone may assume about one class, while CPython says so."""
    cdef int valid                  # cleared by the watcher (3.12+) or at death
    cdef unsigned int tag           # 3.11: the class's version tag
    cdef unsigned int meta_tag      # 3.11: the metaclass's (0: immutable)
    cdef object meta                # type(class) when taken
    cdef object tref                # weak reference to the class
    cdef bint usable                # False: instances take the general path
    cdef tuple names                # parameter names, the shared cache's tuple
    cdef dict template              # dict.fromkeys(names): copied per keyword dict
    cdef object init_ref            # weak reference to __init__ (None: object's)
    cdef object init_code
    cdef tuple codes                # (function, code, ...): recognised by identity
    cdef tuple globals_read         # (function globals, builtins, name, builtin, ...)
    cdef tuple dict_keys            # 3.12+: the keys of the watched dicts' boxes
    cdef tuple cells                # (cell, contents, ...): super()'s __class__
    cdef tuple shadows              # names an instance __dict__ must not hold


cdef int _on_type_modified(PyTypeObject* changed) noexcept:
    # PyType_Modified's notification (3.12+), on the thread that changes the
    # class: clear every fact resting on it.
    return _empty_box(<void*>changed)


cdef int _empty_box(void* changed) noexcept:
    # Clear the facts resting on ``changed`` (a class or a watched dict).
    # Must not raise; should even that fail (no memory for the key), no
    # published fact is kept.
    cdef PyObject* saved = clone_exception_save()
    try:
        box = _DEPENDENTS.pop(PyLong_FromVoidPtr(changed), None)
        if box is not None:
            # a snapshot: a builder may still be adding to the popped box
            for facts in clone_dict_values(box):
                clone_flag_store(&(<_Facts>facts).valid, 0)
    except BaseException:
        clone_dict_clear(_FACTS)
    clone_exception_restore(saved)
    return 0


cdef int _on_dict_event(int event, PyObject* changed, PyObject* key, PyObject* new_value) noexcept:
    # A watched globals or builtins dict is about to change (3.12+): the facts
    # resting on it go when the key is one the inlined code reads, or is not
    # an exact str (it may compare equal to one), or is none (cleared, cloned
    # into, freed). Runs no user code: exact str hashing and comparison only.
    if key is not NULL and type(<object>key) is str and <object>key not in _GLOBAL_NAMES:
        return 0
    return _empty_box(<void*>changed)


def _stop_watching():
    # At interpreter exit, before this module's dicts are torn down: no
    # notification may reach them any more, and no fact is used after.
    global _WATCHER, _DICT_WATCHER
    watcher, _WATCHER = _WATCHER, -1
    dict_watcher, _DICT_WATCHER = _DICT_WATCHER, -1
    clone_type_clear_watcher(watcher)
    clone_dict_clear_watcher(dict_watcher)


if CLONE_FACTS_MODE == 2:
    try:
        _WATCHER = clone_type_add_watcher(_on_type_modified)
    except RuntimeError:  # every watcher id taken: no facts, exact path
        _WATCHER = -1
    else:
        try:
            _DICT_WATCHER = clone_dict_add_watcher(_on_dict_event)
        except RuntimeError:  # every id taken: globals checked on every use
            _DICT_WATCHER = -1
        atexit.register(_stop_watching)


cdef object _lookup(tuple mro, str name):
    # What CPython's MRO look-up finds for ``name`` (the first class dict of
    # the MRO holding it), or _ABSENT.
    for base in mro:
        found = _TYPE_DICT.__get__(base).get(name, _ABSENT)
        if found is not _ABSENT:
            return found
    return _ABSENT


cdef class _Forget:
    """The weak reference callback of a class with facts: they go with it,
    unless newer ones took its key."""
    cdef object key
    cdef _Facts facts

    def __call__(self, ref):
        # A class born at the same address must not find these facts valid
        # where a call keeps them at hand (_facts_of).
        clone_flag_store(&self.facts.valid, 0)
        if _FACTS.get(self.key) is self.facts:
            _FACTS.pop(self.key, None)
        _DEPENDENTS.pop(self.key, None)
        meta_box = _DEPENDENTS.get(PyLong_FromVoidPtr(<void*>self.facts.meta))
        if meta_box is not None:
            meta_box.pop(id(self.facts), None)
        _leave_dict_boxes(self.facts)


cdef _leave_dict_boxes(_Facts facts):
    # Out of the boxes of the dicts it watched: shared dicts (a module's
    # globals, the builtins) outlive the classes and their replaced facts.
    keys = facts.dict_keys
    if keys is not None:
        for i in range(0, len(keys), 2):
            box = _DEPENDENTS.get(keys[i])
            if box is not None:
                box.pop(id(facts), None)


cdef inline bint _type_facts_hold(_Facts facts, object t) noexcept:
    """Whether the class facts still hold for ``t``, the class they were taken on."""
    if type(t) is not facts.meta:
        return False
    if CLONE_FACTS_MODE == 1:
        return clone_type_tag(t) == facts.tag and (
            facts.meta_tag == 0 or clone_type_tag(facts.meta) == facts.meta_tag
        )
    return clone_flag_load(&facts.valid) != 0


cdef bint _guards_hold(_Facts facts) except -1:
    """What no type notification covers, checked on every use."""
    cdef PyObject* found = NULL
    cdef tuple t
    cdef Py_ssize_t i
    if facts.init_ref is not None:
        if clone_weakref_get_ref(facts.init_ref, &found) != 1:
            return False
        init = <object>found
        Py_DECREF(init)
        if <object>PyFunction_GetCode(init) is not facts.init_code:
            return False
        attributes = PyObject_GenericGetDict(init, NULL)
        if attributes and _names_from_attributes(attributes):
            return False
    t = facts.codes
    for i in range(0, len(t), 2):
        if <object>PyFunction_GetCode(t[i]) is not t[i + 1]:
            return False
    if facts.dict_keys is None:  # not watched: looked at on every use
        if not _globals_hold(facts.globals_read):
            return False
    t = facts.cells
    for i in range(0, len(t), 2):
        if clone_cell_get(t[i]) is not t[i + 1]:
            return False
    return True


cdef bint _globals_hold(tuple t) except -1:
    # Each name is found in the builtins, as the recognised code found it.
    cdef Py_ssize_t i
    for i in range(0, len(t), 4):
        if t[i + 2] in <dict>t[i] or (<dict>t[i + 1]).get(t[i + 2]) is not t[i + 3]:
            return False
    return True


cdef object _facts_of(object t, _Guard* g):
    """The facts of class ``t`` that hold now, or None."""
    cdef PyObject* found = NULL
    cdef PyObject* previous
    cdef _Facts facts
    cdef size_t slot
    if CLONE_FACTS_MODE == 0 or (CLONE_FACTS_MODE == 2 and _WATCHER < 0):
        return None
    # Seen earlier in this call: valid facts taken on a class at this address
    # are this class's (a dead class's were invalidated by _Forget).
    slot = (<size_t><void*>t >> 6) & (_SEEN - 1)
    if g.seen_type[slot] == <void*>t:
        facts = <_Facts>g.seen_facts[slot]
        if clone_flag_load(&facts.valid) and _type_facts_hold(facts, t):
            return facts
    result = _facts_of_class(t)
    if result is not None:
        previous = g.seen_facts[slot]
        Py_INCREF(result)
        g.seen_facts[slot] = <PyObject*>result
        g.seen_type[slot] = <void*>t
        Py_XDECREF(previous)
    return result


cdef object _facts_of_class(object t):
    cdef PyObject* found = NULL
    cdef _Facts facts
    key = PyLong_FromVoidPtr(<void*>t)
    if clone_dict_get_ref(_FACTS, key, &found) == 1:
        facts = <_Facts>found
        Py_DECREF(facts)
        if _type_facts_hold(facts, t):
            if CLONE_FACTS_MODE == 1:
                return facts  # a tag is never given to two classes
            if clone_weakref_get_ref(facts.tref, &found) == 1:
                Py_DECREF(<object>found)
                if found is <PyObject*>t:
                    return facts
    return _take_facts(t, key)


cdef object _take_facts(object t, object key):
    # Facts are taken only of a class whose changes CPython will report, and
    # kept only if none was reported while they were being taken.
    cdef _Facts facts
    meta = type(t)
    if (
        not clone_type_has_generic_getattr(t)
        or clone_is_metatype(t)
        or not clone_is_plain_metaclass(meta)
    ):
        return None  # decided by slots: cheap to decide again
    mutable_meta = clone_type_is_mutable(meta)
    old = _FACTS.get(key)
    if old is not None:
        _leave_dict_boxes(<_Facts>old)
    facts = _Facts.__new__(_Facts)
    facts.meta = meta
    if CLONE_FACTS_MODE == 1:
        facts.valid = 1  # until the class dies (_Forget)
        _getattr(t, _S_TAG_PROBE, None)
        facts.tag = clone_type_tag(t)
        facts.meta_tag = clone_type_tag(meta) if mutable_meta else 0
        if facts.tag == 0 or (mutable_meta and facts.meta_tag == 0):
            return None
        _fill_facts(facts, t, meta)
        if not _type_facts_hold(facts, t):
            return None
    else:
        # In the box before the watch: a change reported from then on clears
        # ``valid``; a box replaced meanwhile means a change was reported
        # before these facts could be cleared by it.
        facts.valid = 1
        box = _DEPENDENTS.setdefault(key, {})
        box[id(facts)] = facts
        meta_box = None
        if mutable_meta:
            meta_key = PyLong_FromVoidPtr(<void*>meta)
            meta_box = _DEPENDENTS.setdefault(meta_key, {})
            meta_box[id(facts)] = facts
        if clone_type_watch(_WATCHER, t) != 1:
            return None
        if mutable_meta and clone_type_watch(_WATCHER, meta) != 1:
            return None
        _fill_facts(facts, t, meta)
        if not clone_flag_load(&facts.valid) or _DEPENDENTS.get(key) is not box:
            return None
        if facts.dict_keys is not None:
            for i in range(0, len(facts.dict_keys), 2):
                if _DEPENDENTS.get(facts.dict_keys[i]) is not facts.dict_keys[i + 1]:
                    return None
        if mutable_meta and _DEPENDENTS.get(meta_key) is not meta_box:
            return None
    cdef _Forget forget = _Forget.__new__(_Forget)
    forget.key = key
    forget.facts = facts
    facts.tref = _weakref(t, forget)
    _FACTS[key] = facts
    return facts


cdef object _known_code(object func):
    # The code a recognised function had when this module was imported.
    return _ORIGINAL_CODES.get(id(func)) if type(func) is _FunctionType else None


cdef int _fill_facts(_Facts facts, object t, object meta) except -1:
    """Read the facts of ``t`` off its MRO; ``usable`` stays False unless all hold."""
    cdef list codes = []
    cdef list globals_read = []
    cdef list cells = []
    facts.usable = False
    facts.names = ()
    facts.template = {}
    facts.codes = facts.globals_read = facts.cells = facts.shadows = ()
    if not clone_is_plain_metaclass(meta):
        return 0
    mro = _TYPE_MRO.__get__(t)
    meta_mro = _TYPE_MRO.__get__(meta)
    if type(mro) is not tuple or type(meta_mro) is not tuple:
        return 0
    # A class whose MRO a metaclass computes loses its tag silently when the
    # MRO is recomputed: never one of those, nor under such a metaclass.
    for base in mro:
        if _lookup(_TYPE_MRO.__get__(type(base)), "mro") is not _TYPE_MRO_METHOD:
            return 0
    if _lookup(meta_mro, "mro") is not _TYPE_MRO_METHOD:
        return 0
    # ``cls.__init__`` (in _get_param_names) is the class's own when the
    # metaclass's __init__ is not a data descriptor
    meta_init = _lookup(meta_mro, _S_INIT)
    if meta_init is not _TYPE_INIT and type(meta_init) is not _FunctionType:
        return 0
    if _TYPE_DICTOFFSET.__get__(t) == 0:
        return 0
    if _lookup(mro, "__class__") is not _OBJECT_CLASS:
        return 0
    shadows = [_S_SKLEARN_CLONE, _S_GET_PARAMS, _S_GET_PARAM_NAMES]

    method = _lookup(mro, _S_SKLEARN_CLONE)
    if method is not _ABSENT:
        if not any([method is f for f in _DEFAULT_SKLEARN_CLONE_FUNCS]):
            return 0
        if type(method) is _FunctionType:
            codes += [method, _known_code(method)]

    # get_params(deep=False): upstream's, or a composition's that provably
    # returns upstream's (_compat.known_get_params)
    method = _lookup(mro, _S_GET_PARAMS)
    if method is not _UPSTREAM_GET_PARAMS:
        composition, overrides = _known_get_params()
        for override, owner in overrides:
            if override is method:
                break
        else:
            return 0
        if owner is None:
            private = _lookup(mro, _S_GET_PARAMS_PRIVATE)
            shadows.append(_S_GET_PARAMS_PRIVATE)
        else:
            private = _lookup(_after(mro, owner), _S_GET_PARAMS_PRIVATE)
            if not _uses_super(method, owner, cells, globals_read):
                return 0
        if private is not composition.__dict__[_S_GET_PARAMS_PRIVATE]:
            return 0
        if not _uses_super(private, composition, cells, globals_read):
            return 0
        if _lookup(_after(mro, composition), _S_GET_PARAMS) is not _UPSTREAM_GET_PARAMS:
            return 0
        codes += [method, _known_code(method), private, _known_code(private)]
    codes += [_UPSTREAM_GET_PARAMS, _known_code(_UPSTREAM_GET_PARAMS)]
    for name in ("dict", "getattr"):
        globals_read += _global_read(_UPSTREAM_GET_PARAMS, name)

    method = _lookup(mro, _S_GET_PARAM_NAMES)
    if type(method) is not _classmethod:
        return 0
    func = method.__func__
    if not any([func is f for f in _DEFAULT_GET_PARAM_NAMES_FUNCS]):
        return 0
    if type(func) is _FunctionType:
        codes += [func, _known_code(func)]

    init = _lookup(mro, _S_INIT)
    if init is _OBJECT_INIT:
        facts.init_ref = None
    elif type(init) is _FunctionType:
        facts.init_ref = _weakref(init)
        facts.init_code = <object>PyFunction_GetCode(init)
    else:
        return 0
    try:
        names = _param_names_slow(t, init)
    except Exception:  # *args: the general path raises upstream's error
        return 0
    for name in names:
        if type(name) is not str or _lookup(mro, name) is not _ABSENT or name in shadows:
            return 0
    for name in (_S_METADATA, _S_OUTPUT, _S_CALLBACKS):
        if _lookup(mro, name) is not _ABSENT:
            return 0
    for i in range(1, len(codes), 2):
        if codes[i] is None:  # a function whose code was not captured
            return 0
    for i in range(0, len(globals_read), 4):
        if globals_read[i] is None:  # globals or builtins not plain dicts
            return 0
    facts.names = names
    facts.template = dict.fromkeys(names)
    facts.codes = tuple(codes)
    facts.globals_read = tuple(globals_read)
    facts.cells = tuple(cells)
    facts.shadows = tuple(shadows)
    if CLONE_FACTS_MODE == 2 and _DICT_WATCHER >= 0 and facts.valid:
        facts.dict_keys = _watch_dicts(facts, globals_read)
    facts.usable = True
    # the globals as they are now, after the watch: a change from here on is
    # reported; until then they are what was just read
    if not _guards_hold(facts) or not _globals_hold(facts.globals_read):
        facts.usable = False
    return 0


cdef tuple _watch_dicts(_Facts facts, list globals_read):
    # In each dict's box before the watch, as for the class (_take_facts).
    cdef list keys = []
    seen = set()
    for i in range(0, len(globals_read), 4):
        for d in (globals_read[i], globals_read[i + 1]):
            if id(d) in seen:
                continue
            seen.add(id(d))
            key = PyLong_FromVoidPtr(<void*>d)
            box = _DEPENDENTS.setdefault(key, {})
            box[id(facts)] = facts
            keys += [key, box]
            clone_dict_watch(_DICT_WATCHER, d)
    return tuple(keys)


cdef list _global_read(object func, str name):
    # ``name`` as ``func`` reads it: its globals, then its builtins.
    func_builtins = func.__builtins__
    module_globals = <object>PyFunction_GetGlobals(func)
    if type(func_builtins) is not dict or type(module_globals) is not dict:
        return [None, None, None, None]
    return [module_globals, func_builtins, name, _BUILTINS[name]]


cdef tuple _after(tuple mro, object cls):
    # What ``super(cls, obj)`` searches: the MRO past ``cls`` (by identity).
    for i in range(len(mro)):
        if mro[i] is cls:
            return mro[i + 1:]
    return ()


cdef bint _uses_super(object func, object owner, list cells, list globals_read) except -1:
    # ``super()`` in ``func`` is ``super(owner, self)``: its __class__ cell,
    # and the builtin ``super``.
    closure = func.__closure__
    freevars = func.__code__.co_freevars
    if type(closure) is not tuple or freevars != ("__class__",):
        return False
    cells += [closure[0], owner]
    globals_read += _global_read(func, "super")
    return True


cdef inline bint _shadowed(object attributes, Py_ssize_t n, tuple shadows) except -1:
    """Whether an instance ``__dict__`` holding the ``n`` parameters (just
    read) also holds a name that shadows a method clone reads. Holding only
    them, it cannot: no parameter is named like one (_fill_facts)."""
    if PyDict_Size(attributes) == n:
        return False
    for name in shadows:
        if name in <dict>attributes:
            return True
    return False


cdef object _clone_known(object estimator, object t, _Facts facts, _Guard* g, int depth):
    """``clone_parametrized(estimator)`` through the facts of its class, or
    _UNKNOWN (nothing observable done) when one does not hold for it."""
    cdef PyObject* found = NULL
    cdef Py_ssize_t i, n
    cdef tuple names = facts.names
    cdef list values
    cdef PyObject* vt
    if not facts.usable or not _guards_hold(facts):
        return _UNKNOWN
    attributes = PyObject_GenericGetDict(estimator, NULL)
    n = len(names)
    values = [None] * n
    for i in range(n):
        if clone_dict_get_ref(attributes, names[i], &found) != 1:
            return _UNKNOWN  # upstream's getattr raises: the general path does
        value = <object>found
        Py_DECREF(value)
        values[i] = value
    if _shadowed(attributes, n, facts.shadows):
        return _UNKNOWN
    # From here on user code runs (the parameters' clones, the constructor):
    # every fact is checked again before it is used. The keyword dict is
    # filled as the values are cloned: nobody else can see it meanwhile.
    cdef dict new_object_params = PyDict_Copy(facts.template)  # presized: no growth
    i = 0
    try:  # one handler for the loop: set up once per node, not per value
        while i < n:
            value = values[i]
            # the class by address only: a reference held here would keep
            # it alive through the constructor, which upstream does not
            vt = <PyObject*>Py_TYPE(value)
            if not (
                value is None or vt == <PyObject*>int or vt == <PyObject*>float
                or vt == <PyObject*>str or vt == <PyObject*>bool
            ):
                value = _clone(value, False, g, depth)
                values[i] = value
            new_object_params[names[i]] = value
            i += 1
    except Exception as exc:
        annotate_parameter(exc, estimator, names[i])
        raise
    new_object = PyObject_Call(t, _EMPTY, new_object_params)
    if (
        type(estimator) is t
        and type(new_object) is t
        and _type_facts_hold(facts, t)
        and _guards_hold(facts)
    ):
        result = _finish_known(estimator, new_object, facts, values)
        if result is not _UNKNOWN:
            return result
    return _finish(estimator, new_object, (names, values), new_object_params, g, depth)


cdef object _finish_known(object estimator, object new_object, _Facts facts, list values):
    """The rest of a node once its clone is made, through the facts; _UNKNOWN
    (nothing observable done) where the general path must take over."""
    cdef PyObject* found = NULL
    cdef Py_ssize_t i
    cdef tuple names = facts.names
    cdef Py_ssize_t n = len(names)
    attributes = PyObject_GenericGetDict(estimator, NULL)
    if _METADATA_MODE and _S_METADATA in <dict>attributes:
        return _UNKNOWN  # a request to carry: the general path does it
    new_attributes = PyObject_GenericGetDict(new_object, NULL)
    # Upstream reads every parameter back before comparing any: a missing
    # one is its AttributeError (the general path's), whatever the others.
    cdef Py_ssize_t modified = -1
    for i in range(n):
        if clone_dict_get_ref(new_attributes, names[i], &found) != 1:
            return _UNKNOWN
        Py_DECREF(<object>found)
        if modified < 0 and found is not <PyObject*>values[i]:
            modified = i
    if _shadowed(new_attributes, n, facts.shadows):
        return _UNKNOWN
    # Setting the callbacks may run a __setattr__: the probe after it is then
    # the general one.
    facts_hold = True
    if _HAS_CALLBACKS and clone_dict_get_ref(attributes, _S_CALLBACKS, &found) == 1:
        callbacks = <object>found
        Py_DECREF(callbacks)
        new_object._skl_callbacks = callbacks
        facts_hold = clone_has_generic_setattr(new_object)
    if modified >= 0:
        raise mark_constructor(_modified_parameter_error(estimator, names[modified]))
    if _HAS_OUTPUT_CONFIG:
        if facts_hold:
            if clone_dict_get_ref(attributes, _S_OUTPUT, &found) == 1:
                config = <object>found
                Py_DECREF(config)
                new_object._sklearn_output_config = _deepcopy_output_config(config)
        elif _probe(estimator, _S_OUTPUT) is not _ABSENT:
            new_object._sklearn_output_config = _deepcopy_output_config(
                estimator._sklearn_output_config
            )
    return new_object


# ---------------------------------------------------------------------------
# The recursion.

cdef object _clone_container(object estimator, object t, bint safe, _Guard* g, int depth):
    # Every container is complete at every moment (items appended to a list
    # nobody else has, a tuple made from it at the end), so that code run by
    # a constructor midway, or a profiler walking the heap, never meets a
    # half-built object.
    cdef Py_ssize_t i = 0
    cdef list cloned
    cdef PyObject* item = NULL
    if t is dict:
        result = {}
        # The dict's own iterator, as upstream's comprehension: a change of
        # its keys midway raises the same RuntimeError.
        it = iter(estimator.items())
        k = None
        try:
            for k, v in it:
                result[k] = _clone(v, safe, g, depth)
        except Exception as exc:
            annotate(exc, k)
            raise
        return result
    cloned = []
    if t is list:
        # Upstream's list iteration reads the length at every step. Each
        # item is read with a reference of its own: without the GIL another
        # thread may shrink the list, or replace an item and free it, while
        # this loop runs (an unchecked, borrowed read crashed there).
        try:
            while clone_list_get_ref(estimator, i, &item) == 1:
                entry = <object>item
                Py_DECREF(entry)
                cloned.append(_clone(entry, safe, g, depth))
                i += 1
        except Exception as exc:
            annotate_entry(exc, estimator, i)
            raise
        return cloned
    try:
        for e in estimator:
            cloned.append(_clone(e, safe, g, depth))
            i += 1
    except Exception as exc:
        annotate_entry(exc, estimator, i)
        raise
    if t is tuple:
        return tuple(cloned)
    return t(cloned)


cdef object _clone(object estimator, bint safe, _Guard* g, int depth):
    """``clone(estimator, safe=safe)``."""
    cdef object t = type(estimator)
    cdef bint container = (
        t is list or t is tuple or (t is dict and _CLONES_DICT) or t is set or t is frozenset
    )
    # A container is neither atomic nor a fixed leaf: not looked up as one.
    if not safe and not container:
        if _is_atomic(estimator, t):
            return estimator
        copier = _fixed_leaf(t)
        if copier is not False:
            try:
                return _deepcopy_fixed_leaf(estimator, t, copier)
            except Exception as exc:
                mark_uncopyable(exc)
                raise
    if _too_deep(g, depth):
        return _py_clone(estimator, safe=safe)
    _enter()
    try:
        if container:
            return _clone_container(estimator, t, safe, g, depth + 1)
        facts = _facts_of(t, g)
        if facts is not None:
            result = _clone_known(estimator, t, <_Facts>facts, g, depth + 1)
            if result is not _UNKNOWN:
                return result
        if _probe(estimator, _S_SKLEARN_CLONE) is not _ABSENT and not _isclass(estimator):
            method = getattr(estimator, _S_SKLEARN_CLONE)
            if _is_bound_to(method, estimator, _DEFAULT_SKLEARN_CLONE_FUNCS):
                return _clone_parametrized(estimator, True, g, depth + 1, facts is None)
            return method()
        return _clone_parametrized(estimator, safe, g, depth + 1, facts is None)
    finally:
        Py_LeaveRecursiveCall()


cdef object _clone_parametrized(object estimator, bint safe, _Guard* g, int depth, bint try_facts=True):
    """``clone_parametrized(estimator, safe=safe)``; ``try_facts`` False when
    the caller already found that the class's facts do not serve."""
    cdef object t = type(estimator)
    cdef Py_ssize_t i, n = 0
    cdef tuple names = None
    cdef list values = None
    if (t is dict and _CLONES_DICT) or t is list or t is tuple or t is set or t is frozenset:
        return _clone_container(estimator, t, safe, g, depth)
    # upstream's ``estimator_type in (list, tuple, set, frozenset)`` compares
    # the class with each: a metaclass's __eq__ runs, and may say yes
    if type(t) is not _type and PySequence_Contains(_CONTAINER_TYPES, t):
        return _clone_container(estimator, t, safe, g, depth)
    if try_facts:
        facts = _facts_of(t, g)
        if facts is not None:
            result = _clone_known(estimator, t, <_Facts>facts, g, depth)
            if result is not _UNKNOWN:
                return result
    if _probe(estimator, _S_GET_PARAMS) is _ABSENT or _isclass(estimator):
        if not safe:
            try:
                return _deepcopy(estimator)
            except Exception as exc:
                mark_uncopyable(exc)
                raise
        raise mark_constructor(_not_an_estimator_error(estimator))

    klass = estimator.__class__
    shallow = _shallow_params(estimator)
    if type(shallow) is tuple:
        # Upstream's get_params provably ran: clone the values in place,
        # then make the keyword dict it would have made.
        names = <tuple>(<tuple>shallow)[0]
        values = <list>(<tuple>shallow)[1]
        n = len(names)
        for i in range(n):
            try:
                values[i] = _clone(values[i], False, g, depth)
            except Exception as exc:
                annotate_parameter(exc, estimator, names[i])
                raise
        new_object_params = {}
        for i in range(n):
            (<dict>new_object_params)[names[i]] = values[i]
    else:
        new_object_params = shallow
        if type(new_object_params) is dict:
            for name, param in (<dict>new_object_params).items():
                try:
                    (<dict>new_object_params)[name] = _clone(param, False, g, depth)
                except Exception as exc:
                    annotate_parameter(exc, estimator, name)
                    raise
        else:
            for name, param in new_object_params.items():
                try:
                    new_object_params[name] = _clone(param, False, g, depth)
                except Exception as exc:
                    annotate_parameter(exc, estimator, name)
                    raise

    if type(new_object_params) is dict:
        new_object = PyObject_Call(klass, _EMPTY, new_object_params)
    else:  # whatever a broken get_params returned: klass(**it), as upstream
        new_object = _call_with(klass, new_object_params)
    return _finish(estimator, new_object, shallow, new_object_params, g, depth)


cdef object _finish(object estimator, object new_object, object shallow, object new_object_params, _Guard* g, int depth):
    """The rest of ``clone_parametrized`` once the clone is made: carry the
    metadata request, read the clone's parameters back and compare, carry
    callbacks and output configuration. ``shallow`` is the estimator's
    ``get_params(deep=False)`` as ``_shallow_params`` returned it, its values
    now cloned."""
    cdef Py_ssize_t i, n = 0
    cdef tuple names = None
    cdef list values = None
    if type(shallow) is tuple:
        names = <tuple>(<tuple>shallow)[0]
        values = <list>(<tuple>shallow)[1]
        n = len(names)
    if _METADATA_MODE:
        if clone_has_generic_getattr(estimator):
            # type(estimator).__getattribute__ is the generic one: a miss is
            # a miss, with no __getattr__ to invent an attribute.
            value = _probe(estimator, _S_METADATA)
            if value is not _ABSENT:
                try:
                    if _METADATA_MODE == "clone":
                        new_object._metadata_request = _clone(value, True, g, depth)
                    else:
                        new_object._metadata_request = _deepcopy(value)
                except AttributeError:
                    pass
        else:
            _carry_metadata_request(estimator, new_object, clone)

    params_set = _shallow_params(new_object)

    if _HAS_CALLBACKS and _probe(estimator, _S_CALLBACKS) is not _ABSENT:
        new_object._skl_callbacks = estimator._skl_callbacks

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
                raise mark_constructor(_modified_parameter_error(estimator, names[i]))
    else:
        if type(params_set) is tuple:
            set_names = (<tuple>params_set)[0]
            set_values = (<tuple>params_set)[1]
            params_set = {}
            for i in range(len(<tuple>set_names)):
                params_set[(<tuple>set_names)[i]] = (<list>set_values)[i]
        for name in new_object_params:
            if new_object_params[name] is not params_set[name]:
                raise mark_constructor(_modified_parameter_error(estimator, name))

    if _HAS_OUTPUT_CONFIG and _probe(estimator, _S_OUTPUT) is not _ABSENT:
        new_object._sklearn_output_config = _deepcopy_output_config(
            estimator._sklearn_output_config
        )
    return new_object


# ---------------------------------------------------------------------------
# Public names, as in the reference.

def clone(estimator, *, safe=True):
    cdef _Guard g
    _guard_init(&g)
    try:
        return _clone(estimator, safe, &g, 0)
    finally:
        _guard_release(&g)


def clone_parametrized(estimator, *, safe=True):
    cdef _Guard g
    _guard_init(&g)
    if _too_deep(&g, 0):
        return _py_clone_parametrized(estimator, safe=safe)
    _enter()
    try:
        return _clone_parametrized(estimator, safe, &g, 0)
    finally:
        Py_LeaveRecursiveCall()
        _guard_release(&g)


def sklearn_clone(self):
    cdef _Guard g
    _guard_init(&g)
    if _too_deep(&g, 0):
        return _py_clone_parametrized(self)
    _enter()
    try:
        return _clone_parametrized(self, True, &g, 0)
    finally:
        Py_LeaveRecursiveCall()
        _guard_release(&g)


# Same documentation as the reference: one text to keep.
clone.__doc__ = _clone_py.clone.__doc__
clone_parametrized.__doc__ = _clone_py.clone_parametrized.__doc__
sklearn_clone.__doc__ = _clone_py.sklearn_clone.__doc__
get_param_names.__doc__ = _clone_py.get_param_names.__doc__.replace(
    "_clone_py", "_clone_c"
)

_compat.add_default(_compat.DEFAULT_SKLEARN_CLONE_FUNCS, sklearn_clone)
_compat.add_default(_compat.DEFAULT_GET_PARAM_NAMES_FUNCS, get_param_names)
_DEFAULT_SKLEARN_CLONE_FUNCS = tuple(_compat.DEFAULT_SKLEARN_CLONE_FUNCS)
_DEFAULT_GET_PARAM_NAMES_FUNCS = tuple(_compat.DEFAULT_GET_PARAM_NAMES_FUNCS)


def _get_params_path(obj):
    """Which way the compiled clone gets ``obj.get_params(deep=False)``.

    For ``python -m sklearn_slep017 explain`` and tests: the same checks the
    clone makes, without calling ``get_params``.

    Returns
    -------
    path : str
        ``"base"`` (upstream's ``BaseEstimator.get_params``, inlined),
        ``"composition"`` (a scikit-learn composition's override, inlined),
        ``"skbase"`` (skbase's reviewed ``BaseObject.get_params``, inlined;
        its ``get_param_names`` too unless overridden, which is then called),
        ``"sktime-composite"`` (sktime's reviewed composite ``get_params``,
        inlined down to skbase's) or ``"call"`` (``get_params`` is called).
    """
    method = getattr(obj, _S_GET_PARAMS)
    if _get_params_is_base(obj, method):
        func = <object>PyMethod_GET_FUNCTION(method)
        return "base" if func is _UPSTREAM_GET_PARAMS else "composition"
    if _is_skbase_get_params(obj, method):
        return "skbase"
    if _is_sktime_meta_get_params(obj, method):
        return "sktime-composite"
    return "call"


def _default_functions():
    """The ``__sklearn_clone__`` and ``_get_param_names`` functions the
    compiled clone recognises as the default ones, as it holds them.

    For tests: they must be what ``_compat``'s sets hold.
    """
    return (_DEFAULT_SKLEARN_CLONE_FUNCS, _DEFAULT_GET_PARAM_NAMES_FUNCS)


def _fixed_leaf_path(t):
    """How the compiled clone deep-copies instances of the class ``t``.

    For tests and diagnostics.

    Returns
    -------
    path : str or None
        ``"descriptor"`` (a fixed type whose ``__deepcopy__`` method
        descriptor is called unbound), ``"lookup"`` (a fixed type whose
        instances' ``__deepcopy__`` is looked up as ``deepcopy`` does), or
        None (not a fixed type: probed and cloned the general way).
    """
    verdict = _fixed_leaf(t)
    if verdict is False:
        return None
    return "lookup" if verdict is True else "descriptor"


def _thread_stack():
    """``(low, high, here)`` addresses of the running thread's C stack.

    ``low`` and ``high`` are None where the platform cannot tell; the clone
    then assumes a modest budget from where it is called. For tests and
    diagnostics.
    """
    cdef char* low = NULL
    cdef char* high = NULL
    cdef char* here = clone_stack_pointer()
    if not clone_stack_bounds(&low, &high):
        return (None, None, PyLong_FromVoidPtr(here))
    return (PyLong_FromVoidPtr(low), PyLong_FromVoidPtr(high), PyLong_FromVoidPtr(here))
