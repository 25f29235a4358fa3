"""arraygrad: PyTorch-style automatic differentiation over any array API namespace.

``import arraygrad as ag`` is a namespace of the Python array API standard (2025.12) whose
:class:`Tensor` wraps an array of any compliant library (NumPy by default, CuPy, torch,
array-api-strict, JAX, Dask) and forwards the work to it.
"""

from __future__ import annotations

from . import (
    _constants,
    _creation,
    _data_type,
    _dtypes,
    _elementwise,
    _indexing,
    _linear_algebra,
    _manipulation,
    _searching,
    _set,
    _sorting,
    _statistical,
    _tensor,
    _utility,
    fft,
    linalg,
)
from ._constants import *  # noqa: F403
from ._constants import __array_api_version__
from ._creation import *  # noqa: F403
from ._data_type import *  # noqa: F403
from ._devices import Device, get_default_device, set_default_device
from ._dtypes import *  # noqa: F403
from ._dtypes import DType
from ._elementwise import *  # noqa: F403
from ._indexing import *  # noqa: F403
from ._info import __array_namespace_info__
from ._linear_algebra import *  # noqa: F403
from ._manipulation import *  # noqa: F403
from ._searching import *  # noqa: F403
from ._set import *  # noqa: F403
from ._sorting import *  # noqa: F403
from ._statistical import *  # noqa: F403
from ._tensor import Tensor
from ._utility import *  # noqa: F403

__version__ = "0.1.0"

# The standard's names, family by family, then the extensions and arraygrad's own.
__all__ = [
    *_constants.__all__,
    *(n for n in _dtypes.__all__ if n != "DType"),
    *_creation.__all__,
    *_data_type.__all__,
    *_elementwise.__all__,
    *_indexing.__all__,
    *_linear_algebra.__all__,
    *_manipulation.__all__,
    *_searching.__all__,
    *_set.__all__,
    *_sorting.__all__,
    *_statistical.__all__,
    *_utility.__all__,
    "__array_api_version__",
    "__array_namespace_info__",
    "fft",
    "linalg",
    "DType",
    "Device",
    "Tensor",
    "get_default_device",
    "set_default_device",
]

_tensor.install_operators(__import__(__name__))

# autograd installs the recorder at the dispatch point; the others build on the namespace.
from . import autograd as autograd  # noqa: E402
from . import nn as nn  # noqa: E402
from . import optim as optim  # noqa: E402
from . import random as random  # noqa: E402
from . import testing as testing  # noqa: E402


def __dir__() -> list[str]:
    # What ``dir(xp)`` and tab completion show: the public names, not the imports.
    return [*__all__, "autograd", "nn", "optim", "random", "testing"]
