# SPDX-License-Identifier: BSD-3-Clause
"""``python -m maint_tools.patches {check,regenerate}``: the upstream patch series.

A maintainer tool, run from a checkout (``make patches-check``,
``make patches-regenerate``); it is not part of the installed package, which
never imports it.

``patches/<version>/`` holds ``git format-patch`` files and a ``series`` file:
what a scikit-learn contributor applies to a pristine checkout of that
release to propose this work upstream. The code those patches add to
scikit-learn is *generated from this package* (the recipe,
:data:`maint_tools.patch_recipe.SERIES`), so the two cannot drift apart
unnoticed:

* ``regenerate`` unpacks the pristine sdist, applies each recipe step
  (functions taken from the package and rewritten for upstream, whole
  modules copied with their imports rewritten, hand-written tests and docs
  from ``patches/src/<version>/``: :mod:`maint_tools.code_rewrite`), commits
  each step and writes the series with ``git format-patch``. Author, dates
  and hashes are fixed, so unchanged code gives byte-identical files.
* ``check`` applies the committed series to a pristine checkout with
  ``git apply`` (reporting per patch), then compares every function and
  module the series takes from the package with the package's current code:
  functions by their AST with docstrings left out, modules by their text
  after the import rewrite. Editing the package without regenerating fails.

The other patch tools are commands of their own: ``python -m
maint_tools.patch_review`` (scikit-learn's own checks on what each patch
adds), ``python -m maint_tools.upstream_overlay`` (the patched release over
the installed one), ``python -m maint_tools.upstream_build`` (built with
meson) and ``python -m maint_tools.sdist_fetch`` (the pristine sdists,
through pip, cached). What they share is :mod:`maint_tools.upstream_tree`.
"""

import ast
import difflib
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from maint_tools.code_rewrite import (
    apply_step,
    generate,
    normalised,
    rewritten_module,
    split_ref,
)
from maint_tools.patch_recipe import SERIES, CopyModule, Define, Replace
from maint_tools.sdist_fetch import SDISTS, FetchError
from maint_tools.upstream_tree import (
    MAIN_TREE,
    PACKAGE_DIR,
    PATCHES_DIR,
    PatchError,
    apply_series,
    definition_source,
    find_definition,
    git,
    pristine_checkout,
    series_names,
)

__all__ = [
    "CheckReport",
    "apply_alone",
    "base_note",
    "build_parser",
    "check",
    "compare",
    "main",
    "regenerate",
    "run",
]


def regenerate(version, patches_dir=PATCHES_DIR, package_dir=PACKAGE_DIR, workdir=None):
    """Rebuild ``patches/<version>/`` from the package's code.

    Parameters
    ----------
    version : str
        The release whose series to rebuild.
    patches_dir : path-like, default=the repository's ``patches/``
        Where the series and the hand-written ``src/`` live.
    package_dir : path-like, default=the installed package
        Where to read the package's modules.
    workdir : path-like or None, default=None
        Scratch space; a temporary directory when None.

    Returns
    -------
    names : list of str
        The patch files written, in order (also written to ``series``).
    """
    series = SERIES[version]
    out = Path(patches_dir) / version
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        root = pristine_checkout(version, Path(tmp) / "src")
        for commit in series.commits:
            for step in commit.steps:
                apply_step(root, series, step, package_dir, patches_dir)
            git(root, "add", "--all", "--force")
            message = "%s\n\n%s\n" % (commit.subject, commit.description.rstrip())
            git(root, "commit", "--quiet", "--no-verify", "-m", message)
        if out.exists():
            for old in out.glob("*.patch"):
                old.unlink()
        out.mkdir(parents=True, exist_ok=True)
        git(
            root,
            "format-patch",
            # histogram: a function whose body is replaced and whose old body
            # moves to a new function shows as that, not as a renamed def
            "--histogram",
            "--quiet",
            "--zero-commit",
            "--no-signature",
            "--full-index",
            "-o",
            str(out.resolve()),
            "HEAD~%d..HEAD" % len(series.commits),
        )
        names = sorted(p.name for p in out.glob("*.patch"))
    (out / "series").write_text("".join(name + "\n" for name in names))
    (out / "BASE").write_text(base_note(version))
    return names


def base_note(version):
    """What a series applies to: the ``BASE`` file beside its ``series``.

    Parameters
    ----------
    version : str
        A release, or ``"main"``.

    Returns
    -------
    text : str
        The upstream sources the series was generated against and is checked
        on: a release sdist and its sha256, or the upstream main commit and
        how its pristine tree is built.
    """
    if version != "main":
        filename, sha256 = SDISTS[version]
        return (
            "scikit-learn %s: the release sdist %s\nsha256 %s\n"
            % (version, filename, sha256)
        )
    # The committed main/BASE names maint_tools/patches.py, which imports
    # MAIN_TREE (defined in maint_tools/upstream_tree.py): kept as it is, so
    # that a regenerate stays byte-identical.
    lines = [
        "scikit-learn main at commit %s" % MAIN_TREE["commit"],
        "built as the %s sdist with these changes of main (maint_tools/patches.py,"
        % MAIN_TREE["base"],
        "MAIN_TREE, says how they were read):",
    ]
    for path, old, new in MAIN_TREE["edits"]:
        lines.append("")
        lines.append("%s:" % path)
        lines.extend("-" + line for line in old.splitlines())
        lines.extend("+" + line for line in new.splitlines())
    return "\n".join(lines) + "\n"


@dataclass
class CheckReport:
    """What ``check`` found for one release."""

    version: str
    applied: list = field(default_factory=list)  # (patch, ok, detail)
    compared: list = field(default_factory=list)  # (what, ok, detail)
    alone: list = field(default_factory=list)  # (patch, ok, detail)

    @property
    def ok(self):
        return all(
            ok for _, ok, _ in self.applied + self.compared + self.alone
        )

    def lines(self):
        out = ["scikit-learn %s" % self.version]
        for name, ok, detail in self.applied:
            out.append(
                "  %s apply    %s%s"
                % ("ok  " if ok else "FAIL", name, (": " + detail) if detail else "")
            )
        for name, ok, detail in self.alone:
            out.append(
                "  %s alone    %s%s"
                % ("ok  " if ok else "FAIL", name, (": " + detail) if detail else "")
            )
        for what, ok, detail in self.compared:
            out.append("  %s same     %s" % ("ok  " if ok else "FAIL", what))
            if detail and not ok:
                out.extend("      " + line for line in detail.splitlines())
        return out


def apply_alone(version, root, patches_dir=PATCHES_DIR):
    """Check that each patch of a series applies by itself to a pristine tree.

    Parameters
    ----------
    version : str
        The release.
    root : path-like
        A pristine checkout; left unchanged (``git apply --check``).
    patches_dir : path-like, default=the repository's ``patches/``

    Returns
    -------
    results : list of (str, bool, str)
        Per patch: its name, whether it applies alone, git's message if not.
    """
    folder = Path(patches_dir) / version
    results = []
    for name in series_names(version, patches_dir):
        result = git(root, "apply", "--check", str((folder / name).resolve()), check=False)
        results.append((name, result.returncode == 0, result.stderr.strip()))
    return results


def compare(version, root, package_dir=PACKAGE_DIR):
    """Compare the patched upstream tree with the package's code.

    Parameters
    ----------
    version : str
        The release.
    root : path-like
        A checkout with the series applied.
    package_dir : path-like, default=the installed package

    Returns
    -------
    results : list of (str, bool, str)
        Per definition or module the series takes from the package: what,
        whether it matches, a unified diff when not.
    """
    series = SERIES[version]
    root = Path(root)
    results = []
    seen = set()
    # A later pull request may redefine what an earlier one added (the
    # parameter-path notes over the fast path): the patched tree holds the
    # last definition of each name, so that is the one compared.
    for commit in reversed(series.commits):
        for step in reversed(commit.steps):
            if isinstance(step, Replace):
                # Glue written in the recipe: what it replaced is no longer
                # in the patched tree to compare.
                seen.add(step.upstream)
            elif isinstance(step, Define):
                if step.upstream in seen:
                    continue
                seen.add(step.upstream)
                what = "%s == sklearn_slep017/%s" % (step.upstream, step.package)
                path, qualname = split_ref(step.upstream)
                text = (root / path).read_text()
                node = find_definition(ast.parse(text), qualname)
                if node is None:
                    results.append((what, False, "%s is missing upstream" % qualname))
                    continue
                upstream_code = definition_source(text, node, with_comments=False)
                try:
                    ours = generate(series, step, package_dir)
                except PatchError as exc:
                    results.append((what, False, str(exc)))
                    continue
                same = normalised(upstream_code) == normalised(ours)
                detail = (
                    ""
                    if same
                    else _diff(upstream_code, ours, step.upstream, step.package)
                )
                results.append((what, same, detail))
            elif isinstance(step, CopyModule):
                if step.upstream in seen:
                    continue
                seen.add(step.upstream)
                what = "%s == sklearn_slep017/%s" % (step.upstream, step.package)
                upstream_text = (root / step.upstream).read_text()
                try:
                    ours = rewritten_module(step, package_dir)
                except PatchError as exc:
                    results.append((what, False, str(exc)))
                    continue
                # Docstrings, comments and formatting aside, as for functions
                # (the module's helpers gain docstrings on the way upstream);
                # a C header exactly.
                if step.upstream.endswith(".py"):
                    same = normalised(upstream_text) == normalised(ours)
                else:
                    same = upstream_text == ours
                detail = (
                    ""
                    if same
                    else _diff(upstream_text, ours, step.upstream, step.package)
                )
                results.append((what, same, detail))
    return results[::-1]


def _diff(upstream, ours, upstream_name, package_name):
    return "".join(
        difflib.unified_diff(
            upstream.splitlines(keepends=True),
            ours.splitlines(keepends=True),
            "patched upstream " + upstream_name,
            "from package " + package_name,
            n=1,
        )
    )


def check(version, patches_dir=PATCHES_DIR, package_dir=PACKAGE_DIR, workdir=None):
    """Apply a release's series to pristine sources and compare with the package.

    Parameters
    ----------
    version : str
        The release.
    patches_dir : path-like, default=the repository's ``patches/``
    package_dir : path-like, default=the installed package
    workdir : path-like or None, default=None
        Scratch space; a temporary directory when None.

    Returns
    -------
    report : CheckReport
        ``report.ok`` is True when every patch applied and everything the
        series takes from the package matches it.

    Raises
    ------
    FetchError
        When the pristine sdist cannot be downloaded.
    """
    report = CheckReport(version)
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        root = pristine_checkout(version, Path(tmp) / "src")
        if SERIES[version].independent:
            report.alone = apply_alone(version, root, patches_dir)
        report.applied = apply_series(version, root, patches_dir)
        if all(ok for _, ok, _ in report.applied):
            report.compared = compare(version, root, package_dir)
    return report


# --------------------------------------------------------------------------
# Command line.


def build_parser():
    """The parser of ``python -m maint_tools.patches``.

    Returns
    -------
    parser : argparse.ArgumentParser
    """
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m maint_tools.patches",
        description="the upstream patch series: check (apply to pristine "
        "scikit-learn, compare with the package) or regenerate (rebuild from "
        "the package); the review is python -m maint_tools.patch_review, the "
        "overlay python -m maint_tools.upstream_overlay",
    )
    parser.add_argument(
        "action",
        choices=("check", "regenerate"),
        help="check: apply each series to pristine sources and compare "
        "with the package; regenerate: rebuild the series from the package",
    )
    parser.add_argument(
        "--version",
        dest="versions",
        action="append",
        choices=sorted(SERIES),
        help="a scikit-learn release (repeatable; default: every series)",
    )
    parser.add_argument(
        "--patches-dir",
        type=Path,
        default=PATCHES_DIR,
        help="the patches/ folder (default: %(default)s)",
    )
    return parser


def main(argv=None):
    """Run the command line; return the exit status.

    Parameters
    ----------
    argv : list of str or None, default=None
        The arguments; None means ``sys.argv[1:]``.

    Returns
    -------
    status : int
        See :func:`run`.
    """
    return run(build_parser().parse_args(argv))


def run(args):
    """Run ``patches check`` or ``patches regenerate``.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed by :func:`build_parser`.

    Returns
    -------
    status : int
        0 on success, 1 when a check fails, 2 when a sdist cannot be fetched
        or a recipe step cannot be applied.
    """
    status = 0
    for version in args.versions or sorted(SERIES):
        try:
            if args.action == "regenerate":
                names = regenerate(version, args.patches_dir)
                print("scikit-learn %s: wrote %s" % (version, ", ".join(names)))
            else:
                report = check(version, args.patches_dir)
                print("\n".join(report.lines()))
                if not report.ok:
                    status = max(status, 1)
        except (FetchError, PatchError) as exc:
            print("scikit-learn %s: %s" % (version, exc), file=sys.stderr)
            status = 2
    if args.action == "check":
        print("patches check: %s" % ("ok" if status == 0 else "FAILED"))
    return status


if __name__ == "__main__":
    sys.exit(main())
