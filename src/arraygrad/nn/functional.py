"""Activations and losses as functions, written with the namespace's functions only.

Each is array-API code on arraygrad tensors, so it runs on any backend and device and is
differentiated by the rules of the functions it calls (no rule of its own). Axes are named
``axis``, as in the standard (PyTorch says ``dim``).
"""

from __future__ import annotations

import warnings
from typing import Any

import arraygrad as ag
from arraygrad._dispatch import call
from arraygrad._tensor import Tensor

__all__ = [
    "cross_entropy",
    "linear",
    "log_softmax",
    "mse_loss",
    "relu",
    "sigmoid",
    "softmax",
    "tanh",
]

_REDUCTIONS = ("mean", "sum", "none")


def _tensor(x: Any, name: str, op: str) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: {name} must be an arraygrad Tensor, got {type(x).__name__}")
    return x


def _check_reduction(reduction: str, op: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(
            f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}"
        )


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return ag.mean(loss)
    if reduction == "sum":
        return ag.sum(loss)
    return loss


# -- layers and activations ------------------------------------------------------------------
def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """Return ``input @ weight.T + bias``: weight has shape (out, in), bias (out,)."""
    _tensor(input, "input", "linear")
    _tensor(weight, "weight", "linear")
    if weight.ndim != 2:
        raise ValueError(f"linear: weight must be 2-D (out_features, in_features), got {weight.shape}")
    out = ag.matmul(input, ag.matrix_transpose(weight))
    if bias is not None:
        out = out + bias
    return out


def relu(input: Tensor) -> Tensor:
    """Return ``max(input, 0)`` elementwise; the gradient at 0 is 0 and NaN stays NaN, as in PyTorch."""
    _tensor(input, "input", "relu")
    # Note: where(x <= 0, 0, x), not maximum(x, 0): maximum splits the gradient at a tie. One
    # recorded operation whose rule saves the output (autograd/rules/nn.py): the next layer
    # keeps that array anyway, so relu adds no saved mask per layer.
    return call("relu", (input,), impl=_relu_impl)


def _relu_impl(backend: Any, raw: Any) -> Any:
    return backend.ns.where(raw <= 0, 0, raw)


def tanh(input: Tensor) -> Tensor:
    """Return the hyperbolic tangent, elementwise."""
    return ag.tanh(_tensor(input, "input", "tanh"))


def sigmoid(input: Tensor) -> Tensor:
    """Return ``1 / (1 + exp(-input))``, elementwise, without overflow for any input."""
    _tensor(input, "input", "sigmoid")
    positive = input >= 0
    # Note: exp of -|x| only (never overflows); written with where rather than abs so that
    # the gradient at 0 is sigmoid'(0) = 1/4 (abs has a zero derivative at 0).
    e = ag.exp(ag.where(positive, -input, input))
    return ag.where(positive, 1 / (1 + e), e / (1 + e))


def _shifted(input: Tensor, axis: int, op: str) -> Tensor:
    """Return ``input - max(input, axis)``: the largest value of each slice is 0."""
    _tensor(input, "input", op)
    if not ag.isdtype(input.dtype, "real floating"):
        raise TypeError(f"{op}: expected a real floating-point tensor, got {input.dtype}")
    if input.ndim == 0:
        raise ValueError(f"{op}: expected a tensor of at least 1 dimension, got a 0-d one")
    # Note: the max is detached: softmax does not change when a constant is subtracted, so
    # its exact gradient through the shift is zero (no need to differentiate max's ties).
    return input - ag.max(input.detach(), axis=axis, keepdims=True)


def softmax(input: Tensor, axis: int = -1) -> Tensor:
    """Return ``exp(input) / sum(exp(input), axis)``, computed stably (max subtracted first)."""
    e = ag.exp(_shifted(input, axis, "softmax"))
    return e / ag.sum(e, axis=axis, keepdims=True)


def log_softmax(input: Tensor, axis: int = -1) -> Tensor:
    """Return ``input - log(sum(exp(input), axis))``, computed stably (max subtracted first)."""
    s = _shifted(input, axis, "log_softmax")
    return s - ag.log(ag.sum(ag.exp(s), axis=axis, keepdims=True))


# -- losses -----------------------------------------------------------------------------------
def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """Return the squared error ``(input - target)**2``, averaged, summed or per element.

    Shapes that differ but broadcast give a UserWarning (usually a bug), as in PyTorch.
    """
    _tensor(input, "input", "mse_loss")
    _check_reduction(reduction, "mse_loss")
    if isinstance(target, Tensor) and target.shape != input.shape:
        warnings.warn(
            f"mse_loss: the target's shape {target.shape} differs from the input's shape "
            f"{input.shape}; they are broadcast, which is likely not what you want",
            UserWarning,
            stacklevel=2,
        )
    diff = input - target
    return _reduce(diff * diff, reduction)


def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Return the cross-entropy between the logits ``input`` and ``target``, as PyTorch does.

    ``input`` holds unnormalised scores of shape (C,), (N, C) or (N, C, d1, ...): the class
    axis is 1 (0 for unbatched input). ``target`` is either

    - class indices, an integer tensor of the input's shape without the class axis, each in
      [0, C) or equal to ``ignore_index`` (which then contributes nothing); or
    - class probabilities, a floating tensor of the input's shape.

    ``weight`` (shape (C,)) rescales each class. ``reduction='mean'`` divides by the total
    weight of the targets that count (class indices) or by the number of samples
    (probabilities). ``label_smoothing`` mixes the target with the uniform distribution.
    The log-softmax subtracts each slice's maximum, so large logits do not overflow.
    """
    op = "cross_entropy"
    _tensor(input, "input", op)
    _tensor(target, "target", op)
    _check_reduction(reduction, op)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{op}: label_smoothing must be in [0, 1], got {label_smoothing}")
    if input.ndim == 0:
        raise ValueError(f"{op}: input must have a class axis, got a 0-d tensor")
    axis = 1 if input.ndim >= 2 else 0
    n_classes = input.shape[axis]
    if weight is not None:
        _tensor(weight, "weight", op)
        if weight.shape != (n_classes,):
            raise ValueError(
                f"{op}: weight must have shape ({n_classes},) (one per class), got {weight.shape}"
            )
    logp = log_softmax(input, axis=axis)
    if ag.isdtype(target.dtype, "integral"):
        return _cross_entropy_indices(
            logp, target, weight, ignore_index, reduction, label_smoothing, axis, op
        )
    if ag.isdtype(target.dtype, "real floating"):
        return _cross_entropy_probabilities(logp, target, weight, reduction, label_smoothing, axis, op)
    raise TypeError(
        f"{op}: target must hold class indices (an integer tensor) or class probabilities "
        f"(a floating tensor), got {target.dtype}"
    )


def _class_shape(weight: Tensor, ndim: int, axis: int) -> Tensor:
    """Return ``weight`` (C,) reshaped to broadcast along the class axis of an ndim tensor."""
    shape = [1] * ndim
    shape[axis] = weight.shape[0]
    return ag.reshape(weight, tuple(shape))


def _cross_entropy_indices(
    logp: Tensor,
    target: Tensor,
    weight: Tensor | None,
    ignore_index: int,
    reduction: str,
    label_smoothing: float,
    axis: int,
    op: str,
) -> Tensor:
    expected = logp.shape[:axis] + logp.shape[axis + 1 :]
    if target.shape != expected:
        raise ValueError(
            f"{op}: class-index targets for an input of shape {logp.shape} must have shape "
            f"{expected}, got {target.shape}"
        )
    n_classes = logp.shape[axis]
    info = ag.iinfo(target.dtype)
    if info.min <= ignore_index <= info.max:
        counted = target != ignore_index
    else:  # no value of target's dtype equals it (e.g. -100 and uint8)
        counted = ag.ones_like(target, dtype=ag.bool)
    index = ag.where(counted, target, 0)
    out_of_range = counted & ((index < 0) | (index >= n_classes))
    if bool(ag.any(out_of_range)):
        bad = int(ag.max(ag.where(out_of_range, target, ag.min(target))))
        raise IndexError(f"{op}: target {bad} is out of bounds for {n_classes} classes")
    picked = ag.take_along_axis(logp, ag.expand_dims(index, axis=axis), axis=axis)
    picked = ag.squeeze(picked, axis=axis)
    if weight is None:
        sample_weight = ag.astype(counted, logp.dtype)
    else:
        flat = ag.take(weight, ag.reshape(index, (-1,)), axis=0)
        sample_weight = ag.where(counted, ag.reshape(flat, target.shape), 0)
    nll = -(picked * sample_weight)
    if reduction == "mean":
        total = ag.sum(sample_weight)
        loss = ag.sum(nll) / total
    else:
        loss = _reduce(nll, reduction)
    if label_smoothing == 0.0:
        return loss
    # As PyTorch: (1 - eps) * nll + eps / C * (the loss against the uniform distribution).
    if weight is None:
        smooth = -ag.sum(logp, axis=axis)
    else:
        smooth = -ag.sum(logp * _class_shape(weight, logp.ndim, axis), axis=axis)
    smooth = ag.where(counted, smooth, 0)
    if reduction == "mean":
        smooth = ag.sum(smooth) / total
    else:
        smooth = _reduce(smooth, reduction)
    return (1 - label_smoothing) * loss + smooth * (label_smoothing / n_classes)


def _cross_entropy_probabilities(
    logp: Tensor,
    target: Tensor,
    weight: Tensor | None,
    reduction: str,
    label_smoothing: float,
    axis: int,
    op: str,
) -> Tensor:
    if target.shape != logp.shape:
        raise ValueError(
            f"{op}: probability targets must have the input's shape {logp.shape}, got "
            f"{target.shape}"
        )
    n_classes = logp.shape[axis]
    if label_smoothing > 0.0:
        target = target * (1 - label_smoothing) + label_smoothing / n_classes
    terms = logp * target
    if weight is not None:
        terms = terms * _class_shape(weight, logp.ndim, axis)
    if reduction == "none":
        return -ag.sum(terms, axis=axis)
    total = -ag.sum(terms)
    if reduction == "sum":
        return total
    n = 1
    for i, s in enumerate(logp.shape):
        if i != axis:
            n *= s
    return total / n
