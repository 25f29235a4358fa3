"""Autograd benchmarks W1-W4 of ../shared/anchors.md: arraygrad against its peers, one run.

    python benchmarks/bench_autograd.py [--quick] [--only W1,W2,...] [--device cuda:0]

One thread for every library (set before NumPy loads). Peers that are not installed are
skipped (torch 2.13.0 CPU, mygrad, autograd). W4 runs each library in a fresh process and
reports the peak resident memory it added, as a ratio to hand-written NumPy.
"""

from __future__ import annotations

import os
import sys

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

# glibc's malloc moves its mmap threshold as blocks are freed, so whether a 800 KB array costs
# an mmap and its page faults depends on the process's history (importing torch changed it):
# W2 measured 0.6x-1.4x NumPy in look-alike processes. The timings run with the threshold
# pinned high and trimming off (allocations reuse the heap, for every library alike); W4
# measures memory in child processes with glibc's defaults. --no-pin keeps the defaults.
_PINNED_MALLOC = {
    "MALLOC_MMAP_THRESHOLD_": "33554432",
    "MALLOC_TRIM_THRESHOLD_": "1073741824",
    "MALLOC_TOP_PAD_": "67108864",
}
if __name__ == "__main__" and sys.platform == "linux" and "--no-pin" not in sys.argv:
    if any(os.environ.get(k) != v for k, v in _PINNED_MALLOC.items()):
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, **_PINNED_MALLOC})

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
import workloads as W  # noqa: E402

HAVE = {name: importlib.util.find_spec(name) is not None for name in ("torch", "mygrad", "autograd")}


def best_of(fn: Callable[[], Any], repeat: int, number: int = 1) -> float:
    """Return the best time in seconds of ``number`` calls, over ``repeat`` rounds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return min(times)


def w1(repeat: int) -> dict[str, float]:
    x0 = np.random.default_rng(0).random(16)
    out = {"numpy (fwd only)": best_of(lambda: W.w1_numpy_forward(x0), repeat, 20)}
    out["arraygrad"] = best_of(lambda: W.w1_arraygrad(x0), repeat, 5)
    if HAVE["torch"]:
        import torch

        torch.set_num_threads(1)
        out["torch"] = best_of(lambda: W.w1_torch(x0), repeat, 5)
    if HAVE["mygrad"]:
        out["mygrad"] = best_of(lambda: W.w1_mygrad(x0), repeat, 5)
    if HAVE["autograd"]:
        out["autograd"] = best_of(lambda: W.w1_autograd(x0), repeat, 5)
    return {k: v / W.N_OPS * 1e6 for k, v in out.items()}  # us per op


def w2(repeat: int) -> dict[str, float]:
    base = W.w2_data()
    runs: dict[str, Callable[[], Any]] = {}
    d_np = {k: v.copy() for k, v in base.items()}
    runs["numpy"] = lambda: W.w2_numpy(d_np)
    d_ag = W.w2_arraygrad_setup(base)
    runs["arraygrad"] = lambda: W.w2_arraygrad(d_ag)
    if HAVE["torch"]:
        d_t = W.w2_torch_setup(base)
        runs["torch"] = lambda: W.w2_torch(d_t)
    if HAVE["mygrad"]:
        d_m = W.w2_mygrad_setup(base)
        runs["mygrad"] = lambda: W.w2_mygrad(d_m)
    if HAVE["autograd"]:
        d_a = {k: v.copy() for k, v in base.items()}
        runs["autograd"] = lambda: W.w2_autograd(d_a)
    times = {}
    # Interleave the libraries so machine noise hits them alike.
    for _ in range(repeat):
        for name, fn in runs.items():
            t = best_of(fn, 1, 20)
            times[name] = min(times.get(name, t), t)
    return {k: v / times["numpy"] for k, v in times.items()}


def w3(repeat: int, n: int) -> dict[str, float]:
    base = W.w3_data(n)
    import arraygrad as ag

    runs: dict[str, Callable[[], Any]] = {"numpy": lambda: W.w3_numpy(base)}
    d_ag = {
        "x": ag.asarray(base["x"]),
        "w1": ag.asarray(base["w1"], requires_grad=True),
        "w2": ag.asarray(base["w2"], requires_grad=True),
    }
    runs["arraygrad"] = lambda: W.w3_arraygrad(d_ag)
    if HAVE["torch"]:
        import torch

        d_t = {
            "x": torch.from_numpy(base["x"]),
            "w1": torch.from_numpy(base["w1"].copy()).requires_grad_(),
            "w2": torch.from_numpy(base["w2"].copy()).requires_grad_(),
        }
        runs["torch"] = lambda: W.w3_torch(d_t)
    times = {}
    for _ in range(repeat):
        for name, fn in runs.items():
            t = best_of(fn, 1, 1)
            times[name] = min(times.get(name, t), t)
    return {k: v / times["numpy"] for k, v in times.items()}


def _synchronizer(device: str) -> Callable[[], None]:
    """Return a function that waits for the device's queued work (a no-op on the CPU)."""
    if not device.startswith(("cuda", "gpu")):
        return lambda: None
    import cupy

    def sync() -> None:
        cupy.cuda.Device().synchronize()
        if HAVE["torch"]:
            import torch

            if torch.cuda.is_available():
                torch.cuda.synchronize()

    return sync


def w3_device(repeat: int, n: int, device: str) -> dict[str, float]:
    """W3 with arraygrad's arrays on ``device`` (cuda:0 is CuPy) and torch on CUDA.

    Returns milliseconds per step (forward and backward) and arraygrad's time over torch's.
    Every timed call ends with a synchronize, so queued GPU work is counted.
    """
    base = W.w3_data(n)
    import arraygrad as ag

    sync = _synchronizer(device)
    d_ag = {
        "x": ag.asarray(base["x"], device=device),
        "w1": ag.asarray(base["w1"], device=device, requires_grad=True),
        "w2": ag.asarray(base["w2"], device=device, requires_grad=True),
    }
    runs: dict[str, Callable[[], Any]] = {"arraygrad": lambda: (W.w3_arraygrad(d_ag), sync())}
    if HAVE["torch"]:
        import torch

        where = "cuda" if device.startswith(("cuda", "gpu")) and torch.cuda.is_available() else "cpu"
        d_t = {
            "x": torch.from_numpy(base["x"]).to(where),
            "w1": torch.from_numpy(base["w1"].copy()).to(where).requires_grad_(),
            "w2": torch.from_numpy(base["w2"].copy()).to(where).requires_grad_(),
        }
        runs[f"torch-{where}"] = lambda: (W.w3_torch(d_t), sync())
    for fn in runs.values():  # warm up: kernel compilation, allocator pools
        fn()
        fn()
    times: dict[str, float] = {}
    for _ in range(repeat):
        for name, fn in runs.items():
            t = best_of(fn, 1, 3)
            times[name] = min(times.get(name, t), t)
    out = {f"{k} ms": v * 1e3 for k, v in times.items()}
    peer = next((k for k in times if k.startswith("torch")), None)
    if peer is not None:
        out[f"arraygrad/{peer}"] = times["arraygrad"] / times[peer]
    return out


_W4_CHILD = """
import os, resource, sys
os.environ.setdefault("OMP_NUM_THREADS", "1"); os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, {bench!r})
import numpy as np
import workloads as W
lib, width, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
d = W.w4_data(width=width, batch=batch)
if lib == "arraygrad":
    import arraygrad as ag
    d = {{"x": ag.asarray(d["x"]), "ws": [ag.asarray(w, requires_grad=True) for w in d["ws"]]}}
    fn = W.w4_arraygrad
elif lib == "torch":
    import torch
    torch.set_num_threads(1)
    d = {{"x": torch.from_numpy(d["x"]), "ws": [torch.from_numpy(w).requires_grad_() for w in d["ws"]]}}
    fn = W.w4_torch
else:
    fn = W.w4_numpy
def rss():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1])
before = rss()
grads = fn(d)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(peak - before)
"""


def w4(width: int, batch: int) -> dict[str, float]:
    code = _W4_CHILD.format(bench=str(Path(__file__).parent))
    libs = ["numpy", "arraygrad"] + (["torch"] if HAVE["torch"] else [])
    env = {k: v for k, v in os.environ.items() if k not in _PINNED_MALLOC}
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parent.parent / "src"), env.get("PYTHONPATH", "")])
    extra = {}
    for lib in libs:
        res = subprocess.run(
            [sys.executable, "-c", code, lib, str(width), str(batch)],
            capture_output=True, text=True, env=env, check=True,
        )
        extra[lib] = float(res.stdout.strip().splitlines()[-1])
    return {k: v / extra["numpy"] for k, v in extra.items()} | {
        f"{k} MiB": v / 1024 for k, v in extra.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few repeats")
    parser.add_argument("--only", default="W1,W2,W3,W4")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument(
        "--device",
        default=None,
        help="run W3 with arraygrad's arrays on this device (e.g. cuda:0, CuPy) against torch "
        "on CUDA, in ms per step; the default compares against NumPy on the CPU",
    )
    parser.add_argument("--no-pin", action="store_true", help="keep glibc's malloc defaults")
    parser.add_argument("--n", type=int, default=None, help="W3's matrix size (default 2048)")
    args = parser.parse_args()
    only = set(args.only.split(","))
    repeat = 3 if args.quick else 7
    results: dict[str, dict[str, float]] = {}
    if "W1" in only:
        results["W1 us/op"] = w1(repeat)
    if "W2" in only:
        results["W2 x numpy"] = w2(repeat)
    n3 = args.n or (512 if args.quick else 2048)
    if "W3" in only and args.device:
        results[f"W3 n={n3} on {args.device}"] = w3_device(repeat, n3, args.device)
    elif "W3" in only:
        results["W3 x numpy"] = w3(repeat, n3)
    if "W4" in only:
        results["W4 x numpy"] = w4(*((1024, 1024) if args.quick else (4096, 4096)))
    for name, row in results.items():
        print(f"{name}: " + ", ".join(f"{k} {v:.3g}" for k, v in row.items()))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
