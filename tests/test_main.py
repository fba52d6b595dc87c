"""The command line's own options and the ``status`` verb (``__main__.py``, ``_status_cli.py``)."""

import os
import subprocess
import sys

import pytest
import sklearn

import sklearn_slep017
from sklearn_slep017.__main__ import main


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("sklearn_slep017 %s " % sklearn_slep017.__version__)
    assert "implementation: %s" % sklearn_slep017.implementation() in out
    assert "scikit-learn %s" % sklearn.__version__ in out


def test_status_verb_in_this_process(capsys):
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "scikit-learn clones with its own clone (sklearn_slep017 is not enabled)" in out
    assert "worker processes: not enabled" in out and "SKLEARN_SLEP017_ENABLE" in out


def test_status_verb_with_the_environment_variable():
    env = dict(os.environ, SKLEARN_SLEP017_ENABLE="reference")
    out = subprocess.run(
        [sys.executable, "-m", "sklearn_slep017", "status"], env=env,
        capture_output=True, text=True, check=True,
    ).stdout
    assert "clones with the reference clone of sklearn_slep017 (through environment " \
        "(SKLEARN_SLEP017_ENABLE)" in out
    assert "start-up hook (SKLEARN_SLEP017_ENABLE): enabled" in out
