"""Rules of the ``arraygrad.nn.functional`` operations that are single recorded operations."""

from __future__ import annotations

from typing import Any

from .._registry import Domain, rule


def _sample_relu(draw: Any, dtype: Any, device: Any) -> tuple[Any, tuple[Any, ...]]:
    from ...nn import functional as F
    from ...testing import strategies as S

    x = draw(
        S.tensors(
            dtype=dtype,
            shape=S.small_shapes(min_side=1),
            elements=Domain(avoid=(0.0,)),
            device=device,
            requires_grad=True,
        )
    )
    return F.relu, (x,)


@rule(
    "relu",
    saves_output=True,
    domains=(Domain(avoid=(0.0,)),),
    complex_inputs=False,
    sample=_sample_relu,
    notes="g where the output is > 0, else 0; 0 at x = 0 and g at NaN (PyTorch's threshold "
    "backward). Saves the output, which the next layer keeps anyway: no mask per layer.",
)
def _relu(xp: Any, ctx: Any, g: Any) -> Any:
    # A Python 0 rather than zeros_like(g): no gradient-sized temporary (memory, W4).
    return xp.where(ctx.output <= 0, 0, g)
