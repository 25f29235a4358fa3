"""``Optimizer``: parameter groups, per-parameter state, ``zero_grad`` and state dicts."""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import arraygrad as ag
from arraygrad._tensor import Tensor
from arraygrad.autograd import enable_grad

__all__ = ["Optimizer"]


class Optimizer:
    """Base class of optimizers, as in PyTorch.

    ``params`` is an iterable of tensors, or of dicts each holding ``"params"`` and options
    that override ``defaults`` for that group. ``state[p]`` holds each parameter's state
    (tensors on the parameter's device). Subclasses implement :meth:`step`, which updates the
    parameters in place under ``no_grad``.
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, Tensor):
            raise TypeError(
                f"{type(self).__name__}: params must be an iterable of Tensors or of dicts, "
                "got a Tensor (pass [t])"
            )
        if isinstance(params, (set, frozenset)):
            raise TypeError(
                f"{type(self).__name__}: params must be an ordered collection (a set's order "
                "changes between runs); use a list"
            )
        groups = list(params)
        if not groups:
            raise ValueError(f"{type(self).__name__} got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own options (the defaults fill the rest)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"add_param_group: expected a dict, got {type(param_group).__name__}")
        params = param_group.get("params")
        if params is None:
            raise ValueError("add_param_group: the group has no 'params'")
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(
                "add_param_group: params must be an ordered collection (a set's order changes "
                "between runs); use a list"
            )
        else:
            params = list(params)
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"add_param_group: params must be Tensors, got {type(p).__name__} at {i}"
                )
            if not p.is_leaf:
                raise ValueError("add_param_group: can't optimize a non-leaf Tensor")
        if len({id(p) for p in params}) != len(params):
            raise ValueError("add_param_group: the group holds a parameter more than once")
        taken = {id(p) for group in self.param_groups for p in group["params"]}
        if any(id(p) in taken for p in params):
            raise ValueError("add_param_group: some parameters appear in more than one group")
        group = {**self.defaults, **param_group, "params": params}
        self._check_group(group)
        self.param_groups.append(group)

    def _check_group(self, group: dict[str, Any]) -> None:
        """Raise ValueError for invalid options (subclasses check theirs)."""

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of every parameter: to None (default) or to zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    grad.detach_()
                    grad.zero_()

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update the parameters once; ``closure`` (if given) recomputes and returns the loss."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        self._update()
        return loss

    def _update(self) -> None:
        raise NotImplementedError

    def _state(self, p: Tensor) -> dict[str, Any]:
        """Return p's state, its tensors moved to p's device if the parameter has moved."""
        state = self.state[p]
        for key, value in state.items():
            if isinstance(value, Tensor) and value.device != p.device:
                state[key] = value.to_device(p.device)
        return state

    # -- state dicts -----------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """Return ``{"state": {index: {...}}, "param_groups": [{..., "params": [index...]}]}``.

        Parameters are numbered in group order, as in PyTorch; the state's tensors are
        references (copy them to keep a snapshot).
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            numbers = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                numbers.append(index[id(p)])
            groups.append({**{k: v for k, v in group.items() if k != "params"}, "params": numbers})
        state = {
            index[id(p)]: dict(s)
            for group in self.param_groups
            for p in group["params"]
            if (s := self.state.get(p))
        }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Load a state dict made by :meth:`state_dict` (of an optimizer of the same parameters).

        Tensors are copied to each parameter's device, floating ones cast to its dtype.
        """
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError(
                f"load_state_dict: the state dict has {len(groups)} parameter groups, the "
                f"optimizer {len(self.param_groups)}"
            )
        for i, (saved, own) in enumerate(zip(groups, self.param_groups, strict=True)):
            if len(saved["params"]) != len(own["params"]):
                raise ValueError(
                    f"load_state_dict: group {i} has {len(saved['params'])} parameters in the "
                    f"state dict, {len(own['params'])} in the optimizer"
                )
        by_index = {
            n: p
            for saved, own in zip(groups, self.param_groups, strict=True)
            for n, p in zip(saved["params"], own["params"], strict=True)
        }
        new_state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        for n, values in state_dict["state"].items():
            p = by_index.get(int(n))
            if p is None:
                continue
            new_state[p] = {key: self._load_value(p, key, v) for key, v in values.items()}
        self.state = new_state
        for saved, own in zip(groups, self.param_groups, strict=True):
            for key, value in saved.items():
                if key != "params":
                    own[key] = copy.deepcopy(value)

    def _load_value(self, p: Tensor, key: str, value: Any) -> Any:
        if key == "step":
            return int(float(value))
        if value is None:
            return None
        if not isinstance(value, Tensor):
            value = ag.asarray(value, device=p.device)
        if value.device != p.device:
            value = value.to_device(p.device)
        # A copy (astype copies), so that the loaded state does not alias the source.
        dtype = p.dtype if ag.isdtype(value.dtype, ("real floating", "complex floating")) else value.dtype
        if ag.isdtype(p.dtype, "complex floating") and ag.isdtype(value.dtype, "real floating"):
            dtype = ag.float32 if p.dtype == ag.complex64 else ag.float64
        return ag.astype(value, dtype)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(group):
                if key != "params":
                    lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)
