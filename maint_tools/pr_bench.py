# SPDX-License-Identifier: BSD-3-Clause
"""``python -m maint_tools.pr_bench``: the pull requests' asv benchmark, side by side.

The PERF patches add ``asv_benchmarks/benchmarks/base.py`` to scikit-learn
(``CloneBenchmark``). This runs that file with asv, in this environment
(``--python=same``), once per state of a series: the release as installed,
then after each patch (``upstream_overlay --upto k``: the patched modules over
a copy of the installed wheel). Each state is recorded as a commit of a
scratch repository, so that ``asv compare`` prints every pull request against
the state before it and against the release.

Upstream's ``asv_benchmarks/benchmarks/common.py`` (its ``Benchmark`` base
class reads a config file and datasets) is not part of the sdist; a stand-in
with the same role gives the timer and the number of repeats.

Writes ``<out>/compare-<k>.txt`` (patch k against the state before it),
``<out>/compare-release-<k>.txt`` (the release against patch k's state) and
``<out>/states.txt``; prints them.

``--interleaved ROUNDS`` measures the same benchmark bodies the other way,
for a machine too busy for asv's sequential runs to be comparable: one
subprocess per state and round, the states taking turns round after round,
each timing every body with CPU time (``time.process_time``, one BLAS/OpenMP
thread) and keeping its best of several repeats; the best over all rounds is
reported per state, with the package's compiled clone
(``sklearn_slep017.enable("compiled")`` over the release) as one more state.
Load only ever adds time, so the best of many interleaved samples is the
least biased figure such a machine gives. Writes ``<out>/interleaved.md``.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from maint_tools import NEWEST_SKLEARN
from maint_tools.upstream_overlay import overlay as make_overlay
from maint_tools.upstream_tree import (
    REPO_DIR,
    apply_series,
    git,
    pristine_checkout,
    series_names,
)

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


def run(version=NEWEST_SKLEARN, out="bench-results/prs", bench="CloneBenchmark"):
    """Run the benchmark on each state of a series; write the comparisons.

    Parameters
    ----------
    version : str, default=NEWEST_SKLEARN
        The series; the installed scikit-learn must be its release (by
        default the newest supported, ``sklearn_slep017/_version_range.py``).
    out : path-like, default="bench-results/prs"
        Where the comparisons are written.
    bench : str, default="CloneBenchmark"
        The asv ``--bench`` regular expression.

    Returns
    -------
    texts : list of str
        The ``asv compare`` outputs, in the order written.
    """
    names = series_names(version)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        tree = pristine_checkout(version, tmp / "tree")
        apply_series(version, tree)
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
        git(suite, "init", "--quiet", "--initial-branch=main")
        _asv(["machine", "--yes", "--machine", "pr-bench"], suite)
        hashes, labels = [], []
        for k in range(len(names) + 1):
            label = "scikit-learn %s" % version if k == 0 else names[k - 1]
            git(
                suite, "commit", "--quiet", "--allow-empty", "-m", "state %d: %s" % (k, label)
            )
            commit = git(suite, "rev-parse", "HEAD").stdout.strip()
            overlay = make_overlay(version, tmp / ("state%d" % k), upto=k)
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


# One state's measurement: the asv benchmark file's bodies, best of REPEATS.
_INTERLEAVED = r'''
import importlib.util, json, sys, time
overlay, base_py, compiled, repeats = sys.argv[1], sys.argv[2], sys.argv[3] == "1", int(sys.argv[4])
sys.path.insert(0, overlay)
import sklearn.base
assert sklearn.base.__file__.startswith(overlay), sklearn.base.__file__
if compiled:
    import sklearn_slep017
    sklearn_slep017.enable("compiled")
import types
common = types.ModuleType("benchmarks.common")
class Benchmark:
    pass
common.Benchmark = Benchmark
sys.modules["benchmarks"] = types.ModuleType("benchmarks")
sys.modules["benchmarks.common"] = common
spec = importlib.util.spec_from_file_location("benchmarks.base", base_py)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
out = {}
for cls_name, method, params, number in (
    ("CloneBenchmark", "time_clone", (1, 10, 100), (200, 20, 2)),
    ("CloneBenchmark", "time_get_params", (1, 10, 100), (200, 20, 2)),
    ("SearchCloneBenchmark", "time_fit", (90,), (1,)),
):
    for param, n in zip(params, number):
        bench = getattr(module, cls_name)()
        bench.setup(param)
        body = getattr(bench, method)
        body(param)
        best = float("inf")
        for _ in range(repeats):
            start = time.process_time()
            for _ in range(n):
                body(param)
            best = min(best, (time.process_time() - start) / n)
        out["%s.%s(%s)" % (cls_name, method, param)] = best
print(json.dumps(out))
'''


def _fmt(seconds):
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return "%.3g %s" % (seconds / scale, unit)
    return "%.3g ns" % (seconds * 1e9)


def interleaved(version=NEWEST_SKLEARN, out="bench-results/prs", rounds=5, repeats=5):
    """Best CPU time per state over interleaved rounds (see the module docstring).

    Parameters
    ----------
    version : str, default=NEWEST_SKLEARN
        The series; the installed scikit-learn must be its release (by
        default the newest supported, ``sklearn_slep017/_version_range.py``).
    out : path-like, default="bench-results/prs"
        Where ``interleaved.md`` is written.
    rounds : int, default=5
        How many times every state is measured, the states taking turns.
    repeats : int, default=5
        Repeats per body within one measurement (the best is kept).

    Returns
    -------
    text : str
        The table written.
    """
    names = series_names(version)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               MKL_NUM_THREADS="1", PYTHONPATH=str(REPO_DIR))
    env.pop("SKLEARN_SLEP017_ENABLE", None)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        overlays = [
            make_overlay(version, tmp / ("state%d" % k), upto=k)
            for k in range(len(names) + 1)
        ]
        base_py = overlays[-1] / "src" / "asv_benchmarks" / "benchmarks" / "base.py"
        labels = ["scikit-learn %s" % version] + [
            "after %d (%s)" % (k + 1, name.split("-", 1)[1].rsplit(".", 1)[0])
            for k, name in enumerate(names)
        ] + ["%s, package's compiled clone enabled" % version]
        states = [(path, "0") for path in overlays] + [(overlays[0], "1")]
        best = [{} for _ in states]
        for _ in range(rounds):
            for k, (path, compiled) in enumerate(states):
                done = subprocess.run(
                    [sys.executable, "-c", _INTERLEAVED, str(path), str(base_py),
                     compiled, str(repeats)],
                    capture_output=True, text=True, env=env, cwd=str(tmp),
                )
                if done.returncode:
                    raise RuntimeError(done.stderr)
                for key, value in json.loads(done.stdout).items():
                    best[k][key] = min(best[k].get(key, float("inf")), value)
    keys = list(best[0])
    lines = [
        "| benchmark | " + " | ".join(labels) + " |",
        "|---|" + "---:|" * len(labels),
    ]
    for key in keys:
        cells = [_fmt(best[0][key])] + [
            "%s (%.2f)" % (_fmt(b[key]), b[key] / best[0][key]) for b in best[1:]
        ]
        lines.append("| `%s` | %s |" % (key, " | ".join(cells)))
    text = (
        "Best CPU time of %d interleaved rounds x %d repeats per state "
        "(ratio to %s in brackets).\n\n" % (rounds, repeats, labels[0])
        + "\n".join(lines) + "\n"
    )
    (out / "interleaved.md").write_text(text)
    return text


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
    parser.add_argument("--version", default=NEWEST_SKLEARN)
    parser.add_argument("--out", default="bench-results/prs")
    parser.add_argument("--bench", default="CloneBenchmark")
    parser.add_argument("--interleaved", type=int, metavar="ROUNDS", default=0,
                        help="CPU-time rounds with the states taking turns, instead of asv")
    args = parser.parse_args(argv)
    if args.interleaved:
        print(interleaved(args.version, args.out, rounds=args.interleaved))
        return 0
    for text in run(args.version, args.out, args.bench):
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
