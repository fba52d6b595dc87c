# SPDX-License-Identifier: BSD-3-Clause
"""Maintainer tools, run from a checkout: never shipped, never imported by the package.

* ``patches``: the upstream patch series of ``patches/`` (``make
  patches-check``, ``make patches-regenerate``, ``make upstream-build``);
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
