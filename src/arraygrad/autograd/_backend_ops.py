"""The primitives rules need where the standard has none: gather and scatter-add by a key.

``gather(xp, x, key)`` is ``x[key]`` and ``index_add(xp, shape, key, values)`` is its
adjoint: zeros of ``shape`` with ``values`` added at ``key``, repeated positions summed
(``x[[0, 0, 1]]`` sends twice the gradient to position 0). Both follow arraygrad's indexing
rules on every backend, on raw arrays (first-order backward: ``xp`` is the backend's
namespace, the key's Tensors already unwrapped) or on Tensors (``create_graph``: ``xp`` is
arraygrad and ``index_add`` is recorded, its rule gathering the gradient back at the key).

The scatter-add itself is the backend's native call where there is one (NumPy's
``add.at``, torch's ``index_add_``, CuPy's ``scatter_add``, JAX's ``.at[].add``, Dask's
``bincount``) and a standard-only fallback otherwise.
"""

from __future__ import annotations

import math
from typing import Any

import array_api_compat

from .. import _dtypes
from .._backend import Backend, backend_for_namespace
from .._dispatch import call
from .._indexing import _getitem_impl, _take_along_axis_impl, parse_key, write
from .._indexing import gather as _gather_parsed
from .._tensor import Tensor, wrap
from ._registry import Domain, rule

__all__ = ["gather", "index_add", "take_along_axis"]


def _tensor_key(backend: Backend, key: Any) -> Any:
    """Return ``key`` with its raw backend arrays wrapped back into Tensors (no copy)."""

    def one(k: Any) -> Any:
        if isinstance(k, (Tensor, int, slice)) or k is None or k is Ellipsis:
            return k
        return wrap(k, backend) if hasattr(k, "shape") else k

    return tuple(one(k) for k in key) if isinstance(key, tuple) else one(key)


def gather(xp: Any, x: Any, key: Any) -> Any:
    """Return ``x[key]`` by arraygrad's indexing rules (recorded when ``x`` is a Tensor)."""
    if isinstance(x, Tensor):
        return x[key]
    backend = backend_for_namespace(xp)
    return _getitem_impl(backend, x, key=_tensor_key(backend, key))


def take_along_axis(xp: Any, x: Any, indices: Any, axis: int) -> Any:
    """Return ``take_along_axis(x, indices, axis=axis)`` on any backend (Dask lacks it)."""
    if isinstance(x, Tensor):
        return xp.take_along_axis(x, indices, axis=axis)
    return _take_along_axis_impl(backend_for_namespace(xp), x, indices, axis=axis)


def index_add(xp: Any, shape: tuple[int, ...], key: Any, values: Any) -> Any:
    """Return zeros of ``shape`` with ``values`` (broadcast to ``zeros[key]``) added at ``key``."""
    if isinstance(values, Tensor):
        return call("index_add", (values,), {"shape": tuple(shape), "key": key}, impl=_index_add_impl)
    backend = backend_for_namespace(xp)
    return _index_add_impl(backend, values, shape=tuple(shape), key=_tensor_key(backend, key))


def _index_add_impl(backend: Backend, values: Any, *, shape: tuple[int, ...], key: Any) -> Any:
    ns = backend.ns
    device = array_api_compat.device(values)
    out = ns.zeros(shape, dtype=values.dtype, device=device)
    parsed = parse_key(backend, out, key)
    if parsed.kind in ("basic", "mask"):
        # Ints, slices and masks select each position at most once: a plain write.
        return write(backend, out, parsed, values)
    name = backend.name
    if name in ("numpy", "cupy", "jax"):
        # These follow NumPy's indexing rules natively, mixed keys included.
        return _add_at(backend, out, parsed.native(), values)
    if name == "torch" and _leading_arrays(parsed):
        # x[i, j] and x[i] (trailing axes whole): torch's accumulating index_put_.
        import torch

        index = tuple(
            torch.as_tensor(v, device=out.device) if kind == "int" else v
            for kind, v, _ in parsed.entries
            if kind != "slice"
        )
        return out.index_put_(index, values, accumulate=True)
    # Everything else: the flat positions the key selects, then a 1-D scatter-add.
    size = math.prod(shape)
    every = ns.arange(size, dtype=backend.native_dtype(_dtypes.int64), device=device)
    positions = _gather_parsed(backend, ns.reshape(every, shape), parsed)
    values = ns.reshape(ns.broadcast_to(values, tuple(positions.shape)), (-1,))
    flat, positions = ns.reshape(out, (-1,)), ns.reshape(positions, (-1,))
    if name == "torch":
        flat = flat.index_add_(0, positions, values)
    elif name == "dask":
        flat = flat + _bincount_add(ns, size, positions, values)
    else:
        flat = _scatter_add_standard(ns, flat, positions, values)
    return ns.reshape(flat, shape)


def _leading_arrays(parsed: Any) -> bool:
    """Return whether the key is ints and integer arrays, then only whole axes."""
    seen_slice = False
    for kind, value, axis in parsed.entries:
        if kind == "slice":
            if value != slice(0, parsed.shape[axis], 1):
                return False
            seen_slice = True
        elif kind not in ("int", "array") or seen_slice:
            return False
    return True


def _add_at(backend: Backend, out: Any, key: Any, values: Any) -> Any:
    """``out[key] += values`` with repeated positions summed: NumPy, CuPy and JAX."""
    name = backend.name
    if name == "numpy":
        import numpy as np

        np.add.at(out, key, values)
        return out
    if name == "jax":
        return out.at[key].add(values)
    import cupy

    # Note: CuPy 14 deprecates cupyx.scatter_add for the ufunc method add.at (CuPy >= 13).
    add_at = cupy.add.at
    ns = backend.ns
    if ns.isdtype(values.dtype, "complex floating"):
        # Note: CUDA's atomicAdd has no complex type: the two parts are added separately.
        values = ns.broadcast_to(values, tuple(out[key].shape))
        re = ns.zeros(out.shape, dtype=ns.real(values).dtype, device=out.device)
        im = ns.zeros(out.shape, dtype=ns.real(values).dtype, device=out.device)
        add_at(re, key, ns.real(values))
        add_at(im, key, ns.imag(values))
        return ns.astype(re + 1j * im, out.dtype)
    add_at(out, key, values)
    return out


def _bincount_add(ns: Any, size: int, positions: Any, values: Any) -> Any:
    """Dask: ``values`` summed at ``positions`` (1-D) into ``size`` bins, lazily.

    Note: the standard-only fallback selects with boolean masks (unknown sizes on Dask) and
    computes its number of rounds; ``dask.array.bincount`` with ``minlength`` keeps the
    graph lazy and its shape known. It sums in float64 (real and imaginary parts apart).
    """
    import dask.array as da

    def add(weights: Any) -> Any:
        return da.bincount(positions, weights=weights, minlength=size)

    if ns.isdtype(values.dtype, "complex floating"):
        summed = add(ns.real(values)) + 1j * add(ns.imag(values))
    else:
        summed = add(values)
    return ns.astype(summed, values.dtype)


def _scatter_add_standard(ns: Any, out: Any, index: Any, values: Any) -> Any:
    """The scatter-add from the standard's functions only: exact sums, little memory.

    Sorted by target, each value gets its rank among the values of the same target; the
    values of one rank have distinct targets, so each rank is one ``searchsorted`` write.
    There are as many rounds as the most repeated target has repeats.
    """
    m = index.shape[0]
    if not m:
        return out
    device = array_api_compat.device(out)
    order = ns.argsort(index, stable=True)
    targets = ns.take(index, order)
    values = ns.take(values, order)
    rank = ns.arange(m, dtype=index.dtype, device=device) - ns.searchsorted(
        targets, targets, side="left"
    )
    every = ns.arange(out.shape[0], dtype=index.dtype, device=device)
    for r in range(int(ns.max(rank)) + 1):
        chosen = rank == r
        t = targets[chosen]
        v = values[chosen]
        j = ns.clip(ns.searchsorted(t, every, side="left"), max=t.shape[0] - 1)
        hit = ns.take(t, j) == every
        out = out + ns.where(hit, ns.take(v, j), ns.zeros_like(out))
    return out


# -- the rule of index_add, so that getitem's backward is differentiable again ------------------
def _sample_index_add(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    from hypothesis import strategies as st

    import arraygrad as ag

    from ..testing.strategies import array_from_domain

    n = draw(st.integers(1, 4))
    cols = draw(st.integers(1, 3))
    picks = draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=5))
    index = ag.asarray(picks, dtype=ag.int64, device=device)
    form = draw(st.sampled_from(["rows", "cols", "pair"]))
    if form == "rows":
        key: Any = index
        vshape: tuple[int, ...] = (len(picks), cols)
    elif form == "cols":
        key = (slice(None), ag.asarray([p % cols for p in picks], dtype=ag.int64, device=device))
        vshape = (n, len(picks))
    else:
        key = (index, ag.asarray([p % cols for p in picks], dtype=ag.int64, device=device))
        vshape = (len(picks),)
    values = array_from_domain(draw, vshape, Domain(), dtype, device)

    def fn(v: Any) -> Any:
        return index_add(ag, (n, cols), key, v)

    return fn, (values,)


@rule(
    "index_add",
    sample=_sample_index_add,
    notes="internal: the scatter-add of getitem/take backward; its gradient gathers at the key",
)
def _index_add_backward(xp: Any, ctx: Any, g: Any) -> Any:
    return gather(xp, g, ctx.params["key"])
