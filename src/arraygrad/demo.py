"""``python -m arraygrad.demo``: the chain rule by autograd, then a two-layer net trained.

It prints PyTorch's classic autograd example (x = 2x2, z = (2x)**3, out = mean(z), x.grad),
then trains a two-layer ReLU network (N=64, D_in=1000, H=100, D_out=10) by gradient descent
on random data, with gradients from ``loss.backward()``, showing the loss on a progress line.
With matplotlib installed (``pip install "arraygrad[demo]"``) it also saves the loss curve
as a PNG.

    python -m arraygrad.demo                        # the default backend (NumPy)
    python -m arraygrad.demo --device cuda:0        # CuPy on the first GPU
    python -m arraygrad.demo --device torch:cpu --steps 200 --no-plot
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from typing import Any, TextIO

import arraygrad as ag

DEFAULT_PLOT = "arraygrad-demo-loss.png"


def chain_rule(device: Any = None, out: TextIO | None = None) -> ag.Tensor:
    """Print the seed's chain-rule example on ``device`` and return ``x.grad``."""
    out = sys.stdout if out is None else out
    x = ag.asarray([[1.0, 2.0], [3.0, 4.0]], device=device, requires_grad=True)
    y = 2 * x
    z = y**3
    result = ag.mean(z)
    result.backward()
    print("The chain rule by autograd: y = 2 x, z = y**3, out = mean(z)", file=out)
    print(f"x = {x!r}", file=out)
    print(f"out = {result!r}", file=out)
    print("out.backward() gives d out/dx = 6 x**2:", file=out)
    print(f"x.grad = {x.grad!r}", file=out)
    return x.grad


class Progress:
    """A one-line text progress bar, rewritten in place with ``\\r``."""

    def __init__(self, total: int, out: TextIO, width: int = 30) -> None:
        self.total = max(total, 1)
        self.out = out
        self.width = width
        # Every 1% on a terminal; every 10% when the output is a file or a pipe.
        tty = getattr(out, "isatty", lambda: False)()
        self.every = max(1, total // (100 if tty else 10))
        self.start = time.perf_counter()

    def update(self, step: int, loss: float) -> None:
        """Show step ``step`` (0-based) and its loss (every 1% or 10%, and at the end)."""
        done = step + 1
        if done % self.every and done != self.total:
            return
        filled = self.width * done // self.total
        bar = "#" * filled + "-" * (self.width - filled)
        elapsed = time.perf_counter() - self.start
        self.out.write(
            f"\r[{bar}] step {done:>{len(str(self.total))}}/{self.total}  "
            f"loss {loss:.4e}  {elapsed:.1f}s"
        )
        self.out.flush()

    def close(self) -> None:
        self.out.write("\n")
        self.out.flush()


def train(
    steps: int = 500,
    seed: int = 0,
    device: Any = None,
    n: int = 64,
    d_in: int = 1000,
    h: int = 100,
    d_out: int = 10,
    lr: float = 1e-6,
    out: TextIO | None = None,
) -> list[float]:
    """Train the two-layer net for ``steps`` steps; return the loss of each step."""
    out = sys.stdout if out is None else out
    gen = ag.random.Generator(seed)
    x = gen.standard_normal((n, d_in), device=device)
    y = gen.standard_normal((n, d_out), device=device)
    w1 = gen.standard_normal((d_in, h), device=device, requires_grad=True)
    w2 = gen.standard_normal((h, d_out), device=device, requires_grad=True)
    print(
        f"Training a two-layer ReLU net (N={n}, D_in={d_in}, H={h}, D_out={d_out}) "
        f"for {steps} steps on {x.device}, learning rate {lr:g}:",
        file=out,
    )
    bar = Progress(steps, out)
    history: list[float] = []
    for t in range(steps):
        y_pred = ag.clip(x @ w1, min=0.0) @ w2
        loss = ag.sum((y_pred - y) ** 2)
        history.append(float(loss))
        bar.update(t, history[-1])
        loss.backward()
        with ag.autograd.no_grad():
            w1 -= lr * w1.grad
            w2 -= lr * w2.grad
            w1.grad.zero_()
            w2.grad.zero_()
    bar.close()
    return history


def plot(history: list[float], path: str) -> None:
    """Save the loss curve (log scale) to ``path`` with matplotlib, without pyplot."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 4), layout="tight")
    ax = fig.subplots()
    ax.plot(range(len(history)), history)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss (sum of squares)")
    ax.set_title("arraygrad demo: two-layer net")
    fig.savefig(path, dpi=100)


def main(argv: list[str] | None = None) -> list[float]:
    """Run the demo with command-line arguments ``argv``; return the loss history."""
    parser = argparse.ArgumentParser(
        prog="python -m arraygrad.demo",
        description="The chain rule by autograd, then a two-layer net trained on random data.",
    )
    parser.add_argument(
        "--device",
        default=None,
        help="any arraygrad device: cpu, cuda:0 (CuPy), torch:cpu, array_api_strict... "
        "(default: the default device)",
    )
    parser.add_argument("--steps", type=int, default=500, help="training steps (default 500)")
    parser.add_argument("--seed", type=int, default=0, help="seed of data and weights (default 0)")
    parser.add_argument(
        "--plot", default=DEFAULT_PLOT, metavar="PATH",
        help=f"where to save the loss curve (default ./{DEFAULT_PLOT})",
    )  # fmt: skip
    parser.add_argument("--no-plot", action="store_true", help="do not save the loss curve")
    args = parser.parse_args(argv)
    if args.steps < 1:
        parser.error(f"--steps must be at least 1, got {args.steps}")

    out = sys.stdout
    print(f"arraygrad {ag.__version__}, array API standard {ag.__array_api_version__}", file=out)
    chain_rule(args.device, out)
    print(file=out)
    history = train(steps=args.steps, seed=args.seed, device=args.device, out=out)
    print(f"loss: {history[0]:.4e} at step 1, {history[-1]:.4e} at step {len(history)}", file=out)

    if not args.no_plot:
        if importlib.util.find_spec("matplotlib") is None:
            print(
                'matplotlib is not installed: no loss curve (pip install "arraygrad[demo]")',
                file=out,
            )
        else:
            plot(history, args.plot)
            print(f"loss curve saved to {args.plot}", file=out)
    return history


if __name__ == "__main__":
    main()
