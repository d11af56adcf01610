"""Pointwise-loss benchmark: descend against idiomatic numpy and numpy with ``out=`` buffers.

For each kernel, size, dtype and thread count the implementations are timed interleaved
(A B C, B C A, C A B, ...) so drift and cache write-backs hit all alike; the median of
``--repeats`` samples is reported with min and max, as time, GB/s of the minimum traffic (read
input and target, write what the call returns) and ratios against the numpy peers. A STREAM
triad (Rust, same chunks and threads) measured in the same run stands for the machine's bandwidth
for the same two-reads-one-write pattern.

Usage: python benches/pointwise.py [--sizes 1e2,1e4,1e6,1e7] [--threads 1,2] [--json PATH]
       python benches/pointwise.py --threshold     # 1 vs 2 threads, memory- vs compute-bound
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import descend as ds
from descend import _core

Impl = Callable[[], Any]
LN2 = float(np.log(2.0))


def numpy_idiomatic(name: str, op: str, x: Any, y: Any) -> Impl:
    """What a numpy user writes: temporaries everywhere."""
    n = x.size
    if name == "mse_loss":
        value = lambda: float(np.mean((x - y) ** 2))  # noqa: E731
        grad = lambda: 2.0 * (x - y) / n  # noqa: E731

        def both() -> Any:
            d = x - y
            return float(np.mean(d * d)), 2.0 * d / n
    elif name == "huber_loss":

        def both() -> Any:
            d = x - y
            a = np.abs(d)
            quad = a < 1.0
            loss = np.where(quad, 0.5 * d * d, a - 0.5)
            return float(loss.mean()), np.where(quad, d, np.sign(d)) / n

        value = lambda: both()[0]  # noqa: E731

        def grad() -> Any:
            d = x - y
            return np.where(np.abs(d) < 1.0, d, np.sign(d)) / n
    else:  # log_cosh_loss

        def value() -> Any:
            d = x - y
            return float(np.mean(np.logaddexp(d, -d) - LN2))

        grad = lambda: np.tanh(x - y) / n  # noqa: E731

        def both() -> Any:
            d = x - y
            return float(np.mean(np.logaddexp(d, -d) - LN2)), np.tanh(d) / n

    return {"value": value, "grad": grad, "value_and_grad": both}[op]


def numpy_out(name: str, op: str, x: Any, y: Any) -> Impl:
    """numpy with preallocated buffers and in-place ufuncs: the best numpy can do."""
    n = x.size
    d, t, g = np.empty_like(x), np.empty_like(x), np.empty_like(x)
    scale = x.dtype.type(2.0 / n)
    inv_n = x.dtype.type(1.0 / n)

    if name == "mse_loss":

        def value() -> Any:
            np.subtract(x, y, out=d)
            return float(np.dot(d, d)) / n

        def grad() -> Any:
            np.subtract(x, y, out=g)
            return np.multiply(g, scale, out=g)

        def both() -> Any:
            np.subtract(x, y, out=g)
            v = float(np.dot(g, g)) / n
            return v, np.multiply(g, scale, out=g)
    elif name == "huber_loss":
        quad = np.empty(x.shape, bool)

        def both() -> Any:
            np.subtract(x, y, out=d)
            np.abs(d, out=t)
            np.less(t, 1.0, out=quad)
            np.clip(d, -1.0, 1.0, out=g)  # the Huber slope with delta = 1
            v = float(np.dot(g, d) - 0.5 * np.dot(g, g))  # Σ of the loss, branch-free
            return v / n, np.multiply(g, inv_n, out=g)

        value = lambda: both()[0]  # noqa: E731

        def grad() -> Any:
            np.subtract(x, y, out=g)
            np.clip(g, -1.0, 1.0, out=g)
            return np.multiply(g, inv_n, out=g)
    else:

        def value() -> Any:
            np.subtract(x, y, out=d)
            np.negative(d, out=t)
            np.logaddexp(d, t, out=t)
            return float(t.sum()) / n - LN2

        def grad() -> Any:
            np.subtract(x, y, out=g)
            np.tanh(g, out=g)
            return np.multiply(g, inv_n, out=g)

        def both() -> Any:
            np.subtract(x, y, out=d)
            np.negative(d, out=t)
            np.logaddexp(d, t, out=t)
            v = float(t.sum()) / n - LN2
            np.tanh(d, out=g)
            return v, np.multiply(g, inv_n, out=g)

    return {"value": value, "grad": grad, "value_and_grad": both}[op]


def descend_impl(name: str, op: str, x: Any, y: Any, fresh: bool) -> Impl:
    f = getattr(ds, name)
    if op == "value":
        return lambda: f(x, y)
    out = None if fresh else np.empty_like(x)
    method = f.grad if op == "grad" else f.value_and_grad
    return lambda: method(x, y, out=out)


def traffic(op: str, n: int, itemsize: int) -> int:
    """Minimum bytes moved: read input and target; write the gradient if there is one."""
    return n * itemsize * (2 if op == "value" else 3)


def sample(fn: Impl, inner: int) -> float:
    start = time.perf_counter_ns()
    for _ in range(inner):
        fn()
    return (time.perf_counter_ns() - start) / inner / 1e9


def calibrate(fn: Impl, budget: float = 2e-3) -> int:
    """Inner loop count so one sample takes about ``budget`` seconds (small sizes)."""
    fn()
    once = max(sample(fn, 1), 1e-7)
    return max(1, min(100_000, int(budget / once)))


def measure(impls: dict[str, Impl], repeats: int) -> dict[str, list[float]]:
    inner = {k: calibrate(fn) for k, fn in impls.items()}
    times: dict[str, list[float]] = {k: [] for k in impls}
    keys = list(impls)
    for r in range(repeats):
        # Rotate the order each round: a large kernel pays for writing back the lines its
        # predecessor left dirty in L3, so a fixed order would always charge the same one.
        for key in keys[r % len(keys) :] + keys[: r % len(keys)]:
            times[key].append(sample(impls[key], inner[key]))
    return times


def triad_impl(n: int, dtype: Any) -> Impl:
    a, b, c = (np.full(n, v, dtype) for v in (0.0, 1.0, 2.0))
    return lambda: _core.triad(a, b, c, 3.0)


def summary(ts: list[float], nbytes: int) -> dict[str, float]:
    med = statistics.median(ts)
    return {"median_s": med, "min_s": min(ts), "max_s": max(ts), "gbps": nbytes / med / 1e9}


def run(sizes: list[int], thread_counts: list[int], repeats: int) -> dict[str, Any]:
    rng = np.random.default_rng(0)
    rows: list[dict[str, Any]] = []
    for threads in thread_counts:
        with ds.threads(threads):
            for dtype in (np.float32, np.float64):
                for n in sizes:
                    x = rng.standard_normal(n).astype(dtype)
                    y = rng.standard_normal(n).astype(dtype)
                    item = np.dtype(dtype).itemsize
                    for name in ("mse_loss", "huber_loss", "log_cosh_loss"):
                        for op in ("value", "grad", "value_and_grad"):
                            impls = {
                                "descend": descend_impl(name, op, x, y, fresh=False),
                                "numpy": numpy_idiomatic(name, op, x, y),
                                "numpy_out": numpy_out(name, op, x, y),
                                "triad": triad_impl(n, dtype),
                            }
                            if op != "value":
                                impls["descend_fresh"] = descend_impl(name, op, x, y, fresh=True)
                            times = measure(impls, repeats)
                            nbytes = traffic(op, n, item)
                            row: dict[str, Any] = {
                                "kernel": name,
                                "op": op,
                                "n": n,
                                "dtype": np.dtype(dtype).name,
                                "threads": threads,
                                "results": {k: summary(v, nbytes) for k, v in times.items()},
                            }
                            row["results"]["triad"] = summary(times["triad"], 3 * n * item)
                            rows.append(row)
                            report(row)
    return {"machine": machine(), "rows": rows}


def report(row: dict[str, Any]) -> None:
    r = row["results"]
    med = {k: v["median_s"] for k, v in r.items()}
    frac = r["descend"]["gbps"] / r["triad"]["gbps"]
    fresh = f" fresh {med['descend_fresh'] * 1e6:9.1f}us" if "descend_fresh" in med else ""
    print(
        f"{row['kernel']:>14} {row['op']:>14} {row['dtype']:>7} n={row['n']:<9.0e} "
        f"t={row['threads']} descend {med['descend'] * 1e6:9.2f}us "
        f"{r['descend']['gbps']:6.1f}GB/s ({frac:5.0%} of triad {r['triad']['gbps']:5.1f}) "
        f"x{med['numpy'] / med['descend']:5.1f} numpy x{med['numpy_out'] / med['descend']:5.1f} "
        f"numpy_out{fresh}",
        flush=True,
    )


def threshold(repeats: int) -> None:
    """1 vs 2 threads for a memory-bound and a compute-bound kernel: where does a second pay?"""
    chunk = _core.chunk_size()
    print(f"GIL released from {_core.gil_release_threshold()} elements; chunk {chunk}")
    for name in ("mse_loss", "log_cosh_loss"):
        f = getattr(ds, name)
        for chunks in (2, 4, 16, 64, 128, 256, 512):
            n = chunks * chunk
            x = np.random.default_rng(1).standard_normal(n).astype(np.float32)
            y = np.zeros_like(x)
            out = np.empty_like(x)
            times = {}
            for t in (1, 2):  # a pool per thread count is kept, so switching is cheap
                with ds.threads(t):
                    call = functools.partial(f.value_and_grad, x, y, out=out)
                    times[t] = measure({"call": call}, repeats)
            t1, t2 = statistics.median(times[1]["call"]), statistics.median(times[2]["call"])
            print(
                f"{name:>14} n={n:>8}: 1 thread {t1 * 1e6:8.1f}us  2 threads {t2 * 1e6:8.1f}us"
                f"  speed-up {t1 / t2:4.2f}"
            )


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "descend": ds.__version__,
        "simd": ds.simd_level(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e2,1e4,1e6,1e7")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--repeats", type=int, default=11)
    parser.add_argument("--json", help="write raw results here")
    parser.add_argument("--threshold", action="store_true")
    args = parser.parse_args(argv)
    if args.threshold:
        threshold(args.repeats)
        return
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    thread_counts = [int(t) for t in args.threads.split(",")]
    print(json.dumps(machine()))
    result = run(sizes, thread_counts, max(args.repeats, 11))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
        print(f"wrote {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
