"""A two-layer ReLU network trained by ``arraygrad.optim.Adam``.

After jcjohnson/pytorch-examples, ``nn/two_layer_net_optim.py``: the optimizer holds the
parameters and their state (on the parameters' device) and updates them in place;
``zero_grad``, ``backward``, ``step`` is the loop.

    python examples/two_layer_net_optim.py
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import arraygrad as ag
from arraygrad import nn, optim


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
    """Train for ``steps`` steps of Adam; return the loss of each step.

    ``callback(t, loss, tensors)``, if given, sees each step's inputs, parameters (by
    name: ``0.weight`` ...) and gradients (``grad_0.weight`` ...) before the update.
    """
    gen = ag.random.Generator(seed)
    x = gen.standard_normal((n, d_in), device=device)
    y = gen.standard_normal((n, d_out), device=device)
    model = nn.Sequential(
        nn.Linear(d_in, h, device=device, generator=gen),
        nn.ReLU(),
        nn.Linear(h, d_out, device=device, generator=gen),
    )
    loss_fn = nn.MSELoss(reduction="sum")
    optimizer = optim.Adam(model.parameters(), lr=lr)

    history = []
    for t in range(steps):
        loss = loss_fn(model(x), y)
        history.append(float(loss))
        if verbose and (t % 50 == 0 or t == steps - 1):
            print(t, history[-1])

        optimizer.zero_grad()
        loss.backward()
        if callback is not None:
            named = dict(model.named_parameters())
            grads = {f"grad_{name}": p.grad for name, p in named.items()}
            callback(t, history[-1], {"x": x, "y": y, **named, **grads})
        optimizer.step()
    return history


if __name__ == "__main__":
    main(verbose=True)
