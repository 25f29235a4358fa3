"""The benchmark workloads of ../shared/anchors.md, one function per library.

Each ``w1_*`` runs 200 elementwise ops on a (16,) float64 vector forward and backward;
``w2_*`` one training iteration of the classic two-layer net; ``w3_*`` forward and backward
of ``sum(tanh(x @ W1) @ W2)``; ``w4_*`` forward and backward of a 4-layer MLP (memory).
Hand-written NumPy is the baseline of W2-W4.
"""

from __future__ import annotations

from typing import Any

import numpy as np

N_OPS = 200


# -- W1 ---------------------------------------------------------------------------------------
def w1_arraygrad(x0: np.ndarray) -> Any:
    import arraygrad as ag

    x = ag.asarray(x0, requires_grad=True)
    y = x
    for _ in range(N_OPS // 4):
        y = ag.sin(y)
        y = y * 1.01
        y = y + 0.1
        y = ag.tanh(y)
    ag.sum(y).backward()
    return x.grad


def w1_torch(x0: np.ndarray) -> Any:
    import torch

    x = torch.tensor(x0, requires_grad=True)
    y = x
    for _ in range(N_OPS // 4):
        y = torch.sin(y)
        y = y * 1.01
        y = y + 0.1
        y = torch.tanh(y)
    y.sum().backward()
    return x.grad


def w1_mygrad(x0: np.ndarray) -> Any:
    import mygrad as mg

    x = mg.tensor(x0)
    y = x
    for _ in range(N_OPS // 4):
        y = mg.sin(y)
        y = y * 1.01
        y = y + 0.1
        y = mg.tanh(y)
    mg.sum(y).backward()
    return x.grad


def w1_autograd(x0: np.ndarray) -> Any:
    import autograd.numpy as anp

    import autograd

    def f(x: Any) -> Any:
        y = x
        for _ in range(N_OPS // 4):
            y = anp.sin(y)
            y = y * 1.01
            y = y + 0.1
            y = anp.tanh(y)
        return anp.sum(y)

    return autograd.grad(f)(x0)


def w1_numpy_forward(x0: np.ndarray) -> Any:
    y = x0
    for _ in range(N_OPS // 4):
        y = np.sin(y)
        y = y * 1.01
        y = y + 0.1
        y = np.tanh(y)
    return y.sum()


# -- W2: the two-layer net (one training iteration) ------------------------------------------
def w2_data(seed: int = 0, n: int = 64, d_in: int = 1000, h: int = 100, d_out: int = 10) -> dict:
    rng = np.random.default_rng(seed)
    return {
        "x": rng.standard_normal((n, d_in)),
        "y": rng.standard_normal((n, d_out)),
        "w1": rng.standard_normal((d_in, h)) * 0.01,
        "w2": rng.standard_normal((h, d_out)) * 0.01,
    }


LR = 1e-6


def w2_numpy(d: dict) -> float:
    x, y, w1, w2 = d["x"], d["y"], d["w1"], d["w2"]
    h = x @ w1
    h_relu = np.maximum(h, 0)
    y_pred = h_relu @ w2
    loss = float(np.square(y_pred - y).sum())
    grad_y_pred = 2.0 * (y_pred - y)
    grad_w2 = h_relu.T @ grad_y_pred
    grad_h_relu = grad_y_pred @ w2.T
    grad_h = grad_h_relu.copy()
    grad_h[h < 0] = 0
    grad_w1 = x.T @ grad_h
    w1 -= LR * grad_w1
    w2 -= LR * grad_w2
    return loss


def w2_arraygrad_setup(d: dict) -> dict:
    import arraygrad as ag

    return {
        "x": ag.asarray(d["x"]),
        "y": ag.asarray(d["y"]),
        "w1": ag.asarray(d["w1"].copy(), requires_grad=True),
        "w2": ag.asarray(d["w2"].copy(), requires_grad=True),
    }


def w2_arraygrad(d: dict) -> float:
    import arraygrad as ag

    w1, w2 = d["w1"], d["w2"]
    y_pred = ag.maximum(d["x"] @ w1, 0.0) @ w2
    loss = ag.sum((y_pred - d["y"]) ** 2)
    loss.backward()
    with ag.autograd.no_grad():
        w1 -= LR * w1.grad
        w2 -= LR * w2.grad
        w1.grad.zero_()
        w2.grad.zero_()
    return float(loss)


def w2_torch_setup(d: dict) -> dict:
    import torch

    return {
        "x": torch.tensor(d["x"]),
        "y": torch.tensor(d["y"]),
        "w1": torch.tensor(d["w1"].copy(), requires_grad=True),
        "w2": torch.tensor(d["w2"].copy(), requires_grad=True),
    }


def w2_torch(d: dict) -> float:
    import torch

    w1, w2 = d["w1"], d["w2"]
    y_pred = (d["x"] @ w1).clamp(min=0) @ w2
    loss = (y_pred - d["y"]).pow(2).sum()
    loss.backward()
    with torch.no_grad():
        w1 -= LR * w1.grad
        w2 -= LR * w2.grad
        w1.grad.zero_()
        w2.grad.zero_()
    return float(loss)


def w2_mygrad_setup(d: dict) -> dict:
    import mygrad as mg

    return {"x": d["x"], "y": d["y"], "w1": mg.tensor(d["w1"].copy()), "w2": mg.tensor(d["w2"].copy())}


def w2_mygrad(d: dict) -> float:
    import mygrad as mg

    w1, w2 = d["w1"], d["w2"]
    y_pred = mg.maximum(mg.matmul(d["x"], w1), 0.0) @ w2
    loss = mg.sum((y_pred - d["y"]) ** 2)
    loss.backward()
    w1.data -= LR * w1.grad
    w2.data -= LR * w2.grad
    return float(loss)


def w2_autograd(d: dict) -> float:
    import autograd.numpy as anp

    import autograd

    def loss_fn(w1: Any, w2: Any) -> Any:
        y_pred = anp.maximum(d["x"] @ w1, 0.0) @ w2
        return anp.sum((y_pred - d["y"]) ** 2)

    g1, g2 = autograd.grad(loss_fn, (0, 1))(d["w1"], d["w2"])
    d["w1"] -= LR * g1
    d["w2"] -= LR * g2
    return 0.0


# -- W3: sum(tanh(x @ W1) @ W2), forward and backward ----------------------------------------
def w3_data(n: int = 2048, dtype: Any = np.float32, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    scale = 1.0 / np.sqrt(n)
    return {
        "x": rng.standard_normal((n, n)).astype(dtype),
        "w1": (rng.standard_normal((n, n)) * scale).astype(dtype),
        "w2": (rng.standard_normal((n, n)) * scale).astype(dtype),
    }


def w3_numpy(d: dict) -> tuple:
    x, w1, w2 = d["x"], d["w1"], d["w2"]
    h = np.tanh(x @ w1)
    out = (h @ w2).sum()
    g_out = np.ones((x.shape[0], w2.shape[1]), dtype=x.dtype)
    g_w2 = h.T @ g_out
    g_h = g_out @ w2.T
    g_a = g_h * (1 - h * h)
    g_w1 = x.T @ g_a
    return out, g_w1, g_w2


def w3_arraygrad(d: dict) -> tuple:
    import arraygrad as ag

    x, w1, w2 = d["x"], d["w1"], d["w2"]
    out = ag.sum(ag.tanh(x @ w1) @ w2)
    out.backward()
    g1, g2 = w1.grad, w2.grad
    w1.grad = None
    w2.grad = None
    return out, g1, g2


def w3_torch(d: dict) -> tuple:
    x, w1, w2 = d["x"], d["w1"], d["w2"]
    out = (x @ w1).tanh().matmul(w2).sum()
    out.backward()
    g1, g2 = w1.grad, w2.grad
    w1.grad = None
    w2.grad = None
    return out, g1, g2


# -- W4: 4-layer MLP, peak memory -------------------------------------------------------------
def w4_data(width: int = 4096, batch: int = 4096, layers: int = 4, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    scale = 1.0 / np.sqrt(width)
    return {
        "x": rng.standard_normal((batch, width)).astype(np.float32),
        "ws": [(rng.standard_normal((width, width)) * scale).astype(np.float32) for _ in range(layers)],
    }


def w4_numpy(d: dict) -> list:
    acts = [d["x"]]
    for w in d["ws"]:
        acts.append(np.maximum(acts[-1] @ w, 0))
    g = np.ones_like(acts[-1])
    grads = []
    for i in range(len(d["ws"]) - 1, -1, -1):
        g = g * (acts[i + 1] > 0)
        acts[i + 1] = None
        grads.append(acts[i].T @ g)
        g = g @ d["ws"][i].T
    return grads


def w4_arraygrad(d: dict) -> list:
    import arraygrad as ag
    from arraygrad.nn import functional as F

    h = d["x"]
    for w in d["ws"]:
        h = F.relu(h @ w)
    ag.sum(h).backward()
    return [w.grad for w in d["ws"]]


def w4_torch(d: dict) -> list:
    h = d["x"]
    for w in d["ws"]:
        h = (h @ w).clamp(min=0)
    h.sum().backward()
    return [w.grad for w in d["ws"]]
