"""Unit tests of every behaviour of ``clone`` and ``clone_parametrized``.

Each behavioural test runs for both implementations (the ``impl`` fixture)
and, where meaningful, compares with scikit-learn's own ``clone``.
"""

import collections
import copy
import inspect
import math
import pickle

import numpy as np
import pytest
import sklearn
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import all_estimators

from support import (
    IMPLEMENTATION_NAMES,
    UPSTREAM_DELEGATES,
    load_implementation,
    protocol_base,
    since,
)
from sklearn_slep017 import _clone_py, _compat
from sklearn_slep017._compat import UPSTREAM_CLONE

# Set_output arrived in 1.2, metadata routing in 1.3, dict cloning in 1.3.1.
needs_set_output = since((1, 2), "set_output")
needs_routing = since((1, 3), "metadata routing")
needs_dict_cloning = since((1, 3, 1), "cloning the values of a dict")

ProtocolBase = protocol_base()

# ---------------------------------------------------------------------------
# Small estimators used throughout.


class Simple(BaseEstimator):
    def __init__(self, a=None, b=None):
        self.a = a
        self.b = b


class Single(BaseEstimator):
    def __init__(self, p=None):
        self.p = p


class Modifies(BaseEstimator):
    def __init__(self, a=None):
        self.a = copy.copy(a) if a is not None else a


class ModifiesAlways(BaseEstimator):
    def __init__(self, a=0):
        self.a = [a]


class DoesNotSet(BaseEstimator):
    """``get_params`` finds ``a`` on the class, the constructor never sets it."""

    a = "class default"

    def __init__(self, a=None):
        pass


class VarArgs(BaseEstimator):
    def __init__(self, *args, a=None):
        self.a = a


class VarKwargs(BaseEstimator):
    def __init__(self, a=None, **kwargs):
        self.a = a
        self.kwargs = kwargs


class BrokenGetParamsError(Exception):
    pass


class BrokenGetParams(BaseEstimator):
    def __init__(self, a=None):
        self.a = a

    def get_params(self, deep=True):
        raise BrokenGetParamsError("get_params is broken on purpose")


class NotAnEstimator:
    def __init__(self, value=1):
        self.value = value

    def __repr__(self):
        return "NotAnEstimator(%r)" % (self.value,)

    def __eq__(self, other):
        return type(other) is NotAnEstimator and other.value == self.value

    __hash__ = None


class Marker:
    """Returned by custom ``__sklearn_clone__`` overrides."""


class CustomClone(BaseEstimator):
    calls = 0

    def __init__(self, a=None):
        self.a = a

    def __sklearn_clone__(self):
        type(self).calls += 1
        return Marker()


class ExtendsClone(ProtocolBase):
    """The SLEP017 extension pattern: keep an attribute that is no parameter."""

    def __init__(self, a=None):
        self.a = a

    def __sklearn_clone__(self):
        new = super().__sklearn_clone__()
        if hasattr(self, "search_space_"):
            new.search_space_ = self.search_space_
        return new


class WithProperty(BaseEstimator):
    def __init__(self, a=1):
        self._a = a

    @property
    def a(self):
        return self._a


class WithTransformingProperty(BaseEstimator):
    def __init__(self, a=1):
        self._a = a

    @property
    def a(self):
        return [self._a]


class Forwarding(BaseEstimator):
    """Forwards unknown attributes to ``inner``, like a thin wrapper."""

    def __init__(self, inner=None, a=1):
        self.inner = inner
        self.a = a

    def __getattr__(self, name):
        if name.startswith("__") or name == "inner":
            raise AttributeError(name)
        return getattr(self.__dict__["inner"], name)


class Inventing(BaseEstimator):
    """Invents every attribute it does not have, as a mock does."""

    def __init__(self, a=1):
        self.a = a

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return NotAnEstimator(name)


class OutputTransformer(TransformerMixin, BaseEstimator):
    def __init__(self, a=1):
        self.a = a

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return X

    def get_feature_names_out(self, input_features=None):
        return np.asarray(input_features, dtype=object)


def raised(func, *args, **kwargs):
    """The exception ``func(*args, **kwargs)`` raises (the test fails if none)."""
    with pytest.raises(BaseException) as info:
        func(*args, **kwargs)
    return info.value


def assert_same_error(upstream_call, our_call):
    expected = raised(upstream_call)
    got = raised(our_call)
    assert type(got) is type(expected)
    assert str(got) == str(expected)
    return got


# ---------------------------------------------------------------------------
# Classes.


def test_class_with_safe_raises_upstream_type_error(impl):
    error = assert_same_error(
        lambda: UPSTREAM_CLONE(Simple), lambda: impl.clone(Simple)
    )
    assert str(error) == (
        "Cannot clone object. You should provide an instance of scikit-learn "
        "estimator instead of a class."
    )
    assert isinstance(error, TypeError)


def test_class_parametrized_with_safe_raises(impl):
    assert_same_error(
        lambda: UPSTREAM_CLONE(LogisticRegression),
        lambda: impl.clone_parametrized(LogisticRegression),
    )


def test_class_without_safe_returned_as_is(impl):
    assert impl.clone(Simple, safe=False) is Simple
    assert impl.clone_parametrized(Simple, safe=False) is Simple
    assert UPSTREAM_CLONE(Simple, safe=False) is Simple


def test_class_with_sklearn_clone_is_never_delegated_to(impl):
    # CustomClone.__sklearn_clone__ is a plain function on the class: calling
    # it would fail; clone must not even try.
    calls = CustomClone.calls
    assert impl.clone(CustomClone, safe=False) is CustomClone
    assert_same_error(
        lambda: UPSTREAM_CLONE(CustomClone), lambda: impl.clone(CustomClone)
    )
    assert CustomClone.calls == calls


def test_class_as_parameter_kept(impl):
    est = Simple(a=LogisticRegression, b=[StandardScaler, dict])
    new = impl.clone(est)
    assert new.a is LogisticRegression
    assert new.b[0] is StandardScaler and new.b[1] is dict
    assert new.b is not est.b


# ---------------------------------------------------------------------------
# Non-estimators.


@pytest.mark.parametrize(
    "obj",
    [NotAnEstimator(3), "a string", 3, None, object()],
    ids=["object", "str", "int", "None", "bare-object"],
)
def test_non_estimator_with_safe_raises_upstream_type_error(impl, obj):
    error = assert_same_error(lambda: UPSTREAM_CLONE(obj), lambda: impl.clone(obj))
    assert isinstance(error, TypeError)
    assert str(error) == (
        "Cannot clone object '%r' (type %s): it does not seem to be a "
        "scikit-learn estimator as it does not implement a 'get_params' method."
        % (obj, type(obj))
    )


def test_non_estimator_in_list_with_safe_raises(impl):
    obj = [Simple(), NotAnEstimator(1)]
    assert_same_error(lambda: UPSTREAM_CLONE(obj), lambda: impl.clone(obj))


def test_non_estimator_parametrized_with_safe_raises(impl):
    obj = NotAnEstimator(2)
    assert_same_error(
        lambda: UPSTREAM_CLONE(obj), lambda: impl.clone_parametrized(obj)
    )


def test_safe_false_deep_copies_non_estimator(impl):
    obj = NotAnEstimator([1, 2])
    new = impl.clone(obj, safe=False)
    assert new == obj
    assert new is not obj
    assert new.value is not obj.value
    new = impl.clone_parametrized(obj, safe=False)
    assert new == obj and new is not obj


def test_list_param_is_a_new_list(impl):
    est = Simple(a=[1, "x", None])
    new = impl.clone(est)
    assert new.a == est.a
    assert new.a is not est.a
    assert type(new.a) is list


def test_numpy_array_param_is_copied(impl):
    array = np.arange(6.0).reshape(2, 3)
    est = Simple(a=array)
    new = impl.clone(est)
    assert new.a is not array
    assert new.a.dtype == array.dtype
    np.testing.assert_array_equal(new.a, array)
    assert not np.shares_memory(new.a, array)


def test_nan_param_keeps_identity(impl):
    nan = float("nan")
    est = Simple(a=nan, b=np.nan)
    new = impl.clone(est)
    assert new.a is nan
    assert new.b is np.nan
    upstream = UPSTREAM_CLONE(est)
    assert upstream.a is nan and upstream.b is np.nan


@pytest.mark.parametrize(
    "value",
    ["text", 3, 2.5, True, None, 1j, b"bytes", range(3), len, math.sqrt, Ellipsis],
    ids=repr,
)
def test_atomic_param_keeps_identity(impl, value):
    new = impl.clone(Single(p=value))
    assert new.p is value
    assert UPSTREAM_CLONE(Single(p=value)).p is value


def test_function_param_keeps_identity(impl):
    def func(x):
        return x

    assert impl.clone(Single(p=func)).p is func
    assert impl.clone(func, safe=False) is func


def test_function_with_get_params_attribute_is_an_estimator(impl):
    """A function carrying ``get_params`` is not an atom: upstream calls it."""

    def func():
        pass

    func.get_params = lambda deep=True: {}
    assert_same_error(
        lambda: UPSTREAM_CLONE(func, safe=False), lambda: impl.clone(func, safe=False)
    )


def test_function_with_sklearn_clone_attribute_is_delegated_to(impl):
    def func():
        pass

    marker = Marker()
    func.__sklearn_clone__ = lambda: marker
    if UPSTREAM_DELEGATES:
        assert UPSTREAM_CLONE(func, safe=False) is marker
    assert impl.clone(func, safe=False) is marker
    assert impl.clone(Single(p=func)).p is marker


# ---------------------------------------------------------------------------
# Containers.


def test_exact_dict_values_are_cloned(impl):
    inner = Simple(a=1)
    est = Single(p={"x": inner, "y": [1]})
    new = impl.clone(est)
    assert type(new.p) is dict
    assert list(new.p) == ["x", "y"]
    assert isinstance(new.p["x"], Simple)
    assert new.p["x"] is not inner
    assert new.p["x"].get_params() == inner.get_params()
    assert new.p["y"] == [1] and new.p["y"] is not est.p["y"]


def test_dict_keys_are_kept(impl):
    key = (1, 2)
    new = impl.clone({key: Simple()}, safe=False)
    assert next(iter(new)) is key


@needs_dict_cloning
def test_top_level_dict_of_estimators(impl):
    obj = {"a": Simple(a=2), "b": Single()}
    new = impl.clone(obj)
    assert type(new) is dict
    assert new["a"].a == 2 and new["a"] is not obj["a"]
    new = impl.clone_parametrized(obj)
    assert new["b"] is not obj["b"] and isinstance(new["b"], Single)


def test_dict_with_non_estimator_and_safe_raises(impl):
    obj = {"a": Simple(), "b": NotAnEstimator(1)}
    assert_same_error(lambda: UPSTREAM_CLONE(obj), lambda: impl.clone(obj))


def test_ordered_dict_is_deep_copied(impl):
    inner = Simple(a=1)
    value = collections.OrderedDict([("x", inner), ("y", [1])])
    new = impl.clone(Single(p=value)).p
    assert type(new) is collections.OrderedDict
    assert list(new) == ["x", "y"]
    # deep-copied, not cloned: the inner estimator is a copy with its state
    assert new["x"] is not inner
    inner_fitted = Simple(a=1)
    inner_fitted.fitted_ = True
    value = collections.OrderedDict([("x", inner_fitted)])
    assert impl.clone(Single(p=value)).p["x"].fitted_ is True
    assert UPSTREAM_CLONE(Single(p=value)).p["x"].fitted_ is True


def test_namedtuple_is_deep_copied(impl):
    Point = collections.namedtuple("Point", "x y")
    inner = Simple(a=1)
    inner.fitted_ = True
    value = Point([1], inner)
    new = impl.clone(Single(p=value)).p
    assert type(new) is Point
    assert new.x == [1] and new.x is not value.x
    assert new.y is not inner and new.y.fitted_ is True


@pytest.mark.parametrize("container", [list, tuple, set, frozenset])
def test_containers_keep_type(impl, container):
    inner = Simple(a=1)
    inner.fitted_ = True
    value = container([1, "x", inner])
    new = impl.clone(Single(p=value)).p
    assert type(new) is container
    assert len(new) == 3
    (new_inner,) = [e for e in new if isinstance(e, Simple)]
    assert new_inner is not inner
    assert not hasattr(new_inner, "fitted_")  # cloned, not copied
    assert sorted(map(repr, new)) == sorted(map(repr, value))


@pytest.mark.parametrize("container", [list, tuple, set, frozenset])
def test_top_level_containers(impl, container):
    value = container([Simple(a=1), Single(p=2)])
    new = impl.clone(value)
    assert type(new) is container
    assert {repr(e) for e in new} == {repr(e) for e in value}
    assert not set(map(id, new)) & set(map(id, value))
    new = impl.clone_parametrized(value)
    assert type(new) is container


def test_list_subclass_is_deep_copied(impl):
    class MyList(list):
        pass

    inner = Simple()
    inner.fitted_ = True
    value = MyList([inner])
    new = impl.clone(Single(p=value)).p
    assert type(new) is MyList
    assert new[0].fitted_ is True


def test_empty_containers(impl):
    for value in ([], (), {}, set(), frozenset()):
        new = impl.clone(Single(p=value)).p
        assert type(new) is type(value) and new == value
        upstream = UPSTREAM_CLONE(Single(p=value)).p
        assert (new is value) == (upstream is value)


# ---------------------------------------------------------------------------
# The constructor's contract.


def test_constructor_modifying_parameter_raises_upstream_message(impl):
    est = Modifies(a=[1, 2])
    error = assert_same_error(lambda: UPSTREAM_CLONE(est), lambda: impl.clone(est))
    assert isinstance(error, RuntimeError)
    assert str(error) == (
        "Cannot clone object %s, as the constructor either does not set or "
        "modifies parameter a" % est
    )


def test_constructor_modifying_default_raises(impl):
    est = ModifiesAlways(a=0)
    assert_same_error(lambda: UPSTREAM_CLONE(est), lambda: impl.clone(est))


def test_constructor_modifying_nested_parameter_raises(impl):
    est = Pipeline([("inner", Modifies(a={"k": 1}))])
    assert_same_error(lambda: UPSTREAM_CLONE(est), lambda: impl.clone(est))


def test_constructor_modifying_parameter_clone_parametrized(impl):
    est = Modifies(a=[1])
    assert_same_error(
        lambda: UPSTREAM_CLONE(est), lambda: impl.clone_parametrized(est)
    )


def test_constructor_modifying_atom_is_fine(impl):
    # copy.copy of an int is the int itself: identity holds.
    assert impl.clone(Modifies(a=5)).a == 5


def test_constructor_not_setting_parameter(impl):
    est = DoesNotSet(a="class default")
    new = impl.clone(est)
    assert type(new) is DoesNotSet
    assert new.a == "class default"
    est = DoesNotSet()
    est.a = "given"
    assert_same_error(lambda: UPSTREAM_CLONE(est), lambda: impl.clone(est))


def test_varargs_constructor_raises_upstream_message(impl):
    est = VarArgs(a=1)
    error = assert_same_error(lambda: UPSTREAM_CLONE(est), lambda: impl.clone(est))
    assert isinstance(error, RuntimeError)
    assert "(no varargs)" in str(error)
    assert_same_error(
        lambda: UPSTREAM_CLONE(est), lambda: impl.clone_parametrized(est)
    )
    assert_same_error(
        lambda: VarArgs._get_param_names(), lambda: impl.get_param_names(VarArgs)
    )


def test_varargs_constructor_nested_raises(impl):
    est = Single(p=[VarArgs(a=1)])
    assert_same_error(lambda: UPSTREAM_CLONE(est), lambda: impl.clone(est))


def test_var_keyword_is_skipped(impl):
    est = VarKwargs(a=1, extra=2)
    new = impl.clone(est)
    assert new.a == 1
    assert new.kwargs == {}
    assert impl.get_param_names(VarKwargs) == ["a"]
    assert UPSTREAM_CLONE(est).kwargs == {}


def test_broken_get_params_propagates(impl):
    est = BrokenGetParams(a=1)
    error = assert_same_error(lambda: UPSTREAM_CLONE(est), lambda: impl.clone(est))
    assert type(error) is BrokenGetParamsError
    assert str(error) == "get_params is broken on purpose"
    assert_same_error(lambda: UPSTREAM_CLONE(est), lambda: impl.clone_parametrized(est))


def test_broken_get_params_nested_propagates(impl):
    est = Pipeline([("broken", BrokenGetParams())])
    error = assert_same_error(lambda: UPSTREAM_CLONE(est), lambda: impl.clone(est))
    assert type(error) is BrokenGetParamsError


def test_constructor_raising_propagates(impl):
    class Raising(BaseEstimator):
        def __init__(self, a=None):
            if a == "bad":
                raise ValueError("bad a")
            self.a = a

    est = Raising()
    est.a = "bad"
    assert_same_error(lambda: UPSTREAM_CLONE(est), lambda: impl.clone(est))


def test_clone_is_a_new_unfitted_object(impl):
    est = LogisticRegression(C=0.5).fit([[0], [1], [0], [1]], [0, 1, 0, 1])
    new = impl.clone(est)
    assert new is not est
    assert type(new) is LogisticRegression
    assert new.get_params() == est.get_params()
    assert not hasattr(new, "coef_")


def test_random_state_instance_is_deep_copied(impl):
    rng = np.random.RandomState(0)
    est = Single(p=rng)
    new = impl.clone(est).p
    assert new is not rng
    assert new.randint(1000) == np.random.RandomState(0).randint(1000)


# ---------------------------------------------------------------------------
# __sklearn_clone__ delegation.


def test_custom_sklearn_clone_is_called(impl):
    calls = CustomClone.calls
    new = impl.clone(CustomClone(a=1))
    assert isinstance(new, Marker)
    assert CustomClone.calls == calls + 1
    assert isinstance(UPSTREAM_CLONE(CustomClone(a=1)), Marker) is UPSTREAM_DELEGATES


def test_custom_sklearn_clone_called_for_parameters(impl):
    new = impl.clone(Single(p=[CustomClone()]))
    assert isinstance(new.p[0], Marker)


def test_custom_sklearn_clone_ignores_safe(impl):
    obj = CustomClone()
    assert isinstance(impl.clone(obj, safe=False), Marker)


def test_clone_parametrized_ignores_sklearn_clone(impl):
    calls = CustomClone.calls
    est = CustomClone(a=[1])
    new = impl.clone_parametrized(est)
    assert type(new) is CustomClone
    assert new.a == [1] and new.a is not est.a
    assert CustomClone.calls == calls


def test_non_estimator_with_sklearn_clone_is_delegated_to(impl):
    class Cloneable:
        def __sklearn_clone__(self):
            return "cloned"

    assert impl.clone(Cloneable()) == "cloned"
    if UPSTREAM_DELEGATES:
        assert UPSTREAM_CLONE(Cloneable()) == "cloned"


def test_super_sklearn_clone_extension_pattern(impl):
    est = ExtendsClone(a=[1])
    est.search_space_ = {"a": [[1], [2]]}
    est.fitted_ = True
    new = impl.clone(est)
    assert type(new) is ExtendsClone
    assert new.a == [1] and new.a is not est.a
    assert new.search_space_ is est.search_space_
    assert not hasattr(new, "fitted_")


def test_sklearn_clone_function_is_the_default(impl):
    est = Simple(a=[1])
    new = impl.sklearn_clone(est)
    assert type(new) is Simple and new.a == [1] and new.a is not est.a


def test_sklearn_clone_function_installed_on_a_class(impl):
    class UsesOurs(BaseEstimator):
        __sklearn_clone__ = impl.sklearn_clone

        def __init__(self, a=None):
            self.a = a

    est = UsesOurs(a={"x": Simple()})
    new = impl.clone(est)
    assert type(new) is UsesOurs
    assert new.a["x"] is not est.a["x"]


# ---------------------------------------------------------------------------
# Configuration that is not a constructor parameter.


@needs_set_output
def test_output_config_is_deep_copied(impl):
    est = OutputTransformer().set_output(transform="pandas")
    new = impl.clone(est)
    assert new._sklearn_output_config == est._sklearn_output_config
    assert new._sklearn_output_config is not est._sklearn_output_config
    upstream = UPSTREAM_CLONE(est)
    assert new._sklearn_output_config == upstream._sklearn_output_config


@needs_set_output
def test_output_config_with_nested_values_is_deep_copied(impl):
    est = OutputTransformer()
    est._sklearn_output_config = {"transform": ["pandas"]}
    new = impl.clone(est)
    assert new._sklearn_output_config == {"transform": ["pandas"]}
    assert new._sklearn_output_config["transform"] is not (
        est._sklearn_output_config["transform"]
    )


@needs_set_output
def test_output_config_on_pipeline(impl):
    est = Pipeline([("scale", StandardScaler())]).set_output(transform="pandas")
    new = impl.clone(est)
    upstream = UPSTREAM_CLONE(est)
    assert vars(new).keys() == vars(upstream).keys()
    inner = new.steps[0][1]
    assert inner._sklearn_output_config == upstream.steps[0][1]._sklearn_output_config
    assert inner._sklearn_output_config == {"transform": "pandas"}
    assert inner._sklearn_output_config is not est.steps[0][1]._sklearn_output_config


@needs_routing
def test_metadata_request_is_carried(impl):
    with sklearn.config_context(enable_metadata_routing=True):
        est = LogisticRegression().set_fit_request(sample_weight=True)
        new = impl.clone(est)
        upstream = UPSTREAM_CLONE(est)
        assert new._metadata_request is not est._metadata_request
        assert repr(new.get_metadata_routing()) == repr(upstream.get_metadata_routing())
        assert (
            new.get_metadata_routing()._serialize()
            == upstream.get_metadata_routing()._serialize()
        )
        assert new.get_metadata_routing()._serialize()["fit"] == {
            "sample_weight": True
        }
        # the request is cloned: changing the clone's leaves the original's
        new.set_fit_request(sample_weight=False)
        assert est.get_metadata_routing()._serialize()["fit"] == {
            "sample_weight": True
        }


@needs_routing
def test_metadata_request_owner_shared_by_reference(impl):
    with sklearn.config_context(enable_metadata_routing=True):
        est = LogisticRegression().set_fit_request(sample_weight="weights")
        if not hasattr(est._metadata_request, "owner"):
            pytest.skip("this release's metadata requests have no owner")
        new = impl.clone(est)
        upstream = UPSTREAM_CLONE(est)
        assert (new._metadata_request.owner is est._metadata_request.owner) == (
            upstream._metadata_request.owner is est._metadata_request.owner
        )
        assert (
            new._metadata_request.fit.owner is est._metadata_request.fit.owner
        ) == (upstream._metadata_request.fit.owner is est._metadata_request.fit.owner)


@needs_routing
def test_metadata_request_nested_in_pipeline(impl):
    with sklearn.config_context(enable_metadata_routing=True):
        est = Pipeline(
            [
                ("scale", StandardScaler().set_fit_request(sample_weight=True)),
                ("lr", LogisticRegression().set_fit_request(sample_weight=True)),
            ]
        )
        new = impl.clone(est)
        upstream = UPSTREAM_CLONE(est)
        assert repr(new.get_metadata_routing()) == repr(upstream.get_metadata_routing())
        assert (
            new.get_metadata_routing()._serialize()
            == upstream.get_metadata_routing()._serialize()
        )


def test_metadata_request_not_invented(impl):
    """No ``_metadata_request`` on the original: none on the clone."""
    est = Simple(a=1)
    new = impl.clone(est)
    assert "_metadata_request" not in vars(new)


def test_callbacks_passed_by_reference(impl):
    est = Simple(a=1)
    callbacks = [object()]
    est._skl_callbacks = callbacks
    new = impl.clone(est)
    # Carried over from 1.9, where callbacks arrived; never before.
    assert ("_skl_callbacks" in vars(new)) is _compat.HAS_CALLBACKS
    assert ("_skl_callbacks" in vars(UPSTREAM_CLONE(est))) is _compat.HAS_CALLBACKS
    if _compat.HAS_CALLBACKS:
        assert new._skl_callbacks is callbacks
        assert UPSTREAM_CLONE(est)._skl_callbacks is callbacks
    assert "_skl_callbacks" not in vars(impl.clone(Simple(a=1)))


def test_callbacks_on_class_passed_by_reference(impl):
    callbacks = [object()]

    class WithClassCallbacks(BaseEstimator):
        _skl_callbacks = callbacks

        def __init__(self, a=None):
            self.a = a

    new = impl.clone(WithClassCallbacks())
    upstream = UPSTREAM_CLONE(WithClassCallbacks())
    assert ("_skl_callbacks" in vars(new)) == ("_skl_callbacks" in vars(upstream))
    assert new._skl_callbacks is callbacks


def test_fitted_attributes_not_carried(impl):
    est = Simple(a=1)
    est.fitted_ = object()
    est._private = 3
    new = impl.clone(est)
    assert vars(new) == {"a": 1, "b": None}


# ---------------------------------------------------------------------------
# get_param_names and its cache.


def test_get_param_names_returns_fresh_list(impl):
    first = impl.get_param_names(Simple)
    assert first == ["a", "b"]
    first.append("mutated")
    first.clear()
    assert impl.get_param_names(Simple) == ["a", "b"]
    assert impl.get_param_names(Simple) is not impl.get_param_names(Simple)


def test_get_param_names_object_init(impl):
    class NoInit(BaseEstimator):
        pass

    assert impl.get_param_names(NoInit) == []
    assert impl.clone(NoInit()).get_params() == {}


def test_get_param_names_after_init_replaced(impl):
    class Replaced(BaseEstimator):
        def __init__(self, a=1):
            self.a = a

    assert impl.get_param_names(Replaced) == ["a"]
    impl.clone(Replaced())

    def new_init(self, b=2, c=3):
        self.b = b
        self.c = c

    Replaced.__init__ = new_init
    assert impl.get_param_names(Replaced) == ["b", "c"]
    assert impl.get_param_names(Replaced) == Replaced._get_param_names()
    new = impl.clone(Replaced(b=5))
    assert new.get_params() == {"b": 5, "c": 3}


def test_get_param_names_after_base_init_replaced(impl):
    class Base(BaseEstimator):
        def __init__(self, a=1):
            self.a = a

    class Child(Base):
        pass

    assert impl.get_param_names(Child) == ["a"]
    impl.clone(Child())

    def new_init(self, z=0):
        self.z = z

    Base.__init__ = new_init
    assert impl.get_param_names(Child) == ["z"]
    assert impl.clone(Child(z=4)).get_params() == {"z": 4}


def test_get_param_names_after_init_code_replaced(impl):
    """In-place ``__code__`` replacement, as IPython's autoreload does."""

    class Reloaded(BaseEstimator):
        def __init__(self, a=1):
            self.a = a

    assert impl.get_param_names(Reloaded) == ["a"]
    impl.clone(Reloaded())

    def edited(self, a=1, b=2):
        self.a = a
        self.b = b

    Reloaded.__init__.__code__ = edited.__code__
    Reloaded.__init__.__defaults__ = edited.__defaults__
    assert impl.get_param_names(Reloaded) == Reloaded._get_param_names() == ["a", "b"]
    est = Reloaded(a=3, b=4)
    assert impl.clone(est).get_params() == UPSTREAM_CLONE(est).get_params()


def test_get_param_names_of_all_estimators_match_upstream(impl):
    for name, cls in all_estimators():
        assert impl.get_param_names(cls) == cls._get_param_names(), name
        # and again, from the cache
        assert impl.get_param_names(cls) == cls._get_param_names(), name


# ---------------------------------------------------------------------------
# Classes changed after a first clone: the compiled path's per-class facts
# must follow (they are keyed on CPython's type version tags).


def _make_class():
    class Fresh(BaseEstimator):
        def __init__(self, a=1):
            self.a = a

    return Fresh


def test_class_get_params_replaced_after_first_clone(impl, monkeypatch):
    Fresh = _make_class()
    est = Fresh(a=1)
    assert impl.clone(est).a == 1
    assert impl.clone(est).a == 1  # facts cached now

    monkeypatch.setattr(Fresh, "get_params", lambda self, deep=True: {"a": 2}, raising=False)
    assert UPSTREAM_CLONE(est).a == 2
    assert impl.clone(est).a == 2
    assert impl.clone_parametrized(est).a == 2


def test_base_class_get_params_replaced_after_first_clone(impl, monkeypatch):
    class Mixin:
        pass

    class Fresh(Mixin, BaseEstimator):
        def __init__(self, a=1):
            self.a = a

    est = Fresh(a=1)
    impl.clone(est)
    impl.clone(est)
    monkeypatch.setattr(Mixin, "get_params", lambda self, deep=True: {"a": 7}, raising=False)
    assert UPSTREAM_CLONE(est).a == 7
    assert impl.clone(est).a == 7


def test_class_sklearn_clone_added_after_first_clone(impl, monkeypatch):
    Fresh = _make_class()
    est = Fresh()
    impl.clone(est)
    impl.clone(est)
    marker = Marker()
    monkeypatch.setattr(Fresh, "__sklearn_clone__", lambda self: marker, raising=False)
    assert (UPSTREAM_CLONE(est) is marker) is UPSTREAM_DELEGATES
    assert impl.clone(est) is marker
    assert impl.clone(Single(p=est)).p is marker


def test_class_get_param_names_replaced_after_first_clone(impl, monkeypatch):
    Fresh = _make_class()
    est = Fresh(a=1)
    est.b = 5
    impl.clone(est)
    impl.clone(est)
    monkeypatch.setattr(
        Fresh, "_get_param_names", classmethod(lambda cls: []), raising=False
    )
    assert UPSTREAM_CLONE(est).get_params() == {}
    new = impl.clone(est)
    assert type(new) is Fresh and new.get_params() == {}
    assert new.a == 1  # the constructor's default: a was not passed


def test_class_init_replaced_after_first_clone(impl):
    Fresh = _make_class()
    est = Fresh(a=[1])
    impl.clone(est)
    impl.clone(est)

    def new_init(self, a=1):
        self.a = list(a)

    Fresh.__init__ = new_init
    assert_same_error(lambda: UPSTREAM_CLONE(est), lambda: impl.clone(est))


def test_class_getattr_added_after_first_clone(impl):
    Fresh = _make_class()
    est = Fresh(a=1)
    impl.clone(est)
    impl.clone(est)

    def __getattr__(self, name):
        if name in ("_sklearn_output_config", "_skl_callbacks"):
            return {"transform": "pandas"}
        raise AttributeError(name)

    Fresh.__getattr__ = __getattr__
    upstream = UPSTREAM_CLONE(est)
    assert ("_sklearn_output_config" in vars(upstream)) is _compat.HAS_OUTPUT_CONFIG
    assert vars(impl.clone(est)) == vars(upstream)


def test_class_property_parameter_added_after_first_clone(impl):
    Fresh = _make_class()
    est = Fresh(a=1)
    impl.clone(est)
    impl.clone(est)
    Fresh.a = property(lambda self: "from property")
    assert_same_error(lambda: UPSTREAM_CLONE(est), lambda: impl.clone(est))


def test_class_output_config_added_after_first_clone(impl):
    Fresh = _make_class()
    est = Fresh(a=1)
    impl.clone(est)
    impl.clone(est)
    Fresh._sklearn_output_config = {"transform": "pandas"}
    Fresh._skl_callbacks = ["callback"]
    new = impl.clone(est)
    upstream = UPSTREAM_CLONE(est)
    assert vars(new) == vars(upstream)


def test_class_bases_changed_after_first_clone(impl):
    class Other(BaseEstimator):
        def get_params(self, deep=True):
            return {"a": "other"}

    class Mixin:
        pass

    class Fresh(Mixin, BaseEstimator):
        def __init__(self, a=1):
            self.a = a

    est = Fresh(a=1)
    impl.clone(est)
    impl.clone(est)
    Fresh.__bases__ = (Mixin, Other)
    assert UPSTREAM_CLONE(est).a == "other"
    assert impl.clone(est).a == "other"


def test_instance_class_changed_after_first_clone(impl):
    Fresh = _make_class()

    class Other(BaseEstimator):
        def __init__(self, a=1, b=2):
            self.a = a
            self.b = b

    est = Fresh(a=1)
    impl.clone(est)
    est.__class__ = Other
    est.b = 3
    new = impl.clone(est)
    assert type(new) is Other and new.get_params() == {"a": 1, "b": 3}


# ---------------------------------------------------------------------------
# Instance attributes shadowing methods.


def test_instance_get_params_is_honoured(impl):
    est = Simple(a=1)
    impl.clone(est)
    est.get_params = lambda deep=True: {"a": 9}
    assert UPSTREAM_CLONE(est).a == 9
    new = impl.clone(est)
    assert type(new) is Simple and new.a == 9 and new.b is None
    assert impl.clone_parametrized(est).a == 9


def test_instance_sklearn_clone_is_honoured(impl):
    est = Simple(a=1)
    impl.clone(est)
    marker = Marker()
    est.__sklearn_clone__ = lambda: marker
    assert (UPSTREAM_CLONE(est) is marker) is UPSTREAM_DELEGATES
    assert impl.clone(est) is marker
    assert impl.clone(Single(p=est)).p is marker
    # clone_parametrized ignores it
    assert type(impl.clone_parametrized(est)) is Simple


def test_instance_get_param_names_is_honoured(impl):
    est = Simple(a=1, b=2)
    impl.clone(est)
    est._get_param_names = lambda: ["a"]
    assert UPSTREAM_CLONE(est).get_params() == {"a": 1, "b": None}
    assert impl.clone(est).get_params() == {"a": 1, "b": None}


def test_getattr_estimator(impl):
    est = Forwarding(inner=Simple(a=5), a=2)
    new = impl.clone(est)
    upstream = UPSTREAM_CLONE(est)
    assert type(new) is Forwarding
    assert new.get_params(deep=False).keys() == upstream.get_params(deep=False).keys()
    assert new.inner.a == 5 and new.inner is not est.inner
    assert vars(new).keys() == vars(upstream).keys()


# ---------------------------------------------------------------------------
# __getattr__ and properties.


@needs_set_output
def test_getattr_estimator_forwarding_output_config(impl):
    inner = OutputTransformer().set_output(transform="pandas")
    est = Forwarding(inner=inner)
    new = impl.clone(est)
    upstream = UPSTREAM_CLONE(est)
    # both take _sklearn_output_config through __getattr__ (hasattr)
    assert new._sklearn_output_config == upstream._sklearn_output_config
    assert "_sklearn_output_config" in vars(new)
    assert vars(new).keys() == vars(upstream).keys()


@needs_routing
def test_getattr_invented_metadata_request_is_not_carried(impl):
    """The one deliberate difference from upstream.

    Upstream reads ``estimator._metadata_request`` through ``__getattr__``
    and clones whatever it invents; ours only asks the class's
    ``__getattribute__``, so an invented request is not carried (that is how
    a MagicMock parameter stops recursing).
    """
    est = Inventing(a=1)
    new = impl.clone(est)
    assert "_metadata_request" not in vars(new)
    if _compat.METADATA_REQUEST_COPY == "clone":
        # 1.9 tries to clone the invented NotAnEstimator and fails
        error = raised(UPSTREAM_CLONE, est)
        assert type(error) is TypeError and "_metadata_request" in str(error)
    else:
        # 1.3-1.8 deep-copy the invented one onto the clone
        assert "_metadata_request" in vars(UPSTREAM_CLONE(est))


@needs_routing
def test_getattr_forwarded_metadata_request_is_not_carried(impl):
    """The deliberate difference, seen from a forwarding wrapper.

    Upstream gives the wrapper's clone the inner estimator's request (read
    through ``__getattr__``); ours gives it none, as the wrapper had none.
    """
    with sklearn.config_context(enable_metadata_routing=True):
        inner = LogisticRegression().set_fit_request(sample_weight=True)
        est = Forwarding(inner=inner)
        assert "_metadata_request" in vars(UPSTREAM_CLONE(est))
        new = impl.clone(est)
        assert "_metadata_request" not in vars(new)
        assert repr(new.inner._metadata_request) == repr(inner._metadata_request)


@needs_routing
def test_getattr_real_metadata_request_is_carried(impl):
    with sklearn.config_context(enable_metadata_routing=True):
        inner = LogisticRegression().set_fit_request(sample_weight=True)
        est = Forwarding(inner=inner)
        est._metadata_request = copy.deepcopy(inner._metadata_request)
        new = impl.clone(est)
        upstream = UPSTREAM_CLONE(est)
        assert repr(new._metadata_request) == repr(upstream._metadata_request)


def test_property_parameter(impl):
    est = WithProperty(a=[1, 2])
    new = impl.clone(est)
    assert type(new) is WithProperty
    assert new.a == [1, 2] and new.a is not est.a


def test_property_parameter_modifying_raises(impl):
    est = WithTransformingProperty(a=1)
    assert_same_error(lambda: UPSTREAM_CLONE(est), lambda: impl.clone(est))


@needs_set_output
def test_slots_estimator(impl):
    class Slotted(BaseEstimator):
        __slots__ = ("a", "_sklearn_output_config")

        def __init__(self, a=1):
            self.a = a

    est = Slotted(a=[3])
    est._sklearn_output_config = {"transform": "default"}
    new = impl.clone(est)
    assert new.a == [3] and new.a is not est.a
    assert new._sklearn_output_config == {"transform": "default"}
    assert not hasattr(impl.clone(Slotted()), "_sklearn_output_config")


# ---------------------------------------------------------------------------
# The compiled module mirrors the reference (cytoolz-style). These compare
# the compiled module with the reference, so they are not parametrized over
# the implementations (the reference's half would compare it with itself).
# The compiled module is imported by name: a missing extension fails them.


def _compiled():
    if "compiled" not in IMPLEMENTATION_NAMES:
        pytest.skip("SKLEARN_SLEP017_NO_EXTENSIONS=1: the compiled path is not tested")
    return load_implementation("compiled")


@pytest.mark.parametrize("name", _clone_py.__all__)
def test_compiled_has_the_reference_signature(name):
    compiled = _compiled()
    assert inspect.signature(getattr(compiled, name)) == inspect.signature(
        getattr(_clone_py, name)
    )


@pytest.mark.parametrize("name", _clone_py.__all__)
def test_compiled_has_the_reference_docstring(name):
    compiled = _compiled()
    expected = getattr(_clone_py, name).__doc__.replace("_clone_py", "_clone_c")
    assert getattr(compiled, name).__doc__ == expected


def test_compiled_has_the_reference_public_names():
    compiled = _compiled()
    assert compiled.__name__ == "sklearn_slep017._clone_c"
    assert compiled.__all__ == _clone_py.__all__
    for name in compiled.__all__:
        assert getattr(compiled, name).__name__ == name


def test_keyword_only_safe(impl):
    with pytest.raises(TypeError):
        impl.clone(Simple(), False)
    with pytest.raises(TypeError):
        impl.clone_parametrized(Simple(), False)


def test_odd_inputs_raise_type_error_not_crash(impl):
    for obj in (object(), 1, "x", b"x", None, Simple):
        with pytest.raises(TypeError):
            impl.clone(obj)
        with pytest.raises(TypeError):
            impl.clone_parametrized(obj)


def test_clone_result_pickles(impl):
    new = impl.clone(Pipeline([("s", StandardScaler()), ("lr", LogisticRegression())]))
    assert repr(pickle.loads(pickle.dumps(new))) == repr(new)


def test_class_attribute_lying_about_class(impl):
    class Other(BaseEstimator):
        def __init__(self, a=None):
            self.a = a

    class Liar(BaseEstimator):
        def __init__(self, a=None):
            self.a = a

        @property
        def __class__(self):
            return Other

    est = Liar(a=[1])
    assert type(UPSTREAM_CLONE(est)) is Other
    new = impl.clone(est)
    assert type(new) is Other and new.a == [1]


def test_custom_getattribute_is_honoured(impl):
    class Doubling(BaseEstimator):
        def __init__(self, a=1):
            self.a = a

        def __getattribute__(self, name):
            value = object.__getattribute__(self, name)
            return value * 2 if name == "a" else value

    est = Doubling(a=1000)
    assert_same_error(lambda: UPSTREAM_CLONE(est), lambda: impl.clone(est))
