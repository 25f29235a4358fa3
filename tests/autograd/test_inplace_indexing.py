"""In-place changes and indexing inside a graph: right gradients, or a clear error.

``x[key] = v`` and ``x += y`` on a non-leaf are recorded out of place (copy-on-write), so
values saved by earlier nodes stay intact; in-place changes of a leaf that requires grad
are errors outside ``no_grad``; changing a saved tensor that does not require grad makes
backward raise; optimizer updates under ``no_grad`` write into the parameter's buffer.
"""

from __future__ import annotations

import numpy as np
import pytest

import arraygrad as ag
from conftest import xfail_on

# Dask's own behaviour for a data-dependent size (docs/backends.md).
DASK_MASK_WRITE = (
    "an array written through a boolean mask: the selection's size is data-dependent "
    "(Dask writes scalars through masks, not arrays)"
)


def _np(t):
    return np.array(np.asarray(t.detach().to_device("cpu")), copy=True)


def _t(values, device, **kw):
    return ag.asarray(np.array(values, dtype=np.float64), device=device, **kw)


def _leaf(values, device):
    return _t(values, device, requires_grad=True)


# -- x[key] = v on a non-leaf ------------------------------------------------------------------
_KEYS = {
    "slice": (lambda dev: slice(1, 3), [1, 2]),
    "int": (lambda dev: 2, [2]),
    "negative-step": (lambda dev: slice(None, 0, -2), [3, 1]),
    "mask": (lambda dev: ag.asarray([False, True, False, True], device=dev), [1, 3]),
    "int-array": (lambda dev: ag.asarray([3, 0], device=dev), [3, 0]),
    "mixed": (lambda dev: (ag.asarray([2, 0], device=dev), Ellipsis), [2, 0]),
}


@pytest.mark.parametrize("key_kind", sorted(_KEYS))
def test_setitem_on_non_leaf_gives_both_gradients(device, key_kind):
    make_key, positions = _KEYS[key_kind]
    if key_kind == "mask":
        xfail_on(device, "dask", reason=DASK_MASK_WRITE)
    key = make_key(device)
    a0 = np.array([1.0, 2.0, 3.0, 4.0])
    v0 = np.array([10.0, 20.0])[: len(positions)]
    a = _leaf(a0, device)
    v = _leaf(v0, device)
    y = a * 2  # a non-leaf
    w = v * 3
    y[key] = w if len(positions) > 1 else ag.reshape(w, ())
    assert y.grad_fn is not None
    loss = ag.sum(y * y)
    loss.backward()
    # y = 2a off the key, 3v on it: dloss/da = 8a off the key, 0 on it; dloss/dv = 18v.
    expected_a = 8 * a0
    expected_a[positions] = 0
    np.testing.assert_allclose(_np(a.grad), expected_a)
    np.testing.assert_allclose(_np(v.grad), 18 * v0)
    expected_y = 2 * a0
    expected_y[positions] = 3 * v0
    np.testing.assert_allclose(_np(y), expected_y)


def test_setitem_keeps_values_saved_before(device):
    a0 = np.array([1.0, 2.0, 3.0])
    a = _leaf(a0, device)
    v = _leaf([5.0], device)
    y = a * 2
    z = y * y  # saves y's old value
    y[0:1] = v
    loss = ag.sum(z) + ag.sum(y)
    loss.backward()
    # z = 4a^2 (old y): 8a; y's new value: 2 off position 0.
    np.testing.assert_allclose(_np(a.grad), 8 * a0 + np.array([0.0, 2.0, 2.0]))
    np.testing.assert_allclose(_np(v.grad), [1.0])
    np.testing.assert_allclose(_np(z), 4 * a0**2)


def test_setitem_of_scalar_cuts_the_gradient(device):
    a0 = np.array([1.0, 2.0, 3.0])
    a = _leaf(a0, device)
    y = a * 1
    y[1] = 0.0
    ag.sum(y * y).backward()
    np.testing.assert_allclose(_np(a.grad), [2.0, 0.0, 6.0])


@pytest.mark.backend_xfail("dask", reason=DASK_MASK_WRITE)
def test_setitem_of_grad_value_into_constant(device):
    # The target does not require grad; the value does: the result joins the graph.
    x = _t([0.0, 0.0, 0.0], device)
    v = _leaf([2.0, 3.0], device)
    x[ag.asarray([True, False, True], device=device)] = v
    assert x.requires_grad
    assert x.grad_fn is not None
    ag.sum(x * x).backward()
    np.testing.assert_allclose(_np(v.grad), [4.0, 6.0])


# -- x += y on a non-leaf ----------------------------------------------------------------------
def test_augmented_assignment_on_non_leaf(device):
    a0, b0 = np.array([1.0, 2.0]), np.array([3.0, -1.0])
    a = _leaf(a0, device)
    b = _leaf(b0, device)
    y = a * 1
    z = y * y  # saves y's old value
    y += b * 2
    y *= 3
    loss = ag.sum(z) + ag.sum(y * y)
    loss.backward()
    yv = 3 * (a0 + 2 * b0)
    np.testing.assert_allclose(_np(y), yv)
    np.testing.assert_allclose(_np(a.grad), 2 * a0 + 2 * yv * 3)
    np.testing.assert_allclose(_np(b.grad), 2 * yv * 6)


# -- errors ------------------------------------------------------------------------------------
def _iadd(t):
    t += 1.0


def _setitem(t):
    t[0] = 10.0


_CHANGES = {"iadd": _iadd, "setitem": _setitem}


@pytest.mark.parametrize("change", sorted(_CHANGES))
def test_inplace_on_leaf_requiring_grad_raises(device, change):
    a = _leaf([1.0, 2.0], device)
    with pytest.raises(RuntimeError, match="leaf"):
        _CHANGES[change](a)
    np.testing.assert_array_equal(_np(a), [1.0, 2.0])


@pytest.mark.parametrize("change", sorted(_CHANGES))
def test_changing_a_saved_tensor_then_backward_raises(device, change):
    a = _leaf([1.0, 2.0], device)
    c = _t([3.0, 4.0], device)  # does not require grad, saved by multiply
    z = a * c
    _CHANGES[change](c)
    with pytest.raises(RuntimeError, match="in-place"):
        ag.sum(z).backward()


def test_no_grad_change_of_a_saved_leaf_raises_at_backward(device):
    w = _leaf([1.0, 2.0], device)
    z = w * w
    with ag.autograd.no_grad():
        w -= 1.0
    with pytest.raises(RuntimeError, match="in-place"):
        ag.sum(z).backward()


# -- optimizer-style updates -------------------------------------------------------------------
@pytest.mark.backend_xfail(
    "jax", reason="JAX arrays are immutable: an in-place update makes a new buffer"
)
def test_optimizer_update_under_no_grad_writes_into_the_buffer(device):
    w0 = np.array([1.0, -2.0, 3.0])
    w = _leaf(w0, device)
    ag.sum(w * w).backward()
    np.testing.assert_allclose(_np(w.grad), 2 * w0)
    buffer = w.raw
    lr = 0.1
    with ag.autograd.no_grad():
        w -= lr * w.grad
        w[0] = 7.0
    assert w.raw is buffer
    assert w.requires_grad
    assert w.grad_fn is None
    assert w.is_leaf
    expected = w0 - lr * 2 * w0
    expected[0] = 7.0
    np.testing.assert_allclose(_np(w), expected)
    # The updated parameter takes part in the next step as before.
    w.grad = None
    ag.sum(w * w).backward()
    np.testing.assert_allclose(_np(w.grad), 2 * expected)


# -- indexing gradients ------------------------------------------------------------------------
def test_repeated_indices_accumulate(device):
    x = _leaf([1.0, 2.0, 3.0], device)
    y = x[ag.asarray([0, 0, 1], device=device)]
    ag.sum(y * ag.asarray([1.0, 2.0, 5.0], device=device)).backward()
    np.testing.assert_allclose(_np(x.grad), [3.0, 5.0, 0.0])
    x.grad = None
    t = ag.take(x, ag.asarray([2, 2, 2, 0], device=device))
    ag.sum(t).backward()
    np.testing.assert_allclose(_np(x.grad), [1.0, 0.0, 3.0])


def test_repeated_indices_second_order(device):
    x0 = np.array([1.0, 2.0, 3.0])
    x = _leaf(x0, device)
    y = x[ag.asarray([0, 0, 2], device=device)]
    (g,) = ag.autograd.grad([ag.sum(y**3)], [x], create_graph=True)
    np.testing.assert_allclose(_np(g), [6.0, 0.0, 27.0])  # 3x^2 per copy
    ag.sum(g).backward()
    np.testing.assert_allclose(_np(x.grad), [12.0, 0.0, 18.0])  # 6x per copy


def test_unstack_unused_outputs_get_zero_gradient(device):
    x = _leaf([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], device)
    rows = ag.unstack(x, axis=0)
    ag.sum(rows[1] * 2).backward()
    np.testing.assert_allclose(_np(x.grad), [[0.0, 0.0], [2.0, 2.0], [0.0, 0.0]])


def test_mixed_key_gradient(device):
    x0 = np.arange(12.0).reshape(3, 4)
    x = _leaf(x0, device)
    key = (ag.asarray([2, 0, 2], device=device), slice(None, None, -2))
    y = x[key]
    assert y.shape == (3, 2)
    ag.sum(y).backward()
    expected = np.zeros((3, 4))
    np.add.at(expected, (np.array([2, 0, 2])[:, None], np.array([3, 1])[None, :]), 1.0)
    np.testing.assert_allclose(_np(x.grad), expected)
