"""Every loss as an array user writes it, for any numpy-like namespace ``xp``.

``VALUES[name](xp, *inputs)`` is the mean loss (torch's default reduction) written with
``numpy`` or ``jax.numpy`` functions; JAX differentiates it. ``GRADS[name](*inputs)`` is the
gradient a numpy user derives by hand (numpy has no autograd). Both are what one writes in a
notebook: whole-array expressions, temporaries everywhere, no fusion.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

LN2 = math.log(2.0)


def _take(xp: Any, x: Any, labels: Any) -> Any:
    return xp.take_along_axis(x, labels[:, None], axis=1)[:, 0]


def _log_sigmoid(xp: Any, x: Any) -> Any:
    return -xp.logaddexp(0.0, -x)


def _sigmoid(x: Any) -> Any:
    return 0.5 * np.tanh(0.5 * x) + 0.5  # overflow-free, and one transcendental


VALUES: dict[str, Callable[..., Any]] = {
    "mse_loss": lambda xp, x, y: xp.mean((x - y) ** 2),
    "l1_loss": lambda xp, x, y: xp.mean(xp.abs(x - y)),
    "huber_loss": lambda xp, x, y: xp.mean(
        xp.where(xp.abs(x - y) < 1.0, 0.5 * (x - y) ** 2, xp.abs(x - y) - 0.5)
    ),
    "smooth_l1_loss": lambda xp, x, y: xp.mean(
        xp.where(xp.abs(x - y) < 1.0, 0.5 * (x - y) ** 2, xp.abs(x - y) - 0.5)
    ),
    "log_cosh_loss": lambda xp, x, y: xp.mean(xp.logaddexp(x - y, y - x) - LN2),
    "quantile_loss": lambda xp, x, y: xp.mean(xp.maximum(0.5 * (y - x), -0.5 * (y - x))),
    "poisson_nll_loss": lambda xp, x, y: xp.mean(xp.exp(x) - y * x),
    "binary_cross_entropy": lambda xp, x, y: (
        -xp.mean(y * xp.maximum(xp.log(x), -100.0) + (1 - y) * xp.maximum(xp.log1p(-x), -100.0))
    ),
    "binary_cross_entropy_with_logits": lambda xp, x, y: xp.mean(
        xp.maximum(x, 0) - x * y + xp.log1p(xp.exp(-xp.abs(x)))
    ),
    "kl_div": lambda xp, x, y: xp.mean(
        xp.where(y > 0, y * xp.log(xp.where(y > 0, y, 1.0)), 0.0) - y * x
    ),
    "soft_margin_loss": lambda xp, x, y: xp.mean(xp.logaddexp(0.0, -y * x)),
    "hinge_embedding_loss": lambda xp, x, y: xp.mean(xp.where(y == 1, x, xp.maximum(0.0, 1.0 - x))),
    "gaussian_nll_loss": lambda xp, x, y, var: xp.mean(
        0.5 * (xp.log(xp.maximum(var, 1e-6)) + (x - y) ** 2 / xp.maximum(var, 1e-6))
    ),
    "cross_entropy": lambda xp, x, labels: xp.mean(
        xp.log(xp.sum(xp.exp(x - xp.max(x, axis=1, keepdims=True)), axis=1))
        + xp.max(x, axis=1)
        - _take(xp, x, labels)
    ),
    "nll_loss": lambda xp, x, labels: -xp.mean(_take(xp, x, labels)),
    "multi_margin_loss": lambda xp, x, labels: xp.mean(
        xp.sum(
            xp.where(
                xp.arange(x.shape[1])[None, :] == labels[:, None],
                0.0,
                xp.maximum(0.0, 1.0 - _take(xp, x, labels)[:, None] + x),
            ),
            axis=1,
        )
        / x.shape[1]
    ),
    "multilabel_soft_margin_loss": lambda xp, x, y: (
        -xp.mean(xp.mean(y * _log_sigmoid(xp, x) + (1 - y) * _log_sigmoid(xp, -x), axis=1))
    ),
}


def _cross_entropy_grad(x: Any, labels: Any) -> Any:
    e = np.exp(x - x.max(axis=1, keepdims=True))
    g = e / e.sum(axis=1, keepdims=True)
    g[np.arange(len(labels)), labels] -= 1.0
    return g / x.shape[0]


def _nll_grad(x: Any, labels: Any) -> Any:
    g = np.zeros_like(x)
    g[np.arange(len(labels)), labels] = -1.0 / x.shape[0]
    return g


def _multi_margin_grad(x: Any, labels: Any) -> Any:
    rows, classes = np.arange(x.shape[0]), x.shape[1]
    active = (1.0 - x[rows, labels][:, None] + x > 0).astype(x.dtype)
    active[rows, labels] = 0.0
    g = active / classes
    g[rows, labels] = -active.sum(axis=1) / classes
    return g / x.shape[0]


def _gaussian_grad(x: Any, y: Any, var: Any) -> Any:
    v = np.maximum(var, 1e-6)
    d = x - y
    return d / v / x.size, np.where(var >= 1e-6, 0.5 * (1 / v - d * d / v**2), 0.0) / x.size


GRADS: dict[str, Callable[..., Any]] = {
    "mse_loss": lambda x, y: 2.0 * (x - y) / x.size,
    "l1_loss": lambda x, y: np.sign(x - y) / x.size,
    "huber_loss": lambda x, y: np.clip(x - y, -1.0, 1.0) / x.size,
    "smooth_l1_loss": lambda x, y: np.clip(x - y, -1.0, 1.0) / x.size,
    "log_cosh_loss": lambda x, y: np.tanh(x - y) / x.size,
    "quantile_loss": lambda x, y: 0.5 * np.sign(x - y) / x.size,
    "poisson_nll_loss": lambda x, y: (np.exp(x) - y) / x.size,
    "binary_cross_entropy": lambda x, y: (x - y) / np.maximum(x * (1 - x), 1e-12) / x.size,
    "binary_cross_entropy_with_logits": lambda x, y: (_sigmoid(x) - y) / x.size,
    "kl_div": lambda x, y: -y / x.size,
    "soft_margin_loss": lambda x, y: -y * _sigmoid(-y * x) / x.size,
    "hinge_embedding_loss": lambda x, y: np.where(y == 1, 1.0, np.where(x < 1, -1.0, 0.0)) / x.size,
    "gaussian_nll_loss": _gaussian_grad,
    "cross_entropy": _cross_entropy_grad,
    "nll_loss": _nll_grad,
    "multi_margin_loss": _multi_margin_grad,
    "multilabel_soft_margin_loss": lambda x, y: (_sigmoid(x) - y) / x.size,
}


# Activations as a numpy user writes them: the value, and the vector-Jacobian product with an
# upstream u derived by hand. numpy has no erf: gelu's stand-in is the tanh form (a different
# function, which the error column shows).
def _softmax(x: Any) -> Any:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _gelu_tanh(x: Any) -> Any:
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))


def _gelu_tanh_vjp(x: Any, u: Any) -> Any:
    k = math.sqrt(2.0 / math.pi)
    t = np.tanh(k * (x + 0.044715 * x**3))
    return u * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * k * (1.0 + 3 * 0.044715 * x * x))


ACTIVATION_VALUES: dict[str, Callable[[Any], Any]] = {
    "softmax": _softmax,
    "log_softmax": lambda x: (
        (z := x - x.max(axis=-1, keepdims=True)) - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    ),
    "sigmoid": _sigmoid,
    "log_sigmoid": lambda x: -np.logaddexp(0.0, -x),
    "softplus": lambda x: np.where(x > 20.0, x, np.log1p(np.exp(np.minimum(x, 20.0)))),
    "relu": lambda x: np.maximum(x, 0.0),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.01 * x),
    "elu": lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0.0))),
    "tanh": np.tanh,
    "gelu": _gelu_tanh,
    "silu": lambda x: x * _sigmoid(x),
}

ACTIVATION_VJPS: dict[str, Callable[[Any, Any], Any]] = {
    "softmax": lambda x, u: (p := _softmax(x)) * (u - (u * p).sum(axis=-1, keepdims=True)),
    "log_softmax": lambda x, u: u - _softmax(x) * u.sum(axis=-1, keepdims=True),
    "sigmoid": lambda x, u: u * (s := _sigmoid(x)) * (1.0 - s),
    "log_sigmoid": lambda x, u: u * _sigmoid(-x),
    "softplus": lambda x, u: np.where(x > 20.0, u, u * _sigmoid(x)),
    "relu": lambda x, u: u * (x > 0),
    "leaky_relu": lambda x, u: u * np.where(x > 0, 1.0, 0.01),
    "elu": lambda x, u: u * np.where(x > 0, 1.0, np.exp(np.minimum(x, 0.0))),
    "tanh": lambda x, u: u * (1.0 - np.tanh(x) ** 2),
    "gelu": _gelu_tanh_vjp,
    "silu": lambda x, u: u * (s := _sigmoid(x)) * (1.0 + x * (1.0 - s)),
}
