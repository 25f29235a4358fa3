"""Creation functions of the standard, and moving data between backends and devices."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from . import _dtypes
from ._backend import Backend, backend_named, backend_of
from ._devices import Device, as_device, get_default_device
from ._dispatch import OtherBackend, _wrap, call, create, not_an_array
from ._dtypes import DType
from ._tensor import Tensor, wrap

__all__ = [
    "arange",
    "asarray",
    "empty",
    "empty_like",
    "eye",
    "from_dlpack",
    "full",
    "full_like",
    "linspace",
    "meshgrid",
    "ones",
    "ones_like",
    "tril",
    "triu",
    "zeros",
    "zeros_like",
]


def _set_requires_grad(t: Tensor, requires_grad: bool, op: str) -> Tensor:
    if requires_grad:
        if t.dtype not in _dtypes.FLOATING:
            raise TypeError(
                f"{op}: only floating-point tensors can require gradients, not {t.dtype.name}"
            )
        t._requires_grad = True
    return t


def _kind_of_python(obj: Any) -> str | None:
    """Return the default-dtype kind of nested Python data ("b", "i", "f", "c"), or None."""
    kinds = set()
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, bool):
            kinds.add("b")
        elif isinstance(item, int):
            kinds.add("i")
        elif isinstance(item, float):
            kinds.add("f")
        elif isinstance(item, complex):
            kinds.add("c")
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        else:
            return None
    for kind in ("c", "f", "i", "b"):
        if kind in kinds:
            return kind
    return "f"  # an empty sequence: the default floating dtype, as NumPy does


def _contains_tensor(obj: Any) -> bool:
    return isinstance(obj, (list, tuple)) and any(
        isinstance(o, Tensor) or _contains_tensor(o) for o in obj
    )


def asarray(
    obj: Any,
    /,
    *,
    dtype: DType | None = None,
    device: Device | str | None = None,
    copy: bool | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Return a Tensor from a Tensor, any compliant array, a Python scalar or nested sequence.

    A Tensor comes back as it is (its graph kept) unless ``dtype``, ``device`` or
    ``copy=True`` ask for a new one; a backend array is wrapped without a copy.
    """
    dt = None if dtype is None else _dtypes.as_dtype(dtype, "asarray")
    dev = None if device is None else as_device(device)
    if isinstance(obj, Tensor):
        out = obj
        if dev is not None and dev != obj.device:
            if copy is False:
                raise ValueError(f"asarray: moving to {dev} needs a copy, but copy=False")
            out = out.to_device(dev)
            copy = None if copy else copy
        if dt is not None and dt is not out.dtype:
            if copy is False:
                raise ValueError(f"asarray: casting to {dt.name} needs a copy, but copy=False")
            from ._data_type import astype

            out = astype(out, dt)
        elif copy:
            out = call("asarray", (out,), {"copy": True}, impl=_copy_impl)
        return _set_requires_grad(out, requires_grad, "asarray") if requires_grad else out
    backend = backend_of(obj) if not isinstance(obj, (list, tuple, bool, int, float, complex)) else None
    if backend is not None:
        t = _wrap_foreign(obj, backend, dt, dev, copy)
        return _set_requires_grad(t, requires_grad, "asarray")
    if _contains_tensor(obj):
        return _set_requires_grad(_stack_nested(obj, dt, dev), requires_grad, "asarray")
    if isinstance(obj, np.generic):
        obj = np.asarray(obj)
        if dev is None or dev.backend_name == "numpy":
            return asarray(obj, dtype=dt, device=dev, copy=copy, requires_grad=requires_grad)
    kind = _kind_of_python(obj)
    if kind is None and not _is_buffer(obj):
        raise not_an_array("asarray", obj, "an array, a Python scalar, a nested sequence or a buffer")
    if isinstance(obj, int) and not isinstance(obj, bool) and dt in (None, _dtypes.int64):
        if not -(2**63) <= obj < 2**63:
            raise OverflowError(f"asarray: the Python int {obj} does not fit in int64")
    default_kind = kind if dt is None else None
    t = create("asarray", dev, dt, default_kind, obj, copy=copy, fn=_asarray_impl)
    return _set_requires_grad(t, requires_grad, "asarray")


def _is_buffer(obj: Any) -> bool:
    try:
        memoryview(obj)
    except TypeError:
        return False
    return True


def _asarray_impl(ns: Any, obj: Any, *, dtype: Any, device: Any, copy: bool | None) -> Any:
    return ns.asarray(obj, dtype=dtype, device=device, copy=copy)


def _copy_impl(backend: Backend, raw: Any, *, copy: bool) -> Any:
    return backend.ns.asarray(raw, copy=True)


def _wrap_foreign(
    raw: Any, backend: Backend, dt: DType | None, dev: Device | None, copy: bool | None
) -> Tensor:
    t = wrap(raw, backend) if not backend._numpy_like else _wrap(raw, backend)
    if dev is not None and dev != t.device:
        if copy is False:
            raise ValueError(f"asarray: moving to {dev} needs a copy, but copy=False")
        t = _to_device(t, dev)
        copy = None
    if dt is not None and dt is not t.dtype:
        if copy is False:
            raise ValueError(f"asarray: casting to {dt.name} needs a copy, but copy=False")
        t = wrap(t._backend.ns.astype(t._data, t._backend.native_dtype(dt)), t._backend)
    elif copy:
        t = wrap(t._backend.ns.asarray(t._data, copy=True), t._backend)
    return t


def _stack_nested(obj: Any, dt: DType | None, dev: Device | None) -> Tensor:
    from ._manipulation import stack

    items = [
        asarray(o, dtype=dt, device=dev) if not isinstance(o, Tensor) else o for o in obj
    ]
    tensors = [i for i in items if isinstance(i, Tensor)]
    like = tensors[0]
    items = [asarray(i, dtype=like.dtype, device=like.device) for i in items]
    out = stack(items)
    return out if dt is None else asarray(out, dtype=dt)


def _shape_arg(shape: Any, op: str) -> tuple[int, ...]:
    if isinstance(shape, int) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        shape = tuple(shape)
    except TypeError:
        raise TypeError(f"{op}: shape must be an int or a tuple of ints, got {shape!r}") from None
    for s in shape:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 0:
            raise ValueError(f"{op}: shape must hold non-negative ints, got {shape!r}")
    return tuple(int(s) for s in shape)


def zeros(
    shape: int | tuple[int, ...],
    *,
    dtype: DType | None = None,
    device: Device | str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Return a new tensor of zeros."""
    out = create("zeros", device, dtype, "f", _shape_arg(shape, "zeros"))
    return _set_requires_grad(out, requires_grad, "zeros")


def ones(
    shape: int | tuple[int, ...],
    *,
    dtype: DType | None = None,
    device: Device | str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Return a new tensor of ones."""
    out = create("ones", device, dtype, "f", _shape_arg(shape, "ones"))
    return _set_requires_grad(out, requires_grad, "ones")


def empty(
    shape: int | tuple[int, ...],
    *,
    dtype: DType | None = None,
    device: Device | str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Return a new, uninitialised tensor."""
    out = create("empty", device, dtype, "f", _shape_arg(shape, "empty"))
    return _set_requires_grad(out, requires_grad, "empty")


def _fill_kind(fill_value: Any, op: str) -> str:
    if isinstance(fill_value, bool):
        return "b"
    if isinstance(fill_value, int):
        return "i"
    if isinstance(fill_value, float):
        return "f"
    if isinstance(fill_value, complex):
        return "c"
    raise TypeError(f"{op}: fill_value must be a Python scalar, got {type(fill_value).__name__}")


def full(
    shape: int | tuple[int, ...],
    fill_value: bool | int | float | complex,
    *,
    dtype: DType | None = None,
    device: Device | str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Return a new tensor filled with ``fill_value``."""
    kind = _fill_kind(fill_value, "full")
    out = create("full", device, dtype, kind, _shape_arg(shape, "full"), fill_value)
    return _set_requires_grad(out, requires_grad, "full")


def _like(name: str, x: Any, dtype: Any, device: Any, *args: Any) -> Tensor:
    if not isinstance(x, Tensor):
        raise not_an_array(name, x)
    return create(
        name[:-5],
        x.device if device is None else device,
        x.dtype if dtype is None else dtype,
        None,
        tuple(x.shape),
        *args,
    )


def zeros_like(
    x: Tensor,
    /,
    *,
    dtype: DType | None = None,
    device: Device | str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Return a tensor of zeros with the shape (and by default dtype and device) of ``x``."""
    return _set_requires_grad(_like("zeros_like", x, dtype, device), requires_grad, "zeros_like")


def ones_like(
    x: Tensor,
    /,
    *,
    dtype: DType | None = None,
    device: Device | str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Return a tensor of ones with the shape (and by default dtype and device) of ``x``."""
    return _set_requires_grad(_like("ones_like", x, dtype, device), requires_grad, "ones_like")


def empty_like(
    x: Tensor,
    /,
    *,
    dtype: DType | None = None,
    device: Device | str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Return an uninitialised tensor with the shape (and by default dtype, device) of ``x``."""
    return _set_requires_grad(_like("empty_like", x, dtype, device), requires_grad, "empty_like")


def full_like(
    x: Tensor,
    /,
    fill_value: bool | int | float | complex,
    *,
    dtype: DType | None = None,
    device: Device | str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Return a tensor filled with ``fill_value`` with the shape (and dtype, device) of ``x``."""
    _fill_kind(fill_value, "full_like")
    out = _like("full_like", x, dtype, device, fill_value)
    return _set_requires_grad(out, requires_grad, "full_like")


def eye(
    n_rows: int,
    n_cols: int | None = None,
    /,
    *,
    k: int = 0,
    dtype: DType | None = None,
    device: Device | str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Return a 2-D tensor with ones on the ``k``-th diagonal and zeros elsewhere."""
    wide = type(n_cols) is int and type(n_rows) is int and n_cols > n_rows >= 0
    if wide and as_device(device if device is not None else get_default_device()).backend.lazy:
        # Note: Dask's eye with more columns than rows builds a broken graph ("Missing
        # dependency" when computed); the rows of a square one are right.
        out = create("eye", device, dtype, "f", n_cols, n_cols, k=k)[:n_rows]
    else:
        out = create("eye", device, dtype, "f", n_rows, n_cols, k=k)
    return _set_requires_grad(out, requires_grad, "eye")


def arange(
    start: int | float,
    /,
    stop: int | float | None = None,
    step: int | float = 1,
    *,
    dtype: DType | None = None,
    device: Device | str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Return evenly spaced values in the half-open interval [start, stop)."""
    values = (start, stop, step)
    kind = "f" if any(isinstance(v, float) for v in values) else "i"
    for v in values:
        if v is not None and (isinstance(v, (bool, complex)) or not isinstance(v, (int, float))):
            raise TypeError(f"arange: start, stop and step must be real numbers, got {v!r}")
    if step == 0:
        raise ValueError("arange: step must not be zero")
    out = create("arange", device, dtype, kind, start, stop, step)
    return _set_requires_grad(out, requires_grad, "arange")


def linspace(
    start: int | float | complex,
    stop: int | float | complex,
    /,
    num: int,
    *,
    dtype: DType | None = None,
    device: Device | str | None = None,
    endpoint: bool = True,
    requires_grad: bool = False,
) -> Tensor:
    """Return ``num`` evenly spaced values from ``start`` to ``stop``."""
    kind = "c" if isinstance(start, complex) or isinstance(stop, complex) else "f"
    if not isinstance(num, int) or isinstance(num, bool) or num < 0:
        raise ValueError(f"linspace: num must be a non-negative int, got {num!r}")
    out = create("linspace", device, dtype, kind, start, stop, num, endpoint=endpoint)
    return _set_requires_grad(out, requires_grad, "linspace")


def meshgrid(*arrays: Tensor, indexing: Literal["xy", "ij"] = "xy") -> tuple[Tensor, ...]:
    """Return coordinate matrices from coordinate vectors."""
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    if not arrays:
        return ()
    dtypes = {a.dtype for a in arrays if isinstance(a, Tensor)}
    if len(dtypes) > 1:
        raise TypeError(
            f"meshgrid: all arrays must have the same dtype, got {sorted(d.name for d in dtypes)}"
        )
    for a in arrays:
        if isinstance(a, Tensor) and a.ndim != 1:
            raise ValueError(f"meshgrid: the arrays must be 1-D, got one of shape {a.shape}")
    return tuple(call("meshgrid", arrays, {"indexing": indexing}, impl=_meshgrid_impl))


def _meshgrid_impl(backend: Backend, *raws: Any, indexing: str) -> tuple[Any, ...]:
    return tuple(backend.ns.meshgrid(*raws, indexing=indexing))


def _tri(name: str, x: Tensor, k: int) -> Tensor:
    if not isinstance(x, Tensor):
        raise not_an_array(name, x)
    if x.ndim < 2:
        raise ValueError(f"{name}: expected a tensor of at least 2 dimensions, got shape {x.shape}")
    return call(name, (x,), {"k": k})


def tril(x: Tensor, /, *, k: int = 0) -> Tensor:
    """Return the lower triangle of (a stack of) matrices, zeros above the ``k``-th diagonal."""
    return _tri("tril", x, k)


def triu(x: Tensor, /, *, k: int = 0) -> Tensor:
    """Return the upper triangle of (a stack of) matrices, zeros below the ``k``-th diagonal."""
    return _tri("triu", x, k)


def from_dlpack(x: Any, /, *, device: Device | str | None = None, copy: bool | None = None) -> Tensor:
    """Return a Tensor sharing (or, with ``copy=True``, copying) the memory of a DLPack producer."""
    if isinstance(x, Tensor):
        x = x._data
    if not hasattr(x, "__dlpack__"):
        raise not_an_array("from_dlpack", x, "an object with __dlpack__")
    if device is not None:
        dev = as_device(device)
    else:
        dev_type, dev_id = x.__dlpack_device__()
        if int(dev_type) in (1, 3):  # kDLCPU, kDLCUDAHost
            default = get_default_device()
            cpu_default = default.backend_name != "cupy" and "cuda" not in default.name
            dev = default if cpu_default else Device("numpy", "cpu")
        elif int(dev_type) in (2, 13):  # kDLCUDA, kDLCUDAManaged
            dev = backend_named("cupy").device_named(f"cuda:{dev_id}")
        else:
            raise BufferError(f"from_dlpack: DLPack device type {dev_type} is not supported")
    backend = dev.backend
    kwargs: dict[str, Any] = {}
    if copy is not None:
        kwargs["copy"] = copy
    if device is not None:
        kwargs["device"] = backend.native_device(dev)
    try:
        raw = backend.ns.from_dlpack(x, **kwargs)
    except TypeError:
        if not kwargs:
            raise
        raw = backend.ns.from_dlpack(x)
        if copy:
            raw = backend.ns.asarray(raw, copy=True)
    return _wrap(raw, backend)


# -- moving between backends ------------------------------------------------------------------
def to_numpy(t: Tensor, *, op: str, copy: bool | None = None, any_device: bool = False) -> np.ndarray:
    """Return a NumPy array of the tensor's values (a view where the backend allows)."""
    raw = t._data
    backend = t._backend
    if backend._numpy_like:
        return raw.copy() if copy else raw
    dev_type = int(t.__dlpack_device__()[0]) if hasattr(raw, "__dlpack_device__") else 1
    if dev_type not in (1, 3):
        if not any_device:
            raise TypeError(
                f"{op}: the tensor is on {t.device}; NumPy can only read CPU memory. "
                "Call .to_device('cpu') first"
            )
        getter = getattr(raw, "get", None)  # CuPy's copy to host
        if getter is not None:
            return getter()
        return to_numpy(_to_device(t, _cpu_device_of(backend)), op=op, copy=False)
    # torch keeps conjugation as a lazy flag that DLPack and NumPy refuse: apply it first.
    resolve = getattr(raw, "resolve_conj", None)
    if resolve is not None:
        raw = resolve()
    if backend.lazy:
        # Note: Dask arrays have no __dlpack__; NumPy's asarray computes the graph.
        return np.asarray(raw)
    try:
        arr = np.from_dlpack(raw)
    except (BufferError, TypeError, RuntimeError, ValueError):
        arr = np.asarray(raw)
    return arr.copy() if copy else arr


def _cpu_device_of(backend: Backend) -> Device:
    for dev in backend.devices():
        if "cpu" in dev.name.lower():
            return dev
    raise ValueError(f"to_device: the {backend.name} backend has no CPU device")


def _move_raw(t: Tensor, dev: Device) -> Any:
    src, dst = t._backend, dev.backend
    native = dst.native_device(dev)
    if src is dst:
        import array_api_compat

        return array_api_compat.to_device(t._data, native)
    try:
        return dst.ns.from_dlpack(t._data, device=native)
    except Exception:
        host = to_numpy(t, op="to_device", any_device=True)
        return dst.ns.asarray(host, device=native)


def _to_device(t: Tensor, dev: Device, *, stream: Any = None) -> Tensor:
    if dev == t.device:
        return t
    return call(
        "to_device",
        (t,),
        {"device": dev, "source": t.device},
        impl=lambda backend, raw, device, source: OtherBackend(_move_raw(t, device), device.backend),
    )


def _restore(values: np.ndarray, device: str) -> Tensor:
    return asarray(values, device=device)


def format_values(t: Tensor, prefix: str = "") -> str:
    """Return the values of a tensor as text (lazy backends are not computed)."""
    if t._backend.lazy:
        return f"<lazy {t._backend.name} array, shape={t.shape}>"
    try:
        arr = to_numpy(t, op="repr", any_device=True)
    except Exception:
        return repr(t._data)
    return np.array2string(arr, separator=", ", threshold=1000, prefix=prefix)

