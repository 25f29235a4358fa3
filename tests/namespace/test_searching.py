"""Searching functions (argmax, argmin, count_nonzero, nonzero, searchsorted, where)."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import arraygrad as ag
from conftest import SUBNORMALS, assume_on, has_subnormal

with_device = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

NAMES = ["argmax", "argmin", "count_nonzero", "nonzero", "searchsorted", "where"]

SHAPES = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)
SMALL_INTS = st.integers(-3, 3)


def _t(a, device, dtype=None):
    return ag.asarray(np.asarray(a), dtype=dtype, device=device)


def _np(t):
    return np.asarray(t.to_device("cpu"))


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
@given(a=hnp.arrays(np.int16, SHAPES, elements=SMALL_INTS), data=st.data(), keepdims=st.booleans())
@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_argmax_argmin_match_numpy(device, name, a, data, keepdims):
    axis = data.draw(st.none() | st.integers(-a.ndim, a.ndim - 1))
    out = getattr(ag, name)(_t(a, device), axis=axis, keepdims=keepdims)
    expected = getattr(np, name)(a, axis=axis, keepdims=keepdims)
    assert out.dtype is ag.int64
    assert out.shape == expected.shape
    np.testing.assert_array_equal(_np(out), expected)  # first occurrence of ties


def test_argmax_errors_and_nan(device):
    x = _t([1.0, np.nan, 3.0, np.nan], device)
    assert int(ag.argmax(x)) == 1  # NaN counts as the extremum, first one wins
    assert int(ag.argmin(x)) == 1
    with pytest.raises(ValueError, match=r"argmax: cannot search zero elements \(axis 1 of shape \(2, 0\)"):
        ag.argmax(_t(np.zeros((2, 0)), device), axis=1)
    with pytest.raises(ValueError, match="argmin: cannot search zero elements"):
        ag.argmin(_t(np.zeros(0), device))
    assert ag.argmax(_t(np.zeros((0, 2)), device), axis=1).shape == (0,)
    with pytest.raises(TypeError, match="argmax: expected a real numeric dtype, got complex128"):
        ag.argmax(_t([1j], device))
    with pytest.raises(IndexError, match="argmin: axis 1 is out of range"):
        ag.argmin(x, axis=1)
    with pytest.raises(TypeError, match="axis must be an int"):
        ag.argmax(x, axis=(0,))
    assert int(ag.argmax(_t(5.0, device))) == 0
    assert ag.argmax(_t(np.ones((2, 3)), device), keepdims=True).shape == (1, 1)


@with_device
@given(
    a=hnp.arrays(np.int8, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
                 elements=st.integers(-1, 1)),
    data=st.data(),
    keepdims=st.booleans(),
)
def test_count_nonzero_matches_numpy(device, a, data, keepdims):
    axis = None
    if a.ndim:
        axis = data.draw(
            st.none()
            | st.integers(-a.ndim, a.ndim - 1)
            | st.lists(st.integers(0, a.ndim - 1), unique=True).map(tuple)
        )
    out = ag.count_nonzero(_t(a, device), axis=axis, keepdims=keepdims)
    expected = np.count_nonzero(a, axis=axis, keepdims=keepdims)
    assert out.dtype is ag.int64
    np.testing.assert_array_equal(_np(out), expected)


def test_count_nonzero_dtypes(device):
    assert int(ag.count_nonzero(_t([0j, 1j, 1 + 0j, 0j], device))) == 2
    assert int(ag.count_nonzero(_t([True, False, True], device))) == 2
    assert int(ag.count_nonzero(_t([np.nan, 0.0, -0.0], device))) == 1


@with_device
@given(a=hnp.arrays(np.float64, SHAPES, elements=st.sampled_from([0.0, -0.0, 1.0, np.nan])))
def test_nonzero_matches_numpy(device, a):
    out = ag.nonzero(_t(a, device))
    assert isinstance(out, tuple)
    assert len(out) == a.ndim
    for got, want in zip(out, np.nonzero(a), strict=True):
        assert got.dtype is ag.int64
        np.testing.assert_array_equal(_np(got), want)


def test_nonzero_complex_bool_and_0d(device):
    (i,) = ag.nonzero(_t([0j, 1j, 0j, 2 + 0j], device))
    assert _np(i).tolist() == [1, 3]
    (i,) = ag.nonzero(_t([False, True], device))
    assert _np(i).tolist() == [1]
    with pytest.raises(ValueError, match="nonzero: a 0-d tensor has no axes"):
        ag.nonzero(_t(1.0, device))


@with_device
@given(
    pool=st.lists(st.integers(-20, 20), min_size=1, max_size=10),
    values=hnp.arrays(np.int64, hnp.array_shapes(min_dims=0, max_dims=2, max_side=4),
                      elements=st.integers(-25, 25)),
    side=st.sampled_from(["left", "right"]),
    use_sorter=st.booleans(),
)
def test_searchsorted_matches_numpy(device, pool, values, side, use_sorter):
    x1 = np.array(pool)
    sorter = np.argsort(x1, kind="stable") if use_sorter else None
    if not use_sorter:
        x1 = np.sort(x1)
    expected = np.searchsorted(x1, values, side=side, sorter=sorter)
    out = ag.searchsorted(
        _t(x1, device), _t(values, device), side=side,
        sorter=None if sorter is None else _t(sorter, device),
    )
    assert out.dtype is ag.int64
    assert out.shape == values.shape
    np.testing.assert_array_equal(_np(out), expected)


def test_searchsorted_scalars(device):
    x1 = _t([1.0, 2.0, 2.0, 3.0], device)
    out = ag.searchsorted(x1, 2.0)
    assert out.shape == ()
    assert out.dtype is ag.int64
    assert int(out) == 1
    assert int(ag.searchsorted(x1, 2, side="right")) == 3
    assert int(ag.searchsorted(_t([1, 5, 9], device, ag.int8), 6)) == 2
    with pytest.raises(TypeError, match="Python float combines only with floating-point"):
        ag.searchsorted(_t([1, 2], device), 1.5)
    with pytest.raises(TypeError, match="x2 must be a Tensor, a Python int or a Python float"):
        ag.searchsorted(x1, True)


def test_searchsorted_errors(device):
    x1 = _t([1.0, 2.0], device)
    with pytest.raises(ValueError, match=r"searchsorted: x1 must be one-dimensional, got shape \(1, 2\)"):
        ag.searchsorted(_t([[1.0, 2.0]], device), x1)
    with pytest.raises(ValueError, match="side must be 'left' or 'right', got 'middle'"):
        ag.searchsorted(x1, x1, side="middle")
    with pytest.raises(TypeError, match="sorter must have an integer dtype, got float64"):
        ag.searchsorted(x1, x1, sorter=x1)
    with pytest.raises(ValueError, match=r"sorter must have the shape of x1, \(2,\), got \(3,\)"):
        ag.searchsorted(x1, x1, sorter=_t([0, 1, 2], device))
    with pytest.raises(TypeError, match="float64 with int64"):
        ag.searchsorted(x1, _t([1], device))
    with pytest.raises(TypeError, match="real numeric dtype, got complex128"):
        ag.searchsorted(x1, _t([1j], device))


@with_device
@given(
    shapes=hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3),
    data=st.data(),
)
def test_where_matches_numpy(device, shapes, data):
    s_cond, s1, s2 = shapes.input_shapes
    cond = data.draw(hnp.arrays(np.bool_, s_cond))
    x1 = data.draw(hnp.arrays(np.float32, s1, elements=st.floats(-5, 5, width=32)))
    x2 = data.draw(hnp.arrays(np.float64, s2, elements=st.floats(-5, 5)))
    assume_on(device, "jax", ok=not has_subnormal(x1, x2), reason=SUBNORMALS)
    out = ag.where(_t(cond, device), _t(x1, device), _t(x2, device))
    expected = np.where(cond, x1, x2)
    assert out.dtype is ag.float64
    assert out.shape == shapes.result_shape
    np.testing.assert_array_equal(_np(out), expected)


def test_where_scalars(device):
    cond = _t([True, False, True], device)
    x = _t([1, 2, 3], device, ag.int8)
    out = ag.where(cond, x, 0)
    assert out.dtype is ag.int8
    assert _np(out).tolist() == [1, 0, 3]
    out = ag.where(cond, -1, x)
    assert out.dtype is ag.int8
    assert _np(out).tolist() == [-1, 2, -1]
    f = _t([1.0, 2.0, 3.0], device, ag.float32)
    assert ag.where(cond, f, 0.5).dtype is ag.float32
    assert ag.where(cond, f, 1j).dtype is ag.complex64
    assert _np(ag.where(cond, True, _t([False] * 3, device))).tolist() == [True, False, True]
    with pytest.raises(TypeError, match="where: a Python float combines only with floating-point"):
        ag.where(cond, x, 0.5)
    with pytest.raises(OverflowError, match="out of the range of int8"):
        ag.where(cond, x, 1000)
    with pytest.raises(TypeError, match="at least one of x1 and x2 must be a Tensor"):
        ag.where(cond, 1, 2)


def test_where_errors(device):
    x = _t([1.0, 2.0], device)
    with pytest.raises(TypeError, match="where: condition must have the bool dtype, got float64"):
        ag.where(x, x, x)
    with pytest.raises(TypeError, match=r"where: expected an arraygrad Tensor, got builtins\.list"):
        ag.where([True, False], x, x)
    with pytest.raises(TypeError, match="float64 with int64"):
        ag.where(x > 1, x, _t([1, 2], device))
    with pytest.raises(ValueError, match=r"where: shapes \(2,\), \(2,\), \(3,\) cannot be broadcast"):
        ag.where(x > 1, x, _t([1.0, 2.0, 3.0], device))
    with pytest.raises(TypeError, match="an arraygrad Tensor or a Python scalar"):
        ag.where(x > 1, x, "a")


def test_mixed_backends_are_errors():
    pytest.importorskip("array_api_strict")
    a = ag.asarray([1.0, 2.0])
    b = ag.asarray([1.0, 2.0], device="array_api_strict")
    with pytest.raises(ValueError, match="different devices"):
        ag.where(a > 1, a, b)
    with pytest.raises(ValueError, match="different devices"):
        ag.searchsorted(a, b)
