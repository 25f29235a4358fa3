"""Indexing: ``take``, ``take_along_axis`` and the Tensor's ``[]`` (``getitem``, ``setitem``).

A key is checked and normalised once (:func:`parse_key`) into one entry per axis: an int, a
slice with concrete bounds, a new axis, an integer array or a boolean mask. Then:

- keys of ints, slices, ``None`` and ``...`` ("basic"), a boolean mask as the sole index, and
  tuples of only ints and integer arrays ("pure") are the standard's forms: every backend
  runs them natively;
- other mixes of arrays with slices or new axes ("mixed", which the standard leaves to the
  implementation) follow NumPy's rules: NumPy runs them natively, other backends through
  :func:`_advanced_gather`, written with the standard's functions only, so every backend
  gives NumPy's result.

Writes go the same way: natively where the backend can, else :func:`_scatter` (standard
functions only). Integer indices out of range are an IndexError naming the axis, its size
and the index, on every backend (one min/max reduction per index array, except on NumPy,
which checks itself). On NumPy, keys of plain ints, slices, ``None`` and ``...`` skip the
parsing: NumPy indexes them exactly as arraygrad does.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from functools import partial
from types import EllipsisType
from typing import Any, Union

import array_api_compat

from . import _dtypes
from ._backend import Backend
from ._dispatch import (
    _backend_error,
    call,
    check_axis,
    describe,
    inplace,
    mixed_devices,
    not_an_array,
    scalar_compatible,
)
from ._manipulation import signed_twin
from ._tensor import Tensor

__all__ = ["take", "take_along_axis"]

# Backends that cannot slice with a negative step (torch) or write through one (Dask fails
# on some keys, ``x[0, 2:0:-1] = v``): such slices run as a positive slice and a flip.
_NO_NEGATIVE_STEP = frozenset({"torch", "dask"})
# Backends whose ``x[int arrays] = v`` follows NumPy for keys of only ints and integer
# arrays; the others (array_api_strict refuses it) go through :func:`_scatter`.
_NATIVE_ARRAY_SETITEM = frozenset({"numpy", "cupy", "torch"})
# Backends whose ``x[int arrays]`` cannot take such keys: Dask takes one 1-D integer array
# per key ("Don't yet support nd fancy indexing"); they go through :func:`_advanced_gather`.
_NO_ARRAY_GETITEM = frozenset({"dask"})

_INT = "int"
_SLICE = "slice"
_NEWAXIS = "newaxis"
_ARRAY = "array"
_MASK = "mask"

Index = Union[
    int,
    slice,
    EllipsisType,
    None,
    Tensor,
    tuple[Union[int, slice, EllipsisType, Tensor, None], ...],
]


# -- parsing a key ----------------------------------------------------------------------------
class ParsedKey:
    """A key normalised against a shape: one entry per axis (plus new axes), and its kind.

    ``entries`` holds ``(kind, value, axis)``: an int in ``[0, n)``, a slice with concrete
    bounds, ``None`` (a new axis, ``axis`` -1), a raw integer array, or a raw boolean mask
    whose dimensions start at ``axis``. ``kind`` is ``"basic"``, ``"mask"`` (a sole mask),
    ``"pure"`` (ints and integer arrays only) or ``"mixed"``.
    """

    __slots__ = ("entries", "kind", "shape")

    def __init__(self, entries: list[tuple[str, Any, int]], kind: str, shape: tuple) -> None:
        self.entries = entries
        self.kind = kind
        self.shape = shape

    def native(self) -> Any:
        """Return the key in the form the backend's own ``[]`` takes (NumPy's rules)."""
        if self.kind == "mask":
            return self.entries[0][1]
        return tuple(value for _, value, _ in self.entries)


def _slice_part(value: Any) -> int | None:
    if value is None:
        return None
    try:
        return operator.index(value)
    except TypeError:
        raise IndexError(f"slice bounds must be ints or None, got {describe(value)}") from None


def _normalize_slice(start: Any, stop: Any, step: Any, n: int | None) -> slice:
    """Return the slice with bounds inside ``[0, n]`` selecting what Python's list would."""
    start, stop, step = _slice_part(start), _slice_part(stop), _slice_part(step)
    if step == 0:
        raise ValueError("slice step cannot be zero")
    if n is None:  # an unknown size (lazy backends): the backend resolves the bounds
        return slice(start, stop, step)
    # Note: the standard leaves out-of-range bounds unspecified; we clip like Python lists
    # (and NumPy) and hand the backend in-range bounds only (array_api_strict refuses others).
    a, b, k = slice(start, stop, step).indices(n)
    if not len(range(a, b, k)):
        return slice(0, 0, 1)
    if k < 0 and b < 0:
        return slice(a, None, k)
    return slice(a, b, k)


def _slice_length(s: slice, n: int | None) -> int | None:
    if n is None:
        return None
    return len(range(*s.indices(n)))


def _key_tensor(backend: Backend, raw: Any, t: Tensor) -> None:
    if t._backend is not backend or (
        not backend.single_device and t.device != backend.device_of(raw)
    ):
        raise ValueError(
            f"the index tensor is on {t.device}, but the indexed tensor is on "
            f"{backend.device_of(raw)}; move one with to_device() first"
        )


def _index_array(backend: Backend, index: Any, dtype: Any) -> Any:
    """Return an integer index array in the backend's index dtype (int64)."""
    if backend._numpy_like or dtype is _dtypes.int64:
        return index
    # Note: torch indexes only with int64 (and reads uint8 arrays as masks); the standard
    # lets any integer dtype index.
    return backend.ns.astype(index, backend.native_dtype(_dtypes.int64))


def parse_key(backend: Backend, raw: Any, key: Any) -> ParsedKey:
    """Return ``key`` checked and normalised for indexing the backend array ``raw``.

    Raises IndexError for keys the standard rejects (two ellipses, too many indices, masks
    that do not fit, out-of-range ints) and for objects that are not indices.
    """
    shape = tuple(raw.shape)
    ndim = len(shape)
    items = key if isinstance(key, tuple) else (key,)
    entries: list[tuple[str, Any, Any]] = []
    ellipsis_at = None
    consumed = 0
    arrays = 0  # integer arrays of one or more dimensions, and masks
    zero_d: list[int] = []
    for item in items:
        if isinstance(item, Tensor):
            _key_tensor(backend, raw, item)
            dt = item.dtype
            if dt is _dtypes.bool:
                entries.append((_MASK, item._data, item.shape))
                consumed += item.ndim
                arrays += 1
            elif dt in _dtypes.INTEGER:
                if item.ndim == 0:
                    zero_d.append(len(entries))
                else:
                    arrays += 1
                entries.append((_ARRAY, _index_array(backend, item._data, dt), item.shape))
                consumed += 1
            else:
                raise IndexError(
                    f"only integer and boolean tensors can be indices, got a {dt.name} tensor"
                )
        elif item is None:
            entries.append((_NEWAXIS, None, None))
        elif item is Ellipsis:
            if ellipsis_at is not None:
                raise IndexError("an index can only have a single ellipsis ('...')")
            ellipsis_at = len(entries)
        elif isinstance(item, slice):
            entries.append((_SLICE, item, None))
            consumed += 1
        elif isinstance(item, bool):
            raise IndexError(
                f"a Python bool ({item}) is not an index; use a 0-d boolean tensor as the "
                "sole index to add an axis of size 1 (True) or 0 (False)"
            )
        else:
            try:
                i = operator.index(item)
            except TypeError:
                hint = "; wrap arrays with arraygrad.asarray()" if hasattr(item, "__len__") else ""
                raise IndexError(
                    f"{describe(item)} is not a valid index (indices are ints, slices, ellipsis, "
                    f"None, and integer or boolean Tensors){hint}"
                ) from None
            entries.append((_INT, i, None))
            consumed += 1
    if consumed > ndim:
        raise IndexError(
            f"too many indices: the tensor has {ndim} dimension{'s' * (ndim != 1)} "
            f"(shape {shape}) but {consumed} were indexed"
        )
    # Note: axes the key leaves out are taken whole, as if the key ended with an ellipsis.
    # The standard says libraries "should" raise here; NumPy and torch do not, Tensor
    # iteration over rows relies on it, and so does array-API code tested on NumPy.
    fill = [(_SLICE, slice(None), None)] * (ndim - consumed)
    if ellipsis_at is None:
        entries.extend(fill)
    else:
        entries[ellipsis_at:ellipsis_at] = fill
    if arrays == 0:
        # The standard: a 0-d integer array is the int it holds.
        for at in zero_d:
            if ellipsis_at is not None and at >= ellipsis_at:
                at += len(fill)
            # Note: CuPy arrays have no __index__ (it would synchronize); int() reads them.
            entries[at] = (_INT, int(entries[at][1]), None)
    return _normalize_entries(entries, shape, arrays, items)


def _normalize_entries(
    entries: list[tuple[str, Any, Any]], shape: tuple, arrays: int, items: tuple
) -> ParsedKey:
    out: list[tuple[str, Any, int]] = []
    axis = 0
    array_shapes = []
    has_array = has_mask = has_slice = has_newaxis = has_int = False
    for kind, value, extra in entries:
        if kind is _NEWAXIS:
            out.append((kind, None, -1))
            has_newaxis = True
            continue
        n = shape[axis] if axis < len(shape) else None
        if kind is _INT:
            if n is not None:
                if not -n <= value < n:
                    raise IndexError(
                        f"index {value} is out of bounds for axis {axis} with size {n}"
                    )
                value %= n
            has_int = True
            out.append((_INT, value, axis))
            axis += 1
        elif kind is _SLICE:
            s = _normalize_slice(value.start, value.stop, value.step, n)
            has_slice = has_slice or s != slice(0, n, 1)
            out.append((_SLICE, s, axis))
            axis += 1
        elif kind is _ARRAY:
            array_shapes.append(extra)
            has_array = True
            out.append((_ARRAY, value, axis))
            axis += 1
        else:
            m = len(extra)
            indexed = shape[axis : axis + m]
            for j, (ms, n_j) in enumerate(zip(extra, indexed, strict=True)):
                # The standard: each mask size equals the axis size or is 0.
                if n_j is not None and ms not in (n_j, 0):
                    raise IndexError(
                        f"the boolean index of shape {extra} does not match the indexed axes "
                        f"{indexed}: axis {axis + j} has size {n_j}, the mask {ms}"
                    )
            if m == 0 and not (len(items) == 1 or (len(items) == 2 and Ellipsis in items)):
                raise IndexError(
                    "a 0-d boolean index must be the sole index (it adds an axis of size 1 "
                    "or 0 in front)"
                )
            has_mask = True
            out.append((_MASK, value, axis))
            axis += m
    if has_array and len(array_shapes) > 1:
        _broadcast_indices(array_shapes)
    if not arrays and not has_array:
        kind = "basic"
    elif (
        out[0][0] is _MASK
        and arrays == 1
        and not (has_slice or has_newaxis or has_array or has_int)
    ):
        kind = "mask"
    elif not has_mask and not has_slice and not has_newaxis:
        kind = "pure"
    else:
        kind = "mixed"
    if kind == "pure" and any(k is _SLICE for k, _, _ in out):
        kind = "mixed"  # whole-axis slices the key left implicit
    return ParsedKey(out, kind, shape)


def _broadcast_indices(shapes: Sequence[tuple]) -> tuple:
    """Return the broadcast shape of index arrays; IndexError (as NumPy) where there is none."""
    from ._manipulation import broadcast_shapes

    try:
        return broadcast_shapes(*shapes)
    except ValueError:
        raise IndexError(
            "the index arrays do not broadcast together: shapes "
            + ", ".join(str(s) for s in shapes)
        ) from None


def _check_bounds(backend: Backend, parsed: ParsedKey) -> None:
    """Raise IndexError for an integer-array index outside its axis (one reduction each).

    Lazy backends get their index arrays replaced by checked ones that raise when computed.
    """
    if backend.lazy:
        for i, (kind, value, axis) in enumerate(parsed.entries):
            if kind is _ARRAY:
                parsed.entries[i] = (kind, _lazy_bounds(value, parsed.shape[axis], axis), axis)
        return
    ns = backend.ns
    for kind, value, axis in parsed.entries:
        if kind is not _ARRAY or not math.prod(value.shape):
            continue
        _check_index_array(backend, ns, value, parsed.shape[axis], axis)


def _lazy_bounds(index: Any, n: Any, axis: int) -> Any:
    """Return the Dask index array ``index`` checked, when computed, against an axis of ``n``.

    Note: checking the bounds at the call would compute the index; out of bounds, the gather
    of a linear index (:func:`_advanced_gather`) would silently read another element.
    """
    if not isinstance(n, int):  # an unknown size: Dask's own indexing checks it
        return index
    import dask.array as da

    return da.map_blocks(_checked_block, index, n=n, axis=axis, dtype=index.dtype)


def _checked_block(block: Any, *, n: int, axis: int) -> Any:
    if block.size:
        low, high = block.min(), block.max()
        if low < -n or high >= n:
            bad = low if low < -n else high
            raise IndexError(f"index {bad} is out of bounds for axis {axis} with size {n}")
    return block


def _check_index_array(backend: Backend, ns: Any, index: Any, n: int | None, axis: int) -> None:
    if n is None or backend.lazy or not math.prod(index.shape):
        return
    if backend._dtype_from.get(index.dtype) in _dtypes.UNSIGNED:
        # Note: torch has no min/max kernels for uint16/32/64; the indices are small.
        index = ns.astype(index, backend.native_dtype(_dtypes.int64))
    low, high = int(ns.min(index)), int(ns.max(index))
    if low < -n or high >= n:
        bad = low if low < -n else high
        raise IndexError(f"index {bad} is out of bounds for axis {axis} with size {n}")


# -- reading ----------------------------------------------------------------------------------
def _positive_steps(key: Sequence[Any]) -> tuple[list[Any], tuple[int, ...]]:
    """Return ``key`` with negative-step slices made positive, and the result axes to flip."""
    new, flips, position = [], [], 0
    for k in key:
        if isinstance(k, slice):
            if k.step is not None and k.step < 0 and k != slice(0, 0, 1):
                stop = -1 if k.stop is None else k.stop
                m = len(range(k.start, stop, k.step))
                last = k.start + (m - 1) * k.step
                k = slice(last, k.start + 1, -k.step)
                flips.append(position)
            position += 1
        elif k is None:
            position += 1
        new.append(k)
    return new, tuple(flips)


def _flips(backend: Backend, key: Sequence[Any]) -> bool:
    """Return whether a basic key needs the negative-step workaround on this backend."""
    return backend.name in _NO_NEGATIVE_STEP and any(
        isinstance(k, slice) and k.step is not None and k.step < 0 for k in key
    )


def _basic_gather(backend: Backend, raw: Any, key: Sequence[Any]) -> Any:
    if _flips(backend, key):
        # Note: torch has no negative-step slices; the standard has them.
        new, flips = _positive_steps(key)
        out = raw[tuple(new)]
        return backend.ns.flip(out, axis=flips) if flips else out
    return raw[tuple(key)]


def _mask_gather(backend: Backend, raw: Any, parsed: ParsedKey) -> Any:
    mask = parsed.entries[0][1]
    m = mask.ndim
    if tuple(mask.shape) != parsed.shape[:m]:
        # The standard lets a mask size be 0 where the axis is longer: nothing is selected.
        empty = raw[(slice(0, 0),) * m + (Ellipsis,)]
        return backend.ns.reshape(empty, (0, *parsed.shape[m:]))
    return raw[mask]


def _advanced_gather(backend: Backend, raw: Any, parsed: ParsedKey) -> Any:
    """Index with integer arrays mixed with slices and new axes, by NumPy's rules.

    Basic indexing first (arrays' axes kept whole), then the arrays' axes moved to the
    front, flattened, and gathered with one ``take`` of the linear index. The broadcast
    index shape replaces the arrays' axes where they sit if they are adjacent in the key,
    else it goes first (NumPy's rule).
    """
    ns = backend.ns
    entries: list[tuple[str, Any, int]] = []
    for kind, value, axis in parsed.entries:
        if kind is _MASK:  # a mask is the integer arrays of its True coordinates
            entries.extend((_ARRAY, c, axis + j) for j, c in enumerate(ns.nonzero(value)))
        else:
            entries.append((kind, value, axis))
    basic: list[Any] = []
    advanced: list[tuple[Any, int]] = []  # (int or array, position in the basic result)
    slots: list[int] = []
    for slot, (kind, value, _) in enumerate(entries):
        if kind is _NEWAXIS:
            basic.append(None)
        elif kind is _SLICE:
            basic.append(value)
        else:
            advanced.append((value, len(basic)))
            slots.append(slot)
            basic.append(slice(None))
    _broadcast_indices([tuple(v.shape) for v, _ in advanced if not isinstance(v, int)])
    y = _basic_gather(backend, raw, basic)
    index_dtype = backend.native_dtype(_dtypes.int64)
    linear: Any = 0
    stride = 1
    for value, position in reversed(advanced):
        n = y.shape[position]
        if not isinstance(value, int):
            if value.dtype != index_dtype:
                value = ns.astype(value, index_dtype)
            value = ns.where(value < 0, value + n, value)
        linear = value * stride + linear
        stride *= n
    positions = [p for _, p in advanced]
    others = [a for a in range(y.ndim) if a not in positions]
    if positions + others != list(range(y.ndim)):
        y = ns.permute_dims(y, tuple(positions + others))
    rest = tuple(y.shape[len(positions) :])
    y = ns.reshape(y, (stride, *rest))
    index_shape = tuple(linear.shape)
    out = ns.take(y, ns.reshape(linear, (-1,)), axis=0)
    out = ns.reshape(out, index_shape + rest)
    adjacent = slots == list(range(slots[0], slots[0] + len(slots)))
    first = positions[0]
    if adjacent and first > 0:
        k = len(index_shape)
        order = [*range(k, k + first), *range(k), *range(k + first, out.ndim)]
        out = ns.permute_dims(out, tuple(order))
    return out


def gather(backend: Backend, raw: Any, parsed: ParsedKey) -> Any:
    """Return ``raw[key]`` for a parsed key, on any backend, with NumPy's results."""
    kind = parsed.kind
    if kind == "basic":
        return _basic_gather(backend, raw, parsed.native())
    if kind == "mask":
        return _mask_gather(backend, raw, parsed)
    if not backend._numpy_like:
        _check_bounds(backend, parsed)
    if (kind == "pure" and backend.name not in _NO_ARRAY_GETITEM) or backend._numpy_like:
        return raw[parsed.native()]
    return _advanced_gather(backend, raw, parsed)


_NONE_TYPE = type(None)
_SIMPLE_ITEMS = (int, _NONE_TYPE, EllipsisType)


def _simple_key(key: Any) -> bool:
    """Return whether ``key`` holds only ints, slices of ints, None and ellipses.

    NumPy indexes such keys exactly as arraygrad does (Python's clipping of slices, the
    axes left out taken whole), so the NumPy backend runs them without parsing.
    """
    items = key if type(key) is tuple else (key,)
    for k in items:
        t = type(k)
        if t is slice:
            if not (
                type(k.start) in _SIMPLE_ITEMS
                and type(k.stop) in _SIMPLE_ITEMS
                and type(k.step) in _SIMPLE_ITEMS
            ):
                return False
        elif t not in _SIMPLE_ITEMS:
            return False
    return True


def _getitem_impl(backend: Backend, raw: Any, *, key: Any) -> Any:
    if backend._numpy_like and _simple_key(key):
        try:
            return raw[key]
        except (IndexError, ValueError):
            pass  # parsed below, for arraygrad's own message
    parsed = parse_key(backend, raw, key)
    twin = signed_twin(backend, raw)
    if twin is not None and (parsed.kind != "basic" or _flips(backend, parsed.native())):
        ns = backend.ns
        return ns.astype(gather(backend, ns.astype(raw, twin), parsed), raw.dtype)
    return gather(backend, raw, parsed)


def getitem(self: Tensor, key: Index, /) -> Tensor:
    """Return ``self[key]``: the elements the key selects, as a tensor of ``self``'s dtype."""
    if not isinstance(self, Tensor):
        raise not_an_array("getitem", self)
    return call("getitem", (self,), {"key": _lists_to_tensors(self, key)}, impl=_getitem_impl)


def _lists_to_tensors(x: Tensor, key: Any) -> Any:
    """Return ``key`` with Python lists (``x[[0, 2]]``) made index tensors on x's device.

    Note: the standard indexes with arrays only; NumPy and PyTorch users write lists.
    """
    if isinstance(key, list):
        from ._creation import asarray

        return asarray(key, device=x.device)
    if isinstance(key, tuple) and any(isinstance(k, list) for k in key):
        return tuple(_lists_to_tensors(x, k) if isinstance(k, list) else k for k in key)
    return key


# -- writing ----------------------------------------------------------------------------------
def selection_shape(backend: Backend, parsed: ParsedKey) -> tuple[int | None, ...]:
    """Return the shape of ``x[key]`` (a mask's count is read from the device)."""
    ns = backend.ns
    basic: list[int | None] = []
    index_shapes: list[tuple] = []
    slots: list[int] = []
    first = 0
    advanced_kinds = (_ARRAY, _MASK) if parsed.kind == "basic" else (_ARRAY, _MASK, _INT)
    for slot, (kind, value, axis) in enumerate(parsed.entries):
        if kind is _NEWAXIS:
            basic.append(1)
        elif kind is _SLICE:
            basic.append(_slice_length(value, parsed.shape[axis]))
        elif kind in advanced_kinds:
            if not slots:
                first = len(basic)
            slots.append(slot)
            if kind is _INT:
                index_shapes.append(())
            elif kind is _ARRAY:
                index_shapes.append(tuple(value.shape))
            else:
                fits = tuple(value.shape) == parsed.shape[axis : axis + value.ndim]
                count = int(ns.sum(ns.astype(value, backend.native_dtype(_dtypes.int64))))
                index_shapes.append((count if fits else 0,))
    if not slots:
        return tuple(basic)
    index_shape = _broadcast_indices(index_shapes)
    if slots == list(range(slots[0], slots[0] + len(slots))):
        return (*basic[:first], *index_shape, *basic[first:])
    return (*index_shape, *basic)


def _scatter(backend: Backend, raw: Any, parsed: ParsedKey, value: Any) -> Any:
    """Return a copy of ``raw`` with ``value`` written at ``key``, from standard functions only.

    The key gathers the flat positions it selects; sorting them lets ``searchsorted`` find,
    for every element, the last value written to it (NumPy's order for repeated indices).
    """
    ns = backend.ns
    index_dtype = backend.native_dtype(_dtypes.int64)
    device = array_api_compat.device(raw)
    size = math.prod(parsed.shape)
    every = ns.arange(size, dtype=index_dtype, device=device)
    selected = gather(backend, ns.reshape(every, parsed.shape), parsed)
    if not math.prod(selected.shape):
        return raw
    value = ns.broadcast_to(value, tuple(selected.shape))
    targets = ns.reshape(selected, (-1,))
    order = ns.argsort(targets, stable=True)
    targets = ns.take(targets, order)
    values = ns.take(ns.reshape(value, (-1,)), order)
    last = ns.searchsorted(targets, every, side="right") - 1
    safe = ns.clip(last, min=0)
    hit = (last >= 0) & (ns.take(targets, safe) == every)
    flat = ns.where(hit, ns.take(values, safe), ns.reshape(raw, (-1,)))
    return ns.reshape(flat, parsed.shape)


def _value(backend: Backend, x: Tensor, value: Any) -> tuple[Any, tuple]:
    """Return the raw value to write into ``x`` (cast to x's dtype) and its shape."""
    xd = x.dtype
    if isinstance(value, Tensor):
        if value._backend is not backend or (
            not backend.single_device and value.device != x.device
        ):
            raise mixed_devices("setitem", x, value)
        vd = value.dtype
        if vd is xd:
            return value._data, tuple(value.shape)
        promoted = _dtypes.PROMOTION.get((vd, xd))
        if promoted is not xd:
            raise TypeError(
                f"setitem: a {vd.name} value cannot be written into a {xd.name} tensor: the "
                f"standard's promotion of {vd.name} with {xd.name} "
                + (f"is {promoted.name}" if promoted else "is undefined")
                + f", not {xd.name}; cast the value with astype() first"
            )
        return backend.ns.astype(value._data, backend.native_dtype(xd)), tuple(value.shape)
    if isinstance(value, (bool, int, float, complex)):
        scalar_compatible("setitem", value, xd)
        if isinstance(value, complex) and xd not in _dtypes.COMPLEX_FLOATING:
            raise TypeError(f"setitem: a Python complex cannot be written into a {xd.name} tensor")
        if backend._numpy_like:
            return value, ()
        native = backend.native_dtype(xd)
        return backend.ns.asarray(value, dtype=native, device=array_api_compat.device(x._data)), ()
    raise not_an_array("setitem", value, "an arraygrad Tensor or a Python scalar")


def _fits(value_shape: tuple, target: tuple) -> bool:
    if len(value_shape) > len(target):
        return False
    return all(
        v in (t, 1) or t is None
        for v, t in zip(reversed(value_shape), reversed(target), strict=False)
    )


def write(
    backend: Backend, raw: Any, parsed: ParsedKey, value: Any, sel: tuple | None = None
) -> Any:
    """Write ``value`` (already of raw's dtype) at a parsed key; return the written array.

    Mutable backends are written in place (the same ``raw`` comes back); immutable ones
    (JAX) return a new array. ``sel`` is the selection's shape, where already known.
    """
    kind = parsed.kind
    ns = backend.ns
    if kind == "mask":
        mask = parsed.entries[0][1]
        if tuple(mask.shape) != parsed.shape[: mask.ndim]:
            return raw  # a mask with a 0 size where the axis is longer selects nothing
    if not backend.mutable:
        if kind == "mixed" and any(k is _MASK for k, _, _ in parsed.entries):
            # IndexError (NumPy's) where the masks' counts do not broadcast with the other
            # index arrays; JAX raises a ValueError of its own there.
            selection_shape(backend, parsed)
        # Note: immutable backends (JAX) write by building a new array.
        return raw.at[parsed.native()].set(value)
    twin = signed_twin(backend, raw)
    if twin is not None and (kind != "basic" or _flips(backend, parsed.native())):
        moved = write(backend, ns.astype(raw, twin), parsed, ns.astype(value, twin), sel)
        raw[...] = ns.astype(moved, raw.dtype)
        return raw
    if backend.lazy and kind != "mask":
        if kind == "basic" and sel is None:
            sel = selection_shape(backend, parsed)
        if 0 in raw.shape or (kind == "basic" and 0 in sel):
            # Note: Dask refuses to write an empty value to an empty selection ("could
            # not be broadcast to indexing result of shape (0, 2)"); there is nothing
            # to write (the value's shape was checked by the caller).
            return raw
    if kind == "basic":
        key = parsed.native()
        if None in key and not backend._numpy_like:
            # Note: array_api_strict takes no None in a key to write to (the standard's
            # setitem keys have none); the new axes only shape the value, so fold them in.
            if sel is None:
                sel = selection_shape(backend, parsed)
            kept = []
            position = 0
            for k in key:
                if k is None or isinstance(k, slice):
                    if k is not None:
                        kept.append(sel[position])
                    position += 1
            value = ns.reshape(ns.broadcast_to(value, sel), tuple(kept))
            key = tuple(k for k in key if k is not None)
            parsed = ParsedKey(
                [e for e in parsed.entries if e[0] is not _NEWAXIS], "basic", parsed.shape
            )
            sel = tuple(kept)
        if _flips(backend, key):
            # Note: torch has no negative-step slices (Dask writes some wrong); write the flipped value through the
            # equivalent positive slice.
            new, flips = _positive_steps(key)
            if sel is None:
                sel = selection_shape(backend, parsed)
            value = ns.broadcast_to(value, sel)
            raw[tuple(new)] = ns.flip(value, axis=flips) if flips else value
        else:
            raw[key] = value
    elif (
        kind == "mask"
        or backend._numpy_like
        or (kind == "pure" and backend.name in _NATIVE_ARRAY_SETITEM)
    ):
        raw[parsed.native()] = value
    else:
        raw[...] = _scatter(backend, raw, parsed, value)
    return raw


def raw_key(key: Any) -> Any:
    """Return ``key`` with its Tensors replaced by their backend arrays (no checks)."""
    if isinstance(key, tuple):
        return tuple(k._data if isinstance(k, Tensor) else k for k in key)
    return key._data if isinstance(key, Tensor) else key


def assign(backend: Backend, raw: Any, key: Any, value: Any) -> Any:
    """Return ``raw`` with ``raw[key] = value`` written by arraygrad's rules, on any backend.

    ``key`` is a key as ``Tensor.__setitem__`` takes it (Tensors allowed); ``value`` a raw
    array (cast to raw's dtype here) or a Python scalar. Mutable backends are written in
    place; immutable ones (JAX) get a new array. For autograd's out-of-place ``setitem``.
    """
    parsed = parse_key(backend, raw, key)
    if parsed.kind != "basic" and not backend._numpy_like:
        _check_bounds(backend, parsed)
    ns = backend.ns
    if hasattr(value, "dtype"):
        if value.dtype != raw.dtype:
            value = ns.astype(value, raw.dtype)
    elif not backend._numpy_like:
        value = ns.asarray(value, dtype=raw.dtype, device=array_api_compat.device(raw))
    return write(backend, raw, parsed, value)


def setitem(self: Tensor, key: Index, value: Union[bool, int, float, complex, Tensor], /) -> None:
    """Write ``value`` (broadcast to the selection, cast to ``self``'s dtype) at ``self[key]``."""
    if not isinstance(self, Tensor):
        raise not_an_array("setitem", self)
    key = _lists_to_tensors(self, key)
    backend = self._backend
    raw = self._data
    parsed: ParsedKey | None = None
    sel = None
    if backend._numpy_like and _simple_key(key):
        try:
            sel = raw[key].shape  # a view: NumPy's basic indexing is arraygrad's
        except (IndexError, ValueError):
            pass  # parsed below, for arraygrad's own message
    if sel is None:
        try:
            parsed = parse_key(backend, raw, key)
            if parsed.kind != "basic" and not backend._numpy_like:
                _check_bounds(backend, parsed)
        except (IndexError, ValueError, TypeError) as e:
            raise _backend_error("setitem", (self,), e) from None
    raw_value, value_shape = _value(backend, self, value)
    if value_shape:
        if sel is None:
            sel = selection_shape(backend, parsed)  # type: ignore[arg-type]
        if not _fits(value_shape, sel):
            raise ValueError(
                f"setitem: a value of shape {value_shape} cannot broadcast to the selected "
                f"shape {sel} of a tensor of shape {self.shape}"
            )

    def mutate() -> None:
        if parsed is None:
            self._data[key] = raw_value
        else:
            self._data = write(backend, self._data, parsed, raw_value, sel)

    inplace("setitem", self, (self, value), {"key": key}, mutate)


# -- the standard's indexing functions ---------------------------------------------------------
def _index_tensor(name: str, x: Any, indices: Any) -> None:
    if not isinstance(x, Tensor):
        raise not_an_array(name, x)
    if not isinstance(indices, Tensor):
        raise not_an_array(name, indices)
    if indices.dtype not in _dtypes.INTEGER:
        raise TypeError(f"{name}: indices must have an integer dtype, got {indices.dtype.name}")
    if indices._backend is not x._backend or (
        not x._backend.single_device and indices.device != x.device
    ):
        raise mixed_devices(name, x, indices)


def take(x: Tensor, indices: Tensor, /, *, axis: int | None = None) -> Tensor:
    """Return the elements of ``x`` at ``indices`` (1-D) along ``axis``."""
    _index_tensor("take", x, indices)
    if indices.ndim != 1:
        raise ValueError(f"take: indices must be 1-D, got shape {indices.shape}")
    if axis is None:
        if x.ndim != 1:
            raise ValueError(
                f"take: axis is required for a tensor of {x.ndim} dimensions (shape {x.shape})"
            )
        axis = 0
    else:
        axis = check_axis("take", axis, x.ndim)
    if not x._backend._numpy_like:
        try:
            _check_index_array(x._backend, x._backend.ns, indices._data, x.shape[axis], axis)
        except IndexError as e:
            raise IndexError(f"take: {e}") from None
    return call("take", (x, indices), {"axis": axis}, impl=_take_impl)


def _take_impl(backend: Backend, raw: Any, indices: Any, *, axis: int) -> Any:
    ns = backend.ns
    indices = _index_array(backend, indices, backend.dtype(indices))
    if backend.lazy:
        indices = _lazy_bounds(indices, raw.shape[axis], axis)
    twin = signed_twin(backend, raw)
    if twin is None:
        return ns.take(raw, indices, axis=axis)
    return ns.astype(ns.take(ns.astype(raw, twin), indices, axis=axis), raw.dtype)


def take_along_axis(x: Tensor, indices: Tensor, /, *, axis: int = -1) -> Tensor:
    """Return the elements of ``x`` at ``indices`` along ``axis`` (the other axes broadcast)."""
    _index_tensor("take_along_axis", x, indices)
    if x.ndim == 0 or indices.ndim != x.ndim:
        raise ValueError(
            f"take_along_axis: x and indices must have the same number (>= 1) of dimensions, "
            f"got shapes {x.shape} and {indices.shape}"
        )
    axis = check_axis("take_along_axis", axis, x.ndim)
    for i, (a, b) in enumerate(zip(x.shape, indices.shape, strict=True)):
        if i != axis and a != b and 1 not in (a, b):
            raise ValueError(
                f"take_along_axis: shapes {x.shape} and {indices.shape} do not broadcast "
                f"outside axis {axis} (axis {i}: {a} and {b})"
            )
    if not x._backend._numpy_like:
        try:
            _check_index_array(x._backend, x._backend.ns, indices._data, x.shape[axis], axis)
        except IndexError as e:
            raise IndexError(f"take_along_axis: {e}") from None
    return call("take_along_axis", (x, indices), {"axis": axis}, impl=_take_along_axis_impl)


def _take_along_axis_impl(backend: Backend, raw: Any, indices: Any, *, axis: int) -> Any:
    ns = backend.ns
    indices = _index_array(backend, indices, backend.dtype(indices))
    if backend.lazy:
        indices = _lazy_bounds(indices, raw.shape[axis], axis)
    # Note: array_api_compat's Dask namespace has no take_along_axis (standard 2024.12).
    native = getattr(ns, "take_along_axis", None)
    take_along = native if native is not None else partial(_take_along_axis_standard, ns)
    twin = signed_twin(backend, raw)
    if twin is None:
        return take_along(raw, indices, axis=axis)
    return ns.astype(take_along(ns.astype(raw, twin), indices, axis=axis), raw.dtype)


def _take_along_axis_standard(ns: Any, raw: Any, indices: Any, *, axis: int) -> Any:
    """``take_along_axis`` from the standard's functions: one ``take`` of a linear index."""
    n = raw.shape[axis]
    shape = tuple(
        indices.shape[d] if d == axis else 0 if 0 in (a, b) else max(a, b)
        for d, (a, b) in enumerate(zip(raw.shape, indices.shape, strict=True))
    )
    x = ns.broadcast_to(raw, tuple(n if d == axis else s for d, s in enumerate(shape)))
    index = ns.broadcast_to(indices, shape)
    index = ns.moveaxis(ns.where(index < 0, index + n, index), axis, -1)
    lead = tuple(index.shape[:-1])
    offset = ns.arange(math.prod(lead), dtype=index.dtype, device=array_api_compat.device(index))
    index = index + ns.reshape(offset * n, (*lead, 1))
    out = ns.take(ns.reshape(ns.moveaxis(x, axis, -1), (-1,)), ns.reshape(index, (-1,)), axis=0)
    return ns.moveaxis(ns.reshape(out, tuple(index.shape)), -1, axis)


Tensor.__getitem__ = getitem  # type: ignore[method-assign]
Tensor.__setitem__ = setitem  # type: ignore[method-assign]
