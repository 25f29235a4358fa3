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
# JAX makes float32 unless 64-bit mode is on (read once, at its import); the suite checks
# gradients in float64 on every backend.
os.environ.setdefault("JAX_ENABLE_X64", "1")

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


# Every backend the suite knows, in the order it runs them: (device, importable here, runs by
# default). The default ones run whenever they import; JAX and Dask are in neither the test
# extra nor CI and run only when named: ARRAYGRAD_BACKENDS=jax,dask (or "all").
BACKENDS = {
    "numpy": ("cpu", True, True),
    "array_api_strict": ("array_api_strict", _has("array_api_strict"), True),
    "torch": ("torch:cpu", _has("torch"), True),
    "cupy": ("cuda:0", _gpu_present(), True),
    "jax": ("jax:cpu:0", _has("jax"), False),
    "dask": ("dask:cpu", _has("dask"), False),
}
_WANTED = os.environ.get("ARRAYGRAD_BACKENDS", "")
if _WANTED and _WANTED != "all":
    AVAILABLE = [b for b in _WANTED.split(",") if b in BACKENDS and BACKENDS[b][1]]
else:
    AVAILABLE = [n for n, (_, ok, default) in BACKENDS.items() if ok and (default or _WANTED)]


def backend_name(device: ag.Device | str) -> str:
    """Return the backend name ("numpy", "jax", ...) of a device or of a BACKENDS key."""
    return device if isinstance(device, str) else device.backend_name


def xfail_on(device: ag.Device, *backends: str, reason: str) -> None:
    """Mark the running test an expected failure when ``device`` belongs to one of ``backends``.

    For limits of a backend itself (JAX arrays are immutable, Dask shapes are lazy), never for
    arraygrad bugs; each limit is also listed in docs/backends.md.
    """
    if backend_name(device) in backends:
        pytest.xfail(f"{backend_name(device)}: {reason}")


def skip_on(device: ag.Device, *backends: str, reason: str) -> None:
    """Skip the running test when ``device`` belongs to one of ``backends`` (see xfail_on)."""
    if backend_name(device) in backends:
        pytest.skip(f"{backend_name(device)}: {reason}")


def assume_on(device: ag.Device, *backends: str, ok: bool, reason: str) -> None:
    """Drop the running Hypothesis example on ``backends`` when ``ok`` is false.

    For inputs a backend cannot represent (XLA flushes subnormal floats to zero): the test keeps
    every other example on that backend and every example on the others. ``reason`` documents
    the limit (also listed in docs/backends.md).
    """
    from hypothesis import reject

    if not ok and backend_name(device) in backends:
        reject()


def has_subnormal(*arrays: object) -> bool:
    """Whether any of the NumPy arrays holds a subnormal (denormal) floating-point value."""
    import numpy as np

    for a in arrays:
        a = np.asarray(a)
        if a.dtype.kind in "fc":
            tiny = np.finfo(a.dtype).smallest_normal
            parts = (a.real, a.imag) if a.dtype.kind == "c" else (a,)
            if any(np.any((p != 0) & (np.abs(p) < tiny)) for p in parts):
                return True
    return False


SUBNORMALS = "XLA on the CPU and CuPy's CUDA kernels flush subnormal floats to zero"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "backend_xfail(*backends, reason): the test fails on these backends for a reason of the "
        "backend itself (strict: an unexpected pass is reported)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Turn ``@pytest.mark.backend_xfail("dask", reason=...)`` into a strict xfail per backend."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is None or "device" not in callspec.params:
            continue
        name = callspec.params["device"]
        for marker in item.iter_markers("backend_xfail"):
            if name in marker.args:
                reason = marker.kwargs.get("reason", "a limit of the backend")
                item.add_marker(pytest.mark.xfail(reason=f"{name}: {reason}", strict=True, run=True))
                break


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
