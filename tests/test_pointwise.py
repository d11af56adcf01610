"""Every pointwise loss against the numpy oracle, generated from ``cases.POINTWISE``."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import descend as ds
from _support import assert_close, expected, loss, oracle, unaligned
from cases import (
    DTYPES,
    POINTWISE,
    REDUCTIONS,
    PointwiseCase,
    draw_aux,
    draw_inputs,
    option_sets,
)

CASES = [pytest.param(c, id=c.name) for c in POINTWISE]
CHUNK = ds._core.chunk_size()

# Lengths around every SIMD width (4, 8, 16 lanes), the 8-lane accumulator blocks and the
# chunk boundary, plus empty and one element.
EDGE_LENGTHS = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 65, CHUNK - 1, CHUNK, CHUNK + 1]
shapes = st.one_of(
    st.sampled_from(EDGE_LENGTHS).map(lambda n: (n,)),
    st.lists(st.integers(0, 9), min_size=0, max_size=3).map(tuple),
    st.tuples(st.integers(1, 40), st.integers(1, 300)),
)


def options(case: PointwiseCase) -> st.SearchStrategy[dict[str, Any]]:
    return st.sampled_from(option_sets(case))


@pytest.mark.parametrize("case", CASES)
@given(data=st.data())
def test_matches_reference(case: PointwiseCase, data: st.DataObject) -> None:
    shape = data.draw(shapes, "shape")
    dtype = data.draw(st.sampled_from(DTYPES), "dtype")
    reduction = data.draw(st.sampled_from(REDUCTIONS + case.extra_reductions), "reduction")
    params = data.draw(options(case), "params")
    weighted = case.weighted and data.draw(st.booleans(), "weighted")
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), "seed"))
    x, y = (a.astype(dtype) for a in draw_inputs(case, params, rng, shape))
    if data.draw(st.booleans(), "with third array"):
        params = {**params, **{k: v.astype(dtype) for k, v in draw_aux(case, rng, shape).items()}}
    w = rng.uniform(0.0, 2.0, shape).astype(dtype) if weighted else None
    u = rng.standard_normal(shape).astype(dtype) if reduction == "none" else None
    f = loss(case)

    value, grad, value_tol, grad_tol = expected(case, x, y, dtype, params, reduction, w, u)
    got_value = f(x, y, reduction=reduction, weight=w, **params)
    got_grad = f.grad(x, y, reduction=reduction, weight=w, upstream=u, **params)
    assert_close(got_value, value, value_tol, "value")
    assert_close(got_grad, grad, grad_tol, "grad")
    assert got_grad.dtype == dtype and got_grad.shape == shape
    if reduction == "none":
        assert got_value.dtype == dtype and got_value.shape == shape
    else:
        assert type(got_value) is float

    # One pass, bitwise the separate calls.
    fused_value, fused_grad = f.value_and_grad(
        x, y, reduction=reduction, weight=w, upstream=u, **params
    )
    np.testing.assert_array_equal(np.asarray(fused_value), np.asarray(got_value), strict=True)
    np.testing.assert_array_equal(fused_grad, got_grad, strict=True)


FD_CASES = [pytest.param(c, p, id=f"{c.name}-{p}") for c in POINTWISE for p in option_sets(c)]


@pytest.mark.parametrize(("case", "params"), FD_CASES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_finite_differences(case: PointwiseCase, params: dict[str, Any], reduction: str) -> None:
    rng = np.random.default_rng(7)
    x, y = draw_inputs(case, params, rng, (4, 5))
    if case.fd_input is not None:
        x = case.fd_input(rng, x.shape)
    params = {**params, **draw_aux(case, rng, x.shape)}
    w = rng.uniform(0.5, 2.0, x.shape) if case.weighted else None
    u = rng.standard_normal(x.shape) if reduction == "none" else None
    f = loss(case)

    def value(z: Any) -> float:
        v = f(z, y, reduction=reduction, weight=w, **params)
        return float(np.sum(v * u)) if u is not None else float(v)

    def grad(z: Any) -> Any:
        return f.grad(z, y, reduction=reduction, weight=w, upstream=u, **params)

    # Kinks (l1, huber, quantile at d = 0 or |d| = delta) are measure-zero for these draws.
    assert ds.gradcheck(value, grad, x, eps=case.fd_eps, atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_edge_values(case: PointwiseCase, dtype: type) -> None:
    """0, ±inf, nan, huge and tiny values give what the oracle (torch's semantics) gives."""
    specials = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e30, -1e30, 1e-30, -1e-30, 1.0, -2.5]
    if case.edges is not None:
        specials = list(case.edges)
    elif not case.any_input:
        specials = [v for v in specials if np.isnan(v) or (-50 < v < 50)]
    grid_x, grid_y = np.meshgrid(np.array(specials), np.array(specials))
    for params in option_sets(case):
        x, y = grid_x.astype(dtype), grid_y.astype(dtype)
        if params.get("log_input", True) is False:
            x = np.abs(x)
        f, ref = loss(case), oracle(case)
        with np.errstate(all="ignore"):
            want_v = ref(x.astype(np.float64), y.astype(np.float64), reduction="none", **params)
            want_g = ref.grad(
                x.astype(np.float64), y.astype(np.float64), reduction="none", **params
            )
        got_v, got_g = f.value_and_grad(x, y, reduction="none", **params)
        rtol = case.rtol32 if dtype == np.float32 else case.rtol64
        with np.errstate(all="ignore"):
            want_v, want_g = want_v.astype(dtype), want_g.astype(dtype)  # f32 overflow → inf
            scale = np.abs(case.scale(x.astype(np.float64), y.astype(np.float64), params))
        assert_close(got_v, want_v, rtol * (np.abs(want_v) + scale), f"value {params}")
        assert_close(got_g, want_g, rtol * (np.abs(want_g) + scale), f"grad {params}")


@pytest.mark.parametrize("case", CASES)
def test_layouts(case: PointwiseCase) -> None:
    """Non-contiguous, negative-stride, Fortran and read-only inputs give the contiguous result."""
    rng = np.random.default_rng(3)
    base_x, base_y = (a.astype(np.float32) for a in draw_inputs(case, {}, rng, (40, 60)))
    f = loss(case)
    want_v, want_g = f.value_and_grad(
        base_x[::2, ::-3].copy(), base_y[::2, ::-3].copy(), reduction="none"
    )
    got_v, got_g = f.value_and_grad(base_x[::2, ::-3], base_y[::2, ::-3], reduction="none")
    np.testing.assert_array_equal(got_v, want_v)
    np.testing.assert_array_equal(got_g, want_g)
    fortran_x, fortran_y = np.asfortranarray(base_x), np.asfortranarray(base_y)
    want = f.grad(base_x, base_y)
    np.testing.assert_array_equal(f.grad(fortran_x, fortran_y), want)
    # Unaligned memory (numpy allows it): inputs read through copies, out= through a buffer.
    np.testing.assert_array_equal(f.grad(unaligned(base_x), unaligned(base_y, packed=True)), want)
    assert f(unaligned(base_x, packed=True), base_y) == f(base_x, base_y)
    out = unaligned(np.zeros_like(base_x))
    assert f.grad(base_x, base_y, out=out) is out
    np.testing.assert_array_equal(out, want)
    base_x.flags.writeable = False
    assert f(base_x, base_y) == f(base_x.copy(), base_y)
    assert f(base_x.tolist(), base_y) == f(base_x.astype(np.float64), base_y)


@pytest.mark.parametrize("case", CASES)
def test_out(case: PointwiseCase) -> None:
    rng = np.random.default_rng(4)
    x, y = draw_inputs(case, {}, rng, (3, 70))
    f = loss(case)
    buf = np.full_like(x, np.nan)
    value, grad = f.value_and_grad(x, y, out=buf)
    assert grad is buf
    np.testing.assert_array_equal(buf, f.grad(x, y))
    assert value == f(x, y)
    elementwise = np.empty_like(x)
    assert f(x, y, reduction="none", out=elementwise) is elementwise
    np.testing.assert_array_equal(elementwise, f(x, y, reduction="none"))
    # A non-contiguous out= is filled through a staging buffer.
    wide = np.zeros((3, 140))
    assert f.grad(x, y, out=wide[:, ::2]) is not None
    np.testing.assert_array_equal(wide[:, ::2], f.grad(x, y))
    assert np.all(wide[:, 1::2] == 0)


@pytest.mark.parametrize("case", CASES)
def test_bad_params_raise_and_write_nothing(case: PointwiseCase) -> None:
    x, y = draw_inputs(case, {}, np.random.default_rng(5), (10,))
    out = np.full_like(x, 7.0)
    f = loss(case)
    for bad in case.bad_params:
        name = next(iter(bad))
        with pytest.raises(ValueError, match=name):
            f.grad(x, y, out=out, **bad)
        with pytest.raises(ValueError, match=name):
            oracle(case)(x, y, **bad)
        assert np.all(out == 7.0)


@pytest.mark.parametrize("case", [c for c in CASES if c.values[0].outside])
@pytest.mark.parametrize("dtype", DTYPES)
def test_outside_the_domain_raises_and_writes_nothing(case: PointwiseCase, dtype: type) -> None:
    f = loss(case)
    rng = np.random.default_rng(8)
    for bad_x, bad_y in case.outside:
        x, y = (a.astype(dtype) for a in draw_inputs(case, {}, rng, (3, 50)))
        x[-1, -1], y[-1, -1] = bad_x, bad_y  # the very last element: found before any write
        out = np.full_like(x, 7.0)
        with pytest.raises(ValueError, match="must lie in"):
            f.grad(x, y, out=out)
        with pytest.raises(ValueError):
            oracle(case)(x, y)
        assert np.all(out == 7.0)


@pytest.mark.parametrize("case", CASES)
def test_pickle_and_deepcopy(case: PointwiseCase) -> None:
    f = loss(case)
    assert pickle.loads(pickle.dumps(f)) is f
    assert copy.deepcopy(f) is f
    ref = oracle(case)
    x, y = draw_inputs(case, {}, np.random.default_rng(6), (5,))
    assert pickle.loads(pickle.dumps(ref))(x, y) == ref(x, y)


def test_empty_inputs_follow_torch() -> None:
    x = np.empty((0, 3), np.float32)
    assert np.isnan(ds.mse_loss(x, x))
    assert ds.mse_loss(x, x, reduction="sum") == 0.0
    assert ds.mse_loss.grad(x, x).shape == (0, 3)
