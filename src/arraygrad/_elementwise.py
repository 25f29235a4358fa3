"""Elementwise functions of the standard, generated from one table.

Each entry names a function, the dtype category its inputs must have, and, where the
backend's result is wrong or missing, the arraygrad implementation that replaces it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import _dtypes
from ._backend import Backend, quiet
from ._dispatch import call, make_binary, make_unary, not_an_array
from ._tensor import Tensor

# -- fixes of backend results (each with a Note: why) -------------------------------------------


def _floor_divide(backend: Backend, x1: Any, x2: Any) -> Any:
    # Note: NumPy returns nan for finite // ±inf and ±inf // finite; the standard asks for
    # the sign-correct 0 / -0 and ±inf (what floor(x1 / x2) gives there).
    ns = backend.ns
    with quiet(backend):
        out = ns.floor_divide(x1, x2)
    dtype = getattr(out, "dtype", None)
    if dtype is None or not ns.isdtype(dtype, "real floating"):
        return out
    x1 = ns.asarray(x1, dtype=dtype) if not hasattr(x1, "dtype") else x1
    x2 = ns.asarray(x2, dtype=dtype) if not hasattr(x2, "dtype") else x2
    special = (ns.isinf(x1) | ns.isinf(x2)) & ~(ns.isnan(x1) | ns.isnan(x2))
    if not bool(ns.any(special)):
        return out
    with quiet(backend):
        return ns.where(special, ns.floor(ns.divide(x1, x2)), out)


def _tanh(backend: Backend, x: Any) -> Any:
    # Note: NumPy's complex tanh(±inf + iy) for finite y gives ±1 - 0j when sin(2y) < 0;
    # the standard asks for ±1 + 0j with the sign of y (tanh is conjugate-symmetric).
    ns = backend.ns
    out = ns.tanh(x)
    if not ns.isdtype(x.dtype, "complex floating"):
        return out
    re, im = ns.real(x), ns.imag(x)
    special = ns.isinf(re) & ns.isfinite(im)
    if not bool(ns.any(special)):
        return out
    one = ns.ones_like(re)
    fixed = _complex(ns, ns.where(re > 0, one, -one), ns.where(ns.signbit(im), -0.0 * one, 0.0 * one))
    return ns.where(special, fixed, out)


def _complex(ns: Any, re: Any, im: Any) -> Any:
    """Return re + i im as a complex array (the standard has no ``complex`` constructor)."""
    cdt = ns.complex64 if re.dtype == ns.float32 else ns.complex128
    j = ns.asarray(1j, dtype=cdt, device=_dev(re))
    return ns.astype(re, cdt) + ns.astype(im, cdt) * j


def _expm1(backend: Backend, x: Any) -> Any:
    # Note: NumPy's complex expm1 gives nan where the standard fixes values at infinities
    # (e.g. expm1(+inf + 0j) = +inf + 0j); exp(x) - 1 has the required special cases there.
    ns = backend.ns
    with quiet(backend):
        out = ns.expm1(x)
    if not ns.isdtype(x.dtype, "complex floating"):
        return out
    re, im = ns.real(x), ns.imag(x)
    special = ns.isinf(re) | ns.isinf(im) | ns.isnan(re) | ns.isnan(im)
    # Note: expm1(±0 + i0) must be +0 + i0 (NumPy gives -0 for a -0 real part).
    zero = (re == 0) & (im == 0)
    if not bool(ns.any(special | zero)):
        return out
    with quiet(backend):
        out = ns.where(special, ns.exp(x) - 1, out)
    return ns.where(zero, _complex(ns, ns.zeros_like(re), im), out)


# -- the table ------------------------------------------------------------------------------
# name: (category, fix). The category is a key of _dtypes.CATEGORIES.
UNARY: dict[str, tuple[str, Callable[..., Any] | None]] = {
    "abs": ("numeric", None),
    "acos": ("floating-point", None),
    "acosh": ("floating-point", None),
    "asin": ("floating-point", None),
    "asinh": ("floating-point", None),
    "atan": ("floating-point", None),
    "atanh": ("floating-point", None),
    "bitwise_invert": ("integer or boolean", None),
    "ceil": ("real numeric", None),
    "conj": ("numeric", None),
    "cos": ("floating-point", None),
    "cosh": ("floating-point", None),
    "exp": ("floating-point", None),
    "expm1": ("floating-point", _expm1),
    "floor": ("real numeric", None),
    "imag": ("complex floating-point", None),
    "isfinite": ("numeric", None),
    "isinf": ("numeric", None),
    "isnan": ("numeric", None),
    "log": ("floating-point", None),
    "log1p": ("floating-point", None),
    "log2": ("floating-point", None),
    "log10": ("floating-point", None),
    "logical_not": ("boolean", None),
    "negative": ("numeric", None),
    "positive": ("numeric", None),
    "real": ("numeric", None),
    "reciprocal": ("floating-point", None),
    "round": ("numeric", None),
    "sign": ("numeric", None),
    "signbit": ("real floating-point", None),
    "sin": ("floating-point", None),
    "sinh": ("floating-point", None),
    "sqrt": ("floating-point", None),
    "square": ("numeric", None),
    "tan": ("floating-point", None),
    "tanh": ("floating-point", _tanh),
    "trunc": ("real numeric", None),
}

BINARY: dict[str, tuple[str, Callable[..., Any] | None]] = {
    "add": ("numeric", None),
    "atan2": ("real floating-point", None),
    "bitwise_and": ("integer or boolean", None),
    "bitwise_left_shift": ("integer", None),
    "bitwise_or": ("integer or boolean", None),
    "bitwise_right_shift": ("integer", None),
    "bitwise_xor": ("integer or boolean", None),
    "copysign": ("real floating-point", None),
    "divide": ("floating-point", None),
    "equal": ("all", None),
    "floor_divide": ("real numeric", _floor_divide),
    "greater": ("real numeric", None),
    "greater_equal": ("real numeric", None),
    "hypot": ("real floating-point", None),
    "less": ("real numeric", None),
    "less_equal": ("real numeric", None),
    "logaddexp": ("real floating-point", None),
    "logical_and": ("boolean", None),
    "logical_or": ("boolean", None),
    "logical_xor": ("boolean", None),
    "maximum": ("real numeric", None),
    "minimum": ("real numeric", None),
    "multiply": ("numeric", None),
    "nextafter": ("real floating-point", None),
    "not_equal": ("all", None),
    "pow": ("numeric", None),
    "remainder": ("real numeric", None),
    "subtract": ("numeric", None),
}


def _make_unary(name: str, category: str, fix: Callable[..., Any] | None) -> Callable[..., Tensor]:
    fn = make_unary(name, fix, _dtypes.CATEGORIES[category], category)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Return ``{name}`` of each element of ``x`` ({category} dtypes)."
    return fn


def _make_binary(name: str, category: str, fix: Callable[..., Any] | None) -> Callable[..., Tensor]:
    fn = make_binary(name, fix, _dtypes.CATEGORIES[category], category)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (
        f"Return ``{name}`` of the elements of ``x1`` and ``x2``, broadcast together "
        f"({category} dtypes; one of them may be a Python scalar)."
    )
    return fn


for _name, (_category, _fix) in UNARY.items():
    globals()[_name] = _make_unary(_name, _category, _fix)
for _name, (_category, _fix) in BINARY.items():
    globals()[_name] = _make_binary(_name, _category, _fix)


def clip(
    x: Tensor,
    /,
    min: Tensor | int | float | None = None,
    max: Tensor | int | float | None = None,
) -> Tensor:
    """Return ``x`` with each element limited to [min, max] (real numeric dtypes)."""
    if not isinstance(x, Tensor):
        raise not_an_array("clip", x)
    dt = x.dtype
    if dt not in _dtypes.REAL_NUMERIC:
        raise TypeError(f"clip: expected a real numeric dtype, got {dt.name}")
    for bound in (min, max):
        if isinstance(bound, Tensor):
            if bound.dtype.kind != dt.kind and not (
                bound.dtype in _dtypes.INTEGER and dt in _dtypes.INTEGER
            ):
                raise TypeError(f"clip: bounds of dtype {bound.dtype.name} do not fit a {dt.name} tensor")
        elif bound is not None:
            if isinstance(bound, bool) or not isinstance(bound, (int, float)):
                raise TypeError(f"clip: bounds must be Tensors, real Python scalars or None, got {bound!r}")
            if isinstance(bound, float) and dt in _dtypes.INTEGER:
                raise TypeError("clip: a Python float bound does not combine with an integer tensor")
    return call("clip", (x, min, max), {}, impl=_clip_impl)


def _clip_impl(backend: Backend, x: Any, lo: Any, hi: Any) -> Any:
    # Note: x, min and max broadcast together (2025.12); a NaN bound gives NaN. Python-int
    # bounds outside an integer dtype's range are clamped to it (the standard leaves them
    # unspecified).
    ns = backend.ns
    floating = ns.isdtype(x.dtype, "real floating")
    out = x
    for bound, beyond in ((lo, ns.less), (hi, ns.greater)):
        if bound is None:
            continue
        if not hasattr(bound, "dtype"):
            if not floating:
                info = ns.iinfo(x.dtype)
                bound = min(max(bound, info.min), info.max)
            bound = ns.asarray(bound, dtype=x.dtype, device=_dev(x))
        elif bound.dtype != x.dtype:
            bound = ns.astype(bound, x.dtype)
        take = beyond(out, bound)
        if floating:
            take = take | ns.isnan(bound)
        out = ns.where(take, bound, out)
    return ns.asarray(x, copy=True) if out is x else out


def _dev(x: Any) -> Any:
    import array_api_compat

    return array_api_compat.device(x)


__all__ = sorted([*UNARY, *BINARY, "clip"])
