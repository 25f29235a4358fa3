"""``st``: hypothesis.strategies, imported on first use.

Rule modules declare their samplers next to the rules; they are imported with arraygrad,
which must not need Hypothesis at run time, so they reach it through this proxy.
"""

from __future__ import annotations

from typing import Any

__all__ = ["st"]


class _LazyStrategies:
    """Forwards attribute access to ``hypothesis.strategies``, imported when first needed."""

    def __getattr__(self, name: str) -> Any:
        from hypothesis import strategies

        return getattr(strategies, name)


st: Any = _LazyStrategies()
