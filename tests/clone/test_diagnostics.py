"""A clone that fails below the top says where, and keeps upstream's error."""

import threading

import pytest
from sklearn.base import BaseEstimator
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from sklearn_slep017 import _compat
from sklearn_slep017._compat import UPSTREAM_CLONE
from sklearn_slep017._diagnostics import parameter_path
from sklearn_slep017._bench.workloads import nested_pipeline


class Wrapper(BaseEstimator):
    """Holds a built, stateful "model": the Keras-style mistake."""

    def __init__(self, model=None, width=3):
        self.model = model
        self.width = width


class Copying(BaseEstimator):
    def __init__(self, values=None):
        self.values = list(values) if values is not None else None


def _failure(clone, estimator, **kwargs):
    with pytest.raises(Exception) as info:
        clone(estimator, **kwargs)
    return info.value


def _notes(exc):
    return getattr(exc, "__notes__", [])


def _same_error_as_upstream(impl, estimator, **kwargs):
    ours = _failure(impl.clone, estimator, **kwargs)
    theirs = _failure(UPSTREAM_CLONE, estimator, **kwargs)
    assert type(ours) is type(theirs)
    assert str(ours) == str(theirs)
    return ours


def test_uncopyable_model_three_levels_down(impl):
    pipe = Pipeline(
        [
            ("features", FeatureUnion([("net", Wrapper(model=threading.Lock()))])),
            ("clf", LogisticRegression()),
        ]
    )
    exc = _same_error_as_upstream(impl, pipe)
    assert parameter_path(exc) == "features__net__model"
    (note,) = _notes(exc)
    assert "'features__net__model'" in note
    assert "cannot be deep-copied" in note and "__sklearn_clone__" in note


def test_deep_in_the_nested_pipeline(impl):
    pipe = nested_pipeline(4)
    columns = pipe.steps[0][1].transformer_list[0][1]
    columns.transformers[2][1].steps[3][1].score_func = threading.Lock()
    exc = _same_error_as_upstream(impl, pipe)
    path = "features__columns__branch2__select__score_func"
    assert parameter_path(exc) == path
    # the spelling is the one set_params takes
    pipe.set_params(**{path: None})
    assert columns.transformers[2][1].steps[3][1].score_func is None


def test_constructor_that_copies_a_nested_parameter(impl):
    pipe = Pipeline([("scale", StandardScaler()), ("copy", Copying(values=[1, 2]))])
    exc = _same_error_as_upstream(impl, pipe)
    assert isinstance(exc, RuntimeError)
    assert parameter_path(exc) == "copy"
    assert "store each parameter unchanged" in _notes(exc)[0]


def test_class_where_an_instance_is_expected(impl):
    exc = _same_error_as_upstream(impl, [StandardScaler(), LogisticRegression])
    assert parameter_path(exc) == "1"
    assert "a class was passed" in _notes(exc)[0]


def test_a_list_of_named_pairs_that_is_not_a_composition(impl):
    est = Wrapper(model=[("a", Wrapper(model=threading.Lock()))])
    exc = _same_error_as_upstream(impl, est)
    assert parameter_path(exc) == "model__a__model"


def test_dict_keys_and_tuple_positions(impl):
    est = Wrapper(model={"inner": (1, threading.Lock())})
    exc = _same_error_as_upstream(impl, est)
    # Before 1.3.1 a dict is deep-copied whole, so the path ends at it.
    expected = "model__inner__1" if _compat.CLONES_DICT_VALUES else "model"
    assert parameter_path(exc) == expected


def test_column_transformer_columns_position(impl):
    ct = ColumnTransformer([("f", FunctionTransformer(), [threading.Lock()])])
    exc = _same_error_as_upstream(impl, ct)
    # the third entry of a named step keeps its index
    assert parameter_path(exc) == "transformers__f__2__0"


def test_top_level_failure_gets_no_note(impl):
    exc = _same_error_as_upstream(impl, Copying(values=[1]))
    assert _notes(exc) == []
    assert parameter_path(exc) is None


def test_errors_of_get_params_keep_their_message_and_get_a_path(impl):
    class Broken(BaseEstimator):
        def get_params(self, deep=True):
            raise ValueError("broken get_params")

    exc = _same_error_as_upstream(impl, Wrapper(model=Broken()))
    assert parameter_path(exc) == "model"
    assert not any("Hint" in note for note in _notes(exc))


def test_recursion_errors_are_left_alone(impl):
    loop = []
    loop.append(loop)
    exc = _failure(impl.clone, Wrapper(model=loop))
    assert isinstance(exc, RecursionError)
    assert _notes(exc) == []


def test_success_path_adds_nothing(impl):
    pipe = nested_pipeline(2)
    clone = impl.clone(pipe)
    assert clone.get_params(deep=False).keys() == pipe.get_params(deep=False).keys()
