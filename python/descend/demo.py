"""``python -m descend demo``: losses and gradients over a few million elements, next to numpy.

Until the training demo exists, this shows the core job: the value and the gradient of a loss
in one pass over memory, against the numpy a user would write, with the answers checked
against ``descend.reference``.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import descend as ds


def _best_of(fn: Callable[[], Any], repeats: int = 7) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _numpy_huber(x: Any, y: Any) -> tuple[float, Any]:
    d = x - y
    a = np.abs(d)
    quad = a < 1.0
    loss = np.where(quad, 0.5 * d * d, a - 0.5)
    return float(loss.mean()), np.where(quad, d, np.sign(d)) / x.size


def _numpy_mse(x: Any, y: Any) -> tuple[float, Any]:
    d = x - y
    return float(np.mean(d * d)), 2.0 * d / x.size


def _numpy_log_cosh(x: Any, y: Any) -> tuple[float, Any]:
    d = x - y
    return float(np.mean(np.logaddexp(d, -d) - np.log(2.0))), np.tanh(d) / x.size


def main(n: int = 4_000_000) -> None:
    """Run the demo over ``n`` float32 elements."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal(n).astype(np.float32)
    y = rng.standard_normal(n).astype(np.float32)
    grad = np.empty_like(x)
    print(f"descend {ds.__version__}: SIMD {ds.simd_level()}, {ds.get_num_threads()} threads")
    print(f"value and gradient over {n:,} float32 elements (best of 7)\n")
    print(f"{'loss':>14} {'descend':>10} {'numpy':>10} {'speed-up':>9}  value")
    peers = {"mse_loss": _numpy_mse, "huber_loss": _numpy_huber, "log_cosh_loss": _numpy_log_cosh}
    for name, peer in peers.items():
        loss = getattr(ds, name)
        value, _ = loss.value_and_grad(x, y, out=grad)
        want = getattr(ds.reference, name)(x, y)
        assert abs(value - want) <= 1e-5 * abs(want), (name, value, want)
        ours = _best_of(functools.partial(loss.value_and_grad, x, y, out=grad))
        theirs = _best_of(functools.partial(peer, x, y))
        speed_up = theirs / ours
        print(f"{name:>14} {ours * 1e3:8.2f}ms {theirs * 1e3:8.2f}ms {speed_up:8.1f}x  {value:.6f}")
    print("\nvalues checked against descend.reference (numpy, float64)")


if __name__ == "__main__":
    main()
