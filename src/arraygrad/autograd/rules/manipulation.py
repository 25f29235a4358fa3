"""Rules of the manipulation functions: reshaping, joining, splitting and reordering.

Each gradient is the inverse data movement of the forward one (a reshape back, a flip, the
inverse permutation, slices of a join), or a sum where the forward copied values (repeat,
tile; broadcasting is summed out by the engine).
"""

from __future__ import annotations

import math
from typing import Any

from ...testing._lazy import st
from .._backend_ops import index_add
from .._registry import Domain, device_of, rule

_D = Domain()


# -- sampling helpers ---------------------------------------------------------------------------
def _tensor(draw: Any, shape: tuple[int, ...], dtype: Any, device: Any, **kw: Any) -> Any:
    from ...testing.strategies import array_from_domain

    return array_from_domain(draw, tuple(shape), _D, dtype, device, **kw)


def _shape(draw: Any, min_dims: int = 0, max_dims: int = 3) -> tuple[int, ...]:
    from ...testing.strategies import small_shapes

    return draw(small_shapes(min_dims=min_dims, max_dims=max_dims))


def _axis(draw: Any, ndim: int) -> int:
    """An axis of ``ndim`` dimensions, negative or not."""
    return draw(st.integers(-ndim, ndim - 1))


def _axes(draw: Any, ndim: int, min_size: int = 0) -> tuple[int, ...]:
    """Distinct axes, some of them negative."""
    picked = draw(st.lists(st.integers(0, ndim - 1), min_size=min_size, max_size=ndim, unique=True))
    return tuple(a - ndim if draw(st.booleans()) else a for a in picked)


def _one(fn: Any, draw: Any, dtype: Any, device: Any, min_dims: int = 0) -> tuple[Any, tuple[Any, ...]]:
    """The sample of a one-input function: ``fn(draw, x.shape)`` gives the call."""
    shape = _shape(draw, min_dims=min_dims)
    call = fn(draw, shape)
    return call, (_tensor(draw, shape, dtype, device),)


def _ag() -> Any:
    import arraygrad as ag

    return ag


# -- broadcasting -------------------------------------------------------------------------------
def _sample_broadcast_arrays(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    from ...testing.strategies import broadcastable_pair

    s1, s2 = draw(broadcastable_pair())
    shapes = [s1, s2] if draw(st.booleans()) else [s1, s2, draw(st.sampled_from([(), (1,)]))]
    args = tuple(_tensor(draw, s, dtype, device) for s in shapes)
    return (lambda *a: _ag().broadcast_arrays(*a)), args


@rule("broadcast_arrays", multi_output=True, sample=_sample_broadcast_arrays)
def _broadcast_arrays(xp: Any, ctx: Any, grads: Any) -> Any:
    # The engine sums each output's gradient down to its input's shape.
    return tuple(g if need else None for g, need in zip(grads, ctx.needs, strict=True))


def _sample_broadcast_to(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    from ...testing.strategies import broadcastable_pair

    s1, s2 = draw(broadcastable_pair())
    target = _ag().broadcast_shapes(s1, s2)
    x = _tensor(draw, s1, dtype, device)
    return (lambda t: _ag().broadcast_to(t, target)), (x,)


@rule("broadcast_to", sample=_sample_broadcast_to)
def _broadcast_to(xp: Any, ctx: Any, g: Any) -> Any:
    return g


# -- joining and splitting ----------------------------------------------------------------------
def _sample_concat(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    ag = _ag()
    flat = draw(st.booleans()) and draw(st.booleans())
    base = _shape(draw, min_dims=0 if flat else 1)
    n = draw(st.integers(1, 3))
    axis = None if flat else _axis(draw, len(base))
    args = []
    for i in range(n):
        shape = list(base)
        if flat:
            shape = list(_shape(draw))
        else:
            shape[axis] = draw(st.integers(0 if i else 1, 3))
        # Complex runs join real and complex inputs (promotion); some inputs are constants.
        dt = draw(st.sampled_from([ag.float64, ag.complex128])) if dtype == ag.complex128 else dtype
        args.append(_tensor(draw, tuple(shape), dt, device, requires_grad=i == 0 or draw(st.booleans())))
    return (lambda *a: ag.concat(a, axis=axis)), tuple(args)


@rule("concat", sample=_sample_concat, notes="mixed dtypes: each input gets its slice in its own dtype")
def _concat(xp: Any, ctx: Any, g: Any) -> Any:
    axis = ctx.params["axis"]
    out = []
    start = 0
    for shape, need in zip(ctx.shapes, ctx.needs, strict=True):
        if axis is None:
            n = math.prod(shape)
            out.append(xp.reshape(g[start : start + n], tuple(shape)) if need else None)
        else:
            n = shape[axis]
            key = (*(slice(None),) * (axis % g.ndim), slice(start, start + n), ...)
            out.append(g[key] if need else None)
        start += n
    return tuple(out)


def _sample_stack(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    shape = _shape(draw, max_dims=2)
    n = draw(st.integers(1, 3))
    axis = _axis(draw, len(shape) + 1)
    args = tuple(
        _tensor(draw, shape, dtype, device, requires_grad=i == 0 or draw(st.booleans()))
        for i in range(n)
    )
    return (lambda *a: _ag().stack(a, axis=axis)), args


@rule("stack", sample=_sample_stack)
def _stack(xp: Any, ctx: Any, g: Any) -> Any:
    axis = ctx.params["axis"] % g.ndim
    lead = (slice(None),) * axis
    return tuple(g[(*lead, i, ...)] if need else None for i, need in enumerate(ctx.needs))


def _sample_unstack(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    shape = _shape(draw, min_dims=1)
    axis = _axis(draw, len(shape))
    return (lambda t: _ag().unstack(t, axis=axis)), (_tensor(draw, shape, dtype, device),)


@rule(
    "unstack",
    multi_output=True,
    sample=_sample_unstack,
    notes="outputs that get no gradient count as zeros",
)
def _unstack(xp: Any, ctx: Any, grads: Any) -> Any:
    axis = ctx.params["axis"]
    ref = next(g for g in grads if g is not None)
    return xp.stack([xp.zeros_like(ref) if g is None else g for g in grads], axis=axis)


# -- axes ---------------------------------------------------------------------------------------
def _reshape_back(xp: Any, ctx: Any, g: Any) -> Any:
    return xp.reshape(g, tuple(ctx.shapes[0]))


def _sample_expand_dims(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    def make(d: Any, s: tuple[int, ...]) -> Any:
        k = d(st.integers(1, 2))
        axis = _axes(d, len(s) + k, min_size=k)[:k] if k > 1 else _axis(d, len(s) + 1)
        return lambda t: _ag().expand_dims(t, axis=axis)

    return _one(make, draw, dtype, device)


def _sample_squeeze(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    shape = list(_shape(draw, max_dims=2))
    ones = draw(st.lists(st.integers(0, len(shape)), min_size=1, max_size=2))
    for at in sorted(ones, reverse=True):
        shape.insert(at, 1)
    size_one = [i for i, s in enumerate(shape) if s == 1]
    picked = draw(st.lists(st.sampled_from(size_one), min_size=1, unique=True))
    axis: Any = tuple(picked) if len(picked) > 1 or draw(st.booleans()) else picked[0]
    return (lambda t: _ag().squeeze(t, axis=axis)), (_tensor(draw, tuple(shape), dtype, device),)


def _sample_reshape(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    shape = _shape(draw)
    n = math.prod(shape)
    divisors = [d for d in range(1, n + 1) if n % d == 0]
    a = draw(st.sampled_from(divisors))
    target = draw(st.sampled_from([(n,), (a, n // a), (n // a, -1, 1), (-1,)]))
    return (lambda t: _ag().reshape(t, target)), (_tensor(draw, shape, dtype, device),)


rule("expand_dims", sample=_sample_expand_dims)(_reshape_back)
rule("squeeze", sample=_sample_squeeze)(_reshape_back)
rule("reshape", sample=_sample_reshape)(_reshape_back)


def _sample_flip(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    def make(d: Any, s: tuple[int, ...]) -> Any:
        axis: Any = None if not s or d(st.booleans()) else _axes(d, len(s), min_size=1)
        if isinstance(axis, tuple) and len(axis) == 1 and d(st.booleans()):
            axis = axis[0]
        return lambda t: _ag().flip(t, axis=axis)

    return _one(make, draw, dtype, device)


@rule("flip", sample=_sample_flip)
def _flip(xp: Any, ctx: Any, g: Any) -> Any:
    return xp.flip(g, axis=ctx.params["axis"])


def _sample_permute_dims(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    def make(d: Any, s: tuple[int, ...]) -> Any:
        perm = tuple(d(st.permutations(range(len(s)))))
        return lambda t: _ag().permute_dims(t, perm)

    return _one(make, draw, dtype, device)


@rule("permute_dims", sample=_sample_permute_dims)
def _permute_dims(xp: Any, ctx: Any, g: Any) -> Any:
    axes = ctx.params["axes"]
    inverse = [0] * len(axes)
    for i, a in enumerate(axes):
        inverse[a] = i
    return xp.permute_dims(g, tuple(inverse))


def _sample_moveaxis(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    def make(d: Any, s: tuple[int, ...]) -> Any:
        src = _axes(d, len(s), min_size=1)
        dst = tuple(d(st.permutations(range(len(s)))))[: len(src)]
        if len(src) == 1 and d(st.booleans()):
            src, dst = src[0], dst[0]
        return lambda t: _ag().moveaxis(t, src, dst)

    return _one(make, draw, dtype, device, min_dims=1)


@rule("moveaxis", sample=_sample_moveaxis)
def _moveaxis(xp: Any, ctx: Any, g: Any) -> Any:
    p = ctx.params
    return xp.moveaxis(g, p["destination"], p["source"])


def _sample_roll(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    def make(d: Any, s: tuple[int, ...]) -> Any:
        if not s or d(st.booleans()):
            shift: Any = d(st.integers(-4, 4))
            axis: Any = None
        else:
            axis = _axes(d, len(s), min_size=1)
            shift = tuple(d(st.integers(-4, 4)) for _ in axis)
            if len(axis) == 1 and d(st.booleans()):
                axis, shift = axis[0], shift[0]
        return lambda t: _ag().roll(t, shift, axis=axis)

    return _one(make, draw, dtype, device)


@rule("roll", sample=_sample_roll)
def _roll(xp: Any, ctx: Any, g: Any) -> Any:
    p = ctx.params
    shift = p["shift"]
    back = -shift if isinstance(shift, int) else tuple(-s for s in shift)
    return xp.roll(g, shift=back, axis=p["axis"])


# -- copies -------------------------------------------------------------------------------------
def _sample_repeat(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    ag = _ag()
    shape = _shape(draw, max_dims=2)
    axis = None if not shape or draw(st.booleans()) else _axis(draw, len(shape))
    n = math.prod(shape) if axis is None else shape[axis]
    form = draw(st.sampled_from(["int", "array", "one"]))
    if form == "int":
        repeats: Any = draw(st.integers(0, 3))
    elif form == "one":
        repeats = ag.asarray([draw(st.integers(0, 3))], dtype=ag.int64, device=device)
    else:
        counts = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
        int_dtype = draw(st.sampled_from([ag.int64, ag.int32, ag.uint8]))
        repeats = ag.asarray(counts, dtype=int_dtype, device=device)
    return (lambda t: ag.repeat(t, repeats, axis=axis)), (_tensor(draw, shape, dtype, device),)


@rule(
    "repeat",
    saves=(1,),
    differentiable=(True, False),
    sample=_sample_repeat,
    notes="each element's gradient is the sum over its copies",
)
def _repeat(xp: Any, ctx: Any, g: Any) -> Any:
    shape = tuple(ctx.shapes[0])
    axis = ctx.params["axis"]
    repeats = ctx.inputs[1]
    if axis is None:
        n = math.prod(shape)
        along = (n,)
        axis = 0
    else:
        n = shape[axis]
        along = shape
    if isinstance(repeats, int):
        gs = tuple(g.shape)
        g = xp.reshape(g, (*gs[:axis], n, repeats, *gs[axis + 1 :]))
        return xp.reshape(xp.sum(g, axis=axis + 1), shape), None
    # Per-element counts: the source of each output position, then a scatter-add.
    index = xp.arange(n, dtype=xp.int64, device=device_of(g))
    index = xp.repeat(index, xp.astype(repeats, xp.int64), axis=0)
    grad = index_add(xp, along, (slice(None),) * axis + (index,), g)
    return xp.reshape(grad, shape), None


def _sample_tile(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    def make(d: Any, s: tuple[int, ...]) -> Any:
        reps = tuple(d(st.lists(st.integers(0, 2), max_size=3)))
        return lambda t: _ag().tile(t, reps)

    return _one(make, draw, dtype, device)


@rule("tile", sample=_sample_tile, notes="each element's gradient is the sum over its tiles")
def _tile(xp: Any, ctx: Any, g: Any) -> Any:
    shape = tuple(ctx.shapes[0])
    reps = tuple(ctx.params["repetitions"])
    d = max(len(shape), len(reps))
    s = (1,) * (d - len(shape)) + shape
    r = (1,) * (d - len(reps)) + reps
    split = tuple(v for pair in zip(r, s, strict=True) for v in pair)
    g = xp.reshape(g, split)
    if d:
        g = xp.sum(g, axis=tuple(range(0, 2 * d, 2)))
    return xp.reshape(g, shape)
