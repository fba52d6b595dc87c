# SPDX-License-Identifier: BSD-3-Clause
"""Switch the installed scikit-learn to our clone, in-process, reversibly.

The precedent is scikit-learn-intelex's ``patch_sklearn()``: keep a record of
every (owner, attribute, original) replaced, so that ``disable()`` can put
each original object back, by identity, and delete what was absent before.
"""

import contextlib
import sys
import threading

import sklearn
import sklearn.base

from . import _clone, _compat
from ._version_range import SUPPORTED_RANGE, is_supported

__all__ = ["enable", "disable", "enabled", "is_enabled"]

_MISSING = object()
_LOCK = threading.RLock()
# (owner, attribute name, original value or _MISSING), in the order applied.
_applied = []
_live_impl = None
_installed = {}  # name -> the exact object we put in place of upstream's


def _forwarder(impl_function, name):
    # A function of our own, not the implementation's itself: ``disable()``
    # finds every module that took a reference to it (modules imported while
    # we are enabled included) and gives them upstream's back, without
    # touching modules that chose ``sklearn_slep017.clone`` on purpose.
    def forward(estimator, *, safe=True):
        return impl_function(estimator, safe=safe)

    forward.__name__ = forward.__qualname__ = name
    forward.__doc__ = impl_function.__doc__
    forward.__module__ = "sklearn.base"
    return forward


def _replace(owner, name, value):
    original = owner.__dict__.get(name, _MISSING) if isinstance(owner, type) else (
        getattr(owner, name, _MISSING)
    )
    _applied.append((owner, name, original))
    setattr(owner, name, value)


def _restore(owner, name, original):
    if original is _MISSING:
        try:
            delattr(owner, name)
        except AttributeError:
            pass
    else:
        setattr(owner, name, original)


def _modules_holding(obj):
    # Modules (ours excepted) with a global that *is* ``obj``: those that did
    # ``from sklearn.base import clone`` (under any name).
    for module_name, module in list(sys.modules.items()):
        if module is None or module_name.split(".")[0] == "sklearn_slep017":
            continue
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for attr, value in list(namespace.items()):
            if value is obj:
                yield module, attr


def enable(implementation=None):
    """Switch the installed scikit-learn to this package's clone.

    Replaces, in this process: ``sklearn.base.clone`` and
    ``sklearn.base._clone_parametrized``, ``BaseEstimator._get_param_names``
    (cached per class) and ``BaseEstimator.__sklearn_clone__`` (added on
    scikit-learn < 1.3, which backports the SLEP017 protocol), and every
    module global, under any name, that *is* scikit-learn's ``clone`` (or
    ``_clone_parametrized``) in modules already imported -- a reference kept
    on purpose included: read ``sklearn_slep017._compat.UPSTREAM_CLONE`` to
    reach upstream's while enabled. Modules imported later get ours from
    ``sklearn.base``. Calling it again while enabled does nothing.

    Parameters
    ----------
    implementation : {"compiled", "reference", "cython", "python"} or None, default=None
        Which clone to install; None means the live one
        (:func:`sklearn_slep017.implementation`).

    Raises
    ------
    RuntimeError
        If the installed scikit-learn is outside the supported range; nothing
        is changed then.
    ValueError
        If ``implementation`` names an unknown or unavailable implementation.

    See Also
    --------
    disable : Put every replaced object back.
    enabled : A context manager doing both.

    Examples
    --------
    >>> import sklearn.base, sklearn_slep017
    >>> sklearn_slep017.enable()
    >>> sklearn_slep017.is_enabled()
    True
    >>> sklearn_slep017.disable()
    >>> sklearn.base.clone is sklearn_slep017._compat.UPSTREAM_CLONE
    True
    """
    global _live_impl
    impl = _clone.get_implementation(implementation)
    with _LOCK:
        if _live_impl is not None:
            if impl is _live_impl:
                return
            raise RuntimeError(
                "sklearn_slep017 is already enabled with another implementation; "
                "call disable() first."
            )
        if not is_supported(_compat.SKLEARN_VERSION):
            raise RuntimeError(
                "sklearn_slep017 supports scikit-learn %s; the installed version "
                "is %s. Nothing was changed." % (SUPPORTED_RANGE, sklearn.__version__)
            )
        base = sklearn.base
        estimator = _compat.UPSTREAM_BASE_ESTIMATOR
        new_clone = _forwarder(impl.clone, "clone")
        new_clone_parametrized = _forwarder(
            impl.clone_parametrized, "_clone_parametrized"
        )
        try:
            for module, attr in list(_modules_holding(_compat.UPSTREAM_CLONE)):
                _replace(module, attr, new_clone)
            if _compat.UPSTREAM_CLONE_PARAMETRIZED is not None:
                for module, attr in list(
                    _modules_holding(_compat.UPSTREAM_CLONE_PARAMETRIZED)
                ):
                    _replace(module, attr, new_clone_parametrized)
            else:
                _replace(base, "_clone_parametrized", new_clone_parametrized)
            _replace(estimator, "_get_param_names", classmethod(impl.get_param_names))
            _replace(estimator, "__sklearn_clone__", impl.sklearn_clone)
        except BaseException:
            _undo()
            raise
        _installed.update(
            clone=new_clone, clone_parametrized=new_clone_parametrized
        )
        _live_impl = impl


def _undo():
    while _applied:
        _restore(*_applied.pop())


def disable():
    """Put back every scikit-learn object that :func:`enable` replaced.

    Each replaced attribute gets its original object back (the same object,
    by identity) and attributes that did not exist before are deleted.
    Modules imported while enabled, which took our ``clone`` from
    ``sklearn.base``, get upstream's. Calling it while disabled does nothing.

    See Also
    --------
    enable : Switch scikit-learn to this package's clone.

    Examples
    --------
    >>> import sklearn_slep017
    >>> sklearn_slep017.disable()
    >>> sklearn_slep017.is_enabled()
    False
    """
    global _live_impl
    with _LOCK:
        if _live_impl is None:
            return
        late = [
            (module, attr, original)
            for ours, original in (
                (_installed["clone"], _compat.UPSTREAM_CLONE),
                (_installed["clone_parametrized"], _compat.UPSTREAM_CLONE_PARAMETRIZED),
            )
            for module, attr in _modules_holding(ours)
        ]
        _undo()
        for module, attr, original in late:
            if module.__dict__.get(attr) not in (
                _installed["clone"],
                _installed["clone_parametrized"],
            ):
                continue  # the undo already restored it
            # Still holding ours: a module imported while we were enabled.
            if original is None:
                delattr(module, attr)
            else:
                setattr(module, attr, original)
        _installed.clear()
        _live_impl = None


def is_enabled():
    """Whether :func:`enable` is in force in this process.

    It is True from :func:`enable` until :func:`disable`, including inside
    an :func:`enabled` block, and only in the process that called it.

    Returns
    -------
    enabled : bool
        True while scikit-learn uses this package's clone.

    Examples
    --------
    >>> import sklearn_slep017
    >>> sklearn_slep017.is_enabled()
    False
    """
    return _live_impl is not None


@contextlib.contextmanager
def enabled(implementation=None):
    """Enable this package's clone inside a ``with`` block.

    On leaving the block the previous state comes back: it disables only if
    it was not already enabled on entry.

    Parameters
    ----------
    implementation : {"compiled", "reference", "cython", "python"} or None, default=None
        Passed to :func:`enable`.

    Yields
    ------
    None

    Examples
    --------
    >>> import sklearn.base, sklearn_slep017
    >>> from sklearn.linear_model import Ridge
    >>> with sklearn_slep017.enabled():
    ...     sklearn.base.clone(Ridge(alpha=2.0))
    Ridge(alpha=2.0)
    >>> sklearn_slep017.is_enabled()
    False
    """
    was_enabled = is_enabled()
    enable(implementation)
    try:
        yield
    finally:
        if not was_enabled:
            disable()
