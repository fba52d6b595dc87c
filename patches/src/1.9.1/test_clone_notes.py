# Authors: The scikit-learn developers
# SPDX-License-Identifier: BSD-3-Clause

"""The note a failed nested clone carries: the path of the parameter."""

import threading

import pytest

from sklearn.base import BaseEstimator, clone
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler


class Holder(BaseEstimator):
    def __init__(self, model=None):
        self.model = model


class Raises(BaseEstimator):
    """Its __sklearn_clone__ raises the exception it is given."""

    def __init__(self, exc=None):
        self.exc = exc

    def __sklearn_clone__(self):
        raise self.exc


class ModifiesParameter(BaseEstimator):
    def __init__(self, a=None):
        self.a = list(a) if a is not None else []


def _note(path):
    return f"Raised while cloning the parameter at {path!r}"


def test_clone_notes_the_parameter_path():
    pipe = Pipeline([("scale", StandardScaler()), ("net", Holder(threading.Lock()))])
    with pytest.raises(TypeError, match="cannot pickle") as exc_info:
        clone(pipe)
    assert exc_info.value.__notes__ == [_note("steps[1][1]__model")]


def test_clone_notes_dict_key_and_index_paths():
    est = Holder(model={"a": [1, Holder(threading.Lock())]})
    with pytest.raises(TypeError) as exc_info:
        clone(est)
    assert exc_info.value.__notes__ == [_note("model['a'][1]__model")]

    with pytest.raises(TypeError, match="get_params") as exc_info:
        clone([StandardScaler(), object()])
    assert exc_info.value.__notes__ == [_note("[1]")]


def test_clone_notes_the_inner_constructor_error():
    with pytest.raises(RuntimeError, match="modifies parameter a") as exc_info:
        clone(Holder(model=ModifiesParameter(a=(1,))))
    assert exc_info.value.__notes__ == [_note("model")]


def test_clone_no_note_at_the_top():
    with pytest.raises(RuntimeError, match="modifies parameter a") as exc_info:
        clone(ModifiesParameter(a=(1,)))
    assert not hasattr(exc_info.value, "__notes__")


def test_clone_never_replaces_the_exception():
    class UserError(Exception):
        pass

    error = UserError("from the user")
    error.add_note("the user's note")
    with pytest.raises(UserError) as exc_info:
        clone(Holder(model=Holder(model=Raises(error))))
    assert exc_info.value is error
    assert str(error) == "from the user"
    assert error.__notes__ == ["the user's note", _note("model__model")]


def test_clone_keeps_an_exception_that_cannot_take_a_note():
    error = ValueError("kept")
    error.__notes__ = ("not a list",)
    with pytest.raises(ValueError) as exc_info:
        clone(Holder(model=Raises(error)))
    assert exc_info.value is error
    assert error.__notes__ == ("not a list",)


def test_clone_no_note_on_recursion_error():
    error = RecursionError("deep")
    with pytest.raises(RecursionError) as exc_info:
        clone(Holder(model=[Raises(error)]))
    assert exc_info.value is error
    assert not hasattr(error, "__notes__")
