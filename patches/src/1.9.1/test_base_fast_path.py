

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


def test_clone_default_sklearn_clone_not_reentered():
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


def test_clone_fast_path_same_errors():
    """Classes and non-estimators raise as before, with the same messages."""
    with pytest.raises(TypeError, match="instead of a class"):
        clone(BaseEstimator)
    with pytest.raises(TypeError, match="does not implement a 'get_params'"):
        clone(object())
    with pytest.raises(TypeError, match="does not implement a 'get_params'"):
        clone([object()])
