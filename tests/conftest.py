"""Shared fixtures: the backend fixture every namespace test runs on, and Hypothesis profiles."""

from __future__ import annotations

import importlib.util
import os

# SciPy reads this once, at import: its array-API code paths accept arraygrad tensors.
os.environ.setdefault("SCIPY_ARRAY_API", "1")
# One BLAS/OpenMP thread per test process: pytest -n 2 on 2 cores otherwise oversubscribes
# the machine many times over (a small matmul loop ran 30x slower).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import pytest  # noqa: E402 - after the environment above
from hypothesis import HealthCheck, settings  # noqa: E402

import arraygrad as ag  # noqa: E402

settings.register_profile(
    "ci", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _gpu_present() -> bool:
    if not _has("cupy"):
        return False
    try:
        import cupy

        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:
        return False


# Every backend the suite knows, in the order it runs them; each one runs when it imports.
BACKENDS = {
    "numpy": ("cpu", True),
    "array_api_strict": ("array_api_strict", _has("array_api_strict")),
    "torch": ("torch:cpu", _has("torch")),
    "cupy": ("cuda:0", _gpu_present()),
}
AVAILABLE = [name for name, (_, ok) in BACKENDS.items() if ok]
if os.environ.get("ARRAYGRAD_BACKENDS"):
    AVAILABLE = [b for b in os.environ["ARRAYGRAD_BACKENDS"].split(",") if b in AVAILABLE]


@pytest.fixture(params=AVAILABLE)
def device(request: pytest.FixtureRequest) -> ag.Device:
    """The device of each available backend: tests create their tensors on it."""
    return _device_for(request.param)


def _device_for(name: str) -> ag.Device:
    from arraygrad._devices import as_device

    return as_device(BACKENDS[name][0])


if _has("torch"):
    import torch

    torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _reset_global_state():
    """Each test starts on the default device (NumPy) and leaves it so."""
    ag.set_default_device(None)
    yield
    ag.set_default_device(None)
