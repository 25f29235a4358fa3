"""Custom differentiable operations: subclass :class:`Function`, as in PyTorch.

    class MyReLU(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return ag.maximum(x, 0.0)

        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            return grad_output * (x > 0)

    y = MyReLU.apply(x)
"""

from __future__ import annotations

from typing import Any

from .._tensor import Tensor, wrap
from ._grad_mode import _local, no_grad
from ._graph import SavedTensor, make_node
from ._registry import Rule

__all__ = ["Function", "FunctionCtx"]


class FunctionCtx:
    """The context a custom Function's forward fills and its backward reads."""

    def __init__(self) -> None:
        self._saved: tuple[SavedTensor | Any, ...] = ()
        self._non_differentiable: set[int] = set()
        self.needs_input_grad: tuple[bool, ...] = ()
        self._node: Any = None
        self._freed = False

    def save_for_backward(self, *tensors: Tensor | None) -> None:
        """Keep tensors for backward (their in-place changes are detected, never used)."""
        self._saved = tuple(SavedTensor(t) if isinstance(t, Tensor) else t for t in tensors)

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """The tensors given to ``save_for_backward``."""
        if self._freed or (self._node is not None and self._node._freed):
            raise RuntimeError(
                "saved_tensors: the graph was freed by a previous backward; pass "
                "retain_graph=True to the first backward to use it again"
            )
        out = []
        for s in self._saved:
            if isinstance(s, SavedTensor):
                if self._node is not None:
                    s.check(self._node)
                out.append(s.tensor(self._backend))
            else:
                out.append(s)
        return tuple(out)

    def mark_non_differentiable(self, *outputs: Tensor) -> None:
        """Declare outputs that never carry gradients (e.g. indices)."""
        self._non_differentiable |= {id(o) for o in outputs}


class Function:
    """Base class of custom operations with a hand-written backward."""

    @staticmethod
    def forward(ctx: FunctionCtx, *args: Any, **kwargs: Any) -> Any:
        """Compute the outputs from the inputs (runs with recording off)."""
        raise NotImplementedError("Function subclasses must implement forward(ctx, ...)")

    @staticmethod
    def backward(ctx: FunctionCtx, *grad_outputs: Any) -> Any:
        """Return the gradient of each forward input (None for non-differentiable ones)."""
        raise NotImplementedError("Function subclasses must implement backward(ctx, ...)")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run forward and, if an input requires grad, record a node running backward."""
        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        with no_grad():
            output = cls.forward(ctx, *args, **kwargs)
        if not (_local.enabled and any(ctx.needs_input_grad)):
            return output
        outs = output if isinstance(output, tuple) else (output,)
        if not all(isinstance(o, Tensor) for o in outs):
            raise TypeError(f"{cls.__name__}.forward must return a Tensor or a tuple of Tensors")
        # An output that is an input (returned unchanged) gets a fresh Tensor: its own history.
        fixed = tuple(
            wrap(o._data, o._backend) if any(o is a for a in args) else o for o in outs
        )
        output = fixed if isinstance(output, tuple) else fixed[0]
        ctx._backend = fixed[0]._backend
        skip = frozenset(i for i, o in enumerate(outs) if id(o) in ctx._non_differentiable)
        rule = _function_rule(cls, ctx, len(args))
        ctx._node = make_node(rule, args, {}, output, skip_outputs=skip)
        # An output saved in forward had no history then: connect it to this node, so a
        # backward that reads it is differentiated through it (create_graph).
        for s in ctx._saved:
            if isinstance(s, SavedTensor) and s._grad_fn is None:
                for nr, o in enumerate(outs):
                    if s._raw is o._data and nr not in skip:
                        s._grad_fn = ctx._node
                        s._output_nr = nr
        return output


def _function_rule(cls: type[Function], ctx: FunctionCtx, n_inputs: int) -> Rule:
    def backward(xp: Any, rctx: Any, g: Any) -> tuple[Any, ...]:
        import arraygrad

        first_order = xp is not arraygrad
        backend = rctx.backend
        grads = g if isinstance(g, list) else [g]
        if first_order:
            grads = [None if x is None else wrap(x, backend) for x in grads]
        if first_order:
            # As in PyTorch, a first-order backward records nothing.
            with no_grad():
                result = cls.backward(ctx, *grads)
        else:
            result = cls.backward(ctx, *grads)
        if not isinstance(result, tuple):
            result = (result,)
        if len(result) != n_inputs:
            raise RuntimeError(
                f"{cls.__name__}.backward returned {len(result)} gradients, but forward took "
                f"{n_inputs} inputs"
            )
        if first_order:
            result = tuple(r._data if isinstance(r, Tensor) else r for r in result)
        return result

    backward.__name__ = f"{cls.__name__}.backward"
    return Rule(name=cls.__name__, backward=backward, second_order=False)
