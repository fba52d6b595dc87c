"""
Prefit ensemble members that survive clone
==========================================

Meta-estimators clone their members before fitting them: a model you
trained beforehand (on more data, or expensively) is silently replaced by an
unfitted copy and refitted. Wrapping it in
:class:`~sklearn_slep017.frozen.FrozenEstimator` changes that: its
``__sklearn_clone__`` returns the wrapper itself and its ``fit`` does
nothing, so :class:`~sklearn.ensemble.StackingClassifier`,
:class:`~sklearn.ensemble.VotingClassifier` and
:class:`~sklearn.calibration.CalibratedClassifierCV` use the prefit model as
it is, even when the meta-estimator itself is cloned first (as a search
would).

``FrozenEstimator`` is upstream's class on scikit-learn >= 1.6 and a backport
before. Running under ``sklearn_slep017.enabled()`` makes scikit-learn's own
``clone`` honour ``__sklearn_clone__`` on releases that predate it (< 1.3).

For each meta-estimator the script prints whether the prefit member was kept
(the same object, with the same fitted ``coef_`` array) with and without the
wrapper.
"""

import sklearn
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import make_classification
from sklearn.ensemble import StackingClassifier, VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

import sklearn_slep017
from sklearn_slep017.frozen import FrozenEstimator


def make_data():
    # The member is pretrained on a large set; the ensemble sees a small one.
    X, y = make_classification(n_samples=600, n_features=8, random_state=0)
    return (X[:500], y[:500]), (X[500:], y[500:])


_CALIBRATED_KEY = (
    "estimator" if "estimator" in CalibratedClassifierCV().get_params() else "base_estimator"
)


def meta_estimators(member):
    tree = DecisionTreeClassifier(max_depth=3, random_state=0)
    return {
        "StackingClassifier": StackingClassifier(
            estimators=[("prefit", member), ("tree", tree)],
            final_estimator=LogisticRegression(),
            cv=3,
        ),
        "VotingClassifier": VotingClassifier(
            estimators=[("prefit", member), ("tree", tree)], voting="soft"
        ),
        # ``estimator`` since scikit-learn 1.2, ``base_estimator`` before
        "CalibratedClassifierCV": CalibratedClassifierCV(
            **{_CALIBRATED_KEY: member}, ensemble=False, cv=3
        ),
    }


def fitted_members(name, meta):
    if name == "CalibratedClassifierCV":
        return [
            getattr(cc, "estimator", getattr(cc, "base_estimator", None))
            for cc in meta.calibrated_classifiers_
        ]
    return [meta.estimators_[0]]


def main():
    (X_pre, y_pre), (X, y) = make_data()
    print(f"scikit-learn {sklearn.__version__}, clone: {sklearn_slep017.implementation()}")
    prefit = LogisticRegression(C=0.1).fit(X_pre, y_pre)
    coef = prefit.coef_  # the sentinel: refitting replaces this array

    with sklearn_slep017.enabled():
        for wrapped in (False, True):
            member = FrozenEstimator(prefit) if wrapped else prefit
            label = "FrozenEstimator(prefit)" if wrapped else "prefit (unwrapped)"
            for name, meta in meta_estimators(member).items():
                meta = clone(meta).fit(X, y)  # as a search would: clone, then fit
                used = fitted_members(name, meta)
                kept = all(m is member for m in used) and prefit.coef_ is coef
                refitted = any(
                    getattr(m, "coef_", None) is not None and m.coef_ is not coef
                    for m in (getattr(u, "estimator", u) for u in used)
                )
                print(
                    f"{name:<23} with {label:<24} prefit member kept: {kept!s:<5} "
                    f"refitted copy: {refitted!s:<5} accuracy: {meta.score(X, y):.3f}"
                )
    # The prefit model itself was never touched.
    print(f"prefit coef_ unchanged: {prefit.coef_ is coef}")


if __name__ == "__main__":
    main()
