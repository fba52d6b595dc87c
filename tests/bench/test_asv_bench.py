"""The asv suite under asv_bench/ runs: every benchmark class's setup, one call
of each time_/peakmem_/track_ method and teardown, on small parameters.

No timing is asserted: this only makes a broken benchmark fail ``make test``
as well as the CI smoke run of asv. The parameter grids are the trimmed ones
of ``SKLEARN_SLEP017_ASV_QUICK=1`` (set here before the suite is imported).
"""

import importlib
import inspect
import json
import os
import re
import sys

import pytest
from support import ROOT

import sklearn_slep017
from sklearn_slep017 import _version_range

os.environ["SKLEARN_SLEP017_ASV_QUICK"] = "1"

ASV_DIR = ROOT / "asv_bench"
MODULES = ["bench_clone", "bench_ratio", "bench_search"]
PREFIXES = ("time_", "peakmem_", "track_")


def _import(name):
    if str(ASV_DIR) not in sys.path:
        sys.path.insert(0, str(ASV_DIR))
    return importlib.import_module("benchmarks." + name)


def _cases():
    for module_name in MODULES:
        module = _import(module_name)
        for class_name, cls in vars(module).items():
            if not (inspect.isclass(cls) and cls.__module__ == module.__name__):
                continue
            methods = [m for m in vars(cls) if m.startswith(PREFIXES)]
            if not methods:
                continue
            # Every value of every parameter once, the others at their first
            # value: a few combinations that still reach every branch of setup.
            grid = cls.params
            combos = {tuple(values[0] for values in grid)}
            for i, values in enumerate(grid):
                for value in values:
                    combo = [v[0] for v in grid]
                    combo[i] = value
                    combos.add(tuple(combo))
            for combo in sorted(combos):
                for method in methods:
                    yield pytest.param(
                        cls, method, combo,
                        id="%s.%s.%s(%s)" % (module_name, class_name, method, ",".join(combo)),
                    )


@pytest.mark.parametrize("cls, method, params", list(_cases()))
def test_benchmark_runs(cls, method, params):
    bench = cls()
    assert len(params) == len(cls.param_names)
    bench.setup(*params)
    try:
        result = getattr(bench, method)(*params)
    finally:
        if hasattr(bench, "teardown"):
            bench.teardown(*params)
    assert not sklearn_slep017.is_enabled()
    if method.startswith("track_"):
        assert isinstance(result, float) and result > 0


def test_suite_layout():
    common = _import("common")
    assert common.IMPLEMENTATIONS == ["upstream", "reference", "compiled", "floor"]
    for name in MODULES:
        module = _import(name)
        for cls in vars(module).values():
            if inspect.isclass(cls) and any(m.startswith(PREFIXES) for m in vars(cls)):
                assert cls.__name__[0].isupper() and "_" not in cls.__name__
                assert len(cls.params) == len(cls.param_names)
    # The trimmed grid still reaches every implementation and workload kind.
    for workload in common.WORKLOADS:
        common.make_workload(workload)
    for workload in ("nested_W100", "nested_W1000", "flat_1000"):
        common.make_workload(workload)


def test_asv_conf_parses():
    text = (ASV_DIR / "asv.conf.json").read_text()
    conf = json.loads(re.sub(r"^\s*//.*$", "", text, flags=re.M))
    assert conf["repo"] == ".."
    assert conf["environment_type"] == "virtualenv"
    # JSON cannot read sklearn_slep017/_version_range.py: its newest release
    # is checked to be benchmarked instead.
    assert _version_range.NEWEST_SUPPORTED in conf["matrix"]["req"]["scikit-learn"]
    assert conf["results_dir"] == "../.asv/results"
    assert conf["html_dir"] == "../.asv/html"
