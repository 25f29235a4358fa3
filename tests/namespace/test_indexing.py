"""Indexing on every backend, against NumPy: ``x[key]``, ``x[key] = v``, take, take_along_axis.

Keys are drawn by Hypothesis: basic keys (ints, slices with any step, ``None``, ``...``, left
out axes), integer arrays mixed with all of those (NumPy's rules), and boolean masks.
"""

from __future__ import annotations

import inspect
import types

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from hypothesis.extra import numpy as hnp

import arraygrad as ag
from arraygrad import _dispatch, _indexing
from arraygrad._backend import backend_named
from conftest import assume_on

# Dask's own behaviour for a data-dependent size (docs/backends.md).
DASK_MASKS = (
    "a boolean mask selects a data-dependent number of elements: Dask gives nan sizes, "
    "takes only masks of one dimension or of all of them, and writes no arrays through masks"
)


def _has_mask(key):
    items = key if isinstance(key, tuple) else (key,)
    return any(isinstance(k, np.ndarray) and k.dtype == np.bool_ for k in items)

with_device = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

DTYPES = ["bool", "int8", "uint16", "uint64", "int64", "float32", "float64", "complex128"]


def _t(a, device, dtype=None):
    a = np.asarray(a)
    # torch has no uint16/32/64 arithmetic, and its backend does not offer those dtypes.
    supported = ag.__array_namespace_info__().dtypes(device=device)
    if (a.dtype.name if dtype is None else dtype.name) not in supported:
        if currently_in_test_context():
            assume(False)
        pytest.skip(f"{device} has no {a.dtype.name}")
    return ag.asarray(a, dtype=dtype, device=device)


def _np(t):
    return np.asarray(t.to_device("cpu"))


def _on(key, device):
    """Return a NumPy key with its arrays made Tensors on ``device``."""
    if isinstance(key, tuple):
        return tuple(_on(k, device) for k in key)
    if isinstance(key, np.ndarray):
        return _t(key, device)
    return key


def _values(dtype, shape, seed=0):
    """Return distinct-ish values of ``dtype`` (bools alternate)."""
    n = int(np.prod(shape))
    base = np.arange(seed, seed + n) % 97
    if dtype == "bool":
        return (base % 2 == 1).reshape(shape)
    out = base.astype(dtype)
    if np.dtype(dtype).kind in "fc":
        out = out / 4
    return out.reshape(shape)


# -- key strategies ----------------------------------------------------------------------------
shapes = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5)


@st.composite
def basic_keys(draw, shape):
    """Basic keys, including slices with negative steps and out-of-range bounds."""
    key = draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    if isinstance(key, tuple) and key and draw(st.booleans()):
        # Python-style clipping: bounds past the ends.
        key = tuple(
            slice(
                k.start if k.start is None else k.start * 3,
                k.stop if k.stop is None else k.stop * 3,
                k.step,
            )
            if isinstance(k, slice)
            else k
            for k in key
        )
    return key


@st.composite
def array_keys(draw, shape, *, masks=True, newaxis=True):
    """Keys mixing integer arrays (and masks) with ints, slices, None and an ellipsis."""
    kinds = []
    for n in shape:
        options = ["slice"] + (["int", "array", "zero_d"] if n else [])
        kinds.append(draw(st.sampled_from(options)))
    n_arrays = kinds.count("array")
    index_shapes = (
        draw(
            hnp.mutually_broadcastable_shapes(num_shapes=n_arrays, max_dims=2, max_side=3)
        ).input_shapes
        if n_arrays
        else ()
    )
    shapes_iter = iter(index_shapes)
    key: list = []
    axis = 0
    while axis < len(shape):
        n = shape[axis]
        kind = kinds[axis]
        if masks and n and axis + 1 < len(shape) and draw(st.integers(0, 5)) == 0:
            m = draw(st.integers(1, len(shape) - axis))
            mshape = shape[axis : axis + m]
            key.append(draw(hnp.arrays(np.bool_, mshape)))
            axis += m
            continue
        if kind == "slice":
            key.append(draw(st.slices(n)))
        elif kind == "int":
            key.append(draw(st.integers(-n, n - 1)))
        elif kind == "zero_d":
            key.append(np.asarray(draw(st.integers(-n, n - 1))))
        else:
            key.append(
                draw(hnp.arrays(np.int64, next(shapes_iter), elements=st.integers(-n, n - 1)))
            )
        axis += 1
    if newaxis:
        for _ in range(draw(st.integers(0, 2))):
            key.insert(draw(st.integers(0, len(key))), None)
    # Leave trailing whole slices out, or stand an ellipsis for a run of them.
    cut = draw(st.integers(0, len(key)))
    tail = key[cut:]
    if all(isinstance(k, slice) and k == slice(None) for k in tail):
        key = key[:cut] + ([Ellipsis] if tail and draw(st.booleans()) else [])
    return tuple(key)


@st.composite
def arrays_and_keys(draw, key_strategy, min_dims=0):
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=4, min_side=0, max_side=4))
    dtype = draw(st.sampled_from(DTYPES))
    return _values(dtype, shape), draw(key_strategy(shape))


# -- reading -----------------------------------------------------------------------------------
@with_device
@given(arrays_and_keys(basic_keys))
def test_getitem_basic_matches_numpy(device, case):
    raw, key = case
    out = _t(raw, device)[key]
    expected = np.asarray(raw[key])
    assert out.dtype is getattr(ag, raw.dtype.name)
    assert out.device == device
    assert out.shape == expected.shape
    np.testing.assert_array_equal(_np(out), expected)


@with_device
@given(arrays_and_keys(array_keys, min_dims=1))
def test_getitem_arrays_mixed_matches_numpy(device, case):
    raw, key = case
    assume_on(device, "dask", ok=not _has_mask(key), reason=DASK_MASKS)
    try:
        expected = np.asarray(raw[key])
    except IndexError:  # masks whose True count does not broadcast with the other arrays
        with pytest.raises(IndexError, match="broadcast together"):
            _t(raw, device)[_on(key, device)]
        return
    out = _t(raw, device)[_on(key, device)]
    assert out.shape == expected.shape, key
    np.testing.assert_array_equal(_np(out), expected)


@pytest.mark.backend_xfail("dask", reason=DASK_MASKS)
@with_device
@given(st.data())
def test_getitem_sole_mask_matches_numpy(device, data):
    shape = data.draw(shapes)
    raw = _values("float64", shape)
    m = data.draw(st.integers(0, len(shape)))
    mshape = tuple(0 if data.draw(st.integers(0, 4)) == 0 else s for s in shape[:m])
    mask = data.draw(hnp.arrays(np.bool_, mshape))
    key = (mask, Ellipsis) if data.draw(st.booleans()) else mask
    out = _t(raw, device)[_on(key, device)]
    if mshape != shape[:m]:  # the standard: a 0 mask size selects nothing
        expected = np.zeros((0, *shape[m:]))
    else:
        expected = raw[mask]
    assert out.shape == expected.shape
    np.testing.assert_array_equal(_np(out), expected)


@pytest.mark.backend_xfail("dask", reason=DASK_MASKS)
def test_zero_d_mask_adds_an_axis(device):
    x = _t(_values("int64", (2, 3)), device)
    assert x[ag.asarray(True, device=device)].shape == (1, 2, 3)
    assert x[ag.asarray(False, device=device)].shape == (0, 2, 3)
    assert x[ag.asarray(True, device=device), ...].shape == (1, 2, 3)
    s = _t(np.asarray(5.0), device)
    assert s[ag.asarray(True, device=device)].shape == (1,)


def test_standard_forms(device):
    raw = _values("int64", (3, 4, 5))
    x = _t(raw, device)
    assert x[1, 2, 3].shape == ()
    assert int(x[1, 2, 3]) == raw[1, 2, 3]
    assert x[()].shape == (3, 4, 5)
    assert _t(np.asarray(7), device)[()].shape == ()
    assert _t(np.asarray(7), device)[...].shape == ()
    np.testing.assert_array_equal(_np(x[::-1, ::-2, 4:0:-3]), raw[::-1, ::-2, 4:0:-3])
    np.testing.assert_array_equal(_np(x[-1, ..., None, 1:]), raw[-1, ..., None, 1:])
    np.testing.assert_array_equal(_np(x[0:100, -100:2]), raw[0:100, -100:2])
    i, j = np.array([[0, 2], [1, 1]]), np.array([3, -1])
    np.testing.assert_array_equal(_np(x[_t(i, device), _t(j, device), 0]), raw[i, j, 0])
    assert list(x[_t(np.asarray(1), device), 0, 0:2].shape) == [2]
    np.testing.assert_array_equal(_np(x[_t(np.asarray(1), device)]), raw[1])


def test_zero_d_integer_tensor_is_an_int(device):
    x = _t(_values("float64", (4, 3)), device)
    i = ag.asarray(2, device=device)
    np.testing.assert_array_equal(_np(x[i]), _np(x[2]))
    np.testing.assert_array_equal(_np(x[i, ag.asarray(-1, device=device)]), _np(x[2, -1]))
    np.testing.assert_array_equal(_np(x[ag.asarray(1, device=device) : i]), _np(x[1:2]))
    np.testing.assert_array_equal(_np(x[np.int64(3)]), _np(x[3]))


def test_iteration_and_implicit_trailing_axes(device):
    raw = _values("int64", (3, 2))
    x = _t(raw, device)
    rows = list(x)
    assert len(rows) == 3
    np.testing.assert_array_equal(_np(rows[1]), raw[1])
    assert [r.shape for r in _t(raw[0], device)] == [(), ()]


def test_negative_steps_through_positive_slices(device, monkeypatch):
    # torch's workaround (positive slice, then flip) runs on every backend here.
    monkeypatch.setattr(_indexing, "_NO_NEGATIVE_STEP", frozenset({device.backend_name}))
    raw = _values("int64", (5, 4))
    x = _t(raw, device)
    for key in [
        (slice(None, None, -1),),
        (slice(4, 0, -2), slice(None, None, -3)),
        (None, 1, slice(3, None, -1)),
    ]:
        np.testing.assert_array_equal(_np(x[key]), raw[key])
    y = _t(raw, device)
    y[::-2, 1] = _t(np.array([10, 20, 30]), device)
    expected = raw.copy()
    expected[::-2, 1] = [10, 20, 30]
    np.testing.assert_array_equal(_np(y), expected)


# -- writing -----------------------------------------------------------------------------------
@with_device
@given(arrays_and_keys(basic_keys), st.sampled_from(["array", "broadcast", "scalar"]))
def test_setitem_basic_matches_numpy(device, case, form):
    raw, key = case
    expected = raw.copy()
    selected = expected[key]
    shape = np.shape(selected)
    new = _values(raw.dtype.name, shape, seed=5)
    if form == "broadcast" and shape:
        new = new[(0,) * 1][None] if shape[0] else new
    x = _t(raw, device)
    value = new.flat[0].item() if form == "scalar" and new.size else _t(new, device)
    if form == "scalar" and not new.size:
        value = _values(raw.dtype.name, ()).item()
    expected[key] = value if not isinstance(value, ag.Tensor) else new
    before = x.raw
    x[key] = value
    assert x.dtype is getattr(ag, raw.dtype.name)
    np.testing.assert_array_equal(_np(x), expected)
    if device.backend.mutable:
        assert x.raw is before  # written in place


@with_device
@given(arrays_and_keys(array_keys, min_dims=1), st.booleans())
def test_setitem_arrays_mixed_matches_numpy(device, case, scalar):
    raw, key = case
    assume_on(device, "dask", ok=not _has_mask(key), reason=DASK_MASKS)
    positions = np.arange(raw.size).reshape(raw.shape)
    try:
        selected = positions[key]
    except IndexError:  # masks whose True count does not broadcast with the other arrays
        with pytest.raises(IndexError, match="broadcast together"):
            _t(raw, device)[_on(key, device)] = _t(np.zeros((), raw.dtype), device)
        return
    # Repeated positions get the same value, so the order of writes does not matter.
    new = (selected * 3 + 1).astype(raw.dtype) if raw.dtype != np.bool_ else selected % 2 == 0
    expected = raw.copy()
    x = _t(raw, device)
    if scalar:
        value = _values(raw.dtype.name, (), seed=3).item()
        expected[key] = value
        x[_on(key, device)] = value
    else:
        expected[key] = new
        x[_on(key, device)] = _t(new, device)
    np.testing.assert_array_equal(_np(x), expected)


@pytest.mark.backend_xfail("dask", reason=DASK_MASKS)
@with_device
@given(st.data())
def test_setitem_mask_matches_numpy(device, data):
    shape = data.draw(shapes)
    raw = _values("int16", shape)
    m = data.draw(st.integers(0, len(shape)))
    mask = data.draw(hnp.arrays(np.bool_, shape[:m]))
    expected = raw.copy()
    x = _t(raw, device)
    count = int(mask.sum())
    if data.draw(st.booleans()):
        value = data.draw(st.integers(-100, 100))
        expected[mask] = value
        x[_t(mask, device)] = value
    else:
        new = _values("int16", (count, *shape[m:]), seed=7)
        expected[mask] = new
        x[_t(mask, device)] = _t(new, device)
    np.testing.assert_array_equal(_np(x), expected)


def test_setitem_value_dtypes(device):
    x = ag.zeros((3,), dtype=ag.float64, device=device)
    x[0] = ag.asarray(1.5, dtype=ag.float32, device=device)  # float32 promotes to float64
    x[1] = 2
    x[2:] = ag.asarray([3.0], device=device)
    np.testing.assert_array_equal(_np(x), [1.5, 2.0, 3.0])
    c = ag.zeros((2,), dtype=ag.complex64, device=device)
    c[0] = 1j
    c[1] = ag.asarray(2.0, dtype=ag.float32, device=device)
    np.testing.assert_array_equal(_np(c), [1j, 2.0])
    i = ag.zeros((2,), dtype=ag.int16, device=device)
    i[0] = ag.asarray(5, dtype=ag.uint8, device=device)
    i[1] = -7
    np.testing.assert_array_equal(_np(i), [5, -7])
    b = ag.zeros((2,), dtype=ag.bool, device=device)
    b[1] = True
    assert _np(b).tolist() == [False, True]


def test_setitem_errors(device):
    x = ag.zeros((2, 3), dtype=ag.float32, device=device)
    with pytest.raises(
        TypeError, match="setitem: a float64 value cannot be written into a float32 tensor"
    ):
        x[0] = ag.ones((3,), dtype=ag.float64, device=device)
    with pytest.raises(TypeError, match="promotion of int64 with float32 is undefined"):
        x[0] = ag.ones((3,), dtype=ag.int64, device=device)
    with pytest.raises(TypeError, match="Python complex cannot be written into a float32"):
        x[0, 0] = 1j
    n = ag.zeros((2,), dtype=ag.int8, device=device)
    with pytest.raises(TypeError, match="Python float combines only with floating-point"):
        n[0] = 1.5
    with pytest.raises(OverflowError, match="out of the range of int8"):
        n[0] = 300
    with pytest.raises(TypeError, match="Python bool combines only with bool"):
        n[0] = True
    with pytest.raises(
        ValueError, match=r"a value of shape \(2,\) cannot broadcast to the selected shape \(3,\)"
    ):
        x[0] = ag.ones((2,), dtype=ag.float32, device=device)
    with pytest.raises(ValueError, match="cannot broadcast"):
        x[0] = ag.ones((1, 3), dtype=ag.float32, device=device)
    with pytest.raises(
        TypeError,
        match=r"setitem: expected an arraygrad Tensor or a Python scalar, got builtins\.list",
    ):
        x[0] = [1.0, 2.0, 3.0]
    with pytest.raises(
        IndexError,
        match=r"setitem: index 2 is out of bounds for axis 0 with size 2 \(inputs: float32\[2, 3\]",
    ):
        x[2] = 1.0
    assert _np(x).tolist() == [[0.0] * 3] * 2  # nothing was written

    def write_out_of_bounds():
        x[0, ag.asarray([0, 3], device=device)] = 1.0
        _np(x)  # lazy backends (Dask) check index arrays when they compute

    with pytest.raises(IndexError, match="out of bounds for axis 1 with size 3"):
        write_out_of_bounds()
    if not device.backend.lazy:  # a lazy tensor keeps the failing write in its graph
        assert _np(x).tolist() == [[0.0] * 3] * 2


# -- errors ------------------------------------------------------------------------------------
def test_getitem_errors(device):
    x = ag.zeros((2, 3), device=device)
    with pytest.raises(
        IndexError,
        match=r"getitem: index 3 is out of bounds for axis 1 with size 3 \(inputs: float64\[2, 3\]",
    ):
        x[0, 3]
    with pytest.raises(IndexError, match="index -3 is out of bounds for axis 0 with size 2"):
        x[-3]
    # Index arrays: lazy backends (Dask) check their bounds when they compute.
    with pytest.raises(IndexError, match="index 5 is out of bounds for axis 0 with size 2"):
        _np(x[ag.asarray([0, 5], device=device)])
    with pytest.raises(IndexError, match="index -4 is out of bounds for axis 1 with size 3"):
        _np(x[:, ag.asarray([-4], device=device)])
    with pytest.raises(IndexError, match="single ellipsis"):
        x[..., 0, ...]
    with pytest.raises(
        IndexError,
        match=r"too many indices: the tensor has 2 dimensions \(shape \(2, 3\)\) but 3 were indexed",
    ):
        x[0, 0, 0]
    with pytest.raises(IndexError, match=r"float 1\.0 is not a valid index"):
        x[1.0]
    with pytest.raises(IndexError, match=r"builtins\.dict .*wrap arrays with arraygrad\.asarray"):
        x[{0: 1}]
    with pytest.raises(IndexError, match="Python bool"):
        x[True]
    with pytest.raises(
        IndexError, match="only integer and boolean tensors can be indices, got a float64"
    ):
        x[ag.asarray([0.0], device=device)]
    with pytest.raises(IndexError, match="slice bounds must be ints or None"):
        x[0.5:]
    with pytest.raises(ValueError, match="slice step cannot be zero"):
        x[::0]
    with pytest.raises(
        IndexError, match=r"boolean index of shape \(3,\) does not match the indexed axes \(2,\)"
    ):
        x[ag.ones((3,), dtype=ag.bool, device=device)]
    with pytest.raises(IndexError, match="too many indices"):
        x[ag.ones((2, 3, 1), dtype=ag.bool, device=device)]
    with pytest.raises(IndexError, match="0-d boolean index must be the sole index"):
        x[ag.asarray(True, device=device), 0]
    with pytest.raises(IndexError, match="broadcast together"):
        x[ag.asarray([0, 1], device=device), ag.asarray([0, 1, 2], device=device)]


def test_key_tensors_on_another_device_are_an_error():
    pytest.importorskip("array_api_strict")
    x = ag.zeros((3,))
    i = ag.asarray([0], device="array_api_strict")
    with pytest.raises(
        ValueError,
        match="the index tensor is on array_api_strict:CPU_DEVICE, but the indexed tensor is on cpu",
    ):
        x[i]
    with pytest.raises(ValueError, match="index tensor is on"):
        x[i] = 1.0
    with pytest.raises(ValueError, match="setitem: the inputs are on different devices"):
        x[0] = ag.asarray(1.0, device="array_api_strict")
    with pytest.raises(ValueError, match="take: the inputs are on different devices"):
        ag.take(x, i)


# -- the dispatch and autograd hooks -----------------------------------------------------------
@pytest.fixture
def hooks(monkeypatch):
    """Replace autograd's recorder and in-place hook with ones that log their calls."""
    log: list = []

    def record(name, inputs, params, output):
        log.append(("record", name, inputs, params, output))

    def inplace_hook(name, target, inputs, params, mutate):
        log.append(("inplace", name, target, inputs, params))
        mutate()

    monkeypatch.setattr(_dispatch, "_recorder", record)
    monkeypatch.setattr(_dispatch, "_inplace_hook", inplace_hook)
    return log


def test_getitem_records_the_original_key(device, hooks):
    x = ag.asarray([1.0, 2.0, 3.0], device=device)
    x._requires_grad = True
    i = ag.asarray([2, 0], device=device)
    key = (i,)
    out = x[key]
    assert len(hooks) == 1
    kind, name, inputs, params, output = hooks[0]
    assert (kind, name) == ("record", "getitem")
    assert inputs == (x,)
    assert params["key"] is key  # with its Tensors, for the derivative rule
    assert output is out


def test_setitem_goes_through_the_inplace_hook(device, hooks):
    x = ag.zeros((3,), device=device)
    v = ag.asarray(5.0, device=device)
    x[1:] = v
    (entry,) = hooks
    kind, name, target, inputs, params = entry
    assert (kind, name) == ("inplace", "setitem")
    assert target is x
    assert inputs == (x, v)
    assert params == {"key": slice(1, None)}
    assert _np(x).tolist() == [0.0, 5.0, 5.0]


def test_immutable_backends_get_a_new_array():
    """The JAX branch: ``raw.at[key].set(value)`` replaces the buffer."""

    class AtArray(np.ndarray):
        @property
        def at(self):
            arr = self

            class _At:
                def __getitem__(self, key):
                    def set_(value):
                        out = np.array(arr)
                        out[key] = value
                        return out

                    return types.SimpleNamespace(set=set_)

            return _At()

    raw = np.arange(4.0).view(AtArray)
    numpy_backend = backend_named("numpy")
    parsed = _indexing.parse_key(numpy_backend, raw, slice(1, 3))
    fake = types.SimpleNamespace(mutable=False, name="jaxlike", ns=numpy_backend.ns)
    out = _indexing.write(fake, raw, parsed, 9.0)
    assert out is not raw
    assert np.asarray(raw).tolist() == [0.0, 1.0, 2.0, 3.0]
    assert out.tolist() == [0.0, 9.0, 9.0, 3.0]


# -- the standard-only paths, checked against NumPy's own indexing ---------------------------------
@given(arrays_and_keys(array_keys, min_dims=1))
def test_advanced_gather_and_scatter_reproduce_numpy(case):
    raw, key = case
    backend = backend_named("numpy")
    parsed = _indexing.parse_key(backend, raw, _on(key, "cpu"))
    try:
        raw[key]
    except IndexError:
        with pytest.raises(IndexError, match="broadcast together"):
            _indexing._advanced_gather(backend, raw, parsed)
        return
    if parsed.kind in ("mixed", "pure"):
        out = _indexing._advanced_gather(backend, raw, parsed)
        np.testing.assert_array_equal(out, raw[key])
    positions = np.arange(raw.size).reshape(raw.shape)
    new = (positions[key] * 5 + 2).astype(raw.dtype)
    expected = raw.copy()
    expected[key] = new
    np.testing.assert_array_equal(_indexing._scatter(backend, raw, parsed, new), expected)
    assert tuple(_indexing.selection_shape(backend, parsed)) == np.shape(raw[key])


def test_assign_helper_writes_by_our_rules(device):
    backend = device.backend
    x = _t(_values("float64", (3, 4)), device)
    raw = x.raw
    key = (ag.asarray([0, 2], device=device), slice(1, None))
    value = ag.ones((2, 3), dtype=ag.float32, device=device).raw
    out = _indexing.assign(backend, raw, key, value)
    expected = _values("float64", (3, 4))
    expected[np.array([0, 2]), 1:] = 1.0
    np.testing.assert_array_equal(_np(ag.asarray(out, device=device)), expected)
    assert _indexing.raw_key(key)[0] is key[0].raw


# -- take, take_along_axis -----------------------------------------------------------------------
def test_signatures_match_the_standard():
    strict = pytest.importorskip("array_api_strict")
    strict.set_array_api_strict_flags(api_version="2025.12")
    assert _indexing.__all__ == ["take", "take_along_axis"]
    for name in _indexing.__all__:
        ours = inspect.signature(getattr(ag, name)).parameters
        theirs = inspect.signature(getattr(strict, name)).parameters
        assert list(ours) == list(theirs), name
        for p, q in zip(ours.values(), theirs.values(), strict=True):
            assert (p.kind, p.default) == (q.kind, q.default), (name, p.name)
    assert list(inspect.signature(ag.Tensor.__getitem__).parameters) == ["self", "key"]
    assert list(inspect.signature(ag.Tensor.__setitem__).parameters) == ["self", "key", "value"]


@with_device
@given(st.data())
def test_take_matches_numpy(device, data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    dtype = data.draw(st.sampled_from(DTYPES))
    raw = _values(dtype, shape)
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    n = shape[axis]
    idx_dtype = data.draw(st.sampled_from(["int64", "int32", "uint8"]))
    lo = 0 if idx_dtype == "uint8" else -n
    idx = np.asarray(data.draw(st.lists(st.integers(lo, n - 1), max_size=5)), dtype=idx_dtype)
    out = ag.take(_t(raw, device), _t(idx, device), axis=axis)
    np.testing.assert_array_equal(_np(out), np.take(raw, idx, axis=axis))
    assert out.dtype is getattr(ag, dtype)
    if len(shape) == 1:
        np.testing.assert_array_equal(
            _np(ag.take(_t(raw, device), _t(idx, device))), np.take(raw, idx)
        )


@with_device
@given(st.data())
def test_take_along_axis_matches_numpy(device, data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    dtype = data.draw(st.sampled_from(DTYPES))
    raw = _values(dtype, shape)
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    n = shape[axis]
    # Other axes may be 1 (they broadcast); the indexed axis takes any length.
    ishape = tuple(
        data.draw(st.integers(0, 5))
        if i == axis % len(shape)
        else data.draw(st.sampled_from([s, 1]))
        for i, s in enumerate(shape)
    )
    idx = data.draw(hnp.arrays(np.int64, ishape, elements=st.integers(-n, n - 1)))
    out = ag.take_along_axis(_t(raw, device), _t(idx, device), axis=axis)
    np.testing.assert_array_equal(_np(out), np.take_along_axis(raw, idx, axis=axis))
    assert out.dtype is getattr(ag, dtype)


def test_take_errors(device):
    x = ag.zeros((2, 3), device=device)
    i = ag.asarray([0, 1], device=device)
    with pytest.raises(ValueError, match="take: axis is required for a tensor of 2 dimensions"):
        ag.take(x, i)
    with pytest.raises(TypeError, match="take: indices must have an integer dtype, got float64"):
        ag.take(x, ag.asarray([0.0], device=device), axis=0)
    with pytest.raises(ValueError, match=r"indices must be 1-D, got shape \(1, 2\)"):
        ag.take(x, ag.asarray([[0, 1]], device=device), axis=0)
    with pytest.raises(IndexError, match="take: axis 2 is out of range"):
        ag.take(x, i, axis=2)
    with pytest.raises(IndexError, match="index 3 is out of bounds for axis 1 with size 3"):
        _np(ag.take(x, ag.asarray([3], device=device), axis=1))  # Dask raises on computing
    with pytest.raises(TypeError, match="take: expected an arraygrad Tensor"):
        ag.take(x, [0], axis=0)
    with pytest.raises(ValueError, match="same number"):
        ag.take_along_axis(x, i)
    with pytest.raises(ValueError, match=r"do not broadcast outside axis 1 \(axis 0: 2 and 3\)"):
        ag.take_along_axis(x, ag.zeros((3, 1), dtype=ag.int64, device=device), axis=1)
    with pytest.raises(IndexError, match="index -4 is out of bounds for axis 1 with size 3"):
        _np(ag.take_along_axis(x, ag.full((2, 1), -4, device=device), axis=1))
    with pytest.raises(IndexError, match="take_along_axis: axis 2 is out of range"):
        ag.take_along_axis(x, ag.zeros((2, 3), dtype=ag.int64, device=device), axis=2)


def test_lists_index_like_integer_tensors(device):
    # NumPy and PyTorch users write x[[0, 2]]: a list is an integer (or boolean) index array.
    x = ag.asarray([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], device=device)
    np.testing.assert_array_equal(_np(x[[1, 0, 1]]), [[4, 5, 6], [1, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(_np(x[:, [2, 0]]), [[3, 1], [6, 4]])
    np.testing.assert_array_equal(_np(x[[True, False]]), [[1, 2, 3]])
    x[[0, 1], [0, 0]] = 0.0
    np.testing.assert_array_equal(_np(x)[:, 0], [0, 0])
