"""The differential fuzzer's corpus, replayed; the fuzzer's own machinery checked.

``maint_tools/fuzz_corpus`` holds the seed inputs ``make fuzz`` starts from
(random seeds, and the inputs ``make fuzz-merge`` kept for the coverage they
add). Each is decoded by ``maint_tools.fuzz_cases`` into a case (fresh
classes, a tree, mutations between and during clones) and run with upstream's
clone and with the implementation under test, in separate worlds: the
records (results' structure and identities, exceptions' type and message,
what each mutation did) must be equal. CI thus checks the corpus without
atheris; ``make fuzz`` searches for new inputs with it.

The cases compare with upstream's ``__sklearn_clone__`` protocol, so they
need scikit-learn 1.3 or later (before, the protocol is ours alone).
"""

import random
import subprocess
import sys

import pytest
import sklearn.base
from support import ROOT, require, upstream_protocol

from maint_tools import fuzz_cases, fuzz_clone

pytestmark = upstream_protocol

CORPUS = sorted(p for p in (ROOT / "maint_tools" / "fuzz_corpus").iterdir() if p.is_file())


def test_the_corpus_is_committed():
    assert len(CORPUS) >= 20


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_corpus_input_agrees_with_upstream(impl, path):
    case = fuzz_cases.decode(path.read_bytes())
    assert fuzz_cases.compare(case, [impl]) == []


# ---------------------------------------------------------------------------
# The comparison itself: deterministic, and able to see a difference.


def _class(**overrides):
    spec = {
        "parent": ("sklearn",),
        "meta": None,
        "init": {
            "params": [("a", "pos", ("none",), "store"), ("b", "pos", ("int", 1), "store")],
            "varargs": False,
            "varkw": "no",
            "hook": "start",
        },
        "get_params": "none",
        "_get_param_names": "none",
        "__sklearn_clone__": "none",
        "__getattr__": "none",
        "class_attrs": [],
        "properties": [],
        "slots": False,
    }
    spec.update(overrides)
    return spec


def _case(classes, tree, steps):
    return {"metas": [], "bases": [], "classes": classes, "tree": tree, "steps": steps}


CLONE = ("clone", ("root",), True, "clone")
NESTED = ("est", 0, [("a", ("list", [("est", 0, [("b", ("value", 3, "hook"))], [])]))], [])


class _NeverDelegates:
    """A wrong clone: ignores ``__sklearn_clone__``."""

    clone = staticmethod(
        lambda obj, safe=True: sklearn.base._clone_parametrized(obj, safe=safe)
    )
    # (1.3 and later: the module is skipped before, but must still import)
    clone_parametrized = staticmethod(getattr(sklearn.base, "_clone_parametrized", None))


def test_the_comparison_sees_a_wrong_clone():
    case = _case([_class(__sklearn_clone__="self")], NESTED, [CLONE])
    differences = fuzz_cases.compare(case, [_NeverDelegates])
    assert len(differences) == 1 and "differs from upstream" in differences[0]


def test_a_run_is_deterministic_and_fresh(impl):
    # Each run builds its own classes: a second run is not served by what
    # the first one left in any per-class cache, and records the same.
    case = fuzz_cases.decode(CORPUS[-1].read_bytes())
    assert fuzz_cases.run_case(case, impl) == fuzz_cases.run_case(case, impl)


@pytest.mark.parametrize("site", ["init", "deepcopy"])
def test_a_mutation_fires_during_the_clone(impl, site):
    # The constructor (or a parameter's __deepcopy__) gives the class a new
    # __init__ with a new parameter while the outer estimator's parameters
    # are being cloned: upstream then builds the outer one with it.
    new_init = {
        "params": [("a", "pos", ("none",), "store"), ("c", "kw", ("str", "x"), "store")],
        "varargs": False,
        "varkw": "no",
        "hook": "none",
    }
    steps = [("arm", site, 1, ("replace_init", 0, new_init)), CLONE]
    case = _case([_class()], NESTED, steps)
    upstream = fuzz_cases.run_case(case, fuzz_cases.load_implementation("upstream"))
    assert [record[3] for record in upstream if record[0] == "clone"][0][0][0] == "fired"
    assert fuzz_cases.run_case(case, impl) == upstream


def test_any_bytes_decode():
    rng = random.Random(0)
    for size in (0, 1, 7, 64, 399):
        data = bytes(rng.randrange(256) for _ in range(size))
        case = fuzz_cases.decode(data)
        assert case["steps"][-2:] == [
            ("clone", ("root",), True, "clone"), ("clone", ("root",), False, "clone")
        ]
        assert fuzz_cases.format_case(case)


# ---------------------------------------------------------------------------
# The harness.


def test_replay_reports_agreement(capsys):
    assert fuzz_clone.replay([str(CORPUS[0])]) == 0
    assert "1 inputs replayed, 0 differ from upstream" in capsys.readouterr().out


def test_seeds_are_deterministic(tmp_path):
    a = fuzz_clone.write_seeds(tmp_path / "a", count=3)
    b = fuzz_clone.write_seeds(tmp_path / "b", count=3)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_the_fuzzer_runs(tmp_path):
    """A hundred executions under atheris, from three seeds (``make fuzz`` runs for minutes)."""
    require("atheris")
    fuzz_clone.write_seeds(tmp_path / "seeds", count=3)
    (tmp_path / "corpus").mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "maint_tools.fuzz_clone", str(tmp_path / "corpus"),
         str(tmp_path / "seeds"), "-runs=100", "-timeout=60",
         "-artifact_prefix=%s/" % tmp_path],
        cwd=str(ROOT), capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert "Done 100 runs" in done.stderr


def test_the_corpus_exercises_every_mutation_and_site():
    # The committed corpus is what CI's brief fuzzing and this replay start
    # from: every kind of mutation, between clones and armed during one, and
    # a mutation that fires from every kind of user code a clone runs.
    between, armed, fired = set(), set(), set()
    upstream = fuzz_cases.load_implementation("upstream")
    for path in CORPUS:
        case = fuzz_cases.decode(path.read_bytes())
        between.update(s[1][0] for s in case["steps"] if s[0] == "mutate")
        armed.update(s[3][0] for s in case["steps"] if s[0] == "arm")
        for record in fuzz_cases.run_case(case, upstream):
            if record[0] == "clone":
                fired.update(e[1] for e in record[3] if e[0] == "fired" and e[3] == "ok")
    assert between == armed == set(fuzz_cases.MUTATIONS)
    assert fired == set(fuzz_cases.SITES) - {"any"}
