# SPDX-License-Identifier: BSD-3-Clause
"""Notes that say where, deep in an estimator tree, a clone failed.

When cloning fails below the top, the exception keeps upstream's type and
message and gains one PEP 678 note: the path of the parameter that failed,
in scikit-learn's ``set_params`` spelling, and a hint for the common causes.

The spelling: estimator parameters by name, joined by ``__``. A named step
(a tuple whose first item is a string, as in ``Pipeline.steps``,
``FeatureUnion.transformer_list`` or ``ColumnTransformer.transformers``) is
named by its step name; where the owner's ``get_params(deep=True)`` knows
that name, the list parameter itself is left out, exactly as ``set_params``
expects (``features__net__model``, not ``steps__features__...``). Other
list or tuple entries are named by their index (the estimator inside a
named step adds nothing; its other positions add their index, e.g.
``transformers__f__2`` for a ``ColumnTransformer``'s columns), dict values
by their key. Such index parts cannot be passed to ``set_params`` but say
precisely where the failure is.

Each level of the recursion prepends its part on the way out, rewriting the
one note; nothing runs unless a clone fails.
"""

import inspect

from . import _compat

__all__ = [
    "annotate",
    "annotate_entry",
    "annotate_parameter",
    "mark_constructor",
    "mark_uncopyable",
    "parameter_path",
    "step_part",
]

_PATH = "_sklearn_slep017_path"
_NOTE = "_sklearn_slep017_note"
_CAUSE = "_sklearn_slep017_cause"
_PREFIX = "sklearn_slep017: cloning failed at parameter path "

_HINTS = {
    "uncopyable": (
        "Hint: this parameter holds an object that cannot be deep-copied (a "
        "built model, a lock, a file, a session): pass a factory that builds "
        "it, or give the estimator a __sklearn_clone__ that rebuilds it."
    ),
    "constructor": (
        "Hint: the estimator's constructor must store each parameter "
        "unchanged (no copying, converting or validating); do that in fit."
    ),
    "class": (
        "Hint: a class was passed where an instance is expected; pass an "
        "instance, e.g. Estimator() rather than Estimator."
    ),
    "not_estimator": (
        "Hint: an object without get_params was passed where an estimator is "
        "expected; wrap it in an estimator, or clone with safe=False."
    ),
}

# Errors with no single culprit, or during which running more code is unsafe.
_SKIPPED = (RecursionError, MemoryError)


def _mark(exc, cause):
    try:
        if getattr(exc, _CAUSE, None) is None:
            setattr(exc, _CAUSE, cause)
    except Exception:  # a type without a __dict__, or a hostile one
        pass
    return exc


def mark_uncopyable(exc):
    """Record that ``exc`` came out of ``copy.deepcopy`` of a parameter."""
    return _mark(exc, "uncopyable")


def mark_constructor(exc):
    """Record that ``exc`` is the constructor sanity check's, or a refusal."""
    message = str(exc)
    if message.startswith("Cannot clone object. You should provide an instance"):
        return _mark(exc, "class")
    if "does not implement a 'get_params' method" in message:
        return _mark(exc, "not_estimator")
    return _mark(exc, "constructor")


def step_part(container, index):
    """The path part of entry ``index`` of a list, tuple or set ``container``.

    Returns None for the estimator position of a named step (the step name
    already stands for it).
    """
    if type(container) is tuple and container and type(container[0]) is str:
        return None if index == 1 else str(index)
    item = None
    if type(container) in (list, tuple) and index < len(container):
        item = container[index]
    if type(item) is tuple and item and type(item[0]) is str:
        return item[0]
    return str(index)


def annotate(exc, part):
    """Prepend ``part`` to the parameter path carried by ``exc``.

    Never raises: the exception being annotated is the user's, and a
    failure to annotate it (an exception class whose ``__notes__`` or
    attributes misbehave, a key whose ``str`` raises) must not replace it.

    Parameters
    ----------
    exc : BaseException
        The exception on its way out of a nested clone; only ``Exception``
        subclasses other than ``RecursionError`` and ``MemoryError`` are
        annotated.
    part : object or None
        The path part of the level it is leaving (a dict key is spelled with
        ``str``); None adds nothing.
    """
    if part is None or not isinstance(exc, Exception) or isinstance(exc, _SKIPPED):
        return
    try:
        _annotate(exc, str(part))
    except Exception:
        pass


def _annotate(exc, part):
    try:
        path = getattr(exc, _PATH, None)
        path = part if path is None else part + "__" + path
        setattr(exc, _PATH, path)
    except AttributeError:  # an exception type without a __dict__
        return
    note = _PREFIX + repr(path)
    hint = _HINTS.get(getattr(exc, _CAUSE, None))
    if hint:
        note += "\n" + hint
    notes = getattr(exc, "__notes__", None)
    if not isinstance(notes, list):
        notes = []
        exc.__notes__ = notes  # add_note is 3.11+; the list works everywhere
    previous = getattr(exc, _NOTE, None)
    for i, existing in enumerate(notes):
        if existing is previous:
            notes[i] = note
            break
    else:
        notes.append(note)
    setattr(exc, _NOTE, note)


def annotate_parameter(exc, estimator, name):
    """Prepend parameter ``name`` of ``estimator`` to the path of ``exc``.

    The parameter is left out where ``set_params`` addresses its named steps
    directly (a composition such as ``Pipeline.steps``).
    """
    try:
        path = getattr(exc, _PATH, None)
        if path is not None and _addressed_by_step_name(estimator, name, path):
            return
    except Exception:  # never replace the exception being annotated
        return
    annotate(exc, name)


def _addressed_by_step_name(estimator, name, path):
    # Decided without running any user code (a failing clone must run no
    # more of it than the clone itself did): the attribute read statically,
    # and only a scikit-learn composition whose get_params provably
    # addresses its steps by name.
    step, _, rest = path.partition("__")
    if rest.split("__", 1)[0].isdigit():
        return False  # a position inside the step, not its estimator
    value = inspect.getattr_static(estimator, name, None)
    if type(value) not in (list, tuple) or not any(
        type(item) is tuple and item and type(item[0]) is str and item[0] == step
        for item in value
    ):
        return False
    # (an instance attribute is found first, and is no override)
    get_params = inspect.getattr_static(estimator, "get_params", None)
    _, overrides = _compat.known_get_params()
    return any(
        get_params is override and _compat.runs_original_code(override)
        for override, _ in overrides
    )


def annotate_entry(exc, container, index):
    """Prepend the part of entry ``index`` of ``container`` to the path of ``exc``."""
    try:
        part = step_part(container, index)
    except Exception:  # never replace the exception being annotated
        return
    annotate(exc, part)


def parameter_path(exc):
    """The parameter path a failed clone recorded on ``exc``, or None.

    Examples
    --------
    >>> from sklearn.pipeline import Pipeline
    >>> from sklearn.preprocessing import FunctionTransformer
    >>> import threading
    >>> from sklearn_slep017 import clone
    >>> from sklearn_slep017._diagnostics import parameter_path
    >>> pipe = Pipeline([("f", FunctionTransformer(inv_kw_args=[threading.Lock()]))])
    >>> try:
    ...     clone(pipe)
    ... except TypeError as exc:
    ...     parameter_path(exc)
    'f__inv_kw_args__0'
    """
    return getattr(exc, _PATH, None)
