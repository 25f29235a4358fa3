"""Initialisers that fill a parameter in place from a seedable generator (PyTorch's names).

Each takes ``generator=`` (an :class:`arraygrad.random.Generator`; default: the default
generator, reseeded by :func:`arraygrad.random.seed`), writes under ``no_grad`` and returns
the tensor. Values are drawn on the host and moved to the tensor's device, so a seed gives
the same weights on every backend.
"""

from __future__ import annotations

import math

import arraygrad as ag
import arraygrad.random as agrandom
from arraygrad._tensor import Tensor
from arraygrad.autograd import no_grad

__all__ = [
    "calculate_gain",
    "constant_",
    "kaiming_uniform_",
    "normal_",
    "ones_",
    "uniform_",
    "xavier_uniform_",
    "zeros_",
]


def _generator(generator: agrandom.Generator | None) -> agrandom.Generator:
    return agrandom.default_generator() if generator is None else generator


def _write(tensor: Tensor, values: Tensor) -> Tensor:
    with no_grad():
        tensor.copy_(values)
    return tensor


def _float_dtype(tensor: Tensor, op: str) -> ag.DType:
    if tensor.dtype not in (ag.float32, ag.float64):
        raise TypeError(f"{op}: expected a float32 or float64 tensor, got {tensor.dtype}")
    return tensor.dtype


def uniform_(
    tensor: Tensor, a: float = 0.0, b: float = 1.0, *, generator: agrandom.Generator | None = None
) -> Tensor:
    """Fill ``tensor`` with draws from the uniform distribution on [a, b); return it."""
    dt = _float_dtype(tensor, "uniform_")
    if a == b:
        return constant_(tensor, a)
    values = _generator(generator).uniform(a, b, tensor.shape, dtype=dt, device=tensor.device)
    return _write(tensor, values)


def normal_(
    tensor: Tensor, mean: float = 0.0, std: float = 1.0, *, generator: agrandom.Generator | None = None
) -> Tensor:
    """Fill ``tensor`` with draws from the normal distribution N(mean, std**2); return it."""
    dt = _float_dtype(tensor, "normal_")
    values = _generator(generator).normal(mean, std, tensor.shape, dtype=dt, device=tensor.device)
    return _write(tensor, values)


def constant_(tensor: Tensor, value: float) -> Tensor:
    """Fill ``tensor`` with ``value``; return it."""
    with no_grad():
        tensor.fill_(value)
    return tensor


def zeros_(tensor: Tensor) -> Tensor:
    """Fill ``tensor`` with zeros; return it."""
    return constant_(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    """Fill ``tensor`` with ones; return it."""
    return constant_(tensor, 1.0)


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """Return PyTorch's recommended gain for a nonlinearity ('relu', 'tanh', 'leaky_relu'...)."""
    if nonlinearity in ("linear", "identity", "sigmoid") or nonlinearity.startswith("conv"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def _fans(tensor: Tensor, op: str) -> tuple[int, int]:
    if tensor.ndim < 2:
        raise ValueError(f"{op}: fan in and fan out need a tensor of at least 2 dimensions")
    receptive = 1
    for s in tensor.shape[2:]:
        receptive *= s
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def kaiming_uniform_(
    tensor: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    *,
    generator: agrandom.Generator | None = None,
) -> Tensor:
    """Fill ``tensor`` from U(-bound, bound), bound = gain * sqrt(3 / fan) (He et al.); return it."""
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"kaiming_uniform_: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    if tensor.size == 0:
        return tensor
    fan_in, fan_out = _fans(tensor, "kaiming_uniform_")
    fan = fan_in if mode == "fan_in" else fan_out
    bound = math.sqrt(3.0) * calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return uniform_(tensor, -bound, bound, generator=generator)


def xavier_uniform_(
    tensor: Tensor, gain: float = 1.0, *, generator: agrandom.Generator | None = None
) -> Tensor:
    """Fill ``tensor`` from U(-b, b), b = gain * sqrt(6 / (fan_in + fan_out)); return it."""
    if tensor.size == 0:
        return tensor
    fan_in, fan_out = _fans(tensor, "xavier_uniform_")
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator=generator)
