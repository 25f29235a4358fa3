"""arraygrad.nn.functional against torch.nn.functional: values and gradients, every backend."""

from __future__ import annotations

import numpy as np
import pytest

import arraygrad as ag
import arraygrad.nn
import arraygrad.nn.functional as F

# These tests compare with PyTorch (a test-only tool, never a dependency of arraygrad).
torch = pytest.importorskip("torch")
TF = torch.nn.functional

nn = arraygrad.nn
RTOL = 1e-12
ATOL = 1e-13


def to_np(t: ag.Tensor) -> np.ndarray:
    return np.array(t.detach().to_device("cpu"), copy=True)


def leaf(values: np.ndarray, device: ag.Device) -> ag.Tensor:
    return ag.asarray(np.asarray(values), device=device, requires_grad=True)


def torch_leaf(values: np.ndarray) -> torch.Tensor:
    return torch.tensor(np.asarray(values), requires_grad=True)


def compare(ours, theirs, inputs, torch_inputs, seed=None):
    """Check the values, then the gradients for the same output gradient ``seed``."""
    np.testing.assert_allclose(to_np(ours), theirs.detach().numpy(), rtol=RTOL, atol=ATOL)
    if seed is None:
        seed = np.random.default_rng(7).standard_normal(tuple(theirs.shape))
    grads = ag.autograd.grad(ours, inputs, ag.asarray(seed, device=inputs[0].device))
    expected = torch.autograd.grad(theirs, torch_inputs, torch.tensor(seed))
    for g, e in zip(grads, expected, strict=True):
        np.testing.assert_allclose(to_np(g), e.numpy(), rtol=RTOL, atol=ATOL)


VALUES = np.array([[-3.0, -0.5, 0.0, 0.25, 2.0], [1e-3, -1e-3, 5.0, -7.0, 0.0]])


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (F.relu, TF.relu),
        (F.tanh, torch.tanh),
        (F.sigmoid, torch.sigmoid),
        (lambda x: F.softmax(x, axis=1), lambda x: TF.softmax(x, dim=1)),
        (lambda x: F.softmax(x, axis=0), lambda x: TF.softmax(x, dim=0)),
        (lambda x: F.log_softmax(x, axis=-1), lambda x: TF.log_softmax(x, dim=-1)),
        (lambda x: F.log_softmax(x, axis=0), lambda x: TF.log_softmax(x, dim=0)),
    ],
    ids=["relu", "tanh", "sigmoid", "softmax1", "softmax0", "log_softmax-1", "log_softmax0"],
)
def test_activations_match_torch(device, ours, theirs):
    x, tx = leaf(VALUES, device), torch_leaf(VALUES)
    compare(ours(x), theirs(tx), [x], [tx])


@pytest.mark.parametrize(("ours", "theirs"), [(nn.ReLU, torch.nn.ReLU), (nn.Tanh, torch.nn.Tanh),
                                              (nn.Sigmoid, torch.nn.Sigmoid)])  # fmt: skip
def test_activation_modules(device, ours, theirs):
    x, tx = leaf(VALUES, device), torch_leaf(VALUES)
    compare(ours()(x), theirs()(tx), [x], [tx])


def test_softmax_modules(device):
    x, tx = leaf(VALUES, device), torch_leaf(VALUES)
    compare(nn.Softmax(axis=0)(x), torch.nn.Softmax(dim=0)(tx), [x], [tx])
    compare(nn.LogSoftmax()(x), torch.nn.LogSoftmax(dim=-1)(tx), [x], [tx])


def test_relu_gradient_at_zero_is_zero(device):
    x = leaf(np.array([-1.0, 0.0, 1.0]), device)
    ag.sum(F.relu(x)).backward()
    np.testing.assert_array_equal(to_np(x.grad), [0.0, 0.0, 1.0])


def test_relu_keeps_nan_and_integers(device):
    x = ag.asarray([float("nan"), -1.0, 2.0], device=device)
    np.testing.assert_array_equal(to_np(F.relu(x)), [np.nan, 0.0, 2.0])
    i = ag.asarray([-2, 0, 3], device=device)
    assert F.relu(i).dtype == i.dtype
    np.testing.assert_array_equal(to_np(F.relu(i)), [0, 0, 3])


def test_sigmoid_is_stable_for_large_inputs(device):
    values = np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])
    x, tx = leaf(values, device), torch_leaf(values)
    y = F.sigmoid(x)
    assert np.all(np.isfinite(to_np(y)))
    compare(y, torch.sigmoid(tx), [x], [tx], seed=np.ones(5))
    # The tiny values are kept (no 1 - 1 cancellation): log(sigmoid(-40)) = -40.
    np.testing.assert_allclose(np.log(to_np(y)[1]), -40.0, rtol=1e-14)


def test_softmax_is_stable_for_large_logits(device):
    values = np.array([[1000.0, 1001.0, 999.0], [-1000.0, -1002.0, -1001.0]])
    x, tx = leaf(values, device), torch_leaf(values)
    compare(F.log_softmax(x, axis=1), TF.log_softmax(tx, dim=1), [x], [tx])
    compare(F.softmax(x, axis=1), TF.softmax(tx, dim=1), [x], [tx])


def test_softmax_rejects_bad_input(device):
    with pytest.raises(ValueError, match="at least 1 dimension"):
        F.softmax(ag.asarray(1.0, device=device))
    with pytest.raises(TypeError, match="real floating"):
        F.log_softmax(ag.asarray([1, 2], device=device))


def test_softmax_second_order(device):
    # Every function here is composed of differentiable rules: higher order works.
    x = leaf(np.array([0.3, -1.2, 2.0]), device)
    (g,) = ag.autograd.grad(ag.sum(F.log_softmax(x) ** 2), [x], create_graph=True)
    (h,) = ag.autograd.grad(ag.sum(g), [x])
    tx = torch_leaf(np.array([0.3, -1.2, 2.0]))
    (tg,) = torch.autograd.grad((TF.log_softmax(tx, dim=-1) ** 2).sum(), [tx], create_graph=True)
    (th,) = torch.autograd.grad(tg.sum(), [tx])
    np.testing.assert_allclose(to_np(h), th.numpy(), rtol=1e-10, atol=1e-12)


def test_linear_matches_torch(device):
    rng = np.random.default_rng(0)
    xv, wv, bv = rng.standard_normal((4, 3)), rng.standard_normal((5, 3)), rng.standard_normal(5)
    x, w, b = leaf(xv, device), leaf(wv, device), leaf(bv, device)
    tx, tw, tb = torch_leaf(xv), torch_leaf(wv), torch_leaf(bv)
    compare(F.linear(x, w, b), TF.linear(tx, tw, tb), [x, w, b], [tx, tw, tb])
    compare(F.linear(x, w), TF.linear(tx, tw), [x, w], [tx, tw])
    x1, tx1 = leaf(xv[0], device), torch_leaf(xv[0])
    compare(F.linear(x1, w, b), TF.linear(tx1, tw, tb), [x1, w, b], [tx1, tw, tb])


# -- losses ----------------------------------------------------------------------------------
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_loss_matches_torch(device, reduction):
    rng = np.random.default_rng(1)
    iv, tv = rng.standard_normal((6, 3)), rng.standard_normal((6, 3))
    i, t = leaf(iv, device), leaf(tv, device)
    ti, tt = torch_leaf(iv), torch_leaf(tv)
    compare(
        nn.MSELoss(reduction=reduction)(i, t),
        torch.nn.MSELoss(reduction=reduction)(ti, tt),
        [i, t],
        [ti, tt],
    )


def test_mse_loss_warns_when_shapes_broadcast(device):
    i = ag.zeros((4, 1), device=device)
    t = ag.zeros((4,), device=device)
    with pytest.warns(UserWarning, match="broadcast"):
        F.mse_loss(i, t)


def test_reduction_must_be_known(device):
    with pytest.raises(ValueError, match="reduction"):
        nn.MSELoss(reduction="avg")
    with pytest.raises(ValueError, match="reduction"):
        F.cross_entropy(ag.zeros((2, 3), device=device), ag.asarray([0, 1], device=device),
                        reduction="batchmean")  # fmt: skip


CE_CASES = {
    # name: (input shape, target kind, kwargs)
    "batch": ((5, 4), "index", {}),
    "unbatched": ((4,), "index", {}),
    "spatial": ((3, 4, 2, 2), "index", {}),
    "weight": ((6, 4), "index", {"weight": True}),
    "ignore": ((6, 4), "index", {"ignore_index": 2}),
    "ignore-weight": ((6, 4), "index", {"ignore_index": 1, "weight": True}),
    "smoothing": ((6, 4), "index", {"label_smoothing": 0.2}),
    "smoothing-weight-ignore": ((3, 4, 2), "index",
                                {"label_smoothing": 0.1, "weight": True, "ignore_index": 0}),
    "probs": ((5, 4), "prob", {}),
    "probs-unbatched": ((4,), "prob", {}),
    "probs-spatial": ((2, 4, 3), "prob", {}),
    "probs-weight-smoothing": ((5, 4), "prob", {"weight": True, "label_smoothing": 0.3}),
}  # fmt: skip


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("case", list(CE_CASES))
def test_cross_entropy_matches_torch(device, case, reduction):
    shape, kind, options = CE_CASES[case]
    rng = np.random.default_rng(list(CE_CASES).index(case))
    logits = 3 * rng.standard_normal(shape)
    n_classes = shape[1] if len(shape) > 1 else shape[0]
    target_shape = shape[:1] + shape[2:] if len(shape) > 1 else ()
    if kind == "index":
        target_np = rng.integers(0, n_classes, size=target_shape)
        if "ignore_index" in options:
            target_np.flat[0] = options["ignore_index"]
    else:
        p = rng.random(shape)
        target_np = p / p.sum(axis=1 if len(shape) > 1 else 0, keepdims=True)
    kwargs = dict(options, reduction=reduction)
    tkwargs = dict(kwargs)
    if options.get("weight"):
        w = rng.random(n_classes) + 0.5
        kwargs["weight"] = ag.asarray(w, device=device)
        tkwargs["weight"] = torch.tensor(w)
    x, tx = leaf(logits, device), torch_leaf(logits)
    target = ag.asarray(target_np, device=device)
    ttarget = torch.tensor(target_np)
    compare(
        nn.CrossEntropyLoss(**kwargs)(x, target),
        torch.nn.CrossEntropyLoss(**tkwargs)(tx, ttarget),
        [x],
        [tx],
    )


def test_cross_entropy_is_stable_for_large_logits(device):
    logits = np.array([[1e4, 0.0, -1e4], [-5e3, 5e3, 0.0]])
    x, tx = leaf(logits, device), torch_leaf(logits)
    target = np.array([1, 1])
    ours = F.cross_entropy(x, ag.asarray(target, device=device))
    theirs = TF.cross_entropy(tx, torch.tensor(target))
    assert np.isfinite(float(ours))
    compare(ours, theirs, [x], [tx])


def test_cross_entropy_takes_any_integer_dtype(device):
    x = ag.zeros((2, 3), device=device)
    for dtype in (ag.int32, ag.int64, ag.uint8):
        loss = F.cross_entropy(x, ag.asarray([0, 2], dtype=dtype, device=device))
        np.testing.assert_allclose(float(loss), np.log(3.0), rtol=1e-14)


def test_cross_entropy_errors(device):
    x = ag.zeros((2, 3), device=device)
    with pytest.raises(IndexError, match="target 3 is out of bounds"):
        F.cross_entropy(x, ag.asarray([0, 3], device=device))
    with pytest.raises(IndexError, match="target -1 is out of bounds"):
        F.cross_entropy(x, ag.asarray([-1, 0], device=device))
    with pytest.raises(ValueError, match="must have shape"):
        F.cross_entropy(x, ag.asarray([0, 1, 2], device=device))
    with pytest.raises(ValueError, match="input's shape"):
        F.cross_entropy(x, ag.zeros((2, 4), device=device))
    with pytest.raises(TypeError, match="class indices"):
        F.cross_entropy(x, ag.asarray([True, False], device=device))
    with pytest.raises(ValueError, match="weight must have shape"):
        F.cross_entropy(x, ag.asarray([0, 1], device=device), weight=ag.ones(2, device=device))
    with pytest.raises(ValueError, match="label_smoothing"):
        F.cross_entropy(x, ag.asarray([0, 1], device=device), label_smoothing=1.5)
    with pytest.raises(ValueError, match="class axis"):
        F.cross_entropy(ag.asarray(1.0, device=device), ag.asarray(0, device=device))


def test_cross_entropy_all_ignored_is_nan_as_torch(device):
    x = ag.zeros((2, 3), device=device)
    loss = F.cross_entropy(x, ag.asarray([-100, -100], device=device))
    assert np.isnan(float(loss))
    assert np.isnan(TF.cross_entropy(torch.zeros(2, 3), torch.tensor([-100, -100])).item())


def test_cross_entropy_weight_moves_with_the_module(device):
    loss = nn.CrossEntropyLoss(weight=ag.asarray([1.0, 2.0, 3.0]))
    loss.to_device(device)
    assert loss.weight.device == device
    x = ag.zeros((2, 3), device=device)
    expected = TF.cross_entropy(torch.zeros(2, 3, dtype=torch.float64), torch.tensor([0, 2]),
                                weight=torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64))  # fmt: skip
    np.testing.assert_allclose(float(loss(x, ag.asarray([0, 2], device=device))), expected.item())
