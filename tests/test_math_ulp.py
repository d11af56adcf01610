"""A sample of ``benches/ulp.py``: descend's float64 math within its stated ULP bounds.

The bounds are the doc comments' (measured over 10⁶ points per function), with the sample here
smaller; a regression of the polynomials or the range reductions shows as a jump past them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "benches"))
import ulp

if np.finfo(np.longdouble).nmant < 60:
    pytest.skip("needs an extended-precision np.longdouble", allow_module_level=True)

BOUNDS = {
    "exp": 2.0,
    "exp_m1": 4.0,
    "ln": 1.0,
    "ln_1p": 2.0,
    "tanh": 4.0,
    "sqrt": 0.5,
    "softplus": 2.5,
    "sigmoid": 2.5,
    "log_sigmoid": 2.5,
    "erf": 1.0,
    "erfc": 4.0,
}


def test_every_function_has_a_bound() -> None:
    assert set(BOUNDS) == set(ulp.FUNCTIONS)


@pytest.fixture(scope="module")
def measured() -> dict[str, dict[str, float]]:
    return ulp.measure(40_000, seed=1)


@pytest.mark.parametrize("name", sorted(BOUNDS))
def test_within_bound(name: str, measured: dict[str, dict[str, float]]) -> None:
    assert measured[name]["max_ulp"] <= BOUNDS[name], measured[name]
