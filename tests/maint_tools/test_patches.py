"""The upstream patch series in patches/: they apply, and they match the package.

The tests that need the pristine scikit-learn sdists download them once (about
7 MB each, cached under ~/.cache/sklearn-slep017) and are skipped, with the
download error as the reason, only when no package index pip is configured
with can be reached.
"""

import hashlib
import os
import shutil
import textwrap

import pytest

from pathlib import Path

import sklearn_slep017
from maint_tools import code_rewrite, patch_recipe, patches, sdist_fetch, upstream_overlay
from maint_tools import upstream_tree as tree
from maint_tools.patches import build_parser

if Path(sklearn_slep017.__file__).resolve().parent != tree.PACKAGE_DIR:
    # The series is generated from, and compared with, the checkout's
    # package; an installed wheel (the nox compatibility sessions) is another
    # copy. `make test` runs these.
    pytest.skip(
        "sklearn_slep017 is imported from %s, not from the checkout beside the "
        "patch series (%s): run from the source tree"
        % (Path(sklearn_slep017.__file__).parent, tree.PACKAGE_DIR),
        allow_module_level=True,
    )

VERSIONS = sorted(patch_recipe.SERIES)


@pytest.fixture(scope="module")
def sdists():
    try:
        return {version: sdist_fetch.fetch_sdist(version) for version in sdist_fetch.SDISTS}
    except sdist_fetch.FetchError as exc:
        pytest.skip(
            "pristine scikit-learn sdist unavailable (registry unreachable?): %s" % exc
        )


@pytest.mark.parametrize("version", VERSIONS)
def test_series_applies_to_pristine_and_matches_package(sdists, version):
    report = patches.check(version)
    assert report.applied, "empty series"
    assert report.ok, "\n".join(report.lines())
    # every patch applied; the 1.2.2 record is generated from the package and
    # compared with it; the pull requests are written for upstream, each
    # applying to the pristine tree alone
    series = patch_recipe.SERIES[version]
    assert len(report.applied) == len(series.commits)
    if series.independent:
        assert [name for name, ok, _ in report.alone if ok] == [
            name for name, _, _ in report.applied
        ]
    else:
        assert any("_clone_parametrized" in what for what, _, _ in report.compared)


def test_check_fails_when_a_pull_request_needs_another(sdists, tmp_path):
    # A patch that edits what the names cache pull request adds applies after
    # it, not alone: `check` says so for a series of independent pull requests.
    version = "1.9.1"
    patches_dir = tmp_path / "patches"
    shutil.copytree(tree.PATCHES_DIR / version, patches_dir / version)
    first = (patches_dir / version / "series").read_text().split()[0]
    root = tree.pristine_checkout(version, tmp_path / "src")
    assert tree.apply_series(version, root, patches_dir, upto=1)[0][1]
    base = root / "sklearn" / "base.py"
    text = base.read_text()
    old = "_PARAM_NAMES_CACHE = weakref.WeakKeyDictionary()\n"
    assert text.count(old) == 1
    base.write_text(text.replace(old, old + "_UNUSED = None\n"))
    dependent = tree.git(root, "diff", "--", "sklearn/base.py").stdout
    (patches_dir / version / "0002-dependent.patch").write_text(dependent)
    (patches_dir / version / "series").write_text(first + "\n0002-dependent.patch\n")

    report = patches.check(version, patches_dir=patches_dir)
    assert all(ok for _, ok, _ in report.applied)
    assert [(name, ok) for name, ok, _ in report.alone] == [
        (first, True),
        ("0002-dependent.patch", False),
    ]
    assert not report.ok
    assert "FAIL alone    0002-dependent.patch" in "\n".join(report.lines())


def test_check_fails_when_the_package_changes_without_regenerating(sdists, tmp_path):
    package = tmp_path / "sklearn_slep017"
    shutil.copytree(
        tree.PACKAGE_DIR,
        package,
        ignore=shutil.ignore_patterns("*.so", "*.c", "__pycache__"),
    )
    clone_py = package / "_clone_py.py"
    text = clone_py.read_text()
    old = "    new_object = klass(**new_object_params)\n"
    assert text.count(old) == 1
    clone_py.write_text(
        text.replace(old, "    new_object = klass(**dict(new_object_params))\n")
    )
    # the 1.2.2 record is the series generated from the package
    report = patches.check("1.2.2", package_dir=package)

    assert not report.ok
    failed = [what for what, ok, _ in report.compared if not ok]
    assert failed == [
        "sklearn/base.py:_clone_parametrized"
        " == sklearn_slep017/_clone_py.py:clone_parametrized",
    ]
    lines = "\n".join(report.lines())
    assert "FAIL same     sklearn/base.py:_clone_parametrized" in lines
    assert "+    new_object = klass(**dict(new_object_params))" in lines


def test_docstring_edits_are_not_code_changes(sdists, tmp_path):
    package = tmp_path / "sklearn_slep017"
    shutil.copytree(
        tree.PACKAGE_DIR,
        package,
        ignore=shutil.ignore_patterns("*.so", "*.c", "__pycache__"),
    )
    clone_py = package / "_clone_py.py"
    text = clone_py.read_text()
    clone_py.write_text(
        text.replace(
            "Construct a new unfitted estimator", "Build a new unfitted estimator", 1
        )
    )
    report = patches.check("1.9.1", package_dir=package)
    assert report.ok, "\n".join(report.lines())


@pytest.mark.parametrize("version", VERSIONS)
def test_regenerate_reproduces_the_committed_series(sdists, tmp_path, version):
    # Byte for byte: fixed author, dates and hashes. A failure here means the
    # package changed (docstrings included) since the series was regenerated:
    # run `python -m maint_tools.patches regenerate` and commit patches/.
    patches_dir = tmp_path / "patches"
    shutil.copytree(tree.PATCHES_DIR / "src", patches_dir / "src")
    names = patches.regenerate(version, patches_dir)
    committed = tree.PATCHES_DIR / version
    assert (patches_dir / version / "series").read_text() == (
        committed / "series"
    ).read_text()
    for name in names:
        assert (patches_dir / version / name).read_bytes() == (
            committed / name
        ).read_bytes(), (
            "%s/%s is stale: run `python -m maint_tools.patches regenerate`"
            % (
                version,
                name,
            )
        )


def test_patches_are_plain_commits_by_a_placeholder_author():
    # A pull request's commit: title and body, the submitter's identity to be
    # filled in; no DEP-3 lines (provenance is in patches/README.md).
    author = "From: %s <%s>\n" % tree.PLACEHOLDER_AUTHOR
    for version in VERSIONS:
        folder = tree.PATCHES_DIR / version
        names = (folder / "series").read_text().split()
        assert names == sorted(p.name for p in folder.glob("*.patch"))
        assert (folder / "BASE").read_text() == patches.base_note(version)
        for name in names:
            text = (folder / name).read_text()
            assert text.startswith("From 0000000000000000000000000000000000000000 ")
            assert author in text, name
            header = text.split("\n---\n", 1)[0]
            for dep3 in ("Description: ", "Origin: ", "Forwarded: "):
                assert "\n" + dep3 not in header, (name, dep3)


def test_each_pull_request_is_one_patch_with_its_changelog_fragment():
    # The 1.9.1 and main series: one patch per pull request, each adding one
    # towncrier fragment under sklearn.base/ whose type matches its prefix.
    types = {"PERF": "efficiency", "ENH": "enhancement", "FIX": "fix"}
    for version in ("1.9.1", "main"):
        folder = tree.PATCHES_DIR / version
        for name in (folder / "series").read_text().split():
            text = (folder / name).read_text()
            prefix = name.split("-")[1]
            fragments = [
                line[len("+++ b/") :]
                for line in text.splitlines()
                if line.startswith("+++ b/doc/whats_new/upcoming_changes/")
            ]
            assert len(fragments) == 1, (name, fragments)
            folder_name, fragment = fragments[0].split("/")[-2:]
            assert folder_name == "sklearn.base"
            assert fragment.endswith(".%s.rst" % types[prefix]), (name, fragment)
            added = text.split("+++ b/" + fragments[0], 1)[1]
            assert "|Efficiency|" not in added and "|Enhancement|" not in added


def _only_index(monkeypatch, url):
    # pip configured with this one index and nothing else.
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_INDEX_URL", url)
    monkeypatch.delenv("PIP_EXTRA_INDEX_URL", raising=False)


def test_fetch_error_when_unreachable(tmp_path, monkeypatch):
    monkeypatch.setenv("SKLEARN_SLEP017_CACHE", str(tmp_path))
    _only_index(monkeypatch, "http://127.0.0.1:9/simple")
    monkeypatch.setitem(
        sdist_fetch.SDISTS, "1.9.1", ("scikit_learn-1.9.1.tar.gz", "0" * 64)
    )
    with pytest.raises(sdist_fetch.FetchError, match="cannot download"):
        sdist_fetch.fetch_sdist("1.9.1")


def _file_index(root, filename, data, reported):
    # A PEP 503 index on disk, as an offline mirror would be.
    (root / "files").mkdir(parents=True)
    (root / "files" / filename).write_bytes(data)
    page = root / "simple" / "scikit-learn"
    page.mkdir(parents=True)
    (page / "index.html").write_text(
        '<html><body><a href="../../files/%s#sha256=%s">%s</a></body></html>'
        % (filename, reported, filename)
    )
    return (root / "simple").as_uri()


def test_fetch_goes_through_the_index_pip_is_configured_with(tmp_path, monkeypatch):
    data = b"pristine"
    digest = hashlib.sha256(data).hexdigest()
    monkeypatch.setenv("SKLEARN_SLEP017_CACHE", str(tmp_path / "cache"))
    _only_index(
        monkeypatch, _file_index(tmp_path / "index", "x-1.0.tar.gz", data, digest)
    )
    assert sdist_fetch.pip_index_urls() == [(tmp_path / "index" / "simple").as_uri()]
    monkeypatch.setitem(sdist_fetch.SDISTS, "9.9", ("x-1.0.tar.gz", digest))
    path = sdist_fetch.fetch_sdist("9.9")
    assert path.read_bytes() == data
    assert path.parent == tmp_path / "cache" / "sdists"


def test_fetch_checks_the_sha256_the_index_reports(tmp_path, monkeypatch):
    data = b"pristine"
    monkeypatch.setenv("SKLEARN_SLEP017_CACHE", str(tmp_path / "cache"))
    _only_index(
        monkeypatch, _file_index(tmp_path / "index", "x-1.0.tar.gz", data, "1" * 64)
    )
    monkeypatch.setitem(
        sdist_fetch.SDISTS, "9.9", ("x-1.0.tar.gz", hashlib.sha256(data).hexdigest())
    )
    with pytest.raises(sdist_fetch.FetchError, match="the index reports sha256"):
        sdist_fetch.fetch_sdist("9.9")


def _fold(source, compat, drop=()):
    series = patch_recipe.Series("x", renames={}, compat=compat, drop_calls=frozenset(drop))
    text = textwrap.dedent(source)
    while True:
        folded = code_rewrite.fold_once(text, series.compat, series.drop_calls)
        if folded is None:
            return text
        text = folded


@pytest.mark.parametrize(
    "compat, expected",
    [
        ({"A": True}, "def f(x):\n    if g(x):\n        return 1\n    return 2\n"),
        ({"A": False}, "def f(x):\n    return 2\n"),
    ],
)
def test_fold_and_operand(compat, expected):
    source = """\
        def f(x):
            if _compat.A and g(x):
                return 1
            return 2
        """
    assert _fold(source, compat) == expected


def test_fold_or_with_parenthesised_operand_and_elif():
    source = """\
        def f(t):
            if t in C or (
                t is dict and _compat.D
            ):
                return 1
            if t is dict and _compat.D:
                return 2
            elif t is list:
                return 3
            return 4
        """
    assert _fold(source, {"D": True}) == (
        "def f(t):\n    if t in C or t is dict:\n        return 1\n"
        "    if t is dict:\n        return 2\n    elif t is list:\n        return 3\n    return 4\n"
    )
    assert _fold(source, {"D": False}) == (
        "def f(t):\n    if t in C:\n        return 1\n"
        "    if t is list:\n        return 3\n    return 4\n"
    )


def test_fold_compare_and_dropped_call():
    source = """\
        def f(e):
            carry(e)
            if _compat.MODE is None:
                return
            if _compat.MODE == "clone":
                return clone(e)
            else:
                return copy(e)
        """
    assert (
        _fold(source, {"MODE": "clone"}, drop={"carry"})
        == "def f(e):\n    return clone(e)\n"
    )


def test_unknown_fact_is_an_error(tmp_path):
    (tmp_path / "mod.py").write_text("def f():\n    return _compat.NEW_FACT\n")
    series = patch_recipe.Series("9.9", renames={}, compat={})
    with pytest.raises(tree.PatchError, match="NEW_FACT"):
        code_rewrite.generate(
            series, patch_recipe.Define("mod.py:f", "x.py:f"), package_dir=tmp_path
        )


def test_every_recipe_text_is_used_by_the_recipe():
    # maint_tools/recipe_text/ holds the recipe's long literal texts: each is
    # read by name, none is left over.
    source = Path(patch_recipe.__file__).read_text()
    names = sorted(p.name for p in patch_recipe.RECIPE_TEXT_DIR.iterdir())
    assert names
    assert [n for n in names if 'recipe_text("%s")' % n not in source] == []


def test_cli_parses_patches_actions():
    args = build_parser().parse_args(["check", "--version", "1.9.1"])
    assert args.action == "check"
    assert args.versions == ["1.9.1"]
    with pytest.raises(SystemExit):
        build_parser().parse_args(["frobnicate"])
    # one job per tool: the review and the overlay are commands of their own
    for moved in ("review", "overlay"):
        with pytest.raises(SystemExit):
            build_parser().parse_args([moved])


def test_review_and_overlay_clis_refuse_an_unknown_series(tmp_path, capsys):
    from maint_tools import patch_review

    for main in (patch_review.main, upstream_overlay.main):
        with pytest.raises(SystemExit) as exc:
            main(["--version", "9.9", "--patches-dir", str(tmp_path)])
        assert exc.value.code == 2
        assert "no series 9.9" in capsys.readouterr().err


# -- review: scikit-learn's own checks on what each patch adds ---------------

from maint_tools import patch_review as _review  # noqa: E402


def _pinned_ruff():
    ruff = _review._tool("ruff")
    if ruff is None:
        return None
    out = _review._run([ruff, "--version"], ".").stdout.split()
    return ruff if out[-1:] == ["0.12.2"] else None


# `make test` (hence CI) installs the review tools and sets this: a missing
# tool then fails the tests below instead of skipping them.
REQUIRE_REVIEW_TOOLS = os.environ.get("SKLEARN_SLEP017_REQUIRE_REVIEW_TOOLS", "") not in (
    "", "0", "false", "no", "off",
)

needs_review_tools = pytest.mark.skipif(
    _pinned_ruff() is None and not REQUIRE_REVIEW_TOOLS,
    reason="ruff 0.12.2 (the `patches` dependency group) is not installed",
)


@needs_review_tools
def test_review_tools_are_the_pinned_ones():
    assert _pinned_ruff() is not None, "ruff 0.12.2 (the `patches` group) is not installed"
    assert _review._tool("flake8", "1.2.2") is not None, (
        "1.2.2's flake8 (.venv-patches-1.2.2, the `patches-backport` group) is not installed"
    )


def test_name_findings_flags_the_project_names(tmp_path):
    patch = tmp_path / "0001-x.patch"
    patch.write_text(
        "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n"
        "From: sklearn-slep017 developers <x@example.com>\n"
        "Subject: [PATCH] PERF x\n"
        "\n"
        "Generated from the package.\n"
        "---\n"
        "diff --git a/sklearn/base.py b/sklearn/base.py\n"
        "--- a/sklearn/base.py\n"
        "+++ b/sklearn/base.py\n"
        "@@ -1,2 +1,3 @@\n"
        " # upstream's context line is not ours\n"
        "-from sklearn_slep017 import removed\n"
        "+from sklearn.utils._clone_py import clone  # upstream's\n"
    )
    found = [
        (f.line, f.rule, f.message.split(":")[0]) for f in _review.name_findings(patch)
    ]
    assert found == [
        (2, "NAMES", "'sklearn-slep017'"),
        (5, "NAMES", "'Generated from'"),
        (13, "NAMES", "'_clone_py'"),
        (13, "NAMES", '"upstream\'s"'),
    ]


def test_committed_series_carry_no_project_names():
    for version in VERSIONS:
        folder = tree.PATCHES_DIR / version
        for name in (folder / "series").read_text().split():
            assert _review.name_findings(folder / name) == [], name


def test_added_lines():
    diff = (
        "diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n"
        "@@ -3,0 +4,2 @@\n+x\n+y\n@@ -10 +12 @@\n-a\n+b\n"
        "diff --git a/gone.py b/gone.py\n--- a/gone.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-z\n"
    )
    assert _review.added_lines(diff) == {"a.py": {4, 5, 12}}


@needs_review_tools
@pytest.mark.parametrize("version", ["1.9.1", "main"])
def test_review_of_the_committed_series_is_clean(sdists, version):
    report = _review.review(version)
    assert report.ok, "\n".join(report.lines())


@pytest.mark.skipif(
    _review._tool("flake8", "1.2.2") is None and not REQUIRE_REVIEW_TOOLS,
    reason="1.2.2's flake8 and black (.venv-patches-1.2.2) are not installed",
)
def test_review_of_the_1_2_2_record_by_its_own_tools_is_clean(sdists):
    report = _review.review("1.2.2")
    assert report.ok, "\n".join(report.lines())
    assert not any("not checked" in note for note in report.notes)


@needs_review_tools
def test_review_reports_what_a_patch_adds(sdists, tmp_path):
    # An unused import and an undocumented helper slipped into 0001's
    # hand-written test and the asv benchmark: reported with the patch, the
    # file and the line of the patched tree, nothing else.
    patches_dir = tmp_path / "patches"
    shutil.copytree(tree.PATCHES_DIR / "src", patches_dir / "src")
    test_src = patches_dir / "src" / "1.9.1" / "test_base_param_names.py"
    test_src.write_text(
        test_src.read_text().replace(
            "    import inspect\n",
            "    import inspect\n    import os\n",
            1,
        )
    )
    patches.regenerate("1.9.1", patches_dir)
    report = _review.review("1.9.1", patches_dir)
    rules = [(f.patch.split("-")[0], f.path, f.rule) for f in report.findings]
    assert rules == [("0001", "sklearn/tests/test_base.py", "F401")]
    line = report.findings[0].line
    root = tree.pristine_checkout("1.9.1", tmp_path / "tree")
    tree.git(root, "apply", str(patches_dir / "1.9.1" / report.findings[0].patch))
    assert (root / "sklearn/tests/test_base.py").read_text().splitlines()[
        line - 1
    ].strip() == "import os"
    assert str(report.findings[0]).startswith(
        "0001-PERF-Cache-constructor-parameter-names-per-__init__.patch "
        "sklearn/tests/test_base.py:%d F401 " % line
    )


def test_title_and_changelog_type_must_agree(tmp_path):
    patch = tmp_path / "0001-x.patch"
    patch.write_text("From 0 Mon\nSubject: [PATCH 1/3] PERF Faster clone\n\nbody\n")
    assert _review.title_findings(patch, "doc/x/sklearn.base/1.efficiency.rst") == []
    (finding,) = _review.title_findings(patch, "doc/x/sklearn.base/1.fix.rst")
    assert finding.rule == "CHANGELOG"
    patch.write_text("From 0 Mon\nSubject: [PATCH] Faster clone\n\nbody\n")
    (finding,) = _review.title_findings(patch)
    assert finding.rule == "TITLE"


def test_a_fragment_with_its_own_badge_is_reported(tmp_path):
    fragment = "doc/whats_new/upcoming_changes/sklearn.base/123.efficiency.rst"
    (tmp_path / fragment).parent.mkdir(parents=True)
    (tmp_path / fragment).write_text("- |Efficiency| Faster.\n  By :user:`A <a>`.\n")
    config = (
        "doc/whats_new/upcoming_changes",
        {"efficiency": "|Efficiency|", "fix": "|Fix|"},
        {"sklearn.base"},
    )
    findings = _review._towncrier_findings(tmp_path, "p", {fragment: {1, 2}}, config)
    assert [(f.rule, f.line) for f in findings] == [("CHANGELOG", 1)]
    assert "template adds the badge" in findings[0].message


# --------------------------------------------------------------------------
# The patched scikit-learn (the overlay of the whole series) against the
# package's reference clone on the same trees: the same results, exception
# types and messages (the cache changes no outcome); the parameter-path note
# on the failures below the top.


_DIFFERENTIAL = r'''
import json, sys, threading
import numpy as np
import sklearn.base
from sklearn import config_context
from sklearn.base import BaseEstimator
from sklearn.decomposition import PCA
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

assert sklearn.base.__file__.startswith(sys.argv[1]), sklearn.base.__file__
assert hasattr(sklearn.base, "_PARAM_NAMES_CACHE") and hasattr(sklearn.base, "_note_clone_path")
from sklearn_slep017 import _clone_py
from sklearn_slep017._bench.workloads import deep_chain, flat_estimators, nested_pipeline


class ModifiesParam(BaseEstimator):
    def __init__(self, a=None):
        self.a = [] if a is None else list(a)


class Node(BaseEstimator):
    def __init__(self, child=None):
        self.child = child


class OwnClone(BaseEstimator):
    def __init__(self, a=1):
        self.a = a

    def __sklearn_clone__(self):
        return ("own", self.a)


def cases():
    chain = None
    for _ in range(100):
        chain = Node(chain)
    with config_context(enable_metadata_routing=True):
        requester = DecisionTreeClassifier().set_fit_request(sample_weight=True)
    return [
        (nested_pipeline(4), True),
        (flat_estimators(30), True),
        (deep_chain(60), True),
        (chain, True),
        ({"a": SVC(C=np.float64(2)), "b": [1, 2.5, None, "s"]}, True),
        ([PCA(random_state=np.int64(1)), (StandardScaler(), frozenset({3}))], False),
        (np.arange(4), False),
        (StandardScaler().set_output(transform="default"), True),
        (requester, True),
        (SVC, True),
        (SVC, False),
        (object, False),
        (len, False),
        ("text", True),
        (ModifiesParam(a=(1, 2)), True),
        (Pipeline([("m", ModifiesParam())]), True),
        (Pipeline([("f", FunctionTransformer(kw_args={"lock": threading.Lock()}))]), True),
        (OwnClone(a=3), True),
        ([OwnClone(a=4)], False),
    ]


def shape(obj):
    # What a clone is made of, down to its leaves, with no identities.
    if hasattr(obj, "get_params") and not isinstance(obj, type):
        params = obj.get_params(deep=False)
        return [type(obj).__qualname__, [[k, shape(v)] for k, v in sorted(params.items())],
                repr(getattr(obj, "_metadata_request", None)),
                repr(getattr(obj, "_sklearn_output_config", None))]
    if type(obj) in (list, tuple):
        return [type(obj).__name__, [shape(v) for v in obj]]
    if type(obj) in (set, frozenset):
        return [type(obj).__name__, sorted(repr(v) for v in obj)]
    if type(obj) is dict:
        return ["dict", [[repr(k), shape(v)] for k, v in obj.items()]]
    return [type(obj).__name__, repr(obj)]


def outcome(func, obj, safe):
    try:
        result = func(obj, safe=safe)
    except Exception as exc:
        return ["raised", type(exc).__name__, str(exc)], getattr(exc, "__notes__", [])
    return ["returned", shape(result), result is obj], []


out = []
for (ours, safe), (theirs, _) in zip(cases(), cases()):
    patched, notes = outcome(sklearn.base.clone, ours, safe)
    package, _ = outcome(_clone_py.clone, theirs, safe)
    out.append([patched == package, repr(patched)[:2000], repr(package)[:2000], notes])
print(json.dumps(out))
'''


@pytest.mark.parametrize("version", ["1.9.1", "main"])
def test_patched_clone_clones_as_the_package_does(sdists, tmp_path, version):
    """The patched scikit-learn's clone vs the package's reference, same trees."""
    import json
    import subprocess
    import sys

    import sklearn

    release = tree.release_of(version)
    if sklearn.__version__ != release:
        pytest.skip("the overlay needs scikit-learn %s installed" % release)
    dest = upstream_overlay.overlay(version, tmp_path / "overlay")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(dest), str(tree.REPO_DIR)]))
    env.pop("SKLEARN_SLEP017_ENABLE", None)
    result = subprocess.run(
        [sys.executable, "-c", _DIFFERENTIAL, str(dest)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 19
    for i, (same, patched, package, _) in enumerate(rows):
        assert same, (i, patched, package)
    notes = {i: row[3] for i, row in enumerate(rows) if row[3]}
    # below the top only: the inner constructor check and the lock's deep copy
    assert notes == {
        4: ["Raised while cloning the parameter at \"['b'][0]\""],
        15: ["Raised while cloning the parameter at 'steps[0][1]'"],
        16: ["Raised while cloning the parameter at \"steps[0][1]__kw_args['lock']\""],
    }
