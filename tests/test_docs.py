"""The public API's docstrings and the documentation's own examples.

* Every public function and class passes ``numpydoc.validate`` (with the
  few codes below ignored; numpydoc is in the ``test`` dependency group, and
  these tests fail without it) and so has a Parameters/Returns description and an
  Examples section; those examples run as doctests under ``pytest
  --doctest-modules sklearn_slep017`` (part of ``make test``).
* Every public name has a page in the API reference (``docs/``).
* The code in the narrative pages (``docs/*.rst``) runs and prints what the
  pages say it prints.
* Nothing in ``examples/`` can end the documentation build early.

The documentation build itself (``make docs``, warnings as errors) runs in
``.ci/run``, not here.
"""

import doctest
import importlib
import json
import importlib.util
import re
import sys
import types
from pathlib import Path

import pytest
import sklearn

import sklearn_slep017
import sklearn_slep017.checks


ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

# numpydoc validation codes ignored everywhere, each for a reason:
IGNORED = {
    # RT02 wants the Returns line to hold only a type. We follow
    # scikit-learn's convention (and its own docstring test, which ignores
    # RT02 too) of naming the returned value: ``estimator : object``.
    "RT02",
    # SA01 wants a See Also section in every docstring. Ours name related
    # functions where one genuinely helps (enable/disable, clone/
    # clone_parametrized); forcing one on each of the eight contract checks
    # would only repeat the API reference's grouping.
    "SA01",
}
# Also ignored for methods of public classes and for the command-line
# plumbing (each subcommand module's ``add_arguments`` and ``run``): as in
# scikit-learn's docstring test, the example and the extended summary are
# required of the class (and of the command, shown in docs/cli.rst), not of
# every method.
IGNORED_FOR_METHODS = IGNORED | {"EX01", "ES01"}


def _public_functions_and_classes():
    names = ["sklearn_slep017.%s" % n for n in sklearn_slep017.__all__ if n != "__version__"]
    names += [
        "sklearn_slep017.checks.%s" % n
        for n in sklearn_slep017.checks.__all__
        if n != "CHECKS"  # a tuple of the check functions, described in the module docstring
    ]
    names += [
        # Raised by every check; users catch it.
        "sklearn_slep017.checks.CloneContractError",
        "sklearn_slep017.base.BaseEstimator",
        # On scikit-learn >= 1.6 ``FrozenEstimator`` is upstream's class (and
        # docstring); the backport is the one this project writes.
        "sklearn_slep017.frozen._FrozenEstimatorBackport",
        # The command line's entry point.
        "sklearn_slep017.__main__.main",
        "sklearn_slep017.__main__.build_parser",
    ]
    # The Dask plugin, where its module and Dask's ``distributed`` exist.
    if importlib.util.find_spec("sklearn_slep017.dask") is not None and (
        importlib.util.find_spec("distributed") is not None
    ):
        names.append("sklearn_slep017.dask.EnablePlugin")
    return names


PUBLIC = _public_functions_and_classes()


def _resolve(name):
    module_name, _, attr = name.rpartition(".")
    return getattr(importlib.import_module(module_name), attr)


def _public_methods():
    methods = []
    for name in PUBLIC:
        obj = _resolve(name)
        if not isinstance(obj, type):
            continue
        for attr, value in vars(obj).items():
            if attr.startswith("_") and attr != "__sklearn_clone__":
                continue
            if callable(value) or isinstance(value, property):
                methods.append("%s.%s" % (name, attr))
    return methods


def _cli_plumbing():
    from sklearn_slep017.__main__ import SUBCOMMANDS

    return [
        "%s.%s" % (module, function)
        for module, _ in SUBCOMMANDS.values()
        for function in ("add_arguments", "run")
    ]


def _numpydoc_validate():
    # numpydoc is in the ``test`` dependency group (pyproject.toml), which
    # every test environment installs: without it the docstring tests fail,
    # they never skip.
    try:
        import numpydoc.validate
    except ImportError as exc:
        missing = exc
    else:
        return numpydoc.validate
    pytest.fail(
        "numpydoc is not installed (%s): install the test dependency group "
        "(pip install --group test)" % missing,
        pytrace=False,
    )


def _errors(name, ignored):
    result = _numpydoc_validate().validate(name)
    return [
        "%s %s" % (code, message)
        for code, message in result["errors"]
        if code not in ignored
    ]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_docstring_is_valid_numpydoc(name):
    errors = _errors(name, IGNORED)
    assert not errors, "%s:\n  %s" % (name, "\n  ".join(errors))


@pytest.mark.parametrize("name", _public_methods() + _cli_plumbing())
def test_method_docstring_is_valid_numpydoc(name):
    errors = _errors(name, IGNORED_FOR_METHODS)
    assert not errors, "%s:\n  %s" % (name, "\n  ".join(errors))


@pytest.mark.parametrize("name", PUBLIC)
def test_public_docstring_example_is_a_doctest(name):
    # EX01 checks that the section exists; the doctest run checks it passes.
    # Here: it has at least one ``>>>`` line, so that it is a doctest at all.
    doc = _resolve(name).__doc__ or ""
    examples = doc.partition("Examples\n")[2]
    assert ">>>" in examples, "%s: the Examples section has no doctest" % name


def _documented_names():
    """Full names listed in autosummary blocks of the documentation's pages."""
    names = set()
    for page in DOCS.glob("*.rst"):
        module = None
        in_block = False
        for line in page.read_text().splitlines():
            match = re.match(r"\.\. currentmodule:: (\S+)", line)
            if match:
                module = match.group(1)
                continue
            if line.startswith(".. autosummary::"):
                in_block = True
                continue
            if in_block:
                if not line.strip() or line.strip().startswith(":"):
                    continue
                if not line.startswith(" "):
                    in_block = False
                    continue
                entry = line.strip()
                names.add(entry if entry.startswith("sklearn_slep017") else "%s.%s" % (module, entry))
    return names


@pytest.mark.parametrize("name", PUBLIC)
def test_public_name_has_an_api_page(name):
    documented = _documented_names()
    if name == "sklearn_slep017.frozen._FrozenEstimatorBackport":
        name = "sklearn_slep017.frozen.FrozenEstimator"
    assert name in documented, "%s is not in an autosummary of docs/*.rst" % name


# The narrative pages show the newest scikit-learn's output (the one the site
# is built with); releases before 1.6 print some of it differently.
NARRATIVE_PAGES = ["getting_started.rst", "protocol.rst", "will_it_pay.rst"]


@pytest.mark.skipif(
    tuple(int(p) for p in re.findall(r"\d+", sklearn.__version__)[:2]) < (1, 6),
    reason="the pages show scikit-learn >= 1.6's output",
)
@pytest.mark.parametrize("page", NARRATIVE_PAGES)
def test_narrative_page_doctests(page, monkeypatch):
    # The page's code runs in a real module, as a reader's script would:
    # classes it defines must be picklable, which the clone checks test.
    module = types.ModuleType("sklearn_slep017_docs_%s" % Path(page).stem)
    monkeypatch.setitem(sys.modules, module.__name__, module)
    text = (DOCS / page).read_text()
    test = doctest.DocTestParser().get_doctest(text, {}, page, str(DOCS / page), 0)
    test.globs = module.__dict__  # get_doctest copies the globals it is given
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    output = []
    try:
        runner.run(test, out=output.append, clear_globs=False)
    finally:
        sklearn_slep017.disable()  # a failed example must not leave it enabled
    assert test.examples, "%s has no doctest" % page
    assert runner.failures == 0, "".join(output)


@pytest.mark.parametrize(
    "path", sorted((ROOT / "examples").glob("*.py")), ids=lambda p: p.name
)
def test_example_does_not_exit(path):
    # sphinx-gallery runs each example in the Sphinx process: a SystemExit
    # (``sys.exit(main())``, even with status 0) ends the whole build there,
    # with status 0 and half a site.
    assert "sys.exit(" not in path.read_text()


def test_performance_page_has_a_recorded_run_with_plots(tmp_path):
    # The page shows the committed run: its table and its figure (time against
    # tree size, and every workload's speed-up); ``make docs-bench`` refreshes
    # the files.
    performance = DOCS / "performance"
    for name in ("results.md", "results.json", "clone_time.png", "recorded.md"):
        assert (performance / name).is_file(), name
    page = (DOCS / "performance.md").read_text()
    assert "performance/clone_time.png" in page
    assert "performance/plot_speedup.py" not in page  # one plot of the speed-ups
    recorded = json.loads((performance / "results.json").read_text())
    kinds = {e["kind"] for e in recorded["results"]}
    assert {"nested", "flat", "numpy-search", "numpy-params"} <= kinds

    # The recording script copies a run and says where and when it was made.
    spec = importlib.util.spec_from_file_location(
        "record_bench", DOCS / "_scripts" / "record_bench.py"
    )
    record_bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(record_bench)
    source, target = tmp_path / "run", tmp_path / "docs"
    source.mkdir()
    for name in record_bench.FILES:
        (source / name).write_bytes((performance / name).read_bytes())
    assert record_bench.main([str(source), str(target)]) == 0
    header = (target / "recorded.md").read_text()
    for field in ("date (UTC)", "machine", "cores", "Python", "scikit-learn", "git commit"):
        assert "| %s |" % field in header, field
    assert record_bench.main([str(tmp_path / "missing"), str(target)]) == 1


# The widest line a literal block of the site shows without scrolling
# sideways: pydata-sphinx-theme's content column holds about 72 monospace
# characters.
LITERAL_BLOCK_WIDTH = 72


def _literal_blocks(text):
    """The literal blocks of a reST page, as lists of ``(lineno, line)``.

    A block starts at a line ending in ``::`` (a paragraph's literal block, or
    a directive with no argument) or at a ``.. code-block::`` directive; its
    content is the following lines indented deeper than that line, blank
    lines included, up to the first non-blank line indented less than the
    block's first content line. Each content line is returned with the
    block's indentation removed (1-based line numbers).
    """
    lines = text.expandtabs().splitlines()
    blocks = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        i += 1
        if not (stripped.endswith("::") or stripped.startswith(".. code-block::")):
            continue
        marker_indent = len(line) - len(line.lstrip())
        first = i
        while first < len(lines) and not lines[first].strip():
            first += 1
        if first == len(lines):
            continue
        indent = len(lines[first]) - len(lines[first].lstrip())
        if indent <= marker_indent:
            continue  # no indented content: not a block
        block = []
        j = first
        while j < len(lines):
            content = lines[j]
            if content.strip() and len(content) - len(content.lstrip()) < indent:
                break
            block.append((j + 1, content[indent:]))
            j += 1
        blocks.append(block)
        i = j
    return blocks


def test_architecture_trees_fit_the_column():
    # The trees of docs/architecture.rst (package, maint_tools, tests) are
    # read on the site: a line wider than the content column makes the whole
    # block scroll sideways.
    page = "architecture.rst"
    blocks = _literal_blocks((DOCS / page).read_text())
    assert blocks, "%s has no literal block" % page
    too_wide = [
        "line %d: %d characters: %s" % (lineno, len(line), line)
        for block in blocks
        for lineno, line in block
        if len(line) > LITERAL_BLOCK_WIDTH
    ]
    assert not too_wide, "%s: %d literal-block lines wider than %d:\n  %s" % (
        page,
        len(too_wide),
        LITERAL_BLOCK_WIDTH,
        "\n  ".join(too_wide),
    )
