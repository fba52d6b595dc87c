# SPDX-License-Identifier: BSD-3-Clause
"""Estimator families outside scikit-learn's base class whose shallow
``get_params`` the compiled clone may compute itself.

A family is recognised only where its code is, instruction for instruction,
code that this module carries and that was reviewed against upstream's
clone: the installed library's functions are compared with the reviewed
ones by their code objects (bytecode, constants, names, arguments, flags),
never by name, and the global names that code reads are checked to be the
builtins it means. Nothing is imported here: a family counts only once its
library is imported by whoever made the estimator.

skbase (``skbase.base.BaseObject``, the base of sktime's estimators)
    ``BaseObject.get_params(deep=False)`` is
    ``{key: getattr(self, key) for key in self.get_param_names()}``, and
    ``get_param_names()`` (a classmethod, ``sort=True``) is
    ``sorted(p.name for p in cls._get_init_signature())``, the latter an
    ``lru_cache`` of ``inspect.signature``'s parameters per class. The
    compiled clone resolves ``get_param_names`` and ``_get_init_signature``
    exactly as that code does, calls ``_get_init_signature()`` exactly as
    often as that code would (its cache statistics stay the same), reads
    each ``p.name`` of the list it returns, sorts the names (the sorted
    tuple remembered per tuple of exact strings), then reads the attributes
    in that order.

sktime's composites (``sktime.base._meta._HeterogenousMetaEstimator``)
    ``get_params(deep=False)`` reads ``self._steps_attr`` and returns
    ``self._get_params(steps, deep=False)``, whose ``deep=False`` path is
    ``getattr(super(), "get_params")(deep=False)``: skbase's, above. The
    compiled clone makes the same two reads and the ``super()`` look-up,
    and computes skbase's result where that look-up lands on it; whatever
    else it finds there, it calls exactly as that code would.

pyod (``pyod.models.base.BaseDetector``) is *not* recognised: its
``get_params`` is a copy of an old scikit-learn's, not of the installed
one's. It calls ``warnings.simplefilter("always", DeprecationWarning)``,
reads each parameter under ``warnings.catch_warnings(record=True)`` with
``getattr(self, key, None)`` (a missing attribute gives None instead of
upstream's AttributeError), skips parameters whose read warns, and pops
the first warnings filter: each of those is observable, so the clone calls
it as upstream does.
"""

import builtins
import sys
import textwrap

__all__ = ["SKBASE_MODULE", "known_skbase", "known_sktime_meta", "same_code"]

SKBASE_MODULE = "skbase.base._base"

# skbase's code, as reviewed (the text of scikit-base 1.1.1 and 1.2.0):
# the docstrings are left out, every instruction is kept.
_SKBASE_REVIEWED = textwrap.dedent(
    '''
    class BaseObject:
        def get_params(self, deep=True):
            """docstring"""
            params = {key: getattr(self, key) for key in self.get_param_names()}

            if not deep:
                return params

            # we know deep=True, so recurse
            deep_params = {}
            for key, value in params.items():
                if isclass(value):
                    continue

                get_params = getattr(value, "get_params", None)
                if not callable(get_params):
                    continue

                sub_params = get_params()
                if not isinstance(sub_params, dict):
                    continue

                deep_params.update({f"{key}__{k}": v for k, v in sub_params.items()})

            params.update(deep_params)

            return params

        @classmethod
        def get_param_names(cls, sort=True):
            """docstring"""
            if sort is None:
                sort = True

            parameters = cls._get_init_signature()
            param_names = [p.name for p in parameters]
            if sort:
                param_names = sorted(param_names)
            return param_names
    '''
)

# Global names the reviewed code reads on its deep=False path, each of which
# must resolve to the builtin of that name.
SKBASE_BUILTINS = ("getattr", "sorted")

SKTIME_META_MODULE = "sktime.base._meta"

# sktime's composite base, as reviewed (the text of sktime 1.2.0).
_SKTIME_META_REVIEWED = textwrap.dedent(
    '''
    class _HeterogenousMetaEstimator:
        def get_params(self, deep=True):
            """docstring"""
            steps = self._steps_attr
            return self._get_params(steps, deep=deep)

        def _get_params(self, attr, deep=True, fitted=False):
            if fitted:
                private_method = "_get_fitted_params"
                public_method = "get_fitted_params"
                deepkw = {}
            else:
                private_method = "get_params"
                public_method = "get_params"
                deepkw = {"deep": deep}

            out = getattr(super(), private_method)(**deepkw)
            if deep and hasattr(self, attr):
                estimators = getattr(self, attr)
                estimators = [(x[0], x[1]) for x in estimators]
                estimator_dict = {name: estimator for name, estimator in estimators}
                out.update(estimator_dict)
                for name, estimator in estimators:
                    cond1 = hasattr(estimator, public_method)
                    is_fitted = hasattr(estimator, "is_fitted") and estimator.is_fitted
                    cond2 = not fitted or is_fitted
                    if cond1 and cond2:
                        for key, value in getattr(estimator, public_method)(
                            **deepkw
                        ).items():
                            out[f"{name}__{key}"] = value
            return out
    '''
)


def _reviewed_skbase():
    namespace = {}
    exec(compile(_SKBASE_REVIEWED, "<reviewed skbase>", "exec"), namespace)
    cls = namespace["BaseObject"]
    return cls.__dict__["get_params"], cls.__dict__["get_param_names"].__func__


_CODE_FIELDS = (
    "co_code",
    "co_names",
    "co_varnames",
    "co_freevars",
    "co_cellvars",
    "co_argcount",
    "co_posonlyargcount",
    "co_kwonlyargcount",
    "co_flags",
)


def _consts(code, doc):
    consts = list(code.co_consts)
    # A docstring is the function's first constant; its text is no code.
    if consts and doc is not None and consts[0] == doc and type(consts[0]) is str:
        consts[0] = None
    return consts


def _same_code_objects(a, b, doc_a=None, doc_b=None):
    for field in _CODE_FIELDS + ("co_exceptiontable",):
        if getattr(a, field, None) != getattr(b, field, None):
            return False
    ca, cb = _consts(a, doc_a), _consts(b, doc_b)
    if len(ca) != len(cb):
        return False
    previous = None
    for x, y in zip(ca, cb):
        if type(x) is not type(y):
            return False
        if type(x) is type(a):
            if not _same_code_objects(x, y):
                return False
        elif type(previous) is type(a) and type(x) is str and x != y:
            # Before Python 3.11 a nested function's qualified name is the
            # constant after its code (``f.<locals>.<dictcomp>``): it names
            # the enclosing function, which only tracebacks and reprs see.
            if not (
                x.endswith(".<locals>." + previous.co_name)
                and y.endswith(".<locals>." + previous.co_name)
            ):
                return False
        elif x != y:
            return False
        previous = x
    return True


def same_code(func, reference):
    """Whether two plain functions run the same instructions.

    Compares their code objects field by field (bytecode, constants, nested
    code, names, argument counts, flags, exception table) and their
    defaults, ignoring docstrings, file names and line numbers.

    Parameters
    ----------
    func, reference : function
        The functions to compare.

    Returns
    -------
    same : bool
        True when they do the same thing given the same globals.

    Examples
    --------
    >>> def f(x): return x + 1
    >>> def g(y): return y + 1
    >>> from sklearn_slep017._families import same_code
    >>> same_code(f, f), same_code(f, g)
    (True, False)
    """
    code_type = type(same_code.__code__)
    a = getattr(func, "__code__", None)
    b = getattr(reference, "__code__", None)
    if type(a) is not code_type or type(b) is not code_type:
        return False
    if func.__defaults__ != reference.__defaults__:
        return False
    if func.__kwdefaults__ != reference.__kwdefaults__:
        return False
    return _same_code_objects(a, b, func.__doc__, reference.__doc__)


def resolves_to_builtins(func, names):
    """Whether each of ``names`` read as a global by ``func`` is the builtin.

    Parameters
    ----------
    func : function
        The function whose ``__globals__`` and ``__builtins__`` are read.
    names : iterable of str
        Global names its code reads.

    Returns
    -------
    builtin : bool
    """
    module_globals = func.__globals__
    func_builtins = getattr(func, "__builtins__", None)
    if func_builtins is None:  # before CPython 3.10
        func_builtins = module_globals.get("__builtins__", builtins)
    if type(func_builtins) is not dict:
        func_builtins = getattr(func_builtins, "__dict__", None)
        if func_builtins is None:
            return False
    for name in names:
        if name in module_globals:
            return False
        if func_builtins.get(name) is not getattr(builtins, name):
            return False
    return True


# (get_params function, its code, get_param_names function, its code), or
# None when skbase is imported but its code is not the reviewed one.
_SKBASE = []


def known_skbase():
    """skbase's ``get_params`` and ``get_param_names``, once verified.

    Returns
    -------
    known : tuple or None
        ``(get_params, get_params.__code__, get_param_names,
        get_param_names.__code__)`` of ``skbase.base.BaseObject`` when skbase
        is imported and both functions are the reviewed code (``same_code``);
        None when skbase is not imported (asked again next time) or differs
        (remembered: its functions are those of an imported module). The
        callers check, on every use, that each function still carries the
        code verified here, its defaults, and the builtins it reads.
    """
    if _SKBASE:
        return _SKBASE[0]
    module = sys.modules.get(SKBASE_MODULE)
    if module is None:
        return None
    base = getattr(module, "BaseObject", None)
    verdict = None
    try:
        get_params = base.__dict__["get_params"]
        get_param_names = base.__dict__["get_param_names"].__func__
    except (AttributeError, KeyError, TypeError):
        get_params = get_param_names = None
    if get_params is not None:
        reviewed_get_params, reviewed_get_param_names = _reviewed_skbase()
        if same_code(get_params, reviewed_get_params) and same_code(
            get_param_names, reviewed_get_param_names
        ):
            verdict = (
                get_params,
                get_params.__code__,
                get_param_names,
                get_param_names.__code__,
            )
    _SKBASE.append(verdict)
    return verdict


# (get_params, its code, _get_params, its code, the class defining both),
# or None when sktime's code is not the reviewed one.
_SKTIME_META = []


def known_sktime_meta():
    """sktime's composite ``get_params`` and ``_get_params``, once verified.

    Returns
    -------
    known : tuple or None
        ``(get_params, get_params.__code__, _get_params,
        _get_params.__code__, _HeterogenousMetaEstimator)`` when
        ``sktime.base._meta`` is imported and both functions are the reviewed
        code; None when it is not imported (asked again next time) or differs
        (remembered). Callers check on every use that the functions still
        carry this code, ``_get_params``' defaults and ``__class__`` cell,
        and the builtins it reads (``getattr``, ``super``).
    """
    if _SKTIME_META:
        return _SKTIME_META[0]
    module = sys.modules.get(SKTIME_META_MODULE)
    if module is None:
        return None
    base = getattr(module, "_HeterogenousMetaEstimator", None)
    verdict = None
    try:
        get_params = base.__dict__["get_params"]
        private = base.__dict__["_get_params"]
    except (AttributeError, KeyError, TypeError):
        get_params = private = None
    if get_params is not None:
        namespace = {}
        exec(compile(_SKTIME_META_REVIEWED, "<reviewed sktime>", "exec"), namespace)
        reviewed = namespace["_HeterogenousMetaEstimator"]
        if (
            same_code(get_params, reviewed.__dict__["get_params"])
            and same_code(private, reviewed.__dict__["_get_params"])
            and private.__closure__ is not None
            and len(private.__closure__) == 1
            and private.__closure__[0].cell_contents is base
        ):
            verdict = (get_params, get_params.__code__, private, private.__code__, base)
    _SKTIME_META.append(verdict)
    return verdict
