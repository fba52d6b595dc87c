"""Every script in ``examples/`` runs and shows what it claims to show.

Each example runs in a subprocess with the current interpreter, once per
clone implementation (``SKLEARN_SLEP017_NO_EXTENSIONS=1`` selects the
reference). The assertions read the lines that carry each example's point,
so a regression in the behaviour demonstrated fails here, not just a crash.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sklearn_slep017 import _compat
from sklearn_slep017._clone import canonical_name

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# A guard against a hung script, not a performance assertion.
HANG_GUARD_SECONDS = 600


def run_example(name, impl_name):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
    )
    env.pop("SKLEARN_SLEP017_NO_EXTENSIONS", None)
    if impl_name == "reference":
        env["SKLEARN_SLEP017_NO_EXTENSIONS"] = "1"
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        cwd=str(ROOT),
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_SECONDS,
    )
    assert proc.returncode == 0, f"{name} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.stdout


def example_files():
    return sorted(path.name for path in EXAMPLES.glob("*.py"))


def test_every_example_is_tested():
    tested = {name[len("test_") :] + ".py" for name in globals() if name.startswith("test_plot_")}
    assert tested == set(example_files())


@pytest.mark.parametrize("name", example_files())
def test_example_shape(name):
    """Sphinx-gallery docstring (title underlined with '='), runnable as a script."""
    source = (EXAMPLES / name).read_text()
    match = re.match(r'"""\n(?P<title>[^\n]+)\n(?P<rule>=+)\n\n\S', source)
    assert match, f"{name}: no sphinx-gallery title block"
    assert len(match["rule"]) == len(match["title"])
    assert '\nif __name__ == "__main__":\n' in source
    assert "main()" in source.split('if __name__ == "__main__":')[-1]


def test_plot_frozen_prefit_members(impl_name):
    out = run_example("plot_frozen_prefit_members.py", impl_name)
    assert f"clone: {canonical_name(impl_name)}" in out
    for meta in ("StackingClassifier", "VotingClassifier", "CalibratedClassifierCV"):
        # control: unwrapped, the prefit member is replaced by a refitted copy
        assert re.search(
            rf"{meta} +with prefit \(unwrapped\) +prefit member kept: False +refitted copy: True",
            out,
        ), out
        assert re.search(
            rf"{meta} +with FrozenEstimator\(prefit\) +prefit member kept: True +"
            r"refitted copy: False",
            out,
        ), out
    assert "prefit coef_ unchanged: True" in out


def test_plot_deep_learning_wrapper(impl_name):
    out = run_example("plot_deep_learning_wrapper.py", impl_name)
    lines = out.splitlines()
    assert "does not seem to be a scikit-learn estimator as it does not implement a " \
        "'get_params' method" in out
    assert "TypeError: Cannot clone object '<__main__.NumpyMLP object" in out
    assert "TypeError: cannot pickle '_thread.lock' object" in out
    best = [line for line in lines if line.startswith("fix ") and ": best " in line]
    assert len(best) == 2, out
    assert best[0].startswith("fix 1, model-building callable: best {'epochs': ")
    assert best[1].startswith("fix 2, __sklearn_clone__ rebuilding the model: best {'epochs': ")
    assert "fix 2 rebuilt the model for each clone: True" in lines
    assert "both fixes give the same search results: True" in lines


def test_plot_mixin_search_space(impl_name):
    out = run_example("plot_mixin_search_space.py", impl_name)
    lines = out.splitlines()
    assert "plain estimator, space after clone: None" in lines
    assert "mixin estimator, space after clone: {'C': [0.01, 0.1, 1.0]}" in lines
    assert "constructor parameters unchanged: True" in lines
    assert any(
        line.startswith("tune(estimator) searched {'C': [0.01, 0.1, 1.0]}: best {'C': ")
        for line in lines
    ), out
    assert any(
        line.startswith(
            "tune(pipeline) searched {'tunablepolynomialfeatures__degree': [1, 2], "
            "'tunablelogisticregression__C': [0.1, 1.0]}: best "
        )
        for line in lines
    ), out
    assert "space kept on the search's refitted best estimator: True" in lines


def test_plot_metadata_routing(impl_name):
    out = run_example("plot_metadata_routing.py", impl_name)
    if _compat.SKLEARN_VERSION < (1, 4):
        assert out.startswith("skipped: metadata routing through GridSearchCV needs")
        return
    lines = out.splitlines()
    assert (
        "requests after clone: fit {'sample_weight': True}, score {'sample_weight': True}"
        in lines
    )
    assert "the clone has its own request object: True" in lines
    received = re.search(r"fits that received sample_weight: (\d+) of (\d+)", out)
    assert received, out
    # 2 candidates x 3 folds + the refit, every one with the weights
    assert received.group(1) == received.group(2) == "7"
    assert "best estimator fitted with the weights: True" in lines
    assert "without the request: UnsetMetadataPassedError: [sample_weight]" in out
