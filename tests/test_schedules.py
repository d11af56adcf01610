"""descend.schedules: torch's trajectories (from make_torch_schedules.py, without torch), the
formulas torch cannot express, value semantics (config, pickle, equality, repr) and errors."""

from __future__ import annotations

import dataclasses
import json
import math
import pickle
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from descend import schedules
from descend.schedules import Schedule
from descend.schedules._config import KINDS

FIXTURES = np.load(Path(__file__).parent / "fixtures" / "torch_schedules.npz")
CASES: list[dict[str, Any]] = json.loads(str(FIXTURES["cases"]))

# torch's StepLR, MultiStepLR (in SequentialLR), ExponentialLR, LinearLR, PolynomialLR and
# CosineAnnealingLR multiply the previous lr by a factor at each step; descend evaluates the
# closed form, which those products equal up to one rounding per step (measured: <= 6e-15
# relative over 300 steps). The other classes compute a closed form themselves, the same
# expression in the same order as descend: those must agree bitwise.
RTOL = 1e-12
BITWISE = {"constant", "multistep", "cosine_restarts", "one_cycle", "cyclic"}


def build(spec: dict[str, Any]) -> Schedule:
    args = dict(spec["args"])
    if spec["kind"] == "sequential":
        args["schedules"] = [build(s) for s in args["schedules"]]
    return getattr(schedules, spec["kind"])(**args)


def torch_agrees_below(spec: dict[str, Any], n: int) -> int:
    """The steps, from 0, where descend follows torch; past them descend deliberately differs."""
    args = spec["args"]
    if spec["kind"] == "cosine":  # torch's cosine is periodic past T_max; descend holds min_lr
        return min(n, args["total_steps"] + 1)
    if spec["kind"] == "one_cycle":  # torch extrapolates its last phase for one step, then raises
        return min(n, args["total_steps"])
    return n


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_matches_torch(case: dict[str, Any]) -> None:
    sched = build(case["descend"])
    expected = FIXTURES[f"{case['id']}/lr"]
    got = np.array([sched(k) for k in range(len(expected))])
    n = torch_agrees_below(case["descend"], len(expected))
    if case["descend"]["kind"] in BITWISE:
        assert_array_equal(got[:n], expected[:n])
    else:
        assert_allclose(got[:n], expected[:n], rtol=RTOL, atol=0.0)
    if n < len(expected):  # past the end descend holds its final value; torch does not
        assert np.all(got[n:] == sched(10**9))
        assert not np.allclose(got[n:], expected[n:], rtol=1e-3)


def test_every_kind_has_a_torch_case() -> None:
    assert {c["descend"]["kind"] for c in CASES} == set(KINDS)
    assert set(KINDS) == {cls.kind for cls in all_subclasses(Schedule)}
    assert set(schedules.__all__) == set(KINDS) | {"Schedule", "from_config", "is_schedule"}


def all_subclasses(cls: type) -> set[type]:
    return {s for c in cls.__subclasses__() for s in {c} | all_subclasses(c)}


# Formulas torch's schedulers cannot express.


def test_cosine_warmup_from_zero_then_cosine() -> None:
    lr, total, warmup = 0.3, 50, 7
    sched = schedules.cosine(lr, total, warmup_steps=warmup, min_lr=0.01)
    assert [sched(k) for k in range(warmup)] == [lr * k / warmup for k in range(warmup)]
    tail = schedules.cosine(lr, total - warmup, min_lr=0.01)
    assert [sched(k) for k in range(warmup, 80)] == [tail(k - warmup) for k in range(warmup, 80)]
    assert sched(total) == sched(10**12) == 0.01


def test_polynomial_min_lr() -> None:
    sched = schedules.polynomial(1.0, 10, power=2.0, min_lr=0.1)
    assert [sched(k) for k in (0, 5, 10, 11)] == pytest.approx([1.0, 0.325, 0.1, 0.1], rel=1e-15)


def test_linear_from_zero() -> None:  # torch's LinearLR takes start_factor > 0 only
    sched = schedules.linear(2.0, start_factor=0.0, total_steps=4)
    assert [sched(k) for k in range(6)] == [0.0, 0.5, 1.0, 1.5, 2.0, 2.0]


def test_one_cycle_single_step_first_phase() -> None:
    # pct_start · total_steps = 1: torch divides 0 by 0 at step 0; descend starts at the peak.
    sched = schedules.one_cycle(1.0, 10, pct_start=0.1)
    values = [sched(k) for k in range(12)]
    assert values[0] == 1.0
    assert values == sorted(values, reverse=True)
    assert values[9] == values[11] == 1.0 / 25.0 / 1e4


# Properties.

lrs = st.floats(0.0, 10.0)
fractions = st.floats(0.0, 1.0)
counts = st.integers(1, 400)
steps = st.integers(0, 2000)


@st.composite
def any_schedule(draw: st.DrawFn, nested: bool = True) -> Schedule:
    kinds = sorted(KINDS) if nested else sorted(set(KINDS) - {"sequential"})
    kind = draw(st.sampled_from(kinds))
    lr = draw(lrs)
    gamma = draw(st.floats(0.01, 1.0))  # above 1 the powers overflow for large steps
    if kind == "constant":
        return schedules.constant(lr)
    if kind == "step":
        return schedules.step(lr, draw(counts), gamma)
    if kind == "multistep":
        return schedules.multistep(lr, sorted(draw(st.lists(st.integers(0, 300)))), gamma)
    if kind == "exponential":
        return schedules.exponential(lr, draw(st.floats(0.01, 1.0)))
    if kind == "linear":
        return schedules.linear(
            lr, start_factor=draw(fractions), end_factor=draw(fractions), total_steps=draw(counts)
        )
    if kind == "polynomial":
        return schedules.polynomial(
            lr, draw(counts), power=draw(st.floats(0.1, 5.0)), min_lr=lr * draw(fractions)
        )
    if kind == "cosine":
        total = draw(counts)
        return schedules.cosine(
            lr,
            total,
            warmup_steps=draw(st.integers(0, total - 1)),
            min_lr=lr * draw(fractions),
            warmup_start_lr=lr * draw(fractions),
        )
    if kind == "cosine_restarts":
        return schedules.cosine_restarts(
            lr, draw(counts), period_mult=draw(st.integers(1, 4)), min_lr=lr * draw(fractions)
        )
    if kind == "one_cycle":
        three_phase = draw(st.booleans())
        return schedules.one_cycle(
            lr,
            draw(counts),
            pct_start=draw(st.floats(0.01, 0.5 if three_phase else 0.99)),
            anneal_strategy=draw(st.sampled_from(["cos", "linear"])),
            div_factor=draw(st.floats(1.0, 100.0)),
            final_div_factor=draw(st.floats(1.0, 1e5)),
            three_phase=three_phase,
        )
    if kind == "cyclic":
        return schedules.cyclic(
            lr * draw(fractions),
            lr,
            step_size_up=draw(counts),
            step_size_down=draw(st.none() | counts),
            mode=draw(st.sampled_from(["triangular", "triangular2", "exp_range"])),
            gamma=draw(st.floats(0.9, 1.0)),
        )
    parts = draw(st.lists(any_schedule(nested=False), min_size=1, max_size=3))
    milestones = draw(
        st.lists(st.integers(1, 500), min_size=len(parts) - 1, max_size=len(parts) - 1, unique=True)
    )
    return schedules.sequential(parts, sorted(milestones))


def plain(value: object) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(plain(v) for v in value)
    return type(value) in (str, int, float, bool)


@given(any_schedule(), st.lists(steps, max_size=5))
def test_values_round_trip(sched: Schedule, at: list[int]) -> None:
    check_value_semantics(sched, at)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_every_torch_case_round_trips(case: dict[str, Any]) -> None:
    check_value_semantics(build(case["descend"]), [0, 1, 17, 299])


def check_value_semantics(sched: Schedule, at: list[int]) -> None:
    config = sched.to_config()
    assert plain(config)
    assert config["kind"] == sched.kind
    again = schedules.from_config(json.loads(json.dumps(config)))
    assert again == sched and hash(again) == hash(sched)
    assert pickle.loads(pickle.dumps(sched)) == sched
    assert eval(repr(sched), vars(schedules)) == sched
    for k in at:
        value = sched(k)
        assert type(value) is float and math.isfinite(value) and value >= 0.0
        assert again(k) == value


@given(lrs, counts, st.integers(0, 399), fractions, fractions)
def test_cosine_anneals_within_bounds(
    lr: float, total: int, warmup: int, min_frac: float, start_frac: float
) -> None:
    warmup = warmup % total
    min_lr, start = lr * min_frac, lr * start_frac
    sched = schedules.cosine(lr, total, warmup_steps=warmup, min_lr=min_lr, warmup_start_lr=start)
    rise = [sched(k) for k in range(warmup + 1)]
    fall = [sched(k) for k in range(warmup, total + 3)]
    assert rise == sorted(rise) and rise[0] == (start if warmup else lr) and rise[-1] == lr
    assert fall == sorted(fall, reverse=True)
    assert all(min_lr <= v <= lr for v in fall)
    assert fall[-1] == min_lr


@given(lrs, counts, st.floats(0.01, 1.0), steps)
def test_step_is_piecewise_constant(lr: float, size: int, gamma: float, k: int) -> None:
    sched = schedules.step(lr, size, gamma)
    assert sched(k) == sched(k - k % size)
    assert sched(k + size) == pytest.approx(sched(k) * gamma, rel=1e-13)


@given(lrs, st.lists(st.integers(0, 300), max_size=6), st.floats(0.01, 1.5), steps)
def test_multistep_changes_only_at_milestones(
    lr: float, milestones: list[int], gamma: float, k: int
) -> None:
    sched = schedules.multistep(lr, sorted(milestones), gamma)
    if k not in milestones and k > 0:
        assert sched(k) == sched(k - 1)
    assert sched(k) == lr * gamma ** sum(m <= k for m in milestones)


@given(lrs, st.integers(1, 50), st.integers(1, 3), fractions, st.integers(0, 5000))
def test_restarts_stay_between_min_lr_and_lr(
    lr: float, first: int, mult: int, min_frac: float, k: int
) -> None:
    sched = schedules.cosine_restarts(lr, first, period_mult=mult, min_lr=lr * min_frac)
    # torch's expression at a restart, min_lr + (lr − min_lr) · 2 / 2, may round lr by an ulp
    assert sched(0) == pytest.approx(lr, rel=1e-15)
    assert lr * min_frac <= sched(k) <= lr * (1 + 1e-15)
    restart = first * (mult**3 - 1) // (mult - 1) if mult > 1 else 3 * first
    assert sched(restart) == sched(0)


@given(counts, st.floats(0.01, 0.5), st.booleans(), st.sampled_from(["cos", "linear"]), steps)
def test_one_cycle_stays_between_final_and_max_lr(
    total: int, pct: float, three_phase: bool, strategy: str, k: int
) -> None:
    sched = schedules.one_cycle(
        1.0,
        total,
        pct_start=pct,
        three_phase=three_phase,
        anneal_strategy=strategy,
    )
    # torch's linear anneal, (end − start) · f + start, rounds relative to start at f = 1
    assert 1.0 / 25e4 - 1e-15 <= sched(k) <= 1.0 + 1e-15
    assert sched(total + k) == 1.0 / 25e4


@given(counts, counts, st.sampled_from(["triangular", "triangular2", "exp_range"]), steps)
def test_cyclic_stays_between_base_and_max_lr(up: int, down: int, mode: str, k: int) -> None:
    sched = schedules.cyclic(0.5, 1.0, step_size_up=up, step_size_down=down, mode=mode, gamma=0.999)
    assert 0.5 <= sched(k) <= 1.0 + 1e-15
    assert sched(k * (up + down)) == 0.5
    if mode == "triangular":
        assert sched(k + up + down) == pytest.approx(sched(k), rel=1e-12)


@given(st.lists(any_schedule(nested=False), min_size=1, max_size=4), st.data())
def test_sequential_runs_each_part_from_its_own_step_zero(
    parts: list[Schedule], data: st.DataObject
) -> None:
    gaps = data.draw(st.lists(st.integers(1, 50), min_size=len(parts) - 1, max_size=len(parts)))
    milestones = list(np.cumsum(gaps[: len(parts) - 1]).tolist())
    sched = schedules.sequential(parts, milestones)
    starts = [0, *milestones]
    for i, part in enumerate(parts):
        end = starts[i + 1] if i + 1 < len(starts) else starts[i] + 60
        assert [sched(k) for k in range(starts[i], end)] == [
            part(k - starts[i]) for k in range(starts[i], end)
        ]


# Value semantics of a few fixed schedules.


def test_repr_equality_and_normalised_arguments() -> None:
    sched = schedules.cosine(np.float64(0.1), np.int64(100), warmup_steps=10)
    assert sched == schedules.cosine(0.1, 100, warmup_steps=10, min_lr=0, warmup_start_lr=0)
    assert sched != schedules.cosine(0.1, 101, warmup_steps=10)
    assert sched != schedules.constant(0.1)
    assert type(sched.to_config()["total_steps"]) is int
    assert repr(sched) == (
        "cosine(lr=0.1, total_steps=100, warmup_steps=10, min_lr=0.0, warmup_start_lr=0.0)"
    )
    assert schedules.cyclic(0.0, 1.0, step_size_up=3) == schedules.cyclic(
        0.0, 1.0, step_size_up=3, step_size_down=3
    )
    seq = schedules.sequential((schedules.constant(1), schedules.step(1.0, 2)), np.array([4]))
    assert repr(seq) == (
        "sequential(schedules=[constant(lr=1.0), step(lr=1.0, step_size=2, gamma=0.1)], "
        "milestones=[4])"
    )
    assert seq.to_config() == {
        "kind": "sequential",
        "schedules": [
            {"kind": "constant", "lr": 1.0},
            {"kind": "step", "lr": 1.0, "step_size": 2, "gamma": 0.1},
        ],
        "milestones": [4],
    }
    nested = schedules.sequential([seq, schedules.constant(0.5)], [10])
    assert schedules.from_config(nested.to_config()) == nested
    assert nested(13) == 0.5 and nested(9) == seq(9)
    assert schedules.is_schedule(seq) and not schedules.is_schedule(lambda k: 0.1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        sched.lr = 0.2


def test_growth_past_the_float_range_is_inf() -> None:
    sched = schedules.exponential(1e-7, gamma=1.1)  # a learning rate range test
    assert sched(100) == pytest.approx(1e-7 * 1.1**100, rel=1e-15)
    assert sched(10_000) == math.inf  # which an optimizer refuses (test_hardening.py)


def test_step_argument_of_a_call() -> None:
    sched = schedules.exponential(1.0, 0.5)
    assert sched(np.int64(2)) == 0.25
    with pytest.raises(ValueError, match=re.escape("step must be an integer >= 0, got -1")):
        sched(-1)
    for bad in (1.0, True, "1", None):
        with pytest.raises(TypeError, match="step must be an integer"):
            sched(bad)


S = schedules
C = S.constant(0.1)
ERRORS: list[tuple[Callable[[], object], type[Exception], str]] = [
    (lambda: S.constant(-1), ValueError, "lr must be a finite number >= 0, got -1"),
    (lambda: S.constant(math.nan), ValueError, "lr must be a finite number >= 0, got nan"),
    (lambda: S.constant("0.1"), TypeError, "lr must be a finite number >= 0, got '0.1'"),
    (lambda: S.constant(True), TypeError, "lr must be"),
    (lambda: S.step(0.1, 0), ValueError, "step_size must be an integer >= 1, got 0"),
    (lambda: S.step(0.1, 2.0), TypeError, "step_size must be an integer >= 1, got 2.0"),
    (lambda: S.step(0.1, 3, gamma=0.0), ValueError, "gamma must be a finite number > 0, got 0.0"),
    (lambda: S.multistep(0.1, [3, 2]), ValueError, "milestones must be non-decreasing, got [3, 2]"),
    (lambda: S.multistep(0.1, [-1]), ValueError, "milestones[0] must be an integer >= 0, got -1"),
    (lambda: S.multistep(0.1, 5), TypeError, "milestones must be a list of integers, got 5"),
    (lambda: S.exponential(0.1, math.inf), ValueError, "gamma must be a finite number > 0"),
    (lambda: S.cosine(0.1, 0), ValueError, "total_steps must be an integer >= 1, got 0"),
    (
        lambda: S.cosine(0.1, 10, warmup_steps=10),
        ValueError,
        "warmup_steps must be < total_steps (10), got 10",
    ),
    (lambda: S.cosine(0.1, 10, warmup_steps=-1), ValueError, "warmup_steps must be an integer"),
    (lambda: S.cosine(0.1, 10, min_lr=0.2), ValueError, "min_lr must be <= lr (0.1), got 0.2"),
    (lambda: S.cosine(0.1, 10, warmup_start_lr=0.2), ValueError, "warmup_start_lr must be <= lr"),
    (lambda: S.cosine_restarts(0.1, 0), ValueError, "first_period must be an integer >= 1, got 0"),
    (
        lambda: S.cosine_restarts(0.1, 5, period_mult=0),
        ValueError,
        "period_mult must be an integer",
    ),
    (lambda: S.cosine_restarts(0.1, 5, period_mult=1.5), TypeError, "period_mult must be an int"),
    (lambda: S.cosine_restarts(0.1, 5, min_lr=-1), ValueError, "min_lr must be a finite number"),
    (
        lambda: S.linear(0.1, start_factor=1.5),
        ValueError,
        "start_factor must be a finite number in [0, 1]",
    ),
    (
        lambda: S.linear(0.1, end_factor=-0.1),
        ValueError,
        "end_factor must be a finite number in [0, 1]",
    ),
    (lambda: S.linear(0.1, total_steps=0), ValueError, "total_steps must be an integer >= 1"),
    (
        lambda: S.polynomial(0.1, 10, power=0),
        ValueError,
        "power must be a finite number > 0, got 0",
    ),
    (lambda: S.polynomial(0.1, 0), ValueError, "total_steps must be an integer >= 1, got 0"),
    (lambda: S.polynomial(0.1, 5, min_lr=1.0), ValueError, "min_lr must be <= lr (0.1), got 1.0"),
    (lambda: S.one_cycle(0.1, 0), ValueError, "total_steps must be an integer >= 1, got 0"),
    (
        lambda: S.one_cycle(0.1, 100, pct_start=0.0),
        ValueError,
        "pct_start must be a finite number in (0, 1), got 0.0",
    ),
    (
        lambda: S.one_cycle(0.1, 100, pct_start=1),
        ValueError,
        "pct_start must be a finite number in (0, 1)",
    ),
    (
        lambda: S.one_cycle(0.1, 100, pct_start=0.6, three_phase=True),
        ValueError,
        "pct_start must be <= 0.5 when three_phase is True",
    ),
    (
        lambda: S.one_cycle(0.1, 100, anneal_strategy="cosine"),
        ValueError,
        "anneal_strategy must be one of 'cos', 'linear', got 'cosine'",
    ),
    (
        lambda: S.one_cycle(0.1, 100, div_factor=0),
        ValueError,
        "div_factor must be a finite number > 0",
    ),
    (lambda: S.one_cycle(0.1, 100, final_div_factor=-1), ValueError, "final_div_factor must be"),
    (lambda: S.one_cycle(0.1, 100, three_phase=1), TypeError, "three_phase must be a bool, got 1"),
    (lambda: S.cyclic(0.1, 0.01), ValueError, "base_lr must be <= max_lr (0.01), got 0.1"),
    (
        lambda: S.cyclic(0.0, 0.1, step_size_up=0),
        ValueError,
        "step_size_up must be an integer >= 1",
    ),
    (
        lambda: S.cyclic(0.0, 0.1, step_size_down=0),
        ValueError,
        "step_size_down must be an integer >= 1",
    ),
    (lambda: S.cyclic(0.0, 0.1, mode="exp"), ValueError, "mode must be one of 'triangular', "),
    (lambda: S.cyclic(0.0, 0.1, gamma=1.5), ValueError, "gamma must be a finite number in (0, 1]"),
    (lambda: S.sequential([], []), ValueError, "schedules must hold at least one schedule"),
    (lambda: S.sequential(C, []), TypeError, "schedules must be a list of schedules"),
    (
        lambda: S.sequential([C, lambda k: 0.1], [5]),
        TypeError,
        "schedules[1] must be a descend.schedules.Schedule",
    ),
    (
        lambda: S.sequential([C, C], []),
        ValueError,
        "milestones must hold one fewer entry than schedules (2), got 0",
    ),
    (
        lambda: S.sequential([C, C, C], [5, 5]),
        ValueError,
        "milestones must be strictly increasing, got [5, 5]",
    ),
    (lambda: S.sequential([C, C], [0]), ValueError, "milestones[0] must be an integer >= 1, got 0"),
    (lambda: S.from_config([]), TypeError, "config must be a dict, got []"),
    (lambda: S.from_config({}), ValueError, "config['kind'] must be one of 'constant', "),
    (lambda: S.from_config({"kind": "warmup"}), ValueError, "got 'warmup'"),
    (
        lambda: S.from_config({"kind": "cosine", "lr": 0.1}),
        ValueError,
        "config does not fit cosine(): missing a required argument: 'total_steps'",
    ),
    (
        lambda: S.from_config({"kind": "constant", "lr": 0.1, "gamma": 0.5}),
        ValueError,
        "config does not fit constant(): got an unexpected keyword argument 'gamma'",
    ),
    (
        lambda: S.from_config({"kind": "cosine", "lr": 0.1, "total_steps": 0}),
        ValueError,
        "total_steps must be an integer >= 1, got 0",
    ),
    (
        lambda: S.from_config(
            {"kind": "sequential", "schedules": [{"kind": "x"}], "milestones": []}
        ),
        ValueError,
        "got 'x'",
    ),
]


@pytest.mark.parametrize("make, error, message", ERRORS, ids=[e[2][:40] for e in ERRORS])
def test_errors_name_the_argument(
    make: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        make()


def test_linear_decay_to_zero_never_goes_negative() -> None:
    # (−0.32589946781716433 · 101) / 101 rounds past −0.32589946781716433.
    sched = schedules.linear(1.0, start_factor=0.32589946781716433, end_factor=0.0, total_steps=101)
    assert sched(101) == 0.0 and sched(10**6) == 0.0
