"""Timing: warm-up, calibrated inner loops, interleaved repeats, medians; relative errors.

Every implementation of one kernel (and its roofline probe) is timed in the same loop, in an
order rotated each round (A B C, B C A, C A B, ...): drift in the machine's load, and the
write-back of lines a predecessor left dirty in the cache, hit all of them alike. Small sizes
run an inner loop calibrated so one sample takes about ``budget`` seconds, since a single call
of a few microseconds is below the clock's useful resolution.

Where a kernel's arrays fit in the cache, the predecessor decides what is there: an output
buffer last written a round ago is cold, while a fresh output reuses the block another
implementation just freed and is warm (at 1e6 elements "descend fresh" beat descend into
``out=``, 589 against 690 µs, the reverse of the two alone). With ``settle``, an untimed call
of the same implementation precedes each sample, so every one is timed from its own working
set in cache, as in a loop that calls it over and over.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# What a call's result is reduced to for the correctness check: (value, arrays).
Output = tuple[float | None, list[np.ndarray[Any, Any]]]


def _as_output(ret: Any) -> Output:
    """Read numpy results: a float, an array, a tuple of arrays, or (float, array(s))."""
    if isinstance(ret, tuple) and ret and isinstance(ret[0], float):
        value, rest = ret[0], ret[1:]
        if len(rest) == 1 and isinstance(rest[0], tuple):
            rest = rest[0]
        return value, [np.asarray(a) for a in rest]
    if isinstance(ret, tuple):
        return None, [np.asarray(a) for a in ret]
    if isinstance(ret, np.ndarray):
        return None, [ret]
    return float(ret), []


@dataclass
class Impl:
    """One implementation of a kernel: a call without arguments, timed as is.

    ``result`` turns the first call's return value into an :data:`Output`, right after that
    call (optimizers read their parameters there, before later steps move them again).
    """

    call: Callable[[], Any]
    result: Callable[[Any], Output] = field(default=_as_output)
    # Whether the call allocates its output (the "fresh" case beside a preallocated one).
    fresh: bool = False
    # The result it is checked against, where that is not its row's (a one-tensor twin).
    want: Output | None = None


def sample(call: Callable[[], Any], inner: int) -> float:
    """Seconds per call, averaged over ``inner`` back-to-back calls.

    The cyclic garbage collector is off meanwhile, as in ``timeit``: a collection's cost is
    that of every object alive, mostly other peers' (torch's autograd graphs), and it would
    land on whichever call happened to allocate the triggering object.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter_ns()
        for _ in range(inner):
            call()
        return (time.perf_counter_ns() - start) / inner / 1e9
    finally:
        if enabled:
            gc.enable()


def calibrate(call: Callable[[], Any], budget: float) -> int:
    """Inner loop count so one sample takes about ``budget`` seconds (1 for large calls)."""
    once = max(sample(call, 1), 1e-7)
    if once * 4 < budget:  # a second estimate over a few calls, once past the first-call costs
        once = max(sample(call, max(1, int(budget / once / 8))), 1e-8)
    return max(1, min(1_000_000, int(budget / once)))


@dataclass
class Timing:
    """Seconds per call of one implementation: the samples and how they were taken."""

    samples: list[float]
    inner: int
    output: Output | None

    @property
    def median(self) -> float:
        """Median seconds per call."""
        return statistics.median(self.samples)


def measure(
    impls: dict[str, Impl],
    repeats: int,
    budget: float = 2e-3,
    warmup: int = 0,
    settle: bool = False,
) -> dict[str, Timing]:
    """Time every implementation interleaved; the first call of each gives its output.

    That first call (compiling a JIT peer, touching fresh pages) and calibration's calls warm
    each implementation up; ``warmup`` adds more, and ``settle`` a call before every sample.

    A failing implementation (a peer without the kernel for this dtype, say) is dropped:
    its exception is the peer's problem, not the benchmark's.
    """
    outputs: dict[str, Output] = {}
    alive: dict[str, Impl] = {}
    for key, impl in impls.items():
        try:
            value, arrays = impl.result(impl.call())
            # Copied now: later calls write the same buffers (an optimizer moves its params).
            outputs[key] = value, [np.array(a, copy=True) for a in arrays]
            for _ in range(warmup):
                impl.call()
        except Exception as error:  # any failure of a peer drops it
            print(f"  {key}: failed ({type(error).__name__}: {error}); dropped", flush=True)
            continue
        alive[key] = impl
    inner = {key: calibrate(impl.call, budget) for key, impl in alive.items()}
    samples: dict[str, list[float]] = {key: [] for key in alive}
    keys = list(alive)
    for r in range(repeats):
        shift = r % len(keys) if keys else 0
        for key in keys[shift:] + keys[:shift]:
            if settle:
                alive[key].call()
            samples[key].append(sample(alive[key].call, inner[key]))
    return {key: Timing(samples[key], inner[key], outputs.get(key)) for key in alive}


def relative_error(got: Output, want: Output) -> float:
    """Largest relative error of the value and of each array (normwise, in the max norm).

    An array's error is max|got − want| / max|want|: elementwise relative errors blow up
    where the reference crosses zero, while this stays at a few ulp of the array's scale for
    a correct result and reaches 1 for a wrong one. NaN where shapes or counts disagree.
    """
    errors: list[float] = []
    value, arrays = got
    want_value, want_arrays = want
    if want_value is not None:
        if value is None:
            return float("nan")
        errors.append(abs(value - want_value) / max(abs(want_value), 1e-300))
    if len(arrays) != len(want_arrays):
        return float("nan")
    for a, w in zip(arrays, want_arrays, strict=True):
        a64, w64 = np.asarray(a, np.float64), np.asarray(w, np.float64)
        if a64.shape != w64.shape:
            if a64.size != w64.size:
                return float("nan")
            a64 = a64.reshape(w64.shape)
        scale = float(np.max(np.abs(w64), initial=0.0))
        diff = float(np.max(np.abs(a64 - w64), initial=0.0))
        errors.append(diff / max(scale, 1e-300))
    return max(errors, default=0.0)
