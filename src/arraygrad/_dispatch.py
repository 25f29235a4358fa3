"""The one call path of every function and operator: unwrap, check, call, wrap, record.

``call`` serves any function; ``unary`` and ``binary`` are the same path specialised for
the elementwise table, where the per-call overhead matters most. Autograd plugs in with
``install_recorder``: until it does, recording costs one ``requires_grad`` check per input.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _dtypes
from ._dtypes import DType
from ._tensor import Tensor, wrap

if TYPE_CHECKING:
    from ._backend import Backend

__all__ = [
    "Recorder",
    "call",
    "check_axis",
    "describe",
    "inplace",
    "install_recorder",
    "make_binary",
    "make_unary",
]

# record(name, inputs, params, output): called after a function whose tensor inputs
# include one that requires grad. ``inputs`` holds the array arguments as given (Tensors,
# Python scalars, None), ``params`` the other arguments, ``output`` a Tensor or a tuple.
Recorder = Callable[[str, tuple, dict, Any], None]
# inplace_hook(name, target, inputs, params, mutate): wraps an in-place change of
# ``target``; it must call ``mutate()`` (which writes the new value) or raise.
InplaceHook = Callable[[str, Tensor, tuple, dict, Callable[[], None]], None]

_FLOATING = _dtypes.FLOATING
_recorder: Recorder | None = None
_inplace_hook: InplaceHook | None = None
_ndarray = np.ndarray
_asarray = np.asarray


def install_recorder(record: Recorder | None, inplace_hook: InplaceHook | None = None) -> None:
    """Install (or with None remove) the hooks that autograd uses to build its graph."""
    global _recorder, _inplace_hook
    _recorder = record
    _inplace_hook = inplace_hook


# -- describing inputs in errors -----------------------------------------------------------
def describe(value: Any) -> str:
    """Return a short description of an argument for error messages: dtype, shape, device."""
    if isinstance(value, Tensor):
        shape = ", ".join(str(s) for s in value.shape)
        return f"{value.dtype.name}[{shape}] on {value.device}"
    if isinstance(value, (bool, int, float, complex)):
        return f"{type(value).__name__} {value!r}"
    return type(value).__module__ + "." + type(value).__qualname__


def _backend_error(name: str, inputs: Sequence[Any], err: Exception) -> Exception:
    """Return ``err`` re-typed with the op and its inputs in the message."""
    args = ", ".join(describe(v) for v in inputs if v is not None)
    message = f"{name}: {err} (inputs: {args})"
    try:
        new = type(err)(message)
    except Exception:
        return err
    new.__cause__ = err
    return new


def mixed_devices(name: str, a: Tensor, b: Tensor) -> ValueError:
    """Return the error for two tensors on different devices."""
    return ValueError(
        f"{name}: the inputs are on different devices, {a.device} and {b.device}; "
        "move one with to_device() first"
    )


def not_an_array(name: str, value: Any, what: str = "an arraygrad Tensor") -> TypeError:
    """Return the error for an argument that is not an array."""
    hint = ""
    if hasattr(value, "__array_namespace__") or hasattr(value, "__array__"):
        hint = "; wrap it with arraygrad.asarray() first"
    return TypeError(f"{name}: expected {what}, got {describe(value)}{hint}")


def wrong_dtype(name: str, dtype: DType, category: str) -> TypeError:
    """Return the error for an input dtype outside the function's category."""
    return TypeError(f"{name}: expected a {category} dtype, got {dtype.name}")


# -- the backend's raw results --------------------------------------------------------------
def _wrap(raw: Any, backend: Backend) -> Tensor:
    # NumPy ufuncs return numpy scalars for 0-d inputs; a Tensor always holds an array.
    if backend._numpy_like and type(raw) is not _ndarray:
        raw = _asarray(raw)
    return wrap(raw, backend)


class OtherBackend:
    """A raw result that belongs to another backend than the call's inputs (``to_device``)."""

    __slots__ = ("backend", "raw")

    def __init__(self, raw: Any, backend: Backend) -> None:
        self.raw = raw
        self.backend = backend


def wrap_output(out: Any, backend: Backend) -> Any:
    """Wrap a backend result: an array, or a (named) tuple of arrays."""
    if isinstance(out, OtherBackend):
        return _wrap(out.raw, out.backend)
    if isinstance(out, tuple):
        items = [wrap_output(o, backend) for o in out]
        return type(out)(*items) if hasattr(out, "_fields") else tuple(items)
    if isinstance(out, list):
        return [wrap_output(o, backend) for o in out]
    return _wrap(out, backend)


# -- the general path ---------------------------------------------------------------------
def common_backend(name: str, arrays: Sequence[Any]) -> tuple[Backend, list[Any]]:
    """Return the one backend of the tensors in ``arrays`` and their raw values.

    Python scalars and None pass through; anything else that is not a Tensor is an error.
    """
    backend = None
    first: Tensor | None = None
    raws = []
    for a in arrays:
        if isinstance(a, Tensor):
            if backend is None:
                backend, first = a._backend, a
            elif a._backend is not backend or (
                not backend.single_device and a.device != first.device  # type: ignore[union-attr]
            ):
                raise mixed_devices(name, first, a)  # type: ignore[arg-type]
            raws.append(a._data)
        elif a is None or isinstance(a, (bool, int, float, complex)):
            raws.append(a)
        else:
            raise not_an_array(name, a)
    if backend is None:
        raise TypeError(f"{name}: expected at least one arraygrad Tensor argument")
    return backend, raws


def call(
    name: str,
    arrays: Sequence[Any],
    params: dict[str, Any] | None = None,
    *,
    impl: Callable[..., Any] | None = None,
) -> Any:
    """Run ``name`` on the backend of ``arrays`` and wrap (and record) the result.

    ``impl(backend, *raw_arrays, **params)`` replaces the backend's function of the same
    name where arraygrad adds checks or fixes the backend.
    """
    params = {} if params is None else params
    backend, raws = common_backend(name, arrays)
    try:
        if impl is None:
            out = getattr(backend.ns, name)(*raws, **params)
        else:
            out = impl(backend, *raws, **params)
    except (TypeError, ValueError, IndexError, ArithmeticError, NotImplementedError, RuntimeError) as e:
        raise _backend_error(name, arrays, e) from e
    result = wrap_output(out, backend)
    if _recorder is not None:
        for a in arrays:
            if isinstance(a, Tensor) and a._requires_grad:
                _recorder(name, tuple(arrays), params, result)
                break
    return result


def inplace(name: str, target: Tensor, inputs: tuple, params: dict, mutate: Callable[[], None]) -> None:
    """Change ``target`` in place through ``mutate``, letting autograd guard the change."""
    if _inplace_hook is not None:
        _inplace_hook(name, target, inputs, params, mutate)
    else:
        mutate()


# -- the elementwise fast path --------------------------------------------------------------
def make_unary(
    name: str, fix: Callable[..., Any] | None, allowed: frozenset[DType], category: str
) -> Callable[[Any], Tensor]:
    """Return the elementwise function ``name`` of one array: the dispatch path, inlined."""

    def fn(x: Any, /) -> Tensor:
        if not isinstance(x, Tensor):
            raise not_an_array(name, x)
        backend = x._backend
        raw = x._data
        dt = backend._dtype_from[raw.dtype]
        if dt not in allowed:
            raise wrong_dtype(name, dt, category)
        try:
            out = getattr(backend.ns, name)(raw) if fix is None else fix(backend, raw)
        except (TypeError, ValueError, ArithmeticError, RuntimeError) as e:
            raise _backend_error(name, (x,), e) from e
        if backend._numpy_like and type(out) is not _ndarray:
            out = _asarray(out)
        result = wrap(out, backend)
        if x._requires_grad and _recorder is not None:
            _recorder(name, (x,), {}, result)
        return result

    return fn


_INT_BOUNDS = {
    dt: (int(np.iinfo(dt.name).min), int(np.iinfo(dt.name).max)) for dt in _dtypes.INTEGER
}


def scalar_compatible(name: str, scalar: Any, dtype: DType) -> None:
    """Raise if a Python scalar may not be combined with an array of ``dtype``."""
    if isinstance(scalar, bool):
        if dtype is not _dtypes.bool:
            raise TypeError(
                f"{name}: a Python bool combines only with bool arrays, not {dtype.name}"
            )
    elif isinstance(scalar, int):
        if dtype is _dtypes.bool:
            raise TypeError(f"{name}: a Python int does not combine with a bool array")
        bounds = _INT_BOUNDS.get(dtype)
        if bounds is not None and not bounds[0] <= scalar <= bounds[1]:
            raise OverflowError(
                f"{name}: the Python int {scalar} is out of the range of {dtype.name} "
                f"[{bounds[0]}, {bounds[1]}]"
            )
    elif isinstance(scalar, (float, complex)):
        if dtype not in _dtypes.FLOATING:
            raise TypeError(
                f"{name}: a Python {type(scalar).__name__} combines only with floating-point "
                f"arrays, not {dtype.name}"
            )
    else:
        raise not_an_array(name, scalar, "an arraygrad Tensor or a Python scalar")


def _scalar_operand(backend: Backend, scalar: Any, like: Any, dtype: DType) -> Any:
    """Return ``scalar`` in the form the backend's functions accept next to ``like``."""
    if backend.native_scalars:
        return scalar
    if isinstance(scalar, complex) and dtype in _dtypes.REAL_FLOATING:
        dtype = _dtypes.COMPLEX_OF[dtype]
    import array_api_compat

    return backend.ns.asarray(
        scalar, dtype=backend.native_dtype(dtype), device=array_api_compat.device(like)
    )


def binary_operands(name: str, x1: Any, x2: Any) -> tuple[Backend, Any, Any, DType, DType]:
    """Check two operands of a binary function; return the backend, raw operands, dtypes."""
    if isinstance(x1, Tensor):
        backend = x1._backend
        r1 = x1._data
        d1 = backend._dtype_from[r1.dtype]
        if isinstance(x2, Tensor):
            r2 = x2._data
            if x2._backend is not backend or (not backend.single_device and x1.device != x2.device):
                raise mixed_devices(name, x1, x2)
            d2 = backend._dtype_from[r2.dtype]
            if d1 is not d2:
                _dtypes.promote(d1, d2, name)
            return backend, r1, r2, d1, d2
        scalar_compatible(name, x2, d1)
        return backend, r1, _scalar_operand(backend, x2, r1, d1), d1, d1
    if isinstance(x2, Tensor):
        backend = x2._backend
        r2 = x2._data
        d2 = backend._dtype_from[r2.dtype]
        scalar_compatible(name, x1, d2)
        return backend, _scalar_operand(backend, x1, r2, d2), r2, d2, d2
    if isinstance(x1, (bool, int, float, complex)) and isinstance(x2, (bool, int, float, complex)):
        raise TypeError(f"{name}: at least one argument must be a Tensor, got two Python scalars")
    raise not_an_array(name, x1 if not isinstance(x1, (bool, int, float, complex)) else x2)


def make_binary(
    name: str, fix: Callable[..., Any] | None, allowed: frozenset[DType], category: str
) -> Callable[[Any, Any], Tensor]:
    """Return the elementwise function ``name`` of two arrays: the dispatch path, inlined.

    Either argument may be a Python scalar; two tensors must share a device and have
    dtypes the standard promotes.
    """

    def fn(x1: Any, x2: Any, /) -> Tensor:
        if isinstance(x1, Tensor) and isinstance(x2, Tensor):
            backend = x1._backend
            r1 = x1._data
            r2 = x2._data
            if x2._backend is not backend or (not backend.single_device and x1.device != x2.device):
                raise mixed_devices(name, x1, x2)
            d1 = backend._dtype_from[r1.dtype]
            d2 = backend._dtype_from[r2.dtype]
            if d1 is not d2:
                common = _dtypes.promote(d1, d2, name)
                if not backend._numpy_like:
                    # Note: torch does not promote uint16/32/64 with other integer types;
                    # casting both operands to the standard's result works everywhere.
                    native = backend.native_dtype(common, name)
                    if d1 is not common:
                        r1 = backend.ns.astype(r1, native)
                    if d2 is not common:
                        r2 = backend.ns.astype(r2, native)
        elif (type(x2) is float or type(x2) is int) and isinstance(x1, Tensor):
            # The common ``t * 2.0``: a Python int or float next to a float tensor needs no
            # further check; anything else takes the general path below.
            backend = x1._backend
            r1 = x1._data
            d1 = d2 = backend._dtype_from[r1.dtype]
            if d1 in _FLOATING and backend.native_scalars:
                r2 = x2
            else:
                backend, r1, r2, d1, d2 = binary_operands(name, x1, x2)
        else:
            backend, r1, r2, d1, d2 = binary_operands(name, x1, x2)
        if d1 not in allowed:
            raise wrong_dtype(name, d1, category)
        if d2 not in allowed:
            raise wrong_dtype(name, d2, category)
        try:
            out = getattr(backend.ns, name)(r1, r2) if fix is None else fix(backend, r1, r2)
        except (TypeError, ValueError, ArithmeticError, RuntimeError) as e:
            raise _backend_error(name, (x1, x2), e) from e
        if backend._numpy_like and type(out) is not _ndarray:
            out = _asarray(out)
        result = wrap(out, backend)
        if _recorder is not None and (
            (isinstance(x1, Tensor) and x1._requires_grad)
            or (isinstance(x2, Tensor) and x2._requires_grad)
        ):
            _recorder(name, (x1, x2), {}, result)
        return result

    return fn


# The backends' own in-place operators, used where an in-place change is not recorded.
_INPLACE_DUNDERS = {
    "add": "__iadd__",
    "subtract": "__isub__",
    "multiply": "__imul__",
    "divide": "__itruediv__",
    "floor_divide": "__ifloordiv__",
    "remainder": "__imod__",
    "pow": "__ipow__",
    "bitwise_and": "__iand__",
    "bitwise_or": "__ior__",
    "bitwise_xor": "__ixor__",
    "bitwise_left_shift": "__ilshift__",
    "bitwise_right_shift": "__irshift__",
}


def inplace_binary(name: str, fn: Callable[[Any, Any], Tensor], target: Tensor, other: Any) -> None:
    """``target <op>= other``, as the standard defines it: the result keeps target's dtype
    and shape. Recorded (autograd), it is computed out of place; otherwise the backend's own
    in-place operator writes into the buffer where the operands allow it.
    """
    dunder = _INPLACE_DUNDERS.get(name)
    allowed = getattr(fn, "allowed", None)
    backend = target._backend
    fast = (
        dunder is not None
        and allowed is not None
        and backend.mutable
        and target.dtype in allowed
        and (
            (isinstance(other, Tensor) and other._backend is backend and other.dtype is target.dtype
             and (backend.single_device or other.device == target.device)
             and _fits(other.shape, target.shape))
            or (type(other) in (int, float) and target.dtype in _FLOATING)
        )
    )
    if not fast:
        inplace_update(name, target, (target, other), lambda: fn(target, other))
        return

    def mutate() -> None:
        raw = target._data
        out = getattr(raw, dunder)(other._data if isinstance(other, Tensor) else other)
        if out is NotImplemented:
            raise TypeError(f"{name} (in place): the {backend.name} array has no {dunder}")
        if out is not raw:
            target._data = out

    inplace(name, target, (target, other), {"result_fn": lambda: fn(target, other)}, mutate)


def _fits(shape: tuple, target: tuple) -> bool:
    """Whether ``shape`` broadcasts to ``target`` without changing it."""
    if shape == target:
        return True
    if len(shape) > len(target):
        return False
    return all(s in (1, t) for s, t in zip(shape[::-1], target[::-1], strict=False))


def check_inplace_result(name: str, target: Tensor, result: Tensor) -> None:
    """Raise unless ``result`` keeps target's dtype and shape (the standard's in-place rule)."""
    if result.dtype is not target.dtype:
        raise TypeError(
            f"{name} (in place): the result would be {result.dtype.name}, but the tensor is "
            f"{target.dtype.name}; in-place operators keep the tensor's dtype"
        )
    if result.shape != target.shape:
        raise ValueError(
            f"{name} (in place): the result would have shape {result.shape}, but the tensor "
            f"has shape {target.shape}; in-place operators cannot broadcast the tensor"
        )


def inplace_update(
    name: str,
    target: Tensor,
    inputs: tuple,
    result_fn: Callable[[], Tensor],
    mutate: Callable[[], None] | None = None,
) -> None:
    """Give ``target`` the value ``result_fn()`` in place (``x += y``, ``x.zero_()``, ``copy_``).

    ``mutate`` writes the new value straight into the buffer where the change is not
    recorded (default: compute ``result_fn()`` and copy it in). Autograd's hook receives
    ``result_fn`` as ``params["result_fn"]`` for the recorded path (copy-on-write).
    """

    def checked() -> Tensor:
        result = result_fn()
        check_inplace_result(name, target, result)
        return result

    if mutate is None:

        def mutate() -> None:
            assign_all(target, checked())

    inplace(name, target, inputs, {"result_fn": checked}, mutate)


def assign_all(target: Tensor, value: Tensor) -> None:
    """Write ``value`` into target's buffer (or rebind it where the backend is immutable)."""
    if target._backend.mutable:
        target._data[...] = value._data
    else:
        target._data = value._data


def check_axis(name: str, axis: int, ndim: int, *, extra: int = 0) -> int:
    """Return ``axis`` normalised to [0, ndim + extra); IndexError naming the op if out of range."""
    if not isinstance(axis, int) or isinstance(axis, bool):
        raise TypeError(f"{name}: axis must be an int, got {type(axis).__name__}")
    n = ndim + extra
    if not -n <= axis < n:
        raise IndexError(f"{name}: axis {axis} is out of range for a tensor of {ndim} dimensions")
    return axis % n if n else 0


def create(
    name: str,
    device: Any,
    dtype: Any,
    default_kind: str | None,
    *args: Any,
    fn: Callable[..., Any] | None = None,
    **kwargs: Any,
) -> Tensor:
    """Run a creation function on the backend that ``device`` names (default: the default device).

    ``dtype=None`` becomes arraygrad's default dtype of ``default_kind`` ("f", "i", "c",
    "b"), so every backend makes the same dtype; ``fn(ns, *args, dtype=, device=, **kwargs)``
    replaces the backend function where arraygrad computes the values itself.
    """
    from ._devices import as_device, get_default_device

    dev = get_default_device() if device is None else as_device(device)
    backend = dev.backend
    if dtype is not None:
        dt = _dtypes.as_dtype(dtype, name)
    else:
        dt = backend.default_dtype(dev, default_kind) if default_kind else None
    native = None if dt is None else backend.native_dtype(dt, name)
    native_device = backend.native_device(dev)
    try:
        if fn is None:
            out = getattr(backend.ns, name)(*args, dtype=native, device=native_device, **kwargs)
        else:
            out = fn(backend.ns, *args, dtype=native, device=native_device, **kwargs)
    except (TypeError, ValueError, OverflowError) as e:
        raise _backend_error(name, (), e) from e
    return _wrap(out, backend)


# The default dtypes of every backend: what __array_namespace_info__().default_dtypes() says.
DEFAULT_DTYPES: dict[str | None, DType] = {
    "f": _dtypes.float64,
    "c": _dtypes.complex128,
    "i": _dtypes.int64,
    "b": _dtypes.bool,
    "indexing": _dtypes.int64,
}
