"""Rules of indexing: ``x[key]``, its out-of-place ``setitem``, ``take``, ``take_along_axis``.

The gradient of a gather is a scatter-add (:func:`.._backend_ops.index_add`): positions
selected several times (``x[[0, 0, 1]]``) receive the sum of their gradients.
"""

from __future__ import annotations

from typing import Any

from ...testing._lazy import st
from .._backend_ops import gather, index_add
from .._registry import Domain, device_of, rule

_D = Domain()


# -- keys for the property tests ----------------------------------------------------------------
def _bound(draw: Any, n: int) -> Any:
    return draw(st.one_of(st.none(), st.integers(-n - 1, n + 1)))


def _basic_item(draw: Any, n: int) -> Any:
    if draw(st.booleans()):
        return draw(st.integers(-n, n - 1))
    step = draw(st.sampled_from([None, 1, 2, -1, -2]))
    return slice(_bound(draw, n), _bound(draw, n), step)


def _int_array(draw: Any, n: int, device: Any, shape: tuple[int, ...] | None = None) -> Any:
    import arraygrad as ag

    if shape is None:
        shape = draw(st.sampled_from([(1,), (2,), (3,), (4,), (2, 2)]))
    count = 1
    for s in shape:
        count *= s
    # Repeats and negative indices on purpose: repeated positions sum their gradients.
    values = draw(st.lists(st.integers(-n, n - 1), min_size=count, max_size=count))
    dtype = draw(st.sampled_from([ag.int64, ag.int32]))
    return ag.reshape(ag.asarray(values, dtype=dtype, device=device), shape)


def _mask(draw: Any, shape: tuple[int, ...], device: Any) -> Any:
    import arraygrad as ag

    count = 1
    for s in shape:
        count *= s
    values = draw(st.lists(st.booleans(), min_size=count, max_size=count))
    return ag.reshape(ag.asarray(values, dtype=ag.bool, device=device), shape)


def _lazy(device: Any) -> bool:
    from ..._devices import as_device

    return device is not None and as_device(device).backend.lazy


def _draw_key(draw: Any, shape: tuple[int, ...], device: Any) -> Any:
    """A key for a tensor of ``shape``: every form the standard has, and NumPy's mixes.

    No masks on lazy backends: the size a mask selects is data-dependent there (Dask), and
    gradients cannot be broadcast to it.
    """
    ndim = len(shape)
    masks = not _lazy(device)
    forms = ["basic", "mask", "arrays", "mixed"] if masks else ["basic", "arrays", "mixed"]
    form = draw(st.sampled_from(forms if ndim else ["basic"]))
    if form == "basic":
        k = draw(st.integers(0, ndim))
        items: list[Any] = [_basic_item(draw, shape[i]) for i in range(k)]
        if draw(st.booleans()):
            # An ellipsis between the leading items and items for the trailing axes.
            tail = draw(st.integers(0, ndim - k))
            items += [Ellipsis] + [_basic_item(draw, shape[i]) for i in range(ndim - tail, ndim)]
        if draw(st.booleans()):
            items.insert(draw(st.integers(0, len(items))), None)
        if len(items) == 1 and draw(st.booleans()):
            return items[0]
        return tuple(items)
    if form == "mask":
        m = draw(st.integers(1, ndim))
        mask = _mask(draw, shape[:m], device)
        return mask if draw(st.booleans()) else (mask, Ellipsis)
    if form == "arrays":
        k = draw(st.integers(1, ndim))
        index_shape = draw(st.sampled_from([(1,), (2,), (3,), (2, 2)]))
        items = [_int_array(draw, shape[i], device, index_shape) for i in range(k)]
        if k > 1 and draw(st.booleans()):
            items[0] = draw(st.integers(-shape[0], shape[0] - 1))
        return items[0] if k == 1 and draw(st.booleans()) else tuple(items)
    # Integer arrays (of one broadcast shape) or one mask next to slices, ints and new axes
    # (NumPy's rules).
    items = []
    used = None
    index_shape = draw(st.sampled_from([(1,), (2,), (3,), (2, 2)]))
    for i in range(ndim):
        choice = draw(st.sampled_from(["slice", "int", "array", "mask"]))
        if used != "mask" and (choice == "array" or (i == ndim - 1 and used is None)):
            items.append(_int_array(draw, shape[i], device, index_shape))
            used = "array"
        elif choice == "mask" and used is None and masks:
            items.append(_mask(draw, (shape[i],), device))
            used = "mask"
        elif choice == "int":
            items.append(draw(st.integers(-shape[i], shape[i] - 1)))
        else:
            items.append(_basic_item(draw, shape[i]) if draw(st.booleans()) else slice(None))
    if draw(st.booleans()):
        items.insert(draw(st.integers(0, len(items))), None)
    return tuple(items)


def _sample_getitem(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    from ...testing.strategies import array_from_domain, small_shapes

    shape = draw(small_shapes(max_dims=3))
    key = _draw_key(draw, shape, device)
    x = array_from_domain(draw, shape, _D, dtype, device)
    return (lambda t: t[key]), (x,)


@rule(
    "getitem",
    sample=_sample_getitem,
    notes="positions selected several times (repeated integer indices) get the sum of their gradients",
)
def _getitem(xp: Any, ctx: Any, g: Any) -> Any:
    return index_add(xp, tuple(ctx.shapes[0]), ctx.params["key"], g)


def _unique_key(draw: Any, shape: tuple[int, ...], device: Any) -> Any:
    """A key that selects each position at most once (what setitem's gradient assumes)."""
    import arraygrad as ag

    while True:
        key = _draw_key(draw, shape, device)
        with ag.autograd.no_grad():
            probe = ag.reshape(ag.arange(max(1, _size(shape)), device=device), shape) if shape else ag.asarray(0, device=device)
            picked = probe[key]
            if picked.size == 0:
                continue
            flat = ag.reshape(picked, (-1,)).to_device("cpu")  # unique's size is known there
            if ag.unique_values(flat).size == flat.size:
                return key, tuple(picked.shape)


def _size(shape: tuple[int, ...]) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


def _sample_setitem(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    import arraygrad as ag

    from ...testing.strategies import array_from_domain, small_shapes

    shape = draw(small_shapes(max_dims=3))
    key, selected = _unique_key(draw, shape, device)
    # The value broadcasts to the selection: drop leading axes, or make some axes 1.
    cut = draw(st.integers(0, len(selected)))
    vshape = tuple(1 if draw(st.booleans()) else s for s in selected[cut:])
    x = array_from_domain(draw, shape, _D, dtype, device)
    scalar = draw(st.booleans()) and draw(st.booleans())
    if scalar:

        def fn_scalar(t: Any) -> Any:
            y = t * 1
            y[key] = 0.5
            return y

        return fn_scalar, (x,)
    v = array_from_domain(draw, vshape, _D, dtype, device)

    def fn(t: Any, value: Any) -> Any:
        y = t * 1  # a non-leaf: its setitem is recorded as setitem_functional
        y[key] = value
        return y

    del ag
    return fn, (x, v)


@rule(
    "setitem_functional",
    sample=_sample_setitem,
    notes=(
        "x[key] = v out of place: x's gradient is zero at the written positions, v's is the "
        "gradient gathered at key (summed over broadcasting); with repeated indices every "
        "copy of v gets its position's gradient, as in torch's index_put"
    ),
)
def _setitem_functional(xp: Any, ctx: Any, g: Any) -> Any:
    key = ctx.params["key"]
    picked = gather(xp, g, key)
    grad_target = None
    if ctx.needs[0]:
        written = index_add(xp, tuple(ctx.shapes[0]), key, xp.ones_like(picked))
        grad_target = g * xp.astype(written == 0, g.dtype)
    return grad_target, (picked if ctx.needs[1] else None)


# -- take, take_along_axis --------------------------------------------------------------------
def _sample_take(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    import arraygrad as ag

    from ...testing.strategies import array_from_domain, small_shapes

    shape = draw(small_shapes(min_dims=1, max_dims=3))
    axis = None if len(shape) == 1 and draw(st.booleans()) else draw(st.integers(-len(shape), len(shape) - 1))
    n = shape[0 if axis is None else axis]
    index = _int_array(draw, n, device, (draw(st.integers(0, 4)),))
    x = array_from_domain(draw, shape, _D, dtype, device)
    return (lambda t: ag.take(t, index, axis=axis)), (x,)


@rule(
    "take",
    saves=(1,),
    differentiable=(True, False),
    sample=_sample_take,
    notes="repeated indices sum their gradients",
)
def _take(xp: Any, ctx: Any, g: Any) -> Any:
    key = (slice(None),) * ctx.params["axis"] + (ctx.inputs[1],)
    return index_add(xp, tuple(ctx.shapes[0]), key, g), None


def _sample_take_along_axis(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    import arraygrad as ag

    from ...testing.strategies import array_from_domain, small_shapes

    shape = draw(small_shapes(min_dims=1, max_dims=3))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    a = axis % len(shape)
    # The other axes broadcast: either side may have size 1 where the other does not.
    xshape = list(shape)
    ishape = list(shape)
    for i in range(len(shape)):
        if i != a and draw(st.booleans()):
            (xshape if draw(st.booleans()) else ishape)[i] = 1
    ishape[a] = draw(st.integers(0, 4))
    index = _int_array(draw, shape[a], device, tuple(ishape))
    x = array_from_domain(draw, tuple(xshape), _D, dtype, device)
    return (lambda t: ag.take_along_axis(t, index, axis=axis)), (x,)


@rule(
    "take_along_axis",
    saves=(1,),
    differentiable=(True, False),
    sample=_sample_take_along_axis,
    notes="repeated indices sum their gradients; broadcast axes are summed",
)
def _take_along_axis(xp: Any, ctx: Any, g: Any) -> Any:
    axis = ctx.params["axis"]
    index = ctx.inputs[1]
    shape = tuple(ctx.shapes[0])
    out = tuple(g.shape)
    nd = len(shape)
    # The gradient of x broadcast to the output's other axes (the engine sums it back).
    target = tuple(shape[d] if d == axis else out[d] for d in range(nd))
    key = []
    device = device_of(g)
    for d in range(nd):
        if d == axis:
            key.append(index)
        else:
            ar = xp.arange(out[d], dtype=xp.int64, device=device)
            key.append(xp.reshape(ar, tuple(out[d] if e == d else 1 for e in range(nd))))
    return index_add(xp, target, tuple(key), g), None
