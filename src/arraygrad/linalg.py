"""The standard's ``linalg``extension."""

from __future__ import annotations

__all__: list[str] = []
