# SPDX-License-Identifier: BSD-3-Clause
"""``python -m maint_tools.upstream_build``: build the patched release as upstream does.

The series is applied to the pristine sdist tree, which is then built and
installed with meson-python (``pip install --no-build-isolation``) into a
virtual environment of its own holding the build requirements the tree's
``pyproject.toml`` declares; its tests run against that install:
``sklearn/tests/test_base.py`` and the test modules the series adds, the tests of
the main users of ``clone`` (metadata routing, pipelines, frozen
estimators) and ``sklearn/tests/test_docstrings.py`` restricted to the
modules the series changes. The Cython modules the series adds are built by
meson like every other extension (with scikit-learn's Cython directives);
the summary says where each was loaded from. Slow on two cores (a full scikit-learn build), so not part of the
test suite or of every CI run: ``make upstream-build``.

The summaries are written to ``<dest>/summary.txt`` and printed.
"""

import argparse
import hashlib
import os
import subprocess
import sys
from pathlib import Path

from maint_tools import NEWEST_SKLEARN
from maint_tools.upstream_tree import apply_series, changed_files, pristine_checkout

# What the tests need beside scikit-learn's runtime dependencies.
_TEST_REQUIREMENTS = ["pytest", "pytest-xdist", "numpydoc", "ninja"]


def _run(args, log, cwd=None, env=None):
    with open(log, "a") as out:
        out.write("$ %s\n" % " ".join(map(str, args)))
        out.flush()
        return subprocess.run(
            [str(a) for a in args], cwd=cwd, env=env, stdout=out, stderr=out
        ).returncode


def _summary(log):
    # pytest's last line ("N passed, M skipped in Xs").
    lines = [line for line in Path(log).read_text().splitlines() if line.strip()]
    for line in reversed(lines):
        if " in " in line and ("passed" in line or "failed" in line or "error" in line):
            return line.strip("= ")
    return lines[-1] if lines else "(no output)"


def run(version=NEWEST_SKLEARN, dest=".upstream-build", jobs=2, build=True):
    """Build the patched release with meson and run its tests.

    Parameters
    ----------
    version : str, default=NEWEST_SKLEARN
        A release series (by default the newest supported release's,
        ``sklearn_slep017/_version_range.py``).
    dest : path-like, default=".upstream-build"
        Working directory: ``src`` (the patched tree), ``venv``, logs.
    jobs : int, default=2
        Compile jobs (``-Ccompile-args=-j``).
    build : bool, default=True
        False reuses the install of a previous run (to rerun the tests).

    Returns
    -------
    status : int
        0 when the build and every test run passed.
    """
    dest = Path(dest).resolve()
    dest.mkdir(parents=True, exist_ok=True)
    src = dest / "src"
    if src.exists():
        subprocess.run(["rm", "-rf", str(src)], check=True)
    root = pristine_checkout(version, src)
    results = apply_series(version, root)
    if not all(ok for _, ok, _ in results):
        print("the series does not apply: %s" % results, file=sys.stderr)
        return 1
    changed = changed_files(root)
    modules = sorted(
        path.rpartition(".")[0].replace("/", ".")
        for path in changed
        if path.endswith((".py", ".pyx")) and "/tests/" not in path
    )
    extensions = sorted(
        path[: -len(".pyx")].replace("/", ".") for path in changed if path.endswith(".pyx")
    )

    import tomllib  # Python 3.11+, as the meson build of the newest release needs anyway

    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    requirements = (
        list(pyproject["build-system"]["requires"])
        + list(pyproject["project"]["dependencies"])
        + _TEST_REQUIREMENTS
    )
    venv = dest / "venv"
    python = venv / "bin" / "python"
    stamp = venv / ".requirements"
    key = hashlib.sha256("\n".join(requirements).encode()).hexdigest()
    log = dest / "build.log"
    log.write_text("")
    if not (stamp.exists() and stamp.read_text() == key):
        if _run([sys.executable, "-m", "venv", "--clear", venv], log):
            return 1
        if _run([python, "-m", "pip", "install", "--quiet", *requirements], log):
            print("installing the build requirements failed: see %s" % log)
            return 1
        stamp.write_text(key)
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    # meson and ninja are console scripts of the build environment.
    env["PATH"] = str(venv / "bin") + os.pathsep + env.get("PATH", "")
    status = 0
    if build:
        status = _run(
            [
                python,
                "-m",
                "pip",
                "install",
                "--no-build-isolation",
                "--no-deps",
                "--force-reinstall",
                "-Ccompile-args=-j%d" % jobs,
                root,
            ],
            log,
            env=env,
        )
    if status:
        print("the meson build failed: see %s" % log)
        return 1
    # The tests run from the install (site-packages as the root directory,
    # so that scikit-learn's own conftest.py files are loaded), with the
    # pytest settings of the tree's pyproject.toml; never from a directory
    # holding another sklearn/.
    clean = dest / "run"
    clean.mkdir(exist_ok=True)
    site = subprocess.run(
        [
            python,
            "-c",
            "import os, sklearn; print(os.path.dirname(os.path.dirname(sklearn.__file__)))",
        ],
        cwd=clean,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    pytest_args = [
        "-c",
        root / "pyproject.toml",
        "--rootdir",
        site,
        "--color=no",
        "-rs",
    ]
    summaries = []
    runs = [
        (
            "test_base and the series' test modules",
            sorted(
                {"sklearn/tests/test_base.py"}
                | {p for p in changed if "/tests/test_" in p and p.endswith(".py")}
            ),
        ),
        (
            "clone users (test_metadata_routing, test_pipeline, frozen)",
            [
                "sklearn/tests/test_metadata_routing.py",
                "sklearn/tests/test_pipeline.py",
                "sklearn/frozen",
            ],
        ),
        (
            "test_docstrings (%s)" % ", ".join(modules),
            [
                "sklearn/tests/test_docstrings.py",
                "-k",
                " or ".join("[%s." % m for m in modules),
            ],
        ),
    ]
    for name, args in runs:
        test_log = dest / ("%s.log" % name.split()[0])
        test_log.write_text("")
        code = _run(
            [
                python,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "-n",
                "2",
                *pytest_args,
                *args,
            ],
            test_log,
            cwd=site,
            env=env,
        )
        # 5: nothing selected (a private module has no docstring test).
        if code not in (0, 5):
            status = 1
        summaries.append("%s: %s" % (name, _summary(test_log)))
    for module in extensions:
        # Built by meson and installed: never a leftover of another build.
        where = subprocess.run(
            [
                python,
                "-c",
                "import importlib, os, sklearn; m = importlib.import_module(%r); "
                "print(os.path.relpath(m.__file__, os.path.dirname(sklearn.__file__)))"
                % module,
            ],
            cwd=clean,
            env=env,
            capture_output=True,
            text=True,
        )
        if where.returncode:
            status = 1
            summaries.append("%s: not importable: %s" % (module, where.stderr.strip()))
        else:
            summaries.append(
                "%s: compiled by meson, loaded from sklearn/%s"
                % (module, where.stdout.strip())
            )
    version_line = subprocess.run(
        [python, "-c", "import sklearn; print(sklearn.__version__, sklearn.__file__)"],
        cwd=clean,
        env=env,
        capture_output=True,
        text=True,
    ).stdout.strip()
    text = "patched scikit-learn %s built with meson: %s\n%s\n" % (
        version,
        version_line,
        "\n".join(summaries),
    )
    (dest / "summary.txt").write_text(text)
    print(text, end="")
    return status


def main(argv=None):
    """Command line: ``python -m maint_tools.upstream_build [--version V] [--dest D]``.

    Parameters
    ----------
    argv : list of str or None, default=None
        The arguments; None means ``sys.argv[1:]``.

    Returns
    -------
    status : int
        See :func:`run`.
    """
    parser = argparse.ArgumentParser(prog="python -m maint_tools.upstream_build")
    parser.add_argument("--version", default=NEWEST_SKLEARN)
    parser.add_argument("--dest", default=".upstream-build")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--no-build",
        dest="build",
        action="store_false",
        help="reuse the previous run's install (rerun the tests only)",
    )
    args = parser.parse_args(argv)
    return run(args.version, args.dest, args.jobs, args.build)


if __name__ == "__main__":
    sys.exit(main())
