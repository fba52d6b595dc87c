

def _clone_outcome(func, obj, **kwargs):
    """What ``func(obj, **kwargs)`` gives: the clone's repr, or the error."""
    try:
        result = func(obj, **kwargs)
    except Exception as exc:
        return ("raised", type(exc), str(exc), getattr(exc, "__notes__", None))
    return ("returned", type(result), repr(result), result is obj)


def _clone_cases():
    """Objects the compiled helper and the Python code must clone alike."""
    import threading

    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import StackingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion
    from sklearn.preprocessing import FunctionTransformer

    class ModifiesParam(BaseEstimator):
        def __init__(self, a=None):
            self.a = [] if a is None else list(a)

    class NoParams(BaseEstimator):
        pass

    class OwnCloneMethod(BaseEstimator):
        def __init__(self, a=1):
            self.a = a

        def __sklearn_clone__(self):
            return "own"

    pipe = Pipeline(
        [
            (
                "union",
                FeatureUnion(
                    [
                        ("scaler", StandardScaler().set_output(transform="default")),
                        ("pca", PCA(n_components=2, random_state=np.int64(3))),
                    ]
                ),
            ),
            ("svc", SVC(C=np.float64(2.0), class_weight={0: 1, 1: 2})),
        ]
    )
    with config_context(enable_metadata_routing=True):
        requester = DecisionTreeClassifier().set_fit_request(sample_weight=True)
    return [
        (pipe, {}),
        (ColumnTransformer([("s", StandardScaler(), [0, 1])]), {}),
        (
            StackingClassifier(
                [("lr", LogisticRegression()), ("dt", DecisionTreeClassifier())]
            ),
            {},
        ),
        (GridSearchCV(SVC(), {"C": [1, 10]}, scoring=get_scorer("accuracy")), {}),
        ([SVC(), (KMeans(n_clusters=3), {"a": [1, 2]})], {"safe": False}),
        ({"a": SVC(), "b": [1, 2.5, None]}, {}),
        (frozenset({1, 2}), {"safe": False}),
        (np.arange(3), {"safe": False}),
        (SVC, {}),
        (SVC, {"safe": False}),
        (object(), {}),
        ("text", {}),
        (ModifiesParam(a=(1, 2)), {}),
        (NoParams(), {}),
        (OwnCloneMethod(), {}),
        (
            Pipeline([("f", FunctionTransformer(kw_args={"lock": threading.Lock()}))]),
            {},
        ),
        (Pipeline([("m", ModifiesParam())]), {}),
        (requester, {}),
    ]


def test_clone_is_a_documented_python_function():
    """`clone` and `_clone_parametrized` stay Python functions with docstrings."""
    import inspect

    from sklearn.base import _clone_parametrized

    for func in (clone, _clone_parametrized):
        assert inspect.isfunction(func)
        assert func.__doc__


def test_clone_compiled_helper_same_as_python():
    """The compiled helper gives the Python code's results, errors and notes."""
    from sklearn.base import (
        _clone_parametrized,
        _python_clone,
        _python_clone_parametrized,
    )

    for obj, kwargs in _clone_cases():
        expected = _clone_outcome(_python_clone, obj, **kwargs)
        assert _clone_outcome(clone, obj, **kwargs) == expected, obj
        expected = _clone_outcome(_python_clone_parametrized, obj, **kwargs)
        assert _clone_outcome(_clone_parametrized, obj, **kwargs) == expected, obj


def test_clone_compiled_helper_keeps_metadata_and_output_config():
    """`_metadata_request` and `_sklearn_output_config` travel as before."""
    with config_context(enable_metadata_routing=True):
        est = DecisionTreeClassifier().set_fit_request(sample_weight=True)
        cloned = clone(est)
    assert cloned._get_metadata_request().fit.requests == {"sample_weight": True}
    assert cloned._metadata_request is not est._metadata_request
    scaler = StandardScaler().set_output(transform="default")
    cloned = clone(scaler)
    assert _get_output_config("transform", cloned)["dense"] == "default"
    assert cloned._sklearn_output_config == scaler._sklearn_output_config
    assert cloned._sklearn_output_config is not scaler._sklearn_output_config


def _chain(node):
    """The nodes of a chain of estimators linked by their `child` parameter."""
    nodes = []
    while node is not None:
        nodes.append(node)
        node = node.child
    return nodes


def test_clone_deep_tree_handed_to_python():
    """A tree deeper than the helper's C budget is finished in Python."""
    from sklearn.base import _python_clone

    class Node(BaseEstimator):
        def __init__(self, child=None):
            self.child = child

    tree = None
    for _ in range(300):
        tree = Node(tree)
    original = _chain(tree)
    for cloned in (clone(tree), _python_clone(tree)):
        nodes = _chain(cloned)
        assert len(nodes) == 300
        assert all(type(node) is Node for node in nodes)
        assert not {id(node) for node in nodes} & {id(node) for node in original}


def test_clone_in_a_thread_with_a_small_stack():
    """The helper reads the thread's real stack size and stays within it."""
    import threading

    class Node(BaseEstimator):
        def __init__(self, child=None):
            self.child = child

    tree = None
    for _ in range(150):
        tree = Node(tree)
    results = []
    previous = threading.stack_size(256 * 1024)
    try:
        thread = threading.Thread(target=lambda: results.append(clone(tree)))
        thread.start()
        thread.join()
    finally:
        threading.stack_size(previous)
    assert len(results) == 1
    assert len(_chain(results[0])) == 150


def test_clone_concurrently():
    """Threads cloning the same estimators at once get correct clones."""
    from concurrent.futures import ThreadPoolExecutor

    cases = [obj for obj, kwargs in _clone_cases() if not kwargs]
    expected = [_clone_outcome(clone, obj) for obj in cases]

    def run(_):
        return [_clone_outcome(clone, obj) for obj in cases]

    with ThreadPoolExecutor(4) as executor:
        for outcome in executor.map(run, range(16)):
            assert outcome == expected


def test_clone_context_is_read_only():
    """The helper's context cannot be changed after it is made."""
    from sklearn.base import _FAST_CLONE_CONTEXT, _PARAM_NAMES_CACHE

    with pytest.raises(AttributeError):
        _FAST_CLONE_CONTEXT.param_names_cache = {}
    _FAST_CLONE_CONTEXT.__init__()
    assert _FAST_CLONE_CONTEXT.param_names_cache is _PARAM_NAMES_CACHE
