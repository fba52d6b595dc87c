"""pytest plugin: run a test session with ``sklearn_slep017.enable()`` in force.

Loaded with ``-p sklearn_slep017_enable_plugin`` (this directory on
``PYTHONPATH``) by ``tests/switch/test_upstream_suites.py``, which runs
scikit-learn's own test modules in a subprocess. The implementation comes from
``SKLEARN_SLEP017_IMPL`` ("reference" or "compiled", the test ids' names;
the earlier "python" and "cython" are accepted too).

At the end of the session the plugin checks that the switch is still in force
and that ``sklearn.base.clone`` is still ours: otherwise the upstream tests
may have run against scikit-learn's own clone and proved nothing. A failed
check turns the exit status into ``INTERNAL_ERROR`` (3) and is reported in
the terminal summary; a passed one prints ``SESSION_END_OK_LINE``.
"""

import os

import pytest

IMPL_ENV = "SKLEARN_SLEP017_IMPL"
SESSION_END_OK_LINE = "sklearn_slep017 plugin: still enabled ({}) at session end"
SESSION_END_FAILED_LINE = "sklearn_slep017 plugin: FAILED session-end check: {}"

_state = {"impl": None, "problems": None}


def pytest_configure(config):
    import sklearn.base

    import sklearn_slep017
    from sklearn_slep017 import _compat

    name = os.environ[IMPL_ENV]
    sklearn_slep017.enable(name)
    if not sklearn_slep017.is_enabled() or sklearn.base.clone is _compat.UPSTREAM_CLONE:
        raise pytest.UsageError("sklearn_slep017.enable(%r) did not take effect" % name)
    _state["impl"] = name


def _session_end_problems():
    import sklearn.base

    import sklearn_slep017
    from sklearn_slep017 import _clone, _compat, _switch

    problems = []
    if not sklearn_slep017.is_enabled():
        problems.append("sklearn_slep017.is_enabled() is False")
    if sklearn.base.clone is _compat.UPSTREAM_CLONE:
        problems.append("sklearn.base.clone is upstream's clone again")
    elif sklearn.base.clone is not _switch._installed.get("clone"):
        problems.append("sklearn.base.clone is not ours: %r" % (sklearn.base.clone,))
    impl = _clone.get_implementation(_state["impl"])
    estimator_dict = _compat.UPSTREAM_BASE_ESTIMATOR.__dict__
    if estimator_dict.get("__sklearn_clone__") is not impl.sklearn_clone:
        problems.append("BaseEstimator.__sklearn_clone__ is not ours")
    return problems


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session, exitstatus):
    problems = _session_end_problems()
    _state["problems"] = problems
    if problems:
        session.exitstatus = pytest.ExitCode.INTERNAL_ERROR


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    problems = _state["problems"]
    if problems is None:
        return
    if problems:
        terminalreporter.write_line(
            SESSION_END_FAILED_LINE.format("; ".join(problems)), red=True, bold=True
        )
    else:
        terminalreporter.write_line(SESSION_END_OK_LINE.format(_state["impl"]))
