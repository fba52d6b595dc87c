# SPDX-License-Identifier: BSD-3-Clause
"""Why a clone fails, and what to do about it.

:data:`CAUSE_HINTS` holds the one-line hints for the common causes of a
failing ``clone`` (a parameter that cannot be deep-copied, a constructor that
modifies its arguments, ``*args``, a cycle, an object that is no estimator);
:func:`_clone_failure` finds the parameter to blame by cloning the tree one
node at a time and picks the hint. The hints of each broken promise are
declared with the check (``_contract.py``).
"""

import types

from ._diff import _MAX_DEPTH, ROOT, _children, _diff, _is_estimator, _params, _short, _spell
from ._outcomes import CloneContractError


CAUSE_HINTS = {
    "clone": (
        "clone rebuilds an estimator from get_params(deep=False), cloning each "
        "value (deep-copying non-estimators); make every parameter a "
        "constructor argument stored unchanged"
    ),
    "deepcopy": (
        "parameters are deep-copied by clone: pass something that can be (a "
        "function that builds the model, or its configuration) and build the "
        "model in fit, or give the wrapper a __sklearn_clone__ that rebuilds it"
    ),
    "modified": (
        "store constructor arguments unchanged in __init__ (self.x = x) and "
        "return them unchanged from get_params; validate or copy them in fit"
    ),
    "not_estimator": (
        "wrap the object in an estimator with get_params/set_params (subclass "
        "BaseEstimator), or pass a callable that builds it"
    ),
    "varargs": "declare every parameter explicitly in __init__ (no *args)",
    "recursion": (
        "a parameter refers back to an enclosing object, or its attribute "
        "lookup invents attributes: break the cycle"
    ),
}


# --------------------------------------------------------------------------
# Locating what makes an operation fail


def _attribute_culprit(obj, op, depth=0, seen=None):
    """The attribute chain inside a non-estimator object on which ``op`` fails."""
    if seen is None:
        seen = set()
    if depth > 4 or id(obj) in seen:
        return None
    seen.add(id(obj))
    try:
        attributes = vars(obj)
    except TypeError:
        return None
    for name, value in list(attributes.items()):
        try:
            op(value)
        except Exception:
            deeper = _attribute_culprit(value, op, depth + 1, seen)
            if deeper:
                return (name,) + deeper
            return (name,)
    return None


def _modified_params(est, clone):
    """Every parameter the constructor (or get_params) does not give back as is.

    Returns a list of ``(name, message)``: a value given back equal but not
    the same object means the constructor (or ``get_params``) stored a copy.
    """
    params = _params(est)
    cloned = {name: clone(value, safe=False) for name, value in params.items()}
    new = type(est)(**cloned)
    back = _params(new)
    found = []
    for name, value in cloned.items():
        if name in back and back[name] is value:
            continue
        got = back.get(name, "<missing>")
        if name in back and not _diff(value, got):
            message = (
                "the constructor of %s stored a copy (or get_params returns one): "
                "given %s, got back an equal object that is not the same one, and "
                "clone checks identity" % (type(est).__name__, _short(value))
            )
        else:
            message = (
                "the constructor of %s either does not set or modifies it, or "
                "get_params returns a copy: given %s, got back %s"
                % (type(est).__name__, _short(value), _short(got))
            )
        found.append((name, message))
    return found


def _attribute_extra(child, op):
    # Classes and functions pickle by name, not by their attributes:
    # the value itself is what fails, not its __init__ or __dict__.
    if _is_estimator(child) or isinstance(
        child, (list, tuple, dict, set, frozenset, type, types.FunctionType)
    ):
        return None
    chain = _attribute_culprit(child, op)
    if not chain:
        return None
    holder = child
    for name in chain:
        holder = vars(holder)[name]
    kind = type(holder)
    kind = kind.__qualname__ if kind.__module__ == "builtins" else (
        "%s.%s" % (kind.__module__, kind.__qualname__))
    return "inside it, attribute %s (a %s) is what fails" % (".".join(chain), kind)


def _locate_all(obj, op, clone, path=(), depth=0, seen=None):
    """Every deepest node below ``obj`` (on which ``op`` fails) that fails.

    Returns a list of ``(path, exception, value, extra)``, one per broken
    parameter, in tree order; empty when no descendant fails and no
    constructor problem is found.
    """
    if seen is None:
        seen = set()
    if depth > _MAX_DEPTH or id(obj) in seen:
        return []
    seen.add(id(obj))
    found = []
    for segments, child in _children(obj):
        try:
            op(child)
        except RecursionError as exc:
            found.append((path + segments, exc, child, None))
        except Exception as exc:
            deeper = _locate_all(child, op, clone, path + segments, depth + 1, seen)
            if deeper:
                found.extend(deeper)
            else:
                found.append((path + segments, exc, child, _attribute_extra(child, op)))
    if not found and clone is not None and _is_estimator(obj):
        try:
            modified = _modified_params(obj, clone)
        except Exception:
            modified = []
        for name, message in modified:
            found.append((path + (name,), RuntimeError(message), None, "modified"))
    return found


def _locate(obj, op, clone, path=(), depth=0, seen=None):
    """The first of :func:`_locate_all`'s findings, or None."""
    found = _locate_all(obj, op, clone, path, depth, seen)
    return found[0] if found else None


def _hint_for(exc, extra=None):
    text = str(exc)
    if extra == "modified" or "does not set or modifies" in text or "stored a copy" in text:
        return CAUSE_HINTS["modified"]
    if isinstance(exc, RecursionError):
        return CAUSE_HINTS["recursion"]
    if "get_params" in text and isinstance(exc, TypeError):
        return CAUSE_HINTS["not_estimator"]
    if "varargs" in text:
        return CAUSE_HINTS["varargs"]
    if "pickle" in text or "deepcopy" in text or "copy" in text:
        return CAUSE_HINTS["deepcopy"]
    return CAUSE_HINTS["clone"]


def _describe(exc):
    text = " ".join(str(exc).split())
    if len(text) > 300:
        text = text[:297] + "..."
    return "%s: %s" % (type(exc).__name__, text)


def _clone_or_fail(estimator, clone, check, promise):
    """``clone(estimator)``, or a CloneContractError naming the parameter to blame."""
    try:
        return clone(estimator)
    except Exception as exc:
        raise _clone_failure(estimator, clone, check, promise, exc) from exc


def _clone_failure(estimator, clone, check, promise, exc):
    try:
        found = _locate_all(
            estimator, lambda value: clone(value, safe=False), clone
        )
    except Exception:  # never let the diagnosis hide the error
        found = []
    if not found:
        return CloneContractError(check, promise, [(ROOT, _describe(exc))], _hint_for(exc))
    problems, hints = [], []
    for path, inner, _value, extra in found:
        # The clone's own message names the first broken parameter; the
        # others are found by cloning node by node.
        if not problems:
            detail = "clone raised %s" % _describe(exc)
            if inner is not exc and _describe(inner) != _describe(exc):
                detail += "; here: %s" % _describe(inner)
        else:
            detail = "also broken: %s" % _describe(inner)
        if extra and extra != "modified":
            detail += "; %s" % extra
        problems.append((_spell(path), detail))
        hint = _hint_for(inner, extra)
        if hint not in hints:
            hints.append(hint)
    return CloneContractError(check, promise, problems, " / ".join(hints))
