

def test_clone_atoms_and_containers_safe_false():
    """Atoms come back as themselves; containers keep their type."""
    func = len
    for atom in (None, 1, 2.5, "s", b"b", True, func, BaseEstimator):
        assert clone(atom, safe=False) is atom
    est = BaseEstimator()
    for container in ([est], (est,), {est}, frozenset({est})):
        cloned = clone(container, safe=False)
        assert type(cloned) is type(container)
        assert next(iter(cloned)) is not est


def test_clone_default_sklearn_clone_not_reentered(monkeypatch):
    """The default `__sklearn_clone__` is recognised, not called back."""
    calls = []

    class Est(BaseEstimator):
        def __init__(self, a=1):
            self.a = a

    original = BaseEstimator.__sklearn_clone__

    def spy(self):
        calls.append(self)
        return original(self)

    # a subclass override is still called
    Est.__sklearn_clone__ = spy
    clone(Est())
    assert len(calls) == 1
    del Est.__sklearn_clone__
    clone(Est())
    assert len(calls) == 1


def test_clone_mock_parameter_does_not_recurse():
    """A MagicMock parameter clones at once (scikit-learn issue 34477)."""
    from unittest.mock import MagicMock

    class Est(BaseEstimator):
        def __init__(self, model=None):
            self.model = model

    est = Est(model=MagicMock())
    cloned = clone(est)
    assert isinstance(cloned.model, MagicMock)
    assert cloned.model is not est.model


def test_clone_failure_notes_the_parameter_path():
    """A failed nested clone says which parameter it was at."""
    import threading

    from sklearn.preprocessing import FunctionTransformer

    pipe = Pipeline([("f", FunctionTransformer(kw_args={"lock": threading.Lock()}))])
    with pytest.raises(TypeError) as excinfo:
        clone(pipe)
    notes = getattr(excinfo.value, "__notes__", [])
    assert any("'f__kw_args__lock'" in note for note in notes)
