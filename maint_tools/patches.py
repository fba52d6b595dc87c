# SPDX-License-Identifier: BSD-3-Clause
"""``python -m maint_tools.patches {check,regenerate,overlay}``: the upstream patch series.

A maintainer tool, run from a checkout (``make patches-check``,
``make patches-regenerate``, ``make upstream-build``); it is not part of the
installed package, which never imports it.

``patches/<version>/`` holds ``git format-patch`` files and a ``series`` file:
what a scikit-learn contributor applies to a pristine checkout of that
release to propose this work upstream. The code those patches add to
scikit-learn is *generated from this package* (see :data:`SERIES`), so the
two cannot drift apart unnoticed:

* ``regenerate`` unpacks the pristine sdist, applies each recipe step of
  :data:`SERIES` (functions taken from the package and rewritten for
  upstream, whole modules copied with their imports rewritten, hand-written
  tests and docs from ``patches/src/<version>/``), commits each step with a
  DEP-3 style message and writes the series with ``git format-patch``.
  Author, dates and hashes are fixed, so unchanged code gives byte-identical
  files.
* ``check`` applies the committed series to a pristine checkout with
  ``git apply`` (reporting per patch), then compares every function and
  module the series takes from the package with the package's current code:
  functions by their AST with docstrings left out, modules by their text
  after the import rewrite. Editing the package without regenerating fails.

Pristine sources are the release sdists, pinned by sha256 and cached under
``~/.cache/sklearn-slep017/sdists`` (``SKLEARN_SLEP017_CACHE`` overrides the
cache root). They come from the package indexes pip is configured with (its
``index-url`` and ``extra-index-url``, from ``pip config`` and ``PIP_*``
variables, so that mirrors, proxies and offline indexes work), read through
the simple repository API (PEP 503), with the sha256 the index reports
checked where it reports one. ``pip download --no-binary`` is not used: it
would first install the build requirements and prepare metadata (a meson
configure for 1.9, a numpy build for 1.2), minutes of work for a file we
only unpack.
"""

import ast
import difflib
import hashlib
import html.parser
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "FetchError",
    "PatchError",
    "add_arguments",
    "apply_alone",
    "apply_series",
    "build_extensions",
    "check",
    "compare",
    "fetch_sdist",
    "pip_index_urls",
    "overlay",
    "regenerate",
    "run",
]

REPO_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = REPO_DIR / "sklearn_slep017"
PATCHES_DIR = REPO_DIR / "patches"

# The pristine sources: one sdist per release (its file name on the index),
# pinned by its sha256.
SDISTS = {
    "1.2.2": (
        "scikit-learn-1.2.2.tar.gz",
        "8429aea30ec24e7a8c7ed8a3fa6213adf3814a6efbea09e16e0a0c71e1a1a3d7",
    ),
    "1.9.1": (
        "scikit_learn-1.9.1.tar.gz",
        "629cada3e33e2b9bf376cdc7614a47a4140b8aedc1d836579e359736fbd82977",
    ),
}
SDIST_PROJECT = "scikit-learn"

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


class FetchError(RuntimeError):
    """The pristine sdist could not be downloaded (no configured index reachable)."""


class PatchError(RuntimeError):
    """A recipe step could not be applied to the pristine sources."""


# --------------------------------------------------------------------------
# The recipe: what each series takes from the package, and where it goes.


@dataclass(frozen=True)
class Define:
    """A function, method or module-level assignment taken from the package.

    ``package`` is ``"<module file>:<name>"`` in ``sklearn_slep017/``;
    ``upstream`` is ``"<file>:<qualname>"`` in the scikit-learn tree. When the
    upstream object exists its definition is replaced (keeping upstream's
    docstring when ``keep_docstring``); otherwise the generated text is
    inserted before the line ``before`` (a line prefix, matched once).
    """

    package: str
    upstream: str
    before: str = None
    keep_docstring: bool = False
    # For upstream's review: a docstring for a helper that has only a
    # comment in the package (it replaces the comment lines that open the
    # body), and text substitutions (each must match) for comments written
    # from this project's side or for code a pull request leaves alone.
    docstring: str = None
    subs: tuple = ()
    # Leave out the parameter-path notes (see :func:`_without_notes`): the
    # pull request that adds them is a separate one.
    without_notes: bool = False
    # Renames of calls (and of the ``def``), ``(old, new)``: ``old(`` becomes
    # ``new(``, after ``subs`` (so that their new text is renamed too).
    call_renames: tuple = ()


@dataclass(frozen=True)
class CopyModule:
    """A whole package module copied into scikit-learn, with text rewrites."""

    package: str
    upstream: str
    rewrites: tuple = ()
    # Docstrings for the module's helpers that have only comments in the
    # package: ``{function name: docstring}`` (see :class:`Define`).
    docstrings: tuple = ()


@dataclass(frozen=True)
class Edit:
    """Glue: replace ``old`` (occurring exactly once) by ``new`` in a file."""

    upstream: str
    old: str
    new: str


@dataclass(frozen=True)
class Replace:
    """Glue: a definition upstream (``"<file>:<qualname>"``) replaced by ``text``.

    With ``keep_docstring``, ``text`` is the new body only: the ``def`` line
    and the docstring of the upstream definition stay as they are.
    """

    upstream: str
    text: str
    keep_docstring: bool = False


@dataclass(frozen=True)
class FromSource:
    """Hand-written text from ``patches/src/<version>/``: a new file, or appended."""

    source: str
    upstream: str
    append: bool = False


@dataclass(frozen=True)
class WriteText:
    """A generated file with fixed content (not compared with the package)."""

    upstream: str
    text: str


@dataclass(frozen=True)
class Commit:
    """One patch: one pull request's commit (its title, body and recipe)."""

    subject: str
    description: str
    steps: tuple


@dataclass
class Series:
    """One release's series: renames and facts for the rewrite, then commits."""

    version: str
    renames: dict
    compat: dict
    drop_calls: frozenset = frozenset()
    commits: list = field(default_factory=list)
    # patches/src/<src>/ holds the hand-written parts (default: version).
    src: str = None
    # Pull requests that do not depend on one another: ``check`` applies each
    # patch alone to the pristine tree too, so that any can be opened first.
    independent: bool = False


# A patch's message is the commit message of its pull request: the title,
# then the description, as upstream's contributors write them. No DEP-3
# ``Origin:``/``Forwarded:`` lines: where a patch comes from and where it was
# sent are recorded in patches/README.md and docs/upstream.md instead.

_BASE = "sklearn/base.py"
_CLONE_PY = "_clone_py.py"
_KERNEL = "_clone_kernel.py"

# Text rewrites shared by every module copied into ``sklearn/utils``.
# A comment of _clone_kernel.py's ATOMIC_TYPES, reworded for upstream.
_ATOMIC_COMMENT_SUB = (
    "``get_params``, so that upstream's\n# clone(x, safe=False) is ``x`` itself.",
    "``get_params``: clone(x, safe=False)\n# returns ``x`` itself.",
)

_DIAGNOSTICS_REWRITES = (
    # The package's license header; the patched file's is scikit-learn's
    # business (the same license).
    ("# SPDX-License-Identifier: BSD-3-Clause\n", ""),
    ("sklearn_slep017: cloning failed", "cloning failed"),
    ("the exception keeps upstream's type", "the exception keeps its type"),
    ("_sklearn_slep017_", "_sklearn_clone_"),
    (
        "from sklearn_slep017._diagnostics import",
        "from sklearn.utils._clone_diagnostics import",
    ),
    ("from sklearn_slep017 import clone", "from sklearn.base import clone"),
    # The package's _compat is not in scikit-learn: the compositions whose
    # get_params addresses steps by name, named directly.
    ("import inspect\n\nfrom . import _compat\n", "import inspect\n"),
    (
        "    _, overrides = _compat.known_get_params()\n"
        "    return any(\n"
        "        get_params is override and _compat.runs_original_code(override)\n"
        "        for override, _ in overrides\n"
        "    )\n",
        "    from ..compose import ColumnTransformer\n"
        "    from ..ensemble._base import _BaseHeterogeneousEnsemble\n"
        "    from ..pipeline import FeatureUnion, Pipeline\n"
        "\n"
        "    compositions = (Pipeline, FeatureUnion, ColumnTransformer)\n"
        "    compositions += (_BaseHeterogeneousEnsemble,)\n"
        "    return any(get_params is vars(cls)[\"get_params\"] for cls in compositions)\n",
    ),
)

_SERIES_1_2_2 = Series(
    version="1.2.2",
    renames={
        "clone_parametrized": "_clone_parametrized",
        "sklearn_clone": "__sklearn_clone__",
        # the kernel's names, private in base.py
        "ATOMIC_TYPES": "_ATOMIC_TYPES",
        "CONTAINER_TYPES": "_CONTAINER_TYPES",
        "not_an_estimator_error": "_not_an_estimator_error",
        "modified_parameter_error": "_modified_parameter_error",
        # only ever in comments: the module the notes come from
        "_diagnostics": "_clone_diagnostics",
    },
    # What sklearn_slep017._compat says on 1.2.2: no metadata routing, no
    # callbacks, set_output present.
    compat={
        "METADATA_REQUEST_COPY": None,
        "HAS_CALLBACKS": False,
        "HAS_OUTPUT_CONFIG": True,
        "CLONES_DICT_VALUES": False,
        "USES_DEPRECATED_ORIGINAL": True,
    },
    drop_calls=frozenset({"carry_metadata_request"}),
    commits=[
        Commit(
            "MNT Say which parameter a failed clone was at",
            "A clone that fails below the top of an estimator tree keeps its\n"
            "exception and message and gains a PEP 678 note naming the parameter\n"
            "path in set_params spelling (features__net__model), with a hint for\n"
            "the common causes.",
            (
                CopyModule(
                    "_diagnostics.py",
                    "sklearn/utils/_clone_diagnostics.py",
                    _DIAGNOSTICS_REWRITES,
                ),
            ),
        ),
        Commit(
            "ENH SLEP017: clone delegates to __sklearn_clone__",
            "SLEP017 (Clone Override Protocol). The default behaviour of clone is\n"
            "factored out as _clone_parametrized; clone calls\n"
            "estimator.__sklearn_clone__() when the object has one (and is not a\n"
            "class); BaseEstimator.__sklearn_clone__ calls _clone_parametrized so\n"
            "that subclasses extend it with super().__sklearn_clone__(). As merged\n"
            "for 1.3.0 (scikit-learn PR 24568), with later behaviour: dict values\n"
            "cloned (1.3.1), atoms returned without deepcopy, the default\n"
            "__sklearn_clone__ not re-entered, and the parameter-path notes of the\n"
            "previous patch.",
            (
                Edit(
                    _BASE,
                    "import inspect\n",
                    "import inspect\nimport types\nimport weakref\n",
                ),
                Edit(
                    _BASE,
                    "from .utils._param_validation import validate_parameter_constraints\n",
                    "from .utils._param_validation import validate_parameter_constraints\n"
                    "from .utils._clone_diagnostics import (\n"
                    "    annotate_entry,\n"
                    "    annotate_parameter,\n"
                    "    mark_constructor,\n"
                    "    mark_uncopyable,\n"
                    ")\n",
                ),
                Define(
                    f"{_KERNEL}:ATOMIC_TYPES",
                    f"{_BASE}:_ATOMIC_TYPES",
                    before="def clone(",
                    subs=(_ATOMIC_COMMENT_SUB,),
                ),
                Define(
                    f"{_KERNEL}:CONTAINER_TYPES",
                    f"{_BASE}:_CONTAINER_TYPES",
                    before="def clone(",
                ),
                Define(
                    f"{_CLONE_PY}:_is_default_sklearn_clone",
                    f"{_BASE}:_is_default_sklearn_clone",
                    before="def clone(",
                    subs=(
                        (
                            "    # A bound ``BaseEstimator.__sklearn_clone__``, upstream's or ours,\n",
                            "    # A bound ``BaseEstimator.__sklearn_clone__``,\n",
                        ),
                        # The package also refuses a default whose __code__ was
                        # replaced (its per-class facts rest on that); the
                        # backport defines the only default itself.
                        (
                            "            return method.__self__ is estimator and _compat.runs_original_code(func)\n",
                            "            return method.__self__ is estimator\n",
                        ),
                    ),
                ),
                Define(
                    f"{_CLONE_PY}:_is_atomic_type",
                    f"{_BASE}:_is_atomic_type",
                    before="def clone(",
                ),
                Define(
                    f"{_CLONE_PY}:_is_container_type",
                    f"{_BASE}:_is_container_type",
                    before="def clone(",
                ),
                Define(f"{_CLONE_PY}:clone", f"{_BASE}:clone"),
                Define(
                    f"{_CLONE_PY}:clone_parametrized",
                    f"{_BASE}:_clone_parametrized",
                    before="class BaseEstimator",
                    subs=(
                        (
                            "        # upstream's ``estimator_type in (list, tuple, set, frozenset)``\n"
                            "        # compares",
                            "        # ``estimator_type in (list, tuple, set, frozenset)``\n"
                            "        # compares",
                        ),
                    ),
                ),
                Define(
                    f"{_KERNEL}:not_an_estimator_error",
                    f"{_BASE}:_not_an_estimator_error",
                    before="class BaseEstimator",
                    subs=(
                        (
                            "    # Upstream's messages, shared by both implementations.\n",
                            "    # The messages clone has always used.\n",
                        ),
                    ),
                ),
                Define(
                    f"{_KERNEL}:modified_parameter_error",
                    f"{_BASE}:_modified_parameter_error",
                    before="class BaseEstimator",
                ),
                Define(
                    f"{_CLONE_PY}:sklearn_clone",
                    f"{_BASE}:BaseEstimator.__sklearn_clone__",
                    before="    def __repr__(self, N_CHAR_MAX=700):",
                ),
                Edit(
                    _BASE,
                    "\n\nclass ClassifierMixin:",
                    "\n\n# The default __sklearn_clone__: clone calls _clone_parametrized directly.\n"
                    "_DEFAULT_SKLEARN_CLONE_FUNCS = {BaseEstimator.__sklearn_clone__}\n"
                    "\n\nclass ClassifierMixin:",
                ),
                FromSource(
                    "test_base_additions.py", "sklearn/tests/test_base.py", append=True
                ),
                Edit(
                    "doc/whats_new/v1.2.rst",
                    ".. currentmodule:: sklearn\n\n.. _changes_1_2_2:\n",
                    ".. currentmodule:: sklearn\n\n"
                    ".. _changes_slep017:\n\n"
                    "SLEP017: clone override protocol\n"
                    "================================\n\n"
                    ":mod:`sklearn.base`\n"
                    "...................\n\n"
                    "- |Feature| :func:`base.clone` delegates to an estimator's\n"
                    "  `__sklearn_clone__` method when it has one; the default,\n"
                    "  `BaseEstimator.__sklearn_clone__`, clones from the parameters as\n"
                    "  before and can be extended with `super().__sklearn_clone__()`\n"
                    "  (SLEP017). A failed clone notes the path of the parameter it failed\n"
                    "  at. :pr:`24568` by `Thomas Fan`_.\n\n"
                    ".. _changes_1_2_2:\n",
                ),
                Edit(
                    "doc/developers/develop.rst",
                    "if ``safe=False`` is passed to ``clone``.\n",
                    "if ``safe=False`` is passed to ``clone``.\n\n"
                    "Estimators can customize the behavior of :func:`base.clone` by\n"
                    "defining a `__sklearn_clone__` method. `__sklearn_clone__` must\n"
                    "return an instance of the estimator. `__sklearn_clone__` is useful\n"
                    "when an estimator needs to hold on to some state when\n"
                    ":func:`base.clone` is called on the estimator. For example, a\n"
                    "frozen meta-estimator for transformers can be defined as follows::\n\n"
                    "    class FrozenTransformer(BaseEstimator):\n"
                    "        def __init__(self, fitted_transformer):\n"
                    "            self.fitted_transformer = fitted_transformer\n\n"
                    "        def __getattr__(self, name):\n"
                    "            # `fitted_transformer`'s attributes are now accessible\n"
                    "            return getattr(self.fitted_transformer, name)\n\n"
                    "        def __sklearn_clone__(self):\n"
                    "            return self\n\n"
                    "        def fit(self, X, y):\n"
                    "            # Fitting does not change the state of the estimator\n"
                    "            return self\n\n"
                    "        def fit_transform(self, X, y=None):\n"
                    "            # fit_transform only transforms the data\n"
                    "            return self.fitted_transformer.transform(X, y)\n\n"
                    "The default, `BaseEstimator.__sklearn_clone__`, clones from the\n"
                    "parameters; extend it with `super().__sklearn_clone__()` to carry\n"
                    "state that is not a constructor parameter.\n",
                ),
            ),
        ),
    ],
)

# -- The pull requests against 1.9.1 and upstream main -----------------------
#
# Two pull requests, each small, each written here for upstream (not taken
# from the package, whose clone is larger and exact where upstream need not
# be), each applying to the pristine tree on its own (`check` verifies it):
#
# 1. PERF constructor parameter names cached per ``__init__`` (a weak-keyed
#    dict, the size of upstream's own precedents: PR 33067's one-line
#    ``lru_cache`` of ``inspect.signature``, skbase PR 576);
# 2. ENH a failed nested clone notes the parameter path (``exc.add_note``).
#
# Withdrawn (docs/upstream_prs.md says why): the faster default path as a
# pull request of its own (its shortcuts save about 1% of a small search's
# time once names are cached: not folded into 1 either) and the compiled
# helper (a discussion instead: patches/prs/discussion-compiled-clone.md).
# Not offered: clone_parametrized made public (an API decision for the
# maintainers). The MagicMock fix of 1.9.1 (issue 34477) is not carried:
# upstream merged PR 34512.

_PARAM_NAMES_CACHE_TEXT = (
    "# Constructor parameter names per ``__init__`` function: inspect.signature is\n"
    "# slow, and every get_params, set_params and clone asks for them. Weak keys:\n"
    "# a replaced ``__init__`` is a new key, and a class made on the fly is freed.\n"
    "_PARAM_NAMES_CACHE = weakref.WeakKeyDictionary()\n"
    "\n\n"
)

_NOTE_CLONE_PATH_TEXT = '''\
_CLONE_PATH_NOTE = "Raised while cloning the parameter at %r"


def _note_clone_path(exc, step):
    """Note on `exc` the path of the parameter a nested clone failed at.

    Each enclosing clone prepends its step while the exception propagates, so
    that one note names the whole path, parameters joined as in `set_params`
    and entries of lists, tuples and dicts in brackets
    (``steps[1][1]__estimator``). A `RecursionError` gets no note, and the
    exception raised is never replaced.

    Parameters
    ----------
    exc : Exception
        The exception raised while cloning a parameter or an entry.

    step : str
        The name of the parameter, or ``[index]`` or ``[key]`` of the entry.
    """
    if isinstance(exc, RecursionError):
        return
    try:
        path = getattr(exc, "_sklearn_clone_path", None)
        new_path = step
        if path is not None:
            new_path += path if path.startswith("[") else "__" + path
        notes = getattr(exc, "__notes__", None)
        if path is not None and notes and notes[-1] == _CLONE_PATH_NOTE % path:
            notes[-1] = _CLONE_PATH_NOTE % new_path
        else:
            exc.add_note(_CLONE_PATH_NOTE % new_path)
        exc._sklearn_clone_path = new_path
    except Exception:
        # e.g. ``__notes__`` set to something else than a list
        pass
'''


def _pr_commits():
    """The pull requests against 1.9.1 and main (the same edits apply to both)."""
    return [
        Commit(
            "PERF Cache constructor parameter names per __init__",
            "BaseEstimator._get_param_names called inspect.signature on every call,\n"
            "and every get_params, set_params and clone calls it. The sorted names\n"
            "are now kept in a WeakKeyDictionary keyed on the __init__ function:\n"
            "introspected once per __init__, again when a class's __init__ is\n"
            "replaced; callers get a new list; a class made on the fly is not kept\n"
            "alive. The *args error is raised every time, never cached.",
            (
                Edit(_BASE, "import warnings\n", "import warnings\nimport weakref\n"),
                Edit(_BASE, "\n\ndef clone(", "\n\n" + _PARAM_NAMES_CACHE_TEXT.rstrip("\n")
                     + "\n\n\ndef clone("),
                Edit(
                    _BASE,
                    "            # No explicit constructor to introspect\n"
                    "            return []\n",
                    "            # No explicit constructor to introspect\n"
                    "            return []\n"
                    "        try:\n"
                    "            return list(_PARAM_NAMES_CACHE[init])\n"
                    "        except (KeyError, TypeError):\n"
                    "            # not seen yet, or an __init__ that cannot be weakly referenced\n"
                    "            pass\n",
                ),
                Edit(
                    _BASE,
                    "        # Extract and sort argument names excluding 'self'\n"
                    "        return sorted([p.name for p in parameters])\n",
                    "        # Extract and sort argument names excluding 'self'\n"
                    "        names = sorted([p.name for p in parameters])\n"
                    "        try:\n"
                    "            _PARAM_NAMES_CACHE[init] = tuple(names)\n"
                    "        except TypeError:\n"
                    "            pass\n"
                    "        return names\n",
                ),
                FromSource("test_base_param_names.py", "sklearn/tests/test_base.py", append=True),
                FromSource(
                    "changelog_param_names.rst",
                    "doc/whats_new/upcoming_changes/sklearn.base/"
                    "PR-PARAM-NAMES.efficiency.rst",
                ),
                FromSource("asv_base.py", "asv_benchmarks/benchmarks/base.py"),
            ),
        ),
        Commit(
            "ENH Note the parameter path when a clone fails",
            "When clone fails below the top of an estimator tree, the exception is\n"
            "re-raised unchanged (same object, type and message) with one PEP 678\n"
            "note naming the path of the parameter it failed at, e.g.\n"
            "\"Raised while cloning the parameter at 'steps[1][1]__model'\".\n"
            "Nothing runs unless a clone fails. A RecursionError gets no note.",
            (
                Edit(_BASE, "\n\ndef _clone_parametrized(", "\n\n" + _NOTE_CLONE_PATH_TEXT.rstrip("\n")
                     + "\n\n\ndef _clone_parametrized("),
                Edit(
                    _BASE,
                    "    if estimator_type is dict:\n"
                    "        return {k: clone(v, safe=safe) for k, v in estimator.items()}\n"
                    "    elif estimator_type in (list, tuple, set, frozenset):\n"
                    "        return estimator_type([clone(e, safe=safe) for e in estimator])\n",
                    "    if estimator_type is dict:\n"
                    "        cloned = {}\n"
                    "        for key, value in estimator.items():\n"
                    "            try:\n"
                    "                cloned[key] = clone(value, safe=safe)\n"
                    "            except Exception as exc:\n"
                    '                _note_clone_path(exc, f"[{key!r}]")\n'
                    "                raise\n"
                    "        return cloned\n"
                    "    elif estimator_type in (list, tuple, set, frozenset):\n"
                    "        cloned = []\n"
                    "        for index, item in enumerate(estimator):\n"
                    "            try:\n"
                    "                cloned.append(clone(item, safe=safe))\n"
                    "            except Exception as exc:\n"
                    '                _note_clone_path(exc, f"[{index}]")\n'
                    "                raise\n"
                    "        return estimator_type(cloned)\n",
                ),
                Edit(
                    _BASE,
                    "    for name, param in new_object_params.items():\n"
                    "        new_object_params[name] = clone(param, safe=False)\n",
                    "    for name, param in new_object_params.items():\n"
                    "        try:\n"
                    "            new_object_params[name] = clone(param, safe=False)\n"
                    "        except Exception as exc:\n"
                    "            _note_clone_path(exc, name)\n"
                    "            raise\n",
                ),
                FromSource("test_clone_notes.py", "sklearn/tests/test_clone_notes.py"),
                FromSource(
                    "changelog_clone_notes.rst",
                    "doc/whats_new/upcoming_changes/sklearn.base/"
                    "PR-CLONE-NOTES.enhancement.rst",
                ),
            ),
        ),
    ]


_SERIES_1_9_1 = Series(
    version="1.9.1", renames={}, compat={}, commits=_pr_commits(), independent=True
)

# Upstream main: see MAIN_TREE for what the pristine tree is built from.
_SERIES_MAIN = Series(
    version="main",
    renames={},
    compat={},
    commits=_pr_commits(),
    src="1.9.1",
    independent=True,
)

SERIES = {s.version: s for s in (_SERIES_1_2_2, _SERIES_1_9_1, _SERIES_MAIN)}


def _clone_compat_text(series):
    # sklearn/utils/_clone_compat.py: what sklearn_slep017._compat works out
    # at import time, written down for the one release the patch targets.
    c = series.compat
    return (
        '"""Facts about scikit-learn that the compiled clone reads.\n\n'
        "Generated for scikit-learn %s from sklearn_slep017's _compat module, which\n"
        "works these out for every release it supports.\n"
        '"""\n\n'
        "from ..base import BaseEstimator\n"
        "from ..base import _DEFAULT_SKLEARN_CLONE_FUNCS as DEFAULT_SKLEARN_CLONE_FUNCS\n\n"
        'UPSTREAM_GET_PARAMS = BaseEstimator.__dict__["get_params"]\n'
        'DEFAULT_GET_PARAM_NAMES_FUNCS = {BaseEstimator.__dict__["_get_param_names"].__func__}\n'
        % series.version
    ) + (
        "".join(
            "%s = %s\n" % (name, _literal(value)) for name, value in sorted(c.items())
        )
    )


def _literal(value):
    return '"%s"' % value if isinstance(value, str) else repr(value)


# --------------------------------------------------------------------------
# Pristine sources.


def cache_dir():
    """The directory where pristine sdists are cached.

    Returns
    -------
    path : pathlib.Path
        ``$SKLEARN_SLEP017_CACHE/sdists`` when the variable is set, else
        ``$XDG_CACHE_HOME/sklearn-slep017/sdists`` (``~/.cache`` by default).
    """
    root = os.environ.get("SKLEARN_SLEP017_CACHE")
    if not root:
        xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(
            os.path.expanduser("~"), ".cache"
        )
        root = os.path.join(xdg, "sklearn-slep017")
    return Path(root) / "sdists"


def pip_index_urls():
    """The package indexes pip is configured with, in pip's order.

    ``index-url`` (pip's own default when none is configured) then each
    ``extra-index-url``, as ``python -m pip config list`` reports them: the
    configuration files and the ``PIP_INDEX_URL`` / ``PIP_EXTRA_INDEX_URL``
    variables, with pip's precedence (a variable over a file, ``install`` and
    ``download`` sections over ``global``).

    Returns
    -------
    urls : list of str

    Raises
    ------
    FetchError
        When pip cannot report its configuration.
    """
    result = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"],
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise FetchError("cannot read pip's configuration: %s" % result.stderr.strip())
    values = {}
    # Later sources win: files by section, then the environment.
    rank = {"global": 0, "download": 1, "install": 1, ":env:": 2}
    for line in result.stdout.splitlines():
        key, sep, value = line.partition("=")
        section, _, name = key.rpartition(".")
        if not sep or name not in ("index-url", "extra-index-url"):
            continue
        order = rank.get(section, 0)
        if name not in values or order >= values[name][0]:
            values[name] = (order, value.strip().strip("'\""))
    index = values.get("index-url", (0, ""))[1] or _pip_default_index()
    extra = values.get("extra-index-url", (0, ""))[1].split()
    return [index] + [url for url in extra if url != index]


def _pip_default_index():
    # pip's own default index, as pip itself names it.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from pip._internal.models.index import PyPI; print(PyPI.simple_url)",
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode or not result.stdout.strip():
        raise FetchError(
            "no index-url in pip's configuration and pip's default index could "
            "not be read: set PIP_INDEX_URL"
        )
    return result.stdout.strip()


class _Links(html.parser.HTMLParser):
    # The anchors of a PEP 503 project page: (file name, href).
    def __init__(self):
        super().__init__()
        self.links = []
        self._href = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._text = []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append(("".join(self._text).strip(), self._href))
            self._href = None


def _read(url):
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read()


def _find_on_index(index, filename):
    """The URL of ``filename`` on one index and the sha256 the index reports.

    Returns ``(url, sha256 or None)``, or None when the index does not list it.
    """
    page = index.rstrip("/") + "/" + SDIST_PROJECT + "/"
    parts = urllib.parse.urlsplit(page)
    if parts.scheme == "file":
        # A local index (an offline mirror): a folder per project, with its
        # index.html, as pip reads it.
        folder = Path(urllib.request.url2pathname(parts.path))
        if not (folder / "index.html").is_file():
            return None
        text = (folder / "index.html").read_text("utf-8", "replace")
    else:
        try:
            text = _read(page).decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise
    parser = _Links()
    parser.feed(text)
    for name, href in parser.links:
        url, _, fragment = urllib.parse.urljoin(page, href).partition("#")
        if name == filename or url.rsplit("/", 1)[-1] == filename:
            reported = None
            if fragment.startswith("sha256="):
                reported = fragment[len("sha256=") :].lower()
            return url, reported
    return None


def fetch_sdist(version):
    """Return the path of the pristine sdist of a scikit-learn release.

    Downloaded once from the indexes pip is configured with (see
    :func:`pip_index_urls`), checked against its pinned sha256 (and the one
    the index reports), then cached.

    Parameters
    ----------
    version : str
        A release with a series, e.g. ``"1.9.1"``.

    Returns
    -------
    path : pathlib.Path
        The cached ``.tar.gz``.

    Raises
    ------
    FetchError
        When it cannot be downloaded (no configured index reachable, or none
        lists it) or its hash is wrong.
    """
    filename, sha256 = SDISTS[version]
    target = cache_dir() / filename
    if target.exists() and _sha256(target.read_bytes()) == sha256:
        return target
    problems = []
    data = None
    for index in pip_index_urls():
        try:
            found = _find_on_index(index, filename)
            if found is None:
                problems.append("%s: not listed" % index)
                continue
            url, reported = found
            if reported is not None and reported != sha256:
                raise FetchError(
                    "%s on %s: the index reports sha256 %s, expected %s"
                    % (filename, index, reported, sha256)
                )
            data = _read(url)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            problems.append("%s: %s" % (index, exc))
            continue
        if _sha256(data) != sha256:
            raise FetchError(
                "%s from %s: sha256 mismatch (expected %s)" % (filename, index, sha256)
            )
        break
    else:
        raise FetchError(
            "cannot download %s from the package indexes pip is configured with "
            "(pip config list; PIP_INDEX_URL): %s" % (filename, "; ".join(problems))
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part%d" % os.getpid())
    partial.write_bytes(data)
    partial.replace(target)  # atomic: a concurrent run never sees half a file
    return target


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def _git(cwd, *args, check=True):
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
        The scikit-learn release.
    dest : path-like
        A directory that does not exist yet.

    Returns
    -------
    path : pathlib.Path
        ``dest``, on the branch ``pristine`` whose one commit is the sdist.
    """
    dest = Path(dest).resolve()
    dest.parent.mkdir(parents=True, exist_ok=True)
    _git(
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
    return "main-" + _sha256(text.encode())[:12]


def _pristine_main(repo):
    # The release MAIN_TREE starts from, with main's edits, as one commit.
    base = _pristine_repo(MAIN_TREE["base"])
    repo.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="main.", dir=repo.parent))
    try:
        shutil.rmtree(tmp)
        _git(repo.parent, "clone", "--quiet", str(base), str(tmp))
        for path, old, new in MAIN_TREE["edits"]:
            target = tmp / path
            text = target.read_text()
            if text.count(old) != 1:
                raise PatchError("main tree: %r found %d times in %s" % (old, text.count(old), path))
            target.write_text(text.replace(old, new))
        _git(tmp, "add", "--all", "--force")
        _git(
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
    if (repo / ".git").is_dir() and _git(
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
        _git(tmp, "init", "--quiet", "--initial-branch=pristine")
        _git(tmp, "add", "--all", "--force")
        _git(
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


# --------------------------------------------------------------------------
# Taking code from the package and rewriting it for upstream.


def _split_ref(ref):
    path, _, name = ref.partition(":")
    return path, name


def _find(tree, qualname):
    # The statement defining ``qualname`` (a def, class or assignment).
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


def _start_line(node):
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno] + [d.lineno for d in decorators])


def _segment(text, node, with_comments):
    # The source lines of ``node``, dedented; with the comment lines right
    # above it when ``with_comments`` (they explain module-level constants).
    lines = text.splitlines(keepends=True)
    start = _start_line(node) - 1
    if with_comments:
        while start > 0 and lines[start - 1].lstrip().startswith("#"):
            start -= 1
    return textwrap.dedent("".join(lines[start : node.end_lineno]))


def _rename(text, renames):
    # Identifiers (not attributes) and their mentions in docstrings.
    for old, new in renames.items():
        text = re.sub(r"(?<![\w.])%s(?!\w)" % re.escape(old), new, text)
    text = re.sub(r"sklearn_slep017(\._clone_py)?(?![\w])", "sklearn.base", text)
    return text


_UNKNOWN = object()


def _value(node, compat):
    # The value of an expression built from ``_compat.X`` and constants, or
    # _UNKNOWN when it depends on anything else.
    if isinstance(node, ast.Constant):
        return node.value
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "_compat"
        and node.attr in compat
    ):
        return compat[node.attr]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        value = _value(node.operand, compat)
        return _UNKNOWN if value is _UNKNOWN else not value
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        left, right = _value(node.left, compat), _value(node.comparators[0], compat)
        if left is _UNKNOWN or right is _UNKNOWN:
            return _UNKNOWN
        op = node.ops[0]
        if isinstance(op, ast.Is):
            return left is right
        if isinstance(op, ast.IsNot):
            return left is not right
        if isinstance(op, ast.Eq):
            return left == right
        if isinstance(op, ast.NotEq):
            return left != right
    if isinstance(node, ast.BoolOp):
        values = [_value(v, compat) for v in node.values]
        deciding = isinstance(node.op, ast.Or)  # the value that decides
        if any(v is not _UNKNOWN and bool(v) is deciding for v in values):
            return deciding
        if all(v is not _UNKNOWN for v in values):
            return not deciding
    return _UNKNOWN


class _Text:
    # Source text addressed by the (line, column) positions of its AST.

    def __init__(self, text):
        self.text = text
        self.starts = [0]
        for line in text.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line))

    def offset(self, line, col):
        return self.starts[line - 1] + col

    def span(self, node):
        # The node's span, widened to the parentheses written around it.
        start = self.offset(node.lineno, node.col_offset)
        end = self.offset(node.end_lineno, node.end_col_offset)
        while True:
            before = self.text[:start].rstrip()
            after = self.text[end:].lstrip()
            if not (before.endswith("(") and after.startswith(")")):
                return start, end
            start = len(before) - 1
            end = len(self.text) - len(after) + 1

    def replace(self, start, end, new):
        return self.text[:start] + new + self.text[end:]


def _fold_once(text, compat, drop_calls):
    # One simplification of ``text`` for a release's facts, or None when
    # there is nothing left to simplify. Done on the text (not ast.unparse)
    # so that comments and formatting survive.
    tree = ast.parse(text)
    src = _Text(text)
    lines = text.splitlines(keepends=True)
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and not lines[node.lineno - 1].lstrip().startswith(
            "elif"
        ):
            value = _value(node.test, compat)
            if value is not _UNKNOWN:
                branch = node.body if value else node.orelse
                kept = ""
                if branch:
                    first = node.test.end_lineno if value else branch[0].lineno - 1
                    block = "".join(lines[first : branch[-1].end_lineno])
                    block = re.sub(r"^(\s*)elif\b", r"\1if", block)
                    kept = textwrap.indent(
                        textwrap.dedent(block), " " * node.col_offset
                    )
                return (
                    "".join(lines[: node.lineno - 1])
                    + kept
                    + "".join(lines[node.end_lineno :])
                )
        if isinstance(node, ast.BoolOp):
            value = _value(node, compat)
            if value is not _UNKNOWN:
                start, end = src.span(node)
                return src.replace(start, end, repr(bool(value)))
            for i, operand in enumerate(node.values):
                if _value(operand, compat) is _UNKNOWN:
                    continue
                # A known operand that does not decide: drop it and its "and"/"or".
                if len(node.values) == 2:
                    # One operand left: it replaces the whole expression,
                    # parentheses included, unless it needs them itself.
                    other = node.values[1 - i]
                    if isinstance(
                        other, (ast.BoolOp, ast.IfExp, ast.Lambda, ast.NamedExpr)
                    ):
                        start, end = src.span(other)
                    else:
                        start, end = other.col_offset, other.end_col_offset
                        start = src.offset(other.lineno, start)
                        end = src.offset(other.end_lineno, end)
                    whole = src.span(node)
                    return src.replace(whole[0], whole[1], src.text[start:end])
                if i + 1 < len(node.values):
                    start = src.span(operand)[0]
                    end = src.span(node.values[i + 1])[0]
                else:
                    start = src.span(node.values[i - 1])[1]
                    end = src.span(operand)[1]
                return src.replace(start, end, "")
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id in drop_calls
        ):
            return "".join(lines[: node.lineno - 1]) + "".join(lines[node.end_lineno :])
    return None


def generate(series, define, package_dir=PACKAGE_DIR):
    """The upstream source text of a :class:`Define`, from the package.

    Parameters
    ----------
    series : Series
        Gives the renames and the release's facts to fold ``_compat`` with.
    define : Define
        The recipe step.
    package_dir : path-like, default=the installed package
        Where to read the package's modules (tests point it at a copy).

    Returns
    -------
    text : str
        The definition at column 0, ending with a newline.
    """
    module, name = _split_ref(define.package)
    source = (Path(package_dir) / module).read_text()
    node = _find(ast.parse(source), name)
    if node is None:
        raise PatchError("%s: no %s in the package" % (module, name))
    text = _segment(
        source, node, with_comments=isinstance(node, (ast.Assign, ast.AnnAssign))
    )
    text = _rename(text, series.renames)
    while True:
        folded = _fold_once(text, series.compat, series.drop_calls)
        if folded is None:
            break
        text = re.sub(r"\n([ \t]*\n){2,}", "\n\n", folded)
    if define.without_notes:
        text = _without_notes(text)
    text = _substitute(text, define.subs, define.package)
    for old, new in define.call_renames:
        text = re.sub(r"(?<![\w.])%s(?=\()" % re.escape(old), new, text)
    if define.docstring is not None:
        text = _with_docstring(text, define.docstring)
    left = sorted(set(re.findall(r"\b_compat\.(\w+)", text)))
    if left:
        raise PatchError(
            "%s: the facts %s are not known for scikit-learn %s; add them to "
            "the compat of its series in %s"
            % (define.package, ", ".join(left), series.version, __name__)
        )
    return text


def _strip_docstrings(tree):
    for node in ast.walk(tree):
        if isinstance(
            node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)
        ):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                node.body = body[1:] or [ast.Pass()]
    return tree


def _normalised(text):
    # Code modulo docstrings, comments and formatting.
    return ast.dump(_strip_docstrings(ast.parse(textwrap.dedent(text))))


def _replace_docstring(generated, upstream_text, upstream_node):
    # ``generated`` with the docstring of the upstream definition it replaces.
    gen_node = ast.parse(generated).body[0]
    lines = generated.splitlines(keepends=True)
    up_lines = upstream_text.splitlines(keepends=True)
    up_doc = upstream_node.body[0]
    has_up_doc = isinstance(up_doc, ast.Expr) and isinstance(up_doc.value, ast.Constant)
    doc_text = ""
    if has_up_doc:
        doc_text = textwrap.indent(
            textwrap.dedent("".join(up_lines[up_doc.lineno - 1 : up_doc.end_lineno])),
            "    ",
        )
    first = gen_node.body[0]
    if (
        has_up_doc
        and up_doc.end_lineno < len(up_lines)
        and not up_lines[up_doc.end_lineno].strip()
    ):
        doc_text += "\n"  # upstream's blank line after its docstring stays
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        rest = lines[first.end_lineno :]
        if doc_text.endswith("\n\n") and rest and not rest[0].strip():
            rest = rest[1:]
        return "".join(lines[: first.lineno - 1]) + doc_text + "".join(rest)
    return (
        "".join(lines[: first.lineno - 1])
        + doc_text
        + "".join(lines[first.lineno - 1 :])
    )


def _apply_define(root, series, define, package_dir):
    path, qualname = _split_ref(define.upstream)
    target = Path(root) / path
    text = target.read_text()
    generated = generate(series, define, package_dir)
    node = _find(ast.parse(text), qualname)
    depth = qualname.count(".")
    if node is not None:
        if define.keep_docstring:
            generated = _replace_docstring(generated, text, node)
        lines = text.splitlines(keepends=True)
        new = textwrap.indent(generated, "    " * depth)
        text = (
            "".join(lines[: _start_line(node) - 1])
            + new
            + "".join(lines[node.end_lineno :])
        )
    else:
        if define.before is None:
            raise PatchError(
                "%s: no %s upstream and no place to insert it" % (path, qualname)
            )
        lines = text.splitlines(keepends=True)
        matches = [i for i, line in enumerate(lines) if line.startswith(define.before)]
        if len(matches) != 1:
            raise PatchError(
                "%s: %d lines start with %r" % (path, len(matches), define.before)
            )
        at = matches[0]
        while at > 0 and lines[at - 1].startswith("#"):
            at -= 1  # the anchor's own comment stays with it
        matches = [at]
        gap = "\n" if depth else "\n\n"
        new = (
            textwrap.indent(generated, "    " * depth, lambda line: line.strip()) + gap
        )
        text = "".join(lines[: matches[0]]) + new + "".join(lines[matches[0] :])
    target.write_text(text)


def _rewritten_module(copy, package_dir):
    text = (Path(package_dir) / copy.package).read_text()
    for old, new in copy.rewrites:
        if old not in text:
            raise PatchError("%s: rewrite %r does not apply" % (copy.package, old))
        text = text.replace(old, new)
    for name, docstring in copy.docstrings:
        tree = ast.parse(text)
        node = _find(tree, name)
        if node is None:
            raise PatchError("%s: no %s to document" % (copy.package, name))
        lines = text.splitlines(keepends=True)
        start, end = _start_line(node) - 1, node.end_lineno
        segment = textwrap.dedent("".join(lines[start:end]))
        indent = " " * node.col_offset
        new = textwrap.indent(
            _with_docstring(segment, docstring), indent, lambda line: line.strip()
        )
        text = "".join(lines[:start]) + new + "".join(lines[end:])
    return text


# The calls that add the parameter-path notes (sklearn/utils/_clone_diagnostics.py).
_NOTE_CALLS = frozenset(
    {"annotate", "annotate_entry", "annotate_parameter", "mark_uncopyable"}
)


def _is_note_handler(handler):
    # ``except Exception as exc: <note calls>; raise``, and nothing else.
    body = handler.body
    return (
        len(body) >= 2
        and isinstance(body[-1], ast.Raise)
        and body[-1].exc is None
        and all(
            isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Name)
            and stmt.value.func.id in _NOTE_CALLS
            for stmt in body[:-1]
        )
    )


def _without_notes(text):
    """``text`` without the parameter-path notes.

    A ``try`` whose only handlers add a note and re-raise becomes its body;
    ``raise mark_constructor(error)`` becomes ``raise error``. What is left
    behaves as the code without the notes, exception for exception.
    """
    while True:
        tree = ast.parse(text)
        src = _Text(text)
        lines = text.splitlines(keepends=True)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Try)
                and node.handlers
                and not node.orelse
                and not node.finalbody
                and all(_is_note_handler(h) for h in node.handlers)
            ):
                body = "".join(lines[node.body[0].lineno - 1 : node.body[-1].end_lineno])
                body = textwrap.indent(textwrap.dedent(body), " " * node.col_offset)
                text = (
                    "".join(lines[: node.lineno - 1])
                    + body
                    + "".join(lines[node.end_lineno :])
                )
                break
            if (
                isinstance(node, ast.Raise)
                and isinstance(node.exc, ast.Call)
                and isinstance(node.exc.func, ast.Name)
                and node.exc.func.id == "mark_constructor"
                and len(node.exc.args) == 1
            ):
                start, end = src.span(node.exc)
                inner = node.exc.args[0]
                text = src.replace(
                    start,
                    end,
                    text[
                        src.offset(inner.lineno, inner.col_offset) : src.offset(
                            inner.end_lineno, inner.end_col_offset
                        )
                    ],
                )
                break
        else:
            return text


def _substitute(text, subs, where):
    # Each (old, new) must match at least once: a stale substitution is an
    # error, never silently nothing.
    for old, new in subs:
        if old not in text:
            raise PatchError("%s: substitution %r does not apply" % (where, old))
        text = text.replace(old, new)
    return text


def _with_docstring(text, docstring):
    """``text`` (one definition at column 0) with ``docstring`` as its docstring.

    An existing docstring is replaced; comment lines opening the body (the
    package's stand-in for a helper's docstring) are dropped.
    """
    node = ast.parse(text).body[0]
    lines = text.splitlines(keepends=True)
    first = node.body[0]
    indent = " " * first.col_offset
    has_doc = (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )
    start = first.lineno - 1
    while start > node.lineno and lines[start - 1].strip().startswith("#"):
        start -= 1
    end = first.end_lineno if has_doc else first.lineno - 1
    doc = textwrap.dedent(docstring).strip("\n")
    if "\n" in doc:
        doc = doc + "\n"
    body = textwrap.indent('"""%s"""\n' % doc, indent, lambda line: line.strip())
    after = node.body[1] if has_doc and len(node.body) > 1 else node.body[0]
    if not has_doc or after is not first:
        if isinstance(after, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body += "\n"  # as ruff format puts it
    return "".join(lines[:start]) + body + "".join(lines[end:])


def _apply_step(root, series, step, package_dir, patches_dir):
    root = Path(root)
    if isinstance(step, Define):
        _apply_define(root, series, step, package_dir)
    elif isinstance(step, CopyModule):
        (root / step.upstream).write_text(_rewritten_module(step, package_dir))
    elif isinstance(step, Edit):
        target = root / step.upstream
        text = target.read_text()
        if text.count(step.old) != 1:
            raise PatchError(
                "%s: %r found %d times"
                % (step.upstream, step.old, text.count(step.old))
            )
        target.write_text(text.replace(step.old, step.new))
    elif isinstance(step, Replace):
        path, qualname = _split_ref(step.upstream)
        target = root / path
        text = target.read_text()
        node = _find(ast.parse(text), qualname)
        if node is None:
            raise PatchError("%s: no %s to replace" % (path, qualname))
        lines = text.splitlines(keepends=True)
        indent = "    " * qualname.count(".")
        start = _start_line(node) - 1
        if step.keep_docstring:
            # The new body after the upstream definition's docstring.
            first = node.body[0]
            if not (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                raise PatchError("%s: %s has no docstring to keep" % (path, qualname))
            indent += "    "
            start = first.end_lineno
        new = textwrap.indent(step.text, indent, lambda line: line.strip())
        text = "".join(lines[:start]) + new + "".join(lines[node.end_lineno :])
        target.write_text(text)
    elif isinstance(step, FromSource):
        source = (
            Path(patches_dir) / "src" / (series.src or series.version) / step.source
        ).read_text()
        target = root / step.upstream
        target.parent.mkdir(parents=True, exist_ok=True)
        if step.append:
            text = target.read_text()
            target.write_text(text.rstrip("\n") + "\n" + source)
        else:
            target.write_text(source)
    elif isinstance(step, WriteText):
        text = step.text if step.text is not None else _clone_compat_text(series)
        (root / step.upstream).write_text(text)
    else:  # pragma: no cover - a recipe mistake
        raise TypeError(step)


# --------------------------------------------------------------------------
# The three operations.


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
                _apply_step(root, series, step, package_dir, patches_dir)
            _git(root, "add", "--all", "--force")
            message = "%s\n\n%s\n" % (commit.subject, commit.description.rstrip())
            _git(root, "commit", "--quiet", "--no-verify", "-m", message)
        if out.exists():
            for old in out.glob("*.patch"):
                old.unlink()
        out.mkdir(parents=True, exist_ok=True)
        _git(
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


def _package_version(package_dir=PACKAGE_DIR):
    # The checkout's version (this tool never imports the package it reads).
    tree = ast.parse((Path(package_dir) / "__init__.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__version__"
            for target in node.targets
        ):
            return ast.literal_eval(node.value)
    raise PatchError("no __version__ in %s" % package_dir)


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
    names = [
        n.strip()
        for n in (folder / "series").read_text().splitlines()
        if n.strip() and not n.startswith("#")
    ]
    names = names[:upto]
    results = []
    for name in names:
        patch = str((folder / name).resolve())
        result = _git(root, "apply", "--check", patch, check=False)
        if result.returncode == 0:
            result = _git(root, "apply", "--index", patch, check=False)
        ok = result.returncode == 0
        results.append((name, ok, result.stderr.strip()))
        if not ok:
            break
    return results


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
    for name in (folder / "series").read_text().split():
        result = _git(root, "apply", "--check", str((folder / name).resolve()), check=False)
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
                path, qualname = _split_ref(step.upstream)
                text = (root / path).read_text()
                node = _find(ast.parse(text), qualname)
                if node is None:
                    results.append((what, False, "%s is missing upstream" % qualname))
                    continue
                upstream_code = _segment(text, node, with_comments=False)
                try:
                    ours = generate(series, step, package_dir)
                except PatchError as exc:
                    results.append((what, False, str(exc)))
                    continue
                same = _normalised(upstream_code) == _normalised(ours)
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
                    ours = _rewritten_module(step, package_dir)
                except PatchError as exc:
                    results.append((what, False, str(exc)))
                    continue
                # Docstrings, comments and formatting aside, as for functions
                # (the module's helpers gain docstrings on the way upstream);
                # a C header exactly.
                if step.upstream.endswith(".py"):
                    same = _normalised(upstream_text) == _normalised(ours)
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


def overlay(version, dest, patches_dir=PATCHES_DIR, upto=None):
    """Put the patched scikit-learn over a copy of the installed one.

    A quick stand-in for building the patched release from source (a meson
    build of all of scikit-learn takes tens of minutes on two cores): the
    installed scikit-learn, which must be the same release, is copied to
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

    release = MAIN_TREE["base"] if version == "main" else version
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
    changed = _git(
        root, "diff", "--name-only", "--cached", "pristine", "--", "sklearn"
    ).stdout.split()
    for name in changed:
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / name, target)
    pyx = [str(dest / name) for name in changed if name.endswith(".pyx")]
    if pyx:
        build_extensions(pyx)
    return dest


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
        "scikit-learn, compare with the package), regenerate (rebuild from "
        "the package) or overlay (the patched release over the installed one)",
    )
    add_arguments(parser)
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


def add_arguments(parser):
    """Add the ``patches`` actions to an argument parser.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The ``patches`` subparser.
    """
    parser.add_argument(
        "action",
        choices=("check", "regenerate", "overlay", "review"),
        help="check: apply each series to pristine sources and compare "
        "with the package; regenerate: rebuild the series from the package; "
        "review: scikit-learn's own checks (ruff, ruff format, cython-lint, "
        "numpydoc, towncrier, no project names) on what each patch adds; "
        "overlay: the patched release over a copy of the installed one, "
        "its .pyx compiled (see --dest)",
    )
    parser.add_argument(
        "--dest",
        type=Path,
        default=Path(".upstream-build"),
        help="overlay: the directory to create (default: %(default)s)",
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


def run(args):
    """Run ``patches check``, ``patches regenerate`` or ``patches overlay``.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed ``patches`` arguments.

    Returns
    -------
    status : int
        0 on success, 1 when a check fails, 2 when a sdist cannot be fetched
        or a recipe step cannot be applied.
    """
    versions = args.versions or sorted(SERIES)
    if args.action == "overlay" and len(versions) != 1:
        import sklearn

        versions = [sklearn.__version__]
    status = 0
    for version in versions:
        try:
            if args.action == "overlay":
                if args.dest.exists():
                    shutil.rmtree(args.dest)
                print("PYTHONPATH=%s" % overlay(version, args.dest, args.patches_dir))
            elif args.action == "review":
                from maint_tools.patch_review import review

                report = review(version, args.patches_dir)
                print("\n".join(report.lines()))
                if not report.ok:
                    status = max(status, 1)
            elif args.action == "regenerate":
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
    if args.action in ("check", "review"):
        print("patches %s: %s" % (args.action, "ok" if status == 0 else "FAILED"))
    return status


if __name__ == "__main__":
    sys.exit(main())
