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
"""

import hashlib
import os
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
BUILD_REQUIREMENTS = ["Cython>=3.0.8", "setuptools>=77", "wheel"]

nox.options.sessions = ["compat-%s" % release for release in RELEASES]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True


def _source_digest():
    # Everything that goes into the wheel; a change anywhere means a new one.
    digest = hashlib.sha256()
    files = [ROOT / "pyproject.toml", ROOT / "setup.py"]
    files += sorted((ROOT / "sklearn_slep017").rglob("*.py"))
    files += sorted((ROOT / "sklearn_slep017").rglob("*.pyx"))
    files += sorted((ROOT / "sklearn_slep017").rglob("*.pth"))
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _project_wheel(session):
    """The project's wheel for this source tree, built on first use."""
    folder = WHEELHOUSE / _source_digest()
    wheels = sorted(folder.glob("sklearn_slep017-*.whl"))
    if not wheels:
        tmp = folder.with_name(folder.name + ".tmp-%d" % os.getpid())
        session.run(
            "python", "-m", "pip", "wheel", "--no-build-isolation", "--no-deps",
            "--wheel-dir", str(tmp), str(ROOT),
        )
        tmp.rename(folder)  # atomic: a concurrent session sees all or nothing
        wheels = sorted(folder.glob("sklearn_slep017-*.whl"))
    return wheels[0]


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
    # -I: the working tree (the current directory) must not shadow the
    # installed package.
    session.run(
        "python", "-I", "-c",
        "import sklearn, sklearn_slep017 as s; "
        "assert sklearn.__version__ == %r, sklearn.__version__; "
        "assert s.implementation() == 'cython', s.implementation(); "
        "print('scikit-learn', sklearn.__version__, '| sklearn_slep017', "
        "s.__version__, s.implementation())" % release,
    )
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
