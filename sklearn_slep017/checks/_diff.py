# SPDX-License-Identifier: BSD-3-Clause
"""The structural diff: walking an estimator's parameter tree, comparing values.

Paths are spelled as ``set_params`` spells them (see the package docstring,
*How a parameter is named*); values are compared the way ``clone`` copies
them (*How values are compared*).
"""

import copy
import enum
import functools
import re
import types

import numpy as np

from .. import _clone_kernel


ROOT = "(the estimator)"
_MAX_DEPTH = 40
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")

# Values known to be shareable without asking copy.deepcopy: those the clone
# returns as is (its own list) and immutable numpy / enum / regex values. Only
# a shortcut: anything else is shareable when deepcopy gives it back itself.
_ATOMS = tuple(_clone_kernel.ATOMIC_TYPES) + (
    type,
    types.FunctionType,
    np.generic,
    np.dtype,
    enum.Enum,
    re.Pattern,
)


# --------------------------------------------------------------------------
# Walking the parameter tree


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
    (``exec``) when unpickling it, and some libraries rebuild a class made
    inside a function (see ``_local_class_diff``). Such copies never compare equal with
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
    if isinstance(a, (classmethod, staticmethod)):
        return _callable_diff(a.__func__, b.__func__, seen, depth) or []
    if isinstance(a, property):
        for part in ("fget", "fset", "fdel"):
            inner = _diff(getattr(a, part), getattr(b, part), (), seen, depth + 1)
            if inner:
                return ["property %s differ: %s" % (part, inner[0][1])]
        return []
    if isinstance(a, type) and _is_local_class(a) and _is_local_class(b):
        return _local_class_diff(a, b, seen, depth)
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


def _is_local_class(cls):
    return "<locals>" in getattr(cls, "__qualname__", "")


# Per-class entries that are new objects in every class, whatever it holds.
_CLASS_OWN = frozenset(("__dict__", "__weakref__", "_abc_impl"))


def _local_class_diff(a, b, seen, depth):
    """What differs between two classes defined inside a function.

    Such a class cannot be pickled by reference, so a library that holds one
    rebuilds it when pickled or deep-copied (ngboost's ``NGBClassifier``
    rebuilds its ``k_categorical(K)`` distribution class in
    ``__setstate__``): the copy is a new class, made by the same code. Two
    are the same class when their names, bases and namespaces are (the
    functions in them compared by code, defaults and closure); classes made
    by the same factory with other arguments differ there.
    """
    if (a.__module__, a.__qualname__) != (b.__module__, b.__qualname__):
        return ["class %s vs class %s" % (_short(a), _short(b))]
    inner = _diff(list(a.__bases__), list(b.__bases__), (), seen, depth + 1)
    if inner:
        return ["class %s: bases differ: %s" % (a.__qualname__, inner[0][1])]
    left = {k: v for k, v in vars(a).items() if k not in _CLASS_OWN}
    right = {k: v for k, v in vars(b).items() if k not in _CLASS_OWN}
    inner = _diff(left, right, (), seen, depth + 1)
    if inner:
        path, detail = inner[0]
        return ["class %s: %s differ: %s" % (
            a.__qualname__, ".".join(path) or "attributes", detail)]
    return []


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
