"""Linear algebra functions of the standard's main namespace."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import _dtypes
from ._dispatch import call, check_axis, mixed_devices, not_an_array
from ._tensor import Tensor

__all__ = ["matmul", "matrix_transpose", "tensordot", "vecdot"]


def _numeric_pair(name: str, x1: Any, x2: Any) -> tuple[Tensor, Tensor]:
    """Check two numeric operands; return them cast to their common dtype off NumPy."""
    for x in (x1, x2):
        if not isinstance(x, Tensor):
            raise not_an_array(name, x)
        if x.dtype not in _dtypes.NUMERIC:
            raise TypeError(f"{name}: expected numeric dtypes, got {x.dtype.name}")
    if x1._backend is not x2._backend:
        raise mixed_devices(name, x1, x2)
    common = _dtypes.promote(x1.dtype, x2.dtype, name)
    if x1.dtype is not x2.dtype and not x1._backend._numpy_like:
        # Note: torch neither promotes nor multiplies uint16/32/64 with other integer types;
        # the standard's common dtype works everywhere.
        from ._data_type import astype

        x1, x2 = astype(x1, common, copy=False), astype(x2, common, copy=False)
    return x1, x2


def matmul(x1: Tensor, x2: Tensor, /) -> Tensor:
    """Return the matrix product of ``x1`` and ``x2`` (stacks broadcast; 1-D is a vector)."""
    x1, x2 = _numeric_pair("matmul", x1, x2)
    if x1.ndim == 0 or x2.ndim == 0:
        raise ValueError(
            f"matmul: 0-d operands are not allowed (shapes {x1.shape} and {x2.shape}); "
            "use multiply for scalars"
        )
    k1 = x1.shape[-1]
    k2 = x2.shape[-2] if x2.ndim > 1 else x2.shape[0]
    if k1 is not None and k2 is not None and k1 != k2:
        raise ValueError(
            f"matmul: shapes {x1.shape} and {x2.shape} do not align: {k1} (last axis of x1) "
            f"!= {k2} ({'second-to-last' if x2.ndim > 1 else 'only'} axis of x2)"
        )
    return call("matmul", (x1, x2))


def matrix_transpose(x: Tensor, /) -> Tensor:
    """Return ``x`` with its last two axes swapped."""
    if not isinstance(x, Tensor):
        raise not_an_array("matrix_transpose", x)
    if x.ndim < 2:
        raise ValueError(
            f"matrix_transpose: expected at least 2 dimensions, got shape {x.shape}"
        )
    return call("matrix_transpose", (x,))


def tensordot(
    x1: Tensor,
    x2: Tensor,
    /,
    *,
    axes: int | tuple[Sequence[int], Sequence[int]] = 2,
) -> Tensor:
    """Return the tensor contraction of ``x1`` and ``x2`` over ``axes``."""
    x1, x2 = _numeric_pair("tensordot", x1, x2)
    if isinstance(axes, int):
        if axes < 0 or axes > min(x1.ndim, x2.ndim):
            raise ValueError(
                f"tensordot: axes={axes} does not fit shapes {x1.shape} and {x2.shape}"
            )
        pairs = list(zip(range(x1.ndim - axes, x1.ndim), range(axes), strict=True))
        norm_axes: Any = axes
    else:
        a1, a2 = (tuple(a) for a in axes)
        if len(a1) != len(a2):
            raise ValueError(f"tensordot: axes {axes} must name as many axes of x1 as of x2")
        a1 = tuple(check_axis("tensordot", a, x1.ndim) for a in a1)
        a2 = tuple(check_axis("tensordot", a, x2.ndim) for a in a2)
        pairs = list(zip(a1, a2, strict=True))
        norm_axes = (a1, a2)
    for i, j in pairs:
        n1, n2 = x1.shape[i], x2.shape[j]
        if n1 != n2 and 1 not in (n1, n2):
            raise ValueError(
                f"tensordot: axis {i} of x1 (size {n1}) and axis {j} of x2 (size {n2}) differ"
            )
    return call("tensordot", (x1, x2), {"axes": norm_axes})


def vecdot(x1: Tensor, x2: Tensor, /, *, axis: int = -1) -> Tensor:
    """Return the dot product of vectors along ``axis`` (the first argument conjugated)."""
    x1, x2 = _numeric_pair("vecdot", x1, x2)
    nd = max(x1.ndim, x2.ndim)
    if min(x1.ndim, x2.ndim) == 0:
        raise ValueError("vecdot: the inputs must have at least one dimension")
    if not -min(x1.ndim, x2.ndim) <= axis < min(x1.ndim, x2.ndim):
        raise ValueError(f"vecdot: axis {axis} is out of range for shapes {x1.shape} and {x2.shape}")
    if x1.shape[axis] != x2.shape[axis]:
        raise ValueError(
            f"vecdot: the vectors differ in length along axis {axis}: {x1.shape} and {x2.shape}"
        )
    del nd
    # Note: the axis counts from the end of the broadcast shapes; array_api_strict takes
    # only the negative form, so it is passed that way.
    if axis >= 0:
        axis -= min(x1.ndim, x2.ndim)
    return call("vecdot", (x1, x2), {"axis": axis})
