"""The compatibility decisions, on the installed release, and the matrix report."""

import ast
import json

import pytest
from support import ROOT

from maint_tools import compat_report as _compat_report
from maint_tools.compat_report import POLICIES, check_policies, probe_behaviours
from sklearn_slep017 import _compat, _version_range


@pytest.fixture(scope="module")
def behaviours():
    return probe_behaviours()


def test_every_policy_holds_on_the_installed_release(behaviours):
    assert check_policies(behaviours) == []


def test_the_probe_sees_the_release(behaviours):
    # The probe measures; these are the facts of the release, read elsewhere.
    upstream = {name: values["upstream"] for name, values in behaviours.items()}
    assert (upstream["protocol"] == "delegates") is (_compat.SKLEARN_VERSION >= (1, 3))
    assert (upstream["dict_values"] == "cloned (unfitted)") is _compat.CLONES_DICT_VALUES
    assert (upstream["output_config"] == "copied") is _compat.HAS_OUTPUT_CONFIG
    assert (upstream["callbacks"] == "shared") is _compat.HAS_CALLBACKS
    expected_request = {None: "not carried", "deepcopy": "deepcopy", "clone": "clone"}
    assert upstream["metadata_request"] == expected_request[_compat.METADATA_REQUEST_COPY]


def test_the_protocol_is_backported(behaviours):
    for implementation in ("python", "cython"):
        assert behaviours["protocol"][implementation] == "delegates"
        assert behaviours["default_method"][implementation] == "yes"


def test_a_mock_parameter_is_cloned(behaviours):
    assert behaviours["mock_parameter"]["cython"] == "MagicMock returned"


def _record(release, **changes):
    values = {name: {"upstream": "a", "python": "a", "cython": "a"} for name in POLICIES}
    for name, value in _compat_report.BACKPORTED.items():
        values[name] = {"upstream": value, "python": value, "cython": value}
    values["mock_parameter"] = {"upstream": "RecursionError", "python": "ok", "cython": "ok"}
    for name, value in changes.items():
        values[name] = value
    return {"release": release, "behaviours": values, "suite": None, "doctests": None}


def test_check_policies_finds_each_kind_of_break():
    assert check_policies(_record(_version_range.NEWEST_SUPPORTED)["behaviours"]) == []
    broken = _record(
        "1.1.3",
        dict_values={"upstream": "deep", "python": "cloned", "cython": "cloned"},
        callbacks={"upstream": "a", "python": "a", "cython": "b"},
        mock_parameter={"upstream": "ok", "python": "RecursionError", "cython": "RecursionError"},
    )["behaviours"]
    problems = check_policies(broken)
    assert any(p.startswith("dict_values (python)") for p in problems)
    assert any(p.startswith("callbacks: the implementations disagree") for p in problems)
    assert any(p.startswith("mock_parameter (cython)") for p in problems)
    old = _record("1.1.3", protocol={"upstream": "ignores", "python": "ignores", "cython": "ignores"})
    assert any(p.startswith("protocol (") for p in check_policies(old["behaviours"]))


def test_report_tables(tmp_path):
    old = _record("1.1.3", dict_values={"upstream": "deep", "python": "deep", "cython": "deep"})
    old["suite"] = {"tests": 10, "passed": 9, "failures": 0, "errors": 0, "skipped": 1}
    old["upstream_suites"] = {"test_base-python": {"passed": 7, "upstream_own_failures": ["t"]}}
    for record in (old, _record("1.10.0")):
        (tmp_path / ("%s.json" % record["release"])).write_text(json.dumps(record))
    assert _compat_report.main(["aggregate", str(tmp_path)]) == 0
    text = (tmp_path / "report.md").read_text()
    # releases in version order, not string order
    assert text.index("| 1.1.3 |") < text.index("| 1.10.0 |")
    assert "9 passed, 1 skipped" in text
    assert "test_base-python: 7 passed (1 failing without us too)" in text
    assert "| values of a `dict` parameter | the release's own | deep | a |" in text
    assert "Policy problems: none" in text


def test_aggregate_without_records_is_an_error(tmp_path, capsys):
    assert _compat_report.main(["aggregate", str(tmp_path)]) == 2
    assert "make compat" in capsys.readouterr().err


def test_noxfile_covers_the_supported_range():
    # RELEASES, read without importing the noxfile (which links interpreters):
    # its ends are the names OLDEST and NEWEST, which the noxfile loads from
    # _version_range, and every other release is a literal.
    tree = ast.parse((ROOT / "noxfile.py").read_text())
    value = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "RELEASES"
    )
    names = {"OLDEST": _version_range.OLDEST_SUPPORTED, "NEWEST": _version_range.NEWEST_SUPPORTED}
    releases = [
        names[key.id] if isinstance(key, ast.Name) else ast.literal_eval(key) for key in value.keys
    ]
    versions = sorted(_version_range.parse_version(v) for v in releases)
    assert versions[0] == _version_range.MIN_SUPPORTED
    assert versions[-1] == _version_range.MAX_SUPPORTED
    # one session per minor release line, every line in between
    assert [v[1] for v in versions] == list(range(versions[0][1], versions[-1][1] + 1))
    assert len({v[:2] for v in versions}) == len(versions)
