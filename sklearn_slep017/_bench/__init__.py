# SPDX-License-Identifier: BSD-3-Clause
"""The bench verb: ``python -m sklearn_slep017 bench``.

``harness``
    Workloads timed side by side in one process, upstream against the
    reference, the compiled clone and the floors; the verb's command line.
``report``
    What a run writes: the Markdown table, the plot, the JSON record.
``families``
    The ``--families`` section: estimator families outside scikit-learn.
``timing``
    The timing harness (interleaved samples, medians, peak memory), shared
    with the profiler and the asv suite.
``workloads``
    The estimator trees timed, shared with the asv suite and the tests.
"""
