"""Grad mode: whether operations are recorded. Per thread, as in PyTorch."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["enable_grad", "is_grad_enabled", "no_grad", "set_grad_enabled"]

F = TypeVar("F", bound=Callable[..., Any])


class _Local(threading.local):
    enabled = True


_local = _Local()


def is_grad_enabled() -> bool:
    """Return whether operations in this thread are recorded for autograd."""
    return _local.enabled


class _Mode:
    """A context manager and decorator that sets grad mode, restoring it on exit."""

    _value: bool

    def __enter__(self) -> None:
        self._prev = _local.enabled
        _local.enabled = self._value

    def __exit__(self, *exc: object) -> None:
        _local.enabled = self._prev

    def __call__(self, fn: F) -> F:
        value = self._value

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            prev = _local.enabled
            _local.enabled = value
            try:
                return fn(*args, **kwargs)
            finally:
                _local.enabled = prev

        return wrapper  # type: ignore[return-value]


class no_grad(_Mode):
    """Disable recording: ``with no_grad():`` or ``@no_grad()``."""

    _value = False


class enable_grad(_Mode):
    """Enable recording inside a ``no_grad`` region."""

    _value = True


class set_grad_enabled(_Mode):
    """Set grad mode to ``mode``: at once when called, and as a context manager/decorator."""

    def __init__(self, mode: bool) -> None:
        self._value = bool(mode)
        self._prev = _local.enabled
        _local.enabled = self._value

    def __enter__(self) -> None:
        pass
