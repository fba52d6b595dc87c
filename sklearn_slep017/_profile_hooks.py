# SPDX-License-Identifier: BSD-3-Clause
"""What :func:`sklearn_slep017.profile` puts in place while its block runs.

A timing wrapper of the clone scikit-learn uses, in every module holding it
(and of ``sklearn.base._clone_parametrized`` under upstream's clone), which
counts outermost calls and their estimator nodes; and a recorder of joblib's
``Parallel`` calls, which says what ran in other processes. Both put back
exactly what they replaced.
"""

import contextlib
import sys
import threading

from . import _switch, _timing, _workloads

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
        return _workloads.count_nodes(estimator)
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
        local, clock = self.local, _timing.clock

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
        start = _timing.clock()
        nodes = self.local.nodes + (1 if _is_node(estimator) else 0)
        if not self.recursion_seen:
            nodes = _count_nodes(estimator)
        self.result._record(estimator, seconds, nodes, _timing.clock() - start)


def _modules_holding(obj):
    for module in list(sys.modules.values()):
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for attr, value in list(namespace.items()):
            if value is obj:
                yield module, attr


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
    for module, attr in list(_modules_holding(installed)):
        setattr(module, attr, wrapper.function)
        patched.append((module, attr))
    # Upstream's default __sklearn_clone__ reaches _clone_parametrized
    # through sklearn.base's global: wrapped too, so that a clone called
    # through a reference no module holds (a doctest's namespace, a local
    # variable) is still one outermost call, not one per parameter.
    parametrized = getattr(sklearn.base, "_clone_parametrized", None)
    if sklearn_clone == "upstream" and parametrized is not None:
        entry = wrapper._make(parametrized, inner_is_node=False)
        setattr(sklearn.base, "_clone_parametrized", entry)
        patched.append((sklearn.base, "_clone_parametrized"))
        originals = {"_clone_parametrized": parametrized}
    else:
        entry, originals = None, {}
    result.sklearn_clone = sklearn_clone
    try:
        yield
    finally:
        for module, attr in reversed(patched):
            if attr in originals:
                if module.__dict__.get(attr) is entry:
                    setattr(module, attr, originals[attr])
            elif module.__dict__.get(attr) is wrapper.function:
                setattr(module, attr, installed)
        # Modules imported inside the block took the wrapper from sklearn.base.
        for module, attr in list(_modules_holding(wrapper.function)):
            setattr(module, attr, installed)


