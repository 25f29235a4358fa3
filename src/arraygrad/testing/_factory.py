"""The rule-test factory: a Hypothesis property test of a derivative rule, from its domain.

``rule_test(fn, domains=[...])`` returns a test function (pytest collects it as it is) that
draws inputs in the domains and checks, on every example:

- values: the gradient matches central finite differences in float64 (complex128 too where
  the function takes complex inputs), and the true ``derivative`` if one is given; second
  derivatives too where the function claims them;
- structure: in float32 (complex64), each gradient has its input's shape, dtype and device,
  shares no memory with an input, an output or the upstream gradient, and nothing is
  mutated (inputs, outputs, upstream gradients);
- optionally, the same gradient on other devices (``compare_devices``): the same draws are
  replayed on each device and the outputs, gradients and second derivatives compared.

The registry's own property tests (``tests/autograd/rules/test_rules.py``) are this factory
applied to every rule.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

import numpy as np
from hypothesis import HealthCheck, given
from hypothesis import settings as Settings  # the class, named apart from the argument
from hypothesis import strategies as st

import arraygrad as ag

from ..autograd._registry import RULES, Domain, Rule
from ..autograd.function import Function
from . import strategies as S
from ._gradcheck import GradcheckError, _float_outputs, _host, _scalar, gradcheck, gradgradcheck

__all__ = ["rule_test"]

Sample = Callable[[Any, Any, Any], tuple[Callable[..., Any], tuple[Any, ...]]]


# -- the factory -----------------------------------------------------------------------------
def rule_test(
    fn: Callable[..., Any] | type[Function] | Rule | str,
    *,
    domains: Sequence[Domain] | None = None,
    derivative: Callable[..., Any] | None = None,
    sample: Sample | None = None,
    shapes: Any = None,
    allow_empty: bool = True,
    complex_inputs: bool | None = None,
    second_order: bool | Literal["fast"] | None = None,
    fast_mode: bool = False,
    values: bool = True,
    structure: bool = True,
    compare_devices: Iterable[Any] = (),
    device: Any = None,
    atol: float = 1e-5,
    rtol: float = 1e-4,
    second_order_atol: float = 1e-4,
    second_order_rtol: float = 1e-3,
    max_examples: int | None = None,
    settings: Settings | None = None,
    name: str | None = None,
) -> Callable[[], None]:
    """Return a Hypothesis test of the derivative of ``fn`` (call it, or let pytest collect it).

    ``fn`` is a function of tensors, a custom :class:`~arraygrad.autograd.Function` subclass
    (its ``apply`` is tested), a registered :class:`~arraygrad.autograd.Rule` or the name of
    one (``"sin"``, ``"linalg.det"``: its sampler, domains and claims are used).

    What is drawn:

    - ``domains``: one :class:`~arraygrad.autograd.Domain` per tensor argument (see
      :mod:`arraygrad.testing.strategies` for ``bounded``, ``positive``, ``away_from``...).
      The argument shapes come from ``shapes`` (a strategy of tuples of shapes; by default
      shapes that broadcast together, 0-d included, and size-0 ones in the structure checks
      unless ``allow_empty=False``).
    - or ``sample(draw, dtype, device) -> (fn, args)``: a function drawing a whole call
      (for functions with parameters or structured inputs); the tensors it makes must
      require grad.

    What is checked (see the module's docstring): ``values`` (finite differences, and
    ``derivative``: a function of the same arguments returning the partial derivative of an
    elementwise ``fn`` with respect to each argument, a bare value for one argument, None
    where there is none; complex inputs assume it is holomorphic), ``structure``,
    ``second_order`` (True, ``"fast"`` for fast-mode finite differences, False; by default
    the rule's claim, False for a plain function) and ``compare_devices``.
    ``complex_inputs`` adds complex128/complex64 draws (default: the rule's claim, False for
    a plain function). ``fast_mode`` checks first derivatives in gradcheck's fast mode.
    ``atol``/``rtol`` are gradcheck's tolerances, ``second_order_atol``/``_rtol``
    gradgradcheck's.

    The test runs with ``settings`` (Hypothesis settings; by default the current profile
    with no deadline), ``max_examples`` if given.
    """
    spec = _Spec.make(
        fn,
        domains=domains,
        sample=sample,
        shapes=shapes,
        allow_empty=allow_empty,
        complex_inputs=complex_inputs,
        second_order=second_order,
        name=name,
    )
    devices = tuple(compare_devices)
    tol = (atol, rtol, second_order_atol, second_order_rtol)

    def check(data: Any) -> None:
        _check_example(
            spec, data.draw, device, derivative, fast_mode, values, structure, devices, tol
        )

    label = re.sub(r"\W", "_", spec.name)
    check.__name__ = check.__qualname__ = f"test_{label}"
    # Distinguish the example database entries of every generated test (the source of
    # ``check`` is the same for all of them).
    where = "" if device is None else str(device)
    check._hypothesis_internal_add_digest = (  # type: ignore[attr-defined]
        f"{spec.name}|{where}|{values}|{structure}|{devices}".encode()
    )
    test = given(data=st.data())(check)
    base = (
        settings
        if settings is not None
        else Settings(
            deadline=None,
            suppress_health_check=[*Settings.default.suppress_health_check, HealthCheck.too_slow],
        )
    )
    if max_examples is not None:
        base = Settings(base, max_examples=max_examples)
    test = base(test)
    test.__doc__ = f"The derivative of {spec.name} (arraygrad.testing.rule_test)."
    return test


class _Spec:
    """What a rule test needs to know about the function under test."""

    def __init__(
        self,
        name: str,
        sample: Sample,
        structure_sample: Sample,
        complex_inputs: bool,
        second_order: bool | str,
        expect: str | None,
    ) -> None:
        self.name = name
        self.sample = sample
        self.structure_sample = structure_sample
        self.complex_inputs = complex_inputs
        self.second_order = second_order
        self.expect = expect

    @classmethod
    def make(
        cls,
        fn: Any,
        *,
        domains: Sequence[Domain] | None,
        sample: Sample | None,
        shapes: Any,
        allow_empty: bool,
        complex_inputs: bool | None,
        second_order: bool | str | None,
        name: str | None,
    ) -> _Spec:
        if isinstance(fn, str):
            if fn not in RULES:
                raise KeyError(f"rule_test: no rule is registered for {fn!r}")
            fn = RULES[fn]
        if isinstance(fn, Rule):
            rule = fn
            if sample is None and rule.sample is None and domains is None:
                values_sample = S.default_sample(rule, scalars=True, mixed=True)
                structure_sample = S.default_sample(
                    rule, allow_empty=allow_empty, scalars=True, mixed=True
                )
            elif sample is None and domains is None:
                values_sample = structure_sample = rule.sample
            else:
                call = S._function(rule.name)
                values_sample, structure_sample = _samplers(
                    call, domains or rule.domains, sample, shapes, allow_empty
                )
            return cls(
                name or rule.name,
                values_sample,
                structure_sample,
                rule.complex_inputs if complex_inputs is None else complex_inputs,
                rule.second_order if second_order is None else second_order,
                rule.name,
            )
        if isinstance(fn, type) and issubclass(fn, Function):
            call, label = fn.apply, fn.__name__
        elif callable(fn):
            call, label = fn, getattr(fn, "__name__", type(fn).__name__)
        else:
            raise TypeError(
                f"rule_test: expected a function, a Function subclass or a Rule, got {fn!r}"
            )
        values_sample, structure_sample = _samplers(call, domains, sample, shapes, allow_empty)
        return cls(
            name or label,
            values_sample,
            structure_sample,
            bool(complex_inputs),
            False if second_order is None else second_order,
            None,
        )


def _samplers(
    call: Callable[..., Any],
    domains: Sequence[Domain] | None,
    sample: Sample | None,
    shapes: Any,
    allow_empty: bool,
) -> tuple[Sample, Sample]:
    """Return the samplers of the values and of the structure checks."""
    if sample is not None:
        return sample, sample
    if not domains:
        raise ValueError(
            "rule_test: give the domain of each tensor argument (domains=) or a sample="
        )
    doms = tuple(domains)
    n = len(doms)

    def make(min_side: int) -> Sample:
        if shapes is not None:
            strategy = shapes
        elif n == 1:
            strategy = S.shapes(min_side=min_side).map(lambda s: (s,))
        else:
            strategy = S.broadcastable_shapes(n, min_side=min_side)

        def draw_call(
            draw: Any, dtype: Any, device: Any
        ) -> tuple[Callable[..., Any], tuple[Any, ...]]:
            shps = draw(strategy)
            if len(shps) != n:
                raise ValueError(f"rule_test: shapes drew {len(shps)} shapes for {n} domains")
            args = tuple(
                draw(S.tensors(dtype=dtype, shape=s, elements=d, device=device, requires_grad=True))
                for s, d in zip(shps, doms, strict=True)
            )
            return call, args

        return draw_call

    return make(1), make(0 if allow_empty and shapes is None else 1)


# -- one example -----------------------------------------------------------------------------
def _check_example(
    spec: _Spec,
    draw: Any,
    device: Any,
    derivative: Callable[..., Any] | None,
    fast_mode: bool,
    values: bool,
    structure: bool,
    devices: tuple[Any, ...],
    tol: tuple[float, float, float, float],
) -> None:
    atol, rtol, gg_atol, gg_rtol = tol
    seed = draw(st.integers(0, 2**32 - 1), label="seed")
    rng = np.random.default_rng(seed)
    use_complex = spec.complex_inputs and draw(st.booleans(), label="complex")
    second = spec.second_order
    if values or devices:
        dtype = ag.complex128 if use_complex else ag.float64
        recorder = _Recording(draw)
        fn, args = spec.sample(recorder, dtype, device)
        _check_args(spec, args)
        if values:
            before = _snapshot(args)
            gradcheck(fn, args, atol=atol, rtol=rtol, fast_mode=fast_mode, seed=seed)
            if derivative is not None:
                _check_derivative(spec, fn, args, derivative, rng, atol, rtol)
            if second:
                gradgradcheck(
                    fn, args, atol=gg_atol, rtol=gg_rtol, fast_mode=second == "fast", seed=seed
                )
            _check_unchanged(spec, "an input", args, before)
            if spec.expect is not None and not structure:
                _check_exercised(spec, fn(*args))
        for other in devices:
            _check_same_on(spec, fn, args, recorder.values, dtype, other, bool(second), seed)
    if structure:
        dtype = ag.complex64 if use_complex else ag.float32
        fn, args = spec.structure_sample(draw, dtype, device)
        _check_args(spec, args)
        _check_structure(spec, fn, args, rng, bool(second))


def _check_args(spec: _Spec, args: tuple[Any, ...]) -> None:
    if not any(isinstance(a, ag.Tensor) and a.requires_grad for a in args):
        raise AssertionError(f"{spec.name}: the sample has no tensor that requires grad")


def _tensors(args: Sequence[Any]) -> list[Any]:
    return [a for a in args if isinstance(a, ag.Tensor)]


def _snapshot(args: Sequence[Any]) -> list[np.ndarray]:
    return [_host(a) for a in _tensors(args)]


def _check_unchanged(spec: _Spec, what: str, args: Sequence[Any], before: list[np.ndarray]) -> None:
    for k, (a, b) in enumerate(zip(_tensors(args), before, strict=True)):
        now = _host(a)
        if now.shape != b.shape or not np.array_equal(now, b, equal_nan=True):
            raise AssertionError(
                f"{spec.name}: {what} (tensor {k}) was mutated by the forward or backward pass"
            )


def _random_like(rng: np.random.Generator, t: Any) -> Any:
    """Return a random tensor of ``t``'s shape, dtype and device."""
    shape = tuple(t.shape)
    r = rng.standard_normal(shape)
    if t.dtype in (ag.complex64, ag.complex128):
        r = r + 1j * rng.standard_normal(shape)
    return ag.asarray(np.asarray(r), dtype=t.dtype, device=t.device)


# -- values: a true derivative ---------------------------------------------------------------
def _unbroadcast(a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    lead = a.ndim - len(shape)
    if lead > 0:
        a = a.sum(axis=tuple(range(lead)))
    stretched = tuple(i for i, s in enumerate(shape) if s == 1 and a.shape[i] != 1)
    if stretched:
        a = a.sum(axis=stretched, keepdims=True)
    return np.broadcast_to(a, shape)


def _check_derivative(
    spec: _Spec,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    derivative: Callable[..., Any],
    rng: np.random.Generator,
    atol: float,
    rtol: float,
) -> None:
    outs = [o for o in _float_outputs(fn(*args)) if o.requires_grad]
    if len(outs) != 1:
        raise ValueError(
            f"{spec.name}: derivative= needs a function with one output, got {len(outs)}"
        )
    (out,) = outs
    u = _random_like(rng, out)
    positions = [i for i, a in enumerate(args) if isinstance(a, ag.Tensor) and a.requires_grad]
    grads = ag.autograd.grad([out], [args[i] for i in positions], [u], allow_unused=True)
    with ag.autograd.no_grad():
        partials = derivative(*[a.detach() if isinstance(a, ag.Tensor) else a for a in args])
    partials = partials if isinstance(partials, (tuple, list)) else (partials,)
    if len(partials) != len(args):
        raise ValueError(
            f"{spec.name}: derivative= returned {len(partials)} partial derivatives for "
            f"{len(args)} arguments"
        )
    uh = _host(u)
    for i, g in zip(positions, grads, strict=True):
        d = partials[i]
        if d is None:
            continue
        dh = _host(d) if isinstance(d, ag.Tensor) else np.asarray(d)
        a = args[i]
        expected = _unbroadcast(uh * np.conj(dh), tuple(a.shape))
        if a.dtype not in (ag.complex64, ag.complex128):
            expected = np.real(expected)
        got = np.zeros(tuple(a.shape)) if g is None else _host(g)
        bad = ~np.isclose(got, expected, rtol=rtol, atol=atol)
        if np.any(bad):
            k = int(np.argmax(bad.reshape(-1)))
            idx = tuple(int(j) for j in np.unravel_index(k, bad.shape)) if bad.shape else ()
            raise GradcheckError(
                f"{spec.name}: the gradient of input {i} at element {idx} is "
                f"{_scalar(got.reshape(-1)[k])!r}, the given derivative gives "
                f"{_scalar(expected.reshape(-1)[k])!r} (random upstream gradient; "
                f"atol={atol}, rtol={rtol})"
            )


# -- structure -------------------------------------------------------------------------------
def _np_view(raw: Any) -> np.ndarray | None:
    """Return a NumPy view of a raw CPU array without copying (None if there is none)."""
    if isinstance(raw, np.ndarray):
        return raw
    inner = getattr(raw, "_array", None)  # array-api-strict keeps a NumPy array
    if isinstance(inner, np.ndarray):
        return inner
    return None


def _device_span(raw: Any) -> tuple[int, int] | None:
    """The memory range of a GPU array (``__cuda_array_interface__``), None if not one."""
    iface = getattr(raw, "__cuda_array_interface__", None)
    if iface is None:
        return None
    size = math.prod(iface["shape"])
    if size == 0:
        return (0, 0)
    start = iface["data"][0]
    # Upper bound: the strided extent is at most the base's, which is at least this.
    nbytes = size * np.dtype(iface["typestr"]).itemsize
    return start, start + nbytes


def _shares_memory(x: Any, y: Any) -> bool:
    """Whether two raw arrays share memory (best effort: NumPy-based, torch and GPU arrays)."""
    if x is y:
        return True
    nx, ny = _np_view(x), _np_view(y)
    if nx is not None and ny is not None:
        return bool(np.shares_memory(nx, ny))
    storage = getattr(x, "untyped_storage", None)
    other = getattr(y, "untyped_storage", None)
    if storage is not None and other is not None:
        if x.numel() == 0 or y.numel() == 0:
            return False
        return storage().data_ptr() == other().data_ptr()
    sx, sy = _device_span(x), _device_span(y)
    if sx is not None and sy is not None:
        return sx[0] < sy[1] and sy[0] < sx[1]
    return False


def _rules_in_graph(outs: Sequence[Any]) -> set[str]:
    """Return the names of the rules of every node of the graph that computed ``outs``."""
    seen: set[int] = set()
    names: set[str] = set()
    stack = [o.grad_fn for o in outs if o.grad_fn is not None]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        rule = getattr(node, "rule", None)
        if rule is not None:
            names.add(rule.name)
        stack.extend(edge[0] for edge in node.next_functions if edge is not None)
    return names


def _check_exercised(spec: _Spec, out: Any) -> None:
    diff = [o for o in _float_outputs(out) if o.requires_grad]
    names = _rules_in_graph(diff)
    if spec.expect not in names:
        raise AssertionError(
            f"{spec.name}: the sample does not exercise the rule {spec.expect!r} (its graph "
            f"runs {sorted(names)})"
        )


def _check_structure(
    spec: _Spec,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    rng: np.random.Generator,
    create_graph: bool,
) -> None:
    ins = _tensors(args)
    before = _snapshot(args)
    out = fn(*args)
    outs = _float_outputs(out)
    diff = [o for o in outs if o.requires_grad]
    if not diff:
        raise AssertionError(
            f"{spec.name}: no floating-point output requires grad although an input does "
            "(no rule was recorded)"
        )
    if spec.expect is not None:
        _check_exercised(spec, out)
    out_before = [_host(o) for o in outs]
    seeds = [_random_like(rng, o) for o in diff]
    seeds_before = [_host(s) for s in seeds]
    inputs = [a for a in ins if a.requires_grad]
    grads = ag.autograd.grad(diff, inputs, seeds, retain_graph=True, allow_unused=True)
    others = [("an input", a.raw) for a in ins]
    others += [("an output", o.raw) for o in outs]
    others += [("the upstream gradient", s.raw) for s in seeds]
    for k, (a, g) in enumerate(zip(inputs, grads, strict=True)):
        _check_gradient(spec, f"the gradient of input {k}", a, g, others)
    for k, g in enumerate(grads):
        if g is not None:
            others.append((f"the gradient of input {k}", g.raw))
    # The same through backward(): into .grad (a leaf's first gradient is stored as it is).
    ag.autograd.backward(diff, seeds, retain_graph=create_graph)
    for k, a in enumerate(inputs):
        if a.is_leaf and a.grad is not None:
            _check_gradient(spec, f"input {k}'s .grad", a, a.grad, others)
    if create_graph:
        grads2 = ag.autograd.grad(diff, inputs, seeds, create_graph=True, allow_unused=True)
        for k, (a, g) in enumerate(zip(inputs, grads2, strict=True)):
            if g is not None:
                _check_gradient(spec, f"the gradient of input {k} (create_graph=True)", a, g, [])
    _check_unchanged(spec, "an input", args, before)
    _check_unchanged(spec, "an output", tuple(outs), out_before)
    _check_unchanged(spec, "an upstream gradient", tuple(seeds), seeds_before)


def _check_gradient(spec: _Spec, what: str, a: Any, g: Any, others: list[tuple[str, Any]]) -> None:
    if g is None:
        return
    where = f"{spec.name} on {a.device}"
    if tuple(g.shape) != tuple(a.shape):
        raise AssertionError(
            f"{where}: {what} has shape {tuple(g.shape)}, the input {tuple(a.shape)}"
        )
    if g.dtype != a.dtype:
        raise AssertionError(f"{where}: {what} has dtype {g.dtype.name}, the input {a.dtype.name}")
    if g.device != a.device:
        raise AssertionError(f"{where}: {what} is on {g.device}, the input on {a.device}")
    for label, raw in others:
        if _shares_memory(g.raw, raw):
            raise AssertionError(f"{where}: {what} shares memory with {label}")


# -- the same on every device ----------------------------------------------------------------
class _Recording:
    """A ``draw`` that remembers what it drew, to replay a sampler on another device."""

    def __init__(self, draw: Any) -> None:
        self._draw = draw
        self.values: list[Any] = []

    def __call__(self, strategy: Any, label: Any = None) -> Any:
        value = self._draw(strategy) if label is None else self._draw(strategy, label=label)
        self.values.append(value)
        return value


class _Replay:
    """A ``draw`` that gives back recorded values, tensors moved to ``device``."""

    def __init__(self, values: list[Any], device: Any, name: str) -> None:
        self._values = iter(values)
        self._device = device
        self._name = name

    def __call__(self, strategy: Any, label: Any = None) -> Any:
        try:
            value = next(self._values)
        except StopIteration:
            raise AssertionError(
                f"{self._name}: the sampler draws differently on {self._device}: it must depend "
                "only on what it draws"
            ) from None
        return self._move(value)

    def _move(self, value: Any) -> Any:
        if isinstance(value, ag.Tensor):
            return ag.asarray(
                _host(value),
                dtype=value.dtype,
                device=self._device,
                requires_grad=value.requires_grad,
            )
        if isinstance(value, (tuple, list)):
            return type(value)(self._move(v) for v in value)
        return value


def _derivatives(
    fn: Callable[..., Any], args: tuple[Any, ...], second: bool, seed: int
) -> tuple[list[np.ndarray | None], int]:
    """Return the outputs, the gradients and (``second``) second derivatives, in NumPy.

    The upstream gradients are random, the same on every device (drawn with ``seed``); the
    second number is the number of outputs at the head of the list.
    """
    rng = np.random.default_rng(seed)
    outs = _float_outputs(fn(*args))
    result: list[np.ndarray | None] = [_host(o) for o in outs]
    diff = [o for o in outs if o.requires_grad]
    inputs = [a for a in args if isinstance(a, ag.Tensor) and a.requires_grad]
    seeds = [_random_like(rng, o) for o in diff]
    grads = ag.autograd.grad(diff, inputs, seeds, create_graph=second, allow_unused=True)
    result += [None if g is None else _host(g) for g in grads]
    if second:
        pairs = [(g, _random_like(rng, g)) for g in grads if g is not None and g.requires_grad]
        if pairs:
            gg = ag.autograd.grad(
                [g for g, _ in pairs], inputs, [w for _, w in pairs], allow_unused=True
            )
            result += [None if h is None else _host(h) for h in gg]
    return result, len(outs)


def _check_same_on(
    spec: _Spec,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    drawn: list[Any],
    dtype: Any,
    device: Any,
    second: bool,
    seed: int,
) -> None:
    expected, n_out = _derivatives(fn, args, second, seed)
    fn2, args2 = spec.sample(_Replay(drawn, device, spec.name), dtype, device)
    got, _ = _derivatives(fn2, args2, second, seed)
    ref = args[0].device if isinstance(args[0], ag.Tensor) else "the first device"
    if len(got) != len(expected):
        raise AssertionError(
            f"{spec.name}: {len(got)} outputs and derivatives on {device}, {len(expected)} on {ref}"
        )
    for k, (e, g) in enumerate(zip(expected, got, strict=True)):
        what = "output" if k < n_out else "derivative"
        if (e is None) != (g is None):
            raise AssertionError(
                f"{spec.name}: {what} {k} is None on one device only ({device}, {ref})"
            )
        if e is None:
            continue
        scale = max(1.0, float(np.max(np.abs(e)))) if e.size else 1.0
        if e.shape != g.shape or not np.allclose(g, e, rtol=1e-7, atol=1e-9 * scale):
            raise AssertionError(
                f"{spec.name}: {what} {k} differs on {device} from {ref}: "
                f"max |difference| {np.max(np.abs(g - e)) if e.shape == g.shape else 'shape'} "
                f"(shapes {g.shape}, {e.shape})"
            )
