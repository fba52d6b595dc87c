# SPDX-License-Identifier: BSD-3-Clause
"""The scikit-learn releases this package knows how to switch, and version parsing.

``OLDEST_SUPPORTED`` and ``NEWEST_SUPPORTED`` are the project's one record of
the supported range: everything else takes them from here. The package
imports this module; the maintainer tools (``maint_tools``) and
``noxfile.py`` load it by path (it needs the standard library only); the
Makefile reads ``NEWEST_SUPPORTED`` with ``sed`` before any virtual
environment exists, so each stays a one-line string literal.
"""

import re

# The oldest release ``enable()`` switches, and the newest the project is
# tested against (``make test``'s, the newest end of the compatibility matrix).
OLDEST_SUPPORTED = "1.1.3"
NEWEST_SUPPORTED = "1.9.1"


def parse_version(text):
    """Return the leading ``(major, minor, micro)`` numbers of a version string.

    Parameters
    ----------
    text : str
        A version such as ``"1.9.1"``, ``"1.4.1.post1"`` or ``"1.10.dev0"``.

    Returns
    -------
    version : tuple of int
        Three integers; missing parts are zero.

    Examples
    --------
    >>> parse_version("1.4.1.post1")
    (1, 4, 1)
    """
    numbers = [int(part) for part in re.findall(r"\d+", text.split("+")[0])[:3]]
    return tuple(numbers + [0] * (3 - len(numbers)))


MIN_SUPPORTED = parse_version(OLDEST_SUPPORTED)
MAX_SUPPORTED = parse_version(NEWEST_SUPPORTED)
# As enable()'s refusal names it: any micro release of the newest minor line.
SUPPORTED_RANGE = "%s to %d.%d.x" % (OLDEST_SUPPORTED, *MAX_SUPPORTED[:2])


def is_supported(version):
    """Whether ``enable()`` may switch a scikit-learn of this version.

    Any micro release of a supported minor line is accepted (a later micro
    release of the newest line behaves as ``NEWEST_SUPPORTED`` as far as
    ``clone`` is concerned); releases older than ``OLDEST_SUPPORTED`` or newer
    than ``NEWEST_SUPPORTED``'s minor line are refused.

    Parameters
    ----------
    version : tuple of int
        As returned by :func:`parse_version`.

    Returns
    -------
    supported : bool

    Examples
    --------
    >>> is_supported(MAX_SUPPORTED), is_supported(MIN_SUPPORTED), is_supported((1, 0, 2))
    (True, True, False)
    >>> major, minor, _ = MAX_SUPPORTED
    >>> is_supported((major, minor, 99)), is_supported((major, minor + 1, 0))
    (True, False)
    """
    return MIN_SUPPORTED <= tuple(version) and tuple(version[:2]) <= MAX_SUPPORTED[:2]
