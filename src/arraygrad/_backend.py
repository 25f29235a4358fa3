"""Backends: the array libraries a Tensor can wrap, found and cached through array_api_compat.

One :class:`Backend` exists per namespace. It maps arraygrad's dtypes and devices to the
library's own and back. Backends are found from an array with
``array_api_compat.array_namespace`` (never by ``isinstance`` chains) and cached by the
array's type, so the lookup costs one dict access after the first time.
"""

from __future__ import annotations

import contextlib
import importlib
import warnings
from types import ModuleType
from typing import Any

import array_api_compat

from . import _dtypes
from ._devices import Device
from ._dtypes import DType

__all__ = ["Backend", "backend_named", "backend_of", "device_from_native"]

# name -> module path of its array API namespace (NumPy and friends through array_api_compat,
# so their deviations from the standard are already patched).
KNOWN_BACKENDS = {
    "numpy": "array_api_compat.numpy",
    "cupy": "array_api_compat.cupy",
    "torch": "array_api_compat.torch",
    "dask": "array_api_compat.dask.array",
    "array_api_strict": "array_api_strict",
    "jax": "jax.numpy",
}

_NAME_TESTS = (
    ("numpy", array_api_compat.is_numpy_namespace),
    ("cupy", array_api_compat.is_cupy_namespace),
    ("torch", array_api_compat.is_torch_namespace),
    ("dask", array_api_compat.is_dask_namespace),
    ("jax", array_api_compat.is_jax_namespace),
    ("array_api_strict", array_api_compat.is_array_api_strict_namespace),
)


def _device_name(backend_name: str, native: Any) -> str:
    """Return the string arraygrad uses for one of a backend's devices."""
    if backend_name == "cupy":
        return f"cuda:{getattr(native, 'id', native)}"
    if backend_name == "jax":
        return f"{native.platform}:{native.id}"
    if backend_name == "array_api_strict":
        return str(getattr(native, "_device", native))
    return str(native)


class Backend:
    """An array library behind arraygrad tensors: its namespace, dtypes and devices."""

    def __init__(self, name: str, ns: ModuleType) -> None:
        self.name = name
        self.ns = ns
        self.info = ns.__array_namespace_info__()
        self.mutable = name != "jax"
        self._native_dtype: dict[DType, Any] = {}
        self._dtype_from: dict[Any, DType] = {}
        try:
            # What the library says it supports: torch makes uint16/32/64 arrays but can
            # compute almost nothing with them, and array_api_compat leaves them out.
            listed = set(self.info.dtypes())
        except Exception:
            listed = {d.name for d in _dtypes.ALL}
        for dt in _dtypes.ALL:
            native = getattr(ns, dt.name, None)
            if native is None or dt.name not in listed:
                continue
            try:
                key = ns.empty((0,), dtype=native).dtype
            except Exception:  # the library names the dtype but cannot make arrays of it
                continue
            self._native_dtype[dt] = key
            self._dtype_from[key] = dt
            self._dtype_from.setdefault(native, dt)
        self._devices: dict[str, Any] | None = None
        self._device_dtypes: dict[str, tuple[DType, ...]] = {}
        self._device_of_native: dict[Any, Device] = {}
        self.default_device = self._from_native(self._default_native())
        self.single_device = name == "numpy"
        self._numpy_like = name == "numpy"
        self.lazy = name == "dask"
        # Whether the library's functions take Python scalars next to arrays (the standard
        # has required it since 2024.12); where not, scalars become 0-d arrays first.
        self.native_scalars = name in ("numpy", "cupy", "torch", "jax", "dask", "array_api_strict")

    # -- dtypes -------------------------------------------------------------------------
    def dtype(self, raw: Any) -> DType:
        """Return arraygrad's dtype of one of this backend's arrays."""
        try:
            return self._dtype_from[raw.dtype]
        except KeyError:
            name = str(raw.dtype).rpartition(".")[2]
            if name in _dtypes.BY_NAME:
                raise TypeError(
                    f"arraygrad: the {self.name} backend does not support {name} (its array "
                    "API inspection does not list it); cast to a supported dtype first"
                ) from None
            raise TypeError(
                f"arraygrad: the {self.name} array has dtype {raw.dtype}, which is not a "
                "data type of the array API standard"
            ) from None

    def native_dtype(self, dtype: DType, op: str = "dtype") -> Any:
        """Return this backend's dtype for ``dtype``; TypeError if the library lacks it."""
        try:
            return self._native_dtype[dtype]
        except KeyError:
            raise TypeError(f"{op}: the {self.name} backend has no {dtype.name} dtype") from None

    @property
    def dtypes(self) -> tuple[DType, ...]:
        """The standard dtypes this backend can hold, in the standard's order."""
        return tuple(d for d in _dtypes.ALL if d in self._native_dtype)

    def dtypes_on(self, device: Device) -> tuple[DType, ...]:
        """Return the standard dtypes that ``device`` supports (some devices lack float64)."""
        found = self._device_dtypes.get(device.name)
        if found is None:
            try:
                names = set(self.info.dtypes(device=self.native_device(device)))
            except Exception:
                names = {d.name for d in self.dtypes}
            found = tuple(d for d in self.dtypes if d.name in names)
            self._device_dtypes[device.name] = found
        return found

    def default_dtype(self, device: Device, kind: str) -> DType:
        """Return the default dtype of ``kind`` ("f", "c", "i", "b", "indexing") on ``device``.

        arraygrad's defaults (float64, complex128, int64) wherever the device has them, so
        every backend makes the same dtypes; the backend's own default otherwise.
        """
        from ._dispatch import DEFAULT_DTYPES

        wanted = DEFAULT_DTYPES[kind]
        if wanted in self.dtypes_on(device):
            return wanted
        key = {"f": "real floating", "c": "complex floating", "i": "integral", "indexing": "indexing"}[kind]
        native = self.info.default_dtypes(device=self.native_device(device))[key]
        return self._dtype_from[native] if native in self._dtype_from else _dtypes.as_dtype(native)

    # -- devices ------------------------------------------------------------------------
    def _default_native(self) -> Any:
        # Note: JAX's inspection answers None for its default device ("whatever JAX places
        # arrays on") and lists None among its devices; arraygrad names the real one, the
        # device a new array lands on.
        native = self.info.default_device()
        if native is None:
            native = array_api_compat.device(self.ns.empty((0,)))
        return native

    def _device_table(self) -> dict[str, Any]:
        if self._devices is None:
            try:
                with warnings.catch_warnings():
                    # torch warns while probing device types it has deprecated (mkldnn).
                    warnings.simplefilter("ignore")
                    natives = list(self.info.devices())
            except Exception:  # e.g. CuPy with no GPU present
                natives = []
            table: dict[str, Any] = {}
            for d in natives:
                if d is None:
                    continue
                name = _device_name(self.name, d)
                if name not in table and self._usable(d, name):
                    table[name] = d
            self._devices = table
        return self._devices

    def _usable(self, native: Any, name: str) -> bool:
        """Whether arrays made on ``native`` live there and hold memory.

        Note: Dask lists a second name (DASK_DEVICE) for the CPU, whose arrays report "cpu";
        torch lists "meta", whose arrays hold no data. Neither is offered as a device.
        """
        if self._numpy_like:
            return True
        try:
            made = self.ns.empty((1,), device=native)
            if _device_name(self.name, array_api_compat.device(made)) != name:
                return False
            if hasattr(made, "__dlpack_device__"):
                made.__dlpack_device__()
        except Exception:
            return False
        return True

    def devices(self) -> tuple[Device, ...]:
        """Return every device this backend can use on this machine."""
        return tuple(Device(self.name, n) for n in self._device_table())

    def _from_native(self, native: Any) -> Device:
        try:
            return self._device_of_native[native]
        except (KeyError, TypeError):
            dev = Device(self.name, _device_name(self.name, native))
            try:
                self._device_of_native[native] = dev
            except TypeError:  # unhashable device objects are just not cached
                pass
            return dev

    def device_of(self, raw: Any) -> Device:
        """Return the Device of one of this backend's arrays."""
        if self.single_device:
            return self.default_device
        return self._from_native(array_api_compat.device(raw))

    def device_named(self, name: str, spec: str | None = None) -> Device:
        """Return this backend's device called ``name``; ValueError if there is none."""
        table = self._device_table()
        if name not in table:
            known = ", ".join(repr(str(Device(self.name, n))) for n in table) or "none"
            raise ValueError(
                f"device: {spec or name!r} is not available: the {self.name} backend has "
                f"devices {known} on this machine"
            )
        return Device(self.name, name)

    def native_device(self, device: Device) -> Any:
        """Return the backend's own device object for ``device``."""
        try:
            return self._device_table()[device.name]
        except KeyError:
            raise ValueError(f"device: {device} is not available on this machine") from None

    def __repr__(self) -> str:
        return f"<arraygrad backend {self.name!r}>"


def quiet(backend: Backend) -> Any:
    """Return a context that silences NumPy's floating-point warnings (a no-op elsewhere).

    Used where arraygrad computes special values on purpose (its fixes of backend results).
    """
    if backend._numpy_like:
        import numpy as np

        return np.errstate(all="ignore")
    return contextlib.nullcontext()


_BY_NAME: dict[str, Backend] = {}
_BY_NAMESPACE: dict[int, Backend] = {}
_BY_TYPE: dict[type, Backend] = {}


def _name_of_namespace(ns: ModuleType) -> str:
    for name, test in _NAME_TESTS:
        if test(ns):
            return name
    return ns.__name__.replace(".", "_")


def backend_for_namespace(ns: ModuleType) -> Backend:
    """Return the (cached) Backend of an array API namespace."""
    found = _BY_NAMESPACE.get(id(ns))
    if found is None:
        name = _name_of_namespace(ns)
        found = _BY_NAME.get(name)
        if found is None:
            found = Backend(name, ns)
            _BY_NAME[name] = found
        _BY_NAMESPACE[id(ns)] = found
    return found


def backend_named(name: str) -> Backend:
    """Return the Backend called ``name`` ("numpy", "cupy", "torch" ...), importing it."""
    found = _BY_NAME.get(name)
    if found is not None:
        return found
    path = KNOWN_BACKENDS.get(name)
    if path is None:
        raise ValueError(
            f"arraygrad: unknown backend {name!r}; known: {', '.join(sorted(KNOWN_BACKENDS))}"
        )
    try:
        ns = importlib.import_module(path)
    except ImportError as e:
        raise ImportError(f"arraygrad: the {name} backend is not installed ({e})") from e
    if name == "array_api_strict":
        _strict_at_our_version(ns)
    return backend_for_namespace(ns)


def _strict_at_our_version(ns: ModuleType) -> None:
    from ._constants import __array_api_version__

    flags = ns.get_array_api_strict_flags()
    if flags.get("api_version") != __array_api_version__:
        ns.set_array_api_strict_flags(api_version=__array_api_version__)


def backend_of(raw: Any) -> Backend | None:
    """Return the Backend of an array of any compliant library, or None if it is none."""
    found = _BY_TYPE.get(type(raw))
    if found is not None:
        return found
    if not hasattr(raw, "shape") or not hasattr(raw, "dtype"):
        return None
    try:
        ns = array_api_compat.array_namespace(raw)
    except TypeError:
        return None
    if array_api_compat.is_array_api_strict_namespace(ns):
        _strict_at_our_version(ns)
    found = backend_for_namespace(ns)
    _BY_TYPE[type(raw)] = found
    return found


def device_from_native(native: Any) -> Device | None:
    """Return the Device of a backend's own device object, or None if no backend owns it."""
    for backend in list(_BY_NAME.values()):
        for name, dev in backend._device_table().items():
            try:
                if dev == native:
                    return Device(backend.name, name)
            except Exception:
                continue
    return None
