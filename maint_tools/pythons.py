# SPDX-License-Identifier: BSD-3-Clause
"""``python -m maint_tools.pythons``: the CPythons pyenv lacks, built once, outside the repository.

pyenv here stops at 3.13. The package also supports 3.14 and 3.15, and their
free-threaded builds 3.14t and 3.15t. This tool makes whichever of them are
missing, into a cache outside the checkout (``~/.cache/sklearn-slep017/pythons``;
``$SKLEARN_SLEP017_PYTHONS`` or ``$XDG_CACHE_HOME`` move it), and runs the nox
sessions that need them. Like :mod:`maint_tools.freethreaded` (which it
generalises), it talks to Debian's archive only through the mirror apt is
already configured with, read from ``/etc/apt`` at run time, in a private apt
state (``<cache>/_apt``): the system's apt configuration is neither used for
anything else nor changed, and no host name is written anywhere.

Two ways to an interpreter, tried in this order:

``source``
    Debian's source package (``python3.14``, ``python3.15``; ``python3.13``
    for 3.13t) from sid, experimental or trixie, the newest version the
    archive actually serves (``apt-get source --download-only``, checked
    against the signed index), then ``./configure [--disable-gil]
    --prefix=<cache>/<name>`` with neither PGO nor LTO, ``make -j<jobs>``,
    ``make install``. The only way to a free-threaded build: Debian ships
    none as a binary package.
``debian-root``
    For a default (GIL) build whose source the archive does not serve:
    Debian's own binary ``python3.X`` in a minimal sid tree made by
    ``debootstrap`` (``<cache>/sid-root``, with gcc, git and make). sid's
    binaries need sid's C library, so that interpreter runs only inside the
    tree (``chroot``, the checkout bind-mounted at its own path): the
    ``nox`` command below does that for its sessions. Needs root.

Commands::

    python -m maint_tools.pythons status            # what is there, and how
    python -m maint_tools.pythons build [NAME ...]  # make the missing ones (default: all four)
    python -m maint_tools.pythons nox SESSION ...   # run nox sessions, each where its Python is
                                                    # (building the missing ones first)

``make pythons`` and ``make test-pythons`` call these.
"""

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

try:  # run as ``python -m maint_tools.pythons`` or imported by the tests
    from maint_tools import freethreaded as _apt
except ImportError:  # pragma: no cover - run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from maint_tools import freethreaded as _apt

ROOT = Path(__file__).resolve().parent.parent

# What ``build`` makes when no name is given: every supported Python pyenv
# does not carry. 3.13t can be asked for by name.
DEFAULT_TARGETS = ("3.14", "3.14t", "3.15", "3.15t")
KNOWN_TARGETS = ("3.13t",) + DEFAULT_TARGETS
# Where Debian's source packages are looked for, in apt's private list.
SUITES = ("sid", "experimental", "trixie")
# The suite of the binary tree (``debian-root``).
ROOT_SUITE = "sid"
ROOT_PACKAGES = ("gcc", "libc6-dev", "make", "git", "ca-certificates")
# Host files and folders the binary tree sees at the same path (read-only),
# so that pip and git inside it reach what they reach outside: the CA
# bundle the environment's variables point at, name resolution.
ROOT_COPIES = ("/etc/resolv.conf", "/etc/hosts")
ROOT_READ_ONLY = ("/etc/ssl/certs",)


# ---------------------------------------------------------------------------
# Pure parts, tested in tests/maint_tools/test_pythons.py.


def parse_target(name):
    """``"3.14t"`` -> ``("3.14", True)``; ``"3.15"`` -> ``("3.15", False)``.

    Parameters
    ----------
    name : str

    Returns
    -------
    version, free_threaded : str, bool

    Raises
    ------
    ValueError
        Not ``3.N`` or ``3.Nt``.
    """
    match = re.fullmatch(r"(3\.\d+)(t?)", name)
    if not match:
        raise ValueError("not a Python version like 3.14 or 3.14t: %r" % name)
    return match.group(1), bool(match.group(2))


def executable_name(name):
    """The interpreter's file name in ``bin/``: ``python3.14t`` for ``3.14t``."""
    parse_target(name)
    return "python" + name


def source_package(name):
    """Debian's source package of a target: ``python3.14`` for ``3.14`` and ``3.14t``."""
    return "python" + parse_target(name)[0]


def default_cache(environ=None):
    """The cache folder: ``$SKLEARN_SLEP017_PYTHONS``, else under the XDG cache.

    Parameters
    ----------
    environ : mapping or None, default=None
        None means ``os.environ``.

    Returns
    -------
    path : pathlib.Path
    """
    environ = os.environ if environ is None else environ
    if environ.get("SKLEARN_SLEP017_PYTHONS"):
        return Path(environ["SKLEARN_SLEP017_PYTHONS"]).expanduser()
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sklearn-slep017" / "pythons"


def deb_src_entries(uri, suites=SUITES, keyring=_apt.KEYRING):
    """The private ``deb-src`` list: one deb822 stanza per suite."""
    return "\n".join(_apt.deb_src_entry(uri, suite, keyring) for suite in suites)


def _version_part_key(part):
    # dpkg's ordering of a non-digit run: letters before non-letters, '~'
    # before everything (even the end of the string).
    def order(char):
        if char == "~":
            return -1
        if char.isalpha():
            return ord(char)
        return ord(char) + 256

    return [order(c) for c in part] + [0]


def _upstream_key(text):
    key = []
    for non_digit, digit in re.findall(r"(\D*)(\d*)", text):
        key.append(_version_part_key(non_digit))
        key.append(int(digit) if digit else 0)
    return key


def debian_version_key(version):
    """A sort key ordering Debian version strings as ``dpkg`` does.

    ``epoch:upstream-revision``; ``~`` sorts before anything, so
    ``3.15.0~rc1-1`` < ``3.15.0-1``, and digits compare as numbers, so
    ``3.14.10`` > ``3.14.9``.

    Parameters
    ----------
    version : str

    Returns
    -------
    key : tuple
    """
    epoch, _, rest = version.rpartition(":") if ":" in version else ("0", "", version)
    upstream, _, revision = rest.rpartition("-") if "-" in rest else (rest, "", "0")
    return (int(epoch or 0), _upstream_key(upstream), _upstream_key(revision))


def showsrc_versions(text, package):
    """The versions of ``package`` in ``apt-cache showsrc`` output, newest first.

    Parameters
    ----------
    text : str
    package : str

    Returns
    -------
    versions : list of str
        Without duplicates (one source version can be in several suites).
    """
    versions = []
    for stanza in text.split("\n\n"):
        fields = dict(
            line.split(":", 1) for line in stanza.splitlines() if re.match(r"[A-Za-z-]+:", line)
        )
        if fields.get("Package", "").strip() == package:
            version = fields.get("Version", "").strip()
            if version and version not in versions:
                versions.append(version)
    return sorted(versions, key=debian_version_key, reverse=True)


def configure_args(prefix, free_threaded):
    """``./configure`` arguments for a target installed under ``prefix``.

    Neither PGO (``--enable-optimizations``) nor LTO: the interpreter is for
    correctness runs, and on two cores PGO alone costs more than the rest of
    the build. Nor the standard library's test modules.

    Parameters
    ----------
    prefix : path-like
    free_threaded : bool

    Returns
    -------
    args : list of str
    """
    # --disable-test-modules: the standard library's own tests are neither
    # installed nor byte-compiled (minutes of ``make install``).
    args = ["--prefix=%s" % prefix, "--with-ensurepip=install", "--disable-test-modules"]
    if free_threaded:
        args.insert(0, "--disable-gil")
    return args


def root_packages(versions):
    """What the binary tree is made with, for these default-build versions."""
    packages = []
    for version in versions:
        packages += ["python%s" % version, "python%s-venv" % version, "python%s-dev" % version]
    return packages + list(ROOT_PACKAGES)


def debootstrap_args(root, mirror, versions, suite=ROOT_SUITE, keyring=_apt.KEYRING):
    """``debootstrap`` arguments for the binary tree."""
    return [
        "--variant=minbase",
        "--keyring=%s" % keyring,
        "--include=%s" % ",".join(root_packages(versions)),
        suite,
        str(root),
        mirror,
    ]


def session_python(session):
    """The Python of a nox session name: ``tests-3.15`` -> ``3.15``; None if it has none."""
    match = re.search(r"-(3\.\d+t?)$", session)
    return match.group(1) if match else None


def plan_sessions(sessions, in_root):
    """Split nox sessions between the host and the binary tree.

    Parameters
    ----------
    sessions : list of str
    in_root : collection of str
        The targets whose interpreter lives only in the tree.

    Returns
    -------
    host, root : list of str, list of str
        In the given order.
    """
    host, root = [], []
    for session in sessions:
        (root if session_python(session) in in_root else host).append(session)
    return host, root


def chroot_command(root, cwd, argv):
    """The command that runs ``argv`` in ``cwd`` inside the tree ``root``."""
    script = "cd %s && exec %s" % (shlex.quote(str(cwd)), " ".join(shlex.quote(a) for a in argv))
    return ["chroot", str(root), "/bin/sh", "-c", script]


# ---------------------------------------------------------------------------
# The state of the cache.


class StepFailed(Exception):
    """A step's command failed; its log says why."""


def _run(args, log, cwd=None, env=None):
    try:
        _apt._run(args, log, cwd=cwd, env=env)
    except _apt.StepFailed as exc:
        raise StepFailed(str(exc)) from None


def built_python(cache, name):
    """``<cache>/<name>/bin/python<name>`` when it is there and runs, else None."""
    python = Path(cache) / name / "bin" / executable_name(name)
    if python.is_file() and os.access(python, os.X_OK):
        ok = subprocess.run([str(python), "-c", "pass"], capture_output=True).returncode == 0
        if ok:
            return python
    return None


def root_dir(cache):
    return Path(cache) / "sid-root"


def root_installed(root, packages):
    """The ``packages`` that dpkg has installed in the tree ``root``."""
    info = Path(root) / "var" / "lib" / "dpkg" / "info"
    return [p for p in packages
            if (info / ("%s.list" % p)).is_file() or any(info.glob("%s:*.list" % p))]


def root_python(cache, name):
    """Inside-the-tree path of a default build's interpreter, when the tree has it.

    Only a complete tree counts: the interpreter, its venv and headers, and
    the tools the sessions use (``ROOT_PACKAGES``).
    """
    version, free_threaded = parse_target(name)
    if free_threaded:
        return None
    root = root_dir(cache)
    needed = root_packages([version])
    if len(root_installed(root, needed)) != len(needed):
        return None
    return Path("/usr/bin") / ("python" + version)


def status(cache, names=KNOWN_TARGETS):
    """``{name: (how, path)}``: how is ``"source"``, ``"debian-root"`` or None."""
    found = {}
    for name in names:
        python = built_python(cache, name)
        if python is not None:
            found[name] = ("source", python)
            continue
        inside = root_python(cache, name)
        found[name] = ("debian-root", inside) if inside is not None else (None, None)
    return found


# ---------------------------------------------------------------------------
# The steps.


def _apt_state(cache, etc):
    """The private apt state under ``<cache>/_apt``, updated once per run."""
    state = Path(cache) / "_apt"
    uri = _apt.debian_mirror(_apt.read_apt_sources(etc))
    if uri is None:
        raise StepFailed("no Debian archive in apt's configuration (%s)" % etc)
    for sub in ("lists/partial", "cache/archives/partial"):
        (state / sub).mkdir(parents=True, exist_ok=True)
    (state / "deb-src.sources").write_text(deb_src_entries(uri))
    return state, uri


def fetch_source(cache, name, state, log):
    """Debian's source of a target, the newest version the archive serves.

    Returns the orig tarball, or None when no listed version downloads (the
    archive answers 404 for each).
    """
    package = source_package(name)
    src = Path(cache) / "_src" / package
    found = sorted(src.glob("%s_*.orig.tar.xz" % package), key=lambda p: debian_version_key(
        p.name[len(package) + 1:-len(".orig.tar.xz")]))
    if found:
        return found[-1]
    src.mkdir(parents=True, exist_ok=True)
    listed = subprocess.run(
        ["apt-cache", *_apt.apt_options(state), "showsrc", package],
        capture_output=True, text=True,
    ).stdout
    for version in showsrc_versions(listed, package):
        try:
            _run(["apt-get", *_apt.apt_options(state), "source", "--download-only",
                  "%s=%s" % (package, version)], log, cwd=src)
        except StepFailed:
            continue
        found = sorted(src.glob("%s_*.orig.tar.xz" % package))
        if found:
            return found[-1]
    return None


def build_from_source(cache, name, tarball, jobs, log):
    """Configure, build and install one target under ``<cache>/<name>``."""
    version, free_threaded = parse_target(name)
    prefix = Path(cache) / name
    build = Path(cache) / "_build" / name
    if build.exists():
        shutil.rmtree(build)
    build.mkdir(parents=True)
    _run(["tar", "-xf", tarball, "-C", build, "--strip-components=1"], log)
    _run(["./configure", *configure_args(prefix, free_threaded)], log, cwd=build)
    _run(["make", "-j%d" % jobs], log, cwd=build)
    _run(["make", "install"], log, cwd=build)
    shutil.rmtree(build)
    python = built_python(cache, name)
    if python is None:
        raise StepFailed("%s: make install left no working %s" % (name, executable_name(name)))
    return python


def make_root(cache, versions, mirror, log, etc="/etc/apt"):
    """The minimal sid tree with Debian's ``python3.X`` of ``versions``."""
    root = root_dir(cache)
    needed = root_packages(versions)
    missing = [p for p in needed if p not in root_installed(root, needed)]
    if not missing:
        return root
    if shutil.which("debootstrap") is None:
        # A fresh machine's apt may have no package lists yet.
        _run(["apt-get", "update", "-q"], log)
        _run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "debootstrap"], log)
    if (root / "usr" / "bin" / "apt-get").is_file():
        # The tree is there: add what it lacks with its own apt, configured
        # as the host's is (a snapshot mirror's index may be past its
        # Valid-Until: the host's apt.conf.d says whether that is accepted).
        host_conf = Path(etc) / "apt.conf.d"
        if host_conf.is_dir():
            for conf in host_conf.iterdir():
                if conf.is_file():
                    shutil.copyfile(conf, root / "etc" / "apt" / "apt.conf.d" / conf.name)
        with _mounted(root, []):
            _run(chroot_command(root, "/", ["apt-get", "update", "-q"]), log)
            _run(chroot_command(root, "/", ["apt-get", "install", "-y", "-q", "--no-install-recommends",
                                            *missing]), log)
        return root
    if root.exists():
        shutil.rmtree(root)
    _run(["debootstrap", *debootstrap_args(root, mirror, versions)], log)
    return root


def build(cache=None, names=DEFAULT_TARGETS, jobs=2, etc="/etc/apt", out=None):
    """Make every target of ``names`` that the cache lacks.

    Returns
    -------
    status : int
        0 when every target is there at the end.
    """
    out = sys.stdout if out is None else out
    cache = Path(cache) if cache else default_cache()
    cache.mkdir(parents=True, exist_ok=True)
    logs = cache / "_logs"
    logs.mkdir(exist_ok=True)
    state, mirror, failed, for_root = None, None, [], []
    for name in names:
        how, path = status(cache, [name])[name]
        if how is not None:
            print("%-6s there (%s): %s" % (name, how, path), file=out)
            continue
        log = logs / ("%s.log" % name)
        start = time.monotonic()
        try:
            if state is None:
                state, mirror = _apt_state(cache, etc)
                _run(["apt-get", *_apt.apt_options(state), "update"], logs / "apt.log")
            tarball = fetch_source(cache, name, state, log)
            if tarball is None:
                if parse_target(name)[1]:
                    raise StepFailed(
                        "%s: the archive serves no version of Debian's %s source package, and "
                        "Debian ships no free-threaded binary: see %s"
                        % (name, source_package(name), log)
                    )
                print("%-6s no source package served: Debian's binary, in %s"
                      % (name, root_dir(cache)), file=out)
                for_root.append(name)
                continue
            python = build_from_source(cache, name, tarball, jobs, log)
            print("%-6s built from %s in %.0f s: %s"
                  % (name, tarball.name, time.monotonic() - start, python), file=out)
        except StepFailed as exc:
            print("%-6s FAILED: %s" % (name, exc), file=out)
            failed.append(name)
    if for_root:
        start = time.monotonic()
        try:
            root = make_root(cache, [parse_target(n)[0] for n in for_root], mirror,
                             logs / "sid-root.log", etc)
            print("%s: %s made in %.0f s" % (", ".join(for_root), root,
                                             time.monotonic() - start), file=out)
        except StepFailed as exc:
            print("%s FAILED: %s" % (", ".join(for_root), exc), file=out)
            failed += for_root
    return 1 if failed else 0


# ---------------------------------------------------------------------------
# Running nox sessions where their Python is.


def _git_common_dir(checkout):
    done = subprocess.run(["git", "-C", str(checkout), "rev-parse", "--git-common-dir"],
                          capture_output=True, text=True)
    if done.returncode:
        return None
    path = Path(done.stdout.strip())
    return (path if path.is_absolute() else Path(checkout) / path).resolve()


class _mounted:
    """Bind the host's ``/proc``, ``/dev``, CA bundle and ``paths`` into the tree."""

    def __init__(self, root, paths):
        self.root, self.paths, self.done = Path(root), list(paths), []

    def _mount(self, args, target):
        target.mkdir(parents=True, exist_ok=True)
        subprocess.run(["mount", *args, str(target)], check=True)
        self.done.append(target)

    def __enter__(self):
        try:
            for name in ROOT_COPIES:
                if os.path.isfile(name):
                    dest = self.root / name.lstrip("/")
                    dest.unlink(missing_ok=True)  # a dangling symlink to systemd's stub
                    shutil.copyfile(name, dest)
            self._mount(["-t", "proc", "proc"], self.root / "proc")
            self._mount(["--rbind", "/dev"], self.root / "dev")
            for name in ROOT_READ_ONLY:
                if os.path.isdir(name):
                    target = self.root / name.lstrip("/")
                    self._mount(["--bind", name], target)
                    subprocess.run(["mount", "-o", "remount,bind,ro", str(target)], check=True)
            for path in self.paths:
                self._mount(["--bind", str(path)], self.root / str(path).lstrip("/"))
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        for target in reversed(self.done):
            subprocess.run(["umount", "--lazy", "--recursive", str(target)])
        self.done = []


def run_nox(sessions, nox_args=(), cache=None, checkout=ROOT, out=None):
    """Run nox ``sessions``: on the host, or inside the tree for its Pythons.

    On the host, noxfile.py finds the source-built targets in the cache
    itself. Sessions whose
    Python is only Debian's binary run in the tree, with nox from a venv of
    the tree's own newest Python and the checkout (and its git folder)
    mounted at the same path.

    Returns
    -------
    status : int
        0 when every session passed.
    """
    out = sys.stdout if out is None else out
    cache = Path(cache) if cache else default_cache()
    # Whichever of the sessions' Pythons this tool makes and the cache lacks,
    # first (pyenv's are not its business).
    wanted = [session_python(s) for s in sessions]
    wanted = [n for n in dict.fromkeys(wanted) if n in KNOWN_TARGETS and shutil.which(
        executable_name(n)) is None]
    missing = [n for n, (how, _) in status(cache, wanted).items() if how is None]
    if missing and build(cache, missing, out=out):
        return 2
    found = status(cache)
    in_root = {name for name, (how, _) in found.items() if how == "debian-root"}
    env = dict(os.environ)
    # virtualenv asks each interpreter about itself with a 15 s time-out,
    # which a loaded two-core machine overruns ("failed to query ...
    # timed out").
    env.setdefault("PY_DISCOVERY_TIMEOUT", "180")
    host, rooted = plan_sessions(sessions, in_root)
    result = 0
    if host:
        # noxfile.py links the cache's builds where nox looks.
        nox = [sys.executable, "-m", "nox", "--no-color", "-f", str(checkout / "noxfile.py"),
               "-s", *host, *nox_args]
        print("$ %s" % " ".join(nox), file=out, flush=True)
        result = subprocess.run(nox, env=env).returncode or result
    if rooted:
        root = root_dir(cache)
        newest = max((found[n][1] for n in in_root), key=lambda p: int(p.name.split(".")[1]))
        venv = Path("/opt/nox-venv")
        mounts = [Path(checkout).resolve()]
        common = _git_common_dir(checkout)
        if common is not None and not str(common).startswith(str(mounts[0])):
            mounts.append(common)
        with _mounted(root, mounts):
            if not (root / venv.relative_to("/") / "bin" / "nox").exists():
                setup = [str(newest), "-m", "venv", str(venv)]
                subprocess.run(chroot_command(root, "/", setup), check=True)
                subprocess.run(chroot_command(root, "/", [
                    str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                    "pip>=25.1", "nox>=2025.2",
                ]), check=True)
            nox = [str(venv / "bin" / "nox"), "--no-color", "-f",
                   str(mounts[0] / "noxfile.py"), "-s", *rooted, *nox_args]
            print("$ (in %s) %s" % (root, " ".join(nox)), file=out, flush=True)
            result = subprocess.run(chroot_command(root, mounts[0], nox), env=env).returncode or result
    return result


def main(argv=None):
    """Command line; see the module's docstring."""
    parser = argparse.ArgumentParser(prog="python -m maint_tools.pythons")
    parser.add_argument("--cache", default=None, help="default: %s" % default_cache())
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("status")
    make = sub.add_parser("build")
    make.add_argument("names", nargs="*", default=list(DEFAULT_TARGETS))
    make.add_argument("--jobs", type=int, default=2)
    nox = sub.add_parser("nox")
    nox.add_argument("sessions", nargs="+")
    argv = list(sys.argv[1:] if argv is None else argv)
    # What follows "--" is the sessions' own (nox's posargs): argparse would
    # take it for more session names.
    posargs = argv[argv.index("--"):] if "--" in argv else []
    args, rest = parser.parse_known_args(argv[:len(argv) - len(posargs)])
    cache = Path(args.cache) if args.cache else default_cache()
    if args.command == "status":
        for name, (how, path) in status(cache).items():
            print("%-6s %s" % (name, "%s: %s" % (how, path) if how else "missing"))
        return 0
    if args.command == "build":
        for name in args.names:
            parse_target(name)
        return build(cache, args.names, args.jobs)
    return run_nox(args.sessions, rest + posargs, cache)


if __name__ == "__main__":
    sys.exit(main())
