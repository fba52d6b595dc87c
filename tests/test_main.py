"""The command line's own options and the ``status`` verb (``__main__.py``, ``_status_cli.py``)."""

import argparse
import os
import subprocess
import sys

import pytest
import sklearn

import sklearn_slep017
from sklearn_slep017 import _names
from sklearn_slep017.__main__ import build_parser, main


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("sklearn_slep017 %s " % sklearn_slep017.__version__)
    assert "implementation: %s" % sklearn_slep017.implementation() in out
    assert "scikit-learn %s" % sklearn.__version__ in out


def _option(command, flag):
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return next(a for a in subparsers.choices[command]._actions if flag in a.option_strings)


def test_implementation_choices_are_the_one_table():
    # The verbs that take an implementation name offer the table's spellings.
    assert tuple(_option("check", "--implementation").choices) == _names.ACCEPTED
    assert tuple(_option("profile", "--enable").choices) == ("live",) + _names.ACCEPTED


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
