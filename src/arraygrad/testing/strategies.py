"""Hypothesis strategies for arraygrad tensors, on any backend.

The strategies are built on Hypothesis' own array-API strategies,
``hypothesis.extra.array_api.make_strategies_namespace(arraygrad)`` (exported here as
``xps``), so a tensor is drawn with the standard's functions and then moved to the device
asked for: NumPy, array-api-strict, torch, CuPy... whatever backend arraygrad runs on.

Values come from a :class:`~arraygrad.autograd.Domain`: bounds on the real part, points to
keep away from (kinks, poles, ties) and structured matrices (symmetric positive definite,
well conditioned, distinct eigenvalues). ``bounded``, ``positive``, ``away_from``,
``symmetric_positive_definite``, ``well_conditioned`` and ``distinct_eigenvalues`` build
those domains; :func:`tensors` draws tensors in them.

The lower-level helpers at the end (``small_shapes``, ``broadcastable_pair``,
``array_from_domain``, ``default_sample``, ``type_domain``) are what the derivative rules'
samplers use (``sample(draw, dtype, device) -> (fn, args)``).

This module imports Hypothesis; ``import arraygrad.testing`` alone does not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Union

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.array_api import make_strategies_namespace

import arraygrad as ag

from ..autograd._registry import Domain

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "Domain",
    "away_from",
    "bounded",
    "broadcastable_shapes",
    "distinct_eigenvalues",
    "elements",
    "matrices",
    "positive",
    "shapes",
    "symmetric_positive_definite",
    "tensors",
    "well_conditioned",
    "xps",
    # the helpers of the rules' samplers
    "array_from_domain",
    "broadcastable_pair",
    "default_sample",
    "small_shapes",
    "type_domain",
]

#: Hypothesis' array-API strategies over arraygrad (``xps.arrays``, ``xps.array_shapes``...).
xps = make_strategies_namespace(ag)

Shape = tuple[int, ...]
ShapeLike = Union[int, Shape, "SearchStrategy[Shape]"]

# Structured domain kinds: the values are square matrices built from a drawn one.
MATRIX_KINDS = (
    "spd",
    "square",
    "well-conditioned",
    "distinct-eigenvalues",
    "distinct-eigenvalues-general",
)


# -- domains ---------------------------------------------------------------------------------
def bounded(low: float, high: float, *, avoid: Sequence[float] = (), gap: float = 1e-2) -> Domain:
    """Return the domain of values in ``[low, high]`` (real parts, for complex tensors)."""
    if not low <= high:
        raise ValueError(f"bounded: low={low} is above high={high}")
    return Domain(float(low), float(high), avoid=tuple(float(a) for a in avoid), gap=gap)


def positive(high: float = 5.0, *, low: float = 0.1) -> Domain:
    """Return the domain of positive values ``[low, high]`` (``low > 0``: away from 0)."""
    if not low > 0:
        raise ValueError(f"positive: low={low} must be above 0")
    return bounded(low, high)


def away_from(*points: float, low: float = -3.0, high: float = 3.0, gap: float = 0.1) -> Domain:
    """Return the domain of values in ``[low, high]`` at least ``gap`` away from ``points``."""
    return bounded(low, high, avoid=points, gap=gap)


def symmetric_positive_definite(low: float = -1.0, high: float = 1.0) -> Domain:
    """Return the domain of Hermitian positive definite matrices ``A Aᴴ + n I``.

    ``A`` has entries in ``[low, high]``; the eigenvalues are at least ``n``.
    """
    return Domain(low, high, kind="spd")


def well_conditioned(low: float = -1.0, high: float = 1.0) -> Domain:
    """Return the domain of square matrices ``A + 2n I`` (diagonally dominant: invertible)."""
    return Domain(low, high, kind="well-conditioned")


def distinct_eigenvalues(low: float = -1.0, high: float = 1.0, *, hermitian: bool = True) -> Domain:
    """Return the domain of matrices with eigenvalues 1.5, 3, 4.5, ... (1.5 apart).

    Hermitian ``Q Λ Qᴴ`` (``Q`` unitary) by default; with ``hermitian=False``, ``V Λ V⁻¹``
    with ``V = A + 2n I`` well conditioned (for ``eig``).
    """
    return Domain(
        low, high, kind="distinct-eigenvalues" if hermitian else "distinct-eigenvalues-general"
    )


# -- elements --------------------------------------------------------------------------------
def _is_complex(dtype: Any) -> bool:
    return dtype in (ag.complex64, ag.complex128)


def _width(dtype: Any) -> int:
    return 32 if dtype in (ag.float32, ag.complex64) else 64


def _fit(low: float, high: float, width: int) -> tuple[float, float]:
    """Return ``[low, high]`` shrunk to bounds exactly representable in ``width`` bits."""
    if width == 64:
        return float(low), float(high)
    lo, hi = np.float32(low), np.float32(high)
    if lo < low:
        lo = np.nextafter(lo, np.float32(np.inf))
    if hi > high:
        hi = np.nextafter(hi, np.float32(-np.inf))
    return float(lo), float(hi)


def _real_elements(domain: Domain, width: int) -> SearchStrategy[float]:
    lo, hi = _fit(domain.low, domain.high, width)
    s = st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False, width=width)
    if domain.avoid:
        avoid, gap = domain.avoid, domain.gap
        s = s.filter(lambda v: all(abs(v - a) >= gap for a in avoid))
    return s


def elements(domain: Domain | None = None, dtype: Any = None) -> SearchStrategy[Any]:
    """Return a strategy of Python scalars of ``dtype`` (float64 by default) in ``domain``.

    The domain bounds the real part; complex values have imaginary parts in ``[-1, 1]``.
    Structured domains (``kind="spd"``...) describe matrices, not elements: see
    :func:`tensors`.
    """
    domain = Domain() if domain is None else domain
    dtype = ag.float64 if dtype is None else dtype
    if domain.kind == "bool" or dtype == ag.bool:
        return st.booleans()
    width = _width(dtype)
    real = _real_elements(domain, width)
    if not _is_complex(dtype):
        return real
    imag = st.floats(-1.0, 1.0, allow_subnormal=False, width=width)
    return st.builds(complex, real, imag)


# -- shapes ----------------------------------------------------------------------------------
def shapes(
    *, min_dims: int = 0, max_dims: int = 3, min_side: int = 1, max_side: int = 3
) -> SearchStrategy[Shape]:
    """Return a strategy of shapes (``xps.array_shapes``), small by default.

    The defaults (up to 3 axes of up to 3, 0-d included) keep tensors small enough for
    full-Jacobian finite differences; ``min_side=0`` adds size-0 tensors.
    """
    return xps.array_shapes(
        min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    )


def broadcastable_shapes(
    num_shapes: int = 2,
    *,
    base_shape: Shape = (),
    min_dims: int = 0,
    max_dims: int = 3,
    min_side: int = 1,
    max_side: int = 3,
) -> SearchStrategy[tuple[Shape, ...]]:
    """Return a strategy of ``num_shapes`` shapes that broadcast together.

    Sides of 1 and missing leading axes are drawn (``xps.mutually_broadcastable_shapes``);
    the result broadcasts with ``base_shape`` too.
    """
    return xps.mutually_broadcastable_shapes(
        num_shapes,
        base_shape=tuple(base_shape),
        min_dims=min_dims,
        max_dims=max_dims,
        min_side=min_side,
        max_side=max_side,
    ).map(lambda r: tuple(r.input_shapes))


# -- tensors ---------------------------------------------------------------------------------
def _to_device(t: Any, device: Any, requires_grad: bool) -> Any:
    if device is None and not requires_grad:
        return t
    return ag.asarray(t, device=device, copy=True, requires_grad=requires_grad)


def _matrix_values(base: np.ndarray, kind: str) -> np.ndarray:
    """Return the structured matrices of ``kind`` built from ``base`` (..., n, n), in NumPy."""
    n = base.shape[-1]
    eye = np.eye(n)
    if kind == "spd":
        return base @ np.conj(np.swapaxes(base, -1, -2)) + n * eye
    if kind == "well-conditioned":
        return base + (2.0 * n) * eye
    if kind == "distinct-eigenvalues":
        q, _ = np.linalg.qr(base + n * eye)
        eig = np.arange(1, n + 1, dtype=np.float64) * 1.5
        values = q @ (eig[..., None] * np.conj(np.swapaxes(q, -1, -2)))
        # Exactly Hermitian (rounding would leave tiny asymmetries).
        values = 0.5 * (values + np.conj(np.swapaxes(values, -1, -2)))
        return values if np.iscomplexobj(base) else np.real(values)
    if kind == "distinct-eigenvalues-general":
        v = base + (2.0 * n) * eye
        eig = np.arange(1, n + 1, dtype=np.float64) * 1.5
        return (v * eig) @ np.linalg.inv(v)
    return base  # "square"


def _dense(dtype: Any, shape: Shape, domain: Domain) -> SearchStrategy[Any]:
    """Every element drawn on its own (no fill value): distinct values, as ties need."""
    return xps.arrays(dtype, shape, elements=elements(domain, dtype), fill=st.nothing())


@st.composite
def _tensors(
    draw: Any,
    dtype: Any,
    shape: Any,
    elems: Any,
    device: Any,
    requires_grad: bool,
) -> Any:
    dt = draw(dtype) if isinstance(dtype, st.SearchStrategy) else dtype
    shp = draw(shape) if isinstance(shape, st.SearchStrategy) else shape
    shp = (shp,) if isinstance(shp, int) else tuple(shp)
    if elems is None or isinstance(elems, Domain):
        domain = Domain() if elems is None else elems
        if domain.kind in MATRIX_KINDS:
            if len(shp) < 2 or shp[-1] != shp[-2]:
                raise ValueError(
                    f"tensors: a {domain.kind!r} domain needs square matrices, got shape {shp}"
                )
            # Drawn in float64/complex128, built in NumPy, then cast to dtype.
            wide = ag.complex128 if _is_complex(dt) else ag.float64
            base = draw(_dense(wide, shp, Domain(domain.low, domain.high)))
            values = _matrix_values(np.asarray(base), domain.kind)
            return ag.asarray(values, dtype=dt, device=device, requires_grad=requires_grad)
        t = draw(_dense(dt, shp, domain))
    else:
        t = draw(xps.arrays(dt, shp, elements=elems))
    return _to_device(t, device, requires_grad)


def tensors(
    *,
    dtype: Any = None,
    shape: ShapeLike | None = None,
    elements: Domain | SearchStrategy[Any] | dict[str, Any] | None = None,
    device: Any = None,
    requires_grad: bool = False,
) -> SearchStrategy[Any]:
    """Return a strategy of arraygrad tensors (``xps.arrays``, then moved to ``device``).

    - ``dtype``: an arraygrad dtype or a strategy of them (float64 by default).
    - ``shape``: an int, a tuple or a strategy of tuples (:func:`shapes` by default).
    - ``elements``: a :class:`Domain` (each element drawn in it, independently: values are
      distinct almost surely; structured kinds give square matrices), a strategy of Python
      scalars or a dict of ``xps.from_dtype`` keywords (as ``xps.arrays``). By default the
      values are finite, in ``[-3, 3]``.
    - ``device``: where the tensor lives (any arraygrad device; the default device if None).
    - ``requires_grad``: whether the tensor is a leaf that requires grad.
    """
    return _tensors(
        ag.float64 if dtype is None else dtype,
        shapes() if shape is None else shape,
        elements,
        device,
        requires_grad,
    )


def matrices(
    domain: Domain,
    *,
    n: int | SearchStrategy[int] | None = None,
    batch_shape: Shape | SearchStrategy[Shape] = (),
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> SearchStrategy[Any]:
    """Return a strategy of square matrices (stacked over ``batch_shape``) in a matrix domain.

    ``domain`` is one of :func:`symmetric_positive_definite`, :func:`well_conditioned`,
    :func:`distinct_eigenvalues` (or ``Domain(kind="square")``); ``n`` the size (1 to 3 by
    default).
    """
    sizes = st.integers(1, 3) if n is None else n

    @st.composite
    def shape(draw: Any) -> Shape:
        k = draw(sizes) if isinstance(sizes, st.SearchStrategy) else sizes
        batch = draw(batch_shape) if isinstance(batch_shape, st.SearchStrategy) else batch_shape
        return (*tuple(batch), k, k)

    return tensors(
        dtype=dtype, shape=shape(), elements=domain, device=device, requires_grad=requires_grad
    )


# -- the helpers of the rules' samplers (kept stable: every rule module uses them) ---------
def small_shapes(
    *, min_dims: int = 0, max_dims: int = 3, min_side: int = 1, max_side: int = 3
) -> SearchStrategy[Shape]:
    """Shapes small enough for full-Jacobian finite differences (0-d included)."""
    return shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


@st.composite
def broadcastable_pair(draw: Any, max_dims: int = 3) -> tuple[Shape, Shape]:
    """Draw two shapes that broadcast together (sides of 1 and missing leading axes)."""
    base = draw(small_shapes(max_dims=max_dims))

    def variant(shape: Shape) -> Shape:
        cut = draw(st.integers(0, len(shape)))
        return tuple(1 if draw(st.booleans()) and draw(st.booleans()) else s for s in shape[cut:])

    return (base, variant(base)) if draw(st.booleans()) else (variant(base), base)


def array_from_domain(
    draw: Any,
    shape: Shape,
    domain: Domain,
    dtype: Any,
    device: Any,
    *,
    requires_grad: bool = True,
) -> Any:
    """Draw a tensor of ``shape`` whose values lie in ``domain`` (see :func:`tensors`)."""
    return draw(
        tensors(
            dtype=dtype,
            shape=tuple(shape),
            elements=domain,
            device=device,
            requires_grad=requires_grad,
        )
    )


def _function(name: str) -> Callable[..., Any]:
    """Return the namespace function of a rule name (``"linalg.det"`` -> ``ag.linalg.det``)."""
    obj: Any = ag
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def _wider(dtype: Any, complex_inputs: bool) -> list[Any]:
    """The dtypes an operand of ``dtype`` may be mixed with (the result takes the wider)."""
    if dtype == ag.float32:
        return [ag.float64, ag.complex64] if complex_inputs else [ag.float64]
    if dtype == ag.float64:
        return [ag.complex128] if complex_inputs else []
    if dtype == ag.complex64:
        return [ag.complex128]
    return []


def default_sample(
    rule: Any, *, allow_empty: bool = False, scalars: bool = False, mixed: bool = False
) -> Callable[..., Any]:
    """Return the sampler of an elementwise rule: its function on broadcastable shapes.

    One tensor per domain of the rule (one of ``type_domain()`` if it declares none): a small
    shape for one input, broadcastable shapes for several. ``allow_empty`` adds size-0
    shapes; ``scalars`` sometimes makes one operand of a binary function a Python scalar
    drawn in its domain (``x * 2.0``); ``mixed`` sometimes gives one operand a wider dtype
    (float32 with float64, real with complex where the rule takes complex inputs), so each
    gradient must come back in its own input's dtype.
    """
    fn = _function(rule.name)
    domains = rule.domains or (type_domain(),)
    n = len(domains)
    min_side = 0 if allow_empty else 1
    complex_inputs = getattr(rule, "complex_inputs", True)

    def sample(draw: Any, dtype: Any, device: Any) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        if n == 1:
            shps: tuple[Shape, ...] = (draw(small_shapes(min_side=min_side)),)
        elif n == 2 and not allow_empty:
            shps = draw(broadcastable_pair())
        else:
            shps = draw(broadcastable_shapes(n, min_side=min_side))
        scalar_at = draw(st.integers(-1, n - 1)) if scalars and n >= 2 else -1
        dtypes = [dtype] * n
        wider = _wider(dtype, complex_inputs) if mixed and n >= 2 else []
        if wider:
            at = draw(st.integers(-1, n - 1))
            if at >= 0 and at != scalar_at:
                dtypes[at] = draw(st.sampled_from(wider))
        args = tuple(
            draw(elements(d, ag.complex128 if _is_complex(dtype) else ag.float64))
            if i == scalar_at
            else array_from_domain(draw, s, d, dt, device)
            for i, (s, d, dt) in enumerate(zip(shps, domains, dtypes, strict=True))
        )
        return fn, args

    return sample


def type_domain() -> Domain:
    """The domain of a rule valid everywhere: finite values in [-3, 3]."""
    return Domain()
