"""arraygrad.autograd: reverse-mode automatic differentiation with PyTorch's semantics.

Importing it installs the recorder at the namespace's single dispatch point and binds the
Tensor's autograd methods (``backward``, ``detach``, ``zero_`` ...). ``import arraygrad``
imports it, so tensors are differentiable from the start.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._tensor import Tensor
from . import _api, _graph, rules  # noqa: F401 - rules registers every derivative rule
from ._api import grad
from ._grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from ._registry import NONDIFFERENTIABLE, RULES, Domain, Rule, rule, unbroadcast
from .function import Function, FunctionCtx

__all__ = [
    "NONDIFFERENTIABLE",
    "RULES",
    "Domain",
    "Function",
    "FunctionCtx",
    "Rule",
    "Variable",
    "backward",
    "enable_grad",
    "functional",
    "grad",
    "is_grad_enabled",
    "no_grad",
    "rule",
    "set_grad_enabled",
    "unbroadcast",
]


def backward(
    tensors: Sequence[Tensor] | Tensor,
    grad_tensors: Sequence[Any] | Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Sequence[Tensor] | Tensor | None = None,
) -> None:
    """Accumulate into the leaves' ``.grad`` the gradients of ``tensors`` (PyTorch's API)."""
    ts = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    if grad_tensors is None:
        gs = None
    elif isinstance(grad_tensors, Tensor) or not isinstance(grad_tensors, (list, tuple)):
        gs = [grad_tensors]
    else:
        gs = list(grad_tensors)
        if len(ts) == 1 and len(gs) != 1:
            gs = [grad_tensors]
    _api.backward_many(ts, gs, retain_graph, create_graph, inputs)


def Variable(tensor: Any, requires_grad: bool = False) -> Tensor:
    """Return ``tensor`` as a leaf Tensor that requires grad if asked (PyTorch's old API).

    As in PyTorch since 0.4, a Variable is simply a Tensor.
    """
    import arraygrad as ag

    t = tensor if isinstance(tensor, Tensor) else ag.asarray(tensor)
    if t._grad_fn is not None:
        t = _api.detach(t)
    if requires_grad:
        _api.set_requires_grad(t, True)
    return t


_METHODS = (
    "add_", "backward", "clone", "copy_", "detach", "detach_", "div_", "fill_", "item",
    "mul_", "numpy", "register_hook", "requires_grad_", "retain_grad", "sub_", "tolist",
    "zero_",
)  # fmt: skip
for _name in _METHODS:
    setattr(Tensor, _name, getattr(_api, _name))

_graph.install()

from . import functional  # noqa: E402 - uses the names above
