"""What the compiled clone may assume about a class, worked out once per class.

The compiled path skips Python-level calls (``get_params``,
``__sklearn_clone__``, ``hasattr`` probes) only for classes where doing so
cannot change the result: attribute access is the generic one, and every
method clone would call is scikit-learn's default or known to be equivalent
to it. Anything else takes the exact, general path. The compiled module
caches these facts per class and recomputes them whenever the class (or a
base) is modified, using CPython's type version tags.
"""

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
        own_get_params_private)``: ``params_fast`` is True when
        ``clone_parametrized`` may read the parameters straight from the
        instance (generic attribute access, default ``get_params(deep=False)``
        and ``_get_param_names``); ``clone_default`` is True when ``clone``
        would land in the default ``__sklearn_clone__`` (or the class has
        none); ``names`` is the tuple of parameter names (None when unknown);
        the last two say whether the class defines ``__sklearn_clone__`` and
        ``_get_params``, which an instance attribute could then shadow.
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
    )
