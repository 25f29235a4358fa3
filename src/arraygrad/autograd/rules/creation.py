"""Rules of the creation functions that take arrays: meshgrid, tril, triu.

The others (arange, linspace, zeros, eye, ...) make arrays from Python values: nothing to
differentiate.
"""

from __future__ import annotations

from typing import Any

from ...testing._lazy import st
from .._registry import Domain, nondifferentiable, rule

_D = Domain()


def _sample_meshgrid(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    import arraygrad as ag

    from ...testing.strategies import array_from_domain

    n = draw(st.integers(1, 3))
    sizes = [draw(st.integers(1, 3)) for _ in range(n)]
    indexing = draw(st.sampled_from(["xy", "ij"]))
    args = tuple(array_from_domain(draw, (s,), _D, dtype, device) for s in sizes)
    return (lambda *a: tuple(ag.meshgrid(*a, indexing=indexing))), args


@rule("meshgrid", multi_output=True, sample=_sample_meshgrid)
def _meshgrid(xp: Any, ctx: Any, grads: Any) -> Any:
    n = len(grads)
    swap = ctx.params.get("indexing", "xy") == "xy" and n >= 2
    out = []
    for i, (g, need) in enumerate(zip(grads, ctx.needs, strict=True)):
        if g is None or not need:
            out.append(None)
            continue
        # Output i varies along axis i only ("xy" swaps the first two axes).
        keep = {0: 1, 1: 0}.get(i, i) if swap else i
        others = tuple(a for a in range(g.ndim) if a != keep)
        out.append(xp.sum(g, axis=others) if others else g)
    return tuple(out)


def _sample_tri(name: str) -> Any:
    def sample(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
        import arraygrad as ag

        from ...testing.strategies import array_from_domain, small_shapes

        shape = draw(small_shapes(min_dims=2, max_dims=3))
        k = draw(st.integers(-3, 3))
        fn = getattr(ag, name)
        x = array_from_domain(draw, shape, _D, dtype, device)
        return (lambda t: fn(t, k=k)), (x,)

    return sample


@rule("tril", sample=_sample_tri("tril"))
def _tril(xp: Any, ctx: Any, g: Any) -> Any:
    return xp.tril(g, k=ctx.params["k"])


@rule("triu", sample=_sample_tri("triu"))
def _triu(xp: Any, ctx: Any, g: Any) -> Any:
    return xp.triu(g, k=ctx.params["k"])


nondifferentiable(
    ["zeros_like", "ones_like", "empty_like", "full_like"],
    "the values do not depend on the input's values (only its shape, dtype and device), as "
    "in PyTorch",
)
nondifferentiable(
    ["from_dlpack"],
    "a new tensor over the producer's memory: like torch.from_dlpack, it starts no graph "
    "(use asarray to keep one)",
)
