"""Dask is lazy: operations and gradients build task graphs; nothing computes until asked.

Computes are counted with a Dask callback (its ``_start`` runs once per graph Dask executes).
Data-dependent sizes (boolean masks, nonzero, unique) are Dask's own: NaN sizes, no compute;
a gradient that would have to be broadcast to such a size is a clear ValueError.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import arraygrad as ag

pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
from dask.callbacks import Callback  # noqa: E402 - after the importorskip

DASK = "dask:cpu"


class Computes(Callback):
    """Counts the graphs Dask executes while active (``with Computes() as c: ...``)."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def _start(self, dsk) -> None:
        self.count += 1


def _loss(x, w, idx, t):
    """A small network: a matmul, a gather by index, a reduction and a squared error."""
    h = ag.tanh(x @ w)
    picked = ag.take(h, idx, axis=0)
    return ag.mean((picked - t) ** 2) + ag.sum(w[idx[:1]] ** 2)


def _inputs(device):
    rng = np.random.default_rng(0)
    x = ag.asarray(rng.standard_normal((6, 4)), device=device)
    w = ag.asarray(rng.standard_normal((4, 4)) * 0.5, device=device, requires_grad=True)
    idx = ag.asarray([0, 2, 2, 5], device=device)
    t = ag.asarray(rng.standard_normal((4, 4)), device=device)
    return x, w, idx, t


def _unknown(size):
    return size is None or (isinstance(size, float) and math.isnan(size))


def test_forward_and_backward_build_graphs_and_compute_only_when_asked():
    x, w, idx, t = _inputs(DASK)
    with Computes() as computes:
        loss = _loss(x, w, idx, t)
        loss.backward()
        assert isinstance(loss.raw, da.Array)
        assert isinstance(w.grad.raw, da.Array)
        assert w.grad.shape == (4, 4)
        assert w.grad.device == ag.Device("dask", "cpu")
        repr(loss), repr(w.grad)  # repr shows the lazy array without computing it
        assert computes.count == 0
        got_grad = np.asarray(w.grad.to_device("cpu"))
        assert computes.count == 1
        got_loss = float(loss)
        assert computes.count == 2
    x, w, idx, t = _inputs("cpu")
    expected = _loss(x, w, idx, t)
    expected.backward()
    np.testing.assert_allclose(got_loss, float(expected), rtol=1e-12)
    np.testing.assert_allclose(got_grad, np.asarray(w.grad), rtol=1e-12)


def test_index_bounds_are_checked_when_the_graph_computes():
    x = ag.asarray(np.arange(6.0).reshape(2, 3), device=DASK)
    with Computes() as computes:
        out = x[ag.asarray([0, 1], device=DASK), ag.asarray([3, 0], device=DASK)]
        assert computes.count == 0
        with pytest.raises(IndexError, match="index 3 is out of bounds for axis 1 with size 3"):
            np.asarray(out)


def test_data_dependent_sizes_are_dasks_own():
    x = ag.asarray(np.array([1.0, -2.0, 3.0, -4.0]), device=DASK, requires_grad=True)
    with Computes() as computes:
        results = [x[x > 0], ag.nonzero(x)[0], ag.unique_values(x)]
        for r in results:
            assert r.ndim == 1
            assert _unknown(r.shape[0])
        assert computes.count == 0
        # The values compute as on NumPy.
        np.testing.assert_array_equal(np.asarray(results[0]), [1.0, 3.0])
        np.testing.assert_array_equal(np.asarray(results[1]), [0, 1, 2, 3])
        # A gradient cannot be broadcast to a size Dask does not know: a clear error.
        with pytest.raises(ValueError, match="Dask does not know a size"):
            ag.sum(results[0]).backward()
