"""Hypothesis' array-API strategies run on arraygrad as on any standard namespace.

``hypothesis.extra.array_api`` only uses the standard's API, so drawing from it is a check of
the namespace in itself (creation, dtypes, ``isnan``, ``reshape``, indexing...); and it is what
users of arraygrad write their own property tests with.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.array_api import make_strategies_namespace

import arraygrad as ag

xps = make_strategies_namespace(ag)
relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

DTYPE_STRATEGIES = {
    "scalar_dtypes": None,
    "boolean_dtypes": "bool",
    "numeric_dtypes": "numeric",
    "real_dtypes": ("integral", "real floating"),
    "integer_dtypes": "signed integer",
    "unsigned_integer_dtypes": "unsigned integer",
    "floating_dtypes": "real floating",
    "complex_dtypes": "complex floating",
}
ALL_DTYPES = tuple(ag.__array_namespace_info__().dtypes().values())


def test_namespace_is_accepted():
    assert xps.api_version == ag.__array_api_version__
    assert xps.name == "arraygrad"


@pytest.mark.parametrize("strategy", sorted(DTYPE_STRATEGIES))
@relaxed
@given(data=st.data())
def test_dtype_strategies_give_arraygrad_dtypes(strategy, data):
    dtype = data.draw(getattr(xps, strategy)(), label="dtype")
    assert isinstance(dtype, ag.DType)
    kind = DTYPE_STRATEGIES[strategy]
    assert ag.isdtype(dtype, ALL_DTYPES if kind is None else kind)


@relaxed
@given(data=st.data())
def test_arrays_have_the_requested_dtype_and_shape(data):
    dtype = data.draw(xps.scalar_dtypes(), label="dtype")
    shape = data.draw(xps.array_shapes(), label="shape")
    x = data.draw(xps.arrays(dtype=dtype, shape=shape), label="x")
    assert isinstance(x, ag.Tensor)
    assert x.dtype == dtype
    assert x.shape == shape


@relaxed
@given(x=xps.arrays(dtype=xps.scalar_dtypes(), shape=xps.array_shapes(min_dims=0)))
def test_arrays_from_strategies(x):
    assert isinstance(x, ag.Tensor)
    assert x.dtype in ALL_DTYPES
    assert x.size == int(np.prod(x.shape))
    assert np.asarray(x).shape == x.shape


PYTHON_TYPE = {"bool": bool, "integral": int, "real floating": float, "complex floating": complex}


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: d.name)
@relaxed
@given(data=st.data())
def test_from_dtype_draws_values_of_the_dtype(dtype, data):
    value = data.draw(xps.from_dtype(dtype), label="value")
    kind = next(k for k in PYTHON_TYPE if ag.isdtype(dtype, k))
    assert type(value) is PYTHON_TYPE[kind]
    assert ag.asarray(value, dtype=dtype).dtype == dtype


@relaxed
@given(
    x=xps.arrays(
        dtype=ag.float32,
        shape=st.integers(1, 10),
        elements={"min_value": -1.0, "max_value": 1.0, "allow_nan": False},
    )
)
def test_arrays_with_bounded_elements(x):
    values = np.asarray(x)
    assert x.dtype == ag.float32
    assert ((values >= -1.0) & (values <= 1.0)).all()


@relaxed
@given(x=xps.arrays(dtype=ag.int16, shape=(2, 3), elements=st.integers(0, 9), fill=st.just(0)))
def test_arrays_with_an_elements_strategy_and_fill(x):
    values = np.asarray(x)
    assert x.shape == (2, 3)
    assert ((values >= 0) & (values <= 9)).all()


@relaxed
@given(x=xps.arrays(dtype=ag.uint8, shape=st.integers(0, 20), unique=True))
def test_unique_arrays(x):
    values = np.asarray(x)
    assert len(set(values.tolist())) == values.size


@relaxed
@given(data=st.data())
def test_indices_index_a_tensor_like_numpy(data):
    shape = data.draw(xps.array_shapes(min_dims=1, min_side=1), label="shape")
    index = data.draw(xps.indices(shape, allow_newaxis=True, allow_ellipsis=True), label="index")
    x = ag.reshape(ag.arange(int(np.prod(shape))), shape)
    np.testing.assert_array_equal(np.asarray(x[index]), np.asarray(x)[index])


@relaxed
@given(data=st.data())
def test_broadcastable_shapes_broadcast(data):
    shape = data.draw(xps.array_shapes(min_dims=0), label="shape")
    other = data.draw(xps.broadcastable_shapes(shape), label="other")
    x, y = ag.zeros(shape), ag.ones(other)
    assert (x + y).shape == np.broadcast_shapes(shape, other)
    assert ag.broadcast_to(y, np.broadcast_shapes(shape, other)).shape == (x + y).shape


@relaxed
@given(data=st.data())
def test_mutually_broadcastable_shapes(data):
    shapes, result = data.draw(xps.mutually_broadcastable_shapes(3), label="shapes")
    arrays = [ag.zeros(s) for s in shapes]
    assert ag.broadcast_shapes(*shapes) == result
    assert all(a.shape == result for a in ag.broadcast_arrays(*arrays))
