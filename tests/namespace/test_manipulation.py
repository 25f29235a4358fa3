"""Manipulation functions (reshape, concat, stack, flip, roll, ...) on every backend, against NumPy."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import arraygrad as ag
from arraygrad._manipulation import moveaxis_permutation

with_device = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

NAMES = [
    "broadcast_arrays",
    "broadcast_shapes",
    "broadcast_to",
    "concat",
    "expand_dims",
    "flip",
    "moveaxis",
    "permute_dims",
    "repeat",
    "reshape",
    "roll",
    "squeeze",
    "stack",
    "tile",
    "unstack",
]


def _t(a, device, dtype=None):
    return ag.asarray(np.asarray(a), dtype=dtype, device=device)


def _np(t):
    return np.asarray(t.to_device("cpu"))


def _check(out, expected, device, dtype=None):
    assert isinstance(out, ag.Tensor)
    assert out.device == device
    if dtype is not None:
        assert out.dtype is dtype
    assert out.shape == expected.shape
    np.testing.assert_array_equal(_np(out), expected)


arrays = hnp.arrays(
    np.int64,
    hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4),
    elements=st.integers(-100, 100),
)
nonempty_rank = hnp.arrays(
    np.int64,
    hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=4),
    elements=st.integers(-100, 100),
)


def _axes_of(ndim):
    """Unique axes of an ndim tensor, each maybe negative."""
    if ndim == 0:
        return st.just(())
    return st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim).flatmap(
        lambda axes: st.tuples(*(st.sampled_from([a, a - ndim]) for a in axes))
    )


def test_all_names_exported_with_the_standards_signatures():
    strict = pytest.importorskip("array_api_strict")
    strict.set_array_api_strict_flags(api_version="2025.12")
    assert sorted(ag._manipulation.__all__) == NAMES
    for name in NAMES:
        assert name in ag.__all__
        ours = inspect.signature(getattr(ag, name)).parameters
        theirs = inspect.signature(getattr(strict, name)).parameters
        assert list(ours) == list(theirs), name
        for p, q in zip(ours.values(), theirs.values(), strict=True):
            assert (p.kind, p.default) == (q.kind, q.default), (name, p.name)


# -- broadcasting ------------------------------------------------------------------------------
@given(hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=4))
def test_broadcast_shapes_matches_numpy(shapes):
    assert ag.broadcast_shapes(*shapes.input_shapes) == shapes.result_shape
    assert ag.broadcast_shapes(*shapes.input_shapes) == np.broadcast_shapes(*shapes.input_shapes)


def test_broadcast_shapes_edges():
    assert ag.broadcast_shapes() == ()
    assert ag.broadcast_shapes((2, 1), (3,)) == (2, 3)
    assert ag.broadcast_shapes((None, 1), (3,)) == (None, 3)
    assert ag.broadcast_shapes((None,), (1,)) == (None,)
    assert ag.broadcast_shapes((None,), (4,)) == (4,)
    with pytest.raises(ValueError, match=r"do not broadcast: axis -1 has sizes \[2, 3\]"):
        ag.broadcast_shapes((2,), (3,))
    with pytest.raises(TypeError, match="tuples of non-negative ints"):
        ag.broadcast_shapes((2.0,))


@with_device
@given(hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3), st.data())
def test_broadcast_arrays_and_to(device, shapes, data):
    raws = [
        data.draw(hnp.arrays(np.float32, s, elements=st.floats(-5, 5, width=32)))
        for s in shapes.input_shapes
    ]
    outs = ag.broadcast_arrays(*(_t(r, device) for r in raws))
    assert isinstance(outs, tuple)
    for out, expected in zip(outs, np.broadcast_arrays(*raws), strict=True):
        _check(out, expected, device, ag.float32)
    _check(
        ag.broadcast_to(_t(raws[0], device), shapes.result_shape),
        np.broadcast_to(raws[0], shapes.result_shape),
        device,
    )


def test_broadcast_errors(device):
    x = ag.ones((2, 3), device=device)
    assert ag.broadcast_arrays() == ()
    with pytest.raises(ValueError, match=r"shape \(2, 3\) cannot broadcast to \(3, 3\)"):
        ag.broadcast_to(x, (3, 3))
    with pytest.raises(ValueError, match="cannot broadcast"):
        ag.broadcast_to(x, (3,))
    with pytest.raises(ValueError, match="do not broadcast"):
        ag.broadcast_arrays(x, ag.ones((4,), device=device))
    with pytest.raises(TypeError, match="broadcast_to: expected an arraygrad Tensor"):
        ag.broadcast_to(np.ones(3), (3,))


# -- joining -----------------------------------------------------------------------------------
@with_device
@given(st.data())
def test_concat_matches_numpy(device, data):
    base = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=3))
    axis = data.draw(st.integers(-len(base), len(base) - 1))
    n = data.draw(st.integers(1, 3))
    raws = []
    for _ in range(n):
        shape = list(base)
        shape[axis] = data.draw(st.integers(0, 3))
        raws.append(data.draw(hnp.arrays(np.int32, tuple(shape), elements=st.integers(-9, 9))))
    out = ag.concat([_t(r, device) for r in raws], axis=axis)
    _check(out, np.concatenate(raws, axis=axis), device, ag.int32)
    flat = ag.concat(tuple(_t(r, device) for r in raws), axis=None)
    _check(flat, np.concatenate([r.ravel() for r in raws]), device, ag.int32)


@pytest.mark.parametrize(
    ("dtypes", "expected"),
    [
        (("int8", "int16"), "int16"),
        (("uint8", "int8"), "int16"),
        (("float32", "float64"), "float64"),
        (("float32", "complex64", "float64"), "complex128"),
        (("bool", "bool"), "bool"),
    ],
)
def test_concat_and_stack_promote(device, dtypes, expected):
    parts = [ag.ones((2,), dtype=getattr(ag, d), device=device) for d in dtypes]
    assert ag.concat(parts).dtype is getattr(ag, expected)
    assert ag.stack(parts, axis=-1).dtype is getattr(ag, expected)
    assert ag.stack(parts, axis=-1).shape == (2, len(dtypes))


def test_concat_errors(device):
    x = ag.ones((2, 3), device=device)
    with pytest.raises(
        TypeError, match="concat: the array API standard defines no promotion of float64 with int64"
    ):
        ag.concat([x, ag.ones((2, 3), dtype=ag.int64, device=device)])
    with pytest.raises(ValueError, match=r"shapes \(2, 3\) and \(2, 4\) differ outside axis 0"):
        ag.concat([x, ag.ones((2, 4), device=device)])
    with pytest.raises(ValueError, match="differ outside axis"):
        ag.concat([x, ag.ones((6,), device=device)])
    with pytest.raises(IndexError, match="concat: axis 2 is out of range"):
        ag.concat([x, x], axis=2)
    with pytest.raises(ValueError, match="0-d tensors cannot be joined"):
        ag.concat([ag.ones((), device=device)])
    assert ag.concat([ag.ones((), device=device)] * 2, axis=None).shape == (2,)
    with pytest.raises(TypeError, match="arrays must be a tuple or list"):
        ag.concat(x)
    with pytest.raises(ValueError, match="at least one array"):
        ag.concat([])
    with pytest.raises(TypeError, match=r"concat: expected an arraygrad Tensor, got builtins.list"):
        ag.concat([x, [1.0, 2.0]])


def test_concat_mixed_devices_is_an_error():
    pytest.importorskip("array_api_strict")
    a = ag.ones((2,))
    b = ag.ones((2,), device="array_api_strict")
    with pytest.raises(ValueError, match="different devices, cpu and array_api_strict"):
        ag.concat([a, b])
    with pytest.raises(ValueError, match="different devices"):
        ag.stack([a, b])


@with_device
@given(arrays, st.data())
def test_stack_and_unstack_match_numpy(device, raw, data):
    n = data.draw(st.integers(1, 3))
    raws = [raw + i for i in range(n)]
    axis = data.draw(st.integers(-raw.ndim - 1, raw.ndim))
    out = ag.stack([_t(r, device) for r in raws], axis=axis)
    _check(out, np.stack(raws, axis=axis), device, ag.int64)
    parts = ag.unstack(out, axis=axis)
    assert isinstance(parts, tuple)
    assert len(parts) == n
    for part, r in zip(parts, raws, strict=True):
        _check(part, r, device)


def test_stack_and_unstack_errors(device):
    x = ag.ones((2, 3), device=device)
    with pytest.raises(ValueError, match=r"same shape, got \(2, 3\) and \(3, 2\)"):
        ag.stack([x, ag.ones((3, 2), device=device)])
    with pytest.raises(IndexError, match="stack: axis 3 is out of range"):
        ag.stack([x, x], axis=3)
    with pytest.raises(IndexError, match="unstack: axis -3 is out of range"):
        ag.unstack(x, axis=-3)
    with pytest.raises(ValueError, match="0-d tensor"):
        ag.unstack(ag.ones((), device=device))


# -- axes --------------------------------------------------------------------------------------
@with_device
@given(arrays, st.data())
def test_expand_dims_matches_numpy(device, raw, data):
    k = data.draw(st.integers(0, 3))
    ndim = raw.ndim + k
    positions = (
        data.draw(st.lists(st.integers(0, ndim - 1), unique=True, min_size=k, max_size=k))
        if ndim
        else []
    )
    axis = tuple(data.draw(st.sampled_from([p, p - ndim])) for p in positions)
    if len(axis) == 1 and data.draw(st.booleans()):
        axis = axis[0]
    _check(ag.expand_dims(_t(raw, device), axis=axis), np.expand_dims(raw, axis), device)


def test_expand_dims_errors(device):
    x = ag.ones((2, 3), device=device)
    assert ag.expand_dims(x, axis=-3).shape == (1, 2, 3)
    assert ag.expand_dims(x, axis=(0, -1)).shape == (1, 2, 3, 1)
    with pytest.raises(IndexError, match="axis 3 is out of range"):
        ag.expand_dims(x, axis=3)
    with pytest.raises(IndexError, match="axis -4 is out of range"):
        ag.expand_dims(x, axis=(-4,))
    with pytest.raises(ValueError, match="same position"):
        ag.expand_dims(x, axis=(0, -4))
    with pytest.raises(TypeError, match="axis must be an int or a tuple of ints"):
        ag.expand_dims(x, axis=[0])


@with_device
@given(nonempty_rank.filter(lambda a: 1 in a.shape), st.data())
def test_squeeze_matches_numpy(device, raw, data):
    ones = [i for i, s in enumerate(raw.shape) if s == 1]
    axes = data.draw(st.lists(st.sampled_from(ones), unique=True, min_size=1))
    axis = tuple(a - raw.ndim if i % 2 else a for i, a in enumerate(axes))
    if len(axis) == 1 and data.draw(st.booleans()):
        axis = axis[0]
    _check(ag.squeeze(_t(raw, device), axis), np.squeeze(raw, axis), device)


def test_squeeze_errors(device):
    x = ag.ones((2, 1), device=device)
    assert ag.squeeze(x, ()).shape == (2, 1)
    with pytest.raises(ValueError, match=r"axis 0 of a tensor of shape \(2, 1\) has size 2, not 1"):
        ag.squeeze(x, 0)
    with pytest.raises(IndexError, match="out of range"):
        ag.squeeze(x, 2)
    with pytest.raises(ValueError, match="more than once"):
        ag.squeeze(x, (1, -1))


@with_device
@given(arrays, st.data())
def test_flip_matches_numpy(device, raw, data):
    axis = data.draw(
        st.none()
        | _axes_of(raw.ndim)
        | (st.integers(-raw.ndim, raw.ndim - 1) if raw.ndim else st.none())
    )
    _check(ag.flip(_t(raw, device), axis=axis), np.flip(raw, axis=axis), device)


@with_device
@given(nonempty_rank, st.data())
def test_permute_dims_and_moveaxis_match_numpy(device, raw, data):
    nd = raw.ndim
    perm = data.draw(st.permutations(range(nd)))
    axes = tuple(data.draw(st.sampled_from([a, a - nd])) for a in perm)
    x = _t(raw, device)
    _check(ag.permute_dims(x, axes), np.transpose(raw, axes), device)
    src = data.draw(_axes_of(nd))
    dst = data.draw(
        st.lists(st.integers(0, nd - 1), unique=True, min_size=len(src), max_size=len(src))
    )
    _check(ag.moveaxis(x, src, tuple(dst)), np.moveaxis(raw, src, dst), device)
    a, b = data.draw(st.integers(-nd, nd - 1)), data.draw(st.integers(-nd, nd - 1))
    _check(ag.moveaxis(x, a, b), np.moveaxis(raw, a, b), device)


def test_moveaxis_permutation():
    assert moveaxis_permutation(4, (0,), (3,)) == (1, 2, 3, 0)
    assert moveaxis_permutation(4, (3, 0), (0, 1)) == (3, 0, 1, 2)


def test_axes_errors(device):
    x = ag.ones((2, 3, 4), device=device)
    with pytest.raises(ValueError, match="must name each of the 3 axes"):
        ag.permute_dims(x, (0, 1))
    with pytest.raises(ValueError, match="more than once"):
        ag.permute_dims(x, (0, 1, -2))
    with pytest.raises(IndexError, match="permute_dims: axis 3 is out of range"):
        ag.permute_dims(x, (0, 1, 3))
    with pytest.raises(ValueError, match="must name as many axes"):
        ag.moveaxis(x, (0, 1), (2,))
    with pytest.raises(ValueError, match="more than once"):
        ag.moveaxis(x, (0, 0), (1, 2))
    with pytest.raises(IndexError, match="moveaxis: axis 5 is out of range"):
        ag.moveaxis(x, 5, 0)
    with pytest.raises(ValueError, match="more than once"):
        ag.flip(x, axis=(1, -2))
    with pytest.raises(TypeError, match="axis must be an int or a tuple of ints"):
        ag.flip(x, axis=1.0)


@with_device
@given(arrays, st.data())
def test_roll_matches_numpy(device, raw, data):
    shifts = st.integers(-10, 10)
    if raw.ndim and data.draw(st.booleans()):
        axis = data.draw(
            st.lists(st.integers(-raw.ndim, raw.ndim - 1), min_size=1, max_size=3).map(tuple)
        )
        shift = data.draw(shifts | st.tuples(*[shifts] * len(axis)))
    else:
        axis = data.draw(
            st.none() | (st.integers(-raw.ndim, raw.ndim - 1) if raw.ndim else st.none())
        )
        shift = data.draw(shifts)
    _check(ag.roll(_t(raw, device), shift, axis=axis), np.roll(raw, shift, axis=axis), device)


def test_roll_errors(device):
    x = ag.ones((2, 3), device=device)
    with pytest.raises(ValueError, match="tuple shift"):
        ag.roll(x, (1, 2))
    with pytest.raises(ValueError, match="same length"):
        ag.roll(x, (1, 2), axis=(0,))
    with pytest.raises(IndexError, match="out of range"):
        ag.roll(x, 1, axis=2)


# -- shape -------------------------------------------------------------------------------------
@with_device
@given(arrays, st.data())
def test_reshape_matches_numpy(device, raw, data):
    size = raw.size
    dims = data.draw(st.lists(st.integers(1, 4), max_size=4))
    if size == 0:
        shape = (*dims, 0)
    else:
        shape, rest = [], size
        for d in dims:
            if rest % d == 0:
                shape.append(d)
                rest //= d
        shape.append(rest)
        if data.draw(st.booleans()):
            shape[data.draw(st.integers(0, len(shape) - 1))] = -1
    shape = tuple(data.draw(st.permutations(shape)))
    copy = data.draw(st.sampled_from([None, True]))
    out = ag.reshape(_t(raw, device), shape, copy=copy)
    _check(out, np.reshape(raw, shape), device)


@pytest.mark.backend_xfail(
    "jax", reason="JAX arrays have no strides or views: reshape(copy=False) never needs a copy"
)
@pytest.mark.backend_xfail("dask", reason="array_api_compat's dask reshape refuses copy=False")
def test_reshape_copy_and_errors(device):
    x = ag.reshape(ag.arange(6, device=device), (2, 3))
    assert ag.reshape(x, (3, -1)).shape == (3, 2)
    assert ag.reshape(x, (6,), copy=False).shape == (6,)
    with pytest.raises(ValueError, match="copy"):
        ag.reshape(ag.permute_dims(x, (1, 0)), (6,), copy=False)
    with pytest.raises(ValueError, match=r"shape \(2, 3\) \(size 6\) cannot take shape \(4,\)"):
        ag.reshape(x, (4,))
    with pytest.raises(ValueError, match="-1 only once"):
        ag.reshape(x, (-1, -1))
    with pytest.raises(ValueError, match="cannot infer the -1"):
        ag.reshape(x, (4, -1))
    with pytest.raises(ValueError, match="negative size -2"):
        ag.reshape(x, (-2, 3))
    with pytest.raises(TypeError, match="shape must be a tuple of ints"):
        ag.reshape(x, (2.0, 3))


def test_reshape_copy_true_does_not_share_memory():
    raw = np.arange(6.0)
    y = ag.reshape(ag.asarray(raw), (2, 3), copy=True)
    raw[0] = 100.0
    assert float(y[0, 0]) == 0.0
    z = ag.reshape(ag.asarray(raw), (2, 3))
    assert np.shares_memory(z.raw, raw)


@with_device
@given(arrays, st.data())
def test_tile_matches_numpy(device, raw, data):
    reps = tuple(data.draw(st.lists(st.integers(0, 3), max_size=raw.ndim + 2)))
    _check(ag.tile(_t(raw, device), reps), np.tile(raw, reps), device)


def test_tile_errors(device):
    x = ag.ones((2,), device=device)
    with pytest.raises(ValueError, match="negative count -1"):
        ag.tile(x, (-1,))
    with pytest.raises(TypeError, match="repetitions must be a tuple of ints"):
        ag.tile(x, 2)


@pytest.mark.backend_xfail("dask", reason="Dask's repeat takes only an int (the shape is data-dependent)")
@with_device
@given(arrays, st.data())
def test_repeat_matches_numpy(device, raw, data):
    axis = data.draw(st.none() | (st.integers(-raw.ndim, raw.ndim - 1) if raw.ndim else st.none()))
    length = raw.size if axis is None else raw.shape[axis]
    kind = data.draw(st.sampled_from(["int", "one", "each"]))
    offered = ag.__array_namespace_info__().dtypes(device=device)
    dtype = data.draw(
        st.sampled_from([d for d in ("int8", "int32", "int64", "uint8", "uint64") if d in offered])
    )
    if kind == "int":
        repeats = data.draw(st.integers(0, 3))
        expected = np.repeat(raw, repeats, axis=axis)
    else:
        counts = np.asarray(
            data.draw(
                st.lists(
                    st.integers(0, 3),
                    min_size=1 if kind == "one" else length,
                    max_size=1 if kind == "one" else length,
                )
            ),
            dtype=dtype,
        )
        repeats = _t(counts, device)
        expected = np.repeat(raw, counts.astype(np.int64), axis=axis)
    _check(ag.repeat(_t(raw, device), repeats, axis=axis), expected, device)


@pytest.mark.backend_xfail("dask", reason="Dask's repeat takes only an int (the shape is data-dependent)")
def test_repeat_errors(device):
    x = ag.ones((2, 3), device=device)
    with pytest.raises(
        ValueError, match=r"repeats must have shape \(1,\) or \(3,\) to match axis 1"
    ):
        ag.repeat(x, ag.asarray([1, 2], device=device), axis=1)
    with pytest.raises(ValueError, match=r"\(6,\) to match the flattened tensor"):
        ag.repeat(x, ag.asarray([1, 2], device=device))
    with pytest.raises(TypeError, match="integer dtype, got float64"):
        ag.repeat(x, ag.asarray([1.0], device=device))
    with pytest.raises(ValueError, match="negative counts"):
        ag.repeat(x, ag.asarray([1, -1, 1], device=device), axis=1)
    with pytest.raises(ValueError, match="must not be negative"):
        ag.repeat(x, -1)
    with pytest.raises(TypeError, match="repeats must be an int or an integer Tensor"):
        ag.repeat(x, 1.5)
    with pytest.raises(IndexError, match="repeat: axis 2 is out of range"):
        ag.repeat(x, 2, axis=2)


def test_results_keep_dtype(device):
    supported = ag.__array_namespace_info__().dtypes(device=device).values()
    for dt in [d for d in (ag.bool, ag.uint16, ag.float32, ag.complex64) if d in supported]:
        x = ag.ones((2, 1, 3), dtype=dt, device=device)
        counts = ag.asarray([1, 0, 2], dtype=ag.int8, device=device)
        # Dask's repeat takes only an int (test_repeat_matches_numpy is its xfail).
        by_counts = () if device.backend_name == "dask" else (ag.repeat(x, counts, axis=2),)
        for out in (
            ag.reshape(x, (6,)),
            ag.flip(x),
            ag.roll(x, 1),
            ag.squeeze(x, 1),
            ag.expand_dims(x, 0),
            ag.permute_dims(x, (2, 0, 1)),
            ag.moveaxis(x, 0, -1),
            ag.tile(x, (2,)),
            ag.repeat(x, 2, axis=0),
            *by_counts,
            ag.broadcast_to(x, (4, 2, 5, 3)),
            *ag.unstack(x, axis=2),
        ):
            assert out.dtype is dt
            assert out.device == device
