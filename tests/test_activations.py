"""Every activation against the numpy oracle, generated from ``cases.ACTIVATIONS``."""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_threads import run_on_threads

import descend as ds
from _support import assert_close, unaligned
from cases import ACTIVATIONS, DTYPES, ORACLE_EPS, ActivationCase
from descend import reference

CASES = [pytest.param(c, id=c.name) for c in ACTIVATIONS]
ELEMENTWISE = [pytest.param(c, id=c.name) for c in ACTIVATIONS if not c.dim]
ALONG_DIM = [pytest.param(c, id=c.name) for c in ACTIVATIONS if c.dim]
CHUNK = ds._core.chunk_size()
EDGES = [0.0, -0.0, 1.0, -1.0, 20.0, -20.0, 40.0, -40.0, np.inf, -np.inf, np.nan]
EDGES += [1e30, -1e30, 3e38, -3e38, 1e-300, -1e-300, 1e300, -1e300, 700.0, -700.0]

shapes = st.one_of(
    st.just(()),
    st.tuples(st.integers(0, 70)),
    st.tuples(st.integers(0, 5), st.integers(1, 17)),
    st.tuples(st.integers(1, 3), st.integers(0, 4), st.integers(1, 6)),
)


def act(case: ActivationCase) -> Any:
    return getattr(ds, case.name)


def oracle(case: ActivationCase) -> Any:
    return getattr(reference, case.name)


def option_sets(case: ActivationCase) -> list[dict[str, Any]]:
    return [{}, *case.params]


def expected(
    case: ActivationCase, x: np.ndarray, u: np.ndarray | None, params: dict[str, Any]
) -> tuple[Any, Any, Any, Any]:
    """(value, grad, value tolerance, grad tolerance) from the f64 oracle on the same inputs."""
    x64 = x.astype(np.float64)
    u64 = np.ones_like(x64) if u is None else u.astype(np.float64)
    ref = oracle(case)
    value = ref(x64, **params)
    grad = ref.grad(x64, u64, **params)
    rtol = case.rtol32 if x.dtype == np.float32 else case.rtol64
    with np.errstate(all="ignore"):
        v_scale, g_scale = case.scale(x64, u64, params)
        v_oracle, g_oracle = case.oracle(x64, u64, params)
        value_tol = rtol * (np.abs(value) + v_scale) + ORACLE_EPS * np.asarray(v_oracle)
        grad_tol = rtol * (np.abs(grad) + g_scale) + ORACLE_EPS * np.asarray(g_oracle)
    # Below the dtype's normal range results are subnormal or 0 (softmax flushes such terms):
    # absolute error up to its tiny, in the gradient times the upstream (softmax's u − Σu·p).
    tiny = np.finfo(x.dtype).tiny
    value_tol = value_tol + tiny
    grad_tol = grad_tol + tiny * (1.0 + 2.0 * np.max(np.abs(u64[np.isfinite(u64)]), initial=0.0))
    # Where a scale is not finite (inf inputs), the exact comparison of specials decides.
    value_tol = np.where(np.isfinite(value_tol), value_tol, 0.0)
    grad_tol = np.where(np.isfinite(grad_tol), grad_tol, 0.0)
    return value, grad, value_tol, grad_tol


def check(
    case: ActivationCase, x: np.ndarray, u: np.ndarray | None, params: dict[str, Any]
) -> None:
    f = act(case)
    value = f(x, **params)
    grad = f.grad(x, u, **params)
    fused_value, fused_grad = f.value_and_grad(x, u, **params)
    want_value, want_grad, value_tol, grad_tol = expected(case, x, u, params)
    assert_close(value, want_value, value_tol, "value")
    assert_close(grad, want_grad, grad_tol, "grad")
    for got in (value, grad):
        assert got.dtype == x.dtype and got.shape == x.shape
    np.testing.assert_array_equal(fused_value, value, strict=True)
    np.testing.assert_array_equal(fused_grad, grad, strict=True)


def upstream_for(
    case: ActivationCase, rng: np.random.Generator, x: np.ndarray, given_: bool
) -> np.ndarray | None:
    if case.dim or given_:
        return rng.standard_normal(x.shape).astype(x.dtype)
    return None


@pytest.mark.parametrize("case", CASES)
@given(data=st.data())
def test_matches_reference(case: ActivationCase, data: st.DataObject) -> None:
    shape = data.draw(shapes, "shape")
    dtype = data.draw(st.sampled_from(DTYPES), "dtype")
    params = dict(data.draw(st.sampled_from(option_sets(case)), "params"))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), "seed"))
    scale = data.draw(st.sampled_from([1.0, 3.0, 30.0]), "scale")
    x = (rng.standard_normal(shape) * scale).astype(dtype)
    if case.dim:
        params["dim"] = data.draw(st.integers(-max(len(shape), 1), max(len(shape), 1) - 1), "dim")
    u = upstream_for(case, rng, x, data.draw(st.booleans(), "upstream"))
    check(case, x, u, params)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_edge_values(case: ActivationCase, dtype: type) -> None:
    with np.errstate(over="ignore"):
        edges = np.array(EDGES).astype(dtype)
    rng = np.random.default_rng(0)
    for params in option_sets(case):
        if case.dim:
            # One special value per row of otherwise ordinary numbers, and rows of two edges.
            rows = np.tile(np.array([0.5, -1.0, 2.0], dtype), (len(edges), 1))
            rows[:, 1] = edges
            pairs = np.stack([edges, np.roll(edges, 3)], axis=1)
            for x in (rows, pairs):
                check(case, x, rng.standard_normal(x.shape).astype(dtype), params)
        else:
            check(case, edges, None, params)
            check(case, edges, rng.standard_normal(edges.shape).astype(dtype), params)


@pytest.mark.parametrize("case", ELEMENTWISE)
@pytest.mark.parametrize("params_index", [0, 1])
def test_finite_differences(case: ActivationCase, params_index: int) -> None:
    params = option_sets(case)[min(params_index, len(case.params))]
    f = act(case)
    # Away from kinks (relu family at 0): |x| ≥ 0.1.
    x = np.random.default_rng(3).uniform(0.1, 4.0, 40) * np.resize([1.0, -1.0], 40)
    u = np.random.default_rng(4).standard_normal(40)
    ds.gradcheck(
        lambda z: float(np.sum(f(z, **params) * u)),
        lambda z: f.grad(z, u, **params),
        x,
        atol=1e-7,
    )


@pytest.mark.parametrize("case", ALONG_DIM)
@pytest.mark.parametrize("dim", [0, 1, 2, -1, -2, -3])
def test_finite_differences_along_every_dim(case: ActivationCase, dim: int) -> None:
    f = act(case)
    rng = np.random.default_rng(5)
    x = rng.standard_normal((3, 4, 5)) * 2.0
    u = rng.standard_normal(x.shape)
    ds.gradcheck(
        lambda z: float(np.sum(f(z, dim=dim) * u)),
        lambda z: f.grad(z, u, dim=dim),
        x,
        atol=1e-7,
    )
    # Every dim of a 3-d array, against the reference, both dtypes.
    for dtype in DTYPES:
        check(case, x.astype(dtype), u.astype(dtype), {"dim": dim})


@pytest.mark.parametrize("case", CASES)
def test_empty_and_zero_d(case: ActivationCase) -> None:
    f = act(case)
    for shape in [(0,), (3, 0), (0, 4), (2, 0, 3)]:
        x = np.zeros(shape, np.float32)
        value, grad = f.value_and_grad(x, np.zeros_like(x))
        assert value.shape == grad.shape == shape and value.dtype == np.float32
    x0 = np.float64(0.7)
    u0 = np.float64(2.0)
    check(case, np.asarray(x0), np.asarray(u0), {})
    assert f(0.7).shape == ()


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_lengths_around_the_chunk_boundary(case: ActivationCase, dtype: type) -> None:
    rng = np.random.default_rng(1)
    for n in (CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 3):
        x = (rng.standard_normal(n) * 3.0).astype(dtype)
        if case.dim:
            # Rows of 7: the last chunk of rows is ragged; and one row longer than a chunk.
            rows = x[: n - n % 7].reshape(-1, 7)
            check(case, rows, rng.standard_normal(rows.shape).astype(dtype), {})
            check(case, x[None, :], rng.standard_normal((1, n)).astype(dtype), {})
        else:
            check(case, x, None, {})
            # The tail goes through the same formula: a prefix gives the same bits.
            np.testing.assert_array_equal(act(case)(x[: n - 5]), act(case)(x)[: n - 5])


@pytest.mark.parametrize("case", CASES)
def test_out_and_layouts(case: ActivationCase) -> None:
    f = act(case)
    rng = np.random.default_rng(6)
    x = rng.standard_normal((6, 5))
    u = rng.standard_normal((6, 5))
    want_value, want_grad = f.value_and_grad(x, u)
    out = np.empty_like(x)
    assert f(x, out=out) is out
    np.testing.assert_array_equal(out, want_value)
    value, grad = f.value_and_grad(x, u, out=out)
    assert grad is out
    np.testing.assert_array_equal(out, want_grad)
    np.testing.assert_array_equal(value, want_value)
    strided = np.empty((6, 10))[:, ::2]
    assert f.grad(x, u, out=strided) is strided
    np.testing.assert_array_equal(strided, want_grad)
    # Unaligned memory: inputs read through copies, out= through a buffer.
    np.testing.assert_array_equal(f(unaligned(x, packed=True)), want_value)
    unaligned_out = unaligned(np.zeros_like(x))
    assert f.grad(unaligned(x), unaligned(u), out=unaligned_out) is unaligned_out
    np.testing.assert_array_equal(unaligned_out, want_grad)
    # Fortran order and negative strides in; lists and ints coerced.
    np.testing.assert_array_equal(f(np.asfortranarray(x)), want_value)
    np.testing.assert_array_equal(f(x[::-1])[::-1], want_value)
    np.testing.assert_array_equal(f(x.tolist()), want_value)
    assert f(np.arange(3)).dtype == np.float64
    assert f(x.astype(np.float32)).dtype == np.float32
    assert pickle.loads(pickle.dumps(f)) is f


@pytest.mark.parametrize("case", CASES)
def test_bad_arguments_write_nothing(case: ActivationCase) -> None:
    f = act(case)
    x = np.zeros(4)
    out = np.full(4, 7.0)
    with pytest.raises(ValueError, match=r"upstream has shape \(3,\) but input has shape \(4,\)"):
        f.grad(x, np.ones(3), out=out)
    with pytest.raises(ValueError, match=r"out has shape \(5,\)"):
        f(x, out=np.empty(5))
    with pytest.raises(ValueError, match="overlap"):
        f.grad(x, np.ones(4), out=x)
    with pytest.raises(TypeError, match="float16"):
        f(x.astype(np.float16))
    with pytest.raises(TypeError, match="dtype"):
        f(x, out=np.empty(4, np.float32))
    with pytest.raises(TypeError, match="unexpected keyword"):
        f(x, bogus=1.0)
    for bad in case.bad_params:
        with pytest.raises(ValueError):
            f.grad(x, np.ones(4), out=out, **bad)
    np.testing.assert_array_equal(out, np.full(4, 7.0))
    if case.dim:
        with pytest.raises(TypeError, match="needs upstream"):
            f.grad(x)
        for dim in (1, -2):
            with pytest.raises(IndexError, match="out of bounds"):
                f.grad(x, np.ones(4), dim=dim, out=out)
        with pytest.raises(TypeError):
            f(x, dim=0.5)
        np.testing.assert_array_equal(out, np.full(4, 7.0))


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_bitwise_equal_across_thread_counts(case: ActivationCase, dtype: type) -> None:
    rng = np.random.default_rng(11)
    # Above the memory-bound threshold (4M elements) with a ragged tail; rows of 1000.
    n = 300 * CHUNK + 5 if not case.dim else 4203 * 1000
    x = (rng.standard_normal(n) * 3.0).astype(dtype)
    u = rng.standard_normal(n).astype(dtype)
    if case.dim:
        x, u = x.reshape(4203, 1000), u.reshape(4203, 1000)
    f = act(case)
    runs = []
    for threads in (1, 2, 3):
        with ds.threads(threads):
            runs.append(run_on_threads(threads, lambda: f.value_and_grad(x, u)))
    (first_value, first_grad), *rest = runs
    for value, grad in rest:
        np.testing.assert_array_equal(value, first_value, strict=True)
        np.testing.assert_array_equal(grad, first_grad, strict=True)
