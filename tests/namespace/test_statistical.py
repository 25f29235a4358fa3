"""Statistical functions (sum, prod, mean, var, std, max, min, cumulative_*) on every backend."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import arraygrad as ag
from conftest import SUBNORMALS, assume_on, has_subnormal

with_device = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

NAMES = ["cumulative_prod", "cumulative_sum", "max", "mean", "min", "prod", "std", "sum", "var"]


def _t(a, device, dtype=None):
    return ag.asarray(np.asarray(a), dtype=dtype, device=device)


def _np(t):
    return np.asarray(t.to_device("cpu"))


@st.composite
def array_and_axis(draw, dtype=np.float64, min_side=0, elements=None):
    """A NumPy array and an axis argument: None, an int (maybe negative) or a tuple."""
    a = draw(
        hnp.arrays(
            dtype,
            hnp.array_shapes(min_dims=0, max_dims=3, min_side=min_side, max_side=4),
            elements=elements or st.floats(-100, 100, width=np.dtype(dtype).itemsize * 8),
        )
    )
    nd = a.ndim
    choices = [st.none()]
    if nd:
        choices.append(st.integers(-nd, nd - 1))
        choices.append(
            st.lists(st.integers(0, nd - 1), unique=True).map(
                lambda axes: tuple(ax - nd if i % 2 else ax for i, ax in enumerate(axes))
            )
        )
    axis = draw(st.one_of(choices))
    return a, axis


def test_signatures_match_the_standard():
    strict = pytest.importorskip("array_api_strict")
    strict.set_array_api_strict_flags(api_version="2025.12")
    for name in NAMES:
        ours = inspect.signature(getattr(ag, name)).parameters
        theirs = inspect.signature(getattr(strict, name)).parameters
        assert list(ours) == list(theirs), name
        for p, q in zip(ours.values(), theirs.values(), strict=True):
            assert (p.kind, p.default) == (q.kind, q.default), (name, p.name)
        assert getattr(ag, name).__doc__.startswith("Return")


@with_device
@given(data=array_and_axis(), keepdims=st.booleans())
@pytest.mark.parametrize("name", ["sum", "prod", "mean"])
def test_sum_prod_mean_match_numpy(device, name, data, keepdims):
    a, axis = data
    if name == "prod":
        a = a / 50.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's mean of empty slices
        expected = getattr(np, name)(a, axis=axis, keepdims=keepdims)
    out = getattr(ag, name)(_t(a, device), axis=axis, keepdims=keepdims)
    assert out.dtype is ag.float64
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(_np(out), expected, rtol=1e-12, atol=1e-12)


@with_device
@given(data=array_and_axis(min_side=1), keepdims=st.booleans())
@pytest.mark.parametrize("name", ["max", "min"])
def test_max_min_match_numpy(device, name, data, keepdims):
    a, axis = data
    assume_on(device, "jax", ok=not has_subnormal(a), reason=SUBNORMALS)
    expected = getattr(np, name)(a, axis=axis, keepdims=keepdims)
    out = getattr(ag, name)(_t(a, device), axis=axis, keepdims=keepdims)
    assert out.dtype is ag.float64
    np.testing.assert_array_equal(_np(out), expected)


@with_device
@given(data=array_and_axis(), keepdims=st.booleans(), correction=st.sampled_from([0, 1, 0.5, 2.0]))
@pytest.mark.parametrize("name", ["var", "std"])
def test_var_std_match_numpy(device, name, data, keepdims, correction):
    a, axis = data
    out = getattr(ag, name)(_t(a, device), axis=axis, correction=correction, keepdims=keepdims)
    axes = tuple(range(a.ndim)) if axis is None else np.atleast_1d(axis)
    m = int(np.prod([a.shape[i] for i in axes]))
    if m - correction <= 0:
        # The standard: NaN where M - correction <= 0 (NumPy would give inf there).
        expected = np.full(np.sum(a, axis=axis, keepdims=keepdims).shape, np.nan)
    else:
        expected = getattr(np, name)(a, axis=axis, ddof=correction, keepdims=keepdims)
    assert out.dtype is ag.float64
    np.testing.assert_allclose(_np(out), expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize(
    ("dtype", "expected"),
    [
        ("int8", "int64"),
        ("int32", "int64"),
        ("int64", "int64"),
        ("uint8", "uint64"),
        ("uint32", "uint64"),
        ("float32", "float32"),
        ("complex64", "complex64"),
    ],
)
@pytest.mark.parametrize("name", ["sum", "prod", "cumulative_sum", "cumulative_prod"])
def test_accumulation_default_dtype(device, name, dtype, expected):
    if getattr(ag, dtype) not in ag.__array_namespace_info__().dtypes(device=device).values():
        pytest.skip(f"{device} offers no {dtype}")
    x = _t([1, 2, 3], device, getattr(ag, dtype))
    if expected == "uint64" and ag.uint64 not in x.backend.dtypes:
        expected = "int64"  # the nearest a backend without uint64 arithmetic can give
    out = getattr(ag, name)(x)
    assert out.dtype is getattr(ag, expected)
    ref = {"sum": np.sum, "prod": np.prod, "cumulative_sum": np.cumsum, "cumulative_prod": np.cumprod}
    np.testing.assert_array_equal(_np(out), ref[name](np.array([1, 2, 3])))


def test_accumulation_explicit_dtype(device):
    x = _t([100, 100, 100], device, ag.int8)
    assert int(ag.sum(x, dtype=ag.int16)) == 300
    assert ag.sum(x, dtype=ag.float32).dtype is ag.float32
    assert ag.prod(_t([2.0, 3.0], device, ag.float32), dtype=ag.float64).dtype is ag.float64
    assert ag.cumulative_sum(x, dtype=ag.int32).dtype is ag.int32
    assert _np(ag.cumulative_sum(x, dtype=ag.int32)).tolist() == [100, 200, 300]
    with pytest.raises(TypeError, match="sum: dtype must be a numeric data type, got bool"):
        ag.sum(x, dtype=ag.bool)
    with pytest.raises(TypeError, match="discard the imaginary part"):
        ag.sum(_t([1j], device), dtype=ag.float64)


def test_empty_reductions(device):
    e = _t(np.zeros((0, 3)), device)
    assert float(ag.sum(e)) == 0.0
    assert float(ag.prod(e)) == 1.0
    assert _np(ag.sum(e, axis=0)).tolist() == [0.0, 0.0, 0.0]
    assert _np(ag.prod(e, axis=0, keepdims=True)).tolist() == [[1.0, 1.0, 1.0]]
    # mean of nothing is NaN (no warning: pytest turns warnings into errors)
    assert np.isnan(float(ag.mean(e)))
    assert ag.mean(e, axis=0).shape == (3,)
    assert np.isnan(_np(ag.mean(e, axis=0))).all()
    assert ag.mean(e, axis=1).shape == (0,)
    c = ag.mean(_t(np.zeros(0, dtype=np.complex128), device))
    assert c.dtype is ag.complex128
    assert np.isnan(complex(c).real)
    assert np.isnan(complex(c).imag)
    assert np.isnan(float(ag.var(e)))
    assert np.isnan(float(ag.std(_t([1.0, 2.0], device), correction=2)))
    assert ag.var(e, axis=0, keepdims=True).shape == (1, 3)
    for name in ("max", "min"):
        with pytest.raises(ValueError, match=rf"{name}: cannot reduce zero elements \(axis 0"):
            getattr(ag, name)(e, axis=0)
        with pytest.raises(ValueError, match="the tensor of shape"):
            getattr(ag, name)(e)
    # reducing a non-empty axis of an empty tensor is fine
    assert ag.max(e, axis=1).shape == (0,)


def test_nan_propagates(device):
    x = _t([[1.0, np.nan], [3.0, 4.0]], device)
    for name in ("max", "min", "sum", "mean", "var", "std"):
        out = _np(getattr(ag, name)(x, axis=1))
        assert np.isnan(out[0]), name
        assert not np.isnan(out[1]), name


def test_complex(device):
    z = _t([1 + 2j, 3 - 4j], device)
    assert complex(ag.mean(z)) == 2 - 1j
    assert complex(ag.sum(z)) == 4 - 2j
    assert complex(ag.prod(z)) == (1 + 2j) * (3 - 4j)
    for name in ("max", "min"):
        with pytest.raises(TypeError, match=f"{name}: expected a real numeric dtype, got complex128"):
            getattr(ag, name)(z)
    for name in ("var", "std"):
        with pytest.raises(TypeError, match=f"{name}: expected a real floating-point dtype, got complex128"):
            getattr(ag, name)(z)


def test_dtype_errors(device):
    i = _t([1, 2], device)
    b = _t([True, False], device)
    with pytest.raises(TypeError, match="mean: expected a floating-point dtype, got int64; cast"):
        ag.mean(i)
    with pytest.raises(TypeError, match="var: expected a real floating-point dtype, got int64"):
        ag.var(i)
    for name in ("sum", "prod", "cumulative_sum", "cumulative_prod"):
        with pytest.raises(TypeError, match=f"{name}: expected a numeric dtype, got bool"):
            getattr(ag, name)(b)
    with pytest.raises(TypeError, match="max: expected a real numeric dtype, got bool"):
        ag.max(b)
    with pytest.raises(TypeError, match=r"sum: expected an arraygrad Tensor, got builtins\.list"):
        ag.sum([1.0, 2.0])
    with pytest.raises(TypeError, match="correction must be an int or a float"):
        ag.var(_t([1.0], device), correction="1")


def test_axis_errors(device):
    x = _t(np.ones((2, 3)), device)
    with pytest.raises(IndexError, match="sum: axis 2 is out of range for a tensor of 2 dimensions"):
        ag.sum(x, axis=2)
    with pytest.raises(IndexError, match="axis -3 is out of range"):
        ag.max(x, axis=(0, -3))
    with pytest.raises(ValueError, match=r"mean: axis \(1, -1\) names an axis more than once"):
        ag.mean(x, axis=(1, -1))
    with pytest.raises(TypeError, match="axis must be None, an int or a tuple of ints, got list"):
        ag.sum(x, axis=[0])
    with pytest.raises(TypeError, match="got bool"):
        ag.sum(x, axis=True)
    with pytest.raises(TypeError, match="axis must be an int"):
        ag.sum(x, axis=(0, 1.0))
    with pytest.raises(IndexError):
        ag.sum(_t(1.0, device), axis=0)
    # axis=() reduces nothing; 0-d tensors reduce to themselves
    assert ag.sum(x, axis=()).shape == (2, 3)
    assert float(ag.sum(_t(5.0, device))) == 5.0
    assert ag.sum(x, axis=(0, 1), keepdims=True).shape == (1, 1)


@with_device
@given(
    a=hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=4),
                 elements=st.floats(-3, 3)),
    data=st.data(),
    include_initial=st.booleans(),
)
@pytest.mark.parametrize("name", ["cumulative_sum", "cumulative_prod"])
def test_cumulative_match_numpy(device, name, a, data, include_initial):
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    out = getattr(ag, name)(_t(a, device), axis=axis, include_initial=include_initial)
    fn = np.cumsum if name == "cumulative_sum" else np.cumprod
    expected = fn(a, axis=axis)
    if include_initial:
        shape = list(a.shape)
        shape[axis] = 1
        init = np.zeros(shape) if name == "cumulative_sum" else np.ones(shape)
        expected = np.concatenate([init, expected], axis=axis)
    assert out.shape == expected.shape
    np.testing.assert_allclose(_np(out), expected, rtol=1e-12, atol=1e-12)


def test_cumulative_axis_rules(device):
    v = _t([1, 2, 3], device)
    assert _np(ag.cumulative_sum(v)).tolist() == [1, 3, 6]
    assert _np(ag.cumulative_prod(v, include_initial=True)).tolist() == [1, 1, 2, 6]
    m = _t(np.ones((2, 2)), device)
    for name in ("cumulative_sum", "cumulative_prod"):
        with pytest.raises(ValueError, match=rf"{name}: axis is required for a tensor of 2 dimensions"):
            getattr(ag, name)(m)
        with pytest.raises(ValueError, match="at least one dimension"):
            getattr(ag, name)(_t(1.0, device))
        with pytest.raises(IndexError, match="axis 2 is out of range"):
            getattr(ag, name)(m, axis=2)
    e = ag.cumulative_sum(_t(np.zeros((2, 0)), device), axis=1, include_initial=True)
    assert e.shape == (2, 1)
    assert _np(e).tolist() == [[0.0], [0.0]]


def test_float32_keeps_dtype(device):
    x = _t(np.arange(6, dtype=np.float32).reshape(2, 3), device)
    for name in ("sum", "prod", "mean", "var", "std", "max", "min"):
        assert getattr(ag, name)(x, axis=0).dtype is ag.float32, name


def test_unsigned_sum_without_uint64_backend_falls_back_to_default_int(monkeypatch):
    x = ag.asarray([1, 2, 250], dtype=ag.uint8)
    native = dict(x.backend._native_dtype)
    del native[ag.uint64]
    monkeypatch.setattr(x.backend, "_native_dtype", native)
    out = ag.sum(x)
    assert out.dtype is ag.int64
    assert int(out) == 253
    assert ag.cumulative_sum(x).dtype is ag.int64
    with pytest.raises(TypeError, match="sum: the numpy backend has no uint64 dtype"):
        ag.sum(x, dtype=ag.uint64)
