"""Rules of the searching functions: ``where``; the index-valued ones carry no gradient."""

from __future__ import annotations

from typing import Any

from .._registry import Domain, nondifferentiable, rule
from .statistical import draw_shape

nondifferentiable(
    ["argmax", "argmin", "nonzero", "searchsorted", "count_nonzero"],
    "integer results (indices, positions and counts)",
)


def _variant(draw: Any, shape: tuple[int, ...]) -> tuple[int, ...]:
    """Draw a shape that broadcasts to ``shape`` (fewer leading axes, sides set to 1)."""
    from hypothesis import strategies as st

    cut = draw(st.integers(0, len(shape)))
    return tuple(1 if draw(st.integers(0, 3)) == 0 else s for s in shape[cut:])


def _where_sample(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    import numpy as np
    from hypothesis import strategies as st

    import arraygrad as ag

    from .statistical import draw_values

    base = draw_shape(draw)
    cshape = _variant(draw, base) if draw(st.booleans()) else base
    n = int(np.prod(cshape))
    cond = ag.asarray(
        np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool).reshape(cshape),
        device=device,
    )
    is_complex = dtype in (ag.complex64, ag.complex128)
    kinds = draw(st.sampled_from([("t", "t"), ("t", "s"), ("s", "t")]))
    args: list[Any] = [cond]
    for k in kinds:
        if k == "s":
            args.append(draw(st.floats(-3.0, 3.0, allow_nan=False)))
        else:
            shape = _variant(draw, base) if draw(st.booleans()) else base
            args.append(
                ag.asarray(
                    draw_values(draw, shape, -3.0, 3.0, is_complex),
                    dtype=dtype,
                    device=device,
                    requires_grad=True,
                )
            )
    return ag.where, tuple(args)


@rule(
    "where",
    saves=(0,),
    domains=(Domain(kind="bool"), Domain(), Domain()),
    differentiable=(False, True, True),
    sample=_where_sample,
    notes="The gradient goes to x1 where the condition holds, to x2 elsewhere (0 for the other).",
)
def _where(xp: Any, ctx: Any, g: Any) -> Any:
    cond = ctx.inputs[0]
    _, n1, n2 = ctx.needs
    # A Python 0 rather than zeros_like(g): no gradient-sized temporary (memory, W4).
    return (
        None,
        xp.where(cond, g, 0) if n1 else None,
        xp.where(cond, 0, g) if n2 else None,
    )
