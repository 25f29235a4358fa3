"""Rules of the ``linalg`` extension.

The formulas are PyTorch's (``torch/csrc/autograd/FunctionsManual.cpp``), written with the
standard's functions only, so that they run on every backend and, with ``xp = arraygrad``,
are differentiable again. ``matmul``, ``matrix_transpose``, ``tensordot`` and ``vecdot`` are
the main namespace's functions (same names, same rules).

Decompositions (``eig``, ``eigh``, ``svd``, ``qr``) are differentiable where their outputs
are: distinct eigenvalues (singular values), full rank for ``qr``, and a loss that does not
depend on the arbitrary phase (sign) of the eigen- and singular vectors.
"""

from __future__ import annotations

import math
from typing import Any

import array_api_compat
import numpy as np

from .._registry import Domain, conj, device_of, nondifferentiable, rule


class _Strategies:
    """Hypothesis' strategies, imported when a sampler first runs (tests only)."""

    def __getattr__(self, name: str) -> Any:
        from hypothesis import strategies

        return getattr(strategies, name)


st = _Strategies()

# -- helpers (array-API code, on raw arrays or on Tensors) -----------------------------------


def _mH(xp: Any, a: Any) -> Any:
    """Return the conjugate transpose of each matrix in ``a``."""
    return conj(xp, xp.matrix_transpose(a))


def _is_complex(xp: Any, a: Any) -> bool:
    return xp.isdtype(a.dtype, "complex floating")


def _eye(xp: Any, n: int, like: Any, m: int | None = None, k: int = 0) -> Any:
    if m is not None and m > n and array_api_compat.is_dask_namespace(xp):
        # Note: Dask's eye with more columns than rows builds a broken graph ("Missing
        # dependency" when computed); the rows of a square one are right.
        return xp.eye(m, m, k=k, dtype=like.dtype, device=device_of(like))[:n, :]
    return xp.eye(n, m, k=k, dtype=like.dtype, device=device_of(like))


def _diag_embed(xp: Any, v: Any) -> Any:
    """Return the stack of diagonal matrices with diagonals ``v`` (..., n) -> (..., n, n)."""
    return v[..., None] * _eye(xp, v.shape[-1], v)


def _tril_mask(xp: Any, n: int, like: Any, k: int = 0) -> Any:
    return xp.tril(xp.ones((n, n), dtype=like.dtype, device=device_of(like)), k=k)


def _triu_mask(xp: Any, n: int, like: Any, k: int = 0) -> Any:
    return xp.triu(xp.ones((n, n), dtype=like.dtype, device=device_of(like)), k=k)


def _right_solve_h(xp: Any, x: Any, r: Any) -> Any:
    """Return ``x @ r^{-H}`` (through a solve with ``r``)."""
    return _mH(xp, xp.linalg.solve(r, _mH(xp, x)))


def _pad_last2(xp: Any, a: Any, rows: tuple[int, int], cols: tuple[int, int]) -> Any:
    """Return ``a`` with zero rows (before, after) and zero columns (before, after) added."""
    batch = tuple(a.shape[:-2])

    def zeros(r: int, c: int) -> Any:
        return xp.zeros((*batch, r, c), dtype=a.dtype, device=device_of(a))

    if cols[0] or cols[1]:
        parts = []
        if cols[0]:
            parts.append(zeros(a.shape[-2], cols[0]))
        parts.append(a)
        if cols[1]:
            parts.append(zeros(a.shape[-2], cols[1]))
        a = xp.concat(parts, axis=-1)
    if rows[0] or rows[1]:
        parts = []
        if rows[0]:
            parts.append(zeros(rows[0], a.shape[-1]))
        parts.append(a)
        if rows[1]:
            parts.append(zeros(rows[1], a.shape[-1]))
        a = xp.concat(parts, axis=-2)
    return a


def _sgn(xp: Any, x: Any) -> Any:
    """Return ``x / |x|`` with 0 at 0 (PyTorch's ``sgn``, for real and complex ``x``)."""
    ax = xp.abs(x)
    zero = ax == 0
    return xp.where(zero, xp.zeros_like(x), x / xp.where(zero, xp.ones_like(ax), ax))


def _safe_div(xp: Any, a: Any, b: Any) -> Any:
    """Return ``a / b`` with 0 where ``b == 0`` (PyTorch's ``masked_fill_(b == 0, 0)``)."""
    zero = b == 0
    q = a / xp.where(zero, xp.ones_like(b), b)
    return xp.where(zero, xp.zeros_like(q), q)


def _prod_others(xp: Any, s: Any) -> Any:
    """Return ``p[..., i] = prod_{j != i} s[..., j]`` without dividing (zeros allowed)."""
    n = s.shape[-1]
    eye = _eye(xp, n, s)
    m = s[..., None, :] * (1 - eye) + eye
    return xp.prod(m, axis=-1)


def _outputs(g: Any, k: int) -> list[Any]:
    return list(g) if isinstance(g, (list, tuple)) else [g] + [None] * (k - 1)


# -- samplers (the property tests' calls) ------------------------------------------------------


def _ag() -> Any:
    import arraygrad as ag

    return ag


def _is_complex_dtype(dtype: Any) -> bool:
    ag = _ag()
    return dtype in (ag.complex64, ag.complex128)


def _rng(draw: Any) -> np.random.Generator:
    return np.random.default_rng(draw(st.integers(0, 2**32 - 1)))


def _normal(rng: np.random.Generator, shape: tuple[int, ...], is_complex: bool) -> np.ndarray:
    a = rng.standard_normal(shape)
    if is_complex:
        a = a + 1j * rng.standard_normal(shape)
    return a


def _tensor(values: np.ndarray, dtype: Any, device: Any, requires_grad: bool = True) -> Any:
    return _ag().asarray(values, dtype=dtype, device=device, requires_grad=requires_grad)


def _square_shape(draw: Any) -> tuple[int, ...]:
    """A small stack of square matrices: 2x2 (alone or a batch of 2) or 3x3."""
    return draw(st.sampled_from([(2, 2), (2, 2, 2), (3, 3), (1, 1)]))


def _well_conditioned(draw: Any, shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """Random matrices whose eigenvalues lie in the right half plane, well away from 0."""
    rng = _rng(draw)
    n = shape[-1]
    a = _normal(rng, shape, _is_complex_dtype(dtype)) / math.sqrt(2 * n)
    return a + 2.0 * np.eye(n)


def _full_rank(
    draw: Any, shape: tuple[int, ...], dtype: Any, *, gap: float = 0.3, low: float = 0.5
) -> np.ndarray:
    """Random (m, n) matrices with singular values at least ``low`` and ``gap`` apart."""
    rng = _rng(draw)
    m, n = shape[-2:]
    k = min(m, n)
    is_complex = _is_complex_dtype(dtype)
    batch = shape[:-2]

    def unitary(size: int) -> np.ndarray:
        q, _ = np.linalg.qr(_normal(rng, (*batch, size, size), is_complex))
        return q

    u = unitary(m)[..., :, :k]
    v = unitary(n)[..., :, :k]
    s = low + gap * np.arange(k)[::-1] + rng.uniform(0, gap / 2, (*batch, k))
    return (u * s[..., None, :]) @ np.conj(np.swapaxes(v, -1, -2))


def _hermitian(a: Any) -> Any:
    """Return the Hermitian part of ``a`` (tests: the functions that read one triangle)."""
    ag = _ag()
    h = ag.matrix_transpose(a)
    if a.dtype in (ag.complex64, ag.complex128):
        h = ag.conj(h)
    return (a + h) / 2


def _abs2(v: Any) -> Any:
    """Return ``|v|**2`` elementwise, a phase-invariant function of eigen/singular vectors."""
    ag = _ag()
    if v.dtype in (ag.complex64, ag.complex128):
        return ag.real(v * ag.conj(v))
    return v * v


# -- cholesky --------------------------------------------------------------------------------


def _sample_cholesky(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    ag = _ag()
    shape = _square_shape(draw)
    a = _full_rank(draw, shape, dtype)
    spd = a @ np.conj(np.swapaxes(a, -1, -2)) + 0.5 * np.eye(shape[-1])
    upper = draw(st.booleans())
    return (lambda x: ag.linalg.cholesky(_hermitian(x), upper=upper)), (_tensor(spd, dtype, device),)


@rule(
    "linalg.cholesky",
    saves_output=True,
    domains=(Domain(kind="spd"),),
    sample=_sample_cholesky,
    notes="PyTorch's formula: gA = L^-H Φ(L^H gL) L^-1 with Φ(X) = tril(X) with a halved "
    "diagonal; it is not Hermitian, and only its Hermitian part matters (cholesky reads one "
    "triangle of A, which triangle depends on the backend).",
)
def _cholesky(xp: Any, ctx: Any, g: Any) -> Any:
    L = ctx.output
    if ctx.params.get("upper", False):
        L = _mH(xp, L)
        g = _mH(xp, g)
    n = L.shape[-1]
    Lh = _mH(xp, L)
    phi = xp.matmul(Lh, g) * _tril_mask(xp, n, g)
    phi = 0.5 * (phi + _mH(xp, phi * _tril_mask(xp, n, phi, k=-1)))
    x = xp.linalg.solve(Lh, phi)  # L^-H Φ
    return _mH(xp, xp.linalg.solve(Lh, _mH(xp, x)))  # (L^-H Φ) L^-1


# -- cross -----------------------------------------------------------------------------------


def _sample_cross(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    ag = _ag()
    from ...testing.strategies import array_from_domain

    axis = draw(st.sampled_from([-1, -2]))
    if axis == -1:
        s1, s2 = draw(st.sampled_from([((3,), (3,)), ((2, 3), (3,)), ((3,), (2, 3)), ((2, 3), (2, 3))]))
    else:
        s1, s2 = draw(st.sampled_from([((3, 2), (3, 2)), ((3, 1), (3, 2)), ((2, 3, 1), (3, 2))]))
    x1 = array_from_domain(draw, s1, Domain(), dtype, device)
    x2 = array_from_domain(draw, s2, Domain(), dtype, device)
    return (lambda a, b: ag.linalg.cross(a, b, axis=axis)), (x1, x2)


@rule("linalg.cross", saves=(0, 1), domains=(Domain(), Domain()), sample=_sample_cross)
def _cross(xp: Any, ctx: Any, g: Any) -> Any:
    x1, x2 = ctx.inputs
    axis = ctx.params.get("axis", -1)
    n1, n2 = ctx.needs
    g1 = xp.linalg.cross(conj(xp, x2), g, axis=axis) if n1 else None
    g2 = xp.linalg.cross(g, conj(xp, x1), axis=axis) if n2 else None
    return g1, g2


# -- det, slogdet, inv -----------------------------------------------------------------------


def _sample_square_wc(name: str) -> Any:
    def sample(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
        fn = getattr(_ag().linalg, name)
        a = _well_conditioned(draw, _square_shape(draw), dtype)
        return fn, (_tensor(a, dtype, device),)

    return sample


@rule(
    "linalg.det",
    saves=(0,),
    saves_output=True,
    domains=(Domain(kind="well-conditioned"),),
    sample=_sample_square_wc("det"),
    notes="gA = g conj(det) A^-H; at singular matrices (|det| < 100 eps, PyTorch's test) the "
    "adjugate computed from the SVD: conj(det U det Vh) g U diag(prod_{j!=i} S_j) Vh, so the "
    "gradient is right (and finite) there too. Both branches are computed on safe inputs "
    "(a costs one SVD per backward).",
)
def _det(xp: Any, ctx: Any, g: Any) -> Any:
    (a,) = ctx.inputs
    det = ctx.output
    n = a.shape[-1]
    eye = _eye(xp, n, a)
    absdet = xp.abs(det)
    singular = (absdet < 100 * xp.finfo(a.dtype).eps)[..., None, None]
    d = (g * conj(xp, det))[..., None, None]
    # Invertible matrices: A^-H (g conj(det)); the singular ones replaced by I.
    regular = xp.linalg.solve(_mH(xp, xp.where(singular, eye, a)), d * eye)
    # Singular matrices: the adjugate from the SVD; the others replaced by diag(1..n),
    # whose singular values are distinct (the SVD's backward stays finite).
    dummy = _diag_embed(xp, xp.arange(1, n + 1, dtype=absdet.dtype, device=device_of(a)))
    u, s, vh = xp.linalg.svd(xp.where(singular, a, dummy))
    alpha = conj(xp, xp.linalg.det(u) * xp.linalg.det(vh)) * g
    dvals = alpha[..., None] * _prod_others(xp, s)
    adj = xp.matmul(u * dvals[..., None, :], vh)
    return xp.where(singular, adj, regular)


def _sample_slogdet(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    ag = _ag()
    a = _well_conditioned(draw, _square_shape(draw), dtype)
    if draw(st.booleans()):
        # A negative determinant (real) / another phase (complex).
        a = -a
    return (lambda x: tuple(ag.linalg.slogdet(x))), (_tensor(a, dtype, device),)


@rule(
    "linalg.slogdet",
    saves=(0,),
    saves_output=True,
    multi_output=True,
    domains=(Domain(kind="well-conditioned"),),
    sample=_sample_slogdet,
    notes="logabsdet: g A^-H. The sign of a real matrix is piecewise constant (zero "
    "gradient); of a complex one, PyTorch's formula (g_abs - i Im(conj(g_sign) sign)) A^-H. "
    "Not differentiable at singular matrices.",
)
def _slogdet(xp: Any, ctx: Any, g: Any) -> Any:
    g_sign, g_abs = _outputs(g, 2)
    (a,) = ctx.inputs
    sign = ctx.output[0]
    if _is_complex(xp, a) and g_sign is not None:
        # -i Im(conj(g_sign) sign) = (g_sign conj(sign) - conj(g_sign) sign) / 2
        gs = (g_sign * conj(xp, sign) - conj(xp, g_sign) * sign) / 2
        gd = gs if g_abs is None else g_abs + gs
    else:
        gd = g_abs
    if gd is None:
        return None
    eye = _eye(xp, a.shape[-1], a)
    return xp.linalg.solve(_mH(xp, a), gd[..., None, None] * eye)


@rule(
    "linalg.inv",
    saves_output=True,
    domains=(Domain(kind="well-conditioned"),),
    sample=_sample_square_wc("inv"),
    notes="gA = -A^-H g A^-H.",
)
def _inv(xp: Any, ctx: Any, g: Any) -> Any:
    yh = _mH(xp, ctx.output)
    return -xp.matmul(yh, xp.matmul(g, yh))


# -- diagonal, trace -------------------------------------------------------------------------


def _sample_diag(name: str) -> Any:
    def sample(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
        from ...testing.strategies import array_from_domain

        ag = _ag()
        batch = draw(st.sampled_from([(), (2,)]))
        m = draw(st.integers(1, 3))
        n = draw(st.integers(1, 3))
        offset = draw(st.integers(-(m - 1), n - 1))
        x = array_from_domain(draw, (*batch, m, n), Domain(), dtype, device)
        fn = getattr(ag.linalg, name)
        return (lambda a: fn(a, offset=offset)), (x,)

    return sample


@rule("linalg.diagonal", domains=(Domain(),), sample=_sample_diag("diagonal"))
def _diagonal(xp: Any, ctx: Any, g: Any) -> Any:
    shape = ctx.shapes[0]
    m, n = shape[-2], shape[-1]
    k = ctx.params.get("offset", 0)
    size = g.shape[-1]
    if size == 0:
        return xp.zeros(tuple(shape), dtype=g.dtype, device=device_of(g))
    d = _diag_embed(xp, g)
    if k >= 0:
        return _pad_last2(xp, d, (0, m - size), (k, n - k - size))
    return _pad_last2(xp, d, (-k, m + k - size), (0, n - size))


@rule("linalg.trace", domains=(Domain(),), sample=_sample_diag("trace"), notes="g on the diagonal.")
def _trace(xp: Any, ctx: Any, g: Any) -> Any:
    shape = ctx.shapes[0]
    mask = _eye(xp, shape[-2], g, shape[-1], k=ctx.params.get("offset", 0))
    return g[..., None, None] * mask


# -- eig, eigvals, eigh, eigvalsh ------------------------------------------------------------


def _eig_backward(xp: Any, gl: Any, gv: Any, lam: Any, v: Any, hermitian: bool) -> Any:
    """PyTorch's ``linalg_eig_backward``: gA = V^-H (diag(gL) + P(V^H gV) / conj(E)) V^H."""
    vh = _mH(xp, v)
    if gv is None:
        if gl is None:
            return None
        if hermitian:
            return xp.matmul(v * gl[..., None, :], vh)
        return xp.linalg.solve(vh, gl[..., :, None] * vh)
    n = v.shape[-1]
    eye = _eye(xp, n, v)
    vhgv = xp.matmul(vh, gv)
    if hermitian:
        # The tangent space of U(n) at the identity: skew-Hermitian matrices.
        vhgv = 0.5 * (vhgv - _mH(xp, vhgv))
    else:
        # Eigenvectors of norm 1: remove the component along each eigenvector.
        diag = xp.real(xp.linalg.diagonal(vhgv))
        vhgv = vhgv - xp.matmul(vh, v * diag[..., None, :])
    lc = conj(xp, lam)
    e = lc[..., None, :] - lc[..., :, None] + _eye(xp, n, lc)
    ret = vhgv / e
    if gl is not None:
        ret = ret * (1 - eye) + gl[..., :, None] * eye
    if hermitian:
        return xp.matmul(v, xp.matmul(ret, vh))
    return xp.linalg.solve(vh, xp.matmul(ret, vh))


def _distinct_eig_matrix(draw: Any, dtype: Any) -> np.ndarray:
    """A random diagonalisable matrix P diag(L) P^-1 with well-separated eigenvalues."""
    shape = _square_shape(draw)
    n = shape[-1]
    # Eigenvectors with a condition number below 2: eigenvalues far from ill-conditioned.
    p = _full_rank(draw, shape, dtype, gap=0.3, low=1.0)
    rng = _rng(draw)
    is_complex = _is_complex_dtype(dtype)
    lam = 1.0 + 1.5 * np.arange(n) + rng.uniform(0, 0.5, shape[:-1])
    if is_complex:
        lam = lam + 1j * rng.uniform(-1, 1, shape[:-1])
    return (p * lam[..., None, :]) @ np.linalg.inv(p)


def _sample_eig(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    ag = _ag()
    a = _distinct_eig_matrix(draw, dtype)
    how = draw(st.sampled_from(["abs2", "reconstruct", "values"]))

    def fn(x: Any) -> Any:
        lam, v = ag.linalg.eig(x)
        if how == "abs2":
            return lam, _abs2(v)
        if how == "reconstruct":
            # V diag(L^2) V^-1 = A^2: invariant under any rescaling of the eigenvectors.
            return ag.matmul(v * (lam * lam)[..., None, :], ag.linalg.inv(v))
        return lam

    return fn, (_tensor(a, dtype, device),)


@rule(
    "linalg.eig",
    saves_output=True,
    multi_output=True,
    domains=(Domain(kind="distinct-eigenvalues"),),
    sample=_sample_eig,
    notes="PyTorch's formula gA = V^-H (diag(gL) + (V^H gV - V^H V Re diag(V^H gV)) / conj(E)) "
    "V^H, E_ij = L_j - L_i: needs distinct eigenvalues, and a loss that does not depend on "
    "the phase of the (unit-norm) eigenvectors. A real input gets the real part.",
)
def _eig(xp: Any, ctx: Any, g: Any) -> Any:
    gl, gv = _outputs(g, 2)
    lam, v = ctx.output
    return _eig_backward(xp, gl, gv, lam, v, hermitian=False)


def _sample_eigvals(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    a = _distinct_eig_matrix(draw, dtype)
    return _ag().linalg.eigvals, (_tensor(a, dtype, device),)


@rule(
    "linalg.eigvals",
    saves=(0,),
    domains=(Domain(kind="distinct-eigenvalues"),),
    sample=_sample_eigvals,
    notes="gA = V^-H diag(gL) V^H, with V from eig(A) recomputed in backward (the eigenvalues "
    "of eig and eigvals come in the same order: the same LAPACK routine).",
)
def _eigvals(xp: Any, ctx: Any, g: Any) -> Any:
    (a,) = ctx.inputs
    lam, v = xp.linalg.eig(a)
    return _eig_backward(xp, g, None, lam, v, hermitian=False)


def _hermitian_distinct(draw: Any, dtype: Any) -> np.ndarray:
    shape = _square_shape(draw)
    n = shape[-1]
    rng = _rng(draw)
    q, _ = np.linalg.qr(_normal(rng, shape, _is_complex_dtype(dtype)))
    lam = -2.0 + 1.5 * np.arange(n) + rng.uniform(0, 0.5, shape[:-1])
    return (q * lam[..., None, :]) @ np.conj(np.swapaxes(q, -1, -2))


def _sample_eigh(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    ag = _ag()
    a = _hermitian_distinct(draw, dtype)
    how = draw(st.sampled_from(["abs2", "reconstruct", "values"]))

    def fn(x: Any) -> Any:
        lam, v = ag.linalg.eigh(_hermitian(x))
        if how == "abs2":
            return lam, _abs2(v)
        if how == "reconstruct":
            vh = ag.matrix_transpose(v)
            if v.dtype in (ag.complex64, ag.complex128):
                vh = ag.conj(vh)
            # V diag(exp(L)) V^H = expm(A): a function of the eigenvectors, phase-invariant.
            return ag.matmul(v * ag.exp(lam)[..., None, :], vh)
        return lam

    return fn, (_tensor(a, dtype, device),)


@rule(
    "linalg.eigh",
    saves_output=True,
    multi_output=True,
    domains=(Domain(kind="distinct-eigenvalues"),),
    sample=_sample_eigh,
    notes="PyTorch's formula gA = V (diag(gL) + skew(V^H gV) / E) V^H, E_ij = L_j - L_i: "
    "needs distinct eigenvalues and a phase-invariant loss. eigh reads one triangle of A "
    "(which one depends on the backend): only the Hermitian part of the gradient is "
    "meaningful, and it is the one returned when gV is zero.",
)
def _eigh(xp: Any, ctx: Any, g: Any) -> Any:
    gl, gv = _outputs(g, 2)
    lam, v = ctx.output
    return _eig_backward(xp, gl, gv, lam, v, hermitian=True)


def _sample_eigvalsh(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    ag = _ag()
    a = _hermitian_distinct(draw, dtype)
    return (lambda x: ag.linalg.eigvalsh(_hermitian(x))), (_tensor(a, dtype, device),)


@rule(
    "linalg.eigvalsh",
    saves=(0,),
    domains=(Domain(kind="distinct-eigenvalues"),),
    sample=_sample_eigvalsh,
    notes="gA = V diag(gL) V^H, V from eigh(A) recomputed in backward.",
)
def _eigvalsh(xp: Any, ctx: Any, g: Any) -> Any:
    (a,) = ctx.inputs
    lam, v = xp.linalg.eigh(a)
    return _eig_backward(xp, g, None, lam, v, hermitian=True)


# -- svd, svdvals, pinv, qr ------------------------------------------------------------------


def _svd_backward(xp: Any, gu: Any, gs: Any, gvh: Any, u: Any, s: Any, vh: Any) -> Any:
    """PyTorch's ``svd_backward`` (U, Vh reduced to the k = min(m, n) singular vectors)."""
    m = u.shape[-2]
    n = vh.shape[-1]
    if gu is None and gvh is None:
        if gs is None:
            return None
        if m >= n:
            return xp.matmul(u, gs[..., :, None] * vh)
        return xp.matmul(u * gs[..., None, :], vh)
    k = s.shape[-1]
    eye = _eye(xp, k, s)
    uhgu = vhgv = None
    if gu is not None:
        x = xp.matmul(_mH(xp, u), gu)
        uhgu = x - _mH(xp, x)
    if gvh is not None:
        x = xp.matmul(vh, _mH(xp, gvh))
        vhgv = x - _mH(xp, x)
    s2 = s * s
    e = s2[..., None, :] - s2[..., :, None] + eye
    if uhgu is not None and vhgv is not None:
        ret = (uhgu * s[..., None, :] + s[..., :, None] * vhgv) / e
    elif uhgu is not None:
        ret = (uhgu / e) * s[..., None, :]
    else:
        ret = s[..., :, None] * (vhgv / e)
    if gs is not None:
        ret = ret + gs[..., :, None] * eye
    if _is_complex(xp, u) and uhgu is not None and vhgv is not None:
        ret = ret + (xp.linalg.diagonal(uhgu) / (2 * s))[..., :, None] * eye
    if m > n and gu is not None:
        ga = xp.matmul(u, ret)
        gu_sinv = gu / s[..., None, :]
        ga = ga + gu_sinv - xp.matmul(u, xp.matmul(_mH(xp, u), gu_sinv))
        return xp.matmul(ga, vh)
    if m < n and gvh is not None:
        ga = xp.matmul(ret, vh)
        sinv_gvh = gvh / s[..., :, None]
        ga = ga + sinv_gvh - xp.matmul(xp.matmul(sinv_gvh, _mH(xp, vh)), vh)
        return xp.matmul(u, ga)
    if m >= n:
        return xp.matmul(u, xp.matmul(ret, vh))
    return xp.matmul(xp.matmul(u, ret), vh)


def _rect_shape(draw: Any) -> tuple[int, ...]:
    return draw(st.sampled_from([(2, 2), (3, 3), (3, 2), (2, 3), (2, 2, 2), (2, 1, 2), (2, 2, 1)]))


def _sample_svd(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    ag = _ag()
    shape = _rect_shape(draw)
    a = _full_rank(draw, shape, dtype)
    full = draw(st.booleans())
    k = min(shape[-2:])
    how = draw(st.sampled_from(["abs2", "reconstruct", "values"]))

    def fn(x: Any) -> Any:
        u, s, vh = ag.linalg.svd(x, full_matrices=full)
        u = u[..., :, :k]
        vh = vh[..., :k, :]
        if how == "abs2":
            return s, _abs2(u), _abs2(vh)
        if how == "reconstruct":
            # U diag(S^2) Vh: invariant under the joint phases of the singular vectors.
            return ag.matmul(u * (s * s)[..., None, :], vh)
        return s

    return fn, (_tensor(a, dtype, device),)


@rule(
    "linalg.svd",
    saves_output=True,
    multi_output=True,
    sample=_sample_svd,
    notes="PyTorch's svd_backward: needs distinct (and, for non-square or complex input, "
    "non-zero) singular values and a loss invariant under the joint phases of U's columns "
    "and Vh's rows. With full_matrices, the columns of U (rows of Vh) past min(m, n) are "
    "arbitrary: their gradients are ignored, as PyTorch does.",
)
def _svd(xp: Any, ctx: Any, g: Any) -> Any:
    gu, gs, gvh = _outputs(g, 3)
    u, s, vh = ctx.output
    if ctx.params.get("full_matrices", True):
        k = s.shape[-1]
        u = u[..., :, :k]
        vh = vh[..., :k, :]
        gu = None if gu is None else gu[..., :, :k]
        gvh = None if gvh is None else gvh[..., :k, :]
    return _svd_backward(xp, gu, gs, gvh, u, s, vh)


def _sample_svdvals(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    a = _full_rank(draw, _rect_shape(draw), dtype)
    return _ag().linalg.svdvals, (_tensor(a, dtype, device),)


@rule(
    "linalg.svdvals",
    saves=(0,),
    sample=_sample_svdvals,
    notes="gA = U diag(gS) Vh, U and Vh from svd(A) recomputed in backward.",
)
def _svdvals(xp: Any, ctx: Any, g: Any) -> Any:
    (a,) = ctx.inputs
    u, s, vh = xp.linalg.svd(a, full_matrices=False)
    return _svd_backward(xp, None, g, None, u, s, vh)


def _sample_pinv(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    ag = _ag()
    a = _full_rank(draw, _rect_shape(draw), dtype)
    rtol = draw(st.sampled_from([None, 1e-8]))
    return (lambda x: ag.linalg.pinv(x, rtol=rtol)), (_tensor(a, dtype, device),)


@rule(
    "linalg.pinv",
    saves=(0,),
    saves_output=True,
    differentiable=(True, False),
    sample=_sample_pinv,
    notes="PyTorch's pinv_backward; differentiable where the rank is constant near A "
    "(no singular value at the cut-off rtol * max(S)). rtol gets no gradient.",
)
def _pinv(xp: Any, ctx: Any, g: Any) -> Any:
    a = ctx.inputs[0]
    p = ctx.output
    m, n = a.shape[-2], a.shape[-1]
    ph = _mH(xp, p)
    gh = _mH(xp, g)
    if m <= n:
        k = xp.matmul(gh, p)
        kph = xp.matmul(k, ph)
        ga = (
            -_mH(xp, xp.matmul(p, k))
            + kph
            - xp.matmul(xp.matmul(a, p), kph)
            + xp.matmul(xp.matmul(ph, p), gh - xp.matmul(k, a))
        )
    else:
        k = xp.matmul(p, gh)
        phk = xp.matmul(ph, k)
        ga = (
            -_mH(xp, xp.matmul(k, p))
            + xp.matmul(xp.matmul(gh - xp.matmul(a, k), p), ph)
            + phk
            - xp.matmul(xp.matmul(phk, p), a)
        )
    return (ga,) + (None,) * (len(ctx.needs) - 1)


def _sample_qr(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    ag = _ag()
    shape = _rect_shape(draw)
    a = _full_rank(draw, shape, dtype)
    m, n = shape[-2:]
    if m < n:
        # The leading m x m block must be invertible too.
        a[..., :, :m] = a[..., :, :m] + 2.0 * np.eye(m)
    mode = "complete" if m <= n and draw(st.booleans()) else "reduced"
    return (lambda x: tuple(ag.linalg.qr(x, mode=mode))), (_tensor(a, dtype, device),)


@rule(
    "linalg.qr",
    saves_output=True,
    multi_output=True,
    sample=_sample_qr,
    notes="PyTorch's linalg_qr_backward: needs full rank (m >= n) or an invertible leading "
    "m x m block (m < n); mode='complete' with m > n is not differentiable (Q's extra "
    "columns are arbitrary) and raises.",
)
def _qr(xp: Any, ctx: Any, g: Any) -> Any:
    gq, gr = _outputs(g, 2)
    q, r = ctx.output
    m = q.shape[-2]
    n = r.shape[-1]
    if ctx.params.get("mode", "reduced") == "complete" and m > n:
        raise NotImplementedError(
            "linalg.qr: the QR decomposition is not differentiable with mode='complete' and "
            "more rows than columns (the extra columns of Q are arbitrary); use mode='reduced'"
        )
    if gq is None and gr is None:
        return None
    if gq is None:
        ga = xp.matmul(gr, _mH(xp, r))
    elif gr is None:
        ga = -xp.matmul(_mH(xp, q), gq)
    else:
        ga = xp.matmul(gr, _mH(xp, r)) - xp.matmul(_mH(xp, q), gq)
    if m >= n:
        k = n
        x = ga * _triu_mask(xp, k, ga)
        # syminvadj(X) = X + X^H with the (real) diagonal halved
        x = (x + _mH(xp, x)) * (1 - 0.5 * _eye(xp, k, x))
        ga = xp.matmul(q, x)
        if gq is not None:
            ga = ga + gq
        return _right_solve_h(xp, ga, r)
    x = -ga
    half = _tril_mask(xp, m, x) - 0.5 * _eye(xp, m, x)
    y = (x - _mH(xp, x)) * half
    ga = _right_solve_h(xp, xp.matmul(q, y), r[..., :, :m])
    ga = _pad_last2(xp, ga, (0, 0), (0, n - m))
    if gr is not None:
        ga = ga + xp.matmul(q, gr)
    return ga


# -- solve, matrix_power, outer --------------------------------------------------------------


def _sample_solve(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    from ...testing.strategies import array_from_domain

    ag = _ag()
    s1 = draw(st.sampled_from([(2, 2), (2, 2, 2), (3, 3)]))
    n = s1[-1]
    s2 = draw(
        st.sampled_from(
            [(n,), (n, 1), (n, 2), (2, n, 1), (1, n, 2)] if len(s1) == 3 else [(n,), (n, 1), (n, 2), (2, n, 1)]
        )
    )
    a = _tensor(_well_conditioned(draw, s1, dtype), dtype, device)
    b = array_from_domain(draw, s2, Domain(), dtype, device)
    return ag.linalg.solve, (a, b)


@rule(
    "linalg.solve",
    saves=(0,),
    saves_output=True,
    domains=(Domain(kind="well-conditioned"), Domain()),
    sample=_sample_solve,
    notes="gB = A^-H g, gA = -gB X^H. A 1-D x2 is one vector (the 2025.12 rule).",
)
def _solve(xp: Any, ctx: Any, g: Any) -> Any:
    a = ctx.inputs[0]
    x = ctx.output
    n1, n2 = ctx.needs
    vector = len(ctx.shapes[1]) == 1
    if vector:
        g = g[..., None]
        x = x[..., None]
    ah = _mH(xp, a)
    batch = tuple(g.shape[:-2])
    if tuple(ah.shape[:-2]) != batch:
        # Note: CuPy's solve does not broadcast stacks; the broadcast gradient is summed back
        # to each input's shape by the engine.
        ah = xp.broadcast_to(ah, batch + tuple(ah.shape[-2:]))
    gb = xp.linalg.solve(ah, g)
    ga = -xp.matmul(gb, _mH(xp, x)) if n1 else None
    if vector:
        gb = gb[..., 0]
    return ga, (gb if n2 else None)


def _sample_matrix_power(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    ag = _ag()
    a = _well_conditioned(draw, _square_shape(draw), dtype) / 2
    k = draw(st.sampled_from([-3, -2, -1, 0, 1, 2, 3]))
    return (lambda x: ag.linalg.matrix_power(x, k)), (_tensor(a, dtype, device),)


@rule(
    "linalg.matrix_power",
    saves=(0,),
    domains=(Domain(kind="well-conditioned"),),
    sample=_sample_matrix_power,
    notes="n > 0: sum_k (A^H)^k g (A^H)^(n-1-k); n == 0: zero; n < 0: through inv(A).",
)
def _matrix_power(xp: Any, ctx: Any, g: Any) -> Any:
    (a,) = ctx.inputs
    n = ctx.params["n"]
    if n == 0:
        return xp.zeros_like(g)
    b = a if n > 0 else xp.linalg.inv(a)
    bh = _mH(xp, b)
    # S_j = sum_{k<=j} (B^H)^k g (B^H)^(j-k), by S_{j+1} = S_j B^H + (B^H)^(j+1) g
    acc = g
    power = None
    for _ in range(abs(n) - 1):
        power = bh if power is None else xp.matmul(bh, power)
        acc = xp.matmul(acc, bh) + xp.matmul(power, g)
    if n < 0:
        acc = -xp.matmul(bh, xp.matmul(acc, bh))
    return acc


def _sample_outer(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    from ...testing.strategies import array_from_domain

    n = draw(st.integers(1, 4))
    m = draw(st.integers(1, 4))
    x1 = array_from_domain(draw, (n,), Domain(), dtype, device)
    x2 = array_from_domain(draw, (m,), Domain(), dtype, device)
    return _ag().linalg.outer, (x1, x2)


@rule("linalg.outer", saves=(0, 1), domains=(Domain(), Domain()), sample=_sample_outer)
def _outer(xp: Any, ctx: Any, g: Any) -> Any:
    x1, x2 = ctx.inputs
    n1, n2 = ctx.needs
    g1 = xp.matmul(g, conj(xp, x2)) if n1 else None
    g2 = xp.matmul(conj(xp, x1), g) if n2 else None
    return g1, g2


# -- norms -----------------------------------------------------------------------------------


def _expand_reduced(g: Any, ndim: int, axes: tuple[int, ...]) -> Any:
    """Return ``g`` with the reduced ``axes`` (of an ``ndim``-d input) put back as size 1."""
    index: list[Any] = []
    for i in range(ndim):
        index.append(None if i in axes else slice(None))
    return g[tuple(index)]


def _vector_norm_grad(xp: Any, x: Any, norm: Any, g: Any, p: float, axes: tuple[int, ...]) -> Any:
    """PyTorch's ``norm_backward`` (``norm`` and ``g`` with the reduced axes kept as 1)."""
    if p == 0:
        return xp.zeros_like(x)
    if p == 1:
        return _sgn(xp, x) * g
    if p == 2:
        return _safe_div(xp, g, norm) * x
    ax = xp.abs(x)
    if math.isinf(p):
        # The extreme |x| recomputed here (exactly one of the |x|): the backend's norm may
        # round |x| differently.
        ext = xp.max(ax, axis=axes, keepdims=True) if p > 0 else xp.min(ax, axis=axes, keepdims=True)
        mask = xp.astype(ax == ext, g.dtype)
        count = xp.sum(mask, axis=axes, keepdims=True)
        return _sgn(xp, x) * (g / count) * mask
    if p < 1:
        zero = ax == 0
        scaled = xp.where(zero, xp.zeros_like(ax), xp.where(zero, xp.ones_like(ax), ax) ** (p - 1))
        return _sgn(xp, x) * scaled * g * norm ** (1 - p)
    if p < 2:
        return _sgn(xp, x) * ax ** (p - 1) * _safe_div(xp, g, norm ** (p - 1))
    return x * ax ** (p - 2) * _safe_div(xp, g, norm ** (p - 1))


def _sample_vector_norm(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    ag = _ag()
    ndim = draw(st.integers(0, 3))
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=ndim, max_size=ndim)))
    kind = draw(st.sampled_from(["none", "int", "tuple"])) if ndim else "none"
    if kind == "none":
        axis: Any = None
    elif kind == "int":
        axis = draw(st.integers(-ndim, ndim - 1))
    else:
        axis = tuple(draw(st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim)))
    keepdims = draw(st.booleans())
    p = draw(st.sampled_from([2, 1, math.inf, -math.inf, 0, 3, 0.5, -1, 1.5, 2.5]))
    rng = _rng(draw)
    is_complex = _is_complex_dtype(dtype)
    # Values away from 0 (a kink of |x|) with distinct magnitudes (ties of the inf norms).
    mags = rng.permutation(np.arange(1, max(int(np.prod(shape)), 1) + 1))
    mags = (0.5 + 0.4 * mags + rng.uniform(0, 0.1, mags.shape)).reshape(shape)
    if is_complex:
        values = mags * np.exp(1j * rng.uniform(-np.pi, np.pi, shape))
    else:
        values = mags * rng.choice([-1.0, 1.0], shape)
    x = _tensor(values, dtype, device)
    return (lambda a: ag.linalg.vector_norm(a, axis=axis, keepdims=keepdims, ord=p)), (x,)


@rule(
    "linalg.vector_norm",
    saves=(0,),
    saves_output=True,
    domains=(Domain(avoid=(0.0,), gap=0.1),),
    sample=_sample_vector_norm,
    notes="PyTorch's norm_backward: ord=2 gives g x / norm, and 0 where the norm is 0 (a zero "
    "vector); ord=1 g sgn(x) (0 at 0); ord=±inf splits g evenly among the elements that "
    "reach the max (min) |x|; ord=0 counts non-zeros: zero gradient; other p: "
    "g sgn(x) |x|^(p-1) / norm^(p-1), 0 where the norm is 0 (or, p < 1, where x is 0).",
)
def _vector_norm(xp: Any, ctx: Any, g: Any) -> Any:
    (x,) = ctx.inputs
    p = ctx.params
    ndim = len(ctx.shapes[0])
    axis = p.get("axis")
    axes = tuple(range(ndim)) if axis is None else tuple(a % ndim for a in axis)
    norm = ctx.output
    if ndim == 0 or not axes:
        # No reduction: the norm of each element alone is |x|.
        if p.get("ord", 2) == 0:
            return xp.zeros_like(x)
        return _sgn(xp, x) * g
    if not p.get("keepdims", False):
        g = _expand_reduced(g, ndim, axes)
        norm = _expand_reduced(norm, ndim, axes)
    return _vector_norm_grad(xp, x, norm, g, float(p.get("ord", 2)), axes)


def _sample_matrix_norm(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    ag = _ag()
    ord_ = draw(st.sampled_from(["fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf]))
    shape = _rect_shape(draw)
    keepdims = draw(st.booleans())
    if ord_ in ("nuc", 2, -2):
        a = _full_rank(draw, shape, dtype)
    else:
        # Entries away from 0 with distinct magnitudes: distinct row and column sums.
        rng = _rng(draw)
        size = int(np.prod(shape))
        mags = (1.0 + rng.permutation(size) + rng.uniform(0, 0.1, size)).reshape(shape)
        mags = mags * 2.0 ** (np.arange(size).reshape(shape) % 3)
        if _is_complex_dtype(dtype):
            a = mags * np.exp(1j * rng.uniform(-np.pi, np.pi, shape))
        else:
            a = mags * rng.choice([-1.0, 1.0], shape)
    return (
        (lambda x: ag.linalg.matrix_norm(x, keepdims=keepdims, ord=ord_)),
        (_tensor(a, dtype, device),),
    )


@rule(
    "linalg.matrix_norm",
    saves=(0,),
    saves_output=True,
    sample=_sample_matrix_norm,
    notes="As PyTorch computes them: 'fro' is the 2-norm of the elements (0 at a zero "
    "matrix); 'nuc' the sum of the singular values (U Vh); ±2 the max (min) singular value "
    "(ties split evenly); ±1 (±inf) the max (min) of the column (row) sums of |x| (ties "
    "split evenly, sgn(0) = 0).",
)
def _matrix_norm(xp: Any, ctx: Any, g: Any) -> Any:
    (x,) = ctx.inputs
    norm = ctx.output
    p = ctx.params
    o = p.get("ord", "fro")
    if not p.get("keepdims", False):
        g = g[..., None, None]
        norm = norm[..., None, None]
    if o == "fro":
        return _safe_div(xp, g, norm) * x
    if o in ("nuc", 2, -2):
        u, s, vh = xp.linalg.svd(x, full_matrices=False)
        if o == "nuc":
            w = xp.ones_like(s)
        else:
            # svd sorts S in descending order: the max is S[0], the min S[-1].
            ext = s[..., :1] if o == 2 else s[..., -1:]
            mask = xp.astype(s == ext, s.dtype)
            w = mask / xp.sum(mask, axis=-1, keepdims=True)
        return xp.matmul(u * (w * g[..., 0])[..., None, :], vh)
    col = o in (1, -1)
    sums = xp.sum(xp.abs(x), axis=-2 if col else -1)
    ext = xp.max(sums, axis=-1, keepdims=True) if o > 0 else xp.min(sums, axis=-1, keepdims=True)
    mask = xp.astype(sums == ext, sums.dtype)
    w = mask / xp.sum(mask, axis=-1, keepdims=True)
    w = w[..., None, :] if col else w[..., :, None]
    return _sgn(xp, x) * (g * w)


nondifferentiable(["linalg.matrix_rank"], "integer result (a count of singular values)")
