"""Clone speed per estimator family outside scikit-learn's base class.

Families (``sklearn_slep017._bench.families``): ``skbase`` (sktime's
estimators, first ``SIZE`` classes of its registry that construct with
defaults), ``pyod`` (its detectors), ``hand-written get_params`` and
``custom __getattr__`` (small meta-estimators around scikit-learn's).
Contenders: ``upstream``, ``compiled``, ``floor`` (the constructors plus the
user code upstream's clone calls that the compiled clone cannot prove pure,
e.g. an overridden ``get_params`` twice per node) and ``constructors``.

The libraries are the project's ``families`` dependency group (installed in
CI). Without them, or on a commit of the project that predates the
families module, ``setup`` raises ``NotImplementedError`` with the reason
printed, and asv skips the benchmark.
"""

import sys
import warnings

from .common import QUICK, side_by_side

FAMILIES = ["skbase", "pyod", "hand-written get_params", "custom __getattr__"]
CONTENDERS = ["upstream", "compiled", "floor", "constructors"]
SIZE = 5 if QUICK else 100
REPEATS = 3 if QUICK else 9
if QUICK:
    FAMILIES = ["skbase", "hand-written get_params"]


def _contenders(family):
    try:
        from sklearn_slep017._bench import families
    except ImportError:  # a commit before the bench room (sklearn_slep017/_bench/)
        try:
            from sklearn_slep017 import _bench_families as families
        except ImportError as exc:
            message = "families benchmark: this commit has no families bench (%s)" % exc
            print(message, file=sys.stderr)
            raise NotImplementedError(message) from None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            objects = families.family_objects(family, SIZE)
        except ImportError as exc:
            message = ("families benchmark: %s skipped: %s (install the 'families' "
                       "dependency group)" % (family, exc))
            print(message, file=sys.stderr)
            raise NotImplementedError(message) from None
        return families.contenders(objects), len(objects)


class TimeFamilyClone:
    """Seconds to clone (or build) every object of the family once."""

    params = [CONTENDERS, FAMILIES]
    param_names = ["implementation", "family"]
    timeout = 300

    def setup(self, implementation, family):
        fns, self.n = _contenders(family)
        self.fn = fns[implementation]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.fn()

    def time_family_clone(self, implementation, family):
        self.fn()


class TrackFamilyFloorRatio:
    """Compiled clone over the family's floor, timed side by side (lower is
    better; 1 is the floor)."""

    params = [FAMILIES]
    param_names = ["family"]
    unit = "ratio"
    timeout = 600

    def setup(self, family):
        fns, _ = _contenders(family)
        self.fns = {"compiled": fns["compiled"], "floor": fns["floor"]}

    def track_compiled_over_floor(self, family):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            medians = side_by_side(self.fns, repeats=REPEATS)
        return medians["compiled"] / medians["floor"]
