"""Array-API consumers accept arraygrad tensors and give back arraygrad tensors."""

from __future__ import annotations

import numpy as np
import pytest

import arraygrad as ag


def _np(t):
    return np.asarray(t.to_device("cpu"))


def test_scipy_special_logsumexp(device):
    special = pytest.importorskip("scipy.special")
    x = ag.asarray([1.0, 2.0, 3.0], device=device)
    out = special.logsumexp(x)
    assert isinstance(out, ag.Tensor)
    assert out.device == device
    np.testing.assert_allclose(_np(out), special.logsumexp(np.array([1.0, 2.0, 3.0])))


def test_scipy_stats_zscore_and_moment():
    stats = pytest.importorskip("scipy.stats")
    data = np.array([1.0, 2.0, 4.0, 7.0])
    x = ag.asarray(data)
    z = stats.zscore(x)
    assert isinstance(z, ag.Tensor)
    np.testing.assert_allclose(_np(z), stats.zscore(data))
    m = stats.moment(x, order=3)
    assert isinstance(m, ag.Tensor)
    np.testing.assert_allclose(_np(m), stats.moment(data, order=3))


def test_array_api_extra_functions(device):
    xpx = pytest.importorskip("array_api_extra")
    x = ag.asarray([[1.0, 2.0, 3.0], [2.0, 1.0, 0.0]], device=device)
    cov = xpx.cov(x)
    assert isinstance(cov, ag.Tensor)
    np.testing.assert_allclose(_np(cov), np.cov(_np(x)))
    assert xpx.atleast_nd(ag.asarray(1.0, device=device), ndim=2).shape == (1, 1)
    padded = xpx.pad(ag.asarray([1.0, 2.0], device=device), 1)
    np.testing.assert_array_equal(_np(padded), [0.0, 1.0, 2.0, 0.0])


def test_array_api_extra_at_set_goes_through_setitem():
    xpx = pytest.importorskip("array_api_extra")
    x = ag.asarray([1.0, 2.0, 3.0])
    y = xpx.at(x, 1).set(10.0, copy=True)
    assert isinstance(y, ag.Tensor)
    np.testing.assert_array_equal(_np(y), [1.0, 10.0, 3.0])
    np.testing.assert_array_equal(_np(x), [1.0, 2.0, 3.0])
    xpx.at(x, 0).add(5.0, copy=False)
    np.testing.assert_array_equal(_np(x), [6.0, 2.0, 3.0])


@pytest.fixture
def sklearn_dispatch():
    sklearn = pytest.importorskip("sklearn")
    with sklearn.config_context(array_api_dispatch=True):
        yield


def test_sklearn_pca(sklearn_dispatch):
    from sklearn.decomposition import PCA

    data = np.random.default_rng(0).normal(size=(30, 4))
    ours = PCA(n_components=2, svd_solver="full").fit(ag.asarray(data))
    ref = PCA(n_components=2, svd_solver="full").fit(data)
    assert isinstance(ours.components_, ag.Tensor)
    np.testing.assert_allclose(np.abs(_np(ours.components_)), np.abs(ref.components_), atol=1e-10)
    out = ours.transform(ag.asarray(data))
    assert isinstance(out, ag.Tensor)


def test_sklearn_lda_predicts_tensors(sklearn_dispatch):
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

    rng = np.random.default_rng(1)
    data = rng.normal(size=(40, 3))
    labels = (data[:, 0] > 0).astype(np.int64)
    model = LinearDiscriminantAnalysis().fit(ag.asarray(data), ag.asarray(labels))
    pred = model.predict(ag.asarray(data))
    assert isinstance(pred, ag.Tensor)
    ref = LinearDiscriminantAnalysis().fit(data, labels).predict(data)
    np.testing.assert_array_equal(_np(pred), ref)
