"""maint_tools.freethreaded: its pure parts (reading apt's configuration,
the private apt options, configure's arguments, pytest's summary line).

The build itself (tens of minutes) is run by hand: ``make test-freethreaded``.
"""

from pathlib import Path

from maint_tools import freethreaded as ft

# Placeholders: no real host name in the repository.
MIRROR = "http://mirror.invalid/debian"
SECURITY = "http://mirror.invalid/debian-security"

DEB822 = """\
Types: deb
# a snapshot of the archive, as a comment
URIs: %s
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: %s
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
""" % (MIRROR, SECURITY)

THIRD_PARTY = """\
Types: deb
URIs: https://vendor.invalid/node_20.x
Suites: nodistro
Components: main
Signed-By: /usr/share/keyrings/vendor.gpg
"""


def test_parse_deb822_stanzas_and_comments():
    stanzas = ft.parse_deb822(DEB822)
    assert [s["URIs"] for s in stanzas] == [MIRROR, SECURITY]
    assert stanzas[0]["Suites"] == "bookworm bookworm-updates"


def test_parse_deb822_continuation_lines():
    (stanza,) = ft.parse_deb822("Types: deb\nURIs: a\n b\nSuites: x\n")
    assert stanza["URIs"] == "a b"


def test_parse_one_line_drops_options_and_comments():
    text = "# comment\ndeb [arch=amd64 signed-by=/k.gpg] %s bookworm main contrib\n" % MIRROR
    assert ft.parse_one_line(text) == [
        {"Types": "deb", "URIs": MIRROR, "Suites": "bookworm", "Components": "main contrib"}
    ]


def test_debian_mirror_is_the_main_archive():
    stanzas = ft.parse_deb822(THIRD_PARTY) + ft.parse_deb822(DEB822)
    assert ft.debian_mirror(stanzas) == MIRROR


def test_debian_mirror_never_picks_security_or_third_party():
    security_only = [s for s in ft.parse_deb822(DEB822) if s["URIs"] == SECURITY]
    assert ft.debian_mirror(security_only) is None
    assert ft.debian_mirror(ft.parse_deb822(THIRD_PARTY)) is None
    disabled = ft.parse_deb822(DEB822.replace("Types: deb\n", "Enabled: no\nTypes: deb\n", 1))
    assert ft.debian_mirror(disabled) is None


def test_debian_mirror_one_line_without_signed_by():
    stanzas = ft.parse_one_line("deb %s bookworm main\n" % MIRROR)
    assert ft.debian_mirror(stanzas) == MIRROR
    assert ft.debian_mirror(ft.parse_one_line("deb https://vendor.invalid/apt x main\n")) is None


def test_read_apt_sources_reads_what_apt_reads(tmp_path):
    parts = tmp_path / "sources.list.d"
    parts.mkdir()
    (parts / "debian.sources").write_text(DEB822)
    (parts / "vendor.sources.disabled-by-someone").write_text(THIRD_PARTY)
    (parts / "extra.list").write_text("deb-src %s trixie main\n" % MIRROR)
    stanzas = ft.read_apt_sources(tmp_path)
    assert [s["URIs"] for s in stanzas] == [MIRROR, SECURITY, MIRROR]
    assert ft.debian_mirror(stanzas) == MIRROR


def test_deb_src_entry_round_trips():
    (stanza,) = ft.parse_deb822(ft.deb_src_entry(MIRROR))
    assert stanza == {
        "Types": "deb-src",
        "URIs": MIRROR,
        "Suites": "trixie",
        "Components": "main",
        "Signed-By": ft.KEYRING,
    }


def test_apt_options_keep_apt_in_its_own_state(tmp_path):
    options = ft.apt_options(tmp_path)
    values = dict(o.split("=", 1) for o in options if o != "-o")
    assert values["Dir::Etc::sourceparts"] == "-"
    for key in ("Dir::Etc::sourcelist", "Dir::State::Lists", "Dir::Cache"):
        assert Path(values[key]).is_relative_to(tmp_path), key


def test_configure_args_are_free_threaded_without_pgo():
    args = ft.configure_args("/x/python")
    assert "--disable-gil" in args and "--prefix=/x/python" in args
    assert not any("optimizations" in a or "lto" in a for a in args)


def test_orig_tarball(tmp_path):
    assert ft.orig_tarball(tmp_path) is None
    (tmp_path / "python3.13_3.13.5-2.debian.tar.xz").write_text("")
    (tmp_path / "python3.13_3.13.5.orig.tar.xz").write_text("")
    assert ft.orig_tarball(tmp_path).name == "python3.13_3.13.5.orig.tar.xz"


def test_summary_line():
    output = "....\n=== 12 passed, 2 skipped in 3.10s ===\n"
    assert ft.summary_line(output) == "12 passed, 2 skipped in 3.10s"
    assert ft.summary_line("") == "(no output)"


def test_no_host_name_in_the_tool():
    # The mirror is read from apt's configuration at run time, never written.
    text = Path(ft.__file__).read_text()
    assert "://" not in text


def test_upstream_tests_of_the_patched_release_exist():
    # Step 5 runs these from the overlay of the newest release's series, a
    # copy of the installed release (the free-threaded venv's, by default the
    # newest supported).
    import pytest
    import sklearn

    newest = ft.NEWEST_SKLEARN
    if sklearn.__version__ != newest:
        pytest.skip("step 5 overlays the %s series; scikit-learn %s here"
                    % (newest, sklearn.__version__))
    root = Path(sklearn.__file__).parent.parent
    for path in ft.UPSTREAM_TESTS:
        assert (root / path).exists(), path
    assert ft.UPSTREAM_STRESS >= 10
