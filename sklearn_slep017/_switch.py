# SPDX-License-Identifier: BSD-3-Clause
"""Switch the installed scikit-learn to our clone, in-process, reversibly.

The precedent is scikit-learn-intelex's ``patch_sklearn()``: keep a record of
every (owner, attribute, original) replaced, so that ``disable()`` can put
each original object back, by identity, and delete what was absent before.
"""

import contextlib
import datetime
import logging
import os
import sys
import threading
import warnings

import sklearn
import sklearn.base

from . import _clone, _compat
from ._version_range import SUPPORTED_RANGE, is_supported

__all__ = ["enable", "disable", "enabled", "is_enabled", "status"]

#: Where enable() and disable() write their records (INFO: a switch; DEBUG:
#: a call that changed nothing).
logger = logging.getLogger("sklearn_slep017")

#: The variable worker processes read at start-up (``_autoenable.py``).
ENV_VAR = "SKLEARN_SLEP017_ENABLE"

#: How scikit-learn was switched over, as :func:`status` names it.
ROUTES = ("enable()", "enabled()", "environment", "dask plugin")

_MISSING = object()
_LOCK = threading.RLock()
# (owner, attribute name, original value or _MISSING), in the order applied.
_applied = []
_live_impl = None
_installed = {}  # name -> the exact object we put in place of upstream's
# What status() reports beside the installed objects: the route and time of
# the enable() in force, and the environment variable set for the workers
# (its previous value, to put back on disable()).
_record = {"route": None, "since": None, "workers_env": _MISSING}


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


def enable(implementation=None, *, workers=None):
    """Switch the installed scikit-learn to this package's clone.

    Replaces, in this process: ``sklearn.base.clone`` and
    ``sklearn.base._clone_parametrized``, ``BaseEstimator._get_param_names``
    (cached per class) and ``BaseEstimator.__sklearn_clone__`` (added on
    scikit-learn < 1.3, which backports the SLEP017 protocol), and every
    module global, under any name, that *is* scikit-learn's ``clone`` (or
    ``_clone_parametrized``) in modules already imported -- a reference kept
    on purpose included: read ``sklearn_slep017._compat.UPSTREAM_CLONE`` to
    reach upstream's while enabled. Modules imported later get ours from
    ``sklearn.base``.

    Calling it again while enabled with the same implementation changes
    nothing (the route and time :func:`status` reports stay those of the
    first call; a DEBUG record says so); with another implementation it
    raises. It acts on this process only: worker processes (joblib's loky,
    ``n_jobs``) clone with upstream's clone unless they start with
    ``SKLEARN_SLEP017_ENABLE`` set, which ``workers=True`` does for those
    started afterwards. Each switch is logged (INFO) on the
    ``sklearn_slep017`` logger.

    Parameters
    ----------
    implementation : {"compiled", "reference", "cython", "python"} or None, default=None
        Which clone to install; None means the live one
        (:func:`sklearn_slep017.implementation`).
    workers : bool or None, default=None
        True: also set ``SKLEARN_SLEP017_ENABLE`` to that implementation in
        this process's environment, so that worker processes started from
        now on enable it too (:func:`disable` puts the previous value back);
        a ``RuntimeWarning`` says so when joblib's loky workers are already
        running, as they keep the state they started with. False or None:
        leave the environment alone (:func:`status` says whether workers
        will be enabled).

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
    status : Which clone scikit-learn uses, since when, through which route.

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
    _enable(implementation, "enable()", workers)


def _enable(implementation, route, workers=None, forwarders=None):
    """:func:`enable`, recording ``route`` (one of :data:`ROUTES`) for :func:`status`.

    ``forwarders``: the ``_installed`` of an earlier enable() of the same
    implementation, to install the very same objects again (the profiler's
    measurements disable and re-enable; references taken before stay ours).
    """
    global _live_impl
    impl = _clone.get_implementation(implementation)
    with _LOCK:
        if _live_impl is not None:
            if impl is _live_impl:
                logger.debug(
                    "sklearn_slep017: enable() while already enabled (%s, through %s "
                    "since %s): nothing changed",
                    _clone.name_of(impl), _record["route"], _record["since"],
                )
                if workers:
                    _set_workers_env(impl)
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
        if forwarders:
            new_clone = forwarders["clone"]
            new_clone_parametrized = forwarders["clone_parametrized"]
        else:
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
        _record.update(
            route=route, since=datetime.datetime.now(datetime.timezone.utc)
        )
        logger.info(
            "sklearn_slep017: enabled: scikit-learn %s now clones with the %s clone "
            "(through %s)", sklearn.__version__, _clone.name_of(impl), route,
        )
        if workers:
            _set_workers_env(impl)


def _loky_workers_running():
    """Whether joblib's reusable loky executor has live worker processes."""
    loky = sys.modules.get("joblib.externals.loky.reusable_executor")
    executor = getattr(loky, "_executor", None)
    if executor is None:
        return False
    processes = getattr(executor, "_processes", None) or {}
    return bool(processes) and not getattr(executor, "_shutdown_thread", False)


def _set_workers_env(impl):
    name = _clone.name_of(impl)
    if _record["workers_env"] is _MISSING:
        _record["workers_env"] = os.environ.get(ENV_VAR)
    os.environ[ENV_VAR] = name
    logger.info(
        "sklearn_slep017: %s=%s set: worker processes started from now on "
        "enable the %s clone", ENV_VAR, name, name,
    )
    if _loky_workers_running():
        warnings.warn(
            "sklearn_slep017: %s=%s is set for worker processes started from now "
            "on, but joblib's loky workers are already running and keep the state "
            "they started with (upstream's clone). Set %s before the first n_jobs "
            "call, or restart the workers (joblib.externals.loky."
            "get_reusable_executor().shutdown(wait=True))." % (ENV_VAR, name, ENV_VAR),
            RuntimeWarning,
            stacklevel=3,
        )


def _restore_workers_env():
    previous = _record["workers_env"]
    if previous is _MISSING:
        return
    if previous is None:
        os.environ.pop(ENV_VAR, None)
    else:
        os.environ[ENV_VAR] = previous
    _record["workers_env"] = _MISSING
    logger.info(
        "sklearn_slep017: %s put back to %r for worker processes started from "
        "now on (running ones keep their state)", ENV_VAR, previous,
    )


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
            logger.debug("sklearn_slep017: disable() while not enabled: nothing changed")
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
        name = _clone.name_of(_live_impl)
        _live_impl = None
        _record.update(route=None, since=None)
        logger.info(
            "sklearn_slep017: disabled: scikit-learn clones with its own clone "
            "again (the %s clone is no longer installed)", name,
        )
        _restore_workers_env()


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
    _enable(implementation, "enabled()")
    try:
        yield
    finally:
        if not was_enabled:
            disable()


def _sklearn_clone_name():
    """Name the clone ``sklearn.base.clone`` is, read from the object itself."""
    current = getattr(sklearn.base, "clone", None)
    if current is _compat.UPSTREAM_CLONE:
        return "upstream"
    if _live_impl is not None and current is _installed.get("clone"):
        return _clone.name_of(_live_impl)
    return "other"


def _workers_state():
    from . import _autoenable

    value = os.environ.get(ENV_VAR)
    try:
        wanted, implementation = _autoenable.parse(value)
    except ValueError:
        return "not enabled: %s=%r is not understood" % (ENV_VAR, value)
    if not wanted:
        return (
            "not enabled: worker processes (joblib's loky, n_jobs) clone with "
            "upstream's clone; set %s=1 before they start, or enable(workers=True)"
            % ENV_VAR
        )
    name = implementation or _clone.implementation()
    return "enabled at start-up (%s=%s): the %s clone" % (ENV_VAR, value, name)


def status():
    """Which clone scikit-learn uses in this process, since when, and how.

    Read from the installed objects themselves, not from a flag: the
    ``"sklearn_clone"`` entry is what ``sklearn.base.clone`` *is* right now.
    ``"implementation"`` is :func:`sklearn_slep017.implementation` (the
    package's live implementation, used by :func:`sklearn_slep017.clone`
    and by :func:`enable` by default), so the two never disagree; the clone
    scikit-learn uses differs from it only after an explicit
    ``enable("reference")`` (or ``"compiled"``).

    Returns
    -------
    status : dict
        ``"enabled"`` (bool, as :func:`is_enabled`); ``"sklearn_clone"``:
        ``"compiled"``, ``"reference"``, ``"upstream"`` or ``"other"`` (a
        clone someone else put in ``sklearn.base``); ``"implementation"``:
        the package's live implementation; ``"route"``: ``"enable()"``,
        ``"enabled()"``, ``"environment"`` (``SKLEARN_SLEP017_ENABLE``) or
        ``"dask plugin"``, None when not enabled; ``"since"``: when
        (:class:`datetime.datetime`, UTC), None when not enabled;
        ``"workers"``: whether worker processes started from now on enable
        too, in words; ``"environment"``: what the start-up hook did
        (``sklearn_slep017._autoenable.status()``).

    See Also
    --------
    is_enabled : The ``"enabled"`` entry alone.
    sklearn_slep017.implementation : The ``"implementation"`` entry alone.

    Examples
    --------
    >>> import sklearn_slep017
    >>> sklearn_slep017.status()["sklearn_clone"]
    'upstream'
    >>> with sklearn_slep017.enabled("reference"):
    ...     state = sklearn_slep017.status()
    >>> state["sklearn_clone"], state["route"]
    ('reference', 'enabled()')
    """
    from . import _autoenable

    with _LOCK:
        return {
            "enabled": _live_impl is not None,
            "sklearn_clone": _sklearn_clone_name(),
            "implementation": _clone.implementation(),
            "route": _record["route"],
            "since": _record["since"],
            "workers": _workers_state(),
            "environment": _autoenable.status(),
        }


def format_status(state=None):
    """:func:`status` in a few lines of words (the ``status`` verb prints it).

    Parameters
    ----------
    state : dict or None, default=None
        As returned by :func:`status`; None reads it now.

    Returns
    -------
    text : str
        One line per entry, without a trailing newline.
    """
    state = status() if state is None else state
    if state["enabled"]:
        route = "%s (%s)" % (state["route"], ENV_VAR) if state["route"] == "environment" else (
            state["route"])
        head = "scikit-learn clones with the %s clone of sklearn_slep017 (through %s, since %s)" % (
            state["sklearn_clone"], route,
            state["since"].isoformat(timespec="seconds") if state["since"] else "?",
        )
    elif state["sklearn_clone"] == "upstream":
        head = "scikit-learn clones with its own clone (sklearn_slep017 is not enabled)"
    else:
        head = "scikit-learn's clone was replaced by something else (sklearn_slep017 is not enabled)"
    env = state["environment"]
    lines = [
        head,
        "sklearn_slep017's live implementation: %s" % state["implementation"],
        "worker processes: %s" % state["workers"],
        "start-up hook (%s): %s" % (ENV_VAR, env["status"] or "did not run"),
    ]
    if env.get("error"):
        lines[-1] += " (%s)" % env["error"]
    return "\n".join(lines)
