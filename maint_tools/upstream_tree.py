# SPDX-License-Identifier: BSD-3-Clause
"""The pristine upstream tree and the series applied to it: what the patch tools share.

Not a tool itself: the helpers ``patches`` (check, regenerate),
``patch_review``, ``upstream_overlay``, ``upstream_build`` and ``pr_bench``
have in common, under public names so that no tool reaches into another's
private ones.

* :func:`pristine_checkout`: a git checkout of a release's pristine sources
  (the sdist of :mod:`maint_tools.sdist_fetch`, unpacked and committed once,
  in a repository cached beside the sdists), or of upstream main
  (:data:`MAIN_TREE`);
* :func:`apply_series`: ``patches/<version>/series`` applied to it with
  ``git apply``; :func:`git` runs git with the fixed identity and dates of
  the series;
* :func:`find_definition` and :func:`definition_source`: a definition of a
  module by its qualified name, and its source lines;
* :func:`build_extensions`: ``.pyx`` files compiled in place with the Cython
  directives of scikit-learn's meson build.
"""

import ast
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import textwrap
from pathlib import Path

from maint_tools.sdist_fetch import cache_dir, fetch_sdist

__all__ = [
    "CYTHON_DIRECTIVES",
    "MAIN_TREE",
    "PACKAGE_DIR",
    "PATCHES_DIR",
    "PLACEHOLDER_AUTHOR",
    "REPO_DIR",
    "PatchError",
    "apply_series",
    "build_extensions",
    "changed_files",
    "definition_source",
    "find_definition",
    "git",
    "pristine_checkout",
    "release_of",
    "series_names",
    "start_line",
]

REPO_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = REPO_DIR / "sklearn_slep017"
PATCHES_DIR = REPO_DIR / "patches"

# Upstream main, as recent as it could be read: no sdist, so its pristine tree
# is the 1.9.1 release's with what main changed since in the files the series
# touch. Read on 2026-12-01 from scikit-learn/scikit-learn: the newest commit
# seen touching those areas is the one of PR 34512's changelog fragment
# (doc/whats_new/upcoming_changes/sklearn.base/34512.fix.rst). The index read
# held no copy of sklearn/base.py or sklearn/tests/test_base.py newer than
# 1.9.1, so PR 34512's change to _clone_parametrized is written here as its
# description and changelog state it (``_metadata_request`` read through
# ``object.__getattribute__``); its test, not readable, is left out. Edits
# are (file, old, new), each ``old`` occurring once.
MAIN_TREE = {
    "base": "1.9.1",
    "commit": "1453b72e2caa7caf7ab2518601fb0fc2ca133afb",
    "edits": (
        (
            "sklearn/base.py",
            "        new_object._metadata_request = clone(estimator._metadata_request)\n",
            "        new_object._metadata_request = clone(\n"
            '            object.__getattribute__(estimator, "_metadata_request")\n'
            "        )\n",
        ),
    ),
}

# Fixed identity and dates: regenerate must be byte-for-byte reproducible.
# The identity is a placeholder the submitter replaces with theirs (`git
# commit --amend --reset-author` after `git am`): nothing in a patch names
# this project; where the patches come from is said in its docs.
PLACEHOLDER_AUTHOR = ("Your Name", "you@example.com")
_GIT_ENV = {
    "GIT_AUTHOR_NAME": PLACEHOLDER_AUTHOR[0],
    "GIT_AUTHOR_EMAIL": PLACEHOLDER_AUTHOR[1],
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00+00:00",
    "GIT_COMMITTER_NAME": PLACEHOLDER_AUTHOR[0],
    "GIT_COMMITTER_EMAIL": PLACEHOLDER_AUTHOR[1],
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+00:00",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


class PatchError(RuntimeError):
    """A recipe step could not be applied to the pristine sources."""


def release_of(version):
    """The scikit-learn release a series' pristine tree is built from.

    Parameters
    ----------
    version : str
        A release, or ``"main"``.

    Returns
    -------
    release : str
        ``version`` itself, or the release :data:`MAIN_TREE` starts from.
    """
    return MAIN_TREE["base"] if version == "main" else version


def git(cwd, *args, check=True):
    """Run git in ``cwd`` with the series' fixed identity and dates.

    Parameters
    ----------
    cwd : path-like
        The repository.
    *args : str
        The git command and its arguments.
    check : bool, default=True
        Raise :class:`PatchError` when git fails.

    Returns
    -------
    result : subprocess.CompletedProcess
        With ``stdout`` and ``stderr`` as text.
    """
    env = dict(os.environ)
    env.update(_GIT_ENV)
    result = subprocess.run(
        ["git", "-c", "core.autocrlf=false", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )
    if check and result.returncode:
        raise PatchError("git %s failed: %s" % (" ".join(args), result.stderr.strip()))
    return result


def pristine_checkout(version, dest):
    """Check out the pristine sources of a release into ``dest``, as git.

    The sdist is unpacked and committed once, as a repository cached beside
    the sdists; each call clones it (sharing its objects), which takes a
    second or two instead of the unpacking's ten.

    Parameters
    ----------
    version : str
        The scikit-learn release, or ``"main"``.
    dest : path-like
        A directory that does not exist yet.

    Returns
    -------
    path : pathlib.Path
        ``dest``, on the branch ``pristine`` whose one commit is the sdist.

    Raises
    ------
    maint_tools.sdist_fetch.FetchError
        When the sdist is not cached and cannot be downloaded.
    """
    dest = Path(dest).resolve()
    dest.parent.mkdir(parents=True, exist_ok=True)
    git(
        dest.parent,
        "clone",
        "--quiet",
        "--shared",
        str(_pristine_repo(version)),
        str(dest),
    )
    return dest


def _main_tree_key():
    # The cache key of main's pristine tree: changing MAIN_TREE rebuilds it.
    text = repr(sorted(MAIN_TREE.items()))
    return "main-" + hashlib.sha256(text.encode()).hexdigest()[:12]


def _pristine_main(repo):
    # The release MAIN_TREE starts from, with main's edits, as one commit.
    base = _pristine_repo(MAIN_TREE["base"])
    repo.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="main.", dir=repo.parent))
    try:
        shutil.rmtree(tmp)
        git(repo.parent, "clone", "--quiet", str(base), str(tmp))
        for path, old, new in MAIN_TREE["edits"]:
            target = tmp / path
            text = target.read_text()
            if text.count(old) != 1:
                raise PatchError("main tree: %r found %d times in %s" % (old, text.count(old), path))
            target.write_text(text.replace(old, new))
        git(tmp, "add", "--all", "--force")
        git(
            tmp,
            "commit",
            "--quiet",
            "--no-verify",
            "-m",
            "scikit-learn main at %s (1.9.1 and what main changed in the "
            "series' files)" % MAIN_TREE["commit"],
        )
        try:
            tmp.rename(repo)
        except OSError:
            if not (repo / ".git").is_dir():
                shutil.rmtree(repo, ignore_errors=True)
                tmp.rename(repo)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return repo


def _pristine_repo(version):
    name = _main_tree_key() if version == "main" else version
    repo = cache_dir().parent / "pristine" / name
    if (repo / ".git").is_dir() and git(
        repo, "rev-parse", "--verify", "-q", "pristine", check=False
    ).returncode == 0:
        return repo
    if version == "main":
        return _pristine_main(repo)
    sdist = fetch_sdist(version)
    repo.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=version + ".", dir=repo.parent))
    try:
        with tarfile.open(sdist) as tar:
            members = tar.getmembers()
            prefix = members[0].name.split("/", 1)[0] + "/"
            for member in members:
                if member.name.startswith(prefix):
                    member.name = member.name[len(prefix) :]
            members = [m for m in members if m.name]
            try:
                tar.extractall(tmp, members=members, filter="data")
            except TypeError:  # Python < 3.10.12 has no extraction filters
                tar.extractall(tmp, members=members)
        git(tmp, "init", "--quiet", "--initial-branch=pristine")
        git(tmp, "add", "--all", "--force")
        git(
            tmp,
            "commit",
            "--quiet",
            "--no-verify",
            "-m",
            "pristine scikit-learn %s" % version,
        )
        try:
            tmp.rename(repo)  # atomic: a concurrent run sees all of it or none
        except OSError:  # another run got there first, or a stale copy: use theirs
            if not (repo / ".git").is_dir():
                shutil.rmtree(repo, ignore_errors=True)
                tmp.rename(repo)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return repo


def series_names(version, patches_dir=PATCHES_DIR):
    """The patch files of ``patches/<version>/series``, in order.

    Parameters
    ----------
    version : str
        The release, or ``"main"``.
    patches_dir : path-like, default=the repository's ``patches/``

    Returns
    -------
    names : list of str
        Blank lines and ``#`` comments left out.
    """
    text = (Path(patches_dir) / version / "series").read_text()
    return [n.strip() for n in text.splitlines() if n.strip() and not n.startswith("#")]


def apply_series(version, root, patches_dir=PATCHES_DIR, upto=None):
    """Apply ``patches/<version>/series`` to a checkout with ``git apply``.

    Parameters
    ----------
    version : str
        The release.
    root : path-like
        A pristine checkout (see :func:`pristine_checkout`).
    patches_dir : path-like, default=the repository's ``patches/``
    upto : int or None, default=None
        Apply only the first ``upto`` patches (all when None).

    Returns
    -------
    results : list of (str, bool, str)
        Per patch: its name, whether it applied, git's message if not. The
        patches after a failed one are not tried.
    """
    folder = Path(patches_dir) / version
    results = []
    for name in series_names(version, patches_dir)[:upto]:
        patch = str((folder / name).resolve())
        result = git(root, "apply", "--check", patch, check=False)
        if result.returncode == 0:
            result = git(root, "apply", "--index", patch, check=False)
        ok = result.returncode == 0
        results.append((name, ok, result.stderr.strip()))
        if not ok:
            break
    return results


def changed_files(root):
    """The files under ``sklearn/`` a series applied with ``--index`` changed.

    Parameters
    ----------
    root : path-like
        A checkout (see :func:`pristine_checkout`) with the series applied
        by :func:`apply_series`.

    Returns
    -------
    paths : list of str
        Relative to ``root``, against the ``pristine`` commit.
    """
    return git(
        root, "diff", "--name-only", "--cached", "pristine", "--", "sklearn"
    ).stdout.split()


def find_definition(tree, qualname):
    """The statement defining ``qualname`` in a module: a def, class or assignment.

    Parameters
    ----------
    tree : ast.Module
        The parsed module.
    qualname : str
        ``name`` or ``Class.name``.

    Returns
    -------
    node : ast.stmt or None
        The last statement defining it, None when there is none.
    """
    body = tree.body
    node = None
    for part in qualname.split("."):
        node = None
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if stmt.name == part:
                    node = stmt
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                targets = (
                    stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                )
                if any(isinstance(t, ast.Name) and t.id == part for t in targets):
                    node = stmt
        if node is None:
            return None
        body = getattr(node, "body", [])
    return node


def start_line(node):
    """The first line of a definition: its first decorator's, if it has any."""
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno] + [d.lineno for d in decorators])


def definition_source(text, node, with_comments):
    """The source lines of ``node`` in ``text``, dedented.

    Parameters
    ----------
    text : str
        The module's source.
    node : ast.stmt
        A statement of it (see :func:`find_definition`).
    with_comments : bool
        Include the comment lines right above it (they explain module-level
        constants).

    Returns
    -------
    source : str
    """
    lines = text.splitlines(keepends=True)
    start = start_line(node) - 1
    if with_comments:
        while start > 0 and lines[start - 1].lstrip().startswith("#"):
            start -= 1
    return textwrap.dedent("".join(lines[start : node.end_lineno]))


# The Cython directives scikit-learn's meson build gives every extension
# (``scikit_learn_cython_args`` and the free-threading flag of Cython >= 3.1
# in sklearn/meson.build), for the quick builds that stand in for it.
CYTHON_DIRECTIVES = (
    "language_level=3",
    "boundscheck=False",
    "wraparound=False",
    "initializedcheck=False",
    "nonecheck=False",
    "cdivision=True",
    "profile=False",
    "freethreading_compatible=True",
)


def build_extensions(paths):
    """Compile ``.pyx`` files in place, with scikit-learn's Cython directives.

    Cython and the C compiler of this environment, through
    ``Cython.Build.Cythonize -i``: a stand-in for the meson build, for one
    module at a time (the headers and ``.pxd`` files beside a ``.pyx`` are
    found; the extension module is written beside it).

    Parameters
    ----------
    paths : list of path-like
        The ``.pyx`` files.

    Returns
    -------
    built : list of pathlib.Path
        The extension module built for each file, in order.
    """
    import importlib.machinery

    command = [sys.executable, "-m", "Cython.Build.Cythonize", "-i", "-3", "-q"]
    for directive in CYTHON_DIRECTIVES:
        command += ["-X", directive]
    built = []
    for path in map(Path, paths):
        # Built in a scratch copy of its package path (so that the module
        # has its dotted name), away from any pyproject.toml that setuptools
        # would read; the headers and .pxd beside it go along.
        package = []
        parent = path.parent
        while (parent / "__init__.py").exists():
            package.insert(0, parent.name)
            parent = parent.parent
        with tempfile.TemporaryDirectory() as tmp:
            where = Path(tmp).joinpath(*package)
            where.mkdir(parents=True, exist_ok=True)
            for i in range(len(package)):
                Path(tmp).joinpath(*package[: i + 1], "__init__.py").touch()
            for extra in path.parent.iterdir():
                if extra.suffix in (".h", ".pxd") or extra == path:
                    shutil.copyfile(extra, where / extra.name)
            subprocess.run(command + [str(where / path.name)], check=True, cwd=tmp)
            stem = path.name[: -len(".pyx")]
            for suffix in importlib.machinery.EXTENSION_SUFFIXES:
                if (where / (stem + suffix)).exists():
                    shutil.copyfile(where / (stem + suffix), path.parent / (stem + suffix))
                    built.append(path.parent / (stem + suffix))
                    break
            else:
                raise PatchError("%s: no extension module built" % path)
    return built
