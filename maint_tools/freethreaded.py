# SPDX-License-Identifier: BSD-3-Clause
"""``python -m maint_tools.freethreaded``: the compiled clone on a free-threaded CPython.

The compiled module is declared free-threading compatible
(``freethreading_compatible=True`` in ``setup.py``); this is the run that
earns the declaration, repeatable by a maintainer (too slow for CI: it
builds an interpreter). Everything goes to a gitignored folder
(``.free-threaded/`` by default):

1. CPython 3.13's source, from Debian's source package (``python3.13``,
   trixie), fetched by ``apt-get source --download-only`` through the Debian
   mirror this machine's apt is already configured with, read from
   ``/etc/apt`` at run time, in a private apt state (``Dir::State::Lists``,
   ``Dir::Cache``, its own ``deb-src`` list), so that the system's apt
   configuration is neither read for anything else nor changed. apt checks
   the files against the archive's signed index (``Signed-By`` the Debian
   archive keyring).
2. ``./configure --disable-gil --prefix=<dest>/python`` (no PGO, no LTO),
   ``make -j<jobs>``, ``make install``: ``python3.13t``.
3. A virtual environment with numpy, scipy and the test tools from wheels
   (``--only-binary``: their free-threaded ``cp313t`` wheels), scikit-learn
   from a wheel when the index has one for ``cp313t``, else built from its
   sdist against them (``--no-build-isolation``), the third-party estimators
   the clone tests use that have such wheels (``EXTRAS``), and the project
   installed editable from the checkout (the extension compiled in place,
   beside the GIL build's).
4. The checks: the compiled clone is live and the GIL is off after every
   import, *without* ``PYTHON_GIL=0`` (an undeclared extension would turn it
   back on); then ``tests/clone/test_freethreading.py``,
   ``tests/clone/test_threads.py`` and ``tests/clone/`` as a whole, with
   ``SKLEARN_SLEP017_REQUIRE_FREE_THREADING=1`` (a GIL interpreter fails them).
5. The upstream pull requests (the series of the installed release,
   ``patches/<version>``, by default the newest supported: the names cache, a
   ``WeakKeyDictionary``, and the parameter-path notes): the patched release
   overlaid on the venv's scikit-learn (``python -m
   maint_tools.upstream_overlay``), upstream's own tests of ``clone``'s
   users run on it, then the stress test's upstream run, whose
   ``sklearn.base.clone`` is then the patched one, for ``UPSTREAM_STRESS``
   seconds.

Each step is skipped when its result is already there (``--rebuild`` redoes
the interpreter). Logs and ``summary.txt`` are written to the folder.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from maint_tools import NEWEST_SKLEARN

ROOT = Path(__file__).resolve().parent.parent

# The Debian release whose python3.13 source package is built, and the
# package's name.
SUITE = "trixie"
SOURCE_PACKAGE = "python3.13"
# What the free-threaded build is called once installed.
INTERPRETER = "python3.13t"
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"

# From wheels only: each publishes cp313t wheels. scikit-base (pure Python)
# lets the stress test race skbase's fast path too.
WHEELS = [
    "numpy",
    "scipy",
    "joblib",
    "threadpoolctl",
    "narwhals",
    "pytest",
    "pytest-xdist",
    "hypothesis>=6",
    "pandas",
    "matplotlib",
    "numpydoc>=1.6",
    "scikit-base",
    # The build requirements: Cython 3.1 is the first with free threading.
    "Cython>=3.1",
    "setuptools>=77",
    "wheel",
    "meson-python",
    "ninja",
]

# Third-party estimators the clone tests use (clients, families) that are
# installable on a free-threaded interpreter from wheels (pure Python, or
# ctypes libraries): installed after scikit-learn, which they depend on, with
# its version held. torch (cp313t wheels are not on every index) and pyod
# (numba) are left out: their tests skip.
EXTRAS = ["imbalanced-learn", "lightgbm", "xgboost-cpu", "sktime"]

# The test runs, in order: (name, pytest arguments).
TEST_RUNS = [
    ("free-threading stress", ["tests/clone/test_freethreading.py"]),
    ("threads", ["tests/clone/test_threads.py"]),
    ("tests/clone", ["tests/clone"]),
]

# The patched release's own tests of clone and its users, and how long the
# stress test races the patched clone.
UPSTREAM_TESTS = [
    "sklearn/tests/test_base.py",
    "sklearn/tests/test_metadata_routing.py",
    "sklearn/tests/test_pipeline.py",
    "sklearn/frozen",
]
UPSTREAM_STRESS = 30.0

# What the interpreter is asked before the tests: the compiled clone is the
# one in use and the GIL stayed off through every import.
GIL_CHECK = (
    "import sys, sysconfig, sklearn, sklearn_slep017 as s, sklearn_slep017._clone_c; "
    "print(sys.version); "
    "print('scikit-learn', sklearn.__version__, '| implementation', s.implementation(), "
    "'| Py_GIL_DISABLED', sysconfig.get_config_var('Py_GIL_DISABLED'), "
    "'| GIL enabled', sys._is_gil_enabled()); "
    "assert s.implementation() == 'compiled'; "
    "assert sysconfig.get_config_var('Py_GIL_DISABLED') == 1; "
    "assert sys._is_gil_enabled() is False"
)


# ---------------------------------------------------------------------------
# apt's configuration: pure functions, tested in tests/maint_tools.


def parse_deb822(text):
    """The stanzas of a deb822 ``.sources`` file.

    Parameters
    ----------
    text : str

    Returns
    -------
    stanzas : list of dict
        Field name (as written) to value; continuation lines are joined with
        a space, comments dropped.
    """
    stanzas, current, last = [], {}, None
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        if not line.strip():
            if current:
                stanzas.append(current)
            current, last = {}, None
        elif line[0] in " \t" and last is not None:
            current[last] = (current[last] + " " + line.strip()).strip()
        elif ":" in line:
            last, value = line.split(":", 1)
            last = last.strip()
            current[last] = value.strip()
    if current:
        stanzas.append(current)
    return stanzas


def parse_one_line(text):
    """The entries of a one-line-style ``.list`` file, as deb822-like dicts.

    Parameters
    ----------
    text : str

    Returns
    -------
    stanzas : list of dict
        ``Types``, ``URIs``, ``Suites``, ``Components`` (options in
        brackets are dropped).
    """
    stanzas = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        line = re.sub(r"\[[^\]]*\]", " ", line)
        words = line.split()
        if len(words) < 3 or words[0] not in ("deb", "deb-src"):
            continue
        stanzas.append(
            {
                "Types": words[0],
                "URIs": words[1],
                "Suites": words[2],
                "Components": " ".join(words[3:]),
            }
        )
    return stanzas


def debian_mirror(stanzas):
    """The URI of the Debian archive among apt's source entries.

    The main archive, not its security or update suites: the first enabled
    entry with a release suite (no ``-security``, ``-updates``,
    ``-backports`` suffix) and the ``main`` component that is signed by the
    Debian archive keyring or, with no ``Signed-By``, whose URI path ends
    in ``/debian``.

    Parameters
    ----------
    stanzas : list of dict
        From :func:`parse_deb822` and :func:`parse_one_line`.

    Returns
    -------
    uri : str or None
        None when no entry qualifies.
    """
    for stanza in stanzas:
        if stanza.get("Enabled", "yes").strip().lower() == "no":
            continue
        if not set(stanza.get("Types", "").split()) & {"deb", "deb-src"}:
            continue
        suites = stanza.get("Suites", "").split()
        if not any(re.fullmatch(r"[a-z]+", suite) for suite in suites):
            continue
        if "main" not in stanza.get("Components", "").split():
            continue
        signed_by = stanza.get("Signed-By", "")
        for uri in stanza.get("URIs", "").split():
            if "debian-archive-keyring" in signed_by or (
                not signed_by and uri.rstrip("/").endswith("/debian")
            ):
                return uri
    return None


def read_apt_sources(etc="/etc/apt"):
    """Every source entry of apt's configuration under ``etc``.

    Parameters
    ----------
    etc : path-like, default="/etc/apt"

    Returns
    -------
    stanzas : list of dict
        ``sources.list`` and ``sources.list.d/*.list`` (one-line style),
        ``sources.list.d/*.sources`` (deb822); files apt would ignore
        (other suffixes, such as a ``.disabled`` one) are ignored too.
    """
    etc = Path(etc)
    stanzas = []
    main = etc / "sources.list"
    if main.is_file():
        stanzas += parse_one_line(main.read_text())
    parts = etc / "sources.list.d"
    if parts.is_dir():
        for path in sorted(parts.iterdir()):
            if path.suffix == ".list":
                stanzas += parse_one_line(path.read_text())
            elif path.suffix == ".sources":
                stanzas += parse_deb822(path.read_text())
    return stanzas


def deb_src_entry(uri, suite=SUITE, keyring=KEYRING):
    """The private ``deb-src`` list: one deb822 stanza.

    Parameters
    ----------
    uri : str
        The mirror, from :func:`debian_mirror`.
    suite : str, default="trixie"
    keyring : str
        The archive keyring apt checks the index's signature with.

    Returns
    -------
    text : str
    """
    return (
        "Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n"
        % (uri, suite, keyring)
    )


def apt_options(state):
    """apt options for a private state under ``state``.

    Its own source list (no system list is read), package lists and cache;
    no lock on the system's state; as root, no drop to the ``_apt`` user,
    who could not write to the folder.

    Parameters
    ----------
    state : pathlib.Path

    Returns
    -------
    options : list of str
    """
    options = [
        "-o", "Dir::Etc::sourcelist=%s" % (state / "deb-src.sources"),
        "-o", "Dir::Etc::sourceparts=-",
        "-o", "Dir::State::Lists=%s" % (state / "lists"),
        "-o", "Dir::Cache=%s" % (state / "cache"),
        "-o", "Debug::NoLocking=1",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        options += ["-o", "APT::Sandbox::User=root"]
    return options


def configure_args(prefix):
    """``./configure`` arguments: free-threaded, installed under ``prefix``.

    No ``--enable-optimizations`` (PGO) and no LTO: hours less on two cores,
    and the tests are about correctness, not speed.

    Parameters
    ----------
    prefix : path-like

    Returns
    -------
    args : list of str
    """
    return ["--disable-gil", "--prefix=%s" % prefix, "--with-ensurepip=install"]


def orig_tarball(folder):
    """The upstream tarball ``apt-get source`` downloaded into ``folder``.

    Parameters
    ----------
    folder : pathlib.Path

    Returns
    -------
    path : pathlib.Path or None
    """
    found = sorted(Path(folder).glob("%s_*.orig.tar.xz" % SOURCE_PACKAGE))
    return found[-1] if found else None


def summary_line(output):
    """pytest's final counts line of ``output`` (``N passed, ... in Xs``).

    Parameters
    ----------
    output : str

    Returns
    -------
    line : str
    """
    lines = [line.strip("= ") for line in output.splitlines() if line.strip()]
    for line in reversed(lines):
        if re.search(r"\b(passed|failed|error|errors|skipped)\b", line) and " in " in line:
            return line
    return lines[-1] if lines else "(no output)"


# ---------------------------------------------------------------------------
# The steps.


class StepFailed(Exception):
    """A step's command failed; its log says why."""


def _run(args, log, cwd=None, env=None):
    with open(log, "a") as out:
        out.write("$ %s\n" % " ".join(map(str, args)))
        out.flush()
        status = subprocess.run(
            [str(a) for a in args], cwd=cwd, env=env, stdout=out, stderr=out
        ).returncode
    if status:
        raise StepFailed("%s failed (%d): see %s" % (args[0], status, log))


def fetch_source(dest, etc="/etc/apt"):
    """Download Debian's python3.13 source package into ``dest/src``."""
    src = dest / "src"
    tarball = orig_tarball(src)
    if tarball is not None:
        return tarball
    uri = debian_mirror(read_apt_sources(etc))
    if uri is None:
        raise StepFailed("no Debian archive in apt's configuration (%s)" % etc)
    state = dest / "apt"
    for sub in ("lists/partial", "cache/archives/partial"):
        (state / sub).mkdir(parents=True, exist_ok=True)
    (state / "deb-src.sources").write_text(deb_src_entry(uri))
    src.mkdir(parents=True, exist_ok=True)
    log = dest / "source.log"
    _run(["apt-get", *apt_options(state), "update"], log)
    _run(["apt-get", *apt_options(state), "source", "--download-only", SOURCE_PACKAGE], log, cwd=src)
    tarball = orig_tarball(src)
    if tarball is None:
        raise StepFailed("apt-get source left no %s orig tarball in %s" % (SOURCE_PACKAGE, src))
    return tarball


def build_interpreter(dest, tarball, jobs):
    """Configure, build and install the free-threaded interpreter."""
    prefix = dest / "python"
    python = prefix / "bin" / INTERPRETER
    if python.exists():
        return python
    build = dest / "build"
    if build.exists():
        shutil.rmtree(build)
    build.mkdir(parents=True)
    log = dest / "interpreter.log"
    _run(["tar", "-xf", tarball, "-C", build, "--strip-components=1"], log)
    _run(["./configure", *configure_args(prefix)], log, cwd=build)
    _run(["make", "-j%d" % jobs], log, cwd=build)
    _run(["make", "install"], log, cwd=build)
    return python


def make_venv(dest, python, jobs, sklearn_version):
    """The virtual environment: wheels, scikit-learn, the project (editable)."""
    venv = dest / "venv"
    py = venv / "bin" / "python"
    log = dest / "venv.log"
    env = dict(os.environ)
    # meson and ninja of the venv, for scikit-learn's build from source.
    env["PATH"] = str(venv / "bin") + os.pathsep + env.get("PATH", "")
    if not py.exists():
        _run([python, "-m", "venv", venv], log)
        _run([py, "-m", "pip", "install", "--upgrade", "pip"], log, env=env)
    _run([py, "-m", "pip", "install", "--only-binary=:all:", *WHEELS], log, env=env)
    requirement = "scikit-learn==%s" % sklearn_version
    try:
        _run([py, "-m", "pip", "install", "--only-binary=:all:", requirement], log, env=env)
    except StepFailed:
        # No cp313t wheel of this release on the index: its sdist, built
        # against the wheels above (its runtime dependencies are among them).
        _run(
            [py, "-m", "pip", "install", "--no-build-isolation",
             "-Ccompile-args=-j%d" % jobs, requirement],
            log,
            env=env,
        )
    _run([py, "-m", "pip", "install", "--only-binary=:all:", requirement, *EXTRAS], log, env=env)
    _run([py, "-m", "pip", "install", "--no-build-isolation", "--no-deps", "-e", ROOT], log, env=env)
    return py


def run_tests(dest, py, sklearn_version=NEWEST_SKLEARN):
    """The GIL check, then each test run; returns the summary lines.

    ``sklearn_version`` is the venv's scikit-learn, whose patch series step 5
    overlays.
    """
    env = dict(os.environ)
    # The declaration is what keeps the GIL off: never forced from outside.
    env.pop("PYTHON_GIL", None)
    env.pop("SKLEARN_SLEP017_NO_EXTENSIONS", None)
    env.pop("SKLEARN_SLEP017_ENABLE", None)
    env["SKLEARN_SLEP017_REQUIRE_FREE_THREADING"] = "1"
    lines = []
    check = subprocess.run(
        [str(py), "-c", GIL_CHECK], cwd=str(ROOT), env=env, capture_output=True, text=True
    )
    (dest / "gil-check.log").write_text(check.stdout + check.stderr)
    lines.append("GIL check: %s" % ("ok" if check.returncode == 0 else "FAILED"))
    lines += ["  " + line for line in check.stdout.splitlines()]
    status = check.returncode
    for name, arguments in TEST_RUNS:
        log = dest / ("pytest-%s.log" % re.sub(r"\W+", "-", name).strip("-"))
        args = [str(py), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfEs", *arguments]
        done = subprocess.run(args, cwd=str(ROOT), env=env, capture_output=True, text=True)
        log.write_text("$ %s\n%s%s" % (" ".join(args), done.stdout, done.stderr))
        lines.append("%s: %s" % (name, summary_line(done.stdout)))
        status = status or done.returncode
    upstream_status, upstream_lines = run_patched_upstream(dest, py, env, sklearn_version)
    return status or upstream_status, lines + upstream_lines


def run_patched_upstream(dest, py, env, version=NEWEST_SKLEARN):
    """Step 5: the upstream pull requests, free-threaded.

    Parameters
    ----------
    dest : pathlib.Path
        The working folder; the overlay goes to ``overlay-<version>``.
    py : path-like
        The free-threaded venv's interpreter (its scikit-learn must be
        ``version``).
    env : dict
        The environment of the other test runs.
    version : str, default=NEWEST_SKLEARN
        The patch series to overlay (by default the newest supported
        release's, ``sklearn_slep017/_version_range.py``).

    Returns
    -------
    status, lines : int, list of str
        0 when both runs passed; their summary lines.
    """
    overlay = dest / ("overlay-%s" % version)
    made = subprocess.run(
        [str(py), "-m", "maint_tools.upstream_overlay", "--version", version,
         "--dest", str(overlay)],
        cwd=str(ROOT), env=env, capture_output=True, text=True,
    )
    (dest / "overlay.log").write_text(made.stdout + made.stderr)
    if made.returncode:
        return made.returncode, ["patched scikit-learn %s: overlay FAILED" % version]
    patched = dict(env, PYTHONPATH=str(overlay),
                   SKLEARN_SLEP017_UPSTREAM_STRESS_SECONDS=str(UPSTREAM_STRESS))
    runs = [
        ("patched scikit-learn %s: its tests" % version, UPSTREAM_TESTS, overlay),
        ("patched scikit-learn %s: free-threading stress" % version,
         ["tests/clone/test_freethreading.py", "-k", "upstream"], ROOT),
    ]
    status, lines = 0, []
    for name, arguments, cwd in runs:
        args = [str(py), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfEs", *arguments]
        done = subprocess.run(args, cwd=str(cwd), env=patched, capture_output=True, text=True)
        log = dest / ("pytest-%s.log" % re.sub(r"\W+", "-", name).strip("-"))
        log.write_text("$ %s\n%s%s" % (" ".join(args), done.stdout, done.stderr))
        lines.append("%s: %s" % (name, summary_line(done.stdout)))
        status = status or done.returncode
    return status, lines


def run(dest=".free-threaded", jobs=2, sklearn_version=NEWEST_SKLEARN, rebuild=False,
        etc="/etc/apt"):
    """Build the interpreter if needed, then run the checks.

    Parameters
    ----------
    dest : path-like, default=".free-threaded"
        The working folder (gitignored): ``src``, ``python``, ``venv``, logs.
    jobs : int, default=2
        Parallel compile jobs (the interpreter, scikit-learn).
    sklearn_version : str, default=NEWEST_SKLEARN
        The scikit-learn release installed in the venv (and whose patch
        series step 5 overlays); by default the newest supported,
        ``sklearn_slep017/_version_range.py``.
    rebuild : bool, default=False
        Build the interpreter again even if one is installed.
    etc : path-like, default="/etc/apt"
        Where apt's configuration is read from.

    Returns
    -------
    status : int
        0 when every check passed.
    """
    dest = Path(dest)
    if not dest.is_absolute():
        dest = ROOT / dest
    dest.mkdir(parents=True, exist_ok=True)
    if rebuild and (dest / "python").exists():
        shutil.rmtree(dest / "python")
    try:
        tarball = fetch_source(dest, etc)
        python = build_interpreter(dest, tarball, jobs)
        py = make_venv(dest, python, jobs, sklearn_version)
    except StepFailed as exc:
        print(exc, file=sys.stderr)
        return 2
    status, lines = run_tests(dest, py, sklearn_version)
    lines.insert(0, "interpreter: %s (%s)" % (python, tarball.name))
    text = "\n".join(lines) + "\n"
    (dest / "summary.txt").write_text(text)
    print(text, end="")
    return status


def main(argv=None):
    """Command line: ``python -m maint_tools.freethreaded [--dest D] [--jobs N]``.

    Parameters
    ----------
    argv : list of str or None, default=None
        The arguments; None means ``sys.argv[1:]``.

    Returns
    -------
    status : int
        See :func:`run`.
    """
    parser = argparse.ArgumentParser(prog="python -m maint_tools.freethreaded")
    parser.add_argument("--dest", default=".free-threaded")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sklearn-version", default=NEWEST_SKLEARN)
    parser.add_argument("--rebuild", action="store_true", help="build the interpreter again")
    args = parser.parse_args(argv)
    return run(args.dest, args.jobs, args.sklearn_version, args.rebuild)


if __name__ == "__main__":
    sys.exit(main())
