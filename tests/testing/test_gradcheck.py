"""gradcheck and gradgradcheck: they accept right derivatives and name what is wrong."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys

import numpy as np
import pytest

import arraygrad as ag
from arraygrad.autograd import Function
from arraygrad.testing import GradcheckError, gradcheck, gradgradcheck


def _t(values, device=None, dtype=None, requires_grad=True):
    return ag.asarray(np.asarray(values), dtype=dtype, device=device, requires_grad=requires_grad)


class Cube(Function):
    """x**3 with a hand-written backward; ``scale`` makes it wrong on purpose."""

    scale = 3.0

    @classmethod
    def forward(cls, ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @classmethod
    def backward(cls, ctx, g):
        (x,) = ctx.saved_tensors
        return g * cls.scale * x * x


class WrongCube(Cube):
    scale = 2.0


class HolomorphicSquare(Function):
    """z**2 with PyTorch's convention: the gradient is g * conj(2 z)."""

    conjugate = True

    @classmethod
    def forward(cls, ctx, z):
        ctx.save_for_backward(z)
        return z * z

    @classmethod
    def backward(cls, ctx, g):
        (z,) = ctx.saved_tensors
        d = 2 * z
        return g * (ag.conj(d) if cls.conjugate else d)


class UnconjugatedSquare(HolomorphicSquare):
    conjugate = False


def test_right_derivatives_pass(device):
    x = _t([[0.5, -1.2, 2.0], [0.1, 0.3, -0.7]], device)
    y = _t([1.5, 0.4, -0.9], device)
    assert gradcheck(lambda a, b: ag.sin(a) * b + a / (1 + b * b), (x, y))
    assert gradcheck(lambda a, b: ag.sin(a) * b, (x, y), fast_mode=True)
    assert gradgradcheck(lambda a, b: ag.sin(a) * b, (x, y))
    assert gradgradcheck(lambda a, b: ag.sin(a) * b, (x, y), fast_mode=True)


def test_custom_function(device):
    x = _t([0.5, -1.2, 2.0], device)
    assert gradcheck(Cube.apply, (x,))
    with pytest.raises(GradcheckError) as info:
        gradcheck(WrongCube.apply, (x,))
    message = str(info.value)
    # The input, the element, both values.
    assert "input 0 at element (0,)" in message
    assert "analytic 0.5" in message  # 2 * 0.5**2
    assert "numerical 0.74999" in message  # 3 * 0.5**2, by central differences
    assert not gradcheck(WrongCube.apply, (x,), raise_exception=False)
    with pytest.raises(GradcheckError, match="fast mode"):
        gradcheck(WrongCube.apply, (x,), fast_mode=True)


def test_multiple_inputs_and_outputs_name_the_input():
    x = _t([0.5, 1.5])
    y = _t([2.0, -1.0, 0.25])

    def fn(a, b):
        return ag.sum(a) * b, WrongCube.apply(b)

    with pytest.raises(
        GradcheckError, match=r"input 1 at element \(0,\) for output 1 element \(0,\)"
    ):
        gradcheck(fn, (x, y))


def test_complex_follows_pytorch_convention():
    z = _t([0.5 + 1j, -1.0 + 0.25j], dtype=ag.complex128)
    assert gradcheck(HolomorphicSquare.apply, (z,))
    assert gradcheck(HolomorphicSquare.apply, (z,), fast_mode=True)
    with pytest.raises(GradcheckError):
        gradcheck(UnconjugatedSquare.apply, (z,))
    with pytest.raises(GradcheckError):
        gradcheck(UnconjugatedSquare.apply, (z,), fast_mode=True)
    # Real-valued functions of complex inputs and complex functions of real inputs.
    assert gradcheck(ag.abs, (z,))
    assert gradcheck(lambda a: ag.real(a * a), (z,))
    x = _t([0.5, 2.0])
    assert gradcheck(lambda a: ag.astype(a, ag.complex128) * (1 + 2j), (x,))


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="needs torch")
def test_complex_gradient_is_torchs():
    import torch

    values = np.array([0.5 + 1j, -1.0 + 0.25j, 0.3 - 0.7j])
    z = _t(values, dtype=ag.complex128)
    (g,) = ag.autograd.grad([ag.sum(ag.abs(ag.sin(z)) ** 2)], [z])
    zt = torch.tensor(values, requires_grad=True)
    (gt,) = torch.autograd.grad([(torch.sin(zt).abs() ** 2).sum()], [zt])
    np.testing.assert_allclose(np.asarray(g), gt.numpy(), rtol=1e-12)
    assert gradcheck(lambda a: ag.abs(ag.sin(a)) ** 2, (z,))


def test_second_order_mistakes_are_found():
    class FirstOrderOnly(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return ag.sin(x)

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * ag.cos(x.detach())  # detached: no second derivative

    x = _t([0.5, -1.2])
    assert gradcheck(FirstOrderOnly.apply, (x,))
    with pytest.raises(GradcheckError, match="second order"):
        gradgradcheck(FirstOrderOnly.apply, (x,))


def test_argument_errors():
    with pytest.raises(ValueError, match="no input requires grad"):
        gradcheck(ag.sin, (_t([1.0], requires_grad=False),))
    with pytest.raises(TypeError, match="float32"):
        gradcheck(ag.sin, (_t([1.0], dtype=ag.float32),))
    with pytest.raises(ValueError, match="no floating-point tensor"):
        gradcheck(lambda a: a > 0, (_t([1.0]),))


def test_non_tensor_arguments_pass_through():
    x = _t([0.5, 1.5])
    assert gradcheck(lambda a, k, b: ag.sum(a**k) * b, (x, 3, 2.0))


def test_empty_and_zero_dimensional_inputs():
    assert gradcheck(ag.exp, (_t(0.5),))
    assert gradcheck(ag.exp, (ag.asarray(np.zeros((0, 2)), requires_grad=True),))


def test_message_has_plain_indices():
    x = _t([[0.5, 1.0], [1.5, 2.0]])
    with pytest.raises(GradcheckError) as info:
        gradcheck(WrongCube.apply, (x,))
    assert re.search(r"at element \(0, 0\) for output 0 element \(0, 0\)", str(info.value))


def test_import_needs_no_hypothesis():
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "import arraygrad as ag, arraygrad.testing as t\n"
        "x = ag.asarray([0.5, 1.0], requires_grad=True)\n"
        "assert t.gradcheck(ag.sin, (x,)) and t.gradgradcheck(ag.sin, (x,))\n"
        "try:\n    t.rule_test\nexcept ImportError:\n    print('lazy')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "lazy"
