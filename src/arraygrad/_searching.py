"""Searching functions of the standard: arg-extrema, non-zeros, sorted search and where."""

from __future__ import annotations

from typing import Any, Literal

import array_api_compat

from . import _dtypes
from ._backend import Backend
from ._dispatch import (
    _scalar_operand,
    call,
    check_axis,
    mixed_devices,
    not_an_array,
    scalar_compatible,
)
from ._dtypes import DType
from ._statistical import (
    _bool_flag,
    check_tensor,
    index_dtype,
    reduced_size,
    reduction_axes,
)
from ._tensor import Tensor

__all__ = ["argmax", "argmin", "count_nonzero", "nonzero", "searchsorted", "where"]

_SCALARS = (bool, int, float, complex)


def _same_place(name: str, a: Tensor, b: Tensor) -> None:
    if a._backend is not b._backend or (not a._backend.single_device and a.device != b.device):
        raise mixed_devices(name, a, b)


# -- arg-extrema ----------------------------------------------------------------------------
def _arg_impl(name: str) -> Any:
    def impl(backend: Backend, x: Any, *, axis: int | None, keepdims: bool) -> Any:
        return index_dtype(backend, getattr(backend.ns, name)(x, axis=axis, keepdims=keepdims))

    return impl


_argmax_impl = _arg_impl("argmax")
_argmin_impl = _arg_impl("argmin")


def _arg_extremum(name: str, x: Any, axis: Any, keepdims: Any) -> Tensor:
    # Note: complex numbers have no order (the standard leaves them undefined, array_api_strict
    # refuses them), so they are a TypeError.
    check_tensor(name, x, _dtypes.REAL_NUMERIC, "real numeric")
    if axis is not None:
        axis = check_axis(name, axis, x.ndim)
    if reduced_size(x.shape, None if axis is None else (axis,)) == 0:
        where = "the tensor" if axis is None else f"axis {axis}"
        raise ValueError(
            f"{name}: cannot search zero elements ({where} of shape {x.shape} is empty)"
        )
    params = {"axis": axis, "keepdims": _bool_flag(name, "keepdims", keepdims)}
    return call(name, (x,), params, impl=_argmax_impl if name == "argmax" else _argmin_impl)


def argmax(x: Tensor, /, *, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """Return the indices of the first maxima of ``x`` along ``axis`` (flattened if None)."""
    return _arg_extremum("argmax", x, axis, keepdims)


def argmin(x: Tensor, /, *, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """Return the indices of the first minima of ``x`` along ``axis`` (flattened if None)."""
    return _arg_extremum("argmin", x, axis, keepdims)


# -- non-zeros ------------------------------------------------------------------------------
def _count_nonzero_impl(backend: Backend, x: Any, *, axis: tuple[int, ...] | None, keepdims: bool) -> Any:
    if axis == ():
        # Note: reducing no axis counts each element on its own; torch's count_nonzero
        # fails on an empty axis tuple.
        return index_dtype(backend, backend.ns.not_equal(x, backend.ns.zeros_like(x)))
    return index_dtype(backend, backend.ns.count_nonzero(x, axis=axis, keepdims=keepdims))


def count_nonzero(
    x: Tensor, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
) -> Tensor:
    """Return the number of non-zero elements of ``x`` over ``axis`` (all axes by default)."""
    check_tensor("count_nonzero", x)
    params = {
        "axis": reduction_axes("count_nonzero", axis, x.ndim),
        "keepdims": _bool_flag("count_nonzero", "keepdims", keepdims),
    }
    return call("count_nonzero", (x,), params, impl=_count_nonzero_impl)


def _nonzero_impl(backend: Backend, x: Any) -> tuple[Any, ...]:
    return tuple(index_dtype(backend, i) for i in backend.ns.nonzero(x))


def nonzero(x: Tensor, /) -> tuple[Tensor, ...]:
    """Return one index tensor per axis of ``x`` locating its non-zero elements (C order)."""
    check_tensor("nonzero", x)
    if x.ndim == 0:
        raise ValueError(
            "nonzero: a 0-d tensor has no axes to index; reshape it to (1,) first"
        )
    return call("nonzero", (x,), impl=_nonzero_impl)


# -- sorted search --------------------------------------------------------------------------
def _searchsorted_impl(
    backend: Backend, x1: Any, x2: Any, sorter: Any, *, side: str
) -> Any:
    ns = backend.ns
    if backend.lazy:
        # Note: Dask's searchsorted takes no sorter and no Python scalar, and a 0-d x2
        # fails when computed; x1 is sorted by the sorter first, x2 searched as 1-D.
        if sorter is not None:
            x1, sorter = ns.take(x1, sorter, axis=0), None
        if not hasattr(x2, "dtype"):
            x2 = ns.asarray(x2, dtype=x1.dtype, device=array_api_compat.device(x1))
        if x2.ndim == 0:
            found = ns.searchsorted(x1, ns.reshape(x2, (1,)), side=side)
            return index_dtype(backend, ns.reshape(found, ()))
    if not hasattr(x2, "dtype"):
        x2 = _scalar_operand(backend, x2, x1, backend.dtype(x1))
    return index_dtype(backend, ns.searchsorted(x1, x2, side=side, sorter=sorter))


def searchsorted(
    x1: Tensor,
    x2: Tensor | int | float,
    /,
    *,
    side: Literal["left", "right"] = "left",
    sorter: Tensor | None = None,
) -> Tensor:
    """Return where the elements of ``x2`` would be inserted into the sorted 1-D ``x1``."""
    name = "searchsorted"
    d1 = check_tensor(name, x1, _dtypes.REAL_NUMERIC, "real numeric")
    if x1.ndim != 1:
        raise ValueError(f"{name}: x1 must be one-dimensional, got shape {x1.shape}")
    if isinstance(x2, Tensor):
        d2 = check_tensor(name, x2, _dtypes.REAL_NUMERIC, "real numeric")
        _same_place(name, x1, x2)
        _dtypes.promote(d1, d2, name)
    elif isinstance(x2, (bool, complex)) or not isinstance(x2, (int, float)):
        raise TypeError(
            f"{name}: x2 must be a Tensor, a Python int or a Python float, got {type(x2).__name__}"
        )
    else:
        scalar_compatible(name, x2, d1)
    if side not in ("left", "right"):
        raise ValueError(f"{name}: side must be 'left' or 'right', got {side!r}")
    if sorter is not None:
        ds = check_tensor(name, sorter)
        if ds not in _dtypes.INTEGER:
            raise TypeError(f"{name}: sorter must have an integer dtype, got {ds.name}")
        if sorter.shape != x1.shape:
            raise ValueError(
                f"{name}: sorter must have the shape of x1, {x1.shape}, got {sorter.shape}"
            )
        _same_place(name, x1, sorter)
    return call(name, (x1, x2, sorter), {"side": side}, impl=_searchsorted_impl)


# -- where ----------------------------------------------------------------------------------
def broadcast_shapes(name: str, *shapes: tuple[int | None, ...]) -> tuple[int | None, ...]:
    """Return the broadcast shape of ``shapes``; ValueError naming them if they do not fit."""
    ndim = max((len(s) for s in shapes), default=0)
    out: list[int | None] = []
    for i in range(-ndim, 0):
        sizes = [s[i] for s in shapes if len(s) >= -i]
        known = {n for n in sizes if n is not None and n != 1}
        if len(known) > 1:
            raise ValueError(
                f"{name}: shapes {', '.join(str(tuple(s)) for s in shapes)} cannot be broadcast "
                "together"
            )
        out.append(known.pop() if known else (None if None in sizes else 1))
    return tuple(out)


def _where_impl(backend: Backend, condition: Any, x1: Any, x2: Any) -> Any:
    if not hasattr(x1, "dtype"):
        x1 = _scalar_operand(backend, x1, x2, backend.dtype(x2))
    elif not hasattr(x2, "dtype"):
        x2 = _scalar_operand(backend, x2, x1, backend.dtype(x1))
    return backend.ns.where(condition, x1, x2)


def where(
    condition: Tensor,
    x1: Tensor | bool | int | float | complex,
    x2: Tensor | bool | int | float | complex,
    /,
) -> Tensor:
    """Return elements of ``x1`` where ``condition`` is True and of ``x2`` elsewhere."""
    name = "where"
    dc = check_tensor(name, condition)
    if dc is not _dtypes.bool:
        raise TypeError(f"{name}: condition must have the bool dtype, got {dc.name}")
    shapes = [condition.shape]
    dtypes: list[DType] = []
    for x in (x1, x2):
        if isinstance(x, Tensor):
            _same_place(name, condition, x)
            shapes.append(x.shape)
            dtypes.append(x.dtype)
        elif not isinstance(x, _SCALARS):
            raise not_an_array(name, x, "an arraygrad Tensor or a Python scalar")
    if not dtypes:
        raise TypeError(f"{name}: at least one of x1 and x2 must be a Tensor, got two Python scalars")
    if len(dtypes) == 2:
        _dtypes.promote(dtypes[0], dtypes[1], name)
    else:
        scalar = x2 if isinstance(x1, Tensor) else x1
        scalar_compatible(name, scalar, dtypes[0])
    broadcast_shapes(name, *shapes)
    return call(name, (condition, x1, x2), impl=_where_impl)
