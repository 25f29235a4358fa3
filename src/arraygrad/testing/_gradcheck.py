"""Gradient checks: autograd's backward against central finite differences in float64.

Complex numbers follow PyTorch's convention. For a real loss ``L`` of an input
``z = a + ib`` the gradient is ``∂L/∂a + i ∂L/∂b``; an upstream gradient ``u`` of an output
``w`` stands for the loss ``L = Re Σ conj(u) w``. So the analytic side of every comparison is
a vector-Jacobian product computed by autograd, and the numerical side the same product
assembled from central differences of ``w`` along ``a`` and ``b``.

This module needs NumPy only (no Hypothesis).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]


class GradcheckError(AssertionError):
    """The analytic gradient and the finite differences disagree."""


def _as_tuple(x: Any) -> tuple[Any, ...]:
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _host(t: Any) -> np.ndarray:
    """Return a NumPy copy of a tensor's values (from any device)."""
    from .._creation import to_numpy

    return np.array(to_numpy(t.detach(), op="gradcheck", any_device=True), copy=True)


def _floating() -> frozenset[Any]:
    from .. import _dtypes

    return _dtypes.FLOATING


def _float_outputs(out: Any) -> list[Any]:
    """Return the floating-point tensors among the outputs (the ones that can have gradients)."""
    import arraygrad as ag

    floats = _floating()
    return [o for o in _as_tuple(out) if isinstance(o, ag.Tensor) and o.dtype in floats]


def _index(k: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(int(i) for i in np.unravel_index(k, shape)) if shape else ()


def _scalar(v: Any) -> float | complex:
    return complex(v) if np.iscomplexobj(v) else float(v)


def _evaluate(
    fn: Callable[..., Any], inputs: Sequence[Any], index: int, values: np.ndarray
) -> list[np.ndarray]:
    """Return the float outputs of ``fn`` with input ``index`` replaced by ``values``."""
    import arraygrad as ag

    args = list(inputs)
    t = inputs[index]
    # The replaced input keeps requires_grad: fn may itself differentiate (gradgradcheck).
    args[index] = ag.asarray(values, device=t.device, requires_grad=t.requires_grad)
    return [_host(o) for o in _float_outputs(fn(*args))]


def _numerical_columns(
    fn: Callable[..., Any], inputs: Sequence[Any], index: int, base: np.ndarray, eps: float
) -> list[tuple[int, bool, list[np.ndarray]]]:
    """Return, per element of input ``index`` (and per real/imaginary part), d outputs."""
    is_complex = np.iscomplexobj(base)
    flat = base.reshape(-1)
    cols = []
    for k in range(flat.size):
        for imag in (False, True) if is_complex else (False,):
            step = (1j if imag else 1.0) * eps
            plus = flat.copy()
            minus = flat.copy()
            plus[k] += step
            minus[k] -= step
            fp = _evaluate(fn, inputs, index, plus.reshape(base.shape))
            fm = _evaluate(fn, inputs, index, minus.reshape(base.shape))
            cols.append((k, imag, [(p - m) / (2 * eps) for p, m in zip(fp, fm, strict=True)]))
    return cols


def gradcheck(
    fn: Callable[..., Any],
    inputs: Sequence[Any] | Any,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    fast_mode: bool = False,
    raise_exception: bool = True,
    n_directions: int = 3,
    seed: int = 0,
) -> bool:
    """Return True if the gradients of ``fn`` at ``inputs`` match central finite differences.

    ``inputs`` is a tensor or a sequence of arguments; the tensors among them that require
    grad are checked (they must be float64 or complex128 for the differences to mean
    anything), the others are passed as they are. Every floating-point output of ``fn`` is
    differentiated.

    - Full mode (the default) compares the whole Jacobian, element by element: one backward
      per output element, two evaluations of ``fn`` per input element (four if complex).
    - ``fast_mode=True`` compares ``⟨u, J v⟩`` (finite differences along a random direction
      ``v``) with ``⟨Jᵀu, v⟩`` (one backward with a random upstream gradient ``u``), for
      ``n_directions`` pairs drawn with ``seed``: much cheaper for large inputs.

    Complex numbers follow PyTorch's convention: for a real loss L, the gradient of an input
    z = a + ib is ∂L/∂a + i ∂L/∂b. An element passes when
    ``|analytic - numerical| <= atol + rtol * |numerical|``. On a mismatch raises
    :class:`GradcheckError` naming the input, the element and both values (or returns False
    with ``raise_exception=False``).
    """
    import arraygrad as ag

    ins = _as_tuple(inputs)
    checked = [i for i, t in enumerate(ins) if isinstance(t, ag.Tensor) and t.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input requires grad")
    for i in checked:
        if ins[i].dtype not in (ag.float64, ag.complex128):
            raise TypeError(
                f"gradcheck: input {i} is {ins[i].dtype.name}; finite differences need float64 "
                "or complex128 inputs"
            )
    outs = _float_outputs(fn(*ins))
    if not outs:
        raise ValueError("gradcheck: fn returned no floating-point tensor")
    try:
        if fast_mode:
            _check_fast(fn, ins, checked, outs, eps, atol, rtol, n_directions, seed)
        else:
            _check_full(fn, ins, checked, outs, eps, atol, rtol)
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def _analytic(
    outs: list[Any], ins: Sequence[Any], checked: list[int], seeds: list[np.ndarray]
) -> list[np.ndarray | None]:
    """Return the vector-Jacobian products of the outputs with ``seeds`` (None: no path)."""
    import arraygrad as ag

    pairs = [
        (o, ag.asarray(s, device=o.device))
        for o, s in zip(outs, seeds, strict=True)
        if o.requires_grad
    ]
    if not pairs:
        return [None] * len(checked)
    grads = ag.autograd.grad(
        [o for o, _ in pairs],
        [ins[i] for i in checked],
        [s for _, s in pairs],
        retain_graph=True,
        allow_unused=True,
    )
    return [None if g is None else _host(g) for g in grads]


def _check_full(fn, ins, checked, outs, eps, atol, rtol) -> None:
    bases = {i: _host(ins[i]) for i in checked}
    numerical = {i: _numerical_columns(fn, ins, i, bases[i], eps) for i in checked}
    hosts = [_host(o) for o in outs]
    for j, o_host in enumerate(hosts):
        for e in range(o_host.size):
            for part in (1.0, 1j) if np.iscomplexobj(o_host) else (1.0,):
                seeds = [np.zeros(h.shape, dtype=h.dtype) for h in hosts]
                seeds[j].reshape(-1)[e] = part
                analytic = _analytic(outs, ins, checked, seeds)
                for slot, i in enumerate(checked):
                    base = bases[i]
                    a = analytic[slot]
                    a_flat = np.zeros(base.size, dtype=base.dtype) if a is None else a.reshape(-1)
                    expected = np.zeros(base.size, dtype=base.dtype)
                    for k, imag, cols in numerical[i]:
                        d = cols[j].reshape(-1)[e]
                        # L = Re(conj(part) w): ∂L = Re ∂w (part 1) or Im ∂w (part i).
                        val = d.real if part == 1.0 else d.imag
                        expected[k] += 1j * val if imag else val
                    bad = ~np.isclose(a_flat, expected, rtol=rtol, atol=atol)
                    if np.any(bad):
                        k = int(np.argmax(bad))
                        where = " (imaginary part)" if part == 1j else ""
                        raise GradcheckError(
                            f"gradcheck: the gradient of input {i} at element "
                            f"{_index(k, base.shape)} for output {j} element "
                            f"{_index(e, o_host.shape)}{where}: analytic {_scalar(a_flat[k])!r}, "
                            f"numerical {_scalar(expected[k])!r} "
                            f"(atol={atol}, rtol={rtol}; input {i} has shape {base.shape}, "
                            f"output {j} has shape {o_host.shape})"
                        )


def _check_fast(fn, ins, checked, outs, eps, atol, rtol, n_directions, seed) -> None:
    rng = np.random.default_rng(seed)

    def rand_like(a: np.ndarray) -> np.ndarray:
        r = rng.standard_normal(a.shape)
        if np.iscomplexobj(a):
            r = r + 1j * rng.standard_normal(a.shape)
        return r.astype(a.dtype)

    hosts = [_host(o) for o in outs]
    bases = {i: _host(ins[i]) for i in checked}
    for direction in range(n_directions):
        u = [rand_like(h) for h in hosts]
        analytic = _analytic(outs, ins, checked, u)
        for slot, i in enumerate(checked):
            base = bases[i]
            v = rand_like(base)
            fp = _evaluate(fn, ins, i, base + eps * v)
            fm = _evaluate(fn, ins, i, base - eps * v)
            # d/dt L(x + t v) with L = Re <u, out>
            num = sum(
                float(np.real(np.vdot(uu, (p - m) / (2 * eps))))
                for uu, p, m in zip(u, fp, fm, strict=True)
            )
            a = analytic[slot]
            ana = 0.0 if a is None else float(np.real(np.vdot(a, v)))
            if not np.isclose(ana, num, rtol=rtol, atol=atol):
                raise GradcheckError(
                    f"gradcheck (fast mode): input {i} (shape {base.shape}), random direction "
                    f"{direction} (seed {seed}): analytic <J^T u, v> = {ana!r}, numerical "
                    f"<u, J v> = {num!r} (atol={atol}, rtol={rtol}); rerun with "
                    "fast_mode=False to find the element"
                )


def gradgradcheck(
    fn: Callable[..., Any],
    inputs: Sequence[Any] | Any,
    grad_outputs: Sequence[Any] | None = None,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    fast_mode: bool = False,
    raise_exception: bool = True,
    n_directions: int = 3,
    seed: int = 0,
) -> bool:
    """Return True if the second derivatives of ``fn`` match finite differences of its gradient.

    Checks, with :func:`gradcheck`, the function ``(inputs, u) -> autograd.grad(fn(inputs),
    inputs, u, create_graph=True)``: its derivatives with respect to the inputs (the
    second-order terms) and to the upstream gradient ``u``. ``u`` is random (drawn with
    ``seed``) unless ``grad_outputs`` are given.
    """
    import arraygrad as ag

    ins = _as_tuple(inputs)
    checked = [i for i, t in enumerate(ins) if isinstance(t, ag.Tensor) and t.requires_grad]
    if not checked:
        raise ValueError("gradgradcheck: no input requires grad")
    outs = [o for o in _float_outputs(fn(*ins)) if o.requires_grad]
    if not outs:
        raise ValueError("gradgradcheck: fn returned no floating-point tensor that requires grad")
    rng = np.random.default_rng(seed)
    if grad_outputs is None:
        us = []
        for o in outs:
            h = _host(o)
            r = rng.standard_normal(h.shape)
            if np.iscomplexobj(h):
                r = r + 1j * rng.standard_normal(h.shape)
            us.append(ag.asarray(r.astype(h.dtype), device=o.device, requires_grad=True))
    else:
        us = [g.detach().requires_grad_() for g in _as_tuple(grad_outputs)]
    n_in = len(ins)

    def first_order(*args: Any) -> tuple[Any, ...]:
        xs, seeds = args[:n_in], args[n_in:]
        o = [x for x in _float_outputs(fn(*xs)) if x.requires_grad]
        grads = ag.autograd.grad(
            o, [xs[i] for i in checked], list(seeds)[: len(o)], create_graph=True, allow_unused=True
        )
        return tuple(g for g in grads if g is not None)

    try:
        return gradcheck(
            first_order,
            (*ins, *us),
            eps=eps,
            atol=atol,
            rtol=rtol,
            fast_mode=fast_mode,
            raise_exception=raise_exception,
            n_directions=n_directions,
            seed=seed,
        )
    except GradcheckError as e:
        raise GradcheckError(
            f"gradgradcheck (second order; inputs 0 to {n_in - 1} are fn's, the next ones the "
            f"upstream gradients; output k is the gradient of checked input k): {e}"
        ) from None
