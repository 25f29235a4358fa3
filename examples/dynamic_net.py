"""A network whose depth is drawn at random on every forward pass, sharing its weights.

After jcjohnson/pytorch-examples, ``nn/dynamic_net.py``: each forward pass applies the
middle layer 0 to 3 times (the same weights each time), so the graph is rebuilt by plain
Python control flow at every step; backward sums the shared layer's gradients over its uses.
SGD with momentum trains it.

    python examples/dynamic_net.py
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import arraygrad as ag
from arraygrad import nn, optim


class DynamicNet(nn.Module):
    """Linear + ReLU, then the middle Linear + ReLU 0 to 3 times, then Linear."""

    def __init__(
        self,
        d_in: int,
        h: int,
        d_out: int,
        *,
        rng: random.Random,
        device: Any = None,
        generator: Any = None,
    ) -> None:
        super().__init__()
        self.input_linear = nn.Linear(d_in, h, device=device, generator=generator)
        self.middle_linear = nn.Linear(h, h, device=device, generator=generator)
        self.output_linear = nn.Linear(h, d_out, device=device, generator=generator)
        self.rng = rng
        self.depth = 0  # how many times the last forward pass used the middle layer

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        h_relu = ag.clip(self.input_linear(x), min=0.0)
        self.depth = self.rng.randint(0, 3)
        for _ in range(self.depth):
            h_relu = ag.clip(self.middle_linear(h_relu), min=0.0)
        return self.output_linear(h_relu)


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
    """Train for ``steps`` steps of SGD with momentum 0.9; return the loss of each step.

    ``callback(t, loss, tensors)``, if given, sees each step's inputs, parameters (by name:
    ``input_linear.weight`` ...), gradients (``grad_input_linear.weight`` ...) and the
    ``depth`` drawn, before the update.
    """
    gen = ag.random.Generator(seed)
    x = gen.standard_normal((n, d_in), device=device)
    y = gen.standard_normal((n, d_out), device=device)
    model = DynamicNet(d_in, h, d_out, rng=random.Random(seed), device=device, generator=gen)
    criterion = nn.MSELoss(reduction="sum")
    optimizer = optim.SGD(model.parameters(), lr=lr, momentum=0.9)

    history = []
    for t in range(steps):
        loss = criterion(model(x), y)
        history.append(float(loss))
        if verbose and (t % 50 == 0 or t == steps - 1):
            print(t, history[-1])

        optimizer.zero_grad()
        loss.backward()
        if callback is not None:
            named = dict(model.named_parameters())
            grads = {f"grad_{name}": p.grad for name, p in named.items()}
            callback(t, history[-1], {"x": x, "y": y, "depth": model.depth, **named, **grads})
        optimizer.step()
    return history


if __name__ == "__main__":
    main(verbose=True)
