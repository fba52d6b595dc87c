# SPDX-License-Identifier: BSD-3-Clause
"""Enable the package on the workers of a Dask cluster.

Where you start the workers yourself, set ``SKLEARN_SLEP017_ENABLE=1`` in
their environment: every process with the package installed enables it as
soon as it imports scikit-learn. Where you don't control that environment (a
cluster someone else started, a managed service), register
:class:`EnablePlugin` from the client: every worker, those that join later
included, calls :func:`sklearn_slep017.enable` in its own process.

This module needs ``distributed`` (``pip install distributed``); importing
``sklearn_slep017`` itself never imports Dask.

Examples
--------
>>> from sklearn_slep017.dask import EnablePlugin
>>> plugin = EnablePlugin()
>>> plugin.name
'sklearn-slep017-enable'
>>> from distributed import Client                      # doctest: +SKIP
>>> client = Client("tcp://scheduler:8786")             # doctest: +SKIP
>>> client.register_plugin(EnablePlugin())              # doctest: +SKIP
>>> client.run(lambda: __import__("sklearn_slep017").is_enabled())  # doctest: +SKIP
{'tcp://10.0.0.2:40331': True, 'tcp://10.0.0.3:39117': True}
"""

try:
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "sklearn_slep017.dask needs the 'distributed' package (Dask's "
        "scheduler and workers): pip install distributed, or "
        "pip install 'dask[distributed]'. (%s)" % (exc,)
    ) from exc

__all__ = ["EnablePlugin"]


class EnablePlugin(WorkerPlugin):
    """A Dask worker plugin that enables ``sklearn_slep017`` on every worker.

    Register it with ``client.register_plugin(EnablePlugin())``: each worker
    process calls :func:`sklearn_slep017.enable` when the plugin is set up
    (workers joining later included), and :func:`sklearn_slep017.disable`
    when it is torn down (``client.unregister_worker_plugin(plugin.name)``,
    or the worker closing), unless the worker was enabled before (by
    ``SKLEARN_SLEP017_ENABLE``, say), in which case it stays as it was.

    The workers need ``sklearn_slep017`` installed, as they need scikit-learn.

    Parameters
    ----------
    implementation : {"compiled", "reference", "cython", "python"} or None, default=None
        Passed to :func:`sklearn_slep017.enable` on each worker; None means
        the live one there.

    Attributes
    ----------
    name : str
        ``"sklearn-slep017-enable"``: registering the plugin again replaces
        it rather than adding a second one.

    See Also
    --------
    sklearn_slep017.enable : What each worker calls.

    Notes
    -----
    A failure on a worker (an unsupported scikit-learn there, an
    implementation not built there) raises in ``register_plugin`` on the
    client. The environment variable is the other way in: workers started
    with ``SKLEARN_SLEP017_ENABLE=1`` need no plugin. A ``Nanny``'s ``env=``
    (``distributed.nanny.environ``) is applied after the worker process has
    started, too late for the start-up hook; ``distributed.nanny.pre-spawn-environ``
    is in time.

    Examples
    --------
    >>> from sklearn_slep017.dask import EnablePlugin
    >>> EnablePlugin("reference")
    EnablePlugin(implementation='reference')
    """

    name = "sklearn-slep017-enable"

    def __init__(self, implementation=None):
        self.implementation = implementation
        self._enabled_here = False

    def __repr__(self):
        return "%s(implementation=%r)" % (type(self).__name__, self.implementation)

    def setup(self, worker):
        """Enable on ``worker``'s process (called by Dask).

        Parameters
        ----------
        worker : distributed.Worker
            The worker being set up; the plugin acts on its process.
        """
        import sklearn_slep017
        from sklearn_slep017 import _switch

        if sklearn_slep017.is_enabled() and self.implementation is None:
            return
        was_enabled = sklearn_slep017.is_enabled()
        _switch._enable(self.implementation, "dask plugin")
        self._enabled_here = not was_enabled

    def teardown(self, worker):
        """Disable on ``worker``'s process, if :meth:`setup` enabled it.

        Parameters
        ----------
        worker : distributed.Worker
            The worker being torn down.
        """
        if self._enabled_here:
            import sklearn_slep017

            sklearn_slep017.disable()
            self._enabled_here = False
