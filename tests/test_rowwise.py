"""Every row-wise loss against the numpy oracle, generated from ``cases.ROWWISE``."""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import descend as ds
from _support import assert_close, unaligned
from cases import DTYPES, REDUCTIONS, ROWWISE, RowwiseCase
from descend import reference

CASES = [pytest.param(c, id=c.name) for c in ROWWISE]
DENSE = [pytest.param(c, id=c.name) for c in ROWWISE if c.targets != "labels"]
LABELLED = [pytest.param(c, id=c.name) for c in ROWWISE if c.targets != "dense"]
IGNORING = [pytest.param(c, id=c.name) for c in ROWWISE if c.ignores]
CHUNK = ds._core.chunk_size()

flat_shapes = st.one_of(
    st.integers(1, 9).map(lambda c: (c,)),
    st.tuples(st.integers(0, 40), st.sampled_from([1, 2, 3, 8, 16, 17, 100])),
)
shapes = st.one_of(
    flat_shapes,
    st.tuples(st.integers(0, 4), st.integers(1, 6), st.integers(1, 5)),
    st.tuples(st.integers(1, 3), st.integers(1, 5), st.integers(1, 3), st.integers(1, 3)),
)


def loss(case: RowwiseCase) -> Any:
    return getattr(ds, case.name)


def oracle(case: RowwiseCase) -> Any:
    return getattr(reference, case.name)


def loss_shape(shape: tuple[int, ...]) -> tuple[int, ...]:
    return shape[:1] + shape[2:] if len(shape) > 1 else ()


def per_row(a: np.ndarray, ndim: int) -> np.ndarray:
    """Broadcast a per-row array (the loss's shape) against the input's class axis."""
    return np.expand_dims(a, 1) if ndim > 1 else a


@dataclass
class Problem:
    x: np.ndarray
    target: np.ndarray
    weight: np.ndarray | None
    upstream: np.ndarray | None
    kwargs: dict[str, Any]


def draw(
    case: RowwiseCase,
    rng: np.random.Generator,
    shape: tuple[int, ...],
    dtype: type,
    *,
    dense: bool,
    label_dtype: type = np.int64,
    weighted: bool = False,
    reduction: str = "mean",
    params: dict[str, Any] | None = None,
) -> Problem:
    params = dict(params or {})
    classes = shape[1] if len(shape) > 1 else shape[0]
    rows = loss_shape(shape)
    x = case.input(rng, shape).astype(dtype)
    if case.targets == "dense":  # a 0/1 per class
        target = (rng.random(shape) < 0.5).astype(dtype)
    elif dense and case.targets == "both":  # class probabilities
        t = rng.dirichlet(np.ones(classes), size=rows)
        target = np.moveaxis(t, -1, 1) if len(shape) > 1 else t
        target = target.astype(dtype)
        params.pop("ignore_index", None)
    else:
        labels = rng.integers(0, classes, rows)
        if case.ignores:
            ignored = rng.random(rows) < 0.2
            labels = np.where(ignored, params.get("ignore_index", -100), labels)
        target = np.asarray(labels, dtype=label_dtype)
    weight = rng.uniform(0.1, 2.0, classes).astype(dtype) if weighted else None
    upstream = rng.standard_normal(rows).astype(dtype) if reduction == "none" else None
    return Problem(x, target, weight, upstream, {"reduction": reduction, **params})


def expected(case: RowwiseCase, p: Problem) -> tuple[Any, Any, Any, Any]:
    """(value, grad, value tolerance, grad tolerance) from the f64 oracle on the same inputs.

    Errors scale with each row, not with the result (see ``RowwiseCase``): a row's scale is
    |x|max + log C + 1 times its largest weight, and its coefficient d(result)/d(row loss).
    """
    x = p.x.astype(np.float64)
    t = p.target if p.target.dtype.kind in "iu" else p.target.astype(np.float64)
    w = None if p.weight is None else p.weight.astype(np.float64)
    u = None if p.upstream is None else p.upstream.astype(np.float64)
    ref = oracle(case)
    value = ref(x, t, weight=w, **p.kwargs)
    grad = ref.grad(x, t, weight=w, upstream=u, **p.kwargs)
    rtol = case.rtol32 if p.x.dtype == np.float32 else case.rtol64
    classes = x.shape[1] if x.ndim > 1 else x.shape[0]
    axis = 1 if x.ndim > 1 else 0
    # Specials are compared exactly (assert_close), so they take no part in the scale.
    finite = np.where(np.isfinite(x), np.abs(x), 0.0)
    magnitude = np.max(finite, axis=axis, initial=0.0)
    scale = (magnitude + np.log(max(classes, 1)) + 1.0) * (1.0 if w is None else w.max())
    reduction = p.kwargs["reduction"]
    if reduction == "none":
        coef = np.abs(u) if u is not None else np.ones_like(scale)
        value_slack = scale
    elif reduction == "sum":
        coef = np.ones_like(scale)
        value_slack = np.sum(scale)
    else:
        kept = np.ones(loss_shape(x.shape), bool)
        labelled = t.dtype.kind in "iu"
        if labelled and case.ignores:
            kept = t != p.kwargs.get("ignore_index", -100)
        by_weight = labelled and w is not None and case.label_mean == "weights"
        den = np.sum(w[t[kept]]) if by_weight else np.sum(kept)
        coef = np.full(scale.shape, 1.0 / max(den, 1e-300))
        value_slack = np.max(scale, initial=0.0)
    value_tol = rtol * (np.abs(value) + value_slack)
    grad_tol = rtol * (np.abs(grad) + per_row(coef * scale, x.ndim))
    return value, grad, value_tol, grad_tol


def call_all(case: RowwiseCase, p: Problem) -> tuple[Any, Any, Any]:
    f = loss(case)
    kw = {"weight": p.weight, **p.kwargs}
    value = f(p.x, p.target, **kw)
    grad = f.grad(p.x, p.target, upstream=p.upstream, **kw)
    fused = f.value_and_grad(p.x, p.target, upstream=p.upstream, **kw)
    return value, grad, fused


def check(case: RowwiseCase, p: Problem) -> None:
    value, grad, (fused_value, fused_grad) = call_all(case, p)
    want_value, want_grad, value_tol, grad_tol = expected(case, p)
    assert_close(value, want_value, value_tol, "value")
    assert_close(grad, want_grad, grad_tol, "grad")
    assert grad.dtype == p.x.dtype and grad.shape == p.x.shape
    if p.kwargs["reduction"] == "none":
        assert value.dtype == p.x.dtype and value.shape == loss_shape(p.x.shape)
    else:
        assert type(value) is float
    np.testing.assert_array_equal(np.asarray(fused_value), np.asarray(value), strict=True)
    np.testing.assert_array_equal(fused_grad, grad, strict=True)


@pytest.mark.parametrize("case", CASES)
@given(data=st.data())
def test_matches_reference(case: RowwiseCase, data: st.DataObject) -> None:
    shape = data.draw(shapes if case.kdim else flat_shapes, "shape")
    dense = data.draw(st.booleans(), "dense")
    problem = draw(
        case,
        np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), "seed")),
        shape,
        data.draw(st.sampled_from(DTYPES), "dtype"),
        dense=dense,
        label_dtype=data.draw(st.sampled_from([np.int32, np.int64]), "label dtype"),
        weighted=data.draw(st.booleans(), "weighted"),
        reduction=data.draw(st.sampled_from(REDUCTIONS), "reduction"),
        params=data.draw(st.sampled_from([{}, *case.params]), "params"),
    )
    check(case, problem)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("params", [{}, {"label_smoothing": 0.3}], ids=["plain", "smoothed"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(4, 5), (3, 4, 2)], ids=["2d", "3d"])
def test_finite_differences(
    case: RowwiseCase, params: dict[str, Any], reduction: str, shape: tuple[int, ...]
) -> None:
    if len(shape) > 2 and not case.kdim:
        pytest.skip("(C,) and (N, C) only")
    f = loss(case)
    params = {k: v for k, v in params.items() if k in f.params}
    p = draw(
        case,
        np.random.default_rng(3),
        shape,
        np.float64,
        dense=False,
        weighted=True,
        reduction=reduction,
        params=params,
    )
    kw = {"weight": p.weight, **p.kwargs}
    u = p.upstream

    def value(z: Any) -> float:
        v = f(z, p.target, **kw)
        return float(np.sum(v * u)) if u is not None else float(v)

    ds.gradcheck(value, lambda z: f.grad(z, p.target, upstream=u, **kw), p.x, atol=1e-7)


@pytest.mark.parametrize("case", DENSE)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_finite_differences_with_probabilities(case: RowwiseCase, reduction: str) -> None:
    f = loss(case)
    p = draw(
        case,
        np.random.default_rng(5),
        (3, 6),
        np.float64,
        dense=True,
        weighted=True,
        reduction=reduction,
        params={"label_smoothing": 0.2} if "label_smoothing" in f.params else {},
    )
    kw = {"weight": p.weight, **p.kwargs}
    u = p.upstream

    def value(z: Any) -> float:
        v = f(z, p.target, **kw)
        return float(np.sum(v * u)) if u is not None else float(v)

    ds.gradcheck(value, lambda z: f.grad(z, p.target, upstream=u, **kw), p.x, atol=1e-7)


EDGE_LOGITS = [1e4, -1e4, np.inf, -np.inf, np.nan, 0.0, 1e-300, -3e38]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_edge_logits(case: RowwiseCase, dtype: type, reduction: str) -> None:
    """One special value per row, at the label and away from it; NaN and inf as torch."""
    classes = 4
    rows = []
    for v in EDGE_LOGITS:
        for at in (0, 2):
            row = np.array([0.5, -1.0, 2.0, 0.0])
            row[at] = v
            rows.append(row)
    x = np.array(rows).astype(dtype)
    labels = np.zeros(len(rows), np.int64)
    if case.targets == "dense":
        labels = (np.arange(x.size).reshape(x.shape) % 3 == 0).astype(dtype)
    p = Problem(x, labels, None, None, {"reduction": reduction})
    if reduction == "none":
        p.upstream = np.ones(len(rows), dtype)
    assert x.shape[1] == classes
    check(case, p)


@pytest.mark.parametrize("case", IGNORING)
def test_all_rows_ignored(case: RowwiseCase) -> None:
    f = loss(case)
    x = np.random.default_rng(0).standard_normal((3, 4))
    t = np.full(3, -100)
    value, grad = f.value_and_grad(x, t)
    assert np.isnan(value)
    np.testing.assert_array_equal(grad, np.zeros_like(x))
    assert f(x, t, reduction="sum") == 0.0
    np.testing.assert_array_equal(f(x, t, reduction="none"), np.zeros(3))


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_empty_batch(case: RowwiseCase, reduction: str) -> None:
    f = loss(case)
    x, t = np.zeros((0, 5)), np.zeros(0, np.int64)
    if case.targets == "dense":
        t = np.zeros((0, 5))
    value, grad = f.value_and_grad(x, t, reduction=reduction)
    assert grad.shape == (0, 5)
    if reduction == "mean":
        assert np.isnan(value)
    elif reduction == "sum":
        assert value == 0.0
    else:
        assert value.shape == (0,)


@pytest.mark.parametrize("case", DENSE)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_rows_of_no_classes(case: RowwiseCase, reduction: str) -> None:
    # A row's loss is then an empty sum (0), or for a mean over the classes NaN, as torch's.
    x = np.zeros((3, 0))
    value, grad = loss(case).value_and_grad(x, x, reduction=reduction)
    assert grad.shape == (3, 0)
    np.testing.assert_array_equal(value, oracle(case)(x, x, reduction=reduction))


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("dtype", DTYPES)
# Softmax losses take rows of ≤ 16 classes a transposed panel at a time and longer rows
# row by row, dense rows go in blocks of about 1024 elements, all of them within chunks:
# 7 and 17 classes cross chunks, blocks and partial blocks. "none" gives every row its own
# upstream coefficient.
@pytest.mark.parametrize("classes", [7, 17])
@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_rows_around_the_chunk_boundary(
    case: RowwiseCase, dtype: type, classes: int, reduction: str
) -> None:
    per_chunk = CHUNK // classes
    rng = np.random.default_rng(1)
    for dense in {False, case.targets == "both"}:
        for rows in (per_chunk - 1, per_chunk, per_chunk + 1, 2 * per_chunk + 3):
            shape = (rows, classes)
            p = draw(case, rng, shape, dtype, dense=dense, weighted=True, reduction=reduction)
            check(case, p)


@pytest.mark.parametrize("case", CASES)
def test_ten_thousand_classes(case: RowwiseCase) -> None:
    p = draw(
        case,
        np.random.default_rng(2),
        (3, 10_000),
        np.float32,
        dense=False,
        weighted=True,
        reduction="sum",
    )
    check(case, p)


@pytest.mark.parametrize("case", CASES)
def test_layouts_and_out(case: RowwiseCase) -> None:
    f = loss(case)
    p = draw(case, np.random.default_rng(4), (6, 5), np.float64, dense=False)
    want_value, want_grad = f.value_and_grad(p.x, p.target)
    # Fortran order, negative strides and a label view with strides.
    assert f(np.asfortranarray(p.x), p.target) == want_value
    flipped = f.grad(p.x[::-1], p.target[::-1], reduction="sum")
    np.testing.assert_array_equal(flipped[::-1], f.grad(p.x, p.target, reduction="sum"))
    # Unaligned memory: inputs (labels too) read through copies, out= through a buffer.
    odd = unaligned(np.zeros_like(p.x))
    value, grad = f.value_and_grad(unaligned(p.x, packed=True), unaligned(p.target), out=odd)
    assert grad is odd and value == want_value
    np.testing.assert_array_equal(odd, want_grad)
    out = np.empty_like(p.x)
    value, grad = f.value_and_grad(p.x, p.target, out=out)
    assert grad is out and value == want_value
    np.testing.assert_array_equal(out, want_grad)
    strided = np.empty((6, 10))[:, ::2]
    assert f.grad(p.x, p.target, out=strided) is strided
    np.testing.assert_array_equal(strided, want_grad)
    rows = np.empty(6)
    assert f(p.x, p.target, reduction="none", out=rows) is rows
    # Plain lists and Python ints are coerced; labels stay integers.
    assert f(p.x.tolist(), p.target.tolist()) == want_value
    single = p.target[0] if case.targets == "dense" else int(max(p.target[0], 0))
    assert f(p.x[0], single, reduction="none").shape == ()
    assert pickle.loads(pickle.dumps(f)) is f


@pytest.mark.parametrize("case", LABELLED)
@pytest.mark.parametrize("label_dtype", [np.int32, np.int64])
def test_bad_label_in_the_last_row_writes_nothing(case: RowwiseCase, label_dtype: type) -> None:
    f = loss(case)
    x = np.random.default_rng(0).standard_normal((50, 4))
    t = np.zeros(50, label_dtype)
    for bad in (4, -1, -101):
        t[-1] = bad
        out = np.full_like(x, 7.0)
        with pytest.raises(IndexError, match=f"class {bad} at flat index 49"):
            f.grad(x, t, out=out)
        np.testing.assert_array_equal(out, np.full_like(x, 7.0))


@pytest.mark.parametrize("case", CASES)
def test_bad_arguments(case: RowwiseCase) -> None:
    f = loss(case)
    x, t = np.zeros((3, 4)), np.array([0, 1, 2])
    if case.targets == "dense":
        with pytest.raises(TypeError, match="got integer labels"):
            f(x, t)
        t = np.zeros((3, 4))
    else:
        with pytest.raises(TypeError, match="class labels must be integers"):
            f(x, t.astype(np.float64))
        with pytest.raises(ValueError, match=r"target has shape \(2,\)"):
            f(x, t[:2])
    with pytest.raises(TypeError, match="bool"):
        f(x, t > 0)
    with pytest.raises(ValueError, match=r"weight has shape \(3,\) but one weight per class"):
        f(x, t, weight=np.ones(3))
    with pytest.raises(ValueError, match="upstream is only used with reduction='none'"):
        f.grad(x, t, upstream=np.ones(3))
    with pytest.raises(ValueError, match="0-d"):
        f(np.float64(1.0), np.int64(0))
    with pytest.raises(ValueError, match="overlap"):
        f.grad(x, t, out=x)
    with pytest.raises(ValueError, match="batchmean"):
        f(x, t, reduction="batchmean")
    if not case.kdim:
        with pytest.raises(ValueError, match=r"\(C,\) or \(N, C\)"):
            f(np.zeros((3, 4, 2)), np.zeros((3, 2), np.int64))
    for bad in case.bad_params:
        with pytest.raises(ValueError):
            f(x, t, **bad)
    if case.targets == "labels":
        with pytest.raises(TypeError, match="class labels must be integers"):
            f(x, np.full((3, 4), 0.25))
    elif case.targets == "both":
        with pytest.raises(ValueError, match="ignore_index applies to class labels"):
            f(x, np.full((3, 4), 0.25), ignore_index=0)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("big", [1e6, 1e16, 1e30])
def test_cross_entropy_of_two_large_equal_logits_is_log_2(dtype: type, big: float) -> None:
    # lse − x_y must not be formed as (max + log Σ) − x_y: that cancels to 0 (torch: ln 2).
    x = np.array([[big, big, 0.0], [0.0, big, big]], dtype)
    values = ds.cross_entropy(x, np.array([0, 2]), reduction="none")
    np.testing.assert_allclose(values, [np.log(2), np.log(2)], rtol=1e-7)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("big", [1e6, 1e16, 1e30])
def test_cross_entropy_smoothed_or_dense_over_large_equal_logits(dtype: type, big: float) -> None:
    # Every class costs ln 3. Σ w·(lse − x) must not be formed as lse·Σw − Σ w·x, which cancels
    # (to 0, or to NaN once lse·Σw overflows).
    x = np.full((2, 3), big, dtype)
    w = np.array([1.0, 2.0, 3.0], dtype)
    smoothed = ds.cross_entropy(
        x, np.array([0, 2]), weight=w, label_smoothing=0.3, reduction="none"
    )
    # (1 − ε)·w_y·ln 3 + (ε/3)·Σw·ln 3
    np.testing.assert_allclose(smoothed, [1.3 * np.log(3), 2.7 * np.log(3)], rtol=1e-6)
    probabilities = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]], dtype)
    dense = ds.cross_entropy(x, probabilities, label_smoothing=0.1, reduction="none")
    np.testing.assert_allclose(dense, [np.log(3), np.log(3)], rtol=1e-6)


def test_cross_entropy_smoothing_next_to_the_largest_float() -> None:
    # lse·C alone overflows; the loss, (ε/C)·1e308, does not (torch: 5e306).
    loss = ds.cross_entropy(np.array([[1e308, 0.0]]), np.array([0]), label_smoothing=0.1)
    assert loss == pytest.approx(5e306, rel=1e-15)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("classes", [3, 17])  # through the class-major panel, and row by row
def test_cross_entropy_infinite_weight_in_the_smoothing_term_is_inf(
    dtype: type, classes: int
) -> None:
    # Σ w_c·(lse − x_c) class by class, as torch: inf·(positive) is inf. Formed as ln Σ·Σw −
    # Σ w·(x − max) it met 0·∞ (the inf-weight class at the max, or ln Σ rounding to 0): NaN.
    w = np.ones(classes, dtype)
    w[0] = np.inf
    at_max = np.zeros((1, classes), dtype)
    at_max[0, 1:] = -np.arange(1, classes)
    dominant = np.zeros((1, classes), dtype)
    dominant[0, 1:] = -1000.0
    for x, weight in ((at_max, w), (dominant, w[::-1].copy())):
        smoothed = ds.cross_entropy(x, np.array([1]), weight=weight, label_smoothing=0.1)
        assert smoothed == np.inf
    probabilities = np.zeros((1, classes), dtype)
    probabilities[0, 0] = 1.0
    assert ds.cross_entropy(at_max, probabilities, weight=w, reduction="sum") == np.inf


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_cross_entropy_mean_over_zero_weight_is_nan(smoothing: float) -> None:
    # Kept rows whose weights sum to 0: torch's mean is 0/0, NaN, smoothing or not.
    x = np.array([[0.0, 1.0, 2.0]])
    w = np.array([0.0, 1.0, 1.0])
    loss = ds.cross_entropy(x, np.array([0]), weight=w, label_smoothing=smoothing)
    want = ds.reference.cross_entropy(x, np.array([0]), weight=w, label_smoothing=smoothing)
    assert np.isnan(loss) and np.isnan(want)


@pytest.mark.parametrize("classes", [3, 20])  # through the class-major panel, and row by row
def test_cross_entropy_infinite_weight_of_an_untargeted_class(classes: int) -> None:
    # Without smoothing a class's weight enters only as w_y, as in torch: an infinite weight on
    # a class no row targets leaves value and gradient finite.
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, classes))
    y = rng.integers(1, classes, 4)
    w = np.ones(classes)
    inf_weight = w.copy()
    inf_weight[0] = np.inf
    value, grad = ds.cross_entropy.value_and_grad(x, y, weight=inf_weight, reduction="sum")
    want_value, want_grad = ds.cross_entropy.value_and_grad(x, y, weight=w, reduction="sum")
    assert value == want_value
    np.testing.assert_array_equal(grad, want_grad)


def test_multi_margin_squared_gradient_near_the_largest_float() -> None:
    # 2·z/C is formed as z/C + z/C: 2·z alone would overflow (torch: finite).
    x = np.array([[0.0, 0.0, 1e308]])
    grad = ds.multi_margin_loss.grad(x, np.array([0]), p=2, reduction="sum")
    np.testing.assert_allclose(grad, [[-1e308 / 3 * 2, 2 / 3, 1e308 / 3 * 2]], rtol=1e-15)
