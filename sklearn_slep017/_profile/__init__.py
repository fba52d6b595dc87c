# SPDX-License-Identifier: BSD-3-Clause
"""The profiler: :func:`sklearn_slep017.profile` and ``python -m sklearn_slep017 profile``.

``profiler``
    :func:`~sklearn_slep017.profile` and :class:`~sklearn_slep017.CloneProfile`:
    clone's share of the user's own run, the report and the plot.
``hooks``
    The timing wrapper of the installed clone, the recorder of joblib's
    ``Parallel`` calls.
``savings``
    The sampled trees cloned again, side by side: what the compiled clone
    would save.
``cli``
    The profile verb.
"""
