"""The Tensor: an array of any compliant library, plus the slots autograd uses.

Operators are not written here one by one: ``install_operators`` binds each dunder to the
namespace function named in ``OPERATORS`` (``"__add__" -> "add"``), so an operator and its
function share the single dispatch path.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ._devices import Device, as_device
from ._dtypes import DType

if TYPE_CHECKING:
    from types import ModuleType

    from ._backend import Backend

__all__ = ["Tensor"]

_new = object.__new__


class Tensor:
    """An n-dimensional array of the array API standard, wrapping any compliant array."""

    __slots__ = ("__weakref__", "_backend", "_data", "_grad", "_grad_fn", "_meta", "_requires_grad")

    # numpy must not treat a Tensor as an array-like: ``ndarray + tensor`` defers to
    # Tensor.__radd__ and ufuncs refuse it, so a graph is never silently detached.
    __array_ufunc__ = None
    __array_function__ = None

    _data: Any
    _backend: Backend
    _requires_grad: bool
    _grad: Tensor | None
    _grad_fn: Any
    _meta: dict[str, Any] | None

    def __init__(self, data: Any, /, *, requires_grad: bool = False) -> None:
        # Tensor(x) is asarray(x) without a copy; creation functions are the usual way.
        from ._creation import asarray

        made = asarray(data, requires_grad=requires_grad)
        for slot in ("_data", "_backend", "_grad", "_grad_fn", "_meta", "_requires_grad"):
            setattr(self, slot, getattr(made, slot))

    # -- attributes of the standard -----------------------------------------------------
    @property
    def dtype(self) -> DType:
        """The data type (an arraygrad dtype, the same for every backend)."""
        return self._backend.dtype(self._data)

    @property
    def device(self) -> Device:
        """The device: a backend and its device, e.g. ``Device('cpu')``, ``Device('cuda:0')``."""
        return self._backend.device_of(self._data)

    @property
    def shape(self) -> tuple[int | None, ...]:
        """The shape, a tuple of ints (``None`` for unknown sizes of lazy backends)."""
        shape = self._data.shape
        return shape if type(shape) is tuple else tuple(shape)

    @property
    def ndim(self) -> int:
        """The number of axes."""
        return len(self._data.shape)

    @property
    def size(self) -> int | None:
        """The number of elements (``None`` if a lazy backend does not know it yet)."""
        n = 1
        for s in self.shape:
            if s is None:
                return None
            n *= s
        return n

    @property
    def T(self) -> Tensor:
        """The transpose of a 2-D tensor."""
        if self.ndim != 2:
            raise ValueError(
                f"T: the tensor has {self.ndim} dimensions; T is defined for 2-D tensors "
                "(use mT or permute_dims for others)"
            )
        from ._linear_algebra import matrix_transpose

        return matrix_transpose(self)

    @property
    def mT(self) -> Tensor:
        """The transpose of the last two axes."""
        from ._linear_algebra import matrix_transpose

        return matrix_transpose(self)

    # -- the backend underneath ---------------------------------------------------------
    @property
    def backend(self) -> Backend:
        """The backend object (the library that holds the data)."""
        return self._backend

    @property
    def raw(self) -> Any:
        """The wrapped array of the backend library, without a copy."""
        return self._data

    def __array_namespace__(self, /, *, api_version: str | None = None) -> ModuleType:
        """Return the arraygrad namespace."""
        if api_version is not None and api_version not in _SUPPORTED_VERSIONS:
            raise ValueError(
                f"__array_namespace__: api_version {api_version!r} is not supported; "
                f"arraygrad implements {', '.join(_SUPPORTED_VERSIONS)}"
            )
        import arraygrad

        return arraygrad

    # -- conversion to Python and other libraries ---------------------------------------
    def _scalar(self, kind: type, name: str) -> Any:
        if self.size != 1:
            raise TypeError(
                f"{name}: only a tensor with one element converts to a Python scalar; "
                f"this one has shape {self.shape}"
            )
        from ._dtypes import BOOLEAN, COMPLEX_FLOATING, FLOATING, INTEGER

        dt = self.dtype
        if kind is int and dt in FLOATING | BOOLEAN and name == "__index__":
            raise TypeError(f"__index__: only integer tensors can be used as an index, not {dt.name}")
        if kind in (int, float) and dt in COMPLEX_FLOATING:
            raise TypeError(f"{name}: cannot convert a {dt.name} tensor to {kind.__name__}")
        if kind is bool and dt not in FLOATING | INTEGER | BOOLEAN:
            raise TypeError(f"{name}: cannot convert a {dt.name} tensor to bool")
        raw = self._data
        if raw.ndim:
            raw = self._backend.ns.reshape(raw, ())
        return kind(raw)

    def __bool__(self) -> bool:
        return self._scalar(bool, "__bool__")

    def __int__(self) -> int:
        return self._scalar(int, "__int__")

    def __float__(self) -> float:
        return self._scalar(float, "__float__")

    def __complex__(self) -> complex:
        return self._scalar(complex, "__complex__")

    def __index__(self) -> int:
        return self._scalar(int, "__index__")

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> Any:
        """Return a NumPy array of a CPU tensor (what ``numpy.asarray(t)`` calls)."""
        import numpy as np

        from ._creation import to_numpy

        arr = to_numpy(self, op="__array__", copy=copy)
        if dtype is not None and arr.dtype != np.dtype(dtype):
            if copy is False:
                raise ValueError("__array__: a dtype change needs a copy, but copy=False")
            arr = arr.astype(dtype)
        return arr

    def __dlpack__(
        self,
        /,
        *,
        stream: Any = None,
        max_version: tuple[int, int] | None = None,
        dl_device: tuple[enum.IntEnum, int] | None = None,
        copy: bool | None = None,
    ) -> Any:
        """Export the data through DLPack (the backend's own ``__dlpack__``)."""
        kwargs: dict[str, Any] = {}
        for key, value in (("max_version", max_version), ("dl_device", dl_device), ("copy", copy)):
            if value is not None:
                kwargs[key] = value
        if stream is not None:
            kwargs["stream"] = stream
        try:
            return self._data.__dlpack__(**kwargs)
        except TypeError:
            if not kwargs.keys() - {"stream"}:
                raise
            # Older producers take no max_version/dl_device/copy: ask without them.
            if copy or dl_device not in (None, self.__dlpack_device__()):
                raise BufferError(
                    f"__dlpack__: the {self._backend.name} array cannot export with "
                    f"copy={copy!r}, dl_device={dl_device!r}"
                ) from None
            return self._data.__dlpack__(**({"stream": stream} if stream is not None else {}))

    def __dlpack_device__(self) -> tuple[enum.IntEnum, int]:
        """Return the DLPack device type and id of the data."""
        return self._data.__dlpack_device__()

    def to_device(self, device: Any, /, *, stream: Any = None) -> Tensor:
        """Return the tensor on ``device``, possibly another backend (differentiable)."""
        from ._creation import _to_device

        return _to_device(self, as_device(device), stream=stream)

    # -- Python protocols -------------------------------------------------------------
    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return int(self._data.shape[0])

    def __iter__(self) -> Iterator[Tensor]:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        for i in range(len(self)):
            yield self[i]

    def __repr__(self) -> str:
        from ._creation import format_values

        parts = [format_values(self, prefix="Tensor("), f"dtype={self.dtype.name}"]
        dev = self.device
        if dev != Device("numpy", "cpu"):
            parts.append(f"device='{dev}'")
        if self._grad_fn is not None:
            parts.append(f"grad_fn=<{type(self._grad_fn).__name__}>")
        elif self._requires_grad:
            parts.append("requires_grad=True")
        return f"Tensor({', '.join(parts)})"

    def __str__(self) -> str:
        from ._creation import format_values

        return format_values(self)

    def __hash__(self) -> int:
        return id(self)

    def __reduce__(self) -> tuple[Any, ...]:
        from ._creation import _restore, to_numpy

        return (_restore, (to_numpy(self, op="pickle", copy=True), str(self.device)))


_SUPPORTED_VERSIONS = ("2021.12", "2022.12", "2023.12", "2024.12", "2025.12")


def wrap(raw: Any, backend: Backend) -> Tensor:
    """Return a new Tensor around a backend array (no copy, no checks: the hot path)."""
    t = _new(Tensor)
    t._data = raw
    t._backend = backend
    t._requires_grad = False
    t._grad = None
    t._grad_fn = None
    t._meta = None
    return t


# Dunder -> namespace function. Reflected operators swap their operands; in-place ones
# write into the tensor's own buffer (see _dispatch.inplace).
OPERATORS: dict[str, str] = {
    "__abs__": "abs",
    "__neg__": "negative",
    "__pos__": "positive",
    "__invert__": "bitwise_invert",
    "__add__": "add",
    "__sub__": "subtract",
    "__mul__": "multiply",
    "__truediv__": "divide",
    "__floordiv__": "floor_divide",
    "__mod__": "remainder",
    "__pow__": "pow",
    "__matmul__": "matmul",
    "__and__": "bitwise_and",
    "__or__": "bitwise_or",
    "__xor__": "bitwise_xor",
    "__lshift__": "bitwise_left_shift",
    "__rshift__": "bitwise_right_shift",
    "__lt__": "less",
    "__le__": "less_equal",
    "__gt__": "greater",
    "__ge__": "greater_equal",
    "__eq__": "equal",
    "__ne__": "not_equal",
}
UNARY_OPERATORS = frozenset({"__abs__", "__neg__", "__pos__", "__invert__"})
COMPARISONS = frozenset({"__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__"})


_OPERANDS = (Tensor, int, float, complex)


def _operand(self: Tensor, other: object) -> Any:
    """Return the operand to use with ``self``, or None where the operator does not apply.

    A raw array of the tensor's own backend (``ndarray + tensor``) is wrapped; arrays of other
    libraries and other objects leave the operator to Python (NotImplemented).
    """
    if isinstance(other, (Tensor, int, float, complex)):
        return other
    from ._backend import backend_of
    from ._dispatch import _wrap

    if backend_of(other) is self._backend:
        return _wrap(other, self._backend)
    return None


def install_operators(namespace: Any) -> None:
    """Bind every dunder of ``OPERATORS`` to the namespace function it names."""
    from ._dispatch import inplace_binary

    for dunder, fname in OPERATORS.items():
        fn = getattr(namespace, fname)
        if dunder in UNARY_OPERATORS:
            setattr(Tensor, dunder, _unary_operator(fn, dunder))
            continue
        setattr(Tensor, dunder, _operator(fn, dunder, reflected=False))
        if dunder in COMPARISONS:
            continue
        setattr(Tensor, "__r" + dunder[2:], _operator(fn, "__r" + dunder[2:], reflected=True))
        setattr(Tensor, "__i" + dunder[2:], _inplace_operator(fn, fname, inplace_binary))


def _unary_operator(fn: Any, dunder: str) -> Any:
    def op(self: Tensor, /) -> Tensor:
        return fn(self)

    op.__name__ = dunder
    return op


def _operator(fn: Any, dunder: str, *, reflected: bool) -> Any:
    if reflected:

        def op(self: Tensor, other: Any, /) -> Any:
            if not isinstance(other, _OPERANDS):
                other = _operand(self, other)
                if other is None:
                    return NotImplemented
            return fn(other, self)

    else:

        def op(self: Tensor, other: Any, /) -> Any:
            if not isinstance(other, _OPERANDS):
                other = _operand(self, other)
                if other is None:
                    return NotImplemented
            return fn(self, other)

    op.__name__ = dunder
    return op


def _inplace_operator(fn: Any, fname: str, inplace_binary: Any) -> Any:
    def op(self: Tensor, other: Any, /) -> Any:
        other = _operand(self, other)
        if other is None:
            return NotImplemented
        inplace_binary(fname, fn, self, other)
        return self

    op.__name__ = f"__i{fname}__"
    return op


# -- autograd's face on the Tensor (the machinery lives in arraygrad.autograd) ----------------
def _autograd_api() -> Any:
    from .autograd import _api

    return _api


def _requires_grad_get(self: Tensor) -> bool:
    """Whether gradients are computed for this tensor."""
    return self._requires_grad


def _requires_grad_set(self: Tensor, value: bool) -> None:
    _autograd_api().set_requires_grad(self, value)


def _grad_get(self: Tensor) -> Tensor | None:
    """The gradient accumulated by backward() (None until then); settable."""
    return self._grad


def _grad_set(self: Tensor, value: Tensor | None) -> None:
    _autograd_api().set_grad(self, value)


def _grad_fn_get(self: Tensor) -> Any:
    """The node that computed this tensor (None for leaves)."""
    return self._grad_fn


def _is_leaf_get(self: Tensor) -> bool:
    """Whether the tensor is a leaf: made by the user, or not requiring grad."""
    return self._grad_fn is None


def _data_get(self: Tensor) -> Tensor:
    """A tensor sharing this one's buffer, detached from the graph (changes are not tracked)."""
    t = wrap(self._data, self._backend)
    return t


def _data_set(self: Tensor, value: Tensor) -> None:
    _autograd_api().set_data(self, value)


Tensor.requires_grad = property(_requires_grad_get, _requires_grad_set)  # type: ignore[attr-defined]
Tensor.grad = property(_grad_get, _grad_set)  # type: ignore[attr-defined]
Tensor.grad_fn = property(_grad_fn_get)  # type: ignore[attr-defined]
Tensor.is_leaf = property(_is_leaf_get)  # type: ignore[attr-defined]
Tensor.data = property(_data_get, _data_set)  # type: ignore[attr-defined]

