"""examples/scale_logistic_dask.py on a small dataset: Dask (lazy, then on a LocalCluster)
against the NumPy backend running the same ``loss`` and ``gradient`` on the same data.

Dask and distributed are in neither the test extra nor CI: without them this module is skipped.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

import arraygrad as ag

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
N, D, CHUNK, SEED = 10_000, 20, 2_500, 3


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"examples_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ex = load("scale_logistic_dask")


@pytest.fixture(scope="module")
def data():
    """The lazy Dask arrays, their NumPy values, and a weight vector away from zero."""
    X, y = ex.make_data(N, D, CHUNK, SEED)
    with dask.config.set(scheduler="synchronous"):
        Xn, yn = np.asarray(X), np.asarray(y)
    w = np.random.default_rng(SEED).standard_normal(D)
    return X, y, Xn, yn, w


def numpy_backend(w, Xn, yn):
    """The example's gradient() on tensors of the NumPy backend (device "cpu")."""
    value, grad = ex.gradient(ag.asarray(w), ag.asarray(Xn), ag.asarray(yn))
    assert value.device == grad.device == ag.asarray(Xn).device
    return float(value), np.asarray(grad)


def test_data_are_lazy_deterministic_and_drawn_from_the_model(data):
    X, y, Xn, yn, _ = data
    assert isinstance(X, da.Array)
    assert isinstance(y, da.Array)
    assert X.shape == (N, D)
    assert y.shape == (N,)
    assert X.numblocks == (N // CHUNK, 1)
    assert y.numblocks == (N // CHUNK,)
    assert Xn.dtype == yn.dtype == np.float64
    assert set(np.unique(yn)) == {0.0, 1.0}
    # Block k is a function of the seed and k alone: the same whatever the chunking around it.
    X2, y2 = ex.make_data(N + 123, D, CHUNK, SEED)
    with dask.config.set(scheduler="synchronous"):
        np.testing.assert_array_equal(np.asarray(X2[:N]), Xn)
        np.testing.assert_array_equal(np.asarray(y2[:N]), yn)
    # The labels follow the logistic model of the true weights: P(y = 1) = sigmoid(x w_true).
    p = 1.0 / (1.0 + np.exp(-(Xn @ ex.true_weights(D, SEED))))
    assert abs(yn.mean() - p.mean()) < 0.02
    assert np.corrcoef(yn, p)[0, 1] > 0.3  # 0.37 expected with |w_true| = 1


def test_the_numpy_backend_agrees_with_the_closed_form(data):
    _, _, Xn, yn, w = data
    value, grad = numpy_backend(w, Xn, yn)
    z = Xn @ w
    np.testing.assert_allclose(value, np.mean(np.logaddexp(0.0, z) - yn * z), rtol=1e-12)
    np.testing.assert_allclose(grad, Xn.T @ (1.0 / (1.0 + np.exp(-z)) - yn) / N, rtol=1e-10)


def test_dask_builds_a_lazy_graph_that_equals_the_numpy_backend(data):
    X, y, Xn, yn, w = data
    Xt, yt = ag.asarray(X), ag.asarray(y)
    assert str(Xt.device) == "dask:cpu"
    wt = ag.asarray(w, device=Xt.device)
    value, grad = ex.gradient(wt, Xt, yt)
    # Nothing computed yet: the loss and the gradient are Dask graphs on the Dask device.
    assert isinstance(value.raw, da.Array)
    assert isinstance(grad.raw, da.Array)
    assert grad.device == Xt.device
    assert grad.shape == (D,)
    assert wt.grad is None  # gradient() differentiates a detached copy: the caller's w is untouched
    with dask.config.set(scheduler="synchronous"):
        got_value, got_grad = dask.compute(value.raw, grad.raw)
    want_value, want_grad = numpy_backend(w, Xn, yn)
    np.testing.assert_allclose(float(got_value), want_value, rtol=1e-10)
    np.testing.assert_allclose(got_grad, want_grad, rtol=1e-10)


def test_no_task_holds_a_vector_of_all_rows(data):
    """Memory stays bounded: the backward graph has no intermediate of all n rows in one
    chunk other than free broadcast views, at a chunk-size setting smaller than n rows (the
    gradient a mean broadcasts back is chunked at Dask's chunk size, not one chunk of n)."""
    X, y, *_ = data
    w = ag.zeros(D, dtype=ag.float64, device="dask:cpu")
    with dask.config.set({"array.chunk-size": f"{N * 8 // 4}B"}):
        _, grad = ex.gradient(w, ag.asarray(X), ag.asarray(y))
    for name, layer in grad.raw.dask.layers.items():
        meta = layer.collection_annotations or {}
        chunks = meta.get("chunks")
        if chunks and chunks[0] == (N,) and not name.startswith("broadcast_to"):
            pytest.fail(f"{name} computes all {N} rows in one chunk")


def test_gradient_on_a_local_cluster(data):
    X, y, Xn, yn, w = data
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        value, grad = ex.gradient(ag.asarray(w, device="dask:cpu"), ag.asarray(X), ag.asarray(y))
        got_value, got_grad = dask.compute(value.raw, grad.raw)
    want_value, want_grad = numpy_backend(w, Xn, yn)
    np.testing.assert_allclose(float(got_value), want_value, rtol=1e-10)
    np.testing.assert_allclose(got_grad, want_grad, rtol=1e-10)


def test_main_measures_a_small_run():
    r = ex.main(gib=N * D * 8 / 2**30, features=D, chunk_rows=CHUNK, workers=2,
                memory_limit=None, seed=SEED, processes=False, verbose=False)  # fmt: skip
    assert (r["rows"], r["features"], r["blocks"]) == (N, D, N // CHUNK)
    assert r["gib"] == pytest.approx(N * (D + 1) * 8 / 2**30)
    assert r["seconds"] > 0
    assert r["peak_workers_gib"] > 0
    assert r["peak_driver_gib"] > 0
    assert r["spilled_gib"] == 0
    assert r["loss"] == pytest.approx(math.log(2), rel=1e-12)  # at w = 0
    assert r["max_rel_diff"] < 1e-12
    assert r["cosine_with_w_true"] > 0.9
