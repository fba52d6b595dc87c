"""Sphinx configuration of the sklearn-slep017 documentation.

Build with ``make docs`` (warnings are errors). The build needs no network:
intersphinx links to Python, NumPy and scikit-learn are only made when
``SKLEARN_SLEP017_DOCS_INTERSPHINX=1`` is set, since fetching their
inventories must never decide whether CI passes.
"""

import importlib.util
import os
from pathlib import Path

import sklearn

import sklearn_slep017

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent

project = "sklearn-slep017"
author = "the sklearn-slep017 developers"
copyright = "the sklearn-slep017 developers"
version = release = sklearn_slep017.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "matplotlib.sphinxext.plot_directive",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
html_static_path = ["_static"]
exclude_patterns = [
    "_build",
    # Fragments included by other pages, never pages of their own.
    "compat/*.md",
    "performance/*.md",
    # sphinx-gallery's outputs that are not pages.
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
    "auto_examples/*.zip",
    "auto_examples/*.md5",
    "auto_examples/*.json",
]

# -- autodoc / autosummary / numpydoc ----------------------------------------
autosummary_generate = True
# ``sklearn_slep017.dask`` subclasses Dask's WorkerPlugin. The ``docs`` extra
# installs ``distributed``; without it the page is still built, from a mock
# (with a generic ``(*args, **kwargs)`` signature).
autodoc_mock_imports = [] if importlib.util.find_spec("distributed") else ["distributed"]
autodoc_member_order = "bysource"
autodoc_typehints = "none"
# numpydoc renders the sections; autosummary pages list members themselves.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False

# -- MyST (Markdown pages and the Markdown files included from the repo) ------
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3
# Links in the repository's own Markdown files (CHANGELOG.md,
# patches/README.md, the compatibility report) point at files of the
# repository, not at pages of this site: keep them as plain links.
myst_all_links_external = True

# -- sphinx-gallery over examples/ -------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": [str(ROOT / "examples")],
    "gallery_dirs": ["auto_examples"],
    # Run every example at build time: each takes a few seconds.
    "filename_pattern": r"/plot_",
    # ... on every build, not only when the script changed: what they show
    # depends on the package's code.
    "run_stale_examples": True,
    "abort_on_example_error": True,
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "backreferences_dir": None,
    "show_memory": False,
    "remove_config_comments": True,
    # The timing page (sg_execution_times.rst) would be an extra orphan
    # page, regenerated on every build; the times are in each example.
    "write_computation_times": False,
}

# -- plots made at build time from the recorded benchmark --------------------
plot_include_source = False
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 110)]
plot_working_directory = str(DOCS)

# -- HTML ----------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = "sklearn-slep017 %s" % release
html_css_files = ["custom.css"]
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
# Top-level pages have no section to navigate: no empty left sidebar there.
html_sidebars = {
    "**": ["sidebar-nav-bs"],
    **{
        page: []
        for page in ("index", "getting_started", "protocol", "performance",
                     "compatibility", "upstream", "cli", "changelog")
    },
}
html_context = {"default_mode": "light"}
html_show_sourcelink = False

# -- optional intersphinx (network) --------------------------------------------
if os.environ.get("SKLEARN_SLEP017_DOCS_INTERSPHINX"):
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "sklearn": ("https://scikit-learn.org/stable", None),
    }


# -- command-line reference, generated from the live parser --------------------
def _write_cli_help():
    """Write ``--help`` of the command and of each subcommand under gen_modules/cli."""
    from sklearn_slep017.__main__ import SUBCOMMANDS, build_parser

    out = DOCS / "gen_modules" / "cli"
    out.mkdir(parents=True, exist_ok=True)
    os.environ["COLUMNS"] = "79"  # argparse wraps to the terminal width
    parser = build_parser()
    texts = {"main": parser.format_help()}
    subparsers = next(
        action for action in parser._actions if action.dest == "command"
    ).choices
    for name in SUBCOMMANDS:
        texts[name] = subparsers[name].format_help()
    for name, text in texts.items():
        path = out / ("%s.txt" % name)
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
    # The page listing them, in the order of SUBCOMMANDS.
    lines = []
    for name in SUBCOMMANDS:
        title = "python -m sklearn_slep017 %s" % name
        lines += [title, "-" * len(title), "", ".. literalinclude:: gen_modules/cli/%s.txt" % name,
                  "   :language: text", ""]
    index = out / "subcommands.rst.inc"
    text = "\n".join(lines)
    if not index.exists() or index.read_text() != text:
        index.write_text(text)


_write_cli_help()

rst_prolog = """
.. |sklearn_version| replace:: %s
""" % sklearn.__version__
