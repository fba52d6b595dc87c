/* SPDX-License-Identifier: BSD-3-Clause
 *
 * C helpers of _clone_c.pyx, on public CPython API only.
 *
 * Two kinds of helper live here:
 *
 * - compatibility shims: the strong-reference APIs that CPython 3.13 made
 *   public (PyDict_GetItemRef, PyWeakref_GetRef, PyList_GetItemRef), spelled
 *   with older public API on older Pythons, each inside its own
 *   PY_VERSION_HEX block: on a free-threaded build no reference is ever
 *   borrowed from a container another thread can change;
 * - the real bounds of the running thread's C stack, so that the compiled
 *   recursion hands a deep subtree to the pure-Python reference (whose
 *   Python-to-Python calls use no C stack from CPython 3.11) long before the
 *   stack runs out, whatever size the thread was given.
 *
 * Nothing here keeps state between calls: no static variables.
 */
#ifndef SKLEARN_SLEP017_CLONE_CAPI_H
#define SKLEARN_SLEP017_CLONE_CAPI_H

#include <Python.h>
#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#  include <windows.h>
#elif defined(__APPLE__) || defined(__linux__) || defined(__FreeBSD__) \
    || defined(__NetBSD__) || defined(__OpenBSD__)
#  include <pthread.h>
#  if defined(__FreeBSD__) || defined(__OpenBSD__)
#    include <pthread_np.h>
#  endif
#endif

/* ---------------------------------------------------------------------- */
/* Compatibility shims                                                     */

/* 1 with a new reference in *result, 0 when missing, -1 on error. */
static inline int
clone_dict_get_ref(PyObject *dict, PyObject *key, PyObject **result)
{
#if PY_VERSION_HEX >= 0x030D0000
    return PyDict_GetItemRef(dict, key, result);
#else
    PyObject *item = PyDict_GetItemWithError(dict, key);
    if (item != NULL) {
        Py_INCREF(item);
        *result = item;
        return 1;
    }
    *result = NULL;
    return PyErr_Occurred() ? -1 : 0;
#endif
}

/* 1 with a new reference to the referent in *result, 0 when it is dead,
   -1 on error (not a weak reference). */
static inline int
clone_weakref_get_ref(PyObject *ref, PyObject **result)
{
#if PY_VERSION_HEX >= 0x030D0000
    return PyWeakref_GetRef(ref, result);
#else
    PyObject *obj = PyWeakref_GetObject(ref);
    if (obj == NULL) {
        *result = NULL;
        return -1;
    }
    if (obj == Py_None) {
        *result = NULL;
        return 0;
    }
    Py_INCREF(obj);
    *result = obj;
    return 1;
#endif
}

/* The item at index i of an exact list, read as the list iterator reads
   it: 1 with a new reference in *result, 0 past the end, -1 on error.
   Without the GIL another thread may shrink the list, or replace and free
   the item, between reading the length and reading the item: the length
   read first only spares the common end an exception, and the item comes
   with its own reference, never borrowed (from 3.13, where free-threaded
   builds exist, PyList_GetItemRef checks the index and takes the reference
   under the list's own synchronisation). A list that shrank ends the loop,
   as it ends a loop over the list's own iterator. */
static inline int
clone_list_get_ref(PyObject *list, Py_ssize_t i, PyObject **result)
{
    *result = NULL;
    if (i >= PyList_Size(list)) {
        return PyErr_Occurred() ? -1 : 0;
    }
#if PY_VERSION_HEX >= 0x030D0000
    *result = PyList_GetItemRef(list, i);
    if (*result == NULL) {
        if (PyErr_ExceptionMatches(PyExc_IndexError)) {
            PyErr_Clear();
            return 0;
        }
        return -1;
    }
    return 1;
#else
    {
        /* With the GIL, which nothing between the two calls releases. */
        PyObject *item = PyList_GetItem(list, i);
        if (item == NULL) {
            return -1;
        }
        Py_INCREF(item);
        *result = item;
        return 1;
    }
#endif
}

/* func.__defaults__ as a new reference (None when it has none), taken at
   once: another thread may replace the tuple, freeing the old one, while
   a borrowed pointer to it is still being read. */
static inline PyObject *
clone_function_defaults(PyObject *func)
{
    PyObject *defaults = PyFunction_GetDefaults(func);
    if (defaults == NULL) {
        if (PyErr_Occurred()) {
            return NULL;
        }
        Py_RETURN_NONE;
    }
    return Py_NewRef(defaults);
}

/* Whether obj's attribute access is object.__getattribute__ with no
   __getattr__ fallback (then type(obj).__getattribute__ is the generic one). */
static inline int
clone_has_generic_getattr(PyObject *obj)
{
    return Py_TYPE(obj)->tp_getattro == PyObject_GenericGetAttr;
}

/* A class made at run time (``class`` statements, ``type()``), never one of
   the static builtin types: neither atomic nor a fixed leaf. */
static inline int
clone_is_heap_type(PyObject *type)
{
    return (PyType_GetFlags((PyTypeObject *)type) & Py_TPFLAGS_HEAPTYPE) != 0;
}

/* A static, immutable type with generic attribute access: what an
   attribute look-up finds on its instances (which the caller checks have no
   __dict__) is fixed for the life of the process. */
static inline int
clone_is_fixed_type(PyObject *type)
{
    unsigned long flags = PyType_GetFlags((PyTypeObject *)type);
    if ((flags & Py_TPFLAGS_HEAPTYPE) || !(flags & Py_TPFLAGS_IMMUTABLETYPE)) {
        return 0;
    }
    return PyType_GetSlot((PyTypeObject *)type, Py_tp_getattro)
           == (void *)PyObject_GenericGetAttr;
}

/* ---------------------------------------------------------------------- */
/* Per-class facts: what tells the compiled clone that a class is unchanged */
/*
 * The compiled clone remembers facts about a class (which get_params and
 * __sklearn_clone__ its instances resolve to, its parameter names, that no
 * class attribute shadows them ...) only while CPython itself says the class
 * has not changed since:
 *
 * - 3.12 and later: a type watcher (PyType_AddWatcher, PyType_Watch), called
 *   by PyType_Modified on the class and, through its subclasses, on every
 *   change of a base. PyType_Modified notifies only a type that holds a
 *   valid version tag, so a class gets facts only after
 *   PyUnstable_Type_AssignVersionTag (the documented unstable tier, beside
 *   the watchers) says it holds one; a class that cannot hold one gets none.
 * - 3.11, whose internals no longer change: the type's version tag itself.
 *   PyType_Modified clears the tag of the class and of all its subclasses;
 *   new tags come from a counter that is never reset, so an unchanged tag
 *   is an unchanged class (and its bases).
 * - 3.10: sys._clear_type_cache() renumbers the tags from 0, so a tag can come
 *   back after a change: no facts, every clone takes the exact general path.
 */

/* 2: watched (3.12+), 1: tagged (3.11), 0: no facts (3.10). */
#if PY_VERSION_HEX >= 0x030C0000
#  define CLONE_FACTS_MODE 2
#elif PY_VERSION_HEX >= 0x030B0000
#  define CLONE_FACTS_MODE 1
#else
#  define CLONE_FACTS_MODE 0
#endif

/* 3.11: the class's version tag, 0 while it holds none. Elsewhere 0. */
static inline unsigned int
clone_type_tag(PyObject *type)
{
#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
    PyTypeObject *tp = (PyTypeObject *)type;
    if (!(tp->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG)) {
        return 0;
    }
    return tp->tp_version_tag;
#else
    (void)type;
    return 0;
#endif
}

typedef int (*clone_type_callback)(PyTypeObject *);

/* 3.12+: a new type watcher's id, -1 with an exception set when none is
   free. Elsewhere -1, no exception. */
static inline int
clone_type_add_watcher(clone_type_callback callback)
{
#if PY_VERSION_HEX >= 0x030C0000
    return PyType_AddWatcher(callback);
#else
    (void)callback;
    return -1;
#endif
}

/* 3.12+: give the watcher id back (at interpreter exit, before the module
   that holds the facts is torn down). Elsewhere nothing. */
static inline int
clone_type_clear_watcher(int watcher)
{
#if PY_VERSION_HEX >= 0x030C0000
    return watcher < 0 ? 0 : PyType_ClearWatcher(watcher);
#else
    (void)watcher;
    return 0;
#endif
}

/* 3.12+: watch the class, then make sure it holds a version tag (without
   one, PyType_Modified returns before notifying). 1 when changes to the
   class and its bases will be reported from now on, 0 when they may not be
   (a class that cannot hold a tag), -1 on error. In that order: a change
   between the two calls finds the class already watched. Elsewhere 0. */
static inline int
clone_type_watch(int watcher, PyObject *type)
{
#if PY_VERSION_HEX >= 0x030C0000
    if (PyType_Watch(watcher, type) < 0) {
        return -1;
    }
    return PyUnstable_Type_AssignVersionTag((PyTypeObject *)type) ? 1 : 0;
#else
    (void)watcher;
    (void)type;
    return 0;
#endif
}

/* 3.12+: the globals and builtins that inlined code reads are watched too
   (PyDict_AddWatcher, PyDict_Watch: public API). A watched dict calls the
   watcher before each change, with the key (NULL when the whole dict is
   cleared, cloned into or freed). The event is passed as an int: the enum
   PyDict_WatchEvent exists from 3.12 only. */
typedef int (*clone_dict_callback)(int, PyObject *, PyObject *, PyObject *);

/* 3.12+: a new dict watcher's id, -1 with an exception set when none is
   free. Elsewhere -1, no exception. */
static inline int
clone_dict_add_watcher(clone_dict_callback callback)
{
#if PY_VERSION_HEX >= 0x030C0000
    return PyDict_AddWatcher((PyDict_WatchCallback)callback);
#else
    (void)callback;
    return -1;
#endif
}

/* 3.12+: give the dict watcher id back (at interpreter exit). */
static inline int
clone_dict_clear_watcher(int watcher)
{
#if PY_VERSION_HEX >= 0x030C0000
    return watcher < 0 ? 0 : PyDict_ClearWatcher(watcher);
#else
    (void)watcher;
    return 0;
#endif
}

/* 3.12+: watch the dict; 1 when its changes will be reported from now on,
   -1 on error. Elsewhere 0. */
static inline int
clone_dict_watch(int watcher, PyObject *dict)
{
#if PY_VERSION_HEX >= 0x030C0000
    return PyDict_Watch(watcher, dict) < 0 ? -1 : 1;
#else
    (void)watcher;
    (void)dict;
    return 0;
#endif
}

/* A flag another thread may clear (a watcher fires on the thread that
   changes the class): read and written atomically where the compiler can,
   so that free-threaded builds see either value, never a torn one. */
static inline int
clone_flag_load(int *flag)
{
#if defined(__GNUC__) || defined(__clang__)
    return __atomic_load_n(flag, __ATOMIC_ACQUIRE);
#else
    return *(volatile int *)flag;
#endif
}

static inline void
clone_flag_store(int *flag, int value)
{
#if defined(__GNUC__) || defined(__clang__)
    __atomic_store_n(flag, value, __ATOMIC_RELEASE);
#else
    *(volatile int *)flag = value;
#endif
}

/* A metaclass that looks attributes up and compares classes as type does
   (no __getattribute__, no __eq__ of its own: upstream's
   ``klass in (list, tuple, set, frozenset)`` then runs no user code). */
static inline int
clone_is_plain_metaclass(PyObject *meta)
{
    return ((PyTypeObject *)meta)->tp_getattro == PyType_Type.tp_getattro
        && ((PyTypeObject *)meta)->tp_richcompare == PyType_Type.tp_richcompare;
}

/* The class can be changed (a heap type not marked immutable). */
static inline int
clone_type_is_mutable(PyObject *type)
{
    return !(PyType_GetFlags((PyTypeObject *)type) & Py_TPFLAGS_IMMUTABLETYPE);
}

/* The class is type or a subclass of it (its instances are classes). */
static inline int
clone_is_metatype(PyObject *type)
{
    return PyType_IsSubtype((PyTypeObject *)type, &PyType_Type);
}

/* Instances of the class look attributes up generically (no
   __getattribute__ or __getattr__). */
static inline int
clone_type_has_generic_getattr(PyObject *type)
{
    return ((PyTypeObject *)type)->tp_getattro == PyObject_GenericGetAttr;
}

/* obj's attribute assignment is the generic one (no __setattr__). */
static inline int
clone_has_generic_setattr(PyObject *obj)
{
    return Py_TYPE(obj)->tp_setattro == PyObject_GenericSetAttr;
}

/* A watcher runs inside PyType_Modified: it keeps whatever exception is
   being raised as it found it. Only 3.12+ has watchers. */
static inline PyObject *
clone_exception_save(void)
{
#if PY_VERSION_HEX >= 0x030C0000
    return PyErr_GetRaisedException();
#else
    return NULL;
#endif
}

static inline void
clone_exception_restore(PyObject *exc)
{
#if PY_VERSION_HEX >= 0x030C0000
    PyErr_SetRaisedException(exc);
#else
    (void)exc;
#endif
}

/* A cell's contents as a new reference; None for an empty cell. */
static inline PyObject *
clone_cell_get(PyObject *cell)
{
    PyObject *contents = PyCell_Get(cell);
    if (contents == NULL && !PyErr_Occurred()) {
        Py_RETURN_NONE;
    }
    return contents;
}

/* A new list of the dict's values, taken under the dict's own lock on a
   free-threaded build. */
static inline PyObject *
clone_dict_values(PyObject *dict)
{
    return PyDict_Values(dict);
}

/* Empty a dict without allocating (the watcher's last resort). */
static inline void
clone_dict_clear(PyObject *dict)
{
    PyDict_Clear(dict);
}

/* ---------------------------------------------------------------------- */
/* The C stack                                                             */

/* Where the stack stands now. The address goes through an integer so that
   no compiler treats it as a dangling pointer (GCC folds a returned local
   address to NULL). */
static char *
clone_stack_pointer(void)
{
    volatile char here = 0;
    volatile uintptr_t address = (uintptr_t)&here;
    return (char *)address;
}

/* The lowest and highest address of the running thread's stack: 1 when the
   platform tells, 0 when it does not (the caller then assumes a modest
   budget from where it stands). */
static int
clone_stack_bounds(char **low, char **high)
{
#if defined(_WIN32) && defined(_WIN32_WINNT) && _WIN32_WINNT >= 0x0602
    ULONG_PTR lo = 0, hi = 0;
    GetCurrentThreadStackLimits(&lo, &hi);
    *low = (char *)lo;
    *high = (char *)hi;
    return hi > lo;
#elif defined(__APPLE__)
    pthread_t self = pthread_self();
    char *top = (char *)pthread_get_stackaddr_np(self);
    size_t size = pthread_get_stacksize_np(self);
    *high = top;
    *low = top - size;
    return size > 0;
#elif defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__) \
    || defined(__OpenBSD__)
    pthread_attr_t attr;
    void *addr = NULL;
    size_t size = 0;
#  if defined(__FreeBSD__) || defined(__OpenBSD__)
    if (pthread_attr_init(&attr) != 0) {
        return 0;
    }
    if (pthread_attr_get_np(pthread_self(), &attr) != 0) {
        pthread_attr_destroy(&attr);
        return 0;
    }
#  else
    if (pthread_getattr_np(pthread_self(), &attr) != 0) {
        return 0;
    }
#  endif
    if (pthread_attr_getstack(&attr, &addr, &size) != 0) {
        pthread_attr_destroy(&attr);
        return 0;
    }
    pthread_attr_destroy(&attr);
    *low = (char *)addr;
    *high = (char *)addr + size;
    return size > 0;
#else
    (void)low;
    (void)high;
    return 0;
#endif
}

#endif /* SKLEARN_SLEP017_CLONE_CAPI_H */
