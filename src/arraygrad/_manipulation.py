"""Manipulation functions of the standard: reshaping, joining, splitting and reordering.

Every function checks its arguments here (shapes, axes, dtypes) and then runs the
backend's own function through the dispatch path; where backends differ in what they
accept (a tuple ``axis`` for ``expand_dims``, mixed dtypes in ``concat``), the ``_impl``
next to the function does the work with the standard's functions only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Union

from . import _dtypes
from ._backend import Backend
from ._dispatch import call, check_axis, describe, not_an_array
from ._dtypes import DType
from ._tensor import Tensor

__all__ = [
    "broadcast_arrays",
    "broadcast_shapes",
    "broadcast_to",
    "concat",
    "expand_dims",
    "flip",
    "moveaxis",
    "permute_dims",
    "repeat",
    "reshape",
    "roll",
    "squeeze",
    "stack",
    "tile",
    "unstack",
]


# -- argument checks shared by the family ---------------------------------------------------
def _tensor(name: str, x: Any) -> Tensor:
    if not isinstance(x, Tensor):
        raise not_an_array(name, x)
    return x


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _axes(name: str, axis: Any, ndim: int, *, what: str = "axis") -> tuple[int, ...]:
    """Return ``axis`` (an int or a tuple of ints) as a tuple of distinct axes in [0, ndim)."""
    items = (axis,) if _is_int(axis) else axis
    if not isinstance(items, (tuple, list)) or not all(_is_int(a) for a in items):
        raise TypeError(f"{name}: {what} must be an int or a tuple of ints, got {axis!r}")
    out = tuple(check_axis(name, a, ndim) for a in items)
    if len(set(out)) != len(out):
        raise ValueError(f"{name}: {what} {axis!r} names the same axis more than once")
    return out


def _shape_tuple(name: str, shape: Any, *, allow_minus_one: bool = False) -> tuple[int, ...]:
    """Return ``shape`` as a tuple of ints (``-1`` allowed where ``allow_minus_one``)."""
    items = (shape,) if _is_int(shape) else shape
    if not isinstance(items, (tuple, list)) or not all(
        _is_int(s) or (hasattr(s, "__index__") and not isinstance(s, (bool, Tensor))) for s in items
    ):
        raise TypeError(f"{name}: shape must be a tuple of ints, got {shape!r}")
    out = tuple(int(s) for s in items)
    lowest = -1 if allow_minus_one else 0
    for s in out:
        if s < lowest:
            raise ValueError(f"{name}: shape {shape!r} holds the negative size {s}")
    return out


def _result_dtype(name: str, arrays: Sequence[Tensor]) -> DType:
    dt = arrays[0].dtype
    for a in arrays[1:]:
        dt = _dtypes.promote(dt, a.dtype, name)
    return dt


def _tensor_sequence(name: str, arrays: Any) -> tuple[Tensor, ...]:
    if isinstance(arrays, Tensor) or not isinstance(arrays, (tuple, list)):
        raise TypeError(
            f"{name}: arrays must be a tuple or list of Tensors, got {describe(arrays)}"
        )
    if not arrays:
        raise ValueError(f"{name}: needs at least one array")
    for a in arrays:
        _tensor(name, a)
    return tuple(arrays)


def _cast_all(backend: Backend, raws: Sequence[Any], dtype: DType) -> list[Any]:
    native = backend.native_dtype(dtype)
    ns = backend.ns
    return [r if r.dtype == native else ns.astype(r, native) for r in raws]


# Note: torch has no kernels for uint16/uint32/uint64 in several data-movement functions
# (flip, take_along_axis, boolean masks, index assignment); they run on the same bits as the
# signed type of the same width, which torch's casts keep both ways.
_SIGNED_TWIN = {
    _dtypes.uint16: _dtypes.int16,
    _dtypes.uint32: _dtypes.int32,
    _dtypes.uint64: _dtypes.int64,
}


def signed_twin(backend: Backend, raw: Any) -> Any:
    """Return the native dtype to move ``raw``'s bits in where the backend lacks kernels, or None."""
    if backend.name != "torch":
        return None
    twin = _SIGNED_TWIN.get(backend._dtype_from.get(raw.dtype))  # type: ignore[arg-type]
    return None if twin is None else backend.native_dtype(twin)


def _flip_impl(backend: Backend, raw: Any, *, axis: tuple[int, ...] | None) -> Any:
    ns = backend.ns
    twin = signed_twin(backend, raw)
    if twin is None:
        return ns.flip(raw, axis=axis)
    return ns.astype(ns.flip(ns.astype(raw, twin), axis=axis), raw.dtype)


# -- broadcasting ---------------------------------------------------------------------------
def broadcast_shapes(*shapes: tuple[int | None, ...]) -> tuple[int | None, ...]:
    """Return the shape that ``shapes`` broadcast to (``None`` marks an unknown size)."""
    checked = []
    for shape in shapes:
        if not isinstance(shape, (tuple, list)) or not all(
            s is None or (_is_int(s) and s >= 0) for s in shape
        ):
            raise TypeError(
                f"broadcast_shapes: expected tuples of non-negative ints (or None), got {shape!r}"
            )
        checked.append(tuple(shape))
    ndim = max((len(s) for s in checked), default=0)
    out: list[int | None] = []
    for i in range(-ndim, 0):
        sizes = [s[i] for s in checked if len(s) >= -i]
        known = {s for s in sizes if s is not None and s != 1}
        if len(known) > 1:
            raise ValueError(
                "broadcast_shapes: shapes "
                + ", ".join(str(s) for s in checked)
                + f" do not broadcast: axis {i} has sizes {sorted(known)}"
            )
        if known:
            out.append(known.pop())
        elif None in sizes:
            # Note: an unknown size next to only 1s stays unknown, as the standard asks of
            # lazy libraries; next to a known size k it can only be 1 or k, so the result is k.
            out.append(None)
        else:
            out.append(1)
    return tuple(out)


def broadcast_arrays(*arrays: Tensor) -> tuple[Tensor, ...]:
    """Return the arrays broadcast against each other to one common shape."""
    for a in arrays:
        _tensor("broadcast_arrays", a)
    if not arrays:
        return ()
    shape = broadcast_shapes(*(a.shape for a in arrays))
    return call("broadcast_arrays", arrays, impl=_broadcast_arrays_impl(shape))


def _broadcast_arrays_impl(shape: tuple[int | None, ...]) -> Any:
    def impl(backend: Backend, *raws: Any) -> tuple[Any, ...]:
        ns = backend.ns
        if any(s is None for s in shape):  # a lazy backend resolves unknown sizes itself
            return tuple(ns.broadcast_arrays(*raws))
        return tuple(r if tuple(r.shape) == shape else ns.broadcast_to(r, shape) for r in raws)

    return impl


def broadcast_to(x: Tensor, /, shape: tuple[int, ...]) -> Tensor:
    """Return ``x`` broadcast to ``shape``."""
    _tensor("broadcast_to", x)
    target = _shape_tuple("broadcast_to", shape)
    ok = len(target) >= x.ndim and all(
        s in (t, 1) or s is None for s, t in zip(reversed(x.shape), reversed(target), strict=False)
    )
    if not ok:
        raise ValueError(f"broadcast_to: a tensor of shape {x.shape} cannot broadcast to {target}")
    return call("broadcast_to", (x,), {"shape": target})


# -- joining and splitting ------------------------------------------------------------------
def concat(arrays: Union[tuple[Tensor, ...], list[Tensor]], /, *, axis: int | None = 0) -> Tensor:
    """Return the arrays joined along an existing ``axis`` (flattened first if ``axis=None``)."""
    tensors = _tensor_sequence("concat", arrays)
    dtype = _result_dtype("concat", tensors)
    if axis is not None:
        first = tensors[0]
        if first.ndim == 0:
            raise ValueError("concat: 0-d tensors cannot be joined along an axis; use axis=None")
        axis = check_axis("concat", axis, first.ndim)
        for t in tensors[1:]:
            same = t.ndim == first.ndim and all(
                a == b
                for i, (a, b) in enumerate(zip(t.shape, first.shape, strict=True))
                if i != axis
            )
            if not same:
                raise ValueError(
                    f"concat: shapes {first.shape} and {t.shape} differ outside axis {axis}"
                )
    return call("concat", tensors, {"axis": axis}, impl=_concat_impl(dtype))


def _concat_impl(dtype: DType) -> Any:
    def impl(backend: Backend, *raws: Any, axis: int | None) -> Any:
        ns = backend.ns
        parts = _cast_all(backend, raws, dtype)
        if axis is None:
            parts = [ns.reshape(p, (-1,)) for p in parts]
            axis = 0
        return ns.concat(parts, axis=axis)

    return impl


def stack(arrays: Union[tuple[Tensor, ...], list[Tensor]], /, *, axis: int = 0) -> Tensor:
    """Return the arrays joined along a new ``axis``."""
    tensors = _tensor_sequence("stack", arrays)
    dtype = _result_dtype("stack", tensors)
    first = tensors[0]
    for t in tensors[1:]:
        if t.shape != first.shape:
            raise ValueError(
                f"stack: all arrays must have the same shape, got {first.shape} and {t.shape}"
            )
    axis = check_axis("stack", axis, first.ndim, extra=1)
    return call("stack", tensors, {"axis": axis}, impl=_stack_impl(dtype))


def _stack_impl(dtype: DType) -> Any:
    def impl(backend: Backend, *raws: Any, axis: int) -> Any:
        return backend.ns.stack(_cast_all(backend, raws, dtype), axis=axis)

    return impl


def unstack(x: Tensor, /, *, axis: int = 0) -> tuple[Tensor, ...]:
    """Return the slices of ``x`` along ``axis``, as a tuple."""
    _tensor("unstack", x)
    if x.ndim == 0:
        raise ValueError("unstack: a 0-d tensor has no axis to split along")
    axis = check_axis("unstack", axis, x.ndim)
    return call("unstack", (x,), {"axis": axis}, impl=_unstack_impl)


def _unstack_impl(backend: Backend, raw: Any, *, axis: int) -> tuple[Any, ...]:
    return tuple(backend.ns.unstack(raw, axis=axis))


# -- axes -----------------------------------------------------------------------------------
def expand_dims(x: Tensor, /, axis: Union[int, tuple[int, ...]]) -> Tensor:
    """Return ``x`` with a new axis of size one at each position of ``axis``."""
    _tensor("expand_dims", x)
    items = (axis,) if _is_int(axis) else axis
    if not isinstance(items, tuple) or not all(_is_int(a) for a in items):
        raise TypeError(f"expand_dims: axis must be an int or a tuple of ints, got {axis!r}")
    ndim = x.ndim + len(items)
    positions = tuple(check_axis("expand_dims", a, ndim) for a in items)
    if len(set(positions)) != len(positions):
        raise ValueError(
            f"expand_dims: axis {axis!r} names the same position of the {ndim}-d result twice"
        )
    return call("expand_dims", (x,), {"axis": tuple(sorted(positions))}, impl=_expand_dims_impl)


def _expand_dims_impl(backend: Backend, raw: Any, *, axis: tuple[int, ...]) -> Any:
    # Note: inserting the sorted positions one at a time needs only the int ``axis`` that
    # every backend has (the tuple form is new in 2025.12).
    for a in axis:
        raw = backend.ns.expand_dims(raw, axis=a)
    return raw


def squeeze(x: Tensor, /, axis: Union[int, tuple[int, ...]]) -> Tensor:
    """Return ``x`` without the size-one axes named by ``axis``."""
    _tensor("squeeze", x)
    axes = _axes("squeeze", axis, x.ndim)
    for a in axes:
        if x.shape[a] != 1:
            raise ValueError(
                f"squeeze: axis {a} of a tensor of shape {x.shape} has size {x.shape[a]}, not 1"
            )
    return call("squeeze", (x,), {"axis": axes})


def flip(x: Tensor, /, *, axis: Union[int, tuple[int, ...]] | None = None) -> Tensor:
    """Return ``x`` with the order of elements reversed along ``axis`` (all axes if None)."""
    _tensor("flip", x)
    axes = None if axis is None else _axes("flip", axis, x.ndim)
    return call("flip", (x,), {"axis": axes}, impl=_flip_impl)


def permute_dims(x: Tensor, /, axes: tuple[int, ...]) -> Tensor:
    """Return ``x`` with its axes reordered to ``axes``."""
    _tensor("permute_dims", x)
    if not isinstance(axes, (tuple, list)):
        raise TypeError(f"permute_dims: axes must be a tuple of ints, got {axes!r}")
    if len(axes) != x.ndim:
        raise ValueError(
            f"permute_dims: axes {tuple(axes)} must name each of the {x.ndim} axes of a tensor of "
            f"shape {x.shape} once"
        )
    perm = _axes("permute_dims", tuple(axes), x.ndim, what="axes")
    return call("permute_dims", (x,), {"axes": perm})


def moveaxis(
    x: Tensor,
    source: Union[int, tuple[int, ...]],
    destination: Union[int, tuple[int, ...]],
    /,
) -> Tensor:
    """Return ``x`` with the axes ``source`` moved to the positions ``destination``."""
    _tensor("moveaxis", x)
    src = _axes("moveaxis", source, x.ndim, what="source")
    dst = _axes("moveaxis", destination, x.ndim, what="destination")
    if len(src) != len(dst):
        raise ValueError(
            f"moveaxis: source {source!r} and destination {destination!r} must name as many axes"
        )
    return call("moveaxis", (x,), {"source": src, "destination": dst}, impl=_moveaxis_impl)


def moveaxis_permutation(
    ndim: int, source: Sequence[int], destination: Sequence[int]
) -> tuple[int, ...]:
    """Return the permutation of ``range(ndim)`` that moves ``source`` axes to ``destination``."""
    order: list[int | None] = [None] * ndim
    for s, d in zip(source, destination, strict=True):
        order[d] = s
    rest = iter(a for a in range(ndim) if a not in source)
    return tuple(next(rest) if o is None else o for o in order)


def _moveaxis_impl(
    backend: Backend, raw: Any, *, source: tuple[int, ...], destination: tuple[int, ...]
) -> Any:
    return backend.ns.permute_dims(raw, moveaxis_permutation(raw.ndim, source, destination))


def roll(
    x: Tensor,
    /,
    shift: Union[int, tuple[int, ...]],
    *,
    axis: Union[int, tuple[int, ...]] | None = None,
) -> Tensor:
    """Return ``x`` with its elements shifted cyclically along ``axis`` (flattened if None)."""
    _tensor("roll", x)
    shifts = (shift,) if _is_int(shift) else shift
    if not isinstance(shifts, tuple) or not all(_is_int(s) for s in shifts):
        raise TypeError(f"roll: shift must be an int or a tuple of ints, got {shift!r}")
    if axis is None:
        if not _is_int(shift):
            raise ValueError(f"roll: a tuple shift {shift!r} needs a tuple axis of the same length")
        return call("roll", (x,), {"shift": shift, "axis": None}, impl=_roll_impl)
    items = (axis,) if _is_int(axis) else axis
    if not isinstance(items, tuple) or not all(_is_int(a) for a in items):
        raise TypeError(f"roll: axis must be an int or a tuple of ints, got {axis!r}")
    axes = tuple(check_axis("roll", a, x.ndim) for a in items)
    if _is_int(shift):
        shifts = (shift,) * len(axes)
    elif len(shifts) != len(axes):
        raise ValueError(f"roll: shift {shift!r} and axis {axis!r} must have the same length")
    return call("roll", (x,), {"shift": tuple(shifts), "axis": axes})


def _roll_impl(backend: Backend, raw: Any, *, shift: int, axis: None) -> Any:
    if backend.lazy and raw.ndim > 1 and 0 in raw.shape:
        # Note: Dask's flattened roll of an empty array of 2+ dimensions builds a graph that
        # fails to compute ("Missing dependency"); rolling an empty array changes nothing.
        return backend.ns.roll(raw, shift, axis=0)
    return backend.ns.roll(raw, shift, axis=axis)


# -- shape ----------------------------------------------------------------------------------
def reshape(x: Tensor, /, shape: tuple[int, ...], *, copy: bool | None = None) -> Tensor:
    """Return ``x`` with a new shape and the same elements (``-1`` infers one size)."""
    _tensor("reshape", x)
    target = _shape_tuple("reshape", shape, allow_minus_one=True)
    if copy not in (None, True, False):
        raise TypeError(f"reshape: copy must be None, True or False, got {copy!r}")
    size = x.size
    unknown = [i for i, s in enumerate(target) if s == -1]
    if len(unknown) > 1:
        raise ValueError(f"reshape: shape {target} may hold -1 only once")
    if size is not None:
        known = math.prod(s for s in target if s != -1)
        if unknown:
            if known == 0 or size % known:
                raise ValueError(
                    f"reshape: cannot infer the -1 of shape {target} for a tensor of size {size}"
                )
            target = tuple(size // known if s == -1 else s for s in target)
        elif known != size:
            raise ValueError(
                f"reshape: a tensor of shape {x.shape} (size {size}) cannot take shape {target}"
            )
    return call("reshape", (x,), {"shape": target, "copy": copy}, impl=_reshape_impl)


def _reshape_impl(backend: Backend, raw: Any, *, shape: tuple[int, ...], copy: bool | None) -> Any:
    try:
        return backend.ns.reshape(raw, shape, copy=copy)
    except (AttributeError, RuntimeError, ValueError) as e:
        if copy is not False:
            raise
        # Note: the shape was checked, so copy=False is what failed; array_api_strict says
        # AttributeError and torch speaks of strides where the standard asks for ValueError.
        raise ValueError(f"cannot reshape without a copy, but copy=False ({e})") from e


def tile(x: Tensor, repetitions: tuple[int, ...], /) -> Tensor:
    """Return ``x`` repeated ``repetitions[i]`` times along each axis ``i``."""
    _tensor("tile", x)
    if not isinstance(repetitions, (tuple, list)) or not all(_is_int(r) for r in repetitions):
        raise TypeError(f"tile: repetitions must be a tuple of ints, got {repetitions!r}")
    for r in repetitions:
        if r < 0:
            raise ValueError(f"tile: repetitions {tuple(repetitions)} holds the negative count {r}")
    return call("tile", (x,), {"repetitions": tuple(repetitions)}, impl=_tile_impl)


def _tile_impl(backend: Backend, raw: Any, *, repetitions: tuple[int, ...]) -> Any:
    return backend.ns.tile(raw, repetitions)


def repeat(
    x: Tensor,
    repeats: Union[int, Tensor],
    /,
    *,
    axis: int | None = None,
) -> Tensor:
    """Return ``x`` with each element repeated ``repeats`` times (per element if an array)."""
    _tensor("repeat", x)
    if axis is not None:
        axis = check_axis("repeat", axis, x.ndim)
        length = x.shape[axis]
    else:
        length = x.size
    if isinstance(repeats, Tensor):
        if repeats.dtype not in _dtypes.INTEGER:
            raise TypeError(f"repeat: repeats must have an integer dtype, got {repeats.dtype.name}")
        if repeats.ndim != 1 or repeats.shape[0] not in (1, length):
            raise ValueError(
                f"repeat: repeats must have shape (1,) or ({length},) to match "
                f"{'the flattened tensor' if axis is None else f'axis {axis}'}, got {repeats.shape}"
            )
        signed = repeats.dtype in _dtypes.SIGNED
        if (
            signed
            and not repeats._backend.lazy
            and repeats.size
            and int(repeats._backend.ns.min(repeats._data)) < 0
        ):
            raise ValueError("repeat: repeats must not hold negative counts")
    elif _is_int(repeats):
        if repeats < 0:
            raise ValueError(f"repeat: repeats must not be negative, got {repeats}")
    else:
        raise TypeError(
            f"repeat: repeats must be an int or an integer Tensor, got {describe(repeats)}"
        )
    return call("repeat", (x, repeats), {"axis": axis}, impl=_repeat_impl)


def _repeat_impl(backend: Backend, raw: Any, repeats: Any, *, axis: int | None) -> Any:
    ns = backend.ns
    if not isinstance(repeats, int):
        index = backend.native_dtype(_dtypes.int64)
        if repeats.dtype != index:
            # Note: NumPy refuses to cast uint64 (and some backends any unsigned) repeats
            # safely; the counts are small non-negative ints, so int64 holds them.
            repeats = ns.astype(repeats, index)
    if axis is None:
        raw = ns.reshape(raw, (-1,))
        axis = 0
    twin = signed_twin(backend, raw)
    if twin is None:
        return ns.repeat(raw, repeats, axis=axis)
    return ns.astype(ns.repeat(ns.astype(raw, twin), repeats, axis=axis), raw.dtype)
