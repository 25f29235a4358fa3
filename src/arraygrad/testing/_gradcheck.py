"""Gradient checks: autograd's backward against central finite differences in float64."""

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
    from .._creation import to_numpy

    return np.array(to_numpy(t.detach(), op="gradcheck", any_device=True), copy=True)


def _float_outputs(out: Any) -> list[Any]:
    import arraygrad as ag

    return [o for o in _as_tuple(out) if isinstance(o, ag.Tensor) and o.dtype in _FLOATS()]


def _FLOATS() -> frozenset:  # noqa: N802 - a constant computed late (import order)
    from .. import _dtypes

    return _dtypes.FLOATING


def _evaluate(fn: Callable[..., Any], inputs: Sequence[Any], index: int, values: np.ndarray) -> list[np.ndarray]:
    """Return the float outputs of ``fn`` with input ``index`` replaced by ``values``."""
    import arraygrad as ag

    args = list(inputs)
    t = inputs[index]
    # The replaced input keeps requires_grad: fn may itself differentiate (gradgradcheck).
    args[index] = ag.asarray(
        values.astype(_host(t).dtype), device=t.device, requires_grad=t.requires_grad
    )
    out = fn(*args)
    return [_host(o) for o in _float_outputs(out)]


def _numerical_columns(
    fn: Callable[..., Any], inputs: Sequence[Any], index: int, eps: float
) -> list[tuple[int, bool, list[np.ndarray]]]:
    """Return, per element of input ``index`` (and per real/imaginary part), d outputs."""
    base = _host(inputs[index])
    is_complex = np.iscomplexobj(base)
    cols = []
    flat = base.reshape(-1)
    for k in range(flat.size):
        for imag in (False, True) if is_complex else (False,):
            step = (1j if imag else 1.0) * eps
            plus = flat.copy()
            minus = flat.copy()
            plus[k] += step
            minus[k] -= step
            fp = _evaluate(fn, inputs, index, plus.reshape(base.shape))
            fm = _evaluate(fn, inputs, index, minus.reshape(base.shape))
            cols.append((k, imag, [(p - m) / (2 * eps) for p, m in zip(fp, fm)]))
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

    ``inputs`` are Tensors (those with ``requires_grad`` are checked; use float64 or
    complex128 for meaningful differences). The full Jacobian is compared element by
    element; ``fast_mode`` compares ⟨u, J v⟩ with ⟨Jᵀu, v⟩ for random directions instead.
    Complex numbers follow PyTorch's convention: for a real loss L, the gradient of an input
    z = a + ib is ∂L/∂a + i ∂L/∂b. On a mismatch raises :class:`GradcheckError` naming the
    input, the element and both values (or returns False with ``raise_exception=False``).
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
    out = fn(*ins)
    outs = _float_outputs(out)
    if not outs:
        raise ValueError("gradcheck: fn returned no floating-point tensor")
    diff_outs = [o for o in outs if o.requires_grad]
    try:
        if fast_mode:
            _check_fast(fn, ins, checked, outs, eps, atol, rtol, n_directions, seed)
        else:
            _check_full(fn, ins, checked, outs, diff_outs, eps, atol, rtol)
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def _analytic(outs: list[Any], ins: Sequence[Any], checked: list[int], seeds: list[Any]) -> list[Any]:
    import arraygrad as ag

    pairs = [(o, s) for o, s in zip(outs, seeds) if o.requires_grad]
    if not pairs:
        return [None] * len(checked)
    grads = ag.autograd.grad(
        [o for o, _ in pairs], [ins[i] for i in checked], [s for _, s in pairs],
        retain_graph=True, allow_unused=True,
    )
    return [None if g is None else _host(g) for g in grads]


def _check_full(fn, ins, checked, outs, diff_outs, eps, atol, rtol) -> None:
    import arraygrad as ag

    numerical = {i: _numerical_columns(fn, ins, i, eps) for i in checked}
    for j, o in enumerate(outs):
        o_host = _host(o)
        out_complex = np.iscomplexobj(o_host)
        for e in range(o_host.size):
            for part in (1.0, 1j) if out_complex else (1.0,):
                seeds = []
                for jj, oo in enumerate(outs):
                    s = np.zeros(_host(oo).shape, dtype=_host(oo).dtype)
                    if jj == j:
                        s.reshape(-1)[e] = part
                    seeds.append(ag.asarray(s, device=oo.device))
                analytic = _analytic(outs, ins, checked, seeds)
                for slot, i in enumerate(checked):
                    a_flat = (
                        np.zeros(_host(ins[i]).size, dtype=_host(ins[i]).dtype)
                        if analytic[slot] is None
                        else analytic[slot].reshape(-1)
                    )
                    expected = np.zeros_like(a_flat)
                    for k, imag, cols in numerical[i]:
                        d = cols[j].reshape(-1)[e]
                        val = d.real if part == 1.0 else d.imag
                        if imag:
                            expected[k] = expected[k] + 1j * val
                        else:
                            expected[k] = expected[k] + val
                    bad = ~np.isclose(a_flat, expected, rtol=rtol, atol=atol)
                    if np.any(bad):
                        k = int(np.argmax(bad))
                        raise GradcheckError(
                            f"gradcheck: the gradient of input {i} at element "
                            f"{np.unravel_index(k, _host(ins[i]).shape)} for output {j} element "
                            f"{np.unravel_index(e, o_host.shape)}{' (imaginary part)' if part == 1j else ''}: "
                            f"analytic {a_flat[k]!r}, numerical {expected[k]!r} "
                            f"(atol={atol}, rtol={rtol})"
                        )


def _check_fast(fn, ins, checked, outs, eps, atol, rtol, n_directions, seed) -> None:
    import arraygrad as ag

    rng = np.random.default_rng(seed)

    def rand_like(a: np.ndarray) -> np.ndarray:
        r = rng.standard_normal(a.shape)
        if np.iscomplexobj(a):
            r = r + 1j * rng.standard_normal(a.shape)
        return r.astype(a.dtype)

    for _ in range(n_directions):
        u = [rand_like(_host(o)) for o in outs]
        seeds = [ag.asarray(x, device=o.device) for x, o in zip(u, outs)]
        analytic = _analytic(outs, ins, checked, seeds)
        for slot, i in enumerate(checked):
            base = _host(ins[i])
            v = rand_like(base)
            fp = _evaluate(fn, ins, i, base + eps * v)
            fm = _evaluate(fn, ins, i, base - eps * v)
            # d/dt L(x + t v) with L = Re<u, out>
            num = sum(
                float(np.real(np.vdot(uu, (p - m) / (2 * eps)))) for uu, p, m in zip(u, fp, fm)
            )
            a = analytic[slot]
            ana = 0.0 if a is None else float(np.real(np.vdot(a, v)))
            if not np.isclose(ana, num, rtol=rtol, atol=atol):
                raise GradcheckError(
                    f"gradcheck (fast mode): input {i}, random direction: analytic "
                    f"<J^T u, v> = {ana!r}, numerical <u, J v> = {num!r} (atol={atol}, rtol={rtol})"
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
    seed: int = 0,
) -> bool:
    """Return True if the second derivatives of ``fn`` match finite differences of its gradient.

    Checks the function ``(inputs, u) -> autograd.grad(fn(inputs), inputs, u,
    create_graph=True)`` with :func:`gradcheck`; ``u`` is random unless ``grad_outputs``.
    """
    import arraygrad as ag

    ins = _as_tuple(inputs)
    checked = [i for i, t in enumerate(ins) if isinstance(t, ag.Tensor) and t.requires_grad]
    outs = _float_outputs(fn(*ins))
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
        us = [g.detach().requires_grad_() for g in grad_outputs]
    n_in = len(ins)

    def first_order(*args: Any) -> tuple[Any, ...]:
        xs, seeds = args[:n_in], args[n_in:]
        o = [x for x in _float_outputs(fn(*xs)) if x.requires_grad]
        grads = ag.autograd.grad(
            o, [xs[i] for i in checked], list(seeds)[: len(o)], create_graph=True, allow_unused=True
        )
        return tuple(g for g in grads if g is not None)

    return gradcheck(
        first_order, (*ins, *us), eps=eps, atol=atol, rtol=rtol, fast_mode=fast_mode,
        raise_exception=raise_exception,
    )
