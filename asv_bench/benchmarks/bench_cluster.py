"""A search on a Dask cluster, with and without the package on the workers.

A ``distributed.LocalCluster`` with two worker processes (one thread each)
is started in ``setup`` and closed in ``teardown``; the search is
``bench_search``'s ``GridSearchCV`` run through joblib's ``dask`` backend
(``n_jobs=-1`` from ``parallel_config``): the parent clones the pipeline per task, each worker clones
the candidate's parameters (upstream's ``_fit_and_score``).

``mode`` is ``upstream`` (scikit-learn untouched in the parent and on the
workers) or ``enabled`` (``sklearn_slep017.enable()`` in the parent, and on
every worker through ``sklearn_slep017.dask.EnablePlugin``).
``track_upstream_over_enabled`` times both on one cluster, interleaved (the
plugin registered and unregistered between runs), and reports the ratio of
the medians: above 1 means the package made the search faster.

Skipped (``NotImplementedError`` in ``setup``) where ``distributed`` or
``sklearn_slep017.dask`` is missing (an older revision under
``asv continuous``).
"""

import logging
import statistics
import time

import sklearn_slep017

from .bench_search import make_search
from .common import QUICK, reset

MODES = ["upstream", "enabled"]
REPEATS = 1 if QUICK else 5


def start_cluster():
    """A two-process ``LocalCluster`` and its client (or NotImplementedError)."""
    try:
        from distributed import Client, LocalCluster
        from sklearn_slep017.dask import EnablePlugin  # noqa: F401
    except ImportError as exc:
        raise NotImplementedError("needs distributed and sklearn_slep017.dask: %s" % exc)
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR)
    client = Client(cluster)
    client.wait_for_workers(2, timeout=300)
    return cluster, client


def workers_enabled(client):
    return set(client.run(sklearn_slep017.is_enabled).values())


def _has_worker_plugin(name, dask_scheduler=None):
    return name in dask_scheduler.worker_plugins


def set_mode(client, mode):
    from sklearn_slep017.dask import EnablePlugin

    if mode == "enabled":
        sklearn_slep017.enable()
        client.register_plugin(EnablePlugin())
        expected = {True}
    elif mode == "upstream":
        if client.run_on_scheduler(_has_worker_plugin, name=EnablePlugin.name):
            client.unregister_worker_plugin(EnablePlugin.name)
        reset()
        expected = {False}
    else:
        raise ValueError("unknown mode %r" % (mode,))
    if workers_enabled(client) != expected:
        raise RuntimeError("workers are not %r" % (mode,))


def search_on(search):
    from joblib import parallel_config

    def run():
        with parallel_config(backend="dask", n_jobs=-1):
            search()

    return run


class TimeClusterSearch:
    params = [MODES]
    param_names = ["mode"]
    timeout = 600
    number = 1
    repeat = (1, 3 if QUICK else 7, 120.0)

    def setup(self, mode):
        self.cluster, self.client = start_cluster()
        set_mode(self.client, mode)
        self.run = search_on(make_search("GridSearchCV"))
        self.run()  # warm-up: imports on the workers

    def teardown(self, mode):
        reset()
        self.client.close()
        self.cluster.close()

    def time_cluster_search(self, mode):
        self.run()


class TrackClusterSpeedup:
    params = [["GridSearchCV"]]
    param_names = ["search"]
    unit = "ratio"
    timeout = 900

    def setup(self, search):
        self.cluster, self.client = start_cluster()
        self.run = search_on(make_search(search))
        self.run()  # warm-up

    def teardown(self, search):
        reset()
        self.client.close()
        self.cluster.close()

    def track_upstream_over_enabled(self, search):
        samples = {mode: [] for mode in MODES}
        for r in range(REPEATS):
            for mode in (MODES if r % 2 == 0 else MODES[::-1]):
                set_mode(self.client, mode)
                start = time.perf_counter()
                self.run()
                samples[mode].append(time.perf_counter() - start)
        set_mode(self.client, "upstream")
        return statistics.median(samples["upstream"]) / statistics.median(samples["enabled"])
