"""torch.optim trajectories, recorded by fixtures/make_torch_optim.py, without torch.

Both sides are float64. torch's CPU kernels fuse some multiply-adds (``add_(alpha=)``,
``addcdiv_``) where descend rounds twice, so steps differ by an ulp or so; over 20 steps that
stays below 1e-12 of the distance the parameters moved plus their size.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import descend as ds
from cases import OPTIMIZERS

FIXTURES = np.load(Path(__file__).parent / "fixtures" / "torch_optim.npz")
CASES: list[dict[str, Any]] = json.loads(str(FIXTURES["cases"]))
PLATEAU: list[dict[str, Any]] = json.loads(str(FIXTURES["plateau"]))


def options(case: dict[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in case["options"].items()}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_trajectory_matches_torch(case: dict[str, Any]) -> None:
    key = case["id"]
    params = [FIXTURES[f"{key}/start/{k}"].copy() for k in range(2)]
    grads = [FIXTURES[f"{key}/grads/{k}"] for k in range(2)]
    want = [FIXTURES[f"{key}/params/{k}"] for k in range(2)]
    opt = getattr(ds, case["name"])(params, **options(case))
    for step in range(len(grads[0])):
        opt.step([g[step] for g in grads])
        for p, w in zip(params, want, strict=True):
            moved = np.abs(w[: step + 1] - np.concatenate([[w[0]], w[:step]])).sum(axis=0)
            scale = np.abs(w[step]) + moved
            np.testing.assert_allclose(p, w[step], rtol=0, atol=1e-12 * scale.max())


def test_every_torch_optimizer_row_has_a_fixture() -> None:
    recorded = {(c["name"], json.dumps(c["options"], sort_keys=True)) for c in CASES}
    for row in OPTIMIZERS:
        if row.name in ("Lion", "LAMB"):
            continue
        plain = {k: list(v) if isinstance(v, tuple) else v for k, v in row.options.items()}
        assert (row.name, json.dumps(plain, sort_keys=True)) in recorded, row.id


@pytest.mark.parametrize("case", PLATEAU, ids=[c["id"] for c in PLATEAU])
def test_plateau_matches_torch(case: dict[str, Any]) -> None:
    opt = ds.SGD([np.zeros(1)], lr=0.1)
    plateau = ds.ReduceLROnPlateau(opt, **case["options"])
    lrs = []
    for metric in case["metrics"]:
        plateau.step(metric)
        lrs.append(opt.param_groups[0]["lr"])
    np.testing.assert_allclose(lrs, FIXTURES[f"{case['id']}/lr"], rtol=1e-15)
