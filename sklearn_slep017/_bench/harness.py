# SPDX-License-Identifier: BSD-3-Clause
"""Clone speed, side by side, in one process: ``python -m sklearn_slep017 bench``.

Implementations timed on the same estimator trees:

``upstream``
    ``sklearn.base.clone`` as installed, untouched (the run refuses to start
    while :func:`sklearn_slep017.enable` is in force).
``reference``
    ``_clone_py.clone`` under ``sklearn_slep017.enabled("reference")``, so that
    ``BaseEstimator._get_param_names`` (called by ``get_params``) is the
    cached one: what a user of ``enable("reference")`` gets.
``reference-standalone``
    ``_clone_py.clone`` with nothing enabled: ``get_params`` still pays
    upstream's ``inspect.signature`` on every node.
``compiled``
    ``_clone_c.clone``.
``floor``
    Only the constructors: a flat list of ``(class, kwargs)`` for every
    estimator node is built outside the timed region, and the timed body
    calls each class with its kwargs. No clone can be faster.
``exact-floor``
    Where parameters hold values upstream deep-copies with their type's own
    ``__deepcopy__`` (numpy's scalars and arrays), the floor plus those
    calls, ``type(value).__deepcopy__(value, {})`` for each, which an exact
    clone must make too. Timed only on workloads holding such values; on the
    others it is the floor.

How it measures, and why (the timing itself is ``timing.py``'s, the same
harness the asv suite's ratios use):

* the implementations are interleaved round-robin inside every repeat (the
  starting one rotates), so that noise from a shared machine hits all of
  them alike; medians are reported, with min and max;
* ``gc.collect()`` runs before every timed sample so each starts from the
  same heap, but the collector stays enabled while timing, as in real use;
* a sample of a fast call loops over it ``number`` times (chosen per
  implementation so that a sample lasts a few milliseconds) and keeps every
  result alive until the clock stops, so deallocation is not timed;
* each implementation is called once before timing, which warms its caches
  (as any search that clones many times does) and gives a result to check
  against upstream's, so a broken build cannot pass as a fast one;
* peak memory is a separate pass under ``tracemalloc``: the peak of traced
  allocations during one call, the returned clone included.
"""

import argparse
import datetime
import gc
import os
import platform
import statistics
import sys
import tracemalloc

import numpy
import sklearn
import sklearn.base

import sklearn_slep017

from .. import _clone_py, _compat
from . import timing, workloads
from .report import fmt_bytes, fmt_time, format_markdown, plot, write_results

__all__ = [
    "IMPLEMENTATIONS",
    "add_arguments",
    "format_markdown",
    "plot",
    "run",
    "run_benchmark",
    "write_results",
]

IMPLEMENTATIONS = {
    "upstream": "sklearn.base.clone as installed, untouched",
    "reference": (
        "sklearn_slep017._clone_py.clone under sklearn_slep017.enabled('reference'), "
        "so BaseEstimator._get_param_names is the cached one"
    ),
    "reference-standalone": (
        "sklearn_slep017._clone_py.clone with nothing enabled "
        "(get_params still calls upstream's uncached _get_param_names)"
    ),
    "compiled": "sklearn_slep017._clone_c.clone",
    "floor": (
        "only the constructors: each estimator node's class called with its "
        "get_params(deep=False), precomputed outside the timed region"
    ),
    "exact-floor": (
        "the floor plus the __deepcopy__ calls an exact clone must make (numpy's "
        "scalars and arrays held by parameters), on workloads holding such values"
    ),
}

DEFAULT_WIDTHS = (1, 10, 100, 1000)
DEFAULT_FLAT = 1000
DEFAULT_NUMPY = 1000
# Per workload, the time the timing loop should take when --repeats is not
# given: 7 workloads of ~12 s (24 s at worst, see run_benchmark) plus
# calibration and the memory pass keep `make bench` under 4 minutes on a
# 2-core machine.
DEFAULT_BUDGET = 12.0
DEFAULT_SAMPLE_TIME = 5e-3
MIN_REPEATS, MAX_REPEATS = 5, 31
QUICK = dict(widths=(1, 2), flat=10, numpy=10, repeats=3, sample_time=1e-4)


# -- command line ----------------------------------------------------------


def _positive_int_list(text):
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("expected integers like 1,10,100: %r" % text)
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError("widths must be positive integers: %r" % text)
    return tuple(values)


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1: %r" % text)
    return value


def add_arguments(parser):
    """Add the ``bench`` options to an argument parser.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The ``bench`` subparser.
    """
    parser.add_argument(
        "objects", nargs="*", metavar="MODULE:OBJECT",
        help="your own estimator trees to time instead of the built-in workloads: "
        "an estimator instance, a class (built with no arguments) or a factory "
        "(called with none), as for the check verb, e.g. my_search:make_pipeline",
    )
    parser.add_argument(
        "--output", "-o", default="bench-results", metavar="DIR",
        help="directory for results.json, results.md and clone_time.png "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--quick", action="store_true",
        help="tiny sizes and 3 repeats: a smoke run for CI, not a measurement",
    )
    parser.add_argument(
        "--repeats", type=_positive_int, default=None, metavar="N",
        help="timed samples per implementation and workload (default: chosen "
        "per workload to fit --budget, between %d and %d)" % (MIN_REPEATS, MAX_REPEATS),
    )
    parser.add_argument(
        "--widths", type=_positive_int_list, default=None, metavar="W,W,...",
        help="nested-pipeline widths (default: %s)"
        % ",".join(map(str, DEFAULT_WIDTHS)),
    )
    parser.add_argument(
        "--flat", type=int, default=None, metavar="N",
        help="size of the flat list of estimators, 0 to skip (default: %d)"
        % DEFAULT_FLAT,
    )
    parser.add_argument(
        "--numpy", type=int, default=None, metavar="N",
        help="size of the list of estimators holding numpy values, which also "
        "adds a GridSearchCV whose grid holds numpy values; 0 skips both "
        "(default: %d)" % DEFAULT_NUMPY,
    )
    parser.add_argument(
        "--families", action="store_true",
        help="also time estimator families outside scikit-learn's base class "
        "(skbase/sktime, pyod, hand-written get_params, custom __getattr__) "
        "against their floors: families.md and families.json",
    )
    parser.add_argument(
        "--budget", type=float, default=DEFAULT_BUDGET, metavar="SECONDS",
        help="timing budget per workload used to choose repeats "
        "(default: %(default)s)",
    )


def run(args):
    """Run the ``bench`` subcommand from parsed arguments.

    Writes ``results.json``, ``results.md`` and ``clone_time.png`` into
    ``args.output``, reports progress on stderr, and prints the Markdown
    table on stdout.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed by a parser set up with :func:`add_arguments`.

    Returns
    -------
    status : int
        0 on success, 1 if an implementation raised (the others are still
        timed and reported).
    """
    quick = args.quick
    widths = args.widths or (QUICK["widths"] if quick else DEFAULT_WIDTHS)
    flat = args.flat if args.flat is not None else (QUICK["flat"] if quick else DEFAULT_FLAT)
    numpy_size = getattr(args, "numpy", None)
    if numpy_size is None:
        numpy_size = QUICK["numpy"] if quick else DEFAULT_NUMPY
    repeats = args.repeats or (QUICK["repeats"] if quick else None)
    objects = []
    if getattr(args, "objects", None):
        from ..checks._cli import SpecError, load_estimator

        for spec in args.objects:
            try:
                objects.append((spec, load_estimator(spec)))
            except SpecError as exc:
                print("error: %s: %s" % (spec, exc), file=sys.stderr)
                return 2
        # Your trees only, unless sizes of the built-in ones were asked for.
        widths = args.widths or ()
        flat = args.flat or 0
        numpy_size = getattr(args, "numpy", None) or 0
    results = run_benchmark(
        widths=widths,
        flat=flat,
        numpy_size=numpy_size,
        objects=objects,
        repeats=repeats,
        budget=args.budget,
        sample_time=QUICK["sample_time"] if quick else DEFAULT_SAMPLE_TIME,
        progress=sys.stderr,
    )
    results["settings"]["quick"] = quick
    paths = write_results(results, args.output)
    for path in paths:
        print("wrote %s" % path, file=sys.stderr)
    print(format_markdown(results, notes=False))
    if getattr(args, "families", False):
        from .families import run_families_section

        run_families_section(args.output, quick=quick, progress=sys.stderr)
    if results["failures"]:
        print("some implementations failed: %s" % ", ".join(results["failures"]),
              file=sys.stderr)
        return 1
    return 0


# -- workloads and implementations -----------------------------------------


def _count_workloads(widths, flat, numpy_size, objects):
    return len(widths) + bool(flat) + 2 * bool(numpy_size) + len(objects)


def _iter_workloads(widths, flat, numpy_size=0, objects=()):
    # Each workload comes with the smallest tree of its family (same classes)
    # for the untimed warm-up call before every sample; a user's tree warms
    # on itself.
    for spec, obj in objects:
        yield (spec, "user", workloads.count_nodes(obj), obj, obj)
    for width in widths:
        yield ("nested W=%d" % width, "nested", width,
               workloads.nested_pipeline(width), workloads.nested_pipeline(1))
    if flat:
        yield ("flat n=%d" % flat, "flat", flat,
               workloads.flat_estimators(flat), workloads.flat_estimators(1))
    if numpy_size:
        # 50 grid values in the default run, as in the grids users write
        values = min(50, numpy_size)
        yield ("numpy grid search v=%d" % values, "numpy-search", values,
               workloads.numpy_search(values), workloads.numpy_search(2))
        yield ("numpy params n=%d" % numpy_size, "numpy-params", numpy_size,
               workloads.numpy_estimators(numpy_size), workloads.numpy_estimators(2))


class _Implementation:
    """One contender: how to call it on a workload, and in which context."""

    def __init__(self, name, make, enable=None):
        self.name = name
        self.make = make  # workload object -> zero-argument callable
        self.enable = enable  # None or an implementation name for enable()

    def __enter__(self):
        if self.enable is not None:
            sklearn_slep017.enable(self.enable)
        return self

    def __exit__(self, *exc):
        if self.enable is not None:
            sklearn_slep017.disable()


def _make_floor(obj):
    calls = workloads.constructor_calls(obj)

    def floor():
        return [cls(**kwargs) for cls, kwargs in calls]

    return floor


def _make_exact_floor(obj):
    """The floor plus the own ``__deepcopy__`` calls; None where there are none."""
    calls = workloads.constructor_calls(obj)
    copies = workloads.own_deepcopies(obj)
    if not copies:
        return None

    def exact_floor():
        return ([cls(**kwargs) for cls, kwargs in calls],
                [deepcopy(value, {}) for deepcopy, value in copies])

    return exact_floor


def _implementations():
    upstream = sklearn.base.clone
    py_clone = _clone_py.clone
    from .. import _clone_c  # a missing extension must fail the run, not skip

    c_clone = _clone_c.clone
    return [
        _Implementation("upstream", lambda obj: lambda: upstream(obj)),
        _Implementation("reference", lambda obj: lambda: py_clone(obj), enable="reference"),
        _Implementation("reference-standalone", lambda obj: lambda: py_clone(obj)),
        _Implementation("compiled", lambda obj: lambda: c_clone(obj)),
        _Implementation("floor", _make_floor),
        _Implementation("exact-floor", _make_exact_floor),
    ]


def _signature(obj):
    # Structure and parameter values of an estimator tree, to check that each
    # implementation built what upstream builds. Parameter names come from
    # the cached lookup so that checking 5000 nodes stays cheap.
    if type(obj) in (list, tuple, set, frozenset):
        items = [_signature(o) for o in obj]
        return (type(obj).__name__, tuple(sorted(items, key=repr) if type(obj) in (set, frozenset) else items))
    if type(obj) is dict:
        return ("dict", tuple((k, _signature(v)) for k, v in obj.items()))
    if hasattr(obj, "get_params") and not isinstance(obj, type):
        names = _clone_py.get_param_names(type(obj))
        return (type(obj), tuple((n, _signature(getattr(obj, n))) for n in names))
    return repr(obj)


# -- measuring ---------------------------------------------------------------
# The timing itself (samples, interleaving, medians, peak memory) is
# timing.py's, shared with the asv suite; what follows chooses the numbers
# and repeats per workload, checks results against upstream's, and reports.


class _Progress:
    def __init__(self, stream):
        self.stream = stream
        self.start = timing.clock()

    def __call__(self, message):
        if self.stream is not None:
            elapsed = timing.clock() - self.start
            print("[%6.1fs] %s" % (elapsed, message), file=self.stream, flush=True)


class _Calibration:
    """What calibrating one workload found: who runs, and how to time them."""

    def __init__(self):
        self.live = []  # the implementations that did not raise, in order
        self.fns = {}  # name -> the timed call on the workload
        self.warm_fns = {}  # name -> the untimed call on the smallest tree
        self.numbers = {}  # name -> calls per sample
        self.estimates = {}  # name -> seconds one sample (and its warm-up) takes
        self.matches = {}  # name -> whether its clone is upstream's (None: floor)


def _refuse_if_enabled():
    if sklearn_slep017.is_enabled() or sklearn.base.clone is not _compat.UPSTREAM_CLONE:
        raise RuntimeError(
            "sklearn_slep017 is enabled in this process: disable() it before "
            "benchmarking, so that 'upstream' is scikit-learn's own clone."
        )


def _calibrate(implementations, label, obj, warm_obj, sample_time, failures, say):
    """Call every implementation once on the workload: warm it, time it, check it.

    An implementation that raises is recorded in ``failures`` (by name, then
    workload label) and left out; the others are still timed, and ``run``
    exits non-zero.
    """
    found = _Calibration()
    expected = None
    for impl in implementations:
        fn = impl.make(obj)
        if fn is None:  # not timed on this workload (exact-floor: the floor)
            continue
        try:
            with impl:
                result = fn()  # warm-up: caches filled as in any search
                seconds = timing.one_call(fn)
        except Exception as exc:
            failures.setdefault(impl.name, {})[label] = "%s: %s" % (type(exc).__name__, exc)
            say("ERROR: %s failed on %s: %s: %s" % (impl.name, label, type(exc).__name__, exc))
            continue
        found.live.append(impl)
        warm_fn = impl.make(warm_obj) or fn
        with impl:
            warm_cost = timing.one_call(warm_fn)
        if impl.name == "upstream":
            expected = _signature(result)
            found.matches[impl.name] = True
        elif impl.name in ("floor", "exact-floor"):
            found.matches[impl.name] = None  # builds a flat list, not a tree
        else:
            found.matches[impl.name] = _signature(result) == expected
            if not found.matches[impl.name]:
                say("WARNING: %s's clone of %s differs from upstream's" % (impl.name, label))
        del result
        found.fns[impl.name] = fn
        found.warm_fns[impl.name] = warm_fn
        number = timing.calls_per_sample(seconds, sample_time)
        found.numbers[impl.name] = number
        found.estimates[impl.name] = max(seconds * number, sample_time) + warm_cost
    return found


def _round_time(found):
    """Seconds one round (a sample of every live implementation) should take.

    The per-sample overheads (a collection, enable/disable for the reference)
    count too.
    """
    start = timing.clock()
    gc.collect()
    gc_cost = timing.clock() - start
    start = timing.clock()
    with sklearn_slep017.enabled("reference"):
        pass
    toggle_cost = timing.clock() - start
    return sum(found.estimates.values()) + len(found.live) * gc_cost + toggle_cost


def _choose_repeats(repeats, budget, round_time):
    """``repeats`` if given, else as many rounds as fit in ``budget`` (5 to 31)."""
    return repeats or int(min(MAX_REPEATS, max(MIN_REPEATS, budget // round_time)))


def _sample_workload(found, label, n_repeats, repeats, budget, say):
    """The interleaved samples of every live implementation, by name.

    On a loaded machine the estimate can be off by a factor of two or more:
    when ``repeats`` was not given, past twice the budget the loop stops at
    the end of a round (never before 5 rounds).
    """
    deadline = timing.clock() + 2 * budget

    def stop(r):
        if repeats is None and r >= MIN_REPEATS and timing.clock() > deadline:
            say("%s: over twice the budget, stopping after %d repeats" % (label, r))
            return True
        return False

    return timing.interleaved_samples(
        {impl.name: found.fns[impl.name] for impl in found.live},
        found.numbers,
        n_repeats,
        warm_ups=found.warm_fns,
        contexts={impl.name: (lambda impl=impl: impl) for impl in found.live},
        stop=stop,
    )


def _peaks(found):
    """Peak memory of one call of every live implementation, by name."""
    peaks = {}
    tracemalloc.start()
    try:
        for impl in found.live:
            with impl:
                peaks[impl.name] = timing.peak_memory(found.fns[impl.name])
    finally:
        tracemalloc.stop()
    return peaks


def _workload_entries(workload, names, found, samples, peaks, failures, say):
    """One result entry per implementation (an error entry for one that raised)."""
    label, kind, size, nodes = workload
    n_repeats = len(samples[found.live[0].name]) if found.live else 0
    medians = {name: statistics.median(s) for name, s in samples.items()}
    entries = []
    exact_floor = medians.get("exact-floor", medians.get("floor"))
    for name in names:
        if name not in medians and label not in failures.get(name, {}):
            continue  # not timed on this workload
        if name not in medians:
            entries.append(dict(
                workload=label, kind=kind, size=size, nodes=nodes,
                implementation=name, error=failures[name][label]))
            continue
        median = medians[name]
        entries.append(
            dict(
                workload=label,
                kind=kind,
                size=size,
                nodes=nodes,
                implementation=name,
                repeats=n_repeats,
                number=found.numbers[name],
                median_s=median,
                min_s=min(samples[name]),
                max_s=max(samples[name]),
                per_node_us=median / nodes * 1e6,
                speedup_vs_upstream=_ratio(medians.get("upstream"), median),
                ratio_vs_floor=_ratio(median, medians.get("floor")),
                ratio_vs_exact_floor=_ratio(median, exact_floor),
                peak_memory_bytes=peaks[name],
                matches_upstream=found.matches[name],
                samples_s=samples[name],
            )
        )
        say(
            "%-13s %-21s median %s (%s - %s), %d x %d calls, peak %s"
            % (label, name, fmt_time(median), fmt_time(min(samples[name])),
               fmt_time(max(samples[name])), n_repeats, found.numbers[name],
               fmt_bytes(peaks[name]))
        )
    return entries, n_repeats


def _bench_workload(implementations, names, workload, options, failures, say):
    """Calibrate, sample and measure one workload: ``(entries, repeats used)``."""
    label, kind, size, obj, warm_obj = workload
    repeats, budget, sample_time = options
    nodes = workloads.count_nodes(obj)
    say("%s (%d nodes): calibrating" % (label, nodes))
    found = _calibrate(implementations, label, obj, warm_obj, sample_time, failures, say)
    round_time = _round_time(found)
    n_repeats = _choose_repeats(repeats, budget, round_time)
    say("%s: %d repeats, about %.1f s" % (label, n_repeats, n_repeats * round_time))
    samples = _sample_workload(found, label, n_repeats, repeats, budget, say)
    peaks = _peaks(found)
    return _workload_entries(
        (label, kind, size, nodes), names, found, samples, peaks, failures, say
    )


def _settings(sizes, repeats, repeats_used, budget, sample_time, started):
    """How the run measured, for ``results["settings"]``."""
    widths, flat, numpy_size = sizes
    return dict(
        widths=list(widths),
        flat=flat,
        numpy=numpy_size,
        repeats=repeats_used,
        repeats_requested=repeats,
        budget_per_workload_s=budget,
        min_sample_time_s=sample_time,
        timer="time.perf_counter",
        gc_enabled_while_timing=True,
        gc_collect_before_each_sample=True,
        warm_up_before_each_sample=(
            "one untimed call on the smallest tree of the same family, "
            "after gc.collect() and after enable()/disable()"
        ),
        interleaving="round-robin within each repeat, starting implementation rotated",
        peak_memory="tracemalloc peak during one call, result included, separate pass",
        elapsed_s=timing.clock() - started,
    )


def run_benchmark(
    widths=DEFAULT_WIDTHS,
    flat=DEFAULT_FLAT,
    numpy_size=DEFAULT_NUMPY,
    repeats=None,
    budget=DEFAULT_BUDGET,
    sample_time=DEFAULT_SAMPLE_TIME,
    progress=None,
    objects=(),
):
    """Time every implementation on every workload, interleaved.

    Parameters
    ----------
    widths : sequence of int, default=(1, 10, 100, 1000)
        Widths of the nested-pipeline workloads.
    flat : int, default=1000
        Size of the flat list of estimators; 0 leaves that workload out.
    numpy_size : int, default=1000
        Size of the list of estimators whose parameters hold numpy scalars
        and small arrays; a ``GridSearchCV`` whose grid holds numpy values
        (``min(50, numpy_size)`` of them) is timed with it. 0 leaves both out.
    repeats : int or None, default=None
        Timed samples per implementation and workload. None chooses, per
        workload, as many as fit in ``budget`` seconds (at least 5, at most
        31) from a calibration call.
    budget : float, default=12.0
        Seconds the timing loop of one workload should take when ``repeats``
        is None; past twice that, the loop stops after the current round
        (never before 5 rounds).
    sample_time : float, default=5e-3
        Shortest duration of one timed sample: a faster call is looped over
        enough times to last this long, and the mean is the sample.
    progress : file-like or None, default=None
        Where to write one line per workload and implementation as it goes,
        with the estimated time left after each workload.
    objects : sequence of (str, object), default=()
        The user's own trees, ``(label, estimator)``: each one a workload
        (kind ``"user"``), timed before the built-in ones.

    Returns
    -------
    results : dict
        ``machine`` (versions, platform, CPU count, date), ``settings``,
        ``implementations`` (name to description) and ``results``: one entry
        per workload and implementation with ``nodes``, ``median_s``,
        ``min_s``, ``max_s``, ``per_node_us``, ``speedup_vs_upstream``,
        ``ratio_vs_floor``, ``ratio_vs_exact_floor`` (the floor where no
        value needs its own ``__deepcopy__``), ``peak_memory_bytes``, the raw
        ``samples_s`` and
        whether the clone matched upstream's.

    Raises
    ------
    RuntimeError
        If :func:`sklearn_slep017.enable` is in force: upstream would not be
        upstream then.
    """
    _refuse_if_enabled()
    say = _Progress(progress)
    implementations = _implementations()
    names = [impl.name for impl in implementations]
    gc_was_enabled = gc.isenabled()
    gc.enable()
    machine = _machine_info()
    entries = []
    repeats_used = {}
    failures = {}
    total = _count_workloads(widths, flat, numpy_size, objects)
    if repeats is None:
        say("%d workload%s, about %s in total (a budget of %.3g s each, plus "
            "calibration)" % (total, "" if total == 1 else "s",
                              fmt_time(total * budget * 1.2), budget))
    try:
        for done, workload in enumerate(
            _iter_workloads(widths, flat, numpy_size, objects), start=1
        ):
            found_entries, repeats_used[workload[0]] = _bench_workload(
                implementations, names, workload, (repeats, budget, sample_time),
                failures, say,
            )
            entries.extend(found_entries)
            del workload, found_entries
            elapsed = timing.clock() - say.start
            if done < total:
                say("%d/%d workloads done in %s; about %s left (estimated total %s)"
                    % (done, total, fmt_time(elapsed),
                       fmt_time(elapsed / done * (total - done)),
                       fmt_time(elapsed / done * total)))
    finally:
        if sklearn_slep017.is_enabled():
            sklearn_slep017.disable()
        if not gc_was_enabled:
            gc.disable()
    machine["loadavg_end"] = _loadavg()
    return dict(
        machine=machine,
        settings=dict(
            _settings((widths, flat, numpy_size), repeats, repeats_used,
                      budget, sample_time, say.start),
            objects=[label for label, _ in objects],
        ),
        implementations={name: IMPLEMENTATIONS[name] for name in names},
        failures=failures,
        results=entries,
    )


def _ratio(numerator, denominator):
    if numerator is None or denominator is None:
        return None
    return numerator / denominator


def _loadavg():
    try:
        return list(os.getloadavg())
    except (AttributeError, OSError):
        return None


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _machine_info():
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = None
    from .. import _clone

    return dict(
        python=platform.python_version(),
        python_implementation=platform.python_implementation(),
        sklearn=sklearn.__version__,
        numpy=numpy.__version__,
        sklearn_slep017=sklearn_slep017.__version__,
        live_implementation=_clone.implementation(),
        platform=platform.platform(),
        machine=platform.machine(),
        cpu_model=_cpu_model(),
        cpu_count=os.cpu_count(),
        cpu_count_usable=usable,
        loadavg_start=_loadavg(),
        date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    )
