"""max and min at ties: the gradient is split evenly among the tied elements (torch's amax)."""

from __future__ import annotations

import numpy as np
import pytest

import arraygrad as ag


def _t(values, device, requires_grad=True):
    return ag.asarray(
        np.asarray(values, dtype=np.float64), device=device, requires_grad=requires_grad
    )


def _np(t):
    return np.asarray(t.detach().to_device("cpu"))


def _grad(fn, x, seed=None):
    out = fn(x)
    (g,) = ag.autograd.grad([out], [x], [ag.ones_like(out) if seed is None else seed])
    return _np(g)


@pytest.mark.parametrize("name", ["max", "min"])
def test_full_reduction_splits_evenly(device, name):
    values = [3.0, 1.0, 3.0, 3.0] if name == "max" else [1.0, 3.0, 1.0, 1.0]
    x = _t(values, device)
    np.testing.assert_allclose(_grad(getattr(ag, name), x), [1 / 3, 0.0, 1 / 3, 1 / 3])


@pytest.mark.parametrize("name", ["max", "min"])
def test_all_equal(device, name):
    x = _t([[2.0, 2.0], [2.0, 2.0]], device)
    np.testing.assert_allclose(_grad(getattr(ag, name), x), np.full((2, 2), 0.25))


@pytest.mark.parametrize("keepdims", [False, True])
def test_axis_splits_per_slice(device, keepdims):
    x = _t([[1.0, 2.0, 2.0], [5.0, 5.0, 0.0], [7.0, 1.0, 4.0]], device)
    shape = (3, 1) if keepdims else (3,)
    seed = ag.asarray(np.array([2.0, 4.0, 6.0]).reshape(shape), device=device)
    got = _grad(lambda x: ag.max(x, axis=-1, keepdims=keepdims), x, seed)
    np.testing.assert_allclose(got, [[0.0, 1.0, 1.0], [2.0, 2.0, 0.0], [6.0, 0.0, 0.0]])
    got = _grad(
        lambda x: ag.min(x, axis=0, keepdims=keepdims),
        x,
        ag.asarray(np.array([2.0, 4.0, 6.0]).reshape((1, 3) if keepdims else (3,)), device=device),
    )
    np.testing.assert_allclose(got, [[2.0, 0.0, 0.0], [0.0, 0.0, 6.0], [0.0, 4.0, 0.0]])


def test_tuple_axis(device):
    x = _t([[[1.0, 4.0], [4.0, 0.0]], [[4.0, 4.0], [2.0, 3.0]]], device)
    got = _grad(lambda x: ag.max(x, axis=(1, 2)), x)
    np.testing.assert_allclose(got, [[[0.0, 0.5], [0.5, 0.0]], [[0.5, 0.5], [0.0, 0.0]]])


def test_nan_result_shares_among_nans(device):
    # A NaN result: the NaN elements share the gradient (torch's max() without dim).
    x = _t([1.0, np.nan, 3.0, np.nan], device)
    np.testing.assert_allclose(_grad(ag.max, x), [0.0, 0.5, 0.0, 0.5])


def test_second_order_is_zero(device):
    x = _t([3.0, 1.0, 3.0], device)
    (g,) = ag.autograd.grad([ag.max(x)], [x], create_graph=True)
    np.testing.assert_allclose(_np(g), [0.5, 0.0, 0.5])
    # The gradient is piecewise constant in x: nothing to differentiate again (as torch).
    if g.requires_grad:
        (h,) = ag.autograd.grad([ag.sum(g * g)], [x], allow_unused=True)
        assert h is None or np.all(_np(h) == 0)


def test_matches_torch_amax():
    torch = pytest.importorskip("torch")
    values = np.array([[3.0, 1.0, 3.0], [0.0, 0.0, 0.0], [2.0, 5.0, 1.0]])
    for axis in (None, 0, 1):
        t = torch.tensor(values, requires_grad=True)
        dims = () if axis is None else (axis,)
        torch.amax(t, dim=dims).sum().backward()
        x = _t(values, None)
        np.testing.assert_allclose(
            _grad(lambda x, a=axis: ag.sum(ag.max(x, axis=a)), x), t.grad.numpy()
        )
