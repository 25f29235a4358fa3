"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from arraygrad.autograd import no_grad

from .optimizer import Optimizer

__all__ = ["SGD"]


class SGD(Optimizer):
    """Stochastic gradient descent, with PyTorch's update equations.

    For each parameter ``p`` with gradient ``g`` (``-g`` with ``maximize``)::

        g = g + weight_decay * p                      (if weight_decay != 0)
        b = g                                         (first step)
        b = momentum * b + (1 - dampening) * g        (later steps; if momentum != 0)
        g = g + momentum * b  (nesterov)  or  g = b
        p = p - lr * g

    The momentum buffer ``b`` lives in ``state[p]["momentum_buffer"]``, on p's device.
    Parameters without a gradient are skipped.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        if group["lr"] < 0.0:
            raise ValueError(f"SGD: invalid learning rate: {group['lr']}")
        if group["momentum"] < 0.0:
            raise ValueError(f"SGD: invalid momentum value: {group['momentum']}")
        if group["weight_decay"] < 0.0:
            raise ValueError(f"SGD: invalid weight_decay value: {group['weight_decay']}")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("SGD: Nesterov momentum requires a momentum and zero dampening")

    def _update(self) -> None:
        with no_grad():
            for group in self.param_groups:
                lr = group["lr"]
                momentum = group["momentum"]
                dampening = group["dampening"]
                weight_decay = group["weight_decay"]
                for p in group["params"]:
                    g = p.grad
                    if g is None:
                        continue
                    if group["maximize"]:
                        g = -g
                    if weight_decay != 0:
                        g = g + weight_decay * p
                    if momentum != 0:
                        state = self._state(p)
                        buf = state.get("momentum_buffer")
                        if buf is None:
                            buf = g.detach().clone()
                            state["momentum_buffer"] = buf
                        else:
                            buf *= momentum
                            buf += (1 - dampening) * g
                        g = g + momentum * buf if group["nesterov"] else buf
                    p -= lr * g
