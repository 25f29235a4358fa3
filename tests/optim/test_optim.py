"""SGD and Adam against torch.optim: the same weights and data give the same trajectory."""

from __future__ import annotations

import numpy as np
import pytest

import arraygrad as ag
import arraygrad.nn
import arraygrad.optim

# These tests compare with PyTorch (a test-only tool, never a dependency of arraygrad).
torch = pytest.importorskip("torch")

nn = arraygrad.nn
optim = arraygrad.optim
TOL = 1e-10


def to_np(t: ag.Tensor) -> np.ndarray:
    return np.array(t.detach().to_device("cpu"), copy=True)


def models(seed: int = 0, device=None):
    """Return an arraygrad MLP and a torch copy of it (float64), and the data (x, y)."""
    gen = ag.random.Generator(seed)
    ours = nn.Sequential(nn.Linear(4, 6, generator=gen), nn.Tanh(), nn.Linear(6, 3, generator=gen))
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3))
    theirs = theirs.double()
    with torch.no_grad():
        for (_, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters(), strict=True):
            q.copy_(torch.tensor(to_np(p)))
    x = gen.standard_normal((8, 4))
    y = gen.standard_normal((8, 3))
    if device is not None:
        ours.to_device(device)
    return ours, theirs, x, y


def train(model, optimizer, x, y, steps, *, negate=False, torch_side=False):
    """Run ``steps`` steps; return the loss history."""
    history = []
    for _ in range(steps):
        if torch_side:
            loss = torch.nn.functional.mse_loss(model(x), y)
        else:
            loss = nn.functional.mse_loss(model(x), y)
        history.append(float(loss.detach() if torch_side else loss))
        optimizer.zero_grad()
        (-loss if negate else loss).backward()
        optimizer.step()
    return history


def run_both(ours_cls, theirs_cls, options, *, steps=30, device=None, groups=None):
    ours, theirs, x, y = models(device=device)
    negate = options.get("maximize", False)
    if groups is None:
        opt = ours_cls(ours.parameters(), **options)
        topt = theirs_cls(theirs.parameters(), foreach=False, **options)
    else:
        opt = ours_cls(groups(ours), **options)
        topt = theirs_cls(groups(theirs), foreach=False, **options)
    xd, yd = (x, y) if device is None else (x.to_device(device), y.to_device(device))
    h = train(ours, opt, xd, yd, steps, negate=negate)
    th = train(theirs, topt, torch.tensor(to_np(x)), torch.tensor(to_np(y)), steps,
               negate=negate, torch_side=True)  # fmt: skip
    np.testing.assert_allclose(h, th, rtol=TOL)
    for p, q in zip(ours.parameters(), theirs.parameters(), strict=True):
        np.testing.assert_allclose(to_np(p), q.detach().numpy(), rtol=TOL, atol=TOL)
    return ours, opt, topt, h


SGD_CONFIGS = {
    "plain": {"lr": 0.1},
    "momentum": {"lr": 0.1, "momentum": 0.9},
    "dampening": {"lr": 0.05, "momentum": 0.9, "dampening": 0.3},
    "nesterov": {"lr": 0.05, "momentum": 0.9, "nesterov": True},
    "weight_decay": {"lr": 0.1, "weight_decay": 0.01},
    "all": {"lr": 0.05, "momentum": 0.8, "weight_decay": 0.05, "nesterov": True},
    "maximize": {"lr": 0.1, "momentum": 0.5, "maximize": True},
}
ADAM_CONFIGS = {
    "default": {"lr": 0.01},
    "amsgrad": {"lr": 0.01, "amsgrad": True},
    "weight_decay": {"lr": 0.01, "weight_decay": 0.1},
    "all": {"lr": 0.02, "betas": (0.8, 0.9), "eps": 1e-6, "amsgrad": True, "weight_decay": 0.01},
    "small_beta1": {"lr": 0.01, "betas": (0.3, 0.99)},  # lerp's other branch
    "maximize": {"lr": 0.01, "maximize": True},
}


@pytest.mark.parametrize("config", list(SGD_CONFIGS))
def test_sgd_matches_torch(config):
    _, _, _, h = run_both(optim.SGD, torch.optim.SGD, SGD_CONFIGS[config])
    assert h[-1] < h[0]


@pytest.mark.parametrize("config", list(ADAM_CONFIGS))
def test_adam_matches_torch(config):
    _, _, _, h = run_both(optim.Adam, torch.optim.Adam, ADAM_CONFIGS[config])
    assert h[-1] < h[0]


def test_param_groups_match_torch():
    def groups(model):
        params = list(model.parameters())
        return [{"params": params[:2], "lr": 0.02}, {"params": params[2:]}]

    run_both(optim.SGD, torch.optim.SGD, {"lr": 0.1, "momentum": 0.9}, groups=groups)
    run_both(optim.Adam, torch.optim.Adam, {"lr": 0.01, "amsgrad": True}, groups=groups)


@pytest.mark.parametrize("amsgrad", [False, True])
def test_complex_parameters_match_torch(amsgrad):
    z0 = np.array([1.0 + 2.0j, -0.5 + 0.1j, 3.0 - 1.0j])
    c = np.array([0.2 - 0.3j, 1.0 + 1.0j, -2.0 + 0.5j])
    for ours_cls, theirs_cls, options in (
        (optim.Adam, torch.optim.Adam, {"lr": 0.05, "amsgrad": amsgrad, "weight_decay": 0.01}),
        (optim.SGD, torch.optim.SGD, {"lr": 0.05, "momentum": 0.9, "nesterov": amsgrad}),
    ):
        z = nn.Parameter(ag.asarray(z0))
        tz = torch.nn.Parameter(torch.tensor(z0))
        opt, topt = ours_cls([z], **options), theirs_cls([tz], foreach=False, **options)
        for _ in range(20):
            loss = ag.sum(ag.abs(z - ag.asarray(c)) ** 2)
            tloss = ((tz - torch.tensor(c)).abs() ** 2).sum()
            np.testing.assert_allclose(float(loss), tloss.item(), rtol=TOL)
            opt.zero_grad()
            topt.zero_grad()
            loss.backward()
            tloss.backward()
            opt.step()
            topt.step()
        np.testing.assert_allclose(to_np(z), tz.detach().numpy(), rtol=TOL)
        if ours_cls is optim.Adam:
            assert opt.state[z]["exp_avg"].shape == (3, 2)  # torch's view_as_real layout


@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_any_device_same_trajectory_state_on_the_device(device, name):
    cls, tcls, options = (
        (optim.SGD, torch.optim.SGD, SGD_CONFIGS["all"])
        if name == "sgd"
        else (optim.Adam, torch.optim.Adam, ADAM_CONFIGS["all"])
    )
    ours, opt, _, _ = run_both(cls, tcls, options, steps=10, device=device)
    for p in ours.parameters():
        assert p.device == device
        for value in opt.state[p].values():
            if isinstance(value, ag.Tensor):
                assert value.device == device


def test_updates_write_into_the_parameter_buffer():
    p = nn.Parameter(ag.asarray([1.0, 2.0]))
    raw = p.raw
    opt = optim.SGD([p], lr=0.5, momentum=0.9)
    ag.sum(p * p).backward()
    opt.step()
    assert p.raw is raw  # NumPy is mutable: the very same buffer
    np.testing.assert_array_equal(to_np(p), [0.0, 0.0])
    assert p.is_leaf
    assert p.requires_grad
    # The momentum buffer is a copy, not the gradient itself.
    assert opt.state[p]["momentum_buffer"].raw is not p.grad.raw


def test_parameters_without_gradients_are_skipped():
    a, b = nn.Parameter(ag.asarray([1.0])), nn.Parameter(ag.asarray([1.0]))
    opt = optim.Adam([a, b], lr=0.1)
    ag.sum(a * 3).backward()
    opt.step()
    assert float(b) == 1.0
    assert b not in opt.state
    assert opt.state[a]["step"] == 1


def test_zero_grad():
    p = nn.Parameter(ag.asarray([1.0, 2.0]))
    opt = optim.SGD([p], lr=0.1)
    ag.sum(p * p).backward()
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(to_np(p.grad), [0.0, 0.0])
    opt.zero_grad()
    assert p.grad is None


def test_step_with_closure():
    p = nn.Parameter(ag.asarray([3.0]))
    opt = optim.SGD([p], lr=0.25)
    tp = torch.nn.Parameter(torch.tensor([3.0], dtype=torch.float64))
    topt = torch.optim.SGD([tp], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = ag.sum(p * p)
        loss.backward()
        return loss

    def tclosure():
        topt.zero_grad()
        loss = (tp * tp).sum()
        loss.backward()
        return loss

    with ag.autograd.no_grad():  # the closure runs with grad enabled anyway
        loss = opt.step(closure)
    assert float(loss) == topt.step(tclosure).item() == 9.0
    assert float(p) == tp.item() == 1.5


def test_state_dict_resumes_training():
    ours, theirs, x, y = models()
    opt = optim.Adam(ours.parameters(), lr=0.01, amsgrad=True)
    train(ours, opt, x, y, 5)
    model_state = {k: ag.asarray(v, copy=True) for k, v in ours.state_dict().items()}
    opt_state = opt.state_dict()
    topt = torch.optim.Adam(theirs.parameters(), lr=0.01, amsgrad=True)
    train(theirs, topt, torch.tensor(to_np(x)), torch.tensor(to_np(y)), 1, torch_side=True)
    # The same layout as torch's state dict.
    tstate = topt.state_dict()
    assert set(opt_state) == set(tstate)
    assert opt_state["param_groups"][0]["params"] == tstate["param_groups"][0]["params"]
    assert set(opt_state["state"]) == set(tstate["state"])
    assert set(opt_state["state"][0]) == set(tstate["state"][0])
    assert set(opt_state["param_groups"][0]) <= set(tstate["param_groups"][0])
    copied = {k: {n: ag.asarray(v, copy=True) if isinstance(v, ag.Tensor) else v
                  for n, v in s.items()} for k, s in opt_state["state"].items()}  # fmt: skip
    expected = train(ours, opt, x, y, 5)

    fresh, _, _, _ = models(seed=1)
    fresh.load_state_dict(model_state)
    opt2 = optim.Adam(fresh.parameters(), lr=0.5)
    opt2.load_state_dict({"state": copied, "param_groups": opt_state["param_groups"]})
    assert opt2.param_groups[0]["lr"] == 0.01
    np.testing.assert_allclose(train(fresh, opt2, x, y, 5), expected, rtol=1e-13)


def test_load_state_dict_moves_state_to_the_parameters_device(device):
    ours, _, x, y = models()
    opt = optim.SGD(ours.parameters(), lr=0.1, momentum=0.9)
    train(ours, opt, x, y, 2)
    moved, _, _, _ = models(device=device)
    opt2 = optim.SGD(moved.parameters(), lr=0.1, momentum=0.9)
    opt2.load_state_dict(opt.state_dict())
    for p in moved.parameters():
        buf = opt2.state[p]["momentum_buffer"]
        assert buf.device == device
    with pytest.raises(ValueError, match="parameter groups"):
        opt2.load_state_dict({"state": {}, "param_groups": []})


def test_state_follows_a_model_moved_after_the_optimizer_was_made(device):
    ours, _, x, y = models()
    opt = optim.Adam(ours.parameters(), lr=0.01)
    train(ours, opt, x, y, 2)
    ours.to_device(device)
    history = train(ours, opt, x.to_device(device), y.to_device(device), 2)
    assert np.all(np.isfinite(history))
    for p in ours.parameters():
        assert opt.state[p]["exp_avg"].device == device


def test_invalid_options():
    p = nn.Parameter(ag.ones(2))
    with pytest.raises(ValueError, match="learning rate"):
        optim.SGD([p], lr=-1.0)
    with pytest.raises(ValueError, match="Nesterov"):
        optim.SGD([p], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="Nesterov"):
        optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.1, nesterov=True)
    with pytest.raises(ValueError, match="beta parameter at index 1"):
        optim.Adam([p], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="epsilon"):
        optim.Adam([p], eps=-1.0)
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([p * 2], lr=0.1)
    with pytest.raises(TypeError, match="ordered"):
        optim.SGD({p}, lr=0.1)
    with pytest.raises(TypeError, match="pass"):
        optim.SGD(p, lr=0.1)
    with pytest.raises(ValueError, match="more than one group"):
        optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)


def test_repr():
    opt = optim.SGD([nn.Parameter(ag.ones(1))], lr=0.1)
    assert repr(opt).startswith("SGD (\nParameter Group 0\n    dampening: 0.0\n")


def test_loads_torch_s_state_dicts():
    ours, theirs, x, y = models()
    tx, ty = torch.tensor(to_np(x)), torch.tensor(to_np(y))
    topt = torch.optim.Adam(theirs.parameters(), lr=0.01, amsgrad=True, foreach=False)
    train(theirs, topt, tx, ty, 5, torch_side=True)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    opt = optim.Adam(ours.parameters(), lr=0.5)
    opt.load_state_dict(topt.state_dict())
    assert opt.state[ours[0].weight]["step"] == 5
    assert opt.state[ours[0].weight]["exp_avg"].device == x.device
    np.testing.assert_allclose(train(ours, opt, x, y, 5),
                               train(theirs, topt, tx, ty, 5, torch_side=True), rtol=TOL)  # fmt: skip
