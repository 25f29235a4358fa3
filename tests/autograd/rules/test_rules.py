"""Every derivative rule, property-tested: generated from the registry with ``rule_test``.

For each rule (``RULES``), on the values its sampler draws in the rule's domain:

- ``test_rule[<backend>-<name>]``: finite differences in float64 and complex128 (first
  order, and second order where the rule claims it), and in float32/complex64 the
  structure of the gradients (shape, dtype and device of the input, no memory shared with
  inputs, outputs or the upstream gradient, nothing mutated);
- ``test_rule_same_on_every_backend[<name>]``: the same draws on NumPy and on every other
  backend of the fixture give the same outputs, gradients and second derivatives.

Budget. Under the ``ci`` profile (the default: 25 examples) finite differences, first and
second order, run on NumPy only; the other backends get the structure checks (10 examples)
and the cross-backend equality (the same rule is the same array-API code on every backend,
so equal results there plus finite differences on NumPy cover them). About 50 CPU-seconds
for 121 rules: 25 s with ``pytest -n 2``. Under ``HYPOTHESIS_PROFILE=thorough`` (500
examples) every check runs on every backend.
"""

from __future__ import annotations

import pytest
from hypothesis import settings

from arraygrad.autograd import RULES
from arraygrad.testing import rule_test
from conftest import AVAILABLE, _device_for, xfail_on

THOROUGH = settings.get_current_profile_name() == "thorough"
_ALL = sorted(RULES)

# Finite differences run on the first backend of the fixture (NumPy unless ARRAYGRAD_BACKENDS
# says otherwise) and, under the thorough profile, on every backend.
REFERENCE = AVAILABLE[0]

# Examples per test under the ci profile; None: the profile's max_examples. Thorough: the
# profile's max_examples everywhere.
CI_EXAMPLES = {"finite_differences": None, "structure": 10, "same_on_every_backend": None}


def _examples(kind: str) -> int | None:
    return None if THOROUGH else CI_EXAMPLES[kind]


# Rules whose functions Dask cannot run on the samplers' inputs (docs/backends.md).
_DASK_MISSING = "Dask's linalg has no {}"
_DASK_STACKS = "Dask's linalg takes single matrices only, no stacks"
DASK_LIMITS = {
    **{
        f"linalg.{f}": _DASK_MISSING.format(f)
        for f in ("cross", "det", "slogdet", "eigh", "eigvalsh", "matrix_power", "pinv")
    },
    **{
        f"linalg.{f}": _DASK_STACKS
        for f in ("cholesky", "inv", "solve", "svdvals", "matrix_norm", "eig")
    },
    "linalg.qr": _DASK_STACKS + "; its qr has no mode='complete'",
    "linalg.svd": _DASK_STACKS + "; its svd has no full_matrices=True",
    "linalg.eigvals": "the gradient of eigvals needs eig, which Dask's linalg lacks",
    "repeat": "Dask's repeat takes only an int (the output size is data-dependent otherwise)",
}


@pytest.mark.parametrize("name", _ALL)
def test_rule(name, device):
    if name in DASK_LIMITS:
        xfail_on(device, "dask", reason=DASK_LIMITS[name])
    rule = RULES[name]
    if THOROUGH or device == _device_for(REFERENCE):
        test = rule_test(rule, device=device, max_examples=_examples("finite_differences"))
    else:
        test = rule_test(rule, device=device, values=False, max_examples=_examples("structure"))
    test()


@pytest.mark.skipif(len(AVAILABLE) < 2, reason="one backend only")
@pytest.mark.parametrize("name", _ALL)
def test_rule_same_on_every_backend(name):
    # Dask's limits (DASK_LIMITS) leave it out of the rules it cannot run.
    others = [
        _device_for(b)
        for b in AVAILABLE
        if b != REFERENCE and not (b == "dask" and name in DASK_LIMITS)
    ]
    rule_test(
        RULES[name],
        device=_device_for(REFERENCE),
        values=False,
        structure=False,
        compare_devices=others,
        max_examples=_examples("same_on_every_backend"),
    )()
