"""The Tensor's autograd methods (bound onto Tensor by ``arraygrad.autograd``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .. import _dtypes
from .._dispatch import call, inplace_update
from .._tensor import Tensor, wrap
from ._engine import run_backward
from ._graph import meta, version_counter

__all__ = [
    "add_",
    "backward",
    "clone",
    "copy_",
    "detach",
    "detach_",
    "div_",
    "fill_",
    "item",
    "mul_",
    "numpy",
    "register_hook",
    "requires_grad_",
    "retain_grad",
    "sub_",
    "tolist",
    "zero_",
]


def _check_grad_dtype(t: Tensor, op: str) -> None:
    if t.dtype not in _dtypes.FLOATING:
        raise TypeError(
            f"{op}: only floating-point tensors can require gradients, not {t.dtype.name}"
        )


def set_requires_grad(t: Tensor, value: bool) -> None:
    """Set ``t.requires_grad`` (leaves only, floating dtypes only)."""
    value = bool(value)
    if t._grad_fn is not None and not value:
        raise RuntimeError(
            "requires_grad: this tensor is the result of an operation (not a leaf); use "
            "detach() to get a tensor that does not require grad"
        )
    if value:
        _check_grad_dtype(t, "requires_grad")
    t._requires_grad = value if t._grad_fn is None else True


def requires_grad_(self: Tensor, requires_grad: bool = True) -> Tensor:
    """Set requires_grad in place and return the tensor."""
    set_requires_grad(self, requires_grad)
    return self


def set_grad(t: Tensor, value: Tensor | None) -> None:
    """Set ``t.grad`` (None, or a tensor of t's shape, dtype and device)."""
    if value is not None:
        if not isinstance(value, Tensor):
            raise TypeError(f"grad: expected a Tensor or None, got {type(value).__name__}")
        if value.shape != t.shape or value.dtype is not t.dtype or value.device != t.device:
            raise ValueError(
                f"grad: the gradient must match the tensor: expected {t.dtype.name}{list(t.shape)} "
                f"on {t.device}, got {value.dtype.name}{list(value.shape)} on {value.device}"
            )
    t._grad = value


def set_data(t: Tensor, value: Tensor) -> None:
    """Replace the tensor's buffer (``x.data = y``), keeping its place in the graph."""
    if not isinstance(value, Tensor):
        raise TypeError(f"data: expected a Tensor, got {type(value).__name__}")
    t._data = value._data
    t._backend = value._backend
    m = meta(t)
    m["version"] = [0]


def _seed_gradient(t: Tensor, gradient: Any, op: str) -> Tensor:
    """Return the gradient to start backward with, broadcast to the output's shape."""
    import arraygrad as ag

    if gradient is None:
        if t.ndim != 0 and t.size != 1:
            raise RuntimeError(
                f"{op}: grad can be implicitly created only for scalar outputs; this output "
                f"has shape {t.shape}: pass gradient= (a tensor broadcastable to that shape)"
            )
        return ag.ones(t.shape, dtype=t.dtype, device=t.device)
    g = gradient if isinstance(gradient, Tensor) else ag.asarray(gradient, device=t.device)
    if g.device != t.device:
        raise ValueError(f"{op}: the gradient is on {g.device}, but the output is on {t.device}")
    if g.dtype is not t.dtype:
        if g.dtype in _dtypes.COMPLEX_FLOATING and t.dtype in _dtypes.REAL_FLOATING:
            raise TypeError(f"{op}: a {g.dtype.name} gradient for a {t.dtype.name} output")
        g = ag.astype(g, t.dtype)
    if g.shape != t.shape:
        if g.size == t.size and g.size == 1:
            g = ag.reshape(g, t.shape)
        else:
            try:
                shape = ag.broadcast_shapes(g.shape, t.shape)
            except ValueError:
                shape = None
            if shape != tuple(t.shape):
                raise ValueError(
                    f"{op}: the gradient of shape {g.shape} does not broadcast to the "
                    f"output's shape {t.shape}"
                )
            g = ag.broadcast_to(g, t.shape)
    return g


def _check_roots(tensors: Sequence[Tensor], op: str) -> None:
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: expected Tensors, got {type(t).__name__} at position {i}")
        if not t._requires_grad:
            raise RuntimeError(
                f"{op}: element {i} of tensors does not require grad and has no grad_fn; "
                "make an input require grad (requires_grad=True) before computing it"
            )


def backward(
    self: Tensor,
    gradient: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Sequence[Tensor] | Tensor | None = None,
) -> None:
    """Compute the gradient of this tensor with respect to the graph's leaves.

    ``gradient`` (needed unless the tensor has one element) may broadcast to its shape. The
    graph's saved values are freed unless ``retain_graph``; ``create_graph`` records the
    backward pass for higher-order derivatives; ``inputs`` limits accumulation to them.
    """
    backward_many([self], [gradient], retain_graph, create_graph, inputs)


def backward_many(
    tensors: Sequence[Tensor],
    grad_tensors: Sequence[Any] | None,
    retain_graph: bool | None,
    create_graph: bool,
    inputs: Sequence[Tensor] | Tensor | None,
) -> None:
    """Backward from several outputs at once (``autograd.backward``)."""
    _check_roots(tensors, "backward")
    grads = list(grad_tensors) if grad_tensors is not None else [None] * len(tensors)
    if len(grads) != len(tensors):
        raise ValueError(
            f"backward: got {len(grads)} gradients for {len(tensors)} tensors"
        )
    roots = [(t, _seed_gradient(t, g, "backward")) for t, g in zip(tensors, grads, strict=False)]
    if retain_graph is None:
        retain_graph = create_graph
    wanted = None
    if inputs is not None:
        wanted = [inputs] if isinstance(inputs, Tensor) else list(inputs)
        if not wanted:
            raise ValueError("backward: inputs= must not be empty")
        for t in wanted:
            if not t._requires_grad:
                raise RuntimeError("backward: every tensor in inputs= must require grad")
    results = run_backward(
        roots, retain_graph=retain_graph, create_graph=create_graph, inputs=wanted
    )
    if wanted is not None and results is not None:
        # Leaves accumulated in the engine; non-leaf inputs receive theirs in .grad too, as
        # PyTorch does.
        for t, g in zip(wanted, results, strict=True):
            if t._grad_fn is not None and g is not None:
                t._grad = g if t._grad is None else t._grad + g


def grad(
    outputs: Sequence[Tensor] | Tensor,
    inputs: Sequence[Tensor] | Tensor,
    grad_outputs: Sequence[Any] | Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Tensor | None, ...]:
    """Return the gradients of ``outputs`` with respect to ``inputs`` (no ``.grad`` is touched)."""
    outs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    ins = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    _check_roots(outs, "grad")
    for i, t in enumerate(ins):
        if not isinstance(t, Tensor) or not t._requires_grad:
            raise RuntimeError(f"grad: input {i} does not require grad")
    if grad_outputs is None:
        gouts: list[Any] = [None] * len(outs)
    elif isinstance(grad_outputs, Tensor) or not isinstance(grad_outputs, (list, tuple)):
        gouts = [grad_outputs]
    else:
        gouts = list(grad_outputs)
        if len(outs) == 1 and len(gouts) != 1 and not isinstance(gouts[0], (Tensor, list, tuple)):
            gouts = [grad_outputs]
    if len(gouts) != len(outs):
        raise ValueError(f"grad: got {len(gouts)} grad_outputs for {len(outs)} outputs")
    roots = [(t, _seed_gradient(t, g, "grad")) for t, g in zip(outs, gouts, strict=False)]
    if retain_graph is None:
        retain_graph = create_graph
    result = run_backward(
        roots, retain_graph=retain_graph, create_graph=create_graph, inputs=ins, accumulate=False
    )
    assert result is not None
    for i, r in enumerate(result):
        if r is None and not allow_unused:
            raise RuntimeError(
                f"grad: input {i} was not used to compute the outputs (its gradient would be "
                "None); pass allow_unused=True if that is intended"
            )
    return tuple(result)


def detach(self: Tensor) -> Tensor:
    """Return a tensor sharing this one's buffer and version counter, outside the graph."""
    t = wrap(self._data, self._backend)
    t._meta = {"version": version_counter(self)}
    return t


def detach_(self: Tensor) -> Tensor:
    """Make this tensor a leaf that does not require grad; return it."""
    self._grad_fn = None
    self._requires_grad = False
    return self


def retain_grad(self: Tensor) -> None:
    """Keep ``.grad`` for this non-leaf tensor when backward runs."""
    import weakref

    if not self._requires_grad:
        raise RuntimeError("retain_grad: the tensor does not require grad")
    node = self._grad_fn
    if node is None:
        return  # a leaf keeps its gradient anyway
    nr = meta(self).get("output_nr", 0)
    if node._retained is None:
        node._retained = {}
    node._retained[nr] = weakref.ref(self)
    if node._pre_hooks is None:
        node._pre_hooks = {}


def register_hook(self: Tensor, hook: Callable[[Tensor], Tensor | None]) -> Callable[[], None]:
    """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a new one.

    Returns a function that removes the hook.
    """
    if not self._requires_grad:
        raise RuntimeError("register_hook: the tensor does not require grad")
    node = self._grad_fn
    if node is None:
        hooks = meta(self).setdefault("hooks", [])
    else:
        if node._pre_hooks is None:
            node._pre_hooks = {}
        hooks = node._pre_hooks.setdefault(meta(self).get("output_nr", 0), [])
    hooks.append(hook)

    def remove() -> None:
        if hook in hooks:
            hooks.remove(hook)

    return remove


# -- in-place methods (as the seed and the optimizers use them) ---------------------------
def zero_(self: Tensor) -> Tensor:
    """Fill the tensor with zeros in place; return it."""
    import arraygrad as ag

    inplace_update("zero_", self, (self,), lambda: ag.zeros_like(self), _fill_raw(self, 0))
    return self


def _fill_raw(t: Tensor, value: Any) -> Any:
    """Return a function that fills the tensor's buffer with ``value`` (None if immutable)."""
    if not t._backend.mutable:
        return None

    def mutate() -> None:
        t._data[...] = value

    return mutate


def fill_(self: Tensor, value: bool | int | float | complex) -> Tensor:
    """Fill the tensor with ``value`` in place; return it."""
    import arraygrad as ag

    inplace_update("fill_", self, (self,), lambda: ag.full_like(self, value))
    return self


def _other(self: Tensor, other: Any, alpha: Any = 1) -> Any:
    if alpha != 1:
        other = other * alpha
    return other


def add_(self: Tensor, other: Any, *, alpha: bool | int | float | complex = 1) -> Tensor:
    """``self += alpha * other`` in place; return self."""
    import arraygrad as ag

    other = _other(self, other, alpha)
    inplace_update("add_", self, (self, other), lambda: ag.add(self, other))
    return self


def sub_(self: Tensor, other: Any, *, alpha: bool | int | float | complex = 1) -> Tensor:
    """``self -= alpha * other`` in place; return self."""
    import arraygrad as ag

    other = _other(self, other, alpha)
    inplace_update("sub_", self, (self, other), lambda: ag.subtract(self, other))
    return self


def mul_(self: Tensor, other: Any) -> Tensor:
    """``self *= other`` in place; return self."""
    import arraygrad as ag

    inplace_update("mul_", self, (self, other), lambda: ag.multiply(self, other))
    return self


def div_(self: Tensor, other: Any) -> Tensor:
    """``self /= other`` in place; return self."""
    import arraygrad as ag

    inplace_update("div_", self, (self, other), lambda: ag.divide(self, other))
    return self


def copy_(self: Tensor, src: Tensor) -> Tensor:
    """Copy ``src`` (broadcast, cast, moved to this device) into the tensor; return self."""
    import arraygrad as ag

    if not isinstance(src, Tensor):
        src = ag.asarray(src, dtype=self.dtype, device=self.device)
    value = src
    if value.device != self.device:
        value = value.to_device(self.device)
    if value.dtype is not self.dtype:
        value = ag.astype(value, self.dtype)
    if value.shape != self.shape:
        value = ag.broadcast_to(value, self.shape)
    if value is src:
        value = clone(value)
    inplace_update("copy_", self, (self, src), lambda: value)
    return self


def clone(self: Tensor) -> Tensor:
    """Return a copy of the tensor in a new buffer (differentiable)."""
    return call("clone", (self,), {}, impl=lambda b, raw: b.ns.asarray(raw, copy=True))


def item(self: Tensor) -> bool | int | float | complex:
    """Return the value of a one-element tensor as a Python scalar."""
    dt = self.dtype
    if dt in _dtypes.COMPLEX_FLOATING:
        return complex(self)
    if dt in _dtypes.REAL_FLOATING:
        return float(self)
    if dt is _dtypes.bool:
        return bool(self)
    return int(self)


def tolist(self: Tensor) -> Any:
    """Return the values as nested Python lists (a scalar for a 0-d tensor)."""
    from .._creation import to_numpy

    return to_numpy(self, op="tolist", any_device=True).tolist()


def numpy(self: Tensor) -> Any:
    """Return a NumPy array of a CPU tensor that does not require grad."""
    if self._requires_grad:
        raise RuntimeError(
            "numpy: the tensor requires grad; call detach().numpy() (as in PyTorch)"
        )
    from .._creation import to_numpy

    return to_numpy(self, op="numpy")
