# SPDX-License-Identifier: BSD-3-Clause
"""``FrozenEstimator`` on every supported scikit-learn.

On scikit-learn 1.6 and later, :class:`FrozenEstimator` *is* upstream's
``sklearn.frozen.FrozenEstimator`` (the same class object, re-exported).
Before 1.6 it is a backport with scikit-learn 1.9.1's behaviour, built on
:class:`sklearn_slep017.base.BaseEstimator` so that its ``__sklearn_clone__``
(which returns the estimator itself) is honoured by
:func:`sklearn_slep017.clone` on every release, and by
``sklearn.base.clone`` (hence by ``GridSearchCV``, ``StackingClassifier``,
``VotingClassifier``, ``CalibratedClassifierCV``, ...) while
:func:`sklearn_slep017.enable` is in force. Without ``enable()``,
scikit-learn < 1.3 does not know the protocol: its ``clone`` rebuilds the
wrapper around an unfitted copy of the inner estimator.

Examples
--------
>>> import sklearn.base, sklearn_slep017
>>> from sklearn.datasets import make_classification
>>> from sklearn.linear_model import LogisticRegression
>>> from sklearn_slep017.frozen import FrozenEstimator
>>> X, y = make_classification(random_state=0)
>>> frozen = FrozenEstimator(LogisticRegression().fit(X, y))
>>> with sklearn_slep017.enabled():
...     sklearn.base.clone(frozen) is frozen
True
"""

from copy import deepcopy

from sklearn.exceptions import NotFittedError
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from .base import BaseEstimator

try:  # scikit-learn >= 1.6
    from sklearn.frozen import FrozenEstimator as _UpstreamFrozenEstimator
except ImportError:  # pragma: no cover - depends on the installed release
    _UpstreamFrozenEstimator = None

try:  # the tags API of scikit-learn >= 1.6
    from sklearn.utils import get_tags as _get_tags
except ImportError:  # scikit-learn < 1.6: dict tags through ``_more_tags``
    _get_tags = None
    from sklearn.utils._tags import _safe_tags

__all__ = ["FrozenEstimator"]


def _estimator_has(attr):
    """Check that the wrapped estimator has ``attr`` (for ``available_if``)."""

    def check(self):
        # raise the original ``AttributeError`` if ``attr`` does not exist
        getattr(self.estimator, attr)
        return True

    return check


class FrozenEstimator(BaseEstimator):
    """Estimator that wraps a fitted estimator to prevent re-fitting.

    Calling ``fit`` on the wrapper has no effect (it only checks that the
    wrapped estimator is fitted), ``fit_predict`` and ``fit_transform`` are
    unavailable, and cloning returns the wrapper itself, so meta-estimators
    that clone and refit their members (pipelines, stacking, voting,
    calibration, searches) use the prefitted estimator as it is. Every other
    method and attribute is delegated to the wrapped estimator.

    This is a backport of scikit-learn 1.9.1's ``sklearn.frozen.FrozenEstimator``
    for releases before 1.6; on 1.6 and later
    ``sklearn_slep017.frozen.FrozenEstimator`` is upstream's class.

    Parameters
    ----------
    estimator : estimator
        The fitted estimator to keep frozen.

    See Also
    --------
    sklearn_slep017.clone : Honours ``__sklearn_clone__`` on every release.
    sklearn_slep017.enable : Makes ``sklearn.base.clone`` honour it too.

    Notes
    -----
    On scikit-learn < 1.3 the wrapper is only returned as is by clones that
    know the SLEP017 protocol: :func:`sklearn_slep017.clone`, or
    ``sklearn.base.clone`` while :func:`sklearn_slep017.enable` is in force.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_slep017 import clone
    >>> from sklearn_slep017.frozen import FrozenEstimator
    >>> X, y = make_classification(random_state=0)
    >>> clf = LogisticRegression(random_state=0).fit(X, y)
    >>> frozen_clf = FrozenEstimator(clf)
    >>> frozen_clf.fit(X, y)  # No-op
    FrozenEstimator(estimator=LogisticRegression(random_state=0))
    >>> clone(frozen_clf) is frozen_clf
    True
    >>> bool((frozen_clf.predict(X) == clf.predict(X)).all())
    True
    """

    def __init__(self, estimator):
        self.estimator = estimator

    @available_if(_estimator_has("__getitem__"))
    def __getitem__(self, *args, **kwargs):
        """``__getitem__`` of the wrapped estimator (``Pipeline``, ``ColumnTransformer``)."""
        return self.estimator.__getitem__(*args, **kwargs)

    def __getattr__(self, name):
        # The wrapped estimator's attributes are accessible, except
        # ``fit_predict`` and ``fit_transform``.
        if name in ["fit_predict", "fit_transform"]:
            raise AttributeError(f"{name} is not available for frozen estimators.")
        return getattr(self.estimator, name)

    def __sklearn_clone__(self):
        """Return the estimator itself: a frozen estimator is never cloned.

        Returns
        -------
        self : FrozenEstimator
            This very object.
        """
        return self

    def __sklearn_is_fitted__(self):
        """Whether the wrapped estimator is fitted.

        Returns
        -------
        fitted : bool
        """
        try:
            check_is_fitted(self.estimator)
            return True
        except NotFittedError:
            return False

    def fit(self, X, y, *args, **kwargs):
        """No-op.

        As a frozen estimator, calling ``fit`` has no effect.

        Parameters
        ----------
        X : object
            Ignored.

        y : object
            Ignored.

        *args : tuple
            Additional positional arguments. Ignored, but present for API
            compatibility with ``self.estimator``.

        **kwargs : dict
            Additional keyword arguments. Ignored, but present for API
            compatibility with ``self.estimator``.

        Returns
        -------
        self : object
            Returns the instance itself.

        Raises
        ------
        NotFittedError
            If the wrapped estimator is not fitted.
        """
        check_is_fitted(self.estimator)
        return self

    def set_params(self, **kwargs):
        """Set the parameters of this estimator.

        The only valid key here is ``estimator``. You cannot set the
        parameters of the inner estimator.

        Parameters
        ----------
        **kwargs : dict
            Estimator parameters.

        Returns
        -------
        None
            As upstream's (1.9.1) method, it returns nothing.

        Raises
        ------
        ValueError
            If any key other than ``estimator`` is given.
        """
        estimator = kwargs.pop("estimator", None)
        if estimator is not None:
            self.estimator = estimator
        if kwargs:
            raise ValueError(
                "You cannot set parameters of the inner estimator in a frozen "
                "estimator since calling `fit` has no effect. You can use "
                "`frozenestimator.estimator.set_params` to set parameters of the inner "
                "estimator."
            )

    def get_params(self, deep=True):
        """Get parameters for this estimator.

        Returns a ``{"estimator": estimator}`` dict. The parameters of the
        inner estimator are not included.

        Parameters
        ----------
        deep : bool, default=True
            Ignored.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        return {"estimator": self.estimator}

    if _get_tags is not None:

        def __sklearn_tags__(self):
            tags = deepcopy(_get_tags(self.estimator))
            tags._skip_test = True
            return tags

    else:

        def _more_tags(self):
            # ``BaseEstimator._get_tags`` merges this over the defaults: the
            # wrapped estimator's tags, and skip the common tests.
            tags = deepcopy(_safe_tags(self.estimator))
            tags["_skip_test"] = True
            return tags


if _UpstreamFrozenEstimator is not None:
    # Kept importable under its own name (tests compare it with upstream's).
    _FrozenEstimatorBackport = FrozenEstimator
    _FrozenEstimatorBackport.__qualname__ = "_FrozenEstimatorBackport"
    FrozenEstimator = _UpstreamFrozenEstimator
else:  # pragma: no cover - depends on the installed release
    _FrozenEstimatorBackport = FrozenEstimator
