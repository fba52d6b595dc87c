# SPDX-License-Identifier: BSD-3-Clause
"""``python -m sklearn_slep017 status``: which clone scikit-learn uses, in words.

A fresh ``python -m`` process has only what start-up did: the environment
variable ``SKLEARN_SLEP017_ENABLE`` (read by the installed ``.pth`` hook), so
this says what a script started the same way, and its worker processes, get.
In your own process, call :func:`sklearn_slep017.status`.
"""

import sys

__all__ = ["add_arguments", "run"]


def add_arguments(parser):
    """Add the ``status`` options (none) to an argument parser.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The ``status`` subparser.
    """


def run(args):
    """Run the ``status`` subcommand: print :func:`sklearn_slep017._switch.format_status`.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed by a parser set up with :func:`add_arguments`.

    Returns
    -------
    status : int
        0.
    """
    import sklearn  # the start-up hook enables right after this import

    from . import _switch
    from .__main__ import version_text

    del sklearn
    print(version_text(), file=sys.stdout)
    print(_switch.format_status(), file=sys.stdout)
    return 0
