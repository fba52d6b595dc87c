# SPDX-License-Identifier: BSD-3-Clause
"""Facts about the installed scikit-learn that change how a faithful clone behaves.

Everything here is read, never written: importing this module leaves
scikit-learn exactly as it was.
"""

import types

import sklearn
import sklearn.base

try:  # metadata routing arrived in scikit-learn 1.3
    from sklearn.utils import _metadata_requests
except ImportError:
    _metadata_requests = None

from ._version_range import parse_version

SKLEARN_VERSION = parse_version(sklearn.__version__)

# The originals, captured before anyone (``enable()`` included) replaces them.
# ``enable()`` reads them to restore; the clone paths read them to recognise
# upstream's own default implementations as equivalent to ours.
UPSTREAM_CLONE = sklearn.base.clone
UPSTREAM_CLONE_PARAMETRIZED = getattr(sklearn.base, "_clone_parametrized", None)
UPSTREAM_BASE_ESTIMATOR = sklearn.base.BaseEstimator
UPSTREAM_GET_PARAM_NAMES = UPSTREAM_BASE_ESTIMATOR.__dict__["_get_param_names"]
UPSTREAM_SKLEARN_CLONE = UPSTREAM_BASE_ESTIMATOR.__dict__.get("__sklearn_clone__")
UPSTREAM_GET_PARAMS = UPSTREAM_BASE_ESTIMATOR.__dict__["get_params"]

# Functions that mean "the default implementation" wherever they are found on
# a class: upstream's, and each of our implementations' (they register
# themselves on import, through add_default). Read on every clone, so kept
# as mutable sets.
DEFAULT_SKLEARN_CLONE_FUNCS = set()
DEFAULT_GET_PARAM_NAMES_FUNCS = set()

# id(function) -> its code when it was recognised: a function keeps its
# identity when its ``__code__`` is replaced, and then no longer is what it
# was recognised as (see runs_original_code).
ORIGINAL_CODES = {}


def remember_code(func):
    """Record the code ``func`` runs now as the code it is recognised by."""
    if type(func) is types.FunctionType:
        ORIGINAL_CODES.setdefault(id(func), func.__code__)


def add_default(defaults, func):
    """Add ``func`` to one of the sets of default functions, its code remembered."""
    remember_code(func)
    defaults.add(func)


def runs_original_code(func):
    """Whether ``func`` still runs the code it was recognised with.

    A plain function whose ``__code__`` was replaced since is not the
    function it was (upstream's ``get_params`` with other code is a custom
    ``get_params``); any other callable cannot change its code.
    """
    if type(func) is not types.FunctionType:
        return True
    return func.__code__ is ORIGINAL_CODES.get(id(func))


if UPSTREAM_SKLEARN_CLONE is not None:
    add_default(DEFAULT_SKLEARN_CLONE_FUNCS, UPSTREAM_SKLEARN_CLONE)
add_default(DEFAULT_GET_PARAM_NAMES_FUNCS, UPSTREAM_GET_PARAM_NAMES.__func__)
remember_code(UPSTREAM_GET_PARAMS)

# How ``_metadata_request`` travels to the clone: not at all before 1.3,
# ``copy.deepcopy`` in 1.3-1.8, ``clone`` in 1.9 (whose request objects
# implement ``__sklearn_clone__`` and keep ``owner`` by reference).
if _metadata_requests is None or not hasattr(_metadata_requests, "MetadataRequest"):
    METADATA_REQUEST_COPY = None
elif hasattr(_metadata_requests.MetadataRequest, "__sklearn_clone__"):
    METADATA_REQUEST_COPY = "clone"
else:
    METADATA_REQUEST_COPY = "deepcopy"

# ``set_output`` (and ``_sklearn_output_config``) arrived in 1.2, callbacks in 1.9.
HAS_OUTPUT_CONFIG = SKLEARN_VERSION >= (1, 2)
HAS_CALLBACKS = SKLEARN_VERSION >= (1, 9)

# An exact ``dict`` has its values cloned since 1.3.1 (scikit-learn PR 26786);
# before, clone treats it as any non-estimator: deep-copied with safe=False,
# refused with safe=True. We keep the installed release's behaviour, so that a
# dict parameter holding a fitted estimator stays fitted in the clone exactly
# when it did without us (docs/compat/behaviour.md).
CLONES_DICT_VALUES = SKLEARN_VERSION >= (1, 3, 1)

# Before 1.9, ``_get_param_names`` introspects ``__init__.deprecated_original``
# (set by ``sklearn.utils.deprecated`` on a deprecated class) when present.
USES_DEPRECATED_ORIGINAL = SKLEARN_VERSION < (1, 9)


_KNOWN_GET_PARAMS = []


def known_get_params():
    """``get_params`` overrides whose ``deep=False`` result is upstream's.

    scikit-learn's compositions override ``get_params`` to add their named
    steps when deep; with ``deep=False`` their code returns
    ``_BaseComposition._get_params(attr, deep=False)``, which is
    ``super().get_params(deep=False)``: ``BaseEstimator.get_params``. The
    clone paths inline that result only after checking, on the instance
    being cloned, that each of those look-ups lands where this says.

    Returns
    -------
    composition : type
        ``sklearn.utils.metaestimators._BaseComposition``.
    overrides : tuple of (function, type or None)
        Each override with the class through whose ``super()`` it reaches
        ``_get_params`` (None: through ``self``).
    """
    if not _KNOWN_GET_PARAMS:
        # Imported on first use: importing this module must stay cheap and
        # must not import the rest of scikit-learn.
        from sklearn.compose import ColumnTransformer
        from sklearn.ensemble._base import _BaseHeterogeneousEnsemble
        from sklearn.pipeline import FeatureUnion, Pipeline
        from sklearn.utils.metaestimators import _BaseComposition

        for func in (
            _BaseComposition.__dict__["_get_params"],
            Pipeline.__dict__["get_params"],
            FeatureUnion.__dict__["get_params"],
            ColumnTransformer.__dict__["get_params"],
            _BaseHeterogeneousEnsemble.__dict__["get_params"],
        ):
            remember_code(func)
        _KNOWN_GET_PARAMS.append(
            (
                _BaseComposition,
                (
                    (Pipeline.__dict__["get_params"], None),
                    (FeatureUnion.__dict__["get_params"], None),
                    (ColumnTransformer.__dict__["get_params"], None),
                    (
                        _BaseHeterogeneousEnsemble.__dict__["get_params"],
                        _BaseHeterogeneousEnsemble,
                    ),
                ),
            )
        )
    return _KNOWN_GET_PARAMS[0]
