"""Clone speed and memory: every implementation on every workload.

``implementation`` is one of ``upstream`` (``sklearn.base.clone`` as
installed), ``reference`` (``_clone_py.clone`` under ``enable("reference")``),
``compiled`` (``_clone_c.clone``) and ``floor`` (the constructors alone); see
``common.py``. Each ``setup`` builds the seeded workload and calls the
implementation once, untimed, to warm its caches.

asv times with the garbage collector disabled and counts the deallocation of
each clone (``make bench`` does neither), so absolute numbers differ a little
from ``make bench``'s; compare like with like.
"""

from .common import IMPLEMENTATIONS, WORKLOADS, clone_callable, make_workload, reset


class TimeClone:
    params = [IMPLEMENTATIONS, WORKLOADS]
    param_names = ["implementation", "workload"]

    def setup(self, implementation, workload):
        self.clone = clone_callable(implementation, make_workload(workload))
        self.clone()

    def teardown(self, implementation, workload):
        reset()

    def time_clone(self, implementation, workload):
        self.clone()


class PeakMemClone:
    """Peak resident memory of the process while cloning (asv's ``peakmem``:
    includes the interpreter, scikit-learn and the workload itself; the
    differences between implementations are what the clone adds)."""

    params = [IMPLEMENTATIONS, WORKLOADS]
    param_names = ["implementation", "workload"]

    def setup(self, implementation, workload):
        self.clone = clone_callable(implementation, make_workload(workload))

    def teardown(self, implementation, workload):
        reset()

    def peakmem_clone(self, implementation, workload):
        self.clone()
