"""Optimizer state across processes and files: save_state/load_state, schedules, plateaus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import descend as ds
from cases import OPTIMIZERS, OptimizerCase
from descend import reference

SCHEDULE = ds.schedules.cosine(0.05, total_steps=30, warmup_steps=5)


def grads_for(rng: np.random.Generator, steps: int) -> list[list[Any]]:
    return [
        [rng.standard_normal(4), rng.standard_normal((2, 3)).astype(np.float32)]
        for _ in range(steps)
    ]


@pytest.mark.parametrize("case", OPTIMIZERS, ids=lambda c: c.id)
def test_save_load_into_a_new_optimizer_resumes_bitwise(
    case: OptimizerCase, tmp_path: Path
) -> None:
    rng = np.random.default_rng(21)
    start = [rng.standard_normal(4), rng.standard_normal((2, 3)).astype(np.float32)]
    grads = grads_for(rng, 20)
    options = {**case.options, "lr": SCHEDULE}

    straight = [p.copy() for p in start]
    opt = getattr(ds, case.name)(straight, **options)
    plateau = ds.ReduceLROnPlateau(opt, patience=0)
    for step, g in enumerate(grads):
        opt.step(g)
        plateau.step(1.0 / (1 + step % 4))

    resumed = [p.copy() for p in start]
    first = getattr(ds, case.name)(resumed, **options)
    first_plateau = ds.ReduceLROnPlateau(first, patience=0)
    for step, g in enumerate(grads[:10]):
        first.step(g)
        first_plateau.step(1.0 / (1 + step % 4))
    ds.save_state(tmp_path / "state.npz", first)
    second = getattr(ds, case.name)(resumed)  # defaults: the file brings the options back
    second_plateau = ds.ReduceLROnPlateau(second)
    ds.load_state(tmp_path / "state.npz", second)
    assert second.param_groups[0]["lr_schedule"] == SCHEDULE
    for step, g in enumerate(grads[10:], start=10):
        second.step(g)
        second_plateau.step(1.0 / (1 + step % 4))
    for a, b in zip(straight, resumed, strict=True):
        assert a.tobytes() == b.tobytes()
    assert second_plateau.state_dict() == plateau.state_dict()
    assert second.param_groups[0]["lr"] == opt.param_groups[0]["lr"]


def test_the_file_holds_no_pickles(tmp_path: Path) -> None:
    opt = ds.Adam([np.ones(3)], lr=SCHEDULE)
    opt.step([np.ones(3)])
    ds.save_state(tmp_path / "s.npz", opt)
    with np.load(tmp_path / "s.npz", allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        assert data["state/0/exp_avg"].dtype == np.float64
    assert meta["param_groups"][0]["lr_schedule"] == SCHEDULE.to_config()
    assert meta["scalars"] == {"0": {"step": 1}}


def test_a_plain_callable_lr_runs_but_cannot_be_saved(tmp_path: Path) -> None:
    w = np.ones(2)
    opt = ds.SGD([w], lr=lambda step: 0.1 / (1 + step))
    opt.step([np.ones(2)])
    opt.step([np.ones(2)])
    np.testing.assert_allclose(w, 1 - 0.1 - 0.05)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1 / 3)
    with pytest.raises(ValueError, match=r"param_groups\[0\]"):
        ds.save_state(tmp_path / "s.npz", opt)


def test_loading_into_the_wrong_optimizer_is_refused(tmp_path: Path) -> None:
    opt = ds.Adam([np.ones(3)])
    opt.step([np.ones(3)])
    ds.save_state(tmp_path / "s.npz", opt)
    with pytest.raises(ValueError, match="Adam"):
        ds.load_state(tmp_path / "s.npz", ds.SGD([np.ones(3)]))
    other = ds.Adam([np.ones(4)])
    with pytest.raises(ValueError, match="exp_avg"):
        ds.load_state(tmp_path / "s.npz", other)
    assert other.state_dict()["state"] == {}


def test_a_schedule_sets_each_steps_lr() -> None:
    rng = np.random.default_rng(4)
    w = rng.standard_normal(5)
    ref_w = w.copy()
    opt = ds.SGD([w], lr=SCHEDULE, momentum=0.9)
    ref = reference.optim.SGD([ref_w], momentum=0.9)
    assert opt.param_groups[0]["lr"] == SCHEDULE(0)
    for step in range(40):
        g = rng.standard_normal(5)
        ref.param_groups[0]["lr"] = SCHEDULE(step)
        opt.step([g])
        ref.step([g])
        assert opt.param_groups[0]["lr"] == SCHEDULE(step + 1)
    np.testing.assert_allclose(w, ref_w, rtol=1e-14)


def test_plateau_scales_a_schedule() -> None:
    opt = ds.SGD([np.zeros(1)], lr=ds.schedules.exponential(0.1, gamma=0.5))
    plateau = ds.ReduceLROnPlateau(opt, patience=0, factor=0.1)
    opt.step([np.zeros(1)])
    plateau.step(1.0)
    plateau.step(1.0)  # no improvement: cut
    assert opt.param_groups[0]["lr_scale"] == pytest.approx(0.1)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.005)
    opt.step([np.zeros(1)])
    assert opt.param_groups[0]["lr"] == pytest.approx(0.0025)


def test_plateau_validates() -> None:
    opt = ds.SGD([np.zeros(1)])
    with pytest.raises(ValueError, match="mode"):
        ds.ReduceLROnPlateau(opt, mode="up")
    with pytest.raises(ValueError, match="factor"):
        ds.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="min_lr"):
        ds.ReduceLROnPlateau(opt, min_lr=[0.0, 0.1])


def stepped(case: OptimizerCase) -> tuple[Any, list[Any]]:
    rng = np.random.default_rng(22)
    params = [rng.standard_normal(4), rng.standard_normal((2, 3)).astype(np.float32)]
    opt = getattr(ds, case.name)(params, **case.options)
    for g in grads_for(rng, 3):
        opt.step(g)
    return opt, params


@pytest.mark.parametrize("case", OPTIMIZERS, ids=lambda c: c.id)
def test_a_state_with_a_key_missing_is_refused_and_changes_nothing(case: OptimizerCase) -> None:
    """A missing array would restart from zeros (or the step count from 0) without a word."""
    opt, _ = stepped(case)
    saved = opt.state_dict()
    if not saved["state"]:
        pytest.skip(f"{case.id} keeps no state")
    before = json.dumps(saved, default=lambda a: np.asarray(a).tolist())
    for key in saved["state"][0]:
        broken = opt.state_dict()
        del broken["state"][0][key]
        with pytest.raises(ValueError, match=rf"state\[0\] lacks '{key}'"):
            opt.load_state_dict(broken)
    assert json.dumps(opt.state_dict(), default=lambda a: np.asarray(a).tolist()) == before


@pytest.mark.parametrize("steps", ["abc", -1, 2.5, None])
def test_a_bad_step_count_is_refused_before_anything_is_loaded(steps: Any) -> None:
    opt = ds.Adam([np.ones(2)], lr=0.1)
    opt.step([np.ones(2)])
    saved = opt.state_dict()
    saved["state"][0]["exp_avg"] = np.array([9.0, 9.0])
    saved["steps"] = steps
    with pytest.raises(ValueError, match="steps must be a whole number"):
        opt.load_state_dict(saved)
    assert opt.state_dict()["state"][0]["exp_avg"].tolist() != [9.0, 9.0]
    saved["steps"] = 1
    saved["state"][0]["step"] = -3
    with pytest.raises(ValueError, match=r"state\[0\]\['step'\] must be a whole number"):
        opt.load_state_dict(saved)


def test_loading_an_earlier_state_undoes_a_plateau_cut() -> None:
    opt = ds.SGD([np.ones(2)], lr=ds.schedules.constant(0.1))
    plateau = ds.ReduceLROnPlateau(opt, patience=0)
    checkpoint = opt.state_dict()
    for metric in (1.0, 2.0):  # the second is worse: cut
        opt.step([np.ones(2)])
        plateau.step(metric)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.01)
    opt.load_state_dict(checkpoint)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1)
    assert plateau.num_bad_epochs == 0


def test_plateau_takes_groups_added_later() -> None:
    opt = ds.SGD([np.zeros(2)], lr=0.1)
    plateau = ds.ReduceLROnPlateau(opt, patience=0)  # one min_lr: it serves new groups too
    opt.add_param_group({"params": [np.zeros(3)], "lr": 0.05})
    plateau.step(1.0)
    plateau.step(2.0)
    assert [g["lr"] for g in opt.param_groups] == pytest.approx([0.01, 0.005])
    listed = ds.SGD([np.zeros(2)], lr=0.1)
    strict = ds.ReduceLROnPlateau(listed, patience=0, min_lr=[0.0])  # one per group, as given
    listed.add_param_group({"params": [np.zeros(3)], "lr": 0.05})
    with pytest.raises(ValueError, match="min_lrs has 1 values"):
        strict.step(1.0)
    assert [g["lr"] for g in listed.param_groups] == [0.1, 0.05]
    assert strict.last_epoch == 0
