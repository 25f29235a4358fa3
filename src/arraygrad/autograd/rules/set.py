"""The set functions carry no gradient.

``isin`` is boolean. The unique functions return indices and counts, and their float
``values`` output is declared non-differentiable too: torch's unique returns values that
require grad but raises NotImplementedError in backward ("the derivative for '_unique2' is
not implemented"); here they simply do not require grad, so code that only reads them works
on tensors that require grad.
"""

from __future__ import annotations

from .._registry import nondifferentiable

nondifferentiable(["isin"], "boolean results")
nondifferentiable(
    ["unique_all", "unique_counts", "unique_inverse", "unique_values"],
    "not differentiable (as torch's unique): the values do not require grad, and the indices "
    "and counts are integers",
)
