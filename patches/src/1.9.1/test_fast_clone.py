"""Tests for the compiled clone, sklearn/utils/_fast_clone.pyx."""

import pytest

import sklearn.base
from sklearn.base import BaseEstimator
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.ensemble import StackingClassifier
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import _fast_clone


def test_compiled_clone_is_live():
    assert sklearn.base.clone is _fast_clone.clone
    assert sklearn.base._clone_parametrized is _fast_clone.clone_parametrized


@pytest.mark.parametrize(
    "estimator",
    [
        Ridge(alpha=3.0),
        Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(C=2))]),
        FeatureUnion([("pca", PCA(2)), ("scale", StandardScaler())]),
        ColumnTransformer([("scale", StandardScaler(), [0, 1])], remainder="drop"),
        StackingClassifier([("lr", LogisticRegression())], final_estimator=Ridge()),
        GridSearchCV(Ridge(), {"alpha": [1.0, 2.0]}),
    ],
    ids=repr,
)
def test_compiled_clone_keeps_parameters(estimator):
    cloned = _fast_clone.clone(estimator)
    assert type(cloned) is type(estimator)
    assert cloned is not estimator
    params, cloned_params = estimator.get_params(deep=False), cloned.get_params(deep=False)
    assert params.keys() == cloned_params.keys()
    for name, value in params.items():
        if isinstance(value, BaseEstimator):
            assert cloned_params[name] is not value
    assert repr(cloned) == repr(estimator)


def test_compiled_clone_follows_a_modified_class():
    """Per-class facts are invalidated when the class changes."""

    class Est(BaseEstimator):
        def __init__(self, a=1):
            self.a = a

    assert _fast_clone.clone(Est(a=2)).a == 2

    def __sklearn_clone__(self):
        return self

    Est.__sklearn_clone__ = __sklearn_clone__
    est = Est()
    assert _fast_clone.clone(est) is est


def test_compiled_clone_same_errors():
    class Modifies(BaseEstimator):
        def __init__(self, a=None):
            self.a = list(a) if a is not None else a

    with pytest.raises(RuntimeError, match="either does not set or modifies"):
        _fast_clone.clone(Modifies(a=[1]))
    with pytest.raises(TypeError, match="does not implement a 'get_params'"):
        _fast_clone.clone(object())
    with pytest.raises(TypeError, match="instead of a class"):
        _fast_clone.clone(Ridge)
