"""Plain-numpy oracle for descend's activations and their vector-Jacobian products.

Written from the formulas, independently of the Rust kernels, in float64
whatever the input dtype; names, parameters and semantics follow
``torch.nn.functional`` (checked against torch 2.x with autograd in float64).

Each activation is a module-level object: calling it gives the value, ``.grad``
the vector-Jacobian product ``upstream · J``.  For the elementwise ones
``upstream`` defaults to ones, giving the derivative; softmax and log_softmax
need it.  Every finite input, up to ±1.8e308, gives a finite value and
gradient without floating-point warnings; NaN propagates except where torch's
derivative is a comparison that NaN fails (relu, leaky_relu, elu: see below).
At ±inf the results are torch's, nan included (gelu, silu).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "elu",
    "gelu",
    "leaky_relu",
    "log_sigmoid",
    "log_softmax",
    "relu",
    "sigmoid",
    "silu",
    "softmax",
    "softplus",
    "tanh",
]

Array = NDArray[np.float64]
Param = float | int | str

_SQRT_2 = math.sqrt(2.0)
_SQRT_2PI = math.sqrt(2.0 * math.pi)
_GELU_K = math.sqrt(2.0 / math.pi)
_GELU_C = 0.044715

# Φ(x) = erfc(-x/√2)/2: erfc keeps the left tail accurate, where 1 + erf(x/√2)
# cancels (torch uses the latter, so it differs there in relative terms).
_vectorized_erfc = np.vectorize(math.erfc, otypes=[np.float64])


def _erfc(x: Array) -> Array:
    out: Array = _vectorized_erfc(x)
    return out


def _sigmoid(x: Array) -> Array:
    e = np.exp(-np.abs(x))  # never overflows
    return np.where(x >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))


def _softplus_1(z: Array) -> Array:
    """Return log(1 + exp(z)) without overflow."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


# Elementwise activations: value and derivative.


def _sigmoid_deriv(x: Array) -> Array:
    s = _sigmoid(x)
    return s * (1.0 - s)


def _log_sigmoid_value(x: Array) -> Array:
    return -_softplus_1(-x)


def _log_sigmoid_deriv(x: Array) -> Array:
    return _sigmoid(-x)


def _softplus_value(x: Array, *, beta: float, threshold: float) -> Array:
    # torch reverts to x where beta·x > threshold.  Below it torch computes
    # log1p(exp(beta·x)) literally, inf for beta·x > ~709 when threshold is
    # raised that high; the stable form here stays finite.
    bx = beta * x
    return np.where(bx > threshold, x, _softplus_1(bx) / beta)


def _softplus_deriv(x: Array, *, beta: float, threshold: float) -> Array:
    bx = beta * x
    return np.where(bx > threshold, 1.0, _sigmoid(bx))


def _relu_value(x: Array) -> Array:
    return np.where(x < 0.0, 0.0, x)  # keeps nan (and -0.0), as torch's clamp


def _relu_deriv(x: Array) -> Array:
    # 0 at x == 0; torch tests "result <= 0", which nan fails: derivative 1 at nan.
    return np.where(x <= 0.0, 0.0, 1.0)


def _leaky_relu_value(x: Array, *, negative_slope: float) -> Array:
    return np.where(x > 0.0, x, x * negative_slope)


def _leaky_relu_deriv(x: Array, *, negative_slope: float) -> Array:
    # torch tests x > 0: the slope at x == 0, and at nan too.
    return np.where(x > 0.0, 1.0, negative_slope)


def _elu_value(x: Array, *, alpha: float) -> Array:
    return np.where(x > 0.0, x, alpha * np.expm1(x))


def _elu_deriv(x: Array, *, alpha: float) -> Array:
    # torch tests x <= 0: alpha·exp(0) = alpha at x == 0, and 1 at nan.
    return np.where(x <= 0.0, alpha * np.exp(x), 1.0)


def _tanh_value(x: Array) -> Array:
    return np.tanh(x)


def _tanh_deriv(x: Array) -> Array:
    t = np.tanh(x)
    return 1.0 - t * t


def _gelu_tanh_inner(x: Array) -> Array:
    """Return 2u, u = √(2/π)·(x + 0.044715·x³); x³ may overflow to ±inf (harmless)."""
    return 2.0 * _GELU_K * (x + _GELU_C * x * x * x)


def _gelu_value(x: Array, *, approximate: str) -> Array:
    if approximate == "tanh":
        # 0.5·x·(1 + tanh u) = x·σ(2u), which does not cancel for x < 0.
        return x * _sigmoid(_gelu_tanh_inner(x))
    # x·Φ(x); at x = -inf, -inf·0 = nan, as in torch.
    return x * 0.5 * _erfc(-x / _SQRT_2)


def _gelu_deriv(x: Array, *, approximate: str) -> Array:
    if approximate == "tanh":
        s = _sigmoid(_gelu_tanh_inner(x))
        slope = 2.0 * _GELU_K * (1.0 + 3.0 * _GELU_C * x * x)
        # x·2u'·σ(1 - σ) is exactly 0 beyond |x| ~ 22, but computing it there
        # can give 0·inf; x·0 keeps torch's nan at ±inf.  (torch itself gives
        # nan for every |x| > ~1.3e154, where its x² overflows.)
        curve = np.where(np.abs(x) < 50.0, x * slope * s * (1.0 - s), 0.0 * x)
        return s + curve
    # Φ(x) + x·φ(x): at ±inf, ±inf·0 = nan, as in torch.
    pdf = np.exp(-0.5 * x * x) / _SQRT_2PI
    return 0.5 * _erfc(-x / _SQRT_2) + x * pdf


def _silu_value(x: Array) -> Array:
    return x * _sigmoid(x)  # nan at -inf (-inf·0), as torch


def _silu_deriv(x: Array) -> Array:
    s = _sigmoid(x)
    return s * (1.0 + x * (1.0 - s))  # nan at ±inf, as torch


def _check_gelu(*, approximate: str) -> None:
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


# Activations along a dimension: value and vector-Jacobian product.


def _shift(x: Array, dim: int) -> Array:
    """Return x - max(x) along dim: a row with +inf, nan or only -inf becomes nan."""
    top: Array = np.max(x, axis=dim, keepdims=True, initial=-np.inf)
    return x - top


def _sum(a: Array, dim: int) -> Array:
    total: Array = np.sum(a, axis=dim, keepdims=True)
    return total


def _softmax_value(x: Array, *, dim: int) -> Array:
    e = np.exp(_shift(x, dim))
    return e / _sum(e, dim)


def _softmax_vjp(x: Array, u: Array, *, dim: int) -> Array:
    p = _softmax_value(x, dim=dim)
    return p * (u - _sum(u * p, dim))


def _log_softmax_value(x: Array, *, dim: int) -> Array:
    s = _shift(x, dim)
    return s - np.log(_sum(np.exp(s), dim))


def _log_softmax_vjp(x: Array, u: Array, *, dim: int) -> Array:
    p = np.exp(_log_softmax_value(x, dim=dim))
    return u - p * _sum(u, dim)


class _ReferenceActivation:
    """An activation given by its value and derivative (or vector-Jacobian product).

    Module-level and holding only module-level functions and plain data, so
    instances pickle.
    """

    __name__: str

    def __init__(
        self,
        name: str,
        value: Callable[..., Array],
        *,
        deriv: Callable[..., Array] | None = None,
        vjp: Callable[..., Array] | None = None,
        defaults: dict[str, Param] | None = None,
        check: Callable[..., None] | None = None,
        doc: str = "",
    ) -> None:
        self.__name__ = name
        self.__doc__ = doc
        self.value = value
        self.deriv = deriv  # elementwise: upstream · deriv(x)
        self.vjp = vjp  # along a dimension: vjp(x, upstream); upstream required
        self.defaults = dict(defaults or {})
        self.check = check

    def __repr__(self) -> str:
        """Return ``<reference activation NAME>``."""
        return f"<reference activation {self.__name__}>"

    def __call__(self, x: ArrayLike, **params: Param) -> Array:
        """Compute the activation.

        Parameters
        ----------
        x : array_like
            Input, any shape.
        **params
            The activation's parameters (``.defaults`` holds torch's).

        Returns
        -------
        ndarray
            Array of the input's shape.
        """
        arr, p = self._prepare(x, params)
        with np.errstate(all="ignore"):
            return self._reshape(self.value(np.atleast_1d(arr), **p), arr.shape)

    def grad(self, x: ArrayLike, upstream: ArrayLike | None = None, **params: Param) -> Array:
        """Compute the vector-Jacobian product ``upstream · J`` at x.

        Parameters
        ----------
        x : array_like
            Input, any shape.
        upstream : array_like, optional
            Gradient flowing into the output, of x's shape.  Defaults to ones
            for the elementwise activations (giving the derivative); required
            by softmax and log_softmax.
        **params
            As for calling the activation.

        Returns
        -------
        ndarray
            Array of the input's shape.
        """
        arr, p = self._prepare(x, params)
        if upstream is None and self.vjp is not None:
            raise TypeError(f"{self.__name__}.grad() needs upstream (its Jacobian is not diagonal)")
        u = np.ones(arr.shape) if upstream is None else np.asarray(upstream, dtype=np.float64)
        if u.shape != arr.shape:
            raise ValueError(f"upstream has shape {u.shape} but x has shape {arr.shape}")
        with np.errstate(all="ignore"):
            x1, u1 = np.atleast_1d(arr), np.atleast_1d(u)
            if self.vjp is not None:
                return self._reshape(self.vjp(x1, u1, **p), arr.shape)
            assert self.deriv is not None
            return self._reshape(u1 * self.deriv(x1, **p), arr.shape)

    def _prepare(self, x: ArrayLike, params: dict[str, Param]) -> tuple[Array, dict[str, Param]]:
        unknown = sorted(params.keys() - self.defaults.keys())
        if unknown:
            raise TypeError(f"{self.__name__}() got unexpected keyword arguments {unknown}")
        merged = {**self.defaults, **params}
        if self.check is not None:
            self.check(**merged)
        return np.asarray(x, dtype=np.float64), merged

    @staticmethod
    def _reshape(out: Array, shape: tuple[int, ...]) -> Array:
        # A 0-d input is computed as shape (1,) (softmax over its one "dim").
        return out.reshape(shape)


softmax = _ReferenceActivation(
    "softmax",
    _softmax_value,
    vjp=_softmax_vjp,
    defaults={"dim": -1},
    doc="exp(x - max) / Σ exp(x - max) along dim; vjp p·(u - Σ u·p).",
)
log_softmax = _ReferenceActivation(
    "log_softmax",
    _log_softmax_value,
    vjp=_log_softmax_vjp,
    defaults={"dim": -1},
    doc="x - max - log Σ exp(x - max) along dim; vjp u - p·Σ u.",
)
sigmoid = _ReferenceActivation(
    "sigmoid",
    _sigmoid,
    deriv=_sigmoid_deriv,
    doc="1 / (1 + exp(-x)), stable; derivative σ·(1 - σ).",
)
log_sigmoid = _ReferenceActivation(
    "log_sigmoid",
    _log_sigmoid_value,
    deriv=_log_sigmoid_deriv,
    doc="min(x, 0) - log1p(exp(-abs(x))); derivative σ(-x).",
)
softplus = _ReferenceActivation(
    "softplus",
    _softplus_value,
    deriv=_softplus_deriv,
    defaults={"beta": 1.0, "threshold": 20.0},
    doc="log(1 + exp(beta·x)) / beta, x where beta·x > threshold; derivative σ(beta·x).",
)
relu = _ReferenceActivation(
    "relu",
    _relu_value,
    deriv=_relu_deriv,
    doc="max(x, 0); derivative 0 at 0.",
)
leaky_relu = _ReferenceActivation(
    "leaky_relu",
    _leaky_relu_value,
    deriv=_leaky_relu_deriv,
    defaults={"negative_slope": 0.01},
    doc="x if x > 0 else negative_slope·x; derivative negative_slope at 0.",
)
elu = _ReferenceActivation(
    "elu",
    _elu_value,
    deriv=_elu_deriv,
    defaults={"alpha": 1.0},
    doc="x if x > 0 else alpha·(exp(x) - 1); derivative alpha at 0.",
)
tanh = _ReferenceActivation(
    "tanh",
    _tanh_value,
    deriv=_tanh_deriv,
    doc="tanh(x); derivative 1 - tanh(x)**2.",
)
gelu = _ReferenceActivation(
    "gelu",
    _gelu_value,
    deriv=_gelu_deriv,
    defaults={"approximate": "none"},
    check=_check_gelu,
    doc="x·Φ(x), or 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) if approximate='tanh'.",
)
silu = _ReferenceActivation(
    "silu",
    _silu_value,
    deriv=_silu_deriv,
    doc="x·σ(x); derivative σ(x)·(1 + x·(1 - σ(x))).",
)

# Every function of the module, as the drift test and the tests' tables name them.
ACTIVATIONS: tuple[str, ...] = tuple(__all__)
