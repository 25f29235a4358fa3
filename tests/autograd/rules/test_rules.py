"""Every derivative rule, checked against finite differences: generated from the registry."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import arraygrad as ag
from arraygrad.autograd import RULES
from arraygrad.testing import gradcheck, gradgradcheck
from arraygrad.testing.strategies import default_sample

_ALL = sorted(RULES)


def _host(t):
    return np.array(np.asarray(t.detach().to_device("cpu")), copy=True)


@pytest.mark.parametrize("name", _ALL)
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data(), use_complex=st.booleans())
def test_rule_matches_finite_differences(name, device, data, use_complex):
    rule = RULES[name]
    dtype = ag.complex128 if use_complex and rule.complex_inputs else ag.float64
    sample = rule.sample or default_sample(rule)
    fn, args = sample(data.draw, dtype, device)
    before = [_host(a) for a in args if isinstance(a, ag.Tensor)]
    gradcheck(fn, args, atol=1e-5, rtol=1e-4)
    # The inputs are not mutated, and gradients have the input's shape, dtype and device.
    for a, b in zip([a for a in args if isinstance(a, ag.Tensor)], before):
        np.testing.assert_array_equal(_host(a), b)
    out = fn(*args)
    outs = out if isinstance(out, tuple) else (out,)
    diff = [o for o in outs if isinstance(o, ag.Tensor) and o.requires_grad]
    seeds = [ag.ones_like(o) for o in diff]
    inputs = [a for a in args if isinstance(a, ag.Tensor) and a.requires_grad]
    grads = ag.autograd.grad(diff, inputs, seeds, allow_unused=True)
    for a, g in zip(inputs, grads):
        if g is None:
            continue
        assert g.shape == a.shape
        assert g.dtype is a.dtype
        assert g.device == a.device
        # No gradient aliases an input or the upstream gradient.
        assert g.raw is not a.raw
        assert all(g.raw is not s.raw for s in seeds)
    if rule.second_order:
        gradgradcheck(fn, args, atol=1e-4, rtol=1e-3)
