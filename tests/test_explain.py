"""``python -m sklearn_slep017 explain``: the path a class takes, and why.

Real classes of each kind: scikit-learn's own (plain, composition,
``FrozenEstimator``), sktime's (skbase family) and pyod's detectors when
the ``families`` group is installed, and small classes with one override
each, so that every reason the command gives is pinned to the class that
causes it.
"""

import pytest
from sklearn.base import BaseEstimator
from sklearn.linear_model import Ridge
from sklearn.pipeline import Pipeline
from support import IMPLEMENTATION_NAMES
from support import require

from sklearn_slep017.__main__ import main

if "compiled" not in IMPLEMENTATION_NAMES:
    pytest.skip("explain describes the compiled path", allow_module_level=True)

from sklearn_slep017._explain import explain  # noqa: E402


class OwnGetParams(BaseEstimator):
    def __init__(self, a=1):
        self.a = a

    def get_params(self, deep=True):
        return {"a": self.a}


class OwnNames(BaseEstimator):
    def __init__(self, a=1):
        self.a = a

    @classmethod
    def _get_param_names(cls):
        return ["a"]


class Forwarding(BaseEstimator):
    def __init__(self, a=1):
        self.a = a

    def __getattr__(self, name):
        raise AttributeError(name)


class Child(Forwarding):
    pass


class OwnClone(BaseEstimator):
    def __sklearn_clone__(self):
        return self


class WrappedInit(BaseEstimator):
    def __init__(self, a=1):
        self.a = a

    __init__.__wrapped__ = lambda a=1: None


class NoInit(BaseEstimator):
    pass


class FactoryNew(BaseEstimator):
    # sklego's DemographicParityClassifier: __new__ builds another estimator
    # from required arguments, so neither the class nor its __new__ can be
    # called without them.
    def __new__(cls, threshold, **kwargs):
        return Ridge(alpha=threshold)


def test_no_init_of_its_own_is_not_introspected(monkeypatch):
    # Upstream's _get_param_names returns [] for object.__init__ without
    # calling inspect.signature; explain must not claim it runs.
    import inspect

    from sklearn_slep017 import _compat

    calls = []
    signature = inspect.signature
    monkeypatch.setattr(inspect, "signature", lambda *a, **k: calls.append(a) or signature(*a, **k))
    _compat.UPSTREAM_CLONE(NoInit())
    assert calls == []
    verdict, lines = explain(NoInit())
    assert verdict == "fast"
    assert any(line.startswith("__init__: object's") for line in lines)


def test_sklearn_own_get_params_is_not_the_authors_to_fix():
    from sklearn.gaussian_process.kernels import RBF

    verdict, lines = explain(RBF())
    assert verdict == "general, slowed by: get_params"
    (line,) = [line for line in lines if line.startswith("get_params:")]
    assert "sklearn.gaussian_process.kernels.Kernel" in line
    assert "scikit-learn's own, not BaseEstimator's" in line
    assert "nothing to change in the class" in line
    assert "inherit get_params" not in line


def test_command_line_abstract_and_argument_only_classes(capsys):
    # Neither may end the run: an abstract class is an ERROR line (exit 2)
    # and the next spec is still explained; a class whose __new__ needs
    # arguments is examined through object.__new__.
    status = main(["explain", "sklearn.ensemble._forest:BaseForest",
                   "test_explain:FactoryNew", "sklearn.linear_model:Ridge"])
    out = capsys.readouterr().out
    assert status == 2
    assert ("sklearn.ensemble._forest:BaseForest: ERROR "
            "sklearn.ensemble._forest.BaseForest is abstract (abstract methods: ") in out
    assert "explain a concrete subclass" in out
    assert "test_explain:FactoryNew: fast path\n" in out
    assert "sklearn.linear_model:Ridge: fast path\n" in out


def test_fast_path():
    verdict, lines = explain(Ridge())
    assert verdict == "fast"
    assert "get_params: sklearn.base.BaseEstimator, upstream's: inlined" in lines


def test_composition():
    verdict, _ = explain(Pipeline([("r", Ridge())]))
    assert verdict == "recognised composition"


def test_own_get_params_names_its_class():
    verdict, lines = explain(OwnGetParams())
    assert verdict == "general, slowed by: get_params"
    assert any(line.startswith("get_params: test_explain.OwnGetParams: called twice")
               for line in lines)


def test_own_param_names():
    verdict, lines = explain(OwnNames())
    assert verdict == "fast, slowed by: _get_param_names"
    assert any("_get_param_names: defined by test_explain.OwnNames" in line for line in lines)


def test_getattr_names_the_defining_class():
    verdict, lines = explain(Child())
    assert verdict == "fast, slowed by: __getattr__"
    assert any(line.startswith("__getattr__: defined by test_explain.Forwarding:")
               for line in lines)


def test_own_sklearn_clone():
    verdict, lines = explain(OwnClone())
    assert verdict == "delegated"
    assert any("defined by test_explain.OwnClone" in line for line in lines)


def test_init_with_signature_attribute():
    verdict, lines = explain(WrappedInit())
    assert verdict == "fast, slowed by: __init__"
    assert any("carries __wrapped__" in line for line in lines)


def test_sktime_and_skbase_overrides():
    require("sktime")
    from sktime.forecasting.compose import TransformedTargetForecaster
    from sktime.forecasting.naive import NaiveForecaster

    assert explain(NaiveForecaster())[0] == "recognised family (skbase)"
    verdict, lines = explain(TransformedTargetForecaster([("f", NaiveForecaster())]))
    assert verdict == "recognised family (sktime composite)"
    assert any(line.startswith("get_params: sktime.base._meta._HeterogenousMetaEstimator,")
               for line in lines)

    # sktime's pipelines of one kind write their own get_params
    from sktime.classification.compose import ClassifierPipeline

    verdict, lines = explain(ClassifierPipeline.create_test_instance())
    assert verdict == "general, slowed by: get_params"
    assert any("ClassifierPipeline" in line and "overrides skbase's" in line for line in lines)


def test_skbase_own_get_param_names():
    require("skbase")
    from skbase.base import BaseObject

    class Named(BaseObject):
        def __init__(self, a=1):
            self.a = a
            super().__init__()

        @classmethod
        def get_param_names(cls, sort=True):
            return ["a"]

    verdict, lines = explain(Named())
    assert verdict == "recognised family (skbase), slowed by: get_param_names"
    assert any(line.startswith("get_param_names: defined by test_explain.") and "Named" in line
               for line in lines)


def test_pyod_detector_reason():
    require("pyod")
    from pyod.models.iforest import IForest

    verdict, lines = explain(IForest())
    assert verdict == "general, slowed by: get_params"
    assert any("pyod's BaseDetector.get_params is an old scikit-learn's" in line
               for line in lines)


def test_command_line(capsys):
    # FrozenEstimator: upstream's from scikit-learn 1.6, our backport before
    status = main(["explain", "sklearn.linear_model:Ridge",
                   "sklearn_slep017.frozen:FrozenEstimator", "test_explain:OwnGetParams"])
    out = capsys.readouterr().out
    assert status == 0
    assert "sklearn.linear_model:Ridge: fast path\n" in out
    assert "sklearn_slep017.frozen:FrozenEstimator: delegated path\n" in out
    # not constructible with no arguments: examined without the constructor
    assert "examined without calling the constructor" in out
    assert "test_explain:OwnGetParams: general path, slowed by: get_params\n" in out


def test_command_line_bad_spec(capsys):
    assert main(["explain", "sklearn_slep017_no_such_module:X", "sklearn.linear_model:Ridge"]) == 2
    out = capsys.readouterr().out
    assert "sklearn_slep017_no_such_module:X: ERROR cannot import module" in out
    assert "sklearn.linear_model:Ridge: fast path" in out


class CopiesItems(BaseEstimator):
    def __init__(self, items=(1,)):
        self.items = list(items)  # clone fails: not the object given


def test_a_class_whose_clone_fails_has_no_path(capsys):
    verdict, lines = explain(CopiesItems())
    assert verdict == "clone fails"
    assert lines[0].startswith("clone: raises RuntimeError: Cannot clone object")
    assert "check names the parameter to blame" in lines[0]
    # Without trying the clone, the look-ups alone.
    assert explain(CopiesItems(), try_clone=False)[0] == "fast"
    assert main(["explain", "test_explain:CopiesItems", "sklearn.linear_model.Ridge"]) == 0
    out = capsys.readouterr().out
    assert "test_explain:CopiesItems: clone fails (no path)\n" in out
    assert "fast path" in out.split("sklearn.linear_model.Ridge:")[1]  # a dotted name
