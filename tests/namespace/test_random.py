"""arraygrad.random: seeded draws, equal to NumPy's PCG64 stream on every backend."""

from __future__ import annotations

import copy
import math
import pickle
import threading

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import arraygrad as ag
import arraygrad.random

rnd = arraygrad.random

N = 10**5
SEEDS = st.integers(min_value=0, max_value=2**64 - 1)
SHAPES = st.lists(st.integers(min_value=0, max_value=4), min_size=0, max_size=3).map(tuple)
with_device = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def to_np(t: ag.Tensor) -> np.ndarray:
    return np.asarray(t.to_device("cpu"))


def requires_grad(t: ag.Tensor) -> bool:
    return getattr(t, "requires_grad", t._requires_grad)


# -- reproducibility ---------------------------------------------------------------------------
# (arraygrad call, the same draw on numpy.random.default_rng, arraygrad dtype)
DRAWS = {
    "normal": (lambda g, **kw: g.normal(1.5, 2.0, (3, 4), **kw), lambda r: r.normal(1.5, 2.0, (3, 4)), ag.float64),
    "standard_normal": (lambda g, **kw: g.standard_normal(5, **kw), lambda r: r.standard_normal(5), ag.float64),
    "uniform": (lambda g, **kw: g.uniform(-2, 3, (2, 2, 2), **kw), lambda r: r.uniform(-2, 3, (2, 2, 2)), ag.float64),
    "random": (lambda g, **kw: g.random((7,), **kw), lambda r: r.random((7,)), ag.float64),
    "integers": (lambda g, **kw: g.integers(-5, 5, (10,), **kw), lambda r: r.integers(-5, 5, (10,)), ag.int64),
    "integers_endpoint": (
        lambda g, **kw: g.integers(3, size=4, endpoint=True, **kw),
        lambda r: r.integers(3, size=4, endpoint=True),
        ag.int64,
    ),
    "integers_int8": (
        lambda g, **kw: g.integers(-100, 100, 6, dtype=ag.int8, **kw),
        lambda r: r.integers(-100, 100, 6, dtype=np.int8),
        ag.int8,
    ),
    "permutation": (lambda g, **kw: g.permutation(10, **kw), lambda r: r.permutation(10), ag.int64),
}


@pytest.mark.parametrize("name", list(DRAWS))
def test_generator_matches_numpy_on_every_backend(device, name):
    draw, expected, dtype = DRAWS[name]
    got = draw(rnd.Generator(12345), device=device)
    assert got.device == device
    assert got.dtype is dtype
    want = expected(np.random.default_rng(12345))
    np.testing.assert_array_equal(to_np(got), want)
    assert to_np(got).dtype == want.dtype


@pytest.mark.parametrize("name", list(DRAWS))
def test_same_seed_same_values_across_backends(device, name):
    draw, _, _ = DRAWS[name]
    on_device = to_np(draw(rnd.Generator(7), device=device))
    on_numpy = to_np(draw(rnd.Generator(7), device="cpu"))
    np.testing.assert_array_equal(on_device, on_numpy)


def test_different_seeds_differ_and_stream_advances():
    a = rnd.Generator(1)
    assert not np.array_equal(to_np(a.random(8)), to_np(rnd.Generator(2).random(8)))
    first, second = to_np(a.random(8)), to_np(a.random(8))
    assert not np.array_equal(first, second)
    a.seed(1)
    np.testing.assert_array_equal(to_np(a.random(8)), np.random.default_rng(1).random(8))


@with_device
@given(seed=SEEDS, shape=SHAPES)
def test_randn_matches_numpy_for_any_seed_and_shape(device, seed, shape):
    rnd.seed(seed)
    got = rnd.randn(*shape, device=device)
    assert got.shape == shape
    assert got.device == device
    np.testing.assert_array_equal(to_np(got), np.random.default_rng(seed).standard_normal(shape))


@with_device
@given(seed=SEEDS, shape=SHAPES)
def test_float32_is_the_float64_draw_rounded(device, seed, shape):
    got = rnd.Generator(seed).normal(0.5, 3.0, shape, dtype=ag.float32, device=device)
    assert got.dtype is ag.float32
    want = np.random.default_rng(seed).normal(0.5, 3.0, shape).astype(np.float32)
    np.testing.assert_array_equal(to_np(got), want)


def test_seed_types_match_numpy():
    for s in ([1, 2, 3], (4, 5), np.random.SeedSequence(99), np.int64(3), 2**100):
        got = to_np(rnd.Generator(s).random(4))
        np.testing.assert_array_equal(got, np.random.default_rng(s).random(4))


def test_module_functions_use_the_default_generator():
    assert rnd.manual_seed is rnd.seed
    assert rnd.default_generator() is rnd.default_generator()
    assert isinstance(rnd.default_generator(), rnd.Generator)
    rnd.seed(0)
    a = to_np(rnd.randn(2, 3))
    b = to_np(rnd.rand(4))
    c = to_np(rnd.normal(1.0, 2.0, 3))
    d = to_np(rnd.uniform(-1, 1, 3))
    e = to_np(rnd.integers(0, 10, 5))
    f = to_np(rnd.permutation(6))
    r = np.random.default_rng(0)
    np.testing.assert_array_equal(a, r.standard_normal((2, 3)))
    np.testing.assert_array_equal(b, r.random(4))
    np.testing.assert_array_equal(c, r.normal(1.0, 2.0, 3))
    np.testing.assert_array_equal(d, r.uniform(-1, 1, 3))
    np.testing.assert_array_equal(e, r.integers(0, 10, 5))
    np.testing.assert_array_equal(f, r.permutation(6))
    rnd.manual_seed(0)
    np.testing.assert_array_equal(to_np(rnd.randn(2, 3)), a)


def test_default_device_is_used(device):
    ag.set_default_device(device)
    for t in (rnd.randn(2), rnd.rand(2), rnd.normal(size=2), rnd.integers(3, size=2), rnd.permutation(3)):
        assert t.device == device


def test_permutation_of_a_tensor(device):
    base = np.arange(12.0).reshape(4, 3)
    x = ag.asarray(base, device=device)
    got = rnd.Generator(3).permutation(x)
    assert got.device == device
    assert got.dtype is ag.float64
    assert got.shape == (4, 3)
    np.testing.assert_array_equal(to_np(got), np.random.default_rng(3).permutation(base))
    one_d = ag.asarray([1, 2, 3, 4, 5], device=device)
    shuffled = to_np(rnd.Generator(3).permutation(one_d))
    np.testing.assert_array_equal(shuffled, np.random.default_rng(3).permutation(np.arange(1, 6)))
    np.testing.assert_array_equal(np.sort(shuffled), np.arange(1, 6))
    np.testing.assert_array_equal(to_np(x), base)  # a copy: the input is untouched


def test_generator_pickles_and_copies_with_its_state():
    g = rnd.Generator(5)
    g.random(3)
    for clone in (copy.deepcopy(g), pickle.loads(pickle.dumps(g))):
        np.testing.assert_array_equal(to_np(clone.random(4)), to_np(copy.deepcopy(g).random(4)))
    assert "Generator" in repr(g)


def test_threads_share_one_stream():
    rnd.seed(2024)
    blocks: list[np.ndarray] = []
    lock = threading.Lock()

    def work():
        for _ in range(50):
            values = to_np(rnd.randn(100))
            with lock:
                blocks.append(values)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    drawn = np.sort(np.concatenate(blocks))
    sequential = np.sort(np.random.default_rng(2024).standard_normal(8 * 50 * 100))
    np.testing.assert_array_equal(drawn, sequential)


# -- shapes and dtypes ------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [rnd.randn, rnd.rand])
def test_shape_arguments(device, fn):
    assert fn(2, 3, device=device).shape == (2, 3)
    assert fn((2, 3), device=device).shape == (2, 3)
    assert fn([2, 3], device=device).shape == (2, 3)
    assert fn(4, device=device).shape == (4,)
    assert fn(np.int64(4), device=device).shape == (4,)
    assert fn(0, 3, device=device).shape == (0, 3)
    scalar = fn(device=device)
    assert scalar.shape == ()
    assert scalar.ndim == 0
    assert fn((), device=device).shape == ()


def test_size_arguments():
    g = rnd.Generator(0)
    assert g.normal().shape == ()
    assert g.normal(size=3).shape == (3,)
    assert g.uniform(size=(2, 1)).shape == (2, 1)
    assert g.integers(5).shape == ()
    assert g.integers(5, size=[2, 2]).shape == (2, 2)
    assert g.permutation(0).shape == (0,)


def test_default_and_explicit_dtypes(device):
    g = rnd.Generator(0)
    for t in (g.normal(size=2, device=device), g.uniform(size=2, device=device),
              g.random(2, device=device), g.standard_normal(2, device=device),
              rnd.randn(2, device=device), rnd.rand(2, device=device)):
        assert t.dtype is ag.float64
    assert g.integers(3, size=2, device=device).dtype is ag.int64
    assert g.permutation(3, device=device).dtype is ag.int64
    for dt in (ag.float32, "float32", np.dtype("float32")):
        assert rnd.randn(2, dtype=dt, device=device).dtype is ag.float32
        assert g.uniform(size=2, dtype=dt, device=device).dtype is ag.float32
    supported = ag.__array_namespace_info__().dtypes(device=device).values()
    for dt in (ag.int8, ag.int16, ag.int32, ag.uint8, ag.uint16, ag.uint32):
        if dt not in supported:  # torch offers no uint16/uint32
            continue
        t = g.integers(0, 100, 50, dtype=dt, device=device)
        assert t.dtype is dt
        values = to_np(t)
        assert values.min() >= 0
        assert values.max() < 100


def test_integer_dtype_bounds():
    g = rnd.Generator(0)
    values = to_np(g.integers(0, 256, 2000, dtype=ag.uint8))
    assert values.min() == 0
    assert values.max() == 255
    assert set(np.unique(to_np(g.integers(-128, 127, 5000, dtype=ag.int8, endpoint=True)))) == set(
        range(-128, 128)
    )
    with pytest.raises(ValueError, match=r"integers: the range \[0, 256\] is out of the range of uint8"):
        g.integers(0, 257, dtype=ag.uint8)
    with pytest.raises(ValueError, match="out of the range of int8"):
        g.integers(-129, 0, dtype=ag.int8)


# -- statistics -------------------------------------------------------------------------------
def test_normal_statistics(device):
    loc, scale = 2.0, 3.0
    x = to_np(rnd.Generator(11).normal(loc, scale, N, device=device))
    assert abs(x.mean() - loc) < 5 * scale / math.sqrt(N)
    assert abs(x.std() - scale) < 5 * scale / math.sqrt(2 * N)
    z = to_np(rnd.Generator(12).standard_normal(N, dtype=ag.float32, device=device))
    assert abs(z.mean()) < 5 / math.sqrt(N)
    assert abs(z.std() - 1) < 5 / math.sqrt(2 * N)


def test_uniform_statistics(device):
    low, high = -1.0, 3.0
    x = to_np(rnd.Generator(13).uniform(low, high, N, device=device))
    width = high - low
    assert x.min() >= low
    assert x.max() < high
    assert abs(x.mean() - (low + high) / 2) < 5 * width / math.sqrt(12 * N)
    # the variance of U(a, b) is w^2/12; its standard error is w^2 / sqrt(180 N)
    assert abs(x.var() - width**2 / 12) < 5 * width**2 / math.sqrt(180 * N)
    u = to_np(rnd.Generator(14).random(N, dtype=ag.float32, device=device))
    assert u.min() >= 0
    assert u.max() < 1
    assert abs(u.mean() - 0.5) < 5 / math.sqrt(12 * N)


def test_integers_statistics(device):
    x = to_np(rnd.Generator(15).integers(0, 10, N, device=device))
    counts = np.bincount(x, minlength=10)
    assert counts.size == 10
    expected = N / 10
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    assert chi2 < 40  # 9 degrees of freedom: P(chi2 > 40) < 1e-5
    perm = to_np(rnd.Generator(16).permutation(1000, device=device))
    np.testing.assert_array_equal(np.sort(perm), np.arange(1000))


def test_uniform_keeps_the_half_open_interval_after_rounding(device):
    # float32 has 8 values in [1, 1 + 2**-20); float64 draws near high round up to it.
    high = 1.0 + 2.0**-20
    x = to_np(rnd.Generator(17).uniform(1.0, high, 10**4, dtype=ag.float32, device=device))
    assert x.min() >= 1.0
    assert x.max() < np.float32(high)
    assert x.max() == np.nextafter(np.float32(high), np.float32(0))


# -- requires_grad ----------------------------------------------------------------------------
def test_requires_grad_flag(device):
    assert not requires_grad(rnd.randn(2, device=device))
    for t in (
        rnd.randn(2, 3, device=device, requires_grad=True),
        rnd.rand(2, device=device, requires_grad=True),
        rnd.normal(size=2, device=device, requires_grad=True),
        rnd.uniform(size=2, dtype=ag.float32, device=device, requires_grad=True),
        rnd.Generator(0).standard_normal(2, device=device, requires_grad=True),
    ):
        assert requires_grad(t)
        assert t.device == device


# -- errors -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: rnd.normal(0.0, -1.0), ValueError, "normal: scale must be non-negative"),
        (lambda: rnd.normal(float("nan")), ValueError, "normal: loc must be finite"),
        (lambda: rnd.normal(0.0, float("inf")), ValueError, "normal: scale must be finite"),
        (lambda: rnd.normal(ag.asarray(0.0)), TypeError, "normal: loc must be a real number.*standard_normal"),
        (lambda: rnd.normal(1j), TypeError, "normal: loc must be a real number"),
        (lambda: rnd.normal(True), TypeError, "normal: loc must be a real number"),
        (lambda: rnd.normal(dtype=ag.int64), TypeError, "normal: dtype must be a real floating-point dtype.*int64"),
        (lambda: rnd.normal(dtype=ag.complex128), TypeError, "normal: dtype must be a real floating"),
        (lambda: rnd.uniform(dtype=ag.int32), TypeError, "uniform: dtype must be a real floating"),
        (lambda: rnd.randn(2, dtype=ag.int64), TypeError, "randn: dtype must be a real floating"),
        (lambda: rnd.rand(2, dtype=ag.bool), TypeError, "rand: dtype must be a real floating"),
        (lambda: rnd.randn(2, dtype="float16"), TypeError, "not a data type"),
        (lambda: rnd.uniform(1.0, 1.0), ValueError, "uniform: low must be less than high"),
        (lambda: rnd.uniform(2.0, 1.0), ValueError, "uniform: low must be less than high"),
        (lambda: rnd.uniform(-1e308, 1e308), ValueError, "uniform: high - low overflows"),
        (lambda: rnd.uniform(1.0, 1.0 + 1e-12, dtype=ag.float32), ValueError, "equal in float32"),
        (lambda: rnd.integers(5, 5), ValueError, "integers: low must be less than high"),
        (lambda: rnd.integers(0), ValueError, "integers: low must be less than high"),
        (lambda: rnd.integers(6, 5, endpoint=True), ValueError, "integers: low must be at most high"),
        (lambda: rnd.integers(0, 5.0), TypeError, "integers: high must be an int"),
        (lambda: rnd.integers(0, 5, dtype=ag.float64), TypeError, "integers: dtype must be an integer dtype"),
        (lambda: rnd.integers(0, 5, endpoint=1), TypeError, "integers: endpoint must be a bool"),
        (lambda: rnd.normal(size=-1), ValueError, "normal: size must hold non-negative ints"),
        (lambda: rnd.normal(size=2.0), TypeError, "normal: size must be None, an int or a tuple"),
        (lambda: rnd.uniform(size=(2, 1.5)), TypeError, "uniform: size must hold ints"),
        (lambda: rnd.randn(2, (3,)), TypeError, "randn: give the shape as ints"),
        (lambda: rnd.randn(2.0), TypeError, "randn: shape must hold ints"),
        (lambda: rnd.rand(-1), ValueError, "rand: shape must hold non-negative ints"),
        (lambda: rnd.seed(-1), ValueError, "seed: a seed must be non-negative"),
        (lambda: rnd.seed(1.5), TypeError, "seed: a seed must be None, a non-negative int"),
        (lambda: rnd.manual_seed(True), TypeError, "seed: a seed must be None"),
        (lambda: rnd.Generator("abc"), TypeError, "Generator: a seed must be None"),
        (lambda: rnd.Generator([1, -2]), ValueError, "Generator: a seed must be non-negative"),
        (lambda: rnd.permutation(-1), ValueError, "permutation: n must be non-negative"),
        (lambda: rnd.permutation(2.0), TypeError, "permutation: expected an int or an arraygrad Tensor"),
        (lambda: rnd.permutation([1, 2]), TypeError, "permutation: expected an int or an arraygrad Tensor"),
        (lambda: rnd.permutation(ag.asarray(1.0)), ValueError, "permutation: expected a tensor of at least 1"),
        (lambda: rnd.randn(2, device="nowhere"), ValueError, "not a device"),
    ],
)
def test_errors_name_the_function(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_permutation_device_must_be_the_tensors(device):
    if device == "cpu":
        pytest.skip("needs a second device")
    x = ag.asarray([1.0, 2.0], device=device)
    with pytest.raises(ValueError, match="permutation: a tensor is shuffled on its own device"):
        rnd.permutation(x, device="cpu")
    assert rnd.permutation(x, device=device).device == device
