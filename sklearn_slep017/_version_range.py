# SPDX-License-Identifier: BSD-3-Clause
"""The scikit-learn releases this package knows how to switch, and version parsing."""

import re

MIN_SUPPORTED = (1, 1, 3)
MAX_SUPPORTED = (1, 9, 1)
SUPPORTED_RANGE = "1.1.3 to 1.9.x"


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


def is_supported(version):
    """Whether ``enable()`` may switch a scikit-learn of this version.

    Any micro release of a supported minor line is accepted (1.9.2 behaves as
    1.9.1 as far as ``clone`` is concerned); releases older than 1.1.3 or newer
    than the 1.9 line are refused.

    Parameters
    ----------
    version : tuple of int
        As returned by :func:`parse_version`.

    Returns
    -------
    supported : bool

    Examples
    --------
    >>> is_supported((1, 9, 1)), is_supported((1, 0, 2)), is_supported((1, 10, 0))
    (True, False, False)
    """
    return MIN_SUPPORTED <= tuple(version) and tuple(version[:2]) <= MAX_SUPPORTED[:2]
