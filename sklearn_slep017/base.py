# SPDX-License-Identifier: BSD-3-Clause
"""scikit-learn's ``sklearn.base``, with SLEP017's clone on every supported release.

Everything the installed ``sklearn.base`` exports is here unchanged, except:

* :func:`clone` and :func:`clone_parametrized` are this package's (live
  implementation), so ``__sklearn_clone__`` is honoured on 1.1.3-1.2.x too;
* :class:`BaseEstimator` is a subclass of scikit-learn's whose
  ``__sklearn_clone__`` is the SLEP017 default and whose ``_get_param_names``
  is cached per class.

Examples
--------
>>> from sklearn_slep017.base import BaseEstimator, clone
>>> class Wrapper(BaseEstimator):
...     def __init__(self, width=3):
...         self.width = width
...     def __sklearn_clone__(self):
...         new = super().__sklearn_clone__()
...         new.search_space_ = getattr(self, "search_space_", None)
...         return new
>>> w = Wrapper(width=5)
>>> w.search_space_ = {"width": [3, 5]}
>>> clone(w).search_space_
{'width': [3, 5]}
"""

import sklearn.base as _upstream

from ._clone import _impl, clone, clone_parametrized

# What this module defines; every other name of the installed ``sklearn.base``
# (which differ between releases) is read from it on access, by the module
# ``__getattr__`` below: the same objects, nothing copied at import.
_OURS = ("BaseEstimator", "clone", "clone_parametrized", "_clone_parametrized")


class BaseEstimator(_upstream.BaseEstimator):
    """The ``BaseEstimator`` of scikit-learn, with the SLEP017 clone protocol.

    Behaves as ``sklearn.base.BaseEstimator`` of the installed release, and
    adds (or replaces) two methods: ``__sklearn_clone__``, the default clone
    that subclasses extend with ``super().__sklearn_clone__()``, and a
    ``_get_param_names`` that introspects ``__init__`` once per class.

    Examples
    --------
    >>> from sklearn_slep017.base import BaseEstimator
    >>> class MyEstimator(BaseEstimator):
    ...     def __init__(self, *, param=1):
    ...         self.param = param
    >>> MyEstimator(param=2).get_params()
    {'param': 2}
    """

    _get_param_names = classmethod(_impl.get_param_names)
    __sklearn_clone__ = _impl.sklearn_clone


_clone_parametrized = clone_parametrized


def _upstream_names():
    return [
        name
        for name in vars(_upstream)
        if not name.startswith("__") and name not in _OURS
    ]


def __getattr__(name):
    # PEP 562: any other name of the installed sklearn.base, as it is there.
    if name.startswith("__") or name in _OURS:
        raise AttributeError("module %r has no attribute %r" % (__name__, name))
    try:
        return vars(_upstream)[name]
    except KeyError:
        raise AttributeError(
            "module %r has no attribute %r" % (__name__, name)
        ) from None


def __dir__():
    return sorted(set(globals()) | set(_upstream_names()))


# Ours, then the public names of the installed sklearn.base (release-dependent).
__all__ = ["BaseEstimator", "clone", "clone_parametrized"] + sorted(
    name for name in _upstream_names() if not name.startswith("_")
)
