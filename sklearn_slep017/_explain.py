# SPDX-License-Identifier: BSD-3-Clause
"""``python -m sklearn_slep017 explain module:Class [...]``: which path a clone takes.

For each spec (as for ``check``: a class is instantiated with no arguments;
a class that cannot be is examined through an instance made without its
constructor), says how the compiled clone treats the object, asking the
compiled module itself (the very checks a clone makes), and, where the
clone cannot take its fast path, which class in the MRO defines which
override, so that the estimator's author can change it:

``fast``
    upstream's ``BaseEstimator.get_params`` and ``_get_param_names``: the
    parameters are read directly, with the names cached per ``__init__``.
``recognised composition``
    one of scikit-learn's compositions (Pipeline, FeatureUnion,
    ColumnTransformer, the heterogeneous ensembles), whose shallow
    ``get_params`` is upstream's by its code.
``recognised family``
    skbase's ``BaseObject.get_params`` (sktime's estimators), or sktime's
    composite ``get_params`` down to it, verified to be the reviewed code.
``delegated``
    the object's own ``__sklearn_clone__`` runs instead (SLEP017).
``general``
    the clone calls the object's ``get_params(deep=False)`` twice (on the
    original and on the new object), as upstream does.

Overrides that slow any path are listed as well: a ``_get_param_names`` of
the class's own (called on every clone), an ``__init__`` that
``inspect.signature`` must be asked about every time, and a custom
``__getattr__`` or ``__getattribute__`` (upstream's ``hasattr`` probes reach
it on every clone; the compiled clone makes the same calls).

Exit status: 0, or 2 when a spec cannot be loaded.
"""

import argparse
import sys
import types

__all__ = ["add_arguments", "explain", "run"]

PATHS = {
    "base": "fast",
    "composition": "recognised composition",
    "skbase": "recognised family (skbase)",
    "sktime-composite": "recognised family (sktime composite)",
    "call": "general",
}


def add_arguments(parser):
    """Add the ``explain`` options to an argument parser.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The ``explain`` subparser.
    """
    parser.add_argument(
        "specs", nargs="+", metavar="MODULE:CLASS",
        help="an estimator class (instantiated with no arguments when it "
        "can be), a factory or an estimator instance, e.g. "
        "sktime.forecasting.naive:NaiveForecaster",
    )


def _name(obj):
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None) or type(obj).__qualname__
    return "%s.%s" % (module, qualname) if module else qualname


def _definer(cls, name):
    # The class of the MRO whose namespace defines ``name``, or None.
    for klass in type.__getattribute__(cls, "__mro__"):
        if name in vars(klass):
            return klass
    return None


def _function_of(value):
    # The function behind a method, classmethod or staticmethod.
    if isinstance(value, (classmethod, staticmethod)):
        value = value.__func__
    return getattr(value, "__func__", value)


def _load(spec):
    from .checks._cli import SpecError, _resolve_dotted, load_estimator

    if ":" not in spec and _resolve_dotted(spec) is not None:
        spec = "%s:%s" % _resolve_dotted(spec)  # a dotted name, as check reads it
    try:
        return load_estimator(spec), None
    except SpecError as exc:
        module_name, _, attribute = spec.partition(":")
        try:
            import importlib

            obj = importlib.import_module(module_name)
            for part in attribute.split("."):
                obj = getattr(obj, part)
        except Exception:
            raise exc from None
        if not isinstance(obj, type):
            raise
        abstract = sorted(getattr(obj, "__abstractmethods__", None) or ())
        if abstract:
            raise SpecError(
                "%s is abstract (abstract methods: %s): clone never meets an "
                "instance of it; explain a concrete subclass"
                % (_name(obj), ", ".join(abstract))
            ) from None
        # Examined through an instance made without the constructor: the
        # class's look-ups are the same. The class's own __new__ first (it
        # may set up what look-ups read), object's where that one needs
        # arguments too.
        for new in (obj.__new__, object.__new__):
            try:
                instance = new(obj)
            except Exception as new_exc:
                failure = new_exc
                continue
            reason = str(exc).partition("; it needs")[0]  # no factory recipe here
            return instance, "not constructible without arguments (%s): " \
                "examined without calling the constructor" % reason
        raise SpecError(
            "%s; nor can an instance be made without the constructor "
            "(%s: %s)" % (exc, type(failure).__name__, failure)
        ) from None


def explain(estimator, try_clone=True):
    """Say which path the compiled clone takes for ``estimator``, and why.

    Parameters
    ----------
    estimator : object
        An estimator instance.
    try_clone : bool, default=True
        Clone ``estimator`` first: a clone that raises is no path at all,
        and the verdict says so instead of naming one.

    Returns
    -------
    path : str
        One of ``fast``, ``recognised composition``, ``recognised family
        (skbase)``, ``recognised family (sktime composite)``, ``delegated``,
        ``general``; followed by ``, slowed by:``
        and the overrides that cost time on that path, if any. ``clone
        fails`` when ``try_clone`` is true and the clone raises.
    lines : list of str
        What decided it: one line per look-up, naming the class of the MRO
        that defines each override.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn_slep017._explain import explain
    >>> explain(Ridge())[0]
    'fast'
    """
    from . import _clone_c, _compat

    cls = type(estimator)
    lines = []
    slow = []

    # __sklearn_clone__
    delegated = False
    definer = _definer(cls, "__sklearn_clone__")
    if definer is None:
        lines.append("__sklearn_clone__: none; clone_parametrized runs")
    else:
        func = _function_of(vars(definer)["__sklearn_clone__"])
        if func in _compat.DEFAULT_SKLEARN_CLONE_FUNCS:
            lines.append(
                "__sklearn_clone__: the default, from %s; clone_parametrized runs"
                % _name(definer)
            )
        else:
            delegated = True
            lines.append(
                "__sklearn_clone__: defined by %s: clone calls it instead "
                "(only what it calls back, e.g. super().__sklearn_clone__(), "
                "takes the paths below)" % _name(definer)
            )

    # get_params
    path = _clone_c._get_params_path(estimator)
    definer = _definer(cls, "get_params")
    where = _name(definer) if definer is not None else "the instance"
    if path == "base":
        lines.append("get_params: %s, upstream's: inlined" % where)
    elif path == "composition":
        lines.append(
            "get_params: %s, a scikit-learn composition whose shallow result "
            "is upstream's by its code: inlined" % where
        )
    elif path == "skbase":
        lines.append(
            "get_params: %s, skbase's reviewed code: computed by the compiled "
            "clone" % where
        )
        lines.extend(_skbase_names_lines(estimator, cls, slow))
    elif path == "sktime-composite":
        lines.append(
            "get_params: %s, sktime's reviewed composite code: computed by the "
            "compiled clone down to skbase's BaseObject.get_params" % where
        )
        lines.extend(_skbase_names_lines(estimator, cls, slow))
    else:
        slow.append("get_params")
        reason = _general_reason(estimator, cls, definer)
        if _is_sklearn_class(definer):
            advice = (
                "scikit-learn's own override, which upstream's clone calls "
                "too: nothing to change in the class"
            )
        else:
            advice = (
                "To take the fast path, inherit get_params from "
                "sklearn.base.BaseEstimator (or skbase.base.BaseObject) "
                "without overriding it"
            )
        lines.append("get_params: %s: called twice per clone (%s). %s" % (where, reason, advice))

    # _get_param_names, where upstream's get_params calls it
    if path in ("base", "composition"):
        definer = _definer(cls, "_get_param_names")
        func = None
        if definer is not None:
            func = _function_of(vars(definer)["_get_param_names"])
        if func in _compat.DEFAULT_GET_PARAM_NAMES_FUNCS:
            lines.append("_get_param_names: the default, from %s" % _name(definer))
            lines.extend(_init_lines(cls, slow))
        else:
            slow.append("_get_param_names")
            lines.append(
                "_get_param_names: defined by %s: called twice per clone "
                "instead of the cached names" % (_name(definer) if definer else "the instance")
            )

    # __getattr__ / __getattribute__
    definer = _definer(cls, "__getattr__")
    if definer is not None:
        slow.append("__getattr__")
        lines.append(
            "__getattr__: defined by %s: upstream's hasattr probes "
            "(_skl_callbacks, _sklearn_output_config) call it on every clone, "
            "and so does the compiled clone (a miss costs an AttributeError)"
            % _name(definer)
        )
    else:
        lines.append("__getattr__: none")
    definer = _definer(cls, "__getattribute__")
    if definer is not None and definer is not object:
        slow.append("__getattribute__")
        lines.append(
            "__getattribute__: defined by %s: every attribute read runs it"
            % _name(definer)
        )

    if delegated:
        verdict = "delegated"
    else:
        verdict = PATHS[path]
    if slow and not delegated:
        verdict += ", slowed by: %s" % ", ".join(slow)
    if try_clone:
        try:
            _clone_c.clone(estimator)
        except Exception as exc:
            text = " ".join(str(exc).split())
            lines.insert(0, (
                "clone: raises %s: %s; the look-ups below are where the compiled "
                "clone starts, and it does not finish (python -m sklearn_slep017 "
                "check names the parameter to blame)"
                % (type(exc).__name__, text if len(text) < 200 else text[:197] + "...")
            ))
            verdict = "clone fails"
    return verdict, lines


def _is_sklearn_class(klass):
    module = getattr(klass, "__module__", None) or ""
    return module == "sklearn" or module.startswith("sklearn.")


def _general_reason(estimator, cls, definer):
    import sys as _sys

    from . import _families

    skbase = _sys.modules.get(_families.SKBASE_MODULE)
    base_object = getattr(skbase, "BaseObject", None)
    if base_object is not None and isinstance(estimator, base_object):
        if definer is not base_object:
            return "it overrides skbase's BaseObject.get_params"
        names_definer = _definer(cls, "get_param_names")
        if names_definer is not base_object:
            return "get_param_names is overridden by %s" % _name(names_definer)
        if _families.known_skbase() is None:
            return "the installed skbase's code is not the reviewed one"
        return "skbase's code was changed at run time"
    pyod = _sys.modules.get("pyod.models.base")
    detector = getattr(pyod, "BaseDetector", None)
    if detector is not None and definer is detector:
        return (
            "pyod's BaseDetector.get_params is an old scikit-learn's, not the "
            "installed one's: it edits the warnings filters and reads "
            "parameters with getattr(self, key, None)"
        )
    if definer is None:
        return "get_params is set on the instance"
    if _is_sklearn_class(definer):
        return "scikit-learn's own, not BaseEstimator's"
    return "not a recognised equivalent of scikit-learn's"


def _skbase_names_lines(estimator, cls, slow):
    # skbase's get_params reads self.get_param_names(): the reviewed one is
    # computed from skbase's signature cache, any other is called.
    from . import _families

    known = _families.known_skbase()
    definer = _definer(cls, "get_param_names")
    value = vars(definer)["get_param_names"] if definer is not None else None
    if (
        known is not None
        and isinstance(value, classmethod)
        and value.__func__ is known[2]
        and value.__func__.__code__ is known[3]
        and value.__func__.__defaults__ == (True,)
    ):
        return [
            "get_param_names: skbase's, from %s: names from skbase's "
            "signature cache" % _name(definer)
        ]
    slow.append("get_param_names")
    return [
        "get_param_names: defined by %s: called twice per clone"
        % (_name(definer) if definer is not None else "the instance")
    ]


def _init_lines(cls, slow):
    from . import _clone_kernel, _compat

    init = cls.__init__
    if type(init) is not types.FunctionType:
        # As upstream's _get_param_names reads it: no introspection at all
        # for object's own __init__ (a class that defines none).
        resolved = init
        if _compat.USES_DEPRECATED_ORIGINAL:
            resolved = getattr(init, "deprecated_original", init)
        if resolved is object.__init__:
            return ["__init__: object's (no class of the MRO defines one): no "
                    "parameters, nothing to introspect"]
        slow.append("__init__")
        return [
            "__init__: %r is not a plain function: inspect.signature runs on "
            "every clone" % (init,)
        ]
    attributes = [a for a in _clone_kernel.SIGNATURE_ATTRIBUTES if a in vars(init)]
    if attributes:
        slow.append("__init__")
        return [
            "__init__: carries %s: inspect.signature runs on every clone"
            % ", ".join(attributes)
        ]
    return ["__init__: %s, names cached" % _name(init)]


def run(args):
    """Run the ``explain`` subcommand from parsed arguments.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed by a parser set up with :func:`add_arguments`.

    Returns
    -------
    status : int
        0, or 2 if a spec could not be loaded (the others are explained).
    """
    from .checks._cli import SpecError

    try:
        from . import _clone_c  # noqa: F401
    except ImportError as exc:
        print("error: the compiled extension is not available (%s): there is "
              "no compiled path to explain" % exc, file=sys.stderr)
        return 2
    status = 0
    for spec in args.specs:
        try:
            estimator, note = _load(spec)
        except SpecError as exc:
            print("%s: ERROR %s" % (spec, exc))
            status = 2
            continue
        # An instance made without its constructor has no parameters to clone.
        verdict, lines = explain(estimator, try_clone=note is None)
        path, _, slowed = verdict.partition(", slowed by: ")
        if path == "clone fails":
            print("%s: clone fails (no path)" % spec)
        else:
            print("%s: %s path%s" % (spec, path, ", slowed by: " + slowed if slowed else ""))
        if note:
            print("  note: %s" % note)
        for line in lines:
            print("  " + line)
    return status


if __name__ == "__main__":  # pragma: no cover - python -m sklearn_slep017 explain
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    sys.exit(run(parser.parse_args()))
