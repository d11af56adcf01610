"""Optimizers against the numpy reference, generated from ``cases.OPTIMIZERS``.

Tolerances. float64: native and reference evaluate the same operations in the same order, so
trajectories agree to rounding noise (1e-12 relative over 100 steps, against the parameters'
scale). float32: the native run is compared with the float64 reference from the same float32
start and gradients; every step adds a few float32 roundings of the parameter and of the
update (≤ ~4 ULP, 2.4e-7 relative each), so after k steps the error is bounded by
``k · rtol32 · scale`` with ``rtol32`` ≈ 4 ULP per step, where scale is the parameters' size
plus the total distance moved.
"""

from __future__ import annotations

import copy
import pickle
from typing import Any

import numpy as np
import pytest
from test_threads import run_on_threads

import descend as ds
from _support import unaligned
from cases import OPTIMIZERS, OptimizerCase
from descend import reference

CHUNK = ds._core.chunk_size()
SIZES = (1, 7, 33, CHUNK + 5)


def first_rows(*names: str) -> list[OptimizerCase]:
    """The first table row of each named optimizer."""
    return [next(c for c in OPTIMIZERS if c.name == name) for name in names]


def make(case: OptimizerCase, params: list[Any], **override: Any) -> Any:
    return getattr(ds, case.name)(params, **{**case.options, **override})


def make_reference(case: OptimizerCase, params: list[Any], **override: Any) -> Any:
    return getattr(reference.optim, case.name)(params, **{**case.options, **override})


def gradient_stream(rng: np.random.Generator, sizes: tuple[int, ...], steps: int) -> list[Any]:
    """Gradients independent of the parameters (so rounding differences cannot feed back),
    with exact zeros and a few large values mixed in."""
    out = []
    for _ in range(steps):
        grads = []
        for n in sizes:
            g = rng.standard_normal(n)
            g[rng.random(n) < 0.05] = 0.0
            g[rng.random(n) < 0.01] *= 1e3
            grads.append(g)
        out.append(grads)
    return out


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", OPTIMIZERS, ids=lambda c: c.id)
def test_trajectory_matches_reference(case: OptimizerCase, dtype: type) -> None:
    rng = np.random.default_rng(3)
    steps = 100
    start = [rng.standard_normal(n).astype(dtype) for n in SIZES]
    grads = gradient_stream(rng, SIZES, steps)
    native = [p.copy() for p in start]
    oracle = [p.astype(np.float64) for p in start]
    opt, ref = make(case, native), make_reference(case, oracle)
    moved = [np.zeros(n) for n in SIZES]
    for step_grads in grads:
        before = [p.copy() for p in oracle]
        opt.step([g.astype(dtype) for g in step_grads])
        ref.step([g.astype(dtype).astype(np.float64) for g in step_grads])
        for m, b, p in zip(moved, before, oracle, strict=True):
            m += np.abs(p - b)
    for got, want, distance in zip(native, oracle, moved, strict=True):
        scale = np.abs(want) + distance
        if dtype == np.float64:
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-12 * scale.max())
        else:
            bound = steps * case.rtol32 * scale
            assert np.all(np.abs(got - want) <= bound), np.max(np.abs(got - want) / bound)


@pytest.mark.parametrize("case", OPTIMIZERS, ids=lambda c: c.id)
def test_state_dict_resume_is_bitwise(case: OptimizerCase) -> None:
    rng = np.random.default_rng(5)
    sizes = (3, 40)
    start = [rng.standard_normal(n) for n in sizes]
    grads = gradient_stream(rng, sizes, 20)

    straight = [p.copy() for p in start]
    opt = make(case, straight)
    for g in grads:
        opt.step(g)

    resumed = [p.copy() for p in start]
    first = make(case, resumed)
    for g in grads[:10]:
        first.step(g)
    saved = first.state_dict()
    del first
    second = make(case, resumed, lr=123.0)  # hyperparameters come back from the state too
    second.load_state_dict(saved)
    for g in grads[10:]:
        second.step(g)
    for a, b in zip(straight, resumed, strict=True):
        assert a.tobytes() == b.tobytes()
    assert_same_state(opt.state_dict(), second.state_dict())


# ASGD: per-tensor scalars (eta, mu) carried between steps must survive the round trip too.
@pytest.mark.parametrize(
    "case", [*OPTIMIZERS[:1], *OPTIMIZERS[4:6], *first_rows("ASGD")], ids=lambda c: c.id
)
@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_pickle_and_deepcopy_resume_bitwise(case: OptimizerCase, how: str) -> None:
    rng = np.random.default_rng(6)
    params = [rng.standard_normal(5), rng.standard_normal((2, 3)).astype(np.float32)]
    opt = make(case, params)
    grads = [[rng.standard_normal(5), rng.standard_normal((2, 3)).astype(np.float32)]]
    opt.step(grads[0])
    twin_opt, twin_params = (
        pickle.loads(pickle.dumps((opt, params)))
        if how == "pickle"
        else copy.deepcopy((opt, params))
    )
    assert twin_opt.param_groups[0]["params"][0] is twin_params[0]
    for o in (opt, twin_opt):
        o.step(grads[0])
    for a, b in zip(params, twin_params, strict=True):
        assert a.tobytes() == b.tobytes()


def assert_same_state(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert a["state"].keys() == b["state"].keys()
    for i, entry in a["state"].items():
        assert entry.keys() == b["state"][i].keys()
        for key, value in entry.items():
            assert np.asarray(value).tobytes() == np.asarray(b["state"][i][key]).tobytes()
    assert a["param_groups"] == b["param_groups"]


def snapshot(opt: Any, params: list[Any]) -> Any:
    return [p.tobytes() for p in params], pickle.dumps(opt.state_dict())


@pytest.mark.parametrize("case", OPTIMIZERS, ids=lambda c: c.id)
def test_a_failing_step_writes_nothing(case: OptimizerCase) -> None:
    rng = np.random.default_rng(7)
    params = [rng.standard_normal(4), rng.standard_normal(3).astype(np.float32), np.ones(5)]
    opt = make(case, params)
    good = [rng.standard_normal(4), rng.standard_normal(3).astype(np.float32), np.ones(5)]
    opt.step(good)
    before = snapshot(opt, params)
    bad_steps = {
        "last grad mis-shaped": ([*good[:2], np.ones(6)], ValueError),
        "last grad of another dtype": ([*good[:2], np.ones(5, np.float32)], TypeError),
        "a grad aliasing a parameter": ([*good[:2], params[2]], ValueError),
        "too few grads": (good[:2], ValueError),
    }
    for what, (grads, error) in bad_steps.items():
        with pytest.raises(error):
            opt.step(grads)
        assert snapshot(opt, params) == before, what
    lr = opt.param_groups[0]["lr"]
    opt.param_groups[0]["lr"] = -1.0
    with pytest.raises(ValueError, match="lr"):
        opt.step(good)
    opt.param_groups[0]["lr"] = lr
    assert snapshot(opt, params) == before


def test_a_schedule_failing_at_the_next_step_fails_that_step() -> None:
    """The step that succeeded returns; the next one raises before writing (as torch, where
    the scheduler's own step raises, not the optimizer's)."""
    p = np.ones(3)
    past_the_end = ds.SGD([np.ones(3)], lr=lambda s: [0.1][s])
    opt = ds.SGD([p], lr=lambda s: 0.1 if s < 1 else -0.1)
    opt.step([np.ones(3)])
    past_the_end.step([np.ones(3)])
    np.testing.assert_array_equal(p, 0.9)
    with pytest.raises(ValueError, match=r"lr schedule gave -0\.1 at step 1"):
        opt.step([np.ones(3)])
    with pytest.raises(IndexError):
        past_the_end.step([np.ones(3)])
    np.testing.assert_array_equal(p, 0.9)


@pytest.mark.parametrize("case", OPTIMIZERS, ids=lambda c: c.id)
def test_unaligned_memory(case: OptimizerCase) -> None:
    """Unaligned gradients are read through copies; an unaligned parameter is refused."""
    rng = np.random.default_rng(8)
    start, grad = rng.standard_normal(9), rng.standard_normal(9)
    aligned, odd = [start.copy()], [start.copy()]
    make(case, aligned).step([grad])
    make(case, odd).step([unaligned(grad, packed=True)])
    assert aligned[0].tobytes() == odd[0].tobytes()
    with pytest.raises(ValueError, match=r"params\[0\] is not aligned"):
        make(case, [unaligned(start)])


def test_a_grad_inside_a_parameter_is_refused() -> None:
    buffer = np.zeros(10)
    params = [buffer[:5], np.zeros(3)]
    opt = ds.SGD(params, lr=0.1)
    with pytest.raises(ValueError, match=r"grads\[1\] overlaps params\[0\]"):
        opt.step([np.ones(5), buffer[2:5]])
    assert not buffer.any()


@pytest.mark.parametrize("case", OPTIMIZERS, ids=lambda c: c.id)
def test_many_tensors_of_mixed_sizes_and_dtypes_in_one_step(case: OptimizerCase) -> None:
    rng = np.random.default_rng(9)
    sizes = (1, 2, 100, 3 * CHUNK + 1, 1_000_000, 5)
    dtypes = (np.float32, np.float64) * 3
    params = [rng.standard_normal(n).astype(d) for n, d in zip(sizes, dtypes, strict=True)]
    alone = [[p.copy()] for p in params]
    opt = make(case, params)
    singles = [make(case, a) for a in alone]
    for _ in range(3):
        grads = [rng.standard_normal(n).astype(d) for n, d in zip(sizes, dtypes, strict=True)]
        opt.step(grads)
        for single, g in zip(singles, grads, strict=True):
            single.step([g])
    for p, a in zip(params, alone, strict=True):
        assert p.tobytes() == a[0].tobytes()


# LAMB: its per-tensor norms are summed over chunks that run on different threads.
@pytest.mark.parametrize(
    "case", [OPTIMIZERS[1], OPTIMIZERS[5], *first_rows("LAMB")], ids=lambda c: c.id
)
def test_bitwise_equal_across_thread_counts(case: OptimizerCase) -> None:
    rng = np.random.default_rng(10)
    # Above the parallel threshold, many chunks, a ragged tail, and a small second tensor.
    sizes = (4_500_001, 3)
    start = [rng.standard_normal(n).astype(np.float32) for n in sizes]
    grads = [rng.standard_normal(n).astype(np.float32) for n in sizes]

    def run() -> list[Any]:
        params = [p.copy() for p in start]
        opt = make(case, params)
        opt.step(grads)
        opt.step(grads)
        return params

    results = []
    for threads in (1, 2):
        with ds.threads(threads):
            params = run_on_threads(threads, run)
        results.append([p.tobytes() for p in params])
    assert results[0] == results[1]


def quadratic(p: Any) -> tuple[float, Any]:
    a = np.linspace(1.0, 10.0, p.size)
    d = p - 1.0
    return float(0.5 * np.sum(a * d * d)), a * d


def rosenbrock(p: Any) -> tuple[float, Any]:
    x, y = p
    value = (1 - x) ** 2 + 100 * (y - x * x) ** 2
    return float(value), np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


@pytest.mark.parametrize("problem", [quadratic, rosenbrock])
@pytest.mark.parametrize("case", OPTIMIZERS, ids=lambda c: c.id)
def test_converges(case: OptimizerCase, problem: Any) -> None:
    p = np.array([-1.5, 2.0]) if problem is rosenbrock else np.zeros(10)
    opt = getattr(ds, case.name)([p], **case.converge)
    sign = -1.0 if case.converge.get("maximize") else 1.0
    start = problem(p)[0]
    for _ in range(case.steps):
        _, g = problem(p)
        opt.step([sign * g])  # under maximize the objective is −problem
    assert problem(p)[0] < 1e-3 * start, problem(p)


def test_param_groups_with_their_own_options_and_changes_between_steps() -> None:
    rng = np.random.default_rng(12)
    a, b = rng.standard_normal(4), rng.standard_normal(6)
    ra, rb = a.copy(), b.copy()
    groups = [{"params": [a], "lr": 0.1}, {"params": [b], "momentum": 0.5}]
    opt = ds.SGD(groups, lr=0.01, momentum=0.9)
    ref = reference.optim.SGD(
        [{"params": [ra], "lr": 0.1}, {"params": [rb], "momentum": 0.5}], lr=0.01, momentum=0.9
    )
    assert opt.param_groups[0]["momentum"] == 0.9 and opt.param_groups[1]["lr"] == 0.01
    for step in range(10):
        if step == 5:
            opt.param_groups[1]["lr"] = ref.param_groups[1]["lr"] = 0.2
        grads = [rng.standard_normal(4), rng.standard_normal(6)]
        opt.step(grads)
        ref.step(grads)
    np.testing.assert_allclose(a, ra, rtol=1e-14)
    np.testing.assert_allclose(b, rb, rtol=1e-14)


def test_add_param_group_after_steps_starts_fresh_state() -> None:
    a, b = np.ones(3), np.ones(2)
    opt = ds.Adam([a], lr=0.1)
    opt.step([np.ones(3)])
    opt.add_param_group({"params": [b], "lr": 0.5})
    opt.step([np.ones(3), np.ones(2)])
    state = opt.state_dict()["state"]
    assert state[0]["step"] == 2 and state[1]["step"] == 1
    np.testing.assert_allclose(b, 0.5)


def test_constructor_and_group_validation() -> None:
    p = np.zeros(3)
    with pytest.raises(ValueError, match="lr"):
        ds.Adam([p], lr=-1.0)
    with pytest.raises(ValueError, match=r"betas\[1\]"):
        ds.Adam([p], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="Nesterov"):
        ds.SGD([p], nesterov=True)
    with pytest.raises(ValueError, match="etas"):
        ds.Rprop([p], etas=(0.5, 0.9))  # torch requires etas[0] < 1 < etas[1]
    with pytest.raises(ValueError, match="rho"):
        ds.Adadelta([p], rho=1.5)
    with pytest.raises(ValueError, match="alpha"):
        ds.RMSprop([p], alpha=-0.1)
    with pytest.raises(ValueError, match=r"betas\[0\]"):
        ds.LAMB([p], betas=(1.0, 0.9))
    with pytest.raises(ValueError, match="empty"):
        ds.SGD([])
    with pytest.raises(ValueError, match="more than one"):
        ds.SGD([{"params": [p]}, {"params": [p]}])
    with pytest.raises(ValueError, match="C-contiguous"):
        ds.SGD([np.zeros((3, 4))[:, 1]])
    readonly = np.zeros(3)
    readonly.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        ds.SGD([readonly])
    with pytest.raises(TypeError, match="float32 or float64"):
        ds.SGD([np.zeros(3, np.int64)])
    opt = ds.SGD([p], lr=0.1)
    with pytest.raises(ValueError, match="more than one"):
        opt.add_param_group({"params": [p]})
    assert len(opt.param_groups) == 1
    # torch-only switches are accepted and change nothing.
    q = np.ones(2)
    ds.Adam([q], foreach=True, fused=False, capturable=True, differentiable=False).step(
        [np.ones(2)]
    )
    ds.SGD([q], foreach=False, fused=None, differentiable=False).step([np.ones(2)])


def test_load_state_dict_checks_everything_first() -> None:
    p = np.ones(3)
    opt = ds.Adam([p], lr=0.1)
    opt.step([np.ones(3)])
    saved = opt.state_dict()
    before = snapshot(opt, [p])
    broken = copy.deepcopy(saved)
    broken["state"][0]["exp_avg_sq"] = np.ones(4)
    with pytest.raises(ValueError, match="exp_avg_sq"):
        opt.load_state_dict(broken)
    broken = copy.deepcopy(saved)
    broken["state"][0]["exp_avg"] = np.ones(3, np.float32)
    with pytest.raises(TypeError, match="exp_avg"):
        opt.load_state_dict(broken)
    broken = copy.deepcopy(saved)
    broken["state"][0]["momentum_buffer"] = np.ones(3)
    with pytest.raises(ValueError, match="momentum_buffer"):
        opt.load_state_dict(broken)
    broken = copy.deepcopy(saved)
    broken["param_groups"][0]["betas"] = (2.0, 0.5)
    with pytest.raises(ValueError, match="betas"):
        opt.load_state_dict(broken)
    assert snapshot(opt, [p]) == before
