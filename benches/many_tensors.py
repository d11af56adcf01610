"""One optimizer step over one tensor against 200 tensors of the same total, timed together.

``descend bench`` measures ``step`` and ``step_x200`` as separate rows, minutes apart, so their
ratio carries the machine's drift; here both run in one interleaved loop. The 200 tensors come
two ways: drawn as the benchmark draws them (a float64 array cast to float32, whose freed
temporaries leave the heap fragmented) and drawn straight into float32 buffers, which
separates the cost of the tensors' memory from the cost of the step's per-tensor work. Where
torch is installed, its ``fused=True`` step runs in the same loop on arrays drawn the same way,
so its own 200-tensor ratio shows what the memory costs an implementation other than ours.

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
from descend.bench._info import load_peers
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


def torch_step(name: str, params: list[Any], grads: list[Any]) -> Callable[[], Any]:
    """torch's fused step of optimizer ``name`` over the arrays, shared with numpy."""
    import torch

    tensors = [torch.from_numpy(p) for p in params]
    for tensor, grad in zip(tensors, grads, strict=True):
        tensor.grad = torch.from_numpy(grad)
    momentum = {"momentum": 0.9} if name == "SGD" else {}
    optimizer = getattr(torch.optim, name)(tensors, lr=1e-3, fused=True, **momentum)
    step: Callable[[], Any] = optimizer.step
    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=float, default=1e7)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--repeats", type=int, default=21)
    args = parser.parse_args()
    n, rng = int(args.n), np.random.default_rng(0)
    torch = load_peers(["torch"])[0].get("torch")  # also quiets OpenMP's idle spinning
    implementations = ["descend"] + (["torch fused"] if torch else [])
    shapes = {"one": (1, True), "200 cast": (TENSORS, True), "200 drawn": (TENSORS, False)}
    # Each implementation's arrays are drawn apart, the same way, so neither inherits the
    # other's cache or heap.
    layouts = {
        (who, layout): (arrays(n, k, cast, rng), arrays(n, k, cast, rng))
        for who in implementations
        for layout, (k, cast) in shapes.items()
    }
    for threads in (int(t) for t in args.threads.split(",")):
        ds.set_num_threads(threads)
        if torch:
            torch.set_threads(threads)
        for name, make in OPTIMIZERS.items():
            impls = {}
            for (who, layout), (params, grads) in layouts.items():
                step: Callable[[], Any]
                if who == "descend":
                    step = functools.partial(make(params).step, grads)
                else:
                    step = torch_step(name, params, grads)
                impls[f"{who} {layout}"] = Impl(step, result=lambda _: (None, []))
            timings = measure(impls, args.repeats, budget=0.0)
            for who in implementations:
                one = statistics.median(timings[f"{who} one"].samples)
                line = [f"{name:5} {threads} thread(s) {who}: one tensor {one * 1e3:.2f} ms"]
                for layout in ("200 cast", "200 drawn"):
                    ratio = statistics.median(timings[f"{who} {layout}"].samples) / one
                    line.append(f"{layout} ×{ratio:.3f}")
                print(", ".join(line), flush=True)


if __name__ == "__main__":
    main()
