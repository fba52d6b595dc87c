"""How many times faster than upstream the compiled clone is, per workload.

Tracked as a number (unit "ratio", higher is better), so a regression of the
compiled path *relative to upstream on the same machine and run* shows as a
drop in asv's graphs, whatever the machine's absolute speed. Both clones are
timed in the same process by the package's harness
(``sklearn_slep017._bench.timing.side_by_side``, as ``python -m sklearn_slep017
bench`` times them): interleaved round-robin, median of the samples (each
sample a loop of at least 5 ms, after ``gc.collect()`` and one untimed call,
results kept alive until the clock stops).
"""

from . import common
from .common import QUICK, WORKLOADS, compiled_clone, make_workload, upstream_clone

REPEATS = 3 if QUICK else 9


class TrackSpeedup:
    params = [WORKLOADS]
    param_names = ["workload"]
    unit = "ratio"
    timeout = 300

    def setup(self, workload):
        common.require_harness()
        obj = make_workload(workload)
        upstream, compiled = upstream_clone(), compiled_clone()
        self.fns = {"upstream": lambda: upstream(obj), "compiled": lambda: compiled(obj)}

    def track_upstream_over_compiled(self, workload):
        medians = common.side_by_side(self.fns, repeats=REPEATS)
        return medians["upstream"] / medians["compiled"]
