"""arraygrad.testing: check derivative rules, your own included.

``gradcheck`` and ``gradgradcheck`` compare autograd with central finite differences.
"""

from __future__ import annotations

from ._gradcheck import GradcheckError, gradcheck, gradgradcheck

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]
