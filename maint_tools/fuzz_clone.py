# SPDX-License-Identifier: BSD-3-Clause
"""Coverage-guided differential fuzzing of clone: ``make fuzz``.

Each input is decoded by :mod:`maint_tools.fuzz_cases` into a case (fresh
classes, a tree, mutations between and during clones) and run three times,
each in a world of its own: with scikit-learn's ``sklearn.base.clone``, with
the compiled clone and with the reference. Any difference in a result's
structure and identities, or in an exception's type and message, is a
:class:`~maint_tools.fuzz_cases.Mismatch`: atheris stops, writes the input
as ``crash-<sha1>`` under the artifact prefix, and the input replays with
``python -m maint_tools.fuzz_clone replay FILE``. A crash of the compiled
clone stops it as well (libFuzzer's own crash report).

Coverage: atheris instruments the Python code this harness imports, the
case decoder (so that new kinds of cases count as progress), the package's
Python modules (the reference's branches mirror the compiled clone's) and
upstream's ``clone`` and ``_clone_parametrized``. The compiled module itself
is not instrumented: that would take a clang build with libFuzzer's coverage
flags, which the project's build does not make.

Command line, from the repository root::

    python -m maint_tools.fuzz_clone CORPUS [SEEDS...] [libFuzzer flags]
    python -m maint_tools.fuzz_clone replay FILE_OR_DIR...
    python -m maint_tools.fuzz_clone seeds DIR [--count N]

``make fuzz`` runs the first for ``FUZZ_TIME`` seconds, new inputs going to
``.fuzz/corpus`` and the committed seeds (``maint_tools/fuzz_corpus``) read
alongside; ``make fuzz-merge`` folds the inputs that add coverage into the
committed seeds. ``replay`` and ``seeds`` need no atheris.
"""

import argparse
import os
import random
import shlex
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "maint_tools" / "fuzz_corpus"


def _inputs(paths):
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.iterdir() if p.is_file())
        else:
            yield path


def replay(paths, impls=("compiled", "reference"), out=None):
    """Run saved inputs through the comparison; print each case that differs.

    Parameters
    ----------
    paths : list of str
        Files, or folders of files (a corpus).
    impls : sequence of str, default=("compiled", "reference")
        The implementations compared with upstream.
    out : file-like, optional
        Where the report goes (``sys.stdout`` by default).

    Returns
    -------
    status : int
        0 when every input agrees with upstream, 1 otherwise.
    """
    from maint_tools import fuzz_cases

    out = sys.stdout if out is None else out
    failed = 0
    count = 0
    for path in _inputs(paths):
        count += 1
        case = fuzz_cases.decode(path.read_bytes())
        differences = fuzz_cases.compare(case, impls)
        if differences:
            failed += 1
            print("== %s\n%s\n%s" % (path, fuzz_cases.format_case(case),
                                     "\n".join(differences)), file=out)
    print("%d inputs replayed, %d differ from upstream" % (count, failed), file=out)
    return 1 if failed else 0


def write_seeds(folder, count=24, seed=0):
    """Write ``count`` deterministic random inputs into ``folder``.

    Parameters
    ----------
    folder : str or path-like
        Created if missing.
    count : int, default=24
        How many inputs.
    seed : int, default=0
        The random generator's seed.

    Returns
    -------
    paths : list of pathlib.Path
        The files written, ``seed-NNN``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for k in range(count):
        size = rng.choice((0, 8, 32, 64, 128, 256, 400))
        path = folder / ("seed-%03d" % k)
        path.write_bytes(bytes(rng.randrange(256) for _ in range(size)))
        paths.append(path)
    return paths


def fuzz(argv):
    """Run atheris over the comparison; ``argv`` as libFuzzer takes it.

    Parameters
    ----------
    argv : list of str
        ``[program, CORPUS, SEEDS..., -flag=value...]``.
    """
    import atheris

    # Instrumented as they are imported: nothing below may be imported before.
    with atheris.instrument_imports(include=["maint_tools.fuzz_cases", "sklearn_slep017",
                                             "support"]):
        from maint_tools import fuzz_cases
        import sklearn_slep017._clone_c  # noqa: F401  (a missing extension fails here)
        import sklearn_slep017._clone_py  # noqa: F401
    import sklearn.base

    for func in (sklearn.base.clone, sklearn.base._clone_parametrized):
        atheris.instrument_func(func)

    def test_one_input(data):
        fuzz_cases.check(data)

    atheris.Setup([_launcher()] + list(argv[1:]), test_one_input)
    atheris.Fuzz()


def _launcher():
    # libFuzzer starts itself again (-merge, -fork, -minimize_crash) by
    # executing argv[0]: under ``python -m`` that is this file, not a program.
    # A small script that runs this interpreter on this module stands in.
    folder = Path(tempfile.mkdtemp(prefix="sklearn-slep017-fuzz-"))
    launcher = folder / "fuzz_clone"
    path = os.pathsep.join([str(ROOT)] + [p for p in [os.environ.get("PYTHONPATH")] if p])
    launcher.write_text(
        "#!/bin/sh\nPYTHONPATH=%s exec %s -m maint_tools.fuzz_clone \"$@\"\n"
        % (shlex.quote(path), shlex.quote(sys.executable))
    )
    launcher.chmod(0o755)
    return str(launcher)


def main(argv=None):
    """Entry point: ``replay``, ``seeds``, or fuzz (anything else).

    Parameters
    ----------
    argv : list of str, optional
        Defaults to ``sys.argv``.

    Returns
    -------
    status : int
        The exit status.
    """
    argv = list(sys.argv if argv is None else argv)
    # The comparison's cases warn (odd parameters, deprecations): noise here.
    warnings.simplefilter("ignore")
    # tests/support.py holds the differential tests' comparators.
    sys.path.insert(0, str(ROOT / "tests"))
    if len(argv) > 1 and argv[1] in ("replay", "seeds"):
        parser = argparse.ArgumentParser(prog="python -m maint_tools.fuzz_clone " + argv[1])
        if argv[1] == "replay":
            parser.add_argument("paths", nargs="+", help="inputs, or folders of inputs")
            args = parser.parse_args(argv[2:])
            return replay(args.paths)
        parser.add_argument("folder")
        parser.add_argument("--count", type=int, default=24)
        parser.add_argument("--seed", type=int, default=0)
        args = parser.parse_args(argv[2:])
        for path in write_seeds(args.folder, args.count, args.seed):
            print(path)
        return 0
    fuzz(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
