"""Helpers shared by the generated tests: looking rows up and comparing against the oracle."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

import descend as ds
from cases import PointwiseCase
from descend import reference
from descend._specs import family

# Losses whose weighted "mean" divides by the element count, not by Σ w: the core's own rule.
WEIGHTED_OVER_COUNT = {
    spec["name"] for spec in family("loss") if spec.get("weighted_mean") == "count"
}


def loss(case: PointwiseCase) -> ds.Loss[Any]:
    return getattr(ds, case.name)  # type: ignore[no-any-return]


def oracle(case: PointwiseCase) -> Any:
    return getattr(reference, case.name)


def reduce_like(
    case: PointwiseCase, elementwise: NDArray[Any], weight: NDArray[Any] | None, reduction: str
) -> Any:
    """Apply ``reduction`` as the loss does (used to reduce error bounds, not values)."""
    if reduction == "none":
        return elementwise
    total = np.float64(np.sum(elementwise))
    if reduction == "sum":
        return total
    count = np.sum(weight) if weight is not None and case.name not in WEIGHTED_OVER_COUNT else None
    if reduction == "batchmean":
        count = elementwise.shape[0] if elementwise.ndim else 1
    with np.errstate(invalid="ignore", divide="ignore"):  # empty: 0/0 is nan, as torch's mean
        return total / np.float64(elementwise.size if count is None else count)


def expected(
    case: PointwiseCase,
    x: NDArray[Any],
    y: NDArray[Any],
    dtype: type,
    params: dict[str, Any],
    reduction: str,
    weight: NDArray[Any] | None,
    upstream: NDArray[Any] | None = None,
) -> tuple[Any, Any, Any, Any]:
    """(value, grad, value tolerance, grad tolerance) from the f64 oracle on the same inputs."""
    x64, y64 = x.astype(np.float64), y.astype(np.float64)
    w64 = None if weight is None else weight.astype(np.float64)
    u64 = None if upstream is None else upstream.astype(np.float64)
    ref = oracle(case)
    params = {
        k: np.asarray(v, np.float64) if isinstance(v, np.ndarray) else v for k, v in params.items()
    }
    weighting = {"weight": w64} if w64 is not None else {}
    value = ref(x64, y64, reduction=reduction, **weighting, **params)
    grad = ref.grad(x64, y64, reduction=reduction, upstream=u64, **weighting, **params)
    rtol = case.rtol32 if dtype == np.float32 else case.rtol64
    w_abs = np.ones_like(x64) if w64 is None else np.abs(w64)
    scale = case.scale(x64, y64, params)
    elementwise = np.abs(ref(x64, y64, reduction="none", **params))
    value_tol = rtol * reduce_like(case, (elementwise + scale) * w_abs, w64, reduction)
    # The gradient of a reduction is the elementwise slope times a per-element factor.
    slope = np.abs(ref.grad(x64, y64, reduction="none", **params))
    factor = np.abs(grad) / np.where(slope == 0, 1.0, slope)
    grad_tol = rtol * (np.abs(grad) + scale * np.where(slope == 0, w_abs, factor))
    return value, grad, value_tol, grad_tol


def assert_close(got: Any, want: Any, tol: Any, what: str) -> None:
    got = np.asarray(got, dtype=np.float64)
    want = np.asarray(want, dtype=np.float64)
    assert got.shape == want.shape, f"{what}: shape {got.shape} != {want.shape}"
    same_special = (np.isnan(got) & np.isnan(want)) | (got == want)
    with np.errstate(invalid="ignore"):
        err = np.abs(got - want)
    ok = same_special | (err <= tol)
    if not np.all(ok):
        bad = np.flatnonzero(~ok)[:5]
        raise AssertionError(
            f"{what}: {np.count_nonzero(~ok)} of {ok.size} differ; first at {bad.tolist()}: "
            f"got {got.ravel()[bad].tolist()}, want {want.ravel()[bad].tolist()}, "
            f"tol {np.broadcast_to(tol, want.shape).ravel()[bad].tolist()}"
        )


def unaligned(a: NDArray[Any], packed: bool = False) -> NDArray[Any]:
    """The values of ``a`` in unaligned memory, as numpy allows: C-contiguous from an odd
    address, or (``packed``) a field of a packed structured array, whose stride is not a
    multiple of the item size either."""
    if packed:
        records = np.zeros(a.shape, dtype=[("pad", "u1"), ("value", a.dtype)])
        records["value"] = a
        out = records["value"]
    else:
        raw = np.zeros(a.nbytes + 1, np.uint8)
        out = raw[1:].view(a.dtype).reshape(a.shape)
        out[...] = a
    assert not out.flags.aligned
    return out
