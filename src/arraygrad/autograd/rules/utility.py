"""Rules of the utility functions: ``diff``; ``all`` and ``any`` carry no gradient."""

from __future__ import annotations

from typing import Any

from .._registry import device_of, nondifferentiable, rule
from .statistical import draw_shape

nondifferentiable(["all", "any"], "boolean results")


def _diff_sample(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    from hypothesis import strategies as st

    import arraygrad as ag

    from .statistical import draw_values

    shape = draw_shape(draw, min_dims=1, max_size=8)
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    n = draw(st.integers(0, 3))
    is_complex = dtype in (ag.complex64, ag.complex128)

    def tensor(s: tuple[int, ...], requires_grad: bool) -> Any:
        values = draw_values(draw, s, -3.0, 3.0, is_complex)
        return ag.asarray(values, dtype=dtype, device=device, requires_grad=requires_grad)

    x = tensor(shape, True)
    extras = []
    for _ in range(2):
        if draw(st.booleans()):
            s = list(shape)
            s[axis] = draw(st.integers(1, 2))
            extras.append(tensor(tuple(s), draw(st.booleans())))
        else:
            extras.append(None)
    prepend, append = extras
    return (
        lambda x, prepend, append: ag.diff(x, axis=axis, n=n, prepend=prepend, append=append)
    ), (
        x,
        prepend,
        append,
    )


def _diff_adjoint(xp: Any, g: Any, axis: int, n: int) -> Any:
    """Return the adjoint of ``n`` forward differences along ``axis`` applied to ``g``.

    One difference y[i] = z[i + 1] - z[i] has the adjoint dz[j] = g[j - 1] - g[j] (zero
    outside), one longer than g along ``axis``.
    """
    for _ in range(n):
        shape = list(g.shape)
        shape[axis] = 1
        pad = xp.zeros(tuple(shape), dtype=g.dtype, device=device_of(g))
        g = xp.concat([pad, g], axis=axis) - xp.concat([g, pad], axis=axis)
    return g


@rule(
    "diff",
    differentiable=(True, True, True),
    sample=_diff_sample,
    notes=(
        "The adjoint of the n-th forward difference of concat([prepend, x, append]), split "
        "back between x, prepend and append (each may require grad)."
    ),
)
def _diff(xp: Any, ctx: Any, g: Any) -> Any:
    p = ctx.params
    axis, n = p["axis"], p["n"]
    shapes = ctx.shapes
    sizes = [shapes[i][axis] if ctx.dtypes[i] is not None else 0 for i in range(3)]
    total = sum(sizes)
    if g.shape[axis] == 0:
        # n >= the joined length: the output is empty and no input element reaches it.
        joined = list(g.shape)
        joined[axis] = total
        full = xp.zeros(tuple(joined), dtype=g.dtype, device=device_of(g))
    else:
        full = _diff_adjoint(xp, g, axis, n)
    # The inputs come as (x, prepend, append); the joined tensor is prepend, x, append.
    starts = (sizes[1], 0, sizes[1] + sizes[0])
    out = []
    for i, size in enumerate(sizes):
        if ctx.dtypes[i] is None or not ctx.needs[i]:
            out.append(None)
        elif size == total:
            out.append(full)
        else:
            out.append(full[(slice(None),) * axis + (slice(starts[i], starts[i] + size), ...)])
    return tuple(out)
