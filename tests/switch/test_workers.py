"""Enabled in worker processes: the start-up hook, joblib's loky workers, Dask.

``SKLEARN_SLEP017_ENABLE`` works through ``sklearn_slep017_enable.pth``,
installed in site-packages with the package: the tests here need that
installation (``pip install .`` or the Makefile's editable install) and fail,
rather than skip, if it is missing.

The cluster tests run a script as ``__main__`` in a fresh interpreter (its
estimators are defined there, so workers cannot import them: cloudpickle
ships them by value), which starts a ``distributed.LocalCluster`` with two
worker processes and uses joblib's loky backend, and prints its findings as
JSON. They are marked ``workers``; ``-m "not workers"`` leaves them out.
"""

import json
import os
import subprocess
import sys
import sysconfig
import textwrap
import time
import warnings
from pathlib import Path

import pytest

import sklearn_slep017
from sklearn_slep017 import _autoenable, _clone_py, _switch

from support import IMPLEMENTATION_NAMES, ROOT, load_implementation

ENV_VAR = _autoenable.ENV_VAR
PTH_NAME = "sklearn_slep017_enable.pth"
REPO_PTH = ROOT / PTH_NAME
TIMEOUT = 300  # a loaded two-core machine starts clusters slowly


def _env(**changes):
    env = {k: v for k, v in os.environ.items() if k != ENV_VAR}
    env.update({k: v for k, v in changes.items() if v is not None})
    return env


def _python(code, timeout=120, **env):
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True, text=True, timeout=timeout, env=_env(**env),
    )


@pytest.fixture(scope="module")
def installed_pth():
    """The .pth as installed in this interpreter's site-packages."""
    path = Path(sysconfig.get_paths()["purelib"]) / PTH_NAME
    if not path.is_file():
        pytest.fail(
            "%s is not installed in %s: reinstall the package (pip install -e . "
            "or make test) so that %s works." % (PTH_NAME, path.parent, ENV_VAR)
        )
    return path


# -- the start-up hook -------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, (False, None)),
        ("", (False, None)),
        (" 0 ", (False, None)),
        ("False", (False, None)),
        ("no", (False, None)),
        ("off", (False, None)),
        ("1", (True, None)),
        ("TRUE", (True, None)),
        ("yes", (True, None)),
        ("on", (True, None)),
        ("cython", (True, "compiled")),
        (" Python", (True, "reference")),
    ],
)
def test_parse(value, expected):
    assert _autoenable.parse(value) == expected


@pytest.mark.parametrize("value", ["2", "enable", "pypy", "1.0"])
def test_parse_rejects(value):
    with pytest.raises(ValueError, match=ENV_VAR):
        _autoenable.parse(value)


def test_installed_pth_is_the_repository_one(installed_pth):
    assert installed_pth.read_text() == REPO_PTH.read_text()
    lines = [line for line in REPO_PTH.read_text().splitlines() if line.strip()]
    # One line, that site.py executes (it starts with "import").
    assert len(lines) == 1 and lines[0].startswith("import ")


def test_dask_module_without_distributed_says_what_to_install(monkeypatch):
    monkeypatch.delitem(sys.modules, "sklearn_slep017.dask", raising=False)
    monkeypatch.setitem(sys.modules, "distributed.diagnostics.plugin", None)
    with pytest.raises(ImportError, match="pip install distributed"):
        import sklearn_slep017.dask  # noqa: F401


HOOK_STATE = """
    import sys
    module = sys.modules.get("_sklearn_slep017_autoenable")
    hooks = [f for f in sys.meta_path if getattr(f, "_sklearn_slep017_hook", False)]
    print(module and module.status()["status"], len(hooks), "sklearn" in sys.modules)
"""


@pytest.mark.parametrize("value", ["", "0", " off "])
def test_off_values_do_nothing(installed_pth, value):
    proc = _python(HOOK_STATE, **{ENV_VAR: value})
    assert proc.returncode == 0, proc.stderr
    # The empty value does not even load the module.
    assert proc.stdout.split() == ["None", "0", "False"] and not proc.stderr


def test_set_installs_the_hook_only(installed_pth):
    proc = _python(HOOK_STATE, **{ENV_VAR: "1"})
    assert proc.returncode == 0, proc.stderr
    # Waiting for ``import sklearn``: nothing heavy imported at start-up.
    assert proc.stdout.split() == ["waiting", "1", "False"] and not proc.stderr


def test_invalid_value_warns_never_crashes(installed_pth):
    proc = _python(HOOK_STATE, **{ENV_VAR: "bogus"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["invalid", "0", "False"]
    assert proc.stderr.count("RuntimeWarning") == 1  # once, at start-up
    assert "SKLEARN_SLEP017_ENABLE='bogus' is not understood" in proc.stderr


def test_set_enables_on_import_sklearn(installed_pth):
    # (Which implementation each value picks: test_install_in_process_after_sklearn.)
    proc = _python("""
        import sys
        assert "sklearn" not in sys.modules, "sklearn imported at start-up"
        assert "sklearn_slep017" not in sys.modules
        from sklearn.model_selection import GridSearchCV  # the trigger
        import sklearn.base, sklearn_slep017
        from sklearn_slep017 import _autoenable, _compat, _switch
        import sklearn.model_selection._validation as validation
        assert sklearn_slep017.is_enabled()
        assert sklearn.base.clone is not _compat.UPSTREAM_CLONE
        assert validation.clone is sklearn.base.clone
        print(_switch._live_impl.__name__, _autoenable.status()["status"])
        # The hook is gone once it has fired.
        print(any(getattr(f, "_sklearn_slep017_hook", False) for f in sys.meta_path))
    """, **{ENV_VAR: "1"})
    assert proc.returncode == 0, proc.stderr
    impl_module = sklearn_slep017._clone.get_implementation().__name__
    assert proc.stdout.split() == [impl_module, "enabled", "False"]
    assert not proc.stderr


def test_package_imported_first(installed_pth):
    # ``import sklearn_slep017`` imports scikit-learn itself: enable() must
    # wait until the package has finished importing.
    proc = _python("""
        import sklearn_slep017
        print(sklearn_slep017.is_enabled())
    """, **{ENV_VAR: "1"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "True" and not proc.stderr


def test_failure_to_enable_warns_and_import_goes_on(installed_pth):
    # Under SKLEARN_SLEP017_NO_EXTENSIONS the compiled implementation is not
    # available: enable("cython") raises ValueError, turned into a warning.
    proc = _python("""
        import sklearn.linear_model, sklearn_slep017
        from sklearn_slep017 import _autoenable
        print(sklearn_slep017.is_enabled(), _autoenable.status()["status"])
    """, **{ENV_VAR: "cython", "SKLEARN_SLEP017_NO_EXTENSIONS": "1"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False", "failed"]
    assert "RuntimeWarning" in proc.stderr and "cython" in proc.stderr


def test_a_broken_package_does_not_break_startup(installed_pth, tmp_path):
    # A package shadowing ours without the module: start-up reports, goes on.
    fake = tmp_path / "sklearn_slep017"
    fake.mkdir()
    (fake / "__init__.py").write_text("")
    proc = subprocess.run(
        [sys.executable, "-c", "print('alive')"], capture_output=True, text=True,
        timeout=60, env=_env(**{ENV_VAR: "1", "PYTHONPATH": str(tmp_path)}),
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "alive"
    assert "start-up hook failed" in proc.stderr


def test_install_in_process_after_sklearn(monkeypatch):
    # install() when scikit-learn is already imported enables at once.
    monkeypatch.setattr(_autoenable, "_state", dict(_autoenable._state))
    assert _autoenable.install("0") == "off"
    assert not sklearn_slep017.is_enabled()
    try:
        assert _autoenable.install("python") == "enabled"
        assert sklearn_slep017.is_enabled()
        assert _switch._live_impl is _clone_py
    finally:
        sklearn_slep017.disable()
    for value in IMPLEMENTATION_NAMES:
        try:
            assert _autoenable.install(" %s " % value.upper()) == "enabled"
            assert _switch._live_impl is load_implementation(value)
        finally:
            sklearn_slep017.disable()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert _autoenable.install("nonsense") == "invalid"
    assert [w.category for w in caught] == [RuntimeWarning]
    assert not any(getattr(f, "_sklearn_slep017_hook", False) for f in sys.meta_path)


def test_plugin_setup_and_teardown_in_process():
    from sklearn_slep017.dask import EnablePlugin

    plugin = EnablePlugin("python")
    plugin.setup(worker=None)
    try:
        assert sklearn_slep017.is_enabled()
    finally:
        plugin.teardown(worker=None)
    assert not sklearn_slep017.is_enabled()
    # Already enabled (by the variable, say): teardown leaves it enabled.
    sklearn_slep017.enable("python")
    try:
        plugin = EnablePlugin()
        plugin.setup(worker=None)
        plugin.teardown(worker=None)
        assert sklearn_slep017.is_enabled()
    finally:
        sklearn_slep017.disable()


# -- real worker processes: loky and a Dask LocalCluster ---------------------

SCRIPT = r'''
import json
import logging
import os
import sys
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone
from sklearn.datasets import make_classification
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

import sklearn_slep017
from sklearn_slep017 import _compat
from sklearn_slep017.frozen import FrozenEstimator

# Importing the package (and its frozen module) must not import Dask.
DASK_IMPORTED = sorted(m for m in ("dask", "distributed") if m in sys.modules)
PARENT_PID = os.getpid()
X, y = make_classification(n_samples=120, n_features=6, n_informative=3, random_state=0)


def probe():
    import sklearn.base
    import sklearn_slep017
    from sklearn_slep017 import _autoenable, _compat

    return {
        "pid": os.getpid(),
        "enabled": sklearn_slep017.is_enabled(),
        "implementation": sklearn_slep017.implementation(),
        "clone_is_upstream": sklearn.base.clone is _compat.UPSTREAM_CLONE,
        "startup": _autoenable.status()["status"],
    }


def make_search(**kwargs):
    pipeline = Pipeline([
        ("scale", StandardScaler()),
        ("select", SelectKBest(f_classif, k=3)),
        ("clf", DecisionTreeClassifier(random_state=0)),
    ])
    grid = {"select__k": [2, 3, 4], "clf__max_depth": [1, 2, 3]}
    return GridSearchCV(pipeline, grid, cv=3, **kwargs)


def scores(search):
    results = search.cv_results_
    keys = ["mean_test_score"] + ["split%d_test_score" % i for i in range(search.n_splits_)]
    return {key: [float(v) for v in results[key]] for key in keys}


class ScriptClassifier(ClassifierMixin, BaseEstimator):
    """Defined in __main__: workers cannot import it, cloudpickle ships it."""

    def __init__(self, threshold=0.0):
        self.threshold = threshold

    def __sklearn_clone__(self):
        cloned = super().__sklearn_clone__()
        cloned.clone_record_ = {"pid": os.getpid(),
                                "enabled": sklearn_slep017.is_enabled()}
        return cloned

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return self.classes_[(X[:, 0] > self.threshold).astype(int)]


def cloned_by_protocol(est, X, y):
    return float(hasattr(est["clf"], "clone_record_"))


def cloned_in_worker(est, X, y):
    return float(est["clf"].clone_record_["pid"] != PARENT_PID)


def enabled_in_worker(est, X, y):
    return float(est["clf"].clone_record_["enabled"] and os.getpid() != PARENT_PID)


def script_estimator_search(**kwargs):
    pipeline = Pipeline([("scale", StandardScaler()), ("clf", ScriptClassifier())])
    grid = {"clf": [ScriptClassifier(t) for t in (-0.5, 0.0, 0.5)]}
    scoring = {"accuracy": "accuracy", "protocol": cloned_by_protocol,
               "worker": cloned_in_worker, "enabled": enabled_in_worker}
    search = GridSearchCV(pipeline, grid, cv=3, scoring=scoring, refit=False, **kwargs)
    search.fit(X, y)
    return {name: [float(v) for v in search.cv_results_["mean_test_" + name]]
            for name in scoring}


class CountingScaler(StandardScaler):
    """A scaler counting its fits (defined in __main__ too)."""

    def fit(self, X, y=None, **kwargs):
        self.n_fits_ = getattr(self, "n_fits_", 0) + 1
        return super().fit(X, y, **kwargs)


PREFIT = CountingScaler().fit(X + 5.0)
PREFIT_MEAN = PREFIT.mean_.copy()


def frozen_intact(est, X, y):
    step = est["scale"]
    return float(
        isinstance(step, FrozenEstimator)
        and step.estimator.n_fits_ == 1
        and np.array_equal(step.estimator.mean_, PREFIT_MEAN)
        and os.getpid() != PARENT_PID
    )


def frozen_search(**kwargs):
    # The frozen step is a grid value: the worker clones it (upstream's
    # _fit_and_score clones the candidate's parameters there).
    pipeline = Pipeline([("scale", "passthrough"), ("clf", LogisticRegression())])
    grid = {"scale": [FrozenEstimator(PREFIT)], "clf__C": [0.1, 1.0]}
    search = GridSearchCV(pipeline, grid, cv=3, refit=False,
                          scoring={"accuracy": "accuracy", "frozen": frozen_intact}, **kwargs)
    search.fit(X, y)
    return [float(v) for v in search.cv_results_["mean_test_frozen"]]


def run_on_dask(client, fn):
    from joblib import parallel_config

    with parallel_config(backend="dask"):
        return fn(n_jobs=-1)


def loky_probes():
    from joblib import Parallel, delayed

    return Parallel(n_jobs=2, backend="loky")(delayed(probe)() for _ in range(8))


def main(mode):
    from distributed import Client, LocalCluster

    out = {"parent": probe(), "dask_imported_by_package": DASK_IMPORTED}
    out["loky_workers"] = loky_probes()
    # Without the package in the workers, scikit-learn < 1.3 knows no
    # __sklearn_clone__: nothing to check there.
    if mode == "env" or _compat.SKLEARN_VERSION >= (1, 3):
        out["loky_script_estimator"] = script_estimator_search(n_jobs=2)
        out["loky_frozen"] = frozen_search(n_jobs=2)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        client.wait_for_workers(2, timeout=300)
        out["dask_workers"] = list(client.run(probe).values())
        if mode == "plugin":
            out["scores_upstream"] = scores(run_on_dask(client, lambda **kw: make_search(**kw).fit(X, y)))
            from sklearn_slep017.dask import EnablePlugin

            client.register_plugin(EnablePlugin())
            out["dask_workers_plugin"] = list(client.run(probe).values())
        out["scores"] = scores(run_on_dask(client, lambda **kw: make_search(**kw).fit(X, y)))
        out["dask_script_estimator"] = run_on_dask(client, script_estimator_search)
        out["dask_frozen"] = run_on_dask(client, frozen_search)
        if mode == "plugin":
            client.unregister_worker_plugin(EnablePlugin.name)
            out["dask_workers_unregistered"] = list(client.run(probe).values())
    print("RESULT " + json.dumps(out))


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    main(sys.argv[1])
'''


def _run_script(tmp_path, mode, **env):
    script = tmp_path / "search_script.py"
    script.write_text(SCRIPT)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(script), mode], capture_output=True, text=True,
        timeout=TIMEOUT, env=_env(**env), cwd=str(tmp_path),
    )
    elapsed = time.perf_counter() - start
    assert proc.returncode == 0, "exit %d after %.0fs\n%s" % (proc.returncode, elapsed, proc.stderr[-5000:])
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, proc.stdout + proc.stderr
    return json.loads(lines[-1][len("RESULT "):])


def _reference_scores():
    """The search's scores in this process, upstream's clone, no workers."""
    namespace = {"__name__": "search_script_reference"}
    exec(compile(SCRIPT, "search_script.py", "exec"), namespace)
    assert not sklearn_slep017.is_enabled()
    return namespace["scores"](namespace["make_search"]().fit(namespace["X"], namespace["y"]))


def _assert_all(probes, **expected):
    assert probes
    for probe in probes:
        for key, value in expected.items():
            assert probe[key] == value, (key, probe)


@pytest.mark.workers
def test_variable_reaches_loky_and_dask_workers(installed_pth, tmp_path):
    out = _run_script(tmp_path, "env", **{ENV_VAR: "1"})
    live = sklearn_slep017.implementation()
    _assert_all([out["parent"]], enabled=True, startup="enabled")
    # Loky: both workers (separate processes) enabled at start-up.
    _assert_all(out["loky_workers"], enabled=True, implementation=live,
                clone_is_upstream=False, startup="enabled")
    assert len({p["pid"] for p in out["loky_workers"]} - {out["parent"]["pid"]}) == 2
    # Dask: every worker process.
    assert len(out["dask_workers"]) == 2
    _assert_all(out["dask_workers"], enabled=True, implementation=live,
                clone_is_upstream=False, startup="enabled")
    # Identical scores to upstream's clone run sequentially here.
    assert out["scores"] == _reference_scores()
    # A __main__-defined estimator with __sklearn_clone__, cloned in workers
    # by the protocol with the package enabled there; frozen steps intact.
    for key in ("loky_script_estimator", "dask_script_estimator"):
        result = out[key]
        assert result["protocol"] == result["worker"] == result["enabled"] == [1.0] * 3, (key, result)
    assert out["loky_frozen"] == out["dask_frozen"] == [1.0, 1.0]


@pytest.mark.workers
def test_plugin_on_a_cluster_started_without_the_variable(installed_pth, tmp_path):
    out = _run_script(tmp_path, "plugin")
    live = sklearn_slep017.implementation()
    _assert_all([out["parent"]], enabled=False, startup=None)
    assert out["dask_imported_by_package"] == []
    _assert_all(out["loky_workers"], enabled=False, clone_is_upstream=True, startup=None)
    _assert_all(out["dask_workers"], enabled=False, clone_is_upstream=True, startup=None)
    assert len(out["dask_workers_plugin"]) == 2
    _assert_all(out["dask_workers_plugin"], enabled=True, implementation=live,
                clone_is_upstream=False)
    _assert_all(out["dask_workers_unregistered"], enabled=False, clone_is_upstream=True)
    # Identical cv_results_ scores: without the package (same cluster, no
    # variable, no plugin), with the plugin, and sequential upstream here.
    assert out["scores"] == out["scores_upstream"] == _reference_scores()
    # Script estimators and frozen steps: ours on Dask, upstream's in loky workers.
    result = out["dask_script_estimator"]
    assert result["protocol"] == result["worker"] == result["enabled"] == [1.0] * 3, result
    assert out["dask_frozen"] == [1.0, 1.0]
    if "loky_script_estimator" in out:  # scikit-learn >= 1.3: upstream's protocol
        result = out["loky_script_estimator"]
        assert result["protocol"] == result["worker"] == [1.0] * 3
        assert result["enabled"] == [0.0] * 3
        assert out["loky_frozen"] == [1.0, 1.0]
