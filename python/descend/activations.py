"""Activations, with ``torch.nn.functional``'s names, arguments, defaults and semantics.

Each is a :class:`descend.Activation`: call it for the value, ``.grad`` for the
vector-Jacobian product ``upstream · J`` and ``.value_and_grad`` for both in one pass. The
input is positional; options may be positional after it or keywords, as torch's (``.grad``
and ``.value_and_grad`` take them as keywords, after ``upstream``). ``out=`` receives the
value of a call and the gradient of ``.grad`` and ``.value_and_grad``.

For the elementwise activations ``upstream`` defaults to ones, so ``.grad(x)`` is the
derivative f'(x); softmax and log_softmax need it. Every finite input gives a finite value and
gradient; NaN propagates except where torch's derivative is a comparison NaN fails (relu,
leaky_relu, elu), and ±inf give torch's results, NaN included (gelu, silu).
"""

from __future__ import annotations

from typing import Any, Literal

from numpy.typing import ArrayLike, NDArray

from descend._activation import activation

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


@activation
def softmax(input: ArrayLike, /, dim: int = -1, *, out: NDArray[Any] | None = None) -> None:
    """Softmax along ``dim``.

    p = exp(x − max x) / Σ exp(x − max x) over ``dim``; vector-Jacobian product
    g = p·(u − Σ u·p). torch: ``torch.nn.functional.softmax(input, dim)``. A row (along
    ``dim``) holding +inf or NaN, or only −inf, is NaN, as torch's. ``dim`` may be any axis,
    negative from the end; out of range raises IndexError.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.softmax(np.array([0.0, np.log(3.0)]))
    array([0.25, 0.75])
    >>> ds.softmax.grad(np.array([0.0, np.log(3.0)]), np.array([1.0, 0.0]))
    array([ 0.1875, -0.1875])
    """


@activation
def log_softmax(input: ArrayLike, /, dim: int = -1, *, out: NDArray[Any] | None = None) -> None:
    """Log-softmax along ``dim``.

    y = x − max x − log Σ exp(x − max x) over ``dim``; vector-Jacobian product
    g = u − softmax(x)·Σ u. torch: ``torch.nn.functional.log_softmax(input, dim)``. Rows
    with +inf or NaN, or only −inf, are NaN, as torch's.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.log_softmax(np.array([0.0, np.log(3.0)])).round(4)
    array([-1.3863, -0.2877])
    >>> ds.log_softmax.grad(np.array([0.0, np.log(3.0)]), np.array([1.0, 1.0]))
    array([ 0.5, -0.5])
    """


@activation
def sigmoid(input: ArrayLike, /, *, out: NDArray[Any] | None = None) -> None:
    """Logistic sigmoid.

    σ(x) = 1 / (1 + exp(−x)); derivative σ(x)·σ(−x) = σ(x)·(1 − σ(x)). torch:
    ``torch.sigmoid`` / ``torch.nn.functional.sigmoid``. Computed from exp(−|x|), which never
    overflows; the derivative as the product σ(x)·σ(−x), which does not cancel for x ≫ 0.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.sigmoid(np.array([0.0, 800.0, -800.0]))
    array([0.5, 1. , 0. ])
    >>> ds.sigmoid.grad(np.array([0.0, 40.0]))
    array([2.50000000e-01, 4.24835426e-18])
    """


@activation
def log_sigmoid(input: ArrayLike, /, *, out: NDArray[Any] | None = None) -> None:
    """Log of the logistic sigmoid.

    log σ(x) = min(x, 0) − log1p(exp(−|x|)); derivative σ(−x). torch:
    ``torch.nn.functional.logsigmoid`` (descend's name has the underscore, as jax's).
    Finite for every finite x.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.log_sigmoid(np.array([0.0, -1e30])).round(6)
    array([-6.93147e-01, -1.00000e+30])
    >>> ds.log_sigmoid.grad(np.array([0.0]))
    array([0.5])
    """


@activation
def softplus(
    input: ArrayLike,
    /,
    beta: float = 1.0,
    threshold: float = 20.0,
    *,
    out: NDArray[Any] | None = None,
) -> None:
    """Softplus.

    f(x) = log(1 + exp(β·x)) / β, and x where β·x > threshold (strictly); derivative
    σ(β·x), and 1 where β·x > threshold. torch: ``torch.nn.functional.softplus(input, beta,
    threshold)``. Computed as max(z, 0) + log1p(exp(−|z|)), which stays finite where torch's
    log1p(exp(β·x)) overflows. ``beta`` must be > 0 (torch also takes negative values).

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.softplus(np.array([0.0, 30.0])).round(6)
    array([ 0.693147, 30.      ])
    >>> ds.softplus.grad(np.array([0.0, 30.0]), beta=2.0)
    array([0.5, 1. ])
    """


@activation
def relu(input: ArrayLike, /, *, out: NDArray[Any] | None = None) -> None:
    """Rectified linear unit.

    f(x) = max(x, 0); derivative 1 for x > 0, else 0 (0 at x = 0, and 1 at NaN, as torch's).
    torch: ``torch.nn.functional.relu`` (``inplace=`` is not taken: use ``out=``).

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.relu(np.array([-1.0, 0.0, 2.0]))
    array([0., 0., 2.])
    >>> ds.relu.grad(np.array([-1.0, 0.0, 2.0]))
    array([0., 0., 1.])
    """


@activation
def leaky_relu(
    input: ArrayLike, /, negative_slope: float = 0.01, *, out: NDArray[Any] | None = None
) -> None:
    """Leaky rectified linear unit.

    f(x) = x for x > 0, else negative_slope·x; derivative 1 for x > 0, else negative_slope (at
    x = 0 too, as torch's). torch: ``torch.nn.functional.leaky_relu(input, negative_slope)``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.leaky_relu(np.array([-2.0, 0.0, 2.0]), 0.5)
    array([-1.,  0.,  2.])
    >>> ds.leaky_relu.grad(np.array([-2.0, 0.0, 2.0]), negative_slope=0.5)
    array([0.5, 0.5, 1. ])
    """


@activation
def elu(input: ArrayLike, /, alpha: float = 1.0, *, out: NDArray[Any] | None = None) -> None:
    """Exponential linear unit.

    f(x) = x for x > 0, else α·(exp(x) − 1); derivative 1 for x > 0, else α·exp(x) (α at
    x = 0, as torch's). torch: ``torch.nn.functional.elu(input, alpha)``. The value uses
    expm1, accurate near 0.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.elu(np.array([-np.inf, 0.0, 2.0]), alpha=0.5)
    array([-0.5,  0. ,  2. ])
    >>> ds.elu.grad(np.array([0.0, 2.0]), alpha=0.5)
    array([0.5, 1. ])
    """


@activation
def tanh(input: ArrayLike, /, *, out: NDArray[Any] | None = None) -> None:
    """Hyperbolic tangent.

    f(x) = tanh x; derivative 1 − tanh² x, computed as 4e/(1 + e)² with e = exp(−2|x|), so it
    does not cancel as |tanh x| → 1. torch: ``torch.tanh`` / ``torch.nn.functional.tanh``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.tanh(np.array([0.0, 1.0])).round(6)
    array([0.      , 0.761594])
    >>> ds.tanh.grad(np.array([0.0, 20.0]))
    array([1.0000000e+00, 1.6993417e-17])
    """


@activation
def gelu(
    input: ArrayLike,
    /,
    approximate: Literal["none", "tanh"] = "none",
    *,
    out: NDArray[Any] | None = None,
) -> None:
    """Gaussian error linear unit.

    ``"none"``: f(x) = x·Φ(x), Φ(x) = erfc(−x/√2)/2; derivative Φ(x) + x·φ(x).
    ``"tanh"``: f(x) = ½·x·(1 + tanh u) = x·σ(2u), u = √(2/π)·(x + 0.044715·x³); derivative
    σ(2u) + x·2u'·σ(2u)·σ(−2u). torch: ``torch.nn.functional.gelu(input, approximate=...)``.
    Φ through erfc keeps the left tail accurate, where torch's 1 + erf(x/√2) cancels to 0
    (gelu(−20) is −5.5e−88 here, −0.0 in torch). NaN at −inf, and for the derivative at ±inf,
    as torch's.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.gelu(np.array([-1.0, 0.0, 1.0])).round(6)
    array([-0.158655,  0.      ,  0.841345])
    >>> ds.gelu.grad(np.array([0.0, 1.0]), approximate="tanh").round(6)
    array([0.5     , 1.082964])
    """


@activation
def silu(input: ArrayLike, /, *, out: NDArray[Any] | None = None) -> None:
    """Sigmoid linear unit (swish).

    f(x) = x·σ(x); derivative σ(x)·(1 + x·σ(−x)). torch: ``torch.nn.functional.silu``. NaN
    at −inf, and for the derivative at ±inf, as torch's (inf·0).

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.silu(np.array([0.0, 1.0])).round(6)
    array([0.      , 0.731059])
    >>> ds.silu.grad(np.array([0.0]))
    array([0.5])
    """
