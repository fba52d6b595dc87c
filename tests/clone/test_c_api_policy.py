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
* rule 6's two exceptions, each accepted in the shim header only and only
  behind its version guard: ``PyUnstable_Type_AssignVersionTag`` (the
  documented unstable tier beside the type watchers) in a branch compiled
  for 3.12 and later (``#if PY_VERSION_HEX >= 0x030C0000``), and a type's
  version tag (``tp_version_tag``, ``Py_TPFLAGS_VALID_VERSION_TAG``) in a
  branch compiled for 3.11 alone (``PY_VERSION_HEX >= 0x030B0000 &&
  PY_VERSION_HEX < 0x030C0000``); anywhere else they are refused;
* a ``# cython: freethreading_compatible`` directive in a source: the
  module is declared in one place, the build (``setup.py``'s compiler
  directives), where the next rule looks.

The declaration ``freethreading_compatible=True`` in the build is a promise
that the module is safe without the GIL. It is accepted only when the code
keeps the rule that makes it so (``docs/compiled_core.rst``, "Free
threading"): what other threads may change is read with a reference of its
own. No borrowed read of a container's item (``PyList_GET_ITEM``,
``PyList_GetItem``, ``PySequence_Fast_GET_ITEM``/``_ITEMS``,
``PyDict_GetItem``/``GetItemString``/``GetItemWithError``, ``PyDict_Next``,
``PyWeakref_GetObject``/``GET_OBJECT``) anywhere but in a header branch
compiled only below CPython 3.13, the first with a free-threaded build (where
the GIL is always there); and the build must require a Cython that knows the
directive (3.1 or later). The run on a free-threaded interpreter that the
declaration rests on is recorded in that page, and repeated by ``make
test-freethreaded``; this module checks the code, not the record.

Comments are not code: C comments (``/* */``, ``//``) and Python comments are
ignored, so the sources may say what they replaced. Docstrings are not
stripped (in a ``.pyx`` they cannot be told from verbatim C blocks).

The scanner is tested on its own first: snippets that must be refused and
shims that must be accepted, and the compiled clone as it was before the
rewrite of issue 15 (``git show``), which it must refuse; so is the
free-threading rule, on snippets it must refuse and shims it must accept.
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
    r"|PyWeakref_GetObject|PyDict_GetItem|PyDict_GetItemString)\b"
)
# Rule 6's exceptions, and the guard each needs (the condition of the branch
# it is in, in a header).
ASSIGN_TAG = "PyUnstable_Type_AssignVersionTag"
VERSION_TAG = re.compile(r"\b(tp_version_tag|Py_TPFLAGS_VALID_VERSION_TAG)\b")
FROM_3_12 = re.compile(r"^\(?\s*PY_VERSION_HEX\s*>=\s*0x030C0000\s*\)?$")
ONLY_3_11 = re.compile(
    r"^\(?\s*PY_VERSION_HEX\s*>=\s*0x030B0000\s*&&\s*PY_VERSION_HEX\s*<\s*0x030C0000\s*\)?$"
)
# Borrowed reads of an item of a container another thread may change: refused
# when the module is declared free-threading compatible, except in a header
# branch compiled only below FREE_THREADED_FROM.
BORROWED = re.compile(
    r"\b(PyList_GET_ITEM|PyList_GetItem|PySequence_Fast_GET_ITEM|PySequence_Fast_ITEMS"
    r"|PyDict_GetItem|PyDict_GetItemString|PyDict_GetItemWithError|PyDict_Next"
    r"|PyWeakref_GetObject|PyWeakref_GET_OBJECT)\b"
)
# CPython 3.13: the first release with a free-threaded build.
FREE_THREADED_FROM = 0x030D0000
DIRECTIVE = re.compile(r"^\s*#\s*cython\s*:.*\bfreethreading_compatible\b", re.M)
BUILD_DIRECTIVE = re.compile(r"""["']?freethreading_compatible["']?\s*[:=]\s*True""")

_VERSION = r"PY_VERSION_HEX\s*{op}\s*0x[0-9A-Fa-f]+"
OLDER = re.compile(_VERSION.format(op="<") + r"|0x[0-9A-Fa-f]+\s*>\s*PY_VERSION_HEX")
BELOW = re.compile(
    r"PY_VERSION_HEX\s*<\s*(0x[0-9A-Fa-f]+)|(0x[0-9A-Fa-f]+)\s*>\s*PY_VERSION_HEX"
)
AT_LEAST = re.compile(r"PY_VERSION_HEX\s*>=\s*(0x[0-9A-Fa-f]+)")
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


def _ceiling(condition):
    """The version every Python compiling a branch under ``condition`` is
    below (None: none known). Only a condition without ``||`` bounds it."""
    if "||" in condition:
        return None
    bounds = [int(a or b, 16) for a, b in BELOW.findall(condition)]
    return min(bounds) if bounds else None


def _min(*values):
    values = [v for v in values if v is not None]
    return min(values) if values else None


def _guarded_lines(code, kind):
    """Each line of ``code`` that is not a preprocessor directive, with the
    branches it is in.

    Yields ``(number, line, in_shim, guards, ceiling)``: whether the line is
    in a shim for older Pythons (a header branch compiled only below some
    ``PY_VERSION_HEX``), the conditions of the branches it is in, and the
    version every Python compiling it is below (None: no bound known). Shims
    are recognised in headers only: elsewhere, no shim, no guard, no bound.
    """
    # Each open #if: [conditions seen in this chain, whether the current
    # branch is compiled only for older Pythons, the current branch's own
    # condition (None for #else and #ifdef), the current branch's ceiling].
    stack = []
    for number, line in enumerate(code.split("\n"), 1):
        directive = PREPROCESSOR.match(line)
        if directive:
            word, condition = directive.group(1), directive.group(2).strip()
            if word in ("if", "ifdef", "ifndef"):
                conditions = [condition] if word == "if" else []
                stack.append([
                    conditions,
                    word == "if" and _condition_older(condition),
                    condition if word == "if" else None,
                    _ceiling(condition) if word == "if" else None,
                ])
            elif word in ("elif", "else") and stack:
                conditions = stack[-1][0]
                # Past an exact "PY_VERSION_HEX >= X", every later branch is < X.
                newer = [
                    int(AT_LEAST.search(c).group(1), 16)
                    for c in conditions
                    if EXACTLY_NEWER.match(c)
                ]
                older = bool(newer)
                ceiling = min(newer) if newer else None
                if word == "elif":
                    older = older or _condition_older(condition)
                    ceiling = _min(ceiling, _ceiling(condition))
                    conditions.append(condition)
                stack[-1][1] = older
                stack[-1][2] = condition if word == "elif" else None
                stack[-1][3] = ceiling
            elif word == "endif" and stack:
                stack.pop()
            continue
        if kind != "h":
            yield number, line, False, [], None
            continue
        yield (
            number,
            line,
            any(entry[1] for entry in stack),
            [entry[2] for entry in stack if entry[2] is not None],
            _min(*(entry[3] for entry in stack)),
        )


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
    for number, line, in_shim, guards, _ in _guarded_lines(code, kind):
        for match in PRIVATE.finditer(line):
            if match.group() == ASSIGN_TAG and any(FROM_3_12.match(c) for c in guards):
                continue
            found.append((number, match.group(), "private or unstable CPython API"))
        for match in VERSION_TAG.finditer(line):
            if not any(ONLY_3_11.match(c) for c in guards):
                found.append((number, match.group(), "a type's version tag outside 3.11's shim"))
        if not in_shim:
            for match in DEPRECATED.finditer(line):
                found.append((number, match.group(), "deprecated or borrowed-reference API"))
    return found


def free_threading_violations(text, kind):
    """The borrowed item reads of one source ``text`` that free threading forbids.

    Parameters
    ----------
    text : str
    kind : {"pyx", "pxd", "h"}
        Shims for Pythons before 3.13 are recognised in headers only.

    Returns
    -------
    found : list of (line number, name, reason)
    """
    found = []
    code = strip_comments(text, python=kind in ("pyx", "pxd"))
    for number, line, _, _, ceiling in _guarded_lines(code, kind):
        if ceiling is not None and ceiling <= FREE_THREADED_FROM:
            continue  # compiled only where the GIL is always there
        for match in BORROWED.finditer(line):
            found.append((number, match.group(), "borrowed item read, unsafe without the GIL"))
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
    assert not report, "\n".join(report)


# ---------------------------------------------------------------------------
# The free-threading declaration, and the code it needs.


def declared_in_build():
    """The build files that set ``freethreading_compatible`` to True."""
    return [
        name
        for name in ("setup.py", "pyproject.toml")
        if (ROOT / name).exists()
        and BUILD_DIRECTIVE.search(strip_comments((ROOT / name).read_text(), True))
    ]


def test_free_threading_declaration_is_kept_by_the_code():
    declared = declared_in_build()
    if not declared:
        pytest.skip("the compiled module is not declared free-threading compatible")
    sources = project_sources()
    assert any(p.suffix == ".pyx" for p in sources), "no .pyx found in %s" % PACKAGE
    report = []
    for path in sources:
        for number, name, reason in free_threading_violations(path.read_text(), path.suffix[1:]):
            report.append("%s:%d: %s (%s)" % (path.relative_to(ROOT), number, name, reason))
    assert not report, (
        "%s declare(s) freethreading_compatible=True, but the compiled clone reads "
        "borrowed items outside a shim for Pythons before 3.13:\n%s"
        % (", ".join(declared), "\n".join(report))
    )
    # Older Cython does not know the directive: the build must not get one.
    requires = re.search(r"requires\s*=\s*\[(.*?)\]", (ROOT / "pyproject.toml").read_text(), re.S)
    cython = re.search(r"[\"']Cython\s*>=\s*(\d+)\.(\d+)", requires.group(1))
    assert cython and (int(cython.group(1)), int(cython.group(2))) >= (3, 1), requires.group(1)


def test_build_directive_is_detected():
    assert BUILD_DIRECTIVE.search('compiler_directives={"freethreading_compatible": True}')
    assert BUILD_DIRECTIVE.search("freethreading_compatible=True")
    assert not BUILD_DIRECTIVE.search('{"freethreading_compatible": False}')
    assert not BUILD_DIRECTIVE.search(
        strip_comments('# "freethreading_compatible": True\nx = 1\n', True)
    )


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
    # Rule 6's exceptions, outside their guards.
    ("h", "int ok = PyUnstable_Type_AssignVersionTag(tp);\n", ASSIGN_TAG),
    ("pyx", "cdef extern from *:\n    int PyUnstable_Type_AssignVersionTag(object)\n", ASSIGN_TAG),
    ("h", "#if PY_VERSION_HEX >= 0x030B0000\nPyUnstable_Type_AssignVersionTag(tp);\n#endif\n",
     ASSIGN_TAG),
    ("h", "#if PY_VERSION_HEX >= 0x030C0000\nnew();\n#else\nPyUnstable_Type_AssignVersionTag(tp);\n"
     "#endif\n", ASSIGN_TAG),
    ("h", "#if PY_VERSION_HEX >= 0x030B0000\nreturn tp->tp_version_tag;\n#endif\n", "tp_version_tag"),
    ("h", "#if PY_VERSION_HEX >= 0x030C0000\nreturn tp->tp_version_tag;\n#endif\n", "tp_version_tag"),
    ("pyx", "if t.tp_flags & Py_TPFLAGS_VALID_VERSION_TAG: pass\n", "Py_TPFLAGS_VALID_VERSION_TAG"),
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
    # Rule 6's exceptions, each behind its guard.
    ("h", "#if PY_VERSION_HEX >= 0x030C0000\nreturn PyUnstable_Type_AssignVersionTag(tp);\n#else\n"
     "return 0;\n#endif\n"),
    ("h", "#if PY_VERSION_HEX >= 0x030C0000\nw();\n#elif PY_VERSION_HEX >= 0x030B0000 && "
     "PY_VERSION_HEX < 0x030C0000\nreturn tp->tp_version_tag;\n#endif\n"),
    ("h", "#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000\n"
     "if (!(tp->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG)) return 0;\n#endif\n"),
]


@pytest.mark.parametrize(
    "kind, text", GOOD_SNIPPETS, ids=["good%d-%s" % (i, s[0]) for i, s in enumerate(GOOD_SNIPPETS)]
)
def test_scanner_accepts(kind, text):
    assert violations(text, kind) == []


# The free-threading rule: borrowed item reads outside a shim for Pythons
# before 3.13 (the first with a free-threaded build).
BAD_FREE_THREADING = [
    ("pyx", "cdef PyObject* item = PyList_GET_ITEM(lst, i)\n", "PyList_GET_ITEM"),
    ("pyx", "from cpython.list cimport PyList_GetItem\n", "PyList_GetItem"),
    ("pyx", "while PyDict_Next(d, &pos, &key, &value): pass\n", "PyDict_Next"),
    ("pxd", "cdef extern from *:\n    PyObject** PySequence_Fast_ITEMS(object)\n",
     "PySequence_Fast_ITEMS"),
    ("h", "PyObject *item = PyDict_GetItemWithError(d, k);\n", "PyDict_GetItemWithError"),
    # A shim only counts in a header, not in a .pyx's verbatim C.
    ("pyx", "#if PY_VERSION_HEX < 0x030D0000\nitem = PyList_GetItem(l, i);\n#endif\n",
     "PyList_GetItem"),
    # A shim that 3.13 (free-threaded builds) compiles as well.
    ("h", "#if PY_VERSION_HEX < 0x030E0000\nitem = PyList_GetItem(l, i);\n#endif\n",
     "PyList_GetItem"),
    ("h", "#if PY_VERSION_HEX >= 0x030E0000\nnew();\n#else\nitem = PyList_GetItem(l, i);\n"
     "#endif\n", "PyList_GetItem"),
    ("h", "#if PY_VERSION_HEX >= 0x030D0000\nitem = PySequence_Fast_GET_ITEM(s, i);\n#endif\n",
     "PySequence_Fast_GET_ITEM"),
    ("h", "#if PY_VERSION_HEX < 0x030D0000 || defined(Py_GIL_DISABLED)\n"
     "item = PyList_GetItem(l, i);\n#endif\n", "PyList_GetItem"),
    ("h", "#ifdef Py_GIL_DISABLED\nPyObject *o = PyWeakref_GetObject(r);\n#endif\n",
     "PyWeakref_GetObject"),
    # After the shim's #endif, the rule applies again.
    ("h", "#if PY_VERSION_HEX < 0x030D0000\nold();\n#endif\nitem = PyList_GetItem(l, i);\n",
     "PyList_GetItem"),
]


@pytest.mark.parametrize(
    "kind, text, name", BAD_FREE_THREADING,
    ids=["ft-bad%d-%s" % (i, s[2]) for i, s in enumerate(BAD_FREE_THREADING)],
)
def test_free_threading_rule_refuses(kind, text, name):
    found = free_threading_violations(text, kind)
    assert name in [f[1] for f in found], found


GOOD_FREE_THREADING = [
    ("pyx", "cdef PyObject* found = NULL\nif PyDict_GetItemRef(d, key, &found) < 0: pass\n"),
    ("pyx", "while clone_list_get_ref(lst, i, &item) == 1: pass\n"),
    ("pyx", "n = PyList_Size(lst)\nt = PyTuple_GET_ITEM(tup, 0)\n"),
    ("pyx", "# no PyList_GET_ITEM: another thread may shrink the list\nx = 1\n"),
    ("h", "#if PY_VERSION_HEX >= 0x030D0000\n*result = PyList_GetItemRef(l, i);\n#else\n"
     "item = PyList_GetItem(l, i);\n#endif\n"),
    ("h", "#if PY_VERSION_HEX < 0x030D0000\nitem = PyDict_GetItemWithError(d, k);\n#endif\n"),
    ("h", "#if PY_VERSION_HEX < 0x030C0000\no = PyWeakref_GetObject(r);\n#endif\n"),
    ("h", "#if (PY_VERSION_HEX >= 0x030D0000)\na();\n#elif PY_VERSION_HEX >= 0x030C0000\n"
     "b = PyList_GetItem(l, i);\n#else\nc = PyDict_GetItem(d, k);\n#endif\n"),
    ("h", "#ifndef GUARD\n#if PY_VERSION_HEX < 0x030D0000 && !defined(PYPY_VERSION)\n"
     "#ifdef X\nv = PyDict_GetItemWithError(d, k);\n#endif\n#endif\n#endif\n"),
    ("h", "/* PyList_GET_ITEM was borrowed */\n// so is PyDict_Next\nint x;\n"),
]


@pytest.mark.parametrize(
    "kind, text", GOOD_FREE_THREADING,
    ids=["ft-good%d-%s" % (i, s[0]) for i, s in enumerate(GOOD_FREE_THREADING)],
)
def test_free_threading_rule_accepts(kind, text):
    assert free_threading_violations(text, kind) == []


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
