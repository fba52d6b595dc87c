"""sklearn_slep017.base: the installed sklearn.base, with SLEP017's clone."""

import sklearn.base
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sklearn_slep017
import sklearn_slep017.base as ours
from sklearn_slep017 import _clone, _compat

# ``_clone_parametrized`` exists upstream from 1.3; before, ours adds it.
REPLACED = ("clone", "BaseEstimator") + (
    ("_clone_parametrized",) if _compat.UPSTREAM_CLONE_PARAMETRIZED is not None else ()
)


def _upstream_names():
    return [name for name in vars(sklearn.base) if not name.startswith("__")]


def test_exports_everything_sklearn_base_exports():
    missing = [name for name in _upstream_names() if not hasattr(ours, name)]
    assert missing == []


def test_exports_are_the_same_objects_except_clone():
    differing = sorted(
        name
        for name in _upstream_names()
        if getattr(ours, name) is not getattr(sklearn.base, name)
    )
    assert differing == sorted(REPLACED)


def test_replaced_names_are_ours():
    live = _clone.get_implementation()
    assert ours.clone is sklearn_slep017.clone is live.clone
    assert ours._clone_parametrized is sklearn_slep017.clone_parametrized
    assert ours.clone_parametrized is sklearn_slep017.clone_parametrized
    assert issubclass(ours.BaseEstimator, _compat.UPSTREAM_BASE_ESTIMATOR)
    assert ours.BaseEstimator is not _compat.UPSTREAM_BASE_ESTIMATOR
    assert ours.BaseEstimator.__dict__["__sklearn_clone__"] is live.sklearn_clone


def test_all_lists_public_names():
    public_upstream = {name for name in _upstream_names() if not name.startswith("_")}
    assert public_upstream <= set(ours.__all__)
    for name in ours.__all__:
        assert hasattr(ours, name), name


def test_importing_base_changes_nothing_upstream():
    # sklearn_slep017.base is imported at the top of this module: upstream's
    # objects are still in place.
    assert sklearn.base.clone is _compat.UPSTREAM_CLONE
    assert sklearn.base.BaseEstimator is _compat.UPSTREAM_BASE_ESTIMATOR
    assert (
        sklearn.base.BaseEstimator.__dict__.get("__sklearn_clone__")
        is _compat.UPSTREAM_SKLEARN_CLONE
    )


class _SearchSpace(ours.BaseEstimator):
    """Keeps a search space attached to the instance through clone."""

    def __init__(self, width=3, estimator=None):
        self.width = width
        self.estimator = estimator

    def __sklearn_clone__(self):
        new = super().__sklearn_clone__()
        new.search_space_ = getattr(self, "search_space_", None)
        return new


def _search_space():
    est = _SearchSpace(width=5, estimator=Ridge(alpha=2.0))
    est.search_space_ = {"width": [3, 5]}
    est.fitted_ = True
    return est


def test_subclass_super_sklearn_clone(impl):
    est = _search_space()
    new = impl.clone(est)
    assert type(new) is _SearchSpace
    assert new is not est
    assert new.width == 5
    assert new.search_space_ == {"width": [3, 5]}
    # super().__sklearn_clone__() is the default: fitted state is dropped,
    # nested estimators are cloned.
    assert not hasattr(new, "fitted_")
    assert new.estimator is not est.estimator
    assert repr(new.estimator) == "Ridge(alpha=2.0)"


def test_subclass_super_sklearn_clone_direct_call():
    est = _search_space()
    new = est.__sklearn_clone__()
    assert new.search_space_ == {"width": [3, 5]}
    assert not hasattr(new, "fitted_")
    assert new.get_params()["width"] == 5


def test_base_clone_honours_sklearn_clone():
    est = _search_space()
    new = ours.clone(est)
    assert new.search_space_ == {"width": [3, 5]}
    assert not hasattr(new, "fitted_")

    class Frozen(ours.BaseEstimator):
        def __sklearn_clone__(self):
            return self

    frozen = Frozen()
    assert ours.clone(frozen) is frozen
    # also when nested as a parameter
    wrapper = _SearchSpace(estimator=frozen)
    assert ours.clone(wrapper).estimator is frozen


def test_base_clone_honours_protocol_on_upstream_estimators():
    class Frozen(sklearn.base.BaseEstimator):
        def __sklearn_clone__(self):
            return self

    frozen = Frozen()
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    assert ours.clone(frozen) is frozen
    assert repr(ours.clone(pipe)) == repr(pipe)
    assert ours.clone(pipe) is not pipe


def test_base_clone_parametrized_ignores_override():
    est = _search_space()
    new = ours._clone_parametrized(est)
    assert type(new) is _SearchSpace
    assert not hasattr(new, "search_space_")
    assert new.width == 5


def test_get_param_names_matches_upstream(impl):
    assert _SearchSpace._get_param_names() == ["estimator", "width"]
    assert impl.get_param_names(_SearchSpace) == _compat.UPSTREAM_GET_PARAM_NAMES.__func__(
        _SearchSpace
    )
    assert _SearchSpace(width=1).get_params(deep=False) == {"estimator": None, "width": 1}
