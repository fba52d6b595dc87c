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

Each ``tests-<python>`` session (3.10, 3.11, 3.12, 3.13) builds this
project's wheel *for that interpreter*, installs it with the ``test``
dependency group and the newest scikit-learn that has wheels for that
Python (``PYTHONS``), checks that the compiled implementation and that
release are live, and runs our whole suite (both implementations) and the
package's doctests against the installed wheel, from a copy of the checkout
whose package is the wheel's. The ``clients`` group is not installed: those
tests skip visibly. ``make test-pythons`` runs all four; CI runs 3.10 and
3.13. Interpreters are taken from ``PATH``; where ``pythonX.Y`` is missing
there or is only a version manager's shim (pyenv's shims answer "command
not found" for a version that is not active), the newest ``X.Y.*`` under
pyenv's ``versions/`` is used.
"""

import hashlib
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "compat-results"
WHEELHOUSE = ROOT / ".nox" / "_wheels"

# release -> extra pins needed beside it on Python 3.11.
RELEASES = {
    "1.1.3": ["numpy<2", "scipy<1.11"],
    "1.2.2": ["numpy<2", "scipy<1.11"],
    "1.3.2": ["numpy<2"],
    "1.4.2": [],
    "1.5.2": [],
    "1.6.1": [],
    "1.7.2": [],
    "1.8.0": [],
    "1.9.1": [],
}
OLDEST, NEWEST = "1.1.3", "1.9.1"
def _pyproject():
    """pyproject.toml, read with the standard library's TOML reader."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        from pip._vendor import tomli as tomllib
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)


# pyproject.toml's build requirements (the wheels are built without
# isolation, in the session), plus wheel.
BUILD_REQUIREMENTS = _pyproject()["build-system"]["requires"] + ["wheel"]

# Python -> (the newest scikit-learn with wheels for it, extra pins). 1.8
# dropped Python 3.10; pip picks numpy and scipy releases that support it.
# Keep pyproject.toml's requires-python and classifiers to these keys.
PYTHONS = {
    "3.10": ("1.7.2", []),
    "3.11": ("1.9.1", []),
    "3.12": ("1.9.1", []),
    "3.13": ("1.9.1", []),
}
INTERPRETERS = ROOT / ".nox" / "_interpreters"

nox.options.sessions = ["compat-%s" % release for release in RELEASES]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True
if hasattr(nox.options, "download_python"):
    # A missing interpreter is an error, not a download (newer nox can fetch one).
    nox.options.download_python = "never"


def _is_shim(path):
    # pyenv's (and asdf's, mise's) shims: present on PATH for every installed
    # version, working only for the active ones.
    return Path(path).parent.name == "shims"


def _pyenv_roots():
    roots = [os.environ.get("PYENV_ROOT")]
    pyenv = shutil.which("pyenv")
    if pyenv:
        try:
            roots.append(
                subprocess.run(
                    [pyenv, "root"], capture_output=True, text=True, timeout=30, check=True
                ).stdout.strip()
            )
        except (OSError, subprocess.SubprocessError):
            pass
    roots.append(os.path.expanduser("~/.pyenv"))
    unique = []
    for root in roots:
        if root and os.path.isdir(root) and os.path.realpath(root) not in unique:
            unique.append(os.path.realpath(root))
    return unique


def _pyenv_python(version, roots):
    """The newest ``<root>/versions/X.Y.Z/bin/pythonX.Y`` (CPython releases only)."""
    pattern = re.compile(re.escape(version) + r"\.(\d+)")
    found = []
    for root in roots:
        versions = Path(root) / "versions"
        if not versions.is_dir():
            continue
        for entry in versions.iterdir():
            match = pattern.fullmatch(entry.name)
            exe = entry / "bin" / ("python" + version)
            if match and exe.is_file() and os.access(exe, os.X_OK):
                found.append((int(match.group(1)), str(exe)))
    return max(found)[1] if found else None


def _newer_pythons():
    """Interpreters newer than PYTHONS' that are installed here, found, not required.

    ``pythonX.Y`` (default builds only, X.Y above PYTHONS' newest) on
    ``PATH`` (a version manager's shim left out), else under
    ``$XDG_CACHE_HOME`` or
    ``~/.cache``, at most five folders deep, in an installed prefix (its
    ``lib/pythonX.Y/os.py`` beside ``bin/``, no ``pyvenv.cfg``) and that runs
    here as that version: found where they are, never required. Returns
    ``{"X.Y": path}``: the first that runs of PATH's, then the cache's in
    reverse sorted order.
    """
    newest = max(int(v.split(".")[1]) for v in PYTHONS)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"))
    found = {}
    for minor in range(newest + 1, newest + 6):
        on_path = shutil.which("python3.%d" % minor)
        if on_path and not _is_shim(on_path):
            found["3.%d" % minor] = [on_path]
    if not cache.is_dir():
        cache = None
    pattern = re.compile(r"python3\.(\d+)")
    cached = {}
    for depth in range(1, 6) if cache else ():
        for exe in cache.glob("/".join(["*"] * depth) + "/bin/python3.*"):
            match = pattern.fullmatch(exe.name)
            if not match or int(match.group(1)) <= newest:
                continue
            prefix = exe.parent.parent
            version = "3.%s" % match.group(1)
            if (
                (prefix / "pyvenv.cfg").exists()
                or not (prefix / "lib" / ("python" + version) / "os.py").is_file()
                or not os.access(exe, os.X_OK)
            ):
                continue
            cached.setdefault(version, []).append(str(exe))
    for version, paths in cached.items():
        found.setdefault(version, []).extend(sorted(paths, reverse=True))
    runnable = {}
    for version, paths in sorted(found.items(), key=lambda item: int(item[0].split(".")[1])):
        for exe in paths:  # PATH's first
            if _runs_as(exe, version):
                runnable[version] = exe
                break
    return runnable


def _runs_as(exe, version):
    # A build tree, or the root of a chroot of another distribution (whose
    # interpreter needs that distribution's libc), is no interpreter here.
    try:
        done = subprocess.run(
            [exe, "-I", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True, text=True, timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and done.stdout.strip() == version


# Interpreters beyond PYTHONS that were found (not required): benchmarked by
# the bench sessions, not tested (pyproject.toml does not declare them yet).
EXTRA_PYTHONS = _newer_pythons()


def _locate_interpreters():
    """Put ``pythonX.Y`` on PATH for every version in PYTHONS that nox could not run.

    A working ``pythonX.Y`` on PATH is left alone. Otherwise the newest pyenv
    install of that version is linked from ``.nox/_interpreters``, which goes
    first on PATH (nox looks interpreters up there). Returns the versions found
    nowhere: their sessions fail with nox's "interpreter not found". The
    interpreters of EXTRA_PYTHONS are linked there too, unless on PATH.
    """
    links, missing, roots = {}, [], None
    for version in PYTHONS:
        name = "python" + version
        on_path = shutil.which(name)
        if on_path and not _is_shim(on_path):
            continue
        if roots is None:
            roots = _pyenv_roots()
        exe = _pyenv_python(version, roots)
        if exe:
            links[name] = exe
        else:
            missing.append((version, on_path, roots))
    for version, exe in EXTRA_PYTHONS.items():
        on_path = shutil.which("python" + version)
        if not on_path or _is_shim(on_path):
            links["python" + version] = exe
    if INTERPRETERS.is_dir():
        for stale in INTERPRETERS.iterdir():
            if stale.name not in links:
                stale.unlink()
    if links:
        INTERPRETERS.mkdir(parents=True, exist_ok=True)
        for name, exe in links.items():
            link = INTERPRETERS / name
            if not (link.is_symlink() and os.readlink(link) == exe):
                tmp = link.with_name("%s.tmp-%d" % (name, os.getpid()))
                tmp.unlink(missing_ok=True)
                tmp.symlink_to(exe)
                os.replace(tmp, link)  # atomic: a concurrent nox sees one or the other
        os.environ["PATH"] = str(INTERPRETERS) + os.pathsep + os.environ.get("PATH", "")
    return missing


for _version, _shim, _roots in _locate_interpreters():
    nox.logger.logger.warning(
        "python%s: not on PATH%s, and no %s.* under pyenv (%s): session tests-%s "
        "will fail; install it (pyenv install %s) or put python%s on PATH",
        _version,
        " (only a version manager's shim, %s)" % _shim if _shim else "",
        _version,
        ", ".join(os.path.join(r, "versions") for r in _roots) or "no pyenv root found",
        _version,
        _version,
        _version,
    )


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
    # The test tools: pyproject.toml's dependency group (pip >= 25.1).
    session.install("pip>=25.1")
    session.install(
        str(wheel), "--group", "%s:test" % (ROOT / "pyproject.toml"), *RELEASES[release]
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
    """pyproject.toml declares exactly the Pythons that PYTHONS tests."""
    from packaging.specifiers import SpecifierSet

    project = _pyproject()["project"]
    minor = lambda version: int(version.split(".")[1])  # noqa: E731
    prefix = "Programming Language :: Python :: "
    declared = sorted(
        (c[len(prefix):] for c in project["classifiers"]
         if re.fullmatch(re.escape(prefix) + r"3\.\d+", c)),
        key=minor,
    )
    tested = sorted(PYTHONS, key=minor)
    if declared != tested:
        session.error(
            "pyproject.toml's classifiers name Python %s; PYTHONS tests %s" % (declared, tested)
        )
    spec = SpecifierSet(project["requires-python"])
    outside = ["3.%d" % (minor(tested[0]) - 1), "3.%d" % (minor(tested[-1]) + 1)]
    wrong = [v for v in tested if "%s.0" % v not in spec]
    wrong += [v for v in outside if "%s.0" % v in spec]
    if wrong:
        session.error(
            "requires-python %r does not match the tested %s-%s (%s)"
            % (str(spec), tested[0], tested[-1], ", ".join(wrong))
        )


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


@nox.session(name="tests", python=list(PYTHONS))
def tests(session):
    """Our whole suite and doctests on this Python, against the project's wheel."""
    _check_declared_pythons(session)
    pyproject = _pyproject()
    release, pins = PYTHONS[session.python]
    session.install("scikit-learn==%s" % release, *pins, *BUILD_REQUIREMENTS)
    wheel = _project_wheel(session)
    # The test tools: pyproject.toml's dependency group (pip >= 25.1).
    session.install("pip>=25.1")
    session.install(
        str(wheel), "--group", "%s:test" % (ROOT / "pyproject.toml"),
        "scikit-learn==%s" % release, *pins,
    )
    # A reused virtualenv must not keep an older build of the same version.
    session.install("--force-reinstall", "--no-deps", str(wheel))
    _check_installed(session, release, python=session.python)
    xdist = ["-n", "2"] if any(
        isinstance(requirement, str) and re.match(r"pytest-xdist\b", requirement)
        for requirement in pyproject["dependency-groups"]["test"]
    ) else []
    # pyproject.toml's testpaths; the package's doctests are collected from
    # the installed package (--pyargs).
    paths = [
        path
        for path in pyproject["tool"]["pytest"]["ini_options"]["testpaths"]
        if path != "sklearn_slep017"
    ]
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


# -- clone speed on every installed Python (make bench-pythons) ---------------
# One ``bench-<python>`` session per interpreter from 3.11 up (the issue 24
# goals' Pythons) plus whatever newer one was found on PATH or built into a cache
# (EXTRA_PYTHONS): the project's wheel for that Python, scikit-learn BENCH_RELEASE,
# then ``python -m sklearn_slep017 bench`` (posargs: its options, a quick
# budget from the Makefile) writing bench-pythons-results/<python>/results.json.
# ``python -m maint_tools.bench_pythons aggregate`` makes one table of them.
# A Python that pip refuses the project on fails its session: the table
# names it as not measured.
BENCH_RESULTS = ROOT / "bench-pythons-results"
BENCH_RELEASE = "1.9.1"
BENCH_PYTHONS = [v for v in PYTHONS if v != "3.10"] + list(EXTRA_PYTHONS)


@nox.session(name="bench", python=BENCH_PYTHONS)
def bench(session):
    """Clone timed side by side on this Python (``python -m sklearn_slep017 bench``)."""
    out = BENCH_RESULTS / session.python
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    from packaging.specifiers import SpecifierSet

    declared = _pyproject()["project"]["requires-python"]
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
