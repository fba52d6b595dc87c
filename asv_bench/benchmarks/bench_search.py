"""End to end: a search with many candidates and cheap fits, where clone's
share of the wall time is largest.

``mode`` is ``upstream`` (scikit-learn untouched) or ``compiled``
(``sklearn_slep017.enable("compiled")`` in ``setup``, ``disable()`` in
``teardown``: every ``clone`` scikit-learn makes is the compiled one).
``search`` is ``GridSearchCV`` (a grid over a three-step pipeline, 3-fold) or
``cross_validate`` (the same pipeline over many shuffle splits). The data are
small and seeded (``make_classification``), fits run in this process
(``n_jobs=None``), so the clones are the ones timed.

``track_clone_share`` reports the percentage of the search's wall time spent
inside ``clone``: the installed ``clone`` is wrapped, in every module holding
it, by a timer that counts outermost calls only (upstream's recursion goes
through the module global too), for the duration of the run.
"""

import statistics
import sys
import time

import sklearn.base

import sklearn_slep017

from .common import QUICK, RANDOM_STATE, reset

MODES = ["upstream", "compiled"]
SEARCHES = ["GridSearchCV", "cross_validate"]


def make_search(search):
    """A zero-argument callable running ``search`` on seeded data."""
    from sklearn.datasets import make_classification
    from sklearn.feature_selection import SelectKBest, f_classif
    from sklearn.model_selection import GridSearchCV, ShuffleSplit, cross_validate
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.tree import DecisionTreeClassifier

    X, y = make_classification(n_samples=90, n_features=6, n_informative=3,
                               random_state=RANDOM_STATE)
    pipeline = Pipeline([
        ("scale", StandardScaler()),
        ("select", SelectKBest(f_classif, k=3)),
        ("clf", DecisionTreeClassifier(random_state=RANDOM_STATE)),
    ])
    if search == "GridSearchCV":
        grid = {
            "select__k": [2, 3, 4, 5],
            "clf__max_depth": [1, 2] if QUICK else [1, 2, 3, 4],
            "clf__min_samples_leaf": [1] if QUICK else [1, 2, 4],
        }
        searcher = GridSearchCV(pipeline, grid, cv=3)
        return lambda: searcher.fit(X, y)
    if search == "cross_validate":
        cv = ShuffleSplit(n_splits=10 if QUICK else 100, test_size=0.25,
                          random_state=RANDOM_STATE)
        return lambda: cross_validate(pipeline, X, y, cv=cv)
    raise ValueError("unknown search %r" % (search,))


def set_mode(mode):
    if mode == "compiled":
        sklearn_slep017.enable("compiled")
    elif mode == "upstream":
        if sklearn_slep017.is_enabled():
            raise RuntimeError("sklearn_slep017 is enabled: not upstream")
    else:
        raise ValueError("unknown mode %r" % (mode,))


class CloneTimer:
    """Context manager: time spent in the installed ``sklearn.base.clone``.

    Replaces ``clone`` by a timing wrapper in every module that holds it as a
    global (scikit-learn's modules do ``from ..base import clone``) and puts
    the original back on exit. Nested calls are not counted twice.
    """

    def __init__(self):
        self.seconds = 0.0
        self.calls = 0
        self._depth = 0
        self._patched = []

    def __enter__(self):
        original = sklearn.base.clone
        perf_counter = time.perf_counter

        def timed_clone(*args, **kwargs):
            if self._depth:
                return original(*args, **kwargs)
            self._depth += 1
            start = perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds += perf_counter() - start
                self.calls += 1
                self._depth -= 1

        for module in list(sys.modules.values()):
            namespace = getattr(module, "__dict__", None)
            if not isinstance(namespace, dict):
                continue
            for attr, value in list(namespace.items()):
                if value is original:
                    setattr(module, attr, timed_clone)
                    self._patched.append((module, attr, original))
        return self

    def __exit__(self, *exc):
        while self._patched:
            module, attr, original = self._patched.pop()
            setattr(module, attr, original)


class TimeSearch:
    params = [MODES, SEARCHES]
    param_names = ["mode", "search"]
    timeout = 300

    def setup(self, mode, search):
        set_mode(mode)
        self.run = make_search(search)

    def teardown(self, mode, search):
        reset()

    def time_search(self, mode, search):
        self.run()


class TrackSearchCloneShare:
    params = [MODES, SEARCHES]
    param_names = ["mode", "search"]
    unit = "percent"
    timeout = 300
    repeats = 1 if QUICK else 3

    def setup(self, mode, search):
        set_mode(mode)
        self.run = make_search(search)
        self.run()  # warm-up: imports, caches

    def teardown(self, mode, search):
        reset()

    def track_clone_share(self, mode, search):
        shares = []
        for _ in range(self.repeats):
            with CloneTimer() as timer:
                start = time.perf_counter()
                self.run()
                wall = time.perf_counter() - start
            if not timer.calls:
                raise RuntimeError("the clone timer saw no call: wrapping failed")
            shares.append(100.0 * timer.seconds / wall)
        return statistics.median(shares)
