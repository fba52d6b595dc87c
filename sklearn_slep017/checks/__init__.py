# SPDX-License-Identifier: BSD-3-Clause
"""Checks of the clone contract, for estimator authors' test suites.

SLEP017 lets an estimator own its cloning through ``__sklearn_clone__``; an
override (or an unusual constructor, ``get_params`` or parameter value) can
then break, silently, what model selection relies on. Each check here tests
one promise and raises :class:`CloneContractError` (an
:class:`AssertionError`) with a message naming every parameter or attribute
concerned and a one-line hint;
:func:`check_clone_contract` runs them all and reports every broken promise
at once; :func:`parametrize_with_clone_checks` plugs them into pytest.

The promises, in the order :func:`check_clone_contract` checks them:

- :func:`check_clone_succeeds`: ``clone(estimator)`` does not raise;
- :func:`check_clone_type_and_params`: the clone has the same type and
  parameters;
- :func:`check_clone_unfitted`: no fitted attribute survives;
- :func:`check_no_attributes_set_in_init`: no constructor sets an attribute
  ending in ``_`` (named after scikit-learn's check: ``check_is_fitted``
  would take a fresh clone for a fitted estimator);
- :func:`check_clone_shares_no_mutable_param`: no mutable parameter value is
  shared with the original;
- :func:`check_clone_leaves_original_untouched`: cloning does not change the
  original;
- :func:`check_clone_idempotent`: a clone of the clone has the same
  parameters;
- :func:`check_clone_keeps_config`: ``set_output`` configuration and
  metadata requests survive;
- :func:`check_clone_pickles`: the clone survives a pickle round trip.

How a parameter is named
------------------------
Paths use scikit-learn's ``set_params`` spelling: nested parameters are
joined with ``__`` (``clf__C``). Inside a list or tuple parameter, an element
that is a named step ``(name, estimator, ...)`` is named by its step name
and any other element by its index; a dict value is named by its key. When
the estimator exposes its steps as parameters (``Pipeline``,
``FeatureUnion``, ``ColumnTransformer``, the heterogeneous ensembles: the
step names are keys of ``get_params(deep=True)``), the list parameter itself
is left out, as ``set_params`` does: ``outer__inner__model`` for the
``model`` parameter of step ``inner`` of step ``outer`` of a ``Pipeline``.
Otherwise it is kept: ``estimators__a__alpha``, ``items__0``. The other
elements of a step tuple are named by their index after the step name
(``num__2`` for the columns of a ``ColumnTransformer`` step). The estimator
itself is ``(the estimator)``. A fitted or private attribute is written
``path.attribute`` (``clf.coef_``), and attributes of a parameter that is not
an estimator likewise (``model._lock``).

What counts as mutable
----------------------
:func:`check_clone_shares_no_mutable_param` lets a clone share a value
exactly when ``clone`` itself would: ``clone`` deep-copies every parameter
value that is not an estimator, so a value may be shared when
``copy.deepcopy(value) is value`` -- ``None``, booleans, numbers, strings,
bytes, ranges, ``Ellipsis``, enum members, compiled regular expressions,
classes, functions, builtins, numpy ufuncs (``numpy.log1p``) and any other
object whose ``__deepcopy__`` or reduction gives back the object itself. The
question is put to ``copy.deepcopy``, not guessed from the type (a value
whose deep copy raises counts as mutable); numpy scalars and dtypes, which
cannot change, may always be shared. Tuples and frozensets are looked into.
Everything else must be a new object in the clone, ``random_state`` included:
scikit-learn deep-copies a ``numpy.random.RandomState`` parameter (a shared
one would couple the draws of the clone and the original, so results would
depend on the order of fits). The one exception is an object whose own
``__sklearn_clone__`` returns itself (``FrozenEstimator``): sharing it is
its promise.

How values are compared
-----------------------
Parameters are compared structurally, the way ``clone`` copies them (see
:func:`check_clone_type_and_params`). Callables that a deep copy or a pickle
round trip rebuilds are compared by what they are made of, not by
identity: a bound method (``scipy.stats.norm(0, 1).pdf``) by its function
and a structurally equal object it is bound to, a ``functools.partial`` by
its function, arguments and keywords, and a function by its code, defaults
and closure. A class defined inside a function, which such copies rebuild
(ngboost's ``NGBClassifier`` rebuilds its ``k_categorical(K)`` distribution
class), is compared by its name, bases and namespace. A method bound to an
object with other attributes, another function, or a class made by the same
factory with other arguments still differs.

One root cause, reported once
-----------------------------
When ``clone(estimator)`` itself raises, :func:`check_clone_succeeds` fails,
naming every parameter to blame (each one the clone cannot copy, or that a
constructor modifies or stores a copy of: "the constructor stored a copy"
when the value comes back equal but not the same object), and the checks
that need a clone are skipped: SKIP in :func:`run_clone_checks` and the
``check`` verb, listed as not checked by :func:`check_clone_contract`, and
``pytest.skip`` under :func:`parametrize_with_clone_checks`. Every failure
of every check, and of :func:`check_clone_contract`, is a
:class:`CloneContractError`.

Findings that are not broken promises
-------------------------------------
:class:`CloneContractWarning` and :attr:`CheckResult.findings` carry what a
check notices that is no broken promise. No check of this release reports
one: attributes ending in ``_`` set by a constructor, the earlier finding of
:func:`check_clone_unfitted`, now fail :func:`check_no_attributes_set_in_init`.

How the package is laid out
---------------------------
``_contract.py`` holds the checks, each declared with its promise and hints
by one decorator (``_registry.py``, the one registry); ``_runner.py`` runs
them (:data:`CHECKS`, :func:`run_clone_checks`, :func:`check_clone_contract`,
:func:`parametrize_with_clone_checks`); ``_diff.py`` walks and compares
parameter trees; ``_hints.py`` finds the parameter to blame for a failing
clone and says what to do; ``_outcomes.py`` holds what a check reports;
``_cli.py`` is ``python -m sklearn_slep017 check``. Everything public is
imported here: ``sklearn_slep017.checks`` is the API.

Examples
--------
>>> from sklearn.linear_model import LogisticRegression
>>> from sklearn_slep017.checks import check_clone_contract
>>> check_clone_contract(LogisticRegression(C=0.5))
"""

from ._contract import (
    check_clone_idempotent,
    check_clone_keeps_config,
    check_clone_leaves_original_untouched,
    check_clone_pickles,
    check_clone_shares_no_mutable_param,
    check_clone_succeeds,
    check_clone_type_and_params,
    check_clone_unfitted,
    check_no_attributes_set_in_init,
)
from ._diff import ROOT
from ._outcomes import CheckResult, CloneContractError, CloneContractWarning
from ._runner import (
    CHECKS,
    HINTS,
    PROMISES,
    check_clone_contract,
    format_report,
    parametrize_with_clone_checks,
    run_clone_checks,
)

__all__ = [
    "CHECKS",
    "CheckResult",
    "CloneContractWarning",
    "check_clone_contract",
    "check_clone_idempotent",
    "check_clone_keeps_config",
    "check_clone_leaves_original_untouched",
    "check_clone_pickles",
    "check_clone_shares_no_mutable_param",
    "check_clone_succeeds",
    "check_clone_type_and_params",
    "check_clone_unfitted",
    "check_no_attributes_set_in_init",
    "parametrize_with_clone_checks",
    "run_clone_checks",
]

# A broken promise is printed in tracebacks (pytest's output, the doctests)
# under the public name, sklearn_slep017.checks.CloneContractError, as before
# the split. The other objects keep their defining module, so that the
# documentation links each to its source.
CloneContractError.__module__ = __name__
