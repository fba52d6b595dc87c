# SPDX-License-Identifier: BSD-3-Clause
"""Inputs of the differential clone fuzzer: bytes to a case, a case to outcomes.

The fuzzer (``maint_tools/fuzz_clone.py``, atheris) and the corpus replay
test (``tests/clone/test_fuzz_corpus.py``) share this module, which never
imports atheris: the same bytes decode to the same case in both.

A *case* is plain data (tuples, lists, dicts of numbers and strings), built
by :func:`decode` from any bytes: classes (estimator classes with generated
constructors, ``get_params``, ``_get_param_names`` and ``__sklearn_clone__``
overrides, ``__getattr__``, properties named like parameters, ``__slots__``,
class attributes shadowing parameters, metaclasses, fresh base classes), a
tree of values (estimators, pipelines, nested containers, numpy values,
objects with a ``__deepcopy__``), and steps: clones (``clone`` or
``clone_parametrized``, ``safe`` True or False, of the root, an instance or
the last clone), mutations between clones, and mutations armed to fire
*during* the next clone, from a constructor, a ``__deepcopy__``, a
``__sklearn_clone__``, a ``get_params`` or a metaclass's ``__call__``.

:func:`run_case` builds a fresh *world* from a case (every class, function
and code object made anew, so that no per-class fact of an earlier run can
serve this one) and runs its steps with one implementation; it returns one
record per step. :func:`compare` runs the case with upstream's clone and
with each of ours, and returns the differences. Results are described with
the differential tests' own yardstick (``tests/support.py``: ``outcome``,
``structure``, ``identities``), with the world's classes named instead of
compared by identity (each world has its own) and memory addresses removed
from messages.

Only the world's own classes are ever mutated: never ``BaseEstimator`` nor
any class of scikit-learn, so that runs stay independent.

Why one module of over a thousand lines: the decoder and the world builder
must read the same bytes the same way in the fuzzer and in the corpus
replay; split, a change to one grammar rule would have to be made in step
in several files, and a saved corpus would silently mean other cases.
"""

import collections
import copy
import inspect
import math
import pprint
import re
import sys
from pathlib import Path

import numpy as np
import sklearn.base
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

__all__ = [
    "IMPLEMENTATIONS",
    "Mismatch",
    "check",
    "compare",
    "decode",
    "format_case",
    "load_implementation",
    "run_case",
]

# The module name of every class a world makes: how the comparison tells the
# world's classes (named) from scikit-learn's (compared as they are).
MODULE = "fuzzworld"
PARAM_POOL = ("a", "b", "c", "d")
# Rare parameter names that shadow what clone reads on an instance.
ODD_PARAMS = ("get_params", "_get_param_names", "__sklearn_clone__")
TESTS = Path(__file__).resolve().parent.parent / "tests"
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+|0x[0-9a-fA-F]{6,}")

# Limits that keep one input to milliseconds.
MAX_CLASSES = 4
MAX_DEPTH = 3
MAX_ITEMS = 3
MAX_STEPS = 6


def _support():
    # The differential tests' comparators (tests/support.py); importable
    # as ``support`` under pytest, from the checkout's tests/ otherwise.
    try:
        import support
    except ImportError:
        sys.path.insert(0, str(TESTS))
        import support
    return support


# ---------------------------------------------------------------------------
# Bytes to a case.


class Reader:
    """Consume fuzzer bytes as small choices; zeros once they run out.

    Parameters
    ----------
    data : bytes
        The fuzzer's input.
    """

    def __init__(self, data):
        self.data = bytes(data)
        self.pos = 0

    def below(self, n):
        """An integer in ``range(n)`` from the next byte (0 when exhausted)."""
        if self.pos >= len(self.data):
            return 0
        b = self.data[self.pos]
        self.pos += 1
        return b % n

    def choice(self, options):
        """One of ``options``, the first when the input is exhausted."""
        return options[self.below(len(options))]

    def chance(self, out_of):
        """True one time in ``out_of`` (False when exhausted)."""
        return self.below(out_of) == out_of - 1


ATOMS = [
    ("none",), ("int", 1), ("int", 0), ("int", 2 ** 70), ("float", 1.5),
    ("float", "nan"), ("float", "inf"), ("str", "x"), ("str", ""), ("bool", True),
    ("bytes", b"raw"), ("complex", 1.0), ("np_float", 2.5), ("np_int", 7),
    ("np_bool", True), ("np_float", "nan"), ("func",), ("ellipsis",),
]
# Set members: hashable atoms whose hash is the same in every world (a nan's
# hash is its address since Python 3.10: a set holding two would iterate, and
# print, in an order that differs from one world to the next).
SET_ATOMS = [atom for atom in ATOMS[:11] if atom != ("float", "nan")]
DEEPCOPY_KINDS = ("hook", "default", "self", "raise")
INIT_STORES = ("store", "store", "store", "copy", "skip", "private", "const")
GET_PARAMS_KINDS = ("none", "base", "subset", "extra", "vars", "raise", "not_callable")
PARAM_NAMES_KINDS = ("none", "hook", "reverse", "subset", "fixed", "raise")
SKLEARN_CLONE_KINDS = ("none", "none", "super", "cp", "self", "new", "null", "raise", "list")
GETATTR_KINDS = ("none", "none", "raise", "invent_params", "invent_probes")
PROPERTY_KINDS = ("backed", "copying", "readonly", "constant")
META_KINDS = ("plain", "call_hook", "call_tag", "eq_raise")
METHOD_NAMES = ("get_params", "_get_param_names", "__sklearn_clone__", "__getattr__")
INSTANCE_ATTRS = (
    "get_params", "__sklearn_clone__", "_get_param_names", "_sklearn_output_config",
    "_skl_callbacks", "_metadata_request", "param",
)
# What a mutation does (set_method twice: it has the most variants).
MUTATIONS = (
    "replace_init", "init_code", "init_defaults", "init_kwdefaults", "init_signature",
    "init_wrapped", "set_method", "set_method", "del_method", "bases",
    "instance_class", "property", "class_attr", "del_class_attr", "inst_attr",
    "del_inst_attr", "meta_call", "del_meta_call",
)
# Where an armed mutation fires: any user code, or one kind of it.
SITES = ("any", "init", "deepcopy", "get_params", "sklearn_clone", "meta_call", "param_names")


def _params_of(classes, index):
    """The constructor parameters a class spec ends up with (own or inherited)."""
    seen = 0
    while index is not None and seen < 10:
        spec = classes[index]
        if spec["init"] is not None:
            return spec["init"]
        parent = spec["parent"]
        index = parent[1] if parent[0] == "class" else None
        seen += 1
    return None


def _decode_init(r):
    params = []
    for name in PARAM_POOL[: r.below(len(PARAM_POOL) + 1)]:
        if r.chance(24):
            name = r.choice(ODD_PARAMS)
            if any(p[0] == name for p in params):
                continue
        kind = "kw" if r.chance(4) else "pos"
        default = r.choice(ATOMS[:8]) if not r.chance(6) else ("required",)
        params.append((name, kind, default, r.choice(INIT_STORES)))
    # Positional parameters without a default must come first.
    pos = [p for p in params if p[1] == "pos"]
    pos.sort(key=lambda p: p[2] != ("required",))
    params = pos + [p for p in params if p[1] == "kw"]
    return {
        "params": params,
        "varargs": r.chance(16),
        "varkw": r.choice(("no", "no", "no", "ignore", "setattr")),
        "hook": r.choice(("start", "start", "end", "none")),
    }


def _decode_class(r, i, n_bases, n_metas):
    parent = ("sklearn",)
    roll = r.below(4)
    if roll == 1 and n_bases:
        parent = ("base", r.below(n_bases))
    elif roll == 2 and i:
        parent = ("class", r.below(i))
    spec = {
        "parent": parent,
        "meta": r.below(n_metas) if n_metas and r.chance(3) else None,
        "init": _decode_init(r) if (parent[0] != "class" or r.chance(2)) else None,
        "get_params": r.choice(GET_PARAMS_KINDS) if r.chance(3) else "none",
        "_get_param_names": r.choice(PARAM_NAMES_KINDS) if r.chance(4) else "none",
        "__sklearn_clone__": r.choice(SKLEARN_CLONE_KINDS) if r.chance(2) else "none",
        "__getattr__": r.choice(GETATTR_KINDS) if r.chance(4) else "none",
        "class_attrs": [],
        "properties": [],
        "slots": r.chance(8),
    }
    for _ in range(r.below(3) if r.chance(3) else 0):
        name = r.choice(PARAM_POOL)
        if r.chance(2):
            spec["properties"].append((name, r.choice(PROPERTY_KINDS)))
        else:
            spec["class_attrs"].append((name, r.choice(ATOMS[:8])))
    return spec


def _decode_method_owner(r, n_bases, n_metas):
    kind = r.choice(("class", "class", "base", "meta"))
    if kind == "base" and n_bases:
        return ("base", r.below(n_bases))
    if kind == "meta" and n_metas:
        return ("meta", r.below(n_metas))
    return ("class", r.below(MAX_CLASSES))


class _Decoder:
    def __init__(self, r, case):
        self.r = r
        self.case = case
        self.instances = 0

    def value(self, depth, refs=True):
        r = self.r
        if depth >= MAX_DEPTH:
            return r.choice(ATOMS)
        kind = r.choice((
            "atom", "atom", "atom", "est", "est", "est", "list", "tuple", "dict", "set",
            "frozenset", "odict", "pair", "value", "array", "pipeline", "sk", "class",
            "ref", "tuple_atoms",
        ))
        if kind == "atom":
            return r.choice(ATOMS)
        if kind == "est":
            return self.estimator(depth)
        if kind in ("list", "tuple", "dict", "odict", "pair"):
            n = 2 if kind == "pair" else r.below(MAX_ITEMS + 1)
            items = [self.value(depth + 1, refs) for _ in range(n)]
            if kind in ("dict", "odict"):
                return (kind, [(r.choice(("k", "e", "n", "x")) + str(j), v)
                               for j, v in enumerate(items)])
            return (kind, items)
        if kind in ("set", "frozenset"):
            # Hashable members only: atoms, estimators (the world's classes
            # hash alike, so a set iterates in insertion order in every world).
            items = []
            for _ in range(r.below(MAX_ITEMS + 1)):
                items.append(self.estimator(depth) if r.chance(2) else r.choice(SET_ATOMS))
            return (kind, items)
        if kind == "value":
            return ("value", r.below(100), r.choice(DEEPCOPY_KINDS))
        if kind == "array":
            return ("array", r.below(4), r.choice(("float64", "int8", "object", "bool")))
        if kind == "pipeline":
            return ("pipeline", [self.estimator(depth) for _ in range(1 + r.below(2))])
        if kind == "sk":
            return ("sk", r.choice(("lr", "ss")), self.value(depth + 1, refs))
        if kind == "class":
            return ("class", r.below(MAX_CLASSES))
        if kind == "ref" and refs and self.instances:
            return ("ref", r.below(self.instances))
        return ("tuple", [r.choice(ATOMS) for _ in range(r.below(3))])

    def estimator(self, depth, refs=True):
        r = self.r
        classes = self.case["classes"]
        index = r.below(len(classes))
        init = _params_of(classes, index)
        kwargs = []
        if init is not None:
            for name, _, default, _ in init["params"]:
                if default == ("required",) or r.chance(2):
                    kwargs.append((name, self.value(depth + 1, refs)))
            if init["varkw"] != "no" and r.chance(3):
                kwargs.append(("e", self.value(depth + 1, refs)))
        attrs = []
        for _ in range(r.below(3) if r.chance(4) else 0):
            attrs.append(self.instance_attr(depth + 1, refs))
        self.instances += 1
        return ("est", index, kwargs, attrs)

    def instance_attr(self, depth, refs=True):
        r = self.r
        name = r.choice(INSTANCE_ATTRS)
        if name in ("get_params", "__sklearn_clone__", "_get_param_names"):
            return (name, r.choice(("null", "self", "empty", "raise")))
        if name == "param":
            return (r.choice(PARAM_POOL), self.value(depth, refs))
        if name == "_sklearn_output_config":
            return (name, r.choice((("dict", [("transform", ("str", "default"))]),
                                    ("value", 1, "default"), ("none",))))
        return (name, self.value(depth, refs))

    def mutation(self):
        r = self.r
        n_bases, n_metas = len(self.case["bases"]), len(self.case["metas"])
        kind = r.choice(MUTATIONS)
        cls = r.below(MAX_CLASSES)
        if kind in ("replace_init", "init_code", "init_wrapped"):
            return (kind, cls, _decode_init(r))
        if kind == "init_defaults":
            return (kind, cls, None if r.chance(4) else [r.choice(ATOMS[:8])
                                                         for _ in range(r.below(4))])
        if kind == "init_kwdefaults":
            return (kind, cls, {name: r.choice(ATOMS[:8]) for name in PARAM_POOL
                                if r.chance(2)})
        if kind == "init_signature":
            if r.chance(4):
                return (kind, cls, None)
            names = sorted({r.choice(PARAM_POOL + ODD_PARAMS[:1]) for _ in range(r.below(4))})
            return (kind, cls, names, r.chance(6))
        if kind in ("set_method", "del_method"):
            owner = _decode_method_owner(r, n_bases, n_metas)
            name = r.choice(METHOD_NAMES + (("__call__", "__eq__") if owner[0] == "meta" else ()))
            if kind == "del_method":
                return (kind, owner, name)
            variants = {
                "get_params": GET_PARAMS_KINDS[1:],
                "_get_param_names": PARAM_NAMES_KINDS[1:],
                "__sklearn_clone__": SKLEARN_CLONE_KINDS[2:],
                "__getattr__": GETATTR_KINDS[2:],
                "__call__": ("call_hook", "call_tag"),
                "__eq__": ("eq_raise",),
            }[name]
            return (kind, owner, name, r.choice(variants))
        if kind == "bases":
            target = r.choice((("sklearn",), ("base", r.below(max(n_bases, 1))),
                               ("class", r.below(MAX_CLASSES))))
            return (kind, cls, target)
        if kind == "instance_class":
            return (kind, r.below(max(self.instances, 1)), cls)
        if kind == "property":
            return (kind, cls, r.choice(PARAM_POOL), r.choice(PROPERTY_KINDS))
        if kind == "class_attr":
            return (kind, cls, r.choice(PARAM_POOL + METHOD_NAMES[:3]), r.choice(ATOMS[:8]))
        if kind == "del_class_attr":
            return (kind, cls, r.choice(PARAM_POOL + METHOD_NAMES))
        if kind == "inst_attr":
            return (kind, r.below(max(self.instances, 1)), self.instance_attr(1, refs=False))
        if kind == "del_inst_attr":
            return (kind, r.below(max(self.instances, 1)), r.choice(PARAM_POOL + METHOD_NAMES))
        if kind == "meta_call":
            return (kind, r.below(max(n_metas, 1)), r.choice(("call_hook", "call_tag")))
        return (kind, r.below(max(n_metas, 1)))

    def step(self):
        r = self.r
        kind = r.choice(("clone", "clone", "mutate", "arm", "arm"))
        if kind == "clone":
            target = r.choice((("root",), ("root",), ("last",),
                               ("inst", r.below(max(self.instances, 1)))))
            return ("clone", target, r.choice((True, False)),
                    r.choice(("clone", "clone", "clone_parametrized")))
        if kind == "mutate":
            return ("mutate", self.mutation())
        site = r.choice(SITES)
        return ("arm", site, 1 + r.below(4), self.mutation())


def decode(data):
    """Decode fuzzer bytes into a case (plain, printable data).

    Any bytes decode; once they run out every choice is the first, so the
    empty input is the simplest case. Two clones of the root (``safe=True``,
    then ``safe=False``) always end the steps, so that every mutation is
    seen by a later clone.

    Parameters
    ----------
    data : bytes
        The fuzzer's input.

    Returns
    -------
    case : dict
        ``metas``, ``bases``, ``classes``, ``tree`` and ``steps``.
    """
    r = Reader(data)
    n_metas = r.below(3)
    n_bases = r.below(3)
    case = {
        "metas": [r.choice(META_KINDS) for _ in range(n_metas)],
        "bases": [],
        "classes": [],
    }
    for _ in range(n_bases):
        case["bases"].append({
            "get_params": r.choice(GET_PARAMS_KINDS[:3]),
            "_get_param_names": r.choice(PARAM_NAMES_KINDS[:3]),
            "__sklearn_clone__": r.choice(SKLEARN_CLONE_KINDS[:5]),
            "__getattr__": r.choice(GETATTR_KINDS[:4]),
        })
    for i in range(1 + r.below(MAX_CLASSES)):
        case["classes"].append(_decode_class(r, i, n_bases, n_metas))
    d = _Decoder(r, case)
    if r.chance(3):
        case["tree"] = d.value(0)
    else:
        case["tree"] = d.estimator(0)
    case["steps"] = [d.step() for _ in range(r.below(MAX_STEPS + 1))]
    case["steps"] += [("clone", ("root",), True, "clone"), ("clone", ("root",), False, "clone")]
    return case


def format_case(case):
    """The case as readable text, for reports.

    Parameters
    ----------
    case : dict
        As returned by :func:`decode`.

    Returns
    -------
    text : str
        ``pprint`` of the case.
    """
    return pprint.pformat(case, width=100, sort_dicts=False)


# ---------------------------------------------------------------------------
# A case to a world: the generated sources.

# Method bodies, compiled anew in every world. OWNER names the class (or base
# or metaclass) for the hook's site; PARAM a parameter name.
TEMPLATES = {
    ("get_params", "base"): (
        "def get_params(self, deep=True):\n"
        "    _hook('get_params', OWNER)\n"
        "    return BaseEstimator.get_params(self, deep=deep)\n"
    ),
    ("get_params", "subset"): (
        "def get_params(self, deep=True):\n"
        "    _hook('get_params', OWNER)\n"
        "    return {n: getattr(self, n) for n in self._get_param_names()[:1]}\n"
    ),
    ("get_params", "extra"): (
        "def get_params(self, deep=True):\n"
        "    out = BaseEstimator.get_params(self, deep=deep)\n"
        "    out['e'] = 'extra'\n"
        "    return out\n"
    ),
    ("get_params", "vars"): (
        "def get_params(self, deep=True):\n"
        "    _hook('get_params', OWNER)\n"
        "    return {k: v for k, v in vars(self).items() if not k.startswith('_')}\n"
    ),
    ("get_params", "raise"): (
        "def get_params(self, deep=True):\n"
        "    raise ValueError('get_params refused by ' + OWNER)\n"
    ),
    ("_get_param_names", "hook"): (
        "@classmethod\n"
        "def _get_param_names(cls):\n"
        "    _hook('param_names', OWNER)\n"
        "    return BaseEstimator._get_param_names.__func__(cls)\n"
    ),
    ("_get_param_names", "reverse"): (
        "@classmethod\n"
        "def _get_param_names(cls):\n"
        "    return BaseEstimator._get_param_names.__func__(cls)[::-1]\n"
    ),
    ("_get_param_names", "subset"): (
        "@classmethod\n"
        "def _get_param_names(cls):\n"
        "    return BaseEstimator._get_param_names.__func__(cls)[1:]\n"
    ),
    ("_get_param_names", "fixed"): (
        "@classmethod\n"
        "def _get_param_names(cls):\n"
        "    return ['a']\n"
    ),
    ("_get_param_names", "raise"): (
        "@classmethod\n"
        "def _get_param_names(cls):\n"
        "    raise RuntimeError('no names for ' + cls.__name__)\n"
    ),
    ("__sklearn_clone__", "super"): (
        "def __sklearn_clone__(self):\n"
        "    _hook('sklearn_clone', OWNER)\n"
        "    return BaseEstimator.__sklearn_clone__(self)\n"
    ),
    ("__sklearn_clone__", "cp"): (
        "def __sklearn_clone__(self):\n"
        "    _hook('sklearn_clone', OWNER)\n"
        "    return _W.clone_parametrized(self)\n"
    ),
    ("__sklearn_clone__", "self"): (
        "def __sklearn_clone__(self):\n"
        "    _hook('sklearn_clone', OWNER)\n"
        "    return self\n"
    ),
    ("__sklearn_clone__", "new"): (
        "def __sklearn_clone__(self):\n"
        "    return type(self)(**self.get_params(deep=False))\n"
    ),
    ("__sklearn_clone__", "raise"): (
        "def __sklearn_clone__(self):\n"
        "    raise LookupError('no clone of ' + OWNER)\n"
    ),
    ("__sklearn_clone__", "list"): (
        "def __sklearn_clone__(self):\n"
        "    return [OWNER]\n"
    ),
    ("__getattr__", "raise"): (
        "def __getattr__(self, name):\n"
        "    raise AttributeError(name)\n"
    ),
    ("__getattr__", "invent_params"): (
        "def __getattr__(self, name):\n"
        "    if name in PARAM_POOL:\n"
        "        return 'invented ' + name\n"
        "    raise AttributeError(name)\n"
    ),
    # Not _metadata_request: ours reads it without the __getattr__ fallback,
    # on purpose (README, "Where we differ from upstream").
    ("__getattr__", "invent_probes"): (
        "def __getattr__(self, name):\n"
        "    if name in ('_sklearn_output_config', '_skl_callbacks'):\n"
        "        return {'invented': name}\n"
        "    raise AttributeError(name)\n"
    ),
    ("__call__", "call_hook"): (
        "def __call__(cls, *args, **kwargs):\n"
        "    _hook('meta_call', OWNER)\n"
        "    return type.__call__(cls, *args, **kwargs)\n"
    ),
    ("__call__", "call_tag"): (
        "def __call__(cls, *args, **kwargs):\n"
        "    obj = type.__call__(cls, *args, **kwargs)\n"
        "    obj.made_by_ = OWNER\n"
        "    return obj\n"
    ),
    ("__eq__", "eq_raise"): (
        "def __eq__(cls, other):\n"
        "    raise TypeError('metaclass refuses ==')\n"
    ),
    ("property", "backed"): (
        "def _get(self):\n"
        "    return self.__dict__.get('_prop_' + PARAM, 'unset')\n"
        "def _set(self, value):\n"
        "    self.__dict__['_prop_' + PARAM] = value\n"
        "prop = property(_get, _set)\n"
    ),
    ("property", "copying"): (
        "def _get(self):\n"
        "    return copy.copy(self.__dict__.get('_prop_' + PARAM, 'unset'))\n"
        "def _set(self, value):\n"
        "    self.__dict__['_prop_' + PARAM] = value\n"
        "prop = property(_get, _set)\n"
    ),
    ("property", "readonly"): (
        "prop = property(lambda self: 'read-only ' + PARAM)\n"
    ),
    ("property", "constant"): (
        "prop = property(lambda self: 42, lambda self, value: None)\n"
    ),
}

# Instance attributes that shadow the methods clone calls, each made by a
# factory so that it can close over its instance.
INSTANCE_METHODS = {
    "null": "def make(obj, name):\n    return None\n",
    "self": "def make(obj, name):\n    return lambda *args, **kwargs: obj\n",
    "empty": (
        "def make(obj, name):\n"
        "    return lambda *args, **kwargs: {} if name == 'get_params' else []\n"
    ),
    "raise": (
        "def make(obj, name):\n"
        "    def value(*args, **kwargs):\n"
        "        raise KeyError('instance ' + name)\n"
        "    return value\n"
    ),
}


def _atom(spec):
    kind = spec[0]
    if kind == "none":
        return None
    if kind in ("int", "str", "bool", "bytes"):
        return spec[1]
    if kind == "float":
        return float(spec[1])
    if kind == "complex":
        return complex(spec[1], 2.0)
    if kind == "np_float":
        return np.float64(spec[1])
    if kind == "np_int":
        return np.int32(spec[1])
    if kind == "np_bool":
        return np.bool_(spec[1])
    if kind == "func":
        return math.floor
    if kind == "ellipsis":
        return Ellipsis
    raise ValueError("not an atom: %r" % (spec,))


class _World:
    """Everything one run of a case makes: classes, instances, the tree, its log."""

    def __init__(self, case, impl):
        self.case = case
        self.impl = impl
        self.clone_parametrized = impl.clone_parametrized
        self.armed = False
        self.triggers = []
        self.log = []
        self.globals = {
            "__name__": MODULE,
            "__builtins__": __builtins__,
            "_hook": self.hook,
            "_W": self,
            "BaseEstimator": BaseEstimator,
            "copy": copy,
            "PARAM_POOL": PARAM_POOL,
        }
        self.instances = []
        self.metas = [self._make_meta(j, kind) for j, kind in enumerate(case["metas"])]
        self.bases = [self._make_base(j, spec) for j, spec in enumerate(case["bases"])]
        self.classes = []
        for i, spec in enumerate(case["classes"]):
            self.classes.append(self._make_class(i, spec))

        class Value:
            # A plain parameter value; its __deepcopy__ may run a mutation.
            def __init__(self, payload, kind):
                self.payload = payload
                self.kind = kind

            def __repr__(self):
                return "Value(%r, %r)" % (self.payload, self.kind)

            def __hash__(self):
                return 0

            def __deepcopy__(self, memo):
                if self.kind != "default":
                    world.hook("deepcopy", None)
                if self.kind == "self":
                    return self
                if self.kind == "raise":
                    raise ValueError("Value(%r) cannot be copied" % (self.payload,))
                return Value(copy.deepcopy(self.payload, memo), self.kind)

        world = self
        Value.__module__ = MODULE
        Value.__qualname__ = "Value"
        self.Value = Value
        self.Pair = collections.namedtuple("Pair", "first second", module=MODULE)

    # -- hooks ----------------------------------------------------------------

    def hook(self, site, owner):
        """Count a call of user code; fire the armed mutations whose turn it is.

        Calls made while an exception is being handled are not counted: the
        package's failure notes (``_diagnostics``) read the owner's
        ``get_params(deep=True)`` to name the failing parameter, user code
        upstream never runs (a known difference, pinned by an xfail test in
        ``tests/clone/test_fuzz_findings.py``); counting them would stop
        every run of the fuzzer on it.
        """
        if not self.armed or sys.exc_info()[0] is not None:
            return
        for trigger in list(self.triggers):
            if trigger[0] not in ("any", site):
                continue
            trigger[1] -= 1
            if trigger[1] == 0:
                self.triggers.remove(trigger)
                self.armed = False
                try:
                    self.log.append(("fired", site, owner, self.mutate(trigger[2])))
                finally:
                    self.armed = True

    # -- generated code -------------------------------------------------------

    def _exec(self, source, **names):
        namespace = dict(names)
        exec(compile(source, "<fuzz %s>" % MODULE, "exec"), self.globals, namespace)
        return namespace

    def method(self, name, kind, owner):
        """A function (or descriptor) for ``name`` of the given kind, made anew."""
        if kind == "null":
            return None
        if kind == "not_callable":
            return "not callable"
        source = TEMPLATES[(name, kind)]
        local = self._exec(source.replace("OWNER", repr(owner)))
        return local[name]

    def make_init(self, spec, owner):
        """A constructor from its spec, compiled anew (no closure: its code can be swapped)."""
        args = ["self"]
        defaults = []
        body = []
        if spec["hook"] == "start":
            body.append("_hook('init', %r)" % owner)
        pos = [p for p in spec["params"] if p[1] == "pos"]
        kw = [p for p in spec["params"] if p[1] == "kw"]
        for name, _, default, _ in pos:
            if default == ("required",):
                args.append(name)
            else:
                defaults.append(default)
                args.append("%s=D[%d]" % (name, len(defaults) - 1))
        if spec["varargs"]:
            args.append("*args")
        elif kw:
            args.append("*")
        for name, _, default, _ in kw:
            if default == ("required",):
                args.append(name)
            else:
                defaults.append(default)
                args.append("%s=D[%d]" % (name, len(defaults) - 1))
        if spec["varkw"] != "no":
            args.append("**kwargs")
        for name, _, default, store in spec["params"]:
            if store == "store":
                body.append("self.%s = %s" % (name, name))
            elif store == "copy":
                body.append("self.%s = copy.copy(%s)" % (name, name))
            elif store == "private":
                body.append("self._%s = %s" % (name.strip("_"), name))
            elif store == "const":
                body.append("self.%s = 'constant'" % name)
        if spec["varargs"]:
            body.append("self.args = args")
        if spec["varkw"] == "setattr":
            body.append("for k, v in kwargs.items():\n            setattr(self, k, v)")
        if spec["hook"] == "end":
            body.append("_hook('init', %r)" % owner)
        source = "def make(D):\n    def __init__(%s):\n        %s\n    return __init__\n" % (
            ", ".join(args), "\n        ".join(body or ["pass"]))
        return self._exec(source)["make"]([_atom(d) for d in defaults])

    def _make_meta(self, j, kind):
        name = "Meta%d" % j
        ns = {"__module__": MODULE, "__qualname__": name}
        if kind in ("call_hook", "call_tag"):
            ns["__call__"] = self.method("__call__", kind, name)
        elif kind == "eq_raise":
            ns["__eq__"] = self.method("__eq__", kind, name)
            ns["__hash__"] = type.__hash__
        return type(name, (type,), ns)

    def _methods(self, ns, spec, owner):
        for name in METHOD_NAMES:
            kind = spec.get(name, "none")
            if kind != "none":
                ns[name] = self.method(name, kind, owner)

    def _make_base(self, j, spec):
        name = "Base%d" % j
        ns = {"__module__": MODULE, "__qualname__": name}
        self._methods(ns, spec, name)
        return type(name, (BaseEstimator,), ns)

    def _make_class(self, i, spec):
        name = "Est%d" % i
        parent_kind = spec["parent"][0]
        meta = type
        if parent_kind == "base":
            parent = self.bases[spec["parent"][1]]
        elif parent_kind == "class":
            parent = self.classes[spec["parent"][1]]
            meta = type(parent)
        else:
            parent = BaseEstimator
        if spec["meta"] is not None and meta is type:
            meta = self.metas[spec["meta"]]
        # Every class of a world hashes alike: a set of estimators then
        # iterates in the same order in every world. And no instance is less
        # than another: pprint sorts a set it spreads over lines (an
        # estimator's repr, in upstream's error messages) and falls back to
        # memory addresses for objects that cannot be ordered; a stable sort
        # by a "<" that is always False keeps the set's own order instead.
        ns = {
            "__module__": MODULE,
            "__qualname__": name,
            "__hash__": lambda self: 0,
            "__lt__": lambda self, other: False,
        }
        if spec["init"] is not None:
            ns["__init__"] = self.make_init(spec["init"], name)
        self._methods(ns, spec, name)
        for attr, value in spec["class_attrs"]:
            ns[attr] = _atom(value)
        for attr, kind in spec["properties"]:
            ns[attr] = self.make_property(attr, kind)
        if spec["slots"] and spec["init"] is not None:
            ns["__slots__"] = tuple(
                p[0] for p in spec["init"]["params"]
                if p[0] not in ns and p[0] in PARAM_POOL
            )
        try:
            return meta(name, (parent,), ns)
        except Exception as exc:
            # e.g. a layout conflict: the world goes on with a plain class.
            self.log.append(("class failed", name, _describe_exception(exc)))
            plain = {key: ns[key] for key in ("__module__", "__qualname__", "__hash__", "__lt__")}
            return type(name, (BaseEstimator,), plain)

    def make_property(self, param, kind):
        """A data descriptor named like a parameter."""
        return self._exec(TEMPLATES[("property", kind)].replace("PARAM", repr(param)))["prop"]

    # -- values ---------------------------------------------------------------

    def build(self, spec, refs=True):
        """The value a spec describes (estimators are recorded as instances)."""
        kind = spec[0]
        if kind == "list":
            return [self.build(s, refs) for s in spec[1]]
        if kind == "tuple":
            return tuple(self.build(s, refs) for s in spec[1])
        if kind == "set":
            return {self.build(s, refs) for s in spec[1]}
        if kind == "frozenset":
            return frozenset(self.build(s, refs) for s in spec[1])
        if kind == "dict":
            return {k: self.build(s, refs) for k, s in spec[1]}
        if kind == "odict":
            return collections.OrderedDict((k, self.build(s, refs)) for k, s in spec[1])
        if kind == "pair":
            return self.Pair(*(self.build(s, refs) for s in spec[1]))
        if kind == "value":
            return self.Value(spec[1], spec[2])
        if kind == "array":
            n, dtype = spec[1], spec[2]
            if dtype == "object":
                return np.array([None, "s", 1.5][:n] + [None] * max(0, n - 3), dtype=object)
            return np.arange(n).astype(dtype)
        if kind == "pipeline":
            return Pipeline([("s%d" % k, self.build(s, refs)) for k, s in enumerate(spec[1])])
        if kind == "sk":
            if spec[1] == "lr":
                return LogisticRegression(C=self.build(spec[2], refs))
            return StandardScaler(with_mean=self.build(spec[2], refs))
        if kind == "class":
            return self.classes[spec[1] % len(self.classes)]
        if kind == "ref":
            return self.instances[spec[1] % len(self.instances)] if self.instances else None
        if kind == "est":
            return self.build_estimator(spec, refs)
        return _atom(spec)

    def build_estimator(self, spec, refs=True):
        _, index, kwargs, attrs = spec
        cls = self.classes[index % len(self.classes)]
        try:
            obj = cls(**{name: self.build(s, refs) for name, s in kwargs})
        except Exception as exc:
            self.log.append(("construction failed", cls.__name__, _describe_exception(exc)))
            return None
        for attr in attrs:
            self.log.append(("attribute", attr[0], self.set_instance_attr(obj, attr, refs)))
        self.instances.append(obj)
        return obj

    def set_instance_attr(self, obj, attr, refs=True):
        name, value = attr
        try:
            if name in ("get_params", "__sklearn_clone__", "_get_param_names"):
                value = self._exec(INSTANCE_METHODS[value])["make"](obj, name)
            else:
                value = self.build(value, refs)
            setattr(obj, name, value)
        except Exception as exc:
            return _describe_exception(exc)
        return "ok"

    # -- mutations ------------------------------------------------------------

    def _owner(self, ref):
        kind, index = ref
        pool = {"class": self.classes, "base": self.bases, "meta": self.metas}[kind]
        return pool[index % len(pool)] if pool else None

    def mutate(self, spec):
        """Apply one mutation; its outcome (``"ok"`` or the exception) for the log."""
        try:
            self._mutate(spec)
        except Exception as exc:
            return _describe_exception(exc)
        return "ok"

    def _mutate(self, spec):
        kind = spec[0]
        cls = self.classes[spec[1] % len(self.classes)] if kind not in (
            "set_method", "del_method", "instance_class", "inst_attr", "del_inst_attr",
            "meta_call", "del_meta_call") else None
        if kind == "replace_init":
            cls.__init__ = self.make_init(spec[2], cls.__name__)
        elif kind == "init_code":
            cls.__init__.__code__ = self.make_init(spec[2], cls.__name__).__code__
        elif kind == "init_wrapped":
            cls.__init__.__wrapped__ = self.make_init(spec[2], cls.__name__)
        elif kind == "init_defaults":
            cls.__init__.__defaults__ = (
                None if spec[2] is None else tuple(_atom(s) for s in spec[2]))
        elif kind == "init_kwdefaults":
            cls.__init__.__kwdefaults__ = {k: _atom(s) for k, s in spec[2].items()}
        elif kind == "init_signature":
            init = cls.__init__
            if spec[2] is None:
                del init.__signature__
            else:
                P = inspect.Parameter
                params = [P("self", P.POSITIONAL_OR_KEYWORD)]
                if spec[3]:
                    params.append(P("args", P.VAR_POSITIONAL))
                params += [P(n, P.KEYWORD_ONLY, default=None) for n in spec[2]]
                init.__signature__ = inspect.Signature(params)
        elif kind == "set_method":
            owner = self._owner(spec[1])
            setattr(owner, spec[2], self.method(spec[2], spec[3], owner.__name__))
        elif kind == "del_method":
            delattr(self._owner(spec[1]), spec[2])
        elif kind == "bases":
            target = spec[2]
            if target[0] == "sklearn":
                new = BaseEstimator
            elif target[0] == "base":
                new = self.bases[target[1] % len(self.bases)] if self.bases else BaseEstimator
            else:
                new = self.classes[target[1] % len(self.classes)]
            cls.__bases__ = (new,)
        elif kind == "instance_class":
            obj = self.instances[spec[1] % len(self.instances)]
            obj.__class__ = self.classes[spec[2] % len(self.classes)]
        elif kind == "property":
            setattr(cls, spec[2], self.make_property(spec[2], spec[3]))
        elif kind == "class_attr":
            setattr(cls, spec[2], _atom(spec[3]))
        elif kind == "del_class_attr":
            delattr(cls, spec[2])
        elif kind == "inst_attr":
            obj = self.instances[spec[1] % len(self.instances)]
            outcome = self.set_instance_attr(obj, spec[2], refs=False)
            if outcome != "ok":
                raise RuntimeError("attribute not set: %s" % (outcome,))
        elif kind == "del_inst_attr":
            delattr(self.instances[spec[1] % len(self.instances)], spec[2])
        elif kind == "meta_call":
            if self.metas:
                meta = self.metas[spec[1] % len(self.metas)]
                meta.__call__ = self.method("__call__", spec[2], meta.__name__)
        elif kind == "del_meta_call":
            if self.metas:
                del self.metas[spec[1] % len(self.metas)].__call__
        else:
            raise ValueError("unknown mutation %r" % (kind,))


# ---------------------------------------------------------------------------
# Running a case and comparing.


def _describe_exception(exc):
    if isinstance(exc, RecursionError):
        # Its message says where the limit was hit, which differs.
        return ("error", RecursionError)
    return ("error", type(exc), _ADDRESS.sub("", str(exc)))


def _portable(obj):
    # A description with the world's classes by name: each world has its own.
    if isinstance(obj, type):
        if obj.__dict__.get("__module__") == MODULE or getattr(obj, "__module__", None) == MODULE:
            return ("world class", obj.__qualname__)
        return obj
    if type(obj) is tuple:
        return tuple(_portable(o) for o in obj)
    if type(obj) is list:
        return [_portable(o) for o in obj]
    if type(obj) is str:
        return _ADDRESS.sub("", obj)
    return obj


def _description(support, obj):
    try:
        return _portable(support.structure(obj))
    except Exception as exc:
        return ("structure raised", _describe_exception(exc))


class _Armed:
    """A clone function that arms the world's triggers for one call only."""

    def __init__(self, world, fn):
        self.world = world
        self.fn = fn

    def __call__(self, obj, safe=True):
        self.world.armed = True
        try:
            return self.fn(obj, safe=safe)
        finally:
            self.world.armed = False


def run_case(case, impl):
    """Run every step of a case in a fresh world with one implementation.

    Parameters
    ----------
    case : dict
        As returned by :func:`decode`.
    impl : object
        Has ``clone`` and ``clone_parametrized`` (a module, or
        :data:`IMPLEMENTATIONS`' upstream entry).

    Returns
    -------
    records : list
        What the world's construction logged, then one record per step:
        a clone's outcome (``support.outcome``: the structure and identities
        of the result, or the exception's type and message) with the
        original's structure after it, or a mutation's outcome; then what
        the armed mutations did.
    """
    support = _support()
    world = _World(case, impl)
    root = world.build(case["tree"])
    records = [("built", _portable(world.log))]
    world.log = []
    last = root
    for step in case["steps"]:
        if step[0] == "clone":
            target = step[1]
            if target[0] == "root":
                obj = root
            elif target[0] == "last":
                obj = last
            else:
                obj = world.instances[target[1] % len(world.instances)] if world.instances else root
            fn = impl.clone if step[3] == "clone" else impl.clone_parametrized
            armed = _Armed(world, fn)
            result = []

            def keep(obj, safe=True, armed=armed):
                result.append(armed(obj, safe=safe))
                return result[-1]

            try:
                outcome = support.outcome(keep, obj, safe=step[2])
            except Exception as exc:  # describing the result raised
                outcome = ("describe raised", _describe_exception(exc))
            if outcome[0] == "error" and outcome[1] is RecursionError:
                outcome = ("error", RecursionError)
            if result:
                last = result[0]
            records.append((step[0], _portable(outcome), _description(support, root),
                            _portable(world.log)))
            world.log = []
            world.triggers = []
        elif step[0] == "mutate":
            records.append(("mutate", _portable(world.mutate(step[1]))))
        else:
            world.triggers.append([step[1], step[2], step[3]])
            records.append(("armed", step[1], step[2]))
    return records


class _Upstream:
    """scikit-learn's own ``clone`` and ``_clone_parametrized``, untouched."""

    clone = staticmethod(sklearn.base.clone)
    # (scikit-learn 1.3 and later; the fuzzer compares with nothing before)
    clone_parametrized = staticmethod(getattr(sklearn.base, "_clone_parametrized", None))


def load_implementation(name):
    """``upstream``, ``compiled`` or ``reference``: an object with both functions.

    Parameters
    ----------
    name : str
        The implementation's name.

    Returns
    -------
    impl : object
        Has ``clone`` and ``clone_parametrized``.
    """
    if name == "upstream":
        return _Upstream
    import importlib

    return importlib.import_module(
        "sklearn_slep017._clone_c" if name == "compiled" else "sklearn_slep017._clone_py"
    )


IMPLEMENTATIONS = ("upstream", "compiled", "reference")


class Mismatch(AssertionError):
    """Ours and upstream differ on a case; the message shows both."""


def _first_difference(expected, got):
    for k, (a, b) in enumerate(zip(expected, got)):
        if a != b:
            return k, a, b
    return min(len(expected), len(got)), None, None


def compare(case, impls=("compiled", "reference")):
    """Run a case with upstream and with each of ``impls``; the differences.

    Parameters
    ----------
    case : dict
        As returned by :func:`decode`.
    impls : sequence of str or object, default=("compiled", "reference")
        Implementation names (see :func:`load_implementation`) or objects.

    Returns
    -------
    differences : list of str
        One readable paragraph per implementation that differs from
        upstream (the first differing record, upstream's and ours).
    """
    expected = run_case(case, load_implementation("upstream"))
    differences = []
    for impl in impls:
        label = impl if isinstance(impl, str) else getattr(impl, "__name__", repr(impl))
        module = load_implementation(impl) if isinstance(impl, str) else impl
        got = run_case(case, module)
        if got != expected:
            k, a, b = _first_difference(expected, got)
            differences.append(
                "%s differs from upstream at record %d:\n  upstream %s\n  %s %s"
                % (label, k, pprint.pformat(a, width=100), label, pprint.pformat(b, width=100))
            )
    return differences


def check(data, impls=("compiled", "reference")):
    """Decode fuzzer bytes and raise :class:`Mismatch` on any difference.

    Parameters
    ----------
    data : bytes
        The fuzzer's input.
    impls : sequence of str, default=("compiled", "reference")
        The implementations compared with upstream.

    Raises
    ------
    Mismatch
        With the case and the first differing record of each implementation.
    """
    case = decode(data)
    differences = compare(case, impls)
    if differences:
        raise Mismatch("case:\n%s\n%s" % (format_case(case), "\n".join(differences)))
