

def test_clone_protocol():
    """Checks that clone works with `__sklearn_clone__` protocol."""
    from numpy.testing import assert_allclose

    from sklearn.decomposition import PCA

    class FrozenEstimator(BaseEstimator):
        def __init__(self, fitted_estimator):
            self.fitted_estimator = fitted_estimator

        def __getattr__(self, name):
            return getattr(self.fitted_estimator, name)

        def __sklearn_clone__(self):
            return self

        def fit(self, *args, **kwargs):
            return self

        def fit_transform(self, *args, **kwargs):
            return self.fitted_estimator.transform(*args, **kwargs)

    X = np.array([[-1, -1], [-2, -1], [-3, -2]])
    pca = PCA().fit(X)
    components = pca.components_

    frozen_pca = FrozenEstimator(pca)
    assert_allclose(frozen_pca.components_, components)

    # Calling PCA methods such as `get_feature_names_out` still works
    assert_array_equal(frozen_pca.get_feature_names_out(), pca.get_feature_names_out())

    # Fitting on a new data does not alter `components_`
    X_new = np.asarray([[-1, 2], [3, 4], [1, 2]])
    frozen_pca.fit(X_new)
    assert_allclose(frozen_pca.components_, components)

    # `fit_transform` does not alter state
    frozen_pca.fit_transform(X_new)
    assert_allclose(frozen_pca.components_, components)

    # Cloning estimator is a no-op
    clone_frozen_pca = clone(frozen_pca)
    assert clone_frozen_pca is frozen_pca
    assert_allclose(clone_frozen_pca.components_, components)


def test_clone_protocol_extended_with_super():
    """`super().__sklearn_clone__()` is the default clone, ready to extend."""

    class WithSearchSpace(BaseEstimator):
        def __init__(self, alpha=1.0):
            self.alpha = alpha

        def __sklearn_clone__(self):
            new = super().__sklearn_clone__()
            new.search_space = getattr(self, "search_space", None)
            return new

    est = WithSearchSpace(alpha=2.0)
    est.search_space = {"alpha": [1.0, 2.0]}
    est.fitted_ = True
    cloned = clone(Pipeline([("est", est)]))[-1]
    assert cloned is not est
    assert cloned.alpha == 2.0
    assert cloned.search_space is est.search_space
    assert not hasattr(cloned, "fitted_")


def test_clone_parametrized_ignores_sklearn_clone():
    """The default implementation does not delegate: it is what delegates."""
    from sklearn.base import _clone_parametrized

    class Frozen(BaseEstimator):
        def __init__(self, param=1):
            self.param = param

        def __sklearn_clone__(self):
            return self

    est = Frozen(param=3)
    assert clone(est) is est
    cloned = _clone_parametrized(est)
    assert cloned is not est
    assert cloned.param == 3


def test_clone_never_delegates_for_a_class():
    """A class with `__sklearn_clone__` is not an instance to delegate to."""

    class WithClone(BaseEstimator):
        def __sklearn_clone__(self):
            raise AssertionError("must not be called")

    assert clone(WithClone, safe=False) is WithClone
    with pytest.raises(TypeError, match="instead of a class"):
        clone(WithClone)
