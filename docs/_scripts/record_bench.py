"""Copy a ``make bench`` run into the documentation, with where it was made.

Usage (``make docs-bench`` runs ``make bench`` first, then this)::

    python docs/_scripts/record_bench.py [bench-results] [docs/performance]

Copies ``results.md``, ``results.json`` and ``clone_time.png`` from the
benchmark's output folder and writes ``recorded.md``: the date of the run, the
machine (architecture, CPU model, cores, load), Python, scikit-learn and
numpy versions, the clone implementation timed and the git commit of the
working tree (marked when it had uncommitted changes). Those committed files
are what the Performance page shows; the page builds without running any
benchmark.
"""

import json
import platform
import shutil
import subprocess
import sys
from pathlib import Path

FILES = ("results.md", "results.json", "clone_time.png")

# Runs recorded before the one vocabulary named the live implementation by
# its earlier spelling.
EARLIER_SPELLING = {"cython": "compiled", "python": "reference"}


def git_commit(root):
    """Return ``<short hash>`` of HEAD, with ``+ uncommitted changes`` if dirty."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, check=True,
            capture_output=True, text=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
            check=True, capture_output=True, text=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return head + (" + uncommitted changes" if dirty else "")


def header(machine, commit):
    """The Markdown table saying when, where and on what the run was made."""
    rows = [
        ("date (UTC)", machine.get("date", "unknown")),
        ("machine", "%s, %s" % (machine.get("machine") or platform.machine(),
                                machine.get("cpu_model", "unknown CPU"))),
        ("cores", "%s (%s usable)" % (machine.get("cpu_count"),
                                      machine.get("cpu_count_usable"))),
        ("load average (1 min) at start / end", "%.2f / %.2f" % (
            machine["loadavg_start"][0], machine["loadavg_end"][0])
            if machine.get("loadavg_start") and machine.get("loadavg_end") else "unknown"),
        ("platform", machine.get("platform", "unknown")),
        ("Python", "%s %s" % (machine.get("python_implementation", ""),
                              machine.get("python", "unknown"))),
        ("scikit-learn", machine.get("sklearn", "unknown")),
        ("numpy", machine.get("numpy", "unknown")),
        ("sklearn_slep017", "%s, live implementation %s" % (
            machine.get("sklearn_slep017", "unknown"),
            EARLIER_SPELLING.get(machine.get("live_implementation"),
                                 machine.get("live_implementation", "unknown")))),
        ("git commit", commit),
    ]
    lines = ["| recorded run | |", "|---|---|"]
    lines += ["| %s | %s |" % (key, value) for key, value in rows]
    return "\n".join(lines) + "\n"


def main(argv=None):
    """Copy the run and write ``recorded.md``; return the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    root = Path(__file__).resolve().parents[2]
    source = Path(argv[0]) if argv else root / "bench-results"
    target = Path(argv[1]) if len(argv) > 1 else root / "docs" / "performance"
    missing = [name for name in FILES if not (source / name).is_file()]
    if missing:
        print("record_bench: %s missing in %s; run `make bench` first"
              % (", ".join(missing), source), file=sys.stderr)
        return 1
    target.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        shutil.copyfile(source / name, target / name)
    machine = json.loads((source / "results.json").read_text())["machine"]
    (target / "recorded.md").write_text(header(machine, git_commit(root)))
    print("record_bench: copied %s to %s" % (", ".join(FILES), target))
    return 0


if __name__ == "__main__":
    sys.exit(main())
