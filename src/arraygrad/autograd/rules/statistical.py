"""Rules of the statistical functions."""

from __future__ import annotations

import math
from typing import Any

from .._registry import Domain, rule


def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int):
        axis = (axis,)
    return tuple(a % ndim for a in axis) if ndim else ()


def expand_reduced(xp: Any, g: Any, shape: tuple[int, ...], axis: Any, keepdims: bool) -> Any:
    """Return ``g`` (a reduction's gradient) broadcast back to the input's ``shape``."""
    if not keepdims:
        for a in sorted(_axes(axis, len(shape))):
            g = xp.expand_dims(g, axis=a)
    return xp.broadcast_to(g, tuple(shape))


@rule("sum", domains=(Domain(),))
def _sum(xp: Any, ctx: Any, g: Any) -> Any:
    p = ctx.params
    return expand_reduced(xp, g, ctx.shapes[0], p.get("axis"), p.get("keepdims", False))


@rule("mean", domains=(Domain(),))
def _mean(xp: Any, ctx: Any, g: Any) -> Any:
    p = ctx.params
    shape = ctx.shapes[0]
    n = math.prod(shape[a] for a in _axes(p.get("axis"), len(shape)))
    return expand_reduced(xp, g / max(n, 1), shape, p.get("axis"), p.get("keepdims", False))
