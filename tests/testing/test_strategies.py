"""arraygrad.testing.strategies: tensors on every backend, with values in their domain."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import arraygrad as ag
from arraygrad.autograd import RULES, Domain
from arraygrad.testing import strategies as S

# The device fixture is a constant: it need not be reset between examples.
FAST = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
DTYPES = [ag.float32, ag.float64, ag.complex64, ag.complex128]


def _np(t):
    return np.asarray(t.detach().to_device("cpu"))


@FAST
@given(data=st.data())
def test_tensors_have_dtype_shape_device(device, data):
    dtype = data.draw(st.sampled_from(DTYPES))
    shape = data.draw(S.shapes(min_side=0))
    rg = data.draw(st.booleans())
    x = data.draw(S.tensors(dtype=dtype, shape=shape, device=device, requires_grad=rg))
    assert isinstance(x, ag.Tensor)
    assert x.dtype == dtype
    assert x.shape == shape
    assert x.device == device
    assert x.requires_grad is rg
    assert x.is_leaf
    values = _np(x)
    assert np.all(np.isfinite(values))
    assert np.all(np.abs(values.real) <= 3.0)


@FAST
@given(data=st.data())
def test_domains_bound_the_values(data):
    dtype = data.draw(st.sampled_from(DTYPES))
    cases = [
        (S.bounded(-0.5, 0.25), lambda v: (v.real >= -0.5) & (v.real <= 0.25)),
        (S.positive(), lambda v: v.real >= 0.1),
        (S.positive(2.0, low=0.5), lambda v: (v.real >= 0.5) & (v.real <= 2.0)),
        (
            S.away_from(0.0, 1.0, gap=0.2),
            lambda v: (np.abs(v.real) >= 0.2 - 1e-7) & (np.abs(v.real - 1.0) >= 0.2 - 1e-7),
        ),
    ]
    for domain, ok in cases:
        x = data.draw(S.tensors(dtype=dtype, shape=(4,), elements=domain))
        values = _np(x).astype(np.complex128)
        assert np.all(ok(values)), (domain, values)
        if dtype in (ag.complex64, ag.complex128):
            assert np.all(np.abs(values.imag) <= 1.0)


def test_domain_arguments_are_checked():
    with pytest.raises(ValueError, match="low"):
        S.bounded(1.0, 0.0)
    with pytest.raises(ValueError, match="above 0"):
        S.positive(low=0.0)


@FAST
@given(data=st.data())
def test_elements_and_xps_arrays(data):
    x = data.draw(S.xps.arrays(ag.float64, (3,), elements=S.elements(S.bounded(1.0, 2.0))))
    assert np.all((_np(x) >= 1.0) & (_np(x) <= 2.0))
    # The other forms of elements= go to xps.arrays as they are.
    y = data.draw(S.tensors(shape=(2,), elements={"min_value": 0.0, "max_value": 1.0}))
    assert np.all((_np(y) >= 0.0) & (_np(y) <= 1.0))
    z = data.draw(S.tensors(dtype=ag.int64, shape=(2,), elements=st.integers(0, 4)))
    assert z.dtype == ag.int64


@FAST
@given(data=st.data())
def test_structured_matrices(device, data):
    dtype = data.draw(st.sampled_from([ag.float64, ag.complex128]))
    kw = {"dtype": dtype, "device": device, "batch_shape": st.sampled_from([(), (2,)])}
    spd = _np(data.draw(S.matrices(S.symmetric_positive_definite(), **kw)))
    np.testing.assert_allclose(spd, np.conj(np.swapaxes(spd, -1, -2)), atol=1e-12)
    assert np.all(np.linalg.eigvalsh(spd) >= spd.shape[-1] - 1e-9)
    wc = _np(data.draw(S.matrices(S.well_conditioned(), **kw)))
    assert np.all(np.linalg.cond(wc) < 10)
    de = _np(data.draw(S.matrices(S.distinct_eigenvalues(), **kw)))
    eig = np.linalg.eigvalsh(de)
    assert np.all(np.diff(eig, axis=-1) > 1.4)
    ge = _np(data.draw(S.matrices(S.distinct_eigenvalues(hermitian=False), **kw)))
    eig = np.sort(np.linalg.eigvals(ge).real, axis=-1)
    assert np.all(np.diff(eig, axis=-1) > 1.4)
    x = data.draw(S.tensors(dtype=ag.float32, shape=(3, 3), elements=S.well_conditioned()))
    assert x.dtype == ag.float32


def test_structured_domains_need_square_shapes():
    @given(S.tensors(shape=(2, 3), elements=S.symmetric_positive_definite()))
    def draw(x):
        pass

    with pytest.raises(ValueError, match="square"):
        draw()


@FAST
@given(data=st.data())
def test_broadcastable_shapes_broadcast(data):
    n = data.draw(st.integers(1, 4))
    shapes = data.draw(S.broadcastable_shapes(n, min_side=0))
    assert len(shapes) == n
    np.broadcast_shapes(*shapes)
    a, b = data.draw(S.broadcastable_pair())
    np.broadcast_shapes(a, b)
    assert all(s <= 3 for s in (*a, *b))


@FAST
@given(data=st.data())
def test_sampler_helpers(device, data):
    shape = data.draw(S.small_shapes(min_dims=1, max_dims=2))
    t = S.array_from_domain(data.draw, shape, Domain(0.5, 1.0), ag.float32, device)
    assert t.requires_grad
    assert t.dtype == ag.float32
    assert t.device == device
    assert np.all(_np(t) >= 0.5)
    assert S.type_domain() == Domain()
    fn, args = S.default_sample(RULES["multiply"], scalars=True)(data.draw, ag.float64, device)
    assert fn is ag.multiply
    assert len(args) == 2
    assert any(isinstance(a, ag.Tensor) and a.requires_grad for a in args)
    fn, args = S.default_sample(RULES["sin"], allow_empty=True)(data.draw, ag.complex64, device)
    assert args[0].dtype == ag.complex64


def test_default_sampler_sometimes_draws_empty_tensors_and_scalars():
    seen = {"empty": False, "scalar": False, "0-d": False}

    @settings(max_examples=200, deadline=None, database=None)
    @given(data=st.data())
    def run(data):
        _, args = S.default_sample(RULES["add"], allow_empty=True, scalars=True)(
            data.draw, ag.float64, None
        )
        for a in args:
            if isinstance(a, float):
                seen["scalar"] = True
            elif a.size == 0:
                seen["empty"] = True
            elif a.ndim == 0:
                seen["0-d"] = True

    run()
    assert all(seen.values()), seen
