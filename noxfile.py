"""The backward-compatibility matrix: one nox session per scikit-learn release.

Each ``compat-<release>`` session, on the Python running nox (3.11 in CI):

1. installs that scikit-learn release with the pins it needs on Python 3.11
   (numpy < 2 before 1.4.2; scipy < 1.11 for 1.1.3 and 1.2.2, whose
   ``test_clone_sparse_matrices`` takes every ``scipy.sparse`` name ending
   in ``_matrix`` for a class, and SciPy 1.11 added a module so named);
2. installs this project as a *wheel* (built once per source tree and
   reused by every session): the sessions test what users install, and
   never rewrite the extension module a running process has loaded from
   the working tree;
3. checks that the compiled implementation is live and that the release is
   the one asked for;
4. runs our test suite (both implementations) -- which includes that
   release's own ``sklearn/tests/test_base.py`` (and the pipeline, search and
   metadata-routing modules where the release has them) under ``enable()``
   -- and the package's doctests;
5. probes the release's clone behaviour against ours and writes
   ``compat-results/<release>.json``.

``make compat`` runs every session, then ``python -m
maint_tools.compat_report aggregate`` turns the JSON files into
``compat-results/report.md`` (copied to ``docs/compat/results.md``).
CI runs the oldest and the newest release.

Each ``tests-<python>`` session (3.10 to 3.15: pyproject.toml's classifiers,
read by ``nox.project.python_versions``) builds this project's wheel *for that
interpreter*, installs it with the ``test`` dependency group
(``nox.project.dependency_groups``) and the newest scikit-learn that has wheels
for that Python (``SKLEARN_FOR_PYTHON``), checks that the compiled
implementation and that release are live, and runs our whole suite (both
implementations) and the package's doctests against the installed wheel, from
a copy of the checkout whose package is the wheel's. The ``clients`` group is
not installed: those tests skip visibly. ``make test-pythons`` runs them all
through ``python -m maint_tools.pythons nox``, which first makes the
interpreters pyenv lacks (3.14, 3.15, 3.14t, 3.15t) and runs each session
where its interpreter is; CI runs 3.10 and 3.15. The ``freethreaded-3.14t``
and ``-3.15t`` sessions (nox adds them for the ``Free Threading``
classifier) check the GIL off and run the stress test and pytest-run-parallel.
nox finds interpreters on ``PATH`` only: pyenv's (whose shims answer "command
not found" for a version that is not active) and the tool's cache are linked
from ``.nox/_interpreters``.
"""

import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "compat-results"
WHEELHOUSE = ROOT / ".nox" / "_wheels"


def _load_version_range():
    # The supported range's one record, by path: the standard library only,
    # without importing the package (nor scikit-learn) into nox's Python.
    path = ROOT / "sklearn_slep017" / "_version_range.py"
    spec = importlib.util.spec_from_file_location("_noxfile_version_range", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_VERSION_RANGE = _load_version_range()
OLDEST, NEWEST = _VERSION_RANGE.OLDEST_SUPPORTED, _VERSION_RANGE.NEWEST_SUPPORTED

# release -> extra pins needed beside it on Python 3.11: one release per
# minor line, the supported range's ends from sklearn_slep017/_version_range.py
# (tests/maint_tools/test_compat_report.py checks every line is here).
RELEASES = {
    OLDEST: ["numpy<2", "scipy<1.11"],
    "1.2.2": ["numpy<2", "scipy<1.11"],
    "1.3.2": ["numpy<2"],
    "1.4.2": [],
    "1.5.2": [],
    "1.6.1": [],
    "1.7.2": [],
    "1.8.0": [],
    NEWEST: [],
}
# pyproject.toml, read by nox (``nox.project.load_toml``: tomllib, or tomli
# on 3.10).
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")

# pyproject.toml's build requirements (the wheels are built without
# isolation, in the session), plus wheel. The markers (Cython 3.3 from
# Python 3.15 on) are pip's to evaluate in the session.
BUILD_REQUIREMENTS = PYPROJECT["build-system"]["requires"] + ["wheel"]

# The supported Pythons: pyproject.toml's ``Programming Language :: Python ::
# 3.N`` classifiers, read by ``nox.project.python_versions``; with the ``Free
# Threading`` classifier nox adds ``3.Nt`` for every version from 3.14 on
# (3.14t, 3.15t). 3.13t, on which the declaration was first earned, stays
# with maint_tools/freethreaded.py (`make test-freethreaded`): the newest
# scikit-learn has no cp313t wheel, and that tool builds it from its sdist.
_DECLARED = nox.project.python_versions(PYPROJECT)
PYTHONS = [v for v in _DECLARED if not v.endswith("t")]
FREE_THREADED = [v for v in _DECLARED if v.endswith("t")]
# The newest scikit-learn with wheels for each Python: 1.8 dropped 3.10.
SKLEARN_FOR_PYTHON = {"3.10": "1.7.2"}
SKLEARN_NEWEST = NEWEST

nox.options.sessions = ["compat-%s" % release for release in RELEASES]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True
if hasattr(nox.options, "download_python"):
    # A missing interpreter is an error, not a download (newer nox can fetch one).
    nox.options.download_python = "never"


INTERPRETERS = ROOT / ".nox" / "_interpreters"


def _interpreters():
    """``pythonX.Y[t]`` -> the executable, for those nox's PATH look-up cannot see.

    nox finds an interpreter on ``PATH`` only (or downloads one, which is
    off here): it does not know pyenv's ``versions/`` (pyenv's shims on PATH
    answer "command not found" for a version that is not active), nor the
    cache ``python -m maint_tools.pythons build`` fills (3.14, 3.15 and the
    free-threaded builds). The newest pyenv release of each version, and
    each cached build under its own name only (a free-threaded build's
    ``bin/`` also holds a ``python3.14``, which must not pass for the
    default build).
    """
    found = {}
    for root in filter(None, [os.environ.get("PYENV_ROOT"), os.path.expanduser("~/.pyenv")]):
        versions = Path(root) / "versions"
        if not versions.is_dir():
            continue
        for entry in versions.iterdir():
            match = re.fullmatch(r"(3\.\d+)\.(\d+)", entry.name)
            exe = entry / "bin" / ("python" + (match.group(1) if match else ""))
            if match and exe.is_file():
                name = exe.name
                key = (int(match.group(2)), str(exe))
                found[name] = max(found.get(name, key), key)
    found = {name: exe for name, (_, exe) in found.items()}
    sys.path.insert(0, str(ROOT))
    try:
        from maint_tools.pythons import KNOWN_TARGETS, default_cache, executable_name
    finally:
        sys.path.remove(str(ROOT))
    for target in KNOWN_TARGETS:
        exe = default_cache() / target / "bin" / executable_name(target)
        if exe.is_file():
            found[exe.name] = str(exe)
    return {name: exe for name, exe in found.items()
            if not (shutil.which(name) and "shims" not in Path(shutil.which(name)).parts)}


def _link_interpreters(links):
    """Link ``links`` from ``.nox/_interpreters``, which goes first on PATH.

    With nothing to link (nox run inside maint_tools.pythons' sid tree,
    where the host's pyenv and cache are not), the folder is left alone.
    """
    if not links:
        return
    if INTERPRETERS.is_dir():
        for stale in INTERPRETERS.iterdir():
            if stale.name not in links:
                stale.unlink()
    INTERPRETERS.mkdir(parents=True, exist_ok=True)
    for name, exe in links.items():
        link = INTERPRETERS / name
        if not (link.is_symlink() and os.readlink(link) == exe):
            tmp = link.with_name("%s.tmp-%d" % (name, os.getpid()))
            tmp.unlink(missing_ok=True)
            tmp.symlink_to(exe)
            os.replace(tmp, link)  # atomic: a concurrent nox sees one or the other
    os.environ["PATH"] = str(INTERPRETERS) + os.pathsep + os.environ.get("PATH", "")


_link_interpreters(_interpreters())


def _source_digest():
    # Everything that goes into the wheel; a change anywhere means a new one.
    digest = hashlib.sha256()
    files = [ROOT / name for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md",
                                      "LICENSE") if (ROOT / name).is_file()]
    files += sorted(ROOT.glob("*.pth"))
    files += sorted((ROOT / "sklearn_slep017").rglob("*.py"))
    files += sorted((ROOT / "sklearn_slep017").rglob("*.pyx"))
    files += sorted((ROOT / "sklearn_slep017").rglob("*.pxd"))
    files += sorted((ROOT / "sklearn_slep017").rglob("*.h"))
    files += sorted((ROOT / "sklearn_slep017").rglob("*.pth"))
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _checkout_files(session):
    """The files git tracks or would track (untracked, not ignored) that exist."""
    try:
        listed = subprocess.run(
            ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others",
             "--exclude-standard"],
            capture_output=True, check=True,
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError) as exc:
        session.error("cannot list the checkout's files with git: %s" % exc)
    # A file deleted in the working tree is still listed until committed.
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def _export(dest, names):
    """Copy ``names`` (relative to the checkout) into a fresh ``dest``."""
    if dest.exists():
        shutil.rmtree(dest)
    for name in names:
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dest / name)


def _project_wheel(session):
    """The project's wheel for this source tree and this interpreter, built on first use.

    A compiled wheel is per interpreter (``cp310`` is not ``cp311``): the
    wheelhouse is keyed by the source digest *and* the session Python's cache
    tag, ABI flags and platform. The build requirements must be installed.
    """
    interpreter = session.run(
        "python", "-I", "-c",
        "import sys, sysconfig; print(sys.implementation.cache_tag + sys.abiflags"
        " + '-' + sysconfig.get_platform())",
        silent=True,
    ).strip().splitlines()[-1]
    folder = WHEELHOUSE / ("%s-%s" % (_source_digest(), interpreter))
    wheels = sorted(folder.glob("sklearn_slep017-*.whl"))
    if not wheels:
        tmp = folder.with_name(folder.name + ".tmp-%d" % os.getpid())
        # Built from a clean export, not the working tree: setuptools never
        # empties ``build/lib*``, so a module deleted or moved since an
        # earlier build would still be packed into the wheel.
        source = Path(session.create_tmp()).resolve() / "wheel-source"
        _export(source, _checkout_files(session))
        session.run(
            "python", "-m", "pip", "wheel", "--no-build-isolation", "--no-deps",
            "--wheel-dir", str(tmp), str(source),
        )
        shutil.rmtree(source)
        tmp.rename(folder)  # atomic: a concurrent session sees all or nothing
        wheels = sorted(folder.glob("sklearn_slep017-*.whl"))
    return wheels[0]


def _check_installed(session, release, python=None):
    """Fail the session unless the wheel's compiled clone and ``release`` are live.

    A silent fallback to the reference must not pass as a compiled run (as
    ``make check-compiled`` in CI). With ``python``, the interpreter's
    version and the package's coming from site-packages are checked too.
    Run with ``-I``: the working tree (the current directory) must not shadow
    the installed package.
    """
    if python is None:
        code = (
            "import sklearn, sklearn_slep017 as s; "
            "assert sklearn.__version__ == %r, sklearn.__version__; "
            "assert s.implementation() == 'compiled', s.implementation(); "
            "print('scikit-learn', sklearn.__version__, '| sklearn_slep017', "
            "s.__version__, s.implementation())" % release
        )
    else:
        code = (
            "import sys, sklearn, sklearn_slep017 as s; "
            "assert '%%d.%%d' %% sys.version_info[:2] == %r, sys.version; "
            "assert sklearn.__version__ == %r, sklearn.__version__; "
            "assert s.implementation() == 'compiled', s.implementation(); "
            "assert 'site-packages' in s.__file__, s.__file__; "
            "print('Python', sys.version.split()[0], '| scikit-learn', sklearn.__version__, "
            "'| sklearn_slep017', s.__version__, s.implementation(), 'from', s.__file__)"
            % (python, release)
        )
    session.run("python", "-I", "-c", code)


def _compat_session(session, release):
    RESULTS.mkdir(exist_ok=True)
    log_dir = RESULTS / release
    log_dir.mkdir(exist_ok=True)
    session.install("scikit-learn==%s" % release, *RELEASES[release], *BUILD_REQUIREMENTS)
    wheel = _project_wheel(session)
    # The test tools: pyproject.toml's dependency group, read by nox.
    session.install(
        str(wheel), *nox.project.dependency_groups(PYPROJECT, "test"), *RELEASES[release]
    )
    # A reused virtualenv must not keep an older build of the same version.
    session.install("--force-reinstall", "--no-deps", str(wheel))
    _check_installed(session, release)
    env = {"SKLEARN_SLEP017_COMPAT_DIR": str(log_dir)}
    # The ``pytest`` script, not ``python -m pytest``: the working tree must
    # not shadow the installed package on sys.path.
    common = ["-p", "no:cacheprovider", "-o", "cache_dir=%s" % session.create_tmp()]
    status = {}
    for name, args in [
        ("suite", ["tests", "-n", "2", "--junitxml", str(log_dir / "suite.xml")]),
        (
            "doctests",
            [
                "--pyargs", "sklearn_slep017", "--doctest-modules",
                "--junitxml", str(log_dir / "doctests.xml"),
            ],
        ),
    ]:
        try:
            session.run("pytest", *args, *common, *session.posargs, env=env)
            status[name] = "passed"
        except nox.command.CommandFailed:
            status[name] = "failed"
    # A script of the checkout (maint_tools/ is not in the wheel), run with
    # -I so that it imports the installed package, not the working tree.
    session.run(
        "python", "-I", str(ROOT / "maint_tools" / "compat_report.py"), "probe",
        "--release", release, "--results", str(log_dir),
        "--output", str(RESULTS / ("%s.json" % release)),
        *["--status=%s:%s" % item for item in status.items()],
        *["--pytest-arg=%s" % arg for arg in session.posargs],
    )
    failed = [name for name, outcome in status.items() if outcome != "passed"]
    if failed:
        session.error("scikit-learn %s: %s failed" % (release, ", ".join(failed)))


for _release in RELEASES:
    # One named session per release: ``nox -s compat-1.1.3``.
    def _session(session, release=_release):
        _compat_session(session, release)

    _session.__doc__ = "Our tests and scikit-learn %s's own, with %s." % (
        _release,
        ", ".join(RELEASES[_release]) or "the newest dependencies",
    )
    nox.session(name="compat-%s" % _release)(_session)


def _check_declared_pythons(session):
    """requires-python admits exactly the Pythons of the classifiers (PYTHONS).

    nox reads the list from the classifiers; requires-python is written by
    hand, and must admit the oldest and the newest and neither neighbour.
    """
    from packaging.specifiers import SpecifierSet

    minor = lambda version: int(version.split(".")[1])  # noqa: E731
    tested = sorted(PYTHONS, key=minor)
    spec = SpecifierSet(PYPROJECT["project"]["requires-python"])
    outside = ["3.%d" % (minor(tested[0]) - 1), "3.%d" % (minor(tested[-1]) + 1)]
    wrong = [v for v in tested if "%s.0" % v not in spec]
    wrong += [v for v in outside if "%s.0" % v in spec]
    if wrong:
        session.error(
            "requires-python %r does not match the classifiers' %s-%s (%s)"
            % (str(spec), tested[0], tested[-1], ", ".join(wrong))
        )
    missing = [v[:-1] for v in FREE_THREADED if v[:-1] not in PYTHONS]
    if missing:
        session.error("free-threaded %s without its classifier" % ", ".join(missing))


def _staged_checkout(session, wheel):
    """A fresh copy of the checkout whose package is the wheel's, to test from.

    Some tests start interpreters from the checkout: ``python -c`` or ``-m``
    in the current directory, or the checkout on ``PYTHONPATH``
    (test_examples, test_robustness); others read the sources or build an
    sdist from it (test_c_api_policy, test_packaging). From the working
    tree, the interpreters would import its ``sklearn_slep017`` -- with no
    compiled module for this Python, or a stale one. This copy holds the
    files git tracks or would track, with ``sklearn_slep017/`` taken from the
    wheel instead (its modules, ``.pyx``, ``.h`` and the compiled module for
    this interpreter): whichever copy a process imports, it runs the wheel.
    """
    dest = Path(session.create_tmp()).resolve() / "checkout"
    names = [n for n in _checkout_files(session) if not n.startswith("sklearn_slep017/")]
    _export(dest, names)
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.namelist():
            if member.startswith("sklearn_slep017/") and not member.endswith("/"):
                archive.extract(member, dest)
    return dest


def _install_for(session, release, groups, pins=(), options=()):
    """scikit-learn ``release``, the project's wheel for this Python, the groups."""
    session.install(*options, "scikit-learn==%s" % release, *pins, *BUILD_REQUIREMENTS)
    wheel = _project_wheel(session)
    session.install(
        *options, str(wheel), *nox.project.dependency_groups(PYPROJECT, *groups),
        "scikit-learn==%s" % release, *pins,
    )
    # A reused virtualenv must not keep an older build of the same version.
    session.install("--force-reinstall", "--no-deps", str(wheel))
    return wheel


@nox.session(name="tests", python=PYTHONS)
def tests(session):
    """Our whole suite and doctests on this Python, against the project's wheel."""
    _check_declared_pythons(session)
    release = SKLEARN_FOR_PYTHON.get(session.python, SKLEARN_NEWEST)
    wheel = _install_for(session, release, ["test"])
    _check_installed(session, release, python=session.python)
    xdist = ["-n", "2"] if any(
        isinstance(requirement, str) and re.match(r"pytest-xdist\b", requirement)
        for requirement in PYPROJECT["dependency-groups"]["test"]
    ) else []
    # pyproject.toml's testpaths; the package's doctests are collected from
    # the installed package (--pyargs).
    paths = [
        path
        for path in PYPROJECT["tool"]["pytest"]["ini_options"]["testpaths"]
        if path != "sklearn_slep017"
    ]
    # SKLEARN_SLEP017_TEST_PATHS (space-separated; `make test-pythons
    # PYTHON_TEST_PATHS=...`): these paths instead, as CI runs the
    # behavioural suites on the Python ends and leaves the maintainers' tools,
    # whose tests do not depend on the interpreter, to `make test`.
    paths = os.environ.get("SKLEARN_SLEP017_TEST_PATHS", "").split() or paths
    # The ``pytest`` script, not ``python -m pytest``, run from a copy of the
    # checkout whose package is the wheel's (_staged_checkout). The
    # ``clients`` group is not installed: tests/clone/test_clients.py skips, each
    # test with its reason (-ra).
    common = ["-p", "no:cacheprovider"]
    session.chdir(_staged_checkout(session, wheel))
    failed = []
    for name, args in [
        ("suite", [*paths, *xdist]),
        ("doctests", ["--pyargs", "sklearn_slep017", "--doctest-modules"]),
    ]:
        try:
            session.run("pytest", *args, *common, *session.posargs)
        except nox.command.CommandFailed:
            failed.append(name)
    if failed:
        session.error("Python %s: %s failed" % (session.python, ", ".join(failed)))


# Asked of a free-threaded interpreter before its tests: the compiled clone
# is live and the GIL stayed off through every import, PYTHON_GIL unset (an
# extension without the declaration would turn it back on).
GIL_CHECK = (
    "import sys, sysconfig, sklearn, sklearn_slep017 as s, sklearn_slep017._clone_c; "
    "print(sys.version.split()[0], '| scikit-learn', sklearn.__version__, "
    "'| implementation', s.implementation(), '| GIL enabled', sys._is_gil_enabled()); "
    "assert s.implementation() == 'compiled', s.implementation(); "
    "assert 'site-packages' in s.__file__, s.__file__; "
    "assert sysconfig.get_config_var('Py_GIL_DISABLED') == 1; "
    "assert sys._is_gil_enabled() is False"
)
# pytest-run-parallel: every test of tests/clone run by this many threads at
# once (scikit-learn's free-threaded CI runs its suite this way); tests
# marked ``thread_unsafe`` (or using fixtures the plugin knows to be unsafe)
# run once, in one thread.
PARALLEL_THREADS = 4


@nox.session(name="freethreaded", python=FREE_THREADED)
def freethreaded(session):
    """The compiled clone on a free-threaded build, GIL checked off.

    scikit-learn's way: tests/clone under pytest-run-parallel (every test in
    several threads at once; ``thread_unsafe`` opt-outs), then the stress
    test (tests/clone/test_freethreading.py) and the threads tests, which
    fail on a GIL build (SKLEARN_SLEP017_REQUIRE_FREE_THREADING=1).
    """
    release = SKLEARN_FOR_PYTHON.get(session.python[:-1], SKLEARN_NEWEST)
    # Their free-threaded wheels, or fail at once: an sdist build of numpy,
    # SciPy or scikit-learn takes the better part of an hour on two cores.
    wheel = _install_for(session, release, ["freethreading"],
                         options=["--only-binary=numpy,scipy,scikit-learn,pandas,matplotlib"])
    env = {"SKLEARN_SLEP017_REQUIRE_FREE_THREADING": "1", "PYTHON_GIL": None,
           "SKLEARN_SLEP017_NO_EXTENSIONS": None, "SKLEARN_SLEP017_ENABLE": None}
    session.run("python", "-I", "-c", GIL_CHECK, env=env)
    session.chdir(_staged_checkout(session, wheel))
    common = ["-p", "no:cacheprovider", "-p", "no:xdist", "-ra"]
    failed = []
    for name, args in [
        ("stress", ["tests/clone/test_freethreading.py", "tests/clone/test_threads.py"]),
        ("run-parallel", ["tests/clone", "--parallel-threads=%d" % PARALLEL_THREADS]),
    ]:
        try:
            session.run("pytest", *args, *common, *session.posargs, env=env)
        except nox.command.CommandFailed:
            failed.append(name)
    if failed:
        session.error("Python %s: %s failed" % (session.python, ", ".join(failed)))


# -- clone speed on every installed Python (make bench-pythons) ---------------
# One ``bench-<python>`` session per supported interpreter from 3.11 up (3.14
# and 3.15 from maint_tools/pythons.py, run where that tool puts them): the
# project's wheel for that Python, scikit-learn BENCH_RELEASE,
# then ``python -m sklearn_slep017 bench`` (posargs: its options, a quick
# budget from the Makefile) writing bench-pythons-results/<python>/results.json.
# ``python -m maint_tools.bench_pythons aggregate`` makes one table of them.
# A Python that pip refuses the project on fails its session: the table
# names it as not measured.
BENCH_RESULTS = ROOT / "bench-pythons-results"
BENCH_RELEASE = NEWEST
BENCH_PYTHONS = [v for v in PYTHONS if v != "3.10"]


@nox.session(name="bench", python=BENCH_PYTHONS)
def bench(session):
    """Clone timed side by side on this Python (``python -m sklearn_slep017 bench``)."""
    out = BENCH_RESULTS / session.python
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    from packaging.specifiers import SpecifierSet

    declared = PYPROJECT["project"]["requires-python"]
    if "%s.0" % session.python not in SpecifierSet(declared):
        # Found, but pip would refuse the project on it: visible in the table.
        reason = "pyproject.toml's requires-python %r excludes Python %s" % (
            declared, session.python)
        (out / "not-measured.txt").write_text(reason + "\n")
        session.skip(reason)
    session.install("scikit-learn==%s" % BENCH_RELEASE, *BUILD_REQUIREMENTS)
    wheel = _project_wheel(session)
    # No extras: the timing needs numpy and scikit-learn alone (the plot is
    # left out without matplotlib, with a note).
    session.install(str(wheel), "scikit-learn==%s" % BENCH_RELEASE)
    session.install("--force-reinstall", "--no-deps", str(wheel))
    _check_installed(session, BENCH_RELEASE, python=session.python)
    # -I: the installed wheel, never the working tree's package.
    session.run("python", "-I", "-m", "sklearn_slep017", "bench", "--output", str(out),
                *session.posargs)
