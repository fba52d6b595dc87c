# SPDX-License-Identifier: BSD-3-Clause
"""``python -m maint_tools.upstream_overlay``: the patched release over a copy of the installed one.

A quick stand-in (seconds) for building the patched release from source
(``make upstream-build``, :mod:`maint_tools.upstream_build`: a meson build
of all of scikit-learn, tens of minutes on two cores). ``make
upstream-overlay`` runs it, then upstream's own tests with the overlay first
on ``PYTHONPATH``; ``pr_bench`` and ``freethreaded`` use it too.

``python -m maint_tools.upstream_overlay [--version V] [--dest D] [--upto K]``
prints ``PYTHONPATH=<dest>``; exit status 2 when the series does not apply or
the sdist cannot be fetched.
"""

import argparse
import shutil
import sys
from pathlib import Path

from maint_tools.sdist_fetch import FetchError
from maint_tools.upstream_tree import (
    PATCHES_DIR,
    PatchError,
    apply_series,
    build_extensions,
    changed_files,
    pristine_checkout,
    release_of,
)

__all__ = ["main", "overlay"]


def overlay(version, dest, patches_dir=PATCHES_DIR, upto=None):
    """Put the patched scikit-learn over a copy of the installed one.

    The installed scikit-learn, which must be the same release, is copied to
    ``dest``; the files the series changes under ``sklearn/`` are copied over
    it, and the series' ``.pyx`` files are compiled in place with Cython.
    Running upstream's tests with ``dest`` first on ``sys.path`` then tests
    the patched code.

    Parameters
    ----------
    version : str
        The release; the installed scikit-learn must be this one.
    dest : path-like
        A directory that does not exist yet.
    patches_dir : path-like, default=the repository's ``patches/``
    upto : int or None, default=None
        Overlay only the first ``upto`` patches (all when None; 0 gives a
        copy of the installed release, for side-by-side measurements).

    Returns
    -------
    path : pathlib.Path
        The directory to put first on ``PYTHONPATH``.
    """
    import sklearn

    release = release_of(version)
    if sklearn.__version__ != release:
        raise PatchError(
            "the installed scikit-learn is %s, not %s" % (sklearn.__version__, release)
        )
    dest = Path(dest).resolve()
    installed = Path(sklearn.__file__).parent
    shutil.copytree(
        installed, dest / "sklearn", ignore=shutil.ignore_patterns("__pycache__")
    )
    libs = installed.parent / "scikit_learn.libs"  # the wheel's vendored libgomp
    if libs.is_dir():
        shutil.copytree(libs, dest / libs.name)
    root = pristine_checkout(version, dest / "src")
    results = apply_series(version, root, patches_dir, upto=upto)
    if not all(ok for _, ok, _ in results):
        raise PatchError("the series does not apply: %s" % results)
    changed = changed_files(root)
    for name in changed:
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / name, target)
    pyx = [str(dest / name) for name in changed if name.endswith(".pyx")]
    if pyx:
        build_extensions(pyx)
    return dest


def main(argv=None):
    """Command line: ``python -m maint_tools.upstream_overlay [--version V] [--dest D]``.

    Parameters
    ----------
    argv : list of str or None, default=None
        The arguments; None means ``sys.argv[1:]``.

    Returns
    -------
    status : int
        0 when the overlay was made (``dest`` replaced), 2 when the series
        does not apply or the sdist cannot be fetched.
    """
    parser = argparse.ArgumentParser(
        prog="python -m maint_tools.upstream_overlay",
        description="the patched release over a copy of the installed one, "
        "its .pyx compiled: prints the PYTHONPATH to run upstream's tests with",
    )
    parser.add_argument(
        "--version",
        default=None,
        help="the series (default: the installed scikit-learn's release)",
    )
    parser.add_argument(
        "--dest",
        type=Path,
        default=Path(".upstream-overlay"),
        help="the directory to create, replaced if it exists (default: %(default)s)",
    )
    parser.add_argument(
        "--upto",
        type=int,
        default=None,
        help="overlay only the first UPTO patches (default: all)",
    )
    parser.add_argument(
        "--patches-dir",
        type=Path,
        default=PATCHES_DIR,
        help="the patches/ folder (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    version = args.version
    if version is None:
        import sklearn

        version = sklearn.__version__
    if not (args.patches_dir / version / "series").is_file():
        parser.error("no series %s in %s" % (version, args.patches_dir))
    try:
        if args.dest.exists():
            shutil.rmtree(args.dest)
        dest = overlay(version, args.dest, args.patches_dir, upto=args.upto)
    except (FetchError, PatchError) as exc:
        print("scikit-learn %s: %s" % (version, exc), file=sys.stderr)
        return 2
    print("PYTHONPATH=%s" % dest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
