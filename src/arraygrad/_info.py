"""``__array_namespace_info__``: what arraygrad and the backends on this machine support."""

from __future__ import annotations

from typing import Any

from . import _dtypes
from ._backend import KNOWN_BACKENDS, backend_named
from ._devices import Device, as_device, get_default_device
from ._dtypes import DType

__all__ = ["__array_namespace_info__"]

_KINDS = {
    "bool": _dtypes.BOOLEAN,
    "signed integer": _dtypes.SIGNED,
    "unsigned integer": _dtypes.UNSIGNED,
    "integral": _dtypes.INTEGER,
    "real floating": _dtypes.REAL_FLOATING,
    "complex floating": _dtypes.COMPLEX_FLOATING,
    "numeric": _dtypes.NUMERIC,
}


class Info:
    """The inspection object returned by ``__array_namespace_info__()``."""

    __module__ = "arraygrad"

    def capabilities(self) -> dict[str, Any]:
        """Return the optional features arraygrad supports (on every backend)."""
        return {
            "boolean indexing": True,
            "data-dependent shapes": True,
            "max dimensions": None,
        }

    def default_device(self) -> Device:
        """Return the device creation functions use when given none."""
        return get_default_device()

    def default_dtypes(self, *, device: Device | str | None = None) -> dict[str, DType]:
        """Return the default dtypes: float64, complex128, int64 wherever the device has them."""
        dev = get_default_device() if device is None else as_device(device)
        backend = dev.backend
        return {
            "real floating": backend.default_dtype(dev, "f"),
            "complex floating": backend.default_dtype(dev, "c"),
            "integral": backend.default_dtype(dev, "i"),
            "indexing": backend.default_dtype(dev, "indexing"),
        }

    def dtypes(
        self, *, device: Device | str | None = None, kind: str | tuple[str, ...] | None = None
    ) -> dict[str, DType]:
        """Return the dtypes a device supports, optionally of the given kind(s), by name."""
        dev = get_default_device() if device is None else as_device(device)
        available = dev.backend.dtypes_on(dev)
        if kind is None:
            wanted = _dtypes.ALL_DTYPES
        else:
            kinds = kind if isinstance(kind, tuple) else (kind,)
            wanted = frozenset()
            for k in kinds:
                if k not in _KINDS:
                    raise ValueError(
                        f"dtypes: unknown kind {k!r}; expected one of {', '.join(map(repr, _KINDS))}"
                    )
                wanted = wanted | _KINDS[k]
        return {d.name: d for d in available if d in wanted}

    def devices(self) -> tuple[Device, ...]:
        """Return every device of every backend installed and usable on this machine."""
        found: list[Device] = []
        for name in KNOWN_BACKENDS:
            try:
                backend = backend_named(name)
            except Exception:
                continue
            found.extend(backend.devices())
        return tuple(found)


def __array_namespace_info__() -> Info:
    """Return the namespace's inspection object."""
    return Info()
