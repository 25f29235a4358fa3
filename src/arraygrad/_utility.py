"""Utility functions of the standard: all, any and diff."""

from __future__ import annotations

import builtins
from typing import Any

from . import _dtypes
from ._backend import Backend
from ._dispatch import call, check_axis, mixed_devices
from ._statistical import _bool_flag, check_tensor, reduction_axes
from ._tensor import Tensor

__all__ = ["all", "any", "diff"]


def _truth(name: str, x: Any, axis: Any, keepdims: Any) -> Tensor:
    check_tensor(name, x)
    params = {
        "axis": reduction_axes(name, axis, x.ndim),
        "keepdims": _bool_flag(name, "keepdims", keepdims),
    }
    if x._backend.name == "jax" and x.dtype in _dtypes.COMPLEX_FLOATING:
        return call(name, (x,), params, impl=_COMPLEX_TRUTH[name])
    return call(name, (x,), params)


def _complex_truth(name: str) -> Any:
    def impl(backend: Backend, x: Any, *, axis: Any, keepdims: bool) -> Any:
        # Note: JAX's any/all look only at the real part of complex input (any([0j, 1j]) is
        # False); the standard's truth of a complex number is z != 0.
        ns = backend.ns
        return getattr(ns, name)(x != ns.zeros((), dtype=x.dtype), axis=axis, keepdims=keepdims)

    return impl


_COMPLEX_TRUTH = {"all": _complex_truth("all"), "any": _complex_truth("any")}


def all(
    x: Tensor, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
) -> Tensor:
    """Return whether every element of ``x`` is truthy over ``axis`` (True when empty)."""
    return _truth("all", x, axis, keepdims)


def any(
    x: Tensor, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
) -> Tensor:
    """Return whether some element of ``x`` is truthy over ``axis`` (False when empty)."""
    return _truth("any", x, axis, keepdims)


def _diff_impl(backend: Backend, x: Any, prepend: Any, append: Any, *, axis: int, n: int) -> Any:
    ns = backend.ns
    joined = prepend is not None or append is not None
    if joined:
        # Note: the standard leaves prepend/append of another dtype to the implementation;
        # they are promoted with x by the standard's table (checked before the call).
        dt = x.dtype
        for extra in (prepend, append):
            if extra is not None:
                dt = ns.result_type(dt, extra.dtype)
        parts = [p for p in (prepend, x, append) if p is not None]
        x = ns.concat([p if p.dtype == dt else ns.astype(p, dt) for p in parts], axis=axis)
    if n == 0:
        # Note: NumPy's diff with n=0 returns x without prepend/append; the standard's
        # result has size M + N1 + N2 - n along axis, i.e. the concatenation.
        return x if joined else ns.asarray(x, copy=True)
    return ns.diff(x, axis=axis, n=n)


def diff(
    x: Tensor,
    /,
    *,
    axis: int = -1,
    n: int = 1,
    prepend: Tensor | None = None,
    append: Tensor | None = None,
) -> Tensor:
    """Return the n-th forward difference of ``x`` along ``axis`` (after prepend/append)."""
    name = "diff"
    dt = check_tensor(name, x, _dtypes.NUMERIC, "numeric")
    if x.ndim == 0:
        raise ValueError(f"{name}: expected a tensor of at least one dimension, got a 0-d tensor")
    axis = check_axis(name, axis, x.ndim)
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{name}: n must be an int, got {type(n).__name__}")
    if n < 0:
        raise ValueError(f"{name}: n must be non-negative, got {n}")
    for label, extra in (("prepend", prepend), ("append", append)):
        if extra is None:
            continue
        de = check_tensor(name, extra, _dtypes.NUMERIC, "numeric")
        if extra._backend is not x._backend or (
            not x._backend.single_device and extra.device != x.device
        ):
            raise mixed_devices(name, x, extra)
        _dtypes.promote(dt, de, name)
        if extra.ndim != x.ndim or builtins.any(
            a != b for i, (a, b) in enumerate(zip(extra.shape, x.shape, strict=True)) if i != axis
        ):
            raise ValueError(
                f"{name}: {label} must have the shape of x {x.shape} except along axis {axis}, "
                f"got {extra.shape}"
            )
    return call(name, (x, prepend, append), {"axis": axis, "n": n}, impl=_diff_impl)
