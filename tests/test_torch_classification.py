"""torch's classification losses and activations, from make_torch_classification.py, without torch.

The fixture file covers every classification loss and activation of torch; each case runs here
once descend implements the function it names (the drift test keeps that list honest).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import descend as ds
from descend import reference

FIXTURES = np.load(Path(__file__).parent / "fixtures" / "torch_classification.npz")
CASES: list[dict[str, Any]] = json.loads(str(FIXTURES["cases"]))
NATIVE = [c for c in CASES if isinstance(getattr(ds, c["descend"], None), ds.Loss)]
ACTIVATIONS = [c for c in CASES if c["kind"] == "activation"]
# Where descend deliberately differs from torch, and the error it raises instead.
STRICTER = {
    "ce-ls-negative-mean": ValueError,  # torch takes label_smoothing < 0 as 0, silently
}
# Where torch overflows and descend, like its reference, computes the true value: torch's
# soft_margin_loss is log1p(exp(−y·x)) literally, inf past −y·x ≈ 709.
STABLER = {"softmargin-none", "softmargin-mean", "softmargin-inf-none"}


def arrays(case: dict[str, Any], names: list[str]) -> list[np.ndarray]:
    return [FIXTURES[f"{case['id']}/{name}"] for name in names]


def ignored_rows(case: dict[str, Any], grad_shape: tuple[int, ...]) -> np.ndarray:
    """Elements of rows whose label is ignore_index: torch's gradient there is NaN when the row
    holds a NaN or +inf (log_softmax's backward multiplies it by 0); descend's is 0."""
    (target,) = arrays(case, ["target"])
    if target.dtype.kind not in "iu":
        return np.zeros(grad_shape, bool)
    rows = target == case["kwargs"].get("ignore_index", -100)
    return np.broadcast_to(np.expand_dims(rows, 1) if rows.ndim else rows, grad_shape)


@pytest.mark.parametrize("case", NATIVE, ids=[c["id"] for c in NATIVE])
def test_matches_torch(case: dict[str, Any]) -> None:
    kwargs = dict(case["kwargs"])
    reduction = kwargs.pop("reduction")
    loss = getattr(ds, case["descend"])
    inputs = arrays(case, case["arrays"])
    options = dict(zip(case["options"], arrays(case, case["options"]), strict=True))
    if case["id"] in STRICTER:
        with pytest.raises(STRICTER[case["id"]]):
            loss(*inputs, reduction=reduction, **options, **kwargs)
        return
    if "raises" in case:
        if "torch-rejects" in case["id"]:  # int32 labels: a torch-only restriction
            loss(*inputs, reduction=reduction, **options, **kwargs)
            return
        # torch's RuntimeError becomes the builtin that names the problem (a label out of
        # range is an IndexError here even where torch's kernel raises RuntimeError).
        expected = (
            IndexError if case["raises"] == "IndexError" else (ValueError, TypeError, IndexError)
        )
        with pytest.raises(expected):
            loss(*inputs, reduction=reduction, **options, **kwargs)
        return
    upstream = FIXTURES[f"{case['id']}/upstream"] if f"{case['id']}/upstream" in FIXTURES else None
    if upstream is not None and reduction != "none":
        upstream = None  # a reduced value: its upstream is the scalar 1
    value, grad = loss.value_and_grad(
        *inputs, reduction=reduction, upstream=upstream, **options, **kwargs
    )
    want_value, want_grad = arrays(case, ["value", "grad"])
    if case["id"] in STABLER:
        oracle = getattr(reference, case["descend"])
        want_value, want_grad = oracle.value_and_grad(
            *inputs, reduction=reduction, upstream=upstream, **options, **kwargs
        )
    # Both sides are float64; they differ in summation order and exp/log rounding only.
    np.testing.assert_allclose(value, want_value, rtol=1e-12, atol=1e-300)
    if isinstance(grad, tuple):  # (d_input, d_var)
        grad, grad_var = grad
        (want_grad_var,) = arrays(case, ["grad_var"])
        np.testing.assert_allclose(grad_var, want_grad_var, rtol=1e-11, atol=1e-15)
    known = ignored_rows(case, want_grad.shape) & np.isnan(want_grad) & (grad == 0)
    np.testing.assert_allclose(np.where(known, np.nan, grad), want_grad, rtol=1e-11, atol=1e-15)


# Where descend's activations deliberately differ from torch (as descend.reference does):
# (case id, what) -> why.
ACTIVATION_DEVIATIONS = {
    ("elu-1", "grad"): "elu's derivative at NaN: torch's vectorised CPU loop gives NaN; the "
    "reference (torch's scalar rule, x <= 0 fails for NaN) gives 1",
    ("elu-0.5", "grad"): "as elu-1",
}


@pytest.mark.parametrize("case", ACTIVATIONS, ids=[c["id"] for c in ACTIVATIONS])
def test_activation_matches_torch(case: dict[str, Any]) -> None:
    f = getattr(ds, case["descend"])
    assert isinstance(f, ds.Activation), f"{case['descend']} is not native"
    (x,) = arrays(case, case["arrays"])
    key = f"{case['id']}/upstream"
    upstream = FIXTURES[key] if key in FIXTURES else None
    value, grad = f.value_and_grad(x, upstream, **case["kwargs"])
    assert_array_equal(f(x, **case["kwargs"]), value)
    want_value, want_grad = arrays(case, ["value", "grad"])
    for what, got, want in (("value", value, want_value), ("grad", grad, want_grad)):
        if (case["id"], what) in ACTIVATION_DEVIATIONS:
            # Compare the rest; the deviating elements are NaN on torch's side only.
            differ = np.isnan(want) & ~np.isnan(got) & np.isnan(x)
            assert differ.any(), f"{case['id']}: the listed deviation no longer occurs"
            got = np.where(differ, np.nan, got)
        # Both sides are float64. Values: torch's gelu cancels to ±0 in the far left tail
        # (x = −20), where descend keeps the true −5.5e−88 (see descend.reference.activations).
        # Gradients: torch forms σ·(1 − σ) and 1 − tanh², which lose ~eps64 absolutely.
        atol = 1e-80 if what == "value" else 1e-15
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=atol)
