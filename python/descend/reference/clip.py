"""Plain-numpy gradient clipping, written from ``torch.nn.utils``'s definitions.

As torch computes it: a norm per tensor, then the norm of those norms (descend sums ``|g|^p`` over
everything at once; the two agree up to rounding), here in float64; then each gradient is
multiplied, in its own dtype, by the coefficient rounded to that dtype. Same signatures as
``descend.clip`` without the torch-only ``foreach``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating[Any]]


__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _as_list(grads: Array | Iterable[Array]) -> list[Array]:
    return [grads] if isinstance(grads, np.ndarray) else list(grads)


def _norm(v: NDArray[np.float64], p: float) -> float:
    """Return the p-norm of a flat float64 vector; 0 when it is empty."""
    if v.size == 0:
        return 0.0
    a = np.abs(v)
    if p == math.inf:
        return float(np.max(a))  # np.max propagates NaN, as torch's max
    return float(np.sum(a**p) ** (1.0 / p))


def _total_norm(grads: Array | Iterable[Array], norm_type: float = 2.0) -> float:
    """Return the p-norm of the per-tensor p-norms: that of all gradients as one vector."""
    p = float(norm_type)
    if not p >= 1.0:
        raise ValueError(f"norm_type must be >= 1 or inf, got {p}")
    norms = [_norm(np.asarray(g, dtype=np.float64).ravel(), p) for g in _as_list(grads)]
    return _norm(np.array(norms, dtype=np.float64), p)


def clip_grad_norm_(
    grads: Array | Iterable[Array],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> float:
    """Scale g ← g · min(max_norm / (‖g‖ₚ + 1e-6), 1) in place; return ‖g‖ₚ."""
    listed = _as_list(grads)
    max_norm = float(max_norm)
    total = _total_norm(listed, norm_type)
    if not max_norm >= 0.0:
        raise ValueError(f"max_norm must be >= 0, got {max_norm}")
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"the total norm is {total}, so the gradients cannot be clipped")
    coef = max_norm / (total + 1e-6)
    coef = 1.0 if coef > 1.0 else coef  # NaN stays NaN, as torch.clamp
    with np.errstate(invalid="ignore"):  # inf · 0 is NaN, as in torch
        for g in listed:
            g *= g.dtype.type(coef)
    return total


def clip_grad_value_(grads: Array | Iterable[Array], clip_value: float) -> None:
    """Clamp g ← clamp(g, −c, c) in place; NaN stays NaN."""
    c = float(clip_value)
    if not c >= 0.0:
        raise ValueError(f"clip_value must be >= 0, got {c}")
    for g in _as_list(grads):
        np.clip(g, g.dtype.type(-c), g.dtype.type(c), out=g)
