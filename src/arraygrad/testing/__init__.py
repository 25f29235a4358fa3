"""arraygrad.testing: check derivative rules, your own included.

- :func:`gradcheck` and :func:`gradgradcheck` compare autograd's first and second
  derivatives with central finite differences (NumPy only).
- :mod:`arraygrad.testing.strategies`: Hypothesis strategies of tensors on any backend,
  with values in a :class:`Domain` (bounded, positive, away from points, structured
  matrices).
- :func:`rule_test` builds a Hypothesis property test of a function's derivative (a custom
  :class:`~arraygrad.autograd.Function` included) from the domain of each argument.

``import arraygrad.testing`` does not import Hypothesis: ``strategies`` and ``rule_test``
import it when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..autograd._registry import Domain
from ._gradcheck import GradcheckError, gradcheck, gradgradcheck

if TYPE_CHECKING:
    from . import strategies
    from ._factory import rule_test

__all__ = ["Domain", "GradcheckError", "gradcheck", "gradgradcheck", "rule_test", "strategies"]


def __getattr__(name: str) -> Any:
    # Hypothesis is a test dependency: the names that need it load on first use.
    if name == "rule_test":
        from ._factory import rule_test

        return rule_test
    if name == "strategies":
        import importlib

        return importlib.import_module(f"{__name__}.strategies")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
