"""Adam and AMSGrad, with bias correction and L2 weight decay."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import arraygrad as ag
from arraygrad._tensor import Tensor
from arraygrad.autograd import no_grad

from .optimizer import Optimizer

__all__ = ["Adam"]


def _lerp_(start: Tensor, end: Tensor, weight: float) -> None:
    """``start += weight * (end - start)`` in place, in PyTorch's lerp order of operations."""
    if weight < 0.5:
        start += weight * (end - start)
    else:
        start[...] = end - (end - start) * (1 - weight)


def _as_real(t: Tensor) -> Tensor:
    """Return a complex tensor as a real one with a last axis (real, imag), as view_as_real."""
    return ag.stack((ag.real(t), ag.imag(t)), axis=-1)


def _as_complex(t: Tensor, dtype: ag.DType) -> Tensor:
    """Return the complex tensor whose (real, imag) pairs are the last axis of ``t``."""
    re = ag.astype(t[..., 0], dtype)
    im = ag.astype(t[..., 1], dtype)
    return re + im * 1j


class Adam(Optimizer):
    """Adam (Kingma & Ba), with PyTorch's update equations.

    For each parameter ``p`` with gradient ``g`` (``-g`` with ``maximize``), at step t::

        g = g + weight_decay * p                       (if weight_decay != 0)
        m = m + (1 - beta1) * (g - m)                  (m = beta1 m + (1 - beta1) g)
        v = beta2 * v + (1 - beta2) * g * g
        v_max = maximum(v_max, v)                      (amsgrad; then v_max replaces v below)
        denom = sqrt(v) / sqrt(1 - beta2**t) + eps
        p = p - (lr / (1 - beta1**t)) * m / denom

    ``state[p]`` holds ``step`` (an int), ``exp_avg`` (m), ``exp_avg_sq`` (v) and, with
    amsgrad, ``max_exp_avg_sq``, on p's device. A complex parameter is treated as pairs of
    reals (its state has a last axis of 2), as PyTorch does.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        if group["lr"] < 0.0:
            raise ValueError(f"Adam: invalid learning rate: {group['lr']}")
        if group["eps"] < 0.0:
            raise ValueError(f"Adam: invalid epsilon value: {group['eps']}")
        beta1, beta2 = group["betas"]
        if not 0.0 <= beta1 < 1.0:
            raise ValueError(f"Adam: invalid beta parameter at index 0: {beta1}")
        if not 0.0 <= beta2 < 1.0:
            raise ValueError(f"Adam: invalid beta parameter at index 1: {beta2}")
        if group["weight_decay"] < 0.0:
            raise ValueError(f"Adam: invalid weight_decay value: {group['weight_decay']}")

    def _update(self) -> None:
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        self._update_one(p, group)

    def _update_one(self, p: Tensor, group: dict[str, Any]) -> None:
        lr = group["lr"]
        beta1, beta2 = group["betas"]
        eps = group["eps"]
        weight_decay = group["weight_decay"]
        amsgrad = group["amsgrad"]
        g = p.grad
        if group["maximize"]:
            g = -g
        if weight_decay != 0:
            g = g + weight_decay * p
        is_complex = ag.isdtype(p.dtype, "complex floating")
        if is_complex:
            g = _as_real(g)
        state = self._state(p)
        if not state:
            state["step"] = 0
            state["exp_avg"] = ag.zeros_like(g)
            state["exp_avg_sq"] = ag.zeros_like(g)
            if amsgrad:
                state["max_exp_avg_sq"] = ag.zeros_like(g)
        state["step"] += 1
        step = state["step"]
        m = state["exp_avg"]
        v = state["exp_avg_sq"]
        _lerp_(m, g, 1 - beta1)
        v *= beta2
        v += (1 - beta2) * g * g
        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        step_size = lr / bias_correction1
        bias_correction2_sqrt = bias_correction2**0.5
        if amsgrad:
            v_max = state.get("max_exp_avg_sq")
            if v_max is None:  # amsgrad switched on after the first step
                v_max = state["max_exp_avg_sq"] = ag.zeros_like(v)
            v_max[...] = ag.maximum(v_max, v)
            v = v_max
        denom = ag.sqrt(v) / bias_correction2_sqrt + eps
        update = (-step_size * m) / denom
        if is_complex:
            update = _as_complex(update, p.dtype)
        p += update
