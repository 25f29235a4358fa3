"""Rules of the ``fft`` extension: each transform's gradient is its adjoint.

A transform of ``n`` points (``s`` sizes) first crops or zero-pads its input along the
transformed axes; the adjoint runs the opposite transform with the dual normalisation
("backward" <-> "forward", "ortho" stays) and then zero-pads or crops back. The
Hermitian transforms follow PyTorch's ``fft_r2c_backward`` / ``fft_c2r_backward``: the
adjoint of a one-sided real-to-complex transform zero-fills the missing half, and that of a
complex-to-real one runs a one-sided transform and doubles the bins whose mirror image was
dropped. ``hfft(x) = irfft(conj(x))`` and ``ihfft(x) = conj(rfft(x))`` with swapped norms.
"""

from __future__ import annotations

from typing import Any

import array_api_compat

from .._registry import Domain, device_of, rule

_DUAL = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


def _transform(xp: Any, name: str) -> Any:
    """Return ``xp.fft.<name>``; on Dask, one that first makes the axes one chunk each.

    Note: Dask transforms only along axes of one chunk; the zero-padding here (concat)
    and chunked data give several.
    """
    fn = getattr(xp.fft, name)
    if not array_api_compat.is_dask_namespace(xp):
        return fn

    def run(a: Any, **params: Any) -> Any:
        axes = params.get("axes")
        if axes is None:
            axes = (params["axis"],) if "axis" in params else range(a.ndim)
        return fn(a.rechunk({ax % a.ndim: -1 for ax in axes}), **params)

    return run


class _Strategies:
    """Hypothesis' strategies, imported when a sampler first runs (tests only)."""

    def __getattr__(self, name: str) -> Any:
        from hypothesis import strategies

        return getattr(strategies, name)


st = _Strategies()


# -- helpers (array-API code) ------------------------------------------------------------------


def _resize(xp: Any, a: Any, axis: int, size: int) -> Any:
    """Return ``a`` cropped or zero-padded at the end of ``axis`` to ``size`` elements."""
    cur = a.shape[axis]
    if cur == size:
        return a
    if cur > size:
        index: list[Any] = [slice(None)] * a.ndim
        index[axis] = slice(0, size)
        return a[tuple(index)]
    shape = list(a.shape)
    shape[axis] = size - cur
    return xp.concat((a, xp.zeros(tuple(shape), dtype=a.dtype, device=device_of(a))), axis=axis)


def _resize_all(xp: Any, a: Any, axes: tuple[int, ...], shape: tuple[int, ...]) -> Any:
    """Return ``a`` resized along each of ``axes`` to the input's ``shape``."""
    for ax in axes:
        a = _resize(xp, a, ax, shape[ax])
    return a


def _doubling(xp: Any, g: Any, axis: int, n: int) -> Any:
    """Return ``g`` (a one-sided spectrum of ``n`` points) with the mirrored bins doubled.

    Bins 1 .. n - (n//2 + 1) stand for two bins of the full spectrum (k and n - k); bin 0
    and, for even n, bin n/2 stand for one.
    """
    half = n // 2 + 1
    w = [2.0 if 1 <= k <= n - half else 1.0 for k in range(half)]
    shape = [1] * g.ndim
    shape[axis] = half
    weights = xp.reshape(xp.asarray(w, dtype=g.dtype, device=device_of(g)), tuple(shape))
    return g * weights


# -- samplers ------------------------------------------------------------------------------------


def _sample_1d(name: str, *, real_input: bool, half: bool) -> Any:
    def sample(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
        import arraygrad as ag

        from ...testing.strategies import array_from_domain

        ndim = draw(st.integers(1, 2))
        shape = tuple(draw(st.lists(st.integers(1, 4), min_size=ndim, max_size=ndim)))
        axis = draw(st.integers(-ndim, ndim - 1))
        m = shape[axis]
        if half and m < 2:
            n = draw(st.integers(1, 5))
        else:
            n = draw(st.one_of(st.none(), st.integers(1, 5)))
        norm = draw(st.sampled_from(["backward", "ortho", "forward"]))
        dt = ag.float64 if real_input else ag.complex128
        x = array_from_domain(draw, shape, Domain(), dt, device)
        fn = getattr(ag.fft, name)
        return (lambda a: fn(a, n=n, axis=axis, norm=norm)), (x,)

    return sample


def _sample_nd(name: str, *, real_input: bool, half: bool) -> Any:
    def sample(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
        import arraygrad as ag

        from ...testing.strategies import array_from_domain

        ndim = draw(st.integers(1, 3))
        shape = tuple(draw(st.lists(st.integers(1, 3), min_size=ndim, max_size=ndim)))
        if draw(st.booleans()):
            axes = None
            s = None
            last = ndim - 1
        else:
            axes = tuple(
                draw(st.lists(st.integers(0, ndim - 1), unique=True, min_size=1, max_size=ndim))
            )
            axes = tuple(a - ndim if draw(st.booleans()) else a for a in axes)
            last = axes[-1] % ndim
            s = None
            if draw(st.booleans()):
                s = tuple(draw(st.integers(1, 4)) for _ in axes)
        if half and s is None and shape[last] < 2:
            # The default output length 2*(M-1) needs M >= 2 input points.
            shape = tuple(2 if i == last else d for i, d in enumerate(shape))
        norm = draw(st.sampled_from(["backward", "ortho", "forward"]))
        dt = ag.float64 if real_input else ag.complex128
        x = array_from_domain(draw, shape, Domain(), dt, device)
        fn = getattr(ag.fft, name)
        return (lambda a: fn(a, s=s, axes=axes, norm=norm)), (x,)

    return sample


def _sample_shift(name: str) -> Any:
    def sample(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
        import arraygrad as ag

        from ...testing.strategies import array_from_domain, small_shapes

        shape = draw(small_shapes(max_side=4))
        ndim = len(shape)
        if ndim and draw(st.booleans()):
            axes: Any = tuple(draw(st.lists(st.integers(-ndim, ndim - 1), max_size=ndim, unique_by=lambda a: a % ndim)))
            if len(axes) == 1 and draw(st.booleans()):
                axes = axes[0]
        else:
            axes = None
        x = array_from_domain(draw, shape, Domain(), dtype, device)
        fn = getattr(ag.fft, name)
        return (lambda a: fn(a, axes=axes)), (x,)

    return sample


# -- one-dimensional transforms ------------------------------------------------------------------

_NOTES_C2C = "The adjoint transform with the dual norm; n crops (zero-pads) the input: the gradient is zero-padded (cropped) back."


@rule("fft.fft", sample=_sample_1d("fft", real_input=False, half=False), notes=_NOTES_C2C)
def _fft(xp: Any, ctx: Any, g: Any) -> Any:
    p = ctx.params
    axis = p["axis"]
    out = _transform(xp, "ifft")(g, n=p["n"], axis=axis, norm=_DUAL[p["norm"]])
    return _resize(xp, out, axis, ctx.shapes[0][axis])


@rule("fft.ifft", sample=_sample_1d("ifft", real_input=False, half=False), notes=_NOTES_C2C)
def _ifft(xp: Any, ctx: Any, g: Any) -> Any:
    p = ctx.params
    axis = p["axis"]
    out = _transform(xp, "fft")(g, n=p["n"], axis=axis, norm=_DUAL[p["norm"]])
    return _resize(xp, out, axis, ctx.shapes[0][axis])


def _r2c_backward(xp: Any, g: Any, axis: int, n: int, norm: str, m: int) -> Any:
    """Adjoint of a one-sided rfft of n points: zero-fill the dropped half, inverse c2c."""
    full = _resize(xp, g, axis, n)
    out = xp.real(_transform(xp, "ifft")(full, n=n, axis=axis, norm=_DUAL[norm]))
    return _resize(xp, out, axis, m)


def _c2r_backward(xp: Any, g: Any, axis: int, n: int, norm: str, m: int) -> Any:
    """Adjoint of irfft to n points: one-sided rfft, doubling the mirrored bins."""
    out = _doubling(xp, _transform(xp, "rfft")(g, n=n, axis=axis, norm=_DUAL[norm]), axis, n)
    return _resize(xp, out, axis, m)


@rule(
    "fft.rfft",
    sample=_sample_1d("rfft", real_input=True, half=False),
    complex_inputs=False,
    notes="PyTorch's fft_r2c_backward: the missing half of the spectrum is zero-filled, then "
    "the real part of the inverse complex transform (dual norm).",
)
def _rfft(xp: Any, ctx: Any, g: Any) -> Any:
    p = ctx.params
    axis = p["axis"]
    return _r2c_backward(xp, g, axis, p["n"], p["norm"], ctx.shapes[0][axis])


@rule(
    "fft.irfft",
    sample=_sample_1d("irfft", real_input=False, half=True),
    notes="PyTorch's fft_c2r_backward: rfft of the gradient (dual norm), the bins that stand "
    "for two (k and n-k) doubled. The imaginary parts of bin 0 (and n/2 for even n), which "
    "irfft ignores, get zero gradient.",
)
def _irfft(xp: Any, ctx: Any, g: Any) -> Any:
    p = ctx.params
    axis = p["axis"]
    return _c2r_backward(xp, g, axis, p["n"], p["norm"], ctx.shapes[0][axis])


@rule(
    "fft.hfft",
    sample=_sample_1d("hfft", real_input=False, half=True),
    notes="hfft(x, norm) = irfft(conj(x), swapped norm): conj of the irfft rule.",
)
def _hfft(xp: Any, ctx: Any, g: Any) -> Any:
    p = ctx.params
    axis = p["axis"]
    # The dual of the swapped norm is the norm itself.
    out = _c2r_backward(xp, g, axis, p["n"], _DUAL[p["norm"]], ctx.shapes[0][axis])
    return xp.conj(out)


@rule(
    "fft.ihfft",
    sample=_sample_1d("ihfft", real_input=True, half=False),
    complex_inputs=False,
    notes="ihfft(x, norm) = conj(rfft(x, swapped norm)): the rfft rule on conj(g).",
)
def _ihfft(xp: Any, ctx: Any, g: Any) -> Any:
    p = ctx.params
    axis = p["axis"]
    return _r2c_backward(xp, xp.conj(g), axis, p["n"], _DUAL[p["norm"]], ctx.shapes[0][axis])


# -- n-dimensional transforms ----------------------------------------------------------------


def _distinct(axes: tuple[int, ...]) -> None:
    if len(set(axes)) != len(axes):
        raise NotImplementedError(
            f"fft: no gradient for a transform that names an axis twice (axes={axes})"
        )


@rule("fft.fftn", sample=_sample_nd("fftn", real_input=False, half=False), notes=_NOTES_C2C)
def _fftn(xp: Any, ctx: Any, g: Any) -> Any:
    p = ctx.params
    axes = p["axes"]
    if not axes:
        return g
    _distinct(axes)
    out = _transform(xp, "ifftn")(g, s=p["s"], axes=axes, norm=_DUAL[p["norm"]])
    return _resize_all(xp, out, axes, ctx.shapes[0])


@rule("fft.ifftn", sample=_sample_nd("ifftn", real_input=False, half=False), notes=_NOTES_C2C)
def _ifftn(xp: Any, ctx: Any, g: Any) -> Any:
    p = ctx.params
    axes = p["axes"]
    if not axes:
        return g
    _distinct(axes)
    out = _transform(xp, "fftn")(g, s=p["s"], axes=axes, norm=_DUAL[p["norm"]])
    return _resize_all(xp, out, axes, ctx.shapes[0])


@rule(
    "fft.rfftn",
    sample=_sample_nd("rfftn", real_input=True, half=False),
    complex_inputs=False,
    notes="PyTorch's fft_r2c_backward over the last axis, the inverse complex transform over all.",
)
def _rfftn(xp: Any, ctx: Any, g: Any) -> Any:
    p = ctx.params
    axes = p["axes"]
    s = p["s"]
    _distinct(axes)
    full = _resize(xp, g, axes[-1], s[-1])
    out = xp.real(_transform(xp, "ifftn")(full, s=s, axes=axes, norm=_DUAL[p["norm"]]))
    return _resize_all(xp, out, axes, ctx.shapes[0])


@rule(
    "fft.irfftn",
    sample=_sample_nd("irfftn", real_input=False, half=True),
    notes="PyTorch's fft_c2r_backward: rfftn of the gradient, mirrored bins of the last axis "
    "doubled.",
)
def _irfftn(xp: Any, ctx: Any, g: Any) -> Any:
    p = ctx.params
    axes = p["axes"]
    s = p["s"]
    _distinct(axes)
    out = _doubling(xp, _transform(xp, "rfftn")(g, s=s, axes=axes, norm=_DUAL[p["norm"]]), axes[-1], s[-1])
    return _resize_all(xp, out, axes, ctx.shapes[0])


# -- shifts ------------------------------------------------------------------------------------


@rule("fft.fftshift", sample=_sample_shift("fftshift"), notes="ifftshift of the gradient.")
def _fftshift(xp: Any, ctx: Any, g: Any) -> Any:
    axes = ctx.params["axes"]
    return xp.fft.ifftshift(g, axes=axes) if axes else g


@rule("fft.ifftshift", sample=_sample_shift("ifftshift"), notes="fftshift of the gradient.")
def _ifftshift(xp: Any, ctx: Any, g: Any) -> Any:
    axes = ctx.params["axes"]
    return xp.fft.fftshift(g, axes=axes) if axes else g
