"""Set functions of the standard: membership and the four unique functions.

The unique functions return arraygrad's own named tuples, with the field names the
standard gives, whatever named tuple type the backend returns.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import array_api_compat

from . import _dtypes
from ._backend import Backend
from ._dispatch import call, mixed_devices, not_an_array, scalar_compatible
from ._statistical import check_tensor, index_dtype
from ._tensor import Tensor

__all__ = ["isin", "unique_all", "unique_counts", "unique_inverse", "unique_values"]


class UniqueAllResult(NamedTuple):
    """The result of :func:`unique_all`."""

    values: Tensor
    indices: Tensor
    inverse_indices: Tensor
    counts: Tensor


class UniqueCountsResult(NamedTuple):
    """The result of :func:`unique_counts`."""

    values: Tensor
    counts: Tensor


class UniqueInverseResult(NamedTuple):
    """The result of :func:`unique_inverse`."""

    values: Tensor
    inverse_indices: Tensor


# -- membership -----------------------------------------------------------------------------
def _isin_sorted(backend: Backend, x1: Any, x2: Any) -> Any:
    """isin from the standard's sort, searchsorted and take (any real dtypes, any backend)."""
    ns = backend.ns
    dev = array_api_compat.device(x1)
    dt = ns.result_type(x1, x2)
    pool = ns.sort(ns.reshape(ns.astype(x2, dt), (-1,)))
    if ns.isdtype(dt, "real floating"):
        # NaN equals nothing; left in, it would also mislead torch's binary search.
        pool = pool[~ns.isnan(pool)]
    if pool.shape[0] == 0:
        return ns.zeros(x1.shape, dtype=ns.bool, device=dev)
    values = ns.reshape(ns.astype(x1, dt), (-1,))
    at = ns.clip(ns.searchsorted(pool, values), 0, pool.shape[0] - 1)
    return ns.reshape(ns.equal(ns.take(pool, at), values), x1.shape)


def _isin_impl(backend: Backend, x1: Any, x2: Any, *, invert: bool) -> Any:
    ns = backend.ns
    if not hasattr(x1, "dtype"):
        x1 = ns.asarray(x1, dtype=x2.dtype, device=array_api_compat.device(x2))
    elif not hasattr(x2, "dtype"):
        x2 = ns.asarray(x2, dtype=x1.dtype, device=array_api_compat.device(x1))
    integers = backend.dtype(x1) in _dtypes.INTEGER and backend.dtype(x2) in _dtypes.INTEGER
    if hasattr(ns, "isin") and (integers or backend._numpy_like or backend.lazy):
        # Note: Dask's isin compares floats by value (NumPy's); the sorted fallback drops
        # NaNs with a mask, a size Dask cannot know.
        out = ns.isin(x1, x2)
    else:
        # Note: the standard asks isin for integer dtypes only (array_api_strict refuses
        # others); real floating values are compared by value equality here, on any backend.
        out = _isin_sorted(backend, x1, x2)
    # Note: invert is applied here, as array_api_strict 2.6 ignores its invert argument.
    return ns.logical_not(out) if invert else out


def isin(x1: Tensor | int, x2: Tensor | int, /, *, invert: bool = False) -> Tensor:
    """Return whether each element of ``x1`` is (or with ``invert``, is not) in ``x2``."""
    name = "isin"
    tensors = [x for x in (x1, x2) if isinstance(x, Tensor)]
    for x in (x1, x2):
        if isinstance(x, Tensor):
            check_tensor(name, x, _dtypes.REAL_NUMERIC, "real numeric")
        elif isinstance(x, bool) or not isinstance(x, (int, float)):
            raise not_an_array(name, x, "an arraygrad Tensor or a Python int")
    if not tensors:
        raise TypeError(f"{name}: at least one of x1 and x2 must be a Tensor, got two Python scalars")
    if len(tensors) == 2:
        a, b = tensors
        if a._backend is not b._backend or (not a._backend.single_device and a.device != b.device):
            raise mixed_devices(name, a, b)
        _dtypes.promote(a.dtype, b.dtype, name)
    else:
        scalar_compatible(name, x2 if isinstance(x1, Tensor) else x1, tensors[0].dtype)
    if not isinstance(invert, (bool, int)):
        raise TypeError(f"{name}: invert must be a bool, got {type(invert).__name__}")
    return call(name, (x1, x2), {"invert": bool(invert)}, impl=_isin_impl)


# -- unique ---------------------------------------------------------------------------------
def _unique_sorted(backend: Backend, x: Any) -> tuple[Any, Any, Any, Any]:
    """Return (values, indices, inverse_indices, counts) built from the standard's sort.

    The fallback where a backend lacks a unique function (torch: unique_all, complex
    dtypes). Equal neighbours after a stable sort form one value, so NaNs stay distinct,
    signed zeros are one value, and the first index of each value is its first occurrence.
    """
    ns = backend.ns
    dev = array_api_compat.device(x)
    idx = backend.native_dtype(_dtypes.int64)
    flat = ns.reshape(x, (-1,))
    n = flat.shape[0]
    if backend.dtype(x) in _dtypes.COMPLEX_FLOATING:
        # Complex values have no order: sort by (real, imag) with two stable sorts.
        order = ns.argsort(ns.imag(flat), stable=True)
        order = ns.take(order, ns.argsort(ns.take(ns.real(flat), order), stable=True))
    else:
        order = ns.argsort(flat, stable=True)
    order = ns.astype(order, idx)
    ordered = ns.take(flat, order)
    if n == 0:
        return ordered, order, ns.reshape(order, x.shape), order
    first = ns.concat(
        [ns.ones((1,), dtype=ns.bool, device=dev), ns.not_equal(ordered[1:], ordered[:-1])]
    )
    group = ns.cumulative_sum(ns.astype(first, idx)) - 1
    inverse = ns.reshape(ns.take(group, ns.argsort(order)), x.shape)
    starts = ns.astype(ns.nonzero(first)[0], idx)
    ends = ns.concat([starts[1:], ns.asarray([n], dtype=idx, device=dev)])
    return ns.take(ordered, starts), ns.take(order, starts), inverse, ends - starts


def _unique(backend: Backend, name: str, x: Any) -> Any:
    try:
        return getattr(backend.ns, name)(x)
    except NotImplementedError:
        # Note: torch has no unique_all and no unique of complex values; the standard's
        # sort gives them (see _unique_sorted).
        values, indices, inverse, counts = _unique_sorted(backend, x)
        parts = {"values": values, "indices": indices, "inverse_indices": inverse, "counts": counts}
        fields = {
            "unique_all": ("values", "indices", "inverse_indices", "counts"),
            "unique_counts": ("values", "counts"),
            "unique_inverse": ("values", "inverse_indices"),
        }
        if name == "unique_values":
            return values
        return tuple(parts[f] for f in fields[name])


def _inverse(backend: Backend, inverse: Any, x: Any) -> Any:
    inverse = index_dtype(backend, inverse)
    if inverse.shape != x.shape:  # older backends return it flattened
        inverse = backend.ns.reshape(inverse, x.shape)
    return inverse


def _unique_all_impl(backend: Backend, x: Any) -> UniqueAllResult:
    values, indices, inverse, counts = _unique(backend, "unique_all", x)
    return UniqueAllResult(
        values,
        index_dtype(backend, indices),
        _inverse(backend, inverse, x),
        index_dtype(backend, counts),
    )


def _unique_counts_impl(backend: Backend, x: Any) -> UniqueCountsResult:
    values, counts = _unique(backend, "unique_counts", x)
    return UniqueCountsResult(values, index_dtype(backend, counts))


def _unique_inverse_impl(backend: Backend, x: Any) -> UniqueInverseResult:
    values, inverse = _unique(backend, "unique_inverse", x)
    return UniqueInverseResult(values, _inverse(backend, inverse, x))


def _unique_values_impl(backend: Backend, x: Any) -> Any:
    return _unique(backend, "unique_values", x)


def unique_all(x: Tensor, /) -> UniqueAllResult:
    """Return the unique values of ``x`` with first indices, inverse indices and counts.

    A named tuple ``(values, indices, inverse_indices, counts)``; ``x`` is flattened, NaNs
    are distinct and signed zeros are one value, as the standard asks.
    """
    check_tensor("unique_all", x)
    return call("unique_all", (x,), impl=_unique_all_impl)


def unique_counts(x: Tensor, /) -> UniqueCountsResult:
    """Return the unique values of ``x`` and their counts, as ``(values, counts)``."""
    check_tensor("unique_counts", x)
    return call("unique_counts", (x,), impl=_unique_counts_impl)


def unique_inverse(x: Tensor, /) -> UniqueInverseResult:
    """Return the unique values of ``x`` and the indices rebuilding ``x``, as ``(values, inverse_indices)``."""
    check_tensor("unique_inverse", x)
    return call("unique_inverse", (x,), impl=_unique_inverse_impl)


def unique_values(x: Tensor, /) -> Tensor:
    """Return the unique values of ``x`` as a 1-D tensor (NaNs distinct, signed zeros one)."""
    check_tensor("unique_values", x)
    return call("unique_values", (x,), impl=_unique_values_impl)
