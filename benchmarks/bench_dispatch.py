"""Overhead of arraygrad's dispatch on one small elementwise operation, gradients off.

Each operation runs on a (16,) float64 vector through arraygrad and through the backend
directly (array_api_compat.numpy, which arraygrad calls). The figure is the added time per
call: min over repeats of (arraygrad - backend). Target (issue 2): <= 1.5 us on NumPy.

    python benchmarks/bench_dispatch.py [--number N] [--repeat R]
"""

from __future__ import annotations

import argparse
import platform
import timeit

import array_api_compat.numpy as xp
import numpy as np

import arraygrad as ag

CASES = {
    "sin(x)": ("ag.sin(t)", "xp.sin(a)"),
    "exp(x)": ("ag.exp(t)", "xp.exp(a)"),
    "add(x, y)": ("ag.add(t, u)", "xp.add(a, b)"),
    "x + y": ("t + u", "a + b"),
    "x * 2.0": ("t * 2.0", "a * 2.0"),
    "x ** 3": ("t ** 3", "a ** 3"),
    "sum(x)": ("ag.sum(t)", "xp.sum(a)"),
    "x[3]": ("t[3]", "a[3]"),
}


def best(stmt: str, env: dict, number: int, repeat: int) -> float:
    """Return the best time of one call in microseconds."""
    times = timeit.repeat(stmt, globals=env, number=number, repeat=repeat)
    return min(times) / number * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    a, b = rng.random(16), rng.random(16)
    env = {"ag": ag, "xp": xp, "a": a, "b": b, "t": ag.asarray(a), "u": ag.asarray(b)}
    print(f"python {platform.python_version()}, numpy {np.__version__}, (16,) float64, gradients off")
    print(f"{'operation':<12} {'backend us':>11} {'arraygrad us':>13} {'added us':>9}")
    added = []
    for name, (ours, theirs) in CASES.items():
        if "sum" in ours and not hasattr(ag, "sum"):
            continue
        t_back = best(theirs, env, args.number, args.repeat)
        t_ours = best(ours, env, args.number, args.repeat)
        added.append(t_ours - t_back)
        print(f"{name:<12} {t_back:>11.3f} {t_ours:>13.3f} {t_ours - t_back:>9.3f}")
    print(f"max added: {max(added):.3f} us (target <= 1.5 us)")


if __name__ == "__main__":
    main()
