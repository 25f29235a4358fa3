"""CuPy on an NVIDIA GPU: device names, moves both ways, errors across devices, DLPack.

Skipped where CuPy sees no GPU (CI); ``conformance/gpu-check.sh`` runs them with the rest of
the suite on the CuPy backend. The backend-parametrized tests cover everything else on "cupy".
"""

from __future__ import annotations

import numpy as np
import pytest

import arraygrad as ag

pytestmark = pytest.mark.skipif("cupy" not in __import__("conftest").AVAILABLE, reason="needs CuPy and a GPU")


def test_gpu_device_names_are_one_device():
    a = ag.ones(2, device="cuda")
    b = ag.ones(2, device="cuda:0")
    assert a.device == b.device
    assert str(a.device) == "cuda:0"
    assert a.device.backend_name == "cupy"
    import cupy

    assert isinstance(a._data, cupy.ndarray)


def test_gpu_round_trip_keeps_values_and_dtype():
    x = ag.asarray(np.arange(6.0, dtype=np.float32).reshape(2, 3))
    y = x.to_device("cuda:0")
    assert y.dtype is ag.float32
    back = y.to_device("cpu")
    np.testing.assert_array_equal(np.asarray(back), np.arange(6.0).reshape(2, 3))


def test_gpu_mixed_devices_error_names_both():
    a = ag.ones(2)
    b = ag.ones(2, device="cuda:0")
    with pytest.raises(ValueError, match=r"different devices, cpu and cuda:0"):
        a + b


def test_gpu_numpy_conversion_error_says_what_to_do():
    with pytest.raises(TypeError, match=r"to_device\('cpu'\)"):
        np.asarray(ag.ones(2, device="cuda:0"))


def test_gpu_gradients_stay_on_the_gpu_and_cross_back():
    w = ag.asarray([[1.0, 2.0], [3.0, 4.0]], device="cuda:0", requires_grad=True)
    x = ag.asarray([[1.0], [1.0]], requires_grad=True)  # on the CPU
    y = w @ x.to_device("cuda:0")
    ag.sum(ag.tanh(y)).backward()
    assert w.grad.device == w.device
    assert x.grad.device == x.device
    t = np.tanh(np.array([[3.0], [7.0]]))
    np.testing.assert_allclose(np.asarray(w.grad.to_device("cpu")), (1 - t**2) @ np.ones((1, 2)))
    np.testing.assert_allclose(np.asarray(x.grad), np.array([[1.0, 3.0], [2.0, 4.0]]) @ (1 - t**2))


def test_gpu_from_dlpack_shares_cupy_memory():
    import cupy

    raw = cupy.arange(3.0)
    t = ag.from_dlpack(raw)
    assert t.device == ag.ones(1, device="cuda:0").device
    raw[0] = 5.0
    assert float(t[0]) == 5.0
