"""The rule registry is complete.

- Every public function of ``arraygrad``, ``arraygrad.linalg`` and ``arraygrad.fft``, and every
  Tensor operator and method that computes a tensor, is called on float64 tensors that
  require grad: each floating-point result either requires grad through a registered rule,
  or the function is declared nondifferentiable (and then no result requires grad).
- Functions that take no array values (creation from Python numbers, dtype queries) are
  listed here with the reason; functions defined only on integers and booleans must be
  declared nondifferentiable.
- Every rule has a domain (or a sampler) and a property test that exercises it.

A new function without an example call below fails ``test_every_function_is_classified``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st

import arraygrad as ag
from arraygrad import _dispatch
from arraygrad.autograd import NONDIFFERENTIABLE, RULES
from arraygrad.testing import strategies as S
from arraygrad.testing._factory import _rules_in_graph

# -- tensors for the example calls ---------------------------------------------------------


def _x(shape: tuple[int, ...] = (2, 3), low: float = 0.2, high: float = 0.8) -> ag.Tensor:
    """Distinct increasing float64 values in [low, high], a leaf that requires grad."""
    n = int(np.prod(shape))
    values = np.linspace(low, high, n).reshape(shape)
    return ag.asarray(values, requires_grad=True)


def _z(shape: tuple[int, ...] = (2, 3)) -> ag.Tensor:
    """A complex128 leaf that requires grad."""
    n = int(np.prod(shape))
    values = (np.linspace(0.2, 0.8, n) + 1j * np.linspace(-0.5, 0.5, n)).reshape(shape)
    return ag.asarray(values, requires_grad=True)


def _spd(n: int = 3) -> ag.Tensor:
    """A symmetric positive definite matrix with distinct eigenvalues 1, 2, 3."""
    q, _ = np.linalg.qr(np.arange(1.0, n * n + 1).reshape(n, n) + n * np.eye(n))
    return ag.asarray(q @ np.diag(np.arange(1.0, n + 1)) @ q.T, requires_grad=True)


def _i(values: Any) -> ag.Tensor:
    return ag.asarray(np.asarray(values, dtype=np.int64))


def _other_device() -> Any:
    """A device of another backend when one is installed (to_device records then)."""
    devices = ag.__array_namespace_info__().devices()
    others = [d for d in devices if d != ag.get_default_device()]
    return others[0] if others else ag.get_default_device()


def _nonleaf(shape: tuple[int, ...] = (2, 3)) -> ag.Tensor:
    """A tensor that requires grad and may be changed in place (not a leaf)."""
    return _x(shape) * 1.0


# -- what every public name is -------------------------------------------------------------

# Functions that take no array values: there is nothing to differentiate.
NO_ARRAY_INPUT = {
    "arange": "made from Python numbers",
    "empty": "made from a shape",
    "eye": "made from Python numbers",
    "full": "made from a shape and a Python number",
    "linspace": "made from Python numbers",
    "ones": "made from a shape",
    "zeros": "made from a shape",
    "fft.fftfreq": "made from Python numbers",
    "fft.rfftfreq": "made from Python numbers",
    "can_cast": "a question about dtypes",
    "finfo": "a question about dtypes",
    "iinfo": "a question about dtypes",
    "isdtype": "a question about dtypes",
    "result_type": "returns a dtype",
    "broadcast_shapes": "computes a shape",
    "__array_namespace_info__": "inspection",
    "get_default_device": "configuration",
    "set_default_device": "configuration",
}

# Functions defined on integers or booleans only: they must be declared nondifferentiable.
INTEGER_OR_BOOLEAN_ONLY = {
    "bitwise_and",
    "bitwise_invert",
    "bitwise_left_shift",
    "bitwise_or",
    "bitwise_right_shift",
    "bitwise_xor",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
}

Example = Callable[[], tuple[Callable[..., Any], tuple[Any, ...]]]


def _call(fn: Callable[..., Any], *args: Any) -> Example:
    """An example call: ``fn`` with arguments made (fresh) each time it runs."""

    def make() -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return fn, tuple(a() if callable(a) else a for a in args)

    return make


# Example calls of the functions that a plain ``f(x)`` / ``f(x1, x2)`` does not fit.
lin, fft = ag.linalg, ag.fft
EXAMPLES: dict[str, Example] = {
    "asarray": _call(lambda x: ag.asarray(x, copy=True), _x),
    "full_like": _call(lambda x: ag.full_like(x, 2.0), _x),
    "meshgrid": _call(lambda a, b: ag.meshgrid(a, b), lambda: _x((2,)), lambda: _x((3,))),
    "astype": _call(lambda x: ag.astype(x, ag.float32), _x),
    "cumulative_prod": _call(lambda x: ag.cumulative_prod(x, axis=1), _x),
    "cumulative_sum": _call(lambda x: ag.cumulative_sum(x, axis=1), _x),
    "imag": _call(ag.imag, _z),
    "clip": _call(lambda x: ag.clip(x, 0.3, 0.6), _x),
    "take": _call(lambda x, i: ag.take(x, i, axis=1), _x, lambda: _i([0, 2, 2])),
    "take_along_axis": _call(
        lambda x, i: ag.take_along_axis(x, i, axis=1), _x, lambda: _i([[0, 2, 1], [1, 1, 0]])
    ),
    "matmul": _call(ag.matmul, _x, lambda: _x((3, 2))),
    "tensordot": _call(lambda a, b: ag.tensordot(a, b, axes=1), _x, lambda: _x((3, 2))),
    "broadcast_arrays": _call(ag.broadcast_arrays, _x, lambda: _x((3,))),
    "broadcast_to": _call(lambda x: ag.broadcast_to(x, (2, 3)), lambda: _x((3,))),
    "concat": _call(lambda a, b: ag.concat([a, b], axis=0), _x, _x),
    "expand_dims": _call(lambda x: ag.expand_dims(x, axis=0), _x),
    "moveaxis": _call(lambda x: ag.moveaxis(x, 0, 1), _x),
    "permute_dims": _call(lambda x: ag.permute_dims(x, (1, 0)), _x),
    "repeat": _call(lambda x: ag.repeat(x, 2, axis=0), _x),
    "reshape": _call(lambda x: ag.reshape(x, (3, 2)), _x),
    "roll": _call(lambda x: ag.roll(x, 1), _x),
    "squeeze": _call(lambda x: ag.squeeze(x, axis=0), lambda: _x((1, 3))),
    "stack": _call(lambda a, b: ag.stack([a, b]), _x, _x),
    "tile": _call(lambda x: ag.tile(x, (2, 1)), _x),
    "searchsorted": _call(ag.searchsorted, lambda: _x((4,)), lambda: _x((3,))),
    "where": _call(ag.where, lambda: _x() > 0.5, _x, _x),
    "linalg.cholesky": _call(lin.cholesky, _spd),
    "linalg.cross": _call(lin.cross, lambda: _x((3,)), lambda: _x((3,), 0.1, 0.9)),
    "linalg.det": _call(lin.det, _spd),
    "linalg.eig": _call(lin.eig, _spd),
    "linalg.eigh": _call(lin.eigh, _spd),
    "linalg.eigvals": _call(lin.eigvals, _spd),
    "linalg.eigvalsh": _call(lin.eigvalsh, _spd),
    "linalg.inv": _call(lin.inv, _spd),
    "linalg.matmul": _call(lin.matmul, _x, lambda: _x((3, 2))),
    "linalg.matrix_power": _call(lambda x: lin.matrix_power(x, 2), _spd),
    "linalg.matrix_rank": _call(lin.matrix_rank, _spd),
    "linalg.outer": _call(lin.outer, lambda: _x((2,)), lambda: _x((3,))),
    "linalg.pinv": _call(lin.pinv, _spd),
    "linalg.qr": _call(lin.qr, _spd),
    "linalg.slogdet": _call(lin.slogdet, _spd),
    "linalg.solve": _call(lin.solve, _spd, lambda: _x((3, 2))),
    "linalg.svd": _call(lin.svd, _spd),
    "linalg.svdvals": _call(lin.svdvals, _spd),
    "linalg.tensordot": _call(lambda a, b: lin.tensordot(a, b, axes=1), _x, lambda: _x((3, 2))),
    "fft.fft": _call(fft.fft, _z),
    "fft.ifft": _call(fft.ifft, _z),
    "fft.fftn": _call(fft.fftn, _z),
    "fft.ifftn": _call(fft.ifftn, _z),
    "fft.hfft": _call(fft.hfft, _z),
    "fft.irfft": _call(fft.irfft, _z),
    "fft.irfftn": _call(fft.irfftn, _z),
}

# The Tensor's operators and methods that compute a tensor (in-place ones on a non-leaf).
OPERATORS: dict[str, Example] = {
    "__abs__": _call(abs, _x),
    "__neg__": _call(lambda x: -x, _x),
    "__pos__": _call(lambda x: +x, _x),
    "__add__": _call(lambda a, b: a + b, _x, _x),
    "__radd__": _call(lambda a: 2.0 + a, _x),
    "__sub__": _call(lambda a, b: a - b, _x, _x),
    "__rsub__": _call(lambda a: 2.0 - a, _x),
    "__mul__": _call(lambda a, b: a * b, _x, _x),
    "__rmul__": _call(lambda a: 2.0 * a, _x),
    "__truediv__": _call(lambda a, b: a / b, _x, _x),
    "__rtruediv__": _call(lambda a: 2.0 / a, _x),
    "__floordiv__": _call(lambda a, b: a // b, _x, lambda: _x((3,), 0.3, 0.35)),
    "__rfloordiv__": _call(lambda a: 2.0 // a, _x),
    "__mod__": _call(lambda a, b: a % b, _x, lambda: _x((3,), 0.3, 0.35)),
    "__rmod__": _call(lambda a: 2.0 % a, _x),
    "__pow__": _call(lambda a, b: a**b, _x, _x),
    "__rpow__": _call(lambda a: 2.0**a, _x),
    "__matmul__": _call(lambda a, b: a @ b, _x, lambda: _x((3, 2))),
    "__rmatmul__": _call(lambda a, b: a.__rmatmul__(b), _x, lambda: _x((3, 2))),
    "__getitem__": _call(lambda x: x[0, 1:], _x),
    "__setitem__": _call(
        lambda x, v: x.__setitem__((0, slice(1, None)), v) or x, _nonleaf, lambda: _x((2,))
    ),
    "__iadd__": _call(lambda a, b: a.__iadd__(b), _nonleaf, _x),
    "__isub__": _call(lambda a, b: a.__isub__(b), _nonleaf, _x),
    "__imul__": _call(lambda a, b: a.__imul__(b), _nonleaf, _x),
    "__itruediv__": _call(lambda a, b: a.__itruediv__(b), _nonleaf, _x),
    "__ifloordiv__": _call(lambda a, b: a.__ifloordiv__(b), _nonleaf, lambda: _x((3,), 0.3, 0.35)),
    "__imod__": _call(lambda a, b: a.__imod__(b), _nonleaf, lambda: _x((3,), 0.3, 0.35)),
    "__ipow__": _call(lambda a, b: a.__ipow__(b), _nonleaf, _x),
    "__imatmul__": _call(
        lambda a, b: a.__imatmul__(b), lambda: _nonleaf((3, 3)), lambda: _x((3, 3))
    ),
    "__eq__": _call(lambda a, b: a == b, _x, _x),
    "__ne__": _call(lambda a, b: a != b, _x, _x),
    "__lt__": _call(lambda a, b: a < b, _x, _x),
    "__le__": _call(lambda a, b: a <= b, _x, _x),
    "__gt__": _call(lambda a, b: a > b, _x, _x),
    "__ge__": _call(lambda a, b: a >= b, _x, _x),
    "T": _call(lambda x: x.T, _x),
    "mT": _call(lambda x: x.mT, _x),
    "clone": _call(lambda x: x.clone(), _x),
    "to_device": _call(lambda x: x.to_device(_other_device()), _x),
    "add_": _call(lambda a, b: a.add_(b), _nonleaf, _x),
    "sub_": _call(lambda a, b: a.sub_(b), _nonleaf, _x),
    "mul_": _call(lambda a, b: a.mul_(b), _nonleaf, _x),
    "div_": _call(lambda a, b: a.div_(b), _nonleaf, _x),
    "copy_": _call(lambda a, b: a.copy_(b), _nonleaf, _x),
}

# Operators on integers and booleans only (their functions are declared nondifferentiable).
INTEGER_OPERATORS = {
    "__and__": "bitwise_and", "__rand__": "bitwise_and", "__iand__": "bitwise_and",
    "__or__": "bitwise_or", "__ror__": "bitwise_or", "__ior__": "bitwise_or",
    "__xor__": "bitwise_xor", "__rxor__": "bitwise_xor", "__ixor__": "bitwise_xor",
    "__invert__": "bitwise_invert",
    "__lshift__": "bitwise_left_shift", "__rlshift__": "bitwise_left_shift",
    "__ilshift__": "bitwise_left_shift",
    "__rshift__": "bitwise_right_shift", "__rrshift__": "bitwise_right_shift",
    "__irshift__": "bitwise_right_shift",
}  # fmt: skip

# Tensor attributes that are not operations on values.
NOT_OPERATIONS = {
    "__annotations__", "__array__", "__array_function__", "__array_namespace__",
    "__array_ufunc__", "__bool__", "__complex__", "__dlpack__", "__dlpack_device__", "__doc__",
    "__float__", "__hash__", "__index__", "__init__", "__int__", "__iter__", "__len__",
    "__module__", "__reduce__", "__repr__", "__slots__", "__str__", "__weakref__",
    "backend", "backward", "data", "detach", "detach_", "device", "dtype", "grad", "grad_fn",
    "is_leaf", "item", "ndim", "numpy", "raw", "register_hook", "requires_grad",
    "requires_grad_", "retain_grad", "shape", "size", "tolist",
    # In place, a value that does not depend on the tensor's: the tensor leaves the graph.
    "fill_", "zero_",
}  # fmt: skip


def _public_functions() -> dict[str, Callable[..., Any]]:
    out = {}
    for prefix, mod in (("", ag), ("linalg.", ag.linalg), ("fft.", ag.fft)):
        for name in mod.__all__:
            obj = getattr(mod, name)
            if callable(obj) and not isinstance(obj, type):
                out[prefix + name] = obj
    return out


FUNCTIONS = _public_functions()
TENSOR_NAMES = sorted(n for n in vars(ag.Tensor) if n.startswith("__") or not n.startswith("_"))


def _default_example(name: str) -> Example | None:
    """``f(x)`` or ``f(x1, x2)`` for functions of one or two positional array arguments."""
    fn = FUNCTIONS[name]
    params = [
        p
        for p in inspect.signature(fn).parameters.values()
        if p.kind is p.POSITIONAL_ONLY and p.default is p.empty
    ]
    if len(params) == 1:
        return _call(fn, _x)
    if len(params) == 2:
        return _call(fn, _x, lambda: _x((3,), 0.3, 0.7))
    return None


def _example(name: str) -> Example | None:
    return EXAMPLES.get(name) or _default_example(name)


# -- running an example, recording which rules run -----------------------------------------


class _Recorded:
    """The names the dispatch point records during a call."""

    def __init__(self) -> None:
        self.names: list[str] = []


def _run(
    monkeypatch: pytest.MonkeyPatch, example: Example
) -> tuple[Any, list[str], tuple[Any, ...]]:
    fn, args = example()
    recorded = _Recorded()
    inner = _dispatch._recorder
    assert inner is not None, "autograd's recorder is not installed"

    def spy(name: str, inputs: tuple, params: dict, output: Any) -> None:
        recorded.names.append(name)
        inner(name, inputs, params, output)

    with monkeypatch.context() as m:
        m.setattr(_dispatch, "_recorder", spy)
        out = fn(*args)
    return out, recorded.names, args


def _outputs(out: Any) -> list[ag.Tensor]:
    outs = out if isinstance(out, tuple) else (out,)
    return [o for o in outs if isinstance(o, ag.Tensor)]


def _is_float(t: ag.Tensor) -> bool:
    return ag.isdtype(t.dtype, ("real floating", "complex floating"))


def _check(
    label: str, declared: str | None, out: Any, names: list[str], args: tuple[Any, ...]
) -> None:
    """Every float output requires grad through a rule, or the function is declared."""
    for n in names:
        assert n in RULES or n in NONDIFFERENTIABLE, (
            f"{label} calls {n!r}, which has no rule and is not declared nondifferentiable: "
            f"add a rule in autograd/rules/, or nondifferentiable([{n!r}], reason)"
        )
    nondiff = declared in NONDIFFERENTIABLE or (
        names and all(n in NONDIFFERENTIABLE for n in names)
    )
    for k, o in enumerate(_outputs(out)):
        if o.requires_grad and any(o is a for a in args):
            continue  # the input itself, returned (asarray without a copy, to its own device)
        if o.requires_grad:
            rule = getattr(o.grad_fn, "rule", None)
            assert rule is not None, f"{label}: output {k} requires grad without a rule"
            assert rule.name in RULES, f"{label}: output {k} has no rule"
            assert rule.name not in NONDIFFERENTIABLE, (
                f"{label}: output {k} requires grad through {rule.name!r}, which is declared "
                f"nondifferentiable ({NONDIFFERENTIABLE[rule.name]})"
            )
            assert not nondiff, (
                f"{label} is declared nondifferentiable, yet output {k} requires grad"
            )
        elif _is_float(o):
            assert nondiff, (
                f"{label}: output {k} is {o.dtype.name} but does not require grad, and "
                f"{label} is not declared nondifferentiable (declare it, with the reason, or "
                "give it a rule)"
            )


# -- the tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_function_is_classified(name):
    assert (
        name in NO_ARRAY_INPUT or name in INTEGER_OR_BOOLEAN_ONLY or _example(name) is not None
    ), f"{name}: add an example call to EXAMPLES in {__file__} (or classify it)"


@pytest.mark.parametrize("name", sorted(INTEGER_OR_BOOLEAN_ONLY))
def test_integer_and_boolean_functions_are_declared(name):
    assert name in NONDIFFERENTIABLE, f"{name}: declare it nondifferentiable (integer/boolean only)"


_CALLED = sorted(
    n for n in FUNCTIONS if n not in NO_ARRAY_INPUT and n not in INTEGER_OR_BOOLEAN_ONLY
)


@pytest.mark.parametrize("name", _CALLED)
def test_function_has_a_rule_or_is_declared(name, monkeypatch):
    example = _example(name)
    assert example is not None
    try:
        out, names, args = _run(monkeypatch, example)
    except NotImplementedError as e:
        pytest.fail(f"{name} has no derivative rule: {e}")
    _check(name, name, out, names, args)


def test_every_tensor_attribute_is_classified():
    unknown = [
        n
        for n in TENSOR_NAMES
        if n not in OPERATORS and n not in INTEGER_OPERATORS and n not in NOT_OPERATIONS
    ]
    assert not unknown, f"classify these Tensor attributes in {__file__}: {unknown}"


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_operator_has_a_rule_or_is_declared(name, monkeypatch):
    try:
        out, names, args = _run(monkeypatch, OPERATORS[name])
    except NotImplementedError as e:
        pytest.fail(f"Tensor.{name} has no derivative rule: {e}")
    _check(f"Tensor.{name}", None, out, names, args)


@pytest.mark.parametrize("name", sorted(INTEGER_OPERATORS))
def test_integer_operators_are_declared(name):
    assert INTEGER_OPERATORS[name] in NONDIFFERENTIABLE


# -- every rule: a domain and a property test ------------------------------------------------


@pytest.mark.parametrize("name", sorted(RULES))
def test_rule_has_a_domain(name):
    rule = RULES[name]
    if rule.sample is not None:
        return
    assert rule.domains, (
        f"rule {name!r} declares no domain: give domains=(Domain(...), ...) (one per array "
        "input) or a sample="
    )
    fn = S._function(name)
    required = [
        p
        for p in inspect.signature(fn).parameters.values()
        if p.kind is p.POSITIONAL_ONLY and p.default is p.empty
    ]
    assert len(rule.domains) == len(required), (
        f"rule {name!r}: {len(rule.domains)} domains for {len(required)} array inputs"
    )


@pytest.mark.parametrize("name", sorted(RULES))
def test_rule_has_a_property_test(name):
    """The generated property test's sampler calls a function that runs the rule."""
    rule = RULES[name]
    sample = rule.sample or S.default_sample(rule)

    @st.composite
    def calls(draw: Any) -> tuple[Any, ...]:
        return sample(draw, ag.float64, None)

    fn, args = find(
        calls(),
        lambda _: True,
        settings=settings(
            database=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck)
        ),
    )
    out = fn(*args)
    diff = [o for o in _outputs(out) if o.requires_grad]
    assert diff, f"rule {name!r}: its sample's outputs do not require grad"
    names = _rules_in_graph(diff)
    assert name in names, f"rule {name!r}: its sample runs {sorted(names)}, not the rule"


# Rules of operations that are not public functions, and what reaches them.
INTERNAL_OPERATIONS = {
    "getitem": "Tensor.__getitem__",
    "setitem_functional": "Tensor.__setitem__ on a tensor in a graph (copy-on-write)",
    "index_add": "the scatter-add of indexing rules (autograd/_backend_ops.py)",
    "clone": "Tensor.clone",
    "to_device": "Tensor.to_device",
    "relu": "arraygrad.nn.functional.relu",
}


@pytest.mark.parametrize("name", sorted(RULES))
def test_rule_names_a_function(name):
    """A rule registered under a name nothing calls would never run."""
    assert name in FUNCTIONS or name in INTERNAL_OPERATIONS, (
        f"rule {name!r} is not the name of a public function (nor a known internal operation)"
    )


@pytest.mark.parametrize("name", sorted(NONDIFFERENTIABLE))
def test_nondifferentiable_names_a_function(name):
    assert name in FUNCTIONS, f"{name!r} is declared nondifferentiable but is not a public function"
