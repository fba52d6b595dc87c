# SPDX-License-Identifier: BSD-3-Clause
"""``python -m sklearn_slep017 profile script.py [args]``: clone's share of a run.

Runs the script (or ``-m module``) as ``python -m cProfile`` does, as
``__main__`` with ``sys.argv`` set to the script and its arguments, inside
:func:`sklearn_slep017.profile`, then prints the report: clone's share of
the wall time, its calls and nodes, and what the compiled clone (or
upstream's, when the run was enabled) would have taken on the very trees
the script cloned. ``--enable`` runs the script with
:func:`sklearn_slep017.enable` in force; ``--plot`` draws where the time
went (matplotlib, the ``bench`` extra); ``--json`` writes the numbers.

Exit status: the script's own (a script that raises gives 1, after the
report).
"""

import argparse
import json
import os
import runpy
import sys
import traceback

from .._names import ACCEPTED

__all__ = ["add_arguments", "run"]


def add_arguments(parser):
    """Add the ``profile`` options to an argument parser.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The ``profile`` subparser.
    """
    from .profiler import DEFAULT_BUDGET, DEFAULT_SAMPLE

    parser.add_argument(
        "-m", dest="module", action="store_true",
        help="run the target as a module (python -m TARGET), not a script file",
    )
    parser.add_argument(
        "--enable", nargs="?", const="live", default=None,
        choices=("live",) + ACCEPTED,
        help="run the script with sklearn_slep017.enable() in force (the live "
        "implementation, or the one named); the report then estimates upstream's",
    )
    parser.add_argument(
        "--sample", type=int, default=DEFAULT_SAMPLE, metavar="N",
        help="trees cloned by the script kept for the side-by-side estimate "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--budget", type=float, default=DEFAULT_BUDGET, metavar="SECONDS",
        help="seconds the side-by-side estimate should take (default: %(default)s)",
    )
    parser.add_argument(
        "--plot", metavar="PNG", default=None,
        help="draw where the time went, and the sampled trees timed side by side "
        "(needs matplotlib: the bench extra)",
    )
    parser.add_argument(
        "--json", metavar="FILE", default=None, help="write the numbers as JSON",
    )
    parser.add_argument("target", metavar="script.py", help="the script to run (or a module, with -m)")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="the script's own arguments")


def _run_target(args):
    """Run the script or module as ``__main__``; its exit status."""
    saved_argv, saved_path0 = sys.argv[:], sys.path[0] if sys.path else None
    try:
        if args.module:
            sys.argv = [args.target] + list(args.args)
            runpy.run_module(args.target, run_name="__main__", alter_sys=True)
        else:
            sys.argv = [args.target] + list(args.args)
            sys.path.insert(0, os.path.dirname(os.path.abspath(args.target)))
            runpy.run_path(args.target, run_name="__main__")
        return 0
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        print(code, file=sys.stderr)
        return 1
    except Exception:
        traceback.print_exc()
        return 1
    finally:
        sys.argv = saved_argv
        if not args.module and sys.path and saved_path0 is not None and sys.path[0] != saved_path0:
            del sys.path[0]


def run(args):
    """Run the ``profile`` subcommand from parsed arguments.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed by a parser set up with :func:`add_arguments`.

    Returns
    -------
    status : int
        The script's exit status; 2 when the script is not found.
    """
    import sklearn_slep017

    if not args.module and not os.path.exists(args.target):
        print("error: no such script: %s" % args.target, file=sys.stderr)
        return 2
    enable = None
    if args.enable:
        enable = None if args.enable == "live" else args.enable
        sklearn_slep017.enable(enable)
    try:
        with sklearn_slep017.profile(sample=args.sample, budget=args.budget) as result:
            status = _run_target(args)
    finally:
        if args.enable:
            sklearn_slep017.disable()
    print("", file=sys.stdout)
    print(result.report(), file=sys.stdout)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result.as_dict(), f, indent=2, default=str)
            f.write("\n")
        print("wrote %s" % args.json, file=sys.stderr)
    if args.plot:
        try:
            result.plot(args.plot)
        except ImportError:
            print("matplotlib is not installed: no plot (pip install "
                  "'sklearn-slep017[bench]')", file=sys.stderr)
        else:
            print("wrote %s" % args.plot, file=sys.stderr)
    return status
