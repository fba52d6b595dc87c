

# The test replaces inspect.signature for the whole process
@pytest.mark.thread_unsafe
def test_get_param_names_introspects_each_init_once(monkeypatch):
    """inspect.signature runs once per __init__, not on every call."""
    import inspect

    calls = []
    signature = inspect.signature

    def counting_signature(obj, *args, **kwargs):
        calls.append(obj)
        return signature(obj, *args, **kwargs)

    class Est(BaseEstimator):
        def __init__(self, b=1, a=None):
            self.a = a
            self.b = b

    monkeypatch.setattr(inspect, "signature", counting_signature)
    est = Est(a=StandardScaler())
    for _ in range(3):
        est.set_params(b=2)
        clone(est).get_params()
    assert calls.count(Est.__init__) == 1
    assert calls.count(StandardScaler.__init__) <= 1


def test_get_param_names_returns_a_new_list():
    class Est(BaseEstimator):
        def __init__(self, b=1, a=2):
            self.a = a
            self.b = b

    names = Est._get_param_names()
    names.append("mutated")
    assert Est._get_param_names() == ["a", "b"]


def test_get_param_names_follows_a_replaced_init():
    class Est(BaseEstimator):
        def __init__(self, a=1):
            self.a = a

    assert Est._get_param_names() == ["a"]

    def __init__(self, a=1, c=3):
        self.a = a
        self.c = c

    Est.__init__ = __init__
    assert Est._get_param_names() == ["a", "c"]
    assert clone(Est(c=5)).c == 5


# The test relies on gc.collect freeing a class no other thread refers to
@pytest.mark.thread_unsafe
def test_get_param_names_cache_does_not_keep_classes_alive():
    import gc
    import weakref

    class Est(BaseEstimator):
        def __init__(self, a=1):
            self.a = a

    assert Est._get_param_names() == ["a"]
    ref = weakref.ref(Est)
    del Est
    gc.collect()
    assert ref() is None


def test_get_param_names_varargs_error_every_time():
    class Est(BaseEstimator):
        def __init__(self, *args):
            pass

    for _ in range(2):
        with pytest.raises(RuntimeError, match="no varargs"):
            Est._get_param_names()
