"""Sorting functions (sort, argsort) on every backend."""

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

SHAPES = hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=5)


def _t(a, device, dtype=None):
    return ag.asarray(np.asarray(a), dtype=dtype, device=device)


def _np(t):
    return np.asarray(t.to_device("cpu"))


def test_signatures_match_the_standard():
    strict = pytest.importorskip("array_api_strict")
    strict.set_array_api_strict_flags(api_version="2025.12")
    for name in ("argsort", "sort"):
        ours = inspect.signature(getattr(ag, name)).parameters
        theirs = inspect.signature(getattr(strict, name)).parameters
        assert list(ours) == list(theirs), name
        for p, q in zip(ours.values(), theirs.values(), strict=True):
            assert (p.kind, p.default) == (q.kind, q.default), (name, p.name)
        assert getattr(ag, name).__doc__.startswith("Return")


def _stable_argsort(a, axis, descending):
    """NumPy reference: a stable sort, descending keeping equal values in their order."""
    if not descending:
        return np.argsort(a, axis=axis, kind="stable")
    return np.argsort(-a.astype(np.float64), axis=axis, kind="stable")


@with_device
@given(
    a=hnp.arrays(np.int16, SHAPES, elements=st.integers(-3, 3)),
    data=st.data(),
    descending=st.booleans(),
)
def test_argsort_is_stable_both_ways(device, a, data, descending):
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    out = ag.argsort(_t(a, device), axis=axis, descending=descending)
    assert out.dtype is ag.int64
    assert out.shape == a.shape
    np.testing.assert_array_equal(_np(out), _stable_argsort(a, axis, descending))


@with_device
@given(
    a=hnp.arrays(np.float32, SHAPES, elements=st.floats(-10, 10, width=32)),
    data=st.data(),
    descending=st.booleans(),
    stable=st.booleans(),
)
def test_sort_matches_numpy(device, a, data, descending, stable):
    assume_on(device, "jax", ok=not has_subnormal(a), reason=SUBNORMALS)
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    x = _t(a, device)
    out = ag.sort(x, axis=axis, descending=descending, stable=stable)
    expected = np.sort(a, axis=axis)
    if descending:
        expected = np.flip(expected, axis=axis)
    assert out.dtype is ag.float32
    np.testing.assert_array_equal(_np(out), expected)
    # argsort's indices sort the values the same way, stable or not
    idx = ag.argsort(x, axis=axis, descending=descending, stable=stable)
    np.testing.assert_array_equal(np.take_along_axis(a, _np(idx), axis=axis), expected)


def test_sort_is_a_copy(device):
    x = _t([3, 1, 2], device)
    y = ag.sort(x)
    assert _np(y).tolist() == [1, 2, 3]
    assert _np(x).tolist() == [3, 1, 2]
    assert y.raw is not x.raw
    assert ag.sort(ag.sort(x)).raw is not y.raw


def test_nan_sorts_last(device):
    x = _t([np.nan, 1.0, -np.inf, 0.5], device)
    assert _np(ag.sort(x)).tolist()[:3] == [-np.inf, 0.5, 1.0]
    assert np.isnan(_np(ag.sort(x))[-1])
    assert _np(ag.argsort(x)).tolist() == [2, 3, 1, 0]


def test_errors(device):
    for name in ("sort", "argsort"):
        fn = getattr(ag, name)
        with pytest.raises(TypeError, match=f"{name}: expected a real numeric dtype, got complex128"):
            fn(_t([1j, 2j], device))
        with pytest.raises(TypeError, match=f"{name}: expected a real numeric dtype, got bool"):
            fn(_t([True, False], device))
        with pytest.raises(IndexError, match=f"{name}: axis 1 is out of range for a tensor of 1 dimensions"):
            fn(_t([1.0, 2.0], device), axis=1)
        with pytest.raises(ValueError, match="0-d tensor has no axis to sort along"):
            fn(_t(1.0, device))
        with pytest.raises(TypeError, match="descending must be a bool"):
            fn(_t([1.0], device), descending="yes")
        with pytest.raises(TypeError, match=r"expected an arraygrad Tensor, got builtins\.list"):
            fn([1, 2])
