"""Rules of the statistical functions: reductions, moments, extrema, cumulative sums and products.

The namespace normalises ``axis`` before the call: the reductions get a sorted tuple of
non-negative axes (or None), the cumulative functions a non-negative int. A ``dtype``
parameter (sum, prod, cumulative_*) needs nothing here: the engine casts each gradient back
to its input's dtype (the real part for a real input summed in a complex dtype).

The samplers below (and the helpers ``draw_axis``, ``draw_shape``, ``distinct_tensor`` used
by the other rule modules) import Hypothesis only when a property test calls them.
"""

from __future__ import annotations

import math
from typing import Any

from .._registry import Domain, broadcast_gradient, conj, device_of, rule

__all__ = ["distinct_tensor", "draw_axis", "draw_shape", "expand_reduced", "keep_reduced"]


# -- helpers --------------------------------------------------------------------------------
def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int):
        axis = (axis,)
    return tuple(sorted(a % ndim for a in axis)) if ndim else ()


def keep_reduced(xp: Any, g: Any, shape: tuple[int, ...], axis: Any, keepdims: bool) -> Any:
    """Return ``g`` (a reduction's result or gradient) with the reduced axes kept as size 1."""
    if keepdims:
        return g
    axes = _axes(axis, len(shape))
    if not axes:
        return g
    return xp.reshape(g, tuple(1 if i in axes else s for i, s in enumerate(shape)))


def expand_reduced(xp: Any, g: Any, shape: tuple[int, ...], axis: Any, keepdims: bool) -> Any:
    """Return ``g`` (a reduction's gradient) broadcast back to the input's ``shape``."""
    return broadcast_gradient(xp, keep_reduced(xp, g, shape, axis, keepdims), shape)


def _at(axis: int, index: Any) -> tuple[Any, ...]:
    """Return the key selecting ``index`` (a slice) along ``axis`` and everything elsewhere."""
    return (slice(None),) * axis + (index, ...)


def _reverse_cumsum(xp: Any, a: Any, axis: int) -> Any:
    """Return the sums from each position to the end along ``axis``."""
    return xp.flip(xp.cumulative_sum(xp.flip(a, axis=axis), axis=axis), axis=axis)


def _slab(xp: Any, like: Any, axis: int, value: float) -> Any:
    """Return a tensor of ``value`` shaped like ``like`` but of size 1 along ``axis``."""
    shape = list(like.shape)
    shape[axis] = 1
    return xp.full(tuple(shape), value, dtype=like.dtype, device=device_of(like))


def _others_product(xp: Any, x: Any, axis: int) -> Any:
    """Return, at each position, the product of the other elements along ``axis``.

    The product of the elements before times the product of the elements after (exclusive
    cumulative products from both sides, as torch's prod_safe_zeros_backward): exact with
    zeros in ``x``, no division, and differentiable again through cumulative_prod.
    """
    if x.shape[axis] == 1:
        return xp.ones_like(x)
    one = _slab(xp, x, axis, 1)
    head = x[_at(axis, slice(None, -1))]
    tail = xp.flip(x[_at(axis, slice(1, None))], axis=axis)
    before = xp.cumulative_prod(xp.concat([one, head], axis=axis), axis=axis)
    after = xp.cumulative_prod(xp.concat([one, tail], axis=axis), axis=axis)
    return before * xp.flip(after, axis=axis)


def _without_initial(xp: Any, a: Any, axis: int, include_initial: bool) -> Any:
    return a[_at(axis, slice(1, None))] if include_initial else a


# -- samplers (property tests only) ---------------------------------------------------------
def draw_shape(
    draw: Any, *, min_dims: int = 0, max_dims: int = 3, max_size: int = 12
) -> tuple[int, ...]:
    """Draw a shape: ``min_dims`` to ``max_dims`` sides of 1 to 3, ``max_size`` elements at most."""
    from hypothesis import strategies as st

    ndim = draw(st.integers(min_dims, max_dims))
    shape: list[int] = []
    for _ in range(ndim):
        room = max_size // math.prod(shape)
        shape.append(draw(st.integers(1, max(1, min(3, room)))))
    return tuple(shape)


def draw_axis(draw: Any, ndim: int, *, allow_tuple: bool = True, allow_none: bool = True) -> Any:
    """Draw an ``axis`` argument: None, an int (negative too) or a tuple of distinct axes."""
    from hypothesis import strategies as st

    kinds = (
        (["none"] if allow_none else [])
        + (["int"] if ndim else [])
        + (["tuple"] if allow_tuple else [])
    )
    kind = draw(st.sampled_from(kinds))
    if kind == "none":
        return None
    if kind == "int":
        return draw(st.integers(-ndim, ndim - 1))
    axes = (
        draw(st.lists(st.integers(0, max(ndim - 1, 0)), unique=True, max_size=ndim)) if ndim else []
    )
    return tuple(a - ndim if draw(st.booleans()) else a for a in axes)


def draw_values(
    draw: Any, shape: tuple[int, ...], low: float, high: float, is_complex: bool, snap: float = 0.0
) -> Any:
    """Draw a NumPy array of ``shape`` in [low, high]; |values| under ``snap`` become zeros."""
    import numpy as np
    from hypothesis import strategies as st

    n = math.prod(shape)
    floats = st.floats(low, high, allow_nan=False, allow_infinity=False)
    re = np.array(draw(st.lists(floats, min_size=n, max_size=n)), dtype=np.float64)
    re[np.abs(re) < snap] = 0.0
    if not is_complex:
        return re.reshape(shape)
    im = np.array(draw(st.lists(st.floats(-1.0, 1.0), min_size=n, max_size=n)), dtype=np.float64)
    im[np.abs(im) < snap] = 0.0
    return (re + 1j * im).reshape(shape)


def distinct_tensor(
    draw: Any, shape: tuple[int, ...], dtype: Any, device: Any, *, requires_grad: bool = True
) -> Any:
    """Draw a real tensor whose values are pairwise at least 0.2 apart (no ties), in [-3, 3]."""
    import numpy as np
    from hypothesis import strategies as st

    import arraygrad as ag

    n = math.prod(shape)
    ranks = draw(st.permutations(range(n)))
    jitter = draw(st.lists(st.floats(0.0, 0.3), min_size=n, max_size=n))
    values = np.array(
        [(r - n / 2) * 0.5 + j for r, j in zip(ranks, jitter, strict=True)], dtype=np.float64
    )
    return ag.asarray(
        values.reshape(shape), dtype=dtype, device=device, requires_grad=requires_grad
    )


def _tensor(
    draw: Any,
    shape: tuple[int, ...],
    dtype: Any,
    device: Any,
    low: float = -3.0,
    high: float = 3.0,
    snap: float = 0.0,
) -> Any:
    import arraygrad as ag

    is_complex = dtype in (ag.complex64, ag.complex128)
    values = draw_values(draw, shape, low, high, is_complex, snap)
    return ag.asarray(values, dtype=dtype, device=device, requires_grad=True)


def _accumulation_dtype(draw: Any, dtype: Any) -> Any:
    """Draw the ``dtype`` argument of sum, prod and cumulative_*: None, the same, or complex."""
    from hypothesis import strategies as st

    import arraygrad as ag

    return draw(st.sampled_from([None, dtype, ag.complex128]))


def _reduction_sample(
    name: str,
    *,
    with_dtype: bool = False,
    low: float = -3.0,
    high: float = 3.0,
    snap: float = 0.0,
    distinct: bool = False,
) -> Any:
    def sample(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
        from hypothesis import strategies as st

        import arraygrad as ag

        fn = getattr(ag, name)
        shape = draw_shape(draw)
        x = (
            distinct_tensor(draw, shape, dtype, device)
            if distinct
            else _tensor(draw, shape, dtype, device, low, high, snap)
        )
        kwargs: dict[str, Any] = {
            "axis": draw_axis(draw, len(shape)),
            "keepdims": draw(st.booleans()),
        }
        if with_dtype:
            kwargs["dtype"] = _accumulation_dtype(draw, dtype)
        return (lambda x: fn(x, **kwargs)), (x,)

    return sample


def _moment_sample(name: str) -> Any:
    def sample(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
        from hypothesis import strategies as st

        import arraygrad as ag

        fn = getattr(ag, name)
        shape = draw_shape(draw)
        # Distinct values: std is not differentiable where a slice is constant, and its
        # second derivative grows like 1/std near there.
        x = distinct_tensor(draw, shape, dtype, device)
        axis = draw_axis(draw, len(shape))
        keepdims = draw(st.booleans())
        m = math.prod(shape[a] for a in _axes(axis, len(shape)))
        correction = draw(st.sampled_from([c for c in (0, 1, 0.5, 1.5) if c < m]))
        return (lambda x: fn(x, axis=axis, correction=correction, keepdims=keepdims)), (x,)

    return sample


def _cumulative_sample(
    name: str, *, low: float = -3.0, high: float = 3.0, snap: float = 0.0
) -> Any:
    def sample(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
        from hypothesis import strategies as st

        import arraygrad as ag

        fn = getattr(ag, name)
        shape = draw_shape(draw, min_dims=1)
        x = _tensor(draw, shape, dtype, device, low, high, snap)
        axis = draw_axis(draw, len(shape), allow_tuple=False, allow_none=len(shape) == 1)
        kwargs = {
            "axis": axis,
            "include_initial": draw(st.booleans()),
            "dtype": _accumulation_dtype(draw, dtype),
        }
        return (lambda x: fn(x, **kwargs)), (x,)

    return sample


# -- sums and products ----------------------------------------------------------------------
@rule("sum", domains=(Domain(),), sample=_reduction_sample("sum", with_dtype=True))
def _sum(xp: Any, ctx: Any, g: Any) -> Any:
    p = ctx.params
    return expand_reduced(xp, g, ctx.shapes[0], p.get("axis"), p.get("keepdims", False))


@rule(
    "prod",
    saves=(0,),
    domains=(Domain(-2.0, 2.0),),
    sample=_reduction_sample("prod", with_dtype=True, low=-2.0, high=2.0, snap=1e-2),
    notes=(
        "Exact with zeros, as torch: where one element of a slice is zero, its gradient is "
        "the product of the others and the others get zero; two or more zeros give zero. "
        "Computed without division (exclusive cumulative products from both sides, as "
        "torch's prod_safe_zeros_backward), so second and third derivatives are exact at "
        "zeros too; higher ones follow cumulative_prod's rule."
    ),
)
def _prod(xp: Any, ctx: Any, g: Any) -> Any:
    (x,) = ctx.inputs
    p = ctx.params
    shape = tuple(ctx.shapes[0])
    axis, keepdims = p.get("axis"), p.get("keepdims", False)
    axes = _axes(axis, len(shape))
    if not axes:
        return g
    if 0 in shape:
        return xp.zeros(shape, dtype=g.dtype, device=device_of(g))
    if len(axes) == 1:
        others = _others_product(xp, x, axes[0])
    else:
        # Several axes: move them to the end, flatten them into one, and back.
        kept = [i for i in range(len(shape)) if i not in axes]
        perm = (*kept, *axes)
        flat = xp.reshape(
            xp.permute_dims(x, perm), (*(shape[i] for i in kept), math.prod(shape[a] for a in axes))
        )
        others = xp.reshape(_others_product(xp, flat, len(kept)), tuple(shape[i] for i in perm))
        others = xp.permute_dims(others, tuple(sorted(range(len(perm)), key=perm.__getitem__)))
    return expand_reduced(xp, g, shape, axis, keepdims) * conj(xp, others)


@rule(
    "cumulative_sum",
    domains=(Domain(),),
    sample=_cumulative_sample("cumulative_sum"),
    notes="The gradient is the reversed cumulative sum of the output gradient.",
)
def _cumulative_sum(xp: Any, ctx: Any, g: Any) -> Any:
    p = ctx.params
    axis = p["axis"]
    return _reverse_cumsum(xp, _without_initial(xp, g, axis, p.get("include_initial", False)), axis)


def _cumprod_grad(xp: Any, x: Any, y: Any, g: Any, axis: int) -> Any:
    """Return the gradient of ``y = cumulative_prod(x)`` along ``axis``, exact with zeros.

    With z1, z2 the first two zeros of a slice (torch's O(n) case analysis, extended by one
    case): before z1 the gradient is ``rcumsum(g * y) / x``; at z1 it is ``rcumsum(g * C1)``
    with C1 the cumulative product of x with z1 set to 1; between z1 and z2 it is
    ``x[z1] * rcumsum(g * C1) / x``, at z2 ``x[z1] * rcumsum(g * C2)`` (C2: both zeros set
    to 1), and zero after z2. The factor ``x[z1]`` is zero but keeps its derivative, so the
    expression is exact to first order around x and second derivatives are exact too.
    """
    zero = x == 0
    count = xp.cumulative_sum(xp.astype(zero, xp.int64), axis=axis)
    before = count == 0
    at_one = count == 1
    first = xp.logical_and(zero, at_one)
    between = xp.logical_and(at_one, xp.logical_not(zero))
    second = xp.logical_and(zero, count == 2)
    cx = conj(xp, x)
    g_before = _reverse_cumsum(xp, g * conj(xp, y), axis) / xp.where(before, cx, xp.ones_like(cx))
    c1 = xp.cumulative_prod(xp.where(first, xp.ones_like(x), x), axis=axis)
    r1 = _reverse_cumsum(xp, g * conj(xp, c1), axis)
    # The value of the first zero of each slice: 0, but differentiable (d/dx[z1]).
    x_z1 = conj(xp, xp.sum(xp.where(first, x, xp.zeros_like(x)), axis=axis, keepdims=True))
    g_between = x_z1 * r1 / xp.where(between, cx, xp.ones_like(cx))
    c2 = xp.cumulative_prod(xp.where(xp.logical_or(first, second), xp.ones_like(x), x), axis=axis)
    g_second = x_z1 * _reverse_cumsum(xp, g * conj(xp, c2), axis)
    out = xp.where(second, g_second, xp.zeros_like(g_second))
    out = xp.where(between, g_between, out)
    out = xp.where(first, r1, out)
    return xp.where(before, g_before, out)


@rule(
    "cumulative_prod",
    saves=(0,),
    saves_output=True,
    domains=(Domain(-2.0, 2.0),),
    sample=_cumulative_sample("cumulative_prod", low=-2.0, high=2.0, snap=1e-2),
    notes=(
        "Exact with zeros (torch's cumprod_backward case analysis: before, at and after the "
        "first zero of each slice, in O(n)), and second derivatives are exact with zeros "
        "too; third and higher derivatives are exact where a slice has at most one zero "
        "(torch's O(n^2) double-backward path is exact at every order)."
    ),
)
def _cumulative_prod(xp: Any, ctx: Any, g: Any) -> Any:
    (x,) = ctx.inputs
    p = ctx.params
    axis = p["axis"]
    if x.shape[axis] == 0:
        return xp.zeros_like(x)
    initial = p.get("include_initial", False)
    y = _without_initial(xp, ctx.output, axis, initial)
    g = _without_initial(xp, g, axis, initial)
    return _cumprod_grad(xp, x, y, g, axis)


# -- moments --------------------------------------------------------------------------------
@rule("mean", domains=(Domain(),), sample=_reduction_sample("mean"))
def _mean(xp: Any, ctx: Any, g: Any) -> Any:
    p = ctx.params
    shape = ctx.shapes[0]
    n = math.prod(shape[a] for a in _axes(p.get("axis"), len(shape)))
    return expand_reduced(xp, g / max(n, 1), shape, p.get("axis"), p.get("keepdims", False))


def _centered(xp: Any, x: Any, axis: Any) -> Any:
    return x - xp.mean(x, axis=axis, keepdims=True)


def _dof(ctx: Any) -> tuple[Any, float]:
    """Return (axis, M - correction): the divisor of the moment."""
    p = ctx.params
    shape = ctx.shapes[0]
    axis = p.get("axis")
    m = math.prod(shape[a] for a in _axes(axis, len(shape)))
    return axis, m - p.get("correction", 0.0)


@rule(
    "var",
    saves=(0,),
    domains=(Domain(),),
    sample=_moment_sample("var"),
    complex_inputs=False,
    notes=(
        "2 (x - mean) / (M - correction), as torch. Where M - correction <= 0 the output "
        "is NaN (the standard's choice) and so is the gradient (torch: inf)."
    ),
)
def _var(xp: Any, ctx: Any, g: Any) -> Any:
    (x,) = ctx.inputs
    shape = tuple(ctx.shapes[0])
    if 0 in shape:
        return xp.zeros(shape, dtype=g.dtype, device=device_of(g))
    axis, dof = _dof(ctx)
    scale = 2.0 / dof if dof > 0 else math.nan
    ge = keep_reduced(xp, g, shape, axis, ctx.params.get("keepdims", False))
    return (scale * ge) * _centered(xp, x, axis)


@rule(
    "std",
    saves=(0,),
    saves_output=True,
    domains=(Domain(),),
    sample=_moment_sample("std"),
    complex_inputs=False,
    notes=(
        "(x - mean) / ((M - correction) std), as torch; where the std is zero (a constant "
        "slice) the gradient is 0, as torch's masked std_backward (the one-sided "
        "derivatives are not defined there). Where M - correction <= 0 the output and the "
        "gradient are NaN."
    ),
)
def _std(xp: Any, ctx: Any, g: Any) -> Any:
    (x,) = ctx.inputs
    shape = tuple(ctx.shapes[0])
    if 0 in shape:
        return xp.zeros(shape, dtype=g.dtype, device=device_of(g))
    axis, dof = _dof(ctx)
    keepdims = ctx.params.get("keepdims", False)
    out = keep_reduced(xp, ctx.output, shape, axis, keepdims)
    ge = keep_reduced(xp, g, shape, axis, keepdims)
    flat = out == 0
    gv = xp.where(flat, xp.zeros_like(ge), ge / xp.where(flat, xp.ones_like(out), out))
    scale = 1.0 / dof if dof > 0 else math.nan
    return (scale * gv) * _centered(xp, x, axis)


# -- extrema --------------------------------------------------------------------------------
def _extremum(xp: Any, ctx: Any, g: Any) -> Any:
    (x,) = ctx.inputs
    p = ctx.params
    shape = tuple(ctx.shapes[0])
    axis, keepdims = p.get("axis"), p.get("keepdims", False)
    out = keep_reduced(xp, ctx.output, shape, axis, keepdims)
    hit = xp.logical_or(x == out, xp.logical_and(xp.isnan(x), xp.isnan(out)))
    mask = xp.astype(hit, g.dtype)
    count = xp.sum(mask, axis=axis, keepdims=True)
    return mask * (keep_reduced(xp, g, shape, axis, keepdims) / count)


_EXTREMUM_NOTES = (
    "Ties share the gradient evenly (torch's amax/amin and max()/min() without dim): "
    "each element equal to the result gets g / count. Where the result is NaN, the NaN "
    "elements share it (torch's evenly_distribute_backward; torch's amax gives NaN "
    "everywhere in that slice)."
)

rule(
    "max",
    saves=(0,),
    saves_output=True,
    sample=_reduction_sample("max", distinct=True),
    complex_inputs=False,
    notes=_EXTREMUM_NOTES,
)(_extremum)
rule(
    "min",
    saves=(0,),
    saves_output=True,
    sample=_reduction_sample("min", distinct=True),
    complex_inputs=False,
    notes=_EXTREMUM_NOTES,
)(_extremum)
