"""maint_tools.pythons: its pure parts (targets, Debian version order, the
source list, configure's arguments, the binary tree, where each nox session
runs) and the cache's status.

The builds themselves (minutes to tens of minutes) are run by hand:
``make pythons``.
"""

import os
import stat
from pathlib import Path

import pytest

from maint_tools import pythons
from sklearn_slep017._version_range import NEWEST_SUPPORTED

# A placeholder: no real host name in the repository.
MIRROR = "http://mirror.invalid/debian"

SHOWSRC = """\
Package: python3.14
Binary: python3.14, python3.14-venv
Version: 3.14.9-1
Files:
 7c50b12cec5daa38ef38704f9cbf70cf 4089 python3.14_3.14.9-1.dsc

Package: python3.14
Version: 3.14.10-1
Files:
 e8fad1559d2fd978e3cc0a41794f3e4e 3494 python3.14_3.14.10-1.dsc

Package: python3.14
Version: 3.14.10-1
Files:
 e8fad1559d2fd978e3cc0a41794f3e4e 3494 python3.14_3.14.10-1.dsc

Package: python3.14-defaults
Version: 3.14.99-1
"""


@pytest.mark.parametrize(
    "name, expected",
    [("3.14", ("3.14", False)), ("3.15t", ("3.15", True)), ("3.10", ("3.10", False))],
)
def test_parse_target(name, expected):
    assert pythons.parse_target(name) == expected


@pytest.mark.parametrize("name", ["3", "3.14tt", "python3.14", "2.7", "3.14d", ""])
def test_parse_target_rejects(name):
    with pytest.raises(ValueError, match="not a Python version"):
        pythons.parse_target(name)


def test_names():
    assert pythons.executable_name("3.14t") == "python3.14t"
    assert pythons.executable_name("3.15") == "python3.15"
    assert pythons.source_package("3.14t") == "python3.14"
    assert pythons.source_package("3.15") == "python3.15"


def test_default_targets_are_the_supported_pythons_pyenv_lacks():
    assert pythons.DEFAULT_TARGETS == ("3.14", "3.14t", "3.15", "3.15t")


def test_default_cache_is_outside_the_checkout(tmp_path):
    home = os.path.expanduser("~")
    assert pythons.default_cache({}) == Path(home) / ".cache" / "sklearn-slep017" / "pythons"
    assert pythons.default_cache({"XDG_CACHE_HOME": str(tmp_path)}) == (
        tmp_path / "sklearn-slep017" / "pythons"
    )
    chosen = {"SKLEARN_SLEP017_PYTHONS": str(tmp_path / "p"), "XDG_CACHE_HOME": "/x"}
    assert pythons.default_cache(chosen) == tmp_path / "p"
    assert pythons.ROOT not in pythons.default_cache({}).parents


@pytest.mark.parametrize(
    "older, newer",
    [
        ("3.14.9-1", "3.14.10-1"),
        ("3.15.0~rc1-1", "3.15.0-1"),
        ("3.15.0~b2-1", "3.15.0~rc1-1"),
        ("3.14.10-1", "3.14.10-2"),
        ("3.14.10-1", "3.14.10-1+b1"),
        ("9.9-1", "1:1.0-1"),
        ("3.14.10", "3.14.10-1"),
    ],
)
def test_debian_version_order(older, newer):
    key = pythons.debian_version_key
    assert key(older) < key(newer)
    assert key(older) == key(older)


def test_showsrc_versions_newest_first_without_duplicates():
    assert pythons.showsrc_versions(SHOWSRC, "python3.14") == ["3.14.10-1", "3.14.9-1"]
    assert pythons.showsrc_versions(SHOWSRC, "python3.15") == []


def test_deb_src_entries_one_stanza_per_suite():
    text = pythons.deb_src_entries(MIRROR, suites=("sid", "experimental"))
    stanzas = pythons._apt.parse_deb822(text)
    assert [s["Suites"] for s in stanzas] == ["sid", "experimental"]
    assert {s["Types"] for s in stanzas} == {"deb-src"}
    assert {s["URIs"] for s in stanzas} == {MIRROR}
    assert all("debian-archive-keyring" in s["Signed-By"] for s in stanzas)


def test_configure_args():
    assert pythons.configure_args("/p/3.14t", True) == [
        "--disable-gil", "--prefix=/p/3.14t", "--with-ensurepip=install", "--disable-test-modules"
    ]
    default = pythons.configure_args("/p/3.14", False)
    assert "--disable-gil" not in default
    # No PGO, no LTO: minutes, not hours, on two cores.
    for args in (default, pythons.configure_args("/p", True)):
        assert not any("optimizations" in a or "lto" in a for a in args)


def test_debootstrap_args():
    args = pythons.debootstrap_args("/c/sid-root", MIRROR, ["3.15"])
    assert args[-3:] == ["sid", "/c/sid-root", MIRROR]
    assert "--variant=minbase" in args
    (include,) = [a for a in args if a.startswith("--include=")]
    packages = include[len("--include="):].split(",")
    for package in ["python3.15", "python3.15-venv", "python3.15-dev", "gcc", "git", "make"]:
        assert package in packages


@pytest.mark.parametrize(
    "session, python",
    [("tests-3.15", "3.15"), ("freethreaded-3.14t", "3.14t"), ("compat-%s" % NEWEST_SUPPORTED, None),
     ("tests-3.10", "3.10")],
)
def test_session_python(session, python):
    assert pythons.session_python(session) == python


def test_plan_sessions_keeps_order_and_splits_by_interpreter():
    sessions = ["tests-3.10", "tests-3.15", "freethreaded-3.15t", "tests-3.14", "compat-1.1.3"]
    host, root = pythons.plan_sessions(sessions, {"3.15", "3.14"})
    assert host == ["tests-3.10", "freethreaded-3.15t", "compat-1.1.3"]
    assert root == ["tests-3.15", "tests-3.14"]


def test_chroot_command_quotes():
    command = pythons.chroot_command("/c/root", "/work/a b", ["nox", "-s", "tests-3.15"])
    assert command[:4] == ["chroot", "/c/root", "/bin/sh", "-c"]
    assert command[4] == "cd '/work/a b' && exec nox -s tests-3.15"


def _fake_python(path, works=True):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit %d\n" % (0 if works else 1))
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def test_status_finds_source_builds_and_the_binary_tree(tmp_path):
    _fake_python(tmp_path / "3.14t" / "bin" / "python3.14t")
    _fake_python(tmp_path / "3.15t" / "bin" / "python3.15t", works=False)
    info = tmp_path / "sid-root" / "var" / "lib" / "dpkg" / "info"
    info.mkdir(parents=True)
    for package in pythons.root_packages(["3.15"]):
        (info / ("%s%s.list" % (package, ":amd64" if package == "libc6-dev" else ""))).touch()
    found = pythons.status(tmp_path, ["3.14", "3.14t", "3.15", "3.15t"])
    assert found["3.14t"] == ("source", tmp_path / "3.14t" / "bin" / "python3.14t")
    assert found["3.15"] == ("debian-root", Path("/usr/bin/python3.15"))
    assert found["3.14"] == (None, None)
    # A build that does not run is missing; the tree holds no free-threaded build.
    assert found["3.15t"] == (None, None)
    # A tree without the sessions' tools is incomplete.
    (info / "git.list").unlink()
    assert pythons.status(tmp_path, ["3.15"])["3.15"] == (None, None)


def test_build_reports_what_is_there_without_touching_apt(tmp_path, capsys):
    _fake_python(tmp_path / "3.14t" / "bin" / "python3.14t")
    assert pythons.build(tmp_path, ["3.14t"], etc=tmp_path / "no-apt") == 0
    assert "3.14t  there (source)" in capsys.readouterr().out
    assert not (tmp_path / "_apt").exists()


def test_build_without_a_debian_archive_fails_cleanly(tmp_path, capsys):
    (tmp_path / "etc").mkdir()
    assert pythons.build(tmp_path / "cache", ["3.15t"], etc=tmp_path / "etc") == 1
    assert "3.15t  FAILED: no Debian archive" in capsys.readouterr().out


def test_pyproject_declares_the_pythons_the_tool_makes():
    import re

    tomllib = pytest.importorskip("tomllib")  # 3.11+
    from packaging.specifiers import SpecifierSet

    project = tomllib.loads((pythons.ROOT / "pyproject.toml").read_text())["project"]
    declared = [
        m.group(1)
        for c in project["classifiers"]
        for m in [re.fullmatch(r"Programming Language :: Python :: (3\.\d+)", c)]
        if m
    ]
    assert declared == ["3.10", "3.11", "3.12", "3.13", "3.14", "3.15"]
    spec = SpecifierSet(project["requires-python"])
    assert all("%s.0" % v in spec for v in declared)
    assert "3.9.0" not in spec and "3.16.0" not in spec
    for name in pythons.DEFAULT_TARGETS:
        assert pythons.parse_target(name)[0] in declared
    assert any(c.startswith("Programming Language :: Python :: Free Threading") for c in
               project["classifiers"])


def test_nox_posargs_after_the_separator_are_not_sessions(monkeypatch):
    # make bench-pythons passes "-- --budget 3 ...": those go to the
    # sessions, after nox's own options, never taken for session names.
    seen = {}
    monkeypatch.setattr(pythons, "run_nox", lambda sessions, nox_args, cache: seen.update(
        sessions=sessions, nox_args=nox_args) or 0)
    assert pythons.main(["nox", "bench-3.14", "bench-3.15", "--no-color",
                         "--", "--budget", "3", "--widths", "1,10"]) == 0
    assert seen == {"sessions": ["bench-3.14", "bench-3.15"],
                    "nox_args": ["--no-color", "--", "--budget", "3", "--widths", "1,10"]}
