"""A two-layer ReLU network built from ``arraygrad.nn`` modules.

After jcjohnson/pytorch-examples, ``nn/two_layer_net_nn.py``: ``nn.Sequential`` of
``nn.Linear``, ``nn.ReLU``, ``nn.Linear``, the summed ``nn.MSELoss``, and gradient descent
written out over ``model.parameters()``. ``model.to_device(device)`` puts the model on any
backend and device.

    python examples/two_layer_net_nn.py
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import arraygrad as ag
from arraygrad import nn


def main(
    n: int = 64,
    d_in: int = 1000,
    h: int = 100,
    d_out: int = 10,
    steps: int = 500,
    lr: float = 1e-4,
    seed: int = 0,
    device: Any = None,
    callback: Callable[[int, float, dict[str, Any]], None] | None = None,
    verbose: bool = False,
) -> list[float]:
    """Train for ``steps`` steps of gradient descent; return the loss of each step.

    ``callback(t, loss, tensors)``, if given, sees each step's inputs, parameters (by
    name: ``0.weight`` ...) and gradients (``grad_0.weight`` ...) before the update.
    """
    gen = ag.random.Generator(seed)
    x = gen.standard_normal((n, d_in), device=device)
    y = gen.standard_normal((n, d_out), device=device)
    model = nn.Sequential(
        nn.Linear(d_in, h, generator=gen),
        nn.ReLU(),
        nn.Linear(h, d_out, generator=gen),
    )
    if device is not None:
        model.to_device(device)
    loss_fn = nn.MSELoss(reduction="sum")

    history = []
    for t in range(steps):
        loss = loss_fn(model(x), y)
        history.append(float(loss))
        if verbose and (t % 50 == 0 or t == steps - 1):
            print(t, history[-1])

        model.zero_grad()
        loss.backward()
        if callback is not None:
            named = dict(model.named_parameters())
            grads = {f"grad_{name}": p.grad for name, p in named.items()}
            callback(t, history[-1], {"x": x, "y": y, **named, **grads})

        with ag.autograd.no_grad():
            for param in model.parameters():
                param -= lr * param.grad
    return history


if __name__ == "__main__":
    main(verbose=True)
