"""A two-layer ReLU network fitted to random data, gradients written by hand.

After jcjohnson/pytorch-examples, ``tensor/two_layer_net_tensor.py``: no autograd at all.
The forward and backward passes are plain array-API code on arraygrad tensors, so they run
unchanged on NumPy, CuPy, torch or array-api-strict: pass ``device=``.

    python examples/two_layer_net_tensor.py
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import arraygrad as ag


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
    w1 = gen.standard_normal((d_in, h), device=device)
    w2 = gen.standard_normal((h, d_out), device=device)

    history = []
    for t in range(steps):
        # Forward: a linear layer, a ReLU, a linear layer, the squared error.
        z = x @ w1
        z_relu = ag.clip(z, min=0.0)
        y_pred = z_relu @ w2
        loss = ag.sum((y_pred - y) ** 2)
        history.append(float(loss))
        if verbose and (t % 50 == 0 or t == steps - 1):
            print(t, history[-1])

        # Backward, by the chain rule, layer by layer.
        grad_y_pred = 2.0 * (y_pred - y)
        grad_w2 = z_relu.T @ grad_y_pred
        grad_z_relu = grad_y_pred @ w2.T
        grad_z = ag.where(z < 0, 0.0, grad_z_relu)
        grad_w1 = x.T @ grad_z
        if callback is not None:
            callback(t, history[-1], {"x": x, "y": y, "w1": w1, "w2": w2,
                                      "grad_w1": grad_w1, "grad_w2": grad_w2})  # fmt: skip

        # Gradient descent, in place.
        w1 -= lr * grad_w1
        w2 -= lr * grad_w2
    return history


if __name__ == "__main__":
    main(verbose=True)
