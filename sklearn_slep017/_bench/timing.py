# SPDX-License-Identifier: BSD-3-Clause
"""The one timing harness: medians of interleaved samples, side by side.

``python -m sklearn_slep017 bench`` (``_bench.harness``) and the asv suite
(``asv_bench/benchmarks/common.py``, for its ``track_`` ratios) time clones
with these functions, so both measure the same way:

* a **sample** (:func:`time_sample`) is the mean of ``number`` calls, after
  ``gc.collect()`` and one untimed warm-up call (a collection, or an
  ``enable()`` / ``disable()``, leaves the next call cold); every result is
  kept alive until the clock stops, so deallocation is not timed; the
  collector stays enabled while timing, as in real use;
* ``number`` (:func:`calls_per_sample`) makes a sample last at least
  ``sample_time`` seconds, from the duration of one call;
* the contenders are **interleaved** (:func:`interleaved_samples`): each
  round takes one sample of each, the starting one rotating, so that the
  noise of a shared machine hits all of them alike;
* the result is the **median** of each contender's samples
  (:func:`side_by_side`);
* peak memory (:func:`peak_memory`) is a separate pass under
  ``tracemalloc``: the peak of traced allocations during one call, its
  result included.
"""

import contextlib
import gc
import math
import statistics
import time
import tracemalloc

__all__ = [
    "calls_per_sample",
    "interleaved_samples",
    "one_call",
    "peak_memory",
    "side_by_side",
    "time_sample",
]

#: The clock of every measurement.
clock = time.perf_counter


def one_call(fn):
    """Seconds one call of ``fn`` takes (its result dropped after the clock).

    Parameters
    ----------
    fn : callable
        Called once with no argument.

    Returns
    -------
    seconds : float
        The wall time of the call.

    Examples
    --------
    >>> from sklearn_slep017._bench.timing import one_call
    >>> one_call(lambda: None) >= 0
    True
    """
    start = clock()
    result = fn()
    elapsed = clock() - start
    del result
    return elapsed


def calls_per_sample(seconds_per_call, sample_time):
    """How many calls make a sample last at least ``sample_time`` seconds.

    Parameters
    ----------
    seconds_per_call : float
        The duration of one call (from :func:`one_call`).
    sample_time : float
        The shortest duration of a sample.

    Returns
    -------
    number : int
        At least 1.

    Examples
    --------
    >>> from sklearn_slep017._bench.timing import calls_per_sample
    >>> calls_per_sample(1e-3, 5e-3), calls_per_sample(1.0, 5e-3)
    (5, 1)
    """
    return max(1, math.ceil(sample_time / max(seconds_per_call, 1e-9)))


def time_sample(fn, number, warm_up=None):
    """One timed sample: mean seconds per call of ``fn`` over ``number`` calls.

    ``gc.collect()`` first, so that every sample starts from the same heap,
    then one untimed call of ``warm_up`` (``fn`` itself when None); the
    results are kept alive until the clock stops.

    Parameters
    ----------
    fn : callable
        The timed call, with no argument.
    number : int
        Calls in the sample.
    warm_up : callable or None, default=None
        The untimed call before the clock starts, ``fn`` when None (a cheaper
        call on objects of the same classes warms the same caches).

    Returns
    -------
    seconds : float
        Mean seconds per call.

    Examples
    --------
    >>> from sklearn_slep017._bench.timing import time_sample
    >>> time_sample(lambda: [0] * 10, number=100) > 0
    True
    """
    results = [None] * number
    gc.collect()
    (fn if warm_up is None else warm_up)()
    start = clock()
    for i in range(number):
        results[i] = fn()
    elapsed = clock() - start
    del results  # after the clock: deallocation is not part of the call
    return elapsed / number


def interleaved_samples(fns, numbers, repeats, *, warm_ups=None, contexts=None, stop=None):
    """Samples of every callable, interleaved round-robin.

    Round ``r`` takes one :func:`time_sample` of each callable, starting
    with the ``r % len(fns)``-th in ``fns``' order, so that the noise of a
    shared machine falls on all of them alike.

    Parameters
    ----------
    fns : dict of str to callable
        The contenders, by name.
    numbers : dict of str to int
        Calls per sample, by name (:func:`calls_per_sample`).
    repeats : int
        Rounds, hence samples per contender.
    warm_ups : dict of str to callable or None, default=None
        The untimed call before each sample, by name (``fn`` itself for a
        name left out).
    contexts : dict of str to callable or None, default=None
        By name, a factory of the context manager each sample of that
        contender is taken in (``enable()`` for the reference, say).
    stop : callable or None, default=None
        ``stop(r)`` is asked before round ``r``; when it returns True no
        more rounds are taken (every contender keeps the same number of
        samples).

    Returns
    -------
    samples : dict of str to list of float
        Seconds per call of each sample, by name, in round order.

    Examples
    --------
    >>> from sklearn_slep017._bench.timing import interleaved_samples
    >>> samples = interleaved_samples({"a": list, "b": dict}, {"a": 10, "b": 10}, 3)
    >>> sorted(samples), [len(s) for s in samples.values()]
    (['a', 'b'], [3, 3])
    """
    names = list(fns)
    warm_ups = warm_ups or {}
    contexts = contexts or {}
    samples = {name: [] for name in names}
    for r in range(repeats):
        if stop is not None and stop(r):
            break
        shift = r % len(names) if names else 0
        for name in names[shift:] + names[:shift]:
            with contexts.get(name, contextlib.nullcontext)():
                samples[name].append(time_sample(fns[name], numbers[name], warm_ups.get(name)))
    return samples


def side_by_side(fns, repeats=7, sample_time=5e-3):
    """Median seconds per call of each callable, timed side by side.

    Each callable is called once to choose its calls per sample
    (:func:`calls_per_sample`), then sampled ``repeats`` times, interleaved
    (:func:`interleaved_samples`).

    Parameters
    ----------
    fns : dict of str to callable
        The contenders, by name.
    repeats : int, default=7
        Samples per contender.
    sample_time : float, default=5e-3
        Shortest duration of one sample, in seconds.

    Returns
    -------
    medians : dict of str to float
        Median seconds per call, by name.

    Examples
    --------
    >>> from sklearn_slep017._bench.timing import side_by_side
    >>> medians = side_by_side({"list": list, "dict": dict}, repeats=3, sample_time=1e-4)
    >>> sorted(medians)
    ['dict', 'list']
    """
    numbers = {name: calls_per_sample(one_call(fn), sample_time) for name, fn in fns.items()}
    samples = interleaved_samples(fns, numbers, repeats)
    return {name: statistics.median(s) for name, s in samples.items()}


def peak_memory(fn):
    """Peak traced allocation, in bytes, during one call of ``fn``.

    ``tracemalloc`` must be tracing (``tracemalloc.start()``); the peak is
    reset first and measured from the memory traced before the call, the
    call's result included.

    Parameters
    ----------
    fn : callable
        Called once with no argument.

    Returns
    -------
    bytes : int
        The peak, above what was traced before the call.

    Examples
    --------
    >>> import tracemalloc
    >>> from sklearn_slep017._bench.timing import peak_memory
    >>> tracemalloc.start()
    >>> peak_memory(lambda: bytearray(10**6)) >= 10**6
    True
    >>> tracemalloc.stop()
    """
    gc.collect()
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    result = fn()
    peak = tracemalloc.get_traced_memory()[1]
    del result
    return peak - before
