# SPDX-License-Identifier: BSD-3-Clause
"""Pick the live clone implementation: compiled unless told otherwise.

``SKLEARN_SLEP017_NO_EXTENSIONS`` set to a non-empty value selects the pure
Python reference. When the compiled module is missing (a build made with
``SKLEARN_SLEP017_NO_EXTENSIONS=1``, or a broken install) the reference is
used and a ``RuntimeWarning`` says so; ``sklearn_slep017.implementation()``
always tells which one is live.
"""

import os
import warnings
from typing import TYPE_CHECKING

from . import _clone_py

NO_EXTENSIONS = bool(os.environ.get("SKLEARN_SLEP017_NO_EXTENSIONS"))

if TYPE_CHECKING:
    from . import _clone_py as _impl
elif NO_EXTENSIONS:
    _impl = _clone_py
else:
    try:
        from . import _clone_c as _impl
    except ImportError as exc:  # pragma: no cover - exercised by a pure build
        warnings.warn(
            "sklearn_slep017: the compiled clone is not available (%s); using "
            "the pure-Python reference. Reinstall with a C compiler, or set "
            "SKLEARN_SLEP017_NO_EXTENSIONS=1 to choose the reference." % exc,
            RuntimeWarning,
            stacklevel=2,
        )
        _impl = _clone_py

IMPLEMENTATIONS = {"python": _clone_py}
if _impl is not _clone_py:
    IMPLEMENTATIONS["cython"] = _impl

# The docs, the bench tables and asv call the two implementations "reference"
# and "compiled"; the API's first spelling, "python" and "cython", is what
# implementation() returns. Both are accepted wherever a name is typed.
ALIASES = {"reference": "python", "compiled": "cython"}

clone = _impl.clone
clone_parametrized = _impl.clone_parametrized
get_param_names = _impl.get_param_names


def implementation():
    """Name the clone implementation that is live in this process.

    :func:`sklearn_slep017.clone`, :func:`sklearn_slep017.clone_parametrized`
    and :func:`sklearn_slep017.enable` (by default) use this implementation.
    It is chosen once, when the package is imported.

    Returns
    -------
    name : {"cython", "python"}
        ``"cython"`` when the compiled implementation is in use, ``"python"``
        when the pure-Python reference is (chosen with
        ``SKLEARN_SLEP017_NO_EXTENSIONS=1`` or because the compiled module
        could not be imported). Where a name is typed, ``"compiled"`` and
        ``"reference"`` are accepted too.

    Examples
    --------
    >>> import sklearn_slep017
    >>> sklearn_slep017.implementation() in ("cython", "python")
    True
    """
    return "python" if _impl is _clone_py else "cython"


def get_implementation(name=None):
    """Return the module implementing clone under ``name`` (default: the live one).

    ``name`` is ``"compiled"`` or ``"reference"``, or their first spelling,
    ``"cython"`` or ``"python"``.
    """
    if name is None:
        return _impl
    try:
        return IMPLEMENTATIONS[ALIASES.get(name, name)]
    except (KeyError, TypeError):
        available = {v: k for k, v in ALIASES.items()}
        raise ValueError(
            "Unknown or unavailable clone implementation %r; available: %s"
            % (
                name,
                ", ".join(
                    "%s (or %s)" % (available[n], n) for n in sorted(IMPLEMENTATIONS)
                ),
            )
        ) from None
