

def test_clone_failure_notes_the_parameter_path():
    """A failed nested clone says which parameter it was at."""
    import threading

    from sklearn.preprocessing import FunctionTransformer

    pipe = Pipeline([("f", FunctionTransformer(kw_args={"lock": threading.Lock()}))])
    with pytest.raises(TypeError) as excinfo:
        clone(pipe)
    notes = getattr(excinfo.value, "__notes__", [])
    assert any("'f__kw_args__lock'" in note for note in notes)
    assert sum("cloning failed at parameter path" in note for note in notes) == 1


def test_clone_failure_notes_keep_type_and_message():
    """The note is added; the exception's type and message are unchanged."""

    class Copying(BaseEstimator):
        def __init__(self, a=None):
            self.a = list(a) if a is not None else a

    est = Pipeline([("c", Copying(a=[1]))])
    with pytest.raises(RuntimeError, match="either does not set or modifies") as exc:
        clone(est)
    notes = getattr(exc.value, "__notes__", [])
    assert any("path 'c'" in note for note in notes)
    assert any("constructor must store each parameter" in note for note in notes)


def test_clone_top_level_failure_has_no_note():
    """Nothing is noted when the object passed to clone itself fails."""
    with pytest.raises(TypeError) as excinfo:
        clone(object())
    assert not getattr(excinfo.value, "__notes__", [])
