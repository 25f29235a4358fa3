"""Layers and activations: ``Linear``, ``ReLU``, ``Tanh``, ``Sigmoid``, ``Softmax``, ``LogSoftmax``."""

from __future__ import annotations

import math
from typing import Any

import arraygrad as ag
import arraygrad.random as agrandom
from arraygrad._tensor import Tensor

from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["Identity", "Linear", "LogSoftmax", "ReLU", "Sigmoid", "Softmax", "Tanh"]


def _float_dtype(dtype: Any, device: Any) -> ag.DType:
    if dtype is None:
        dtype = ag.__array_namespace_info__().default_dtypes(device=device)["real floating"]
    if dtype not in (ag.float32, ag.float64):
        raise TypeError(f"Linear: dtype must be float32 or float64, got {dtype}")
    return dtype


class Linear(Module):
    """``y = x @ weight.T + bias``, with weight (out_features, in_features) and bias (out_features,).

    Initialised as PyTorch does: weight and bias from U(-1/sqrt(in_features),
    1/sqrt(in_features)), drawn (weight first) from ``generator`` (an
    :class:`arraygrad.random.Generator`; default: the default generator). ``device`` and
    ``dtype`` default to the default device and its default floating dtype.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
        *,
        generator: agrandom.Generator | None = None,
    ) -> None:
        super().__init__()
        for name, value in (("in_features", in_features), ("out_features", out_features)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"Linear: {name} must be a non-negative int, got {value!r}")
        if device is None:
            device = ag.get_default_device()
        dt = _float_dtype(dtype, device)
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(ag.empty((out_features, in_features), dtype=dt, device=device))
        if bias:
            self.bias = Parameter(ag.empty((out_features,), dtype=dt, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(generator=generator)

    def reset_parameters(self, *, generator: agrandom.Generator | None = None) -> None:
        """Draw new weights (and bias) with PyTorch's initialisation."""
        # Note: kaiming_uniform_ with a = sqrt(5) gives bound 1/sqrt(fan_in), PyTorch's choice.
        init.kaiming_uniform_(self.weight, a=math.sqrt(5), generator=generator)
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0.0
            init.uniform_(self.bias, -bound, bound, generator=generator)

    def forward(self, input: Tensor) -> Tensor:
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self._parameters.get('bias') is not None}"
        )


class Identity(Module):
    """Return the input unchanged."""

    def forward(self, input: Any) -> Any:
        return input


class ReLU(Module):
    """``max(x, 0)`` elementwise (see :func:`arraygrad.nn.functional.relu`)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.relu(input)


class Tanh(Module):
    """The hyperbolic tangent, elementwise."""

    def forward(self, input: Tensor) -> Tensor:
        return F.tanh(input)


class Sigmoid(Module):
    """``1 / (1 + exp(-x))`` elementwise, computed without overflow."""

    def forward(self, input: Tensor) -> Tensor:
        return F.sigmoid(input)


class Softmax(Module):
    """Softmax along ``axis`` (default: the last)."""

    def __init__(self, axis: int = -1) -> None:
        super().__init__()
        self.axis = axis

    def forward(self, input: Tensor) -> Tensor:
        return F.softmax(input, axis=self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"


class LogSoftmax(Module):
    """Log-softmax along ``axis`` (default: the last), computed stably."""

    def __init__(self, axis: int = -1) -> None:
        super().__init__()
        self.axis = axis

    def forward(self, input: Tensor) -> Tensor:
        return F.log_softmax(input, axis=self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"
