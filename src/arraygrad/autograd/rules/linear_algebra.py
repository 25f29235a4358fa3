"""Rules of the main namespace's linear algebra: matmul, tensordot, vecdot, matrix_transpose.

Complex inputs follow PyTorch: for the holomorphic products (matmul, tensordot) the
gradient multiplies by the conjugate of the other operand; vecdot conjugates its first
argument, so ``grad x1 = conj(g) * x2`` and ``grad x2 = g * x1``.
"""

from __future__ import annotations

from typing import Any

from ...testing._lazy import st
from .._registry import Domain, conj, rule

_D = Domain()


def _tensor(draw: Any, shape: tuple[int, ...], dtype: Any, device: Any) -> Any:
    from ...testing.strategies import array_from_domain

    return array_from_domain(draw, tuple(shape), _D, dtype, device)


def _batch_pair(draw: Any) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Two batch shapes that broadcast (at most 2 axes of at most 2)."""
    from ...testing.strategies import broadcastable_pair

    return draw(broadcastable_pair(max_dims=2).filter(lambda p: all(s <= 2 for s in p[0] + p[1])))


# -- matmul -------------------------------------------------------------------------------------
def _sample_matmul(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    import arraygrad as ag

    n, k, m = (draw(st.integers(1, 3)) for _ in range(3))
    v1, v2 = draw(st.booleans()), draw(st.booleans())
    b1, b2 = _batch_pair(draw) if draw(st.booleans()) else ((), ())
    s1 = (k,) if v1 else (*b1, n, k)
    s2 = (k,) if v2 else (*b2, k, m)
    return (lambda a, b: ag.matmul(a, b)), (_tensor(draw, s1, dtype, device), _tensor(draw, s2, dtype, device))


@rule(
    "matmul",
    saves=(0, 1),
    sample=_sample_matmul,
    notes="grad x1 = g @ conj(x2)^T, grad x2 = conj(x1)^T @ g (PyTorch); 1-D operands as rows/columns",
)
def _matmul(xp: Any, ctx: Any, g: Any) -> Any:
    x1, x2 = ctx.inputs
    n1, n2 = ctx.needs
    v1, v2 = len(ctx.shapes[0]) == 1, len(ctx.shapes[1]) == 1
    # 1-D operands as a row (x1) and a column (x2); the output's missing axes come back.
    if v1:
        x1 = xp.reshape(x1, (1, -1))
        g = xp.expand_dims(g, axis=-1 if v2 else -2)
    if v2:
        x2 = xp.reshape(x2, (-1, 1))
        g = xp.expand_dims(g, axis=-1)
    g1 = g2 = None
    if n1:
        g1 = xp.matmul(g, xp.matrix_transpose(conj(xp, x2)))
        if v1:
            g1 = g1[..., 0, :]
    if n2:
        g2 = xp.matmul(xp.matrix_transpose(conj(xp, x1)), g)
        if v2:
            g2 = g2[..., 0]
    return g1, g2


# -- matrix_transpose ---------------------------------------------------------------------------
def _sample_matrix_transpose(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    import arraygrad as ag

    from ...testing.strategies import small_shapes

    shape = draw(small_shapes(min_dims=2, max_dims=3))
    return (lambda t: ag.matrix_transpose(t)), (_tensor(draw, shape, dtype, device),)


@rule("matrix_transpose", sample=_sample_matrix_transpose)
def _matrix_transpose(xp: Any, ctx: Any, g: Any) -> Any:
    return xp.matrix_transpose(g)


# -- tensordot ----------------------------------------------------------------------------------
def _sample_tensordot(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    import arraygrad as ag

    nc = draw(st.integers(0, 2))
    contracted = [draw(st.integers(1, 3)) for _ in range(nc)]
    free1 = [draw(st.integers(1, 2)) for _ in range(draw(st.integers(0, 2)))]
    free2 = [draw(st.integers(1, 2)) for _ in range(draw(st.integers(0, 2)))]
    if draw(st.booleans()):
        axes: Any = nc
        s1, s2 = free1 + contracted, contracted + free2
    else:
        # Contracted axes anywhere, in any order, named with negative axes too.
        nd1, nd2 = len(free1) + nc, len(free2) + nc
        pos1 = draw(st.permutations(range(nd1)))[:nc]
        pos2 = draw(st.permutations(range(nd2)))[:nc]
        s1 = _place(free1, contracted, pos1)
        s2 = _place(free2, contracted, pos2)
        axes = (
            [p - nd1 if draw(st.booleans()) else p for p in pos1],
            [p - nd2 if draw(st.booleans()) else p for p in pos2],
        )
    return (lambda a, b: ag.tensordot(a, b, axes=axes)), (
        _tensor(draw, tuple(s1), dtype, device),
        _tensor(draw, tuple(s2), dtype, device),
    )


def _place(free: list[int], contracted: list[int], positions: list[int]) -> list[int]:
    shape = [0] * (len(free) + len(contracted))
    for p, size in zip(positions, contracted, strict=True):
        shape[p] = size
    rest = iter(free)
    return [next(rest) if p not in positions else s for p, s in enumerate(shape)]


def _order(labels: list[int]) -> tuple[int, ...]:
    """Return the permutation that sorts ``labels`` (the axes they name, in order)."""
    return tuple(sorted(range(len(labels)), key=labels.__getitem__))


@rule(
    "tensordot",
    saves=(0, 1),
    sample=_sample_tensordot,
    notes="each gradient is the contraction of g with the other operand, conjugated (PyTorch)",
)
def _tensordot(xp: Any, ctx: Any, g: Any) -> Any:
    x1, x2 = ctx.inputs
    nd1, nd2 = len(ctx.shapes[0]), len(ctx.shapes[1])
    axes = ctx.params["axes"]
    if isinstance(axes, int):
        a1, a2 = list(range(nd1 - axes, nd1)), list(range(axes))
    else:
        a1 = [a % nd1 for a in axes[0]]
        a2 = [a % nd2 for a in axes[1]]
    free1 = [i for i in range(nd1) if i not in a1]
    free2 = [i for i in range(nd2) if i not in a2]
    k1 = len(free1)
    g_free1 = list(range(k1))
    g_free2 = list(range(k1, k1 + len(free2)))
    g1 = g2 = None
    if ctx.needs[0]:
        # Axes: free1, then x2's contracted axes in x2's order (each paired with an x1 axis).
        # Note: axes are tuples; CuPy takes ([], []) for axes named on a 0-d operand.
        g1 = xp.tensordot(g, conj(xp, x2), axes=(tuple(g_free2), tuple(free2)))
        labels = free1 + [a1[a2.index(j)] for j in sorted(a2)]
        perm = _order(labels)
        if perm != tuple(range(nd1)):
            g1 = xp.permute_dims(g1, perm)
    if ctx.needs[1]:
        # Axes: x1's contracted axes in x1's order (paired with x2 axes), then free2.
        g2 = xp.tensordot(conj(xp, x1), g, axes=(tuple(free1), tuple(g_free1)))
        labels = [a2[a1.index(i)] for i in sorted(a1)] + free2
        perm = _order(labels)
        if perm != tuple(range(nd2)):
            g2 = xp.permute_dims(g2, perm)
    return g1, g2


# -- vecdot -------------------------------------------------------------------------------------
def _sample_vecdot(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    import arraygrad as ag

    b1, b2 = _batch_pair(draw) if draw(st.booleans()) else ((), ())
    k = draw(st.integers(1, 3))
    s1, s2 = (*b1, k), (*b2, k)
    nd = min(len(s1), len(s2))
    axis = -1
    if nd > 1 and draw(st.booleans()):
        # Move the vectors' axis elsewhere (same place from the end in both operands).
        axis = draw(st.integers(-nd, -1))
        s1 = _move_last(s1, axis)
        s2 = _move_last(s2, axis)
    return (lambda a, b: ag.vecdot(a, b, axis=axis)), (
        _tensor(draw, s1, dtype, device),
        _tensor(draw, s2, dtype, device),
    )


def _move_last(shape: tuple[int, ...], axis: int) -> tuple[int, ...]:
    s = list(shape)
    k = s.pop()
    s.insert(len(s) + 1 + axis if axis != -1 else len(s), k)
    return tuple(s)


@rule(
    "vecdot",
    saves=(0, 1),
    sample=_sample_vecdot,
    notes="vecdot(x1, x2) = sum(conj(x1) * x2): grad x1 = conj(g) * x2, grad x2 = g * x1 (PyTorch)",
)
def _vecdot(xp: Any, ctx: Any, g: Any) -> Any:
    x1, x2 = ctx.inputs
    axis = ctx.params["axis"]
    if axis >= 0:
        # Note: a non-negative axis counts in each operand (equal ranks, by the checks).
        axis -= len(ctx.shapes[0])
    g = xp.expand_dims(g, axis=axis)
    g1 = conj(xp, g) * x2 if ctx.needs[0] else None
    g2 = g * x1 if ctx.needs[1] else None
    return g1, g2
