"""``Module``, the base class of layers and models, and ``Sequential``."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple

import arraygrad as ag
from arraygrad._tensor import Tensor
from arraygrad.autograd import no_grad

from .parameter import Parameter

__all__ = ["IncompatibleKeys", "Module", "Sequential"]


class IncompatibleKeys(NamedTuple):
    """What :meth:`Module.load_state_dict` did not match: keys missing and keys unexpected."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class Module:
    """Base class of layers and models, as in PyTorch.

    A subclass calls ``super().__init__()``, assigns its :class:`Parameter` s, buffers and
    sub-modules as attributes (which registers them), and defines ``forward``; calling the
    module calls ``forward``. Parameters are found recursively, in the order they were
    assigned, for optimizers (:meth:`parameters`), saving (:meth:`state_dict`) and moving
    (:meth:`to_device`).
    """

    training: bool
    _parameters: dict[str, Parameter | None]
    _buffers: dict[str, Tensor | None]
    _non_persistent: set[str]
    _modules: dict[str, Module | None]

    def __init__(self) -> None:
        # Note: object.__setattr__, because our own __setattr__ reads these dicts.
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_modules", {})

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Compute the module's output; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} has no forward(); define it")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # -- registration ----------------------------------------------------------------------
    def _check_ready(self, what: str) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"cannot assign {what} before Module.__init__() is called; call "
                "super().__init__() first in your module's __init__"
            )

    def _check_name(self, name: Any, kind: str) -> None:
        if not isinstance(name, str):
            raise TypeError(f"{kind} name must be a str, got {type(name).__name__}")
        if not name or "." in name:
            raise KeyError(f"{kind} name must be non-empty and contain no '.', got {name!r}")
        if name in self.__dict__ and not any(
            name in d for d in (self._parameters, self._buffers, self._modules)
        ):
            raise KeyError(f"attribute {name!r} already exists")

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter (or None, a placeholder) under ``name``."""
        self._check_ready("parameters")
        self._check_name(name, "parameter")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign a {type(param).__name__} as parameter {name!r}: expected "
                "an arraygrad.nn.Parameter or None (wrap a tensor with Parameter(t))"
            )
        if param is not None and param.grad_fn is not None:
            raise ValueError(
                f"cannot assign parameter {name!r}: it is the result of an operation; "
                "parameters must be leaves (use Parameter(t.detach()))"
            )
        self._buffers.pop(name, None)
        self._modules.pop(name, None)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add a tensor that is state but not a parameter (saved unless ``persistent=False``)."""
        self._check_ready("buffers")
        self._check_name(name, "buffer")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign a {type(tensor).__name__} as buffer {name!r}: expected a "
                "Tensor or None"
            )
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent.discard(name)
        else:
            self._non_persistent.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a sub-module (or None) under ``name``."""
        self._check_ready("sub-modules")
        self._check_name(name, "module")
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module")
        self._parameters.pop(name, None)
        self._buffers.pop(name, None)
        self._modules[name] = module

    register_module = add_module

    def __setattr__(self, name: str, value: Any) -> None:
        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                self._check_ready("parameters")
            self.__dict__.pop(name, None)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign a {type(value).__name__} as parameter {name!r}: "
                    "expected an arraygrad.nn.Parameter or None"
                )
            params[name] = None
        elif isinstance(value, Module):
            if params is None:
                self._check_ready("sub-modules")
            self.__dict__.pop(name, None)
            self.add_module(name, value)
        elif params is not None and name in self._modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign a {type(value).__name__} as sub-module {name!r}: "
                    "expected a Module or None"
                )
            self._modules[name] = None
        elif params is not None and name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign a {type(value).__name__} as buffer {name!r}: expected "
                    "a Tensor or None"
                )
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: parameters, buffers and modules live in dicts.
        d = self.__dict__
        for store in ("_parameters", "_buffers", "_modules"):
            entries = d.get(store)
            if entries is not None and name in entries:
                return entries[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name: str) -> None:
        for store in (self._parameters, self._buffers, self._modules):
            if name in store:
                del store[name]
                self._non_persistent.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self) -> list[str]:
        return sorted(
            {*super().__dir__(), *self._parameters, *self._buffers, *self._modules}
        )

    # -- traversal -----------------------------------------------------------------------
    def named_modules(
        self, memo: set[int] | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """Yield ``(name, module)`` for this module and every sub-module, depth first."""
        # Note: iterative, so that a very deep model does not hit the recursion limit.
        seen: set[int] = set() if memo is None else memo
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if remove_duplicate:
                if id(module) in seen:
                    continue
                seen.add(id(module))
            yield name, module
            children = [
                (f"{name}.{child_name}" if name else child_name, child)
                for child_name, child in module._modules.items()
                if child is not None
            ]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        """Yield this module and every sub-module, depth first."""
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Yield ``(name, module)`` for the direct sub-modules."""
        seen: set[int] = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator[Module]:
        """Yield the direct sub-modules."""
        for _, module in self.named_children():
            yield module

    def _named_members(
        self, store: str, prefix: str, recurse: bool, remove_duplicate: bool
    ) -> Iterator[tuple[str, Any]]:
        seen: set[int] = set()
        modules = (
            self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
            if recurse
            else [(prefix, self)]
        )
        for module_prefix, module in modules:
            for name, value in getattr(module, store).items():
                if value is None:
                    continue
                if remove_duplicate:
                    if id(value) in seen:
                        continue
                    seen.add(id(value))
                yield (f"{module_prefix}.{name}" if module_prefix else name), value

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """Yield ``(name, parameter)`` pairs, a shared parameter once (by default)."""
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Yield the parameters (of the sub-modules too, unless ``recurse=False``)."""
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        """Yield ``(name, buffer)`` pairs."""
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Yield the buffers (of the sub-modules too, unless ``recurse=False``)."""
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn`` on every sub-module (children first), then on this module; return self."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # -- modes and gradients ---------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Set training mode (``mode=True``) or evaluation mode on every module; return self."""
        if not isinstance(mode, bool):
            raise TypeError(f"train: mode must be a bool, got {type(mode).__name__}")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        """Set evaluation mode (``train(False)``); return self."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Set ``requires_grad`` of every parameter; return self."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's gradient: to None (default) or to zeros."""
        for p in self.parameters():
            _reset_grad(p, set_to_none)

    # -- devices and dtypes ----------------------------------------------------------------
    def to_device(self, device: Any, /) -> Module:
        """Move every parameter, gradient and buffer to ``device`` (any backend); return self.

        Parameters stay the same objects (their buffers are replaced), so an optimizer made
        before the move keeps working; its state follows the parameters on the next step.
        """
        return self.to(device)

    def to(self, device: Any = None, *, dtype: Any = None) -> Module:
        """Move to ``device`` and/or cast floating parameters and buffers to ``dtype``."""
        if dtype is not None and dtype not in (ag.float32, ag.float64, ag.complex64, ag.complex128):
            raise TypeError(f"to: dtype must be a floating-point dtype, got {dtype}")

        def convert(t: Tensor) -> Tensor:
            if device is not None:
                t = t.to_device(device)  # the same tensor where it is there already
            if dtype is not None and ag.isdtype(t.dtype, ("real floating", "complex floating")):
                if t.dtype != dtype:
                    t = ag.astype(t, dtype)
            return t

        with no_grad():
            for p in self.parameters():
                new = convert(p.detach())
                if new._data is p._data:
                    continue
                grad = p.grad
                p.data = new
                if grad is not None:
                    p.grad = convert(grad)
            for module in self.modules():
                for name, b in module._buffers.items():
                    if b is not None:
                        module._buffers[name] = convert(b)
        return self

    # -- saving and loading ----------------------------------------------------------------
    def state_dict(self, *, prefix: str = "", keep_vars: bool = False) -> OrderedDict[str, Tensor]:
        """Return the parameters and persistent buffers by dotted name.

        The values share the parameters' buffers (detached unless ``keep_vars``), as in
        PyTorch: copy them to keep a snapshot.
        """
        out: OrderedDict[str, Tensor] = OrderedDict()
        for module_prefix, module in self.named_modules(prefix=prefix, remove_duplicate=False):
            dotted = f"{module_prefix}." if module_prefix else ""
            for name, p in module._parameters.items():
                if p is not None:
                    out[dotted + name] = p if keep_vars else p.detach()
            for name, b in module._buffers.items():
                if b is not None and name not in module._non_persistent:
                    out[dotted + name] = b if keep_vars else b.detach()
        return out

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy values from ``state_dict`` into the parameters and buffers, in place.

        Values are moved to each parameter's device and cast to its dtype; a shape mismatch is
        a RuntimeError. With ``strict`` (default), missing or unexpected keys are a
        RuntimeError too; otherwise they are returned.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"load_state_dict: expected a mapping of names to tensors, got "
                f"{type(state_dict).__name__}"
            )
        own: dict[str, tuple[Module, str, str]] = {}
        for module_prefix, module in self.named_modules(remove_duplicate=False):
            dotted = f"{module_prefix}." if module_prefix else ""
            for name, p in module._parameters.items():
                if p is not None:
                    own[dotted + name] = (module, "_parameters", name)
            for name, b in module._buffers.items():
                if b is not None and name not in module._non_persistent:
                    own[dotted + name] = (module, "_buffers", name)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        if strict and unexpected:
            errors.append("unexpected key(s): " + ", ".join(repr(k) for k in unexpected))
        if strict and missing:
            errors.append("missing key(s): " + ", ".join(repr(k) for k in missing))
        pending = []
        for key, (module, store, name) in own.items():
            if key not in state_dict:
                continue
            target = getattr(module, store)[name]
            value = state_dict[key]
            if not isinstance(value, Tensor):
                value = ag.asarray(value, device=target.device)
            if value.shape != target.shape:
                errors.append(
                    f"size mismatch for {key!r}: the checkpoint has shape {value.shape}, "
                    f"the module has shape {target.shape}"
                )
                continue
            pending.append((target, value))
        if errors:
            raise RuntimeError(
                f"load_state_dict: error(s) in loading the state dict of "
                f"{type(self).__name__}:\n\t" + "\n\t".join(errors)
            )
        with no_grad():
            for target, value in pending:
                target.copy_(value)
        return IncompatibleKeys(missing, unexpected)

    # -- printing --------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """Return the text shown inside the parentheses of the module's repr."""
        return ""

    def __repr__(self) -> str:
        lines = []
        extra = self.extra_repr()
        if extra:
            lines.extend(extra.split("\n"))
        for name, module in self._modules.items():
            text = repr(module).replace("\n", "\n  ")
            lines.append(f"({name}): {text}")
        if not self._modules:
            return f"{type(self).__name__}({extra})"
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"


def _reset_grad(p: Tensor, set_to_none: bool) -> None:
    grad = p.grad
    if grad is None:
        return
    if set_to_none:
        p.grad = None
    else:
        # Note: a gradient made with create_graph=True is cut from its graph first, as in
        # PyTorch, so zeroing it in place is not recorded.
        grad.detach_()
        grad.zero_()


class Sequential(Module):
    """A chain of modules: each one's output is the next one's input.

    ``Sequential(m0, m1, ...)`` names them ``"0"``, ``"1"`` ...; ``Sequential(OrderedDict)``
    uses the dict's names.
    """

    def __init__(self, *modules: Module | Mapping[str, Module]) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], Mapping):
            for name, module in modules[0].items():
                self.add_module(name, module)
        else:
            for i, module in enumerate(modules):
                if not isinstance(module, Module):
                    raise TypeError(
                        f"Sequential: argument {i} is a {type(module).__name__}, not a Module"
                    )
                self.add_module(str(i), module)

    def forward(self, input: Any) -> Any:
        for module in self._modules.values():
            if module is not None:
                input = module(input)
        return input

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(m for m in self._modules.values() if m is not None)

    def __getitem__(self, index: int | slice) -> Any:
        items = list(self._modules.items())
        if isinstance(index, slice):
            return Sequential(OrderedDict(items[index]))
        if not isinstance(index, int) or isinstance(index, bool):
            raise TypeError(f"Sequential indices must be ints or slices, not {type(index).__name__}")
        n = len(items)
        if not -n <= index < n:
            raise IndexError(f"Sequential index {index} is out of range for {n} modules")
        return items[index % n][1]

    def append(self, module: Module) -> Sequential:
        """Add ``module`` at the end; return self."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> Sequential:
        """Add each of ``modules`` at the end; return self."""
        for module in modules:
            self.append(module)
        return self
