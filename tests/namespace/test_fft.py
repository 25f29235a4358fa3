"""The fft extension on every backend, against numpy.fft."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import arraygrad as ag
from arraygrad import fft as F

# The device fixture holds no state that a Hypothesis example could change.
fixture_ok = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

NORMS = st.sampled_from(["backward", "ortho", "forward"])
REAL = {np.float32: ag.float32, np.float64: ag.float64}
COMPLEX = {np.complex64: ag.complex64, np.complex128: ag.complex128}
TOL = {np.float32: 1e-4, np.complex64: 1e-4, np.float64: 1e-10, np.complex128: 1e-10}


def to_np(t: ag.Tensor) -> np.ndarray:
    assert isinstance(t, ag.Tensor)
    return np.asarray(t.to_device("cpu"))


def on(device, a) -> ag.Tensor:
    return ag.asarray(np.asarray(a), device=device)


def close(actual: ag.Tensor, expected: np.ndarray, x: np.ndarray) -> None:
    got = to_np(actual)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    tol = TOL[got.dtype.type]
    scale = max(np.abs(x).max(initial=0), 1) * max(x.size, 1)
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol * scale)


shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5)
elements = st.floats(-10, 10, width=32, allow_subnormal=False)


@st.composite
def signals(draw, kind: str, shape=shapes):
    """A real or complex array (float32/64 or complex64/128)."""
    shp = draw(shape)
    re = draw(hnp.arrays(np.float32, shp, elements=elements))
    if kind == "real":
        return re.astype(draw(st.sampled_from([np.float32, np.float64])))
    im = draw(hnp.arrays(np.float32, shp, elements=elements))
    return (re + 1j * im).astype(draw(st.sampled_from([np.complex64, np.complex128])))


def _reference(name: str, x: np.ndarray, **kw):
    """numpy.fft's result in double precision, cast to the standard's result dtype."""
    wide = x.astype(np.complex128 if np.iscomplexobj(x) else np.float64)
    out = getattr(np.fft, name)(wide, **kw)
    single = x.dtype in (np.float32, np.complex64)
    if np.iscomplexobj(out):
        return out.astype(np.complex64 if single else np.complex128)
    return out.astype(np.float32 if single else np.float64)


def test_names():
    for name in F.__all__:
        assert callable(getattr(F, name))
    assert ag.fft is F


# -- one-dimensional transforms ---------------------------------------------------------------
@fixture_ok
@given(
    x=st.one_of(signals("complex"), signals("real")),
    name=st.sampled_from(["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"]),
    norm=NORMS,
    data=st.data(),
)
def test_one_dimensional_transforms_match_numpy(device, x, name, norm, data):
    wants_complex = name in ("fft", "ifft", "irfft", "hfft")
    if wants_complex != np.iscomplexobj(x):
        with pytest.raises(TypeError, match=rf"fft\.{name}: expected a"):
            getattr(F, name)(on(device, x))
        return
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1), label="axis")
    n = data.draw(st.one_of(st.none(), st.integers(1, 8)), label="n")
    if n is None and name in ("irfft", "hfft") and x.shape[axis] == 1:
        with pytest.raises(ValueError, match=r"default n = 2\*\(M-1\)"):
            getattr(F, name)(on(device, x), axis=axis)
        return
    out = getattr(F, name)(on(device, x), n=n, axis=axis, norm=norm)
    ref = _reference(name, x, n=n, axis=axis, norm=norm)
    expected = {**REAL, **COMPLEX}[ref.dtype.type]
    assert out.dtype is expected
    assert out.device == device
    close(out, ref, x)


@fixture_ok
@given(x=signals("complex"), norm=NORMS)
def test_fft_round_trips(device, x, norm):
    t = on(device, x)
    back = F.ifft(F.fft(t, norm=norm), norm=norm)
    close(back, x, x)
    back = F.ifftn(F.fftn(t, norm=norm), norm=norm)
    close(back, x, x)


@fixture_ok
@given(x=signals("real"), norm=NORMS)
def test_rfft_round_trips(device, x, norm):
    t = on(device, x)
    n = x.shape[-1]
    back = F.irfft(F.rfft(t, norm=norm), n=n, norm=norm)
    assert back.dtype is t.dtype
    close(back, x, x)
    axes = tuple(range(x.ndim))
    back = F.irfftn(F.rfftn(t, norm=norm), s=x.shape, axes=axes, norm=norm)
    close(back, x, x)


# -- n-dimensional transforms ---------------------------------------------------------------
@st.composite
def axes_and_sizes(draw, ndim: int):
    axes = draw(st.lists(st.integers(-ndim, ndim - 1), min_size=1, max_size=ndim))
    # unique after normalisation: repeated axes are implementation-defined
    seen, unique = set(), []
    for a in axes:
        if a % ndim not in seen:
            seen.add(a % ndim)
            unique.append(a)
    s = draw(
        st.one_of(
            st.none(),
            st.lists(st.sampled_from([-1, 1, 2, 3, 6]), min_size=len(unique), max_size=len(unique)),
        )
    )
    return tuple(unique), None if s is None else tuple(s)


@fixture_ok
@given(
    x=st.one_of(signals("complex"), signals("real")),
    name=st.sampled_from(["fftn", "ifftn", "rfftn", "irfftn"]),
    norm=NORMS,
    data=st.data(),
)
def test_n_dimensional_transforms_match_numpy(device, x, name, norm, data):
    wants_complex = name in ("fftn", "ifftn", "irfftn")
    if wants_complex != np.iscomplexobj(x):
        with pytest.raises(TypeError, match=rf"fft\.{name}: expected a"):
            getattr(F, name)(on(device, x))
        return
    use_axes = data.draw(st.booleans(), label="use_axes")
    axes, s = data.draw(axes_and_sizes(x.ndim), label="axes, s") if use_axes else (None, None)
    all_axes = tuple(range(x.ndim)) if axes is None else tuple(a % x.ndim for a in axes)
    sizes = [x.shape[a] if s is None or s[i] == -1 else s[i] for i, a in enumerate(all_axes)]
    if name == "irfftn" and (s is None or s[-1] == -1):
        sizes[-1] = 2 * (x.shape[all_axes[-1]] - 1)
        if sizes[-1] < 1:
            with pytest.raises(ValueError, match="at least 1"):
                F.irfftn(on(device, x), s=s, axes=axes, norm=norm)
            return
    out = getattr(F, name)(on(device, x), s=s, axes=axes, norm=norm)
    ref = _reference(name, x, s=sizes, axes=all_axes, norm=norm)
    assert out.dtype is {**REAL, **COMPLEX}[ref.dtype.type]
    close(out, ref, x)


def test_n_dimensional_argument_rules(device):
    x = on(device, np.ones((2, 3), dtype=np.complex64))
    with pytest.raises(ValueError, match="without axes"):
        F.fftn(x, s=(2, 3))
    with pytest.raises(ValueError, match="same length"):
        F.fftn(x, s=(2,), axes=(0, 1))
    with pytest.raises(IndexError, match="axis 2 is out of range"):
        F.fftn(x, axes=(2,))
    with pytest.raises(ValueError, match=r"s\[0\] must be at least 1"):
        F.ifftn(x, s=(0,), axes=(0,))
    with pytest.raises(TypeError, match="s must be a sequence of ints"):
        F.fftn(x, s=3, axes=(0,))
    with pytest.raises(ValueError, match="needs at least one axis"):
        F.irfftn(x, axes=())
    # No axes: nothing is transformed; the result is a new tensor of the same dtype.
    same = F.fftn(x, axes=())
    assert same.dtype is ag.complex64
    np.testing.assert_array_equal(to_np(same), to_np(x))
    # -1 in s means the input's size along that axis.
    assert F.fftn(x, s=(-1, 5), axes=(0, 1)).shape == (2, 5)
    assert F.irfftn(x, s=(4, -1), axes=(0, 1)).shape == (4, 4)


# -- precision and argument errors -----------------------------------------------------------
@pytest.mark.parametrize(("name", "dtype", "want"), [
    ("fft", np.complex64, ag.complex64),
    ("ifft", np.complex64, ag.complex64),
    ("fftn", np.complex64, ag.complex64),
    ("rfft", np.float32, ag.complex64),
    ("rfftn", np.float32, ag.complex64),
    ("ihfft", np.float32, ag.complex64),
    ("irfft", np.complex64, ag.float32),
    ("irfftn", np.complex64, ag.float32),
    ("hfft", np.complex64, ag.float32),
    ("fftshift", np.float32, ag.float32),
])  # fmt: skip
def test_single_precision_stays_single(device, name, dtype, want):
    x = on(device, np.arange(8, dtype=dtype).reshape(2, 4))
    assert getattr(F, name)(x).dtype is want


def test_argument_errors(device):
    x = on(device, np.ones(4, dtype=np.complex128))
    r = on(device, np.ones(4))
    with pytest.raises(ValueError, match="norm must be 'backward', 'ortho' or 'forward'"):
        F.fft(x, norm="none")
    with pytest.raises(ValueError, match="must be at least 1, got 0"):
        F.fft(x, n=0)
    with pytest.raises(TypeError, match="n must be an int"):
        F.fft(x, n=2.0)
    with pytest.raises(IndexError, match="axis 1 is out of range"):
        F.fft(x, axis=1)
    with pytest.raises(TypeError, match="use rfft/rfftn"):
        F.fft(r)
    with pytest.raises(TypeError, match="for complex input use fft/fftn"):
        F.rfft(x)
    with pytest.raises(TypeError, match="expected a floating-point dtype, got int64"):
        F.fftshift(on(device, [1, 2]))
    with pytest.raises(TypeError, match="expected an arraygrad Tensor"):
        F.fft(np.ones(3, dtype=complex))
    with pytest.raises(IndexError, match=r"fft\.fft: axis"):
        F.fft(on(device, np.asarray(1j)))


# -- sample frequencies ---------------------------------------------------------------------
@fixture_ok
@given(
    n=st.integers(1, 50),
    d=st.sampled_from([1.0, 0.5, 2, 1e-3, -1.0]),
    dtype=st.sampled_from([None, ag.float32, ag.float64]),
)
def test_fftfreq_and_rfftfreq(device, n, d, dtype):
    out = F.fftfreq(n, d=d, dtype=dtype, device=device)
    assert out.device == device
    assert out.dtype is (dtype or ag.float64)
    np.testing.assert_allclose(to_np(out), np.fft.fftfreq(n, d=d), rtol=1e-6)
    out = F.rfftfreq(n, d=d, dtype=dtype, device=device)
    assert out.device == device
    assert out.dtype is (dtype or ag.float64)
    assert out.shape == (n // 2 + 1,)
    np.testing.assert_allclose(to_np(out), np.fft.rfftfreq(n, d=d), rtol=1e-6)


def test_fftfreq_on_the_default_device_and_errors(device):
    ag.set_default_device(device)
    assert F.fftfreq(4).device == device
    with pytest.raises(ValueError, match="real floating-point dtype, got int64"):
        F.fftfreq(4, dtype=ag.int64)
    with pytest.raises(ValueError, match="real floating-point dtype, got complex64"):
        F.rfftfreq(4, dtype=ag.complex64)
    with pytest.raises(ValueError, match="at least 1"):
        F.fftfreq(0)
    with pytest.raises(TypeError, match="n must be an int"):
        F.fftfreq(4.0)
    with pytest.raises(ValueError, match="must not be 0"):
        F.rfftfreq(4, d=0.0)


# -- shifts ----------------------------------------------------------------------------------
@fixture_ok
@given(
    x=st.one_of(
        signals("real", hnp.array_shapes(min_dims=0, max_dims=3, max_side=5)), signals("complex")
    ),
    data=st.data(),
)
def test_shifts_match_numpy(device, x, data):
    axes = data.draw(
        st.one_of(
            st.none(),
            st.integers(-x.ndim, x.ndim - 1) if x.ndim else st.none(),
            st.lists(st.integers(0, max(x.ndim - 1, 0)), unique=True, max_size=x.ndim).map(tuple),
        ),
        label="axes",
    )
    t = on(device, x)
    np_axes = axes if axes is None or isinstance(axes, int) else list(axes)
    for name in ("fftshift", "ifftshift"):
        out = getattr(F, name)(t, axes=axes)
        assert out.dtype is t.dtype
        if x.ndim == 0 or axes == ():
            np.testing.assert_array_equal(to_np(out), x)
        else:
            np.testing.assert_array_equal(to_np(out), getattr(np.fft, name)(x, axes=np_axes))
    back = F.ifftshift(F.fftshift(t, axes=axes), axes=axes)
    np.testing.assert_array_equal(to_np(back), x)


def test_shift_axes_errors(device):
    x = on(device, np.ones((2, 3)))
    with pytest.raises(IndexError, match="axis 2 is out of range"):
        F.fftshift(x, axes=2)
    with pytest.raises(TypeError, match="axes must be None, an int or a sequence"):
        F.ifftshift(x, axes=1.5)


def test_backend_double_precision_result_is_cast_back(device, monkeypatch):
    # Some libraries compute complex64 transforms in double precision; the standard
    # keeps the input's precision.
    x = on(device, np.arange(4, dtype=np.complex64))
    ns = x.backend.ns
    original = ns.fft.fft
    monkeypatch.setattr(ns.fft, "fft", lambda a, **kw: ns.astype(original(a, **kw), ns.complex128))
    out = F.fft(x)
    assert out.dtype is ag.complex64
    np.testing.assert_allclose(to_np(out), np.fft.fft(np.arange(4)), rtol=1e-6)


@pytest.mark.parametrize(
    ("name", "real_input", "out_shape"),
    [
        ("fft", False, (0, 4)),
        ("ifft", False, (0, 4)),
        ("rfft", True, (0, 3)),
        ("irfft", False, (0, 6)),
        ("hfft", False, (0, 6)),
        ("ihfft", True, (0, 3)),
    ],
)
def test_empty_batches_transform_to_empty_results(device, name, real_input, out_shape):
    x = np.zeros((0, 4)) if real_input else np.zeros((0, 4), dtype=complex)
    out = getattr(F, name)(on(device, x))
    ref = getattr(np.fft, name)(x)
    assert out.shape == out_shape == ref.shape
    assert out.dtype is {**REAL, **COMPLEX}[ref.dtype.type]
    # padding an empty axis gives zeros
    padded = F.fftn(on(device, np.zeros((0, 4), dtype=complex)), s=(2, 4), axes=(0, 1))
    np.testing.assert_array_equal(to_np(padded), np.zeros((2, 4)))


def test_numpy_integers_are_accepted_as_ints(device):
    x = on(device, np.ones((2, 4), dtype=np.complex64))
    assert F.fft(x, n=np.int64(3), axis=np.int32(0)).shape == (3, 4)
    assert F.fftfreq(np.int64(5), device=device).shape == (5,)
    with pytest.raises(TypeError, match="n must be an int"):
        F.fft(x, n=True)
