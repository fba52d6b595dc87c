"""The patch series tools as single-purpose modules: no import cycle, no private names across them."""

import ast
from pathlib import Path

MAINT_TOOLS = Path(__file__).resolve().parents[2] / "maint_tools"

# The tools of the upstream patch series (issue 27 split them out of one
# patches.py) and the modules they share.
PATCH_TOOLS = {
    "code_rewrite",
    "patch_recipe",
    "patch_review",
    "patches",
    "pr_bench",
    "sdist_fetch",
    "upstream_build",
    "upstream_overlay",
    "upstream_tree",
}


def _imports():
    # {module: [(imported module, names)]} for the imports of maint_tools.*
    found = {}
    for path in sorted(MAINT_TOOLS.glob("*.py")):
        module = path.stem
        found[module] = []
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module == "maint_tools":
                    for alias in node.names:
                        if (MAINT_TOOLS / (alias.name + ".py")).exists():
                            found[module].append((alias.name, ()))
                        else:  # an attribute of the package (NEWEST_SKLEARN)
                            found[module].append(("__init__", (alias.name,)))
                elif node.module.startswith("maint_tools."):
                    target = node.module.split(".", 1)[1]
                    found[module].append((target, tuple(a.name for a in node.names)))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("maint_tools."):
                        found[module].append((alias.name.split(".", 1)[1], ()))
    return found


def test_no_module_imports_private_names_of_another():
    private = [
        (module, target, name)
        for module, imports in _imports().items()
        if module in PATCH_TOOLS
        for target, names in imports
        for name in names
        if name.startswith("_")
    ]
    assert private == []


def test_no_module_is_imported_whole_to_reach_into_it():
    # ``from maint_tools import patches as _patches`` then ``_patches._git``:
    # what one tool takes from another is named in its import.
    whole = [
        (module, target)
        for module, imports in _imports().items()
        if module in PATCH_TOOLS
        for target, names in imports
        if not names
    ]
    assert whole == []


def test_the_patch_tools_are_all_there():
    assert PATCH_TOOLS <= set(_imports())


def test_no_import_cycle():
    graph = {m: {t for t, _ in imports} for m, imports in _imports().items()}
    done, path = set(), []

    def visit(module):
        if module in path:
            raise AssertionError("import cycle: %s" % " -> ".join(path + [module]))
        if module in done:
            return
        path.append(module)
        for target in sorted(graph.get(module, ())):
            visit(target)
        path.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)


def test_the_review_imports_only_the_shared_module_and_the_fetch():
    targets = {t for t, _ in _imports()["patch_review"]}
    assert targets == {"upstream_tree", "sdist_fetch"}
