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
from cpython.exc cimport PyErr_Clear, PyErr_ExceptionMatches
from cpython.list cimport PyList_New, PyList_SET_ITEM
from cpython.long cimport PyLong_FromVoidPtr
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.method cimport PyMethod_Check, PyMethod_GET_SELF
from cpython.object cimport PyObject, PyObject_Call
from cpython.ref cimport Py_DECREF, Py_INCREF, Py_XDECREF
from cpython.tuple cimport PyTuple_GET_ITEM, PyTuple_New, PyTuple_SET_ITEM
from cpython.weakref cimport PyWeakref_GET_OBJECT

from . import _class_facts, _clone_py, _compat
from ._diagnostics import (
    annotate,
    annotate_entry,
    annotate_parameter,
    mark_constructor,
    mark_uncopyable,
    step_part,
)

__all__ = ["clone", "clone_parametrized", "get_param_names", "sklearn_clone"]


cdef extern from "Python.h":
    object PyObject_GenericGetDict(object obj, void* context)
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

    /* hasattr()-like look-up that does not raise on a miss:
       1 found (new reference in *result), 0 missing, -1 error. */
    static int slep017_lookup(PyObject *obj, PyObject *name, PyObject **result) {
    #if PY_VERSION_HEX >= 0x030D0000
        return PyObject_GetOptionalAttr(obj, name, result);
    #else
        return _PyObject_LookupAttr(obj, name, result);
    #endif
    }

    /* 1 when obj.name is the class's own function, not hidden by an
       instance attribute; 0 otherwise (errors cleared: the general path
       meets them again). Never materialises the instance __dict__. */
    static int slep017_method_is_class_own(PyObject *obj, PyObject *name) {
    #if PY_VERSION_HEX < 0x030D0000
        PyObject *method = NULL;
        int unbound = _PyObject_GetMethod(obj, name, &method);
        if (method == NULL) {
            PyErr_Clear();
            return 0;
        }
        Py_DECREF(method);
        return unbound;
    #else
        PyObject *dict = PyObject_GenericGetDict(obj, NULL);
        PyObject *found;
        if (dict == NULL) {
            PyErr_Clear();
            return 1;
        }
        found = PyDict_GetItemWithError(dict, name);
        Py_DECREF(dict);
        if (found == NULL && PyErr_Occurred()) {
            PyErr_Clear();
            return 0;
        }
        return found == NULL;
    #endif
    }

    static int slep017_error_set(void) { return -1; }

    /* On the way out of a failed clone: call note(exc, a, b) on the
       exception being raised, which stays raised (the function returns -1
       with it set). The hot loops check for NULL themselves and call this
       only on failure, so that a try block costs nothing on success. A
       RecursionError is left alone (no single culprit, no stack to spare),
       and an error inside note() is dropped in favour of the original. */
    static int slep017_note(PyObject *note, PyObject *a, PyObject *b,
                            Py_ssize_t index) {
        PyObject *type, *value, *traceback, *result = NULL;
        if (PyErr_ExceptionMatches(PyExc_RecursionError)) {
            return -1;
        }
        PyErr_Fetch(&type, &value, &traceback);
        PyErr_NormalizeException(&type, &value, &traceback);
        if (traceback != NULL && value != NULL) {
            PyException_SetTraceback(value, traceback);
        }
        if (value != NULL) {
            /* b is NULL for an entry of a container: pass its index */
            PyObject *third = b != NULL ? (Py_INCREF(b), b) : PyLong_FromSsize_t(index);
            if (third != NULL) {
                result = PyObject_CallFunctionObjArgs(note, value, a, third, NULL);
                Py_DECREF(third);
            }
            if (result == NULL) {
                PyErr_Clear();
            } else {
                Py_DECREF(result);
            }
        }
        PyErr_Restore(type, value, traceback);
        return -1;
    }

    /* PyDict_GetItem without its cost of saving and restoring the error
       state on every call (CPython 3.11); errors are suppressed alike. */
    static PyObject *slep017_dict_get(PyObject *dict, PyObject *key) {
        PyObject *found = PyDict_GetItemWithError(dict, key);
        if (found == NULL && PyErr_Occurred()) {
            PyErr_Clear();
        }
        return found;
    }

    /* The code object of the class's __init__ (borrowed), Py_None when it
       is not a plain Python function. */
    static PyObject *slep017_init_code(PyObject *type, PyObject *name) {
        PyObject *init = _PyType_Lookup((PyTypeObject *)type, name);
        if (init != NULL && PyFunction_Check(init)) {
            return PyFunction_GET_CODE(init);
        }
        return Py_None;
    }

    /* type.__call__(cls, **kw) for a class whose metaclass keeps
       type.__call__, which keeps object.__new__ and has a Python __init__:
       object.__new__(cls), then __init__(self, **kw) by vectorcall, with
       the keyword names as a tuple, so no kwargs dict is built and
       unpacked. args[0] is free for self; args[1..n] hold the values. */
    static PyObject *slep017_construct(PyObject *type, PyObject *init,
                                       PyObject **args, PyObject *kwnames) {
        PyObject *empty = PyTuple_New(0);
        PyObject *self, *result;
        if (empty == NULL) {
            return NULL;
        }
        self = PyBaseObject_Type.tp_new((PyTypeObject *)type, empty, NULL);
        Py_DECREF(empty);
        if (self == NULL) {
            return NULL;
        }
        args[0] = self;
        result = PyObject_Vectorcall(init, args, 1, kwnames);
        args[0] = NULL;
        if (result == NULL) {
            Py_DECREF(self);
            return NULL;
        }
        if (result != Py_None) {
            /* slot_tp_init's own message */
            PyErr_Format(PyExc_TypeError,
                         "__init__() should return None, not '%.200s'",
                         Py_TYPE(result)->tp_name);
            Py_DECREF(result);
            Py_DECREF(self);
            return NULL;
        }
        Py_DECREF(result);
        return self;
    }

    /* Py_EnterRecursiveCall, plus a cap on the C stack our recursion may
       use. CPython's own limit counts Python frames before 3.12 (and a
       program may raise it with sys.setrecursionlimit), and from 3.13
       allows more C frames than ours fit in a thread's stack, so a deep or
       cyclic tree could overflow it. The public entry points record where
       the stack stood; past SLEP017_MAX_STACK bytes from there, the clone
       raises RecursionError. */
    #define SLEP017_MAX_STACK (2 * 1024 * 1024)
    #if defined(__GNUC__) || defined(__clang__)
    #define SLEP017_STACK_POINTER() ((char *)__builtin_frame_address(0))
    #else
    #define SLEP017_STACK_POINTER() ((char *)&slep017_stack_base)
    #endif
    static _Thread_local char *slep017_stack_base = NULL;

    /* 1 when this call recorded the stack position (the outermost entry). */
    static int slep017_stack_mark(void) {
        if (slep017_stack_base != NULL) {
            return 0;
        }
        slep017_stack_base = SLEP017_STACK_POINTER();
        return 1;
    }

    static void slep017_stack_unmark(int marked) {
        if (marked) {
            slep017_stack_base = NULL;
        }
    }

    static int slep017_enter(void) {
        if (slep017_stack_base != NULL) {
            ptrdiff_t used = slep017_stack_base - SLEP017_STACK_POINTER();
            if (used < 0) {
                used = -used;
            }
            if (used > SLEP017_MAX_STACK) {
                PyErr_SetString(PyExc_RecursionError,
                                "maximum recursion depth exceeded while cloning");
                return -1;
            }
        }
        /* Py_EnterRecursiveCall returns non-zero (not -1) on error. */
        return Py_EnterRecursiveCall(" while cloning") ? -1 : 0;
    }
    """
    unsigned int slep017_version_tag(object type, object name)
    int slep017_lookup(object obj, object name, PyObject** result)
    int slep017_method_is_class_own(object obj, object name)
    int slep017_error_set() except -1
    int slep017_enter() except -1
    int slep017_stack_mark() noexcept
    void slep017_stack_unmark(int marked) noexcept
    int slep017_note(PyObject* note, PyObject* a, PyObject* b, Py_ssize_t index) except -1
    PyObject* slep017_dict_get(object d, object key)
    PyObject* slep017_init_code(object type, object name)
    object slep017_construct(object type, object init, PyObject** args, object kwnames)


ctypedef PyObject* (*_raw_clone_t)(object, bint) noexcept

cdef frozenset _ATOMIC_TYPES = _clone_py._ATOMIC_TYPES
cdef enum:
    _SMALL = 32  # parameters held on the stack; more go to the heap
cdef object _FunctionType = types.FunctionType
cdef object _deepcopy = copy.deepcopy
cdef tuple _EMPTY = ()
cdef set _DEFAULT_SKLEARN_CLONE_FUNCS = _compat.DEFAULT_SKLEARN_CLONE_FUNCS
cdef object _not_an_estimator_error = _clone_py._not_an_estimator_error
cdef object _modified_parameter_error = _clone_py._modified_parameter_error
cdef object _carry_metadata_request = _clone_py._carry_metadata_request
cdef object _class_facts_of = _class_facts.class_facts
# Called with an exception set: C globals, so no look-up runs before them.
cdef object _annotate_entry = annotate_entry
cdef object _annotate_parameter = annotate_parameter
cdef object _defined_on_class = _class_facts.defined_on_class
cdef object _introspect_param_names = _clone_py._introspect_param_names

cdef str _METADATA_MODE = _compat.METADATA_REQUEST_COPY or ""
cdef bint _HAS_CALLBACKS = _compat.HAS_CALLBACKS
cdef bint _HAS_OUTPUT_CONFIG = _compat.HAS_OUTPUT_CONFIG
cdef bint _CLONES_DICT = _compat.CLONES_DICT_VALUES

# Interned once: the names looked up on every node.
cdef str _S_INIT = "__init__"
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
    init = cls.__init__
    code = getattr(init, "__code__", None)
    cached = _PARAM_NAMES_CACHE.get(cls)
    if cached is not None and (<tuple>cached)[0] is init and (<tuple>cached)[1] is code:
        return list((<tuple>cached)[2])
    names = _introspect_param_names(cls, init)
    try:
        _PARAM_NAMES_CACHE[cls] = (init, code, tuple(names))
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
    cdef bint own_sklearn_clone
    cdef bint own_get_params_private
    cdef bint plain_init         # cls(**params) stores each one unchanged
    cdef object init             # __init__ to call directly, or None
    cdef bint has_dict           # instances have a __dict__
    cdef tuple direct            # per name: not on the class, so __dict__ has it
    cdef bint class_metadata     # the class itself defines the attribute
    cdef bint class_output
    cdef bint class_callbacks
    cdef tuple names
    cdef object init_code        # __init__.__code__ when facts were made


cdef dict _FACTS = {}


cdef inline unsigned int _version_tag(type cls):
    return slep017_version_tag(cls, _S_GET_PARAMS)


def _forget(key):
    def callback(ref):
        entry = _FACTS.get(key)
        if entry is not None and (<_Facts>entry).cls_ref is ref:
            del _FACTS[key]
    return callback


# In front of _FACTS, a small direct-mapped table keyed by the type's
# address and version tag: a hit costs no allocation and no dict look-up.
# Address and tag together name one class: a class created later at the
# same address gets a new tag (tags are never reused).
cdef struct _Slot:
    PyObject* type       # identity only, no reference held
    unsigned int tag
    PyObject* facts      # a reference to the _Facts

cdef enum:
    _SLOTS = 256

cdef _Slot _slots[_SLOTS]


cdef inline _Facts _facts_for(type cls):
    """The cached facts of ``cls``, or None when they cannot be trusted."""
    cdef unsigned int tag = _version_tag(cls)
    cdef size_t address = <size_t><void*>cls
    cdef _Slot* slot = &_slots[((address >> 4) ^ (address >> 12)) % _SLOTS]
    cdef PyObject* old
    cdef _Facts facts
    if tag == 0:
        return None
    if (
        slot.type == <PyObject*>cls
        and slot.tag == tag
        and slep017_init_code(cls, _S_INIT) is <PyObject*>(<_Facts>slot.facts).init_code
    ):
        return <_Facts>slot.facts
    facts = _facts_slow(cls, tag)
    if facts is not None:
        old = slot.facts
        Py_INCREF(facts)
        slot.facts = <PyObject*>facts
        slot.type = <PyObject*>cls
        slot.tag = tag
        if old is not NULL:
            Py_DECREF(<object>old)
    return facts


cdef _Facts _facts_slow(type cls, unsigned int tag):
    cdef _Facts facts
    key = PyLong_FromVoidPtr(<void*>cls)
    cdef PyObject* found = PyDict_GetItem(_FACTS, key)
    if found is not NULL:
        facts = <_Facts>found
        if (
            facts.tag == tag
            and PyWeakref_GET_OBJECT(facts.cls_ref) is <PyObject*>cls
            # Editing __init__.__code__ in place does not touch the class.
            and slep017_init_code(cls, _S_INIT) is <PyObject*>facts.init_code
        ):
            return facts
    facts = _Facts.__new__(_Facts)
    (
        params_fast,
        clone_default,
        names,
        own_sklearn_clone,
        own_get_params_private,
        plain_init,
        init,
    ) = _class_facts_of(cls)
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
    facts.init_code = <object>slep017_init_code(cls, _S_INIT)
    facts.own_sklearn_clone = own_sklearn_clone
    facts.own_get_params_private = own_get_params_private
    facts.plain_init = plain_init
    facts.init = init
    facts.has_dict = cls.__dictoffset__ != 0
    facts.direct = tuple(
        [not _defined_on_class(cls, name) for name in (names or ())]
    )
    facts.class_metadata = _defined_on_class(cls, _S_METADATA)
    facts.class_output = _defined_on_class(cls, _S_OUTPUT)
    facts.class_callbacks = _defined_on_class(cls, _S_CALLBACKS)
    _FACTS[key] = facts
    return facts


cdef inline object _instance_dict(object obj, _Facts facts):
    # The instance __dict__ of an object being cloned (None without one).
    # Asking for it makes CPython 3.11+ materialise the dict of an object
    # that kept its attributes inline, once per object: scikit-learn does
    # the same whenever it pickles an estimator or checks it is fitted. In
    # exchange every question below is a dictionary look-up.
    if not facts.has_dict:
        return None
    return PyObject_GenericGetDict(obj, NULL)


cdef inline bint _dict_shadows(object d, bint delegating):
    """Whether the instance dict ``d`` hides a method clone would call."""
    if d is None or not <dict>d:
        return False
    return (
        slep017_dict_get(d, _S_GET_PARAMS) is not NULL
        or slep017_dict_get(d, _S_GET_PARAM_NAMES) is not NULL
        or slep017_dict_get(d, _S_GET_PARAMS_PRIVATE) is not NULL
        or (delegating and slep017_dict_get(d, _S_SKLEARN_CLONE) is not NULL)
    )


cdef inline object _probe_in(object obj, object d, str name, bint on_class):
    """``_probe``, answered from the instance dict where the class lacks it."""
    cdef PyObject* found
    if on_class:
        return _probe(obj, name)
    if d is None:
        return _ABSENT
    found = slep017_dict_get(d, name)
    return _ABSENT if found is NULL else <object>found


cdef inline bint _shadowed(object obj, _Facts facts, bint delegating=True):
    """Whether an instance attribute hides a method clone would call.

    Asked without materialising the instance ``__dict__`` (CPython 3.11+
    keeps attributes inline until someone asks for it).
    """
    cdef PyObject* found = NULL
    cdef int status
    if not slep017_method_is_class_own(obj, _S_GET_PARAMS):
        return True
    if not delegating:
        pass  # clone never asks the new object for __sklearn_clone__
    elif facts.own_sklearn_clone:
        if not slep017_method_is_class_own(obj, _S_SKLEARN_CLONE):
            return True
    elif slep017_lookup(obj, _S_SKLEARN_CLONE, &found) != 0:
        Py_XDECREF(found)
        PyErr_Clear()
        return True
    if facts.own_get_params_private and not slep017_method_is_class_own(
        obj, _S_GET_PARAMS_PRIVATE
    ):
        return True
    # A classmethod: it binds to the class unless the instance hides it.
    status = slep017_lookup(obj, _S_GET_PARAM_NAMES, &found)
    if status <= 0:
        PyErr_Clear()  # the general path will raise it again, in its place
        return True
    cdef object cls = type(obj)
    bound = <object>found
    Py_DECREF(bound)  # <object> took its own reference
    return not (PyMethod_Check(bound) and PyMethod_GET_SELF(bound) == <PyObject*>cls)


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
    # Each loop notes, on an exception, which entry it was cloning (see
    # _diagnostics); the try blocks cost nothing until something raises.
    cdef Py_ssize_t i = 0
    cdef dict result
    if t is dict:
        result = {}
        try:
            for k, v in (<dict>estimator).items():
                result[k] = _clone(v, safe)
        except Exception as exc:
            annotate(exc, str(k))
            raise
        return result
    if t is list:
        return _clone_list(<list>estimator, safe)
    if t is tuple:
        return _clone_tuple(<tuple>estimator, safe)
    cloned = []
    try:
        for e in estimator:
            cloned.append(_clone(e, safe))
            i += 1
    except Exception as exc:
        annotate(exc, step_part(estimator, i))
        raise
    return t(cloned)


cdef list _clone_list(list items, bint safe):
    # Sized up front, as upstream's list([...]) ends up: no over-allocation
    # (a ColumnTransformer of 1000 branches holds a list of 1000). The
    # length is read again at every step, as list iteration does, in case
    # cloning an element changes the list.
    cdef Py_ssize_t n = len(items), i = 0
    cdef list result = PyList_New(n)
    cdef PyObject* item
    while i < len(items):
        item = _clone_raw(items[i], safe)  # a new reference, or NULL
        if item is NULL:
            # The slots never filled stay NULL in a list nobody will see:
            # list deallocation and the GC both handle NULL items.
            slep017_note(<PyObject*>_annotate_entry, <PyObject*>items, NULL, i)
        if i < n:
            PyList_SET_ITEM(result, i, <object>item)  # steals our reference
        else:
            result.append(<object>item)
            Py_DECREF(<object>item)
        i += 1
    if i < n:
        del result[i:]  # the list shrank: drop the slots never filled
    return result


cdef tuple _clone_tuple(tuple items, bint safe):
    # Built in place: no intermediate list per tuple (a Pipeline has one
    # tuple per step). An error midway leaves NULL slots, which tuple
    # deallocation handles.
    cdef Py_ssize_t n = len(items), i
    cdef tuple result = PyTuple_New(n)
    cdef PyObject* item
    for i in range(n):
        item = _clone_raw(<object>PyTuple_GET_ITEM(items, i), safe)
        if item is NULL:
            slep017_note(<PyObject*>_annotate_entry, <PyObject*>items, NULL, i)
        PyTuple_SET_ITEM(result, i, <object>item)  # steals our reference
    return result


cdef object _clone(object estimator, bint safe):
    """``clone(estimator, safe=safe)``."""
    cdef type t = type(estimator)
    cdef _Facts facts
    if not safe and _is_atomic(estimator, t):
        return estimator
    if (t is dict and _CLONES_DICT) or t is list or t is tuple or t is set or t is frozenset:
        slep017_enter()
        try:
            return _clone_container(estimator, t, safe)
        finally:
            Py_LeaveRecursiveCall()
    if isinstance(estimator, type):
        # A class is never delegated to: deep-copied as itself, or refused.
        if not safe:
            return estimator
        raise mark_constructor(_not_an_estimator_error(estimator))
    facts = _facts_for(t)
    if facts is not None and facts.params_fast and facts.clone_default:
        d = _instance_dict(estimator, facts)
        if not _dict_shadows(d, True):
            slep017_enter()
            try:
                return _clone_fast(estimator, t, facts, d)
            finally:
                Py_LeaveRecursiveCall()
    slep017_enter()
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
    if (t is dict and _CLONES_DICT) or t is list or t is tuple or t is set or t is frozenset:
        return _clone_container(estimator, t, safe)
    if not isinstance(estimator, type):
        facts = _facts_for(t)
        if facts is not None and facts.params_fast:
            d = _instance_dict(estimator, facts)
            if not _dict_shadows(d, False):
                return _clone_fast(estimator, t, facts, d)
    if not hasattr(estimator, "get_params") or isinstance(estimator, type):
        if not safe:
            try:
                return _deepcopy(estimator)
            except Exception as exc:
                mark_uncopyable(exc)
                raise
        raise mark_constructor(_not_an_estimator_error(estimator))

    klass = estimator.__class__
    new_object_params = estimator.get_params(deep=False)
    for name, param in new_object_params.items():
        try:
            new_object_params[name] = _clone(param, False)
        except Exception as exc:
            annotate_parameter(exc, estimator, name)
            raise

    new_object = klass(**new_object_params)
    _carry_metadata_request(estimator, new_object, clone)

    params_set = new_object.get_params(deep=False)

    if _HAS_CALLBACKS and hasattr(estimator, "_skl_callbacks"):
        new_object._skl_callbacks = estimator._skl_callbacks

    for name in new_object_params:
        if new_object_params[name] is not params_set[name]:
            raise mark_constructor(_modified_parameter_error(estimator, name))

    if _HAS_OUTPUT_CONFIG and hasattr(estimator, "_sklearn_output_config"):
        new_object._sklearn_output_config = _fast_deepcopy(
            estimator._sklearn_output_config
        )
    return new_object


cdef object _ABSENT = object()


cdef inline object _probe(object obj, str name):
    """``getattr(obj, name)``, or ``_ABSENT`` where ``hasattr`` is False.

    No AttributeError is raised and discarded on a miss, which is the
    common case for all three probed attributes.
    """
    cdef PyObject* found = NULL
    cdef int status = slep017_lookup(obj, name, &found)
    if status < 0:
        if not PyErr_ExceptionMatches(AttributeError):
            slep017_error_set()  # propagate it, as hasattr() would
        PyErr_Clear()
        return _ABSENT
    if status == 0:
        return _ABSENT
    value = <object>found
    Py_DECREF(value)
    return value


cdef object _clone_fast(object estimator, type t, _Facts facts, object d):
    """Default ``clone_parametrized`` of an instance of a fast class."""
    cdef Py_ssize_t n = len(facts.names)
    # The parameter values, a free slot, then their clones: one C array, on
    # the stack for the usual handful of parameters, on the heap past that.
    # The slot before the clones lets them be passed to __init__ by
    # vectorcall with self in front.
    cdef PyObject* small[2 * _SMALL + 1]
    cdef PyObject** buffer = small
    cdef Py_ssize_t i
    if n > _SMALL:
        buffer = <PyObject**>PyMem_Malloc((2 * n + 1) * sizeof(PyObject*))
        if buffer is NULL:
            raise MemoryError()
    for i in range(2 * n + 1):
        buffer[i] = NULL
    try:
        return _clone_fast_into(estimator, t, facts, d, buffer, buffer + n + 1)
    finally:
        for i in range(2 * n + 1):
            Py_XDECREF(buffer[i])
        if buffer is not small:
            PyMem_Free(buffer)


cdef object _clone_fast_into(
    object estimator,
    type t,
    _Facts facts,
    object d,
    PyObject** originals,
    PyObject** clones,
):
    # ``originals`` and ``clones`` hold new references, released by the
    # caller; ``clones[-1]`` is the free slot for self.
    cdef tuple names = facts.names
    cdef Py_ssize_t n = len(names), i, mismatch = -1
    cdef dict params
    cdef object value
    cdef tuple direct = facts.direct
    cdef PyObject* found
    # get_params(deep=False) first, all of it, as upstream does. A name the
    # class does not define can only live in the instance dict.
    for i in range(n):
        found = NULL
        if d is not None and direct[i]:
            found = slep017_dict_get(d, names[i])
        if found is not NULL:
            value = <object>found
        else:
            value = getattr(estimator, <str>names[i])
        Py_INCREF(value)
        originals[i] = <PyObject*>value
    for i in range(n):
        clones[i] = _clone_raw(<object>originals[i], False)  # owned by the caller
        if clones[i] is NULL:
            slep017_note(
                <PyObject*>_annotate_parameter,
                <PyObject*>estimator,
                <PyObject*>names[i],
                0,
            )

    if facts.init is not None:
        new_object = slep017_construct(t, facts.init, clones - 1, names)
    else:
        params = {}
        for i in range(n):
            PyDict_SetItem(params, names[i], <object>clones[i])
        new_object = PyObject_Call(t, _EMPTY, params)

    if _METADATA_MODE:
        # Generic attribute access: the class's __getattribute__ is the one
        # _carry_metadata_request would use.
        value = _probe_in(estimator, d, _S_METADATA, facts.class_metadata)
        if value is not _ABSENT:
            try:
                if _METADATA_MODE == "clone":
                    new_object._metadata_request = _clone(value, True)
                else:
                    new_object._metadata_request = _deepcopy(value)
            except AttributeError:
                pass

    # The clone's get_params(deep=False), all of it before any mismatch is
    # reported; not needed where the constructor provably stored each one
    # unchanged.
    if type(new_object) is t and facts.plain_init:
        pass
    elif type(new_object) is t and not _shadowed(new_object, facts, False):
        for i in range(n):
            value = getattr(new_object, <str>names[i])
            if mismatch < 0 and <PyObject*>value != clones[i]:
                mismatch = i
    else:
        params_set = new_object.get_params(deep=False)
        for i in range(n):
            value = params_set[names[i]]
            if mismatch < 0 and <PyObject*>value != clones[i]:
                mismatch = i

    if _HAS_CALLBACKS:
        value = _probe_in(estimator, d, _S_CALLBACKS, facts.class_callbacks)
        if value is not _ABSENT:
            new_object._skl_callbacks = value

    if mismatch >= 0:
        raise mark_constructor(_modified_parameter_error(estimator, names[mismatch]))

    if _HAS_OUTPUT_CONFIG:
        value = _probe_in(estimator, d, _S_OUTPUT, facts.class_output)
        if value is not _ABSENT:
            new_object._sklearn_output_config = _fast_deepcopy(value)
    return new_object


# ``_clone`` seen as the C function it is: a new reference, or NULL with the
# exception set, checked by the caller instead of a try block.
cdef _raw_clone_t _clone_raw = <_raw_clone_t><void*>_clone


# ---------------------------------------------------------------------------
# Public names, as in the reference.

def clone(estimator, *, safe=True):
    cdef int marked = slep017_stack_mark()
    try:
        return _clone(estimator, safe)
    finally:
        slep017_stack_unmark(marked)


def clone_parametrized(estimator, *, safe=True):
    cdef int marked = slep017_stack_mark()
    try:
        slep017_enter()
        try:
            return _clone_parametrized(estimator, safe)
        finally:
            Py_LeaveRecursiveCall()
    finally:
        slep017_stack_unmark(marked)


def sklearn_clone(self):
    cdef int marked = slep017_stack_mark()
    try:
        return _clone_parametrized(self, True)
    finally:
        slep017_stack_unmark(marked)


# Same documentation as the reference: one text to keep.
clone.__doc__ = _clone_py.clone.__doc__
clone_parametrized.__doc__ = _clone_py.clone_parametrized.__doc__
sklearn_clone.__doc__ = _clone_py.sklearn_clone.__doc__
get_param_names.__doc__ = _clone_py.get_param_names.__doc__.replace(
    "_clone_py", "_clone_c"
)

_DEFAULT_SKLEARN_CLONE_FUNCS.add(sklearn_clone)
_compat.DEFAULT_GET_PARAM_NAMES_FUNCS.add(get_param_names)
