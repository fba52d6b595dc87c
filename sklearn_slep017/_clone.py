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
from ._names import (  # noqa: F401 - the table and its message, re-exported
    ACCEPTED,
    ALIASES,
    NAMES,
    canonical_name,
    unknown_name_message,
)

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

# One vocabulary for the two implementations, in everything the package
# prints or returns (implementation(), the CLI, the bench tables, asv, the
# docs): "reference" (the pure-Python specification, _clone_py) and
# "compiled" (the Cython extension, _clone_c). The first spellings, "python"
# and "cython", stay accepted wherever a name is typed (enable(), the
# environment variable, the CLI, EnablePlugin), never returned. The table
# and the message for a name outside it are _names.py's (which imports
# nothing, for the start-up hook); re-exported here.
IMPLEMENTATIONS = {"reference": _clone_py}
if _impl is not _clone_py:
    IMPLEMENTATIONS["compiled"] = _impl

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
    name : {"compiled", "reference"}
        ``"compiled"`` when the compiled implementation is in use,
        ``"reference"`` when the pure-Python reference is (chosen with
        ``SKLEARN_SLEP017_NO_EXTENSIONS=1`` or because the compiled module
        could not be imported). Where a name is typed, the earlier spellings
        ``"cython"`` and ``"python"`` are accepted too; they are never
        returned.

    Examples
    --------
    >>> import sklearn_slep017
    >>> sklearn_slep017.implementation() in ("compiled", "reference")
    True
    """
    return name_of(_impl)


def name_of(module):
    """The name of an implementation module: ``"reference"`` or ``"compiled"``."""
    return "reference" if module is _clone_py else "compiled"


def get_implementation(name=None):
    """Return the module implementing clone under ``name`` (default: the live one).

    ``name`` is ``"compiled"`` or ``"reference"``, or an earlier spelling,
    ``"cython"`` or ``"python"``.
    """
    if name is None:
        return _impl
    canonical = canonical_name(name)
    try:
        return IMPLEMENTATIONS[canonical]
    except KeyError:
        old_spelling = {v: k for k, v in ALIASES.items()}
        raise ValueError(
            "Unavailable clone implementation %r in this process; available: %s"
            % (
                name,
                ", ".join(
                    "%s (or %s)" % (n, old_spelling[n]) for n in sorted(IMPLEMENTATIONS)
                ),
            )
        ) from None
