# SPDX-License-Identifier: BSD-3-Clause
"""The profiler's estimate: the sampled trees cloned again, side by side.

Upstream's clone and the compiled one (and the reference, when that was the
one in force) clone each sampled tree a few times (``timing.one_call``, the
bench harness's clock), and the best call of each is kept; the ratio of
their sums over the trees scales the clone time measured in the user's run. scikit-learn is switched for each contender and left exactly
as it was: the same objects installed, the same route and time in
:func:`sklearn_slep017.status`, no logging record.
"""

import contextlib

from .. import _clone, _compat, _switch
from .._bench import timing

#: Single calls per tree and contender; the best is kept.
REPEATS = 3

@contextlib.contextmanager
def _scikit_learn_on(name):
    """Have scikit-learn clone with ``name`` ("upstream" or an implementation)
    inside the block, and leave it exactly as it was afterwards (the route,
    time and environment :func:`sklearn_slep017.status` reports included)."""
    live = _switch._live_impl
    want = None if name == "upstream" else _clone.get_implementation(name)
    if live is want:
        yield
        return
    saved_record = dict(_switch._record)
    saved_route = saved_record["route"]
    saved_forwarders = dict(_switch._installed)
    logger = _switch.logger
    was_disabled = logger.disabled
    logger.disabled = True  # the toggles of a measurement are no switch
    _switch._record["workers_env"] = _switch._MISSING  # the environment stays
    try:
        if live is not None:
            _switch.disable()
        if want is not None:
            _switch._enable(name, "enable()")
        yield
    finally:
        if _switch._live_impl is not None:
            _switch.disable()
        if live is not None:
            _switch._enable(_clone.name_of(live), saved_route, forwarders=saved_forwarders)
        _switch._record.update(saved_record)
        logger.disabled = was_disabled


def estimate(result, budget):
    """Time the sampled trees side by side; fill ``result.estimate``."""
    if not result.calls:
        return None
    if not result._sample:
        return {"error": "no sampled tree had an estimator node"}
    if "compiled" not in _clone.IMPLEMENTATIONS:
        return {"error": "the compiled extension is not available in this install"}
    compiled = _clone.get_implementation("compiled").clone
    upstream = _compat.UPSTREAM_CLONE
    contenders = ["upstream", "compiled"]
    live = result.sklearn_clone
    if live == "reference":
        contenders.append("reference")
    functions = {
        "upstream": lambda tree: (lambda: upstream(tree)),
        "compiled": lambda tree: (lambda: compiled(tree)),
        "reference": lambda tree: (lambda: _clone.get_implementation("reference").clone(tree)),
    }
    contexts = {name: (lambda name=name: _scikit_learn_on(name)) for name in contenders}
    # Trees whose clone raises again (or now) are left out, and said so.
    trees, failures = [], []
    for tree, nodes in result._sample:
        try:
            for name in contenders:
                with contexts[name]():
                    functions[name](tree)()
        except Exception as exc:
            failures.append("%s: %s" % (type(exc).__name__, exc))
            continue
        trees.append((tree, nodes))
    if not trees:
        return {"error": "cloning the sampled trees again failed (%s)" % "; ".join(failures[:2])}
    # Per tree and contender, the best of REPEATS single calls, after a warm
    # one: a call of tens of microseconds mostly fits in one time slice, so
    # the best of a few is the undisturbed time even on a loaded machine,
    # where samples of a looped call (a median, or even their best) carry
    # other processes' share. At least one tree, then as many as the budget.
    deadline = timing.clock() + budget
    per_tree = []
    for tree, nodes in trees:
        if per_tree and timing.clock() > deadline:
            break
        entry = {"nodes": nodes}
        for name in contenders:
            fn = functions[name](tree)
            with contexts[name]():
                entry[name] = min(timing.one_call(fn) for _ in range(REPEATS))
        per_tree.append(entry)
    seconds = {name: sum(entry[name] for entry in per_tree) for name in contenders}
    if live in seconds:
        basis = seconds[live]
        scaled = {name: result.clone_seconds * seconds[name] / basis for name in contenders}
    else:  # a clone we did not install: the sample's times as measured
        scaled = {name: seconds[name] * result.calls / len(per_tree) for name in contenders}
    return dict(
        trees=len(per_tree),
        nodes=sum(entry["nodes"] for entry in per_tree),
        repeats=REPEATS,
        seconds=seconds,
        clone_seconds=scaled,
        per_tree=per_tree,
        failures=failures,
    )


