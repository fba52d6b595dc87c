"""``sklearn_slep017.profile()`` and ``python -m sklearn_slep017 profile``.

Counts, nodes, what the report says and what it leaves alone; never a
speed figure (those belong in the benchmarks). Each test runs once per
implementation: scikit-learn untouched, and enabled with that implementation
(the profiler then wraps our clone, and estimates upstream's).
"""

import json
import logging
import re
import sys

import numpy as np
import pytest
import sklearn.base
from sklearn.base import clone as imported_clone
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sklearn_slep017
from sklearn_slep017 import _compat
from sklearn_slep017.__main__ import main
from support import IMPLEMENTATION_NAMES

# The estimate times the compiled clone: a reference-only install says why not.
COMPILED = "compiled" in IMPLEMENTATION_NAMES

X, Y = make_classification(n_samples=60, n_features=4, random_state=0)


@pytest.fixture(params=["upstream", "enabled"])
def mode(request, impl_name):
    """scikit-learn untouched, or enabled with the implementation under test."""
    if request.param == "enabled":
        sklearn_slep017.enable(impl_name)
        try:
            yield sklearn_slep017.status()["sklearn_clone"]
        finally:
            sklearn_slep017.disable()
    else:
        yield "upstream"


def test_counts_outermost_calls_and_their_nodes(mode):
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    with sklearn_slep017.profile(estimate=False) as p:
        sklearn.base.clone(pipe)  # 1 call, 3 nodes (the pipeline and its steps)
        imported_clone([Ridge(), Ridge()])  # 1 call, 2 nodes
        sklearn.base.clone({"a": 1}, safe=False)  # 1 call, no node
    assert (p.calls, p.nodes) == (3, 5)
    assert p.sklearn_clone == mode
    assert p.clone_seconds > 0 and p.wall_seconds >= p.clone_seconds
    assert p.estimate is None


def test_a_clone_imported_into_other_globals_is_one_call(mode):
    # A doctest's or an exec's globals, not a module: on releases whose clone
    # recurses through sklearn.base.clone (1.1, 1.2), each parameter was taken
    # for an outermost call there, (9, 0) for a Ridge.
    namespace = {"__name__": "not_a_module", "Ridge": Ridge}
    exec("from sklearn.base import clone", namespace)
    installed = namespace["clone"]
    with sklearn_slep017.profile(estimate=False) as p:
        exec("clone(Ridge())", namespace)
    assert (p.calls, p.nodes) == (1, 1)
    assert namespace["clone"] is installed


def test_a_search_is_counted_and_estimated(mode):
    search = GridSearchCV(make_pipeline(StandardScaler(), LogisticRegression()),
                          {"logisticregression__C": [0.1, 1.0]}, cv=2)
    with sklearn_slep017.profile(sample=5, budget=10) as p:
        search.fit(X, Y)
    # 2 candidates x 2 folds and the refit clone the pipeline (3 nodes each),
    # the search clones it once more and each fit clones its parameters.
    assert p.calls >= 5 and p.nodes >= 15
    est = p.estimate
    if not COMPILED:
        assert "compiled extension is not available" in est["error"]
        assert "no estimate: the compiled extension" in p.report()
        return
    assert est["trees"] == 5 and est["nodes"] == 15
    assert set(est["clone_seconds"]) >= {"upstream", "compiled"}
    assert all(seconds > 0 for seconds in est["clone_seconds"].values())
    report = p.report()
    assert "%d calls" % p.calls in report
    if mode == "upstream":
        assert "with the compiled clone: about" in report and "saving about" in report
    else:
        assert "with upstream's clone: about" in report
    assert "timed side by side on 5 of the trees cloned (15 nodes)" in report
    # (a search makes one Parallel call; some releases' estimators make more)
    assert re.search(r"joblib: \d+ Parallel calls?, all in this process \(seen\)", report)


def test_everything_is_put_back(mode):
    import sklearn.model_selection._validation as validation

    before = (sklearn.base.clone, validation.clone)
    state = sklearn_slep017.status()
    with sklearn_slep017.profile(sample=2, budget=0.1):
        cross_validate(LogisticRegression(), X, Y, cv=2)
        assert sklearn.base.clone is not before[0]
    assert (sklearn.base.clone, validation.clone) == before
    assert sklearn_slep017.status() == state  # the estimate's toggles leave no trace


def test_the_block_exception_propagates_and_the_profile_is_complete(mode):
    with pytest.raises(ZeroDivisionError):
        with sklearn_slep017.profile(estimate=False) as p:
            sklearn.base.clone(Ridge())
            1 / 0
    assert p.calls == 1 and p.wall_seconds is not None
    assert sklearn.base.clone.__name__ == "clone"
    assert "_profile" not in getattr(sklearn.base.clone, "__module__", "")


def test_nothing_cloned_says_so(mode):
    with sklearn_slep017.profile() as p:
        pass
    assert p.calls == 0 and p.estimate is None
    assert "no estimate: nothing was cloned in this process" in p.report()


@pytest.mark.workers
def test_loky_workers_are_reported_not_seen(mode):
    search = GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=2, n_jobs=2)
    with sklearn_slep017.profile(estimate=False) as p:
        search.fit(X, Y)
    unseen = p.processes_unseen()
    assert unseen and unseen[0]["backend"] == "LokyBackend" and unseen[0]["tasks"] == 4
    report = p.report()
    assert "the clones made there are NOT counted above" in report
    if mode != "upstream":
        assert "SKLEARN_SLEP017_ENABLE" in report


def test_profile_plot(tmp_path, mode):
    with sklearn_slep017.profile(sample=3, budget=0.1) as p:
        cross_validate(make_pipeline(StandardScaler(), Ridge()), X, Y, cv=3)
    p.plot(tmp_path / "profile.png")
    assert (tmp_path / "profile.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


SCRIPT = '''
import sys
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_validate
X, y = make_classification(n_samples=40, random_state=0)
cross_validate(LogisticRegression(), X, y, cv=int(sys.argv[1]))
print("script ran with", sys.argv[1:])
sys.exit(int(sys.argv[2]))
'''


def test_profile_verb_runs_a_script_with_its_arguments(tmp_path, capsys, impl_name):
    script = tmp_path / "search.py"
    script.write_text(SCRIPT)
    argv = sys.argv[:]
    status = main(["profile", "--enable", impl_name,
                   "--budget", "0.1", "--json", str(tmp_path / "p.json"),
                   str(script), "4", "3"])
    out = capsys.readouterr().out
    assert status == 3  # the script's own exit status
    assert sys.argv == argv and not sklearn_slep017.is_enabled()
    assert "script ran with ['4', '3']" in out
    assert "4 calls, 4 estimator nodes" in out
    data = json.loads((tmp_path / "p.json").read_text())
    assert data["calls"] == 4 and data["route"] == "enable()"


def test_profile_verb_missing_script(capsys):
    assert main(["profile", "no_such_script_xyz.py"]) == 2
    assert "no such script" in capsys.readouterr().err


def test_profile_leaves_logging_of_the_switch_to_real_switches(caplog, impl_name):
    sklearn_slep017.enable(impl_name)
    try:
        with caplog.at_level(logging.INFO, logger="sklearn_slep017"):
            with sklearn_slep017.profile(sample=2, budget=0.1):
                sklearn.base.clone(Ridge())
        assert not [r for r in caplog.records if "enabled:" in r.getMessage()
                    or "disabled:" in r.getMessage()]
    finally:
        sklearn_slep017.disable()
    assert sklearn.base.clone is _compat.UPSTREAM_CLONE

