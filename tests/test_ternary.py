"""Pointwise losses with a differentiated third array (``gaussian_nll_loss``'s var), from
``cases.TERNARY``: values and both gradients against the oracle, var's torch shapes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import descend as ds
from _support import assert_close
from cases import DTYPES, REDUCTIONS, TERNARY, TernaryCase
from descend import reference

CASES = [pytest.param(c, id=c.name) for c in TERNARY]


def var_shapes(shape: tuple[int, ...]) -> list[tuple[int, ...] | None]:
    """The shapes torch takes for var: the input's, without the last axis, a size-1 axis, or
    a Python float (None)."""
    out: list[tuple[int, ...] | None] = [shape, None]
    if shape:
        out += [shape[:-1], (*shape[:-1], 1)]
    return out


def draw_var(rng: np.random.Generator, shape: tuple[int, ...] | None, dtype: type) -> Any:
    if shape is None:
        return float(rng.uniform(0.1, 3.0))
    # Some variances below every eps tried, to exercise the clamp and its gradient.
    v = np.where(rng.random(shape) < 0.2, 1e-8, rng.uniform(0.1, 3.0, shape))
    return v.astype(dtype)


@pytest.mark.parametrize("case", CASES)
@given(data=st.data())
def test_matches_reference(case: TernaryCase, data: st.DataObject) -> None:
    shape = data.draw(st.lists(st.integers(0, 6), max_size=3).map(tuple), "shape")
    dtype = data.draw(st.sampled_from(DTYPES), "dtype")
    reduction = data.draw(st.sampled_from(REDUCTIONS), "reduction")
    params = data.draw(st.sampled_from([{}, *case.params]), "params")
    var_shape = data.draw(st.sampled_from(var_shapes(shape)), "var shape")
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), "seed"))
    x = (rng.standard_normal(shape) * 2).astype(dtype)
    y = (rng.standard_normal(shape) * 2).astype(dtype)
    var = draw_var(rng, var_shape, dtype)
    u = rng.standard_normal(shape).astype(dtype) if reduction == "none" else None
    f, ref = getattr(ds, case.name), getattr(reference, case.name)

    x64, y64 = x.astype(np.float64), y.astype(np.float64)
    v64 = var if isinstance(var, float) else var.astype(np.float64)
    u64 = None if u is None else u.astype(np.float64)
    want = ref(x64, y64, v64, reduction=reduction, **params)
    want_dx, want_dv = ref.grad(x64, y64, v64, reduction=reduction, upstream=u64, **params)
    value = f(x, y, var, reduction=reduction, **params)
    dx, dv = f.grad(x, y, var, reduction=reduction, upstream=u, **params)

    rtol = case.rtol32 if dtype == np.float32 else case.rtol64
    # Terms: ½·|log v| and ½·d²/v per element (clamped v); the gradients' own size otherwise.
    v = np.maximum(
        np.broadcast_to(
            np.expand_dims(v64, -1) if np.shape(v64) == shape[:-1] and len(shape) else v64, shape
        ),
        params.get("eps", 1e-6),
    )
    terms = 0.5 * (np.abs(np.log(v)) + (x64 - y64) ** 2 / v) + 1.0
    scale = {"none": terms, "sum": np.sum(terms), "mean": np.mean(terms) if terms.size else 0.0}
    assert_close(value, want, rtol * (np.abs(want) + scale[reduction]), "value")
    assert_close(dx, want_dx, rtol * (np.abs(want_dx) + 1e-30), "d_input")
    # ½·(1/v − d²/v²) cancels where d² ≈ v: d_var's error is relative to ½·(1/v + d²/v²),
    # times the reduction's coefficient, summed the way var was broadcast.
    coef = {
        "none": np.abs(u64) if u64 is not None else 1.0,
        "sum": 1.0,
        "mean": 1.0 / max(x.size, 1),
    }[reduction]
    spread = coef * 0.5 * (1.0 / v + (x64 - y64) ** 2 / (v * v))
    if var_shape is None:
        spread = np.sum(spread)
    elif var_shape != shape:
        spread = np.sum(spread, axis=-1).reshape(var_shape)
    assert_close(dv, want_dv, 4 * rtol * (spread + np.abs(want_dv) + 1e-30), "d_var")
    assert np.shape(dv) == np.shape(var) and dx.shape == shape and dx.dtype == dtype

    fused_value, (fused_dx, fused_dv) = f.value_and_grad(
        x, y, var, reduction=reduction, upstream=u, **params
    )
    np.testing.assert_array_equal(np.asarray(fused_value), np.asarray(value), strict=True)
    np.testing.assert_array_equal(fused_dx, dx, strict=True)
    np.testing.assert_array_equal(fused_dv, dv, strict=True)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("params", [{}, {"full": True}])
def test_finite_differences(case: TernaryCase, reduction: str, params: dict[str, Any]) -> None:
    rng = np.random.default_rng(9)
    x, y = rng.standard_normal((2, 3, 4))
    var = rng.uniform(0.5, 2.0, (3, 1))
    u = rng.standard_normal((3, 4)) if reduction == "none" else None
    f = getattr(ds, case.name)

    def total(v: Any) -> float:
        return float(np.sum(v * u)) if u is not None else float(v)

    kw: dict[str, Any] = {"reduction": reduction, **params}
    ds.gradcheck(
        lambda z: total(f(z, y, var, **kw)), lambda z: f.grad(z, y, var, upstream=u, **kw)[0], x
    )
    ds.gradcheck(
        lambda z: total(f(x, y, z, **kw)), lambda z: f.grad(x, y, z, upstream=u, **kw)[1], var
    )


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_negative_var_raises_and_writes_nothing(case: TernaryCase, dtype: type) -> None:
    f = getattr(ds, case.name)
    x = np.zeros((3, 50), dtype)
    var = np.ones((3, 50), dtype)
    var[-1, -1] = -1e-9
    out = np.full_like(x, 7.0)
    with pytest.raises(ValueError, match="var must be non-negative"):
        f.grad(x, x, var, out=out)
    assert np.all(out == 7.0)
    var[-1, -1] = np.nan  # passes, as in torch, and propagates
    assert np.isnan(f(x, x, var))


@pytest.mark.parametrize("case", CASES)
def test_arguments(case: TernaryCase) -> None:
    f = getattr(ds, case.name)
    x = np.zeros((2, 3))
    with pytest.raises(TypeError, match="3 positional arguments"):
        f(x, x)
    with pytest.raises(TypeError, match="weight"):
        f(x, x, np.ones(2), weight=np.ones((2, 3)))
    with pytest.raises(ValueError, match="does not broadcast"):
        f(x, x, np.ones(4))
    for bad in case.bad_params:
        with pytest.raises(ValueError):
            f(x, x, np.ones(2), **bad)
    out = np.empty((2, 3))
    value, (dx, dv) = f.value_and_grad(x, x + 1.0, np.full((2, 1), 2.0), out=out)
    assert dx is out and dv.shape == (2, 1)
    assert value == pytest.approx(0.5 * (np.log(2.0) + 0.5))
