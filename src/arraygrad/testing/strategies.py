"""Hypothesis strategies for tensors on any backend, and the samples of each rule's test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import strategies as st

__all__ = [
    "array_from_domain",
    "broadcastable_pair",
    "default_sample",
    "small_shapes",
]


def small_shapes(*, min_dims: int = 0, max_dims: int = 3, min_side: int = 1, max_side: int = 3) -> st.SearchStrategy:
    """Shapes small enough for full-Jacobian finite differences."""
    return st.lists(
        st.integers(min_side, max_side), min_size=min_dims, max_size=max_dims
    ).map(tuple)


@st.composite
def broadcastable_pair(draw: Any, max_dims: int = 3) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Draw two shapes that broadcast together (sides of 1 and missing leading axes)."""
    base = draw(small_shapes(max_dims=max_dims))
    def variant(shape: tuple[int, ...]) -> tuple[int, ...]:
        cut = draw(st.integers(0, len(shape)))
        out = tuple(1 if draw(st.booleans()) and draw(st.booleans()) else s for s in shape[cut:])
        return out
    return (base, variant(base)) if draw(st.booleans()) else (variant(base), base)


def _values(draw: Any, shape: tuple[int, ...], domain: Any, is_complex: bool) -> np.ndarray:
    n = int(np.prod(shape)) if shape else 1
    lo, hi = domain.low, domain.high
    elems = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
    if domain.avoid:
        elems = elems.filter(lambda v: all(abs(v - a) >= domain.gap for a in domain.avoid))
    re = np.array(draw(st.lists(elems, min_size=n, max_size=n)), dtype=np.float64)
    if not is_complex:
        return re.reshape(shape)
    im = np.array(
        draw(st.lists(st.floats(-1.0, 1.0, allow_nan=False), min_size=n, max_size=n)),
        dtype=np.float64,
    )
    return (re + 1j * im).reshape(shape)


def array_from_domain(
    draw: Any, shape: tuple[int, ...], domain: Any, dtype: Any, device: Any, *, requires_grad: bool = True
) -> Any:
    """Draw a tensor of ``shape`` whose values lie in ``domain`` (a ``Domain``)."""
    import arraygrad as ag

    kind = domain.kind
    is_complex = dtype in (ag.complex64, ag.complex128)
    if kind == "spd":
        n = shape[-1]
        a = _values(draw, (*shape[:-1], n), domain, is_complex)
        m = a @ np.conj(np.swapaxes(a, -1, -2)) + n * np.eye(n)
        values = m
    elif kind in ("square", "well-conditioned"):
        a = _values(draw, shape, domain, is_complex)
        values = a + (shape[-1] * 2.0) * np.eye(shape[-1]) if kind == "well-conditioned" else a
    elif kind == "distinct-eigenvalues":
        n = shape[-1]
        a = _values(draw, shape, domain, is_complex)
        q, _ = np.linalg.qr(a + n * np.eye(n))
        eig = np.arange(1, n + 1, dtype=np.float64) * 1.5
        values = q @ (eig[..., None] * np.conj(np.swapaxes(q, -1, -2)))
        if not is_complex:
            values = np.real(values)
    else:
        values = _values(draw, shape, domain, is_complex)
    return ag.asarray(values, dtype=dtype, device=device, requires_grad=requires_grad)


def default_sample(rule: Any) -> Callable[..., Any]:
    """Return the sampler of an elementwise rule: its function on broadcastable shapes."""
    import arraygrad as ag

    fn = getattr(ag, rule.name)
    n = max(len(rule.domains), 1)
    domains = rule.domains or (type_domain(),)

    def sample(draw: Any, dtype: Any, device: Any) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        if n == 1:
            shapes: tuple[tuple[int, ...], ...] = (draw(small_shapes()),)
        else:
            shapes = draw(broadcastable_pair())
        args = tuple(
            array_from_domain(draw, s, d, dtype, device) for s, d in zip(shapes, domains)
        )
        return fn, args

    return sample


def type_domain() -> Any:
    from ..autograd._registry import Domain

    return Domain()
