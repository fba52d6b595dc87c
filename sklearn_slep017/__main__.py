# SPDX-License-Identifier: BSD-3-Clause
"""Command line of sklearn_slep017: ``python -m sklearn_slep017 <command>``.

Each subcommand lives in its own module, which provides
``add_arguments(parser)`` and ``run(args) -> int``; adding a command is one
entry in ``SUBCOMMANDS``. Those modules import their optional dependencies
(matplotlib for ``bench``) inside ``run``, so building the parser never
needs them.
"""

import argparse
import importlib
import sys

# name -> (module providing add_arguments/run, one-line help).
SUBCOMMANDS = {
    "bench": (
        "sklearn_slep017._bench.harness",
        "time clone side by side: upstream, reference, compiled, and the "
        "constructor-only floor",
    ),
    "check": (
        "sklearn_slep017.checks._cli",
        "check estimators against the clone contract (module:Object specs)",
    ),
    "explain": (
        "sklearn_slep017._explain",
        "say which path the compiled clone takes for a class, and which "
        "override keeps it off the fast one (module:Class specs)",
    ),
    "profile": (
        "sklearn_slep017._profile.cli",
        "run a script and report clone's share of its wall time, and what the "
        "compiled clone would save on the trees it cloned",
    ),
    "status": (
        "sklearn_slep017._status_cli",
        "say which clone scikit-learn uses in a fresh process (the environment "
        "variable included), and the versions",
    ),
}


def version_text():
    """The ``--version`` line: the package, its live implementation, scikit-learn.

    Returns
    -------
    text : str
        ``sklearn_slep017 <version> (implementation: <name>; scikit-learn
        <version>; Python <version>)``.

    Examples
    --------
    >>> from sklearn_slep017.__main__ import version_text
    >>> version_text().startswith("sklearn_slep017 ")
    True
    """
    import platform

    import sklearn

    import sklearn_slep017

    return "sklearn_slep017 %s (implementation: %s; scikit-learn %s; Python %s)" % (
        sklearn_slep017.__version__, sklearn_slep017.implementation(),
        sklearn.__version__, platform.python_version(),
    )

# Verbs that moved out of the installed package: the maintainer tools of a
# checkout (maint_tools/), with where to find them now.
MAINTAINER_TOOLS = {
    "patches": "python -m maint_tools.patches",
}


def build_parser():
    """Build the argument parser with one subparser per subcommand.

    The subcommands are those of ``SUBCOMMANDS``; each one's module adds its
    own arguments.

    Returns
    -------
    parser : argparse.ArgumentParser
        The top-level parser; each subparser carries a ``_module`` default
        naming the module that runs it.

    Examples
    --------
    >>> from sklearn_slep017.__main__ import build_parser
    >>> build_parser().parse_args(["bench", "--quick"]).quick
    True
    """
    parser = argparse.ArgumentParser(
        prog="python -m sklearn_slep017",
        description="SLEP017's clone protocol for scikit-learn: tools.",
    )
    parser.add_argument("--version", action="version", version=version_text())
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        module = importlib.import_module(module_name)
        module.add_arguments(sub)
        sub.set_defaults(_module=module_name)
    return parser


def main(argv=None):
    """Run the command line.

    ``python -m sklearn_slep017`` calls it with no argument; a script can
    pass the arguments as a list and get the exit status back.

    Parameters
    ----------
    argv : list of str or None, default=None
        The arguments, without the program name; None means ``sys.argv[1:]``.

    Returns
    -------
    status : int
        The exit status: 0 on success.

    Examples
    --------
    >>> from sklearn_slep017.__main__ import main
    >>> main(["check", "sklearn.linear_model:Ridge"])  # doctest: +ELLIPSIS
    clone contract (implementation: ...)
    sklearn.linear_model:Ridge -> Ridge()
      PASS  check_clone_succeeds ...
    summary: 1 estimator checked, 0 broken; 8 passed, 0 failed, 0 skipped
    0
    """
    if argv is None:
        argv = sys.argv[1:]
    if argv and argv[0] in MAINTAINER_TOOLS:
        print(
            "python -m sklearn_slep017: %r is a maintainer tool, available from a "
            "checkout of the repository, not from the installed package: run "
            "`%s` at the repository's root (or `make patches-check`)."
            % (argv[0], MAINTAINER_TOOLS[argv[0]]),
            file=sys.stderr,
        )
        return 2
    parser = build_parser()
    args = parser.parse_args(argv)
    module = importlib.import_module(args._module)
    return module.run(args)


if __name__ == "__main__":
    sys.exit(main())
