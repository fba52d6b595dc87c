"""The one cache both implementations keep (parameter names) stays exact.

Nothing else about a class is cached: the compiled path reads every method
and attribute at the moment the reference reads it. These tests change a
class between clones, in each way ``inspect.signature`` or the clone
protocol can notice, and compare with upstream's clone.
"""

import gc
import inspect
import weakref

import pytest
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

import sklearn_slep017
from sklearn_slep017 import _clone_kernel
from sklearn_slep017._compat import UPSTREAM_CLONE


def _outcome(clone, estimator):
    try:
        result = clone(estimator)
    except Exception as exc:
        return (type(exc), str(exc))
    return (type(result), repr(result), sorted(result.get_params(deep=False)))


class Modifying(BaseEstimator):
    def __init__(self, a=1):
        self.a = list(a) if isinstance(a, list) else a


class Swapped(BaseEstimator):
    def __init__(self, a=1, b=2):
        self.a = b
        self.b = a


class Partial(BaseEstimator):
    def __init__(self, a=1, b=2):
        self.a = a


class DataDescriptor(BaseEstimator):
    def __init__(self, a=1):
        self.a = a

    @property
    def a(self):
        return self._a

    @a.setter
    def a(self, value):
        self._a = [value]


class CustomSetattr(BaseEstimator):
    def __init__(self, a=1):
        self.a = a

    def __setattr__(self, name, value):
        object.__setattr__(self, name, (value,))


@pytest.mark.parametrize("cls", [Modifying, Swapped, Partial, DataDescriptor, CustomSetattr])
def test_constructors_that_change_parameters_fail_like_upstream(impl, cls):
    estimator = cls.__new__(cls)
    object.__setattr__(estimator, "a", [1])
    object.__setattr__(estimator, "b", [2])
    object.__setattr__(estimator, "_a", [1])
    assert _outcome(impl.clone, estimator) == _outcome(UPSTREAM_CLONE, estimator)


def _fresh_class():
    class Edited(BaseEstimator):
        def __init__(self, a=1):
            self.a = a

    return Edited


def test_init_code_edited_in_place(impl):
    Edited = _fresh_class()
    impl.clone(Edited(a=[1]))

    def modifying(self, a=1):
        self.a = list(a)

    Edited.__init__.__code__ = modifying.__code__
    with pytest.raises(RuntimeError, match="modifies parameter a"):
        impl.clone(Edited(a=[1]))


def test_init_replaced(impl):
    Edited = _fresh_class()
    impl.clone(Edited(a=1))

    def two(self, a=1, b=2):
        self.a = a
        self.b = b

    Edited.__init__ = two
    est = Edited(a=3, b=4)
    assert _outcome(impl.clone, est) == _outcome(UPSTREAM_CLONE, est)
    assert impl.clone(est).get_params() == {"a": 3, "b": 4}


@pytest.mark.parametrize("where", ["init", "wrapped"])
def test_signature_set_after_a_first_clone(impl, where):
    Edited = _fresh_class()
    impl.clone(Edited(a=1))
    assert impl.get_param_names(Edited) == ["a"]
    if where == "init":
        Edited.__init__.__signature__ = inspect.Signature(
            [
                inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
                inspect.Parameter("z", inspect.Parameter.KEYWORD_ONLY, default=0),
            ]
        )
    else:

        def z_only(self, *, z=0):
            pass

        Edited.__init__.__wrapped__ = z_only
    upstream_names = Edited._get_param_names()
    assert upstream_names == ["z"]
    assert impl.get_param_names(Edited) == upstream_names
    est = Edited(a=1)
    assert _outcome(impl.clone, est) == _outcome(UPSTREAM_CLONE, est)


def test_get_params_added_on_a_base_after_a_first_clone(impl):
    class Base(BaseEstimator):
        pass

    class Leaf(Base):
        def __init__(self, a=1):
            self.a = a

    impl.clone(Leaf(a=1))
    Base.get_params = lambda self, deep=True: {"a": 5}
    est = Leaf(a=1)
    assert _outcome(impl.clone, est) == _outcome(UPSTREAM_CLONE, est)


def test_composition_with_its_own_private_get_params(impl):
    class OwnGetParams(Pipeline):
        def _get_params(self, attr, deep=True):
            return {"steps": [("s", "passthrough")], "memory": None, "verbose": False,
                    "transform_input": None}

    est = OwnGetParams([("lr", LogisticRegression())])
    assert _outcome(impl.clone, est) == _outcome(UPSTREAM_CLONE, est)


@pytest.mark.parametrize("enabled", [False, True])
def test_classes_made_on_the_fly_are_freed(impl_name, impl, enabled):
    def make():
        class OnTheFly(BaseEstimator):
            def __init__(self, a=1):
                super().__init__()
                self.a = a

        return OnTheFly

    if enabled:
        sklearn_slep017.enable(impl_name)
    try:
        cls = make()
        impl.clone(cls(a=[1]))
        cls._get_param_names()
        ref = weakref.ref(cls)
        del cls
        gc.collect()
        assert ref() is None
    finally:
        if enabled:
            sklearn_slep017.disable()


def test_one_cache_for_both_implementations(impl):
    Edited = _fresh_class()
    impl.get_param_names(Edited)
    entry = _clone_kernel.PARAM_NAMES_CACHE[id(Edited.__init__)]
    assert entry[0]() is Edited.__init__ and entry[2] == ("a",)
    names = impl.get_param_names(Edited)
    names.append("mutated")
    assert impl.get_param_names(Edited) == ["a"]


def test_compiled_default_functions_are_compats():
    # The compiled clone walks tuples taken from _compat's sets once both
    # implementations have added theirs: nothing may be added after that.
    import sklearn_slep017  # noqa: F401  (imports everything that adds)
    from sklearn_slep017 import _clone_c, _compat

    clone_funcs, names_funcs = _clone_c._default_functions()
    assert set(clone_funcs) == _compat.DEFAULT_SKLEARN_CLONE_FUNCS
    assert set(names_funcs) == _compat.DEFAULT_GET_PARAM_NAMES_FUNCS
    assert _clone_c.sklearn_clone in clone_funcs
    assert _clone_c.get_param_names in names_funcs
    with sklearn_slep017.enabled("compiled"):
        assert set(_clone_c._default_functions()[0]) == _compat.DEFAULT_SKLEARN_CLONE_FUNCS
