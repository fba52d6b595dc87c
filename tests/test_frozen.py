"""``sklearn_slep017.frozen.FrozenEstimator`` on every supported release.

On scikit-learn >= 1.6 the public class is upstream's, and the backport
(``_FrozenEstimatorBackport``) is tested beside it, against the same
expectations and against upstream directly; below 1.6 the public class is
the backport. Ported from upstream's ``sklearn/frozen/tests/test_frozen.py``
(1.9.1), plus what this package adds: cloning through both implementations,
through ``sklearn.base.clone`` under ``enable()``, and frozen members of
meta-estimators that must be neither copied nor refitted.
"""

import copy
import pickle
import re

import numpy as np
import pytest
import sklearn
import sklearn.base
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import BaseEstimator, is_classifier, is_outlier_detector, is_regressor
from sklearn.calibration import CalibratedClassifierCV
from sklearn.cluster import KMeans
from sklearn.compose import make_column_transformer
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import StackingClassifier, VotingClassifier
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import LocalOutlierFactor
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import RobustScaler, StandardScaler
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils._testing import set_random_state
from sklearn.utils.validation import check_is_fitted

import sklearn_slep017
import sklearn_slep017.base
from sklearn_slep017 import _compat
from sklearn_slep017.frozen import FrozenEstimator, _FrozenEstimatorBackport

try:
    from sklearn.frozen import FrozenEstimator as UpstreamFrozenEstimator
except ImportError:
    UpstreamFrozenEstimator = None

HAS_UPSTREAM = UpstreamFrozenEstimator is not None
HAS_TAGS_API = hasattr(BaseEstimator, "__sklearn_tags__")
# The classes under test: the public one and, where it differs, the backport.
FROZEN_CLASSES = [FrozenEstimator] + (
    [_FrozenEstimatorBackport] if _FrozenEstimatorBackport is not FrozenEstimator else []
)


@pytest.fixture(params=FROZEN_CLASSES, ids=lambda cls: cls.__qualname__)
def frozen_cls(request):
    return request.param


def is_clusterer(estimator):
    if hasattr(sklearn.base, "is_clusterer"):  # scikit-learn >= 1.6
        return sklearn.base.is_clusterer(estimator)
    return getattr(estimator, "_estimator_type", None) == "clusterer"


@pytest.fixture
def regression_dataset():
    return make_regression(random_state=0)


@pytest.fixture
def classification_dataset():
    return make_classification(random_state=0)


def two_datasets():
    """Two different classification problems: refitting on B changes a model fitted on A."""
    X_a, y_a = make_classification(n_samples=80, n_features=5, random_state=0)
    X_b, y_b = make_classification(n_samples=80, n_features=5, random_state=1)
    return X_a, y_a, X_b, y_b


# -- which class is public --------------------------------------------------


@pytest.mark.skipif(not HAS_UPSTREAM, reason="sklearn.frozen arrived in scikit-learn 1.6")
def test_public_class_is_upstreams_from_1_6():
    assert FrozenEstimator is UpstreamFrozenEstimator
    assert _FrozenEstimatorBackport is not UpstreamFrozenEstimator


@pytest.mark.skipif(HAS_UPSTREAM, reason="scikit-learn >= 1.6 ships its own FrozenEstimator")
def test_public_class_is_the_backport_before_1_6():
    assert FrozenEstimator is _FrozenEstimatorBackport


def test_backport_builds_on_our_base_estimator():
    assert issubclass(_FrozenEstimatorBackport, sklearn_slep017.base.BaseEstimator)
    assert _FrozenEstimatorBackport.__name__ == "FrozenEstimator"
    assert "__sklearn_clone__" in vars(_FrozenEstimatorBackport)


# -- ported from upstream's sklearn/frozen/tests/test_frozen.py -------------


@pytest.mark.parametrize(
    "estimator, dataset",
    [
        (LinearRegression(), "regression_dataset"),
        (LogisticRegression(), "classification_dataset"),
        (make_pipeline(StandardScaler(), LinearRegression()), "regression_dataset"),
        (
            make_pipeline(StandardScaler(), LogisticRegression()),
            "classification_dataset",
        ),
        (StandardScaler(), "regression_dataset"),
        (KMeans(n_init=1), "regression_dataset"),
        (LocalOutlierFactor(), "regression_dataset"),
        (
            make_column_transformer(
                (StandardScaler(), [0]),
                (RobustScaler(), [1]),
            ),
            "regression_dataset",
        ),
    ],
)
@pytest.mark.parametrize(
    "method",
    ["predict", "predict_proba", "predict_log_proba", "decision_function", "transform"],
)
def test_frozen_methods(frozen_cls, estimator, dataset, request, method):
    """``fit`` does nothing; every other method is the wrapped estimator's."""
    estimator = sklearn.base.clone(estimator)
    X, y = request.getfixturevalue(dataset)
    set_random_state(estimator)
    estimator.fit(X, y)
    frozen = frozen_cls(estimator)
    # this should be a no-op
    assert frozen.fit([[1]], [1]) is frozen

    assert hasattr(frozen, method) == hasattr(estimator, method)
    if hasattr(estimator, method):
        assert_array_equal(getattr(estimator, method)(X), getattr(frozen, method)(X))

    assert is_classifier(estimator) == is_classifier(frozen)
    assert is_regressor(estimator) == is_regressor(frozen)
    assert is_clusterer(estimator) == is_clusterer(frozen)
    assert is_outlier_detector(estimator) == is_outlier_detector(frozen)


def test_composite_fit(frozen_cls, classification_dataset):
    """``fit_transform`` and ``fit_predict`` are unavailable and never call ``fit``."""

    class Estimator(BaseEstimator):
        def fit(self, X, y):
            try:
                self._fit_counter += 1
            except AttributeError:
                self._fit_counter = 1
            return self

        def fit_transform(self, X, y=None):
            raise AssertionError("must not be called")

        def fit_predict(self, X, y=None):
            raise AssertionError("must not be called")

    X, y = classification_dataset
    est = Estimator().fit(X, y)
    frozen = frozen_cls(est)

    with pytest.raises(AttributeError, match="fit_predict is not available"):
        frozen.fit_predict(X, y)
    with pytest.raises(AttributeError, match="fit_transform is not available"):
        frozen.fit_transform(X, y)
    assert not hasattr(frozen, "fit_transform")
    assert not hasattr(frozen, "fit_predict")

    assert frozen._fit_counter == 1


def test_check_is_fitted(frozen_cls, regression_dataset):
    X, y = regression_dataset

    frozen = frozen_cls(LinearRegression())
    with pytest.raises(NotFittedError):
        check_is_fitted(frozen)
    assert frozen.__sklearn_is_fitted__() is False
    with pytest.raises(NotFittedError):
        frozen.fit(X, y)  # a frozen estimator cannot be fitted into shape

    frozen = frozen_cls(LinearRegression().fit(X, y))
    check_is_fitted(frozen)
    assert frozen.__sklearn_is_fitted__() is True


@pytest.mark.skipif(not HAS_TAGS_API, reason="the __sklearn_tags__ API arrived in 1.6")
def test_frozen_tags(frozen_cls):
    """Same tags as the wrapped estimator, except ``_skip_test``."""

    class Estimator(BaseEstimator):
        def __sklearn_tags__(self):
            tags = super().__sklearn_tags__()
            tags.input_tags.categorical = True
            return tags

    estimator = Estimator()
    frozen = frozen_cls(estimator)
    frozen_tags = frozen.__sklearn_tags__()
    estimator_tags = estimator.__sklearn_tags__()

    assert frozen_tags._skip_test is True
    assert estimator_tags._skip_test is False

    assert estimator_tags.input_tags.categorical is True
    assert frozen_tags.input_tags.categorical is True
    # the wrapped estimator's tags are copied, not shared
    assert estimator.__sklearn_tags__()._skip_test is False


@pytest.mark.skipif(HAS_TAGS_API, reason="dict tags (_more_tags) end in 1.6")
def test_frozen_dict_tags(frozen_cls):
    """Before 1.6: the wrapped estimator's ``_get_tags()``, plus ``_skip_test``."""

    class Estimator(BaseEstimator):
        def _more_tags(self):
            return {"allow_nan": True, "requires_y": True}

    estimator = Estimator()
    frozen = frozen_cls(estimator)
    frozen_tags = frozen._get_tags()
    estimator_tags = estimator._get_tags()

    assert frozen_tags["_skip_test"] is True
    assert estimator_tags["_skip_test"] is False
    assert frozen_tags["allow_nan"] is True and frozen_tags["requires_y"] is True
    assert {k: v for k, v in frozen_tags.items() if k != "_skip_test"} == {
        k: v for k, v in estimator_tags.items() if k != "_skip_test"
    }
    # an inner object without tags gets the defaults
    assert frozen_cls(object())._get_tags()["allow_nan"] is False


def test_frozen_params(frozen_cls):
    """Only the ``estimator`` parameter is exposed and settable."""
    est = LogisticRegression()
    frozen = frozen_cls(est)

    with pytest.raises(ValueError, match="You cannot set parameters of the inner"):
        frozen.set_params(estimator__C=1)
    with pytest.raises(ValueError, match="You cannot set parameters of the inner"):
        frozen.set_params(C=1)

    assert frozen.get_params() == {"estimator": est}
    assert frozen.get_params(deep=False) == {"estimator": est}

    other_est = LocalOutlierFactor()
    frozen.set_params(estimator=other_est)
    assert frozen.get_params() == {"estimator": other_est}
    assert frozen.estimator is other_est


def test_getitem_forwarded_only_when_the_estimator_has_it(frozen_cls, regression_dataset):
    X, y = regression_dataset
    pipe = make_pipeline(StandardScaler(), LinearRegression()).fit(X, y)
    frozen = frozen_cls(pipe)
    assert frozen["standardscaler"] is pipe["standardscaler"]
    assert frozen[-1] is pipe[-1]

    frozen_lr = frozen_cls(LinearRegression().fit(X, y))
    assert not hasattr(frozen_lr, "__getitem__")
    with pytest.raises(AttributeError):
        frozen_lr[0]


@pytest.mark.skipif(
    _compat.SKLEARN_VERSION < (1, 4),
    reason="metadata routing through Pipeline.predict arrived in scikit-learn 1.4",
)
def test_frozen_metadata_routing(frozen_cls, regression_dataset):
    """Metadata reach the wrapped pipeline's steps, per their requests."""
    from sklearn.exceptions import UnsetMetadataPassedError

    class ConsumesMetadata(BaseEstimator):
        def __init__(self, on_fit=None, on_predict=None):
            self.on_fit = on_fit
            self.on_predict = on_predict

        def fit(self, X, y, metadata=None):
            if self.on_fit:
                assert metadata is not None
            self.fitted_ = True
            return self

        def predict(self, X, metadata=None):
            if self.on_predict:
                assert metadata is not None
            return np.ones(len(X))

    X, y = regression_dataset
    with sklearn.config_context(enable_metadata_routing=True):
        pipeline = make_pipeline(
            ConsumesMetadata(on_fit=True, on_predict=True)
            .set_fit_request(metadata=True)
            .set_predict_request(metadata=True)
        )
        pipeline.fit(X, y, metadata="test")
        frozen = frozen_cls(pipeline)
        pipeline.predict(X, metadata="test")
        frozen.predict(X, metadata="test")

        frozen["consumesmetadata"].set_predict_request(metadata=False)
        with pytest.raises(TypeError, match=re.escape("got unexpected argument(s)")):
            frozen.predict(X, metadata="test")

        frozen["consumesmetadata"].set_predict_request(metadata=None)
        with pytest.raises(UnsetMetadataPassedError):
            frozen.predict(X, metadata="test")


def test_pickle_round_trip(frozen_cls, classification_dataset):
    X, y = classification_dataset
    frozen = frozen_cls(LogisticRegression().fit(X, y))
    restored = pickle.loads(pickle.dumps(frozen))
    assert type(restored) is frozen_cls
    assert_array_equal(restored.predict(X), frozen.predict(X))
    check_is_fitted(restored)
    # deepcopy is not clone: it copies the wrapped estimator
    copied = copy.deepcopy(frozen)
    assert copied is not frozen and copied.estimator is not frozen.estimator


@pytest.mark.skipif(not HAS_UPSTREAM, reason="needs upstream's FrozenEstimator (>= 1.6)")
def test_backport_matches_upstream(classification_dataset):
    """The backport and upstream's class agree, observable by observable."""
    from sklearn.utils import get_tags

    X, y = classification_dataset
    inner = LogisticRegression(C=0.5).fit(X, y)
    ours, theirs = _FrozenEstimatorBackport(inner), UpstreamFrozenEstimator(inner)
    assert repr(ours) == repr(theirs)
    assert ours.get_params() == theirs.get_params()
    assert get_tags(ours) == get_tags(theirs)
    assert ours.set_params(estimator=inner) == theirs.set_params(estimator=inner)
    assert ours.fit(X, y) is ours and theirs.fit(X, y) is theirs
    assert_array_equal(ours.predict_proba(X), theirs.predict_proba(X))
    assert ours.classes_ is theirs.classes_
    for name in ("fit_predict", "fit_transform"):
        with pytest.raises(AttributeError) as mine:
            getattr(ours, name)
        with pytest.raises(AttributeError) as upstream:
            getattr(theirs, name)
        assert str(mine.value) == str(upstream.value)
    with pytest.raises(ValueError) as mine:
        ours.set_params(C=1)
    with pytest.raises(ValueError) as upstream:
        theirs.set_params(C=1)
    assert str(mine.value) == str(upstream.value)
    assert ours.get_metadata_routing().fit.requests == theirs.get_metadata_routing().fit.requests


# -- clone returns the very same object --------------------------------------


def test_clone_returns_self(frozen_cls, impl, regression_dataset):
    X, y = regression_dataset
    estimator = LinearRegression().fit(X, y)
    coef = estimator.coef_
    frozen = frozen_cls(estimator)
    for cloned in (impl.clone(frozen), impl.clone(frozen, safe=False)):
        assert cloned is frozen
        assert cloned.estimator is estimator
        assert estimator.coef_ is coef
    # inside containers cloned with safe=False, and as a parameter
    assert impl.clone([frozen], safe=False)[0] is frozen
    if _compat.CLONES_DICT_VALUES:  # before 1.3.1 a dict is deep-copied whole
        assert impl.clone({"member": frozen}, safe=False)["member"] is frozen
    pipe = Pipeline([("frozen", frozen), ("lr", LinearRegression())])
    cloned_pipe = impl.clone(pipe)
    assert cloned_pipe is not pipe
    assert cloned_pipe.steps[0][1] is frozen
    assert cloned_pipe.steps[1][1] is not pipe.steps[1][1]


def test_sklearn_clone_returns_self_when_enabled(frozen_cls, enabled_impl, regression_dataset):
    X, y = regression_dataset
    estimator = LinearRegression().fit(X, y)
    frozen = frozen_cls(estimator)
    assert sklearn.base.clone(frozen) is frozen
    assert sklearn.base.clone(frozen).estimator is estimator


@pytest.mark.skipif(
    _compat.SKLEARN_VERSION >= (1, 3), reason="scikit-learn >= 1.3 knows __sklearn_clone__"
)
def test_upstream_clone_ignores_the_protocol_before_1_3(frozen_cls, regression_dataset):
    """Why ``enable()`` matters on old releases: upstream clones the wrapper."""
    X, y = regression_dataset
    frozen = frozen_cls(LinearRegression().fit(X, y))
    assert not sklearn_slep017.is_enabled()
    cloned = sklearn.base.clone(frozen)
    assert cloned is not frozen
    assert not cloned.__sklearn_is_fitted__()


@pytest.mark.skipif(
    _compat.SKLEARN_VERSION < (1, 3), reason="__sklearn_clone__ arrived in scikit-learn 1.3"
)
def test_upstream_clone_honours_it_from_1_3(frozen_cls, regression_dataset):
    X, y = regression_dataset
    frozen = frozen_cls(LinearRegression().fit(X, y))
    assert not sklearn_slep017.is_enabled()
    assert sklearn.base.clone(frozen) is frozen


# -- frozen members of meta-estimators: same object, never refitted ---------


def fitted_lr(X, y):
    lr = LogisticRegression().fit(X, y)
    return lr, lr.coef_  # the sentinel: a refit replaces ``coef_``


def test_sentinel_detects_a_refit():
    """Control: the identity sentinel does change when a member is refitted."""
    X_a, y_a, X_b, y_b = two_datasets()
    lr, coef = fitted_lr(X_a, y_a)
    lr.fit(X_b, y_b)
    assert lr.coef_ is not coef
    scaler = StandardScaler().fit(X_a)
    mean = scaler.mean_
    Pipeline([("scale", scaler), ("lr", LogisticRegression())]).fit(X_b, y_b)
    assert scaler.mean_ is not mean


def test_frozen_step_in_pipeline(frozen_cls, enabled_impl):
    X_a, y_a, X_b, y_b = two_datasets()
    scaler = StandardScaler().fit(X_a)
    mean = scaler.mean_
    frozen = frozen_cls(scaler)
    pipe = Pipeline([("frozen", frozen), ("lr", LogisticRegression())])

    cloned = sklearn.base.clone(pipe)
    assert cloned.steps[0][1] is frozen
    cloned.fit(X_b, y_b)
    assert cloned.steps[0][1] is frozen
    assert scaler.mean_ is mean
    assert_allclose(cloned[:-1].transform(X_b), scaler.transform(X_b))


def test_frozen_step_survives_a_search(frozen_cls, enabled_impl):
    X_a, y_a, X_b, y_b = two_datasets()
    scaler = StandardScaler().fit(X_a)
    mean = scaler.mean_
    frozen = frozen_cls(scaler)
    pipe = Pipeline([("frozen", frozen), ("lr", LogisticRegression())])

    search = GridSearchCV(pipe, {"lr__C": [0.1, 1.0]}, cv=3).fit(X_b, y_b)
    assert search.best_estimator_.steps[0][1] is frozen
    assert scaler.mean_ is mean


def test_frozen_member_of_stacking(frozen_cls, enabled_impl):
    X_a, y_a, X_b, y_b = two_datasets()
    lr, coef = fitted_lr(X_a, y_a)
    frozen = frozen_cls(lr)
    stack = StackingClassifier(
        estimators=[("frozen", frozen), ("tree", DecisionTreeClassifier(random_state=0))],
        final_estimator=LogisticRegression(),
        cv=3,
    )

    cloned = sklearn.base.clone(stack)
    assert cloned.estimators[0][1] is frozen
    assert cloned.estimators[1][1] is not stack.estimators[1][1]
    cloned.fit(X_b, y_b)
    assert cloned.estimators_[0] is frozen
    assert cloned.named_estimators_["frozen"] is frozen
    assert lr.coef_ is coef
    # the tree, not frozen, was fitted on a clone
    assert cloned.estimators_[1] is not stack.estimators[1][1]
    check_is_fitted(cloned.estimators_[1])


def test_frozen_member_of_voting(frozen_cls, enabled_impl):
    X_a, y_a, X_b, y_b = two_datasets()
    lr, coef = fitted_lr(X_a, y_a)
    frozen = frozen_cls(lr)
    vote = VotingClassifier(
        estimators=[("frozen", frozen), ("tree", DecisionTreeClassifier(random_state=0))],
        voting="soft",
    )

    cloned = sklearn.base.clone(vote)
    assert cloned.estimators[0][1] is frozen
    cloned.fit(X_b, y_b)
    assert cloned.estimators_[0] is frozen
    assert lr.coef_ is coef
    assert_allclose(
        cloned.transform(X_b)[:, :2], lr.predict_proba(X_b)
    )  # the prefit model's probabilities, not a refitted one's


def test_frozen_estimator_of_calibration(frozen_cls, enabled_impl):
    X_a, y_a, X_b, y_b = two_datasets()
    lr, coef = fitted_lr(X_a, y_a)
    frozen = frozen_cls(lr)
    # The parameter is ``estimator`` from 1.2, ``base_estimator`` before.
    key = "estimator" if "estimator" in CalibratedClassifierCV().get_params() else "base_estimator"
    calibrated = sklearn.base.clone(
        CalibratedClassifierCV(**{key: frozen}, ensemble=False, cv=3)
    )
    assert calibrated.get_params()[key] is frozen
    calibrated.fit(X_b, y_b)
    assert lr.coef_ is coef
    assert len(calibrated.calibrated_classifiers_) == 1
    fitted = calibrated.calibrated_classifiers_[0]
    assert getattr(fitted, "estimator", getattr(fitted, "base_estimator", None)) is frozen


def test_frozen_members_without_enable_use_our_clone(frozen_cls, impl):
    """``impl.clone`` alone (no enable) keeps frozen members of meta-estimators."""
    X_a, y_a, _, _ = two_datasets()
    lr, _ = fitted_lr(X_a, y_a)
    frozen = frozen_cls(lr)
    for meta in (
        StackingClassifier(estimators=[("frozen", frozen)]),
        VotingClassifier(estimators=[("frozen", frozen)]),
    ):
        cloned = impl.clone(meta)
        assert cloned is not meta
        assert cloned.estimators[0][1] is frozen
