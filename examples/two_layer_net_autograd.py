"""A two-layer ReLU network fitted to random data, gradients by autograd.

After jcjohnson/pytorch-examples, ``autograd/two_layer_net_autograd.py``: the weights are
created with ``requires_grad=True``, the forward pass records a graph, and ``backward()``
fills ``w1.grad`` and ``w2.grad``. Any backend and device: pass ``device=``.

    python examples/two_layer_net_autograd.py
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
    w1 = gen.standard_normal((d_in, h), device=device, requires_grad=True)
    w2 = gen.standard_normal((h, d_out), device=device, requires_grad=True)

    history = []
    for t in range(steps):
        y_pred = ag.clip(x @ w1, min=0.0) @ w2
        loss = ag.sum((y_pred - y) ** 2)
        history.append(float(loss))
        if verbose and (t % 50 == 0 or t == steps - 1):
            print(t, history[-1])

        loss.backward()
        if callback is not None:
            callback(t, history[-1], {"x": x, "y": y, "w1": w1, "w2": w2,
                                      "grad_w1": w1.grad, "grad_w2": w2.grad})  # fmt: skip

        # The update is not part of the graph: no_grad, and in place into the weights.
        with ag.autograd.no_grad():
            w1 -= lr * w1.grad
            w2 -= lr * w2.grad
            w1.grad.zero_()
            w2.grad.zero_()
    return history


if __name__ == "__main__":
    main(verbose=True)
