"""Device objects: a backend plus that backend's own device (``"cpu"``, ``"cuda:0"``).

A device chooses the backend: ``device="cpu"`` is NumPy, ``device="cuda:0"`` is CuPy, and
``"<backend>:<device>"`` names any other (``"torch:cpu"``, ``"array_api_strict:CPU_DEVICE"``,
``"jax:cpu:0"``, ``"dask:cpu"``). A bare backend name means that backend's default device.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:
    from ._backend import Backend

__all__ = ["Device", "as_device", "get_default_device", "set_default_device"]

# Short names users type for the two backends the library is built around.
_ALIASES = {"cpu": ("numpy", "cpu"), "cuda": ("cupy", "cuda:0"), "gpu": ("cupy", "cuda:0")}


class Device:
    """A place where a tensor lives: a backend and one of its devices."""

    __slots__ = ("_backend_name", "_hash", "_name")

    def __init__(self, backend: str, name: str) -> None:
        self._backend_name = backend
        self._name = name
        self._hash = hash((backend, name))

    @property
    def backend_name(self) -> str:
        """The backend's name: ``"numpy"``, ``"cupy"``, ``"torch"``, ``"array_api_strict"`` ..."""
        return self._backend_name

    @property
    def name(self) -> str:
        """The backend's own name for the device: ``"cpu"``, ``"cuda:0"`` ..."""
        return self._name

    @property
    def backend(self) -> Backend:
        """The :class:`~arraygrad._backend.Backend` that owns the device."""
        from ._backend import backend_named

        return backend_named(self._backend_name)

    @property
    def native(self) -> Any:
        """The backend's own device object, as its functions' ``device=`` takes it."""
        return self.backend.native_device(self)

    def __str__(self) -> str:
        if self._backend_name == "numpy" and self._name == "cpu":
            return "cpu"
        if self._backend_name == "cupy":
            return self._name
        return f"{self._backend_name}:{self._name}"

    def __repr__(self) -> str:
        return f"Device('{self}')"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Device):
            return self._hash == other._hash and (
                self._backend_name == other._backend_name and self._name == other._name
            )
        if isinstance(other, str):
            try:
                return self == as_device(other)
            except (ValueError, ImportError):
                return False
        return NotImplemented

    def __hash__(self) -> int:
        return self._hash


DeviceLike = Union[Device, str]

_state = threading.local()
_global_default: Device | None = None


def get_default_device() -> Device:
    """Return the device that creation functions use when ``device=None``."""
    dev = getattr(_state, "default", None) or _global_default
    return dev if dev is not None else Device("numpy", "cpu")


def set_default_device(device: DeviceLike | None) -> None:
    """Set the device used when ``device=None`` (``None`` restores NumPy on the CPU)."""
    global _global_default
    _global_default = None if device is None else as_device(device)


def as_device(device: object) -> Device:
    """Return the Device that ``device`` names (a Device, a string or a backend's device)."""
    if isinstance(device, Device):
        return device
    if isinstance(device, str):
        return _parse(device)
    # A backend's own device object (torch.device, cupy.cuda.Device, array_api_strict.Device).
    from ._backend import device_from_native

    found = device_from_native(device)
    if found is None:
        raise ValueError(
            f"device: {device!r} is not a device; use an arraygrad Device or a string such as "
            "'cpu', 'cuda:0' or 'torch:cpu'"
        )
    return found


def _parse(spec: str) -> Device:
    from ._backend import KNOWN_BACKENDS, backend_named

    text = spec.strip()
    head, _, rest = text.partition(":")
    if head in _ALIASES:
        backend_name, default_name = _ALIASES[head]
        if head == "cpu" and rest:
            raise ValueError(f"device: {spec!r} is not a device; the CPU has no index")
        name = default_name if not rest else f"cuda:{rest}"
        return backend_named(backend_name).device_named(name, spec)
    if head in KNOWN_BACKENDS or head.replace(".", "_") in KNOWN_BACKENDS:
        backend = backend_named(head.replace(".", "_"))
        return backend.default_device if not rest else backend.device_named(rest, spec)
    raise ValueError(
        f"device: {spec!r} is not a device; expected 'cpu', 'cuda[:N]' or "
        f"'<backend>[:<device>]' with a backend among {', '.join(sorted(KNOWN_BACKENDS))}"
    )
