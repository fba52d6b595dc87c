"""Property tests: random estimator trees cloned by upstream and by ours.

For every generated input, upstream's ``clone``, the reference and the
compiled implementation must agree: the same exception type and message, or
clones with the same structure and the same identities.
"""

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.base import BaseEstimator
from support import identities, structure

from sklearn_slep017._compat import UPSTREAM_CLONE

# ---------------------------------------------------------------------------
# Small estimators.


class One(BaseEstimator):
    def __init__(self, a=None):
        self.a = a


class Two(BaseEstimator):
    def __init__(self, a=None, b=None):
        self.a = a
        self.b = b


class Three(BaseEstimator):
    def __init__(self, x=None, y=None, z=None):
        self.x = x
        self.y = y
        self.z = z


class Modifying(BaseEstimator):
    """Stores a copy of ``a``: clone must fail unless ``a`` is an atom."""

    def __init__(self, a=None, b=None):
        self.a = copy.copy(a)
        self.b = b


class Plain:
    """No ``get_params``: fine as a parameter, refused at the top level."""

    def __init__(self, value):
        self.value = value

    def __repr__(self):
        return "Plain(%r)" % (self.value,)


# ---------------------------------------------------------------------------
# Strategies.

atoms = st.one_of(
    st.none(),
    st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=3),
    st.booleans(),
)

hashable = st.recursive(
    atoms, lambda children: st.tuples(children, children) | st.frozensets(children, max_size=2), max_leaves=4
)


def _values(estimators):
    leaves = atoms | st.builds(Plain, atoms) | estimators
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, max_size=3),
            st.lists(children, max_size=3).map(tuple),
            st.dictionaries(st.text(max_size=2), children, max_size=3),
            st.sets(hashable, max_size=3),
        ),
        max_leaves=8,
    )


def _estimator(children):
    @st.composite
    def build(draw):
        cls = draw(st.sampled_from([One, Two, Three, Modifying]))
        n = len(cls._get_param_names())
        names = cls._get_param_names()
        values = draw(st.lists(_values(children), min_size=n, max_size=n))
        return cls(**dict(zip(names, values)))

    return build()


def _leaf_estimator():
    return st.sampled_from([One, Two, Three]).map(lambda cls: cls())


estimators = st.recursive(_leaf_estimator(), _estimator, max_leaves=6)
trees = st.one_of(estimators, _values(estimators), st.builds(Plain, atoms))


# ---------------------------------------------------------------------------
# The comparison.


def _outcome(clone, obj, safe):
    try:
        result = clone(obj, safe=safe)
    except Exception as exc:
        return ("error", type(exc), str(exc)), None
    return ("ok", structure(result), identities(obj, result)), result


def _check(impl, obj, safe):
    expected, _ = _outcome(UPSTREAM_CLONE, obj, safe)
    got, _ = _outcome(impl.clone, obj, safe)
    assert got == expected


SETTINGS = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        # ``impl`` is a module, the same for every example: nothing to reset.
        HealthCheck.function_scoped_fixture,
    ],
)


@SETTINGS
@given(tree=trees, safe=st.booleans())
def test_random_trees_agree(impl, tree, safe):
    _check(impl, tree, safe)


@SETTINGS
@given(tree=estimators)
def test_random_estimators_agree_twice(impl, tree):
    """Cloning twice (warm caches) and cloning the clone agree as well."""
    _check(impl, tree, True)
    _check(impl, tree, True)
    try:
        cloned = UPSTREAM_CLONE(tree)
    except Exception:
        return
    _check(impl, cloned, True)


@SETTINGS
@given(value=_values(estimators))
def test_non_estimator_at_top_level_with_safe(impl, value):
    _check(impl, Plain(value), True)
    _check(impl, One(a=Plain(value)), True)


@SETTINGS
@given(a=_values(estimators), b=_values(estimators))
def test_modifying_constructor(impl, a, b):
    _check(impl, Modifying(a=a, b=b), True)
    _check(impl, Two(a=[Modifying(a=a)], b=b), True)
