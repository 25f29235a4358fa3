"""The standard's ``linalg`` extension: decompositions, solvers, norms and products.

Each function checks its inputs (floating dtypes, square matrices, shapes that fit) and
then runs the backend's own ``linalg`` function through the one dispatch path. Results
that are tuples are this module's named tuples (``EighResult``, ``QRResult`` ...), with the
standard's field names, whatever the backend returns. Where a backend's result dtype
differs from the standard's (e.g. NumPy's real eigenvalues of a real matrix), it is cast.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from typing import Any, Literal, NamedTuple

import numpy as np

from . import _dtypes
from ._backend import Backend
from ._dispatch import DEFAULT_DTYPES, call, check_axis, mixed_devices, not_an_array
from ._dtypes import DType
from ._linear_algebra import matmul, matrix_transpose, tensordot, vecdot
from ._tensor import Tensor

# The standard's names only; the result types are attributes of the module as well.
__all__ = [
    "cholesky",
    "cross",
    "det",
    "diagonal",
    "eig",
    "eigh",
    "eigvals",
    "eigvalsh",
    "inv",
    "matmul",
    "matrix_norm",
    "matrix_power",
    "matrix_rank",
    "matrix_transpose",
    "outer",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "svd",
    "svdvals",
    "tensordot",
    "trace",
    "vecdot",
    "vector_norm",
]


# -- the standard's named tuples ----------------------------------------------------------
class EigResult(NamedTuple):
    """The result of :func:`eig`: complex eigenvalues and eigenvectors (in columns)."""

    eigenvalues: Tensor
    eigenvectors: Tensor


class EighResult(NamedTuple):
    """The result of :func:`eigh`: real eigenvalues and eigenvectors (in columns)."""

    eigenvalues: Tensor
    eigenvectors: Tensor


class QRResult(NamedTuple):
    """The result of :func:`qr`: ``Q`` with orthonormal columns, upper-triangular ``R``."""

    Q: Tensor
    R: Tensor


class SlogdetResult(NamedTuple):
    """The result of :func:`slogdet`: the determinant's sign and log of its absolute value."""

    sign: Tensor
    logabsdet: Tensor


class SVDResult(NamedTuple):
    """The result of :func:`svd`: ``U``, the singular values ``S`` (descending), ``Vh``."""

    U: Tensor
    S: Tensor
    Vh: Tensor


# -- input checks --------------------------------------------------------------------------
def _tensor(name: str, x: Any) -> Tensor:
    if not isinstance(x, Tensor):
        raise not_an_array(f"linalg.{name}", x)
    return x


def _floating(name: str, x: Any) -> Tensor:
    x = _tensor(name, x)
    if x.dtype not in _dtypes.FLOATING:
        raise TypeError(
            f"linalg.{name}: expected a floating-point dtype, got {x.dtype.name}; "
            "cast the input with astype() first"
        )
    return x


def _numeric(name: str, x: Any) -> Tensor:
    x = _tensor(name, x)
    if x.dtype not in _dtypes.NUMERIC:
        raise TypeError(f"linalg.{name}: expected a numeric dtype, got {x.dtype.name}")
    return x


def _index(name: str, what: str, value: Any) -> int:
    """Return ``value`` as a Python int (NumPy integers too); TypeError for anything else."""
    if not isinstance(value, bool):
        try:
            return operator.index(value)
        except TypeError:
            pass
    raise TypeError(f"linalg.{name}: {what} must be an int, got {type(value).__name__}")


def _matrices(name: str, x: Tensor) -> None:
    if x.ndim < 2:
        raise ValueError(
            f"linalg.{name}: expected a matrix or a stack of matrices (at least 2 dimensions), "
            f"got shape {x.shape}"
        )


def _square(name: str, x: Tensor) -> None:
    _matrices(name, x)
    m, n = x.shape[-2], x.shape[-1]
    if m is not None and n is not None and m != n:
        raise ValueError(
            f"linalg.{name}: expected square matrices in the last two dimensions, got shape "
            f"{x.shape} ({m}x{n})"
        )


def _same_backend(name: str, x1: Tensor, x2: Tensor) -> DType:
    if x1._backend is not x2._backend or (not x1._backend.single_device and x1.device != x2.device):
        raise mixed_devices(f"linalg.{name}", x1, x2)
    return _dtypes.promote(x1.dtype, x2.dtype, f"linalg.{name}")


def _broadcast_shapes(name: str, a: Sequence[Any], b: Sequence[Any], what: str) -> tuple:
    """Return the broadcast of two shapes; ValueError naming both when they do not fit."""
    out = []
    for i in range(1, max(len(a), len(b)) + 1):
        da = a[-i] if i <= len(a) else 1
        db = b[-i] if i <= len(b) else 1
        if da == 1 or da == db or db is None:
            out.append(db)
        elif db == 1 or da is None:
            out.append(da)
        else:
            raise ValueError(
                f"linalg.{name}: the {what} {tuple(a)} and {tuple(b)} do not broadcast"
            )
    return tuple(reversed(out))


def _real_of(dt: DType) -> DType:
    return _dtypes.REAL_OF.get(dt, dt)


def _complex_of(dt: DType) -> DType:
    return _dtypes.COMPLEX_OF.get(dt, dt)


def _rtol_arg(name: str, x: Tensor, rtol: Any) -> Any:
    """Check ``rtol`` (None, a real Python number or a real floating Tensor)."""
    if rtol is None:
        return None
    if isinstance(rtol, Tensor):
        if rtol.dtype not in _dtypes.REAL_FLOATING:
            raise TypeError(
                f"linalg.{name}: rtol must have a real floating-point dtype, got {rtol.dtype.name}"
            )
        if rtol._backend is not x._backend or (
            not x._backend.single_device and rtol.device != x.device
        ):
            raise mixed_devices(f"linalg.{name}", x, rtol)
        batch = x.shape[:-2]
        _broadcast_shapes(name, batch, rtol.shape, "stack shape of x and the shape of rtol")
        if rtol.ndim > len(batch):
            raise ValueError(
                f"linalg.{name}: rtol of shape {rtol.shape} has more dimensions than the "
                f"stack shape {batch} of x"
            )
        return rtol
    if isinstance(rtol, bool) or not isinstance(rtol, (int, float)):
        raise TypeError(
            f"linalg.{name}: rtol must be None, a real number or a Tensor, got "
            f"{type(rtol).__name__}"
        )
    if rtol < 0 or math.isnan(rtol):
        raise ValueError(f"linalg.{name}: rtol must be non-negative, got {rtol}")
    return float(rtol)


# -- backend helpers -----------------------------------------------------------------------
def _linalg_of(backend: Backend, name: str) -> Callable[..., Any] | None:
    """Return the backend's ``linalg.<name>`` or None where it lacks it."""
    ext = getattr(backend.ns, "linalg", None)
    return getattr(ext, name, None) if ext is not None else None


def _need(backend: Backend, name: str) -> Callable[..., Any]:
    """Return the backend's ``linalg.<name>``, raising NumPy's LinAlgError for its failures."""
    fn = _linalg_of(backend, name)
    if fn is None:
        raise NotImplementedError(f"linalg.{name}: the {backend.name} backend has no linalg.{name}")

    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as e:
            # Note: libraries raise their own LinAlgError (torch's is a RuntimeError); one
            # class for every backend, NumPy's (a ValueError), is what users can catch.
            if "LinAlgError" in type(e).__name__ and not isinstance(e, np.linalg.LinAlgError):
                raise np.linalg.LinAlgError(str(e)) from e
            raise

    return run


def _cast(backend: Backend, raw: Any, dt: DType) -> Any:
    """Return ``raw`` with dtype ``dt`` (a no-op when it has it already)."""
    native = backend.native_dtype(dt)
    if raw.dtype != native:
        return backend.ns.astype(raw, native)
    return raw


def _to_host(raw: Any) -> Any:
    """Return a NumPy array with the values of a backend array (CPU or GPU)."""
    try:
        return np.from_dlpack(raw)
    except Exception:  # not a CPU array, or no DLPack: the libraries' own copies
        pass
    get = getattr(raw, "get", None)  # CuPy's device-to-host copy
    if callable(get):
        return get()
    return np.asarray(raw)


def _from_host(backend: Backend, value: Any, like: Any) -> Any:
    import array_api_compat

    return backend.ns.asarray(value, device=array_api_compat.device(like))


def _zeros(backend: Backend, like: Any, shape: tuple, dt: DType) -> Any:
    """Return zeros of ``shape`` and ``dt`` on the device of the backend array ``like``."""
    import array_api_compat

    return backend.ns.zeros(
        shape, dtype=backend.native_dtype(dt), device=array_api_compat.device(like)
    )


def _empty_norm_error(name: str, ord: Any, shape: tuple) -> ValueError:
    return ValueError(
        f"linalg.{name}: the ord={ord!r} norm takes a minimum, which an empty input (shape "
        f"{shape}) does not have"
    )


def _simple(name: str, out_dtype: DType) -> Callable[..., Any]:
    """Return an impl that runs the backend's ``linalg.<name>`` and fixes its dtype."""

    def impl(backend: Backend, *raws: Any, **params: Any) -> Any:
        out = _need(backend, name)(*raws, **params)
        return _cast(backend, out, out_dtype)

    return impl


def _promoted(name: str, dt: DType) -> Callable[..., Any]:
    """Return an impl running ``linalg.<name>`` on operands cast to their promoted dtype.

    Where the library has no kernel for an unsigned dtype (torch's uint16/32/64), the
    product is computed in int64 and reinterpreted: sums and products modulo 2**bits are
    the same in any wider two's-complement type.
    """

    def impl(backend: Backend, *raws: Any, **params: Any) -> Any:
        # Note: the operands are cast first; some libraries (torch) do not promote
        # unsigned integers of different widths.
        fn = _need(backend, name)
        raws = tuple(_cast(backend, r, dt) for r in raws)
        try:
            return _cast(backend, fn(*raws, **params), dt)
        except (NotImplementedError, RuntimeError, TypeError):
            if dt not in _dtypes.UNSIGNED:
                raise
        wide = tuple(_cast(backend, r, _dtypes.int64) for r in raws)
        return _cast(backend, fn(*wide, **params), dt)

    return impl


# -- the functions -----------------------------------------------------------------------
def cholesky(x: Tensor, /, *, upper: bool = False) -> Tensor:
    """Return the lower (``upper=True``: upper) Cholesky factor of each matrix in ``x``."""
    x = _floating("cholesky", x)
    _square("cholesky", x)
    if not isinstance(upper, bool):
        raise TypeError(f"linalg.cholesky: upper must be a bool, got {type(upper).__name__}")
    return call("linalg.cholesky", (x,), {"upper": upper}, impl=_cholesky_impl(x.dtype))


def _cholesky_impl(dt: DType) -> Callable[..., Any]:
    simple = _simple("cholesky", dt)

    def impl(backend: Backend, raw: Any, *, upper: bool) -> Any:
        if backend.lazy:
            # Note: array_api_compat's Dask wrapper returns Dask's default factor, the upper
            # one, for upper=False (and fails on upper=True); Dask's own function takes lower=.
            import dask.array as da

            return _cast(backend, da.linalg.cholesky(raw, lower=not upper), dt)
        return simple(backend, raw, upper=upper)

    return impl


def cross(x1: Tensor, x2: Tensor, /, *, axis: int = -1) -> Tensor:
    """Return the cross product of the 3-element vectors of ``x1`` and ``x2`` along ``axis``."""
    x1 = _numeric("cross", x1)
    x2 = _numeric("cross", x2)
    dt = _same_backend("cross", x1, x2)
    axis = _index("cross", "axis", axis)
    nd = min(x1.ndim, x2.ndim)
    if nd == 0:
        raise ValueError(
            f"linalg.cross: the inputs need at least one dimension, got shapes {x1.shape} "
            f"and {x2.shape}"
        )
    # Note: the standard (since 2023.12) counts the axis from the end, before broadcasting,
    # so only negative axes in [-min(ndim), -1] are valid.
    if not -nd <= axis <= -1:
        raise ValueError(
            f"linalg.cross: axis must be a negative int in [{-nd}, -1] for shapes {x1.shape} "
            f"and {x2.shape}, got {axis}"
        )
    if x1.shape[axis] != 3 or x2.shape[axis] != 3:
        raise ValueError(
            f"linalg.cross: the vectors along axis {axis} must have 3 elements, got shapes "
            f"{x1.shape} and {x2.shape}"
        )
    rest1 = x1.shape[:axis] + x1.shape[axis:][1:]
    rest2 = x2.shape[:axis] + x2.shape[axis:][1:]
    _broadcast_shapes("cross", rest1, rest2, "shapes (without the vector axis)")
    return call("linalg.cross", (x1, x2), {"axis": axis}, impl=_promoted("cross", dt))


def det(x: Tensor, /) -> Tensor:
    """Return the determinant of each square matrix in ``x``."""
    x = _floating("det", x)
    _square("det", x)
    return call("linalg.det", (x,), impl=_simple("det", x.dtype))


def _diagonal_impl(backend: Backend, raw: Any, *, offset: int) -> Any:
    out = _need(backend, "diagonal")(raw, offset=offset)
    # Note: libraries return the diagonal as a view of x (read-only in NumPy and
    # array_api_strict, aliasing x in torch); a Tensor owns its buffer, so in-place
    # operators on the result work and never change x behind autograd's back.
    return backend.ns.asarray(out, copy=True)


def diagonal(x: Tensor, /, *, offset: int = 0) -> Tensor:
    """Return the ``offset``-th diagonal of each matrix in ``x`` (last axis of the result)."""
    x = _tensor("diagonal", x)
    _matrices("diagonal", x)
    offset = _index("diagonal", "offset", offset)
    return call("linalg.diagonal", (x,), {"offset": offset}, impl=_diagonal_impl)


def _eig_impl(backend: Backend, raw: Any, *, values_only: bool, dt: DType) -> Any:
    name = "eigvals" if values_only else "eig"
    fn = _linalg_of(backend, name)
    if fn is not None:
        out = fn(raw)
    else:
        # Note: eig/eigvals are new in 2025.12 and some libraries lack them (CuPy has no
        # general eigensolver); NumPy computes them on the host and the result goes back
        # to the input's device.
        host = _to_host(raw)
        out = np.linalg.eigvals(host) if values_only else tuple(np.linalg.eig(host))
        out = (
            _from_host(backend, out, raw)
            if values_only
            else tuple(_from_host(backend, o, raw) for o in out)
        )
    # Note: the standard wants complex results of the input's precision even where all
    # eigenvalues are real (NumPy returns real arrays then).
    cdt = _complex_of(dt)
    if values_only:
        return _cast(backend, out, cdt)
    values, vectors = out
    return EigResult(_cast(backend, values, cdt), _cast(backend, vectors, cdt))


def eig(x: Tensor, /) -> EigResult:
    """Return the (complex) eigenvalues and eigenvectors of each square matrix in ``x``."""
    x = _floating("eig", x)
    _square("eig", x)
    return call(
        "linalg.eig", (x,), {}, impl=lambda b, r: _eig_impl(b, r, values_only=False, dt=x.dtype)
    )


def eigvals(x: Tensor, /) -> Tensor:
    """Return the (complex) eigenvalues of each square matrix in ``x``."""
    x = _floating("eigvals", x)
    _square("eigvals", x)
    return call(
        "linalg.eigvals", (x,), {}, impl=lambda b, r: _eig_impl(b, r, values_only=True, dt=x.dtype)
    )


def eigh(x: Tensor, /) -> EighResult:
    """Return the real eigenvalues and the eigenvectors of each Hermitian matrix in ``x``."""
    x = _floating("eigh", x)
    _square("eigh", x)
    dt = x.dtype

    def impl(backend: Backend, raw: Any) -> EighResult:
        values, vectors = _need(backend, "eigh")(raw)
        return EighResult(_cast(backend, values, _real_of(dt)), _cast(backend, vectors, dt))

    return call("linalg.eigh", (x,), impl=impl)


def eigvalsh(x: Tensor, /) -> Tensor:
    """Return the real eigenvalues of each Hermitian matrix in ``x``."""
    x = _floating("eigvalsh", x)
    _square("eigvalsh", x)
    return call("linalg.eigvalsh", (x,), impl=_simple("eigvalsh", _real_of(x.dtype)))


def inv(x: Tensor, /) -> Tensor:
    """Return the inverse of each square matrix in ``x``."""
    x = _floating("inv", x)
    _square("inv", x)
    return call("linalg.inv", (x,), impl=_simple("inv", x.dtype))


_MATRIX_NUMERIC_ORDS = (1, -1, 2, -2, math.inf, -math.inf)


def matrix_norm(
    x: Tensor,
    /,
    *,
    keepdims: bool = False,
    ord: int | float | Literal["fro", "nuc"] | None = "fro",
) -> Tensor:
    """Return the ``ord`` norm of each matrix in ``x`` (real, of ``x``'s precision)."""
    x = _floating("matrix_norm", x)
    _matrices("matrix_norm", x)
    if ord is None:
        ord = "fro"
    if isinstance(ord, str):
        valid = ord in ("fro", "nuc")
    elif isinstance(ord, bool) or not isinstance(ord, (int, float)):
        valid = False
    else:
        valid = ord in _MATRIX_NUMERIC_ORDS
    if not valid:
        raise ValueError(
            f"linalg.matrix_norm: ord must be one of 'fro', 'nuc', 1, -1, 2, -2, inf, -inf; "
            f"got {ord!r}"
        )
    if isinstance(ord, float) and ord.is_integer():
        ord = int(ord)
    out_dtype = _real_of(x.dtype)
    empty = 0 in x.shape[-2:]
    if empty and ord in (-1, -2, -math.inf):
        # Note: libraries disagree on empty matrices (NumPy and torch raise, each its own
        # error); the norms that take a minimum raise one clear error everywhere.
        raise _empty_norm_error("matrix_norm", ord, x.shape)

    def impl(backend: Backend, raw: Any, *, keepdims: bool, ord: Any) -> Any:
        if empty:
            # Note: an empty matrix is the zero map: every other norm of it is 0.
            tail = (1, 1) if keepdims else ()
            return _zeros(backend, raw, tuple(raw.shape[:-2]) + tail, out_dtype)
        out = _need(backend, "matrix_norm")(raw, keepdims=keepdims, ord=ord)
        return _cast(backend, out, out_dtype)

    return call("linalg.matrix_norm", (x,), {"keepdims": bool(keepdims), "ord": ord}, impl=impl)


def matrix_power(x: Tensor, n: int, /) -> Tensor:
    """Return each square matrix in ``x`` raised to the integer power ``n``."""
    x = _floating("matrix_power", x)
    _square("matrix_power", x)
    n = _index("matrix_power", "n", n)
    dt = x.dtype

    def impl(backend: Backend, raw: Any, n: int) -> Any:
        return _cast(backend, _need(backend, "matrix_power")(raw, n), dt)

    return call("linalg.matrix_power", (x,), {"n": n}, impl=impl)


def _rtol_raw(backend: Backend, rtol: Any, dt: DType) -> Any:
    """Return ``rtol`` for the backend: a Tensor's raw array cast to ``x``'s real dtype."""
    if rtol is None or isinstance(rtol, float):
        return rtol
    return _cast(backend, rtol, _real_of(dt))


def matrix_rank(x: Tensor, /, *, rtol: float | Tensor | None = None) -> Tensor:
    """Return the rank (count of singular values above the tolerance) of each matrix."""
    x = _floating("matrix_rank", x)
    _matrices("matrix_rank", x)
    rtol = _rtol_arg("matrix_rank", x, rtol)
    dt = x.dtype
    int_dt = DEFAULT_DTYPES["i"]

    def impl(backend: Backend, raw: Any, r: Any = None) -> Any:
        if 0 in tuple(raw.shape[-2:]):
            # Note: an empty matrix has rank 0 (NumPy fails on the maximum of no values).
            return _zeros(backend, raw, tuple(raw.shape[:-2]), int_dt)
        out = _need(backend, "matrix_rank")(raw, rtol=_rtol_raw(backend, r, dt))
        return _cast(backend, out, int_dt)

    if isinstance(rtol, Tensor):
        return call("linalg.matrix_rank", (x, rtol), {}, impl=impl)
    return call(
        "linalg.matrix_rank", (x,), {"rtol": rtol}, impl=lambda b, r, rtol: impl(b, r, rtol)
    )


def outer(x1: Tensor, x2: Tensor, /) -> Tensor:
    """Return the outer product of the vectors ``x1`` (size N) and ``x2`` (size M), (N, M)."""
    x1 = _numeric("outer", x1)
    x2 = _numeric("outer", x2)
    dt = _same_backend("outer", x1, x2)
    if x1.ndim != 1 or x2.ndim != 1:
        raise ValueError(
            f"linalg.outer: expected two 1-D vectors, got shapes {x1.shape} and {x2.shape}"
        )
    return call("linalg.outer", (x1, x2), impl=_promoted("outer", dt))


def pinv(x: Tensor, /, *, rtol: float | Tensor | None = None) -> Tensor:
    """Return the Moore-Penrose pseudo-inverse of each matrix in ``x``, shape (..., N, M)."""
    x = _floating("pinv", x)
    _matrices("pinv", x)
    rtol = _rtol_arg("pinv", x, rtol)
    dt = x.dtype

    def impl(backend: Backend, raw: Any, r: Any = None) -> Any:
        out = _need(backend, "pinv")(raw, rtol=_rtol_raw(backend, r, dt))
        return _cast(backend, out, dt)

    if isinstance(rtol, Tensor):
        return call("linalg.pinv", (x, rtol), {}, impl=impl)
    return call("linalg.pinv", (x,), {"rtol": rtol}, impl=lambda b, r, rtol: impl(b, r, rtol))


def qr(x: Tensor, /, *, mode: Literal["reduced", "complete"] = "reduced") -> QRResult:
    """Return the QR decomposition ``(Q, R)`` of each matrix in ``x``."""
    x = _floating("qr", x)
    _matrices("qr", x)
    if mode not in ("reduced", "complete"):
        raise ValueError(f"linalg.qr: mode must be 'reduced' or 'complete', got {mode!r}")
    dt = x.dtype

    def impl(backend: Backend, raw: Any, *, mode: str) -> QRResult:
        q, r = _need(backend, "qr")(raw, mode=mode)
        return QRResult(_cast(backend, q, dt), _cast(backend, r, dt))

    return call("linalg.qr", (x,), {"mode": mode}, impl=impl)


def slogdet(x: Tensor, /) -> SlogdetResult:
    """Return the sign and the log of the absolute value of each matrix's determinant."""
    x = _floating("slogdet", x)
    _square("slogdet", x)
    dt = x.dtype

    def impl(backend: Backend, raw: Any) -> SlogdetResult:
        sign, logabsdet = _need(backend, "slogdet")(raw)
        return SlogdetResult(_cast(backend, sign, dt), _cast(backend, logabsdet, _real_of(dt)))

    return call("linalg.slogdet", (x,), impl=impl)


def solve(x1: Tensor, x2: Tensor, /) -> Tensor:
    """Return the solution ``X`` of ``x1 @ X = x2`` for each square matrix in ``x1``.

    A 1-D ``x2`` of shape (M,) is one vector for every matrix (the result has shape
    ``x1.shape[:-2] + (M,)``); otherwise ``x2`` is a stack of (M, K) matrices whose stack
    shape broadcasts against ``x1``'s.
    """
    x1 = _floating("solve", x1)
    x2 = _floating("solve", x2)
    dt = _same_backend("solve", x1, x2)
    _square("solve", x1)
    m = x1.shape[-1]
    if x2.ndim == 0:
        raise ValueError(f"linalg.solve: x2 must have at least one dimension, got shape {x2.shape}")
    rows = x2.shape[0] if x2.ndim == 1 else x2.shape[-2]
    if m is not None and rows is not None and rows != m:
        what = "x2 (a vector)" if x2.ndim == 1 else "the rows of x2's matrices"
        raise ValueError(
            f"linalg.solve: x1 of shape {x1.shape} holds {m}x{m} matrices, but {what} has "
            f"{rows} elements (x2 of shape {x2.shape})"
        )
    batch = x1.shape[:-2]
    if x2.ndim > 1:
        batch = _broadcast_shapes("solve", x1.shape[:-2], x2.shape[:-2], "stack shapes")

    def impl(backend: Backend, r1: Any, r2: Any) -> Any:
        ns = backend.ns
        native = backend.native_dtype(dt)
        r1 = ns.astype(r1, native) if r1.dtype != native else r1
        r2 = ns.astype(r2, native) if r2.dtype != native else r2
        vector = r2.ndim == 1
        # Note: the standard reads x2 as one vector only when it is 1-D, and as a stack of
        # matrices otherwise; some libraries (torch) also take an (..., M) x2 for a stack
        # of vectors. Giving the backend operands of equal rank with explicit batch shapes
        # rules out any other reading.
        if vector:
            r2 = ns.reshape(r2, (r2.shape[0], 1))
        b1 = tuple(batch) + tuple(r1.shape[-2:])
        b2 = tuple(batch) + tuple(r2.shape[-2:])
        if tuple(r1.shape) != b1:
            r1 = ns.broadcast_to(r1, b1)
        if tuple(r2.shape) != b2:
            r2 = ns.broadcast_to(r2, b2)
        out = _need(backend, "solve")(r1, r2)
        if vector:
            out = out[..., 0]
        return _cast(backend, out, dt)

    return call("linalg.solve", (x1, x2), impl=impl)


def svd(x: Tensor, /, *, full_matrices: bool = True) -> SVDResult:
    """Return the singular value decomposition ``(U, S, Vh)`` of each matrix in ``x``."""
    x = _floating("svd", x)
    _matrices("svd", x)
    dt = x.dtype

    def impl(backend: Backend, raw: Any, *, full_matrices: bool) -> SVDResult:
        u, s, vh = _need(backend, "svd")(raw, full_matrices=full_matrices)
        return SVDResult(
            _cast(backend, u, dt), _cast(backend, s, _real_of(dt)), _cast(backend, vh, dt)
        )

    return call("linalg.svd", (x,), {"full_matrices": bool(full_matrices)}, impl=impl)


def svdvals(x: Tensor, /) -> Tensor:
    """Return the singular values of each matrix in ``x``, in descending order."""
    x = _floating("svdvals", x)
    _matrices("svdvals", x)
    dt = _real_of(x.dtype)

    def impl(backend: Backend, raw: Any) -> Any:
        if backend.lazy:
            # Note: array_api_compat's Dask wrapper asks Dask's svd for full matrices, which
            # Dask refuses; the singular values are those of the reduced SVD.
            return _cast(backend, _need(backend, "svd")(raw, full_matrices=False)[1], dt)
        return _simple("svdvals", dt)(backend, raw)

    return call("linalg.svdvals", (x,), impl=impl)


def _trace_dtype(x: Tensor, dtype: Any) -> DType:
    if dtype is not None:
        dt = _dtypes.as_dtype(dtype, "linalg.trace")
        if dt not in _dtypes.NUMERIC:
            raise TypeError(f"linalg.trace: dtype must be numeric, got {dt.name}")
        return dt
    default = DEFAULT_DTYPES["i"]
    # The standard's rule (as for sum): small integers accumulate in the default integer
    # dtype (unsigned ones in the unsigned dtype of the same width).
    if x.dtype in _dtypes.SIGNED and x.dtype.bits < default.bits:
        return default
    if x.dtype in _dtypes.UNSIGNED and x.dtype.bits < default.bits:
        wide = _dtypes.BY_NAME[f"uint{default.bits}"]
        # A backend without the wide unsigned dtype (torch) sums in the signed one.
        return wide if wide in x._backend.dtypes else default
    return x.dtype


def trace(x: Tensor, /, *, offset: int = 0, dtype: DType | None = None) -> Tensor:
    """Return the sum of the ``offset``-th diagonal of each matrix in ``x``."""
    x = _numeric("trace", x)
    _matrices("trace", x)
    offset = _index("trace", "offset", offset)
    dt = _trace_dtype(x, dtype)

    def impl(backend: Backend, raw: Any, *, offset: int, dtype: Any) -> Any:
        native = backend.native_dtype(dt, "linalg.trace")
        fn = _need(backend, "trace")
        try:
            return _cast(backend, fn(raw, offset=offset, dtype=native), dt)
        except (NotImplementedError, RuntimeError, TypeError):
            if dt not in _dtypes.UNSIGNED:
                raise
        # Note: some libraries (torch) cannot sum unsigned integers; a sum modulo 2**bits
        # is the same in the signed dtype of the same width, then reinterpreted.
        signed = backend.native_dtype(_dtypes.BY_NAME[f"int{dt.bits}"])
        return _cast(backend, fn(backend.ns.astype(raw, signed), offset=offset, dtype=signed), dt)

    return call("linalg.trace", (x,), {"offset": offset, "dtype": dtype}, impl=impl)


def _norm_axes(name: str, axis: Any, ndim: int) -> tuple[int, ...] | None:
    if axis is None:
        return None
    if isinstance(axis, int) and not isinstance(axis, bool):
        return (check_axis(f"linalg.{name}", axis, ndim),)
    if not isinstance(axis, tuple):
        raise TypeError(
            f"linalg.{name}: axis must be None, an int or a tuple of ints, got "
            f"{type(axis).__name__}"
        )
    axes = tuple(check_axis(f"linalg.{name}", a, ndim) for a in axis)
    if len(set(axes)) != len(axes):
        raise ValueError(f"linalg.{name}: axis {axis} names the same axis twice")
    return axes


def _vector_norm_impl(
    backend: Backend, raw: Any, *, axis: Any, keepdims: bool, ord: Any, out_dtype: DType
) -> Any:
    ns = backend.ns
    nd = raw.ndim
    axes = tuple(range(nd)) if axis is None else axis
    if ord == 0:
        # Note: ord=0 counts the non-zero elements; computed here because torch warns
        # (discarding imaginary parts) on complex input.
        nonzero = ns.astype(raw != 0, backend.native_dtype(out_dtype))
        if nd == 0 or len(axes) == 0:
            return nonzero
        return ns.sum(nonzero, axis=axes, keepdims=keepdims)
    if nd > 0 and len(axes) > 0:
        if any(raw.shape[a] == 0 for a in axes):
            # Note: a norm over no elements is 0 (the validation raised for the norms that
            # take a minimum); libraries disagree here (torch raises for ord=inf).
            shape = tuple(
                (1 if keepdims else None) if i in axes else raw.shape[i] for i in range(nd)
            )
            return _zeros(backend, raw, tuple(d for d in shape if d is not None), out_dtype)
        fn = _need(backend, "vector_norm")
        out = fn(raw, axis=axes if len(axes) != 1 else axes[0], keepdims=keepdims, ord=ord)
        return _cast(backend, out, out_dtype)
    # Note: a 0-d input or an empty tuple of axes reduces nothing: the norm of each
    # element alone is its absolute value.
    return _cast(backend, ns.abs(raw), out_dtype)


def vector_norm(
    x: Tensor,
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    keepdims: bool = False,
    ord: int | float = 2,
) -> Tensor:
    """Return the ``ord`` vector norm of ``x`` over ``axis`` (all axes when None)."""
    x = _floating("vector_norm", x)
    axes = _norm_axes("vector_norm", axis, x.ndim)
    if isinstance(ord, bool) or not isinstance(ord, (int, float)) or math.isnan(ord):
        raise ValueError(f"linalg.vector_norm: ord must be a real number or ±inf, got {ord!r}")
    out_dtype = _real_of(x.dtype)
    reduced = range(x.ndim) if axes is None else axes
    if (ord < 0 or ord == -math.inf) and any(x.shape[a] == 0 for a in reduced):
        raise _empty_norm_error("vector_norm", ord, x.shape)
    return call(
        "linalg.vector_norm",
        (x,),
        {"axis": axes, "keepdims": bool(keepdims), "ord": ord},
        impl=lambda b, r, **p: _vector_norm_impl(b, r, out_dtype=out_dtype, **p),
    )


def __dir__() -> list[str]:
    # What ``dir(xp)`` and tab completion show: the public names, not the imports.
    return list(__all__)
