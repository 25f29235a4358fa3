"""Rules of the sorting functions: the gradient of ``sort`` follows its permutation back."""

from __future__ import annotations

from typing import Any

from .._backend_ops import take_along_axis
from .._registry import nondifferentiable, rule
from .statistical import distinct_tensor, draw_shape

nondifferentiable(["argsort"], "integer results (indices)")


def _sort_sample(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    from hypothesis import strategies as st

    import arraygrad as ag

    shape = draw_shape(draw, min_dims=1)
    # Distinct values: sort is not differentiable where two values tie.
    x = distinct_tensor(draw, shape, dtype, device)
    kwargs = {
        "axis": draw(st.integers(-len(shape), len(shape) - 1)),
        "descending": draw(st.booleans()),
        "stable": draw(st.booleans()),
    }
    return (lambda x: ag.sort(x, **kwargs)), (x,)


@rule(
    "sort",
    saves=(0,),
    sample=_sort_sample,
    complex_inputs=False,
    notes=(
        "The gradient goes back through the permutation argsort(x) with the same axis, "
        "descending and stable arguments. Tied values each get the gradient of the position "
        "that permutation gives them (torch routes it through sort's own indices)."
    ),
)
def _sort(xp: Any, ctx: Any, g: Any) -> Any:
    (x,) = ctx.inputs
    p = ctx.params
    axis = p["axis"]
    order = xp.argsort(
        x, axis=axis, descending=p.get("descending", False), stable=p.get("stable", True)
    )
    # Element k of x landed at position inverse[k] of the output.
    inverse = xp.argsort(order, axis=axis)
    return take_along_axis(xp, g, inverse, axis=axis)
