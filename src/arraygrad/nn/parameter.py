"""``Parameter``: a leaf Tensor that a :class:`~arraygrad.nn.Module` registers as trainable."""

from __future__ import annotations

from typing import Any

import arraygrad as ag
from arraygrad._tensor import Tensor

__all__ = ["Parameter"]


class Parameter(Tensor):
    """A Tensor that is a module's trainable weight: a leaf that requires grad by default.

    ``Parameter(t)`` shares ``t``'s buffer (and its version counter) without its history, as
    in PyTorch; anything else is converted with :func:`arraygrad.asarray`. Assigning a
    Parameter to an attribute of a :class:`~arraygrad.nn.Module` registers it. Operations on
    a Parameter return plain Tensors.
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            data = ag.empty((0,))
        elif not isinstance(data, Tensor):
            data = ag.asarray(data)
        # Note: detach() shares the buffer and the version counter and drops the history.
        source = data.detach()
        self._data = source._data
        self._backend = source._backend
        self._meta = source._meta
        self._grad = None
        self._grad_fn = None
        self._requires_grad = False
        self.requires_grad = requires_grad

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickling and deepcopy keep the class and requires_grad; the values go through
        # Tensor's own pickling.
        return (Parameter, (self.detach(), self.requires_grad))
