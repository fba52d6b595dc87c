# SPDX-License-Identifier: BSD-3-Clause
"""Clone speed on every installed Python, side by side: ``make bench-pythons``.

The ``bench-<python>`` sessions of ``noxfile.py`` each run ``python -m
sklearn_slep017 bench`` on one interpreter (the project's wheel built for
it, the newest supported scikit-learn: ``sklearn_slep017/_version_range.py``)
and write ``<results>/<python>/results.json``.
``aggregate`` reads them all and writes one Markdown table, Python by
workload, of how many times faster than upstream the compiled clone is
(the median of each side, timed interleaved in the same process), then the
same for the compiled clone against the constructors-only floor. A Python
whose session was asked for but left no results (pip refused the project,
the build failed) is listed as not measured.

Command line::

    python -m maint_tools.bench_pythons aggregate bench-pythons-results \\
        --output bench-pythons-results/table.md [--expected 3.11,3.12,...]
"""

import argparse
import json
import sys
from pathlib import Path


def _version_key(version):
    return tuple(int(part) if part.isdigit() else part for part in version.split("."))


def load(folder):
    """Read every ``<folder>/<python>/results.json``.

    Parameters
    ----------
    folder : str or path-like
        The sessions' output folder.

    Returns
    -------
    runs : dict
        ``{python: results}`` in version order, ``results`` as written by
        ``python -m sklearn_slep017 bench``.
    """
    runs = {}
    for path in Path(folder).glob("*/results.json"):
        runs[path.parent.name] = json.loads(path.read_text())
    return dict(sorted(runs.items(), key=lambda item: _version_key(item[0])))


def _cells(results, implementation, field):
    cells = {}
    for entry in results["results"]:
        if entry["implementation"] == implementation:
            value = entry.get(field)
            cells[entry["workload"]] = value
    return cells


def _fmt(value, suffix="x"):
    return "n/a" if value is None else "%.3g%s" % (value, suffix)


def format_table(runs, expected=(), reasons=None):
    """The Markdown of the side-by-side tables.

    Parameters
    ----------
    runs : dict
        As returned by :func:`load`.
    expected : sequence of str, default=()
        Pythons whose sessions were asked for: those without results are
        listed as not measured.
    reasons : dict, optional
        ``{python: why it was not measured}`` (a session's
        ``not-measured.txt``).

    Returns
    -------
    text : str
        Markdown: a note on what was run, the compiled-over-upstream table,
        the compiled-over-floor table, then the Pythons not measured.
    """
    reasons = reasons or {}
    workloads = []
    for results in runs.values():
        for entry in results["results"]:
            if entry["workload"] not in workloads:
                workloads.append(entry["workload"])
    lines = []
    if runs:
        first = next(iter(runs.values()))
        machine = first["machine"]
        dates = sorted(r["machine"]["date"] for r in runs.values())
        budgets = sorted({r["settings"]["budget_per_workload_s"] for r in runs.values()})
        lines += [
            "Measured %s to %s on %s (%s CPUs; load average %s at the start of the "
            "first run), scikit-learn %s, sklearn_slep017 %s; `python -m sklearn_slep017 "
            "bench` with a timing budget of %s s per workload on each Python, every "
            "implementation interleaved in one process."
            % (dates[0], dates[-1], machine.get("cpu_model") or machine["platform"],
               machine["cpu_count"],
               "n/a" if not machine.get("loadavg_start") else "%.2f" % machine["loadavg_start"][0],
               ", ".join(sorted({r["machine"]["sklearn"] for r in runs.values()})),
               ", ".join(sorted({r["machine"]["sklearn_slep017"] for r in runs.values()})),
               " / ".join("%g" % b for b in budgets)),
            "",
        ]
    header = "| Python | numpy | " + " | ".join(workloads) + " |"
    rule = "|---|---|" + "---:|" * len(workloads)
    for title, field in (
        ("Compiled clone, times faster than upstream's `sklearn.base.clone` (median over median):",
         "speedup_vs_upstream"),
        ("Compiled clone, times the exact floor: the constructors, plus numpy's own "
         "`__deepcopy__` calls where parameters hold numpy values (1 is the floor; "
         "lower is better):",
         "ratio_vs_exact_floor"),
    ):
        lines += [title, "", header, rule]
        for python, results in runs.items():
            cells = _cells(results, "compiled", field)
            lines.append(
                "| %s | %s | %s |"
                % (results["machine"]["python"], results["machine"]["numpy"],
                   " | ".join(_fmt(cells.get(w)) for w in workloads))
            )
        lines.append("")
    missing = [p for p in expected if p not in runs]
    if missing:
        lines += ["Not measured:", ""]
        for python in missing:
            lines.append("- Python %s: %s." % (python, reasons.get(
                python, "no results (the session failed: its log says why)")))
        lines.append("")
    return "\n".join(lines)


def main(argv=None):
    """``aggregate``: the sessions' results to one Markdown file.

    Parameters
    ----------
    argv : list of str, optional
        Defaults to ``sys.argv[1:]``.

    Returns
    -------
    status : int
        0, or 1 when no Python left results.
    """
    parser = argparse.ArgumentParser(prog="python -m maint_tools.bench_pythons")
    sub = parser.add_subparsers(dest="command", required=True)
    agg = sub.add_parser("aggregate", help="one table from every Python's results.json")
    agg.add_argument("folder")
    agg.add_argument("--output", required=True)
    agg.add_argument("--expected", default="",
                     help="comma-separated Pythons whose sessions were asked for")
    args = parser.parse_args(argv)
    runs = load(args.folder)
    folder = Path(args.folder)
    # Each session makes its folder first: one without results.json failed.
    expected = [p for p in args.expected.split(",") if p]
    expected += [p.name for p in folder.iterdir() if p.is_dir()] if folder.is_dir() else []
    expected = sorted(set(expected), key=_version_key)
    reasons = {
        p: (folder / p / "not-measured.txt").read_text().strip()
        for p in expected
        if (folder / p / "not-measured.txt").is_file()
    }
    text = format_table(runs, expected, reasons)
    Path(args.output).write_text(text)
    print(text)
    if not runs:
        print("no results under %s" % args.folder, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
