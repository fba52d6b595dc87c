# SPDX-License-Identifier: BSD-3-Clause
"""``python -m maint_tools.sdist_fetch``: the pristine scikit-learn sdists, cached.

The pristine sources of every patch series are the release sdists, pinned by
sha256 (:data:`SDISTS`) and cached under ``~/.cache/sklearn-slep017/sdists``
(``SKLEARN_SLEP017_CACHE`` overrides the cache root). They come from the
package indexes pip is configured with (its ``index-url`` and
``extra-index-url``, from ``pip config`` and ``PIP_*`` variables, so that
mirrors, proxies and offline indexes work), read through the simple
repository API (PEP 503), with the sha256 the index reports checked where it
reports one.

``python -m maint_tools.sdist_fetch [--version V]`` fetches them (every
pinned release by default) and prints where each is cached; exit status 2
when one cannot be fetched.
"""

import argparse
import hashlib
import html.parser
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

__all__ = [
    "SDISTS",
    "SDIST_PROJECT",
    "FetchError",
    "cache_dir",
    "fetch_sdist",
    "main",
    "pip_index_urls",
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
    """The pristine sdist could not be downloaded (no configured index reachable)."""


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


def pip_index_urls():
    """The package indexes pip is configured with, in pip's order.

    ``index-url`` (pip's own default when none is configured) then each
    ``extra-index-url``, as ``python -m pip config list`` reports them: the
    configuration files and the ``PIP_INDEX_URL`` / ``PIP_EXTRA_INDEX_URL``
    variables, with pip's precedence (a variable over a file, ``install`` and
    ``download`` sections over ``global``).

    Returns
    -------
    urls : list of str

    Raises
    ------
    FetchError
        When pip cannot report its configuration.
    """
    result = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"],
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise FetchError("cannot read pip's configuration: %s" % result.stderr.strip())
    values = {}
    # Later sources win: files by section, then the environment.
    rank = {"global": 0, "download": 1, "install": 1, ":env:": 2}
    for line in result.stdout.splitlines():
        key, sep, value = line.partition("=")
        section, _, name = key.rpartition(".")
        if not sep or name not in ("index-url", "extra-index-url"):
            continue
        order = rank.get(section, 0)
        if name not in values or order >= values[name][0]:
            values[name] = (order, value.strip().strip("'\""))
    index = values.get("index-url", (0, ""))[1] or _pip_default_index()
    extra = values.get("extra-index-url", (0, ""))[1].split()
    return [index] + [url for url in extra if url != index]


def _pip_default_index():
    # pip's own default index, as pip itself names it.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from pip._internal.models.index import PyPI; print(PyPI.simple_url)",
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode or not result.stdout.strip():
        raise FetchError(
            "no index-url in pip's configuration and pip's default index could "
            "not be read: set PIP_INDEX_URL"
        )
    return result.stdout.strip()


class _Links(html.parser.HTMLParser):
    # The anchors of a PEP 503 project page: (file name, href).
    def __init__(self):
        super().__init__()
        self.links = []
        self._href = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._text = []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append(("".join(self._text).strip(), self._href))
            self._href = None


def _read(url):
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read()


def _find_on_index(index, filename):
    """The URL of ``filename`` on one index and the sha256 the index reports.

    Returns ``(url, sha256 or None)``, or None when the index does not list it.
    """
    page = index.rstrip("/") + "/" + SDIST_PROJECT + "/"
    parts = urllib.parse.urlsplit(page)
    if parts.scheme == "file":
        # A local index (an offline mirror): a folder per project, with its
        # index.html, as pip reads it.
        folder = Path(urllib.request.url2pathname(parts.path))
        if not (folder / "index.html").is_file():
            return None
        text = (folder / "index.html").read_text("utf-8", "replace")
    else:
        try:
            text = _read(page).decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise
    parser = _Links()
    parser.feed(text)
    for name, href in parser.links:
        url, _, fragment = urllib.parse.urljoin(page, href).partition("#")
        if name == filename or url.rsplit("/", 1)[-1] == filename:
            reported = None
            if fragment.startswith("sha256="):
                reported = fragment[len("sha256=") :].lower()
            return url, reported
    return None


def fetch_sdist(version):
    """Return the path of the pristine sdist of a scikit-learn release.

    Downloaded once from the indexes pip is configured with (see
    :func:`pip_index_urls`), checked against its pinned sha256 (and the one
    the index reports), then cached.

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
        When it cannot be downloaded (no configured index reachable, or none
        lists it) or its hash is wrong.
    """
    filename, sha256 = SDISTS[version]
    target = cache_dir() / filename
    if target.exists() and _sha256(target.read_bytes()) == sha256:
        return target
    problems = []
    data = None
    for index in pip_index_urls():
        try:
            found = _find_on_index(index, filename)
            if found is None:
                problems.append("%s: not listed" % index)
                continue
            url, reported = found
            if reported is not None and reported != sha256:
                raise FetchError(
                    "%s on %s: the index reports sha256 %s, expected %s"
                    % (filename, index, reported, sha256)
                )
            data = _read(url)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            problems.append("%s: %s" % (index, exc))
            continue
        if _sha256(data) != sha256:
            raise FetchError(
                "%s from %s: sha256 mismatch (expected %s)" % (filename, index, sha256)
            )
        break
    else:
        raise FetchError(
            "cannot download %s from the package indexes pip is configured with "
            "(pip config list; PIP_INDEX_URL): %s" % (filename, "; ".join(problems))
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part%d" % os.getpid())
    partial.write_bytes(data)
    partial.replace(target)  # atomic: a concurrent run never sees half a file
    return target


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


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
