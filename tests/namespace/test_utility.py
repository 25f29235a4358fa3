"""Utility functions (all, any, diff) on every backend."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import arraygrad as ag

with_device = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def _t(a, device, dtype=None):
    return ag.asarray(np.asarray(a), dtype=dtype, device=device)


def _np(t):
    return np.asarray(t.to_device("cpu"))


def test_signatures_match_the_standard():
    strict = pytest.importorskip("array_api_strict")
    strict.set_array_api_strict_flags(api_version="2025.12")
    for name in ("all", "any", "diff"):
        ours = inspect.signature(getattr(ag, name)).parameters
        theirs = inspect.signature(getattr(strict, name)).parameters
        assert list(ours) == list(theirs), name
        for p, q in zip(ours.values(), theirs.values(), strict=True):
            assert (p.kind, p.default) == (q.kind, q.default), (name, p.name)
        assert getattr(ag, name).__doc__.startswith("Return")


@with_device
@given(
    a=hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3),
        elements=st.sampled_from([0.0, -0.0, 1.0, np.nan, np.inf]),
    ),
    data=st.data(),
    keepdims=st.booleans(),
)
@pytest.mark.parametrize("name", ["all", "any"])
def test_all_any_match_numpy(device, name, a, data, keepdims):
    axis = None
    if a.ndim:
        axis = data.draw(
            st.none()
            | st.integers(-a.ndim, a.ndim - 1)
            | st.lists(st.integers(0, a.ndim - 1), unique=True).map(tuple)
        )
    out = getattr(ag, name)(_t(a, device), axis=axis, keepdims=keepdims)
    expected = getattr(np, name)(a, axis=axis, keepdims=keepdims)
    assert out.dtype is ag.bool
    np.testing.assert_array_equal(_np(out), expected)


def test_all_any_dtypes_and_empty(device):
    assert bool(ag.all(_t(np.zeros(0), device)))
    assert not bool(ag.any(_t(np.zeros(0), device)))
    assert _np(ag.all(_t(np.zeros((2, 0)), device), axis=1)).tolist() == [True, True]
    assert bool(ag.any(_t([0j, 1j], device)))
    assert not bool(ag.all(_t([0j, 1j], device)))
    assert bool(ag.all(_t([np.nan, np.inf, -np.inf], device)))
    assert bool(ag.any(_t([0, 0, 3], device, ag.uint8)))
    with pytest.raises(IndexError, match="any: axis 1 is out of range"):
        ag.any(_t([True], device), axis=1)
    with pytest.raises(ValueError, match="names an axis more than once"):
        ag.all(_t([[True]], device), axis=(0, 0))


@with_device
@given(
    a=hnp.arrays(np.int32, hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=4),
                 elements=st.integers(-50, 50)),
    data=st.data(),
)
def test_diff_matches_numpy(device, a, data):
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    n = data.draw(st.integers(0, 4))
    extras = {}
    for key in ("prepend", "append"):
        if data.draw(st.booleans()):
            shape = list(a.shape)
            shape[axis] = data.draw(st.integers(0, 2))
            extras[key] = data.draw(hnp.arrays(np.int32, tuple(shape), elements=st.integers(-5, 5)))
    out = ag.diff(_t(a, device), axis=axis, n=n, **{k: _t(v, device) for k, v in extras.items()})
    joined = np.concatenate(
        [p for p in (extras.get("prepend"), a, extras.get("append")) if p is not None], axis=axis
    )
    # the standard: n recursive differences of the concatenation (n=0 is the concatenation)
    expected = np.diff(joined, n=n, axis=axis) if n else joined
    assert out.dtype is ag.int32
    assert out.shape == expected.shape
    np.testing.assert_array_equal(_np(out), expected)


def test_diff_values_and_copy(device):
    x = _t([1.0, 4.0, 9.0, 16.0], device)
    assert _np(ag.diff(x)).tolist() == [3.0, 5.0, 7.0]
    assert _np(ag.diff(x, n=2)).tolist() == [2.0, 2.0]
    assert ag.diff(x, n=5).shape == (0,)
    same = ag.diff(x, n=0)
    assert _np(same).tolist() == _np(x).tolist()
    assert same.raw is not x.raw
    # prepend/append promote with x by the standard's table
    out = ag.diff(_t([1, 2], device, ag.int8), prepend=_t([0], device, ag.int16))
    assert out.dtype is ag.int16
    assert _np(out).tolist() == [1, 1]
    z = _t([1j, 2 + 1j], device)
    assert _np(ag.diff(z)).tolist() == [2 + 0j]


def test_diff_errors(device):
    x = _t(np.ones((2, 3)), device)
    with pytest.raises(TypeError, match="diff: expected a numeric dtype, got bool"):
        ag.diff(_t([True, False], device))
    with pytest.raises(ValueError, match="diff: expected a tensor of at least one dimension"):
        ag.diff(_t(1.0, device))
    with pytest.raises(IndexError, match="diff: axis 2 is out of range"):
        ag.diff(x, axis=2)
    with pytest.raises(ValueError, match="n must be non-negative, got -1"):
        ag.diff(x, n=-1)
    with pytest.raises(TypeError, match="n must be an int, got float"):
        ag.diff(x, n=1.0)
    with pytest.raises(ValueError, match=r"prepend must have the shape of x \(2, 3\) except along axis 1, got \(3, 1\)"):
        ag.diff(x, prepend=_t(np.ones((3, 1)), device))
    with pytest.raises(ValueError, match="append must have the shape of x"):
        ag.diff(x, append=_t(np.ones(3), device))
    with pytest.raises(TypeError, match="float64 with int64"):
        ag.diff(x, append=_t(np.ones((2, 1), dtype=np.int64), device))
