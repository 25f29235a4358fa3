"""A two-layer ReLU network written as a custom ``nn.Module``.

After jcjohnson/pytorch-examples, ``nn/two_layer_net_module.py``: a Module subclass
assigns its layers in ``__init__`` (which registers their parameters) and combines them in
``forward`` with any namespace function; ``optim.SGD`` trains it.

    python examples/two_layer_net_module.py
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import arraygrad as ag
from arraygrad import nn, optim


class TwoLayerNet(nn.Module):
    """Linear, ReLU (here ``clip``, any namespace function will do), Linear."""

    def __init__(
        self, d_in: int, h: int, d_out: int, *, device: Any = None, generator: Any = None
    ) -> None:
        super().__init__()
        self.linear1 = nn.Linear(d_in, h, device=device, generator=generator)
        self.linear2 = nn.Linear(h, d_out, device=device, generator=generator)

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        h_relu = ag.clip(self.linear1(x), min=0.0)
        return self.linear2(h_relu)


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
    """Train for ``steps`` steps of SGD; return the loss of each step.

    ``callback(t, loss, tensors)``, if given, sees each step's inputs, parameters (by
    name: ``linear1.weight`` ...) and gradients (``grad_linear1.weight`` ...) before the
    update.
    """
    gen = ag.random.Generator(seed)
    x = gen.standard_normal((n, d_in), device=device)
    y = gen.standard_normal((n, d_out), device=device)
    model = TwoLayerNet(d_in, h, d_out, device=device, generator=gen)
    loss_fn = nn.MSELoss(reduction="sum")
    optimizer = optim.SGD(model.parameters(), lr=lr)

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
