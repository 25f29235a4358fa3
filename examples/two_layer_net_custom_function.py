"""A two-layer ReLU network whose ReLU is a custom autograd Function.

After jcjohnson/pytorch-examples, ``autograd/two_layer_net_custom_function.py``: subclass
:class:`arraygrad.autograd.Function` with a ``forward`` and a hand-written ``backward``,
and call it through ``MyReLU.apply``. Any backend and device: pass ``device=``.

    python examples/two_layer_net_custom_function.py
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import arraygrad as ag
from arraygrad.autograd import Function, FunctionCtx


class MyReLU(Function):
    """max(x, 0), with its derivative written by hand."""

    @staticmethod
    def forward(ctx: FunctionCtx, x: ag.Tensor) -> ag.Tensor:
        # Keep the input: backward needs to know where it was negative.
        ctx.save_for_backward(x)
        return ag.clip(x, min=0.0)

    @staticmethod
    def backward(ctx: FunctionCtx, grad_output: ag.Tensor) -> ag.Tensor:
        (x,) = ctx.saved_tensors
        return ag.where(x < 0, 0.0, grad_output)


def main(
    n: int = 64,
    d_in: int = 1000,
    h: int = 100,
    d_out: int = 10,
    steps: int = 500,
    lr: float = 1e-6,
    seed: int = 0,
    device: Any = None,
    callback: Callable[[int, float, dict[str, Any]], None] | None = None,
    verbose: bool = False,
) -> list[float]:
    """Train for ``steps`` steps of gradient descent; return the loss of each step.

    ``callback(t, loss, tensors)``, if given, sees each step's inputs, weights and
    gradients (``grad_w1`` ...) before the update.
    """
    gen = ag.random.Generator(seed)
    x = gen.standard_normal((n, d_in), device=device)
    y = gen.standard_normal((n, d_out), device=device)
    w1 = gen.standard_normal((d_in, h), device=device, requires_grad=True)
    w2 = gen.standard_normal((h, d_out), device=device, requires_grad=True)

    history = []
    for t in range(steps):
        y_pred = MyReLU.apply(x @ w1) @ w2
        loss = ag.sum((y_pred - y) ** 2)
        history.append(float(loss))
        if verbose and (t % 50 == 0 or t == steps - 1):
            print(t, history[-1])

        loss.backward()
        if callback is not None:
            callback(t, history[-1], {"x": x, "y": y, "w1": w1, "w2": w2,
                                      "grad_w1": w1.grad, "grad_w2": w2.grad})  # fmt: skip

        with ag.autograd.no_grad():
            w1 -= lr * w1.grad
            w2 -= lr * w2.grad
            w1.grad.zero_()
            w2.grad.zero_()
    return history


if __name__ == "__main__":
    main(verbose=True)
