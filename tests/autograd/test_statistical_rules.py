"""Exact values of the statistical rules where finite differences cannot reach: zeros in
prod and cumulative_prod (first and second order), and var/std corrections and edge cases."""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest

import arraygrad as ag


def _t(values, device, requires_grad=True):
    return ag.asarray(
        np.asarray(values, dtype=np.float64), device=device, requires_grad=requires_grad
    )


def _np(t):
    return np.asarray(t.detach().to_device("cpu"))


def _grad(out, x, create_graph=False):
    (g,) = ag.autograd.grad([out], [x], [ag.ones_like(out)], create_graph=create_graph)
    return g


def _hessian(fn, x):
    """The Hessian of a scalar fn at x, row by row through create_graph."""
    g = _grad(fn(x), x, create_graph=True)
    n = g.shape[0]
    rows = []
    for i in range(n):
        (h,) = ag.autograd.grad([g[i]], [x], retain_graph=True, allow_unused=True)
        rows.append(np.zeros(n) if h is None else _np(h))
    return np.stack(rows)


def _prod_hessian(x):
    n = len(x)
    h = np.zeros((n, n))
    for i, j in itertools.permutations(range(n), 2):
        h[i, j] = math.prod(x[k] for k in range(n) if k not in (i, j))
    return h


# -- prod -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([2.0, 0.0, 3.0, 4.0], [0.0, 24.0, 0.0, 0.0]),  # one zero: the product of the others
        ([2.0, 0.0, 3.0, 0.0], [0.0, 0.0, 0.0, 0.0]),  # two zeros: nothing
        ([0.0], [1.0]),
        ([2.0, -3.0, 0.5], [-1.5, 1.0, -6.0]),
    ],
)
def test_prod_with_zeros(device, values, expected):
    x = _t(values, device)
    np.testing.assert_array_equal(_np(_grad(ag.prod(x), x)), expected)


def test_prod_axis_with_zeros(device):
    x = _t([[2.0, 0.0, 3.0], [1.0, 2.0, 3.0], [0.0, 0.0, 5.0]], device)
    np.testing.assert_array_equal(
        _np(_grad(ag.prod(x, axis=1), x)), [[0.0, 6.0, 0.0], [6.0, 3.0, 2.0], [0.0, 0.0, 0.0]]
    )
    np.testing.assert_array_equal(
        _np(_grad(ag.prod(x, axis=0, keepdims=True), x)),
        [[0.0, 0.0, 15.0], [0.0, 0.0, 15.0], [2.0, 0.0, 9.0]],
    )


def test_prod_tuple_axis_with_zero(device):
    x = _t([[[2.0, 0.0], [3.0, 4.0]], [[1.0, 2.0], [3.0, 4.0]]], device)
    got = _np(_grad(ag.prod(x, axis=(0, 2)), x))
    np.testing.assert_array_equal(got, [[[0.0, 4.0], [48.0, 36.0]], [[0.0, 0.0], [48.0, 36.0]]])


@pytest.mark.parametrize(
    "values", [[2.0, 0.0, 3.0], [2.0, 0.0, 0.0], [0.0, 0.0, 0.0, 5.0], [1.5, -2.0, 3.0]]
)
def test_prod_second_order_with_zeros(device, values):
    x = _t(values, device)
    np.testing.assert_allclose(_hessian(ag.prod, x), _prod_hessian(values), atol=1e-12)


# -- cumulative_prod --------------------------------------------------------------------------
def _cumprod_sum_grad(x):
    n = len(x)
    return np.array(
        [
            sum(math.prod(x[j] for j in range(i + 1) if j != k) for i in range(k, n))
            for k in range(n)
        ]
    )


def _cumprod_sum_hessian(x):
    n = len(x)
    h = np.zeros((n, n))
    for k, m in itertools.permutations(range(n), 2):
        h[k, m] = sum(
            math.prod(x[j] for j in range(i + 1) if j not in (k, m)) for i in range(max(k, m), n)
        )
    return h


CUMPROD_CASES = [
    [2.0, 0.0, 3.0, 0.0],  # torch: [1, 8, 0, 0]
    [0.0, 2.0, 3.0],
    [2.0, 3.0, 0.0],
    [1.5, 0.0, 2.0, 0.0, 3.0, 0.0],
    [0.0, 0.0, 2.0],
    [1.5, -2.0, 0.5],
]


@pytest.mark.parametrize("values", CUMPROD_CASES)
def test_cumulative_prod_with_zeros(device, values):
    x = _t(values, device)
    got = _np(_grad(ag.sum(ag.cumulative_prod(x)), x))
    np.testing.assert_allclose(got, _cumprod_sum_grad(values), rtol=1e-12)


def test_cumulative_prod_matches_torch():
    torch = pytest.importorskip("torch")
    t = torch.tensor([2.0, 0.0, 3.0, 0.0], dtype=torch.float64, requires_grad=True)
    torch.cumprod(t, 0).sum().backward()
    x = _t([2.0, 0.0, 3.0, 0.0], None)
    np.testing.assert_array_equal(_np(_grad(ag.sum(ag.cumulative_prod(x)), x)), t.grad.numpy())


@pytest.mark.parametrize("values", CUMPROD_CASES)
def test_cumulative_prod_second_order_with_zeros(device, values):
    x = _t(values, device)
    got = _hessian(lambda x: ag.sum(ag.cumulative_prod(x)), x)
    np.testing.assert_allclose(got, _cumprod_sum_hessian(values), atol=1e-12)


def test_cumulative_prod_include_initial_axis(device):
    x = _t([[2.0, 0.0, 3.0], [1.0, 2.0, 0.0]], device)
    out = ag.cumulative_prod(x, axis=1, include_initial=True)
    assert out.shape == (2, 4)
    got = _np(_grad(ag.sum(out), x))
    np.testing.assert_allclose(
        got, [_cumprod_sum_grad([2.0, 0.0, 3.0]), _cumprod_sum_grad([1.0, 2.0, 0.0])]
    )


def test_cumulative_sum_include_initial(device):
    x = _t([[1.0, 2.0, 3.0]], device)
    seed = ag.asarray(np.array([[1.0, 10.0, 100.0, 1000.0]]), device=device)
    (g,) = ag.autograd.grad([ag.cumulative_sum(x, axis=-1, include_initial=True)], [x], [seed])
    np.testing.assert_array_equal(_np(g), [[1110.0, 1100.0, 1000.0]])


# -- var and std ------------------------------------------------------------------------------
@pytest.mark.parametrize("correction", [0, 1, 0.5, 2])
def test_var_std_corrections(device, correction):
    values = np.array([1.0, 2.0, 4.0, 7.0])
    x = _t(values, device)
    dof = len(values) - correction
    dev = values - values.mean()
    std = math.sqrt((dev**2).sum() / dof)
    np.testing.assert_allclose(_np(_grad(ag.var(x, correction=correction), x)), 2 * dev / dof)
    np.testing.assert_allclose(_np(_grad(ag.std(x, correction=correction), x)), dev / (dof * std))


@pytest.mark.parametrize("keepdims", [False, True])
def test_var_std_axis(device, keepdims):
    values = np.array([[1.0, 2.0, 4.0], [0.0, 3.0, 3.0]])
    x = _t(values, device)
    dev = values - values.mean(axis=1, keepdims=True)
    np.testing.assert_allclose(
        _np(_grad(ag.var(x, axis=1, correction=1, keepdims=keepdims), x)), dev
    )
    std = np.sqrt((dev**2).sum(axis=1, keepdims=True) / 2)
    np.testing.assert_allclose(
        _np(_grad(ag.std(x, axis=-1, correction=1, keepdims=keepdims), x)), dev / (2 * std)
    )


def test_std_zero_variance_gives_zero(device):
    # torch masks std's gradient to 0 where the std is 0 (a constant slice).
    x = _t([[3.0, 3.0, 3.0], [1.0, 2.0, 3.0]], device)
    got = _np(_grad(ag.std(x, axis=1), x))
    np.testing.assert_array_equal(got[0], [0.0, 0.0, 0.0])
    assert np.all(np.isfinite(got[1]))
    g = _grad(ag.std(x, axis=1), x, create_graph=True)
    (h,) = ag.autograd.grad([ag.sum(g)], [x], allow_unused=True)
    assert h is None or np.all(np.isfinite(_np(h)))


@pytest.mark.parametrize("name", ["var", "std"])
def test_no_degrees_of_freedom_gives_nan(device, name):
    x = _t([1.0, 2.0], device)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out = getattr(ag, name)(x, correction=2)
        assert np.isnan(_np(out))
        assert np.all(np.isnan(_np(_grad(out, x))))
