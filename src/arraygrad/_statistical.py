"""Statistical functions of the standard: reductions and cumulative sums and products.

The helpers at the top (axis normalisation, the reduced shape, the accumulation dtype) are
shared by the other reducing families (searching, utility).
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Sequence
from typing import Any

import array_api_compat

from . import _dtypes
from ._backend import Backend
from ._dispatch import DEFAULT_DTYPES, call, check_axis, not_an_array, wrong_dtype
from ._dtypes import DType
from ._tensor import Tensor

__all__ = [
    "cumulative_prod",
    "cumulative_sum",
    "max",
    "mean",
    "min",
    "prod",
    "std",
    "sum",
    "var",
]

Axes = tuple[int, ...] | None


# -- helpers shared by the reducing families ------------------------------------------------
def check_tensor(name: str, x: Any, allowed: frozenset[DType] | None = None, category: str = "") -> DType:
    """Return the dtype of ``x``; TypeError if it is no Tensor or its dtype is not ``allowed``."""
    if not isinstance(x, Tensor):
        raise not_an_array(name, x)
    dt = x.dtype
    if allowed is not None and dt not in allowed:
        raise wrong_dtype(name, dt, category)
    return dt


def reduction_axes(name: str, axis: Any, ndim: int) -> Axes:
    """Return ``axis`` (None, an int or a tuple of ints) as a sorted tuple of axes in [0, ndim).

    IndexError for an axis out of range, ValueError for a repeated one, TypeError otherwise.
    """
    if axis is None:
        return None
    if isinstance(axis, int) and not isinstance(axis, bool):
        return (check_axis(name, axis, ndim),)
    if not isinstance(axis, tuple):
        raise TypeError(
            f"{name}: axis must be None, an int or a tuple of ints, got {type(axis).__name__}"
        )
    axes = tuple(check_axis(name, a, ndim) for a in axis)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{name}: axis {axis} names an axis more than once (tensor of {ndim} dimensions)")
    return tuple(sorted(axes))


def reduced_size(shape: Sequence[int | None], axes: Axes) -> int | None:
    """Return how many elements each result element reduces (None if a size is unknown)."""
    sizes = [shape[a] for a in axes] if axes is not None else list(shape)
    if any(s is None for s in sizes):
        return None
    return math.prod(sizes)  # type: ignore[arg-type]


def reduced_shape(shape: Sequence[int | None], axes: Axes, keepdims: bool) -> tuple[int | None, ...]:
    """Return the shape of a reduction's result."""
    ndim = len(shape)
    gone = set(range(ndim)) if axes is None else set(axes)
    if keepdims:
        return tuple(1 if i in gone else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if i not in gone)


def _bool_flag(name: str, what: str, value: Any) -> bool:
    if not isinstance(value, (bool, int)):
        raise TypeError(f"{name}: {what} must be a bool, got {type(value).__name__}")
    return builtins.bool(value)


def accumulation_dtype(name: str, x: Tensor, dtype: Any) -> DType:
    """Return the result dtype of sum, prod and the cumulative ones (the ``dtype`` argument).

    By default a narrower integer becomes the default integer of the same signedness, as
    the standard asks; an explicit ``dtype`` must be numeric and keep complex values complex.
    """
    dt = x.dtype
    if dtype is None:
        default_int = DEFAULT_DTYPES["i"]
        if dt in _dtypes.SIGNED:
            return default_int
        if dt in _dtypes.UNSIGNED:
            unsigned = _dtypes.BY_NAME["u" + default_int.name]
            # Note: a backend without an unsigned integer as wide as the default one (torch
            # keeps no uint64 arithmetic) cannot follow the standard here; the default
            # integer is the nearest result, and what torch itself gives.
            return unsigned if unsigned in x._backend.dtypes else default_int
        return dt
    out = _dtypes.as_dtype(dtype, name)
    if out not in _dtypes.NUMERIC:
        raise TypeError(f"{name}: dtype must be a numeric data type, got {out.name}")
    if dt in _dtypes.COMPLEX_FLOATING and out not in _dtypes.COMPLEX_FLOATING:
        raise TypeError(
            f"{name}: dtype={out.name} would discard the imaginary part of a {dt.name} tensor"
        )
    x._backend.native_dtype(out, name)  # TypeError if the backend lacks it
    return out


def index_dtype(backend: Backend, raw: Any) -> Any:
    """Return ``raw`` (integer indices or counts) in the default array index dtype."""
    native = backend.native_dtype(DEFAULT_DTYPES["indexing"])
    if raw.dtype != native:
        raw = backend.ns.astype(raw, native)
    return raw


def full_raw(backend: Backend, shape: tuple[int, ...], value: Any, like: Any) -> Any:
    """Return a backend array of ``shape`` filled with ``value``, in like's dtype and device."""
    return backend.ns.full(shape, value, dtype=like.dtype, device=array_api_compat.device(like))


# -- sums and products ----------------------------------------------------------------------
def _accumulate(backend: Backend, name: str, x: Any, dtype: DType, **kwargs: Any) -> Any:
    """Run the backend's ``name`` (sum, prod, cumulative_*) in ``dtype``."""
    ns = backend.ns
    native = backend.native_dtype(dtype, name)
    try:
        return getattr(ns, name)(x, dtype=native, **kwargs)
    except NotImplementedError:
        if dtype is not _dtypes.uint64:
            raise
        # Note: torch cannot add or multiply uint64 on the CPU; sums and products modulo
        # 2**64 are the same in int64, so they are computed there and cast back.
        signed = backend.native_dtype(_dtypes.int64, name)
        out = getattr(ns, name)(ns.astype(x, signed), dtype=signed, **kwargs)
        return ns.astype(out, native)


def _sum_impl(backend: Backend, x: Any, *, axis: Axes, dtype: DType, keepdims: bool) -> Any:
    return _accumulate(backend, "sum", x, dtype, axis=axis, keepdims=keepdims)


def _prod_impl(backend: Backend, x: Any, *, axis: Axes, dtype: DType, keepdims: bool) -> Any:
    return _accumulate(backend, "prod", x, dtype, axis=axis, keepdims=keepdims)


def sum(
    x: Tensor,
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    dtype: DType | None = None,
    keepdims: bool = False,
) -> Tensor:
    """Return the sum of the elements of ``x`` over ``axis`` (all axes by default)."""
    check_tensor("sum", x, _dtypes.NUMERIC, "numeric")
    params = {
        "axis": reduction_axes("sum", axis, x.ndim),
        "dtype": accumulation_dtype("sum", x, dtype),
        "keepdims": _bool_flag("sum", "keepdims", keepdims),
    }
    return call("sum", (x,), params, impl=_sum_impl)


def prod(
    x: Tensor,
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    dtype: DType | None = None,
    keepdims: bool = False,
) -> Tensor:
    """Return the product of the elements of ``x`` over ``axis`` (all axes by default)."""
    check_tensor("prod", x, _dtypes.NUMERIC, "numeric")
    params = {
        "axis": reduction_axes("prod", axis, x.ndim),
        "dtype": accumulation_dtype("prod", x, dtype),
        "keepdims": _bool_flag("prod", "keepdims", keepdims),
    }
    return call("prod", (x,), params, impl=_prod_impl)


def _cumulative(
    name: str, x: Any, axis: int | None, dtype: Any, include_initial: bool
) -> dict[str, Any]:
    check_tensor(name, x, _dtypes.NUMERIC, "numeric")
    # Note: the standard leaves 0-d inputs unspecified; a cumulative sum needs an axis to run
    # along, so a 0-d tensor is an error (as array_api_strict's cumulative_prod makes it).
    if x.ndim == 0:
        raise ValueError(f"{name}: expected a tensor of at least one dimension, got a 0-d tensor")
    if axis is None:
        if x.ndim > 1:
            raise ValueError(
                f"{name}: axis is required for a tensor of {x.ndim} dimensions (shape {x.shape})"
            )
        axis = 0
    params = {
        "axis": check_axis(name, axis, x.ndim),
        "dtype": accumulation_dtype(name, x, dtype),
        "include_initial": _bool_flag(name, "include_initial", include_initial),
    }
    return params


def _cumulative_impl(name: str, identity: int) -> Any:
    def impl(backend: Backend, x: Any, *, axis: int, dtype: DType, include_initial: bool) -> Any:
        ns = backend.ns
        native = backend.native_dtype(dtype, name)
        if x.dtype != native:
            x = ns.astype(x, native)
        if include_initial:
            # Note: prepended here rather than by the backend, so that backends predating
            # include_initial (2024.12) give the same result.
            shape = list(x.shape)
            shape[axis] = 1
            x = ns.concat([full_raw(backend, tuple(shape), identity, x), x], axis=axis)
        return _accumulate(backend, name, x, dtype, axis=axis)

    return impl


_cumsum_impl = _cumulative_impl("cumulative_sum", 0)
_cumprod_impl = _cumulative_impl("cumulative_prod", 1)


def cumulative_sum(
    x: Tensor,
    /,
    *,
    axis: int | None = None,
    dtype: DType | None = None,
    include_initial: bool = False,
) -> Tensor:
    """Return the cumulative sums of ``x`` along ``axis`` (optionally starting with 0)."""
    params = _cumulative("cumulative_sum", x, axis, dtype, include_initial)
    return call("cumulative_sum", (x,), params, impl=_cumsum_impl)


def cumulative_prod(
    x: Tensor,
    /,
    *,
    axis: int | None = None,
    dtype: DType | None = None,
    include_initial: bool = False,
) -> Tensor:
    """Return the cumulative products of ``x`` along ``axis`` (optionally starting with 1)."""
    params = _cumulative("cumulative_prod", x, axis, dtype, include_initial)
    return call("cumulative_prod", (x,), params, impl=_cumprod_impl)


# -- extrema --------------------------------------------------------------------------------
def _extremum(name: str, x: Any, axis: Any, keepdims: Any) -> Tensor:
    # Note: complex numbers have no order; the standard leaves max/min of them undefined,
    # and array_api_strict refuses them, so they are a TypeError here too.
    check_tensor(name, x, _dtypes.REAL_NUMERIC, "real numeric")
    axes = reduction_axes(name, axis, x.ndim)
    if reduced_size(x.shape, axes) == 0:
        where = "the tensor" if axes is None else f"axis {axes if len(axes) > 1 else axes[0]}"
        raise ValueError(
            f"{name}: cannot reduce zero elements ({where} of shape {x.shape} is empty); "
            f"the {name} of an empty set is undefined"
        )
    return call(name, (x,), {"axis": axes, "keepdims": _bool_flag(name, "keepdims", keepdims)})


def max(
    x: Tensor, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
) -> Tensor:
    """Return the maximum of ``x`` over ``axis`` (NaN propagates; ValueError if empty)."""
    return _extremum("max", x, axis, keepdims)


def min(
    x: Tensor, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
) -> Tensor:
    """Return the minimum of ``x`` over ``axis`` (NaN propagates; ValueError if empty)."""
    return _extremum("min", x, axis, keepdims)


# -- moments --------------------------------------------------------------------------------
def _mean_impl(backend: Backend, x: Any, *, axis: Axes, keepdims: bool) -> Any:
    if reduced_size(x.shape, axis) == 0:
        # Note: the standard asks for NaN (NaN + NaN j) for the mean of zero elements;
        # NumPy gives it with a RuntimeWarning, so it is made here without one.
        nan = complex(math.nan, math.nan) if backend.dtype(x) in _dtypes.COMPLEX_FLOATING else math.nan
        return full_raw(backend, reduced_shape(x.shape, axis, keepdims), nan, x)  # type: ignore[arg-type]
    return backend.ns.mean(x, axis=axis, keepdims=keepdims)


def mean(
    x: Tensor, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
) -> Tensor:
    """Return the arithmetic mean of ``x`` over ``axis`` (floating-point dtypes, complex too)."""
    dt = check_tensor("mean", x)
    if dt not in _dtypes.FLOATING:
        raise TypeError(
            f"mean: expected a floating-point dtype, got {dt.name}; cast with "
            "astype(x, float64) first"
        )
    params = {
        "axis": reduction_axes("mean", axis, x.ndim),
        "keepdims": _bool_flag("mean", "keepdims", keepdims),
    }
    return call("mean", (x,), params, impl=_mean_impl)


def _moment_impl(name: str) -> Any:
    def impl(backend: Backend, x: Any, *, axis: Axes, correction: float, keepdims: bool) -> Any:
        m = reduced_size(x.shape, axis)
        shape = reduced_shape(x.shape, axis, keepdims)
        if m is not None and (m - correction <= 0 or 0 in shape):
            # Note: the standard asks for NaN when M - correction <= 0; NumPy divides by it
            # (inf or NaN, with a RuntimeWarning). An empty result is made here too, as torch
            # warns about its degrees of freedom.
            return full_raw(backend, shape, math.nan, x)  # type: ignore[arg-type]
        try:
            return getattr(backend.ns, name)(x, axis=axis, correction=correction, keepdims=keepdims)
        except NotImplementedError:
            # Note: torch takes only integral corrections; the standard allows any real one,
            # so the moment is computed from its definition there.
            ns = backend.ns
            dev = x - ns.mean(x, axis=axis, keepdims=True)
            out = ns.sum(dev * dev, axis=axis, keepdims=keepdims) / (m - correction)  # type: ignore[operator]
            return ns.sqrt(out) if name == "std" else out

    return impl


_var_impl = _moment_impl("var")
_std_impl = _moment_impl("std")


def _moment(name: str, x: Any, axis: Any, correction: Any, keepdims: Any) -> Tensor:
    dt = check_tensor(name, x)
    if dt not in _dtypes.REAL_FLOATING:
        raise TypeError(
            f"{name}: expected a real floating-point dtype, got {dt.name}"
            + ("; cast with astype(x, float64) first" if dt not in _dtypes.COMPLEX_FLOATING else "")
        )
    if isinstance(correction, bool) or not isinstance(correction, (int, float)):
        raise TypeError(f"{name}: correction must be an int or a float, got {correction!r}")
    params = {
        "axis": reduction_axes(name, axis, x.ndim),
        "correction": correction,
        "keepdims": _bool_flag(name, "keepdims", keepdims),
    }
    return call(name, (x,), params, impl=_var_impl if name == "var" else _std_impl)


def var(
    x: Tensor,
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    correction: int | float = 0.0,
    keepdims: bool = False,
) -> Tensor:
    """Return the variance of ``x`` over ``axis``, dividing by ``M - correction``."""
    return _moment("var", x, axis, correction, keepdims)


def std(
    x: Tensor,
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    correction: int | float = 0.0,
    keepdims: bool = False,
) -> Tensor:
    """Return the standard deviation of ``x`` over ``axis``, dividing by ``M - correction``."""
    return _moment("std", x, axis, correction, keepdims)
