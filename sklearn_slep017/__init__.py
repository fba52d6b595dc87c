# SPDX-License-Identifier: BSD-3-Clause
"""SLEP017's clone protocol (``__sklearn_clone__``), fast and faithful.

``clone`` and ``clone_parametrized`` behave as scikit-learn's own; the
compiled implementation is used unless ``SKLEARN_SLEP017_NO_EXTENSIONS=1``.
Importing this package changes nothing in scikit-learn: only :func:`enable`
does, and :func:`disable` undoes it.
"""

from ._clone import clone, clone_parametrized, implementation
from ._profile.profiler import CloneProfile, profile
from ._switch import disable, enable, enabled, is_enabled, status

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "CloneProfile",
    "clone",
    "clone_parametrized",
    "disable",
    "enable",
    "enabled",
    "implementation",
    "is_enabled",
    "profile",
    "status",
]
