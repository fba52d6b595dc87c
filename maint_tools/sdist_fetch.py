# SPDX-License-Identifier: BSD-3-Clause
"""``python -m maint_tools.sdist_fetch``: the pristine scikit-learn sdists, cached.

The pristine sources of every patch series are the release sdists, pinned by
sha256 (:data:`SDISTS`) and cached under ``~/.cache/sklearn-slep017/sdists``
(``SKLEARN_SLEP017_CACHE`` overrides the cache root). A missing one is
downloaded by pip itself, ``python -m pip download --no-deps --no-binary
scikit-learn --require-hashes``, the requirement pinned by its sha256: pip
reads the indexes it is configured with (``pip config list``, ``PIP_*``
variables: mirrors, proxies and offline indexes work) and refuses a file
whose hash is not the pinned one. The cached file is checked against the pin
on every use.

The cost is pip's: before it saves an sdist it prepares its metadata (pip
has no download-only mode for sdists), installing the build requirements
into an isolated environment and running the build backend. For 1.2.2 that
is setuptools cythonizing every ``.pyx`` (minutes); meson-python (1.9.1) has
no metadata hook, so pip builds the whole wheel instead, a full build of
scikit-learn (tens of minutes on two cores, C and C++ compilers needed).
Once per cache: the file is kept, the build is not. ``--no-binary
scikit-learn`` rather than ``--no-binary :all:``, which pip applies to the
build requirements too: numpy, scipy (a Fortran compiler), Cython and meson
would all be compiled from source first.

``python -m maint_tools.sdist_fetch [--version V]`` fetches them (every
pinned release by default) and prints where each is cached; exit status 2
when one cannot be fetched.
"""

import argparse
import contextlib
import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = [
    "SDISTS",
    "SDIST_PROJECT",
    "FetchError",
    "cache_dir",
    "fetch_sdist",
    "main",
    "pip_download_command",
]

# The pristine sources: one sdist per release (its file name on the index),
# pinned by its sha256.
SDISTS = {
    "1.2.2": (
        "scikit-learn-1.2.2.tar.gz",
        "8429aea30ec24e7a8c7ed8a3fa6213adf3814a6efbea09e16e0a0c71e1a1a3d7",
    ),
    "1.9.1": (
        "scikit_learn-1.9.1.tar.gz",
        "629cada3e33e2b9bf376cdc7614a47a4140b8aedc1d836579e359736fbd82977",
    ),
}
SDIST_PROJECT = "scikit-learn"


class FetchError(RuntimeError):
    """The pristine sdist could not be downloaded (pip download failed)."""


def cache_dir():
    """The directory where pristine sdists are cached.

    Returns
    -------
    path : pathlib.Path
        ``$SKLEARN_SLEP017_CACHE/sdists`` when the variable is set, else
        ``$XDG_CACHE_HOME/sklearn-slep017/sdists`` (``~/.cache`` by default).
    """
    root = os.environ.get("SKLEARN_SLEP017_CACHE")
    if not root:
        xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(
            os.path.expanduser("~"), ".cache"
        )
        root = os.path.join(xdg, "sklearn-slep017")
    return Path(root) / "sdists"


def pip_download_command(requirements, dest):
    """The ``pip download`` that fetches the sdist of a release.

    Parameters
    ----------
    requirements : path-like
        A requirements file pinning ``scikit-learn==<version>`` by its
        sha256 (``--hash``), as :func:`fetch_sdist` writes it.
    dest : path-like
        Where pip saves the file.

    Returns
    -------
    command : list of str
        Run with the running interpreter's pip (``sys.executable -m pip``).
    """
    return [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--no-binary",
        SDIST_PROJECT,
        "--require-hashes",
        "--progress-bar",
        "off",
        "--dest",
        str(dest),
        "--requirement",
        str(requirements),
    ]


def fetch_sdist(version):
    """Return the path of the pristine sdist of a scikit-learn release.

    Downloaded once with ``pip download`` (see :func:`pip_download_command`),
    which checks it against its pinned sha256, then cached; the cached file
    is checked against the pin too.

    Parameters
    ----------
    version : str
        A release with a series, e.g. ``"1.9.1"``.

    Returns
    -------
    path : pathlib.Path
        The cached ``.tar.gz``.

    Raises
    ------
    FetchError
        When pip cannot download it (no configured index reachable, or none
        lists it, or its hash is not the pinned one).
    """
    filename, sha256 = SDISTS[version]
    target = cache_dir() / filename
    if target.is_file() and _sha256(target) == sha256:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # One download at a time per file: a concurrent run (pytest's workers)
    # waits for it instead of preparing the metadata a second time.
    with _locked(target.parent / (".%s.lock" % filename)):
        if target.is_file() and _sha256(target) == sha256:
            return target
        _download(version, filename, sha256, target)
    return target


@contextlib.contextmanager
def _locked(path):
    with open(path, "a") as lock:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no lock
            yield
            return
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _download(version, filename, sha256, target):
    print(
        "scikit-learn %s: pip download %s (once; pip prepares its metadata first)"
        % (version, filename),
        file=sys.stderr,
    )
    # Beside the cache, so that the move into it is atomic: a concurrent run
    # never sees half a file.
    with tempfile.TemporaryDirectory(prefix="download.", dir=target.parent) as tmp:
        requirements = Path(tmp) / "requirements.txt"
        requirements.write_text(
            "%s==%s --hash=sha256:%s\n" % (SDIST_PROJECT, version, sha256)
        )
        dest = Path(tmp) / "dest"
        result = subprocess.run(
            pip_download_command(requirements, dest),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            lines = (result.stderr.strip() or result.stdout.strip()).splitlines()
            raise FetchError(
                "cannot download %s with pip download from the package indexes pip "
                "is configured with (pip config list; PIP_INDEX_URL): %s"
                % (filename, "\n".join(lines[-12:]))
            )
        got = sorted(p.name for p in dest.iterdir()) if dest.is_dir() else []
        if got != [filename]:
            raise FetchError(
                "pip download saved %s, not %s" % (", ".join(got) or "nothing", filename)
            )
        if _sha256(dest / filename) != sha256:  # pip checked it; so do we
            raise FetchError("%s: sha256 mismatch (expected %s)" % (filename, sha256))
        (dest / filename).replace(target)


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main(argv=None):
    """Command line: ``python -m maint_tools.sdist_fetch [--version V]``.

    Parameters
    ----------
    argv : list of str or None, default=None
        The arguments; None means ``sys.argv[1:]``.

    Returns
    -------
    status : int
        0 when every sdist asked for is cached, 2 when one cannot be fetched.
    """
    parser = argparse.ArgumentParser(
        prog="python -m maint_tools.sdist_fetch",
        description="fetch the pristine scikit-learn sdists the patch series "
        "apply to (pinned by sha256, cached) and print where they are",
    )
    parser.add_argument(
        "--version",
        dest="versions",
        action="append",
        choices=sorted(SDISTS),
        help="a scikit-learn release (repeatable; default: every pinned one)",
    )
    args = parser.parse_args(argv)
    status = 0
    for version in args.versions or sorted(SDISTS):
        try:
            print("scikit-learn %s: %s" % (version, fetch_sdist(version)))
        except FetchError as exc:
            print("scikit-learn %s: %s" % (version, exc), file=sys.stderr)
            status = 2
    return status


if __name__ == "__main__":
    sys.exit(main())
