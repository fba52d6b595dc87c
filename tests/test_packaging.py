"""What users install: the sdist and the wheel built from it hold the package, no maintainer tool.

The sdist is built with setuptools' PEP 517 hook from the checkout, the wheel
from the sdist with pip (no build isolation: the build requirements are those
of the test environment), as a user's ``pip install`` from the sdist would.
"""

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAINTAINER_TOOLS = sorted(p.stem for p in (ROOT / "maint_tools").glob("*.py") if p.stem != "__init__")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sdist and the wheel built from it: their paths."""
    out = tmp_path_factory.mktemp("dist")
    name = subprocess.run(
        [
            sys.executable, "-c",
            "import sys; from setuptools import build_meta; "
            "print(build_meta.build_sdist(sys.argv[1]))",
            str(out),
        ],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.strip().splitlines()[-1]
    sdist = out / name
    subprocess.run(
        [
            sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
            "--no-build-isolation", "--wheel-dir", str(out), str(sdist),
        ],
        capture_output=True, text=True, check=True,
    )
    (wheel,) = out.glob("*.whl")
    return sdist, wheel


@pytest.fixture(scope="module")
def dists(built):
    """The names of the files in the sdist and in the wheel."""
    sdist, wheel = built
    with tarfile.open(sdist) as tar:
        sdist_files = [m.name.split("/", 1)[1] for m in tar.getmembers() if "/" in m.name]
    with zipfile.ZipFile(wheel) as whl:
        wheel_files = whl.namelist()
    return sdist_files, wheel_files


def test_maint_tools_are_known():
    assert {"patches", "compat_report"} <= set(MAINTAINER_TOOLS)


def test_wheel_holds_the_package_and_no_maintainer_tool(dists):
    _, wheel_files = dists
    assert "sklearn_slep017/__init__.py" in wheel_files
    assert "sklearn_slep017_enable.pth" in wheel_files
    assert not [name for name in wheel_files if name.startswith("maint_tools/")]
    for tool in MAINTAINER_TOOLS + ["_patches", "_compat_report"]:
        assert not [name for name in wheel_files if Path(name).stem == tool], tool


def test_sdist_holds_the_sources_and_no_build_leftovers(dists):
    sdist_files, _ = dists
    for name in ("PKG-INFO", "pyproject.toml", "setup.py", "sklearn_slep017_enable.pth",
                 "sklearn_slep017/_clone_c.pyx", "sklearn_slep017/_clone_capi.h"):
        assert name in sdist_files
    leftovers = [
        name for name in sdist_files
        if ".egg-info" in name
        or name.startswith(("build/", "maint_tools/"))
        or name.endswith((".so", ".pyd", ".pyc", "_clone_c.c"))
    ]
    assert leftovers == []


def test_license_travels_with_both(dists):
    sdist_files, wheel_files = dists
    assert "LICENSE" in sdist_files
    assert [name for name in wheel_files if name.endswith(".dist-info/licenses/LICENSE")]


def test_both_carry_the_package_version(built):
    # pyproject.toml declares the version dynamic: the metadata takes the
    # package's __version__ (its one record), read by setuptools.
    import sklearn_slep017

    sdist, wheel = built
    with tarfile.open(sdist) as tar:
        (member,) = [m for m in tar.getmembers() if m.name.count("/") == 1
                     and m.name.endswith("/PKG-INFO")]
        sdist_meta = tar.extractfile(member).read().decode()
    with zipfile.ZipFile(wheel) as whl:
        (name,) = [n for n in whl.namelist() if n.endswith(".dist-info/METADATA")]
        wheel_meta = whl.read(name).decode()
    expected = "\nVersion: %s\n" % sklearn_slep017.__version__
    assert expected in sdist_meta
    assert expected in wheel_meta
    assert wheel.name.startswith("sklearn_slep017-%s-" % sklearn_slep017.__version__)


def test_sources_carry_the_spdx_header():
    sources = [
        path
        for folder in ("sklearn_slep017", "maint_tools")
        for pattern in ("*.py", "*.pyx", "*.h")
        for path in sorted((ROOT / folder).rglob(pattern))
    ]
    missing = [
        str(path.relative_to(ROOT))
        for path in sources
        if "SPDX-License-Identifier: BSD-3-Clause" not in path.read_text().split("\n", 1)[0]
    ]
    assert missing == []


def test_the_package_cli_points_at_the_maintainer_tools(capsys):
    from sklearn_slep017.__main__ import SUBCOMMANDS, main

    assert "patches" not in SUBCOMMANDS
    assert main(["patches", "check"]) == 2
    assert "python -m maint_tools.patches" in capsys.readouterr().err
