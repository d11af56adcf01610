"""Pointwise losses through ``descend bench``, and the thread-threshold study of ``par.rs``.

The benchmark itself lives in the package (``python -m descend bench``; ``make bench`` runs it
through ``benches/report.py``); this script runs it on the pointwise losses. ``--threshold``
runs the study ``par.rs``'s ``Bound::parallel_from`` was measured with: 1 against 2 threads for
a memory-bound and a compute-bound loss, from 2 to 512 chunks.

Usage: python benches/pointwise.py [descend bench options]
       python benches/pointwise.py --threshold [--repeats 11]
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys

import numpy as np

import descend as ds
from descend import _core, bench
from descend.bench._kernels import LOSSES
from descend.bench._measure import Impl, measure

POINTWISE = ",".join(row.name for row in LOSSES if not row.classes)


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
                    timing = measure({"call": Impl(call)}, repeats)["call"]
                    times[t] = statistics.median(timing.samples)
            print(
                f"{name:>14} n={n:>8}: 1 thread {times[1] * 1e6:8.1f}us  "
                f"2 threads {times[2] * 1e6:8.1f}us  speed-up {times[1] / times[2]:4.2f}"
            )


def main(argv: list[str]) -> None:
    if "--threshold" in argv:
        parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
        parser.add_argument("--threshold", action="store_true")
        parser.add_argument("--repeats", type=int, default=11)
        threshold(parser.parse_args(argv).repeats)
    else:
        bench.main(["--kernels", POINTWISE, *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
