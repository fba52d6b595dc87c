# cython: language_level=3, embedsignature=True, binding=True
# cython: boundscheck=False, wraparound=False, cdivision=True
"""Compiled implementation of SLEP017's clone: same names, same behaviour.

Mirrors ``_clone_py`` function for function. The speed comes from a fast
path for the common case, taken only where it cannot change the result
(``_class_facts`` says when): a class with generic attribute access and
scikit-learn's default ``__sklearn_clone__``, ``get_params(deep=False)`` and
``_get_param_names``. There the parameters are read straight off the
instance, atoms are returned without ``copy.deepcopy``, containers are
walked here, and the metadata / output-config / callback probes are
dictionary look-ups. Everything else goes through the same general path as
the reference, with the same exceptions and messages.
"""

import copy
import types
import weakref

from cpython.dict cimport PyDict_Copy, PyDict_GetItem, PyDict_Next, PyDict_SetItem
from cpython.object cimport PyObject, PyObject_Call

from . import _class_facts, _clone_py, _compat

__all__ = ["clone", "clone_parametrized", "get_param_names", "sklearn_clone"]


cdef extern from "Python.h":
    object PyObject_GenericGetDict(object obj, void* context)
    int Py_EnterRecursiveCall(const char* where) except -1
    void Py_LeaveRecursiveCall()


cdef extern from *:
    """
    /* The type's version tag, assigning one if it has none; 0 when CPython
       cannot give it one (it changes whenever the type or a base changes). */
    static unsigned int slep017_version_tag(PyObject *type, PyObject *name) {
        PyTypeObject *tp = (PyTypeObject *)type;
    #if PY_VERSION_HEX >= 0x030C0000
        if (tp->tp_version_tag == 0) {
            (void)PyUnstable_Type_AssignVersionTag(tp);
        }
        return tp->tp_version_tag;
    #else
        if (!PyType_HasFeature(tp, Py_TPFLAGS_VALID_VERSION_TAG)) {
            (void)_PyType_Lookup(tp, name);
            if (!PyType_HasFeature(tp, Py_TPFLAGS_VALID_VERSION_TAG)) {
                return 0;
            }
        }
        return tp->tp_version_tag;
    #endif
    }
    """
    unsigned int slep017_version_tag(object type, object name)


cdef frozenset _ATOMIC_TYPES = _clone_py._ATOMIC_TYPES
cdef object _FunctionType = types.FunctionType
cdef object _deepcopy = copy.deepcopy
cdef tuple _EMPTY = ()
cdef set _DEFAULT_SKLEARN_CLONE_FUNCS = _compat.DEFAULT_SKLEARN_CLONE_FUNCS
cdef object _not_an_estimator_error = _clone_py._not_an_estimator_error
cdef object _modified_parameter_error = _clone_py._modified_parameter_error
cdef object _carry_metadata_request = _clone_py._carry_metadata_request
cdef object _class_facts_of = _class_facts.class_facts
cdef object _introspect_param_names = _clone_py._introspect_param_names

cdef str _METADATA_MODE = _compat.METADATA_REQUEST_COPY or ""
cdef bint _HAS_CALLBACKS = _compat.HAS_CALLBACKS
cdef bint _HAS_OUTPUT_CONFIG = _compat.HAS_OUTPUT_CONFIG

# Interned once: the names looked up on every node.
cdef str _S_SKLEARN_CLONE = "__sklearn_clone__"
cdef str _S_GET_PARAMS = "get_params"
cdef str _S_GET_PARAM_NAMES = "_get_param_names"
cdef str _S_GET_PARAMS_PRIVATE = "_get_params"
cdef str _S_METADATA = "_metadata_request"
cdef str _S_OUTPUT = "_sklearn_output_config"
cdef str _S_CALLBACKS = "_skl_callbacks"


# ---------------------------------------------------------------------------
# Parameter names, cached per class (same contract as the reference).

cdef object _PARAM_NAMES_CACHE = weakref.WeakKeyDictionary()


def get_param_names(cls):
    """Get the constructor parameter names of an estimator class, cached.

    The same result as upstream's ``BaseEstimator._get_param_names``: the
    names of ``cls.__init__``'s parameters, sorted, without ``self`` and
    ``**kwargs``. The signature is introspected once per class and again only
    when the class's ``__init__`` is replaced.

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
    >>> from sklearn_slep017._clone_c import get_param_names
    >>> get_param_names(Ridge)[:3]
    ['alpha', 'copy_X', 'fit_intercept']
    """
    init = cls.__init__
    cached = _PARAM_NAMES_CACHE.get(cls)
    if cached is not None and (<tuple>cached)[0] is init:
        return list((<tuple>cached)[1])
    names = _introspect_param_names(cls, init)
    try:
        _PARAM_NAMES_CACHE[cls] = (init, tuple(names))
    except TypeError:
        pass
    return names


# ---------------------------------------------------------------------------
# Per-class facts, invalidated by CPython's type version tag: any change to a
# class or one of its bases (a replaced __init__, a monkeypatched method, a
# new __bases__) gives it a new tag.

cdef class _Facts:
    cdef object cls_ref          # weakref to the class: ids can be reused
    cdef unsigned int tag
    cdef bint params_fast
    cdef bint clone_default
    cdef bint has_dict
    cdef bint class_metadata
    cdef bint class_output
    cdef bint class_callbacks
    cdef tuple names


cdef dict _FACTS = {}


cdef inline unsigned int _version_tag(type cls):
    return slep017_version_tag(cls, _S_GET_PARAMS)


def _forget(key):
    def callback(ref):
        entry = _FACTS.get(key)
        if entry is not None and (<_Facts>entry).cls_ref is ref:
            del _FACTS[key]
    return callback


cdef _Facts _facts_for(type cls):
    """The cached facts of ``cls``, or None when they cannot be trusted."""
    cdef unsigned int tag = _version_tag(cls)
    cdef _Facts facts
    if tag == 0:
        return None
    key = id(cls)
    cdef PyObject* found = PyDict_GetItem(_FACTS, key)
    if found is not NULL:
        facts = <_Facts>found
        if facts.tag == tag and facts.cls_ref() is cls:
            return facts
    facts = _Facts.__new__(_Facts)
    params_fast, clone_default, names, probed, has_dict = _class_facts_of(cls)
    try:
        facts.cls_ref = weakref.ref(cls, _forget(key))
    except TypeError:
        return None
    # Facts were computed from the class as it is now; if computing them
    # modified it (an import, a lazy attribute), do not trust them.
    if _version_tag(cls) != tag:
        return None
    facts.tag = tag
    facts.params_fast = params_fast
    facts.clone_default = clone_default
    facts.names = names
    facts.class_metadata, facts.class_output, facts.class_callbacks = probed
    facts.has_dict = has_dict
    _FACTS[key] = facts
    return facts


cdef inline object _instance_dict(object obj, _Facts facts):
    if not facts.has_dict:
        return None
    return PyObject_GenericGetDict(obj, NULL)


cdef inline bint _shadows_methods(object d):
    # An instance attribute hiding one of the methods clone would call.
    if d is None or not (<dict>d):
        return False
    return (
        PyDict_GetItem(d, _S_GET_PARAMS) is not NULL
        or PyDict_GetItem(d, _S_GET_PARAM_NAMES) is not NULL
        or PyDict_GetItem(d, _S_GET_PARAMS_PRIVATE) is not NULL
        or PyDict_GetItem(d, _S_SKLEARN_CLONE) is not NULL
    )


# ---------------------------------------------------------------------------
# Values that deepcopy would return unchanged.

cdef inline bint _is_atomic(object obj, type t):
    if (
        obj is None
        or t is int
        or t is float
        or t is str
        or t is bool
        or t in _ATOMIC_TYPES
    ):
        return True
    if t is _FunctionType:
        # A plain function is deep-copied as itself, unless it carries an
        # attribute that would make clone treat it as an estimator.
        d = (<object>obj).__dict__
        return not d or (
            PyDict_GetItem(d, _S_SKLEARN_CLONE) is NULL
            and PyDict_GetItem(d, _S_GET_PARAMS) is NULL
        )
    return False


cdef object _fast_deepcopy(object obj):
    # deepcopy of an exact dict of atoms (set_output's config) is a dict copy.
    cdef Py_ssize_t pos = 0
    cdef PyObject* key
    cdef PyObject* value
    if type(obj) is dict:
        while PyDict_Next(obj, &pos, &key, &value):
            if not _is_atomic(<object>key, type(<object>key)) or not _is_atomic(
                <object>value, type(<object>value)
            ):
                return _deepcopy(obj)
        return PyDict_Copy(obj)
    return _deepcopy(obj)


# ---------------------------------------------------------------------------
# The recursion.

cdef object _clone_container(object estimator, type t, bint safe):
    if t is dict:
        return {k: _clone(v, safe) for k, v in (<dict>estimator).items()}
    if t is list:
        return [_clone(e, safe) for e in <list>estimator]
    if t is tuple:
        return tuple([_clone(e, safe) for e in <tuple>estimator])
    return t([_clone(e, safe) for e in estimator])


cdef object _clone(object estimator, bint safe):
    """``clone(estimator, safe=safe)``."""
    cdef type t = type(estimator)
    cdef _Facts facts
    if not safe and _is_atomic(estimator, t):
        return estimator
    if t is dict or t is list or t is tuple or t is set or t is frozenset:
        Py_EnterRecursiveCall(" while cloning")
        try:
            return _clone_container(estimator, t, safe)
        finally:
            Py_LeaveRecursiveCall()
    if isinstance(estimator, type):
        # A class is never delegated to: deep-copied as itself, or refused.
        if not safe:
            return estimator
        raise _not_an_estimator_error(estimator)
    facts = _facts_for(t)
    if facts is not None and facts.params_fast and facts.clone_default:
        d = _instance_dict(estimator, facts)
        if not _shadows_methods(d):
            Py_EnterRecursiveCall(" while cloning")
            try:
                return _clone_fast(estimator, t, facts, d)
            finally:
                Py_LeaveRecursiveCall()
    Py_EnterRecursiveCall(" while cloning")
    try:
        if hasattr(estimator, "__sklearn_clone__"):
            method = estimator.__sklearn_clone__
            if (
                getattr(method, "__func__", None) in _DEFAULT_SKLEARN_CLONE_FUNCS
                and method.__self__ is estimator
            ):
                return _clone_parametrized(estimator, True)
            return method()
        return _clone_parametrized(estimator, safe)
    finally:
        Py_LeaveRecursiveCall()


cdef object _clone_parametrized(object estimator, bint safe):
    """``clone_parametrized(estimator, safe=safe)``: the general path."""
    cdef type t = type(estimator)
    cdef _Facts facts
    if t is dict or t is list or t is tuple or t is set or t is frozenset:
        return _clone_container(estimator, t, safe)
    if not isinstance(estimator, type):
        facts = _facts_for(t)
        if facts is not None and facts.params_fast:
            d = _instance_dict(estimator, facts)
            if not _shadows_methods(d):
                return _clone_fast(estimator, t, facts, d)
    if not hasattr(estimator, "get_params") or isinstance(estimator, type):
        if not safe:
            return _deepcopy(estimator)
        raise _not_an_estimator_error(estimator)

    klass = estimator.__class__
    new_object_params = estimator.get_params(deep=False)
    for name, param in new_object_params.items():
        new_object_params[name] = _clone(param, False)

    new_object = klass(**new_object_params)
    _carry_metadata_request(estimator, new_object, clone)

    params_set = new_object.get_params(deep=False)

    if _HAS_CALLBACKS and hasattr(estimator, "_skl_callbacks"):
        new_object._skl_callbacks = estimator._skl_callbacks

    for name in new_object_params:
        if new_object_params[name] is not params_set[name]:
            raise _modified_parameter_error(estimator, name)

    if _HAS_OUTPUT_CONFIG and hasattr(estimator, "_sklearn_output_config"):
        new_object._sklearn_output_config = _fast_deepcopy(
            estimator._sklearn_output_config
        )
    return new_object


cdef object _ABSENT = object()


cdef inline object _probe(object obj, object d, str name, bint on_class):
    """``getattr(obj, name)``, or ``_ABSENT`` where ``hasattr`` is False."""
    cdef PyObject* found
    if on_class:
        try:
            return getattr(obj, name)
        except AttributeError:
            return _ABSENT
    if d is None:
        return _ABSENT
    found = PyDict_GetItem(d, name)
    if found is NULL:
        return _ABSENT
    return <object>found


cdef object _clone_fast(object estimator, type t, _Facts facts, object d):
    """Default ``clone_parametrized`` of an instance of a fast class."""
    cdef tuple names = facts.names
    cdef Py_ssize_t n = len(names), i
    cdef list values = [None] * n
    cdef list cloned = [None] * n
    cdef dict params = {}
    cdef object value
    cdef object new_d
    cdef _Facts new_facts
    # get_params(deep=False) first, all of it, as upstream does.
    for i in range(n):
        values[i] = getattr(estimator, <str>names[i])
    for i in range(n):
        cloned[i] = _clone(values[i], False)
        PyDict_SetItem(params, names[i], cloned[i])

    new_object = PyObject_Call(t, _EMPTY, params)

    if _METADATA_MODE:
        if facts.class_metadata:
            _carry_metadata_request(estimator, new_object, clone)
        else:
            value = _probe(estimator, d, _S_METADATA, False)
            if value is not _ABSENT:
                try:
                    if _METADATA_MODE == "clone":
                        new_object._metadata_request = _clone(value, True)
                    else:
                        new_object._metadata_request = _deepcopy(value)
                except AttributeError:
                    pass

    # The clone's get_params(deep=False), again all of it before comparing.
    new_type = type(new_object)
    new_facts = facts if new_type is t else None
    new_d = _instance_dict(new_object, facts) if new_facts is not None else None
    if new_facts is not None and not _shadows_methods(new_d):
        for i in range(n):
            values[i] = getattr(new_object, <str>names[i])
    else:
        params_set = new_object.get_params(deep=False)
        for i in range(n):
            values[i] = params_set[names[i]]

    if _HAS_CALLBACKS:
        value = _probe(estimator, d, _S_CALLBACKS, facts.class_callbacks)
        if value is not _ABSENT:
            new_object._skl_callbacks = value

    for i in range(n):
        if values[i] is not cloned[i]:
            raise _modified_parameter_error(estimator, names[i])

    if _HAS_OUTPUT_CONFIG:
        value = _probe(estimator, d, _S_OUTPUT, facts.class_output)
        if value is not _ABSENT:
            new_object._sklearn_output_config = _fast_deepcopy(value)
    return new_object


# ---------------------------------------------------------------------------
# Public names, as in the reference.

def clone(estimator, *, safe=True):
    return _clone(estimator, safe)


def clone_parametrized(estimator, *, safe=True):
    Py_EnterRecursiveCall(" while cloning")
    try:
        return _clone_parametrized(estimator, safe)
    finally:
        Py_LeaveRecursiveCall()


def sklearn_clone(self):
    return _clone_parametrized(self, True)


# Same documentation as the reference: one text to keep.
clone.__doc__ = _clone_py.clone.__doc__
clone_parametrized.__doc__ = _clone_py.clone_parametrized.__doc__
sklearn_clone.__doc__ = _clone_py.sklearn_clone.__doc__

_DEFAULT_SKLEARN_CLONE_FUNCS.add(sklearn_clone)
_compat.DEFAULT_GET_PARAM_NAMES_FUNCS.add(get_param_names)
