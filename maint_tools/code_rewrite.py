# SPDX-License-Identifier: BSD-3-Clause
"""Taking code from the package and rewriting it for upstream: the recipe's steps applied.

The library behind ``python -m maint_tools.patches``: :func:`generate` turns
a :class:`~maint_tools.patch_recipe.Define` into upstream source text (the
package's definition renamed, the facts of ``sklearn_slep017._compat``
folded in for the target release, the parameter-path notes left out when
asked), :func:`rewritten_module` does the same for a whole module, and
:func:`apply_step` applies any recipe step to a checkout. :func:`normalised`
is what ``check`` compares: code modulo docstrings, comments and formatting.
Everything works on the source text, not ``ast.unparse``, so that comments
and formatting survive.
"""

import ast
import re
import textwrap
from pathlib import Path

from maint_tools.patch_recipe import (
    CopyModule,
    Define,
    Edit,
    FromSource,
    Replace,
    WriteText,
)
from maint_tools.upstream_tree import (
    PACKAGE_DIR,
    PatchError,
    definition_source,
    find_definition,
    start_line,
)

__all__ = [
    "apply_step",
    "fold_once",
    "generate",
    "normalised",
    "rewritten_module",
    "split_ref",
]


def split_ref(ref):
    """``"<file>:<qualname>"`` as ``(file, qualname)``."""
    path, _, name = ref.partition(":")
    return path, name


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


def fold_once(text, compat, drop_calls):
    """One simplification of ``text`` for a release's facts, or None when none is left.

    An ``if`` or a boolean operand whose value the facts ``compat`` decide
    is folded away, a call to one of ``drop_calls`` dropped. Done on the
    text (not ``ast.unparse``) so that comments and formatting survive.
    """
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
    module, name = split_ref(define.package)
    source = (Path(package_dir) / module).read_text()
    node = find_definition(ast.parse(source), name)
    if node is None:
        raise PatchError("%s: no %s in the package" % (module, name))
    text = definition_source(
        source, node, with_comments=isinstance(node, (ast.Assign, ast.AnnAssign))
    )
    text = _rename(text, series.renames)
    while True:
        folded = fold_once(text, series.compat, series.drop_calls)
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
            % (define.package, ", ".join(left), series.version, "maint_tools.patch_recipe")
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


def normalised(text):
    """Code modulo docstrings, comments and formatting (an ``ast.dump``)."""
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
    path, qualname = split_ref(define.upstream)
    target = Path(root) / path
    text = target.read_text()
    generated = generate(series, define, package_dir)
    node = find_definition(ast.parse(text), qualname)
    depth = qualname.count(".")
    if node is not None:
        if define.keep_docstring:
            generated = _replace_docstring(generated, text, node)
        lines = text.splitlines(keepends=True)
        new = textwrap.indent(generated, "    " * depth)
        text = (
            "".join(lines[: start_line(node) - 1])
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


def rewritten_module(copy, package_dir):
    """The upstream text of a :class:`CopyModule`: rewritten, helpers documented."""
    text = (Path(package_dir) / copy.package).read_text()
    for old, new in copy.rewrites:
        if old not in text:
            raise PatchError("%s: rewrite %r does not apply" % (copy.package, old))
        text = text.replace(old, new)
    for name, docstring in copy.docstrings:
        tree = ast.parse(text)
        node = find_definition(tree, name)
        if node is None:
            raise PatchError("%s: no %s to document" % (copy.package, name))
        lines = text.splitlines(keepends=True)
        start, end = start_line(node) - 1, node.end_lineno
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


def apply_step(root, series, step, package_dir, patches_dir):
    """Apply one recipe step of ``series`` to the checkout ``root``.

    Parameters
    ----------
    root : path-like
        The checkout (see :func:`maint_tools.upstream_tree.pristine_checkout`).
    series : Series
        The series the step belongs to.
    step : Define, CopyModule, Edit, Replace, FromSource or WriteText
        The step.
    package_dir : path-like
        Where to read the package's modules.
    patches_dir : path-like
        The ``patches/`` folder, whose ``src/`` holds the hand-written parts.
    """
    root = Path(root)
    if isinstance(step, Define):
        _apply_define(root, series, step, package_dir)
    elif isinstance(step, CopyModule):
        (root / step.upstream).write_text(rewritten_module(step, package_dir))
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
        path, qualname = split_ref(step.upstream)
        target = root / path
        text = target.read_text()
        node = find_definition(ast.parse(text), qualname)
        if node is None:
            raise PatchError("%s: no %s to replace" % (path, qualname))
        lines = text.splitlines(keepends=True)
        indent = "    " * qualname.count(".")
        start = start_line(node) - 1
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
