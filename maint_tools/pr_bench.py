# SPDX-License-Identifier: BSD-3-Clause
"""``python -m maint_tools.pr_bench``: the pull requests' asv benchmark, side by side.

The PERF patches add ``asv_benchmarks/benchmarks/base.py`` to scikit-learn
(``CloneBenchmark``). This runs that file with asv, in this environment
(``--python=same``), once per state of a series: the release as installed,
then after each patch (``patches overlay --upto k``: the patched modules over
a copy of the installed wheel). Each state is recorded as a commit of a
scratch repository, so that ``asv compare`` prints every pull request against
the state before it and against the release.

Upstream's ``asv_benchmarks/benchmarks/common.py`` (its ``Benchmark`` base
class reads a config file and datasets) is not part of the sdist; a stand-in
with the same role gives the timer and the number of repeats.

Writes ``<out>/compare-<k>.txt`` (patch k against the state before it),
``<out>/compare-release-<k>.txt`` (the release against patch k's state) and
``<out>/states.txt``; prints them.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from maint_tools import patches as _patches

# asv runs benchmarks with an environment of its own (PYTHONPATH is not
# passed on): the suite's package puts the state's overlay first on sys.path
# itself, and checks that scikit-learn comes from there.
_INIT = '''"""The benchmarks, run against the scikit-learn named in overlay_path.txt."""

import sys
from pathlib import Path

_OVERLAY = Path(__file__).with_name("overlay_path.txt").read_text().strip()
sys.path.insert(0, _OVERLAY)

import sklearn  # noqa: E402

assert Path(sklearn.__file__).resolve().is_relative_to(Path(_OVERLAY).resolve()), (
    sklearn.__file__
)
'''

_COMMON = '''"""Stand-in for upstream's common.Benchmark: the timer and the repeats."""

import timeit


class Benchmark:
    """Base class of the benchmarks: wall time, repeated until stable."""

    timer = timeit.default_timer
    processes = 1
    timeout = 500
    warmup_time = 0.5
    repeat = (10, 100, 10.0)
'''


def _asv(args, cwd, env=None):
    asv = str(Path(sys.executable).parent / "asv")
    result = subprocess.run(
        [asv, *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError("asv %s failed:\n%s%s" % (args, result.stdout, result.stderr))
    return result.stdout


def run(version="1.9.1", out="bench-results/prs", bench="CloneBenchmark"):
    """Run the benchmark on each state of a series; write the comparisons.

    Parameters
    ----------
    version : str, default="1.9.1"
        The series; the installed scikit-learn must be its release.
    out : path-like, default="bench-results/prs"
        Where the comparisons are written.
    bench : str, default="CloneBenchmark"
        The asv ``--bench`` regular expression.

    Returns
    -------
    texts : list of str
        The ``asv compare`` outputs, in the order written.
    """
    names = (_patches.PATCHES_DIR / version / "series").read_text().split()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        tree = _patches.pristine_checkout(version, tmp / "tree")
        _patches.apply_series(version, tree)
        suite = tmp / "suite"
        (suite / "benchmarks").mkdir(parents=True)
        shutil.copyfile(
            tree / "asv_benchmarks" / "benchmarks" / "base.py",
            suite / "benchmarks" / "base.py",
        )
        (suite / "benchmarks" / "__init__.py").write_text(_INIT)
        (suite / "benchmarks" / "common.py").write_text(_COMMON)
        (suite / "asv.conf.json").write_text(
            json.dumps(
                {
                    "version": 1,
                    "project": "scikit-learn",
                    "repo": ".",
                    "branches": ["HEAD"],
                    "environment_type": "virtualenv",
                    "benchmark_dir": "benchmarks",
                    "results_dir": "results",
                    "html_dir": "html",
                }
            )
        )
        _patches._git(suite, "init", "--quiet", "--initial-branch=main")
        _asv(["machine", "--yes", "--machine", "pr-bench"], suite)
        hashes, labels = [], []
        for k in range(len(names) + 1):
            label = "scikit-learn %s" % version if k == 0 else names[k - 1]
            _patches._git(
                suite, "commit", "--quiet", "--allow-empty", "-m", "state %d: %s" % (k, label)
            )
            commit = _patches._git(suite, "rev-parse", "HEAD").stdout.strip()
            overlay = _patches.overlay(version, tmp / ("state%d" % k), upto=k)
            (suite / "benchmarks" / "overlay_path.txt").write_text(str(overlay))
            env = dict(os.environ, PYTHONPATH=str(overlay))
            _asv(
                [
                    "run",
                    "--python=same",
                    "--machine",
                    "pr-bench",
                    "--set-commit-hash",
                    commit,
                    "--bench",
                    bench,
                    "--show-stderr",
                ],
                suite,
                env=env,
            )
            hashes.append(commit)
            labels.append(label)
        texts = []
        states = "".join(
            "state %d (%s): %s\n" % (k, h[:8], label)
            for k, (h, label) in enumerate(zip(hashes, labels))
        )
        (out / "states.txt").write_text(states)
        texts.append(states)
        for k in range(1, len(hashes)):
            for name, before in (
                ("compare-%d.txt" % k, hashes[k - 1]),
                ("compare-release-%d.txt" % k, hashes[0]),
            ):
                if name.startswith("compare-release") and k == 1:
                    continue
                text = _asv(
                    ["compare", "--machine", "pr-bench", "--split", before, hashes[k]],
                    suite,
                )
                (out / name).write_text(text)
                texts.append("%s\n%s" % (name, text))
    return texts


def main(argv=None):
    """Command line: ``python -m maint_tools.pr_bench [--version V] [--out DIR]``.

    Parameters
    ----------
    argv : list of str or None, default=None
        The arguments; None means ``sys.argv[1:]``.

    Returns
    -------
    status : int
        0.
    """
    parser = argparse.ArgumentParser(prog="python -m maint_tools.pr_bench")
    parser.add_argument("--version", default="1.9.1")
    parser.add_argument("--out", default="bench-results/prs")
    parser.add_argument("--bench", default="CloneBenchmark")
    args = parser.parse_args(argv)
    for text in run(args.version, args.out, args.bench):
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
