"""enable() / disable() / enabled() / is_enabled(): switching the installed scikit-learn.

Note: this module must never hold scikit-learn's ``clone`` (or
``_clone_parametrized``) as a global -- ``enable()`` rebinds such globals in
every imported module, this one included -- so upstream's originals are
always read as ``_compat.UPSTREAM_*`` attributes.
"""

import importlib
import inspect
import os
import re
import subprocess
import sys
import textwrap
import uuid

import numpy as np
import pytest
import sklearn
import sklearn.base
import sklearn.compose._column_transformer
import sklearn.ensemble._base
import sklearn.ensemble._stacking
import sklearn.ensemble._voting
import sklearn.model_selection._search
import sklearn.model_selection._validation
import sklearn.multiclass
import sklearn.pipeline
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.compose import ColumnTransformer
from sklearn.datasets import make_classification
from sklearn.ensemble import BaggingClassifier, VotingClassifier
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import sklearn_slep017
from sklearn_slep017 import _clone, _compat, _names, _switch, _version_range

from support import IMPLEMENTATION_NAMES, UPSTREAM_DELEGATES, load_implementation

# Modules of scikit-learn that take ``clone`` from ``sklearn.base`` at import.
CLONE_IMPORTERS = [
    sklearn,
    sklearn.compose._column_transformer,
    sklearn.ensemble._base,
    sklearn.ensemble._stacking,
    sklearn.ensemble._voting,
    sklearn.model_selection._search,
    sklearn.model_selection._validation,
    sklearn.multiclass,
    sklearn.pipeline,
]


# --------------------------------------------------------------------------
# snapshots
# --------------------------------------------------------------------------


def _is_ours(module_name):
    return module_name.split(".")[0] == "sklearn_slep017"


# Upstream's clone functions (``_clone_parametrized`` exists from 1.3).
UPSTREAM_ORIGINALS = tuple(
    obj
    for obj in (_compat.UPSTREAM_CLONE, _compat.UPSTREAM_CLONE_PARAMETRIZED)
    if obj is not None
)


def _holders(*objs):
    """{(module name, attribute): value} for every global that *is* one of ``objs``."""
    found = {}
    for name, module in list(sys.modules.items()):
        namespace = getattr(module, "__dict__", None)
        if module is None or _is_ours(name) or not isinstance(namespace, dict):
            continue
        for attr, value in list(namespace.items()):
            if any(value is obj for obj in objs):
                found[(name, attr)] = value
    return found


def _snapshot():
    return {
        "sklearn.base": dict(vars(sklearn.base)),
        "BaseEstimator": dict(vars(_compat.UPSTREAM_BASE_ESTIMATOR)),
        "holders": _holders(*UPSTREAM_ORIGINALS),
    }


def _identity_diff(before, after):
    """Human-readable differences between two snapshots, by identity."""
    problems = []
    for part in before:
        old, new = before[part], after[part]
        for key in sorted(set(old) | set(new), key=repr):
            if key not in new:
                problems.append("%s: %r removed" % (part, key))
            elif key not in old:
                problems.append("%s: %r added (%r)" % (part, key, new[key]))
            elif old[key] is not new[key]:
                problems.append("%s: %r is %r, was %r" % (part, key, new[key], old[key]))
    return problems


def _assert_pristine(before):
    assert not sklearn_slep017.is_enabled()
    assert _identity_diff(before, _snapshot()) == []
    assert sklearn.base.clone is _compat.UPSTREAM_CLONE
    assert _compat.UPSTREAM_BASE_ESTIMATOR.__dict__["_get_param_names"] is (
        _compat.UPSTREAM_GET_PARAM_NAMES
    )
    assert (
        _compat.UPSTREAM_BASE_ESTIMATOR.__dict__.get("__sklearn_clone__")
        is _compat.UPSTREAM_SKLEARN_CLONE
    )


def _write_module(tmp_path, monkeypatch, source):
    """Write and import a fresh module from ``tmp_path``; forget it afterwards."""
    name = "slep017_user_module_%s" % uuid.uuid4().hex
    (tmp_path / (name + ".py")).write_text(textwrap.dedent(source))
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    monkeypatch.delitem(sys.modules, name, raising=False)  # removed at teardown
    return importlib.import_module(name)


def _other_implementation(impl_name):
    others = [name for name in IMPLEMENTATION_NAMES if name != impl_name]
    if not others:
        pytest.skip("only one implementation available (SKLEARN_SLEP017_NO_EXTENSIONS)")
    return others[0]


def _run_python(code, **env_overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if key != "SKLEARN_SLEP017_NO_EXTENSIONS" and not key.startswith("PYTEST_")
    }
    env.update(env_overrides)
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


# --------------------------------------------------------------------------
# estimators
# --------------------------------------------------------------------------


class _Extended(ClassifierMixin, BaseEstimator):
    """Carries configuration that is not a constructor parameter through clone."""

    clone_calls = []

    def __init__(self, C=1.0):
        self.C = C

    def __sklearn_clone__(self):
        new = super().__sklearn_clone__()
        new.offset_config = self.offset_config
        type(self).clone_calls.append(id(new))
        return new

    def fit(self, X, y):
        # A clone that lost ``offset_config`` cannot be fitted.
        self.model_ = LogisticRegression(C=self.C).fit(X + self.offset_config, y)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X):
        return self.model_.predict(X + self.offset_config)


def _estimators():
    # Each release's own features only: routing from 1.3, set_output from
    # 1.2, dicts as containers from 1.3.1.
    meta = Ridge(alpha=0.5)
    if _compat.METADATA_REQUEST_COPY is not None:
        with sklearn.config_context(enable_metadata_routing=True):
            meta.set_fit_request(sample_weight=True)
    output = StandardScaler()
    if _compat.HAS_OUTPUT_CONFIG:
        output.set_output(transform="default")
    extended = _Extended(C=0.25)
    extended.offset_config = 3.0
    container = [Ridge(), (1, "a", None)]
    if _compat.CLONES_DICT_VALUES:
        container.insert(1, {"alpha": Ridge(alpha=3.0)})
    return [
        Ridge(alpha=2.0, fit_intercept=False),
        make_pipeline(StandardScaler(with_mean=False), LogisticRegression(C=0.1)),
        ColumnTransformer(
            [("ohe", OneHotEncoder(categories=[["a", "b"]]), [0])],
            remainder=StandardScaler(),
        ),
        GridSearchCV(Ridge(), {"alpha": [0.1, 1.0], "solver": ("auto", "svd")}),
        VotingClassifier([("lr", LogisticRegression()), ("lr2", LogisticRegression(C=2))]),
        BaggingClassifier(LogisticRegression(), n_estimators=3, random_state=0),
        meta,
        output,
        extended,
        container,
    ]


def _describe(obj):
    """A structural description of a clone, to compare two clones by value."""
    if isinstance(obj, BaseEstimator):
        return (
            type(obj),
            repr(obj),
            {
                key: _describe(value)
                for key, value in obj.get_params(deep=False).items()
            },
            sorted(vars(obj)),
            getattr(obj, "offset_config", None),
            repr(getattr(obj, "_sklearn_output_config", None)),
            repr(getattr(obj, "_metadata_request", None)),
        )
    if isinstance(obj, (list, tuple)):
        return (type(obj), [_describe(item) for item in obj])
    if isinstance(obj, dict):
        return (type(obj), {key: _describe(value) for key, value in obj.items()})
    return (type(obj), repr(obj))


# --------------------------------------------------------------------------
# importing changes nothing
# --------------------------------------------------------------------------


def test_import_leaves_sklearn_untouched():
    code = """
    import sys
    import sklearn, sklearn.base
    import sklearn.model_selection, sklearn.ensemble, sklearn.pipeline
    import sklearn.compose, sklearn.multiclass

    clone = sklearn.base.clone
    clone_parametrized = getattr(sklearn.base, "_clone_parametrized", clone)

    def holders():
        found = {}
        for name, module in list(sys.modules.items()):
            namespace = getattr(module, "__dict__", None)
            if not isinstance(namespace, dict):
                continue
            for attr, value in list(namespace.items()):
                if value is clone or value is clone_parametrized or (
                    attr in ("clone", "_clone_parametrized")
                    and not name.startswith("sklearn_slep017")
                ):
                    found[(name, attr)] = value
        return found

    def snapshot():
        return {
            "sklearn.base": dict(vars(sklearn.base)),
            "BaseEstimator": dict(vars(sklearn.base.BaseEstimator)),
            "holders": holders(),
        }

    before = snapshot()
    assert len(before["holders"]) > 10, before["holders"]
    import sklearn_slep017, sklearn_slep017.base
    assert "sklearn_slep017" in sys.modules
    after = snapshot()
    problems = []
    for part in before:
        for key in set(before[part]) | set(after[part]):
            old = before[part].get(key, "<absent>")
            new = after[part].get(key, "<absent>")
            if old is new:
                continue
            if part == "holders" and key not in before[part]:
                # a module imported by sklearn_slep017 may take upstream's clone
                if new is clone or new is clone_parametrized:
                    continue
            problems.append((part, key, old, new))
    assert sklearn.base.clone is clone
    print("PROBLEMS", problems)
    """
    out = _run_python(code)
    assert "PROBLEMS []" in out, out


# --------------------------------------------------------------------------
# what enable() replaces
# --------------------------------------------------------------------------


def test_enable_replaces_clone_everywhere(impl_name, impl):
    before = _snapshot()
    assert sklearn.base.clone is _compat.UPSTREAM_CLONE
    sklearn_slep017.enable(impl_name)
    try:
        ours = sklearn.base.clone
        assert ours is not _compat.UPSTREAM_CLONE
        assert callable(ours)
        assert sklearn.base._clone_parametrized is not _compat.UPSTREAM_CLONE_PARAMETRIZED
        for module in CLONE_IMPORTERS:
            assert module.clone is ours, module.__name__
        # No module (ours apart) still holds an upstream original.
        assert _holders(*UPSTREAM_ORIGINALS) == {}
        # Every module that held upstream's now holds ours, under the same name.
        for (name, attr), value in before["holders"].items():
            expected = (
                ours if value is _compat.UPSTREAM_CLONE else sklearn.base._clone_parametrized
            )
            assert getattr(sys.modules[name], attr) is expected, (name, attr)

        estimator_dict = _compat.UPSTREAM_BASE_ESTIMATOR.__dict__
        assert isinstance(estimator_dict["_get_param_names"], classmethod)
        assert estimator_dict["_get_param_names"].__func__ is impl.get_param_names
        assert estimator_dict["__sklearn_clone__"] is impl.sklearn_clone
        assert sklearn.base.BaseEstimator is _compat.UPSTREAM_BASE_ESTIMATOR
        assert Ridge._get_param_names() == _compat.UPSTREAM_GET_PARAM_NAMES.__func__(Ridge)
    finally:
        sklearn_slep017.disable()
    _assert_pristine(before)


def test_sklearn_base_clone_delegates_to_implementation(impl_name, impl, monkeypatch):
    calls = []
    real_clone = impl.clone

    def spy(estimator, *, safe=True):
        calls.append((type(estimator), safe))
        return real_clone(estimator, safe=safe)

    monkeypatch.setattr(impl, "clone", spy)
    with sklearn_slep017.enabled(impl_name):
        sklearn.base.clone(Ridge(alpha=3.0))
        sklearn.model_selection._validation.clone([1, 2], safe=False)
    # (the reference implementation also recurses through the spy)
    assert calls[0] == (Ridge, True)
    assert (list, False) in calls


def test_enable_default_is_live_implementation():
    before = _snapshot()
    live = _clone.get_implementation()
    with sklearn_slep017.enabled():
        estimator_dict = _compat.UPSTREAM_BASE_ESTIMATOR.__dict__
        assert estimator_dict["__sklearn_clone__"] is live.sklearn_clone
        # The live one again, by name, is the same switch: no error.
        sklearn_slep017.enable(sklearn_slep017.implementation())
    _assert_pristine(before)


@pytest.mark.parametrize("index", range(len(_estimators())))
def test_clone_through_sklearn_base_matches_upstream(impl_name, index):
    original = _estimators()[index]
    expected = _compat.UPSTREAM_CLONE(original, safe=False)
    with sklearn_slep017.enabled(impl_name):
        got = sklearn.base.clone(original, safe=False)
        got_via_pipeline_module = sklearn.pipeline.clone(original, safe=False)
    if isinstance(original, _Extended) and not UPSTREAM_DELEGATES:
        # The backport: the release's clone ignores __sklearn_clone__ and
        # loses the configuration; under enable() it is honoured.
        assert not hasattr(expected, "offset_config")
        assert got.offset_config == got_via_pipeline_module.offset_config == 3.0
        expected.offset_config = original.offset_config
    assert got is not original
    assert _describe(got) == _describe(expected) == _describe(original)
    assert _describe(got_via_pipeline_module) == _describe(expected)
    if isinstance(original, BaseEstimator):
        for name, value in original.get_params(deep=False).items():
            if isinstance(value, BaseEstimator):
                assert got.get_params(deep=False)[name] is not value


def test_enabled_clone_errors_match_upstream(impl_name):
    class NotAnEstimator:
        pass

    def message(clone, *args, **kwargs):
        with pytest.raises(Exception) as excinfo:
            clone(*args, **kwargs)
        return type(excinfo.value), str(excinfo.value)

    cases = [((NotAnEstimator(),), {}), ((Ridge,), {}), (([Ridge(), object()],), {})]
    expected = [message(_compat.UPSTREAM_CLONE, *a, **k) for a, k in cases]
    with sklearn_slep017.enabled(impl_name):
        got = [message(sklearn.base.clone, *a, **k) for a, k in cases]
    for (exp_type, exp_msg), (got_type, got_msg) in zip(expected, got):
        assert got_type is exp_type
        # reprs of fresh instances differ by address only
        assert re.sub(r"0x[0-9a-f]+", "0x", got_msg) == re.sub(r"0x[0-9a-f]+", "0x", exp_msg)


# --------------------------------------------------------------------------
# modules imported later; user modules
# --------------------------------------------------------------------------


def test_module_imported_while_enabled_gets_ours_then_upstream(
    impl_name, tmp_path, monkeypatch
):
    before = _snapshot()
    sklearn_slep017.enable(impl_name)
    try:
        late = _write_module(
            tmp_path,
            monkeypatch,
            """
            from sklearn.base import clone
            from sklearn.base import clone as renamed_clone
            from sklearn.base import _clone_parametrized
            """,
        )
        assert late.clone is sklearn.base.clone
        assert late.clone is not _compat.UPSTREAM_CLONE
        assert late.renamed_clone is sklearn.base.clone
        assert late._clone_parametrized is sklearn.base._clone_parametrized
        assert late._clone_parametrized is not _compat.UPSTREAM_CLONE_PARAMETRIZED
        assert repr(late.clone(Ridge(alpha=4.0))) == "Ridge(alpha=4.0)"
    finally:
        sklearn_slep017.disable()
    assert late.clone is _compat.UPSTREAM_CLONE
    assert late.renamed_clone is _compat.UPSTREAM_CLONE
    if _compat.UPSTREAM_CLONE_PARAMETRIZED is None:
        # Before 1.3 upstream has no such function: the name goes, as it
        # goes from sklearn.base.
        assert not hasattr(late, "_clone_parametrized")
    else:
        assert late._clone_parametrized is _compat.UPSTREAM_CLONE_PARAMETRIZED
    # The late module aside, everything is as before.
    after = _snapshot()
    late_keys = {key for key in after["holders"] if key[0] == late.__name__}
    assert len(late_keys) == 2 + (_compat.UPSTREAM_CLONE_PARAMETRIZED is not None)
    for key in late_keys:
        del after["holders"][key]
    assert _identity_diff(before, after) == []


def test_module_imported_before_enable_is_switched(impl_name, tmp_path, monkeypatch):
    early = _write_module(tmp_path, monkeypatch, "from sklearn.base import clone\n")
    assert early.clone is _compat.UPSTREAM_CLONE
    with sklearn_slep017.enabled(impl_name):
        assert early.clone is sklearn.base.clone is not _compat.UPSTREAM_CLONE
    assert early.clone is _compat.UPSTREAM_CLONE


def test_user_module_importing_our_clone_is_left_alone(impl_name, tmp_path, monkeypatch):
    user = _write_module(
        tmp_path,
        monkeypatch,
        """
        import sklearn_slep017
        from sklearn_slep017 import clone
        from sklearn_slep017 import clone_parametrized
        from sklearn_slep017.base import clone as base_clone
        """,
    )
    ours = (sklearn_slep017.clone, sklearn_slep017.clone_parametrized)
    assert (user.clone, user.clone_parametrized) == ours
    sklearn_slep017.enable(impl_name)
    try:
        assert user.clone is sklearn_slep017.clone
        assert user.clone_parametrized is sklearn_slep017.clone_parametrized
        assert user.base_clone is sklearn_slep017.clone
        assert user.clone is not sklearn.base.clone
    finally:
        sklearn_slep017.disable()
    assert user.clone is sklearn_slep017.clone
    assert user.clone_parametrized is sklearn_slep017.clone_parametrized
    assert user.base_clone is sklearn_slep017.clone
    assert user.sklearn_slep017 is sklearn_slep017


# --------------------------------------------------------------------------
# disable(), idempotence, conflicts, context manager
# --------------------------------------------------------------------------


def test_disable_restores_every_object_by_identity(impl_name):
    before = _snapshot()
    sklearn_slep017.enable(impl_name)
    try:
        during = _snapshot()
        assert _identity_diff(before, during) != []
        installed = (sklearn.base.clone, sklearn.base._clone_parametrized)
    finally:
        sklearn_slep017.disable()
    _assert_pristine(before)
    assert _holders(*installed) == {}
    # Disabling again does nothing.
    sklearn_slep017.disable()
    _assert_pristine(before)


def test_enable_disable_cycles(impl_name):
    before = _snapshot()
    names = [impl_name] + [name for name in IMPLEMENTATION_NAMES if name != impl_name]
    for name in names * 2:
        sklearn_slep017.enable(name)
        assert sklearn.base.clone is not _compat.UPSTREAM_CLONE
        assert (
            _compat.UPSTREAM_BASE_ESTIMATOR.__dict__["__sklearn_clone__"]
            is load_implementation(name).sklearn_clone
        )
        sklearn_slep017.disable()
        _assert_pristine(before)


def test_enable_is_idempotent(impl_name):
    before = _snapshot()
    sklearn_slep017.enable(impl_name)
    try:
        first = _snapshot()
        sklearn_slep017.enable(impl_name)
        assert sklearn_slep017.is_enabled()
        assert _identity_diff(first, _snapshot()) == []
    finally:
        sklearn_slep017.disable()
    # A single disable() undoes both calls.
    _assert_pristine(before)


def test_enable_other_implementation_while_enabled_raises(impl_name):
    other = _other_implementation(impl_name)
    before = _snapshot()
    sklearn_slep017.enable(impl_name)
    try:
        during = _snapshot()
        with pytest.raises(RuntimeError, match="already enabled"):
            sklearn_slep017.enable(other)
        with pytest.raises(RuntimeError, match="already enabled"):
            with sklearn_slep017.enabled(other):
                pass  # pragma: no cover
        assert sklearn_slep017.is_enabled()
        assert _identity_diff(during, _snapshot()) == []
        assert (
            _compat.UPSTREAM_BASE_ESTIMATOR.__dict__["__sklearn_clone__"]
            is load_implementation(impl_name).sklearn_clone
        )
    finally:
        sklearn_slep017.disable()
    _assert_pristine(before)


def test_enable_unknown_implementation_raises():
    before = _snapshot()
    with pytest.raises(ValueError, match="fortran"):
        sklearn_slep017.enable("fortran")
    _assert_pristine(before)


def test_an_unknown_name_gets_the_one_message():
    # One table of names, one message for a name outside it, wherever a
    # name is typed (the command lines' choices are the table: test_main.py).
    from sklearn_slep017._autoenable import parse
    from sklearn_slep017.dask import EnablePlugin

    message = _names.unknown_name_message("fortran")
    assert _names.spellings() in message
    for call in (
        lambda: sklearn_slep017.enable("fortran"),
        lambda: sklearn_slep017.enabled("fortran").__enter__(),
        lambda: EnablePlugin("fortran").setup(worker=None),
        lambda: _clone.get_implementation("fortran"),
        lambda: _clone.canonical_name("fortran"),
    ):
        with pytest.raises(ValueError) as info:
            call()
        assert str(info.value) == message
    assert not sklearn_slep017.is_enabled()
    # The environment variable's own message (it takes on/off values too)
    # lists the same spellings, and every one of them is read.
    with pytest.raises(ValueError) as info:
        parse("fortran")
    assert _names.spellings() in str(info.value)
    for spelling in _names.ACCEPTED:
        assert parse(" %s " % spelling.upper()) == (True, _names.canonical_name(spelling))


def test_the_table_of_names():
    assert _clone.ALIASES is _names.ALIASES and _clone.canonical_name is _names.canonical_name
    assert set(_names.ALIASES.values()) == set(_names.NAMES)
    assert set(_clone.IMPLEMENTATIONS) <= set(_names.NAMES)
    assert _clone.implementation() in _names.NAMES
    assert _names.ACCEPTED == _names.NAMES + tuple(_names.ALIASES)


def _documented_values(func, parameter):
    doc = inspect.getdoc(func)
    match = re.search(r"^%s : \{(.*?)\}" % parameter, doc, re.M)
    assert match, "%s documents no %s : {...}" % (func.__qualname__, parameter)
    return tuple(re.findall(r'"(\w+)"', match.group(1)))


def test_documented_names_are_the_table():
    # Docstrings spell the values out (numpydoc): they must stay the table's.
    from sklearn_slep017._autoenable import parse
    from sklearn_slep017.dask import EnablePlugin

    for func in (sklearn_slep017.enable, sklearn_slep017.enabled, EnablePlugin):
        assert _documented_values(func, "implementation") == _names.ACCEPTED
    assert _documented_values(parse, "implementation") == _names.NAMES
    assert _documented_values(sklearn_slep017.implementation, "name") == _names.NAMES
    assert _documented_values(_names.canonical_name, "name") == _names.NAMES


def test_is_enabled(impl_name):
    assert sklearn_slep017.is_enabled() is False
    sklearn_slep017.enable(impl_name)
    try:
        assert sklearn_slep017.is_enabled() is True
    finally:
        sklearn_slep017.disable()
    assert sklearn_slep017.is_enabled() is False
    with sklearn_slep017.enabled(impl_name):
        assert sklearn_slep017.is_enabled() is True
    assert sklearn_slep017.is_enabled() is False


def test_enabled_context_manager_nested(impl_name):
    before = _snapshot()
    with sklearn_slep017.enabled(impl_name):
        ours = sklearn.base.clone
        during = _snapshot()
        assert ours is not _compat.UPSTREAM_CLONE
        with sklearn_slep017.enabled(impl_name):
            assert sklearn.base.clone is ours
        # The inner block found it enabled, so it leaves it enabled.
        assert sklearn_slep017.is_enabled()
        assert _identity_diff(during, _snapshot()) == []
    _assert_pristine(before)


def test_enabled_context_manager_inside_enable_keeps_it_enabled(impl_name):
    before = _snapshot()
    sklearn_slep017.enable(impl_name)
    try:
        ours = sklearn.base.clone
        with sklearn_slep017.enabled(impl_name):
            pass
        assert sklearn_slep017.is_enabled()
        assert sklearn.base.clone is ours
        with pytest.raises(KeyError):
            with sklearn_slep017.enabled(impl_name):
                raise KeyError("inner")
        assert sklearn_slep017.is_enabled()
        assert sklearn.base.clone is ours
    finally:
        sklearn_slep017.disable()
    _assert_pristine(before)


def test_enabled_context_manager_exception_restores(impl_name):
    before = _snapshot()
    with pytest.raises(ZeroDivisionError):
        with sklearn_slep017.enabled(impl_name):
            assert sklearn_slep017.is_enabled()
            1 / 0
    _assert_pristine(before)
    # And again with nesting: the outer block restores.
    with pytest.raises(ZeroDivisionError):
        with sklearn_slep017.enabled(impl_name):
            with sklearn_slep017.enabled(impl_name):
                1 / 0
    _assert_pristine(before)


# --------------------------------------------------------------------------
# implementation(), supported versions
# --------------------------------------------------------------------------


def test_implementation_name():
    expected = "reference" if os.environ.get("SKLEARN_SLEP017_NO_EXTENSIONS") else "compiled"
    assert sklearn_slep017.implementation() == expected


@pytest.mark.parametrize(
    "env, expected",
    [({"SKLEARN_SLEP017_NO_EXTENSIONS": "1"}, "reference"), ({}, "compiled")],
    ids=["no-extensions", "default"],
)
def test_implementation_name_in_subprocess(env, expected):
    code = """
    import warnings
    warnings.simplefilter("error", RuntimeWarning)  # a silent fallback to the reference would warn
    import sklearn.base, sklearn_slep017
    from sklearn_slep017 import _clone_py
    name = sklearn_slep017.implementation()
    sklearn_slep017.enable()
    uses_python = sklearn.base.BaseEstimator.__sklearn_clone__ is _clone_py.sklearn_clone
    sklearn_slep017.disable()
    print("IMPLEMENTATION", name, uses_python)
    """
    out = _run_python(code, **env)
    assert "IMPLEMENTATION %s %s" % (expected, expected == "reference") in out, out


@pytest.mark.parametrize("version", [(1, 0, 2), (1, 10, 0)])
def test_enable_unsupported_version_raises_and_changes_nothing(
    impl_name, version, monkeypatch
):
    monkeypatch.setattr(sklearn_slep017._compat, "SKLEARN_VERSION", version)
    before = _snapshot()
    with pytest.raises(RuntimeError, match=re.escape(_version_range.SUPPORTED_RANGE)) as exc:
        sklearn_slep017.enable(impl_name)
    assert "1.1.3" in str(exc.value) and "1.9" in str(exc.value)
    _assert_pristine(before)
    with pytest.raises(RuntimeError, match=re.escape(_version_range.SUPPORTED_RANGE)):
        with sklearn_slep017.enabled(impl_name):
            pass  # pragma: no cover
    _assert_pristine(before)
    assert _switch._applied == []


# --------------------------------------------------------------------------
# scikit-learn's own machinery with enable()
# --------------------------------------------------------------------------


def _grid_search():
    X, y = make_classification(n_samples=90, n_features=6, random_state=0)
    search = GridSearchCV(
        Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())]),
        {"clf__C": [0.01, 1.0]},
        cv=3,
    )
    return search.fit(X, y)


def test_grid_search_results_identical(impl_name, monkeypatch):
    expected = _grid_search()
    calls = []
    impl = load_implementation(impl_name)
    real_clone = impl.clone

    def spy(estimator, *, safe=True):
        calls.append(type(estimator))
        return real_clone(estimator, safe=safe)

    monkeypatch.setattr(impl, "clone", spy)
    with sklearn_slep017.enabled(impl_name):
        got = _grid_search()
    assert Pipeline in calls  # the search cloned through our implementation
    np.testing.assert_array_equal(
        got.cv_results_["mean_test_score"], expected.cv_results_["mean_test_score"]
    )
    assert got.cv_results_["params"] == expected.cv_results_["params"]
    assert got.best_params_ == expected.best_params_
    assert repr(got.best_estimator_) == repr(expected.best_estimator_)


def test_protocol_honoured_in_cross_validate(impl_name):
    X, y = make_classification(n_samples=60, n_features=4, random_state=1)
    estimator = _Extended(C=0.5)
    estimator.offset_config = 10.0
    _Extended.clone_calls.clear()
    with sklearn_slep017.enabled(impl_name):
        impl = load_implementation(impl_name)
        assert _compat.UPSTREAM_BASE_ESTIMATOR.__dict__["__sklearn_clone__"] is (
            impl.sklearn_clone
        )
        result = cross_validate(estimator, X, y, cv=3, return_estimator=True)
    fitted = result["estimator"]
    assert len(fitted) == 3
    assert sorted(_Extended.clone_calls) == sorted(id(est) for est in fitted)
    for est in fitted:
        assert est is not estimator
        assert est.offset_config == 10.0
        assert est.C == 0.5
        assert hasattr(est, "model_")
    assert not hasattr(estimator, "model_")


@pytest.mark.parametrize(
    "name, old_spelling", [("reference", "python"), ("compiled", "cython")]
)
def test_implementation_names_compiled_and_reference(name, old_spelling):
    # One vocabulary with the docs, the bench tables and asv; the earlier
    # spelling stays accepted as input, never returned.
    if name not in _clone.IMPLEMENTATIONS:
        pytest.skip("only one implementation available (SKLEARN_SLEP017_NO_EXTENSIONS)")
    assert _clone.get_implementation(name) is _clone.get_implementation(old_spelling)
    with sklearn_slep017.enabled(name):
        assert _switch._live_impl is _clone.get_implementation(old_spelling)
        # enabling again under the other spelling is the same implementation
        sklearn_slep017.enable(old_spelling)
    assert not sklearn_slep017.is_enabled()
    from sklearn_slep017._autoenable import parse

    assert parse(" %s " % name.title()) == (True, name)
    assert parse(old_spelling) == (True, name)
    assert _clone.canonical_name(old_spelling) == _clone.canonical_name(name) == name
