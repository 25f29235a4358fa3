"""The standard's ``fft`` extension: discrete Fourier transforms and their helpers.

The functions check their inputs (dtypes, ``n``/``s``/``axes``/``norm``), resolve the
defaults the standard gives (``-1`` in ``s``, the default output length of ``irfft``) so
every backend sees explicit sizes and axes, and run the backend's own ``fft`` function
through the one dispatch path. Results keep the precision of the input, as the standard
requires, whatever the backend returns.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any, Literal

import array_api_compat

from . import _dtypes
from ._backend import Backend
from ._devices import Device
from ._dispatch import call, check_axis, create, not_an_array
from ._dtypes import DType
from ._tensor import Tensor

__all__ = [
    "fft",
    "fftfreq",
    "fftn",
    "fftshift",
    "hfft",
    "ifft",
    "ifftn",
    "ifftshift",
    "ihfft",
    "irfft",
    "irfftn",
    "rfft",
    "rfftfreq",
    "rfftn",
]

_NORMS = ("backward", "ortho", "forward")
Norm = Literal["backward", "ortho", "forward"]


# -- input checks --------------------------------------------------------------------------
def _input(name: str, x: Any, kind: str) -> Tensor:
    """Check that ``x`` is a Tensor of the ``kind`` ("complex", "real", "floating") dtypes."""
    if not isinstance(x, Tensor):
        raise not_an_array(f"fft.{name}", x)
    allowed = {
        "complex": _dtypes.COMPLEX_FLOATING,
        "real": _dtypes.REAL_FLOATING,
        "floating": _dtypes.FLOATING,
    }[kind]
    if x.dtype not in allowed:
        hint = ""
        if kind == "complex" and x.dtype in _dtypes.REAL_FLOATING:
            hint = "; cast real input with astype() to complex first, or use rfft/rfftn"
        elif kind == "real" and x.dtype in _dtypes.COMPLEX_FLOATING:
            hint = "; for complex input use fft/fftn"
        what = {"complex": "complex floating-point", "real": "real floating-point"}.get(
            kind, "floating-point"
        )
        raise TypeError(f"fft.{name}: expected a {what} dtype, got {x.dtype.name}{hint}")
    return x


def _norm(name: str, norm: Any) -> str:
    if norm not in _NORMS:
        raise ValueError(f"fft.{name}: norm must be 'backward', 'ortho' or 'forward', got {norm!r}")
    return norm


def _int(name: str, what: str, value: Any) -> int:
    """Return ``value`` as a Python int (NumPy integers too); TypeError for anything else."""
    if not isinstance(value, bool):
        try:
            return operator.index(value)
        except TypeError:
            pass
    raise TypeError(f"fft.{name}: {what} must be an int, got {type(value).__name__}")


def _length(name: str, what: str, value: int, detail: str = "") -> int:
    if value is not None and value < 1:
        raise ValueError(
            f"fft.{name}: the number of points {what} must be at least 1, got {value}{detail}"
        )
    return value


def _out_dtype(name: str, dt: DType) -> DType:
    if name in ("rfft", "rfftn", "ihfft"):
        return _dtypes.COMPLEX_OF[dt]
    if name in ("irfft", "irfftn", "hfft"):
        return _dtypes.REAL_OF[dt]
    return dt


# -- backend helpers -----------------------------------------------------------------------
def _fft_of(backend: Backend, name: str) -> Any:
    ext = getattr(backend.ns, "fft", None)
    fn = getattr(ext, name, None) if ext is not None else None
    if fn is None:
        raise NotImplementedError(f"fft.{name}: the {backend.name} backend has no fft.{name}")
    return fn


def _cast(backend: Backend, raw: Any, dt: DType) -> Any:
    native = backend.native_dtype(dt)
    if raw.dtype != native:
        # Note: the standard keeps the input's precision (complex64 in, complex64 out);
        # some libraries compute in double precision.
        return backend.ns.astype(raw, native)
    return raw


def _transform(name: str, out_dtype: DType, out_sizes: dict[int, int]) -> Any:
    """Return the impl of a transform whose output has ``out_sizes[axis]`` along its axes."""

    def impl(backend: Backend, raw: Any, **params: Any) -> Any:
        if 0 in tuple(raw.shape):
            # Note: an input without elements (padded or not) transforms to zeros; torch's
            # MKL FFT fails on empty batches, so the zeros are made here.
            import array_api_compat

            shape = tuple(out_sizes.get(i, d) for i, d in enumerate(raw.shape))
            native = backend.native_dtype(out_dtype)
            return backend.ns.zeros(shape, dtype=native, device=array_api_compat.device(raw))
        if backend.lazy:
            # Note: Dask transforms only along axes of one chunk; a gradient built with
            # concat (padding) has several.
            axes = params["axes"] if "axes" in params else (params["axis"],)
            raw = raw.rechunk({a % raw.ndim: -1 for a in axes})
        out = _fft_of(backend, name)(raw, **params)
        if getattr(out, "is_conj", None) is not None and out.is_conj():
            # Note: torch's ihfft returns a lazily conjugated view, which DLPack and NumPy
            # refuse to export; the Tensor gets the conjugate materialised.
            out = out.resolve_conj()
        return _cast(backend, out, out_dtype)

    return impl


# -- one-dimensional transforms ---------------------------------------------------------------
def _one_d(name: str, kind: str, x: Any, n: Any, axis: Any, norm: Any, *, half: bool) -> Tensor:
    """Run a 1-D transform; ``half``: ``n`` counts output points of a Hermitian transform."""
    x = _input(name, x, kind)
    norm = _norm(name, norm)
    axis = check_axis(f"fft.{name}", _int(name, "axis", axis), x.ndim)
    m = x.shape[axis]
    if n is None:
        if half:
            n = None if m is None else 2 * (m - 1)
            _length(name, "n", n, f" (the default n = 2*(M-1) for M = {m} input points; pass n)")
        else:
            n = m
            _length(name, "along the axis", n, f" (x has shape {x.shape}; pass n)")
    else:
        _length(name, "n", _int(name, "n", n))
    params = {"n": n, "axis": axis, "norm": norm}
    out_len = n // 2 + 1 if name in ("rfft", "ihfft") else n
    impl = _transform(name, _out_dtype(name, x.dtype), {axis: out_len})
    return call(f"fft.{name}", (x,), params, impl=impl)


def fft(x: Tensor, /, *, n: int | None = None, axis: int = -1, norm: Norm = "backward") -> Tensor:
    """Return the 1-D discrete Fourier transform of complex ``x`` along ``axis``."""
    return _one_d("fft", "complex", x, n, axis, norm, half=False)


def ifft(x: Tensor, /, *, n: int | None = None, axis: int = -1, norm: Norm = "backward") -> Tensor:
    """Return the 1-D inverse discrete Fourier transform of complex ``x`` along ``axis``."""
    return _one_d("ifft", "complex", x, n, axis, norm, half=False)


def rfft(x: Tensor, /, *, n: int | None = None, axis: int = -1, norm: Norm = "backward") -> Tensor:
    """Return the 1-D Fourier transform of real ``x`` (``n//2 + 1`` complex points)."""
    return _one_d("rfft", "real", x, n, axis, norm, half=False)


def irfft(x: Tensor, /, *, n: int | None = None, axis: int = -1, norm: Norm = "backward") -> Tensor:
    """Return the inverse of :func:`rfft`: ``n`` real points (default ``2*(M-1)``)."""
    return _one_d("irfft", "complex", x, n, axis, norm, half=True)


def hfft(x: Tensor, /, *, n: int | None = None, axis: int = -1, norm: Norm = "backward") -> Tensor:
    """Return the Fourier transform of a Hermitian-symmetric signal: ``n`` real points."""
    return _one_d("hfft", "complex", x, n, axis, norm, half=True)


def ihfft(x: Tensor, /, *, n: int | None = None, axis: int = -1, norm: Norm = "backward") -> Tensor:
    """Return the inverse of :func:`hfft` for real ``x`` (``n//2 + 1`` complex points)."""
    return _one_d("ihfft", "real", x, n, axis, norm, half=False)


# -- n-dimensional transforms -------------------------------------------------------------------
def _axes_and_sizes(
    name: str, x: Tensor, s: Any, axes: Any, *, half: bool
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Return explicit axes and output sizes for an n-D transform (``-1`` resolved)."""
    if s is not None and axes is None:
        # Note: the standard requires axes with s (NumPy deprecates s alone).
        raise ValueError(f"fft.{name}: s={s!r} was given without axes; pass axes too")
    if axes is None:
        ax = tuple(range(x.ndim))
    else:
        try:
            raw_axes = tuple(axes)
        except TypeError:
            raise TypeError(
                f"fft.{name}: axes must be a sequence of ints, got {type(axes).__name__}"
            ) from None
        ax = tuple(check_axis(f"fft.{name}", _int(name, "each axis", a), x.ndim) for a in raw_axes)
    if s is None:
        sizes: list[Any] = [-1] * len(ax)
    else:
        if isinstance(s, (int, str)) or not hasattr(s, "__iter__"):
            raise TypeError(f"fft.{name}: s must be a sequence of ints, got {type(s).__name__}")
        sizes = [_int(name, "each size in s", n) for n in s]
        if len(sizes) != len(ax):
            raise ValueError(
                f"fft.{name}: s={tuple(sizes)} and axes={tuple(ax)} must have the same length"
            )
    out = []
    for i, (a, n) in enumerate(zip(ax, sizes, strict=True)):
        m = x.shape[a]
        last = i == len(ax) - 1
        if n == -1:
            if half and last:
                n = None if m is None else 2 * (m - 1)
                _length(
                    name,
                    "along the last axis",
                    n,
                    f" (the default 2*(M-1) for M = {m} input points; pass s)",
                )
            else:
                n = m
                _length(name, f"along axis {a}", n, f" (x has shape {x.shape}; pass s)")
        else:
            _length(name, f"s[{i}]", n)
        out.append(n)
    return ax, tuple(out)


def _n_d(name: str, kind: str, x: Any, s: Any, axes: Any, norm: Any, *, real: bool) -> Tensor:
    x = _input(name, x, kind)
    norm = _norm(name, norm)
    ax, sizes = _axes_and_sizes(name, x, s, axes, half=name == "irfftn")
    out_dtype = _out_dtype(name, x.dtype)
    if not ax:
        if real:
            raise ValueError(f"fft.{name}: needs at least one axis to transform, got axes=()")

        def impl(backend: Backend, raw: Any, **params: Any) -> Any:
            # Note: no axes means no transform; a copy keeps results independent of x.
            return _cast(backend, backend.ns.asarray(raw, copy=True), out_dtype)

    else:
        out_sizes = dict(zip(ax, sizes, strict=True))
        if name == "rfftn":
            out_sizes[ax[-1]] = sizes[-1] // 2 + 1
        impl = _transform(name, out_dtype, out_sizes)
    return call(f"fft.{name}", (x,), {"s": sizes, "axes": ax, "norm": norm}, impl=impl)


def fftn(
    x: Tensor,
    /,
    *,
    s: Sequence[int] | None = None,
    axes: Sequence[int] | None = None,
    norm: Norm = "backward",
) -> Tensor:
    """Return the n-D discrete Fourier transform of complex ``x`` over ``axes`` (all if None)."""
    return _n_d("fftn", "complex", x, s, axes, norm, real=False)


def ifftn(
    x: Tensor,
    /,
    *,
    s: Sequence[int] | None = None,
    axes: Sequence[int] | None = None,
    norm: Norm = "backward",
) -> Tensor:
    """Return the n-D inverse discrete Fourier transform of complex ``x`` over ``axes``."""
    return _n_d("ifftn", "complex", x, s, axes, norm, real=False)


def rfftn(
    x: Tensor,
    /,
    *,
    s: Sequence[int] | None = None,
    axes: Sequence[int] | None = None,
    norm: Norm = "backward",
) -> Tensor:
    """Return the n-D Fourier transform of real ``x`` (last axis halved: ``s[-1]//2 + 1``)."""
    return _n_d("rfftn", "real", x, s, axes, norm, real=True)


def irfftn(
    x: Tensor,
    /,
    *,
    s: Sequence[int] | None = None,
    axes: Sequence[int] | None = None,
    norm: Norm = "backward",
) -> Tensor:
    """Return the inverse of :func:`rfftn`: real output of sizes ``s`` over ``axes``."""
    return _n_d("irfftn", "complex", x, s, axes, norm, real=True)


# -- sample frequencies ---------------------------------------------------------------------
def _freq(name: str, n: Any, d: Any, dtype: Any, device: Any) -> Tensor:
    n = _int(name, "n", n)
    if n < 1:
        raise ValueError(f"fft.{name}: the window length n must be at least 1, got {n}")
    if isinstance(d, bool) or not isinstance(d, (int, float)):
        raise TypeError(f"fft.{name}: d must be a real number, got {type(d).__name__}")
    if d == 0:
        raise ValueError(f"fft.{name}: the sample spacing d must not be 0")
    if dtype is not None:
        dt = _dtypes.as_dtype(dtype, f"fft.{name}")
        if dt not in _dtypes.REAL_FLOATING:
            # Note: array_api_strict raises ValueError here, and so do we.
            raise ValueError(
                f"fft.{name}: dtype must be a real floating-point dtype, got {dt.name}"
            )

    def make(ns: Any, n: int, *, dtype: Any, device: Any, d: float) -> Any:
        if array_api_compat.is_cupy_namespace(ns):
            # Note: array_api_compat's CuPy fftfreq/rfftfreq refuse any device but "cpu"
            # (1.16); CuPy makes its arrays on the current device, which ``device`` selects.
            with device:
                out = getattr(ns.fft, name)(n, d=d, dtype=dtype)
        else:
            out = getattr(ns.fft, name)(n, d=d, dtype=dtype, device=device)
        return out if out.dtype == dtype else ns.astype(out, dtype)

    return create(name, device, dtype, "f", n, d=float(d), fn=make)


def fftfreq(
    n: int,
    /,
    *,
    d: float = 1.0,
    dtype: DType | None = None,
    device: Device | str | None = None,
) -> Tensor:
    """Return the ``n`` sample frequencies of a DFT of window ``n`` and spacing ``d``."""
    return _freq("fftfreq", n, d, dtype, device)


def rfftfreq(
    n: int,
    /,
    *,
    d: float = 1.0,
    dtype: DType | None = None,
    device: Device | str | None = None,
) -> Tensor:
    """Return the ``n//2 + 1`` non-negative sample frequencies for :func:`rfft`."""
    return _freq("rfftfreq", n, d, dtype, device)


# -- shifts --------------------------------------------------------------------------------
def _shift(name: str, x: Any, axes: Any) -> Tensor:
    x = _input(name, x, "floating")
    if axes is None:
        ax = tuple(range(x.ndim))
    elif isinstance(axes, int) and not isinstance(axes, bool):
        ax = (check_axis(f"fft.{name}", axes, x.ndim),)
    else:
        try:
            raw_axes = tuple(axes)
        except TypeError:
            raise TypeError(
                f"fft.{name}: axes must be None, an int or a sequence of ints, got "
                f"{type(axes).__name__}"
            ) from None
        ax = tuple(check_axis(f"fft.{name}", _int(name, "each axis", a), x.ndim) for a in raw_axes)

    def impl(backend: Backend, raw: Any, *, axes: tuple[int, ...]) -> Any:
        if not axes:
            # Note: nothing to shift (a 0-d input or axes=()); NumPy's roll fails here.
            return backend.ns.asarray(raw, copy=True)
        return _fft_of(backend, name)(raw, axes=axes)

    return call(f"fft.{name}", (x,), {"axes": ax}, impl=impl)


def fftshift(x: Tensor, /, *, axes: int | Sequence[int] | None = None) -> Tensor:
    """Return ``x`` with the zero-frequency component moved to the centre of ``axes``."""
    return _shift("fftshift", x, axes)


def ifftshift(x: Tensor, /, *, axes: int | Sequence[int] | None = None) -> Tensor:
    """Return ``x`` with :func:`fftshift` undone over ``axes``."""
    return _shift("ifftshift", x, axes)


def __dir__() -> list[str]:
    # What ``dir(xp)`` and tab completion show: the public names, not the imports.
    return list(__all__)
