"""ns/element of activation value_and_grad against numpy's idiomatic version, one thread.

Run: ``python benches/activations.py [n]``. Medians of interleaved runs (descend, numpy,
descend, ...), so drift in the machine's load hits both sides alike. numpy has no erf, so
gelu's numpy side is the tanh form (the cheaper one) for both of descend's modes.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import descend as ds

RUNS = 9


def np_sigmoid(x: Any, u: Any) -> Any:
    s = 1.0 / (1.0 + np.exp(-x))
    return s, s * (1.0 - s)


def np_tanh(x: Any, u: Any) -> Any:
    t = np.tanh(x)
    return t, 1.0 - t * t


def np_gelu_tanh(x: Any, u: Any) -> Any:
    k = np.sqrt(2.0 / np.pi)
    t = np.tanh(k * (x + 0.044715 * x**3))
    value = 0.5 * x * (1.0 + t)
    grad = 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * k * (1.0 + 3 * 0.044715 * x * x)
    return value, grad


def np_softmax(x: Any, u: Any) -> Any:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    p = e / e.sum(axis=-1, keepdims=True)
    return p, p * (u - (u * p).sum(axis=-1, keepdims=True))


def time_it(call: Callable[..., Any], *args: Any) -> float:
    start = time.perf_counter()
    call(*args)
    return time.perf_counter() - start


def main(n: int) -> None:
    cases: list[tuple[str, Callable[..., Any], Callable[..., Any], bool]] = [
        ("sigmoid", lambda x, u: ds.sigmoid.value_and_grad(x), np_sigmoid, False),
        ("tanh", lambda x, u: ds.tanh.value_and_grad(x), np_tanh, False),
        ("gelu", lambda x, u: ds.gelu.value_and_grad(x), np_gelu_tanh, False),
        (
            "gelu tanh",
            lambda x, u: ds.gelu.value_and_grad(x, approximate="tanh"),
            np_gelu_tanh,
            False,
        ),
        ("softmax", lambda x, u: ds.softmax.value_and_grad(x, u), np_softmax, True),
    ]
    rng = np.random.default_rng(0)
    print(f"{n:.0e} elements, 1 thread, simd {ds.simd_level()}, median of {RUNS} interleaved")
    print(f"{'':10} {'dtype':8} {'descend ns/el':>14} {'numpy ns/el':>12} {'speed-up':>9}")
    with ds.threads(1), np.errstate(all="ignore"):
        for dtype in (np.float32, np.float64):
            x = (rng.standard_normal(n) * 3.0).astype(dtype)
            u = rng.standard_normal(n).astype(dtype)
            for name, ours, theirs, rows in cases:
                xs, us = (x.reshape(-1, 1000), u.reshape(-1, 1000)) if rows else (x, u)
                ours(xs, us), theirs(xs, us)  # warm up
                a, b = [], []
                for _ in range(RUNS):
                    a.append(time_it(ours, xs, us))
                    b.append(time_it(theirs, xs, us))
                t_ours, t_np = statistics.median(a) / n * 1e9, statistics.median(b) / n * 1e9
                label = np.dtype(dtype).name
                print(f"{name:10} {label:8} {t_ours:14.2f} {t_np:12.2f} {t_np / t_ours:8.1f}x")


if __name__ == "__main__":
    main(int(float(sys.argv[1])) if len(sys.argv) > 1 else 10_000_000)
