"""Module, Parameter, Linear and Sequential: registration, traversal, state dicts, devices."""

from __future__ import annotations

import copy
import math
import pickle

import numpy as np
import pytest

import arraygrad as ag
import arraygrad.nn

# These tests compare with PyTorch (a test-only tool, never a dependency of arraygrad).
torch = pytest.importorskip("torch")

nn = arraygrad.nn


def to_np(t: ag.Tensor) -> np.ndarray:
    return np.array(t.detach().to_device("cpu"), copy=True)


class Block(nn.Module):
    def __init__(self, generator=None):
        super().__init__()
        self.fc = nn.Linear(3, 4, generator=generator)
        self.scale = nn.Parameter(ag.ones(4))
        self.register_buffer("running", ag.zeros(4))
        self.register_buffer("scratch", ag.zeros(2), persistent=False)
        self.act = nn.Tanh()

    def forward(self, x):
        return self.act(self.fc(x)) * self.scale


class Net(nn.Module):
    def __init__(self, generator=None):
        super().__init__()
        self.block = Block(generator)
        self.head = nn.Linear(4, 2, bias=False, generator=generator)

    def forward(self, x):
        return self.head(self.block(x))


# -- Parameter -------------------------------------------------------------------------------
def test_parameter_is_a_leaf_tensor_that_requires_grad():
    p = nn.Parameter(ag.asarray([1.0, 2.0]))
    assert isinstance(p, ag.Tensor)
    assert type(p) is nn.Parameter
    assert p.requires_grad
    assert p.is_leaf
    assert p.grad is None
    ag.sum(p * p).backward()
    np.testing.assert_array_equal(to_np(p.grad), [2.0, 4.0])
    assert type(p + 1) is ag.Tensor  # operations give plain tensors


def test_parameter_shares_the_buffer_and_drops_the_history():
    x = ag.asarray([1.0, 2.0], requires_grad=True)
    y = x * 2
    p = nn.Parameter(y)
    assert p.is_leaf
    assert p.grad_fn is None
    assert p.requires_grad
    assert p.raw is y.raw
    frozen = nn.Parameter(ag.asarray([1.0]), requires_grad=False)
    assert not frozen.requires_grad
    assert nn.Parameter([1.0, 2.0]).shape == (2,)
    assert nn.Parameter().shape == (0,)


def test_parameter_of_integers_cannot_require_grad():
    with pytest.raises(TypeError, match="floating-point"):
        nn.Parameter(ag.asarray([1, 2]))
    assert not nn.Parameter(ag.asarray([1, 2]), requires_grad=False).requires_grad


def test_parameter_repr_pickle_and_deepcopy():
    p = nn.Parameter(ag.asarray([1.0, 2.0]))
    assert repr(p).startswith("Parameter containing:\nTensor([1., 2.]")
    for q in (pickle.loads(pickle.dumps(p)), copy.deepcopy(p)):
        assert type(q) is nn.Parameter
        assert q.requires_grad
        np.testing.assert_array_equal(to_np(q), [1.0, 2.0])
        assert q.raw is not p.raw


# -- registration and traversal --------------------------------------------------------------
class TorchBlock(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(3, 4)
        self.scale = torch.nn.Parameter(torch.ones(4))
        self.register_buffer("running", torch.zeros(4))
        self.register_buffer("scratch", torch.zeros(2), persistent=False)
        self.act = torch.nn.Tanh()


class TorchNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.block = TorchBlock()
        self.head = torch.nn.Linear(4, 2, bias=False)


def names(pairs):
    return [n for n, _ in pairs]


def test_attributes_register_in_torch_s_order():
    net, tnet = Net(ag.random.Generator(0)), TorchNet()
    assert names(net.named_parameters()) == names(tnet.named_parameters())
    assert names(net.named_parameters()) == [
        "block.scale", "block.fc.weight", "block.fc.bias", "head.weight",
    ]  # fmt: skip
    assert names(net.named_buffers()) == names(tnet.named_buffers())
    assert names(net.named_modules()) == names(tnet.named_modules())
    assert names(net.named_children()) == names(tnet.named_children())
    assert list(net.state_dict()) == list(tnet.state_dict())
    assert list(net.children()) == [net.block, net.head]
    assert len(list(net.modules())) == 5
    assert names(net.named_parameters(recurse=False)) == []
    assert names(net.block.named_parameters(recurse=False)) == ["scale"]
    assert net.head.bias is None
    assert "fc" in dir(net.block)


def test_shared_parameters_and_modules_are_listed_once():
    class Tied(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(2, 2)
            self.b = self.a
            self.c = nn.Linear(2, 2)
            self.c.weight = self.a.weight

    m = Tied()
    assert len(list(m.parameters())) == 3  # a.weight, a.bias, c.bias
    assert [n for n, _ in m.named_modules()] == ["", "a", "c"]
    assert len(list(m.named_parameters(remove_duplicate=False))) == 6
    assert list(m.state_dict()) == ["a.weight", "a.bias", "b.weight", "b.bias", "c.weight", "c.bias"]


def test_setattr_rules():
    m = nn.Linear(2, 3)
    with pytest.raises(TypeError, match=r"expected an arraygrad\.nn\.Parameter or None"):
        m.weight = ag.zeros((3, 2))
    m.bias = None
    assert m.bias is None
    assert "bias" in m._parameters
    m.bias = nn.Parameter(ag.zeros(3))
    assert [n for n, _ in m.named_parameters()] == ["weight", "bias"]
    m.plain = 3  # ordinary attributes stay ordinary
    assert m.plain == 3
    del m.bias
    assert [n for n, _ in m.named_parameters()] == ["weight"]
    with pytest.raises(AttributeError, match="no attribute 'bias'"):
        m.bias
    with pytest.raises(TypeError, match="Parameter or None"):
        m.register_parameter("w2", ag.zeros(2))
    with pytest.raises(KeyError, match=r"contain no '\.'"):
        m.register_parameter("a.b", None)


def test_assigning_before_init_is_a_clear_error():
    class Bad(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(2, 2)
            super().__init__()

    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\)"):
        Bad()


def test_train_eval_zero_grad_requires_grad_apply():
    net = Net()
    assert net.training
    assert net.block.fc.training
    assert net.eval() is net
    assert not net.training
    assert not net.block.fc.training
    net.train()
    assert all(m.training for m in net.modules())

    ag.sum(net(ag.ones((2, 3)))).backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(float(ag.sum(ag.abs(p.grad))) == 0.0 for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())

    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "Tanh", "Block", "Linear", "Net"]


def test_forward_must_be_defined():
    with pytest.raises(NotImplementedError, match="forward"):
        nn.Module()(ag.ones(2))


def test_repr_like_torch():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1, bias=False))
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=3, out_features=4, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Linear(in_features=4, out_features=1, bias=False)\n"
        ")"
    )


# -- Sequential --------------------------------------------------------------------------------
def test_sequential_chains_and_indexes():
    from collections import OrderedDict

    a, r, b = nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)
    model = nn.Sequential(a, r, b)
    x = ag.ones((5, 3))
    np.testing.assert_allclose(to_np(model(x)), to_np(b(r(a(x)))))
    assert len(model) == 3
    assert list(model) == [a, r, b]
    assert model[0] is a
    assert model[-1] is b
    assert list(model[1:]) == [r, b]
    with pytest.raises(IndexError):
        model[3]
    named = nn.Sequential(OrderedDict([("first", a), ("act", r)]))
    assert [n for n, _ in named.named_children()] == ["first", "act"]
    model.append(nn.Tanh())
    assert len(model) == 4
    with pytest.raises(TypeError, match="not a Module"):
        nn.Sequential(a, lambda x: x)


# -- Linear ------------------------------------------------------------------------------------
def test_linear_init_is_torch_s_distribution_from_the_generator():
    lin = nn.Linear(50, 7, generator=ag.random.Generator(3))
    bound = 1 / math.sqrt(50)
    w, b = to_np(lin.weight), to_np(lin.bias)
    assert w.shape == (7, 50)
    assert b.shape == (7,)
    assert np.all(np.abs(w) <= bound)
    assert np.all(np.abs(b) <= bound)
    # The draws are numpy's PCG64 stream: weight first, then bias.
    rng = np.random.default_rng(3)
    np.testing.assert_allclose(w, rng.uniform(-bound, bound, (7, 50)), rtol=1e-14)
    np.testing.assert_allclose(b, rng.uniform(-bound, bound, (7,)), rtol=1e-14)
    # Torch's bounds: kaiming_uniform_(a=sqrt(5)) for the weight, 1/sqrt(fan_in) for the bias.
    t = torch.nn.Linear(50, 7)
    assert float(t.weight.detach().abs().max()) <= bound + 1e-7


def test_linear_seeding():
    a = nn.Linear(4, 3, generator=ag.random.Generator(0))
    b = nn.Linear(4, 3, generator=ag.random.Generator(0))
    np.testing.assert_array_equal(to_np(a.weight), to_np(b.weight))
    ag.random.seed(5)
    c = nn.Linear(4, 3)
    ag.random.seed(5)
    d = nn.Linear(4, 3)
    np.testing.assert_array_equal(to_np(c.weight), to_np(d.weight))


def test_linear_device_dtype_and_bias(device):
    lin = nn.Linear(4, 3, bias=False, device=device, dtype=ag.float32,
                    generator=ag.random.Generator(0))  # fmt: skip
    assert lin.bias is None
    assert lin.weight.device == device
    assert lin.weight.dtype == ag.float32
    same = nn.Linear(4, 3, bias=False, dtype=ag.float32, generator=ag.random.Generator(0))
    np.testing.assert_array_equal(to_np(lin.weight), to_np(same.weight))  # same on every device
    y = lin(ag.ones((2, 4), dtype=ag.float32, device=device))
    assert y.shape == (2, 3)
    assert y.device == device
    with pytest.raises(TypeError, match="float32 or float64"):
        nn.Linear(2, 2, dtype=ag.int32)
    with pytest.raises(ValueError, match="non-negative int"):
        nn.Linear(-1, 2)


def test_linear_matches_torch_with_copied_weights(device):
    lin = nn.Linear(5, 3, device=device, generator=ag.random.Generator(1))
    t = torch.nn.Linear(5, 3, dtype=torch.float64)
    with torch.no_grad():
        t.weight.copy_(torch.tensor(to_np(lin.weight)))
        t.bias.copy_(torch.tensor(to_np(lin.bias)))
    xv = np.random.default_rng(0).standard_normal((4, 5))
    y = lin(ag.asarray(xv, device=device))
    ty = t(torch.tensor(xv))
    np.testing.assert_allclose(to_np(y), ty.detach().numpy(), rtol=1e-13)
    ag.sum(y**2).backward()
    (ty**2).sum().backward()
    np.testing.assert_allclose(to_np(lin.weight.grad), t.weight.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(to_np(lin.bias.grad), t.bias.grad.numpy(), rtol=1e-12)


def test_init_functions():
    g = ag.random.Generator(0)
    w = nn.Parameter(ag.empty((3, 4)))
    nn.init.xavier_uniform_(w, generator=g)
    assert np.all(np.abs(to_np(w)) <= math.sqrt(6 / 7))
    nn.init.zeros_(w)
    assert not np.any(to_np(w))
    nn.init.ones_(w)
    assert np.all(to_np(w) == 1)
    nn.init.normal_(w, 0.0, 0.1, generator=g)
    assert w.requires_grad
    assert w.is_leaf
    assert nn.init.calculate_gain("relu") == math.sqrt(2)
    with pytest.raises(ValueError, match="at least 2"):
        nn.init.kaiming_uniform_(nn.Parameter(ag.empty((3,))))


# -- state dicts -------------------------------------------------------------------------------
def test_state_dict_round_trip():
    src = Net(ag.random.Generator(0))
    dst = Net(ag.random.Generator(1))
    sd = src.state_dict()
    assert "block.scratch" not in sd  # not persistent
    assert all(not v.requires_grad for v in sd.values())
    assert sd["head.weight"].raw is src.head.weight.raw  # references, as in torch
    result = dst.load_state_dict(sd)
    assert result == nn.IncompatibleKeys([], [])
    x = ag.ones((2, 3))
    np.testing.assert_array_equal(to_np(dst(x)), to_np(src(x)))
    # In place: the same Parameter objects, now holding copies.
    assert dst.head.weight.raw is not src.head.weight.raw
    assert dst.state_dict(keep_vars=True)["head.weight"] is dst.head.weight


def test_load_state_dict_errors_and_non_strict():
    net = Net()
    sd = dict(net.state_dict())
    sd.pop("block.scale")
    sd["extra"] = ag.zeros(1)
    with pytest.raises(RuntimeError, match=r"unexpected key\(s\): 'extra'.*\n.*missing key\(s\): 'block.scale'"):
        net.load_state_dict(sd)
    result = net.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["block.scale"]
    assert result.unexpected_keys == ["extra"]
    sd = net.state_dict()
    sd["head.weight"] = ag.zeros((3, 3))
    with pytest.raises(RuntimeError, match=r"size mismatch for 'head\.weight'"):
        net.load_state_dict(sd)
    with pytest.raises(TypeError, match="mapping"):
        net.load_state_dict([1, 2])


def test_load_state_dict_across_devices_and_from_numpy(device):
    src = Net(ag.random.Generator(0))
    dst = Net(ag.random.Generator(1)).to_device(device)
    dst.load_state_dict(src.state_dict())
    assert all(p.device == device for p in dst.parameters())
    x = ag.ones((2, 3))
    np.testing.assert_allclose(to_np(dst(x.to_device(device))), to_np(src(x)), rtol=1e-14)
    lin = nn.Linear(2, 1, device=device)
    lin.load_state_dict({"weight": np.array([[1.0, 2.0]]), "bias": [0.5]})
    np.testing.assert_array_equal(to_np(lin.weight), [[1.0, 2.0]])
    assert lin.weight.device == device


# -- devices -----------------------------------------------------------------------------------
def test_to_device_moves_parameters_grads_and_buffers_in_place(device):
    net = Net(ag.random.Generator(0))
    x = ag.ones((2, 3))
    expected = to_np(net(x))
    ag.sum(net(x)).backward()
    params = list(net.parameters())
    grads = [to_np(p.grad) for p in params]
    assert net.to_device(device) is net
    assert list(net.parameters()) == params  # the same objects
    for p, g in zip(params, grads, strict=True):
        assert type(p) is nn.Parameter
        assert p.device == device
        assert p.is_leaf
        assert p.requires_grad
        assert p.grad.device == device
        np.testing.assert_array_equal(to_np(p.grad), g)
    assert all(b.device == device for b in net.buffers())
    np.testing.assert_allclose(to_np(net(x.to_device(device))), expected, rtol=1e-14)
    net.to_device("cpu")
    assert all(p.device == ag.ones(1).device for p in net.parameters())


def test_to_dtype():
    net = Net().to(dtype=ag.float32)
    assert all(p.dtype == ag.float32 for p in net.parameters())
    assert all(b.dtype == ag.float32 for b in net.buffers())
    with pytest.raises(TypeError, match="floating-point"):
        net.to(dtype=ag.int32)


def test_deepcopy_and_pickle_a_model():
    net = Net(ag.random.Generator(0))
    x = ag.ones((2, 3))
    for clone in (copy.deepcopy(net), pickle.loads(pickle.dumps(net))):
        assert type(clone.head.weight) is nn.Parameter
        assert clone.head.weight.raw is not net.head.weight.raw
        assert list(clone.state_dict()) == list(net.state_dict())
        np.testing.assert_array_equal(to_np(clone(x)), to_np(net(x)))
