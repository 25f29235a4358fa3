"""The gradient of a logistic regression over a dataset larger than memory, on Dask.

The model is plain arraygrad code: ``loss(w, X, y)`` is the mean logistic loss and
``gradient(w, X, y)`` calls ``backward()``. Given NumPy tensors it computes at once; given
tensors that wrap Dask arrays (device ``dask:cpu``) the same code only builds a Dask graph,
forward and backward, and nothing runs until the result is asked for. ``make_data`` makes a
synthetic dataset lazily, block by block of rows, each block a function of the seed and its
index (features from a per-block NumPy Generator, labels drawn from the logistic model of a
true weight vector), so a dataset several times the machine's memory exists only a few
blocks at a time: the ``dask.distributed`` workers generate each block, use it for the
forward and the backward pass, and drop it.

``main`` runs it on a ``LocalCluster``: it prints the dataset's size, the wall time, the peak
memory of the workers and of this process (client and scheduler), how many bytes the workers
spilled to disk, and the gradient, checked against the closed form X^T (sigmoid(X w) - y) / n
computed by Dask in the same pass. docs/scale.md has the measured figures.

    python examples/scale_logistic_dask.py --small          # 40 MiB, a few seconds
    python examples/scale_logistic_dask.py --gib 96         # 96 GiB of float64 features

It needs ``pip install "arraygrad[dask]"`` (dask[array] and distributed).
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import sys
import threading
import time
from typing import Any

import numpy as np

import arraygrad as ag

# -- the model: plain arraygrad code, the same for NumPy and for Dask ----------------------


def loss(w: ag.Tensor, X: ag.Tensor, y: ag.Tensor) -> ag.Tensor:
    """The mean logistic loss (negative log-likelihood) of labels ``y`` in {0, 1}.

    The mean of log(1 + e^z) - y z with z = X w, written with ``logaddexp(0, z)`` so that
    it neither overflows nor loses precision for large |z|.
    """
    z = X @ w
    return ag.mean(ag.logaddexp(0.0, z) - y * z)


def gradient(w: ag.Tensor, X: ag.Tensor, y: ag.Tensor) -> tuple[ag.Tensor, ag.Tensor]:
    """Return the loss at ``w`` and its gradient with respect to ``w``, by ``backward()``.

    Both are on ``X``'s device; on Dask both are lazy: nothing has been computed yet.
    """
    w = w.detach().requires_grad_()
    value = loss(w, X, y)
    value.backward()
    return value.detach(), w.grad


# -- the data: a lazy synthetic dataset, one block of rows at a time -----------------------


def true_weights(d: int, seed: int = 0) -> np.ndarray:
    """The weight vector that the labels of ``make_data(..., seed)`` are drawn from."""
    return np.random.default_rng([seed, 2]).standard_normal(d) / math.sqrt(d)


def _feature_block(d: int, seed: int, block_id: Any = None, block_info: Any = None) -> np.ndarray:
    rows = block_info[None]["chunk-shape"][0]
    return np.random.default_rng([seed, 0, block_id[0]]).standard_normal((rows, d))


def _label_block(x: np.ndarray, w_true: np.ndarray, seed: int, block_id: Any = None) -> np.ndarray:
    p = 1.0 / (1.0 + np.exp(-(x @ w_true)))
    u = np.random.default_rng([seed, 1, block_id[0]]).random(x.shape[0])
    return (u < p).astype(x.dtype)


def make_data(n: int, d: int, chunk_rows: int, seed: int = 0) -> tuple[Any, Any]:
    """Return lazy Dask arrays ``X`` (n, d) float64 and ``y`` (n,) float64 in {0, 1}.

    ``X`` has standard normal features; ``y[i]`` is 1 with probability
    sigmoid(X[i] @ true_weights(d, seed)). Blocks hold ``chunk_rows`` rows (the last one
    fewer) and all ``d`` features; block ``k`` depends only on ``seed`` and ``k``, so the
    data are the same whatever the scheduler, and no block exists before it is needed.
    """
    import dask.array as da

    row_chunks = (chunk_rows,) * (n // chunk_rows) + ((n % chunk_rows,) if n % chunk_rows else ())
    X = da.map_blocks(
        _feature_block, d, seed, chunks=(row_chunks, (d,)), dtype=np.float64, meta=np.empty((0, 0))
    )
    y = X.map_blocks(
        _label_block, w_true=true_weights(d, seed), seed=seed, drop_axis=1,
        dtype=np.float64, meta=np.empty((0,)),
    )  # fmt: skip
    return X, y


# -- the run on a LocalCluster, with its measurements --------------------------------------


class _Monitor:
    """Sample the resident memory of some processes in a thread; keep the peaks and CPU time."""

    def __init__(self, pids: list[int], interval: float = 0.2) -> None:
        import psutil

        self.processes = [psutil.Process(pid) for pid in pids]
        self.interval = interval
        self.peak_total = 0  # the largest sum over the processes at one sample
        self.peak_each = 0  # the largest single process at any sample
        self.cpu_seconds = 0.0  # user and system time of the processes, while monitored
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        rss = []
        for p in self.processes:
            try:
                rss.append(p.memory_info().rss)
            except Exception:  # a worker that has just gone away
                rss.append(0)
        self.peak_total = max(self.peak_total, sum(rss))
        self.peak_each = max(self.peak_each, *rss)

    def _cpu(self) -> float:
        return sum(t.user + t.system for t in (p.cpu_times() for p in self.processes))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> _Monitor:
        self._sample()
        self.cpu_seconds = -self._cpu()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
        self.cpu_seconds += self._cpu()


def _driver_peak_rss() -> int:
    """This process's peak resident memory in bytes (Linux and macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def _spilled_bytes(dask_worker: Any) -> float:
    """The bytes that a worker has written to disk so far (none without a memory limit)."""
    metrics = getattr(dask_worker.data, "cumulative_metrics", {})
    return metrics.get(("disk-write", "bytes"), 0.0)


GiB = 2**30


def main(
    gib: float = 96.0,
    features: int = 100,
    chunk_rows: int = 2**18,
    workers: int = 2,
    memory_limit: str | None = "4GiB",
    seed: int = 0,
    processes: bool = True,
    verbose: bool = True,
) -> dict[str, Any]:
    """Compute the gradient at w = 0 over ``gib`` GiB of features; return the measurements.

    ``processes=False`` runs the workers as threads of this process (for a quick test).
    """
    import dask
    import psutil
    from distributed import Client, LocalCluster

    n = max(1, int(gib * GiB) // (8 * features))
    X, y = make_data(n, features, chunk_rows, seed)
    size = X.nbytes + y.nbytes
    say = print if verbose else (lambda *a, **k: None)
    say(f"machine: {os.cpu_count()} CPUs, {psutil.virtual_memory().total / GiB:.1f} GiB RAM, "
        f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    say(f"dataset: {n:,} rows x {features} features, float64, {X.numblocks[0]} blocks of "
        f"{chunk_rows:,} rows; {size / GiB:.2f} GiB (X and y), generated lazily")  # fmt: skip

    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, memory_limit=memory_limit,
            dashboard_address=None, processes=processes,
        ) as cluster,
        Client(cluster) as client,
    ):  # fmt: skip
        pids = sorted(set(client.run(os.getpid).values()))
        say(f"cluster: {workers} workers x 1 thread, memory_limit {memory_limit} each")

        Xt, yt = ag.asarray(X), ag.asarray(y)
        w = ag.zeros(features, dtype=ag.float64, device=Xt.device)
        start = time.perf_counter()
        value, grad = gradient(w, Xt, yt)  # builds the graph: nothing is computed
        graph_s = time.perf_counter() - start
        # The closed form, by Dask directly; it shares the data's tasks, so one pass does both.
        z = X @ w.raw
        closed_form = X.T @ (1.0 / (1.0 + dask.array.exp(-z)) - y) / n
        with _Monitor(pids) as peak:
            loss_value, g, g_ref = dask.compute(value.raw, grad.raw, closed_form)
        seconds = time.perf_counter() - start
        spilled = sum(client.run(_spilled_bytes).values())

    w_true = true_weights(features, seed)
    result = {
        "rows": n,
        "features": features,
        "blocks": X.numblocks[0],
        "gib": size / GiB,
        "workers": workers,
        "memory_limit": memory_limit,
        "graph_seconds": graph_s,
        "seconds": seconds,
        "gib_per_second": size / GiB / seconds,
        "worker_cpu_seconds": peak.cpu_seconds,
        "peak_workers_gib": peak.peak_total / GiB,
        "peak_worker_gib": peak.peak_each / GiB,
        "peak_driver_gib": _driver_peak_rss() / GiB,
        "spilled_gib": spilled / GiB,
        "loss": float(loss_value),
        "grad_norm": float(np.linalg.norm(g)),
        "max_rel_diff": float(np.max(np.abs(g - g_ref)) / np.max(np.abs(g_ref))),
        # At w = 0 the gradient is -E[x (y - 1/2)], parallel to -w_true for normal features.
        "cosine_with_w_true": float(-(g @ w_true) / (np.linalg.norm(g) * np.linalg.norm(w_true))),
    }
    say(f"load average after: {os.getloadavg()[0]:.2f}")
    say(f"time: {seconds:.1f} s ({result['gib_per_second']:.2f} GiB/s; building the graph "
        f"{graph_s:.2f} s); the workers' CPU time: {peak.cpu_seconds:.1f} s")  # fmt: skip
    say(f"peak memory: workers {result['peak_workers_gib']:.2f} GiB together (largest "
        f"{result['peak_worker_gib']:.2f} GiB), this process (client and scheduler) "
        f"{result['peak_driver_gib']:.2f} GiB; spilled to disk {result['spilled_gib']:.2f} GiB")  # fmt: skip
    say(f"loss at w = 0: {result['loss']:.12f} (log 2 = {math.log(2):.12f})")
    say(f"gradient norm: {result['grad_norm']:.9g}; max relative difference from the closed "
        f"form: {result['max_rel_diff']:.2e}; cosine(-grad, w_true): "
        f"{result['cosine_with_w_true']:.6f}")  # fmt: skip
    return result


def _parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gib", type=float, default=96.0, help="size of X in GiB (default 96)")
    parser.add_argument("--features", type=int, default=100, help="columns of X (default 100)")
    parser.add_argument("--chunk-rows", type=int, default=2**18, help="rows per block (default 262144)")  # fmt: skip
    parser.add_argument("--workers", type=int, default=2, help="workers, 1 thread each")
    parser.add_argument("--memory-limit", default="4GiB", help="per worker (default 4GiB)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--small", action="store_true",
                        help="a quick run: 40 MiB in blocks of 16384 rows")  # fmt: skip
    args = parser.parse_args(argv)
    if args.small:
        args.gib, args.chunk_rows = 40 / 1024, 2**14
    return args


if __name__ == "__main__":
    args = _parse()
    main(args.gib, args.features, args.chunk_rows, args.workers, args.memory_limit, args.seed)
