"""scikit-learn's own test modules, run with ``enable()`` in force.

Each (module, implementation) pair runs in a subprocess:

    python -m pytest <installed sklearn test module> -p sklearn_slep017_enable_plugin

with ``tests/upstream_plugin`` on ``PYTHONPATH``. The plugin enables the
implementation named by ``SKLEARN_SLEP017_IMPL`` in ``pytest_configure`` and
fails the session (exit status 3) if, at its end, the switch is no longer in
force. The subprocesses are single-process; pytest-xdist spreads them.

The test files are those shipped in the installed wheel, found through
``sklearn.__file__``. The subprocess uses ``upstream_plugin/pytest_upstream.ini``
(via ``-c``) so that this project's ``pyproject.toml`` -- an ancestor of the
virtualenv -- is not taken as the configuration of scikit-learn's tests.

Baseline (scikit-learn 1.9.1 on the development machine, without the plugin):
every test of the four modules passes on its own, so nothing is deselected.
Should a module fail here without ``enable()`` (network, datasets, a newer
dependency), deselect exactly the failing node ids in ``DESELECT`` together
with the output of the run without the plugin that shows they fail there too;
a test that fails only with ``enable()`` is a bug in this package and must
stay failing.
"""

import json
import os
import re
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pytest
import sklearn
from support import ROOT

from sklearn_slep017 import _compat

PLUGIN_DIR = ROOT / "tests" / "upstream_plugin"
PLUGIN = "sklearn_slep017_enable_plugin"
INI = PLUGIN_DIR / "pytest_upstream.ini"
SITE_DIR = Path(sklearn.__file__).resolve().parent.parent

sys.path.insert(0, str(PLUGIN_DIR))
try:
    from sklearn_slep017_enable_plugin import (  # noqa: E402
        SESSION_END_FAILED_LINE,
        SESSION_END_OK_LINE,
    )
finally:
    sys.path.remove(str(PLUGIN_DIR))

UPSTREAM_MODULES = [
    "sklearn/tests/test_base.py",
    "sklearn/tests/test_pipeline.py",
    "sklearn/tests/test_metadata_routing.py",
    "sklearn/model_selection/tests/test_search.py",
]

# module -> node ids that fail on this machine *without* enable(); see the
# module docstring. Empty: all four modules pass on their own.
DESELECT = {module: [] for module in UPSTREAM_MODULES}

TAIL_LINES = 120


def _subprocess_env(impl_name=None):
    # Nothing of the outer pytest(-xdist) run leaks into the inner one.
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    env.pop("SKLEARN_SLEP017_IMPL", None)
    if impl_name is not None:
        env["SKLEARN_SLEP017_IMPL"] = impl_name
    env["PYTHONPATH"] = os.pathsep.join(
        [str(PLUGIN_DIR)] + [p for p in [os.environ.get("PYTHONPATH")] if p]
    )
    return env


def run_pytest(args, cwd, impl_name=None):
    """Run pytest in a subprocess; with ``impl_name``, under the enable plugin."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        *args,
        "-c",
        str(INI),
        "--rootdir",
        str(SITE_DIR),
        "-p",
        "no:cacheprovider",
        "-q",
        "-rfE",
    ]
    if impl_name is not None:
        command += ["-p", PLUGIN]
    return subprocess.run(
        command,
        cwd=cwd,
        env=_subprocess_env(impl_name),
        capture_output=True,
        text=True,
    )


def _tail(result):
    lines = (result.stdout + "\n" + result.stderr).splitlines()
    return "\n".join(lines[-TAIL_LINES:])


def _summary_counts(stdout):
    counts = {}
    for number, word in re.findall(r"(\d+) (passed|failed|errors?|skipped)", stdout):
        counts["error" if word.startswith("error") else word] = int(number)
    return counts


# module -> the first release that ships it (metadata routing arrived in 1.3).
FIRST_RELEASE = {"sklearn/tests/test_metadata_routing.py": (1, 3)}

# The compatibility matrix (noxfile.py) collects the counts of each run here.
COMPAT_DIR_ENV = "SKLEARN_SLEP017_COMPAT_DIR"


def _record_counts(module, impl_name, counts):
    folder = os.environ.get(COMPAT_DIR_ENV)
    if folder:
        name = "upstream-%s-%s.json" % (Path(module).stem, impl_name)
        Path(folder, name).write_text(json.dumps(counts, sort_keys=True))


def _failed_names(stdout):
    # From the ``-rfE`` summary, "FAILED path::name - message": the names.
    found = []
    for line in stdout.splitlines():
        match = re.match(r"(?:FAILED|ERROR) \S+?::(\S+)", line)
        if match and match.group(1) not in found:
            found.append(match.group(1))
    return found


def classify_failures(result, args, cwd):
    """``(failed, ours_only)``: test names failing in a run under the plugin.

    When some fail, the same ``args`` run again without ``enable()``: a test
    that fails there too is the release's own (an old test meeting a newer
    numpy or pytest); one that passes there fails because of us
    (``ours_only``). Names are compared without their path, which pytest
    spells relative to a rootdir the test files may lie outside of.
    """
    failed = _failed_names(result.stdout) if result.returncode == 1 else []
    if not failed:
        return [], []
    baseline = run_pytest(args, cwd=cwd)
    return failed, sorted(set(failed) - set(_failed_names(baseline.stdout)))


@pytest.mark.upstream_suite
@pytest.mark.parametrize("module", UPSTREAM_MODULES, ids=lambda m: Path(m).stem)
def test_upstream_suite(module, impl_name, tmp_path):
    path = SITE_DIR / module
    first = FIRST_RELEASE.get(module)
    if first is not None and _compat.SKLEARN_VERSION < first:
        pytest.skip("scikit-learn %s has no %s" % (sklearn.__version__, module))
    assert path.is_file(), "%s is not in the installed scikit-learn" % path
    args = [str(path)]
    for node_id in DESELECT[module]:
        args += ["--deselect", "%s::%s" % (path, node_id)]
    result = run_pytest(args, cwd=tmp_path, impl_name=impl_name)
    counts = _summary_counts(result.stdout)
    failed, ours_only = classify_failures(result, args, cwd=tmp_path)
    if failed:
        counts["upstream_own_failures"] = sorted(failed)
        _record_counts(module, impl_name, counts)
        assert not ours_only, (
            "fail with sklearn_slep017.enable(%r) only:\n  %s\n%s"
            % (impl_name, "\n  ".join(ours_only), _tail(result))
        )
        warnings.warn(
            "scikit-learn %s's %s: %d test(s) fail with and without enable(), "
            "upstream's own: %s"
            % (
                sklearn.__version__,
                module,
                len(failed),
                ", ".join(failed),
            )
        )
        assert SESSION_END_OK_LINE.format(impl_name) in result.stdout, _tail(result)
        return
    _record_counts(module, impl_name, counts)
    if result.returncode != 0:
        pytest.fail(
            "scikit-learn's %s failed with sklearn_slep017.enable(%r) (exit %d); "
            "last %d lines:\n%s"
            % (module, impl_name, result.returncode, TAIL_LINES, _tail(result)),
            pytrace=False,
        )
    # The plugin was loaded and the switch held to the end; tests did run.
    assert SESSION_END_OK_LINE.format(impl_name) in result.stdout, _tail(result)
    assert counts.get("passed", 0) > 0, _tail(result)
    assert counts.get("failed", 0) == 0 and counts.get("error", 0) == 0, _tail(result)


# --------------------------------------------------------------------------
# the plugin itself: it must be able to fail
# --------------------------------------------------------------------------


def _write_tests(tmp_path, source):
    path = tmp_path / "test_inner.py"
    path.write_text(textwrap.dedent(source))
    return path


def test_plugin_enables_for_the_whole_session(impl_name, tmp_path):
    path = _write_tests(
        tmp_path,
        """
        import sklearn.base
        import sklearn.pipeline
        import sklearn_slep017
        from sklearn_slep017 import _compat, _clone

        def test_enabled():
            assert sklearn_slep017.is_enabled()
            assert sklearn.base.clone is not _compat.UPSTREAM_CLONE
            assert sklearn.pipeline.clone is sklearn.base.clone

        def test_implementation():
            impl = _clone.get_implementation(%r)
            estimator_dict = sklearn.base.BaseEstimator.__dict__
            assert estimator_dict["__sklearn_clone__"] is impl.sklearn_clone
        """
        % impl_name,
    )
    result = run_pytest([str(path)], cwd=tmp_path, impl_name=impl_name)
    assert result.returncode == 0, _tail(result)
    assert _summary_counts(result.stdout).get("passed") == 2, _tail(result)
    assert SESSION_END_OK_LINE.format(impl_name) in result.stdout, _tail(result)


@pytest.mark.parametrize(
    "undo",
    ["sklearn_slep017.disable()", "sklearn.base.clone = _compat.UPSTREAM_CLONE"],
    ids=["disable", "restore-clone"],
)
def test_plugin_fails_a_session_that_undoes_enable(impl_name, tmp_path, undo):
    path = _write_tests(
        tmp_path,
        """
        import sklearn.base
        import sklearn_slep017
        from sklearn_slep017 import _compat

        def test_undo():
            %s
        """
        % undo,
    )
    result = run_pytest([str(path)], cwd=tmp_path, impl_name=impl_name)
    assert result.returncode == pytest.ExitCode.INTERNAL_ERROR, _tail(result)
    assert SESSION_END_FAILED_LINE.format("") in result.stdout, _tail(result)
    assert _summary_counts(result.stdout).get("passed") == 1, _tail(result)


def test_plugin_without_implementation_is_a_usage_error(tmp_path):
    path = _write_tests(tmp_path, "def test_nothing():\n    pass\n")
    command_env = _subprocess_env("fortran")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(path), "-p", PLUGIN, "-p", "no:cacheprovider"],
        cwd=tmp_path,
        env=command_env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0, _tail(result)
    assert "fortran" in result.stdout + result.stderr


def test_failures_are_classified_by_a_run_without_enable(impl_name, tmp_path):
    path = _write_tests(
        tmp_path,
        """
        import sklearn_slep017

        def test_passes():
            pass

        def test_always_fails():
            assert False

        def test_fails_only_when_enabled():
            assert not sklearn_slep017.is_enabled()
        """,
    )
    result = run_pytest([str(path)], cwd=tmp_path, impl_name=impl_name)
    failed, ours_only = classify_failures(result, [str(path)], cwd=tmp_path)
    assert sorted(failed) == ["test_always_fails", "test_fails_only_when_enabled"]
    assert ours_only == ["test_fails_only_when_enabled"]
