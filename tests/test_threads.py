"""Deterministic parallelism: bitwise equal results for any thread count; fork safety."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import descend as ds
from cases import POINTWISE, ROWWISE, PointwiseCase, RowwiseCase, draw_aux, draw_inputs

CHUNK = ds._core.chunk_size()


def run_on_threads(threads: int, call: Callable[[], Any], budget_s: float = 60.0) -> Any:
    """Call until at least two threads ran chunks (when ``threads`` > 1).

    On a shared 2-core machine the calling thread can finish every chunk before a pool thread
    wakes (a woken worker waits for a time slice while another process holds the core);
    retrying, for up to ``budget_s`` seconds, makes sure the comparison includes a genuinely
    parallel run.
    """
    deadline = time.monotonic() + budget_s
    while True:
        result = call()
        if threads == 1 or ds._core.threads_used_by_last_call() >= 2:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{threads} threads configured but never more than one ran chunks")


@pytest.mark.parametrize("case", POINTWISE, ids=lambda c: c.name)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bitwise_equal_across_thread_counts(case: PointwiseCase, dtype: type) -> None:
    rng = np.random.default_rng(11)
    # Above the memory-bound kernels' parallel threshold (4M elements), with enough chunks that
    # the pool's second thread wakes in time to steal some even when the machine is busy, plus a
    # ragged tail.
    n = 300 * CHUNK + 5
    x, y = (a.astype(dtype) for a in draw_inputs(case, {}, rng, (n,)))
    extra = {k: v.astype(dtype) for k, v in draw_aux(case, rng, (n,)).items()}
    if case.weighted:
        extra["weight"] = rng.uniform(0.0, 2.0, n).astype(dtype)
    f = getattr(ds, case.name)
    results = []
    for threads in (1, 2, 3):
        with ds.threads(threads):
            for reduction in ("mean", "sum", "none"):
                results.append(
                    (
                        threads,
                        reduction,
                        run_on_threads(
                            threads,
                            lambda r=reduction: f.value_and_grad(x, y, reduction=r, **extra),
                        ),
                    )
                )
    by_reduction: dict[str, list[tuple[object, np.ndarray]]] = {}
    for _, reduction, (value, grad) in results:
        by_reduction.setdefault(reduction, []).append((value, grad))
    for runs in by_reduction.values():
        first_value, first_grad = runs[0]
        for value, grad in runs[1:]:
            np.testing.assert_array_equal(np.asarray(value), np.asarray(first_value), strict=True)
            np.testing.assert_array_equal(grad, first_grad, strict=True)


@pytest.mark.parametrize("case", ROWWISE, ids=lambda c: c.name)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_rowwise_bitwise_equal_across_thread_counts(case: RowwiseCase, dtype: type) -> None:
    rng = np.random.default_rng(12)
    # 4.2M elements: above the memory-bound threshold too; 1000 classes, ragged last chunk.
    shape = (4203, 1000)
    x = rng.standard_normal(shape).astype(dtype)
    labels = rng.integers(0, 1000, shape[0])
    if case.ignores:
        labels[::7] = -100
    target = (x > 0).astype(dtype) if case.targets == "dense" else labels
    w = rng.uniform(0.1, 2.0, 1000).astype(dtype)
    f = getattr(ds, case.name)
    runs: dict[str, list[Any]] = {}
    for threads in (1, 2, 3):
        with ds.threads(threads):
            for reduction in ("mean", "sum", "none"):
                result = run_on_threads(
                    threads,
                    lambda r=reduction: f.value_and_grad(x, target, reduction=r, weight=w),
                )
                runs.setdefault(reduction, []).append(result)
    for (first_value, first_grad), *rest in runs.values():
        for value, grad in rest:
            np.testing.assert_array_equal(np.asarray(value), np.asarray(first_value), strict=True)
            np.testing.assert_array_equal(grad, first_grad, strict=True)


def test_thread_controls() -> None:
    old = ds.get_num_threads()
    assert ds.set_num_threads(3) == old
    assert ds.get_num_threads() == 3
    with ds.threads(1):
        assert ds.get_num_threads() == 1
    assert ds.get_num_threads() == 3
    ds.set_num_threads(old)
    with pytest.raises(ValueError, match=">= 1"):
        ds.set_num_threads(0)
    with pytest.raises(TypeError):
        ds.set_num_threads(1.5)  # type: ignore[arg-type]
    assert ds.set_num_threads(np.int64(2)) == old  # numpy integers are integers
    ds.set_num_threads(old)


def test_threads_blocks_in_concurrent_python_threads_keep_their_own_counts() -> None:
    """A block's count is its thread's: another thread's block neither sees nor restores it."""
    import threading

    ds.set_num_threads(2)
    barrier = threading.Barrier(3)
    seen: dict[int, list[int]] = {}

    def block(n: int) -> None:
        with ds.threads(n):
            barrier.wait()  # every block is open at once
            seen[n] = [ds.get_num_threads() for _ in range(200)]
            barrier.wait()

    workers = [threading.Thread(target=block, args=(n,)) for n in (1, 3, 4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert {n: set(counts) for n, counts in seen.items()} == {1: {1}, 3: {3}, 4: {4}}
    assert ds.get_num_threads() == 2


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="counts threads in /proc")
def test_a_sweep_of_thread_counts_keeps_a_few_pools() -> None:
    """Pools of counts no longer used are dropped: a sweep once left every one's threads."""
    code = (
        "import os, warnings, numpy as np, descend as ds\n"
        "x = np.random.rand(100_000)\n"
        "before = len(os.listdir('/proc/self/task'))\n"
        "with warnings.catch_warnings():\n"
        "    warnings.simplefilter('ignore')  # the count is capped\n"
        "    ds.set_num_threads(10**6)\n"
        "cap = ds.get_num_threads()\n"
        "for n in range(2, cap + 1):  # every count a pool is built for\n"
        "    with ds.threads(n):\n"
        "        ds.log_cosh_loss(x, x)\n"
        "import time\n"
        "for _ in range(100):  # a dropped pool's threads exit soon after, not at once\n"
        "    count = len(os.listdir('/proc/self/task')) - before\n"
        "    if count <= 3 * (cap - 2):\n"
        "        break\n"
        "    time.sleep(0.05)\n"
        "print(cap, count)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    cap, count = map(int, out.stdout.split())
    # A pool of n threads has n - 1 (the caller is the other). The three kept are at most those
    # of the three largest counts, fewer than the cap · (cap - 1) / 2 of every count's pool
    # once the cap is above 4.
    if cap <= 4:
        pytest.skip(f"with at most {cap} threads, three pools are every pool")
    assert count <= 3 * (cap - 2)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DESCEND_NUM_THREADS": "3"}, 3),
        ({"OMP_NUM_THREADS": "2"}, 2),
        ({"DESCEND_NUM_THREADS": "1", "OMP_NUM_THREADS": "3"}, 1),
        ({"OMP_NUM_THREADS": "3,2"}, 3),  # OpenMP's list: the outer level's count
        ({"DESCEND_NUM_THREADS": "abc", "OMP_NUM_THREADS": "3"}, 3),  # warned, see below
        ({"DESCEND_NUM_THREADS": " "}, None),  # blank: as if unset
    ],
)
def test_thread_count_from_environment(env: dict[str, str], expected: int | None) -> None:
    clean = {
        k: v for k, v in os.environ.items() if k not in ("DESCEND_NUM_THREADS", "OMP_NUM_THREADS")
    }

    def count(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", "import descend; print(descend.get_num_threads())"],
            env={**clean, **env},
            capture_output=True,
            text=True,
            check=True,
        )

    out = count(env)
    assert int(out.stdout) == (int(count({}).stdout) if expected is None else expected)
    mistyped = any(v.strip() and not v.split(",")[0].strip().isdigit() for v in env.values())
    assert ("is not a whole number >= 1; ignored" in out.stderr) == mistyped


# log_cosh_loss is compute-bound, so eight chunks run on the pool with two threads.
FORK_INPUT = np.linspace(-3.0, 3.0, 8 * CHUNK, dtype=np.float32)


def _child_runs_parallel(queue: multiprocessing.Queue[float]) -> None:
    with ds.threads(2):
        queue.put(ds.log_cosh_loss(FORK_INPUT, np.zeros_like(FORK_INPUT)))


@pytest.mark.timeout(60)
def test_fork_after_parallel_call_does_not_hang() -> None:
    with ds.threads(2):
        want = ds.log_cosh_loss(FORK_INPUT, np.zeros_like(FORK_INPUT))
        assert ds._core.threads_used_by_last_call() >= 1  # and the parent's pool is built
    ctx = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[float] = ctx.Queue()
    child = ctx.Process(target=_child_runs_parallel, args=(queue,))
    child.start()
    child.join(30)
    assert child.exitcode == 0, "forked child hung or crashed in a parallel call"
    assert queue.get(timeout=5) == want


def test_concurrent_python_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((2, 6 * CHUNK))
    want = ds.huber_loss.value_and_grad(x, y)
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda _: ds.huber_loss.value_and_grad(x, y), range(16)))
    for value, grad in got:
        assert value == want[0]
        np.testing.assert_array_equal(grad, want[1])
