"""Third-party estimators as real clients of our clone.

imbalanced-learn (its Pipeline, samplers and balanced ensembles), LightGBM's
and XGBoost's scikit-learn wrappers, and skorch's ``NeuralNet`` (on a CPU
torch) are cloned with upstream's ``clone`` and with ours (both
implementations), unfitted and fitted, and compared with
``test_differential``'s ``structure()`` and ``identities()``. Each client is
then used inside meta-estimators (its own and scikit-learn's) with
``enable()`` in force; their results must be exactly those of the same run
without it.

These libraries are the ``clients`` extra. A client that cannot be imported
skips its tests, the import error as the visible reason, unless
``SKLEARN_SLEP017_REQUIRE_CLIENTS=1`` (set by ``make test``, hence CI), which
makes that a failure: CI cannot pass by silently skipping them. The
compatibility matrix's sessions do not install the clients for old
scikit-learn releases and skip these tests visibly.
"""

import importlib
import re
import sys
import warnings

import numpy as np
import pytest
import sklearn
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.validation import check_is_fitted
import support
from support import identities, require, since, structure

import sklearn_slep017
from sklearn_slep017 import _compat

# Read as ``_compat.UPSTREAM_CLONE`` on every use, never bound to a global
# here: enable() replaces every module global that *is* upstream's clone
# (those of modules that did ``from sklearn.base import clone``), this test
# module's included, so such a global would be ours while enabled.

# ---------------------------------------------------------------------------
# Small data.


def classification_data():
    """An imbalanced binary problem, float32 (skorch's torch modules want it)."""
    X, y = make_classification(
        n_samples=120, n_features=6, n_informative=3, n_redundant=1,
        weights=[0.8], flip_y=0.02, random_state=0,
    )
    return X.astype(np.float32), y.astype(np.int64)


def regression_data():
    X, y = make_regression(n_samples=80, n_features=6, noise=0.5, random_state=0)
    return X.astype(np.float32), y.astype(np.float32)


# ---------------------------------------------------------------------------
# Client objects.

_TORCH_MODULE = []


def torch_classifier_module():
    """A small ``torch.nn.Module`` class (made once: torch may be missing)."""
    if not _TORCH_MODULE:
        from torch import nn

        class TinyClassifier(nn.Module):
            def __init__(self, n_features=6, hidden=8, n_classes=2):
                super().__init__()
                self.net = nn.Sequential(
                    nn.Linear(n_features, hidden), nn.ReLU(), nn.Linear(hidden, n_classes)
                )

            def forward(self, X):
                return self.net(X)

        _TORCH_MODULE.append(TinyClassifier)
    return _TORCH_MODULE[0]


def lgbm_objective(y_true, y_pred):
    """A custom LightGBM objective (squared error): a function parameter."""
    return y_pred - y_true, np.ones_like(y_pred)


def imblearn_pipeline(C=1.0):
    from imblearn.over_sampling import SMOTE
    from imblearn.pipeline import Pipeline

    return Pipeline(
        [("smote", SMOTE(k_neighbors=3, random_state=0)), ("clf", LogisticRegression(C=C))]
    )


def lgbm_classifier(**params):
    from lightgbm import LGBMClassifier

    params = {"n_estimators": 5, "min_child_samples": 5, "n_jobs": 1, "random_state": 0,
              "verbose": -1, **params}
    return LGBMClassifier(**params)


def xgb_classifier(**params):
    from xgboost import XGBClassifier

    params = {"n_estimators": 5, "tree_method": "hist", "n_jobs": 1, "random_state": 0, **params}
    return XGBClassifier(**params)


def skorch_classifier(**params):
    import torch
    from skorch import NeuralNetClassifier

    params = {
        "module": torch_classifier_module(),
        "module__hidden": 8,
        "criterion": torch.nn.CrossEntropyLoss,
        "max_epochs": 2,
        "lr": 0.1,
        "train_split": None,
        "verbose": 0,
        **params,
    }
    return NeuralNetClassifier(**params)


def _smote_with_estimator():
    from imblearn.over_sampling import SMOTE
    from sklearn.neighbors import NearestNeighbors

    return SMOTE(k_neighbors=NearestNeighbors(n_neighbors=4), random_state=np.random.RandomState(0))


def _function_sampler():
    from imblearn import FunctionSampler

    def keep_first_100(X, y):
        return X[:100], y[:100]

    return FunctionSampler(func=keep_first_100, validate=False)


def _balanced_bagging():
    from imblearn.ensemble import BalancedBaggingClassifier
    from imblearn.under_sampling import RandomUnderSampler

    return BalancedBaggingClassifier(
        estimator=DecisionTreeClassifier(max_depth=3, random_state=0),
        sampler=RandomUnderSampler(random_state=0),
        n_estimators=3,
        random_state=0,
    )


def _balanced_forest():
    from imblearn.ensemble import BalancedRandomForestClassifier

    return BalancedRandomForestClassifier(
        n_estimators=3, max_depth=3, sampling_strategy="all", replacement=True,
        bootstrap=False, random_state=0,
    )


def _imblearn_search():
    from sklearn.model_selection import GridSearchCV

    return GridSearchCV(imblearn_pipeline(), {"smote__k_neighbors": [2, 3], "clf__C": [0.1, 1.0]}, cv=3)


def _random_under_sampler():
    from imblearn.under_sampling import RandomUnderSampler

    return RandomUnderSampler(sampling_strategy=0.5, random_state=0)


def _lgbm_regressor():
    from lightgbm import LGBMRegressor

    return LGBMRegressor(n_estimators=5, min_child_samples=5, n_jobs=1, verbose=-1, random_state=0)


def _lgbm_custom():
    from lightgbm import LGBMRegressor

    return LGBMRegressor(
        n_estimators=5, objective=lgbm_objective, min_child_samples=5, n_jobs=1, verbose=-1,
    ).set_params(min_data_per_group=50)  # not a constructor argument: **kwargs


def _lgbm_weighted():
    return lgbm_classifier(class_weight={0: 1.0, 1: 4.0}, colsample_bytree=0.8)


def _xgb_regressor():
    from xgboost import XGBRegressor

    return XGBRegressor(n_estimators=5, tree_method="hist", n_jobs=1, random_state=0)


def _xgb_kwargs():
    # max_cached_hist_node is a booster parameter XGBoost's constructor takes
    # through **kwargs and get_params reports.
    return xgb_classifier(max_cached_hist_node=128, eval_metric="logloss")


def _stacking_mixed():
    from sklearn.ensemble import StackingClassifier

    return StackingClassifier(
        [("lgbm", lgbm_classifier()), ("xgb", xgb_classifier())],
        final_estimator=LogisticRegression(), cv=3,
    )


def _skorch_with_callbacks():
    import torch
    from skorch.callbacks import EpochScoring

    return skorch_classifier(
        optimizer=torch.optim.SGD,
        optimizer__momentum=0.9,
        iterator_train__shuffle=True,
        callbacks=[EpochScoring("accuracy", lower_is_better=False, on_train=True)],
    )


# (client, id, builder, data): data is the task a fit needs.
CLONE_CASES = [
    ("imblearn", "Pipeline-SMOTE-LogisticRegression", imblearn_pipeline, "classification"),
    ("imblearn", "RandomUnderSampler", _random_under_sampler, "classification"),
    ("imblearn", "SMOTE-NearestNeighbors-RandomState", _smote_with_estimator, "classification"),
    ("imblearn", "FunctionSampler", _function_sampler, "classification"),
    ("imblearn", "BalancedBaggingClassifier", _balanced_bagging, "classification"),
    ("imblearn", "BalancedRandomForestClassifier", _balanced_forest, "classification"),
    ("imblearn", "GridSearchCV-Pipeline", _imblearn_search, "classification"),
    ("lightgbm", "LGBMClassifier", lgbm_classifier, "classification"),
    ("lightgbm", "LGBMClassifier-class_weight", _lgbm_weighted, "classification"),
    ("lightgbm", "LGBMRegressor", _lgbm_regressor, "regression"),
    ("lightgbm", "LGBMRegressor-objective-kwargs", _lgbm_custom, "regression"),
    ("xgboost", "XGBClassifier", xgb_classifier, "classification"),
    ("xgboost", "XGBClassifier-kwargs", _xgb_kwargs, "classification"),
    ("xgboost", "XGBRegressor", _xgb_regressor, "regression"),
    ("xgboost", "Stacking-LGBM-XGB", _stacking_mixed, "classification"),
    ("skorch", "NeuralNetClassifier", skorch_classifier, "classification"),
    ("skorch", "NeuralNetClassifier-callbacks", _skorch_with_callbacks, "classification"),
]


def _case_params():
    out = []
    for client, name, build, data in CLONE_CASES:
        # The stacking case needs both boosting libraries.
        clients = ("lightgbm", "xgboost") if name == "Stacking-LGBM-XGB" else (client,)
        out.append(pytest.param(clients, build, data, id="%s-%s" % (client, name)))
    return out


def _fit(est, data):
    X, y = classification_data() if data == "classification" else regression_data()
    if hasattr(est, "fit_resample") and not hasattr(est, "predict"):
        est.fit_resample(X, y)
    else:
        est.fit(X, y)
    return est


def _params_text(est):
    text = repr(sorted(est.get_params(deep=False).items()))
    return re.sub(r" at 0x[0-9a-fA-F]+", "", text)


def assert_same_as_upstream(impl, obj):
    expected = _compat.UPSTREAM_CLONE(obj)
    got = impl.clone(obj)
    assert type(got) is type(expected)
    assert structure(got) == structure(expected)
    assert identities(obj, got) == identities(obj, expected)
    # skorch's dynamic parameters, LightGBM's and XGBoost's **kwargs: the
    # exact get_params, keys and values, as upstream's clone has them.
    assert _params_text(got) == _params_text(expected)
    assert sorted(got.get_params(deep=True)) == sorted(expected.get_params(deep=True))
    return got, expected


# ---------------------------------------------------------------------------
# Cloned with upstream and with ours: the same clone.


@pytest.mark.parametrize("clients, build, data", _case_params())
def test_clone_matches_upstream(impl, clients, build, data):
    for client in clients:
        require(client)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        obj = build()
        got, _ = assert_same_as_upstream(impl, obj)
        assert got is not obj
        # a clone of the clone is the same again
        assert structure(impl.clone(got)) == structure(_compat.UPSTREAM_CLONE(got))


@pytest.mark.parametrize("clients, build, data", _case_params())
def test_clone_of_fitted_matches_upstream_and_is_unfitted(impl, clients, build, data):
    for client in clients:
        require(client)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = _fit(build(), data)
        check_is_fitted(fitted)
        got, expected = assert_same_as_upstream(impl, fitted)
    with pytest.raises(NotFittedError):
        check_is_fitted(expected)
    with pytest.raises(NotFittedError):
        check_is_fitted(got)
    check_is_fitted(fitted)  # the original is left fitted


def test_skorch_dynamic_parameters_follow_each_instance(impl):
    """skorch's ``_get_param_names`` reads the instance's ``__dict__``.

    Nets of one class with different ``module__*`` / ``optimizer__*``
    parameters, cloned in turn: no per-class cache may hand one another's
    names.
    """
    require("skorch")
    a = skorch_classifier(module__hidden=4)
    b = skorch_classifier(module__hidden=6, module__n_classes=2, optimizer__weight_decay=0.01)
    c = skorch_classifier()
    del c.module__hidden  # set_params never does this; the names must follow
    for net in (a, b, c, a):
        got, expected = assert_same_as_upstream(impl, net)
        assert sorted(got.get_params(deep=False)) == sorted(net.get_params(deep=False))
    assert impl.clone(b).module__n_classes == 2
    assert "module__n_classes" not in impl.clone(a).get_params()
    assert "module__hidden" not in impl.clone(c).get_params()


def test_xgboost_random_state_drawn_as_upstream(impl):
    """XGBoost's get_params draws an int from a ``RandomState`` parameter.

    So every ``get_params`` call on the original advances its generator: our
    clone must call it exactly as often as upstream's, or the seeds (and
    every later draw) differ.
    """
    xgboost = require("xgboost")
    a = xgboost.XGBClassifier(n_estimators=5, random_state=np.random.RandomState(0))
    b = xgboost.XGBClassifier(n_estimators=5, random_state=np.random.RandomState(0))
    expected = _compat.UPSTREAM_CLONE(a)
    got = impl.clone(b)
    assert isinstance(got.random_state, int)
    assert got.random_state == expected.random_state
    state_a, state_b = a.random_state.get_state(), b.random_state.get_state()
    assert state_a[0] == state_b[0] and state_a[2:] == state_b[2:]
    np.testing.assert_array_equal(state_a[1], state_b[1])


@since((1, 3), "metadata routing")
@pytest.mark.parametrize(
    "client, build",
    [
        pytest.param("lightgbm", lambda: lgbm_classifier().set_fit_request(sample_weight=True),
                     id="lightgbm-set_fit_request"),
        pytest.param("xgboost", lambda: xgb_classifier().set_fit_request(sample_weight=True),
                     id="xgboost-set_fit_request"),
        # skorch's _get_param_names leaves _metadata_request out on purpose.
        pytest.param("skorch", lambda: skorch_classifier().set_score_request(sample_weight=True),
                     id="skorch-set_score_request"),
        pytest.param("imblearn",
                     lambda: imblearn_pipeline().set_score_request(sample_weight=True),
                     id="imblearn-Pipeline-set_score_request"),
    ],
)
def test_metadata_requests_travel_as_upstream(impl, client, build):
    require(client)
    with sklearn.config_context(enable_metadata_routing=True):
        obj = build()
        got, _ = assert_same_as_upstream(impl, obj)
        assert "_metadata_request" in vars(got)


# ---------------------------------------------------------------------------
# Inside meta-estimators, enable() in force: exactly the results without it.


def _search_summary(search):
    X, _ = classification_data()
    results = search.cv_results_
    summary = {
        "params": repr(results["params"]),
        "best_params_": repr(search.best_params_),
        "best_index_": search.best_index_,
        "best_estimator_": repr(search.best_estimator_),
    }
    for key, value in results.items():
        if "test_score" in key or key.startswith("param_"):
            summary[key] = np.asarray(value).tolist() if key.startswith("param_") else value
    if hasattr(search.best_estimator_, "predict_proba"):
        summary["predict_proba"] = search.best_estimator_.predict_proba(X)
    else:
        summary["predict"] = search.best_estimator_.predict(regression_data()[0])
    return summary


def run_imblearn_search():
    from sklearn.model_selection import GridSearchCV

    X, y = classification_data()
    search = GridSearchCV(
        imblearn_pipeline(),
        {"smote__k_neighbors": [2, 3], "clf__C": [0.1, 1.0]},
        cv=3, scoring="balanced_accuracy",
    )
    return _search_summary(search.fit(X, y))


def run_imblearn_cross_validate():
    from imblearn.pipeline import make_pipeline
    from sklearn.model_selection import cross_validate

    X, y = classification_data()
    pipe = make_pipeline(_random_under_sampler(), DecisionTreeClassifier(max_depth=3, random_state=0))
    scores = cross_validate(pipe, X, y, cv=3, scoring=["balanced_accuracy", "roc_auc"],
                            return_estimator=True)
    return {
        "test_balanced_accuracy": scores["test_balanced_accuracy"],
        "test_roc_auc": scores["test_roc_auc"],
        "estimators": repr(scores["estimator"]),
    }


def run_imblearn_balanced_ensembles():
    # Their own meta-estimators: they clone their estimator and sampler for
    # every member with (now our) clone.
    from sklearn.model_selection import GridSearchCV

    X, y = classification_data()
    bagging = _balanced_bagging().fit(X, y)
    forest = _balanced_forest().fit(X, y)
    search = GridSearchCV(_balanced_forest(), {"max_depth": [2, None]}, cv=3,
                          scoring="balanced_accuracy").fit(X, y)
    return {
        "bagging_proba": bagging.predict_proba(X),
        "bagging_members": repr(bagging.estimators_),
        "forest_proba": forest.predict_proba(X),
        "forest_members": repr(forest.estimators_),
        **{"search_" + k: v for k, v in _search_summary(search).items()},
    }


def run_lightgbm_search():
    from sklearn.model_selection import GridSearchCV

    X, y = classification_data()
    search = GridSearchCV(
        lgbm_classifier(), {"num_leaves": [4, 8], "learning_rate": [0.1, 0.3]}, cv=3,
        scoring="roc_auc",
    )
    return _search_summary(search.fit(X, y))


def run_lightgbm_regressor_search():
    from sklearn.model_selection import GridSearchCV

    X, y = regression_data()
    search = GridSearchCV(_lgbm_regressor(), {"num_leaves": [4, 8]}, cv=3)
    return _search_summary(search.fit(X, y))


def run_lightgbm_stacking():
    from sklearn.ensemble import StackingClassifier

    X, y = classification_data()
    stack = StackingClassifier(
        [("lgbm", lgbm_classifier()), ("lr", LogisticRegression())],
        final_estimator=lgbm_classifier(n_estimators=3), cv=3,
    ).fit(X, y)
    return {"predict_proba": stack.predict_proba(X), "members": repr(stack.estimators_)}


def run_xgboost_search():
    from sklearn.model_selection import GridSearchCV

    X, y = classification_data()
    # max_cached_hist_node only exists through **kwargs: set_params on each
    # clone takes that path too.
    search = GridSearchCV(
        xgb_classifier(), {"max_depth": [2, 3], "max_cached_hist_node": [64, 128]}, cv=3,
        scoring="roc_auc",
    )
    return _search_summary(search.fit(X, y))


def run_xgboost_regressor_cross_validate():
    from sklearn.model_selection import cross_validate

    X, y = regression_data()
    scores = cross_validate(_xgb_regressor(), X, y, cv=3, return_estimator=True)
    return {"test_score": scores["test_score"], "estimators": repr(scores["estimator"])}


def run_boosting_stacking():
    X, y = classification_data()
    stack = _stacking_mixed().fit(X, y)
    return {"predict_proba": stack.predict_proba(X), "members": repr(stack.estimators_)}


def run_skorch_search():
    import torch
    from sklearn.model_selection import GridSearchCV

    X, y = classification_data()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        torch.manual_seed(0)  # module initialisation and batch shuffling
        search = GridSearchCV(
            skorch_classifier(iterator_train__shuffle=True),
            {"module__hidden": [4, 8], "lr": [0.05, 0.1]},
            cv=2, scoring="accuracy",
        ).fit(X, y)
        summary = _search_summary(search)
    finally:
        torch.set_num_threads(threads)
    summary["best_module_hidden"] = search.best_estimator_.module_.net[0].out_features
    return summary


# name: (clients, run)
SCENARIOS = {
    "imblearn-GridSearchCV-Pipeline": (("imblearn",), run_imblearn_search),
    "imblearn-cross_validate-RandomUnderSampler": (("imblearn",), run_imblearn_cross_validate),
    "imblearn-balanced-ensembles": (("imblearn",), run_imblearn_balanced_ensembles),
    "lightgbm-GridSearchCV-LGBMClassifier": (("lightgbm",), run_lightgbm_search),
    "lightgbm-GridSearchCV-LGBMRegressor": (("lightgbm",), run_lightgbm_regressor_search),
    "lightgbm-StackingClassifier": (("lightgbm",), run_lightgbm_stacking),
    "xgboost-GridSearchCV-kwargs": (("xgboost",), run_xgboost_search),
    "xgboost-cross_validate-XGBRegressor": (("xgboost",), run_xgboost_regressor_cross_validate),
    "lightgbm-xgboost-StackingClassifier": (("lightgbm", "xgboost"), run_boosting_stacking),
    "skorch-GridSearchCV-NeuralNetClassifier": (("skorch",), run_skorch_search),
}

_BASELINES = {}


class CloneCalls:
    """Count the Python-level calls of two clone functions while running.

    ``sys.setprofile`` sees every call of a Python function, so this shows
    which ``clone`` the meta-estimators (the clients' own included) really
    called: upstream's, or the forwarder ``enable()`` installed.
    """

    def __init__(self, **functions):
        self._codes = {name: f.__code__ for name, f in functions.items()}
        self.counts = dict.fromkeys(functions, 0)

    def _profile(self, frame, event, arg):
        if event == "call":
            for name, code in self._codes.items():
                if frame.f_code is code:
                    self.counts[name] += 1

    def __enter__(self):
        self._previous = sys.getprofile()
        sys.setprofile(self._profile)
        return self

    def __exit__(self, *exc):
        sys.setprofile(self._previous)


@pytest.fixture
def baseline(scenario):
    """The scenario's results without ``enable()`` (computed once per process).

    Requested before ``enabled_impl`` in the test's signature, so it runs
    first; it checks that nothing is enabled and that upstream's clone ran.
    """
    clients, run = SCENARIOS[scenario]
    for client in clients:
        require(client)
    if scenario not in _BASELINES:
        assert not sklearn_slep017.is_enabled()
        assert sklearn.base.clone is _compat.UPSTREAM_CLONE
        with warnings.catch_warnings(), CloneCalls(upstream=_compat.UPSTREAM_CLONE) as calls:
            warnings.simplefilter("ignore")
            _BASELINES[scenario] = run()
        assert calls.counts["upstream"] > 0
    return _BASELINES[scenario]


def assert_same_results(got, expected):
    assert sorted(got) == sorted(expected)
    for key in expected:
        if isinstance(expected[key], np.ndarray):
            # exact, not approximate: the same fits on the same data
            np.testing.assert_array_equal(got[key], expected[key], err_msg=key)
            assert got[key].dtype == expected[key].dtype, key
        else:
            assert got[key] == expected[key], key


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_same_results_under_enable(scenario, baseline, enabled_impl):
    assert sklearn_slep017.is_enabled()
    ours = sklearn.base.clone
    assert ours is not _compat.UPSTREAM_CLONE
    with warnings.catch_warnings(), CloneCalls(
        upstream=_compat.UPSTREAM_CLONE, ours=ours
    ) as calls:
        warnings.simplefilter("ignore")
        got = SCENARIOS[scenario][1]()
    # every clone the meta-estimators asked for was ours
    assert calls.counts["upstream"] == 0
    assert calls.counts["ours"] > 0
    assert_same_results(got, baseline)


# The client modules that call ``clone`` themselves (``from sklearn.base
# import clone``): under enable() they must hold ours, so that the clients'
# own meta-estimators clone with it.
CLIENT_CLONE_IMPORTERS = {
    "imblearn": [
        "imblearn.pipeline",
        "imblearn.ensemble._bagging",
        "imblearn.ensemble._forest",
        "imblearn.ensemble._easy_ensemble",
        "imblearn.over_sampling._smote.base",
        "imblearn.utils._validation",
    ],
}


@pytest.mark.parametrize("client", sorted(CLIENT_CLONE_IMPORTERS))
def test_client_modules_clone_with_ours_under_enable(client, impl_name, enabled_impl):
    require(client)
    modules = [importlib.import_module(name) for name in CLIENT_CLONE_IMPORTERS[client]]
    for module in modules:
        assert module.clone is sklearn.base.clone, module.__name__
        assert module.clone is not _compat.UPSTREAM_CLONE, module.__name__
    sklearn_slep017.disable()
    try:
        for module in modules:
            assert module.clone is _compat.UPSTREAM_CLONE, module.__name__
    finally:
        sklearn_slep017.enable(impl_name)


@pytest.mark.parametrize("required", [False, True])
def test_missing_client_skips_or_fails(monkeypatch, required):
    """A missing client skips visibly; with the switch set it fails instead."""
    monkeypatch.setitem(
        support.THIRD_PARTY, "absent", ("clients", ("sklearn_slep017_no_such_client",))
    )
    monkeypatch.setattr(support, "REQUIRED_GROUPS", {"clients"} if required else set())
    expected = pytest.fail.Exception if required else pytest.skip.Exception
    with pytest.raises(expected, match="ModuleNotFoundError: No module named "
                       "'sklearn_slep017_no_such_client'"):
        require("absent")
