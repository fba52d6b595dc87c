# SPDX-License-Identifier: BSD-3-Clause
"""Maintainer tools, run from a checkout: never shipped, never imported by the package.

* the upstream patch series of ``patches/``, one tool per job:
  ``patches`` (``check`` and ``regenerate``: ``make patches-check``, ``make
  patches-regenerate``), ``patch_review`` (scikit-learn's own checks on each
  patch: ``make patches-check``), ``upstream_overlay`` (the patched release
  over the installed one: ``make upstream-overlay``), ``upstream_build``
  (built with meson: ``make upstream-build``), ``sdist_fetch`` (the pristine
  sdists, cached) and ``pr_bench`` (the pull requests' benchmark); the
  recipe they generate from is ``patch_recipe`` (its long literal texts
  in ``recipe_text/``), applied by ``code_rewrite``; what they share is ``upstream_tree``, which none of
  them bypasses for another's private names;
* ``compat_report``: the backward-compatibility probe and report (``make
  compat``, ``noxfile.py``);
* ``freethreaded``: a free-threaded CPython 3.13 built from Debian's source
  package, and the compiled clone's tests on it (``make test-freethreaded``);
* ``fuzz_clone`` and ``fuzz_cases``: the differential fuzzer of clone
  against upstream (``make fuzz``), and the case decoder its corpus test
  (``tests/clone/test_fuzz_corpus.py``) shares;
* ``bench_pythons``: one table of the bench on every installed Python
  (``make bench-pythons``).

Each runs as ``python -m maint_tools.<name>`` from the repository root.
"""

import importlib.util as _importlib_util
from pathlib import Path as _Path


def _load_version_range():
    """``sklearn_slep017/_version_range.py`` of this checkout, loaded by path.

    The module needs the standard library only: the tools that run on an
    interpreter without scikit-learn (``freethreaded`` runs on the system
    ``python3``) read the supported range without importing the package.
    """
    path = _Path(__file__).resolve().parent.parent / "sklearn_slep017" / "_version_range.py"
    spec = _importlib_util.spec_from_file_location("_maint_tools_version_range", path)
    module = _importlib_util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The newest supported scikit-learn (sklearn_slep017/_version_range.py, its
# one record): the tools' default release and patch series.
NEWEST_SKLEARN = _load_version_range().NEWEST_SUPPORTED
