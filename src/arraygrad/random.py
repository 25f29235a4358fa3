"""Random numbers on any backend and device, reproducible from a seed.

``arraygrad.random`` is not part of the array API standard (which has no random numbers);
it follows NumPy's :class:`numpy.random.Generator` for the method names and PyTorch for the
shortcuts users of the seed notebook type::

    import arraygrad as ag

    ag.random.seed(0)                       # or ag.random.manual_seed(0), as in PyTorch
    w = ag.random.randn(2, 3, requires_grad=True)
    g = ag.random.Generator(42)             # an independent, seeded stream
    x = g.normal(1.0, 0.5, size=(1000,), dtype=ag.float32, device="cuda:0")

How values are made, and why
----------------------------
Every draw is made on the host by a :class:`numpy.random.Generator` over PCG64, then moved
to the target device with :func:`arraygrad.asarray`. On a NumPy device the array is wrapped
without a copy; on CuPy (or any GPU backend) this costs one host-to-device copy. We accept
that cost on purpose: the backends' own generators (CuPy's cuRAND, torch's Philox or
Mersenne Twister, JAX's threefry) make different streams from the same seed, and
array-api-strict has none at all. Drawing on the host gives **identical values for the same
seed on every backend and device**, so a model initialised or a batch shuffled on the GPU
matches the CPU run bit for bit, and the values equal NumPy's
``numpy.random.default_rng(seed)`` method for method (``normal``, ``uniform``, ``random``,
``standard_normal``, ``integers``, ``permutation``).

Float draws are made in float64 and rounded to float32 on the host when asked, so a seed gives
the same numbers (up to rounding) whatever the dtype; the half-open intervals of ``random``,
``rand`` and ``uniform`` are kept after the rounding (a value that rounds up to ``high`` is
replaced by the largest value below it).

A :class:`Generator` is safe to share between threads: each draw and each reseeding holds the
generator's lock, so concurrent calls see disjoint parts of one stream. The module-level
functions use one default generator (seeded from OS entropy until :func:`seed` is called),
created and replaced under a module lock.
"""

from __future__ import annotations

import math
import numbers
import threading
from collections.abc import Sequence
from typing import Any, Union

import numpy as np

from . import _dtypes
from ._creation import asarray
from ._devices import Device, as_device, get_default_device
from ._dispatch import call, describe
from ._dtypes import DType
from ._tensor import Tensor

__all__ = [
    "Generator",
    "default_generator",
    "integers",
    "manual_seed",
    "normal",
    "permutation",
    "rand",
    "randn",
    "seed",
    "uniform",
]

SeedLike = Union[int, Sequence[int], np.random.SeedSequence, None]
Size = Union[int, Sequence[int], None]
DeviceLike = Union[Device, str, None]


# -- argument checks -------------------------------------------------------------------------
def _check_seed(seed: Any, op: str) -> Any:
    """Return ``seed`` in a form PCG64 takes; TypeError/ValueError naming ``op`` otherwise."""
    if seed is None or isinstance(seed, np.random.SeedSequence):
        return seed
    items = seed if isinstance(seed, (list, tuple)) else (seed,)
    for s in items:
        if isinstance(s, (bool, np.bool_)) or not isinstance(s, (int, np.integer)):
            raise TypeError(
                f"{op}: a seed must be None, a non-negative int or a sequence of them, "
                f"got {describe(s)}"
            )
        if s < 0:
            raise ValueError(f"{op}: a seed must be non-negative, got {int(s)}")
    return [int(s) for s in seed] if isinstance(seed, (list, tuple)) else int(seed)


def _size(size: Any, op: str, what: str = "size") -> tuple[int, ...]:
    """Return ``size`` (None, an int or a sequence of ints) as a shape tuple."""
    if size is None:
        return ()
    if isinstance(size, (int, np.integer)) and not isinstance(size, (bool, np.bool_)):
        size = (size,)
    if not isinstance(size, (tuple, list)):
        raise TypeError(
            f"{op}: {what} must be None, an int or a tuple of ints, got {type(size).__name__}"
        )
    for s in size:
        if isinstance(s, (bool, np.bool_)) or not isinstance(s, (int, np.integer)):
            raise TypeError(f"{op}: {what} must hold ints, got {tuple(size)!r}")
        if s < 0:
            raise ValueError(f"{op}: {what} must hold non-negative ints, got {tuple(size)!r}")
    return tuple(int(s) for s in size)


def _shape_args(shape: tuple[Any, ...], op: str) -> tuple[int, ...]:
    """Return the shape of ``randn(2, 3)`` / ``randn((2, 3))`` / ``randn()`` as a tuple."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return _size(shape[0], op, "shape")
    for s in shape:
        if isinstance(s, (tuple, list)):
            raise TypeError(
                f"{op}: give the shape as ints ({op}(2, 3)) or one tuple ({op}((2, 3))), "
                f"not both: got {shape!r}"
            )
    return _size(shape, op, "shape")


def _real(value: Any, name: str, op: str) -> float:
    """Return ``value`` as a finite float; TypeError unless it is a real Python number."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        hint = ""
        if isinstance(value, Tensor):
            hint = "; for tensor parameters use loc + scale * standard_normal(shape)"
        raise TypeError(f"{op}: {name} must be a real number, got {describe(value)}{hint}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{op}: {name} must be finite, got {value}")
    return value


def _int(value: Any, name: str, op: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{op}: {name} must be an int, got {describe(value)}")
    return int(value)


def _float_dtype(dtype: Any, op: str) -> DType:
    """Return the real floating dtype of a float draw (float64 by default)."""
    if dtype is None:
        return _dtypes.float64
    dt = _dtypes.as_dtype(dtype, op)
    if dt not in _dtypes.REAL_FLOATING:
        raise TypeError(
            f"{op}: dtype must be a real floating-point dtype (float32 or float64), got {dt.name}"
        )
    return dt


def _int_dtype(dtype: Any, op: str) -> DType:
    """Return the integer dtype of an integer draw (int64 by default)."""
    if dtype is None:
        return _dtypes.int64
    dt = _dtypes.as_dtype(dtype, op)
    if dt not in _dtypes.INTEGER:
        raise TypeError(f"{op}: dtype must be an integer dtype, got {dt.name}")
    return dt


def _device(device: Any) -> Device:
    # Note: resolved here, not left to asarray: asarray keeps a NumPy array on NumPy, but a
    # draw with device=None belongs on the *default* device, whatever backend that is.
    return get_default_device() if device is None else as_device(device)


def _to_tensor(
    values: np.ndarray, dt: DType, device: Any, requires_grad: bool = False
) -> Tensor:
    """Return host ``values`` (already of dtype ``dt``) as a Tensor on ``device``."""
    # Note: not np.ascontiguousarray, which turns a 0-d draw into shape (1,).
    values = np.asarray(values, order="C")
    return asarray(values, dtype=dt, device=_device(device), requires_grad=requires_grad)


def _below(values: np.ndarray, high: float, low: float) -> np.ndarray:
    """Return ``values`` with any that rounded up to (or past) ``high`` moved just below it."""
    top = values.dtype.type(high)
    mask = values >= top
    if mask.any():
        values[mask] = np.nextafter(top, values.dtype.type(low))
    return values


# -- the generator ---------------------------------------------------------------------------
class Generator:
    """A seeded stream of random numbers that makes tensors on any backend and device.

    ``seed`` is None (fresh OS entropy), a non-negative int, a sequence of them or a
    :class:`numpy.random.SeedSequence`. The same seed gives the same values on every backend
    and device, equal to ``numpy.random.default_rng(seed)``'s.
    """

    __slots__ = ("_lock", "_rng")

    def __init__(self, seed: SeedLike = None) -> None:
        self._lock = threading.RLock()
        self._rng = np.random.Generator(np.random.PCG64(_check_seed(seed, "Generator")))

    def __repr__(self) -> str:
        return f"arraygrad.random.Generator(PCG64) at {id(self):#x}"

    def __getstate__(self) -> dict[str, Any]:
        with self._lock:
            return {"state": self._rng.bit_generator.state}

    def __setstate__(self, state: dict[str, Any]) -> None:
        bitgen = np.random.PCG64()
        bitgen.state = state["state"]
        self._lock = threading.RLock()
        self._rng = np.random.Generator(bitgen)

    def seed(self, s: SeedLike = None) -> None:
        """Restart the stream from seed ``s`` (None: fresh OS entropy)."""
        bitgen = np.random.PCG64(_check_seed(s, "seed"))
        with self._lock:
            self._rng = np.random.Generator(bitgen)

    # -- float draws ----------------------------------------------------------------------
    def normal(
        self,
        loc: float = 0.0,
        scale: float = 1.0,
        size: Size = None,
        *,
        dtype: DType | None = None,
        device: DeviceLike = None,
        requires_grad: bool = False,
    ) -> Tensor:
        """Return draws from the normal distribution of mean ``loc`` and deviation ``scale``.

        ``size=None`` gives a 0-d tensor. ``dtype`` is float64 (default) or float32.
        """
        op = "normal"
        loc = _real(loc, "loc", op)
        scale = _real(scale, "scale", op)
        if scale < 0:
            raise ValueError(f"{op}: scale must be non-negative, got {scale}")
        shape = _size(size, op)
        dt = _float_dtype(dtype, op)
        with self._lock:
            values = self._rng.normal(loc, scale, size=shape)
        values = np.asarray(values).astype(dt.name, copy=False)
        return _to_tensor(values, dt, device, requires_grad)

    def standard_normal(
        self,
        size: Size = None,
        *,
        dtype: DType | None = None,
        device: DeviceLike = None,
        requires_grad: bool = False,
    ) -> Tensor:
        """Return draws from the standard normal distribution (mean 0, deviation 1)."""
        op = "standard_normal"
        shape = _size(size, op)
        dt = _float_dtype(dtype, op)
        with self._lock:
            values = self._rng.standard_normal(size=shape)
        values = np.asarray(values).astype(dt.name, copy=False)
        return _to_tensor(values, dt, device, requires_grad)

    def uniform(
        self,
        low: float = 0.0,
        high: float = 1.0,
        size: Size = None,
        *,
        dtype: DType | None = None,
        device: DeviceLike = None,
        requires_grad: bool = False,
    ) -> Tensor:
        """Return draws from the uniform distribution on the half-open interval [low, high)."""
        op = "uniform"
        low = _real(low, "low", op)
        high = _real(high, "high", op)
        if not low < high:
            raise ValueError(f"{op}: low must be less than high, got low={low}, high={high}")
        if not math.isfinite(high - low):
            raise ValueError(f"{op}: high - low overflows, got low={low}, high={high}")
        shape = _size(size, op)
        dt = _float_dtype(dtype, op)
        np_dt = np.dtype(dt.name)
        if not np_dt.type(low) < np_dt.type(high):
            raise ValueError(
                f"{op}: low={low} and high={high} are equal in {dt.name}; the interval is empty"
            )
        with self._lock:
            values = self._rng.uniform(low, high, size=shape)
        values = np.array(values, dtype=np_dt)
        return _to_tensor(_below(values, high, low), dt, device, requires_grad)

    def random(
        self,
        size: Size = None,
        *,
        dtype: DType | None = None,
        device: DeviceLike = None,
        requires_grad: bool = False,
    ) -> Tensor:
        """Return draws from the uniform distribution on the half-open interval [0, 1)."""
        op = "random"
        shape = _size(size, op)
        dt = _float_dtype(dtype, op)
        with self._lock:
            values = self._rng.random(size=shape)
        values = np.array(values, dtype=dt.name)
        return _to_tensor(_below(values, 1.0, 0.0), dt, device, requires_grad)

    # -- integer draws ----------------------------------------------------------------------
    def integers(
        self,
        low: int,
        high: int | None = None,
        size: Size = None,
        *,
        dtype: DType | None = None,
        device: DeviceLike = None,
        endpoint: bool = False,
    ) -> Tensor:
        """Return random integers from [low, high), or [low, high] with ``endpoint=True``.

        With ``high=None`` the range is [0, low) (or [0, low]). ``dtype`` is int64 by default.
        """
        op = "integers"
        low = _int(low, "low", op)
        if high is None:
            low, high = 0, low
        else:
            high = _int(high, "high", op)
        if not isinstance(endpoint, (bool, np.bool_)):
            raise TypeError(f"{op}: endpoint must be a bool, got {describe(endpoint)}")
        if endpoint and low > high:
            raise ValueError(f"{op}: low must be at most high, got low={low}, high={high}")
        if not endpoint and low >= high:
            raise ValueError(f"{op}: low must be less than high, got low={low}, high={high}")
        shape = _size(size, op)
        dt = _int_dtype(dtype, op)
        info = np.iinfo(dt.name)
        top = high if endpoint else high - 1
        if low < info.min or top > info.max:
            raise ValueError(
                f"{op}: the range [{low}, {top}] is out of the range of {dt.name} "
                f"[{info.min}, {info.max}]"
            )
        with self._lock:
            values = self._rng.integers(low, high, size=shape, dtype=dt.name, endpoint=endpoint)
        return _to_tensor(np.asarray(values, dtype=dt.name), dt, device)

    def permutation(self, n_or_tensor: int | Tensor, *, device: DeviceLike = None) -> Tensor:
        """Return a random permutation of ``arange(n)``, or a tensor shuffled along axis 0.

        An int gives an int64 tensor on ``device`` (default: the default device). A tensor
        gives a shuffled copy on the tensor's own device (through ``take``, so the result is
        differentiable); ``device``, if given, must be that device.
        """
        op = "permutation"
        if isinstance(n_or_tensor, Tensor):
            x = n_or_tensor
            if device is not None and as_device(device) != x.device:
                raise ValueError(
                    f"{op}: a tensor is shuffled on its own device {x.device}, "
                    f"but device={as_device(device)} was given; move it with to_device() first"
                )
            if x.ndim == 0:
                raise ValueError(f"{op}: expected a tensor of at least 1 dimension, got a 0-d one")
            n = x.shape[0]
            if n is None:
                raise ValueError(f"{op}: the length of axis 0 is unknown (a lazy tensor)")
            with self._lock:
                perm = self._rng.permutation(n)
            index = asarray(perm.astype(np.int64), dtype=_dtypes.int64, device=x.device)
            return call("take", (x, index), {"axis": 0})
        if isinstance(n_or_tensor, (bool, np.bool_)) or not isinstance(
            n_or_tensor, (int, np.integer)
        ):
            raise TypeError(
                f"{op}: expected an int or an arraygrad Tensor, got {describe(n_or_tensor)}"
            )
        n = int(n_or_tensor)
        if n < 0:
            raise ValueError(f"{op}: n must be non-negative, got {n}")
        with self._lock:
            perm = self._rng.permutation(n)
        return _to_tensor(perm.astype(np.int64), _dtypes.int64, device)


# -- the default generator and the module-level functions --------------------------------------
_default_lock = threading.Lock()
_default: Generator | None = None


def default_generator() -> Generator:
    """Return the generator that the module-level functions draw from."""
    global _default
    gen = _default
    if gen is None:
        with _default_lock:
            if _default is None:
                _default = Generator()
            gen = _default
    return gen


def seed(s: SeedLike = None) -> None:
    """Reseed the default generator with ``s`` (None: fresh OS entropy)."""
    default_generator().seed(_check_seed(s, "seed"))


manual_seed = seed  # PyTorch's name


def randn(
    *shape: int | Sequence[int],
    dtype: DType | None = None,
    device: DeviceLike = None,
    requires_grad: bool = False,
) -> Tensor:
    """Return standard normal draws of the given shape: ``randn(2, 3)``, ``randn((2, 3))``.

    ``randn()`` gives a 0-d tensor.
    """
    size = _shape_args(shape, "randn")
    dt = _float_dtype(dtype, "randn")
    return default_generator().standard_normal(
        size, dtype=dt, device=device, requires_grad=requires_grad
    )


def rand(
    *shape: int | Sequence[int],
    dtype: DType | None = None,
    device: DeviceLike = None,
    requires_grad: bool = False,
) -> Tensor:
    """Return uniform draws on [0, 1) of the given shape: ``rand(2, 3)``, ``rand((2, 3))``."""
    size = _shape_args(shape, "rand")
    dt = _float_dtype(dtype, "rand")
    return default_generator().random(size, dtype=dt, device=device, requires_grad=requires_grad)


def normal(
    loc: float = 0.0,
    scale: float = 1.0,
    size: Size = None,
    *,
    dtype: DType | None = None,
    device: DeviceLike = None,
    requires_grad: bool = False,
) -> Tensor:
    """Return normal draws of mean ``loc`` and deviation ``scale`` from the default generator."""
    return default_generator().normal(
        loc, scale, size, dtype=dtype, device=device, requires_grad=requires_grad
    )


def uniform(
    low: float = 0.0,
    high: float = 1.0,
    size: Size = None,
    *,
    dtype: DType | None = None,
    device: DeviceLike = None,
    requires_grad: bool = False,
) -> Tensor:
    """Return uniform draws on [low, high) from the default generator."""
    return default_generator().uniform(
        low, high, size, dtype=dtype, device=device, requires_grad=requires_grad
    )


def integers(
    low: int,
    high: int | None = None,
    size: Size = None,
    *,
    dtype: DType | None = None,
    device: DeviceLike = None,
    endpoint: bool = False,
) -> Tensor:
    """Return random integers from [low, high) (or [low, high]) from the default generator."""
    return default_generator().integers(
        low, high, size, dtype=dtype, device=device, endpoint=endpoint
    )


def permutation(n_or_tensor: int | Tensor, *, device: DeviceLike = None) -> Tensor:
    """Return a random permutation of ``arange(n)`` or of a tensor's axis 0 (default generator)."""
    return default_generator().permutation(n_or_tensor, device=device)
