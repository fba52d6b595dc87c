# SPDX-License-Identifier: BSD-3-Clause
"""What clone costs in your own code: :func:`profile` and ``python -m sklearn_slep017 profile``.

While the ``with`` block runs, the clone installed in scikit-learn (upstream's,
or ours after :func:`sklearn_slep017.enable`) is wrapped, in every module
holding it, by a timer that counts outermost calls only, with the estimator
nodes each one cloned. A reservoir sample of the very trees cloned is kept;
on leaving the block they are cloned again, upstream's clone and the
compiled one side by side (``timing.py``, the bench harness), and the ratio
scales the measured clone time to what each implementation would have
taken. Joblib's ``Parallel`` calls are recorded too: what ran in worker
processes is not seen, and the report says so.
"""

import contextlib
import logging
import random
import threading

from .. import _names, _switch
from .._bench import timing
from . import hooks, savings

__all__ = ["CloneProfile", "profile"]

#: Trees kept by default for the side-by-side estimate.
DEFAULT_SAMPLE = 20
#: Seconds the side-by-side estimate may take by default.
DEFAULT_BUDGET = 3.0


def _fmt_seconds(seconds):
    if seconds >= 1:
        return "%.3g s" % seconds
    if seconds >= 1e-3:
        return "%.3g ms" % (seconds * 1e3)
    return "%.3g us" % (seconds * 1e6)


def _fmt_share(part, whole):
    if not whole:
        return "n/a"
    share = 100.0 * part / whole
    return "%.2g%%" % share if share < 10 else "%.0f%%" % share


class CloneProfile:
    """What :func:`profile` measured: clone's calls, time and the estimate.

    Filled while the ``with`` block runs and completed when it exits; read
    its attributes or print :meth:`report`. Made by :func:`profile`, not
    by hand.

    Parameters
    ----------
    sample_size : int, default=20
        Trees kept (a uniform sample of the calls) for the estimate.
    seed : int, default=0
        Seed of that sample.

    Attributes
    ----------
    calls : int
        Outermost clone calls (a clone's own recursion is not counted).
    nodes : int
        Estimator nodes those calls cloned (objects with ``get_params``).
    clone_seconds : float
        Wall time inside those calls.
    wall_seconds : float or None
        Wall time of the block, less the profiler's own bookkeeping.
    overhead_seconds : float
        The profiler's own bookkeeping (node counting, sampling), left out
        of ``wall_seconds``; the estimate's timing comes after the block.
    sklearn_clone : str
        The clone scikit-learn used in the block, as
        :func:`sklearn_slep017.status` names it.
    estimate : dict or None
        The side-by-side timing of the sampled trees: ``"trees"`` timed,
        ``"nodes"`` in them, ``"seconds"`` (seconds to clone each of them
        once, the best of three calls per tree, summed, by implementation), and ``"clone_seconds"``: the measured
        clone time scaled to each implementation. None when nothing was
        cloned; ``{"error": ...}`` when the estimate could not be made.
    parallel : list of dict
        One entry per joblib ``Parallel`` call: ``"backend"``, ``"n_jobs"``
        (effective), ``"tasks"`` and ``"processes"`` (whether its tasks ran
        in other processes, where this profiler does not see them).

    Examples
    --------
    >>> import sklearn_slep017
    >>> from sklearn.base import clone
    >>> from sklearn.linear_model import Ridge
    >>> with sklearn_slep017.profile(estimate=False) as p:
    ...     _ = clone(Ridge())
    >>> p.calls, p.nodes
    (1, 1)
    """

    def __init__(self, sample_size=DEFAULT_SAMPLE, seed=0):
        self.calls = 0
        self.nodes = 0
        self.clone_seconds = 0.0
        self.wall_seconds = None
        self.overhead_seconds = 0.0
        self.sklearn_clone = None
        self.route = None
        self.estimate = None
        self.parallel = []
        self.worker_state = None
        self._sample_size = sample_size
        self._rng = random.Random(seed)
        self._sample = []  # (tree, nodes) pairs, a reservoir over the calls
        self._trees_seen = 0
        self._lock = threading.Lock()

    # -- recording ---------------------------------------------------------

    def _record(self, estimator, seconds, nodes, overhead):
        with self._lock:
            self.calls += 1
            self.nodes += nodes
            self.clone_seconds += seconds
            self.overhead_seconds += overhead
            if nodes == 0 or self._sample_size <= 0:
                return
            self._trees_seen += 1  # the reservoir is over the calls with a tree
            if len(self._sample) < self._sample_size:
                self._sample.append((estimator, nodes))
            else:
                j = self._rng.randrange(self._trees_seen)
                if j < self._sample_size:
                    self._sample[j] = (estimator, nodes)

    # -- what it found -----------------------------------------------------

    def processes_unseen(self):
        """The joblib calls whose tasks ran in other processes.

        Returns
        -------
        calls : list of dict
            The entries of :attr:`parallel` with ``"processes"`` true.
        """
        return [entry for entry in self.parallel if entry["processes"]]

    def as_dict(self):
        """Everything measured, as plain data (the ``--json`` output).

        Returns
        -------
        data : dict
            The attributes, ``since`` and other objects written as strings.
        """
        return dict(
            calls=self.calls,
            nodes=self.nodes,
            clone_seconds=self.clone_seconds,
            wall_seconds=self.wall_seconds,
            overhead_seconds=self.overhead_seconds,
            sklearn_clone=self.sklearn_clone,
            route=self.route,
            estimate=self.estimate,
            parallel=hooks.summarised(self.parallel),
            worker_state=self.worker_state,
        )

    def report(self):
        """The profile in words, as the ``profile`` verb prints it.

        Returns
        -------
        text : str
            A few lines, without a trailing newline: the share of the wall
            time in clone, the calls and nodes, the estimate for the other
            implementation and what joblib's worker processes did.
        """
        wall = self.wall_seconds or 0.0
        live = self.sklearn_clone or "upstream"
        who = (
            "upstream's clone (sklearn_slep017 not enabled)" if live == "upstream"
            else "the %s clone (enabled through %s)" % (live, self.route)
            if live in _names.NAMES else "a clone sklearn_slep017 did not install"
        )
        lines = ["sklearn_slep017 profile: scikit-learn cloned with %s" % who]
        per_call = (self.nodes / self.calls) if self.calls else 0
        lines.append(
            "clone: %s of %s, %s call%s, %s estimator node%s (%.3g per call), %s in clone"
            % (_fmt_share(self.clone_seconds, wall), _fmt_seconds(wall),
               "{:,}".format(self.calls), "" if self.calls == 1 else "s",
               "{:,}".format(self.nodes), "" if self.nodes == 1 else "s",
               per_call, _fmt_seconds(self.clone_seconds))
        )
        lines.extend(self._estimate_lines(wall, live))
        lines.extend(self._parallel_lines())
        lines.append(
            "profiler bookkeeping: %s, left out of the wall time"
            % _fmt_seconds(self.overhead_seconds)
        )
        return "\n".join(lines)

    def _estimate_lines(self, wall, live):
        est = self.estimate
        if est is None:
            return ["no estimate: nothing was cloned in this process" if not self.calls
                    else "no estimate: not asked for"]
        if "error" in est:
            return ["no estimate: %s" % est["error"]]
        seconds = est["clone_seconds"]
        ratio = est["seconds"]["upstream"] / est["seconds"]["compiled"]
        basis = (
            "timed side by side on %d of the trees cloned (%s nodes): the compiled "
            "clone %.3gx faster than upstream's" % (est["trees"], "{:,}".format(est["nodes"]), ratio)
        )
        if live == "compiled":
            saving = seconds["upstream"] - self.clone_seconds
            head = (
                "with upstream's clone: about %s of the wall time; the compiled "
                "clone saves about %s here (%s of the run)"
                % (_fmt_share(seconds["upstream"], wall + saving), _fmt_seconds(saving),
                   _fmt_share(saving, wall + saving))
            )
        else:
            saving = self.clone_seconds - seconds["compiled"]
            head = (
                "with the compiled clone: about %s, saving about %s (%s of the run)"
                % (_fmt_share(seconds["compiled"], wall - saving), _fmt_seconds(saving),
                   _fmt_share(saving, wall))
            )
        lines = [head, "  " + basis]
        if live == "compiled":
            lines.append(
                "  an upper bound: scaled from the compiled clone's time in this run, "
                "which a real search's cold caches slow more than upstream's; "
                "profile without enable() to size the saving"
            )
        if live not in ("upstream", "compiled"):
            extra = seconds["upstream"] - self.clone_seconds
            lines.insert(1, "with upstream's clone: about %s of the wall time (%s more in clone)"
                         % (_fmt_share(seconds["upstream"], wall + extra), _fmt_seconds(extra)))
        if wall and abs(saving) / wall < 0.03:
            lines.append(
                "  a saving under 3% of the run is within the run-to-run noise of "
                "most searches: the fits dominate here"
            )
        return lines

    def _parallel_lines(self):
        unseen = self.processes_unseen()
        if not unseen:
            if self.parallel:
                return ["joblib: %d Parallel call%s, all in this process (seen)"
                        % (len(self.parallel), "" if len(self.parallel) == 1 else "s")]
            return []
        tasks = sum(entry["tasks"] or 0 for entry in unseen)
        backends = sorted({"%s, n_jobs=%s" % (e["backend"], e["n_jobs"]) for e in unseen})
        lines = [
            "worker processes: %d joblib call%s sent %s task%s to other processes "
            "(%s); the clones made there are NOT counted above. Searches clone "
            "the estimator in this process and each candidate's parameters in "
            "the workers; profile with n_jobs=1 to see every clone"
            % (len(unseen), "" if len(unseen) == 1 else "s", "{:,}".format(tasks),
               "" if tasks == 1 else "s", "; ".join(backends))
        ]
        if self.worker_state:
            lines.append("  the workers: %s" % self.worker_state)
        return lines

    def plot(self, path):
        """Plot where the time went, and the sampled trees timed side by side.

        Left: the run's wall time split into clone and the rest, as run and
        as estimated with each implementation. Right: seconds per clone of
        each sampled tree against its nodes, upstream's and compiled. Needs
        matplotlib (the ``bench`` extra).

        Parameters
        ----------
        path : str or path-like
            Where to save the PNG.
        """
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import matplotlib.ticker

        fig, (bars, scatter) = plt.subplots(1, 2, figsize=(12, 4.5), dpi=110)
        wall = self.wall_seconds or 0.0
        rest = max(wall - self.clone_seconds, 0.0)
        rows = [("as run (%s)" % (self.sklearn_clone or "upstream"), self.clone_seconds)]
        est = self.estimate or {}
        for name in ("upstream", "compiled"):
            if "clone_seconds" in est and name != self.sklearn_clone:
                rows.append(("with %s (estimate)" % name, est["clone_seconds"][name]))
        labels = [label for label, _ in rows]
        clone_times = [seconds for _, seconds in rows]
        bars.barh(labels, clone_times, color="tab:red", label="clone")
        bars.barh(labels, [rest] * len(rows), left=clone_times, color="0.75", label="everything else")
        for i, seconds in enumerate(clone_times):
            bars.text(seconds + rest, i, " clone %s" % _fmt_share(seconds, seconds + rest),
                      va="center", fontsize=8)
        bars.invert_yaxis()
        bars.set_xlabel("seconds of wall time")
        bars.set_title("where the time went: %s clone calls" % "{:,}".format(self.calls), fontsize=10)
        bars.legend(fontsize=8, loc="lower right")
        left, right = bars.get_xlim()
        bars.set_xlim(left, right * 1.25)
        for name, color in (("upstream", "tab:red"), ("compiled", "tab:green")):
            points = est.get("per_tree", [])
            scatter.scatter([p["nodes"] for p in points], [p[name] for p in points],
                            color=color, label=name, s=18)
        scatter.set_xscale("log")
        scatter.set_yscale("log")
        sizes = sorted({p["nodes"] for p in est.get("per_tree", [])})
        if sizes:  # ticks where the trees are
            scatter.set_xticks(sizes)
            scatter.set_xticklabels([str(n) for n in sizes])
            scatter.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        scatter.set_xlabel("estimator nodes of the sampled tree")
        scatter.set_ylabel("seconds per clone (best of 3 calls)")
        scatter.set_title("the sampled trees, timed side by side", fontsize=10)
        scatter.grid(True, alpha=0.4)
        if est.get("per_tree"):
            scatter.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(path)
        plt.close(fig)


@contextlib.contextmanager
def profile(*, sample=DEFAULT_SAMPLE, estimate=True, budget=DEFAULT_BUDGET):
    """Measure what clone costs inside a ``with`` block, and what it would cost.

    Counts the outermost calls of the clone scikit-learn uses (upstream's,
    or this package's after :func:`enable`), the estimator nodes they clone
    and the time they take, against the block's wall time. On leaving the
    block, up to ``sample`` of the trees cloned (a uniform sample of the
    calls) are cloned again with upstream's clone and with the compiled one,
    timed side by side (the best of three calls each, robust on a shared
    machine), and the ratio scales the measured clone time to what each
    would have taken in this run. Joblib's ``Parallel`` calls are
    recorded: clones made in worker processes (``n_jobs`` with the loky
    backend) are not seen, and :meth:`CloneProfile.report` says so.

    Parameters
    ----------
    sample : int, default=20
        Trees kept for the estimate; 0 keeps none.
    estimate : bool, default=True
        Time the sampled trees side by side on leaving the block.
    budget : float, default=3.0
        Seconds the estimate may take: sampled trees are timed (the best of
        three calls of each implementation) until then, at least one.

    Yields
    ------
    result : CloneProfile
        Filled during the block and completed on leaving it.

    See Also
    --------
    status : Which clone scikit-learn uses.

    Notes
    -----
    The wrapper adds one Python call to each clone scikit-learn makes
    (and, with upstream's clone, to each node of its recursion); with this
    package's clone, counting the nodes walks each tree once more. That
    bookkeeping is timed and left out of the wall time. The trees are kept
    alive until the block's end. The estimate, after the block, switches
    scikit-learn between upstream's clone and the compiled one while it
    times them, and leaves it as it found it: other threads should not be
    cloning meanwhile.

    Examples
    --------
    >>> import sklearn_slep017
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_validate
    >>> X, y = make_classification(random_state=0)
    >>> with sklearn_slep017.profile(budget=0.5) as p:
    ...     _ = cross_validate(LogisticRegression(), X, y, cv=3)
    >>> p.calls, p.nodes
    (3, 3)
    >>> print(p.report())  # doctest: +ELLIPSIS
    sklearn_slep017 profile: scikit-learn cloned with upstream's clone ...
    clone: ... of ..., 3 calls, 3 estimator nodes (1 per call), ...
    """
    result = CloneProfile(sample_size=sample)
    result.route = _switch._record["route"]
    result.worker_state = _switch._workers_state() if _switch.is_enabled() else None
    start = timing.clock()
    try:
        with hooks.parallel_recorded(result), hooks.clone_wrapped(result):
            yield result
    finally:
        result.wall_seconds = timing.clock() - start - result.overhead_seconds
        if estimate:
            try:
                result.estimate = savings.estimate(result, budget)
            except Exception as exc:  # never hide the block's own outcome
                result.estimate = {"error": "%s: %s" % (type(exc).__name__, exc)}
        result._sample = []
        logging.getLogger("sklearn_slep017").debug(
            "sklearn_slep017: profile: %d clone calls, %.3g s of %.3g s",
            result.calls, result.clone_seconds, result.wall_seconds,
        )


