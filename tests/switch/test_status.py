"""``sklearn_slep017.status()``, ``enable(workers=...)`` and the logging records.

status() is read from the installed objects: it must agree with
is_enabled() and implementation() in every state, through every route.
"""

import logging
import os
import subprocess
import sys
import warnings

import pytest
import sklearn.base

import sklearn_slep017
from sklearn_slep017 import _compat, _switch
from sklearn_slep017._clone import canonical_name

ENV = _switch.ENV_VAR


@pytest.fixture
def clean_env(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)


def _agrees(state):
    assert state["enabled"] is sklearn_slep017.is_enabled()
    assert state["implementation"] == sklearn_slep017.implementation()
    if state["enabled"]:
        assert state["sklearn_clone"] in ("compiled", "reference")
        assert sklearn.base.clone is not _compat.UPSTREAM_CLONE
    else:
        assert state["sklearn_clone"] == "upstream" and state["route"] is None
        assert sklearn.base.clone is _compat.UPSTREAM_CLONE


def test_status_disabled(clean_env):
    state = sklearn_slep017.status()
    _agrees(state)
    assert state["since"] is None
    assert "not enabled" in state["workers"] and ENV in state["workers"]


def test_status_through_enable_and_enabled(impl_name, clean_env):
    name = canonical_name(impl_name)
    sklearn_slep017.enable(impl_name)
    try:
        state = sklearn_slep017.status()
        _agrees(state)
        assert (state["sklearn_clone"], state["route"]) == (name, "enable()")
        assert state["since"] is not None
        # enable() again: nothing changes, the first route and time stay.
        sklearn_slep017.enable(impl_name)
        assert sklearn_slep017.status() == state
    finally:
        sklearn_slep017.disable()
    _agrees(sklearn_slep017.status())
    with sklearn_slep017.enabled(impl_name):
        state = sklearn_slep017.status()
        _agrees(state)
        assert (state["sklearn_clone"], state["route"]) == (name, "enabled()")
    _agrees(sklearn_slep017.status())


def test_status_names_a_clone_someone_else_installed(monkeypatch):
    monkeypatch.setattr(sklearn.base, "clone", lambda estimator, safe=True: estimator)
    state = sklearn_slep017.status()
    assert state["sklearn_clone"] == "other" and state["enabled"] is False
    assert "replaced by something else" in _switch.format_status(state)


@pytest.mark.parametrize("value", ["1", "reference"])
def test_status_through_the_environment(value):
    code = (
        "import sklearn, sklearn_slep017 as s; st = s.status(); "
        "print(st['sklearn_clone'], st['route'], st['implementation'], st['environment']['status'])"
    )
    env = dict(os.environ, **{ENV: value})
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    live = out[2]
    assert out == [live if value == "1" else "reference", "environment", live, "enabled"]


def test_logging_records_on_enable_and_disable(impl_name, caplog, clean_env):
    name = canonical_name(impl_name)
    with caplog.at_level(logging.DEBUG, logger="sklearn_slep017"):
        sklearn_slep017.enable(impl_name)
        sklearn_slep017.enable(impl_name)
        sklearn_slep017.disable()
        sklearn_slep017.disable()
    records = [(r.levelname, r.getMessage()) for r in caplog.records
               if r.name == "sklearn_slep017"]
    assert records[0][0] == "INFO" and "enabled" in records[0][1] and name in records[0][1]
    assert records[1][0] == "DEBUG" and "already enabled" in records[1][1]
    assert records[2][0] == "INFO" and "disabled" in records[2][1]
    assert records[3][0] == "DEBUG" and "not enabled" in records[3][1]


def test_enable_workers_sets_and_restores_the_variable(impl_name, clean_env, monkeypatch):
    monkeypatch.setattr(_switch, "_loky_workers_running", lambda: False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sklearn_slep017.enable(impl_name, workers=True)
    try:
        assert os.environ[ENV] == canonical_name(impl_name)
        assert sklearn_slep017.status()["workers"].startswith("enabled at start-up")
    finally:
        sklearn_slep017.disable()
    assert ENV not in os.environ
    # A value set before is put back, not dropped.
    monkeypatch.setenv(ENV, "0")
    sklearn_slep017.enable(impl_name, workers=True)
    sklearn_slep017.disable()
    assert os.environ[ENV] == "0"


def test_enable_workers_warns_when_loky_workers_already_run(impl_name, clean_env, monkeypatch):
    monkeypatch.setattr(_switch, "_loky_workers_running", lambda: True)
    with pytest.warns(RuntimeWarning, match="loky workers are already running") as caught:
        sklearn_slep017.enable(impl_name, workers=True)
    try:
        assert ENV in str(caught[0].message)
    finally:
        sklearn_slep017.disable()


def test_enable_without_workers_leaves_the_environment(impl_name, clean_env):
    sklearn_slep017.enable(impl_name)
    try:
        assert ENV not in os.environ
        assert sklearn_slep017.status()["workers"].startswith("not enabled")
    finally:
        sklearn_slep017.disable()


def test_status_through_the_dask_plugin(impl_name, clean_env):
    # The plugin's setup, called as a worker would call it (no cluster here:
    # tests/switch/test_workers.py runs a real one).
    from sklearn_slep017.dask import EnablePlugin  # distributed: in the test group

    plugin = EnablePlugin(impl_name)
    plugin.setup(worker=None)
    try:
        state = sklearn_slep017.status()
        _agrees(state)
        assert (state["sklearn_clone"], state["route"]) == (canonical_name(impl_name), "dask plugin")
    finally:
        plugin.teardown(worker=None)
    _agrees(sklearn_slep017.status())
