"""
Wrapping a built deep-learning model so that search can clone it
================================================================

Framework models (Keras, PyTorch, ...) are *built, stateful objects*: they
hold weights, a random generator, often a lock or a session. Passing such an
object where scikit-learn expects an estimator, or as a constructor
parameter of a wrapper, breaks scikit-learn's contract that everything needed
to recreate an estimator is in its constructor parameters, and
``GridSearchCV`` fails when it clones:

* the raw model is not an estimator: "Cannot clone object ... it does not
  seem to be a scikit-learn estimator as it does not implement a
  'get_params' method" (recent releases may already reject it earlier, when
  they read its tags);
* a wrapper holding the built model as a parameter makes ``clone`` deep-copy
  it, which fails on the lock ("cannot pickle '_thread.lock' object").

A tiny numpy MLP stands in for the framework model here. Two robust fixes
are shown, both run inside ``GridSearchCV``:

1. a model-*building callable* as the parameter, the model built in ``fit``;
2. a wrapper that keeps the built model as its parameter but implements
   ``__sklearn_clone__``: it clones its other parameters with
   ``super().__sklearn_clone__()`` and gives the clone a fresh model rebuilt
   from the original's configuration.

Both fixes give the same search results (same architecture, same seeds).
``sklearn_slep017.enabled()`` makes ``__sklearn_clone__`` work on
scikit-learn < 1.3 as well; ``sklearn_slep017.base.BaseEstimator`` provides
``super().__sklearn_clone__()`` on every release.
"""

import copy
import threading

import numpy as np
from sklearn.base import ClassifierMixin, clone
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV

import sklearn_slep017
from sklearn_slep017.base import BaseEstimator


class NumpyMLP:
    """A built one-hidden-layer network: the stand-in for a framework model.

    Like a framework model it is created with its architecture, owns its
    weights and random generator, has a ``fit`` that trains it in place (but
    no ``get_params``), and guards training with a lock (which makes it
    impossible to deep-copy or pickle).
    """

    def __init__(self, n_features, n_hidden, n_classes, seed=0):
        self.config = dict(
            n_features=n_features, n_hidden=n_hidden, n_classes=n_classes, seed=seed
        )
        self.rng = np.random.default_rng(seed)
        self.W1 = self.rng.normal(scale=1 / np.sqrt(n_features), size=(n_features, n_hidden))
        self.b1 = np.zeros(n_hidden)
        self.W2 = self.rng.normal(scale=1 / np.sqrt(n_hidden), size=(n_hidden, n_classes))
        self.b2 = np.zeros(n_classes)
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config):
        """Build a fresh, untrained model with the same architecture and seed."""
        return cls(**config)

    def _forward(self, X):
        hidden = np.tanh(X @ self.W1 + self.b1)
        logits = hidden @ self.W2 + self.b2
        logits -= logits.max(axis=1, keepdims=True)
        proba = np.exp(logits)
        return hidden, proba / proba.sum(axis=1, keepdims=True)

    def fit(self, X, y, epochs=50, learning_rate=0.5):
        """Train in place, as a framework model's ``fit`` does."""
        targets = np.eye(self.config["n_classes"])[y]
        with self._lock:
            for _ in range(epochs):  # full-batch gradient descent, cross-entropy
                hidden, proba = self._forward(X)
                grad = (proba - targets) / len(X)
                grad_hidden = (grad @ self.W2.T) * (1 - hidden**2)
                self.W2 -= learning_rate * hidden.T @ grad
                self.b2 -= learning_rate * grad.sum(axis=0)
                self.W1 -= learning_rate * X.T @ grad_hidden
                self.b1 -= learning_rate * grad_hidden.sum(axis=0)
        return self

    def predict_proba(self, X):
        return self._forward(X)[1]


def build_mlp(n_features, n_classes, n_hidden, seed):
    """The model-building callable of fix 1."""
    return NumpyMLP(n_features, n_hidden, n_classes, seed=seed)


class _MLPClassifierBase(ClassifierMixin, BaseEstimator):
    def predict_proba(self, X):
        return self.model_.predict_proba(X)

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


class NaiveMLPClassifier(_MLPClassifierBase):
    """The naive wrapper: the built model is a constructor parameter."""

    def __init__(self, model, epochs=50, learning_rate=0.5):
        self.model = model
        self.epochs = epochs
        self.learning_rate = learning_rate

    def fit(self, X, y):
        self.classes_, y = np.unique(y, return_inverse=True)
        self.model_ = NumpyMLP.from_config(self.model.config)
        self.model_.fit(X, y, self.epochs, self.learning_rate)
        return self


class CallableMLPClassifier(_MLPClassifierBase):
    """Fix 1: a model-building callable; the model is built in ``fit``."""

    def __init__(self, build_fn=build_mlp, n_hidden=8, epochs=50, learning_rate=0.5, seed=0):
        self.build_fn = build_fn
        self.n_hidden = n_hidden
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.seed = seed

    def fit(self, X, y):
        self.classes_, y = np.unique(y, return_inverse=True)
        self.model_ = self.build_fn(X.shape[1], len(self.classes_), self.n_hidden, self.seed)
        self.model_.fit(X, y, self.epochs, self.learning_rate)
        return self


class RebuildingMLPClassifier(NaiveMLPClassifier):
    """Fix 2: the built model stays a parameter; clone rebuilds it."""

    def __sklearn_clone__(self):
        # Clone every other parameter the default way, without deep-copying
        # the built model (a shallow copy of self, minus the model, is what
        # the default clone reads the parameters from) ...
        shell = copy.copy(self)
        shell.model = None
        new = super(RebuildingMLPClassifier, shell).__sklearn_clone__()
        # ... then give the clone a fresh model built from the configuration.
        new.model = NumpyMLP.from_config(self.model.config)
        return new


def one_line(error):
    return f"{type(error).__name__}: {str(error).splitlines()[0]}"


def main():
    X, y = make_classification(
        n_samples=240, n_features=6, n_informative=4, n_redundant=0, random_state=0
    )
    built = NumpyMLP(n_features=6, n_hidden=8, n_classes=2, seed=0)
    grid = {"epochs": [10, 100]}

    print("naive 1, the raw model where an estimator is expected (clone, as a search does):")
    try:
        clone(built)
    except TypeError as error:
        print("  ", one_line(error))

    print("naive 2, the built model as a wrapper's parameter:")
    try:
        GridSearchCV(NaiveMLPClassifier(model=built), grid, cv=3).fit(X, y)
    except TypeError as error:
        print("  ", one_line(error))

    with sklearn_slep017.enabled():
        fix1 = GridSearchCV(CallableMLPClassifier(n_hidden=8, seed=0), grid, cv=3).fit(X, y)
        print(
            f"fix 1, model-building callable: best {fix1.best_params_}, "
            f"CV accuracy {fix1.best_score_:.3f}"
        )
        estimator = RebuildingMLPClassifier(model=built)
        fix2 = GridSearchCV(estimator, grid, cv=3).fit(X, y)
        print(
            f"fix 2, __sklearn_clone__ rebuilding the model: best {fix2.best_params_}, "
            f"CV accuracy {fix2.best_score_:.3f}"
        )
        rebuilt = fix2.best_estimator_.model
        print(
            "fix 2 rebuilt the model for each clone: "
            f"{rebuilt is not built and rebuilt.config == built.config}"
        )
    same = np.allclose(
        fix1.cv_results_["mean_test_score"], fix2.cv_results_["mean_test_score"]
    )
    print(f"both fixes give the same search results: {same}")


if __name__ == "__main__":
    main()
