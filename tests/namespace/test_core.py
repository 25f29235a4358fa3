"""The Tensor, dtypes, devices and the dispatch path, on every backend."""

from __future__ import annotations

import numpy as np
import pytest

import arraygrad as ag


def test_asarray_nested_lists_default_dtypes(device):
    assert ag.asarray([[1.0, 2.0]], device=device).dtype is ag.float64
    assert ag.asarray([1, 2], device=device).dtype is ag.int64
    assert ag.asarray([True], device=device).dtype is ag.bool
    assert ag.asarray([1j], device=device).dtype is ag.complex128
    x = ag.asarray([[1.0, 2.0], [3.0, 4.0]], device=device)
    assert x.shape == (2, 2)
    assert x.ndim == 2
    assert x.size == 4
    assert x.device == device


def test_elementwise_and_operators(device):
    x = ag.asarray([[1.0, 2.0], [3.0, 4.0]], device=device)
    y = (2 * x) ** 3 - 1
    np.testing.assert_allclose(np.asarray(y.to_device("cpu")), (2 * np.array([[1.0, 2], [3, 4]])) ** 3 - 1)
    assert (x > 2).dtype is ag.bool
    assert float(ag.sum(x)) == 10.0 if hasattr(ag, "sum") else True


def test_inplace_writes_into_buffer_and_keeps_dtype():
    raw = np.array([1.0, 2.0])
    x = ag.asarray(raw)
    x += 1
    assert raw.tolist() == [2.0, 3.0]
    xf = ag.asarray([1.0, 2.0], dtype=ag.float32)
    with pytest.raises(TypeError, match="result would be float64, but the tensor is float32"):
        xf += ag.asarray([1.0, 1.0])
    with pytest.raises(ValueError, match="cannot broadcast the tensor"):
        xf += ag.ones((2, 2), dtype=ag.float32)


def test_wraps_without_copy():
    raw = np.arange(3.0)
    t = ag.asarray(raw)
    assert t.raw is raw


def test_mixed_kinds_is_an_error_naming_dtypes():
    with pytest.raises(TypeError, match="float64 with int64"):
        ag.asarray([1.0]) + ag.asarray([1])


def test_unsupported_dtype_is_an_error_naming_function():
    with pytest.raises(TypeError, match="sin: expected a floating-point dtype, got int64"):
        ag.sin(ag.asarray([1, 2]))


def test_not_an_array_is_an_error():
    with pytest.raises(TypeError, match=r"sin: expected an arraygrad Tensor, got builtins\.list"):
        ag.sin([1.0])


def test_scalar_rules():
    x = ag.asarray([1, 2], dtype=ag.int8)
    with pytest.raises(OverflowError, match="out of the range of int8"):
        x + 1000
    with pytest.raises(TypeError, match="Python float"):
        x + 1.5
    f = ag.asarray([1.0], dtype=ag.float32)
    assert (f + 1).dtype is ag.float32
    assert (f + 1j).dtype is ag.complex64


@pytest.mark.skipif("array_api_strict" not in __import__("conftest").AVAILABLE, reason="needs array_api_strict")
def test_mixed_devices_error_names_both():
    a = ag.asarray([1.0])
    b = ag.asarray([1.0], device="array_api_strict")
    with pytest.raises(ValueError, match=r"different devices, cpu and array_api_strict:CPU_DEVICE"):
        a + b


def test_to_device_round_trip(device):
    x = ag.asarray([1.0, 2.0])
    y = x.to_device(device)
    assert y.device == device
    back = y.to_device("cpu")
    assert np.asarray(back).tolist() == [1.0, 2.0]


def test_numpy_ufunc_does_not_detach():
    x = ag.asarray([1.0])
    with pytest.raises(TypeError):
        np.sin(x)
    out = np.array([1.0]) + x
    assert isinstance(out, ag.Tensor)


def test_repr_shows_values_dtype_device():
    assert repr(ag.asarray([1.0, 2.0])) == "Tensor([1., 2.], dtype=float64)"
    assert "device='array_api_strict:CPU_DEVICE'" in repr(ag.asarray([1.0], device="array_api_strict"))


def test_python_scalar_conversions():
    assert float(ag.asarray(2.5)) == 2.5
    assert int(ag.asarray(3)) == 3
    assert bool(ag.asarray(True))
    assert complex(ag.asarray(1j)) == 1j
    assert [1, 2, 3][ag.asarray(1)] == 2
    with pytest.raises(TypeError, match="only integer tensors"):
        [1][ag.asarray(0.0)]


def test_bad_device_string():
    with pytest.raises(ValueError, match="not a device"):
        ag.zeros(2, device="tpu")
