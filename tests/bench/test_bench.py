"""Smoke tests of ``python -m sklearn_slep017 bench``: files and table, no timings."""

import json

import pytest

import sklearn_slep017
from sklearn_slep017._bench import harness
from sklearn_slep017.__main__ import build_parser, main

IMPLEMENTATIONS = ["upstream", "reference", "reference-standalone", "compiled", "floor"]
# timed only where parameters hold values with their own __deepcopy__
NUMPY_IMPLEMENTATIONS = IMPLEMENTATIONS + ["exact-floor"]


def _timed(workload):
    return NUMPY_IMPLEMENTATIONS if workload.startswith("numpy") else IMPLEMENTATIONS


def _table_rows(markdown):
    lines = [line for line in markdown.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[1:]]


def test_bench_quick_writes_everything(tmp_path, capsys):
    status = main(["bench", "--quick", "--widths", "1,2", "--flat", "3",
                   "--numpy", "3", "--output", str(tmp_path)])
    assert status == 0
    out, err = capsys.readouterr()

    results = json.loads((tmp_path / "results.json").read_text())
    for key in ("python", "sklearn", "numpy", "platform", "cpu_count", "date"):
        assert results["machine"][key]
    assert list(results["implementations"]) == NUMPY_IMPLEMENTATIONS
    assert "cached" in results["implementations"]["reference"]
    assert results["settings"]["gc_enabled_while_timing"] is True
    assert results["failures"] == {}

    workloads = ["nested W=1", "nested W=2", "flat n=3",
                 "numpy grid search v=3", "numpy params n=3"]
    entries = results["results"]
    assert [(e["workload"], e["implementation"]) for e in entries] == [
        (w, i) for w in workloads for i in _timed(w)
    ]
    for e in entries:
        assert e["min_s"] <= e["median_s"] <= e["max_s"]
        assert len(e["samples_s"]) == e["repeats"] == 3
        assert e["peak_memory_bytes"] > 0
        assert e["nodes"] > 0
        assert e["matches_upstream"] is not False
    assert {e["nodes"] for e in entries if e["workload"] == "flat n=3"} == {3}
    for e in entries:
        if e["implementation"] == "upstream":
            assert e["speedup_vs_upstream"] == 1
        if e["implementation"] == "floor":
            assert e["ratio_vs_floor"] == 1
        if e["implementation"] == "exact-floor":
            assert e["ratio_vs_exact_floor"] == 1
        if not e["workload"].startswith("numpy"):  # no copies: the floor is exact
            assert e["ratio_vs_exact_floor"] == e["ratio_vs_floor"]

    markdown = (tmp_path / "results.md").read_text()
    rows = _table_rows(markdown)
    assert [(r[0], r[2]) for r in rows] == [
        (w, i) for w in workloads for i in _timed(w)
    ]
    assert all(len(r) == 10 for r in rows)
    # stdout carries the same table, progress goes to stderr
    assert _table_rows(out) == rows
    assert "nested W=2" in err and "compiled" in err

    png = tmp_path / "clone_time.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bench_reports_a_failing_implementation(tmp_path, monkeypatch, capsys):
    def broken(obj):
        def clone():
            raise ValueError("boom")

        return clone

    original = harness._implementations
    monkeypatch.setattr(
        harness,
        "_implementations",
        lambda: original() + [harness._Implementation("broken", broken)],
    )
    monkeypatch.setitem(harness.IMPLEMENTATIONS, "broken", "always raises")
    status = main(["bench", "--quick", "--widths", "1", "--flat", "0", "--numpy", "0",
                   "--repeats", "1", "--output", str(tmp_path)])
    assert status == 1
    results = json.loads((tmp_path / "results.json").read_text())
    assert "boom" in results["failures"]["broken"]["nested W=1"]
    rows = _table_rows((tmp_path / "results.md").read_text())
    assert [r[2] for r in rows] == IMPLEMENTATIONS + ["broken"]
    assert rows[-1][3].startswith("failed: ValueError: boom")


def test_bench_refuses_to_run_while_enabled():
    with sklearn_slep017.enabled("python"):
        with pytest.raises(RuntimeError, match="disable"):
            harness.run_benchmark(widths=(1,), flat=0, repeats=1)


@pytest.mark.parametrize("widths", ["", "0", "1,x", "-3"])
def test_bench_rejects_bad_widths(widths, capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["bench", "--widths", widths])


def test_bench_options_parse():
    args = build_parser().parse_args(
        ["bench", "--output", "out", "--repeats", "7", "--widths", "1,10,100"]
    )
    assert (args.output, args.repeats, args.widths, args.quick) == (
        "out", 7, (1, 10, 100), False
    )
    assert args.numpy is None  # the default size, or the quick one
    assert build_parser().parse_args(["bench", "--numpy", "0"]).numpy == 0


def test_numpy_workloads_hold_numpy_values():
    # The values a grid built with numpy holds, and what set_params leaves in
    # estimators: the numpy workloads must really exercise numpy leaves.
    import numpy as np

    from sklearn_slep017._bench import workloads

    grid = workloads.numpy_search(7).param_grid
    assert [type(v) for v in grid["clf__C"]] == [np.float64] * 7
    assert {type(v) for v in grid["select__k"]} == {np.int64}
    assert {type(v) for v in grid["scale__with_mean"]} == {np.bool_}
    assert type(grid["clf__l1_ratio"]) is np.ndarray
    estimators = workloads.numpy_estimators(4)
    assert type(estimators[0].alpha) is np.ndarray
    assert {type(estimators[1].C), type(estimators[1].max_iter),
            type(estimators[1].fit_intercept)} == {np.float64, np.int64, np.bool_}
    # seeded: the same values every time
    again = workloads.numpy_estimators(4)
    assert all((a.get_params()["alpha"] == b.get_params()["alpha"]).all()
               for a, b in zip(estimators[::2], again[::2]))


USER_MODULE = '''
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

def make_pipeline_tree():
    return make_pipeline(StandardScaler(), LogisticRegression())

INSTANCE = LogisticRegression(C=2.0)
'''


def test_bench_on_the_users_objects(tmp_path, monkeypatch, capsys):
    (tmp_path / "usertrees.py").write_text(USER_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    out_dir = tmp_path / "out"
    status = main(["bench", "--quick", "--output", str(out_dir),
                   "usertrees:make_pipeline_tree", "usertrees.INSTANCE"])
    assert status == 0
    out, err = capsys.readouterr()
    results = json.loads((out_dir / "results.json").read_text())
    entries = results["results"]
    # Only the user's trees: no built-in workload.
    assert [(e["workload"], e["implementation"]) for e in entries] == [
        (w, i) for w in ("usertrees:make_pipeline_tree", "usertrees.INSTANCE")
        for i in IMPLEMENTATIONS
    ]
    assert {e["kind"] for e in entries} == {"user"}
    assert [e["nodes"] for e in entries][:: len(IMPLEMENTATIONS)] == [3, 1]
    assert all(e["matches_upstream"] is not False for e in entries)
    assert results["settings"]["objects"] == ["usertrees:make_pipeline_tree", "usertrees.INSTANCE"]
    assert "1/2 workloads done" in err and "estimated total" in err
    assert (out_dir / "clone_time.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bench_on_a_class_that_needs_arguments(capsys):
    assert main(["bench", "--quick", "sklearn.ensemble:VotingClassifier"]) == 2
    err = capsys.readouterr().err
    assert "def make_estimator():" in err and "VotingClassifier(estimators=...)" in err
