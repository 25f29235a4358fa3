"""Set functions (isin and the unique functions) on every backend."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import arraygrad as ag
from arraygrad._set import UniqueAllResult, UniqueCountsResult, UniqueInverseResult

with_device = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

NAMES = ["isin", "unique_all", "unique_counts", "unique_inverse", "unique_values"]

SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)

# Dask's own behaviour for a data-dependent size (docs/backends.md).
DASK_UNIQUE = (
    "the number of unique values is data-dependent: Dask's unique gives nan sizes, merges "
    "NaNs, and fails to compute some of its results (0-d and empty inputs)"
)


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
@given(
    x1=hnp.arrays(np.int16, SHAPES, elements=st.integers(-5, 5)),
    x2=hnp.arrays(np.int32, SHAPES, elements=st.integers(-5, 5)),
    invert=st.booleans(),
)
def test_isin_matches_numpy(device, x1, x2, invert):
    out = ag.isin(_t(x1, device), _t(x2, device), invert=invert)
    assert out.dtype is ag.bool
    assert out.shape == x1.shape
    np.testing.assert_array_equal(_np(out), np.isin(x1, x2, invert=invert))


@with_device
@given(
    x1=hnp.arrays(np.float64, SHAPES, elements=st.sampled_from([0.0, -0.0, 1.5, np.nan, np.inf])),
    x2=hnp.arrays(np.float32, SHAPES, elements=st.sampled_from([0.0, 1.5, np.nan, -np.inf])),
    invert=st.booleans(),
)
def test_isin_floats_by_value_equality(device, x1, x2, invert):
    out = ag.isin(_t(x1, device), _t(x2, device), invert=invert)
    expected = (x1[..., None] == x2.reshape(-1)).any(axis=-1)
    np.testing.assert_array_equal(_np(out), ~expected if invert else expected)


def test_isin_scalars(device):
    x = _t([1, 2, 3], device, ag.int8)
    out = ag.isin(2, x)
    assert out.shape == ()
    assert out.dtype is ag.bool
    assert bool(out)
    assert not bool(ag.isin(7, x))
    assert bool(ag.isin(7, x, invert=True))
    assert _np(ag.isin(x, 3)).tolist() == [False, False, True]
    assert _np(ag.isin(x, 3, invert=True)).tolist() == [True, True, False]
    with pytest.raises(OverflowError, match="isin: the Python int 1000 is out of the range of int8"):
        ag.isin(x, 1000)
    with pytest.raises(TypeError, match="at least one of x1 and x2 must be a Tensor"):
        ag.isin(1, 2)
    with pytest.raises(TypeError, match="an arraygrad Tensor or a Python int"):
        ag.isin(x, True)


def test_isin_errors(device):
    with pytest.raises(TypeError, match="isin: expected a real numeric dtype, got complex128"):
        ag.isin(_t([1j], device), _t([1j], device))
    with pytest.raises(TypeError, match="isin: expected a real numeric dtype, got bool"):
        ag.isin(_t([True], device), _t([True], device))
    with pytest.raises(TypeError, match="int64 with float64"):
        ag.isin(_t([1], device), _t([1.0], device))
    assert _np(ag.isin(_t([1, 2], device), _t(np.zeros(0, dtype=np.int64), device))).tolist() == [
        False,
        False,
    ]


def _check_unique(x, values, counts=None, indices=None, inverse=None):
    """Check the unique functions' results against the standard's rules (order free)."""
    flat = x.reshape(-1)
    values = _np(values)
    nans = int(np.isnan(flat).sum()) if flat.dtype.kind in "fc" else 0
    assert values.ndim == 1
    assert (int(np.isnan(values).sum()) if values.dtype.kind in "fc" else 0) == nans
    finite = values[~np.isnan(values)] if values.dtype.kind in "fc" else values
    assert len(set(finite.tolist())) == len(finite)  # no repeats (signed zeros are one value)
    assert set(finite.tolist()) == set(flat[flat == flat].tolist())
    if counts is not None:
        counts = _np(counts)
        assert counts.shape == values.shape
        for v, c in zip(values, counts, strict=True):
            assert c == (1 if v != v else int((flat == v).sum()))
    if indices is not None:
        indices = _np(indices)
        for v, i in zip(values, indices, strict=True):
            if v == v:
                assert i == int(np.flatnonzero(flat == v)[0])
            else:
                assert flat[i] != flat[i]
    if inverse is not None:
        inverse = _np(inverse)
        assert inverse.shape == x.shape
        rebuilt = values[inverse]
        np.testing.assert_array_equal(rebuilt[rebuilt == rebuilt], x[rebuilt == rebuilt])


@pytest.mark.backend_xfail("dask", reason=DASK_UNIQUE)
@with_device
@given(
    x=hnp.arrays(
        np.float64, SHAPES, elements=st.sampled_from([0.0, -0.0, 1.0, 2.5, -1.0, np.nan, np.inf])
    )
)
def test_unique_functions_follow_the_standard(device, x):
    t = _t(x, device)
    res = ag.unique_all(t)
    assert isinstance(res, UniqueAllResult)
    assert res._fields == ("values", "indices", "inverse_indices", "counts")
    assert res.values.dtype is ag.float64
    for r in res[1:]:
        assert r.dtype is ag.int64
    _check_unique(x, res.values, res.counts, res.indices, res.inverse_indices)
    res = ag.unique_counts(t)
    assert isinstance(res, UniqueCountsResult)
    assert res._fields == ("values", "counts")
    _check_unique(x, res.values, counts=res.counts)
    res = ag.unique_inverse(t)
    assert isinstance(res, UniqueInverseResult)
    assert res._fields == ("values", "inverse_indices")
    _check_unique(x, res.values, inverse=res.inverse_indices)
    _check_unique(x, ag.unique_values(t))


@pytest.mark.backend_xfail("dask", reason=DASK_UNIQUE)
def test_unique_nan_distinct_signed_zeros_one(device):
    x = _t([np.nan, 0.0, -0.0, np.nan, 1.0], device)
    counts = ag.unique_counts(x)
    vals = _np(counts.values)
    assert int(np.isnan(vals).sum()) == 2
    assert sorted(_np(counts.counts)[~np.isnan(vals)].tolist()) == [1, 2]
    assert ag.unique_values(x).shape == (4,)


@pytest.mark.backend_xfail("dask", reason=DASK_UNIQUE)
def test_unique_of_ints_and_0d(device):
    x = _t([[3, 1], [3, 2]], device, ag.int16)
    res = ag.unique_all(x)
    assert res.values.dtype is ag.int16
    assert _np(res.values).tolist() == [1, 2, 3]
    assert _np(res.counts).tolist() == [1, 1, 2]
    assert _np(res.indices).tolist() == [1, 3, 0]
    assert _np(res.inverse_indices).tolist() == [[2, 0], [2, 1]]
    v = ag.unique_values(_t(7, device))
    assert v.shape == (1,)
    inv = ag.unique_inverse(_t(7, device)).inverse_indices
    assert inv.shape == ()
    assert ag.unique_values(_t(np.zeros((0, 2)), device)).shape == (0,)
    with pytest.raises(TypeError, match="unique_values: expected an arraygrad Tensor"):
        ag.unique_values([1, 2])


@pytest.mark.backend_xfail("dask", reason=DASK_UNIQUE)
@with_device
@given(
    x=hnp.arrays(
        np.complex128,
        SHAPES,
        elements=st.sampled_from([0j, 1j, 1 + 0j, -0.0 + 1j, complex(np.nan, 0), 2 - 1j]),
    )
)
def test_unique_of_complex(device, x):
    # torch has no unique of complex values: the sort-based fallback gives it there.
    t = _t(x, device)
    res = ag.unique_all(t)
    assert res.values.dtype is ag.complex128
    _check_unique(x, res.values, res.counts, res.indices, res.inverse_indices)
    _check_unique(x, ag.unique_values(t))


@pytest.mark.backend_xfail("dask", reason=DASK_UNIQUE)
@with_device
@given(
    x=hnp.arrays(
        np.float32, SHAPES, elements=st.sampled_from([0.0, -0.0, 1.0, -2.5, np.nan, -np.inf])
    )
)
def test_sort_based_unique_agrees_with_numpy(device, x):
    from arraygrad._set import _unique_sorted

    t = _t(x, device)
    values, indices, inverse, counts = (
        np.asarray(ag.asarray(r, device=device).to_device("cpu"))
        for r in _unique_sorted(t.backend, t.raw)
    )
    want = np.unique(x, return_index=True, return_inverse=True, return_counts=True, equal_nan=False)
    np.testing.assert_array_equal(values, want[0])
    np.testing.assert_array_equal(indices, want[1])
    np.testing.assert_array_equal(inverse, want[2].reshape(x.shape))
    np.testing.assert_array_equal(counts, want[3])
