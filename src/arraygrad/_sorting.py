"""Sorting functions of the standard: sort and argsort, ascending or descending, stable."""

from __future__ import annotations

from typing import Any

from . import _dtypes
from ._backend import Backend
from ._dispatch import call, check_axis
from ._statistical import _bool_flag, check_tensor, index_dtype
from ._tensor import Tensor

__all__ = ["argsort", "sort"]


def _params(name: str, x: Any, axis: Any, descending: Any, stable: Any) -> dict[str, Any]:
    # Note: complex numbers have no order (the standard leaves their sorting undefined and
    # array_api_strict refuses them), so sorting them is a TypeError.
    check_tensor(name, x, _dtypes.REAL_NUMERIC, "real numeric")
    if x.ndim == 0:
        raise ValueError(f"{name}: a 0-d tensor has no axis to sort along")
    return {
        "axis": check_axis(name, axis, x.ndim),
        "descending": _bool_flag(name, "descending", descending),
        "stable": _bool_flag(name, "stable", stable),
    }


def _argsort_impl(backend: Backend, x: Any, *, axis: int, descending: bool, stable: bool) -> Any:
    out = backend.ns.argsort(x, axis=axis, descending=descending, stable=stable)
    return index_dtype(backend, out)


def argsort(
    x: Tensor, /, *, axis: int = -1, descending: bool = False, stable: bool = True
) -> Tensor:
    """Return the indices that sort ``x`` along ``axis`` (equal values keep their order if stable)."""
    return call("argsort", (x,), _params("argsort", x, axis, descending, stable), impl=_argsort_impl)


def sort(x: Tensor, /, *, axis: int = -1, descending: bool = False, stable: bool = True) -> Tensor:
    """Return a sorted copy of ``x`` along ``axis``, ascending unless ``descending``."""
    return call("sort", (x,), _params("sort", x, axis, descending, stable))
