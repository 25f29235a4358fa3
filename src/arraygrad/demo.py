"""``python -m arraygrad.demo``: a first look at arraygrad (the full demo arrives with autograd).

It prints a small computation done through the array API namespace on the default backend,
the same code run on every other backend installed here, and the devices it found.
"""

from __future__ import annotations

import argparse
from typing import Any

import arraygrad as ag


def computation(xp: Any, x: Any) -> Any:
    """Return mean((2 x) ** 3): plain array-API code, written once for any namespace."""
    z = (2 * x) ** 3
    return xp.mean(z)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default=None, help="e.g. cpu, cuda:0, torch:cpu")
    args = parser.parse_args(argv)
    x = ag.asarray([[1.0, 2.0], [3.0, 4.0]], device=args.device)
    print(f"arraygrad {ag.__version__}, array API standard {ag.__array_api_version__}")
    print(f"x = {x!r}")
    print(f"mean((2 * x) ** 3) = {float(computation(ag, x))}")
    print("devices:", ", ".join(str(d) for d in ag.__array_namespace_info__().devices()))


if __name__ == "__main__":
    main()
