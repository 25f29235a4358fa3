"""Reverse mode: walk the graph from the outputs to the leaves, without recursion.

Nodes run in an order where every node runs after all the nodes that feed it gradients
(Kahn's algorithm over the dependency counts). Each node's gradient buffers are dropped as
soon as it has run, and its saved values too unless ``retain_graph``.
"""

from __future__ import annotations

import sys
from typing import Any

from .. import _dtypes
from .._tensor import Tensor, wrap
from ._grad_mode import set_grad_enabled
from ._graph import AccumulateGrad, Node, gradient_edge, meta
from ._registry import Ctx, unbroadcast

__all__ = ["run_backward"]


def _add(a: Any, b: Any) -> Any:
    return b if a is None else a + b


def _raw_params(params: dict[str, Any]) -> dict[str, Any]:
    """Return params with every Tensor (also inside tuples and lists) unwrapped."""
    if not params:
        return params

    def unwrap(v: Any) -> Any:
        if isinstance(v, Tensor):
            return v._data
        if isinstance(v, tuple):
            return tuple(unwrap(i) for i in v)
        if isinstance(v, list):
            return [unwrap(i) for i in v]
        return v

    return {k: unwrap(v) for k, v in params.items()}


def _freed_error(node: Node) -> RuntimeError:
    return RuntimeError(
        f"{node.name()}: trying to backward through the graph a second time (or to use saved "
        "values after they were freed). Saved values of the graph are freed when you call "
        ".backward() or autograd.grad(); pass retain_graph=True to the first call if you "
        "need to backward through it again."
    )


_tuple_new = tuple.__new__


def apply_node(node: Node, grads: list[Any], create_graph: bool) -> tuple[Any, ...]:
    """Run a node's rule on the gradients of its outputs; return one gradient per input."""
    rule = node._rule
    has_saved = rule.has_saved
    if has_saved and node._freed:
        raise _freed_error(node)
    backend = node._backend
    saved = node._saved
    out_saved = node._saved_output
    if has_saved or len(saved) > len(node._scalars):
        for s in saved:
            if s is not None and s._counter[0] != s._version:
                s.check(node)
        if out_saved is not None:
            for s in out_saved:
                if s._counter[0] != s._version:
                    s.check(node)
    if create_graph:
        import arraygrad as xp

        inputs = tuple(
            [s.tensor(backend) if s is not None else sc for s, sc in zip(saved, node._scalars, strict=False)]
        )
        output = None
        if out_saved is not None:
            outs = tuple([s.tensor(backend, node) for s in out_saved])
            if node._out_meta is not None:
                for nr, o in enumerate(outs):
                    meta(o)["output_nr"] = nr
            output = outs if node._out_meta is not None else outs[0]
        params = node._params
    else:
        xp = backend.ns
        inputs = node._raw_inputs
        output = None
        if out_saved is not None:
            output = (
                tuple([s._raw for s in out_saved]) if node._out_meta is not None else out_saved[0]._raw
            )
        params = _raw_params(node._params) if node._params else node._params
    needs = node._needs
    ctx = _tuple_new(Ctx, (inputs, output, params, node._shapes, node._dtypes, needs, backend))
    g = grads if node._out_meta is not None else grads[0]
    if create_graph:
        with set_grad_enabled(True):
            result = rule.backward(xp, ctx, g)
            return _fix_results(node, result, needs, xp, True)
    # First order: the rule works on raw arrays, nothing is recorded whatever the grad mode.
    return _fix_results(node, rule.backward(xp, ctx, g), needs, xp, False)


def _fix_results(node: Node, result: Any, needs: tuple[bool, ...], xp: Any, create_graph: bool) -> tuple[Any, ...]:
    """Return the rule's gradients with each input's shape and dtype (None where unneeded)."""
    if type(result) is not tuple:
        result = (result,)
    if len(result) != len(needs):
        raise RuntimeError(
            f"{node.name()}: the rule returned {len(result)} gradients for {len(needs)} inputs"
        )
    in_backends = node._in_backends
    shapes = node._shapes
    dtypes = node._dtypes
    if not create_graph and in_backends is None:
        dtype_from = node._backend._dtype_from
        fixed = None
        for i, r in enumerate(result):
            if r is None or not needs[i]:
                if r is not None:
                    fixed = fixed or list(result)
                    fixed[i] = None
                continue
            # The common case, checked without a call: right shape and dtype already.
            if getattr(r, "shape", None) == shapes[i] and dtype_from.get(r.dtype) is dtypes[i]:
                continue
            fixed = fixed or list(result)
            fixed[i] = _match_input(xp, r, shapes[i], dtypes[i], node._backend, False)
        return result if fixed is None else tuple(fixed)
    backend = node._backend
    out = []
    for i, r in enumerate(result):
        if r is None or not needs[i]:
            out.append(None)
            continue
        b = backend if in_backends is None else in_backends[i]
        out.append(_match_input(xp if create_graph else b.ns, r, shapes[i], dtypes[i], b, create_graph))
    return tuple(out)


def _match_input(xp: Any, g: Any, shape: tuple, dtype: Any, backend: Any, create_graph: bool) -> Any:
    """Return ``g`` with the input's shape and dtype (sum out broadcasting, real part, cast)."""
    if not hasattr(g, "shape"):
        g = xp.asarray(g)
    if tuple(g.shape) != tuple(shape):
        g = unbroadcast(xp, g, shape)
    gdt = g.dtype if create_graph else backend._dtype_from[g.dtype]
    if gdt is not dtype:
        if gdt in _dtypes.COMPLEX_FLOATING and dtype in _dtypes.REAL_FLOATING:
            # Note: a real input of a complex computation gets the real part (PyTorch's rule).
            g = xp.real(g)
            gdt = _dtypes.REAL_OF[gdt]
        if gdt is not dtype:
            g = xp.astype(g, dtype if create_graph else backend.native_dtype(dtype))
    return g


def _to_buffer(value: Tensor, create_graph: bool) -> Any:
    return value if create_graph else value._data


def _as_tensor(value: Any, backend: Any, create_graph: bool) -> Tensor:
    return value if create_graph else wrap(value, backend)


def _collect(roots: list[Any]) -> dict[Any, int]:
    """Return the number of incoming edges of every node reachable from ``roots``."""
    deps: dict[Any, int] = {}
    seen = set()
    stack = [r for r in roots]
    for r in roots:
        seen.add(r)
    while stack:
        node = stack.pop()
        for edge in node.next_functions:
            if edge is None:
                continue
            child = edge[0]
            deps[child] = deps.get(child, 0) + 1
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return deps


def _needed(roots: list[Any], targets: set[Any], deps: dict[Any, int]) -> set[Any]:
    """Return the nodes from which some target can be reached (only they need to run)."""
    order = []
    remaining = dict(deps)
    ready = [r for r in roots if remaining.get(r, 0) == 0]
    seen = set(ready)
    while ready:
        node = ready.pop()
        order.append(node)
        for edge in node.next_functions:
            if edge is None:
                continue
            child = edge[0]
            remaining[child] -= 1
            if remaining[child] == 0 and child not in seen:
                seen.add(child)
                ready.append(child)
    needed: set[Any] = set()
    for node in reversed(order):
        if node in targets or any(e is not None and e[0] in needed for e in node.next_functions):
            needed.add(node)
    return needed


def run_backward(
    roots: list[tuple[Tensor, Tensor]],
    *,
    retain_graph: bool,
    create_graph: bool,
    inputs: list[Tensor] | None = None,
    accumulate: bool = True,
) -> list[Any] | None:
    """Backpropagate ``(output, grad_output)`` pairs through the graph.

    With ``accumulate``, gradients are added into the ``.grad`` of leaves (only those in
    ``inputs`` if given). Without it, the gradients of ``inputs`` are returned (for
    ``autograd.grad``), None where no gradient reaches an input.
    """
    buffers: dict[Any, list[Any]] = {}
    root_nodes: list[Any] = []
    for out, grad in roots:
        node, nr = gradient_edge(out)
        buf = buffers.get(node)
        if buf is None:
            n = node._n_outputs if isinstance(node, Node) else 1
            buf = buffers[node] = [None] * n
            root_nodes.append(node)
        buf[nr] = _add(buf[nr], _to_buffer(grad, create_graph))

    captures: dict[tuple[Any, int], int] = {}
    if inputs is not None:
        for i, t in enumerate(inputs):
            captures.setdefault(gradient_edge(t), i)
    capture_nodes = {edge[0] for edge in captures}
    results: list[Any] = [None] * (len(inputs) if inputs is not None else 0)

    deps = _collect(root_nodes)
    needed = _needed(root_nodes, capture_nodes, deps) if inputs is not None else None
    ready = [n for n in root_nodes if deps.get(n, 0) == 0]
    while ready:
        node = ready.pop()
        grads = buffers.pop(node, None)
        if type(node) is AccumulateGrad:
            if grads is not None:
                g = grads[0]
                grads[0] = None  # the engine's last reference but g: see _private
                if node in capture_nodes:
                    slot = captures.get((node, 0))
                    if slot is not None:
                        results[slot] = g
                if accumulate and g is not None and (inputs is None or node in capture_nodes):
                    _accumulate(node.leaf, g, create_graph)
            continue
        edges = node.next_functions
        if grads is not None:
            if node._pre_hooks:
                grads = _output_hooks(node, grads, create_graph)
            if capture_nodes and node in capture_nodes:
                for nr, g in enumerate(grads):
                    slot = captures.get((node, nr))
                    if slot is not None and g is not None:
                        results[slot] = g
        if grads is None or (needed is not None and node not in needed):
            in_grads: tuple[Any, ...] = (None,) * len(edges)
        else:
            in_grads = apply_node(node, grads, create_graph)
            post = node._pre_hooks.get("post") if node._pre_hooks else None
            if post:
                for hook in post:
                    hook(in_grads, grads)
        if not retain_graph:
            node._freed = True
            if node._rule.has_saved:
                node._saved = None
                node._raw_inputs = None
                if node._saved_output is not None:
                    node._saved_output = None
        for edge, g in zip(edges, in_grads, strict=False):
            if edge is None:
                continue
            child = edge[0]
            if g is not None:
                buf = buffers.get(child)
                if buf is None:
                    buf = buffers[child] = [None] * (
                        child._n_outputs if type(child) is not AccumulateGrad else 1
                    )
                nr = edge[1]
                old = buf[nr]
                buf[nr] = g if old is None else old + g
            left = deps[child] - 1
            deps[child] = left
            if left == 0:
                ready.append(child)
        in_grads = g = None  # hold no gradient past its node: see _private
    if inputs is None:
        return None
    out = []
    for i, r in enumerate(results):
        if r is None:
            out.append(None)
            continue
        t = inputs[i]
        if not create_graph:
            # A fresh buffer: a rule may pass the upstream gradient (or a view of it) through.
            r = t._backend.ns.asarray(r, copy=True)
        out.append(_as_tensor(r, t._backend, create_graph))
    return out


def _output_hooks(node: Node, grads: list[Any], create_graph: bool) -> list[Any]:
    """Run the hooks and retain_grad of the node's output tensors on their gradients."""
    hooks = node._pre_hooks
    if not hooks:
        return grads
    grads = list(grads)
    for nr, g in enumerate(grads):
        if g is None:
            continue
        for fn in hooks.get(nr, ()):
            t = _as_tensor(g, node._backend, create_graph)
            new = fn(t)
            if new is not None:
                g = _to_buffer(new, create_graph)
        grads[nr] = g
        ref = node._retained.get(nr) if node._retained else None
        tensor = ref() if ref is not None else None
        if tensor is not None:
            value = _as_tensor(g, node._backend, create_graph)
            if not create_graph:
                value = wrap(node._backend.ns.asarray(g, copy=True), node._backend)
            tensor._grad = value if tensor._grad is None else tensor._grad + value
    return grads


def _accumulate(leaf: Tensor, g: Any, create_graph: bool) -> None:
    """Add ``g`` into ``leaf.grad`` (in place where the backend allows, as PyTorch does)."""
    hooks = leaf._meta.get("hooks") if leaf._meta else None
    if hooks:
        for fn in hooks:
            new = fn(_as_tensor(g, leaf._backend, create_graph))
            if new is not None:
                g = _to_buffer(new, create_graph)
    current = leaf._grad
    if create_graph:
        leaf._grad = g if current is None else current + g
        return
    backend = leaf._backend
    if current is None:
        if backend.name in _STEALS and getattr(g, "base", 0) is None and _refs(g) <= _PRIVATE_REFS:
            # Nothing else holds this array, and it is no view: it becomes .grad as it is
            # (PyTorch's AccumulateGrad steals such a gradient too). Saves a copy of every
            # leaf's gradient, and the memory of the two side by side.
            leaf._grad = wrap(g, backend)
            return
        # A fresh buffer: the rule's result may alias the upstream gradient or another leaf's.
        leaf._grad = wrap(backend.ns.asarray(g, copy=True), backend)
    elif backend.mutable and not current._requires_grad and tuple(current.shape) == tuple(g.shape):
        data = current._data
        data += g  # in place where the backend allows (PyTorch accumulates in place too)
        current._data = data
    else:
        leaf._grad = wrap(current._data + g, backend)


# -- stealing a gradient nobody else holds ------------------------------------------------------
# Backends whose arrays tell a view (``.base``) and whose memory is owned by the array object.
_STEALS = frozenset({"numpy", "cupy"})
_refcount = sys.getrefcount


def _refs(g: Any) -> int:
    """The number of references to ``g``, seen from ``_accumulate``."""
    return _refcount(g)


def _probe_accumulate(g: Any) -> int:
    return _refs(g)


def _probe_engine() -> int:
    g = object()  # held by this frame only, as run_backward holds a leaf's gradient
    return _probe_accumulate(g)


# The count of a gradient that only run_backward's frame holds, measured through frames of the
# same shape as run_backward -> _accumulate -> _refs (interpreters count differently).
_PRIVATE_REFS = _probe_engine()
