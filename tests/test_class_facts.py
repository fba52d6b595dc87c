"""What the compiled path may assume about a class, and that it stays honest."""

import pytest
from sklearn.base import BaseEstimator
from sklearn.feature_selection import SelectKBest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from sklearn_slep017 import _class_facts
from sklearn_slep017._compat import UPSTREAM_CLONE


class Plain(BaseEstimator):
    def __init__(self, a=1, *, b=2):
        self.a = a
        self.b = b


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


class Twice(BaseEstimator):
    def __init__(self, a=1):
        self.a = a
        self.a = a


class WithSuper(BaseEstimator):
    def __init__(self, a=1):
        super().__init__()
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


class CustomNew(BaseEstimator):
    def __new__(cls, *args, **kwargs):
        return super().__new__(cls)

    def __init__(self, a=1):
        self.a = a


class CustomSetattr(BaseEstimator):
    def __init__(self, a=1):
        self.a = a

    def __setattr__(self, name, value):
        object.__setattr__(self, name, (value,))


def _plain(cls):
    names = tuple(cls._get_param_names())
    return _class_facts.init_stores_parameters_unchanged(cls, names)


@pytest.mark.parametrize("cls", [Plain, LogisticRegression, Pipeline, FeatureUnion])
def test_plain_constructors_are_recognised(cls):
    assert _plain(cls)


@pytest.mark.parametrize(
    "cls",
    [
        Modifying,
        Swapped,
        Partial,
        Twice,
        WithSuper,
        DataDescriptor,
        CustomNew,
        CustomSetattr,
        SelectKBest,
    ],
)
def test_anything_else_is_not_plain(cls):
    assert not _plain(cls)


@pytest.mark.parametrize("cls", [Modifying, Swapped, Partial, DataDescriptor, CustomSetattr])
def test_non_plain_constructors_still_fail_like_upstream(impl, cls):
    estimator = cls.__new__(cls)
    object.__setattr__(estimator, "a", [1])
    object.__setattr__(estimator, "b", [2])
    object.__setattr__(estimator, "_a", [1])
    try:
        UPSTREAM_CLONE(estimator)
    except Exception as exc:
        expected = (type(exc), str(exc))
    else:
        expected = None
    try:
        impl.clone(estimator)
    except Exception as exc:
        got = (type(exc), str(exc))
    else:
        got = None
    assert got == expected


def test_plain_fact_follows_an_init_edited_in_place(impl):
    class Edited(BaseEstimator):
        def __init__(self, a=1):
            self.a = a

    impl.clone(Edited(a=[1]))  # caches the facts of the plain constructor

    def modifying(self, a=1):
        self.a = list(a)

    Edited.__init__.__code__ = modifying.__code__
    with pytest.raises(RuntimeError, match="modifies parameter a"):
        impl.clone(Edited(a=[1]))


def test_composition_get_params_is_recognised():
    assert _class_facts.shallow_get_params_is_base(Pipeline)
    assert _class_facts.shallow_get_params_is_base(LogisticRegression)

    class OwnGetParams(Pipeline):
        def _get_params(self, attr, deep=True):
            return {}

    assert not _class_facts.shallow_get_params_is_base(OwnGetParams)
