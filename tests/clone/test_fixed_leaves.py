"""Values of fixed types (numpy scalars and arrays) clone as upstream's deepcopy.

The compiled path deep-copies instances of static, immutable C types without
probing them and without ``copy.deepcopy``'s Python frame: these tests pin
that the result cannot be told from upstream's, for every numpy dtype kind,
byte order, memory layout and writeability, and that the copy module's
dispatch table is still honoured.
"""

import copy

import numpy as np
import pytest
from sklearn.base import BaseEstimator

from sklearn_slep017._compat import UPSTREAM_CLONE

SCALARS = [
    np.float64(1.5),
    np.float32(-0.25),
    np.float16(3.0),
    np.longdouble(2.5),
    np.int64(-7),
    np.int32(9),
    np.int8(-1),
    np.uint64(2**63),
    np.uint8(255),
    np.bool_(True),
    np.complex128(1 + 2j),
    np.complex64(-1j),
    np.str_("abc"),
    np.bytes_(b"xy"),
    np.datetime64("2026-12-01"),
    np.timedelta64(5, "s"),
    np.float64("nan"),
]

ARRAYS = [
    np.arange(6.0),
    np.arange(6.0).reshape(2, 3),
    np.asfortranarray(np.arange(6.0).reshape(2, 3)),
    np.arange(12)[::3],
    np.array([1, 2, 3], dtype=">i4"),
    np.array([], dtype=np.float32),
    np.array(3.0),
    np.array(["a", "bc"]),
    np.array([(1, 2.0)], dtype=[("a", "i4"), ("b", "f8")]),
    np.array([[1, None]], dtype=object),
]


def _readonly(a):
    a = a.copy()
    a.flags.writeable = False
    return a


ARRAYS.append(_readonly(np.arange(4.0)))


def _describe(value, original):
    out = [type(value), value is original]
    if isinstance(value, np.ndarray):
        out += [
            value.dtype.str,
            value.dtype.byteorder,
            value.shape,
            value.strides,
            value.flags.c_contiguous,
            value.flags.f_contiguous,
            value.flags.writeable,
            value.flags.owndata,
            value.tobytes() if value.dtype != object else repr(value.tolist()),
            np.shares_memory(value, original),
        ]
    else:
        out += [repr(value), getattr(value, "dtype", None)]
    return out


class Holder(BaseEstimator):
    def __init__(self, value=None):
        self.value = value


@pytest.mark.parametrize("value", SCALARS + ARRAYS, ids=lambda v: repr(v)[:40])
def test_fixed_values_clone_as_deepcopy(impl, value):
    expected = _describe(copy.deepcopy(value), value)
    assert _describe(impl.clone(value, safe=False), value) == expected
    assert _describe(UPSTREAM_CLONE(value, safe=False), value) == expected
    # as a parameter, and inside a list parameter
    held = impl.clone(Holder(value=value)).value
    assert _describe(held, value) == expected
    listed = impl.clone(Holder(value=[value])).value[0]
    assert _describe(listed, value) == expected


@pytest.mark.thread_unsafe(reason="changes copy's process-wide dispatch table")
def test_copy_dispatch_table_is_honoured(impl):
    seen = []

    def copier(x, memo):
        seen.append(x)
        return np.float32(-1)

    copy._deepcopy_dispatch[np.float32] = copier
    try:
        result = impl.clone(Holder(value=np.float32(2.0))).value
    finally:
        del copy._deepcopy_dispatch[np.float32]
    assert seen and result == np.float32(-1)
    assert impl.clone(np.float32(2.0), safe=False) == np.float32(2.0)


def test_subclasses_and_safe_true_take_the_general_path(impl):
    class Sub(np.ndarray):
        pass

    m = np.arange(2.0).view(Sub)
    assert type(impl.clone(m, safe=False)) is Sub
    with pytest.raises(TypeError, match="does not implement a 'get_params'"):
        impl.clone(np.float64(1.0))
    with pytest.raises(TypeError, match="does not implement a 'get_params'"):
        impl.clone(np.arange(3))


def test_copies_are_independent(impl):
    a = np.arange(3.0)
    b = impl.clone(Holder(value=a)).value
    b[0] = 42.0
    assert a[0] == 0.0


def test_fixed_leaf_paths():
    # numpy's scalars and arrays: their __deepcopy__ is a method descriptor of
    # a static type, called unbound; a static type without one is looked up
    # per instance as deepcopy does; anything mutable is not a fixed leaf.
    import datetime

    from sklearn_slep017 import _clone_c

    for value in SCALARS + ARRAYS:
        assert _clone_c._fixed_leaf_path(type(value)) == "descriptor", type(value)
    assert _clone_c._fixed_leaf_path(datetime.date) == "lookup"

    class Heap(float):
        pass

    assert _clone_c._fixed_leaf_path(Heap) is None
    assert _clone_c._fixed_leaf_path(type) is None
    assert _clone_c._fixed_leaf_path(list) is None


def test_descriptor_path_calls_what_getattr_finds():
    # The unbound call runs the very method deepcopy's getattr would bind.
    from sklearn_slep017 import _clone_c

    for value in SCALARS + ARRAYS:
        found = getattr(value, "__deepcopy__")
        assert found.__self__ is value
        unbound = type(value).__deepcopy__
        assert unbound.__name__ == found.__name__
        assert unbound.__objclass__ in type(value).__mro__
        assert _clone_c.clone(value, safe=False).__class__ is type(value)


# -- property tests: any dtype, byte order, shape and layout -------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

DTYPES = st.one_of(
    hnp.scalar_dtypes(),
    hnp.byte_string_dtypes(max_len=4),
    hnp.unicode_string_dtypes(max_len=4),
    hnp.scalar_dtypes().map(lambda d: d.newbyteorder(">")),
    hnp.scalar_dtypes().map(lambda d: d.newbyteorder("<")),
)


@st.composite
def numpy_values(draw):
    array = draw(hnp.arrays(DTYPES, hnp.array_shapes(min_dims=0, max_dims=3, max_side=4)))
    layout = draw(st.sampled_from(["as is", "fortran", "strided", "readonly", "scalar"]))
    if layout == "fortran":
        array = np.asfortranarray(array)
    elif layout == "strided" and array.ndim and array.shape[0] > 1:
        array = array[::2]
    elif layout == "readonly":
        array.flags.writeable = False
    elif layout == "scalar":
        return array[()] if array.ndim == 0 else array.flat[0]
    return array


PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PROPERTY_SETTINGS
@given(value=numpy_values())
def test_any_numpy_value_clones_as_deepcopy(impl, value):
    # Type, dtype, byte order, shape, strides, flags, bytes and independence
    # as copy.deepcopy gives them, alone, as a parameter and inside a list.
    expected = _describe(copy.deepcopy(value), value)
    assert _describe(impl.clone(value, safe=False), value) == expected
    assert _describe(impl.clone(Holder(value=value)).value, value) == expected
    assert _describe(impl.clone(Holder(value=[value])).value[0], value) == expected


def test_every_atomic_type_is_static():
    # The compiled clone looks a class made at run time (a heap type) up
    # neither in the atomic types nor in the fixed leaves: right only while
    # every atomic type is a static builtin one.
    from sklearn_slep017._clone_kernel import ATOMIC_TYPES

    heap_type = 1 << 9  # Py_TPFLAGS_HEAPTYPE
    assert [t for t in ATOMIC_TYPES if t.__flags__ & heap_type] == []
