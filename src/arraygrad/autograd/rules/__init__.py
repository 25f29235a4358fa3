"""Every derivative rule, one module per family of the namespace."""

from __future__ import annotations

from . import (  # noqa: F401 - each module registers its rules on import
    conversion,
    creation,
    elementwise,
    fft,
    indexing,
    linalg,
    linear_algebra,
    manipulation,
    nn,
    searching,
    set,
    sorting,
    statistical,
    utility,
)
