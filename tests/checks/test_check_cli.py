"""``python -m sklearn_slep017 check``: exit status and output, via subprocess."""

import os
import subprocess
import sys
import textwrap

import pytest

from sklearn_slep017._clone import canonical_name
from sklearn_slep017.checks import CHECKS

MODULE = textwrap.dedent(
    '''
    import threading

    from sklearn.base import BaseEstimator, TransformerMixin
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import StandardScaler


    class Sound(BaseEstimator):
        def __init__(self, items=None, alpha=1.0):
            self.items = items
            self.alpha = alpha


    class SharesItems(Sound):
        def __sklearn_clone__(self):
            return type(self)(**self.get_params(deep=False))


    class Model:
        def __init__(self):
            self._lock = threading.Lock()


    class Wrapper(TransformerMixin, BaseEstimator):
        def __init__(self, model=None):
            self.model = model

        def fit(self, X, y=None):
            return self

        def transform(self, X):
            return X


    def make_sound():
        return Pipeline([("s", Sound(items=[1, 2])), ("ridge", Ridge())])


    def make_broken():
        return Pipeline([("scaler", StandardScaler()), ("shares", SharesItems(items=[1]))])


    def make_lock_pipeline():
        return Pipeline([
            ("prep", StandardScaler()),
            ("outer", Pipeline([("union", FeatureUnion([("w", Wrapper(model=Model()))]))])),
        ])


    def failing_factory():
        raise RuntimeError("factory exploded")


    class NeedsArgs(BaseEstimator):
        def __init__(self, required):
            self.required = required


    SOUND_INSTANCE = Sound(items={"a": [1]})


    def make_log1p():
        import numpy as np
        from sklearn.preprocessing import FunctionTransformer

        return FunctionTransformer(func=np.log1p, inverse_func=np.expm1)


    def make_norm_pdf():
        import scipy.stats
        from sklearn.preprocessing import FunctionTransformer

        return FunctionTransformer(func=scipy.stats.norm(0, 1).pdf)


    def make_local():
        class Local(BaseEstimator):
            def __init__(self, alpha=1.0):
                self.alpha = alpha

        return Pipeline([("local", Local()), ("ridge", Ridge())])


    class Recorder(BaseEstimator):
        def __init__(self, alpha=1.0):
            self.alpha = alpha
            self.history_ = []
    '''
)


@pytest.fixture
def run_check(tmp_path, impl_name):
    (tmp_path / "clonemods.py").write_text(MODULE)

    def run(*specs, extra=()):
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(tmp_path)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
        )
        proc = subprocess.run(
            [sys.executable, "-m", "sklearn_slep017", "check", "--implementation",
             impl_name, *extra, *specs],
            capture_output=True, text=True, env=env, timeout=300,
        )
        return proc.returncode, proc.stdout + proc.stderr

    return run


def test_sound_estimators_exit_0(run_check, impl_name):
    status, out = run_check(
        "clonemods:Sound", "clonemods:make_sound", "clonemods:SOUND_INSTANCE",
        "sklearn.linear_model:LogisticRegression", extra=("--fit",),
    )
    assert status == 0, out
    assert "implementation: %s" % canonical_name(impl_name) in out
    n = len(CHECKS)
    assert out.count("  PASS  ") == 4 * n
    assert "FAIL" not in out
    assert "summary: 4 estimators checked, 0 broken; %d passed, 0 failed, 0 skipped" % (4 * n) in out


def test_broken_estimator_exits_1_naming_promise_and_path(run_check):
    status, out = run_check("clonemods:make_broken", "clonemods:Sound")
    assert status == 1, out
    fail_lines = [line for line in out.splitlines() if line.startswith("  FAIL")]
    assert len(fail_lines) == 1
    assert "check_clone_shares_no_mutable_param" in fail_lines[0]
    assert "the clone shares no mutable parameter value with the original" in fail_lines[0]
    assert "shares__items: the clone and the original share one list" in out
    assert "hint:" in out
    assert "summary: 2 estimators checked, 1 broken; %d passed, 1 failed, 0 skipped" % (
        2 * len(CHECKS) - 1) in out


def test_lock_three_levels_down_names_path(run_check):
    status, out = run_check("clonemods:make_lock_pipeline")
    assert status == 1, out
    assert "  FAIL  check_clone_succeeds" in out
    assert "outer__union__w__model:" in out and "_lock" in out
    assert out.count("  SKIP  ") == len(CHECKS) - 1


BAD_SPECS = [
    ("clonemods", "is not a spec: write package.module:Object"),
    ("no_such_module_xyz:Thing", "cannot import module 'no_such_module_xyz'"),
    ("clonemods:Missing", "module 'clonemods' has no attribute 'Missing'"),
    ("clonemods:failing_factory", "cannot call factory clonemods:failing_factory with no "
                                  "arguments: RuntimeError: factory exploded"),
    ("clonemods:NeedsArgs", "cannot instantiate class clonemods:NeedsArgs with no arguments"),
]


def test_bad_specs_exit_2(run_check):
    # One process for all of them: each spec error is reported on its own line.
    status, out = run_check(*[spec for spec, _ in BAD_SPECS], "clonemods:Sound")
    assert status == 2, out
    for spec, message in BAD_SPECS:
        assert "%s: ERROR " % spec in out and message in out
    # The other spec is still checked.
    assert "clonemods:Sound -> Sound()" in out
    assert "5 spec errors" in out


def test_bad_spec_wins_over_broken(run_check):
    status, out = run_check("clonemods:make_broken", "clonemods:Missing")
    assert status == 2, out
    assert "  FAIL  check_clone_shares_no_mutable_param" in out


def test_no_false_alarms_ufunc_bound_method_local_class(run_check):
    # Each used to fail: np.log1p "shared", a frozen distribution's pdf
    # "changed", a local class "unpicklable".
    status, out = run_check(
        "clonemods:make_log1p", "clonemods:make_norm_pdf", "clonemods:make_local",
        extra=("--fit", "--verbose"),
    )
    assert status == 0, out
    assert "FAIL" not in out and "noted" not in out
    assert "summary: 3 estimators checked, 0 broken; %d passed, 0 failed, 0 skipped" % (
        3 * len(CHECKS)) in out
    # The pickle check says what it could not apply to (with --verbose).
    assert "not applicable to the estimator class clonemods.make_local.<locals>.Local" in out


def test_constructor_set_attribute_fails_check_no_attributes_set_in_init(run_check):
    # As scikit-learn's check of that name: a constructor setting history_
    # fails, with its hint; check_clone_unfitted passes (not a clone failure).
    status, out = run_check("clonemods:Recorder", "clonemods:Sound")
    assert status == 1, out
    fail_lines = [line for line in out.splitlines() if line.startswith("  FAIL")]
    assert len(fail_lines) == 1 and "check_no_attributes_set_in_init" in fail_lines[0]
    assert "history_: set by Recorder.__init__ (to []), not a parameter" in out
    assert "hint: set attributes ending in _ in fit, not __init__" in out
    assert "PASS  check_clone_unfitted" in out
    assert "noted" not in out


def test_dotted_name_is_read_as_module_and_object(run_check):
    status, out = run_check("sklearn.linear_model.Ridge", "clonemods.Sound")
    assert status == 0, out
    assert "sklearn.linear_model.Ridge -> Ridge()" in out
    assert "clonemods.Sound -> Sound()" in out


def test_dotted_name_that_does_not_resolve_gets_the_spelling(run_check):
    status, out = run_check("sklearn.linear_model.NoSuchModel")
    assert status == 2, out
    assert "write package.module:Object" in out and "sklearn.linear_model:Ridge" in out


def test_class_that_needs_arguments_gets_a_factory_recipe(run_check):
    status, out = run_check("clonemods:NeedsArgs")
    assert status == 2, out
    assert "it needs required" in out
    assert "def make_estimator():" in out
    assert "return NeedsArgs(required=...)" in out
    assert "then give my_estimators:make_estimator" in out
