"""rule_test: the property test it builds passes right rules and fails wrong ones, saying why."""

from __future__ import annotations

import pytest
from hypothesis import Phase, settings
from hypothesis import strategies as st

import arraygrad as ag
from arraygrad.autograd import RULES, Function
from arraygrad.testing import GradcheckError, rule_test
from arraygrad.testing import strategies as S
from conftest import AVAILABLE, _device_for, skip_on

# Failing tests stop at the first failure: no shrinking, no example database.
FAIL_FAST = settings(
    max_examples=10,
    database=None,
    phases=[Phase.generate],
    report_multiple_bugs=False,
    deadline=None,
)


class Sqrt(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ag.sqrt(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / (2 * ag.sqrt(x))


class WrongSqrt(Sqrt):
    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / ag.sqrt(x)


class MutatesUpstream(Function):
    @staticmethod
    def forward(ctx, x):
        y = ag.sqrt(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        g /= 2 * y  # changes the caller's upstream gradient
        return g


class MutatesInput(Function):
    @staticmethod
    def forward(ctx, x):
        x[...] = x * 2.0
        return x * 1.0

    @staticmethod
    def backward(ctx, g):
        return g


class Hypot(Function):
    """Two inputs that broadcast; the engine sums each gradient to its input's shape."""

    @staticmethod
    def forward(ctx, x, y):
        out = ag.sqrt(x * x + y * y)
        ctx.save_for_backward(x, y, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, y, out = ctx.saved_tensors
        return g * x / out, g * y / out


# Collected by pytest as it is, as a user's would be.
test_generated_for_a_custom_function = rule_test(
    Sqrt, domains=[S.positive()], derivative=lambda x: 0.5 / ag.sqrt(x), max_examples=10
)
test_generated_for_two_inputs = rule_test(
    Hypot,
    domains=[S.away_from(0.0, gap=0.2), S.away_from(0.0, gap=0.2)],
    derivative=lambda x, y: (x / ag.sqrt(x * x + y * y), y / ag.sqrt(x * x + y * y)),
    max_examples=10,
)


def test_registered_rules_by_name():
    rule_test("sin", max_examples=5, second_order=True)()
    rule_test(RULES["multiply"], max_examples=5, fast_mode=True)()


def test_holomorphic_function_with_complex_inputs():
    rule_test(
        ag.exp, domains=[S.bounded(-1, 1)], complex_inputs=True, derivative=ag.exp, max_examples=10
    )()


def test_a_sample_for_functions_with_parameters():
    def sample(draw, dtype, device):
        shape = draw(S.shapes(min_dims=1))
        axis = draw(st.integers(-len(shape), len(shape) - 1))
        x = draw(S.tensors(dtype=dtype, shape=shape, device=device, requires_grad=True))
        return (lambda t: ag.cumulative_sum(t * t, axis=axis)), (x,)

    rule_test(ag.cumulative_sum, sample=sample, second_order="fast", max_examples=10)()


def test_wrong_backward_fails():
    with pytest.raises(GradcheckError, match="analytic"):
        rule_test(WrongSqrt, domains=[S.positive()], settings=FAIL_FAST)()


def test_wrong_derivative_fails():
    with pytest.raises(GradcheckError, match="the given derivative gives"):
        rule_test(
            Sqrt, domains=[S.positive()], derivative=lambda x: 1 / ag.sqrt(x), settings=FAIL_FAST
        )()


def test_missing_second_order_fails():
    class DetachedBackward(Sqrt):
        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g / (2 * ag.sqrt(x.detach()))

    rule_test(DetachedBackward, domains=[S.positive()], settings=FAIL_FAST)()
    with pytest.raises(GradcheckError, match="second order"):
        rule_test(DetachedBackward, domains=[S.positive()], second_order=True, settings=FAIL_FAST)()


def test_mutations_fail():
    with pytest.raises(AssertionError, match=r"upstream gradient .* was mutated"):
        rule_test(MutatesUpstream, domains=[S.positive()], values=False, settings=FAIL_FAST)()
    with pytest.raises(AssertionError, match=r"an input .* was mutated"):
        rule_test(MutatesInput, domains=[S.bounded(0.5, 1)], values=False, settings=FAIL_FAST)()


def test_a_sample_must_exercise_its_rule():
    def sample(draw, dtype, device):
        x = draw(S.tensors(dtype=dtype, shape=(2,), device=device, requires_grad=True))
        return ag.cos, (x,)

    with pytest.raises(AssertionError, match="does not exercise the rule 'sin'"):
        rule_test("sin", sample=sample, settings=FAIL_FAST)()


@pytest.mark.skipif(len(AVAILABLE) < 2, reason="one backend only")
def test_compare_devices():
    others = [_device_for(b) for b in AVAILABLE[1:]]
    rule_test("tanh", compare_devices=others, values=False, structure=False, max_examples=5)()

    class DependsOnBackend(Sqrt):
        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            factor = 2.0 if x.device == _device_for(AVAILABLE[0]) else 3.0
            return g / (factor * ag.sqrt(x))

    with pytest.raises(AssertionError, match="differs on"):
        rule_test(
            DependsOnBackend,
            domains=[S.positive()],
            compare_devices=others,
            values=False,
            structure=False,
            settings=FAIL_FAST,
        )()


def test_on_a_device(device):
    rule_test(Sqrt, domains=[S.positive()], device=device, max_examples=5)()


def test_argument_errors():
    with pytest.raises(KeyError, match="no rule"):
        rule_test("not_a_function")
    with pytest.raises(ValueError, match="domains="):
        rule_test(ag.sin)
    with pytest.raises(TypeError, match="expected a function"):
        rule_test(3)


def test_memory_sharing_is_seen_on_every_backend(device):
    from arraygrad.testing._factory import _shares_memory

    skip_on(device, "dask", reason="Dask arrays are task graphs: no memory to share until computed")
    skip_on(device, "jax", reason="JAX arrays are immutable: a slice is a new buffer, never a view")
    raw = ag.asarray([1.0, 2.0, 3.0], device=device).raw
    other = ag.asarray([1.0, 2.0, 3.0], device=device).raw
    assert _shares_memory(raw, raw[1:])
    assert not _shares_memory(raw, other)
