"""Every derivative rule, one module per family of the namespace."""

from __future__ import annotations

from . import elementwise, statistical  # noqa: F401
