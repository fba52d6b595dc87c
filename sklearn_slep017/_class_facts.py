"""What the compiled clone may assume about a class, worked out once per class.

The compiled path skips Python-level calls (``get_params``,
``__sklearn_clone__``, ``hasattr`` probes) only for classes where doing so
cannot change the result: attribute access is the generic one, and every
method clone would call is scikit-learn's default or known to be equivalent
to it. Anything else takes the exact, general path. The compiled module
caches these facts per class and recomputes them whenever the class (or a
base) is modified, using CPython's type version tags.
"""

import dis
import inspect
import types

from . import _compat
from ._clone_py import get_param_names

_MISSING = object()


def _lookup(cls, name, after=None):
    # The class attribute ``name`` as ``super()`` from ``after`` would find it.
    mro = cls.__mro__
    if after is not None:
        mro = mro[mro.index(after) + 1 :]
    for klass in mro:
        if name in klass.__dict__:
            return klass.__dict__[name]
    return _MISSING


def defined_on_class(cls, name):
    """Whether ``name`` is an attribute of ``cls`` or one of its bases."""
    return _lookup(cls, name) is not _MISSING


# Names a parameter must not have for the constructor to be called plain:
# clone sets or reads them on the new object itself.
_RESERVED = frozenset(
    {
        "get_params",
        "_get_param_names",
        "_get_params",
        "__sklearn_clone__",
        "_metadata_request",
        "_sklearn_output_config",
        "_skl_callbacks",
    }
)


def constructed_by_init(cls):
    """Whether ``cls(**kw)`` is exactly ``object.__new__(cls)`` then ``__init__``.

    True when the metaclass keeps ``type.__call__``, the class keeps
    ``object.__new__`` and its ``__init__`` is a plain Python function: the
    compiled path may then call that function itself, with the parameters
    as keywords, and skip building a kwargs dict.
    """
    return (
        _lookup(type(cls), "__call__") is type.__dict__["__call__"]
        and _lookup(cls, "__new__") is object.__dict__["__new__"]
        and isinstance(_lookup(cls, "__init__"), types.FunctionType)
    )


def init_stores_parameters_unchanged(cls, names):
    """Whether ``cls(**params)`` provably stores every parameter unchanged.

    True only when ``cls.__init__`` is a plain Python function whose whole
    body is ``self.<name> = <name>`` once for each parameter (the
    scikit-learn convention, read from the bytecode), nothing else runs
    around it (no custom ``__new__``, metaclass ``__call__`` or
    ``__setattr__``, no data descriptor under a parameter's name). Then the
    clone's ``get_params(deep=False)`` is known to return the very objects
    passed in, and the compiled path may skip reading them back. Anything
    else, including any bytecode shape this does not recognise, answers
    False and keeps the read-back.

    Parameters
    ----------
    cls : type
    names : tuple of str
        The parameter names of ``cls``.

    Returns
    -------
    plain : bool
    """
    if not constructed_by_init(cls) or _RESERVED.intersection(names):
        return False
    if _lookup(cls, "__setattr__") is not object.__dict__["__setattr__"]:
        return False
    init = _lookup(cls, "__init__")
    code = init.__code__
    if code.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS) or (
        code.co_freevars or code.co_cellvars
    ):
        return False
    for name in names:
        attribute = _lookup(cls, name)
        if attribute is not _MISSING and (
            hasattr(type(attribute), "__set__") or hasattr(type(attribute), "__delete__")
        ):
            return False
    stored = _plain_stores(init)
    return (
        stored is not None
        and len(stored) == len(set(stored))
        and set(stored) == set(names)
    )


def _plain_stores(init):
    # The attribute names of a body made only of ``self.x = x``; None for
    # any other body. Bytecode differs across CPython versions: 3.11-3.12
    # load the two locals one by one, 3.13+ may fuse them into one
    # LOAD_FAST_LOAD_FAST-style instruction; the return is LOAD_CONST None +
    # RETURN_VALUE, or RETURN_CONST None.
    self_name = init.__code__.co_varnames[0]
    ops = [
        (ins.opname, ins.argval)
        for ins in dis.get_instructions(init)
        if ins.opname not in ("RESUME", "NOP", "CACHE", "EXTENDED_ARG", "NOT_TAKEN")
    ]
    if ops[-2:] == [("LOAD_CONST", None), ("RETURN_VALUE", None)]:
        body = ops[:-2]
    elif ops[-1:] == [("RETURN_CONST", None)]:
        body = ops[:-1]
    else:
        return None
    stored = []
    i = 0
    while i < len(body):
        op, arg = body[i]
        if not op.startswith("LOAD_FAST"):
            return None
        if isinstance(arg, tuple):  # fused: (value, self)
            loads, i = list(arg), i + 1
        elif i + 1 < len(body) and body[i + 1][0].startswith("LOAD_FAST"):
            loads, i = [arg, body[i + 1][1]], i + 2
        else:
            return None
        if i >= len(body) or body[i][0] != "STORE_ATTR":
            return None
        attr = body[i][1]
        i += 1
        if loads != [attr, self_name]:
            return None
        stored.append(attr)
    return stored


_COMPOSITION = None


def _composition_get_params():
    # ``get_params`` overrides whose ``deep=False`` result is, by their code,
    # exactly ``BaseEstimator.get_params(deep=False)``: they call
    # ``_BaseComposition._get_params`` (through ``self`` or ``super()``),
    # which returns ``super().get_params(deep=False)`` when not deep.
    global _COMPOSITION
    if _COMPOSITION is None:
        from sklearn.compose import ColumnTransformer
        from sklearn.ensemble._base import _BaseHeterogeneousEnsemble
        from sklearn.pipeline import FeatureUnion, Pipeline
        from sklearn.utils.metaestimators import _BaseComposition

        _COMPOSITION = (
            _BaseComposition,
            {
                Pipeline.__dict__["get_params"]: None,
                FeatureUnion.__dict__["get_params"]: None,
                ColumnTransformer.__dict__["get_params"]: None,
                _BaseHeterogeneousEnsemble.__dict__["get_params"]: (
                    _BaseHeterogeneousEnsemble
                ),
            },
        )
    return _COMPOSITION


def shallow_get_params_is_base(cls):
    """Whether ``cls``'s ``get_params(deep=False)`` is ``BaseEstimator``'s."""
    get_params = _lookup(cls, "get_params")
    if get_params is _compat.UPSTREAM_GET_PARAMS:
        return True
    composition, known = _composition_get_params()
    if get_params not in known:
        return False
    owner = known[get_params]  # None: called as ``self._get_params``
    if owner is None:
        get_params_of = _lookup(cls, "_get_params")
    else:
        get_params_of = _lookup(cls, "_get_params", after=owner)
    return (
        get_params_of is composition.__dict__["_get_params"]
        and composition in cls.__mro__
        and _lookup(cls, "get_params", after=composition) is _compat.UPSTREAM_GET_PARAMS
    )


def class_facts(cls):
    """Work out what the compiled clone may assume about instances of ``cls``.

    Parameters
    ----------
    cls : type

    Returns
    -------
    facts : tuple
        ``(params_fast, clone_default, names, own_sklearn_clone,
        own_get_params_private, plain_init, init)``: ``params_fast`` is True when
        ``clone_parametrized`` may read the parameters straight from the
        instance (generic attribute access, default ``get_params(deep=False)``
        and ``_get_param_names``); ``clone_default`` is True when ``clone``
        would land in the default ``__sklearn_clone__`` (or the class has
        none); ``names`` is the tuple of parameter names (None when unknown);
        the next two say whether the class defines ``__sklearn_clone__`` and
        ``_get_params``, which an instance attribute could then shadow;
        ``plain_init`` is :func:`init_stores_parameters_unchanged`;
        ``init`` is the ``__init__`` function to call directly when
        :func:`constructed_by_init` holds, else None.
    """
    generic = (
        _lookup(cls, "__getattribute__") is object.__dict__["__getattribute__"]
        and _lookup(cls, "__getattr__") is _MISSING
        and _lookup(cls, "__setattr__") is object.__dict__["__setattr__"]
        and _lookup(cls, "__class__") is object.__dict__["__class__"]
    )
    sklearn_clone = _lookup(cls, "__sklearn_clone__")
    clone_default = (
        sklearn_clone is _MISSING or sklearn_clone in _compat.DEFAULT_SKLEARN_CLONE_FUNCS
    )
    names = None
    params_fast = False
    get_param_names_attr = _lookup(cls, "_get_param_names")
    if (
        generic
        and isinstance(get_param_names_attr, classmethod)
        and get_param_names_attr.__func__ in _compat.DEFAULT_GET_PARAM_NAMES_FUNCS
        and shallow_get_params_is_base(cls)
    ):
        try:
            names = tuple(get_param_names(cls))
        except Exception:
            names = None  # the general path raises it, at the right moment
        else:
            params_fast = True
    return (
        params_fast,
        clone_default and generic,
        names,
        sklearn_clone is not _MISSING,
        defined_on_class(cls, "_get_params"),
        params_fast and generic and init_stores_parameters_unchanged(cls, names),
        _lookup(cls, "__init__") if params_fast and constructed_by_init(cls) else None,
    )
