# SPDX-License-Identifier: BSD-3-Clause
"""``SKLEARN_SLEP017_ENABLE``: enable the package in every process that has it.

The installed ``sklearn_slep017_enable.pth`` (site-packages root) runs one
line at every interpreter start-up: when the variable is unset or empty it
does nothing else. When it is set, it loads this module *by file location*
(the package's ``__init__`` imports scikit-learn, which start-up must not
pay for) and calls :func:`install`.

:func:`install` does not import scikit-learn either: it puts a finder at the
front of ``sys.meta_path`` that waits for ``sklearn`` to be imported, and
calls :func:`sklearn_slep017.enable` as soon as that import has finished. A
process that never imports scikit-learn pays only for reading this module.
Child processes (joblib's loky workers, Dask's worker processes,
``multiprocessing`` with ``spawn``) inherit the environment, hence the switch.

Values (case and surrounding blanks ignored):

- unset, ``""``, ``"0"``, ``"false"``, ``"no"``, ``"off"``: nothing;
- ``"1"``, ``"true"``, ``"yes"``, ``"on"``: ``enable()`` with the live
  implementation (:func:`sklearn_slep017.implementation`);
- ``"compiled"`` or ``"reference"`` (or their earlier spelling, ``"cython"``
  or ``"python"``; the one table of ``_names.py``, which this module loads
  by file location too): ``enable()`` with that implementation;
- anything else: a ``RuntimeWarning`` at start-up, nothing enabled.

Nothing here may raise into the interpreter's start-up or into the user's
``import sklearn``: a failure to enable (an unsupported scikit-learn, an
unavailable implementation) is a ``RuntimeWarning``, and the import goes on
with scikit-learn untouched.
"""

import os
import sys

ENV_VAR = "SKLEARN_SLEP017_ENABLE"
_OFF = frozenset(["", "0", "false", "no", "off"])
_ON = frozenset(["1", "true", "yes", "on"])


def _load_names():
    """The table of implementation names (``_names.py``, beside this file).

    Imported as the package's submodule when this module is; loaded by file
    location when the ``.pth`` loaded this one so at start-up (the package's
    ``__init__`` imports scikit-learn, which start-up must not pay for).
    """
    if __package__:
        from . import _names

        return _names
    # As the .pth does: CPython's import machinery, always loaded, rather
    # than importing importlib.util at start-up.
    external = sys.modules.get("_frozen_importlib_external")
    bootstrap = sys.modules.get("_frozen_importlib")
    if external is None or bootstrap is None:  # pragma: no cover - not CPython
        import importlib.util as external

        bootstrap = external
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_names.py")
    spec = external.spec_from_file_location("_sklearn_slep017_names", path)
    module = bootstrap.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_names = _load_names()

# The name the .pth loads this file under (outside the package, whose
# ``__init__`` imports scikit-learn); ``sklearn_slep017._autoenable``, imported
# later, shares that copy's state.
STARTUP_NAME = "_sklearn_slep017_autoenable"

# What start-up did, for :func:`status` (and the tests): None until
# ``install`` ran; then one of "waiting", "enabled", "failed", "invalid".
_startup = sys.modules.get(STARTUP_NAME)
if _startup is not None and getattr(_startup, "_state", None) is not None:
    _state = _startup._state
else:
    _state = {"status": None, "value": None, "implementation": None, "error": None}


def parse(value):
    """Read a value of ``SKLEARN_SLEP017_ENABLE``.

    Parameters
    ----------
    value : str or None
        The variable's value (None when unset).

    Returns
    -------
    wanted : bool
        Whether the value asks for ``enable()``.
    implementation : {"compiled", "reference"} or None
        The implementation it names, None for the live one.

    Raises
    ------
    ValueError
        If the value is not one of the documented ones.

    Examples
    --------
    >>> from sklearn_slep017._autoenable import parse
    >>> parse("1"), parse(" Python "), parse(None), parse("off")
    ((True, None), (True, 'reference'), (False, None), (False, None))
    >>> parse("Cython")
    (True, 'compiled')
    """
    if value is None:
        return False, None
    normalized = value.strip().lower()
    if normalized in _OFF:
        return False, None
    if normalized in _ON:
        return True, None
    if normalized in _names.ACCEPTED:
        return True, _names.canonical_name(normalized)
    raise ValueError(
        "%s=%r is not understood: use 1/true/yes/on (the live implementation), "
        "%s: that implementation, or 0/false/no/off/empty "
        "(nothing); sklearn_slep017 was not enabled." % (ENV_VAR, value, _names.spellings())
    )


def _warn(message):
    import warnings

    warnings.warn(message, RuntimeWarning, stacklevel=2)


def _enable_now():
    """Call ``sklearn_slep017.enable()``; warn instead of raising."""
    _remove_finder()
    implementation = _state["implementation"]
    try:
        import sklearn_slep017._switch

        sklearn_slep017._switch._enable(implementation, "environment")
    except Exception as exc:  # never break the user's ``import sklearn``
        _state.update(status="failed", error=repr(exc))
        _warn(
            "sklearn_slep017: %s=%r asked to enable, which failed: %s: %s. "
            "scikit-learn is left untouched."
            % (ENV_VAR, _state["value"], type(exc).__name__, exc)
        )
    else:
        _state["status"] = "enabled"


class _SklearnImportHook:
    """A meta-path finder that runs :func:`_enable_now` once ``sklearn`` has
    been imported (or ``sklearn_slep017``, when that import is the one that
    brought ``sklearn`` in: ``enable()`` must wait for the package to finish).

    It finds nothing itself: it asks the finders after it, and wraps the
    ``exec_module`` of the loader they return (an attribute on that loader
    instance, removed once it has run).
    """

    WATCHED = ("sklearn", "sklearn_slep017")
    _sklearn_slep017_hook = True  # recognised by every copy of this module

    def __init__(self):
        self.loading = set()

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in self.WATCHED:
            return None
        spec = None
        for finder in list(sys.meta_path):
            if finder is self:
                continue
            find_spec = getattr(finder, "find_spec", None)
            if find_spec is None:
                continue
            spec = find_spec(fullname, path, target)
            if spec is not None:
                break
        loader = getattr(spec, "loader", None)
        original = getattr(loader, "exec_module", None)
        if original is None:
            return None  # let the normal machinery deal with it
        hook = self

        def exec_module(module):
            # Gone before anything else runs: a loader shared by several
            # modules (a zip importer) must not call us for the others.
            try:
                del loader.exec_module
            except AttributeError:
                pass
            if getattr(module, "__name__", None) != fullname:
                return original(module)
            hook.loading.add(fullname)
            try:
                original(module)
            finally:
                hook.loading.discard(fullname)
            hook.imported(fullname)

        try:
            loader.exec_module = exec_module
        except (AttributeError, TypeError):
            return None
        return spec

    def imported(self, fullname):
        if _state["status"] != "waiting":
            return
        if "sklearn_slep017" in self.loading:
            return  # the package's own import pulled sklearn in: wait for it
        if "sklearn" not in sys.modules:
            return
        _enable_now()

    # Python < 3.10 asks finders for find_module too; say "not mine".
    def find_module(self, fullname, path=None):  # pragma: no cover
        return None

    def invalidate_caches(self):
        pass


def _remove_finder():
    sys.meta_path[:] = [
        finder for finder in sys.meta_path
        if not getattr(finder, "_sklearn_slep017_hook", False)
    ]


def install(value=None):
    """Act on ``SKLEARN_SLEP017_ENABLE`` (or ``value``): the start-up hook.

    Enables at once if scikit-learn is already imported, otherwise as soon as
    it is. Never raises: an invalid value or a failure is a
    ``RuntimeWarning``.

    Parameters
    ----------
    value : str or None, default=None
        The value to act on; None reads the environment variable.

    Returns
    -------
    status : {"off", "waiting", "enabled", "failed", "invalid"}
        What happened; see :func:`status`.
    """
    try:
        if value is None:
            value = os.environ.get(ENV_VAR)
        try:
            wanted, implementation = parse(value)
        except ValueError as exc:
            _state.update(status="invalid", value=value, error=str(exc))
            _warn(str(exc))
            return "invalid"
        if not wanted:
            return "off"
        _state.update(status="waiting", value=value, implementation=implementation,
                      error=None)
        if "sklearn" in sys.modules and "sklearn_slep017" not in getattr(
            _hook(), "loading", ()
        ):
            _enable_now()
        elif _hook() is None:
            sys.meta_path.insert(0, _SklearnImportHook())
        return _state["status"]
    except Exception as exc:  # pragma: no cover - a start-up must survive
        try:
            _state.update(status="failed", error=repr(exc))
            _warn("sklearn_slep017: the %s start-up hook failed: %r" % (ENV_VAR, exc))
        except Exception:
            pass
        return "failed"


def _hook():
    for finder in sys.meta_path:
        if getattr(finder, "_sklearn_slep017_hook", False):
            return finder
    return None


def status():
    """What ``SKLEARN_SLEP017_ENABLE`` did in this process.

    Returns
    -------
    status : dict
        ``"status"``: None (the start-up hook did not run: the variable was
        unset or empty, or the ``.pth`` file is not installed), ``"waiting"``
        (for ``import sklearn``), ``"enabled"``, ``"failed"`` or ``"invalid"``;
        ``"value"``, ``"implementation"`` and ``"error"`` as read and met.

    Examples
    --------
    >>> from sklearn_slep017._autoenable import status
    >>> sorted(status())
    ['error', 'implementation', 'status', 'value']
    """
    return dict(_state)
