# SPDX-License-Identifier: BSD-3-Clause
"""``python -m maint_tools.patch_review``: each patch as scikit-learn reviews it.

Every patch of a series is applied in turn to the pristine sources and what it
*adds* (its ``+`` lines) is checked with scikit-learn's own tools, at the
versions and with the settings of the release the series targets:

* ``ruff check`` and ``ruff format`` with upstream's ``pyproject.toml``
  (ruff 0.12.2, as ``sklearn/_min_dependencies.py`` pins it for 1.9);
* ``cython-lint`` on ``.pyx``/``.pxd`` files (upstream's settings, same file);
* numpydoc validation, with the error filter of upstream's
  ``sklearn/tests/test_docstrings.py`` (taken from the pristine tree, not
  copied), of every function, class and method the patch adds or rewrites,
  private ones too;
* the towncrier fragment: one per pull request, in a folder and with a type
  upstream's ``pyproject.toml`` declares, a bullet, no badge (the template
  adds it);
* no name of this project in the patch: not in the code, the comments, the
  commit message or the author (:data:`PROJECT_NAMES`);
* a title starting with one of upstream's prefixes, matching the type of
  the fragment (:data:`TITLE_PREFIXES`).

For the 1.2.2 backport record, which predates ruff, the tools are 1.2.2's:
flake8 3.8.2 and black 22.3.0, as its ``sklearn/_min_dependencies.py`` pins
them, with its ``setup.cfg`` and ``pyproject.toml`` settings, from an
environment of their own (``.venv-patches-1.2.2``, the ``patches-backport``
dependency group, which ``make patches-check`` installs); when it is missing
the review says so instead of passing silently. numpydoc is not run on
1.2.2 (it needs the release installed).

A finding is printed as ``<patch> <file>:<line> <rule> <message>``; the line
is the file's line in the patched tree (the patch file's own line for the
commit message and for :data:`PROJECT_NAMES`).

``python -m maint_tools.patch_review [--version V]`` reviews every series
(``make patches-check`` runs it after ``python -m maint_tools.patches
check``); exit status 1 on any finding, 2 when a sdist cannot be fetched.
"""

import argparse
import ast
import json
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

from maint_tools.sdist_fetch import FetchError
from maint_tools.upstream_tree import (
    PATCHES_DIR,
    REPO_DIR,
    PatchError,
    build_extensions,
    definition_source,
    find_definition,
    git,
    pristine_checkout,
    release_of,
    series_names,
)

__all__ = [
    "PROJECT_NAMES",
    "TITLE_PREFIXES",
    "Finding",
    "ReviewReport",
    "added_lines",
    "main",
    "name_findings",
    "review",
    "title_findings",
]

# What must never appear in a patch (code, comments, message, author): this
# project's names and phrasing written from its side. Case-insensitive.
PROJECT_NAMES = (
    (r"sklearn[_-]slep017", "the project's name"),
    (r"\bslep017_\w*", "a C symbol or name prefixed with the project's name"),
    (r"_clone_py\b", "the project's reference module"),
    (r"_class_facts\b", "the project's module"),
    (r"\bgenerated (from|by)\b", "provenance belongs in the project's docs"),
    (r"\bupstream's\b", "written from the project's side"),
    (r"\bboth implementations\b", "written from the project's side"),
    (r"\bmirrors `", "written from the project's side"),
    (r"^Origin:", "a DEP-3 origin line"),
)


# Title prefixes scikit-learn's contributing guide asks pull requests for,
# and the changelog type each implies (None: no fragment type is implied).
TITLE_PREFIXES = {
    "API": "api",
    "ENH": "enhancement",
    "FEA": "feature",
    "FIX": "fix",
    "PERF": "efficiency",
    "DOC": None,
    "MNT": None,
    "MAINT": None,
    "TST": None,
    "CI": None,
    "BLD": None,
}


@dataclass(frozen=True)
class Finding:
    """One problem in what a patch adds."""

    patch: str
    path: str
    line: int
    rule: str
    message: str

    def __str__(self):
        return "%s %s:%d %s %s" % (
            self.patch,
            self.path,
            self.line,
            self.rule,
            self.message,
        )


def name_findings(patch_path):
    """Find this project's names in a patch file.

    Context lines (upstream's own text) and removed lines are not looked at;
    the message, the author and every added line are.

    Parameters
    ----------
    patch_path : path-like
        A ``git format-patch`` file.

    Returns
    -------
    findings : list of Finding
        With the patch file's line numbers.
    """
    patch_path = Path(patch_path)
    findings = []
    in_diff = False
    for number, line in enumerate(patch_path.read_text().splitlines(), 1):
        if line.startswith("diff --git "):
            in_diff = True
            continue
        if in_diff and (
            line.startswith((" ", "-", "@@", "index ", "new file", "deleted file"))
            or line.startswith("+++ ")
        ):
            continue
        text = line[1:] if in_diff and line.startswith("+") else line
        for pattern, why in PROJECT_NAMES:
            match = re.search(pattern, text, flags=re.IGNORECASE)
            if match:
                findings.append(
                    Finding(
                        patch_path.name,
                        patch_path.name,
                        number,
                        "NAMES",
                        "%r: %s" % (match.group(0), why),
                    )
                )
    return findings


def added_lines(diff_text):
    """Map each file of a unified diff (``-U0``) to the line numbers it adds.

    Parameters
    ----------
    diff_text : str
        ``git diff -U0`` output.

    Returns
    -------
    added : dict of str to set of int
        Line numbers in the new version of each file; deleted files are left
        out.
    """
    added = {}
    current = None
    for line in diff_text.splitlines():
        if line.startswith("+++ "):
            current = None if line == "+++ /dev/null" else line[len("+++ b/") :]
            if current is not None:
                added.setdefault(current, set())
        elif line.startswith("@@") and current is not None:
            match = re.match(r"@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", line)
            start, count = int(match.group(1)), int(match.group(2) or 1)
            added[current].update(range(start, start + count))
    return added


def _run(args, cwd):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True)


def _tool(name, version=None):
    # A console script: of the release's own tool environment when there is
    # one (``.venv-patches-<version>``, for tools too old to share the
    # project's), else of the running interpreter's environment.
    places = [Path(sys.executable).parent]
    if version is not None:
        places.insert(0, REPO_DIR / (".venv-patches-%s" % version) / "bin")
    for place in places:
        if (place / name).exists():
            return str(place / name)
    return None if version is not None else shutil.which(name)


def _ruff_findings(root, patch, files, added):
    findings = []
    ruff = _tool("ruff")
    if ruff is None:
        return [Finding(patch, "-", 0, "TOOL", "ruff is not installed")]
    result = _run(
        [ruff, "check", "--no-cache", "--output-format=json", "--exit-zero", *files],
        root,
    )
    if result.returncode:
        return [Finding(patch, "-", 0, "TOOL", "ruff check failed: " + result.stderr)]
    for item in json.loads(result.stdout or "[]"):
        path = str(Path(item["filename"]).resolve().relative_to(Path(root).resolve()))
        line = item["location"]["row"]
        if line in added.get(path, ()):
            findings.append(Finding(patch, path, line, item["code"], item["message"]))
    for path in files:
        result = _run([ruff, "format", "--no-cache", "--diff", path], root)
        for match in re.finditer(r"^@@ -(\d+)(?:,(\d+))? ", result.stdout, re.M):
            start, count = int(match.group(1)), int(match.group(2) or 1)
            touched = sorted(added.get(path, set()) & set(range(start, start + count)))
            if touched:
                findings.append(
                    Finding(
                        patch,
                        path,
                        touched[0],
                        "FORMAT",
                        "ruff format would rewrite lines %d-%d"
                        % (start, start + count - 1),
                    )
                )
    return findings


def _cython_lint_findings(root, patch, files, added):
    tool = _tool("cython-lint")
    if tool is None:
        return [Finding(patch, "-", 0, "TOOL", "cython-lint is not installed")]
    result = _run([tool, *files], root)
    findings = []
    for line in result.stdout.splitlines() + result.stderr.splitlines():
        match = re.match(r"(.+?):(\d+):\d+: (\S+) (.*)", line)
        if match:
            path = match.group(1)
            number = int(match.group(2))
            if number in added.get(path, ()):
                findings.append(
                    Finding(patch, path, number, match.group(3), match.group(4))
                )
    return findings


def _module_name(path):
    return path[: -len(".py")].replace("/", ".").removesuffix(".__init__")


def _defined(text, lines):
    """The functions, classes and methods whose ``def``/``class`` line is added.

    Returns ``(qualname, kind, line)`` with kind ``"function"``, ``"class"``
    or ``"method"``; nested functions (not importable) are left out.
    """
    out = []
    for node in ast.parse(text).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.lineno in lines:
                out.append((node.name, "function", node.lineno))
        elif isinstance(node, ast.ClassDef):
            if node.lineno in lines:
                out.append((node.name, "class", node.lineno))
            for item in node.body:
                if (
                    isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and item.lineno in lines
                ):
                    out.append(
                        ("%s.%s" % (node.name, item.name), "method", item.lineno)
                    )
    return out


# Run in a subprocess with the installed scikit-learn of the release: the
# patched modules are executed from the patched tree over it, then numpydoc
# validates each object and upstream's own filter_errors (extracted from the
# pristine test_docstrings.py) drops what upstream does not enforce.
_VALIDATE = r"""
import importlib.util, json, sys
root, modules, objects, filter_source = json.loads(sys.stdin.read())
namespace = {}
exec(filter_source, namespace)
filter_errors = namespace["filter_errors"]
import sklearn  # the installed release
for name, path in modules:
    spec = importlib.util.spec_from_file_location(name, root + "/" + path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    setattr(sys.modules[parent], child, module)
from numpydoc.validate import validate
out = []
for module, qualname, kind, line in objects:
    try:
        result = validate(module + "." + qualname)
    except Exception as exc:
        out.append((module, qualname, line, [("IMPORT", repr(exc))]))
        continue
    obj = sys.modules[module]
    for part in qualname.split(".")[:-1]:
        obj = getattr(obj, part)
    if kind == "method":
        errors = filter_errors(result["errors"], qualname.split(".")[-1], Klass=obj)
    elif kind == "class":
        errors = filter_errors(result["errors"], None, Klass=getattr(obj, qualname))
    else:
        errors = filter_errors(result["errors"], method="function")
    out.append((module, qualname, line, list(errors)))
print(json.dumps(out))
"""


def _filter_source(root):
    # Upstream's filter_errors, from the pristine tree's test_docstrings.py.
    path = Path(root) / "sklearn" / "tests" / "test_docstrings.py"
    text = path.read_text()
    node = find_definition(ast.parse(text), "filter_errors")
    if node is None:
        return None
    return textwrap.dedent(definition_source(text, node, with_comments=False))


def _defined_pyx(text, lines):
    """The Python-visible functions and classes of a ``.pyx`` whose line is added.

    ``def`` functions and ``cdef class`` classes at module level, as
    ``(qualname, kind, line)`` (``cdef`` functions are not importable).
    """
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        match = re.match(r"(def|cdef class|class) (\w+)\b", line)
        if match and number in lines:
            kind = "function" if match.group(1) == "def" else "class"
            out.append((match.group(2), kind, number))
    return out


def _numpydoc_findings(root, patch, changed, added, filter_source):
    modules, objects = [], []
    for path in changed:
        if not path.startswith("sklearn/") or "/tests/" in path:
            continue
        if path.endswith(".pyx"):
            # Compiled in place with scikit-learn's directives, then loaded
            # like the patched Python modules.
            module = path[: -len(".pyx")].replace("/", ".")
            try:
                (built,) = build_extensions([Path(root) / path])
            except (subprocess.CalledProcessError, PatchError) as exc:
                return [Finding(patch, path, 0, "BUILD", "does not compile: %s" % exc)]
            modules.append((module, str(built.relative_to(root))))
            text = (Path(root) / path).read_text()
            for qualname, kind, line in _defined_pyx(text, added.get(path, set())):
                objects.append((module, qualname, kind, line, path))
            continue
        if not path.endswith(".py"):
            continue
        module = _module_name(path)
        modules.append((module, path))
        text = (Path(root) / path).read_text()
        for qualname, kind, line in _defined(text, added.get(path, set())):
            objects.append((module, qualname, kind, line, path))
    if not objects:
        return []
    # New modules first: the changed ones import them.
    import sklearn

    installed = Path(sklearn.__file__).parent.parent
    modules.sort(key=lambda item: (installed / item[1]).exists())
    payload = json.dumps([str(root), modules, [o[:4] for o in objects], filter_source])
    result = subprocess.run(
        [sys.executable, "-c", _VALIDATE],
        input=payload,
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
    )
    if result.returncode:
        return [
            Finding(
                patch,
                "-",
                0,
                "TOOL",
                "numpydoc validation failed: %s"
                % result.stderr.strip().splitlines()[-1:],
            )
        ]
    paths = {(o[0], o[1]): o[4] for o in objects}
    findings = []
    for module, qualname, line, errors in json.loads(result.stdout):
        for code, message in errors:
            findings.append(
                Finding(
                    patch,
                    paths[(module, qualname)],
                    line,
                    code,
                    "%s: %s" % (qualname, message),
                )
            )
    return findings


def _towncrier_config(root):
    import tomllib

    data = tomllib.loads((Path(root) / "pyproject.toml").read_text())
    config = data.get("tool", {}).get("towncrier")
    if not config:
        return None
    types = {t["directory"]: t["name"] for t in config.get("type", [])}
    sections = {s["path"] for s in config.get("section", [])}
    return config["directory"], types, sections


def title_findings(patch_path, fragment=None):
    """Check a patch's title against upstream's pull request title prefixes.

    Parameters
    ----------
    patch_path : path-like
        A ``git format-patch`` file.
    fragment : str or None, default=None
        The changelog fragment the patch adds, whose type must match the
        prefix (``PERF`` efficiency, ``ENH`` enhancement, ``FIX`` fix ...).

    Returns
    -------
    findings : list of Finding
    """
    patch_path = Path(patch_path)
    for number, line in enumerate(patch_path.read_text().splitlines(), 1):
        if line.startswith("Subject: "):
            title = re.sub(r"^Subject: (\[PATCH[^\]]*\] )?", "", line)
            prefix = title.split(" ", 1)[0]
            if prefix not in TITLE_PREFIXES:
                return [
                    Finding(
                        patch_path.name,
                        patch_path.name,
                        number,
                        "TITLE",
                        "%r does not start with one of %s"
                        % (title, ", ".join(sorted(TITLE_PREFIXES))),
                    )
                ]
            expected = TITLE_PREFIXES[prefix]
            if fragment is not None and expected is not None:
                kind = fragment.rsplit("/", 1)[-1].split(".")[-2]
                if kind != expected and not (prefix == "ENH" and kind == "feature"):
                    return [
                        Finding(
                            patch_path.name,
                            fragment,
                            1,
                            "CHANGELOG",
                            "a %s pull request's fragment is .%s.rst, not .%s.rst"
                            % (prefix, expected, kind),
                        )
                    ]
            return []
    return [Finding(patch_path.name, patch_path.name, 0, "TITLE", "no Subject line")]


def _towncrier_findings(root, patch, added, config):
    directory, types, sections = config
    fragments = [p for p in added if p.startswith(directory + "/")]
    fragments = [p for p in fragments if not p.endswith(("README.md", ".jinja2"))]
    if len(fragments) != 1:
        return [
            Finding(
                patch,
                directory,
                0,
                "CHANGELOG",
                "a pull request adds one towncrier fragment, this patch adds %d"
                % len(fragments),
            )
        ]
    path = fragments[0]
    findings = []
    section, _, name = path[len(directory) + 1 :].rpartition("/")
    parts = name.split(".")
    if section not in sections:
        findings.append(
            Finding(patch, path, 1, "CHANGELOG", "no changelog section %r" % section)
        )
    if len(parts) != 3 or parts[2] != "rst" or parts[1] not in types:
        findings.append(
            Finding(
                patch,
                path,
                1,
                "CHANGELOG",
                "name it <PR number>.<type>.rst, type one of %s" % sorted(types),
            )
        )
    if not parts[0].isdigit():
        findings.append(
            Finding(
                patch,
                path,
                0,
                "NOTE",
                "placeholder %r: rename to the pull request's number once opened"
                % parts[0],
            )
        )
    text = (Path(root) / path).read_text()
    if not text.startswith("- "):
        findings.append(Finding(patch, path, 1, "CHANGELOG", "not a bullet point"))
    for number, line in enumerate(text.splitlines(), 1):
        for badge in types.values():
            if badge and badge in line:
                findings.append(
                    Finding(
                        patch,
                        path,
                        number,
                        "CHANGELOG",
                        "%s: the template adds the badge" % badge,
                    )
                )
    return findings


def _flake8_black_findings(root, patch, files, added, version):
    findings = []
    flake8, black = _tool("flake8", version), _tool("black", version)
    if flake8 is None or black is None:
        return None
    result = _run([flake8, *files], root)
    for line in result.stdout.splitlines():
        match = re.match(r"(.+?):(\d+):\d+: (\S+) (.*)", line)
        if match and int(match.group(2)) in added.get(match.group(1), ()):
            findings.append(
                Finding(
                    patch,
                    match.group(1),
                    int(match.group(2)),
                    match.group(3),
                    match.group(4),
                )
            )
    for path in files:
        result = _run([black, "--diff", "--quiet", path], root)
        for match in re.finditer(r"^@@ -(\d+)(?:,(\d+))? ", result.stdout, re.M):
            start, count = int(match.group(1)), int(match.group(2) or 1)
            touched = sorted(added.get(path, set()) & set(range(start, start + count)))
            if touched:
                findings.append(
                    Finding(
                        patch,
                        path,
                        touched[0],
                        "BLACK",
                        "black would rewrite lines %d-%d" % (start, start + count - 1),
                    )
                )
    return findings


@dataclass
class ReviewReport:
    """What ``review`` found for one series."""

    version: str
    findings: list
    notes: list

    @property
    def ok(self):
        return not self.findings

    def lines(self):
        out = ["scikit-learn %s: review" % self.version]
        out.extend("  note: " + note for note in self.notes)
        out.extend(str(finding) for finding in self.findings)
        out.append(
            "  %d finding%s"
            % (len(self.findings), "" if len(self.findings) == 1 else "s")
        )
        return out


def review(version, patches_dir=PATCHES_DIR, workdir=None):
    """Review each patch of a series with scikit-learn's own tools.

    Parameters
    ----------
    version : str
        A series (a release, or ``"main"``).
    patches_dir : path-like, default=the repository's ``patches/``
    workdir : path-like or None, default=None
        Scratch space; a temporary directory when None.

    Returns
    -------
    report : ReviewReport
        Every finding on what the patches add; ``report.ok`` when none.
    """
    folder = Path(patches_dir) / version
    names = series_names(version, patches_dir)
    findings, notes = [], []
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        root = pristine_checkout(version, Path(tmp) / "src")
        has_ruff = "[tool.ruff]" in (root / "pyproject.toml").read_text()
        towncrier = _towncrier_config(root) if version != "1.2.2" else None
        filter_source = _filter_source(root)
        import sklearn

        base = release_of(version)
        numpydoc = filter_source is not None and sklearn.__version__ == base
        if filter_source is None:
            notes.append("no filter_errors in test_docstrings.py: numpydoc skipped")
        elif not numpydoc:
            notes.append(
                "numpydoc skipped: the installed scikit-learn is %s, not %s"
                % (sklearn.__version__, base)
            )
        changed_so_far = []
        for name in names:
            patch = str((folder / name).resolve())
            findings.extend(name_findings(patch))
            result = git(root, "apply", "--index", patch, check=False)
            if result.returncode:
                findings.append(Finding(name, "-", 0, "APPLY", result.stderr.strip()))
                break
            git(root, "commit", "--quiet", "--no-verify", "-m", name)
            # the diff algorithm of the patch files (``--histogram``)
            diff = git(
                root, "diff", "--histogram", "-U0", "HEAD~1", "HEAD"
            ).stdout
            added = added_lines(diff)
            for path in added:
                if path not in changed_so_far:
                    changed_so_far.append(path)
            py = [p for p in added if p.endswith(".py")]
            pyx = [p for p in added if p.endswith((".pyx", ".pxd"))]
            if has_ruff:
                if py:
                    findings.extend(_ruff_findings(root, name, py, added))
                if pyx:
                    findings.extend(_cython_lint_findings(root, name, pyx, added))
            else:
                found = (
                    _flake8_black_findings(root, name, py, added, version) if py else []
                )
                if found is None:
                    notes.append(
                        "%s: flake8/black of %s not installed: not checked by them"
                        % (name, version)
                    )
                else:
                    findings.extend(found)
            if numpydoc:
                findings.extend(
                    _numpydoc_findings(root, name, changed_so_far, added, filter_source)
                )
            if towncrier is not None:
                findings.extend(_towncrier_findings(root, name, added, towncrier))
                fragments = [p for p in added if p.startswith(towncrier[0] + "/")]
                findings.extend(
                    title_findings(patch, fragments[0] if len(fragments) == 1 else None)
                )
        if towncrier is not None:
            findings.extend(_towncrier_draft_findings(root, names[-1]))
    notes.extend(
        "%s %s: %s" % (f.patch, f.path, f.message) for f in findings if f.rule == "NOTE"
    )
    findings = [f for f in findings if f.rule != "NOTE"]
    return ReviewReport(version, findings, notes)


def _towncrier_draft_findings(root, patch):
    # The changelog as towncrier renders it from every fragment: each entry
    # starts with exactly one badge (the template's).
    tool = _tool("towncrier")
    if tool is None:
        return [Finding(patch, "-", 0, "TOOL", "towncrier is not installed")]
    result = _run([tool, "build", "--draft", "--version", "0.0.0"], root)
    if result.returncode:
        return [
            Finding(
                patch,
                "-",
                0,
                "CHANGELOG",
                "towncrier build --draft failed: " + result.stderr.strip()[-300:],
            )
        ]
    findings = []
    for line in result.stdout.splitlines():
        if re.match(
            r"- \|\w+\| .*\|(MajorFeature|Feature|Efficiency|Enhancement|Fix|API)\|",
            line,
        ):
            findings.append(
                Finding(patch, "towncrier draft", 0, "CHANGELOG", "two badges: " + line)
            )
    return findings


def main(argv=None):
    """Command line: ``python -m maint_tools.patch_review [--version V]``.

    Parameters
    ----------
    argv : list of str or None, default=None
        The arguments; None means ``sys.argv[1:]``.

    Returns
    -------
    status : int
        0 when no series has a finding, 1 when one has, 2 when a sdist cannot
        be fetched or a series cannot be set up.
    """
    parser = argparse.ArgumentParser(
        prog="python -m maint_tools.patch_review",
        description="scikit-learn's own checks (ruff, ruff format, cython-lint, "
        "numpydoc, towncrier, no project names) on what each patch adds",
    )
    parser.add_argument(
        "--version",
        dest="versions",
        action="append",
        help="a series (repeatable; default: every folder of --patches-dir "
        "with a series file)",
    )
    parser.add_argument(
        "--patches-dir",
        type=Path,
        default=PATCHES_DIR,
        help="the patches/ folder (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    versions = args.versions or sorted(
        path.parent.name for path in args.patches_dir.glob("*/series")
    )
    for version in versions:
        if not (args.patches_dir / version / "series").is_file():
            parser.error("no series %s in %s" % (version, args.patches_dir))
    status = 0
    for version in versions:
        try:
            report = review(version, args.patches_dir)
        except (FetchError, PatchError) as exc:
            print("scikit-learn %s: %s" % (version, exc), file=sys.stderr)
            status = 2
            continue
        print("\n".join(report.lines()))
        if not report.ok:
            status = max(status, 1)
    print("patches review: %s" % ("ok" if status == 0 else "FAILED"))
    return status


if __name__ == "__main__":
    sys.exit(main())
