"""Plain-numpy oracle for descend's classification losses and their gradients.

Written from the formulas, independently of the Rust kernels, in float64
whatever the input dtype.  Names, arguments, shapes, reductions, NaN handling
and errors follow ``torch.nn.functional`` (checked against torch 2.x with
autograd in float64); where torch surprises, a comment says so.

Each loss is a module-level object.  Calling it gives the loss: a float for
``"mean"`` and ``"sum"`` (and ``"batchmean"`` for ``kl_div``), an array of the
unreduced loss's shape for ``"none"``.  ``.grad`` gives the gradient with
respect to ``input`` (for ``gaussian_nll_loss`` the pair ``(d_input, d_var)``),
``.value_and_grad`` both.  ``upstream``, the gradient flowing into the
unreduced loss, is accepted with ``reduction="none"`` only.

Internally a loss evaluates to its unreduced array, the denominator its
``"mean"`` divides by (the element count, the row count, or the summed class
weights), and a vector-Jacobian product taking d(result)/d(unreduced loss).
The mean of nothing is nan and its sum 0.0, as in torch.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "gaussian_nll_loss",
    "hinge_embedding_loss",
    "kl_div",
    "multi_margin_loss",
    "multilabel_soft_margin_loss",
    "nll_loss",
    "soft_margin_loss",
]

Array = NDArray[np.float64]
G = TypeVar("G", NDArray[np.float64], tuple[NDArray[np.float64], NDArray[np.float64]])

_REDUCTIONS = ("none", "mean", "sum")
_BCE_EPS = float(np.float32(1e-12))


@dataclass(frozen=True)
class _Parts(Generic[G]):
    """A loss evaluated at one point: unreduced loss, mean's denominator, vjp."""

    loss: Array
    denom: float
    vjp: Callable[[Array], G]  # d(result)/d(loss) -> d(result)/d(input)


class _ReferenceLoss(Generic[G]):
    """A loss given by a function returning its `_Parts`, plus the reductions.

    Module-level and holding only module-level functions and plain data, so
    instances pickle.
    """

    __name__: str

    def __init__(
        self,
        name: str,
        parts: Callable[..., _Parts[G]],
        *,
        defaults: dict[str, float | bool] | None = None,
        arrays: tuple[str, ...] = (),
        operands: int = 2,
        reductions: tuple[str, ...] = _REDUCTIONS,
        doc: str = "",
    ) -> None:
        self.__name__ = name
        self.__doc__ = doc
        self.parts: Callable[..., _Parts[G]] = parts
        self.defaults = dict(defaults or {})
        self.arrays = arrays  # optional array keywords (weight, pos_weight), default None
        self.operands = operands  # positional arrays: (input, target) or (input, target, var)
        self.reductions = reductions
        # With more reductions than the usual three, parts() is told which.
        self.pass_reduction = reductions != _REDUCTIONS

    def __repr__(self) -> str:
        """Return ``<reference loss NAME>``."""
        return f"<reference loss {self.__name__}>"

    def __call__(
        self, *operands: ArrayLike, reduction: str = "mean", **options: object
    ) -> float | Array:
        """Compute the loss.

        Parameters
        ----------
        *operands : array_like
            ``input, target`` (``input, target, var`` for gaussian_nll_loss).
        reduction : str
            ``"none"``, ``"mean"`` or ``"sum"`` (kl_div also ``"batchmean"``).
        **options
            The loss's keyword options, as in torch: ``.defaults`` and the
            array options such as ``weight``.

        Returns
        -------
        float or ndarray
            A float when reduced, the unreduced loss array for ``"none"``.
        """
        parts = self._parts(operands, reduction, options)
        with np.errstate(all="ignore"):
            return _reduce(parts, reduction)

    def grad(
        self,
        *operands: ArrayLike,
        reduction: str = "mean",
        upstream: ArrayLike | None = None,
        **options: object,
    ) -> G:
        """Compute the gradient of the (reduced) loss with respect to input.

        Parameters
        ----------
        *operands, reduction, **options
            As for calling the loss.
        upstream : array_like, optional
            Only for ``reduction="none"``: the gradient flowing into the
            unreduced loss, of its shape (default ones).

        Returns
        -------
        ndarray or tuple of ndarray
            Array of the input's shape; for gaussian_nll_loss the pair
            ``(d_input, d_var)``, ``d_var`` of var's shape.
        """
        return self.value_and_grad(*operands, reduction=reduction, upstream=upstream, **options)[1]

    def value_and_grad(
        self,
        *operands: ArrayLike,
        reduction: str = "mean",
        upstream: ArrayLike | None = None,
        **options: object,
    ) -> tuple[float | Array, G]:
        """Return the loss and its gradient, as ``__call__`` and ``grad``."""
        parts = self._parts(operands, reduction, options)
        shape = parts.loss.shape
        if reduction == "none":
            coef = np.ones(shape) if upstream is None else _shaped(upstream, shape, "upstream")
        elif upstream is not None:
            raise ValueError(
                f"{self.__name__}: upstream is only accepted with reduction='none', "
                f"got reduction={reduction!r}"
            )
        elif reduction == "sum":
            coef = np.ones(shape)
        else:
            # A zero denominator gives inf here; the vjps mask ignored entries
            # with np.where, so only entries that count become nan (as torch).
            with np.errstate(all="ignore"):
                coef = np.ones(shape) / parts.denom
        with np.errstate(all="ignore"):
            return _reduce(parts, reduction), parts.vjp(coef)

    def _parts(
        self, operands: tuple[ArrayLike, ...], reduction: str, options: dict[str, object]
    ) -> _Parts[G]:
        name = self.__name__
        if len(operands) != self.operands:
            raise TypeError(f"{name}() takes {self.operands} arrays, got {len(operands)}")
        if reduction not in self.reductions:
            raise ValueError(
                f"{name}: reduction must be one of {self.reductions}, got {reduction!r}"
            )
        unknown = sorted(options.keys() - self.defaults.keys() - set(self.arrays))
        if unknown:
            raise TypeError(f"{name}() got unexpected keyword arguments {unknown}")
        merged = {**dict.fromkeys(self.arrays), **self.defaults, **options}
        if self.pass_reduction:  # kl_div: "batchmean" has its own denominator
            merged["reduction"] = reduction
        with np.errstate(all="ignore"):
            return self.parts(*operands, **merged)


def _reduce(parts: _Parts[G], reduction: str) -> float | Array:
    if reduction == "none":
        return np.array(parts.loss)  # a fresh writable array, never a broadcast view
    if reduction == "sum":
        return float(np.sum(parts.loss))
    if parts.denom == 0.0:
        # A mean over nothing is torch's 0/0, also where a smoothing term made the sum nonzero.
        return float("nan")
    return float(np.divide(np.sum(parts.loss), parts.denom))


def _shaped(a: ArrayLike, shape: tuple[int, ...], what: str) -> Array:
    arr = np.asarray(a, dtype=np.float64)
    if arr.shape != shape:
        raise ValueError(f"{what} has shape {arr.shape} but should have shape {shape}")
    return arr


def _pair(input: ArrayLike, target: ArrayLike) -> tuple[Array, Array]:
    x = np.asarray(input, dtype=np.float64)
    y = np.asarray(target, dtype=np.float64)
    if x.shape != y.shape:
        raise ValueError(f"target has shape {y.shape} but input has shape {x.shape}")
    return x, y


def _broadcast(a: ArrayLike | None, shape: tuple[int, ...], what: str) -> Array:
    """Broadcast ``a`` to the input's shape (torch expands it); None gives ones."""
    if a is None:
        return np.ones(shape)
    arr = np.asarray(a, dtype=np.float64)
    try:
        return np.broadcast_to(arr, shape)
    except ValueError:
        raise ValueError(
            f"{what} has shape {arr.shape}, which does not broadcast to input shape {shape}"
        ) from None


def _sigmoid(x: Array) -> Array:
    e = np.exp(-np.abs(x))  # never overflows
    return np.where(x >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))


def _log_sigmoid(x: Array) -> Array:
    return np.minimum(x, 0.0) - np.log1p(np.exp(-np.abs(x)))


def _log_softmax(z: Array) -> Array:
    """log_softmax over the last axis; a row with +inf, NaN or only -inf is all NaN."""
    s: Array = z - np.max(z, axis=-1, keepdims=True, initial=-np.inf)
    norm: Array = np.log(np.sum(np.exp(s), axis=-1, keepdims=True))
    return s - norm


def _elementwise(loss: Array, deriv: Array) -> _Parts[Array]:
    """Parts of a loss elementwise in the input, its mean over all elements."""
    return _Parts(loss, loss.size, lambda c: c * deriv)


# Binary losses.


def _bce_parts(input: ArrayLike, target: ArrayLike, *, weight: ArrayLike | None) -> _Parts[Array]:
    x, y = _pair(input, target)
    # torch raises for anything outside [0, 1], NaN included, in input AND target.
    if not np.all((x >= 0.0) & (x <= 1.0)):
        raise ValueError("binary_cross_entropy: all elements of input should be between 0 and 1")
    if not np.all((y >= 0.0) & (y <= 1.0)):
        raise ValueError("binary_cross_entropy: all elements of target should be between 0 and 1")
    w = _broadcast(weight, x.shape, "weight")
    # Each log clamped at -100, so x = 0 or 1 gives 0 or 100, never 0·inf.
    log_x = np.maximum(np.log(x), -100.0)
    log_1mx = np.maximum(np.log1p(-x), -100.0)
    loss = w * ((y - 1.0) * log_1mx - y * log_x)
    # "mean" divides by the element count even with a weight (no sum(w)).
    # torch's backward floors x(1 - x) at EPSILON = 1e-12 held as a float32,
    # i.e. 9.999999960041972e-13: the gradient at x = 0 or 1 is ±1.000000004e12.
    return _elementwise(loss, w * (x - y) / np.maximum((1.0 - x) * x, _BCE_EPS))


def _bce_logits_parts(
    input: ArrayLike,
    target: ArrayLike,
    *,
    weight: ArrayLike | None,
    pos_weight: ArrayLike | None,
) -> _Parts[Array]:
    x, y = _pair(input, target)
    w = _broadcast(weight, x.shape, "weight")
    pw = _broadcast(pos_weight, x.shape, "pos_weight")  # (C,) meets the last dim
    # torch's form (1 - y)·x - (1 + (pw - 1)·y)·log σ(x): an infinite logit
    # gives nan (0·inf, or inf - inf) in the value, yet a finite gradient.
    loss = w * ((1.0 - y) * x - (1.0 + (pw - 1.0) * y) * _log_sigmoid(x))
    t = pw * y
    return _elementwise(loss, w * ((t + 1.0 - y) * _sigmoid(x) - t))


def _soft_margin_parts(input: ArrayLike, target: ArrayLike) -> _Parts[Array]:
    x, y = _pair(input, target)
    z = -y * x
    # Stable log(1 + exp(z)).  torch computes log1p(exp(z)) literally: inf for
    # z > ~709 and a nan gradient there; this oracle gives the true values.
    loss = np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))
    return _elementwise(loss, -y * _sigmoid(z))


def _hinge_parts(input: ArrayLike, target: ArrayLike, *, margin: float) -> _Parts[Array]:
    x, y = _pair(input, target)
    # torch: where(y != 1, clamp_min(margin - x, 0), 0) + where(y != -1, x, 0),
    # so a target that is neither 1 nor -1 (0, 0.5, nan) gets both terms.
    # The clamp keeps nan; its derivative is 0 at the kink and for nan.
    gap = margin - x
    loss = np.where(y != 1.0, np.maximum(gap, 0.0), 0.0) + np.where(y != -1.0, x, 0.0)
    deriv = np.where((y != 1.0) & (gap > 0.0), -1.0, 0.0) + np.where(y != -1.0, 1.0, 0.0)
    return _elementwise(loss, deriv)


def _kl_div_parts(
    input: ArrayLike, target: ArrayLike, *, log_target: bool, reduction: str
) -> _Parts[Array]:
    x, t = _pair(input, target)
    if log_target:
        # exp(t)·(t - x): t = -inf gives 0·(-inf) = nan, as in torch.
        loss = np.exp(t) * (t - x)
        deriv = -np.exp(t)
    else:
        # xlogy(t, t) - t·x: 0 where t == 0, nan for t < 0 or nan; t = 0 with
        # x = -inf gives nan (0·inf).
        loss = np.where(t == 0.0, 0.0, t * np.log(t)) - t * x
        deriv = -t
    # "batchmean" is the sum over input.shape[0]; for a 0-d input torch does
    # not divide at all.
    denom = (x.shape[0] if x.ndim else 1) if reduction == "batchmean" else loss.size
    return _Parts(loss, denom, lambda c: c * deriv)


def _multilabel_soft_margin_parts(
    input: ArrayLike, target: ArrayLike, *, weight: ArrayLike | None
) -> _Parts[Array]:
    x, y = _pair(input, target)
    if x.ndim == 0:
        raise ValueError("multilabel_soft_margin_loss: input needs a class dimension")
    w = _broadcast(weight, x.shape, "weight")
    n_classes = x.shape[-1]
    # Literal torch form: an infinite logit gives nan (0·inf) in the value but
    # a finite gradient.  The loss is one value per row (classes = last dim).
    elem = -(y * _log_sigmoid(x) + (1.0 - y) * _log_sigmoid(-x)) * w
    loss = np.sum(elem, axis=-1) / n_classes
    deriv = ((1.0 - y) * _sigmoid(x) - y * _sigmoid(-x)) * w / n_classes
    return _Parts(loss, loss.size, lambda c: c[..., None] * deriv)


# Multi-class losses over a class dimension.


def _class_axis(x: Array, what: str) -> int:
    if x.ndim == 0:
        raise ValueError(f"{what}: input must have a class dimension, got a 0-d input")
    return 0 if x.ndim == 1 else 1


def _class_weight(weight: ArrayLike | None, n_classes: int) -> Array | None:
    if weight is None:
        return None
    w = np.asarray(weight, dtype=np.float64)
    if w.shape != (n_classes,):
        raise ValueError(f"weight has shape {w.shape} but should have shape ({n_classes},)")
    return w


def _labels(
    target: ArrayLike, shape: tuple[int, ...], n_classes: int, ignore: int | None
) -> NDArray[np.intp]:
    """Integer class indices of ``shape``, each in [0, C) or equal to ``ignore``."""
    t = np.asarray(target)
    if not np.issubdtype(t.dtype, np.integer):
        # torch wants int64 (or uint8 for cross_entropy/nll_loss); any integer here.
        raise TypeError(f"class-index target must have an integer dtype, got {t.dtype}")
    if t.shape != shape:
        raise ValueError(f"target has shape {t.shape} but should have shape {shape}")
    bad = (t < 0) | (t >= n_classes)
    if ignore is not None:
        bad &= t != ignore
    if np.any(bad):
        raise IndexError(f"Target {t[bad].flat[0]} is out of bounds.")
    return t.astype(np.intp)


def _class_index_parts(
    logp: Array,
    labels: NDArray[np.intp],
    w: Array | None,
    ignore_index: int,
    smoothing: float,
    backward: Callable[[Array], Array],
) -> _Parts[Array]:
    """NLL (with label smoothing) from log-probabilities ``logp`` (..., C).

    ``backward`` maps d(result)/d(logp) to d(result)/d(input).
    """
    n_classes = logp.shape[-1]
    ignored = labels == ignore_index
    safe = np.where(ignored, 0, labels)[..., None]
    cw = np.ones(n_classes) if w is None else w
    w_y = np.where(ignored, 0.0, cw[safe[..., 0]])
    logp_y = np.take_along_axis(logp, safe, axis=-1)[..., 0]
    # Ignored rows are exactly 0 in the value, whatever their logits (nan too).
    nll = np.where(ignored, 0.0, -w_y * logp_y)
    loss = (1.0 - smoothing) * nll
    if smoothing > 0.0:
        smooth = np.where(ignored, 0.0, -np.sum(logp * cw, axis=-1))
        loss = loss + smoothing / n_classes * smooth
    # The "mean" of both terms divides by sum(w_y) over the rows not ignored:
    # without a weight that is the count of those rows, NOT every row (torch
    # 2.x; older torch divided the smoothing term by every row).  All ignored
    # gives 0 -> nan, with a zero gradient.
    total = float(np.sum(w_y))

    def vjp(c: Array) -> Array:
        # Mask with where: c may be inf (total == 0); only rows that count
        # then become nan (0·inf), as in torch.
        a = np.zeros(logp.shape)
        on_y = np.where(ignored, 0.0, c * (1.0 - smoothing) * w_y)
        np.put_along_axis(a, safe, on_y[..., None], axis=-1)
        if smoothing > 0.0:
            a = a + np.where(ignored, 0.0, c * (smoothing / n_classes))[..., None] * cw
        return backward(-a)

    return _Parts(loss, total, vjp)


def _softmax_backward(logp: Array) -> Callable[[Array], Array]:
    """d/dz of log_softmax(z), transposed: g ↦ g - p·Σg (p = exp(logp))."""
    # For an ignored row with nan logits this gives nan·0 = nan, as torch does.
    return lambda g: g - np.exp(logp) * np.sum(g, axis=-1, keepdims=True)


def _cross_entropy_parts(
    input: ArrayLike,
    target: ArrayLike,
    *,
    weight: ArrayLike | None,
    ignore_index: int,
    label_smoothing: float,
) -> _Parts[Array]:
    x = np.asarray(input, dtype=np.float64)
    axis = _class_axis(x, "cross_entropy")
    n_classes = x.shape[axis]
    w = _class_weight(weight, n_classes)
    # torch checks only ε <= 1 and silently treats ε < 0 as 0; rejected here.
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be between 0.0 and 1.0, got {label_smoothing!r}")
    logp = _log_softmax(np.moveaxis(x, axis, -1))
    to_input = _softmax_backward(logp)

    def backward(g: Array) -> Array:
        return np.moveaxis(to_input(g), -1, axis)

    t = np.asarray(target)
    if t.shape != x.shape:
        rows = x.shape[:axis] + x.shape[axis + 1 :]
        labels = _labels(t, rows, n_classes, ignore_index)
        return _class_index_parts(logp, labels, w, ignore_index, label_smoothing, backward)
    # A target of the input's shape holds class probabilities (torch decides by shape).
    if not np.issubdtype(t.dtype, np.floating):
        raise TypeError(f"probability target must have a floating dtype, got {t.dtype}")
    if ignore_index >= 0:
        raise ValueError("ignore_index is not supported for probability targets")
    probs = np.moveaxis(t.astype(np.float64), axis, -1)
    if label_smoothing > 0.0:
        probs = probs * (1.0 - label_smoothing) + label_smoothing / n_classes
    a = probs if w is None else probs * w
    # Literal -Σ_c log p_c·t_c·w_c: a -inf logit with t_c = 0 gives nan.
    loss = -np.sum(logp * a, axis=-1)
    # "mean" divides by the row count even with a weight; no rows -> nan.
    return _Parts(loss, loss.size, lambda c: backward(-c[..., None] * a))


def _nll_parts(
    input: ArrayLike, target: ArrayLike, *, weight: ArrayLike | None, ignore_index: int
) -> _Parts[Array]:
    x = np.asarray(input, dtype=np.float64)
    axis = _class_axis(x, "nll_loss")
    n_classes = x.shape[axis]
    w = _class_weight(weight, n_classes)
    rows = x.shape[:axis] + x.shape[axis + 1 :]
    labels = _labels(target, rows, n_classes, ignore_index)

    def backward(g: Array) -> Array:
        return np.moveaxis(g, -1, axis)

    return _class_index_parts(np.moveaxis(x, axis, -1), labels, w, ignore_index, 0.0, backward)


def _multi_margin_parts(
    input: ArrayLike,
    target: ArrayLike,
    *,
    p: int,
    margin: float,
    weight: ArrayLike | None,
) -> _Parts[Array]:
    if p not in (1, 2):
        raise ValueError(f"multi_margin_loss: only p == 1 and p == 2 are supported, got {p!r}")
    x = np.asarray(input, dtype=np.float64)
    if x.ndim not in (1, 2):
        raise ValueError(f"multi_margin_loss: input must be (C,) or (N, C), got shape {x.shape}")
    n_classes = x.shape[-1]
    w = _class_weight(weight, n_classes)
    # torch raises RuntimeError("target out of range") and wants int64 targets.
    labels = _labels(target, x.shape[:-1], n_classes, None)[..., None]
    x_y = np.take_along_axis(x, labels, axis=-1)
    z = margin - x_y + x
    # Only z > 0 counts: z = 0 and z = nan (any nan in the row's pair) add
    # nothing to the loss nor the gradient; torch's kernel tests z > 0.
    active = (z > 0.0) & (np.arange(n_classes) != labels)
    h = np.where(active, z if p == 1 else z * z, 0.0)
    w_y = np.ones(labels.shape) if w is None else w[labels]
    loss = (w_y * np.sum(h, axis=-1, keepdims=True) / n_classes)[..., 0]

    def vjp(c: Array) -> Array:
        g = c[..., None] * w_y / n_classes
        d = np.where(active, g if p == 1 else 2.0 * g * z, 0.0)
        np.put_along_axis(d, labels, -np.sum(d, axis=-1, keepdims=True), axis=-1)
        return d

    # "mean" divides by the row count, never by the weights.  (torch 2.x
    # returns uninitialised memory for the mean of an empty batch; nan here.)
    return _Parts(loss, loss.size, vjp)


def _gaussian_nll_parts(
    input: ArrayLike, target: ArrayLike, var: ArrayLike, *, full: bool, eps: float
) -> _Parts[tuple[Array, Array]]:
    x, y = _pair(input, target)
    scalar = isinstance(var, (int, float))  # a Python number stands for every entry
    v = np.asarray(var, dtype=np.float64)
    if np.any(v < 0.0):  # before the shape check, as torch; nan passes
        raise ValueError("var has negative entry/entries")
    v_shape = v.shape
    if not scalar and v.shape != x.shape:
        if x.ndim and v.shape == x.shape[:-1]:
            v = v[..., None]
        # torch's own test: same rank, and the sizes of var at the mismatched
        # dims sum to 1 (one dim of size 1; any dim, not just the last).
        elif (
            v.ndim != x.ndim or sum(b for a, b in zip(x.shape, v.shape, strict=True) if a != b) != 1
        ):
            raise ValueError(f"var has shape {v_shape}, incorrect for input shape {x.shape}")
    # torch clamps a clone under no_grad, so d_var is the unclamped formula
    # evaluated at the clamped value, passed straight through; nan stays nan.
    vc = np.maximum(v, eps)
    d = x - y
    loss = np.broadcast_to(0.5 * (np.log(vc) + d * d / vc), x.shape)
    if full:
        loss = loss + 0.5 * math.log(2.0 * math.pi)
    d_x = d / vc
    d_v = 0.5 * (1.0 / vc - d * d / (vc * vc))

    def vjp(c: Array) -> tuple[Array, Array]:
        g_v = c * d_v
        if scalar:
            return c * d_x, np.asarray(np.sum(g_v))
        spread = tuple(i for i, n in enumerate(v.shape) if n == 1 and x.shape[i] != 1)
        return c * d_x, np.sum(g_v, axis=spread, keepdims=True).reshape(v_shape)

    return _Parts(loss, loss.size, vjp)


binary_cross_entropy = _ReferenceLoss(
    "binary_cross_entropy",
    _bce_parts,
    arrays=("weight",),
    doc="-w·(y·log x + (1 - y)·log(1 - x)), each log clamped at -100; x in [0, 1].",
)
binary_cross_entropy_with_logits = _ReferenceLoss(
    "binary_cross_entropy_with_logits",
    _bce_logits_parts,
    arrays=("weight", "pos_weight"),
    doc="w·((1 - y)·x + (1 + (pw - 1)·y)·log(1 + exp(-x))), stable.",
)
cross_entropy = _ReferenceLoss(
    "cross_entropy",
    _cross_entropy_parts,
    defaults={"ignore_index": -100, "label_smoothing": 0.0},
    arrays=("weight",),
    doc="Softmax cross-entropy over dim 1 (0 for (C,)); class-index or probability targets.",
)
nll_loss = _ReferenceLoss(
    "nll_loss",
    _nll_parts,
    defaults={"ignore_index": -100},
    arrays=("weight",),
    doc="-w_y·input[y] over dim 1 (dim 0 for a (C,) input); weighted mean over sum(w_y).",
)
kl_div = _ReferenceLoss(
    "kl_div",
    _kl_div_parts,
    defaults={"log_target": False},
    reductions=("none", "mean", "sum", "batchmean"),
    doc="t·(log t - x) (exp(t)·(t - x) if log_target); input in log space.",
)
multi_margin_loss = _ReferenceLoss(
    "multi_margin_loss",
    _multi_margin_parts,
    defaults={"p": 1, "margin": 1.0},
    arrays=("weight",),
    doc="w_y/C·Σ_{c≠y} max(0, margin - x_y + x_c)**p per row (Weston–Watkins).",
)
soft_margin_loss = _ReferenceLoss(
    "soft_margin_loss",
    _soft_margin_parts,
    doc="log(1 + exp(-y·x)), stable; gradient -y·σ(-y·x).",
)
hinge_embedding_loss = _ReferenceLoss(
    "hinge_embedding_loss",
    _hinge_parts,
    defaults={"margin": 1.0},
    doc="x where y == 1, max(0, margin - x) where y == -1, their sum otherwise.",
)
multilabel_soft_margin_loss = _ReferenceLoss(
    "multilabel_soft_margin_loss",
    _multilabel_soft_margin_parts,
    arrays=("weight",),
    doc="-mean_c w_c·(y·log σ(x) + (1 - y)·log σ(-x)) per row (classes on the last dim).",
)
gaussian_nll_loss = _ReferenceLoss(
    "gaussian_nll_loss",
    _gaussian_nll_parts,
    defaults={"full": False, "eps": 1e-6},
    operands=3,
    doc="0.5·(log v + (x - y)**2/v) (+ 0.5·log 2π if full), v = max(var, eps).",
)

# Every function of the module, as the drift test and the tests' tables name them.
LOSSES: tuple[str, ...] = tuple(__all__)
