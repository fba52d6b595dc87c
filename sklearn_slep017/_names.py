# SPDX-License-Identifier: BSD-3-Clause
"""The names of the two clone implementations: one table, one message.

Every place that reads a typed implementation name (``enable()``,
``SKLEARN_SLEP017_ENABLE``, ``check --implementation``, ``profile
--enable``, ``EnablePlugin``) or prints one takes it from here:
``_clone.py`` (the selector) re-exports the table, ``_autoenable.py`` loads
this file at interpreter start-up, and the command lines build their
``choices=`` from :data:`ACCEPTED`.

This module imports nothing: the start-up hook (``_autoenable.py``, loaded by
file location before scikit-learn or the package is imported) loads it too.
"""

#: The names, as :func:`sklearn_slep017.implementation` returns them and
#: every output prints them: the Cython extension (``_clone_c``) and the
#: pure-Python specification (``_clone_py``).
NAMES = ("compiled", "reference")

#: Earlier spelling -> name. Accepted wherever a name is typed, never
#: returned.
ALIASES = {"cython": "compiled", "python": "reference"}

#: Every spelling a user may type, names first (argparse ``choices=``).
ACCEPTED = NAMES + tuple(ALIASES)


def spellings():
    """The accepted spellings, in words, as every message lists them.

    Returns
    -------
    text : str
        ``"compiled or reference (also spelt cython or python)"``.

    Examples
    --------
    >>> from sklearn_slep017._names import spellings
    >>> spellings()
    'compiled or reference (also spelt cython or python)'
    """
    return "%s (also spelt %s)" % (" or ".join(NAMES), " or ".join(ALIASES))


def unknown_name_message(name):
    """The one message for a name that is not in the table.

    Parameters
    ----------
    name : object
        What was typed.

    Returns
    -------
    message : str
        The text of the ``ValueError`` raised for it.

    Examples
    --------
    >>> from sklearn_slep017._names import unknown_name_message
    >>> unknown_name_message("fortran")
    "Unknown clone implementation 'fortran'; use compiled or reference (also spelt cython or python)"
    """
    return "Unknown clone implementation %r; use %s" % (name, spellings())


def canonical_name(name):
    """The name of the implementation ``name`` spells, in the one vocabulary.

    Parameters
    ----------
    name : str
        ``"compiled"`` or ``"reference"``, or an earlier spelling,
        ``"cython"`` or ``"python"``.

    Returns
    -------
    name : {"compiled", "reference"}
        The name that :func:`sklearn_slep017.implementation` and every output
        use.

    Raises
    ------
    ValueError
        If ``name`` is none of those (:func:`unknown_name_message`).

    Examples
    --------
    >>> from sklearn_slep017._names import canonical_name
    >>> canonical_name("cython"), canonical_name("reference")
    ('compiled', 'reference')
    """
    canonical = ALIASES.get(name, name) if isinstance(name, str) else name
    if not isinstance(canonical, str) or canonical not in NAMES:
        raise ValueError(unknown_name_message(name))
    return canonical
