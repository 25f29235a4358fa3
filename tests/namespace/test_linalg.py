"""The linalg extension on every backend, against numpy.linalg."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import arraygrad as ag
from arraygrad import linalg as LA
from conftest import SUBNORMALS, assume_on, has_subnormal

# What Dask's linalg cannot do (docs/backends.md).
DASK_MISSING = (
    "Dask's linalg has no det, slogdet, eigh, eigvalsh, pinv, matrix_power or cross, and "
    "array_api_compat's wrapper fails its matrix_rank (svd has no compute_uv)"
)
DASK_STACKS = "Dask's linalg takes single matrices only, no stacks"
DASK_FULL = "Dask's qr and svd give the reduced factors only (no mode='complete', no full_matrices)"

# The device fixture holds no state that a Hypothesis example could change.
fixture_ok = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

FLOAT_DTYPES = {"float32": np.float32, "float64": np.float64}
ALL_FLOAT = {**FLOAT_DTYPES, "complex64": np.complex64, "complex128": np.complex128}
TOL = {
    np.float32: 2e-4,
    np.float64: 1e-10,
    np.complex64: 2e-4,
    np.complex128: 1e-10,
}


def to_np(t: ag.Tensor) -> np.ndarray:
    assert isinstance(t, ag.Tensor)
    return np.asarray(t.to_device("cpu"))


def on(device, a, dtype=None) -> ag.Tensor:
    return ag.asarray(np.asarray(a), device=device, dtype=dtype)


def close(actual: ag.Tensor, expected, *, rtol=None, scale=1.0) -> None:
    got = to_np(actual)
    expected = np.asarray(expected)
    tol = rtol if rtol is not None else TOL[got.dtype.type]
    assert got.shape == expected.shape, (got.shape, expected.shape)
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol * scale)


# -- strategies --------------------------------------------------------------------------
def _np_dtype(name: str):
    return ALL_FLOAT[name]


stack_shapes = hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=3)


# Entries in [-1, 1] with at most 6 decimals: LAPACK in torch returns NaN for complex
# matrices with entries near the underflow threshold, which is no concern of arraygrad's.
entries = st.floats(-1, 1, width=32).map(lambda v: round(v, 6))


@st.composite
def matrices(draw, *, square=True, kinds=("float32", "float64", "complex64", "complex128")):
    """A well-conditioned (stack of) matrices: random entries plus a dominant diagonal."""
    dtype = _np_dtype(draw(st.sampled_from(kinds)))
    batch = draw(stack_shapes)
    m = draw(st.integers(1, 4))
    n = m if square else draw(st.integers(1, 4))
    shape = (*batch, m, n)
    real = draw(hnp.arrays(np.float64, shape, elements=entries))
    a = real.astype(dtype)
    if np.iscomplexobj(a):
        imag = draw(hnp.arrays(np.float64, shape, elements=entries))
        a = a + 1j * imag.astype(np.float32)
    if square:
        a = a + (2 * m) * np.eye(m, dtype=dtype)
    return a.astype(dtype)


def hermitian_pd(a: np.ndarray) -> np.ndarray:
    """Return a Hermitian positive-definite matrix (stack) made from ``a``."""
    m = a.shape[-1]
    h = a @ np.conj(np.swapaxes(a, -1, -2)) + m * np.eye(m, dtype=a.dtype)
    return h.astype(a.dtype)


# -- the module ------------------------------------------------------------------------
def test_names_and_aliases():
    for name in LA.__all__:
        assert callable(getattr(LA, name))
    assert LA.matmul is ag.matmul
    assert LA.tensordot is ag.tensordot
    assert LA.vecdot is ag.vecdot
    assert LA.matrix_transpose is ag.matrix_transpose
    assert ag.linalg is LA


@pytest.mark.backend_xfail("dask", reason=DASK_MISSING)
def test_result_types_are_named_tuples(device):
    a = on(device, [[4.0, 1.0], [1.0, 3.0]])
    assert type(LA.eigh(a)) is LA.EighResult
    assert LA.eigh(a)._fields == ("eigenvalues", "eigenvectors")
    assert type(LA.eig(a)) is LA.EigResult
    assert LA.eig(a)._fields == ("eigenvalues", "eigenvectors")
    assert type(LA.qr(a)) is LA.QRResult
    assert LA.qr(a)._fields == ("Q", "R")
    assert type(LA.slogdet(a)) is LA.SlogdetResult
    assert LA.slogdet(a)._fields == ("sign", "logabsdet")
    assert type(LA.svd(a)) is LA.SVDResult
    assert LA.svd(a)._fields == ("U", "S", "Vh")
    for part in LA.svd(a):
        assert isinstance(part, ag.Tensor)
        assert part.device == device


# -- functions compared with NumPy ---------------------------------------------------------
@pytest.mark.backend_xfail("dask", reason=DASK_MISSING)
@fixture_ok
@given(a=matrices())
def test_det_inv_slogdet(device, a):
    x = on(device, a)
    d = LA.det(x)
    assert d.dtype is x.dtype
    assert d.shape == a.shape[:-2]
    close(d, np.linalg.det(a), scale=abs(np.linalg.det(a)).max(initial=1))
    inv = LA.inv(x)
    assert inv.dtype is x.dtype
    close(inv, np.linalg.inv(a))
    sign, logabsdet = LA.slogdet(x)
    ref = np.linalg.slogdet(a)
    assert sign.dtype is x.dtype
    assert logabsdet.dtype is ag.finfo(x.dtype).dtype if hasattr(ag, "finfo") else True
    close(sign, ref.sign)
    close(logabsdet, ref.logabsdet, scale=10)


@fixture_ok
@given(a=matrices(), upper=st.booleans())
def test_cholesky(device, a, upper):
    assume_on(device, "dask", ok=a.ndim == 2, reason=DASK_STACKS)
    h = hermitian_pd(a)
    x = on(device, h)
    c = LA.cholesky(x, upper=upper)
    assert c.dtype is x.dtype
    assert c.shape == h.shape
    ref = np.linalg.cholesky(h, upper=upper)
    close(c, ref, scale=np.abs(ref).max())
    got = to_np(c)
    tri = np.triu(got) if upper else np.tril(got)
    np.testing.assert_array_equal(got, tri)


@pytest.mark.backend_xfail("dask", reason=DASK_MISSING)
@fixture_ok
@given(a=matrices())
def test_eigh_and_eigvalsh(device, a):
    h = hermitian_pd(a)
    x = on(device, h)
    values, vectors = LA.eigh(x)
    real = {ag.complex64: ag.float32, ag.complex128: ag.float64}.get(x.dtype, x.dtype)
    assert values.dtype is real
    assert vectors.dtype is x.dtype
    ref = np.linalg.eigvalsh(h)
    scale = np.abs(ref).max()
    close(values, ref, scale=scale)
    close(LA.eigvalsh(x), ref, scale=scale)
    assert LA.eigvalsh(x).dtype is real
    w, v = to_np(values), to_np(vectors)
    recon = (v * w[..., None, :]) @ np.conj(np.swapaxes(v, -1, -2))
    np.testing.assert_allclose(
        recon, h, rtol=TOL[h.dtype.type] * 10, atol=TOL[h.dtype.type] * scale * 10
    )


@fixture_ok
@given(a=matrices())
def test_eig_and_eigvals(device, a):
    x = on(device, a)
    values, vectors = LA.eig(x)
    cdt = {ag.float32: ag.complex64, ag.float64: ag.complex128}.get(x.dtype, x.dtype)
    assert values.dtype is cdt
    assert vectors.dtype is cdt
    assert values.shape == a.shape[:-1]
    assert vectors.shape == a.shape
    w, v = to_np(values), to_np(vectors)
    scale = np.abs(a).max() * a.shape[-1]
    np.testing.assert_allclose(a @ v, v * w[..., None, :], atol=TOL[a.dtype.type] * scale * 10)
    ev = LA.eigvals(x)
    assert ev.dtype is cdt
    # Each eigenvalue near one of NumPy's (eigenvalues of a defective matrix are only
    # accurate to about sqrt(eps), so no order-based comparison).
    got = to_np(ev).reshape(-1, a.shape[-1])
    ref = np.linalg.eigvals(a).reshape(-1, a.shape[-1])
    tol = np.sqrt(TOL[a.dtype.type]) * scale
    dist = np.abs(got[:, :, None] - ref[:, None, :])
    assert np.all(dist.min(axis=2) <= tol)
    assert np.all(dist.min(axis=1) <= tol)


@pytest.mark.parametrize("dtype", [ag.float32, ag.float64])
def test_eig_of_real_matrix_with_real_eigenvalues_is_complex(device, dtype):
    # NumPy returns a real result here; the standard wants complex of the same precision.
    x = on(device, [[2.0, 0.0], [0.0, 3.0]], dtype=dtype)
    want = ag.complex64 if dtype is ag.float32 else ag.complex128
    assert LA.eig(x).eigenvalues.dtype is want
    assert LA.eig(x).eigenvectors.dtype is want
    assert LA.eigvals(x).dtype is want
    np.testing.assert_allclose(np.sort(to_np(LA.eigvals(x)).real), [2.0, 3.0])


def test_eig_without_backend_eig_goes_through_numpy(device, monkeypatch):
    backend = on(device, [1.0]).backend
    monkeypatch.delattr(backend.ns.linalg, "eig", raising=False)
    monkeypatch.delattr(backend.ns.linalg, "eigvals", raising=False)
    a = np.array([[0.0, -1.0], [1.0, 0.0]], dtype=np.float32)  # eigenvalues ±i
    x = on(device, a)
    values, vectors = LA.eig(x)
    assert values.dtype is ag.complex64
    assert vectors.device == device
    np.testing.assert_allclose(np.sort_complex(to_np(values)), [-1j, 1j], atol=1e-6)
    w, v = to_np(values), to_np(vectors)
    np.testing.assert_allclose(a @ v, v * w, atol=1e-6)
    ev = LA.eigvals(on(device, np.eye(2)))
    assert ev.dtype is ag.complex128
    assert ev.device == device


@fixture_ok
@given(a=matrices(square=False), mode=st.sampled_from(["reduced", "complete"]))
def test_qr(device, a, mode):
    assume_on(device, "dask", ok=a.ndim == 2, reason=DASK_STACKS)
    assume_on(device, "dask", ok=mode == "reduced", reason=DASK_FULL)
    x = on(device, a)
    q, r = LA.qr(x, mode=mode)
    m, n = a.shape[-2:]
    k = min(m, n) if mode == "reduced" else m
    assert q.shape == (*a.shape[:-2], m, k)
    assert r.shape == (*a.shape[:-2], k, n)
    assert q.dtype is x.dtype
    assert r.dtype is x.dtype
    qn, rn = to_np(q), to_np(r)
    np.testing.assert_allclose(qn @ rn, a, atol=TOL[a.dtype.type] * 10)
    np.testing.assert_array_equal(rn, np.triu(rn))
    eye = np.conj(np.swapaxes(qn, -1, -2)) @ qn
    np.testing.assert_allclose(
        eye, np.broadcast_to(np.eye(k), eye.shape), atol=TOL[a.dtype.type] * 10
    )


@fixture_ok
@given(a=matrices(square=False), full=st.booleans())
def test_svd_and_svdvals(device, a, full):
    assume_on(device, "dask", ok=a.ndim == 2, reason=DASK_STACKS)
    assume_on(device, "dask", ok=not full, reason=DASK_FULL)
    x = on(device, a)
    u, s, vh = LA.svd(x, full_matrices=full)
    m, n = a.shape[-2:]
    k = min(m, n)
    assert u.shape == (*a.shape[:-2], m, m if full else k)
    assert s.shape == (*a.shape[:-2], k)
    assert vh.shape == (*a.shape[:-2], n if full else k, n)
    real = {ag.complex64: ag.float32, ag.complex128: ag.float64}.get(x.dtype, x.dtype)
    assert s.dtype is real
    assert u.dtype is x.dtype
    assert vh.dtype is x.dtype
    ref = np.linalg.svd(a, compute_uv=False)
    close(s, ref, scale=ref.max(initial=1))
    close(LA.svdvals(x), ref, scale=ref.max(initial=1))
    un, sn, vhn = to_np(u), to_np(s), to_np(vh)
    recon = (un[..., :, :k] * sn[..., None, :]) @ vhn[..., :k, :]
    np.testing.assert_allclose(recon, a, atol=TOL[a.dtype.type] * 10)
    assert np.all(np.diff(sn, axis=-1) <= 0)


@pytest.mark.backend_xfail("dask", reason=DASK_MISSING)
@fixture_ok
@given(a=matrices(), n=st.integers(-3, 4))
def test_matrix_power(device, a, n):
    x = on(device, a)
    out = LA.matrix_power(x, n)
    ref = np.linalg.matrix_power(a, n)
    assert out.dtype is x.dtype
    close(out, ref, rtol=TOL[a.dtype.type] * 10, scale=np.abs(ref).max(initial=1))


@pytest.mark.backend_xfail("dask", reason=DASK_MISSING)
@fixture_ok
@given(a=matrices(square=False), rtol=st.one_of(st.none(), st.floats(0, 1)))
def test_matrix_rank_and_pinv(device, a, rtol):
    x = on(device, a)
    rank = LA.matrix_rank(x, rtol=rtol)
    assert rank.dtype is ag.int64
    assert rank.shape == a.shape[:-2]
    s = np.linalg.svd(a, compute_uv=False)
    tol = s.max(axis=-1, keepdims=True) * (
        max(a.shape[-2:]) * np.finfo(s.dtype).eps if rtol is None else rtol
    )
    # Rank and pseudo-inverse jump where a singular value meets the cut-off, and values
    # at rounding-noise level are arbitrary: compare only where every singular value is
    # clearly kept or clearly dropped.
    noise = s.max(axis=-1, keepdims=True) * np.finfo(s.dtype).eps * 100
    if not np.all((s > 10 * np.maximum(tol, noise)) | ((s < tol / 10) & (tol > 10 * noise))):
        return
    expected = np.count_nonzero(s > tol, axis=-1)
    np.testing.assert_array_equal(to_np(rank), expected)
    kept = s[s > tol]
    if kept.size and kept.min() > 1e-2 * s.max():
        p = LA.pinv(x, rtol=rtol)
        assert p.dtype is x.dtype
        assert p.shape == (*a.shape[:-2], a.shape[-1], a.shape[-2])
        ref_rtol = max(a.shape[-2:]) * np.finfo(s.dtype).eps if rtol is None else rtol
        close(p, np.linalg.pinv(a, rtol=ref_rtol), rtol=TOL[a.dtype.type] * 100)


@pytest.mark.backend_xfail("dask", reason=DASK_MISSING)
def test_rtol_as_a_tensor_broadcasts_per_matrix(device):
    a = np.stack([np.diag([1.0, 0.5, 0.1]), np.diag([1.0, 0.5, 0.1])])
    x = on(device, a)
    rtol = on(device, [0.2, 0.05])
    np.testing.assert_array_equal(to_np(LA.matrix_rank(x, rtol=rtol)), [2, 3])
    p = to_np(LA.pinv(x, rtol=rtol))
    np.testing.assert_allclose(p[0], np.diag([1.0, 2.0, 0.0]))
    np.testing.assert_allclose(p[1], np.diag([1.0, 2.0, 10.0]))
    with pytest.raises(TypeError, match="rtol must have a real floating-point dtype"):
        LA.matrix_rank(x, rtol=on(device, [1, 2]))
    with pytest.raises(ValueError, match="do not broadcast"):
        LA.pinv(x, rtol=on(device, [0.1, 0.2, 0.3]))


@fixture_ok
@given(
    a=matrices(square=False),
    ord=st.sampled_from(["fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf, None]),
    keepdims=st.booleans(),
)
def test_matrix_norm(device, a, ord, keepdims):
    assume_on(device, "dask", ok=a.ndim == 2 or ord not in ("nuc", 2, -2), reason=DASK_STACKS)
    x = on(device, a)
    out = LA.matrix_norm(x, ord=ord, keepdims=keepdims)
    ref = np.linalg.norm(a, ord=ord, axis=(-2, -1), keepdims=keepdims)
    real = {ag.complex64: ag.float32, ag.complex128: ag.float64}.get(x.dtype, x.dtype)
    assert out.dtype is real
    close(out, ref, scale=max(np.abs(ref).max(initial=1), 1))


@fixture_ok
@given(
    a=hnp.arrays(
        st.sampled_from([np.float32, np.float64, np.complex64, np.complex128]),
        hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4),
        elements=st.floats(-100, 100, width=32),
    ),
    ord=st.sampled_from([2, 1, 0, 3, 0.5, -1, -2, math.inf, -math.inf]),
    keepdims=st.booleans(),
    data=st.data(),
)
def test_vector_norm(device, a, ord, keepdims, data):
    axis = data.draw(
        st.one_of(
            st.none(),
            st.integers(-a.ndim, a.ndim - 1) if a.ndim else st.none(),
            st.lists(st.integers(0, max(a.ndim - 1, 0)), unique=True, max_size=a.ndim).map(tuple),
        ),
        label="axis",
    )
    x = on(device, a)
    out = LA.vector_norm(x, axis=axis, keepdims=keepdims, ord=ord)
    real = {ag.complex64: ag.float32, ag.complex128: ag.float64}.get(x.dtype, x.dtype)
    assert out.dtype is real
    # NumPy's reference on a flattened view of the reduced axes.
    axes = tuple(range(a.ndim)) if axis is None else (axis,) if isinstance(axis, int) else axis
    axes = tuple(ax % a.ndim for ax in axes) if a.ndim else ()
    rest = [i for i in range(a.ndim) if i not in axes]
    moved = np.transpose(a, [*rest, *axes]).reshape([a.shape[i] for i in rest] + [-1])
    with np.errstate(divide="ignore"):
        ref = np.linalg.norm(
            moved.astype(np.complex128 if np.iscomplexobj(a) else np.float64), ord=ord, axis=-1
        )
    if keepdims:
        ref = np.reshape(ref, [1 if i in axes else a.shape[i] for i in range(a.ndim)])
    close(out, ref, rtol=TOL[a.dtype.type] * 10, scale=max(np.abs(a).max(initial=0), 1) * a.size)


@fixture_ok
@given(
    a=hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=2, max_dims=4, min_side=1, max_side=4),
        elements=st.integers(-10, 10),
    ),
    offset=st.integers(-4, 4),
    dtype=st.sampled_from([None, "int8", "uint8", "int32", "float32", "float64", "complex128"]),
)
def test_trace_and_diagonal(device, a, offset, dtype):
    if dtype in ("uint8",):
        a = np.abs(a)
    x = on(device, a if dtype is None else a.astype(dtype))
    diag = LA.diagonal(x, offset=offset)
    ref = np.diagonal(a, offset=offset, axis1=-2, axis2=-1)
    assert diag.dtype is x.dtype
    np.testing.assert_array_equal(to_np(diag), ref.astype(to_np(diag).dtype))
    t = LA.trace(x, offset=offset)
    wide_unsigned = ag.uint64 if ag.uint64 in x.backend.dtypes else ag.int64  # torch: no uint64
    expected_dtype = {"int8": ag.int64, "int32": ag.int64, "uint8": wide_unsigned}.get(dtype, x.dtype)
    assert t.dtype is expected_dtype
    np.testing.assert_array_equal(to_np(t), np.trace(a, offset=offset, axis1=-2, axis2=-1))
    if x.dtype is not ag.complex128:
        as_float = LA.trace(x, offset=offset, dtype=ag.float64)
        assert as_float.dtype is ag.float64
        np.testing.assert_array_equal(
            to_np(as_float), np.trace(a, offset=offset, axis1=-2, axis2=-1)
        )


def test_diagonal_is_a_writable_copy(device):
    x = on(device, [[1.0, 2.0], [3.0, 4.0]])
    d = LA.diagonal(x)
    d += 1
    np.testing.assert_array_equal(to_np(d), [2.0, 5.0])
    np.testing.assert_array_equal(to_np(x), [[1.0, 2.0], [3.0, 4.0]])


@pytest.mark.backend_xfail("dask", reason=DASK_MISSING)
@fixture_ok
@given(
    shapes=st.sampled_from([((3,), (3,)), ((2, 3), (3,)), ((4, 1, 3), (2, 3)), ((3, 2), (3, 2))]),
    axis=st.sampled_from([-1, -2]),
    dtype=st.sampled_from([np.int64, np.float32, np.complex128]),
    data=st.data(),
)
def test_cross(device, shapes, axis, dtype, data):
    s1, s2 = shapes
    if axis == -2 and not (len(s1) >= 2 and len(s2) >= 2 and s1[-2] == s2[-2] == 3):
        axis = -1
    if s1[axis] != 3 or s2[axis] != 3:
        return
    el = st.integers(-5, 5)
    a = data.draw(hnp.arrays(np.int64, s1, elements=el)).astype(dtype)
    b = data.draw(hnp.arrays(np.int64, s2, elements=el)).astype(dtype)
    out = LA.cross(on(device, a), on(device, b), axis=axis)
    np.testing.assert_allclose(to_np(out), np.cross(a, b, axis=axis))
    assert to_np(out).dtype == np.cross(a, b, axis=axis).dtype


@fixture_ok
@given(
    a=hnp.arrays(np.int32, st.integers(0, 5).map(lambda n: (n,)), elements=st.integers(-9, 9)),
    b=hnp.arrays(np.float64, st.integers(0, 5).map(lambda n: (n,)), elements=st.floats(-9, 9)),
)
def test_outer(device, a, b):
    ok = not has_subnormal(b, b.astype(np.float32), np.outer(b, b.astype(np.float32)))
    assume_on(device, "jax", "cupy", ok=ok, reason=SUBNORMALS)
    out = LA.outer(on(device, a.astype(np.int64)), on(device, a))
    assert out.dtype is ag.int64
    np.testing.assert_array_equal(to_np(out), np.outer(a, a))
    out = LA.outer(on(device, b), on(device, b.astype(np.float32)))
    assert out.dtype is ag.float64
    np.testing.assert_allclose(to_np(out), np.outer(b, b.astype(np.float32)), rtol=1e-12)


# -- solve: the standard's broadcasting ----------------------------------------------------
@fixture_ok
@given(a=matrices(), k=st.integers(1, 3), data=st.data())
def test_solve_matrices_and_vectors(device, a, k, data):
    assume_on(device, "dask", ok=a.ndim == 2, reason=DASK_STACKS)
    m = a.shape[-1]
    x1 = on(device, a)
    b_batch = data.draw(st.sampled_from([(), a.shape[:-2], (1,) * len(a.shape[:-2])]))
    b = data.draw(hnp.arrays(np.float64, (*b_batch, m, k), elements=st.floats(-1, 1))).astype(
        a.dtype
    )
    out = LA.solve(x1, on(device, b))
    batch = np.broadcast_shapes(a.shape[:-2], b_batch)
    assert out.shape == (*batch, m, k)
    assert out.dtype is x1.dtype
    close(out, np.linalg.solve(a, b), rtol=TOL[a.dtype.type] * 10)
    v = data.draw(hnp.arrays(np.float64, (m,), elements=st.floats(-1, 1))).astype(a.dtype)
    out = LA.solve(x1, on(device, v))
    assert out.shape == (*a.shape[:-2], m)
    close(out, np.linalg.solve(a, v), rtol=TOL[a.dtype.type] * 10)


@pytest.mark.backend_xfail("dask", reason=DASK_STACKS)
def test_solve_reads_x2_of_rank_two_as_matrices(device):
    # x1 (2, 3, 3) with x2 (3, 3): x2 is one matrix for both, never a stack of vectors.
    a = np.stack([np.eye(3) * 2, np.eye(3) * 4])
    b = np.arange(9.0).reshape(3, 3)
    out = LA.solve(on(device, a), on(device, b))
    assert out.shape == (2, 3, 3)
    np.testing.assert_allclose(to_np(out), [b / 2, b / 4])
    # x2 (2, 3) with x1 (2, 3, 3): a (3)x... no: x2's rows (2) do not fit 3x3 matrices.
    with pytest.raises(ValueError, match="rows of x2's matrices has 2 elements"):
        LA.solve(on(device, a), on(device, np.ones((2, 3))))


def test_solve_promotes_and_checks(device):
    a = on(device, np.eye(2), dtype=ag.float32)
    b = on(device, [1.0, 2.0])
    out = LA.solve(a, b)
    assert out.dtype is ag.float64
    with pytest.raises(
        ValueError, match=r"x1 of shape \(2, 2\) holds 2x2 matrices, but x2 \(a vector\) has 3"
    ):
        LA.solve(a, on(device, [1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match=r"stack shapes .* do not broadcast"):
        LA.solve(on(device, np.ones((2, 2, 2)) + np.eye(2)), on(device, np.ones((3, 2, 1))))
    with pytest.raises(TypeError, match="floating-point"):
        LA.solve(a, on(device, [1, 2]))


# -- errors ------------------------------------------------------------------------------
SQUARE_FUNCS = ["cholesky", "det", "eig", "eigh", "eigvals", "eigvalsh", "inv", "slogdet"]
MATRIX_FUNCS = [*SQUARE_FUNCS, "pinv", "qr", "svd", "svdvals", "matrix_rank", "matrix_norm"]


@pytest.mark.parametrize("name", SQUARE_FUNCS)
def test_square_functions_reject_non_square(device, name):
    with pytest.raises(ValueError, match=rf"linalg.{name}: expected square matrices .*\(2, 3\)"):
        getattr(LA, name)(on(device, np.ones((2, 3))))


def test_matrix_power_rejects_non_square(device):
    with pytest.raises(ValueError, match=r"linalg.matrix_power: expected square"):
        LA.matrix_power(on(device, np.ones((2, 3))), 2)


@pytest.mark.parametrize("name", MATRIX_FUNCS)
def test_matrix_functions_reject_vectors_and_integers(device, name):
    with pytest.raises(ValueError, match=rf"linalg.{name}: expected a matrix .*\(3,\)"):
        getattr(LA, name)(on(device, np.ones(3)))
    with pytest.raises(
        TypeError, match=rf"linalg.{name}: expected a floating-point dtype, got int64"
    ):
        getattr(LA, name)(on(device, np.ones((2, 2), dtype=np.int64)))
    with pytest.raises(TypeError, match=rf"linalg.{name}: expected an arraygrad Tensor"):
        getattr(LA, name)(np.ones((2, 2)))


def test_argument_errors(device):
    x = on(device, np.eye(3))
    v = on(device, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="ord must be one of"):
        LA.matrix_norm(x, ord=3)
    with pytest.raises(ValueError, match="ord must be one of"):
        LA.matrix_norm(x, ord="max")
    with pytest.raises(ValueError, match="mode must be 'reduced' or 'complete'"):
        LA.qr(x, mode="r")
    with pytest.raises(TypeError, match="n must be an int"):
        LA.matrix_power(x, 2.0)
    with pytest.raises(ValueError, match="axis must be a negative int"):
        LA.cross(v, v, axis=0)
    with pytest.raises(ValueError, match="must have 3 elements"):
        LA.cross(on(device, [1.0, 2.0]), on(device, [1.0, 2.0]))
    with pytest.raises(ValueError, match="do not broadcast"):
        LA.cross(on(device, np.ones((2, 3))), on(device, np.ones((4, 3))))
    with pytest.raises(ValueError, match="expected two 1-D vectors"):
        LA.outer(x, v)
    with pytest.raises(TypeError, match="expected a numeric dtype"):
        LA.outer(on(device, [True]), on(device, [True]))
    with pytest.raises(IndexError, match="axis 3 is out of range"):
        LA.vector_norm(x, axis=3)
    with pytest.raises(ValueError, match="same axis twice"):
        LA.vector_norm(x, axis=(0, -2))
    with pytest.raises(TypeError, match="floating-point"):
        LA.vector_norm(on(device, [1, 2]))
    with pytest.raises(TypeError, match="rtol must be None, a real number or a Tensor"):
        LA.matrix_rank(x, rtol="small")
    with pytest.raises(ValueError, match="expected a matrix"):
        LA.trace(v)
    with pytest.raises(TypeError, match="expected a numeric dtype"):
        LA.trace(on(device, np.ones((2, 2), dtype=bool)))


@pytest.mark.backend_xfail(
    "jax", reason="JAX cannot raise on values: inv/cholesky of a singular matrix give inf/nan"
)
@pytest.mark.backend_xfail(
    "cupy",
    reason="CuPy gives inf/nan for a singular matrix unless cupyx.errstate(linalg='raise') "
    "asks it to check, which synchronizes the device",
)
@pytest.mark.backend_xfail(
    "dask", reason="Dask is lazy: a singular matrix raises LinAlgError when the graph computes"
)
def test_singular_matrix_is_numpys_linalg_error_on_every_backend(device):
    with pytest.raises(np.linalg.LinAlgError, match=r"linalg\.inv"):
        LA.inv(on(device, np.zeros((2, 2))))
    with pytest.raises(ValueError, match=r"linalg\.cholesky"):
        LA.cholesky(on(device, -np.eye(2)))


@pytest.mark.backend_xfail("dask", reason=DASK_MISSING)
def test_slogdet_of_a_singular_matrix(device):
    sign, logabsdet = LA.slogdet(on(device, np.zeros((2, 2))))
    assert float(sign) == 0.0
    assert float(logabsdet) == -math.inf


@pytest.mark.backend_xfail("dask", reason=DASK_MISSING)
def test_empty_matrices_and_vectors(device):
    x = on(device, np.zeros((3, 0, 2)))
    rank = LA.matrix_rank(x)
    assert rank.dtype is ag.int64
    np.testing.assert_array_equal(to_np(rank), [0, 0, 0])
    for ord in ("fro", "nuc", 1, 2, math.inf):
        out = LA.matrix_norm(x, ord=ord, keepdims=True)
        assert out.shape == (3, 1, 1)
        np.testing.assert_array_equal(to_np(out), np.zeros((3, 1, 1)))
    for ord in (-1, -2, -math.inf):
        with pytest.raises(ValueError, match="takes a minimum"):
            LA.matrix_norm(x, ord=ord)
    np.testing.assert_array_equal(to_np(LA.vector_norm(x, axis=1, ord=math.inf)), np.zeros((3, 2)))
    assert LA.vector_norm(x, axis=(1, 2), keepdims=True).shape == (3, 1, 1)
    with pytest.raises(ValueError, match="takes a minimum"):
        LA.vector_norm(x, ord=-1)
    assert LA.pinv(x).shape == (3, 2, 0)
    assert LA.svdvals(x).shape == (3, 0)


@pytest.mark.backend_xfail("dask", reason=DASK_MISSING)
def test_numpy_integers_are_accepted_as_ints(device):
    x = on(device, np.diag([2.0, 3.0]))
    np.testing.assert_allclose(to_np(LA.matrix_power(x, np.int64(2))), np.diag([4.0, 9.0]))
    np.testing.assert_array_equal(to_np(LA.diagonal(x, offset=np.int32(0))), [2.0, 3.0])
    with pytest.raises(TypeError, match="offset must be an int"):
        LA.trace(x, offset=True)
