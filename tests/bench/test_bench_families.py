"""The families section of ``make bench`` (``bench --families``) and its floor."""

import json

import pytest
from sklearn.linear_model import LogisticRegression
from support import IMPLEMENTATION_NAMES, ROOT, require

from sklearn_slep017._bench import families
from sklearn_slep017.__main__ import build_parser

if "compiled" not in IMPLEMENTATION_NAMES:
    pytest.skip("the families section times the compiled clone", allow_module_level=True)


def test_run_families_structure():
    results = families.run_families(
        repeats=2, sample_time=1e-5,
        families=("hand-written get_params", "custom __getattr__", "scikit-learn"),
    )
    assert [e["family"] for e in results["families"]] == [
        "hand-written get_params", "custom __getattr__", "scikit-learn"]
    for entry in results["families"]:
        assert entry["objects"] == 4
        for name in families.CONTENDERS:
            assert 0 < entry[name]["min"] <= entry[name]["median"] <= entry[name]["max"]
    paths = {e["family"]: e["paths"] for e in results["families"]}
    assert paths["hand-written get_params"] == {"call": 4}
    assert paths["custom __getattr__"] == {"base": 4}
    text = families.format_families(results)
    assert text.count("\n| ") == 4  # separator and three families


def test_floor_calls_what_upstream_must_call():
    calls = []

    class Meta(families.HandWrittenMeta):
        def get_params(self, deep=True):
            calls.append(deep)
            return super().get_params(deep=deep)

    obj = Meta(LogisticRegression(C=2.0))
    floor, constructors = families.make_floor([obj])
    calls.clear()
    built = floor()
    assert calls == [False, False]  # the original's and the new object's
    assert [type(o) for o in built] == [Meta, LogisticRegression]
    assert built[1].C == 2.0
    calls.clear()
    assert [type(o) for o in constructors()] == [Meta, LogisticRegression]
    assert calls == []


def test_missing_family_is_reported(monkeypatch):
    def absent(family, size=None):
        raise ImportError("No module named 'sktime'")

    monkeypatch.setattr(families, "family_objects", absent)
    results = families.run_families(repeats=1, families=("skbase",))
    assert results["families"] == []
    assert "install the 'families' dependency group" in results["skipped"]["skbase"]
    assert "skbase: skipped" in families.format_families(results)


def test_families_section_quick(tmp_path, capsys):
    require("sktime")
    require("pyod")
    results = families.run_families_section(tmp_path, quick=True)
    written = json.loads((tmp_path / "families.json").read_text())
    assert [e["family"] for e in written["families"]] == list(families.FAMILIES)
    assert written["skipped"] == {}
    assert (tmp_path / "families.md").read_text() in capsys.readouterr().out
    assert results["quick"] is True


def test_bench_families_option_parses():
    assert build_parser().parse_args(["bench", "--families"]).families is True
    assert build_parser().parse_args(["bench"]).families is False


# -- the asv benchmark (asv_bench/benchmarks/bench_families.py) ---------------


def _asv_module():
    import importlib
    import os
    import sys

    os.environ["SKLEARN_SLEP017_ASV_QUICK"] = "1"
    asv_dir = ROOT / "asv_bench"
    if str(asv_dir) not in sys.path:
        sys.path.insert(0, str(asv_dir))
    return importlib.import_module("benchmarks.bench_families")


def test_asv_families_benchmarks_run():
    require("sktime")
    module = _asv_module()
    for family in module.FAMILIES:
        for implementation in module.CONTENDERS:
            bench = module.TimeFamilyClone()
            bench.setup(implementation, family)
            bench.time_family_clone(implementation, family)
        ratio = module.TrackFamilyFloorRatio()
        ratio.setup(family)
        result = ratio.track_compiled_over_floor(family)
        assert isinstance(result, float) and result > 0


def test_asv_families_skip_without_the_library(monkeypatch, capsys):
    module = _asv_module()

    def absent(family, size=None):
        raise ImportError("No module named 'pyod'")

    monkeypatch.setattr(families, "family_objects", absent)
    with pytest.raises(NotImplementedError, match="install the 'families' dependency group"):
        module.TimeFamilyClone().setup("compiled", "pyod")
    assert "pyod skipped" in capsys.readouterr().err
