"""The per-Python benchmark table (``make bench-pythons``): one row per Python."""

import json

import sklearn_slep017
from maint_tools import bench_pythons
from sklearn_slep017._version_range import NEWEST_SUPPORTED


def _results(python, speedups, floors):
    return {
        "machine": {
            "python": python, "numpy": "2.5.5", "sklearn": NEWEST_SUPPORTED,
            "sklearn_slep017": sklearn_slep017.__version__, "platform": "Linux", "cpu_model": "cpu",
            "cpu_count": 2, "loadavg_start": [1.0, 1.0, 1.0],
            "date": "2026-12-07T13:00:00+00:00",
        },
        "settings": {"budget_per_workload_s": 3.0},
        "results": [
            entry
            for workload, speedup in speedups.items()
            for entry in (
                {"workload": workload, "implementation": "upstream",
                 "speedup_vs_upstream": 1.0, "ratio_vs_exact_floor": 40.0},
                {"workload": workload, "implementation": "compiled",
                 "speedup_vs_upstream": speedup,
                 "ratio_vs_exact_floor": floors[workload]},
            )
        ],
    }


def test_one_row_per_python_one_column_per_workload(tmp_path):
    for python, speedup in (("3.12", 16.0), ("3.11", 15.0)):
        folder = tmp_path / python
        folder.mkdir()
        (folder / "results.json").write_text(json.dumps(
            _results(python + ".1", {"nested W=100": speedup, "flat n=1000": 2 * speedup},
                     {"nested W=100": 4.4, "flat n=1000": 2.0})))
    (tmp_path / "3.14").mkdir()
    (tmp_path / "3.14" / "not-measured.txt").write_text("requires-python excludes it\n")
    (tmp_path / "3.15").mkdir()
    out = tmp_path / "table.md"
    assert bench_pythons.main(["aggregate", str(tmp_path), "--output", str(out)]) == 0
    text = out.read_text()
    assert "| Python | numpy | nested W=100 | flat n=1000 |" in text
    rows = [line for line in text.splitlines() if line.startswith("| 3.")]
    assert rows == [
        "| 3.11.1 | 2.5.5 | 15x | 30x |",
        "| 3.12.1 | 2.5.5 | 16x | 32x |",
        "| 3.11.1 | 2.5.5 | 4.4x | 2x |",
        "| 3.12.1 | 2.5.5 | 4.4x | 2x |",
    ]
    assert "- Python 3.14: requires-python excludes it." in text
    assert "- Python 3.15: no results (the session failed" in text


def test_no_results_is_a_failure(tmp_path):
    assert bench_pythons.main(
        ["aggregate", str(tmp_path), "--output", str(tmp_path / "t.md")]) == 1
