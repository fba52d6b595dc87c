

def test_get_param_names_cached_and_fresh():
    """Parameter names are introspected once per class; callers get a new list."""

    class Est(BaseEstimator):
        def __init__(self, b=1, a=2):
            self.a = a
            self.b = b

    names = Est._get_param_names()
    assert names == ["a", "b"]
    names.append("mutated")
    assert Est._get_param_names() == ["a", "b"]


def test_get_param_names_follows_a_replaced_init():
    """Replacing `__init__` (or its code) invalidates the cached names."""

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

    def other(self, d=4):
        self.d = d

    Est.__init__.__code__ = other.__code__
    Est.__init__.__defaults__ = (4,)
    assert Est._get_param_names() == ["d"]


def test_get_param_names_varargs_still_raise():
    class Est(BaseEstimator):
        def __init__(self, *args):
            pass

    for _ in range(2):  # the error is not cached away
        with pytest.raises(RuntimeError, match="no varargs"):
            Est._get_param_names()


def test_get_param_names_subclasses_are_not_confused():
    """A subclass with its own `__init__` never gets its parent's names."""

    class Parent(BaseEstimator):
        def __init__(self, a=1):
            self.a = a

    class Child(Parent):
        def __init__(self, a=1, b=2):
            super().__init__(a=a)
            self.b = b

    class Inheriting(Parent):
        pass

    assert Parent._get_param_names() == ["a"]
    assert Child._get_param_names() == ["a", "b"]
    assert Inheriting._get_param_names() == ["a"]


def test_get_param_names_wrapped_init_is_introspected_every_time():
    """An `__init__` with `__wrapped__` or `__signature__` is never cached."""
    import functools

    def decorate(init):
        @functools.wraps(init)
        def wrapper(self, *args, **kwargs):
            init(self, *args, **kwargs)

        return wrapper

    class Est(BaseEstimator):
        @decorate
        def __init__(self, a=1):
            self.a = a

    assert Est._get_param_names() == ["a"]

    def replacement(self, z=0):
        pass

    Est.__init__.__wrapped__ = replacement
    assert Est._get_param_names() == ["z"]


def test_get_param_names_cache_does_not_keep_classes_alive():
    """A class made on the fly is freed once unused, cache or not."""
    import gc
    import weakref

    def make():
        class Est(BaseEstimator):
            def __init__(self, a=1):
                self.a = a

        Est._get_param_names()
        clone(Est())
        return weakref.ref(Est)

    ref = make()
    gc.collect()
    assert ref() is None
