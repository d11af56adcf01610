"""Roofline probes: descend's Rust kernels that only move a kernel's memory traffic.

- ``triad`` (a = b + s·c): 2 arrays read, 1 written into an existing buffer. Exact for a
  pointwise loss's gradient into ``out=`` (input and target read, gradient written).
- ``in_place`` (u = u·c + Σ reads): 1 array read, 2 or 3 updated in place; exact for an
  optimizer step with those streams (SGD with momentum: gradient read, parameter and buffer
  updated; Adam: 3 updated). Updates pay no write-allocate, so they run above a triad per
  counted byte: a triad would understate the roofline of a step.
- ``streams`` (each write = Σ reads): 1–3 arrays read and none, 1 or 2 written fresh; exact
  for an elementwise kernel with those streams (a loss's value: 2 read, none written; an
  activation's value: 1 and 1; gaussian_nll_loss's gradients: 3 and 2).
- ``exp``: out = eˣ with the kernels' vector exponential, the ns per element that bounds the
  softmax and logistic losses.
- ``math``: any of the kernels' vectorised functions by name, for ``benches/ulp.py``'s error
  measurement.

Where no probe has a kernel's exact streams (row-wise losses, whose labels and rows are
traffic of another shape; LAMB's extra pass; clip_grad_norm_'s two passes), the nearest one's
GB/s stands for the machine's and the row says the probe is not exact.

Every call of a native probe goes through this module, tests and scripts included, so a change
of the native interface changes this file alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from descend import _core
from descend.bench._kernels import Problem
from descend.bench._measure import Impl, Output

Array = np.ndarray[Any, Any]


@dataclass
class Probe:
    """A probe matched to a problem: its call and the bytes it moves."""

    name: str
    exact: bool
    impl: Impl
    nbytes: int


def _nothing(_: object) -> Output:
    return None, []


def triad(n: int, dtype: Any) -> Probe:
    """STREAM triad over ``n`` elements (3 arrays: 2 read, 1 written)."""
    a, b, c = (np.full(n, v, dtype) for v in (0.0, 1.0, 2.0))
    return Probe("triad", False, Impl(lambda: _core.triad(a, b, c, 3.0), _nothing), 3 * a.nbytes)


def in_place(updated: int, n: int, dtype: Any) -> Probe:
    """1 array read and ``updated`` (2 or 3) updated in place."""
    reads = [np.ones(n, dtype)]
    updates = [np.zeros(n, dtype) for _ in range(updated)]
    nbytes = (1 + 2 * updated) * reads[0].nbytes
    impl = Impl(lambda: _core.in_place_probe(reads, updates), _nothing)
    return Probe(f"in_place 1R {updated}U", False, impl, nbytes)


# (reads, writes) the streaming probe has.
STREAMS = {(1, 0), (2, 0), (3, 0), (1, 1), (2, 2), (3, 2)}


def stream(sources: list[Array], sinks: list[Array]) -> float:
    """Write the sum of ``sources`` into every sink (the streaming probe's one pass).

    Without sinks it returns the sum of every element read, so the reads are not optimised
    away. Only the streams of :data:`STREAMS` are offered; others raise ValueError.
    """
    return _core.stream_probe(sources, sinks)


def streams(reads: int, writes: int, n: int, dtype: Any) -> Probe:
    """Read ``reads`` arrays and write ``writes`` fresh ones, over ``n`` elements."""
    sources = [np.full(n, 1.0 + i, dtype) for i in range(reads)]
    sinks = [np.zeros(n, dtype) for _ in range(writes)]
    nbytes = (reads + writes) * sources[0].nbytes
    impl = Impl(lambda: stream(sources, sinks), _nothing)
    return Probe(f"streams {reads}R {writes}W", False, impl, nbytes)


def exp(n: int, dtype: Any) -> Probe:
    """Run the kernels' exponential over ``n`` elements into a buffer."""
    x = np.linspace(-5.0, 5.0, n).astype(dtype)
    out = np.empty_like(x)
    return Probe("exp", False, Impl(lambda: _core.exp_probe(x, out), _nothing), 2 * x.nbytes)


def math(name: str, x: Array, out: Array) -> None:
    """Write f(x) into ``out`` for the kernels' vectorised function named ``name`` (exp, erf...)."""
    _core.math_probe(name, x, out)


def roofline(p: Problem) -> Probe:
    """Choose the memory probe for ``p``'s traffic (exact when it has the kernel's streams)."""
    k, n = p.kernel, p.elements
    s = k.streams
    if k.family == "optim" and s.reads == 1 and s.writes == 0 and s.updates in (2, 3):
        probe = in_place(s.updates, n, p.dtype)
        probe.exact = k.exact_probe
        return probe
    if k.family == "optim" and s.updates in (2, 3):  # LAMB: its update pass's streams
        return in_place(s.updates, n, p.dtype)
    elementwise = k.family in ("pointwise", "activation") and s.updates == 0
    if (s.reads, s.writes) in STREAMS:
        probe = streams(s.reads, s.writes, n, p.dtype)
    else:
        probe = triad(n, p.dtype)
    probe.exact = elementwise and (s.reads, s.writes) in STREAMS | {(2, 1)}
    return probe
