"""Rules of the elementwise functions (and operators).

Complex inputs follow PyTorch's convention: the gradient passed back is the conjugate
Wirtinger derivative, ``grad_in = grad_out * conj(f'(z))`` for holomorphic ``f``.
"""

from __future__ import annotations

from typing import Any

from .._registry import Domain, conj, nondifferentiable, rule

D = Domain


def _holomorphic(name: str, derivative: Any, *, saves_output: bool = False, domain: Domain = D()) -> None:
    """Register ``name`` with ``grad = g * conj(derivative(xp, x, out))``."""

    @rule(name, saves=() if saves_output else (0,), saves_output=saves_output, domains=(domain,))
    def backward(xp: Any, ctx: Any, g: Any) -> Any:
        (x,) = ctx.inputs
        return g * conj(xp, derivative(xp, x, ctx.output))


_holomorphic("sin", lambda xp, x, y: xp.cos(x))
_holomorphic("cos", lambda xp, x, y: -xp.sin(x))
_holomorphic("exp", lambda xp, x, y: y, saves_output=True)
_holomorphic("tanh", lambda xp, x, y: 1 - y * y, saves_output=True)
_holomorphic("log", lambda xp, x, y: 1 / x, domain=D(0.1, 5.0))
_holomorphic("sqrt", lambda xp, x, y: 0.5 / y, saves_output=True, domain=D(0.1, 5.0))


@rule("add", domains=(D(), D()))
def _add(xp: Any, ctx: Any, g: Any) -> Any:
    return g, g


@rule("subtract", domains=(D(), D()))
def _subtract(xp: Any, ctx: Any, g: Any) -> Any:
    return g, -g


@rule("multiply", saves=(0, 1), domains=(D(), D()))
def _multiply(xp: Any, ctx: Any, g: Any) -> Any:
    x1, x2 = ctx.inputs
    n1, n2 = ctx.needs
    return (g * conj(xp, x2) if n1 else None), (g * conj(xp, x1) if n2 else None)


@rule("divide", saves=(0, 1), domains=(D(), D(avoid=(0.0,), gap=0.3)))
def _divide(xp: Any, ctx: Any, g: Any) -> Any:
    x1, x2 = ctx.inputs
    n1, n2 = ctx.needs
    g1 = g / conj(xp, x2)
    return (g1 if n1 else None), (-g1 * conj(xp, x1 / x2) if n2 else None)


@rule("negative")
def _negative(xp: Any, ctx: Any, g: Any) -> Any:
    return -g


@rule("positive")
def _positive(xp: Any, ctx: Any, g: Any) -> Any:
    return g


@rule("pow", saves=(0, 1), saves_output=True, domains=(D(0.1, 3.0), D(-2.0, 2.0)))
def _pow(xp: Any, ctx: Any, g: Any) -> Any:
    x1, x2 = ctx.inputs
    out = ctx.output
    n1, n2 = ctx.needs
    g1 = g2 = None
    if n1:
        g1 = g * conj(xp, x2 * x1 ** (x2 - 1)) if not isinstance(x2, (int, float)) or x2 != 0 else g * 0
    if n2:
        # Note: d/dy x**y = x**y log x; at x == 0 PyTorch gives 0 where y >= 0 (masked).
        logx = xp.log(xp.where(x1 == 0, xp.ones_like(x1), x1)) if hasattr(x1, "dtype") else __import__("math").log(x1) if x1 != 0 else 0.0
        g2 = g * conj(xp, out * logx)
    return g1, g2


nondifferentiable(
    ["equal", "not_equal", "greater", "greater_equal", "less", "less_equal", "isfinite",
     "isinf", "isnan", "signbit", "logical_and", "logical_or", "logical_xor", "logical_not",
     "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_invert", "bitwise_left_shift",
     "bitwise_right_shift"],
    "boolean or integer results",
)  # fmt: skip
