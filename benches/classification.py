"""Classification-kernel benchmark: exp/log-bound losses against numpy and any installed peer.

``cross_entropy.value_and_grad`` with integer labels for (N/1000, 1000) and (N/10, 10) logits,
and ``binary_cross_entropy_with_logits.value_and_grad``, f32 and f64, timed interleaved with
idiomatic numpy, numpy with ``out=`` buffers, and torch (autograd on the CPU, same thread count)
when it is importable. A vector-exp probe (descend's own exp over N elements, into a buffer)
measured in the same run gives the ns per exponential these kernels are bound by.

Usage: python benches/classification.py [--sizes 1e4,1e6,1e7] [--threads 1,2] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import numpy as np
from pointwise import Impl, machine, measure, summary

import descend as ds
from descend import _core

try:
    import torch
except ImportError:  # torch is a peer, never a dependency
    torch = None


def cross_entropy_numpy(x: Any, labels: Any) -> Impl:
    """What a numpy user writes: log-softmax with temporaries, one-hot gradient."""
    rows = np.arange(x.shape[0])

    def both() -> Any:
        z = x - x.max(axis=1, keepdims=True)
        e = np.exp(z)
        s = e.sum(axis=1, keepdims=True)
        value = float(np.mean(np.log(s[:, 0]) - z[rows, labels]))
        g = e / s
        g[rows, labels] -= 1.0
        return value, g / x.shape[0]

    return both


def cross_entropy_numpy_out(x: Any, labels: Any) -> Impl:
    """numpy with preallocated buffers: the same math without temporaries of the input's size."""
    rows = np.arange(x.shape[0])
    g = np.empty_like(x)
    m = np.empty((x.shape[0], 1), x.dtype)
    s = np.empty((x.shape[0], 1), x.dtype)
    inv_n = x.dtype.type(1.0 / x.shape[0])

    def both() -> Any:
        np.max(x, axis=1, keepdims=True, out=m)
        np.subtract(x, m, out=g)
        picked = g[rows, labels]
        np.exp(g, out=g)
        np.sum(g, axis=1, keepdims=True, out=s)
        value = float(np.mean(np.log(s[:, 0]) - picked))
        np.divide(g, s, out=g)
        g[rows, labels] -= 1.0
        return value, np.multiply(g, inv_n, out=g)

    return both


def bce_numpy(x: Any, y: Any) -> Impl:
    def both() -> Any:
        e = np.exp(-np.abs(x))
        value = float(np.mean(np.maximum(x, 0) - x * y + np.log1p(e)))
        sig = np.where(x >= 0, 1.0, e) / (1.0 + e)
        return value, (sig - y) / x.size

    return both


def bce_numpy_out(x: Any, y: Any) -> Impl:
    e, t, g = np.empty_like(x), np.empty_like(x), np.empty_like(x)
    positive = np.empty(x.shape, bool)
    inv_n = x.dtype.type(1.0 / x.size)

    def both() -> Any:
        np.abs(x, out=e)
        np.negative(e, out=e)
        np.exp(e, out=e)  # e^(−|x|)
        np.log1p(e, out=t)
        np.maximum(x, 0, out=g)
        np.add(t, g, out=t)
        np.multiply(x, y, out=g)
        np.subtract(t, g, out=t)
        value = float(t.sum()) / x.size
        np.add(e, 1.0, out=t)
        np.greater_equal(x, 0, out=positive)
        np.copyto(e, 1.0, where=positive)  # σ(x) = (1 or e^(−|x|)) / (1 + e^(−|x|))
        np.divide(e, t, out=g)
        np.subtract(g, y, out=g)
        return value, np.multiply(g, inv_n, out=g)

    return both


def torch_impl(kind: str, x: Any, target: Any) -> Impl | None:
    if torch is None:
        return None
    xt = torch.from_numpy(x)
    tt = torch.from_numpy(target)
    loss = (
        torch.nn.functional.cross_entropy
        if kind == "cross_entropy"
        else torch.nn.functional.binary_cross_entropy_with_logits
    )

    def both() -> Any:
        z = xt.detach().requires_grad_(True)
        value = loss(z, tt)
        value.backward()
        return float(value), z.grad

    return both


def exp_probe(n: int, dtype: Any) -> Impl:
    x = np.linspace(-5.0, 5.0, n).astype(dtype)
    out = np.empty_like(x)
    return lambda: _core.exp_probe(x, out)


def problems(n: int, dtype: Any, rng: np.random.Generator) -> list[tuple[str, str, Any, Any]]:
    out = []
    for classes in (1000, 10):
        rows = max(1, n // classes)
        x = rng.standard_normal((rows, classes)).astype(dtype) * 3
        labels = rng.integers(0, classes, rows)
        out.append((f"cross_entropy C={classes}", "cross_entropy", x, labels))
    x = rng.standard_normal(n).astype(dtype) * 3
    y = (rng.random(n) < 0.5).astype(dtype)
    out.append(("bce_with_logits", "binary_cross_entropy_with_logits", x, y))
    return out


def run(sizes: list[int], thread_counts: list[int], repeats: int) -> dict[str, Any]:
    rng = np.random.default_rng(0)
    rows: list[dict[str, Any]] = []
    for threads in thread_counts:
        if torch is not None:
            torch.set_num_threads(threads)
        with ds.threads(threads):
            for dtype in (np.float32, np.float64):
                for n in sizes:
                    for label, name, x, target in problems(n, dtype, rng):
                        f = getattr(ds, name)
                        out = np.empty_like(x)
                        impls: dict[str, Impl] = {
                            "descend": lambda f=f, x=x, t=target, o=out: f.value_and_grad(
                                x, t, out=o
                            ),
                            "exp_probe": exp_probe(x.size, dtype),
                        }
                        if name == "cross_entropy":
                            impls["numpy"] = cross_entropy_numpy(x, target)
                            impls["numpy_out"] = cross_entropy_numpy_out(x, target)
                        else:
                            impls["numpy"] = bce_numpy(x, target)
                            impls["numpy_out"] = bce_numpy_out(x, target)
                        peer = torch_impl(name, x, target)
                        if peer is not None:
                            impls["torch"] = peer
                        times = measure(impls, repeats)
                        row = {
                            "kernel": label,
                            "n": int(x.size),
                            "dtype": np.dtype(dtype).name,
                            "threads": threads,
                            "results": {k: summary(v, x.nbytes) for k, v in times.items()},
                        }
                        rows.append(row)
                        report(row)
    return {"machine": {**machine(), "torch": getattr(torch, "__version__", None)}, "rows": rows}


def report(row: dict[str, Any]) -> None:
    med = {k: v["median_s"] for k, v in row["results"].items()}
    n = row["n"]
    peers = [k for k in ("numpy", "numpy_out", "torch") if k in med]
    best = min(peers, key=lambda k: med[k])
    ratios = " ".join(f"x{med[k] / med['descend']:5.1f} {k}" for k in peers)
    print(
        f"{row['kernel']:>18} {row['dtype']:>7} n={n:<9.0e} t={row['threads']} "
        f"descend {med['descend'] * 1e9 / n:6.2f}ns/el  exp {med['exp_probe'] * 1e9 / n:5.2f}"
        f"ns/el  {ratios}  (best peer {best}: x{med[best] / med['descend']:4.1f})",
        flush=True,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e4,1e6,1e7")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--repeats", type=int, default=11)
    parser.add_argument("--json", help="write raw results here")
    args = parser.parse_args(argv)
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    thread_counts = [int(t) for t in args.threads.split(",")]
    print(json.dumps({**machine(), "torch": getattr(torch, "__version__", None)}))
    result = run(sizes, thread_counts, max(args.repeats, 11))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
        print(f"wrote {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
