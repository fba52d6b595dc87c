"""Free-threading stress: many threads clone the *same* objects at once.

``test_threads.py`` races clones with classes being redefined, and relies on
``sys.setswitchinterval`` to interleave them: a GIL-shaped test, where two
threads never run at the same instant. This one is written for a
free-threaded interpreter (``python3.13t``), where they do. Every thread
shares the same objects and caches:

* cloners clone one shared estimator tree (Pipeline, ColumnTransformer,
  FeatureUnion, numpy scalars and arrays of many types, nested lists, tuples
  and dicts), a list and a dict that another thread mutates in place, and
  ``Holder`` estimators whose parameters are those shared containers; they
  start together at a barrier, so that the first fills of the compiled
  module's per-type verdicts (``_FIXED_LEAVES``) race;
* a churner empties ``_clone_kernel.PARAM_NAMES_CACHE`` over and over while a
  factory makes classes on the fly (new ``__init__`` signatures, cloned,
  dropped: the weak references' callbacks remove entries concurrently);
* with skbase installed, a factory of ``BaseObject`` subclasses with ever new
  signatures fills the compiled module's ``_SKBASE_SORTED`` past its bound,
  so that it is emptied while the cloners read it;
* a spawner starts short-lived threads with different stack sizes, each
  cloning a chain deeper than the compiled recursion keeps (the subtree is
  handed to the reference) and asking for its own stack bounds (the
  ``threading.local`` of the compiled module).

The oracle is the same for every interleaving: a clone is a new object of
the original's class whose parameters equal the original's (cloned, never
shared); a clone of a shared list is a list of fresh copies of values that
list held at some point (upstream's list iteration reads the length at every
step, and never fails on a list that shrinks); a clone of the shared dict
has keys and values it held at some point, or fails with exactly the
RuntimeError upstream's dict iteration raises when keys change midway.
Nothing else may be raised, and nothing may crash or hang.

A control run with upstream's clone checks that the oracle accepts upstream.

On a free-threaded build the run must keep the GIL off (``sys._is_gil_enabled()``
False after every import), unless ``PYTHON_GIL=1`` asks otherwise:
otherwise the run would prove nothing. ``SKLEARN_SLEP017_REQUIRE_FREE_THREADING=1``
(set by ``maint_tools/freethreaded.py``) makes a GIL build fail the test
instead of running it as a plain threaded stress. Each run is a subprocess
bounded in time, so that a crash fails the test, not the session.
"""

import os
import sys
import sysconfig

import pytest
from support import run_stress, upstream_protocol


# Under pytest-run-parallel each test runs in one thread: it races its own.
pytestmark = [
    pytest.mark.thread_unsafe(reason="the stress test: starts its own threads, changes the switch interval"),
    upstream_protocol,
]

FREE_THREADED_BUILD = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
REQUIRE_FREE_THREADING = os.environ.get("SKLEARN_SLEP017_REQUIRE_FREE_THREADING") == "1"


SCRIPT = r'''
import faulthandler
import gc
import importlib
import json
import random
import sys
import sysconfig
import threading
import time

NAME, DURATION = sys.argv[1], float(sys.argv[2])
# The deep chain, cloned by upstream (whose recursion is all Python frames).
sys.setrecursionlimit(5000)
faulthandler.enable()
faulthandler.dump_traceback_later(DURATION + 60, exit=True)

import numpy as np
import sklearn.base
from sklearn.base import BaseEstimator
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import StandardScaler

# What the compiled clone imports on its first use of a composition
# (_compat.known_get_params), imported here: the threads race for that first
# use, not for a long import that would hold them all back.
import sklearn.compose
import sklearn.ensemble
import sklearn.pipeline
import sklearn.utils.metaestimators

from sklearn_slep017 import _clone_kernel, _clone_py
from support import structure, tree_check

if NAME == "upstream":
    clone = sklearn.base.clone
else:
    impl = _clone_py if NAME == "reference" else importlib.import_module("sklearn_slep017._clone_c")
    clone = impl.clone

try:
    import skbase.base
except ImportError:
    skbase = None


class Leaf(BaseEstimator):
    def __init__(self, v=0, w=None):
        self.v = v
        self.w = w


class Holder(BaseEstimator):
    def __init__(self, items=None, mapping=None, extra=None):
        self.items = items
        self.mapping = mapping
        self.extra = extra


class Chain(BaseEstimator):
    def __init__(self, child=None, depth=0):
        self.child = child
        self.depth = depth


def chain(depth):
    node = Chain(depth=0)
    for d in range(1, depth):
        node = Chain(child=node, depth=d)
    return node


# Static numpy types: the compiled clone decides once per type that their
# values are deep-copied (_FIXED_LEAVES); the cloners race for the first fill.
SCALARS = [t(3) for t in (np.float64, np.float32, np.float16, np.int64, np.int32,
                          np.int16, np.int8, np.uint64, np.uint32, np.uint16,
                          np.uint8, np.bool_, np.complex64, np.complex128)]
SCALARS += [np.str_("s"), np.bytes_(b"b"), np.datetime64("2020-01-01"), np.timedelta64(3, "s")]

TREE = Pipeline([
    ("ct", ColumnTransformer([
        ("a", Leaf(v=SCALARS[0], w=np.arange(4.0)), [0]),
        ("b", Holder(items=[Leaf(v=s) for s in SCALARS], mapping={"k": (Leaf(v=1), [2, 3])}), [1]),
        ("s", StandardScaler(), [2]),
    ])),
    ("fu", FeatureUnion([("l", Leaf(v=(1, "two", None), w={"x": np.float32(2)})),
                         ("s", StandardScaler())])),
    ("model", LogisticRegression(C=0.5)),
])

# Shared containers mutated in place while being cloned. Their values come
# from fixed pools (never freed), so that a clone can be checked against them.
POOL = [Leaf(v=i, w=SCALARS[i % len(SCALARS)]) for i in range(16)]
POOL_IDS = {id(leaf) for leaf in POOL}
SHARED_LIST = list(POOL[:8])
KEYS = ["k%d" % i for i in range(12)]
SHARED_DICT = {k: POOL[i] for i, k in enumerate(KEYS[:6])}
HOLDERS = [Holder(items=SHARED_LIST, mapping=SHARED_DICT, extra=SCALARS),
           Holder(items=[SHARED_LIST, (SHARED_LIST,)], extra=SHARED_DICT)]
DEEP = chain(260)

ALLOWED_ERRORS = {
    ("RuntimeError", "dictionary changed size during iteration"),
    ("RuntimeError", "dictionary keys changed during iteration"),
}

# A clone of a shared container holds fresh copies of pool leaves (a list no
# longer than the pool, a dict under KEYS): support.structure describes the
# original container, and its clone, by that alone.
POOL_STRUCTURES = {leaf.v: structure(leaf) for leaf in POOL}
SHARED = {id(SHARED_LIST): ("shared list",), id(SHARED_DICT): ("shared dict",)}


def pool_copy(res):
    return (type(res) is Leaf and id(res) not in POOL_IDS and type(res.v) is int
            and structure(res) == POOL_STRUCTURES.get(res.v))


def shared_in_original(node):
    return SHARED.get(id(node))


def shared_in_clone(node):
    if type(node) is list and len(node) <= len(POOL) and all(pool_copy(x) for x in node):
        return ("shared list",)
    if (type(node) is dict and all(key in KEYS for key in node)
            and all(pool_copy(x) for x in node.values())):
        return ("shared dict",)
    return None


def checker(orig):
    # support's yardstick: the clone describes as the original does (a
    # shared container as what its clone may hold), and none of its
    # estimators or arrays is the original's, nor a pool leaf.
    return tree_check(orig, leaf=shared_in_original, clone_leaf=shared_in_clone,
                      fresh_from=POOL)


stop = threading.Event()
lock = threading.Lock()
stats = {"clones": 0, "allowed_errors": 0, "list_clones": 0, "dict_clones": 0,
         "dict_races": 0,
         "mutations": 0, "classes_made": 0, "skbase_classes": 0, "cache_clears": 0,
         "stack_threads": 0, "deep_clones": 0}
failures = []


def bump(key, n=1):
    with lock:
        stats[key] += n


def fail(text):
    with lock:
        if len(failures) < 20:
            failures.append(text)


def clone_and_check(obj, check, key="clones", **kwargs):
    try:
        res = clone(obj, **kwargs)
    except Exception as exc:
        if (type(exc).__name__, str(exc)) in ALLOWED_ERRORS:
            bump("allowed_errors")
            if key == "dict_clones":
                bump("dict_races")
            return
        fail("clone raised %s: %s" % (type(exc).__name__, exc))
        return
    try:
        check(res)
    except Exception as exc:  # a check that cannot read the clone fails it too
        fail("wrong clone: %r" % (exc,))
        return
    bump(key)


def make_class(rng, base, n):
    names = rng.sample(["p%d" % i for i in range(24)], rng.randrange(1, 7))
    arguments = ", ".join("%s=%d" % (name, i) for i, name in enumerate(names))
    body = "".join("    self.%s = %s\n" % (name, name) for name in names)
    namespace = {"base": base}
    # skbase's BaseObject.__init__ sets up its tags: called, as its
    # subclasses do, after the parameters are stored.
    exec("def __init__(self, %s):\n%s    base.__init__(self)\n" % (arguments, body), namespace)
    made = type("Made%d" % n, (base,), {"__init__": namespace["__init__"]})
    return made, names


CHECK_TREE, CHECK_DEEP = checker(TREE), checker(DEEP)
CLONE_JOBS = [
    (TREE, CHECK_TREE, "clones", {}),
    (SHARED_LIST, checker(SHARED_LIST), "list_clones", {"safe": False}),
    (SHARED_DICT, checker(SHARED_DICT), "dict_clones", {"safe": False}),
    (HOLDERS[0], checker(HOLDERS[0]), "clones", {}),
    (HOLDERS[1], checker(HOLDERS[1]), "clones", {}),
    (SCALARS, checker(SCALARS), "clones", {"safe": False}),
]

if skbase is not None:
    # One skbase object cloned by every cloner, and the compiled module's
    # memo of sorted names (emptied past 4096 signatures) filled close to
    # that bound, so that the factory below empties it while they read it.
    SKB_CLASS, SKB_NAMES = make_class(random.Random(0), skbase.base.BaseObject, -1)
    SKB = SKB_CLASS(**{name: Leaf(v=1) for name in SKB_NAMES})
    CLONE_JOBS.append((SKB, checker(SKB), "clones", {}))
    prefill = random.Random(1)
    for n in range(4000):
        made, names = make_class(prefill, skbase.base.BaseObject, n)
        clone(made(**{name: n for name in names}))

N_CLONERS = 4
start = threading.Barrier(N_CLONERS)


# Half the cloners keep to the shared list, the narrowest race: between
# reading its length and reading an item, the mutator may shrink it or
# replace (and free) the item.
LIST_JOBS = [job for job in CLONE_JOBS if job[0] is SHARED_LIST or job[0] in HOLDERS]


def cloner(seed):
    rng = random.Random(seed)
    jobs = LIST_JOBS if seed % 2 else CLONE_JOBS
    start.wait()
    while not stop.is_set():
        obj, check, key, kwargs = rng.choice(jobs)
        clone_and_check(obj, check, key, **kwargs)


def container_mutator(seed):
    rng = random.Random(seed)
    while not stop.is_set():
        action = rng.randrange(6)
        if action == 0 and len(SHARED_LIST) < len(POOL):
            SHARED_LIST.append(rng.choice(POOL))
        elif action == 1 and SHARED_LIST:
            SHARED_LIST.pop(rng.randrange(len(SHARED_LIST)))
        elif action == 2 and SHARED_LIST:
            SHARED_LIST[rng.randrange(len(SHARED_LIST))] = rng.choice(POOL)
        elif action == 3:
            SHARED_DICT[rng.choice(KEYS)] = rng.choice(POOL)
        elif action == 4:
            SHARED_DICT.pop(rng.choice(KEYS), None)
        else:
            SHARED_LIST[:] = rng.sample(POOL, rng.randrange(len(POOL)))
        bump("mutations")




def class_factory(seed):
    # New __init__ functions every time: entries added to the names cache,
    # and dropped again by weak reference callbacks when the class dies.
    rng = random.Random(seed)
    n = 0
    while not stop.is_set():
        made, names = make_class(rng, BaseEstimator, n)
        obj = made(**{name: [Leaf(v=n % 16)] for name in names})
        clone_and_check(obj, checker(obj))
        n += 1
        bump("classes_made")


def cache_churner(seed):
    while not stop.is_set():
        _clone_kernel.PARAM_NAMES_CACHE.clear()
        bump("cache_clears")
        time.sleep(0.0005)


def skbase_factory(seed):
    # Ever new signatures: the compiled module's sorted-names memo grows past
    # its bound and is emptied while other threads read it.
    rng = random.Random(seed)
    base = skbase.base.BaseObject
    n = 0
    while not stop.is_set():
        made, names = make_class(rng, base, n)
        obj = made(**{name: n for name in names})
        check = checker(obj)
        clone_and_check(obj, check)
        clone_and_check(obj, check)
        n += 1
        bump("skbase_classes")


def stack_spawner(seed):
    # Each new thread asks for its own stack bounds (kept per thread); the
    # chain is deeper than the compiled recursion goes before handing over.
    rng = random.Random(seed)
    while not stop.is_set():
        size = rng.choice([0, 512 * 1024, 1024 * 1024, 4 * 1024 * 1024])
        threading.stack_size(size)

        def work():
            if NAME == "compiled":
                low, high, here = impl._thread_stack()
                assert low is None or low < here <= high, (low, here, high)
            clone_and_check(DEEP, CHECK_DEEP, "deep_clones")
            clone_and_check(TREE, CHECK_TREE)

        t = threading.Thread(target=work)
        t.start()
        t.join()
        bump("stack_threads")
    threading.stack_size(0)


# Everything made so far lives to the end: out of the collector's way (a
# free-threaded 3.13 collects the whole heap, every object, at each pass).
gc.freeze()
threads = [threading.Thread(target=cloner, args=(i,)) for i in range(N_CLONERS)]
threads.append(threading.Thread(target=container_mutator, args=(10,)))
threads.append(threading.Thread(target=class_factory, args=(11,)))
threads.append(threading.Thread(target=cache_churner, args=(12,)))
threads.append(threading.Thread(target=stack_spawner, args=(13,)))
if skbase is not None:
    threads.append(threading.Thread(target=skbase_factory, args=(14,)))
for t in threads:
    t.start()
time.sleep(DURATION)
stop.set()
for t in threads:
    t.join()
faulthandler.cancel_dump_traceback_later()
gil = sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True
print(json.dumps({
    "stats": stats,
    "failures": failures,
    "gil_enabled": gil,
    "free_threaded_build": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
    "skbase": skbase is not None,
}))
'''


def run(name, duration):
    return run_stress(SCRIPT, name, duration)


def check_gil(result):
    """The run proves something about free threading only without the GIL."""
    if REQUIRE_FREE_THREADING:
        assert result["free_threaded_build"], "not a free-threaded interpreter: %s" % sys.version
    if result["free_threaded_build"] and os.environ.get("PYTHON_GIL") != "1":
        # An extension not declared free-threading compatible turns the GIL
        # back on when imported (unless PYTHON_GIL=0 forces it off).
        assert result["gil_enabled"] is False, "the GIL was enabled during the run"


# Longer on a free-threaded build, where it is the evidence; short elsewhere.
DURATION = 6.0 if FREE_THREADED_BUILD else 2.0


def test_free_threaded_clones_of_shared_objects(impl_name):
    result = run(impl_name, DURATION)
    print(result)
    check_gil(result)
    assert not result["failures"], result["failures"]
    stats = result["stats"]
    # Every kind of thread really ran, interleaved with the others.
    assert stats["clones"] > 100, stats
    # A clone of the shared dict may lose nearly every race with its mutator
    # (upstream's own RuntimeError; the reference's slower walk most often):
    # attempts show the thread ran. The holders' clones, which hold the
    # dict, are checked among "clones".
    assert stats["list_clones"] > 20, stats
    assert stats["dict_clones"] + stats["dict_races"] > 20, stats
    assert stats["mutations"] > 100 and stats["cache_clears"] > 10, stats
    assert stats["classes_made"] > 10 and stats["stack_threads"] > 2, stats
    assert stats["deep_clones"] > 2, stats
    if result["skbase"]:
        assert stats["skbase_classes"] > 10, stats


def test_the_oracle_accepts_upstream_under_the_same_races():
    """Upstream's clone, raced the same way, passes the same checks.

    ``sklearn.base.clone`` is whatever scikit-learn is importable: over the
    patched release of the upstream pull requests (``maint_tools.freethreaded``
    puts it first on ``PYTHONPATH``, and sets
    ``SKLEARN_SLEP017_UPSTREAM_STRESS_SECONDS``), this is the run that puts
    the pull requests' names cache (a ``WeakKeyDictionary``) and notes under
    free-threaded races.
    """
    result = run("upstream", float(os.environ.get("SKLEARN_SLEP017_UPSTREAM_STRESS_SECONDS", 2.0)))
    print(result)
    check_gil(result)
    assert not result["failures"], result["failures"]
    assert result["stats"]["clones"] > 50, result["stats"]


@pytest.mark.skipif(
    not (FREE_THREADED_BUILD or REQUIRE_FREE_THREADING),
    reason="not a free-threaded interpreter",
)
def test_the_gil_stays_disabled_in_this_process():
    """In the test session itself: the compiled module keeps the GIL off."""
    assert FREE_THREADED_BUILD, "not a free-threaded interpreter: %s" % sys.version
    import importlib

    importlib.import_module("sklearn_slep017._clone_c")
    import sklearn_slep017

    assert sklearn_slep017.implementation() == "compiled"
    if os.environ.get("PYTHON_GIL") != "1":
        assert sys._is_gil_enabled() is False
