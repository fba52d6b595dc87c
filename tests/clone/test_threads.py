"""Threaded stress: clones racing with classes being redefined.

Several threads clone Pipelines, ColumnTransformers, FeatureUnions and
custom estimators in a loop, while other threads keep changing the custom
classes: replacing ``__init__``, adding and removing ``__sklearn_clone__``,
setting and deleting ``__init__.__signature__``, adding and removing
transparent ``__getattribute__`` / ``__setattr__`` hooks, and deriving new
classes on the fly. ``sys.setswitchinterval(1e-6)`` makes the interpreter switch
threads as often as it can, so that every cache and every fast path of the
clone is read while being invalidated.

The class states are designed so that every interleaving has a known set of
outcomes, whatever state a clone saw at each step: the clone is a new
instance of the original's class, its parameters equal the original's
(cloned, not shared), and besides them it may carry only the marks of the
states it went through (``variant_`` from the second ``__init__``,
``toggled_`` from the custom ``__sklearn_clone__``), or lack ``c`` (the
parameter only the redefined signature names). A clone may also fail with
exactly the exceptions upstream's own clone raises when the signature
changes between reading the parameters and checking them (``KeyError('c')``
or a missing attribute ``c``). Anything else, a crash or a hang fails.

A control run with upstream's clone checks that the oracle accepts what
upstream does under the same races, so that the test itself is sound.

Each run is a subprocess (a crash fails the test, not the session), bounded
in time (a few seconds of racing, a watchdog for deadlocks).
"""


import pytest
from support import run_stress, upstream_protocol


# The oracle is upstream's clone protocol (scikit-learn 1.3 and later): a
# toggled __sklearn_clone__ means nothing to an older upstream clone.
# Under pytest-run-parallel each test runs in one thread: it races its own.
pytestmark = [
    pytest.mark.thread_unsafe(reason="starts its own threads, changes the switch interval"),
    upstream_protocol,
]


SCRIPT = r'''
import faulthandler
import importlib
import inspect
import json
import random
import re
import sys
import threading
import time

NAME, DURATION = sys.argv[1], float(sys.argv[2])
faulthandler.enable()
# A deadlock prints every thread's stack and fails the run.
faulthandler.dump_traceback_later(DURATION + 60, exit=True)

import sklearn.base
from sklearn.base import BaseEstimator
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import StandardScaler

from support import tree_check

if NAME == "upstream":
    clone = sklearn.base.clone
    clone_parametrized = sklearn.base._clone_parametrized
else:
    if NAME == "reference":
        from sklearn_slep017 import _clone_py as impl
    else:
        impl = importlib.import_module("sklearn_slep017._clone_c")
    clone = impl.clone
    clone_parametrized = impl.clone_parametrized


def init_a(self, a=1, b=None, **extra):
    self.a = a
    self.b = b
    for key, value in extra.items():
        setattr(self, key, value)


def init_b(self, a=1, b=None, **extra):
    init_a(self, a=a, b=b, **extra)
    self.variant_ = "B"


def custom_sklearn_clone(self):
    new = clone_parametrized(self)
    new.toggled_ = True
    return new


def transparent_getattribute(self, name):
    return object.__getattribute__(self, name)


def transparent_setattr(self, name, value):
    object.__setattr__(self, name, value)


P = inspect.Parameter
SIGNATURE_ABC = inspect.Signature([
    P("self", P.POSITIONAL_OR_KEYWORD),
    P("a", P.POSITIONAL_OR_KEYWORD, default=1),
    P("b", P.POSITIONAL_OR_KEYWORD, default=None),
    P("c", P.KEYWORD_ONLY, default=None),
])


class Custom(BaseEstimator):
    __init__ = init_a


class Sub(Custom):
    # Its own __init__ (never given a __signature__): names are always a, b.
    def __init__(self, a=1, b=None, **extra):
        super().__init__(a=a, b=b, **extra)


ORIGINALS = [
    Custom(a=1, b=[1, 2], c=3),
    Sub(a=Custom(a=2, b="x", c=3), b=(1, "two")),
    Pipeline([
        ("custom", Custom(a=StandardScaler(), b=[Sub(a=5)], c=3)),
        ("model", LogisticRegression(C=0.5)),
    ]),
    ColumnTransformer([("c", Custom(a=1, c=3), [0]), ("s", StandardScaler(), [1])]),
    FeatureUnion([("s", Sub(b={"k": Custom(c=3)})), ("scale", StandardScaler())]),
    Pipeline([("scale", StandardScaler()), ("model", LogisticRegression())]),
    [Custom(c=3), (Sub(), {"x": Custom(a=None, c=3)})],
]

# What a clone may carry besides the original's attributes (the marks of the
# states it went through), and what it may lack: Custom's c, which only the
# redefined signature names (every original holding it holds 3). An original
# made while a mark's state was on carries the mark.
EXTRA_MARKS = {"variant_": "B", "toggled_": True}
OPTIONAL_C = 3
# The exceptions upstream raises when the signature changes mid-clone (the
# class named is Custom or one derived from it on the fly).
ALLOWED_ERRORS = [
    ("KeyError", re.compile(r"'c'\Z")),
    ("AttributeError", re.compile(r"'\w+' object has no attribute 'c'\Z")),
]


def is_value(value, expected):
    return type(value) is type(expected) and value == expected


def attributes(obj):
    # An estimator as support.structure describes it here: its instance
    # attributes, sorted (get_params would name them from the signature the
    # mutators keep changing), without the marks and Custom's c when they
    # hold the values they may hold. A wrong value stays, and differs.
    return {
        key: value
        for key, value in sorted(vars(obj).items())
        if not (key in EXTRA_MARKS and is_value(value, EXTRA_MARKS[key]))
        and not (key == "c" and isinstance(obj, Custom) and is_value(value, OPTIONAL_C))
    }


def check(orig, res):
    # support's yardstick, reading estimators by attributes: the clone
    # describes as the original does, and shares none of its estimators.
    tree_check(orig, params=attributes)(res)


stop = threading.Event()
lock = threading.Lock()
stats = {"clones": 0, "allowed_errors": 0, "mutations": 0, "classes_made": 0}
failures = []


def record_failure(text):
    with lock:
        if len(failures) < 20:
            failures.append(text)


def clone_and_check(orig):
    try:
        res = clone(orig)
    except Exception as exc:
        if any(type(exc).__name__ == n and p.match(str(exc)) for n, p in ALLOWED_ERRORS):
            with lock:
                stats["allowed_errors"] += 1
            return
        record_failure("clone raised %s: %s" % (type(exc).__name__, exc))
        return
    try:
        check(orig, res)
    except Exception as exc:  # a check that cannot read the clone fails it too
        record_failure("wrong clone: %r" % (exc,))
    with lock:
        stats["clones"] += 1


def cloner(seed):
    rng = random.Random(seed)
    while not stop.is_set():
        clone_and_check(rng.choice(ORIGINALS))


def mutator(seed):
    rng = random.Random(seed)
    while not stop.is_set():
        action = rng.randrange(8)
        if action == 0:
            Custom.__init__ = rng.choice([init_a, init_b])
        elif action == 1:
            Custom.__sklearn_clone__ = custom_sklearn_clone
        elif action == 2:
            try:
                del Custom.__sklearn_clone__
            except AttributeError:
                pass
        elif action == 3:
            Custom.__init__.__signature__ = SIGNATURE_ABC
        elif action == 4:
            try:
                del Custom.__init__.__signature__
            except AttributeError:
                pass
        elif action == 5:
            # Attribute hooks that change nothing but the path taken.
            hook, value = rng.choice([
                ("__getattribute__", transparent_getattribute),
                ("__setattr__", transparent_setattr),
            ])
            if rng.random() < 0.5:
                setattr(Custom, hook, value)
            else:
                try:
                    delattr(Custom, hook)
                except AttributeError:
                    pass
        elif action == 6:
            # The code of __init__ replaced in place by an equal copy (what
            # autoreloaders do): caches keyed on code identity are invalidated.
            init = Custom.__init__
            init.__code__ = init.__code__.replace()
        else:
            # A class made on the fly, cloned, then dropped.
            made = type("Made%d" % rng.randrange(1000), (rng.choice([Custom, Sub]),), {})
            clone_and_check(made(a=[1], c=3))
            with lock:
                stats["classes_made"] += 1
        with lock:
            stats["mutations"] += 1


threads = [threading.Thread(target=cloner, args=(i,)) for i in range(3)]
threads += [threading.Thread(target=mutator, args=(100 + i,)) for i in range(2)]
sys.setswitchinterval(1e-6)
for t in threads:
    t.start()
time.sleep(DURATION)
stop.set()
for t in threads:
    t.join()
sys.setswitchinterval(0.005)
faulthandler.cancel_dump_traceback_later()
print(json.dumps({"stats": stats, "failures": failures}))
'''


def run(name, duration):
    return run_stress(SCRIPT, name, duration)


def test_threaded_clones_while_classes_change(impl_name):
    result = run(impl_name, 4.0)
    print(result["stats"])
    assert not result["failures"], result["failures"]
    # The loops really ran, in every thread, with mutations interleaved.
    assert result["stats"]["clones"] > 100, result["stats"]
    assert result["stats"]["mutations"] > 100, result["stats"]


def test_the_oracle_accepts_upstream_under_the_same_races():
    """Upstream's clone, raced the same way, passes the same checks."""
    result = run("upstream", 2.0)
    print(result["stats"])
    assert not result["failures"], result["failures"]
    assert result["stats"]["clones"] > 50, result["stats"]
