# SPDX-License-Identifier: BSD-3-Clause
"""The recipe of the upstream patch series: what each takes from the package, and where it goes.

Data for ``python -m maint_tools.patches`` (:mod:`maint_tools.code_rewrite`
applies it): one :class:`Series` per target in :data:`SERIES`, each a list
of :class:`Commit` (one patch, one pull request: its title, description and
steps). A step takes a function, method or constant from the package
(:class:`Define`) or a whole module (:class:`CopyModule`), edits upstream's
text (:class:`Edit`, :class:`Replace`), or writes hand-written text
(:class:`FromSource`, from ``patches/src/<release>/``; :class:`WriteText`).

The long literal blocks a step inserts whole (a new helper and its
constant, a changelog section, a developer guide section) are data files of
``maint_tools/recipe_text/``, read by :func:`recipe_text`. What stays here
as strings is short, or tied to the code around it: each :class:`Edit`'s
``old`` (upstream's own lines, the anchor that must occur once) with the
``new`` that rewrites those same lines, read side by side; the substitutions
of :class:`Define` and :class:`CopyModule`; the commit titles and
descriptions beside their steps.
"""

from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "SERIES",
    "Commit",
    "CopyModule",
    "Define",
    "Edit",
    "FromSource",
    "Replace",
    "Series",
    "WriteText",
    "recipe_text",
]

# The recipe's long literal texts (code and documentation written into the
# patches as they are), one file each: data, not code.
RECIPE_TEXT_DIR = Path(__file__).resolve().parent / "recipe_text"


def recipe_text(name):
    """The literal text of ``maint_tools/recipe_text/<name>``, read as it is.

    Parameters
    ----------
    name : str
        The file name, e.g. ``"note_clone_path.py.txt"``.

    Returns
    -------
    text : str
        Its content, ending with a newline.
    """
    return (RECIPE_TEXT_DIR / name).read_text(encoding="utf-8")


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
    # Leave out the parameter-path notes (see code_rewrite._without_notes): the
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
                    + recipe_text("slep017_changelog_1.2.2.rst.txt")
                    + ".. _changes_1_2_2:\n",
                ),
                Edit(
                    "doc/developers/develop.rst",
                    "if ``safe=False`` is passed to ``clone``.\n",
                    "if ``safe=False`` is passed to ``clone``.\n\n"
                    + recipe_text("slep017_developer_guide_1.2.2.rst.txt"),
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
                Edit(
                    _BASE,
                    "\n\ndef clone(",
                    "\n\n" + recipe_text("param_names_cache.py.txt") + "\n\ndef clone(",
                ),
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
                Edit(
                    _BASE,
                    "\n\ndef _clone_parametrized(",
                    "\n\n"
                    + recipe_text("note_clone_path.py.txt")
                    + "\n\ndef _clone_parametrized(",
                ),
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
