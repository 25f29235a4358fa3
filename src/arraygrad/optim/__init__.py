"""arraygrad.optim: optimizers that update parameters in place, on any backend and device.

As in PyTorch::

    from arraygrad import optim

    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

Updates run under :func:`arraygrad.autograd.no_grad` and write into each parameter's
buffer; the optimizer's state lives on the parameter's device. SGD and Adam follow
PyTorch's equations step for step, so a run matches ``torch.optim`` to rounding.
"""

from __future__ import annotations

from .adam import Adam
from .optimizer import Optimizer
from .sgd import SGD

__all__ = ["SGD", "Adam", "Optimizer"]
