"""The linalg and fft rules against PyTorch's autograd (where torch is installed), and the
choices at the points finite differences cannot check: singular matrices for det, zero
vectors and ties for the norms, ord=0, the non-differentiable QR mode and matrix_rank.

Losses are written once as array-API code and run on ``arraygrad`` (every backend) and on
``array_api_compat.torch`` (torch.autograd), first and second order.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import arraygrad as ag
from conftest import xfail_on

RNG = np.random.default_rng(20251212)


def _np(t):
    return np.asarray(t.detach().to_device("cpu"))


def _c(xp, values, like):
    """A constant of the loss, on the device of ``like``."""
    return xp.asarray(values, device=like.device)


def _randn(*shape, complex_=False):
    a = RNG.standard_normal(shape)
    if complex_:
        a = a + 1j * RNG.standard_normal(shape)
    return a


def _weights_like(value):
    """Random weights of a loss: real for real outputs, complex for complex ones."""
    return _randn(*np.shape(value), complex_=np.iscomplexobj(value))


def _wsum(xp, out, w):
    """Return Re(sum(out * conj(w))): a real, generic linear function of ``out``."""
    w = _c(xp, w, out)
    if xp.isdtype(out.dtype, "complex floating"):
        return xp.sum(xp.real(out * xp.conj(w)))
    return xp.sum(out * w)


def _ag_grads(loss, values, device, create_graph=False):
    ts = [ag.asarray(v, device=device, requires_grad=True) for v in values]
    out = loss(ag, *ts)
    grads = ag.autograd.grad([out], ts, create_graph=create_graph, allow_unused=True)
    return ts, out, grads


def _tnp(t):
    return t.detach().resolve_conj().resolve_neg().numpy()


@pytest.fixture(scope="module")
def torch_ns():
    pytest.importorskip("torch")
    import array_api_compat.torch as xt

    return xt


def _torch_grads(xt, loss, values, create_graph=False):
    import torch

    ts = [torch.tensor(v, requires_grad=True) for v in values]
    out = loss(xt, *ts)
    grads = torch.autograd.grad(out, ts, create_graph=create_graph, allow_unused=True)
    return ts, out, grads


def _check_against_torch(device, xt, loss, values, *, second_order=True, rtol=1e-7, atol=1e-9):
    """Compare the gradients (and the gradients of <grads, v>) with torch.autograd's."""
    import torch

    ts, out, grads = _ag_grads(loss, values, device, create_graph=second_order)
    tts, tout, tgrads = _torch_grads(xt, loss, values, create_graph=second_order)
    np.testing.assert_allclose(_np(out), _tnp(tout), rtol=1e-10, atol=1e-12)
    for g, tg, v in zip(grads, tgrads, values, strict=True):
        expected = np.zeros_like(v) if tg is None else _tnp(tg)
        got = np.zeros_like(v) if g is None else _np(g)
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol)
    if not second_order:
        return
    # Second order: the gradient of <grads, w> for random w.
    ws = [_weights_like(v) for v in values]
    pairs = [(g, w) for g, w in zip(grads, ws, strict=True) if g is not None and g.requires_grad]
    tpairs = [(g, w) for g, w in zip(tgrads, ws, strict=True) if g is not None and g.requires_grad]
    if not pairs and not tpairs:
        return
    total = sum(_wsum(ag, g, w) for g, w in pairs)
    hv = ag.autograd.grad([total], ts, allow_unused=True)
    ttotal = sum(_wsum(xt, g, w) for g, w in tpairs)
    thv = torch.autograd.grad(ttotal, tts, allow_unused=True)
    for g, tg, v in zip(hv, thv, values, strict=True):
        expected = np.zeros_like(v) if tg is None else _tnp(tg)
        got = np.zeros_like(v) if g is None else _np(g)
        np.testing.assert_allclose(got, expected, rtol=max(rtol, 1e-6), atol=max(atol, 1e-8))


def _hermitian(xp, a):
    h = xp.matrix_transpose(a)
    if xp.isdtype(a.dtype, "complex floating"):
        h = xp.conj(h)
    return (a + h) / 2


def _abs2(xp, v):
    if xp.isdtype(v.dtype, "complex floating"):
        return xp.real(v * xp.conj(v))
    return v * v


def _well_conditioned(*shape, complex_=False):
    n = shape[-1]
    return _randn(*shape, complex_=complex_) / math.sqrt(2 * n) + 2 * np.eye(n)


def _spd(*shape, complex_=False):
    a = _randn(*shape, complex_=complex_)
    return a @ np.conj(np.swapaxes(a, -1, -2)) + shape[-1] * np.eye(shape[-1])


def _diagonalizable(n, complex_=False):
    p = _randn(n, n, complex_=complex_) / math.sqrt(2 * n) + np.eye(n)
    lam = 1.0 + 1.5 * np.arange(n)
    if complex_:
        lam = lam + 1j * RNG.uniform(-1, 1, n)
    return (p * lam) @ np.linalg.inv(p)


def _weights(shape, complex_=False):
    return _randn(*shape, complex_=complex_)


# -- a table of cases: (id, loss(xp, *arrays), values) ----------------------------------------


def _cases():
    cases = []
    for cplx in (False, True):
        tag = "complex" if cplx else "real"
        w33 = _weights((2, 3, 3), cplx)
        w3 = _weights((3,), cplx)
        wr3 = _weights((2, 3))
        wr33 = _weights((3, 3))
        wr233 = _weights((2, 3, 3))
        w34 = _weights((3, 4), cplx)

        for upper in (False, True):
            cases.append((
                f"cholesky-upper={upper}-{tag}",
                lambda xp, a, upper=upper, w=w33: _wsum(xp, xp.linalg.cholesky(_hermitian(xp, a), upper=upper), w),
                [_spd(2, 3, 3, complex_=cplx)],
            ))
        w23 = _weights((2, 3), cplx)
        cases.append((
            f"cross-{tag}",
            lambda xp, a, b, w=w23: _wsum(xp, xp.linalg.cross(a, b), w),
            [_randn(2, 3, complex_=cplx), _randn(3, complex_=cplx)],
        ))
        w2 = _weights((2,), cplx)
        cases.append((
            f"det-{tag}",
            lambda xp, a, w=w2: _wsum(xp, xp.linalg.det(a), w),
            [_randn(2, 3, 3, complex_=cplx)],
        ))
        w0 = _weights((), cplx)
        wr0 = _weights(())
        neg = _well_conditioned(3, 3, complex_=cplx)
        neg[0] = -neg[0]
        cases.append((
            f"slogdet-{tag}",
            lambda xp, a, w=w0, w2=wr0: (
                _wsum(xp, xp.linalg.slogdet(a)[0], w) + _wsum(xp, xp.linalg.slogdet(a)[1], w2)
            ),
            [neg],
        ))
        for k in (-1, 0, 2):
            cases.append((
                f"diagonal-offset={k}-{tag}",
                lambda xp, a, k=k: _wsum(xp, xp.linalg.diagonal(a, offset=k) ** 2, np.ones(1)),
                [_randn(2, 3, 4, complex_=cplx)],
            ))
            cases.append((
                f"trace-offset={k}-{tag}",
                lambda xp, a, k=k, w=w2: _wsum(xp, xp.linalg.trace(a, offset=k), w),
                [_randn(2, 3, 4, complex_=cplx)],
            ))
        cases.append((
            f"eig-{tag}",
            lambda xp, a, w=w3, w2=wr33: (
                _wsum(xp, xp.linalg.eig(a)[0], w) + _wsum(xp, _abs2(xp, xp.linalg.eig(a)[1]), w2)
            ),
            [_diagonalizable(3, cplx)],
        ))
        cases.append((
            f"eigvals-{tag}",
            lambda xp, a, w=w3: _wsum(xp, xp.linalg.eigvals(a), w),
            [_diagonalizable(3, cplx)],
        ))
        cases.append((
            f"eigh-{tag}",
            lambda xp, a, w=wr3, w2=wr233: (
                _wsum(xp, xp.linalg.eigh(_hermitian(xp, a))[0], w)
                + _wsum(xp, _abs2(xp, xp.linalg.eigh(_hermitian(xp, a))[1]), w2)
            ),
            [_randn(2, 3, 3, complex_=cplx)],
        ))
        cases.append((
            f"eigvalsh-{tag}",
            lambda xp, a, w=wr3: _wsum(xp, xp.linalg.eigvalsh(_hermitian(xp, a)), w),
            [_randn(2, 3, 3, complex_=cplx)],
        ))
        cases.append((
            f"inv-{tag}",
            lambda xp, a, w=w33: _wsum(xp, xp.linalg.inv(a), w),
            [_well_conditioned(2, 3, 3, complex_=cplx)],
        ))
        for n in (-2, 0, 1, 3):
            cases.append((
                f"matrix_power-{n}-{tag}",
                lambda xp, a, n=n, w=w33: _wsum(xp, xp.linalg.matrix_power(a, n), w),
                [_well_conditioned(2, 3, 3, complex_=cplx)],
            ))
        for o in ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf):
            for keepdims in (False, True):
                cases.append((
                    f"matrix_norm-{o}-keepdims={keepdims}-{tag}",
                    lambda xp, a, o=o, keepdims=keepdims: _wsum(
                        xp, xp.linalg.matrix_norm(a, ord=o, keepdims=keepdims) ** 2, np.ones(1)
                    ),
                    [_randn(2, 3, 4, complex_=cplx)],
                ))
        for o in (2, 1, math.inf, -math.inf, 0, 3, 0.5, -1, 1.5):
            for axis in (None, -1, (0, 2)):
                cases.append((
                    f"vector_norm-{o}-axis={axis}-{tag}",
                    lambda xp, a, o=o, axis=axis: _wsum(
                        xp, xp.linalg.vector_norm(a, ord=o, axis=axis) ** 2, np.ones(1)
                    ),
                    [_randn(2, 3, 2, complex_=cplx)],
                ))
        cases.append((
            f"outer-{tag}",
            lambda xp, a, b, w=w34: _wsum(xp, xp.linalg.outer(a, b), w),
            [_randn(3, complex_=cplx), _randn(4, complex_=cplx)],
        ))
        for shape in ((2, 3), (3, 2), (2, 2, 2)):
            wp = _weights(shape[:-2] + shape[::-1][:2], cplx)
            cases.append((
                f"pinv-{shape}-{tag}",
                lambda xp, a, w=wp: _wsum(xp, xp.linalg.pinv(a), w),
                [_randn(*shape, complex_=cplx) + np.eye(*shape[-2:])],
            ))
        for shape, mode in (((3, 2), "reduced"), ((2, 3), "reduced"), ((2, 3), "complete"), ((3, 3), "complete")):
            m, n = shape
            k = min(m, n) if mode == "reduced" else m
            wq = _weights((m, k), cplx)
            wr = _weights((k, n), cplx)
            cases.append((
                f"qr-{shape}-{mode}-{tag}",
                lambda xp, a, mode=mode, wq=wq, wr=wr: (
                    _wsum(xp, xp.linalg.qr(a, mode=mode)[0], wq) + _wsum(xp, xp.linalg.qr(a, mode=mode)[1], wr)
                ),
                [_randn(*shape, complex_=cplx) + np.eye(*shape)],
            ))
        for shape in ((3,), (3, 2), (2, 3, 1)):
            cases.append((
                f"solve-{shape}-{tag}",
                lambda xp, a, b: _wsum(xp, xp.linalg.solve(a, b) ** 2, np.ones(1)),
                [_well_conditioned(2, 3, 3, complex_=cplx), _randn(*shape, complex_=cplx)],
            ))
        for shape in ((3, 2), (2, 3), (3, 3)):
            for full in (False, True):
                k = min(shape)
                ws = _weights((k,))
                wu = _weights((shape[0], k))
                wv = _weights((k, shape[1]))
                cases.append((
                    f"svd-{shape}-full={full}-{tag}",
                    lambda xp, a, full=full, k=k, ws=ws, wu=wu, wv=wv: (
                        _wsum(xp, xp.linalg.svd(a, full_matrices=full)[1], ws)
                        + _wsum(xp, _abs2(xp, xp.linalg.svd(a, full_matrices=full)[0][..., :k]), wu)
                        + _wsum(xp, _abs2(xp, xp.linalg.svd(a, full_matrices=full)[2][..., :k, :]), wv)
                    ),
                    [_randn(*shape, complex_=cplx)],
                ))
            wsv = _weights((min(shape),))
            cases.append((
                f"svdvals-{shape}-{tag}",
                lambda xp, a, w=wsv: _wsum(xp, xp.linalg.svdvals(a), w),
                [_randn(*shape, complex_=cplx)],
            ))
    return cases


_CASES = _cases()

# What Dask's linalg cannot do (docs/backends.md).
DASK_MISSING = "Dask's linalg has no det, slogdet, eigh, eigvalsh, pinv, matrix_power or cross"
DASK_STACKS = "Dask's linalg takes single matrices only, no stacks"
DASK_FULL = "Dask's qr and svd give the reduced factors only (no mode='complete', no full_matrices)"


def _dask_limit(case_id):
    """Return why Dask cannot run the case ``case_id`` of _CASES, or None."""
    name = case_id.split("-")[0]
    if name in ("cross", "det", "slogdet", "eigh", "eigvalsh", "matrix_power", "pinv"):
        return DASK_MISSING
    if name in ("cholesky", "inv", "solve") or case_id.startswith(
        ("matrix_norm-nuc-", "matrix_norm-2-", "matrix_norm--2-")
    ):
        return DASK_STACKS
    if "-complete-" in case_id or "-full=True-" in case_id:
        return DASK_FULL
    return None


def _params(cases):
    out = []
    for case_id, loss, values in cases:
        reason = _dask_limit(case_id)
        marks = [pytest.mark.backend_xfail("dask", reason=reason)] if reason else []
        out.append(pytest.param(loss, values, id=case_id, marks=marks))
    return out


@pytest.mark.parametrize(("loss", "values"), _params(_CASES))
def test_linalg_matches_torch(device, torch_ns, loss, values):
    _check_against_torch(device, torch_ns, loss, values)


# -- fft --------------------------------------------------------------------------------------


def _fft_cases():
    cases = []
    norms = ("backward", "ortho", "forward")
    for name, real_in in (("fft", False), ("ifft", False), ("rfft", True), ("irfft", False), ("hfft", False), ("ihfft", True)):
        for n in (None, 3, 4, 7):
            for norm in norms:
                x = _randn(2, 5, complex_=not real_in)
                cases.append((
                    f"{name}-n={n}-{norm}",
                    lambda xp, a, name=name, n=n, norm=norm: _wsum(
                        xp, _abs2(xp, getattr(xp.fft, name)(a, n=n, axis=-1, norm=norm) * 1.5 + 0.5), np.ones(1)
                    ),
                    [x],
                ))
        x = _randn(4, 3, complex_=not real_in)
        cases.append((
            f"{name}-axis0",
            lambda xp, a, name=name: _wsum(xp, _abs2(xp, getattr(xp.fft, name)(a, axis=0) + 1.0), np.ones(1)),
            [x],
        ))
    for name, real_in in (("fftn", False), ("ifftn", False), ("rfftn", True), ("irfftn", False)):
        for s, axes in ((None, None), ((3, 4), (0, 2)), ((2, 5), (-1, 1)), (None, (1,))):
            for norm in norms:
                x = _randn(3, 3, 4, complex_=not real_in)
                cases.append((
                    f"{name}-s={s}-axes={axes}-{norm}",
                    lambda xp, a, name=name, s=s, axes=axes, norm=norm: _wsum(
                        xp, _abs2(xp, getattr(xp.fft, name)(a, s=s, axes=axes, norm=norm) + 0.5), np.ones(1)
                    ),
                    [x],
                ))
    for name in ("fftshift", "ifftshift"):
        for axes in (None, 0, (0, 1)):
            for cplx in (False, True):
                w = _weights((3, 4), cplx)
                cases.append((
                    f"{name}-axes={axes}-{'complex' if cplx else 'real'}",
                    lambda xp, a, name=name, axes=axes, w=w: _wsum(
                        xp, getattr(xp.fft, name)(a, axes=axes) ** 2, w
                    ),
                    [_randn(3, 4, complex_=cplx)],
                ))
    return cases


_FFT_CASES = _fft_cases()


@pytest.mark.parametrize(("loss", "values"), [c[1:] for c in _FFT_CASES], ids=[c[0] for c in _FFT_CASES])
def test_fft_matches_torch(device, torch_ns, loss, values):
    _check_against_torch(device, torch_ns, loss, values)


# -- choices at non-differentiable points --------------------------------------------------


def _adjugate(a):
    n = a.shape[-1]
    adj = np.zeros_like(a)
    for i in range(n):
        for j in range(n):
            minor = np.delete(np.delete(a, i, axis=0), j, axis=1)
            adj[j, i] = (-1) ** (i + j) * (np.linalg.det(minor) if minor.size else 1.0)
    return adj


@pytest.mark.backend_xfail("dask", reason=DASK_MISSING)
@pytest.mark.parametrize(
    "a",
    [
        np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]]),  # rank 2
        np.array([[1.0, 2.0], [2.0, 4.0]]),  # rank 1 (2x2)
        np.outer([1.0, 2.0, 3.0], [1.0, -1.0, 2.0]),  # rank 1: zero adjugate
        np.zeros((3, 3)),
        np.array([[1.0, 2.0j], [0.5j, -1.0]]),  # complex, singular
    ],
    ids=["rank2", "rank1-2x2", "rank1-3x3", "zeros", "complex"],
)
def test_det_gradient_at_singular_matrices_is_the_adjugate(device, a):
    # Note: det is a polynomial, smooth everywhere: its gradient is conj(adj(A))^T, finite
    # and right at singular matrices too (PyTorch computes it from the SVD there).
    x = ag.asarray(a, device=device, requires_grad=True)
    ag.linalg.det(x).backward() if not np.iscomplexobj(a) else ag.real(ag.linalg.det(x)).backward()
    np.testing.assert_allclose(_np(x.grad), np.conj(_adjugate(a)).T, atol=1e-12)


@pytest.mark.backend_xfail("dask", reason=DASK_MISSING)
def test_det_singular_matches_torch(device, torch_ns):
    # Note: torch's first-order det backward (grad mode off) multiplies by det == 0 and
    # returns 0 at exactly singular matrices; with create_graph it computes the adjugate
    # from the SVD, as arraygrad always does. The comparison is with the latter.
    a = np.array([[[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]], np.eye(3) * 2])
    _check_against_torch(
        device, torch_ns, lambda xp, x: xp.sum(xp.linalg.det(x) * _c(xp, [1.0, 2.0], x)), [a]
    )


def test_vector_norm_of_a_zero_vector_has_zero_gradient(device):
    # Note: ||x||_2 is not differentiable at 0; PyTorch (and arraygrad) give 0 there.
    x = ag.asarray(np.zeros((2, 3)), device=device, requires_grad=True)
    ag.sum(ag.linalg.vector_norm(x, axis=-1)).backward()
    np.testing.assert_array_equal(_np(x.grad), np.zeros((2, 3)))
    y = ag.asarray(np.zeros((2, 2)), device=device, requires_grad=True)
    ag.linalg.matrix_norm(y).backward()
    np.testing.assert_array_equal(_np(y.grad), np.zeros((2, 2)))


def test_vector_norm_ord_0_has_zero_gradient(device):
    x = ag.asarray(np.array([1.0, 0.0, -2.0]), device=device, requires_grad=True)
    ag.linalg.vector_norm(x, ord=0).backward()
    np.testing.assert_array_equal(_np(x.grad), np.zeros(3))


def test_inf_norm_splits_ties_evenly(device):
    x = ag.asarray(np.array([3.0, -3.0, 1.0]), device=device, requires_grad=True)
    ag.linalg.vector_norm(x, ord=math.inf).backward()
    np.testing.assert_allclose(_np(x.grad), [0.5, -0.5, 0.0])
    y = ag.asarray(np.array([[1.0, 2.0], [-2.0, 1.0]]), device=device, requires_grad=True)
    ag.linalg.matrix_norm(y, ord=1).backward()  # both columns sum to 3
    np.testing.assert_allclose(_np(y.grad), [[0.5, 0.5], [-0.5, 0.5]])


def test_one_norm_at_zero_entries(device):
    # sgn(0) = 0, as PyTorch's abs.
    x = ag.asarray(np.array([0.0, -2.0, 1.0]), device=device, requires_grad=True)
    ag.linalg.vector_norm(x, ord=1).backward()
    np.testing.assert_array_equal(_np(x.grad), [0.0, -1.0, 1.0])


def test_vector_norm_without_reduction_is_abs(device):
    x = ag.asarray(np.array([[1.0, -2.0]]), device=device, requires_grad=True)
    ag.sum(ag.linalg.vector_norm(x, axis=(), ord=3)).backward()
    np.testing.assert_array_equal(_np(x.grad), [[1.0, -1.0]])


@pytest.mark.backend_xfail("dask", reason=DASK_FULL)
def test_qr_complete_with_more_rows_is_not_differentiable(device):
    x = ag.asarray(RNG.standard_normal((3, 2)), device=device, requires_grad=True)
    q, _ = ag.linalg.qr(x, mode="complete")
    with pytest.raises(NotImplementedError, match="complete"):
        ag.sum(q).backward()


@pytest.mark.backend_xfail("dask", reason="array_api_compat's Dask wrapper fails matrix_rank (svd has no compute_uv)")
def test_matrix_rank_is_not_differentiable(device):
    x = ag.asarray(RNG.standard_normal((3, 3)), device=device, requires_grad=True)
    r = ag.linalg.matrix_rank(x)
    assert not r.requires_grad
    assert int(_np(r)) == 3


@pytest.mark.backend_xfail("dask", reason=DASK_MISSING)
def test_slogdet_sign_of_a_real_matrix_has_zero_gradient(device):
    x = ag.asarray(np.array([[2.0, 1.0], [1.0, -3.0]]), device=device, requires_grad=True)
    sign, _ = ag.linalg.slogdet(x)
    (g,) = ag.autograd.grad([sign], [x], allow_unused=True)
    assert g is None or not np.any(_np(g))


@pytest.mark.backend_xfail("dask", reason=DASK_MISSING)
def test_eigvalsh_gradient_is_the_outer_products_of_eigenvectors(device):
    a = np.array([[2.0, 1.0], [1.0, 3.0]])
    x = ag.asarray(a, device=device, requires_grad=True)
    ag.linalg.eigvalsh(x)[1].backward()
    _, v = np.linalg.eigh(a)
    np.testing.assert_allclose(_np(x.grad), np.outer(v[:, 1], v[:, 1]), atol=1e-12)


def test_irfft_ignores_the_imaginary_part_of_the_zero_and_nyquist_bins(device):
    x = ag.asarray(np.array([1.0 + 2.0j, 0.5 - 1.0j, 3.0 + 4.0j]), device=device, requires_grad=True)
    y = ag.fft.irfft(x, n=4)
    ag.sum(y * ag.asarray(np.array([1.0, 2.0, -1.0, 0.5]), device=device)).backward()
    assert _np(x.grad)[0].imag == 0
    assert _np(x.grad)[2].imag == 0


def test_trace_with_a_wider_dtype(device):
    x = ag.asarray(RNG.standard_normal((2, 3, 3)), dtype=ag.float32, device=device, requires_grad=True)
    ag.sum(ag.linalg.trace(x, offset=1, dtype=ag.float64)).backward()
    assert x.grad.dtype is ag.float32
    np.testing.assert_array_equal(_np(x.grad), np.broadcast_to(np.eye(3, k=1), (2, 3, 3)))


@pytest.mark.backend_xfail("dask", reason=DASK_MISSING)
def test_pinv_with_an_rtol_tensor(device):
    a = RNG.standard_normal((3, 2))
    x = ag.asarray(a, device=device, requires_grad=True)
    rtol = ag.asarray(1e-8, device=device, requires_grad=True)
    ag.sum(ag.linalg.pinv(x, rtol=rtol)).backward()
    assert rtol.grad is None
    y = ag.asarray(a, device=device, requires_grad=True)
    ag.sum(ag.linalg.pinv(y)).backward()
    np.testing.assert_allclose(_np(x.grad), _np(y.grad))


@pytest.mark.parametrize(
    "loss",
    [
        lambda xp, a: xp.linalg.det(a),
        lambda xp, a: xp.sum(xp.linalg.eigh(_hermitian(xp, a))[0] ** 2),
        lambda xp, a: xp.sum(xp.linalg.svdvals(a) ** 3),
        lambda xp, a: xp.sum(xp.linalg.inv(a)),
        lambda xp, a: xp.sum(xp.real(xp.fft.rfft(a, n=5)) ** 2),
        lambda xp, a: xp.sum(xp.linalg.vector_norm(a, axis=0, ord=3)),
    ],
    ids=["det", "eigh", "svdvals", "inv", "rfft", "vector_norm"],
)
def test_single_precision(device, loss, request):
    # float32 inputs: float32 gradients, close to the float64 ones.
    if request.node.callspec.id.endswith(("-det", "-eigh")):
        xfail_on(device, "dask", reason=DASK_MISSING)
    a = _well_conditioned(3, 3)
    grads = []
    for dt in (ag.float32, ag.float64):
        x = ag.asarray(a, dtype=dt, device=device, requires_grad=True)
        loss(ag, x).backward()
        assert x.grad.dtype is dt
        grads.append(_np(x.grad))
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-3, atol=1e-4)
