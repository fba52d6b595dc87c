"""Clone never crashes the interpreter and never hangs.

Deep or cyclic inputs end in ``RecursionError``; objects that invent
attributes (``unittest.mock.MagicMock``) finish; clones from many threads
agree while classes are created and changed around them.
"""

import gc
import importlib
import os
import subprocess
import sys
import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sklearn.base import BaseEstimator

from support import ROOT, UPSTREAM_DELEGATES, structure
from sklearn_slep017 import _compat
from sklearn_slep017._compat import UPSTREAM_CLONE
from sklearn_slep017._bench.workloads import nested_pipeline

DEPTH = 100_000


class Node(BaseEstimator):
    def __init__(self, p=None):
        self.p = p


def build_chain(depth):
    est = Node()
    for _ in range(depth):
        est = Node(p=est)
    return est


SCRIPT_PRELUDE = """
from sklearn.base import BaseEstimator

class Node(BaseEstimator):
    def __init__(self, p=None):
        self.p = p

def build_chain(depth):
    est = Node()
    for _ in range(depth):
        est = Node(p=est)
    return est
"""


def run_script(impl, body, timeout=60):
    """Run ``body`` in a fresh interpreter with ``impl`` imported as ``impl``."""
    script = "import importlib\nimpl = importlib.import_module(%r)\n" % impl.__name__
    script += SCRIPT_PRELUDE + textwrap.dedent(body)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT)] + [p for p in [env.get("PYTHONPATH")] if p]
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=str(ROOT),
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# ---------------------------------------------------------------------------
# Deep nesting.


def test_deep_nesting_raises_recursion_error(impl):
    limit = sys.getrecursionlimit()
    est = build_chain(DEPTH)
    with pytest.raises(RecursionError):
        impl.clone(est)
    with pytest.raises(RecursionError):
        impl.clone_parametrized(est)
    assert sys.getrecursionlimit() == limit
    # the interpreter is fine afterwards
    assert impl.clone(build_chain(10)).get_params(deep=False)["p"] is not None
    del est
    gc.collect()


def test_deep_nesting_in_containers_raises_recursion_error(impl):
    nested = []
    for _ in range(DEPTH):
        nested = [nested]
    with pytest.raises(RecursionError):
        impl.clone(nested, safe=False)
    with pytest.raises(RecursionError):
        impl.clone(Node(p=nested))
    nested = {}
    for _ in range(DEPTH):
        nested = {"k": (nested,)}
    with pytest.raises(RecursionError):
        impl.clone(nested, safe=False)


def test_deep_nesting_in_subprocess(impl):
    result = run_script(
        impl,
        """
        est = build_chain(%d)
        for call in (impl.clone, impl.clone_parametrized):
            try:
                call(est)
            except RecursionError as exc:
                print("RecursionError", call.__name__)
            else:
                print("no error", call.__name__)
        nested = []
        for _ in range(%d):
            nested = [nested]
        try:
            impl.clone(nested, safe=False)
        except RecursionError:
            print("RecursionError list")
        print(type(impl.clone(build_chain(3))).__name__)
        """
        % (DEPTH, DEPTH),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n") == [
        "RecursionError clone",
        "RecursionError clone_parametrized",
        "RecursionError list",
        "Node",
        "",
    ]


# ---------------------------------------------------------------------------
# Cycles.


def test_self_referencing_parameter(impl):
    est = Node()
    est.p = est
    with pytest.raises(RecursionError):
        impl.clone(est)
    with pytest.raises(RecursionError):
        UPSTREAM_CLONE(est)


@pytest.mark.parametrize("container", [list, tuple, dict])
def test_cycle_through_two_estimators(impl, container):
    a, b = Node(), Node()
    a.p = [b]
    b.p = {"a": a} if container is dict else container([a])
    if container is dict and not _compat.CLONES_DICT_VALUES:
        # Before 1.3.1 the dict is deep-copied, and deepcopy's memo ends the
        # cycle: upstream and ours both return a cyclic copy.
        new = impl.clone(a)
        assert new.p[0].p["a"].p[0] is new.p[0].p["a"].p[0].p["a"].p[0]
        UPSTREAM_CLONE(a)
        return
    with pytest.raises(RecursionError):
        impl.clone(a)


def test_list_containing_itself(impl):
    loop = []
    loop.append(loop)
    with pytest.raises(RecursionError):
        impl.clone(loop, safe=False)
    with pytest.raises(RecursionError):
        impl.clone(Node(p=loop))
    with pytest.raises(RecursionError):
        UPSTREAM_CLONE(loop, safe=False)


def test_dict_containing_itself(impl):
    loop = {}
    loop["self"] = loop
    if not _compat.CLONES_DICT_VALUES:
        # deep-copied before 1.3.1, as upstream does: a new loop
        new = impl.clone(Node(p=loop)).p
        assert new is not loop and new["self"] is new
        return
    with pytest.raises(RecursionError):
        impl.clone(Node(p=loop))


def test_cyclic_non_estimator_is_deep_copied(impl):
    """A cycle inside an object that is deep-copied is no problem."""

    class Holder:
        pass

    holder = Holder()
    holder.me = holder
    new = impl.clone(Node(p=holder)).p
    assert new is not holder and new.me is new


# ---------------------------------------------------------------------------
# Mocks: scikit-learn 1.9.1 recurses forever on a MagicMock parameter
# (scikit-learn issue 34477: every ``_metadata_request`` the mock invents is
# itself a mock to clone). Upstream is deliberately not called here.


def test_magic_mock_parameter_finishes(impl):
    result = run_script(
        impl,
        """
        from unittest.mock import MagicMock, Mock
        for make in (MagicMock, Mock):
            for obj, safe in ((Node(p=make()), True), (make(), True), (make(), False),
                              ([make()], False), (Node(p={"m": [make()]}), True)):
                try:
                    result = impl.clone(obj, safe=safe)
                except RecursionError:
                    print("RecursionError")
                except Exception as exc:
                    print("error", make.__name__, type(exc).__name__)
                else:
                    print("ok", make.__name__, type(result).__name__)
        print("done")
        """,
    )
    assert result.returncode == 0, result.stderr
    # A MagicMock's invented get_params() iterates as empty: a new mock with
    # no parameters. A plain Mock's is not iterable: TypeError, no hang.
    # Before 1.3.1 the dict of the last case is deep-copied, mock and all.
    last_mock = "error Mock TypeError" if _compat.CLONES_DICT_VALUES else "ok Mock Node"
    assert result.stdout.splitlines() == [
        "ok MagicMock Node",
        "ok MagicMock MagicMock",
        "ok MagicMock MagicMock",
        "ok MagicMock list",
        "ok MagicMock Node",
    ] + ["error Mock TypeError"] * 4 + [last_mock, "done"]


def test_magic_mock_parameter_is_not_the_original(impl):
    result = run_script(
        impl,
        """
        from unittest.mock import MagicMock
        mock = MagicMock()
        new = impl.clone(Node(p=mock))
        print(type(new).__name__, new.p is not mock, "_metadata_request" in vars(new))
        """,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["Node", "True", "False"]


# ---------------------------------------------------------------------------
# Broken objects.


class Boom(Exception):
    pass


class RaisingGetParams(BaseEstimator):
    def get_params(self, deep=True):
        raise Boom("no parameters today")


class RaisingGetattr(BaseEstimator):
    def __init__(self, a=1):
        self.a = a

    def __getattr__(self, name):
        raise Boom(name)


def test_get_params_raising(impl):
    for obj in (RaisingGetParams(), Node(p=RaisingGetParams()), [RaisingGetParams()]):
        with pytest.raises(Boom, match="no parameters today"):
            impl.clone(obj)
        with pytest.raises(Boom, match="no parameters today"):
            UPSTREAM_CLONE(obj)


def test_getattr_raising_other_than_attribute_error(impl):
    """An exception from ``__getattr__`` propagates, unchanged in type.

    Which probe meets it first is the deliberate difference: upstream asks for
    ``_metadata_request`` through ``__getattr__``; ours reads that one with
    the class's ``__getattribute__`` only, so ``__getattr__`` is first
    reached for ``_skl_callbacks``.
    """
    est = RaisingGetattr()
    # The probes each release makes, in upstream's order: _metadata_request
    # (1.3), _skl_callbacks (1.9), _sklearn_output_config (1.2); none in 1.1.
    probes = [
        name
        for name, present in [
            ("_metadata_request", _compat.METADATA_REQUEST_COPY is not None),
            ("_skl_callbacks", _compat.HAS_CALLBACKS),
            ("_sklearn_output_config", _compat.HAS_OUTPUT_CONFIG),
        ]
        if present
    ]
    ours_probes = [name for name in probes if name != "_metadata_request"]
    if not UPSTREAM_DELEGATES:
        # The backported protocol asks for __sklearn_clone__ first, which the
        # release's BaseEstimator lacks: __getattr__ is asked, and raises.
        # (An object whose __getattr__ raises for dunder names also breaks
        # copy, pickle and hasattr: not something users rely on.)
        ours_probes.insert(0, "__sklearn_clone__")
    if probes:
        with pytest.raises(Boom) as upstream:
            UPSTREAM_CLONE(est)
        assert str(upstream.value) == probes[0]
    else:
        assert type(UPSTREAM_CLONE(est)) is RaisingGetattr
    with pytest.raises(Boom) as ours:
        impl.clone(est)
    assert str(ours.value) == ours_probes[0]
    with pytest.raises(Boom):
        impl.clone(Node(p=[est]))


def test_get_params_returning_non_dict(impl):
    class Weird(BaseEstimator):
        def get_params(self, deep=True):
            return [("a", 1)]

    with pytest.raises(BaseException) as upstream:
        UPSTREAM_CLONE(Weird())
    with pytest.raises(BaseException) as ours:
        impl.clone(Weird())
    assert type(ours.value) is type(upstream.value)
    assert str(ours.value) == str(upstream.value)


# ---------------------------------------------------------------------------
# Threads.

THREADS = 8


def _in_threads(func, n=THREADS):
    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait()
        return func(i)

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        with ThreadPoolExecutor(n) as pool:
            return list(pool.map(run, range(n)))
    finally:
        sys.setswitchinterval(old)


def test_concurrent_clones_of_the_same_pipeline(impl):
    est = nested_pipeline(5)
    expected = structure(UPSTREAM_CLONE(est))

    def work(i):
        return [structure(impl.clone(est)) for _ in range(10)]

    for results in _in_threads(work):
        assert all(result == expected for result in results)


def test_concurrent_clones_while_classes_are_created_and_changed(impl):
    est = nested_pipeline(3)
    expected = structure(UPSTREAM_CLONE(est))

    def work(i):
        out = []
        for j in range(30):
            cls = type(
                "Made%d_%d" % (i, j),
                (BaseEstimator,),
                {"__init__": _init_a},
            )
            made = cls(a=[i, j])
            first = impl.clone(made)
            cls.__init__ = _init_a_b  # invalidates the class's caches
            made.b = (j,)
            second = impl.clone(made)
            out.append(
                (
                    structure(impl.clone(est)) == expected,
                    type(first) is cls and first.a == [i, j] and first.a is not made.a,
                    second.get_params() == {"a": [i, j], "b": (j,)},
                )
            )
            del cls, made, first, second
            if j % 10 == 0:
                gc.collect()
        return out

    for results in _in_threads(work):
        assert results == [(True, True, True)] * 30


def _init_a(self, a=None):
    self.a = a


def _init_a_b(self, a=None, b=None):
    self.a = a
    self.b = b


def test_concurrent_mixed_inputs_and_errors(impl):
    class Modifies(BaseEstimator):
        def __init__(self, a=None):
            self.a = list(a) if a is not None else None

    inputs = [
        nested_pipeline(2),
        Node(p={"x": [Node(p=1)]}),
        Modifies(a=[1]),
        RaisingGetParams(),
        Node,
        "text",
    ]
    expected = []
    for obj in inputs:
        try:
            expected.append(("ok", structure(UPSTREAM_CLONE(obj))))
        except Exception as exc:
            expected.append(("error", type(exc), str(exc)))

    def work(i):
        out = []
        for _ in range(5):
            for obj in inputs[i % 2 :] + inputs[: i % 2]:
                try:
                    out.append(("ok", structure(impl.clone(obj))))
                except Exception as exc:
                    out.append(("error", type(exc), str(exc)))
        return out

    for i, results in enumerate(_in_threads(work)):
        order = expected[i % 2 :] + expected[: i % 2]
        assert results == order * 5


class _ClearsItsList:
    """An element whose clone empties (or extends) the list holding it."""

    def __init__(self, holder, grow):
        self.holder = holder
        self.grow = grow

    def __sklearn_clone__(self):
        if self.grow:
            self.holder.append(7)
        else:
            self.holder.clear()
        return "cloned"


@pytest.mark.skipif(not UPSTREAM_DELEGATES, reason="upstream has no __sklearn_clone__ before 1.3")
@pytest.mark.parametrize("grow", [False, True])
def test_list_changed_while_cloning_matches_upstream(impl, grow):
    def make():
        holder = [0]
        holder += [_ClearsItsList(holder, grow), 5, 6]
        return holder

    assert impl.clone(make(), safe=False) == UPSTREAM_CLONE(make(), safe=False)


def test_raised_recursion_limit_cannot_overflow_the_stack():
    """The compiled clone bounds its own C stack, whatever the recursion limit.

    With ``sys.setrecursionlimit(200_000)`` CPython's limit no longer protects
    C code. A cyclic tree must still end in RecursionError, in the compiled
    path and through ``sklearn_clone`` and ``clone_parametrized``, never in a
    crash; a 20,000-deep chain is cloned, as upstream clones it (the compiled
    recursion hands deep subtrees to the reference, whose Python-to-Python
    calls use no C stack).
    """
    result = run_script(
        importlib.import_module("sklearn_slep017._clone_c"),
        """
        import sys
        from sklearn.base import clone as upstream
        sys.setrecursionlimit(200_000)
        loop = Node()
        loop.p = loop

        def depth(est):
            n = 0
            while est.p is not None:
                est, n = est.p, n + 1
            return n

        for name, call in [
            ("clone", lambda: impl.clone(loop)),
            ("clone_parametrized", lambda: depth(impl.clone_parametrized(build_chain(20_000)))),
            ("sklearn_clone", lambda: impl.sklearn_clone(loop)),
            ("upstream", lambda: depth(upstream(build_chain(20_000)))),
        ][: 4 if sys.version_info >= (3, 11) else 3]:
            try:
                print(name, call())
            except RecursionError:
                print("RecursionError", name)
        """,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    if sys.version_info >= (3, 11):
        assert result.stdout.split("\n") == [
            "RecursionError clone",
            "clone_parametrized 20000",
            "RecursionError sklearn_clone",
            "upstream 20000",
            "",
        ]
    else:
        # Every Python call uses the C stack before 3.11: upstream's clone
        # overflows it on the chain (not run here); ours stops cleanly.
        assert result.stdout.split("\n") == [
            "RecursionError clone",
            "RecursionError clone_parametrized",
            "RecursionError sklearn_clone",
            "",
        ]


def test_the_compiled_clone_knows_each_threads_real_stack():
    """The stack guard reads the running thread's own stack bounds.

    Not a fixed budget: a thread started with a 256 KiB stack reports about
    that size, the main thread its own, and the current position lies
    inside. (Where a platform cannot tell, ``_thread_stack`` says None and
    the guard assumes a small budget; Linux, macOS and Windows tell.)
    """
    import threading

    from sklearn_slep017 import _clone_c

    low, high, here = _clone_c._thread_stack()
    assert low is not None and low < here <= high
    seen = {}

    def probe():
        seen["bounds"] = _clone_c._thread_stack()

    previous = threading.stack_size(256 * 1024)
    try:
        thread = threading.Thread(target=probe)
        thread.start()
        thread.join()
    finally:
        threading.stack_size(previous)
    t_low, t_high, t_here = seen["bounds"]
    assert t_low < t_here <= t_high
    assert 128 * 1024 <= t_high - t_low <= 512 * 1024
