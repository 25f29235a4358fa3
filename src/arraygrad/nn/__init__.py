"""arraygrad.nn: modules, losses and initialisers built on the namespace and autograd.

As in PyTorch::

    import arraygrad as ag
    from arraygrad import nn

    model = nn.Sequential(nn.Linear(1000, 100), nn.ReLU(), nn.Linear(100, 10))
    loss = nn.MSELoss(reduction="sum")(model(x), y)
    loss.backward()

Everything here is array-API code on arraygrad tensors, so models run on any backend and
device: :meth:`Module.to_device` moves every parameter there.
"""

from __future__ import annotations

from . import functional, init
from .layers import Identity, Linear, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from .loss import CrossEntropyLoss, MSELoss
from .module import IncompatibleKeys, Module, Sequential
from .parameter import Parameter

__all__ = [
    "CrossEntropyLoss",
    "Identity",
    "IncompatibleKeys",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "Module",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "functional",
    "init",
]
