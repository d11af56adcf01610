"""One optimizer step over one tensor against 200 tensors of the same total, timed together.

``descend bench`` measures ``step`` and ``step_x200`` as separate rows, minutes apart, so their
ratio carries the machine's drift; here both run in one interleaved loop. The 200 tensors come
two ways: drawn as the benchmark draws them (a float64 array cast to float32, whose freed
temporaries leave the heap fragmented) and drawn straight into float32 buffers, which
separates the cost of the tensors' memory from the cost of the step's per-tensor work.

Usage: python benches/many_tensors.py [--n 1e7] [--threads 1,2] [--repeats 21]
"""

from __future__ import annotations

import argparse
import functools
import statistics
from collections.abc import Callable
from typing import Any

import numpy as np

import descend as ds
from descend.bench._measure import Impl, measure

TENSORS = 200
OPTIMIZERS: dict[str, Callable[[list[Any]], Any]] = {
    "SGD": lambda p: ds.optim.SGD(p, lr=1e-3, momentum=0.9),
    "Adam": lambda p: ds.optim.Adam(p, lr=1e-3),
    "AdamW": lambda p: ds.optim.AdamW(p, lr=1e-3),
}


def arrays(n: int, tensors: int, cast: bool, rng: np.random.Generator) -> list[Any]:
    """``tensors`` float32 arrays totalling ``n`` elements."""
    sizes = [n // tensors] * tensors
    if cast:
        return [rng.standard_normal(k).astype(np.float32) for k in sizes]
    out = [np.empty(k, np.float32) for k in sizes]
    for a in out:
        rng.standard_normal(dtype=np.float32, out=a)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=float, default=1e7)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--repeats", type=int, default=21)
    args = parser.parse_args()
    n, rng = int(args.n), np.random.default_rng(0)
    layouts = {
        "one": (arrays(n, 1, True, rng), arrays(n, 1, True, rng)),
        "200 cast": (arrays(n, TENSORS, True, rng), arrays(n, TENSORS, True, rng)),
        "200 drawn": (arrays(n, TENSORS, False, rng), arrays(n, TENSORS, False, rng)),
    }
    for threads in (int(t) for t in args.threads.split(",")):
        ds.set_num_threads(threads)
        for name, make in OPTIMIZERS.items():
            impls = {}
            for layout, (params, grads) in layouts.items():
                step = functools.partial(make(params).step, grads)
                impls[layout] = Impl(step, result=lambda _: (None, []))
            timings = measure(impls, args.repeats, budget=0.0)
            one = statistics.median(timings["one"].samples)
            line = [f"{name:5} {threads} thread(s): one tensor {one * 1e3:.2f} ms"]
            for layout in ("200 cast", "200 drawn"):
                ratio = statistics.median(timings[layout].samples) / one
                line.append(f"{layout} ×{ratio:.3f}")
            print(", ".join(line), flush=True)


if __name__ == "__main__":
    main()
