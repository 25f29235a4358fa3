"""Rules of the elementwise functions (and operators).

Complex inputs follow PyTorch's convention: the gradient passed back is the conjugate
Wirtinger derivative, ``grad_in = grad_out * conj(f'(z))`` for holomorphic ``f``; the
non-holomorphic functions (abs, sign, real, imag, conj) use PyTorch's formulas. Choices at
kinks, ties and poles follow PyTorch's ``derivatives.yaml`` and are written in each rule's
``notes``.

These rules are on the hot path of every elementwise chain: each one reads only what it
saved, skips the gradients no input needs, prefers the output where it is cheaper, and
tests for complex dtypes with identity checks (``conj`` is never called on real arrays).
"""

from __future__ import annotations

import cmath
import math
from typing import Any

from ... import _dtypes
from .._registry import Domain, nondifferentiable, rule

D = Domain
_ANY = D()

_C64 = _dtypes.complex64
_C128 = _dtypes.complex128
_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_INTEGERS = tuple(float(i) for i in range(-4, 5))
_HALVES = tuple(i + 0.5 for i in range(-4, 4))


def _is_complex(dt: Any) -> bool:
    """Whether an input's arraygrad dtype (``ctx.dtypes[i]``) is complex."""
    return dt is _C128 or dt is _C64


def _complex_out(ctx: Any) -> bool:
    """Whether the output of a binary function is complex (an input is complex)."""
    d1, d2 = ctx.dtypes
    if d1 is _C128 or d1 is _C64 or d2 is _C128 or d2 is _C64:
        return True
    return any(type(a) is complex for a in ctx.inputs)


def _cj(xp: Any, a: Any, dt: Any) -> Any:
    """conj of input ``a`` of dtype ``dt`` (None: a Python scalar); real values as they are."""
    if dt is None:
        return a.conjugate() if type(a) is complex else a
    return xp.conj(a) if dt is _C128 or dt is _C64 else a


# -- unary, holomorphic ----------------------------------------------------------------------
def _holomorphic(
    name: str,
    derivative: Any,
    *,
    saves_output: bool = False,
    domain: Domain = _ANY,
    notes: str = "",
) -> None:
    """Register ``name`` with ``grad = g * conj(derivative(xp, x, out))``."""

    @rule(name, saves=() if saves_output else (0,), saves_output=saves_output, domains=(domain,), notes=notes)
    def backward(xp: Any, ctx: Any, g: Any) -> Any:
        d = derivative(xp, ctx.inputs[0], ctx.output)
        dt = ctx.dtypes[0]
        if dt is _C128 or dt is _C64:
            d = xp.conj(d)
        return g * d


def _holomorphic_div(name: str, denominator: Any, *, saves_output: bool = False, domain: Domain = _ANY, notes: str = "") -> None:
    """Register ``name`` with ``grad = g / conj(denominator(xp, x, out))`` (one op fewer)."""

    @rule(name, saves=() if saves_output else (0,), saves_output=saves_output, domains=(domain,), notes=notes)
    def backward(xp: Any, ctx: Any, g: Any) -> Any:
        d = denominator(xp, ctx.inputs[0], ctx.output)
        dt = ctx.dtypes[0]
        if dt is _C128 or dt is _C64:
            d = xp.conj(d)
        return g / d


_holomorphic("sin", lambda xp, x, y: xp.cos(x))
_holomorphic("cos", lambda xp, x, y: -xp.sin(x))
_holomorphic("sinh", lambda xp, x, y: xp.cosh(x))
_holomorphic("cosh", lambda xp, x, y: xp.sinh(x))
_holomorphic("exp", lambda xp, x, y: y, saves_output=True)
_holomorphic(
    "reciprocal", lambda xp, x, y: -(y * y), saves_output=True, domain=D(avoid=(0.0,), gap=0.3),
    notes="1/x has a pole at 0: the gradient there is -inf/nan, as in PyTorch.",
)  # fmt: skip
_holomorphic_div(
    "asin", lambda xp, x, y: xp.sqrt(1 - x * x), domain=D(-0.9, 0.9),
    notes="Infinite at ±1 (as PyTorch); complex values follow the principal branch.",
)  # fmt: skip
_holomorphic_div(
    "atan", lambda xp, x, y: 1 + x * x, domain=D(avoid=(0.0,), gap=0.1),
    notes="Complex poles at ±i; the property test keeps the real part away from 0.",
)  # fmt: skip
_holomorphic_div(
    "asinh", lambda xp, x, y: xp.sqrt(x * x + 1), domain=D(avoid=(0.0,), gap=0.1),
    notes="Complex branch points at ±i; the property test keeps the real part away from 0.",
)  # fmt: skip
_holomorphic_div("atanh", lambda xp, x, y: 1 - x * x, domain=D(-0.9, 0.9), notes="Infinite at ±1, as PyTorch.")
_holomorphic_div("log", lambda xp, x, y: x, domain=D(0.1, 5.0), notes="1/x: infinite at 0, as PyTorch.")
_holomorphic_div("log1p", lambda xp, x, y: x + 1, domain=D(-0.9, 4.0), notes="Infinite at -1, as PyTorch.")
_holomorphic_div("log2", lambda xp, x, y: x * _LN2, domain=D(0.1, 5.0))
_holomorphic_div("log10", lambda xp, x, y: x * _LN10, domain=D(0.1, 5.0))


# The hot ones, written out: array-array operations only (a NumPy operation with a Python
# scalar operand costs about twice one between two arrays on small arrays).
def _out_conj(xp: Any, ctx: Any) -> Any:
    y = ctx.output
    dt = ctx.dtypes[0]
    return xp.conj(y) if dt is _C128 or dt is _C64 else y


@rule("tanh", saves_output=True, domains=(D(),), notes="Uses the output: g (1 - tanh²).")
def _tanh(xp: Any, ctx: Any, g: Any) -> Any:
    y = _out_conj(xp, ctx)
    return g - (g * y) * y


@rule("tan", saves_output=True, domains=(D(-1.4, 1.4),), notes="Uses the output: g (1 + tan²).")
def _tan(xp: Any, ctx: Any, g: Any) -> Any:
    y = _out_conj(xp, ctx)
    return g + (g * y) * y


@rule("expm1", saves_output=True, domains=(D(),), notes="Uses the output: g (expm1(x) + 1).")
def _expm1(xp: Any, ctx: Any, g: Any) -> Any:
    return g * _out_conj(xp, ctx) + g


@rule(
    "sqrt",
    saves_output=True,
    domains=(D(0.1, 5.0),),
    notes="Uses the output: g / (2 sqrt(x)); infinite at 0, as PyTorch.",
)
def _sqrt(xp: Any, ctx: Any, g: Any) -> Any:
    y = _out_conj(xp, ctx)
    return g / (y + y)


@rule("square", saves=(0,), domains=(D(),), notes="2 g x̄.")
def _square(xp: Any, ctx: Any, g: Any) -> Any:
    t = g * _cj(xp, ctx.inputs[0], ctx.dtypes[0])
    return t + t


@rule("acos", saves=(0,), domains=(D(-0.9, 0.9),), notes="Infinite at ±1, as PyTorch.")
def _acos(xp: Any, ctx: Any, g: Any) -> Any:
    (x,) = ctx.inputs
    d = xp.sqrt(1 - x * x)
    if _is_complex(ctx.dtypes[0]):
        d = xp.conj(d)
    return -g / d


@rule(
    "acosh",
    saves=(0,),
    domains=(D(1.2, 4.0),),
    notes="Real: g / sqrt(x² - 1); complex: g / conj(sqrt(z + 1) sqrt(z - 1)) (the product "
    "keeps the principal branch, as PyTorch). Infinite at 1.",
)
def _acosh(xp: Any, ctx: Any, g: Any) -> Any:
    (x,) = ctx.inputs
    if _is_complex(ctx.dtypes[0]):
        return g / xp.conj(xp.sqrt(x + 1) * xp.sqrt(x - 1))
    return g / xp.sqrt(x * x - 1)


# -- unary, non-holomorphic or piecewise ------------------------------------------------------
@rule("negative", domains=(D(),))
def _negative(xp: Any, ctx: Any, g: Any) -> Any:
    return -g


@rule("positive", domains=(D(),))
def _positive(xp: Any, ctx: Any, g: Any) -> Any:
    return g


@rule("conj", domains=(D(),), notes="g̅ (PyTorch's conj backward); the identity on real inputs.")
def _conj(xp: Any, ctx: Any, g: Any) -> Any:
    return xp.conj(g) if _is_complex(ctx.dtypes[0]) else g


@rule("real", domains=(D(),), notes="The real gradient becomes the real part of the input's gradient (imaginary part 0).")
def _real(xp: Any, ctx: Any, g: Any) -> Any:
    # The engine casts g to the input's complex dtype.
    return g


def _imag_sample(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    """imag of complex inputs only (the standard defines it for complex dtypes)."""
    import arraygrad as ag
    from arraygrad.testing.strategies import array_from_domain, small_shapes

    x = array_from_domain(draw, draw(small_shapes()), _ANY, ag.complex128, device)
    return ag.imag, (x,)


@rule("imag", sample=_imag_sample, notes="Complex input: the gradient is 1j * g; a real input (imag is 0) gets zeros.")
def _imag(xp: Any, ctx: Any, g: Any) -> Any:
    dt = ctx.dtypes[0]
    if _is_complex(dt):
        return xp.astype(g, getattr(xp, dt.name)) * 1j
    return xp.zeros_like(g)


@rule(
    "abs",
    saves=(0,),
    domains=(D(avoid=(0.0,), gap=0.1),),
    notes="g * sgn(x) with sgn(z) = z / |z| for complex z; the gradient at 0 is 0 (PyTorch).",
)
def _abs(xp: Any, ctx: Any, g: Any) -> Any:
    (x,) = ctx.inputs
    if _is_complex(ctx.dtypes[0]):
        a = xp.abs(x)
        return g * (x / xp.where(a == 0, 1.0, a))
    return g * xp.sign(x)


@rule(
    "sign",
    saves=(0,),
    domains=(D(avoid=(0.0,), gap=0.1),),
    notes="Real: zero gradient (piecewise constant). Complex sign(z) = z/|z|: PyTorch's sgn "
    "backward (g - s Re(g s̄)) / |z|, 0 at z = 0.",
)
def _sign(xp: Any, ctx: Any, g: Any) -> Any:
    (x,) = ctx.inputs
    if not _is_complex(ctx.dtypes[0]):
        return xp.zeros_like(g)
    a = xp.abs(x)
    zero = a == 0
    safe = xp.where(zero, 1.0, a)
    s = x / safe
    return xp.where(zero, 0.0, (g - s * xp.real(g * xp.conj(s))) / safe)


def _zero_unary(xp: Any, ctx: Any, g: Any) -> Any:
    return xp.zeros_like(g)


for _name, _avoid in (("floor", _INTEGERS), ("ceil", _INTEGERS), ("trunc", _INTEGERS)):
    rule(
        _name,
        domains=(D(avoid=_avoid, gap=0.05),),
        complex_inputs=False,
        notes="Piecewise constant: zero gradient everywhere (PyTorch), also at the jumps.",
    )(_zero_unary)


def _round_sample(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    """round away from its jumps, also in the imaginary part of complex inputs."""
    import arraygrad as ag
    from arraygrad.testing.strategies import array_from_domain, small_shapes

    shape = draw(small_shapes())
    domain = D(avoid=_HALVES, gap=0.05)
    x = array_from_domain(draw, shape, domain, ag.float64, device, requires_grad=False)
    if dtype in (ag.complex64, ag.complex128):
        y = array_from_domain(draw, shape, D(-1.0, 1.0, avoid=_HALVES, gap=0.05), ag.float64, device, requires_grad=False)
        x = x + y * 1j
    return ag.round, (ag.asarray(ag.astype(x, dtype), requires_grad=True),)


rule(
    "round",
    sample=_round_sample,
    notes="Piecewise constant: zero gradient everywhere (PyTorch), also at the jumps.",
)(_zero_unary)


# -- binary -----------------------------------------------------------------------------------
@rule("add", domains=(D(), D()))
def _add(xp: Any, ctx: Any, g: Any) -> Any:
    return g, g


@rule("subtract", domains=(D(), D()))
def _subtract(xp: Any, ctx: Any, g: Any) -> Any:
    return g, (-g if ctx.needs[1] else None)


@rule("multiply", saves=(0, 1), needed_by={0: (1,), 1: (0,)}, domains=(D(), D()))
def _multiply(xp: Any, ctx: Any, g: Any) -> Any:
    x1, x2 = ctx.inputs
    n1, n2 = ctx.needs
    d1, d2 = ctx.dtypes
    return (g * _cj(xp, x2, d2) if n1 else None), (g * _cj(xp, x1, d1) if n2 else None)


@rule(
    "divide",
    saves=(1,),
    saves_output=True,
    domains=(D(), D(avoid=(0.0,), gap=0.3)),
    notes="Uses the output: d/dx2 = -g conj(out / x2). Division by 0 gives inf/nan, as PyTorch.",
)
def _divide(xp: Any, ctx: Any, g: Any) -> Any:
    x2 = ctx.inputs[1]
    n1, n2 = ctx.needs
    g1 = g / _cj(xp, x2, ctx.dtypes[1])
    if not n2:
        return g1, None
    out = ctx.output
    if _complex_out(ctx):
        out = xp.conj(out)
    return (g1 if n1 else None), -(g1 * out)


def _pow_sample(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    """pow with tensor or Python-scalar exponents and bases, negative bases, zero bases."""
    from hypothesis import strategies as st

    import arraygrad as ag
    from arraygrad.testing.strategies import array_from_domain, broadcastable_pair, small_shapes

    case = draw(st.sampled_from(["tensors", "int_exponent", "float_exponent", "scalar_base", "negative_base", "zero_base"]))
    is_complex = dtype in (ag.complex64, ag.complex128)
    if case == "tensors":
        s1, s2 = draw(broadcastable_pair())
        x1 = array_from_domain(draw, s1, D(0.1, 3.0), dtype, device)
        x2 = array_from_domain(draw, s2, D(-2.0, 2.0), dtype, device)
        return ag.pow, (x1, x2)
    shape = draw(small_shapes())
    if case == "int_exponent":
        # Integer powers are defined (and holomorphic) for negative and complex bases; x**0.
        e = draw(st.integers(-2, 3))
        x = array_from_domain(draw, shape, D(-3.0, 3.0, avoid=(0.0,), gap=0.3), dtype, device)
        return (lambda a: a**e), (x,)
    if case == "float_exponent":
        e = draw(st.sampled_from([0.5, -0.5, 1.5, 2.0, 0.0, -1.0]))
        x = array_from_domain(draw, shape, D(0.2, 3.0), dtype, device)
        return (lambda a: ag.pow(a, e)), (x,)
    if case == "scalar_base":
        b = draw(st.sampled_from([0.5, 2.0, math.e, 3.0] + ([1.5 + 0.5j] if is_complex else [])))
        y = array_from_domain(draw, shape, D(-2.0, 2.0), dtype, device)
        return (lambda a: ag.pow(b, a)), (y,)
    if case == "negative_base":
        # A real negative base with an integer-valued float exponent tensor: the gradient of
        # the base is finite (the exponent's is nan, as in PyTorch, so it is not checked).
        x = array_from_domain(draw, shape, D(-3.0, -0.3), dtype, device)
        e = ag.asarray(float(draw(st.integers(-2, 3))), dtype=dtype, device=device)
        return ag.pow, (x, e)
    # zero_base: x == 0 with exponents >= 0: the exponent's gradient is masked to 0 (real
    # only: 0 ** z for complex z is nan in NumPy once z leaves the real axis).
    dtype = ag.float64
    x = ag.zeros(shape, dtype=dtype, device=device)
    y = array_from_domain(draw, shape, D(0.5, 2.0), dtype, device)
    return ag.pow, (x, y)


@rule(
    "pow",
    saves=(0, 1),
    sample=_pow_sample,
    notes="Base: g conj(y x^(y-1)), 0 where the exponent is 0 (also at x = 0, as PyTorch). "
    "Exponent: g conj(x^y log x), 0 where x == 0 and the exponent is real and >= 0 "
    "(PyTorch's mask); negative real bases give nan there, as PyTorch. The output is "
    "recomputed when the exponent needs a gradient (so x**2 saves nothing but x).",
)
def _pow(xp: Any, ctx: Any, g: Any) -> Any:
    x1, x2 = ctx.inputs
    n1, n2 = ctx.needs
    d1, d2 = ctx.dtypes
    cplx = _complex_out(ctx)
    g1 = g2 = None
    if n1:
        if d2 is None:  # a Python scalar exponent
            if x2 == 0:
                g1 = xp.zeros_like(g)
            else:
                if x2 == 2:
                    t = g * (xp.conj(x1) if cplx else x1)
                    g1 = t + t
                else:
                    d = x2 * x1 ** (x2 - 1)
                    g1 = g * (xp.conj(d) if cplx else d)
        else:
            # PyTorch masks every y == 0; masking only where x == 0 too (where the formula is
            # 0 * inf) gives the same values and keeps the second derivative in y right.
            d = xp.where((x2 == 0) & (x1 == 0), 0.0, x2 * x1 ** (x2 - 1))
            g1 = g * (xp.conj(d) if cplx else d)
    if n2:
        out = x1**x2
        if d1 is None:  # a Python scalar base
            if x1 == 0:
                # 0**y: 0 for y > 0 (masked, with y == 0), inf for y < 0 (PyTorch: -inf).
                mask = (xp.real(x2) >= 0) & (xp.imag(x2) == 0) if cplx else x2 >= 0
                return None, g * xp.where(mask, 0.0, -math.inf)
            if cplx or type(x1) is complex:
                logx = cmath.log(x1)
                logx = logx.conjugate()
                return None, g * (xp.conj(out) * logx)
            logx = math.log(x1) if x1 > 0 else math.nan
            return None, g * (out * logx)
        if _is_complex(d2):
            real_exp = (xp.real(x2) >= 0) & (xp.imag(x2) == 0)
        else:
            real_exp = x2 >= 0
        d = out * xp.log(xp.where((x1 == 0) & real_exp, 1.0, x1))
        g2 = g * (xp.conj(d) if cplx else d)
    return g1, g2


@rule(
    "atan2",
    saves=(0, 1),
    domains=(D(avoid=(0.0,), gap=0.1), D(avoid=(0.0,), gap=0.1)),
    complex_inputs=False,
    notes="g x2 / (x1² + x2²) and -g x1 / (x1² + x2²); nan at the origin, as PyTorch.",
)
def _atan2(xp: Any, ctx: Any, g: Any) -> Any:
    x1, x2 = ctx.inputs
    n1, n2 = ctx.needs
    gr = g / (x1 * x1 + x2 * x2)
    return (gr * x2 if n1 else None), (-(gr * x1) if n2 else None)


@rule(
    "copysign",
    saves=(0,),
    saves_output=True,
    domains=(D(avoid=(0.0,), gap=0.1), D(avoid=(0.0,), gap=0.1)),
    complex_inputs=False,
    notes="x1: g * sign(x1) * sign(out) (±g), 0 where x1 == 0 (PyTorch); x2: zero gradient.",
)
def _copysign(xp: Any, ctx: Any, g: Any) -> Any:
    n1, n2 = ctx.needs
    g1 = g * (xp.sign(ctx.inputs[0]) * xp.sign(ctx.output)) if n1 else None
    return g1, (xp.zeros_like(g) if n2 else None)


def _floor_divide_sample(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    return _quotient_sample(draw, dtype, device, "floor_divide")


def _remainder_sample(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    return _quotient_sample(draw, dtype, device, "remainder")


def _quotient_sample(draw: Any, dtype: Any, device: Any, name: str) -> tuple[Any, tuple[Any, ...]]:
    """x1, x2 whose quotients x1/x2 stay away from integers (where floor jumps)."""
    import numpy as np
    from hypothesis import strategies as st

    import arraygrad as ag
    from arraygrad.testing.strategies import broadcastable_pair

    s1, s2 = draw(broadcastable_pair())
    # One magnitude c for x2, signs per element: x1 = c (k + f), f in [0.1, 0.9], stays
    # away from multiples of c whatever x2 element it meets.
    c = draw(st.floats(0.5, 2.0))
    n2 = int(np.prod(s2)) if s2 else 1
    signs = np.array(draw(st.lists(st.sampled_from([-1.0, 1.0]), min_size=n2, max_size=n2))).reshape(s2)
    n1 = int(np.prod(s1)) if s1 else 1
    k = np.array(draw(st.lists(st.integers(-2, 2), min_size=n1, max_size=n1)), dtype=np.float64)
    f = np.array(draw(st.lists(st.floats(0.1, 0.9), min_size=n1, max_size=n1)))
    x1 = (c * (k + f)).reshape(s1)
    a = ag.asarray(x1, dtype=dtype, device=device, requires_grad=True)
    b = ag.asarray(c * signs, dtype=dtype, device=device, requires_grad=True)
    return getattr(ag, name), (a, b)


@rule(
    "floor_divide",
    sample=_floor_divide_sample,
    complex_inputs=False,
    notes="Piecewise constant: zero gradient for both inputs (PyTorch raises 'not implemented').",
)
def _floor_divide(xp: Any, ctx: Any, g: Any) -> Any:
    n1, n2 = ctx.needs
    z = xp.zeros_like(g)
    return (z if n1 else None), (z if n2 else None)


@rule(
    "remainder",
    saves=(0, 1),
    sample=_remainder_sample,
    complex_inputs=False,
    notes="x1: g; x2: -g * floor_divide(x1, x2) (PyTorch). At the jumps (x1/x2 an integer) the "
    "one-sided value of the formula is used.",
)
def _remainder(xp: Any, ctx: Any, g: Any) -> Any:
    x1, x2 = ctx.inputs
    n1, n2 = ctx.needs
    return (g if n1 else None), (-(g * xp.floor_divide(x1, x2)) if n2 else None)


@rule(
    "hypot",
    saves=(0, 1),
    saves_output=True,
    domains=(D(avoid=(0.0,), gap=0.1), D(avoid=(0.0,), gap=0.1)),
    complex_inputs=False,
    notes="g x1 / out and g x2 / out; nan at the origin, as PyTorch.",
)
def _hypot(xp: Any, ctx: Any, g: Any) -> Any:
    x1, x2 = ctx.inputs
    n1, n2 = ctx.needs
    gr = g / ctx.output
    return (gr * x1 if n1 else None), (gr * x2 if n2 else None)


@rule(
    "logaddexp",
    saves=(0, 1),
    domains=(D(), D()),
    complex_inputs=False,
    notes="g / (1 + exp(x2 - x1)) and g / (1 + exp(x1 - x2)), as PyTorch (no overflow).",
)
def _logaddexp(xp: Any, ctx: Any, g: Any) -> Any:
    x1, x2 = ctx.inputs
    n1, n2 = ctx.needs
    return (
        (g / (1 + xp.exp(x2 - x1)) if n1 else None),
        (g / (1 + xp.exp(x1 - x2)) if n2 else None),
    )


def _apart_sample(name: str) -> Any:
    """A sampler of ``name(x1, x2)`` whose arguments never tie (x1 == x2 is a kink)."""

    def sample(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
        import numpy as np
        from hypothesis import strategies as st

        import arraygrad as ag
        from arraygrad.testing.strategies import broadcastable_pair

        def grid(shape: tuple[int, ...], offset: float) -> Any:
            n = int(np.prod(shape)) if shape else 1
            k = draw(st.lists(st.integers(-15, 14), min_size=n, max_size=n))
            # x1 on 0.2 Z + 0.05, x2 on 0.2 Z + 0.15: always at least 0.1 apart.
            return (np.array(k, dtype=np.float64) * 0.2 + offset).reshape(shape)

        fn = getattr(ag, name)
        s1, s2 = draw(broadcastable_pair())
        x1 = ag.asarray(grid(s1, 0.05), dtype=dtype, device=device, requires_grad=True)
        if draw(st.booleans()) and draw(st.booleans()):
            c = draw(st.sampled_from([0.0, 1.0, -0.5]))  # e.g. maximum(x, 0.0)
            return (lambda a: fn(a, c)), (x1,)
        x2 = ag.asarray(grid(s2, 0.15), dtype=dtype, device=device, requires_grad=True)
        return fn, (x1, x2)

    return sample


def _extremum(name: str, lose1: Any, lose2: Any) -> None:
    @rule(
        name,
        saves=(0, 1),
        sample=_apart_sample(name),
        complex_inputs=False,
        notes="Ties split the gradient evenly (g/2 to each input), as PyTorch (the central "
        "difference there); a NaN input gives g to both. The property test keeps the inputs "
        "apart (the gradient jumps at ties, so second order fails there).",
    )
    def backward(xp: Any, ctx: Any, g: Any) -> Any:
        x1, x2 = ctx.inputs
        n1, n2 = ctx.needs
        w = xp.where(x1 == x2, g * 0.5, g)
        return (
            (xp.where(lose1(x1, x2), 0.0, w) if n1 else None),
            (xp.where(lose2(x1, x2), 0.0, w) if n2 else None),
        )


_extremum("maximum", lambda a, b: a < b, lambda a, b: a > b)
_extremum("minimum", lambda a, b: a > b, lambda a, b: a < b)


@rule(
    "nextafter",
    saves=(0, 1),
    sample=_apart_sample("nextafter"),
    complex_inputs=False,
    notes="nextafter(x1, x2) is x1 moved by one ulp: x1 gets g where x1 != x2 and 0 where "
    "they are equal (the output is then x2); x2 gets a zero gradient, as PyTorch. (Central "
    "differences in x1 give 1 at ties too; the property test keeps the inputs apart.)",
)
def _nextafter(xp: Any, ctx: Any, g: Any) -> Any:
    x1, x2 = ctx.inputs
    n1, n2 = ctx.needs
    return (xp.where(x1 != x2, g, 0.0) if n1 else None), (xp.zeros_like(g) if n2 else None)


def _clip_sample(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    """clip with each bound None, a Python float or a tensor broadcasting to x."""
    import numpy as np
    from hypothesis import strategies as st

    import arraygrad as ag
    from arraygrad.testing.strategies import small_shapes

    shape = draw(small_shapes(min_dims=1))
    n = int(np.prod(shape))
    xv = np.array(draw(st.lists(st.floats(-3.0, 3.0), min_size=n, max_size=n))).reshape(shape)
    swapped = draw(st.booleans()) and draw(st.booleans())  # min > max: the output is max

    def bound(lo: float, hi: float) -> Any:
        kind = draw(st.sampled_from(["none", "scalar", "tensor"]))
        if kind == "none":
            return None, None
        if kind == "scalar":
            v = draw(st.floats(lo, hi))
            return v, np.full(shape, v)
        cut = draw(st.integers(0, len(shape)))
        bshape = tuple(1 if draw(st.booleans()) else s for s in shape[cut:])
        m = int(np.prod(bshape)) if bshape else 1
        vals = np.array(draw(st.lists(st.floats(lo, hi), min_size=m, max_size=m))).reshape(bshape)
        return vals, np.broadcast_to(vals, shape)

    lo, lo_full = bound(0.5, 2.0) if swapped else bound(-2.0, -0.5)
    hi, hi_full = bound(-2.0, -0.5) if swapped else bound(0.5, 2.0)
    # Keep x away from the bounds (the kinks); the bounds are 1 or more apart.
    for full in (lo_full, hi_full):
        if full is not None:
            xv = np.where(np.abs(xv - full) < 0.1, full + 0.2, xv)
    args = [ag.asarray(xv, dtype=dtype, device=device, requires_grad=True)]
    for b in (lo, hi):
        if isinstance(b, np.ndarray):
            b = ag.asarray(b, dtype=dtype, device=device, requires_grad=True)
        args.append(b)
    tensors = tuple(a for a in args if isinstance(a, ag.Tensor))
    index = [i for i, a in enumerate(args) if isinstance(a, ag.Tensor)]

    def fn(*ts: Any) -> Any:
        full_args = list(args)
        for i, t in zip(index, ts, strict=True):
            full_args[i] = t
        return ag.clip(full_args[0], full_args[1], full_args[2])

    return fn, tensors


@rule(
    "clip",
    saves=(0, 1, 2),
    sample=_clip_sample,
    complex_inputs=False,
    notes="As PyTorch's clamp: x gets g where min <= x <= max (also at equality); min gets g "
    "where x < min < max; max gets g where x > max or max < min (the output is then max).",
)
def _clip(xp: Any, ctx: Any, g: Any) -> Any:
    x, lo, hi = ctx.inputs
    nx, nlo, nhi = ctx.needs
    gx = glo = ghi = None
    if nx:
        if lo is None and hi is None:
            gx = g
        else:
            if lo is None:
                inside = x <= hi
            elif hi is None:
                inside = x >= lo
            else:
                inside = (x >= lo) & (x <= hi)
            gx = xp.where(inside, g, 0.0)
    if nlo:
        below = x < lo if hi is None else (x < lo) & (lo < hi)
        glo = xp.where(below, g, 0.0)
    if nhi:
        above = x > hi if lo is None else (x > hi) | (hi < lo)
        ghi = xp.where(above, g, 0.0)
    return gx, glo, ghi


nondifferentiable(
    ["equal", "not_equal", "greater", "greater_equal", "less", "less_equal", "isfinite",
     "isinf", "isnan", "signbit", "logical_and", "logical_or", "logical_xor", "logical_not",
     "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_invert", "bitwise_left_shift",
     "bitwise_right_shift"],
    "boolean or integer results",
)  # fmt: skip
