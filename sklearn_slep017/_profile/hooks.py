# SPDX-License-Identifier: BSD-3-Clause
"""What :func:`sklearn_slep017.profile` puts in place while its block runs.

A timing wrapper of the clone scikit-learn uses, in every global namespace holding it
(and of ``sklearn.base._clone_parametrized`` under upstream's clone), which
counts outermost calls and their estimator nodes; and a recorder of joblib's
``Parallel`` calls, which says what ran in other processes. Both put back
exactly what they replaced.
"""

import contextlib
import gc
import sys
import threading

from .. import _switch
from .._bench import timing, workloads

# Joblib backends whose tasks run in other processes: clones made there are
# not seen by the wrapper of this process.
PROCESS_BACKENDS = ("LokyBackend", "MultiprocessingBackend", "DaskDistributedBackend")


def summarised(parallel):
    """Joblib calls grouped by backend, workers and where they ran, with counts."""
    groups = {}
    for entry in parallel:
        key = (entry["backend"], entry["n_jobs"], entry["processes"])
        group = groups.setdefault(key, dict(
            backend=key[0], n_jobs=key[1], processes=key[2], calls=0, tasks=0))
        group["calls"] += 1
        group["tasks"] += entry["tasks"] or 0
    return list(groups.values())


def _count_nodes(estimator):
    try:
        return workloads.count_nodes(estimator)
    except Exception:  # a get_params that raises: the clone raised too
        return 0


def _is_node(obj):
    return not isinstance(obj, type) and hasattr(obj, "get_params")


class _Wrapper:
    """The timing wrapper put in place of the installed clone."""

    def __init__(self, original, result, recursion_seen):
        self.original = original
        self.result = result
        # Upstream's clone (and any clone that recurses through
        # sklearn.base.clone) passes its recursion through the wrapper: nodes
        # are counted on the way. Ours recurses inside: counted afterwards.
        self.recursion_seen = recursion_seen
        self.local = threading.local()
        self.function = self._make()

    def _make(self, original=None, inner_is_node=True):
        """A timing wrapper of ``original`` (the installed clone by default).

        ``inner_is_node``: a call made during another counts as one node
        (a clone's recursion); false for ``_clone_parametrized``, reached
        from a clone already counted, or first, from a clone the wrapper
        could not replace (a reference held outside any module).
        """
        original = self.original if original is None else original
        local, clock = self.local, timing.clock

        def clone(estimator, *args, **kwargs):
            if getattr(local, "depth", 0):
                if inner_is_node and _is_node(estimator):
                    local.nodes += 1
                return original(estimator, *args, **kwargs)
            local.depth, local.nodes = 1, 0
            start = clock()
            try:
                return original(estimator, *args, **kwargs)
            finally:
                seconds = clock() - start
                local.depth = 0
                self._done(estimator, seconds)

        clone.__name__ = clone.__qualname__ = getattr(original, "__name__", "clone")
        clone.__doc__ = getattr(original, "__doc__", None)
        clone.__module__ = getattr(original, "__module__", "sklearn.base")
        clone.__wrapped__ = original
        return clone

    def _done(self, estimator, seconds):
        start = timing.clock()
        nodes = self.local.nodes + (1 if _is_node(estimator) else 0)
        if not self.recursion_seen:
            nodes = _count_nodes(estimator)
        self.result._record(estimator, seconds, nodes, timing.clock() - start)


def _namespaces_holding(obj):
    """(namespace, name) pairs of the global namespaces holding ``obj``.

    Module dicts, and the other dicts code runs in as globals (a doctest's,
    an ``exec``'s, ``__main__`` run from a file): a ``from sklearn.base
    import clone`` made in any of them before the block must reach the
    wrapper, or, on a release whose clone recurses through
    ``sklearn.base.clone`` itself, each parameter is taken for an outermost
    call. Namespaces are told by their ``__name__`` key; this package's own
    modules are left alone (a doctest's copy of one is not).
    """
    ours = {id(vars(module)) for name, module in list(sys.modules.items())
            if name.split(".")[0] == "sklearn_slep017" and module is not None}
    for referrer in gc.get_referrers(obj):
        if (not isinstance(referrer, dict) or "__name__" not in referrer
                or id(referrer) in ours):
            continue
        for key, value in list(referrer.items()):
            if value is obj:
                yield referrer, key


@contextlib.contextmanager
def parallel_recorded(result):
    """Record every joblib ``Parallel`` call: backend, workers, tasks."""
    try:
        import joblib
    except ImportError:  # pragma: no cover - joblib is a scikit-learn dependency
        yield
        return
    original = joblib.Parallel.__call__

    def __call__(self, iterable):
        output = original(self, iterable)
        backend = type(getattr(self, "_backend", None)).__name__
        n_jobs = getattr(self, "_cached_effective_n_jobs", None) or 1
        tasks = getattr(self, "n_dispatched_tasks", None)
        if not tasks and isinstance(output, list):
            tasks = len(output)
        result.parallel.append(dict(
            backend=backend, n_jobs=n_jobs, tasks=tasks,
            processes=n_jobs != 1 and backend in PROCESS_BACKENDS,
        ))
        return output

    joblib.Parallel.__call__ = __call__
    try:
        yield
    finally:
        joblib.Parallel.__call__ = original


@contextlib.contextmanager
def clone_wrapped(result):
    """Put the timing wrapper in place of the installed clone, everywhere."""
    installed = sklearn_clone = None
    import sklearn.base

    installed = sklearn.base.clone
    sklearn_clone = _switch._sklearn_clone_name()
    wrapper = _Wrapper(installed, result, recursion_seen=sklearn_clone == "upstream")
    patched = []
    for namespace, name in list(_namespaces_holding(installed)):
        namespace[name] = wrapper.function
        patched.append((namespace, name))
    # Upstream's default __sklearn_clone__ reaches _clone_parametrized
    # through sklearn.base's global: wrapped too, so that a clone called
    # through a reference held nowhere the walk above looks (a local
    # variable, an attribute) is still one outermost call, not one per
    # parameter.
    parametrized = getattr(sklearn.base, "_clone_parametrized", None)
    if sklearn_clone == "upstream" and parametrized is not None:
        entry = wrapper._make(parametrized, inner_is_node=False)
        sklearn.base._clone_parametrized = entry
        patched.append((vars(sklearn.base), "_clone_parametrized"))
        originals = {"_clone_parametrized": parametrized}
    else:
        entry, originals = None, {}
    result.sklearn_clone = sklearn_clone
    try:
        yield
    finally:
        for namespace, name in reversed(patched):
            if name in originals:
                if namespace.get(name) is entry:
                    namespace[name] = originals[name]
            elif namespace.get(name) is wrapper.function:
                namespace[name] = installed
        # Modules imported inside the block took the wrapper from sklearn.base.
        for namespace, name in list(_namespaces_holding(wrapper.function)):
            namespace[name] = installed
