"""Optimizer-step benchmark: SGD with momentum, Adam and AdamW against numpy and torch.optim.

One step on (a) one float32 tensor of N elements and (b) 200 tensors totalling N, interleaved
in one run with: numpy written in place with ``out=`` (the fastest a numpy user gets), torch's
``foreach=False``, ``foreach=True`` and ``fused=True`` (when torch is importable, same thread
count), and the in-place roofline probe with the rule's streams (SGD-momentum: 1 read, 2
updated; Adam: 1 read, 3 updated). GB/s counts each read stream once and each updated stream
twice (read and written back).

Usage: python benches/optim.py [--sizes 1e4,1e6,1e7] [--threads 1,2] [--json PATH]
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

# (updated streams, options): the streams an update touches besides the gradient.
RULES: dict[str, tuple[int, dict[str, Any]]] = {
    "SGD": (2, {"lr": 1e-3, "momentum": 0.9}),
    "Adam": (3, {"lr": 1e-3}),
    "AdamW": (3, {"lr": 1e-3}),
}


def split(n: int, tensors: int) -> list[int]:
    base = n // tensors
    return [base + (1 if i < n % tensors else 0) for i in range(tensors)]


def numpy_step(rule: str, params: list[Any], grads: list[Any]) -> Impl:
    """The rule with numpy ufuncs in place (out=), per tensor: no temporaries beyond one."""
    state = [[np.zeros_like(p) for _ in range(2)] for p in params]
    scratch = [np.empty_like(p) for p in params]
    t = [0]
    lr, b1, b2, eps, wd = 1e-3, 0.9, 0.999, 1e-8, 1e-2

    def sgd() -> None:
        for p, g, (b, _), _s in zip(params, grads, state, scratch, strict=True):
            b *= 0.9
            b += g
            p -= lr * b  # one temporary, as a numpy user writes it

    def adam() -> None:
        t[0] += 1
        c1, c2 = 1 - b1 ** t[0], (1 - b2 ** t[0]) ** 0.5
        for p, g, (m, v), s in zip(params, grads, state, scratch, strict=True):
            if rule == "AdamW":
                p *= 1 - lr * wd
            m *= b1
            np.multiply(g, 1 - b1, out=s)
            m += s
            v *= b2
            np.multiply(g, g, out=s)
            s *= 1 - b2
            v += s
            np.sqrt(v, out=s)
            s /= c2
            s += eps
            np.divide(m, s, out=s)
            s *= lr / c1
            p -= s

    return sgd if rule == "SGD" else adam


def torch_steps(rule: str, params: list[Any], grads: list[Any]) -> dict[str, Impl]:
    if torch is None:
        return {}
    out: dict[str, Impl] = {}
    modes = {"foreach=False": {"foreach": False}, "foreach=True": {"foreach": True}}
    modes["fused=True"] = {"fused": True}
    for label, mode in modes.items():
        tensors = [torch.from_numpy(p.copy()) for p in params]
        for tensor, g in zip(tensors, grads, strict=True):
            tensor.grad = torch.from_numpy(g)
        try:
            opt = getattr(torch.optim, rule)(tensors, **RULES[rule][1], **mode)
            opt.step()
        except (RuntimeError, TypeError, ValueError):
            continue  # e.g. no fused kernel for this rule on the CPU
        out[f"torch {label}"] = opt.step
    return out


def probe(updated: int, n: int) -> Impl:
    read = [np.ones(n, np.float32)]
    streams = [np.zeros(n, np.float32) for _ in range(updated)]
    return lambda: _core.in_place_probe(read, streams)


def run(sizes: list[int], thread_counts: list[int], repeats: int) -> dict[str, Any]:
    rng = np.random.default_rng(0)
    rows: list[dict[str, Any]] = []
    for threads in thread_counts:
        if torch is not None:
            torch.set_num_threads(threads)
        with ds.threads(threads):
            for n in sizes:
                for rule, (updated, options) in RULES.items():
                    nbytes = (1 + 2 * updated) * 4 * n
                    impls: dict[str, Impl] = {"probe": probe(updated, n)}
                    for tensors in (1, 200):
                        shapes = split(n, tensors)
                        params = [rng.standard_normal(k).astype(np.float32) for k in shapes]
                        grads = [rng.standard_normal(k).astype(np.float32) for k in shapes]
                        opt = getattr(ds, rule)([p.copy() for p in params], **options)
                        tag = f" ×{tensors}"
                        impls["descend" + tag] = lambda o=opt, g=grads: o.step(g)
                        impls["numpy out=" + tag] = numpy_step(
                            rule, [p.copy() for p in params], grads
                        )
                        for label, fn in torch_steps(rule, params, grads).items():
                            impls[label + tag] = fn
                    times = measure(impls, repeats)
                    row = {
                        "kernel": f"{rule} step",
                        "n": n,
                        "dtype": "float32",
                        "threads": threads,
                        "results": {k: summary(v, nbytes) for k, v in times.items()},
                    }
                    rows.append(row)
                    report(row)
    return {"machine": {**machine(), "torch": getattr(torch, "__version__", None)}, "rows": rows}


def report(row: dict[str, Any]) -> None:
    results = row["results"]
    probe_s = results["probe"]["median_s"]
    print(f"\n{row['kernel']}  N={row['n']:.0e}  threads={row['threads']}")
    for key, r in results.items():
        print(
            f"  {key:24s} {r['median_s'] * 1e6:10.1f} µs  {r['gbps']:6.1f} GB/s"
            f"  {100 * probe_s / r['median_s']:5.0f}% of probe"
        )


def small_steps(repeats: int) -> dict[str, float]:
    """Per-call cost of the small cases the issue sets targets for (µs, medians)."""
    cases = {"Adam 4×100": [100] * 4, "Adam 200 tensors, 1e4 total": split(10_000, 200)}
    out = {}
    for label, shapes in cases.items():
        params = [np.zeros(k, np.float32) for k in shapes]
        grads = [np.ones(k, np.float32) for k in shapes]
        opt = ds.Adam(params)
        times = measure({label: lambda o=opt, g=grads: o.step(g)}, repeats)[label]
        out[label] = summary(times, 1)["median_s"] * 1e6
        print(f"{label:32s} {out[label]:8.2f} µs per step")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e4,1e6,1e7")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--repeats", type=int, default=11)
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    threads = [int(t) for t in args.threads.split(",")]
    result = run(sizes, threads, args.repeats)
    with ds.threads(1):
        result["small"] = small_steps(args.repeats)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
        print(f"wrote {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
