"""The compiled clone uses CPython's public, current C API only.

Scans the project's own C-level sources -- ``sklearn_slep017/*.pyx``,
``*.pxd`` and ``*.h``, never the generated ``.c`` -- and fails on:

* any private CPython name (``_Py...``) or unstable one (``PyUnstable_...``),
  anywhere: they change or vanish between minor releases;
* deprecated or unsafe API (``PyErr_Fetch``/``PyErr_Restore``/
  ``PyErr_NormalizeException``, ``PyWeakref_GET_OBJECT``/``PyWeakref_GetObject``,
  ``tp_version_tag``, the borrowed, error-swallowing ``PyDict_GetItem`` and
  ``PyDict_GetItemString``), except inside a compatibility shim for older
  Pythons in a ``.h`` header: a branch compiled only below some
  ``PY_VERSION_HEX`` (``#if PY_VERSION_HEX < 0x030D0000`` ... ``#endif``, or
  the ``#else`` / ``#elif`` of an exact ``#if PY_VERSION_HEX >= ...``), where
  the replacement does not exist yet;
* a ``# cython: freethreading_compatible`` directive (or the same directive
  set to True in the build files): the module must stay undeclared until it
  has been run on a free-threaded interpreter.

Comments are not code: C comments (``/* */``, ``//``) and Python comments are
ignored, so the sources may say what they replaced. Docstrings are not
stripped (in a ``.pyx`` they cannot be told from verbatim C blocks).

The scanner is tested on its own first: snippets that must be refused and
shims that must be accepted, and the compiled clone as it was before the
rewrite of issue 15 (``git show``), which it must refuse.
"""

import re
import subprocess

import pytest
from support import ROOT

PACKAGE = ROOT / "sklearn_slep017"

# The last commit of the compiled clone before issue 15's rewrite.
OLD_COMMIT = "5fea970fd5c958e5dacde93bd09025744abe9503"

PRIVATE = re.compile(r"\b_Py[A-Za-z]\w*|\bPyUnstable_\w*")
DEPRECATED = re.compile(
    r"\b(PyErr_Fetch|PyErr_Restore|PyErr_NormalizeException|PyWeakref_GET_OBJECT"
    r"|PyWeakref_GetObject|tp_version_tag|PyDict_GetItem|PyDict_GetItemString)\b"
)
DIRECTIVE = re.compile(r"^\s*#\s*cython\s*:.*\bfreethreading_compatible\b", re.M)
BUILD_DIRECTIVE = re.compile(r"""["']?freethreading_compatible["']?\s*[:=]\s*True""")

_VERSION = r"PY_VERSION_HEX\s*{op}\s*0x[0-9A-Fa-f]+"
OLDER = re.compile(_VERSION.format(op="<") + r"|0x[0-9A-Fa-f]+\s*>\s*PY_VERSION_HEX")
EXACTLY_NEWER = re.compile(r"^\(?\s*" + _VERSION.format(op=">=") + r"\s*\)?$")
PREPROCESSOR = re.compile(r"^\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b(.*)$")
_PY_DIRECTIVES = ("if", "ifdef", "ifndef", "elif", "else", "endif", "define", "undef",
                  "include", "error", "pragma", "warning", "line")


def strip_comments(text, python):
    """Blank out comments, keeping line numbers.

    C comments everywhere (a ``.pyx`` embeds C in verbatim blocks); in a
    ``.pyx`` or ``.pxd`` also Python comments: whole lines starting with
    ``#`` that are not preprocessor directives, and trailing ``  # ...``.
    """
    text = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group()), text, flags=re.S)
    lines = []
    for line in text.split("\n"):
        line = re.sub(r"(^|\s)//.*$", "", line)
        if python:
            stripped = line.lstrip()
            if stripped.startswith("#"):
                word = re.match(r"#\s*(\w*)", stripped).group(1)
                if word not in _PY_DIRECTIVES:
                    line = ""
            else:
                line = re.sub(r"\s\s#\s.*$", "", line)
        lines.append(line)
    return "\n".join(lines)


def _condition_older(condition):
    return "||" not in condition and bool(OLDER.search(condition))


def violations(text, kind):
    """The policy violations of one source ``text``.

    Parameters
    ----------
    text : str
    kind : {"pyx", "pxd", "h"}
        Shims for older Pythons are recognised in headers only.

    Returns
    -------
    found : list of (line number, name, reason)
    """
    found = []
    for match in DIRECTIVE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        found.append((line, "freethreading_compatible", "directive"))
    code = strip_comments(text, python=kind in ("pyx", "pxd"))
    # Each open #if: [conditions seen in this chain, whether the current
    # branch is compiled only for older Pythons].
    stack = []
    for number, line in enumerate(code.split("\n"), 1):
        directive = PREPROCESSOR.match(line)
        if directive:
            word, condition = directive.group(1), directive.group(2).strip()
            if word in ("if", "ifdef", "ifndef"):
                conditions = [condition] if word == "if" else []
                stack.append([conditions, word == "if" and _condition_older(condition)])
            elif word in ("elif", "else") and stack:
                conditions, _ = stack[-1]
                # Past an exact "PY_VERSION_HEX >= X", every later branch is < X.
                older = any(EXACTLY_NEWER.match(c) for c in conditions)
                if word == "elif":
                    older = older or _condition_older(condition)
                    conditions.append(condition)
                stack[-1][1] = older
            elif word == "endif" and stack:
                stack.pop()
            continue
        in_shim = kind == "h" and any(older for _, older in stack)
        for match in PRIVATE.finditer(line):
            found.append((number, match.group(), "private or unstable CPython API"))
        if not in_shim:
            for match in DEPRECATED.finditer(line):
                found.append((number, match.group(), "deprecated or borrowed-reference API"))
    return found


def project_sources():
    return sorted(
        p for pattern in ("*.pyx", "*.pxd", "*.h") for p in PACKAGE.glob(pattern)
    )


def test_sources_use_public_current_c_api_only():
    sources = project_sources()
    assert any(p.suffix == ".pyx" for p in sources), "no .pyx found in %s" % PACKAGE
    report = []
    for path in sources:
        for number, name, reason in violations(path.read_text(), path.suffix[1:]):
            report.append("%s:%d: %s (%s)" % (path.relative_to(ROOT), number, name, reason))
    for name in ("setup.py", "pyproject.toml"):
        path = ROOT / name
        if path.exists() and BUILD_DIRECTIVE.search(strip_comments(path.read_text(), True)):
            report.append("%s: freethreading_compatible set to True" % name)
    assert not report, "\n".join(report)


# ---------------------------------------------------------------------------
# The scanner, tested.

BAD_SNIPPETS = [
    ("pyx", "from cpython.weakref cimport PyWeakref_GET_OBJECT\n", "PyWeakref_GET_OBJECT"),
    ("pyx", "cdef PyObject* found = PyDict_GetItem(d, key)\n", "PyDict_GetItem"),
    ("pyx", 'cdef extern from *:\n    """\n    x = _PyType_Lookup(t, n);\n    """\n', "_PyType_Lookup"),
    ("pyx", "# cython: language_level=3, freethreading_compatible=True\n", "freethreading_compatible"),
    ("pxd", "cdef extern from *:\n    int _PyObject_LookupAttr(object, object, PyObject**)\n",
     "_PyObject_LookupAttr"),
    # A shim only counts in a header, not in a .pyx's verbatim C.
    ("pyx", "#if PY_VERSION_HEX < 0x030D0000\nPyErr_Fetch(&t, &v, &tb);\n#endif\n", "PyErr_Fetch"),
    # Private and unstable names are refused even inside a shim.
    ("h", "#if PY_VERSION_HEX < 0x030C0000\n(void)_PyType_Lookup(tp, name);\n#endif\n",
     "_PyType_Lookup"),
    ("h", "#if PY_VERSION_HEX < 0x030D0000\nPyUnstable_Type_AssignVersionTag(tp);\n#endif\n",
     "PyUnstable_Type_AssignVersionTag"),
    # Deprecated API outside a shim, or in the branch for newer Pythons.
    ("h", "static PyObject *f(PyObject *r) { return PyWeakref_GetObject(r); }\n",
     "PyWeakref_GetObject"),
    ("h", "#if PY_VERSION_HEX >= 0x030D0000\nPyErr_Restore(t, v, tb);\n#else\nx();\n#endif\n",
     "PyErr_Restore"),
    ("h", "#if PY_VERSION_HEX < 0x030D0000\nold();\n#else\nreturn tp->tp_version_tag;\n#endif\n",
     "tp_version_tag"),
    # Not a shim: the #else of a compound condition may be a newer Python.
    ("h", "#if PY_VERSION_HEX >= 0x030D0000 && defined(X)\nnew();\n#else\n"
     "o = PyWeakref_GetObject(r);\n#endif\n", "PyWeakref_GetObject"),
    ("h", "#if PY_VERSION_HEX < 0x030D0000 || defined(Y)\no = PyDict_GetItem(d, k);\n#endif\n",
     "PyDict_GetItem"),
    # After the shim's #endif, the rule applies again.
    ("h", "#if PY_VERSION_HEX < 0x030D0000\nold();\n#endif\nPyErr_Fetch(&t, &v, &tb);\n",
     "PyErr_Fetch"),
]


@pytest.mark.parametrize(
    "kind, text, name", BAD_SNIPPETS, ids=["bad%d-%s" % (i, s[2]) for i, s in enumerate(BAD_SNIPPETS)]
)
def test_scanner_refuses(kind, text, name):
    assert name in [found[1] for found in violations(text, kind)], violations(text, kind)


GOOD_SNIPPETS = [
    ("pyx", "cdef PyObject* found = NULL\nif PyDict_GetItemRef(d, key, &found) < 0: pass\n"),
    ("pyx", "found = PyDict_GetItemWithError(d, key)\n"),
    ("pyx", "# Replaces PyErr_Fetch and _PyType_Lookup, which were private.\nx = 1\n"),
    ("pyx", "x = 1  # no PyWeakref_GET_OBJECT any more\n"),
    ("pyx", "cdef extern from *:\n    '''\n    /* not _PyType_Lookup, not tp_version_tag */\n    '''\n"),
    ("pyx", "# cython: language_level=3, binding=True\n"),
    ("pyx", "__Pyx_RaiseTooManyValues(1)\n"),
    ("h", "#if PY_VERSION_HEX < 0x030D0000\nobj = PyWeakref_GetObject(ref);\n#endif\n"),
    ("h", "#if PY_VERSION_HEX >= 0x030D0000\nPyWeakref_GetRef(r, &o);\n#else\n"
     "o = PyWeakref_GetObject(r);\n#endif\n"),
    ("h", "#if (PY_VERSION_HEX >= 0x030D0000)\na();\n#elif PY_VERSION_HEX >= 0x030C0000\n"
     "PyErr_Fetch(&t, &v, &tb);\n#else\nPyErr_Restore(t, v, tb);\n#endif\n"),
    ("h", "#ifndef GUARD\n#if PY_VERSION_HEX < 0x030D0000 && !defined(PYPY_VERSION)\n"
     "#ifdef X\nv = PyDict_GetItem(d, k);\n#endif\n#endif\n#endif\n"),
    ("h", "/* PyErr_Fetch is deprecated since 3.12 */\n// so is PyErr_Restore\nint x;\n"),
]


@pytest.mark.parametrize(
    "kind, text", GOOD_SNIPPETS, ids=["good%d-%s" % (i, s[0]) for i, s in enumerate(GOOD_SNIPPETS)]
)
def test_scanner_accepts(kind, text):
    assert violations(text, kind) == []


# Verbatim from the compiled clone before issue 15's rewrite: every line the
# policy forbids, in its original context.
OLD_EXCERPT = r'''
from cpython.dict cimport PyDict_Copy, PyDict_GetItem, PyDict_Next, PyDict_SetItem
from cpython.weakref cimport PyWeakref_GET_OBJECT

cdef extern from *:
    """
    static unsigned int slep017_version_tag(PyObject *type, PyObject *name) {
        PyTypeObject *tp = (PyTypeObject *)type;
    #if PY_VERSION_HEX >= 0x030C0000
        if (tp->tp_version_tag == 0) {
            (void)PyUnstable_Type_AssignVersionTag(tp);
        }
        return tp->tp_version_tag;
    #else
        if (!PyType_HasFeature(tp, Py_TPFLAGS_VALID_VERSION_TAG)) {
            (void)_PyType_Lookup(tp, name);
        }
        return tp->tp_version_tag;
    #endif
    }
    static int slep017_note(PyObject *note, PyObject *a, PyObject *b) {
        PyObject *type, *value, *traceback;
        PyErr_Fetch(&type, &value, &traceback);
        PyErr_NormalizeException(&type, &value, &traceback);
        PyErr_Restore(type, value, traceback);
        return -1;
    }
    """
'''


def test_scanner_refuses_the_old_compiled_clone_excerpt():
    names = {found[1] for found in violations(OLD_EXCERPT, "pyx")}
    assert {
        "PyDict_GetItem",
        "PyWeakref_GET_OBJECT",
        "tp_version_tag",
        "PyUnstable_Type_AssignVersionTag",
        "_PyType_Lookup",
        "PyErr_Fetch",
        "PyErr_NormalizeException",
        "PyErr_Restore",
    } <= names, names


def test_scanner_refuses_the_old_compiled_clone_from_git():
    """``git show`` of the .pyx before the rewrite: refused, for every reason."""
    try:
        old = subprocess.run(
            ["git", "show", "%s:sklearn_slep017/_clone_c.pyx" % OLD_COMMIT],
            cwd=str(ROOT),
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip("git is not available: %s" % exc)
    if old.returncode != 0:
        pytest.skip("commit %s is not in this clone: %s" % (OLD_COMMIT[:10], old.stderr.strip()))
    names = {found[1] for found in violations(old.stdout, "pyx")}
    for expected in (
        "_PyType_Lookup",
        "_PyObject_LookupAttr",
        "_PyObject_GetMethod",
        "PyUnstable_Type_AssignVersionTag",
        "PyErr_Fetch",
        "PyErr_Restore",
        "PyWeakref_GET_OBJECT",
        "tp_version_tag",
        "PyDict_GetItem",
    ):
        assert expected in names, (expected, sorted(names))
