"""Plain-numpy oracle for descend's losses and their gradients.

Every loss here is written straight from its formula, independently of the
Rust kernels, so the tests compare two separate derivations rather than one
piece of code against itself.  Everything is computed in float64 whatever the
input dtype, and names, arguments and semantics follow
``torch.nn.functional``.

Each loss is a module-level object built from two elementwise float64
functions, the loss ``value(x, y, **params)`` and its derivative with respect
to the input ``deriv(x, y, **params)``, plus the rule that reduces it:

* ``"none"``: ``w * l``;
* ``"sum"``: ``sum(w * l)``;
* ``"mean"``: ``sum(w * l) / sum(w)``, except ``huber_loss`` which, like
  torch, uses ``sum(w * l) / N``; without a weight both are ``sum(l) / N``.

The mean of an empty input is nan and its sum 0.0, as in torch.  NaN and inf
propagate through numpy without warnings.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "huber_loss",
    "l1_loss",
    "log_cosh_loss",
    "mse_loss",
    "msle_loss",
    "poisson_nll_loss",
    "quantile_loss",
    "smooth_l1_loss",
]

Array = NDArray[np.float64]
Param = float | bool
Elementwise = Callable[..., Array]

_REDUCTIONS = ("none", "mean", "sum")


# Elementwise losses and their derivatives with respect to x.


def _mse_value(x: Array, y: Array) -> Array:
    d = x - y
    return d * d


def _mse_deriv(x: Array, y: Array) -> Array:
    return 2.0 * (x - y)


def _l1_value(x: Array, y: Array) -> Array:
    return np.abs(x - y)


def _l1_deriv(x: Array, y: Array) -> Array:
    # torch's sgn: 0 at d == 0 and also for a NaN difference (np.sign would give NaN).
    d = x - y
    return np.where(np.isnan(d), 0.0, np.sign(d))


def _huber_value(x: Array, y: Array, *, delta: float) -> Array:
    d = x - y
    a = np.abs(d)
    return np.where(a < delta, 0.5 * d * d, delta * (a - 0.5 * delta))


def _huber_deriv(x: Array, y: Array, *, delta: float) -> Array:
    d = x - y
    # torch's backward tests |d| >= delta, so a NaN difference falls through to d (NaN).
    return np.where(np.abs(d) >= delta, delta * np.sign(d), d)


def _smooth_l1_value(x: Array, y: Array, *, beta: float) -> Array:
    if beta == 0.0:  # torch falls back to l1_loss rather than divide by 0
        return _l1_value(x, y)
    d = x - y
    a = np.abs(d)
    return np.where(a < beta, 0.5 * d * d / beta, a - 0.5 * beta)


def _smooth_l1_deriv(x: Array, y: Array, *, beta: float) -> Array:
    if beta == 0.0:
        return _l1_deriv(x, y)
    d = x - y
    # As for huber: a NaN difference takes the quadratic branch and stays NaN.
    return np.where(np.abs(d) >= beta, np.sign(d), d / beta)


def _log_cosh_value(x: Array, y: Array) -> Array:
    a = np.abs(x - y)
    # The overflow-safe form cancels catastrophically near 0, where the value
    # is ~a**2/2; there log1p(2 sinh(a/2)**2) = log(cosh a) is accurate (and
    # it only overflows for large a, where it is not selected).
    small = np.log1p(2.0 * np.sinh(0.5 * a) ** 2)
    large = a + np.log1p(np.exp(-2.0 * a)) - math.log(2.0)
    return np.where(a < 1.0, small, large)


def _log_cosh_deriv(x: Array, y: Array) -> Array:
    return np.tanh(x - y)


_MSLE_EPS = 1e-7


def _msle_value(x: Array, y: Array) -> Array:
    return (np.log1p(np.maximum(x, _MSLE_EPS)) - np.log1p(np.maximum(y, _MSLE_EPS))) ** 2


def _msle_deriv(x: Array, y: Array) -> Array:
    d = np.log1p(np.maximum(x, _MSLE_EPS)) - np.log1p(np.maximum(y, _MSLE_EPS))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(x <= _MSLE_EPS, 0.0, 2.0 * d / (1.0 + x))


def _quantile_value(x: Array, y: Array, *, q: float) -> Array:
    r = y - x
    return np.maximum(q * r, (q - 1.0) * r)


def _quantile_deriv(x: Array, y: Array, *, q: float) -> Array:
    # Slope 1 - q above the target, -q below, and 0 at x == y: the same
    # sign(0) == 0 subgradient as l1_loss, so quantile_loss(q=0.5) is exactly
    # 0.5 * l1_loss, gradient included.  sign() also propagates NaN.
    d = x - y
    return np.sign(d) * np.where(d > 0.0, 1.0 - q, q)


def _poisson_value(x: Array, y: Array, *, log_input: bool, full: bool, eps: float) -> Array:
    loss = np.exp(x) - y * x if log_input else x - y * np.log(x + eps)
    if full:
        # Stirling approximation of log(y!); constant in x, so no gradient.
        stirling = y * np.log(y) - y + 0.5 * np.log(2.0 * math.pi * y)
        # torch masks where y <= 1, so a NaN target still propagates.
        loss = loss + np.where(y <= 1.0, 0.0, stirling)
    return loss


def _poisson_deriv(x: Array, y: Array, *, log_input: bool, full: bool, eps: float) -> Array:
    return np.exp(x) - y if log_input else 1.0 - y / (x + eps)


# Parameter checks, run before any computation.


def _check_huber(*, delta: float) -> None:
    if not delta > 0.0:  # written so that NaN is rejected too
        raise ValueError(f"huber_loss: delta must be > 0, got {delta!r}")


def _check_smooth_l1(*, beta: float) -> None:
    if not 0.0 <= beta < math.inf:
        raise ValueError(f"smooth_l1_loss: beta must be a finite number >= 0, got {beta!r}")


def _check_quantile(*, q: float) -> None:
    if not 0.0 < q < 1.0:
        raise ValueError(f"quantile_loss: q must be in (0, 1), got {q!r}")


def _check_poisson(*, log_input: bool, full: bool, eps: float) -> None:
    if not eps > 0.0:
        raise ValueError(f"poisson_nll_loss: eps must be > 0, got {eps!r}")


class _ReferenceLoss:
    """A loss made of elementwise value/derivative functions and a reduction.

    Module-level and holding only module-level functions and plain data, so
    instances pickle.
    """

    __name__: str

    def __init__(
        self,
        name: str,
        value: Elementwise,
        deriv: Elementwise,
        *,
        defaults: dict[str, Param] | None = None,
        check: Callable[..., None] | None = None,
        weighted_mean: bool = True,
        doc: str = "",
    ) -> None:
        self.__name__ = name
        self.__doc__ = doc
        self.value = value
        self.deriv = deriv
        self.defaults = dict(defaults or {})
        self.check = check
        # False: "mean" divides sum(w * l) by N rather than by sum(w).
        self.weighted_mean = weighted_mean

    def __repr__(self) -> str:
        """Return ``<reference loss NAME>``."""
        return f"<reference loss {self.__name__}>"

    def __call__(
        self,
        input: ArrayLike,
        target: ArrayLike,
        *,
        reduction: str = "mean",
        weight: ArrayLike | None = None,
        **params: Param,
    ) -> float | Array:
        """Compute the loss.

        Parameters
        ----------
        input, target : array_like
            Prediction and target, of equal shapes.
        reduction : {"mean", "sum", "none"}
            How the elementwise losses are combined.
        weight : array_like, optional
            Per-element weights, of the input's shape.
        **params
            The loss's own keyword parameters (torch's defaults).

        Returns
        -------
        float or ndarray
            A float for "mean" and "sum", an array of the input's shape for
            "none".
        """
        x, y, w, p = self._prepare(input, target, reduction, weight, params)
        with np.errstate(all="ignore"):
            return self._reduce(self.value(x, y, **p), w, reduction)

    def grad(
        self,
        input: ArrayLike,
        target: ArrayLike,
        *,
        reduction: str = "mean",
        weight: ArrayLike | None = None,
        upstream: ArrayLike | None = None,
        **params: Param,
    ) -> Array:
        """Compute the gradient of the (reduced) loss with respect to input.

        Parameters
        ----------
        input, target, reduction, weight, **params
            As for calling the loss.
        upstream : array_like, optional
            Only for ``reduction="none"``: the gradient flowing into the
            unreduced loss, of the input's shape (default ones).

        Returns
        -------
        ndarray
            Array of the input's shape.
        """
        x, y, w, p = self._prepare(input, target, reduction, weight, params)
        coef = self._coefficients(x.shape, w, reduction, upstream)
        with np.errstate(all="ignore"):
            return coef * self.deriv(x, y, **p)

    def value_and_grad(
        self,
        input: ArrayLike,
        target: ArrayLike,
        *,
        reduction: str = "mean",
        weight: ArrayLike | None = None,
        upstream: ArrayLike | None = None,
        **params: Param,
    ) -> tuple[float | Array, Array]:
        """Return the loss and its gradient, as ``__call__`` and ``grad``."""
        x, y, w, p = self._prepare(input, target, reduction, weight, params)
        coef = self._coefficients(x.shape, w, reduction, upstream)
        with np.errstate(all="ignore"):
            value = self._reduce(self.value(x, y, **p), w, reduction)
            return value, coef * self.deriv(x, y, **p)

    def _prepare(
        self,
        input: ArrayLike,
        target: ArrayLike,
        reduction: str,
        weight: ArrayLike | None,
        params: dict[str, Param],
    ) -> tuple[Array, Array, Array | None, dict[str, Param]]:
        name = self.__name__
        if reduction not in _REDUCTIONS:
            raise ValueError(
                f"{name}: reduction must be one of 'none', 'mean', 'sum', got {reduction!r}"
            )
        unknown = sorted(params.keys() - self.defaults.keys())
        if unknown:
            raise TypeError(f"{name}() got unexpected keyword arguments {unknown}")
        merged = {**self.defaults, **params}
        if self.check is not None:
            self.check(**merged)
        x = np.asarray(input, dtype=np.float64)
        y = np.asarray(target, dtype=np.float64)
        if x.shape != y.shape:
            raise ValueError(f"{name}: input shape {x.shape} and target shape {y.shape} differ")
        w = None if weight is None else _shaped(weight, x.shape, name, "weight")
        return x, y, w, merged

    def _reduce(self, loss: Array, w: Array | None, reduction: str) -> float | Array:
        if w is not None:
            loss = w * loss
        if reduction == "none":
            return loss
        total = np.sum(loss)
        if reduction == "sum":
            return float(total)
        # Divide explicitly: np.mean warns on empty input; 0/0 gives nan.
        if w is not None and self.weighted_mean:
            return float(np.divide(total, np.sum(w)))
        return float(np.divide(total, loss.size))

    def _coefficients(
        self,
        shape: tuple[int, ...],
        w: Array | None,
        reduction: str,
        upstream: ArrayLike | None,
    ) -> Array:
        # d(reduced loss) / d(elementwise loss l_i), per element.
        name = self.__name__
        coef = np.ones(shape) if w is None else w
        if reduction == "none":
            if upstream is None:
                return coef
            return coef * _shaped(upstream, shape, name, "upstream")
        if upstream is not None:
            raise ValueError(
                f"{name}: upstream is only accepted with reduction='none', "
                f"got reduction={reduction!r}"
            )
        if reduction == "sum":
            return coef
        with np.errstate(all="ignore"):
            if w is not None and self.weighted_mean:
                return coef / np.sum(w)
            return coef / coef.size


def _shaped(a: ArrayLike, shape: tuple[int, ...], name: str, what: str) -> Array:
    arr = np.asarray(a, dtype=np.float64)
    if arr.shape != shape:
        raise ValueError(f"{name}: {what} shape {arr.shape} differs from input shape {shape}")
    return arr


mse_loss = _ReferenceLoss(
    "mse_loss",
    _mse_value,
    _mse_deriv,
    doc="Squared error ``d**2``, ``d = input - target``.",
)
l1_loss = _ReferenceLoss(
    "l1_loss",
    _l1_value,
    _l1_deriv,
    doc="Absolute error ``|d|``; gradient ``sign(d)``, 0 at ``d == 0``.",
)
huber_loss = _ReferenceLoss(
    "huber_loss",
    _huber_value,
    _huber_deriv,
    defaults={"delta": 1.0},
    check=_check_huber,
    weighted_mean=False,
    doc="Huber loss: ``d**2 / 2`` if ``|d| < delta`` else linear (torch).",
)
smooth_l1_loss = _ReferenceLoss(
    "smooth_l1_loss",
    _smooth_l1_value,
    _smooth_l1_deriv,
    defaults={"beta": 1.0},
    check=_check_smooth_l1,
    doc="Smooth L1: ``d**2 / (2 beta)`` if ``|d| < beta`` else ``|d| - beta/2``.",
)
log_cosh_loss = _ReferenceLoss(
    "log_cosh_loss",
    _log_cosh_value,
    _log_cosh_deriv,
    doc="``log(cosh(d))`` without overflow; gradient ``tanh(d)``.",
)
quantile_loss = _ReferenceLoss(
    "quantile_loss",
    _quantile_value,
    _quantile_deriv,
    defaults={"q": 0.5},
    check=_check_quantile,
    doc="Pinball loss ``max(q (y - x), (q - 1) (y - x))``; 0 gradient at x == y.",
)
poisson_nll_loss = _ReferenceLoss(
    "poisson_nll_loss",
    _poisson_value,
    _poisson_deriv,
    defaults={"log_input": True, "full": False, "eps": 1e-8},
    check=_check_poisson,
    doc="Poisson negative log-likelihood, exactly as torch's.",
)
msle_loss = _ReferenceLoss(
    "msle_loss",
    _msle_value,
    _msle_deriv,
    doc="``(log1p(max(x, 1e-7)) - log1p(max(y, 1e-7)))**2`` (Keras); 0 gradient where clamped.",
)

# Every function of the module, as the drift test and the tests' tables name them.
LOSSES: tuple[str, ...] = tuple(__all__)
