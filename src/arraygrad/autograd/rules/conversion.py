"""Rules of the conversions: astype, to_device, clone and asarray(copy=True).

Each is the identity on values, so the gradient is the output's gradient brought back to
the input's dtype and device. The engine casts to the input's dtype (a real input of a
complex cast gets the real part, PyTorch's rule); ``to_device`` moves the gradient back to
the source device itself.
"""

from __future__ import annotations

from typing import Any

from ..._creation import _move_raw
from ..._tensor import Tensor, wrap
from .._registry import Domain, rule

D = Domain


def _identity(xp: Any, ctx: Any, g: Any) -> Any:
    return g


def _astype_sample(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    from hypothesis import strategies as st

    import arraygrad as ag
    from arraygrad.testing.strategies import array_from_domain, small_shapes

    x = array_from_domain(draw, draw(small_shapes()), D(), dtype, device)
    targets = [dtype, ag.complex128]
    target = draw(st.sampled_from(targets))
    # copy=True makes a node even where the dtype does not change.
    return (lambda a: ag.astype(a, target, copy=True)), (x,)


rule(
    "astype",
    sample=_astype_sample,
    notes="The identity on values: the gradient is cast back to the input's dtype; a real "
    "input cast to complex gets the real part of the gradient, as PyTorch.",
)(_identity)


def _clone_sample(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    from arraygrad.testing.strategies import array_from_domain, small_shapes

    x = array_from_domain(draw, draw(small_shapes()), D(), dtype, device)
    return (lambda a: a.clone()), (x,)


rule("clone", sample=_clone_sample, notes="The identity: the gradient passes through.")(_identity)


def _asarray_sample(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    import arraygrad as ag
    from arraygrad.testing.strategies import array_from_domain, small_shapes

    x = array_from_domain(draw, draw(small_shapes()), D(), dtype, device)
    return (lambda a: ag.asarray(a, copy=True)), (x,)


rule(
    "asarray",
    sample=_asarray_sample,
    notes="asarray(tensor, copy=True) copies and keeps the graph: the gradient passes through.",
)(_identity)


def _other_devices(device: Any) -> list[Any]:
    """Devices a tensor on ``device`` can move to, other than itself, on any backend here."""
    from arraygrad._devices import as_device

    out = [d for d in device.backend.devices() if d != device and _usable(d)]
    for name in ("cpu", "array_api_strict", "torch:cpu"):
        try:
            d = as_device(name)
        except Exception:
            continue
        if d != device and d not in out:
            out.append(d)
    return out


def _usable(device: Any) -> bool:
    # array_api_strict's no_float64 / no_x64 devices cannot hold the float64 test values;
    # torch's meta device holds no values at all.
    return not any(s in device.name for s in ("no_float64", "no_x64", "meta"))


def _to_device_sample(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    from hypothesis import strategies as st

    from arraygrad.testing.strategies import array_from_domain, small_shapes

    x = array_from_domain(draw, draw(small_shapes()), D(), dtype, device)
    others = _other_devices(x.device)
    target = draw(st.sampled_from(others)) if others else x.device
    return (lambda a: a.to_device(target)), (x,)


@rule(
    "to_device",
    sample=_to_device_sample,
    notes="The identity on values: the gradient moves back to the source device (and backend).",
)
def _to_device(xp: Any, ctx: Any, g: Any) -> Any:
    source = ctx.params["source"]
    if isinstance(g, Tensor):  # create_graph: recorded, so differentiable again
        return g.to_device(source)
    # First order: a raw array of the destination backend.
    return _move_raw(wrap(g, ctx.backend), source)
