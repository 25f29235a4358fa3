"""Functional autodiff: ``grad``, ``value_and_grad``, ``vjp``, ``jvp``, ``jacobian``, ``hessian``.

``grad(f)`` and ``value_and_grad(f)`` transform a function (as in JAX); ``vjp``, ``jvp``,
``jacobian`` and ``hessian`` evaluate at given inputs (as ``torch.autograd.functional``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .._tensor import Tensor
from ._api import grad as _grad
from ._grad_mode import enable_grad

__all__ = ["grad", "hessian", "jacobian", "jvp", "value_and_grad", "vjp"]


def _tuple(x: Any) -> tuple[Any, ...]:
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _prepare(inputs: Any, create_graph: bool) -> tuple[Tensor, ...]:
    """Return inputs that require grad: detached copies of the given tensors' values."""
    import arraygrad as ag

    out = []
    for i, x in enumerate(_tuple(inputs)):
        if not isinstance(x, Tensor):
            x = ag.asarray(x)
        if x.dtype not in (ag.float32, ag.float64, ag.complex64, ag.complex128):
            raise TypeError(f"functional: input {i} is {x.dtype.name}; only floating tensors")
        if create_graph and x.requires_grad:
            # Keep the connection to the caller's graph (higher order through functional).
            out.append(x)
        else:
            out.append(x.detach().requires_grad_())
    return tuple(out)


def value_and_grad(
    f: Callable[..., Any], argnums: int | Sequence[int] = 0, *, has_aux: bool = False
) -> Callable[..., Any]:
    """Return a function giving ``(f(*args), gradient of f with respect to args[argnums])``.

    ``f`` must return a one-element tensor (or ``(value, aux)`` with ``has_aux``).
    """
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        args = list(args)
        for n in nums:
            (args[n],) = _prepare(args[n], create_graph=False)
        with enable_grad():
            res = f(*args, **kwargs)
        value, aux = res if has_aux else (res, None)
        if not isinstance(value, Tensor) or value.size != 1:
            raise ValueError("grad: f must return a tensor with one element")
        grads = _grad(value, [args[n] for n in nums], allow_unused=True)
        grads = tuple(_zeros_if_none(g, args[n]) for g, n in zip(grads, nums, strict=False))
        g_out = grads[0] if isinstance(argnums, int) else grads
        value = value.detach()
        return ((value, aux), g_out) if has_aux else (value, g_out)

    return wrapped


def grad(
    f: Callable[..., Any], argnums: int | Sequence[int] = 0, *, has_aux: bool = False
) -> Callable[..., Any]:
    """Return a function giving the gradient of the scalar function ``f`` (JAX's ``grad``)."""
    vg = value_and_grad(f, argnums, has_aux=has_aux)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        (value_aux, g) = vg(*args, **kwargs)
        if has_aux:
            return g, value_aux[1]
        return g

    return wrapped


def _zeros_if_none(g: Tensor | None, like: Tensor) -> Tensor:
    import arraygrad as ag

    return ag.zeros_like(like) if g is None else g


def vjp(
    func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False
) -> tuple[Any, Any]:
    """Return ``(func(inputs), vᵀ J)``: the vector-Jacobian product at ``inputs``."""
    ins = _prepare(inputs, create_graph)
    with enable_grad():
        out = func(*ins)
    outs = _tuple(out)
    vs = [None] * len(outs) if v is None else list(_tuple(v))
    grads = _grad(list(outs), list(ins), vs, create_graph=create_graph, allow_unused=True)
    grads = tuple(_zeros_if_none(g, x) for g, x in zip(grads, ins, strict=False))
    res = grads if isinstance(inputs, (tuple, list)) else grads[0]
    if not create_graph:
        out = tuple(o.detach() for o in outs) if isinstance(out, tuple) else out.detach()
    return out, res


def jvp(
    func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False
) -> tuple[Any, Any]:
    """Return ``(func(inputs), J v)``: the Jacobian-vector product at ``inputs``.

    Computed as the vjp of a vjp (the "double backward" trick), so every rule on the path
    must support second order.
    """
    import arraygrad as ag

    ins = _prepare(inputs, True)
    with enable_grad():
        out = func(*ins)
        outs = _tuple(out)
        us = [ag.zeros_like(o).requires_grad_() for o in outs]
        gs = _grad(list(outs), list(ins), us, create_graph=True, allow_unused=True)
        vs = [ag.ones_like(x) for x in ins] if v is None else list(_tuple(v))
        pairs = [(g, vv) for g, vv in zip(gs, vs, strict=False) if g is not None]
        if not pairs:
            res = tuple(ag.zeros_like(o) for o in outs)
        else:
            res = _grad(
                [g for g, _ in pairs], us, [vv for _, vv in pairs],
                create_graph=create_graph, allow_unused=True,
            )
            res = tuple(_zeros_if_none(r, o) for r, o in zip(res, outs, strict=False))
    result = res if isinstance(out, tuple) else res[0]
    if not create_graph:
        out = tuple(o.detach() for o in outs) if isinstance(out, tuple) else out.detach()
    return out, result


def jacobian(func: Callable[..., Any], inputs: Any, create_graph: bool = False) -> Any:
    """Return the Jacobian of ``func`` at ``inputs``: shape ``out.shape + in.shape``.

    For several inputs or outputs, tuples (of tuples) as in ``torch.autograd.functional``.
    """
    import arraygrad as ag

    ins = _prepare(inputs, create_graph)
    with enable_grad():
        out = func(*ins)
    outs = _tuple(out)
    table = []
    for o in outs:
        rows: list[list[Tensor]] = [[] for _ in ins]
        flat_n = 1
        for s in o.shape:
            flat_n *= s
        for k in range(flat_n):
            seed = ag.reshape(
                ag.astype(ag.arange(flat_n, device=o.device) == k, o.dtype), o.shape
            )
            gs = _grad(o, list(ins), seed, retain_graph=True, create_graph=create_graph, allow_unused=True)
            for j, (g, x) in enumerate(zip(gs, ins, strict=False)):
                rows[j].append(_zeros_if_none(g, x))
        per_input = []
        for j, x in enumerate(ins):
            if rows[j]:
                stacked = ag.stack(rows[j])
            else:
                stacked = ag.zeros((0, *x.shape), dtype=x.dtype, device=x.device)
            per_input.append(ag.reshape(stacked, (*o.shape, *x.shape)))
        table.append(tuple(per_input) if isinstance(inputs, (tuple, list)) else per_input[0])
    if not create_graph:
        table = [tuple(t.detach() for t in row) if isinstance(row, tuple) else row.detach() for row in table]
    return tuple(table) if isinstance(out, tuple) else table[0]


def hessian(func: Callable[..., Any], inputs: Any, create_graph: bool = False) -> Any:
    """Return the Hessian of the scalar function ``func`` at ``inputs``."""
    single = not isinstance(inputs, (tuple, list))

    def gradient(*xs: Tensor) -> Any:
        with enable_grad():
            out = func(*xs)
            if out.size != 1:
                raise ValueError("hessian: func must return a tensor with one element")
            gs = _grad(out, list(xs), create_graph=True, allow_unused=True)
        gs = tuple(_zeros_if_none(g, x) for g, x in zip(gs, xs, strict=False))
        return gs[0] if single else gs

    return jacobian(gradient, inputs, create_graph=create_graph)
