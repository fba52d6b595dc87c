"""The supported scikit-learn releases and the package version each live once.

``sklearn_slep017/_version_range.py`` records the oldest and the newest
supported scikit-learn; the Makefile reads the newest with ``sed``, the
noxfile and the maintainer tools load the module by path. The package
version is ``sklearn_slep017.__version__``, which ``pyproject.toml`` declares
dynamic (the built metadata is checked in ``test_packaging.py``).
"""

import inspect
import os
import re
import shutil
import subprocess

import pytest
from support import ROOT

from sklearn_slep017 import _version_range

NEWEST = _version_range.NEWEST_SUPPORTED
OLDEST = _version_range.OLDEST_SUPPORTED

# Files that take the newest release from _version_range.py, so never write it.
READERS = [
    "Makefile",
    "noxfile.py",
    "maint_tools/__init__.py",
    "maint_tools/upstream_build.py",
    "maint_tools/pr_bench.py",
    "maint_tools/freethreaded.py",
    "maint_tools/bench_pythons.py",
]


def test_the_record_is_sed_readable():
    # One line each, a plain string literal: what the Makefile's sed expects.
    text = (ROOT / "sklearn_slep017" / "_version_range.py").read_text()
    for name, value in [("OLDEST_SUPPORTED", OLDEST), ("NEWEST_SUPPORTED", NEWEST)]:
        assert re.findall(r'^%s = "([^"]*)"$' % name, text, flags=re.M) == [value]
    assert _version_range.MIN_SUPPORTED == _version_range.parse_version(OLDEST)
    assert _version_range.MAX_SUPPORTED == _version_range.parse_version(NEWEST)


@pytest.mark.parametrize("name", READERS)
def test_readers_do_not_write_the_newest_release(name):
    text = (ROOT / name).read_text()
    assert NEWEST not in text


@pytest.mark.skipif(shutil.which("make") is None, reason="no make on PATH")
def test_makefile_reads_the_newest_release():
    show = "show-sklearn-version: ; @echo $(NEWEST_SKLEARN) $(SKLEARN_VERSION)"
    # A SKLEARN_VERSION of the environment would win over the record (?=).
    env = {k: v for k, v in os.environ.items()
           if k not in ("SKLEARN_VERSION", "MAKEFLAGS", "MAKELEVEL")}
    out = subprocess.run(
        ["make", "-s", "--no-print-directory", "--eval", show, "show-sklearn-version"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout.split()
    assert out == [NEWEST, NEWEST]


def test_maintainer_tools_default_to_the_newest_release():
    from maint_tools import NEWEST_SKLEARN, freethreaded, pr_bench, upstream_build

    assert NEWEST_SKLEARN == NEWEST
    defaults = {
        "upstream_build.run": inspect.signature(upstream_build.run).parameters["version"],
        "pr_bench.run": inspect.signature(pr_bench.run).parameters["version"],
        "pr_bench.interleaved": inspect.signature(pr_bench.interleaved).parameters["version"],
        "freethreaded.run": inspect.signature(freethreaded.run).parameters["sklearn_version"],
        "freethreaded.run_patched_upstream":
            inspect.signature(freethreaded.run_patched_upstream).parameters["version"],
    }
    assert {name: p.default for name, p in defaults.items()} == dict.fromkeys(defaults, NEWEST)


def _pyproject():
    tomllib = pytest.importorskip("tomllib")  # 3.11+
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_pyproject_takes_the_version_from_the_package():
    pyproject = _pyproject()
    assert "version" not in pyproject["project"]
    assert "version" in pyproject["project"]["dynamic"]
    attr = pyproject["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "sklearn_slep017.__version__"


def test_pyproject_requires_the_oldest_release():
    # PEP 621 dependencies are static data: checked against the record.
    pyproject = _pyproject()
    assert "scikit-learn>=%s" % OLDEST in pyproject["project"]["dependencies"]
