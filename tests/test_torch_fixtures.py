"""torch's values and gradients, recorded by fixtures/make_torch_fixtures.py, without torch."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import descend as ds

FIXTURES = np.load(Path(__file__).parent / "fixtures" / "torch_regression.npz")
CASES: list[dict[str, Any]] = json.loads(str(FIXTURES["cases"]))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_matches_torch(case: dict[str, Any]) -> None:
    key = case["id"]
    kwargs = dict(case["kwargs"])
    reduction = kwargs.pop("reduction")
    loss = getattr(ds, case["loss"])
    arrays = {name: FIXTURES[f"{key}/{name}"] for name in ("input", "target")}
    weight = FIXTURES[f"{key}/weight"] if case["has_weight"] else None
    upstream = FIXTURES[f"{key}/upstream"] if reduction == "none" else None
    value, grad = loss.value_and_grad(
        arrays["input"],
        arrays["target"],
        reduction=reduction,
        weight=weight,
        upstream=upstream,
        **kwargs,
    )
    # Both sides are float64; they differ in summation order and exp/log rounding only.
    np.testing.assert_allclose(value, FIXTURES[f"{key}/value"], rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(grad, FIXTURES[f"{key}/grad"], rtol=1e-12, atol=1e-300)


def test_every_torch_named_loss_has_fixtures() -> None:
    from cases import POINTWISE

    classification = np.load(Path(__file__).parent / "fixtures" / "torch_classification.npz")
    covered = {c["loss"] for c in CASES} | {
        c["fn"] for c in json.loads(str(classification["cases"]))
    }
    assert {c.torch for c in POINTWISE if c.torch} <= covered
