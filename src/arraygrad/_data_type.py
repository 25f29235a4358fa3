"""Data type functions of the standard: astype, can_cast, finfo, iinfo, isdtype, result_type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _dtypes
from ._devices import Device, as_device
from ._dispatch import call, not_an_array
from ._dtypes import DType
from ._tensor import Tensor

__all__ = ["astype", "can_cast", "finfo", "iinfo", "isdtype", "result_type"]


def astype(
    x: Tensor, dtype: DType, /, *, copy: bool = True, device: Device | str | None = None
) -> Tensor:
    """Return ``x`` cast to ``dtype`` (and moved to ``device``); differentiable for floats."""
    if not isinstance(x, Tensor):
        raise not_an_array("astype", x)
    dt = _dtypes.as_dtype(dtype, "astype")
    if dt in _dtypes.REAL_NUMERIC | _dtypes.BOOLEAN and x.dtype in _dtypes.COMPLEX_FLOATING:
        raise TypeError(
            f"astype: casting {x.dtype.name} to {dt.name} would drop the imaginary part; "
            "take real() or abs() first"
        )
    out = x
    if device is not None:
        dev = as_device(device)
        if dev != x.device:
            out = x.to_device(dev)
            copy = False
    if dt is out.dtype and not copy:
        return out
    native = out._backend.native_dtype(dt, "astype")
    return call("astype", (out,), {"dtype": dt, "copy": copy}, impl=lambda b, raw, dtype, copy: b.ns.astype(raw, native, copy=copy))


def _dtype_of(value: Any, op: str) -> DType:
    if isinstance(value, Tensor):
        return value.dtype
    return _dtypes.as_dtype(value, op)


def can_cast(from_: DType | Tensor, to: DType, /) -> bool:
    """Return whether ``from_`` casts to ``to`` under the standard's promotion rules."""
    src = _dtype_of(from_, "can_cast")
    dst = _dtypes.as_dtype(to, "can_cast")
    if src is dst:
        return True
    return _dtypes.PROMOTION.get((src, dst)) is dst


@dataclass(frozen=True)
class finfo_object:
    """Machine limits of a floating-point dtype."""

    bits: int
    eps: float
    max: float
    min: float
    smallest_normal: float
    dtype: DType


@dataclass(frozen=True)
class iinfo_object:
    """Machine limits of an integer dtype."""

    bits: int
    max: int
    min: int
    dtype: DType


def finfo(type: DType | Tensor, /) -> finfo_object:
    """Return the machine limits of a floating-point dtype (of a complex one: of its parts)."""
    dt = _dtype_of(type, "finfo")
    if dt not in _dtypes.FLOATING:
        raise TypeError(f"finfo: expected a floating-point dtype, got {dt.name}")
    info = np.finfo(dt.name)
    return finfo_object(
        bits=int(info.bits),
        eps=float(info.eps),
        max=float(info.max),
        min=float(info.min),
        smallest_normal=float(info.smallest_normal),
        dtype=_dtypes.REAL_OF.get(dt, dt),
    )


def iinfo(type: DType | Tensor, /) -> iinfo_object:
    """Return the machine limits of an integer dtype."""
    dt = _dtype_of(type, "iinfo")
    if dt not in _dtypes.INTEGER:
        raise TypeError(f"iinfo: expected an integer dtype, got {dt.name}")
    info = np.iinfo(dt.name)
    return iinfo_object(bits=int(info.bits), max=int(info.max), min=int(info.min), dtype=dt)


def isdtype(dtype: DType, kind: DType | str | tuple[DType | str, ...]) -> bool:
    """Return whether ``dtype`` is of ``kind``: a dtype, a kind name, or a tuple of them."""
    dt = _dtypes.as_dtype(dtype, "isdtype")
    kinds = kind if isinstance(kind, tuple) else (kind,)
    for k in kinds:
        if isinstance(k, str):
            try:
                if dt in _dtypes.ISDTYPE_KINDS[k]:
                    return True
            except KeyError:
                raise ValueError(
                    f"isdtype: unknown kind {k!r}; expected a dtype or one of "
                    f"{', '.join(map(repr, _dtypes.ISDTYPE_KINDS))}"
                ) from None
        elif isinstance(k, DType):
            if dt is k:
                return True
        else:
            raise TypeError(f"isdtype: kind must be a dtype, a string or a tuple, got {k!r}")
    return False


def result_type(*arrays_and_dtypes: Tensor | DType | bool | int | float | complex) -> DType:
    """Return the dtype that the standard's promotion rules give for the arguments."""
    dtypes = []
    scalars = []
    for a in arrays_and_dtypes:
        if isinstance(a, (bool, int, float, complex)):
            scalars.append(a)
        else:
            dtypes.append(_dtype_of(a, "result_type"))
    if not dtypes:
        raise ValueError("result_type: at least one array or dtype is required")
    out = dtypes[0]
    for d in dtypes[1:]:
        out = _dtypes.promote(out, d, "result_type")
    from ._dispatch import scalar_compatible

    for s in scalars:
        scalar_compatible("result_type", s, out)
        if isinstance(s, complex) and out in _dtypes.REAL_FLOATING:
            out = _dtypes.COMPLEX_OF[out]
    return out
