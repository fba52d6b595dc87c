"""The third-party sweep (maint_tools/third_party_sweep.py) finds what differs.

A synthetic library on ``sys.path`` stands for a real one: a plain
estimator, a meta-estimator sharing a sub-estimator, one whose constructor
modifies a parameter (upstream's clone raises), a class that cannot be
built with its defaults and an abstract one. The sweep must find no
difference when the two clones compared are upstream's own, and must find
one when "ours" breaks an identity upstream keeps or drops an attribute.
"""

import json
import sys
import textwrap

import pytest

from maint_tools import third_party_sweep as sweep
from sklearn_slep017 import _compat

LIBRARY = '''
import abc
from sklearn.base import BaseEstimator


class Plain(BaseEstimator):
    def __init__(self, alpha=1.0, items=(1, 2)):
        self.alpha = alpha
        self.items = items


class Meta(BaseEstimator):
    def __init__(self, estimator=None, copies=None):
        self.estimator = estimator
        self.copies = copies


class Modifying(BaseEstimator):
    def __init__(self, alpha=1.0):
        self.alpha = [alpha]


class Required(BaseEstimator):
    def __init__(self, needed):
        self.needed = needed


class Abstract(BaseEstimator, abc.ABC):
    @abc.abstractmethod
    def fit(self, X, y=None):
        pass
'''


@pytest.fixture
def library(tmp_path, monkeypatch):
    package = tmp_path / "sweep_sample_library"
    package.mkdir()
    (package / "__init__.py").write_text("__version__ = '0.1'\nfrom ._estimators import *\n")
    (package / "_estimators.py").write_text(textwrap.dedent(LIBRARY))
    (package / "tests").mkdir()
    (package / "tests" / "__init__.py").write_text("raise RuntimeError('test modules are left out')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "sweep_sample_library"
    for name in [m for m in sys.modules if m.startswith("sweep_sample_library")]:
        del sys.modules[name]


def _with(monkeypatch, ours):
    upstream = _compat.UPSTREAM_CLONE
    monkeypatch.setattr(
        sweep, "clones", lambda: {"upstream": upstream, "reference": upstream, "compiled": ours}
    )


def test_classes_and_objects(library):
    classes = sweep.estimator_classes(library)
    assert sorted(spec.split(":")[1] for spec in classes) == [
        "Abstract", "Meta", "Modifying", "Plain", "Required"]
    objects, skipped = sweep.build_objects(classes)
    assert sorted(spec.split(":")[1] for spec in objects) == ["Meta", "Modifying", "Plain"]
    assert skipped["sweep_sample_library._estimators:Abstract"] == "abstract"
    assert "missing 1 required positional argument" in skipped[
        "sweep_sample_library._estimators:Required"]


def test_upstream_against_itself_finds_nothing_but_the_librarys_fault(library, monkeypatch):
    _with(monkeypatch, _compat.UPSTREAM_CLONE)
    record = sweep.sweep_library(library)
    assert record["objects"] == 3 and record["mismatches"] == [] and record["ours_only"] == []
    # Modifying breaks the contract with every clone: listed for review.
    assert {(e["spec"].split(":")[1], e["check"]) for e in record["every_clone"]} >= {
        ("Modifying", "check_clone_succeeds")}


def test_a_broken_identity_is_a_mismatch(library):
    # Upstream's clone deep-copies ``alpha``, a float, which deepcopy
    # returns as itself: the clone holds the original's very object. An
    # equal float that is another object is a difference.
    from sweep_sample_library import Plain

    def ours(estimator, *, safe=True):
        new = _compat.UPSTREAM_CLONE(estimator, safe=safe)
        new.alpha = float(repr(new.alpha))
        return new

    upstream = sweep.outcome(_compat.UPSTREAM_CLONE, Plain, True)
    assert sweep.first_difference(upstream, sweep.outcome(_compat.UPSTREAM_CLONE, Plain, True)) is None
    expected, got = sweep.first_difference(upstream, sweep.outcome(ours, Plain, True))
    assert expected[0] == got[0] == ("alpha",)
    assert expected[1] == got[1]  # the same value ...
    assert expected[2] == (("alpha",), None) and got[2] == (None, None)  # ... another object


def test_ours_leaving_an_attribute_is_found(library, monkeypatch, tmp_path):
    def ours(estimator, *, safe=True):
        new = _compat.UPSTREAM_CLONE(estimator, safe=safe)
        if type(new).__name__ == "Plain":
            new.extra = 1  # an attribute upstream's clone does not leave
        return new

    _with(monkeypatch, ours)
    status = sweep.main([library, "--output", str(tmp_path / "out")])
    assert status == 1
    record = json.loads((tmp_path / "out" / ("%s.json" % library)).read_text())
    assert {m["spec"].split(":")[1] for m in record["mismatches"]} == {"Plain"}
    report = (tmp_path / "out" / "report.md").read_text()
    assert "**Mismatch** sweep_sample_library._estimators:Plain" in report
    assert "| sweep_sample_library | 0.1 | 5 | 3 | 2 |" in report


def test_the_compiled_clone_must_be_live(monkeypatch):
    import sklearn_slep017

    monkeypatch.setattr(sklearn_slep017, "implementation", lambda: "reference")
    with pytest.raises(RuntimeError, match="the compiled clone is not live"):
        sweep.clones()
