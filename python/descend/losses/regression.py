"""Pointwise losses, with ``torch.nn.functional``'s names, arguments, defaults and semantics.

Each is a :class:`descend.Loss`: call it for the value, ``.grad`` for d(loss)/d(input) and
``.value_and_grad`` for both in one pass. Inputs are positional, options keyword-only. Every
loss takes ``reduction`` (``"mean"``, ``"sum"`` or ``"none"``), ``weight`` (an array of the
input's shape), ``upstream`` (``.grad`` with ``reduction="none"``: multiplies the elementwise
derivative) and ``out`` (receives the gradient, or the elementwise values of a value call).

With ``weight`` w and elementwise loss l: ``"none"`` gives w·l, ``"sum"`` Σ w·l, and ``"mean"``
Σ w·l / Σ w, except ``huber_loss``, whose ``"mean"`` is Σ w·l / N, as torch's.
"""

from __future__ import annotations

from typing import Any

from numpy.typing import ArrayLike, NDArray

from descend._loss import Reduction, loss

__all__ = [
    "huber_loss",
    "l1_loss",
    "log_cosh_loss",
    "mse_loss",
    "msle_loss",
    "quantile_loss",
    "smooth_l1_loss",
]


@loss
def mse_loss(
    input: ArrayLike,
    target: ArrayLike,
    /,
    *,
    reduction: Reduction = "mean",
    weight: ArrayLike | None = None,
    upstream: ArrayLike | None = None,
    out: NDArray[Any] | None = None,
) -> None:
    """Mean squared error.

    Parameters
    ----------
    input : array_like
        Predictions x, of any shape.
    target : array_like
        Targets y, of the input's shape.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: w·ℓ per element; ``"sum"``: Σ w·ℓ; ``"mean"``: Σ w·ℓ / Σ w.
    weight : array_like, optional
        Weights w, broadcast to the input's shape (default ones).
    upstream : array_like, optional
        ``.grad`` and ``.value_and_grad`` with ``reduction="none"`` only: the gradient flowing into
        the unreduced loss, of the input's shape (default ones).
    out : ndarray, optional
        Receives the gradient (``.grad``, ``.value_and_grad``) or the per-element values (a call
        with ``reduction="none"``); the result's shape and dtype, sharing no memory with an input.

    Returns
    -------
    float or ndarray
        The loss: a float for ``"mean"`` and ``"sum"``, an array like ``input`` for ``"none"``.
        ``.grad`` returns d(loss)/d(input), an array like ``input``; ``.value_and_grad`` returns
        ``(loss, gradient)`` from one pass over memory.

    Raises
    ------
    ValueError
        Shapes that do not match, an unknown ``reduction``, ``upstream`` with a reduced loss, an
        ``out`` that cannot receive the result.
    TypeError
        An unsupported dtype (float16, complex), an ``out`` of another dtype, an unknown
        keyword.

    Notes
    -----
    .. math::

        ℓ(x, y) = (x − y)^2, ~~~~ ∂ℓ/∂x = 2(x − y)

    Exact up to the rounding of the square; the value overflows to inf past :math:`|x − y| ≈ 1.8e19`
    in float32. The weighted ``"mean"`` is Σ w·ℓ / Σ w, as torch's [1]_.

    References
    ----------
    .. [1] PyTorch, ``torch.nn.functional.mse_loss``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.mse_loss(np.array([1.0, 2.0]), np.array([0.0, 0.0]))
    2.5
    >>> ds.mse_loss.grad(np.array([1.0, 2.0]), np.array([0.0, 0.0]))
    array([1., 2.])
    """


@loss
def l1_loss(
    input: ArrayLike,
    target: ArrayLike,
    /,
    *,
    reduction: Reduction = "mean",
    weight: ArrayLike | None = None,
    upstream: ArrayLike | None = None,
    out: NDArray[Any] | None = None,
) -> None:
    """Mean absolute error.

    Parameters
    ----------
    input : array_like
        Predictions x, of any shape.
    target : array_like
        Targets y, of the input's shape.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: w·ℓ per element; ``"sum"``: Σ w·ℓ; ``"mean"``: Σ w·ℓ / Σ w.
    weight : array_like, optional
        Weights w, broadcast to the input's shape (default ones).
    upstream : array_like, optional
        ``.grad`` and ``.value_and_grad`` with ``reduction="none"`` only: the gradient flowing into
        the unreduced loss, of the input's shape (default ones).
    out : ndarray, optional
        Receives the gradient (``.grad``, ``.value_and_grad``) or the per-element values (a call
        with ``reduction="none"``); the result's shape and dtype, sharing no memory with an input.

    Returns
    -------
    float or ndarray
        The loss: a float for ``"mean"`` and ``"sum"``, an array like ``input`` for ``"none"``.
        ``.grad`` returns d(loss)/d(input), an array like ``input``; ``.value_and_grad`` returns
        ``(loss, gradient)`` from one pass over memory.

    Raises
    ------
    ValueError
        Shapes that do not match, an unknown ``reduction``, ``upstream`` with a reduced loss, an
        ``out`` that cannot receive the result.
    TypeError
        An unsupported dtype (float16, complex), an ``out`` of another dtype, an unknown
        keyword.

    Notes
    -----
    .. math::

        ℓ(x, y) = |x − y|, ~~~~ ∂ℓ/∂x = sign(x − y)

    The derivative is 0 where x = y, and also for a NaN difference: torch's ``sgn``
    convention [1]_. The weighted ``"mean"`` is Σ w·ℓ / Σ w, as torch's.

    References
    ----------
    .. [1] PyTorch, ``torch.nn.functional.l1_loss``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.l1_loss(np.array([1.0, -3.0]), np.zeros(2), reduction="sum")
    4.0
    >>> ds.l1_loss.grad(np.array([1.0, 0.0]), np.zeros(2), reduction="none")
    array([1., 0.])
    """


@loss
def huber_loss(
    input: ArrayLike,
    target: ArrayLike,
    /,
    *,
    reduction: Reduction = "mean",
    weight: ArrayLike | None = None,
    upstream: ArrayLike | None = None,
    out: NDArray[Any] | None = None,
    delta: float = 1.0,
) -> None:
    """Huber loss: quadratic near the target, linear beyond ``delta`` (> 0).

    Parameters
    ----------
    input : array_like
        Predictions x, of any shape.
    target : array_like
        Targets y, of the input's shape.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: w·ℓ per element; ``"sum"``: Σ w·ℓ; ``"mean"``: Σ w·ℓ / N, weighted or not (as
        torch's, not Σ w·ℓ / Σ w).
    weight : array_like, optional
        Weights w, broadcast to the input's shape (default ones).
    upstream : array_like, optional
        ``.grad`` and ``.value_and_grad`` with ``reduction="none"`` only: the gradient flowing into
        the unreduced loss, of the input's shape (default ones).
    out : ndarray, optional
        Receives the gradient (``.grad``, ``.value_and_grad``) or the per-element values (a call
        with ``reduction="none"``); the result's shape and dtype, sharing no memory with an input.
    delta : float, default 1.0
        δ, where the loss turns from quadratic to linear; finite and > 0.

    Returns
    -------
    float or ndarray
        The loss: a float for ``"mean"`` and ``"sum"``, an array like ``input`` for ``"none"``.
        ``.grad`` returns d(loss)/d(input), an array like ``input``; ``.value_and_grad`` returns
        ``(loss, gradient)`` from one pass over memory.

    Raises
    ------
    ValueError
        Shapes that do not match, an unknown ``reduction``, ``upstream`` with a reduced loss, an
        ``out`` that cannot receive the result, ``delta`` not finite and > 0.
    TypeError
        An unsupported dtype (float16, complex), an ``out`` of another dtype, an unknown
        keyword.

    Notes
    -----
    With d = x − y:

    .. math::

        ℓ = d^2/2, ~~~~ ∂ℓ/∂x = d ~~~~~~~~ (|d| < δ)

        ℓ = δ(|d| − δ/2), ~~~~ ∂ℓ/∂x = δ·sign(d) ~~~~~~~~ (|d| ≥ δ)

    Both branches give the same value and slope at :math:`|d| = δ`; a NaN difference gives a NaN
    slope.
    huber_loss equals ``delta * smooth_l1_loss(beta=delta)``. Huber's loss [1]_ as torch's
    function [2]_, whose weighted ``"mean"`` divides by the element count.

    References
    ----------
    .. [1] P. J. Huber, "Robust Estimation of a Location Parameter", Annals of Mathematical
       Statistics 35(1), 73–101, 1964.
    .. [2] PyTorch, ``torch.nn.functional.huber_loss``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.huber_loss(np.array([0.5, 3.0]), np.zeros(2), reduction="none")
    array([0.125, 2.5  ])
    >>> ds.huber_loss.grad(np.array([0.5, 3.0]), np.zeros(2), reduction="sum", delta=2.0)
    array([0.5, 2. ])
    """


@loss
def smooth_l1_loss(
    input: ArrayLike,
    target: ArrayLike,
    /,
    *,
    reduction: Reduction = "mean",
    weight: ArrayLike | None = None,
    upstream: ArrayLike | None = None,
    out: NDArray[Any] | None = None,
    beta: float = 1.0,
) -> None:
    """Smooth L1 loss: quadratic within ``beta`` (≥ 0) of the target, linear beyond.

    Parameters
    ----------
    input : array_like
        Predictions x, of any shape.
    target : array_like
        Targets y, of the input's shape.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: w·ℓ per element; ``"sum"``: Σ w·ℓ; ``"mean"``: Σ w·ℓ / Σ w.
    weight : array_like, optional
        Weights w, broadcast to the input's shape (default ones).
    upstream : array_like, optional
        ``.grad`` and ``.value_and_grad`` with ``reduction="none"`` only: the gradient flowing into
        the unreduced loss, of the input's shape (default ones).
    out : ndarray, optional
        Receives the gradient (``.grad``, ``.value_and_grad``) or the per-element values (a call
        with ``reduction="none"``); the result's shape and dtype, sharing no memory with an input.
    beta : float, default 1.0
        β, the width of the quadratic zone; finite and ≥ 0. ``beta=0`` is ``l1_loss``.

    Returns
    -------
    float or ndarray
        The loss: a float for ``"mean"`` and ``"sum"``, an array like ``input`` for ``"none"``.
        ``.grad`` returns d(loss)/d(input), an array like ``input``; ``.value_and_grad`` returns
        ``(loss, gradient)`` from one pass over memory.

    Raises
    ------
    ValueError
        Shapes that do not match, an unknown ``reduction``, ``upstream`` with a reduced loss, an
        ``out`` that cannot receive the result, ``beta`` not finite and ≥ 0.
    TypeError
        An unsupported dtype (float16, complex), an ``out`` of another dtype, an unknown
        keyword.

    Notes
    -----
    With d = x − y:

    .. math::

        ℓ = d^2/(2β), ~~~~ ∂ℓ/∂x = d/β ~~~~~~~~ (|d| < β)

        ℓ = |d| − β/2, ~~~~ ∂ℓ/∂x = sign(d) ~~~~~~~~ (|d| ≥ β)

    ``beta=0`` is exactly ``l1_loss``, NaN slopes included: the quadratic zone is empty, so
    nothing divides by zero. The loss of Fast R-CNN [1]_ as torch's function [2]_; torch takes
    no ``weight`` here, and descend's weighted ``"mean"`` is Σ w·ℓ / Σ w.

    References
    ----------
    .. [1] R. Girshick, "Fast R-CNN", ICCV, 2015.
    .. [2] PyTorch, ``torch.nn.functional.smooth_l1_loss``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.smooth_l1_loss(np.array([0.5, 3.0]), np.zeros(2), reduction="none")
    array([0.125, 2.5  ])
    >>> ds.smooth_l1_loss.grad(np.array([0.5, 3.0]), np.zeros(2), reduction="none")
    array([0.5, 1. ])
    """


@loss
def log_cosh_loss(
    input: ArrayLike,
    target: ArrayLike,
    /,
    *,
    reduction: Reduction = "mean",
    weight: ArrayLike | None = None,
    upstream: ArrayLike | None = None,
    out: NDArray[Any] | None = None,
) -> None:
    """Log-cosh loss: about d²/2 near the target, about abs(d) − log 2 far from it.

    Parameters
    ----------
    input : array_like
        Predictions x, of any shape.
    target : array_like
        Targets y, of the input's shape.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: w·ℓ per element; ``"sum"``: Σ w·ℓ; ``"mean"``: Σ w·ℓ / Σ w.
    weight : array_like, optional
        Weights w, broadcast to the input's shape (default ones).
    upstream : array_like, optional
        ``.grad`` and ``.value_and_grad`` with ``reduction="none"`` only: the gradient flowing into
        the unreduced loss, of the input's shape (default ones).
    out : ndarray, optional
        Receives the gradient (``.grad``, ``.value_and_grad``) or the per-element values (a call
        with ``reduction="none"``); the result's shape and dtype, sharing no memory with an input.

    Returns
    -------
    float or ndarray
        The loss: a float for ``"mean"`` and ``"sum"``, an array like ``input`` for ``"none"``.
        ``.grad`` returns d(loss)/d(input), an array like ``input``; ``.value_and_grad`` returns
        ``(loss, gradient)`` from one pass over memory.

    Raises
    ------
    ValueError
        Shapes that do not match, an unknown ``reduction``, ``upstream`` with a reduced loss, an
        ``out`` that cannot receive the result.
    TypeError
        An unsupported dtype (float16, complex), an ``out`` of another dtype, an unknown
        keyword.

    Notes
    -----
    With d = x − y:

    .. math::

        ℓ = log cosh d, ~~~~ ∂ℓ/∂x = tanh d

    cosh overflows past :math:`|d| ≈ 89` in float32, so it is never formed. With a = abs(d) and
    m = e^(−2a) − 1 (from expm1): tanh a = −m/(2 + m), without cancellation, and
    log cosh a = −½·log1p(−tanh² a) for a < 1 (accurate where ℓ ≈ d²/2) or a + log1p(m/2) for
    a ≥ 1, finite for every finite d. Not in torch; the name and formula are Keras's and
    optax's [1]_. The weighted ``"mean"`` is Σ w·ℓ / Σ w.

    References
    ----------
    .. [1] optax, ``optax.log_cosh``; Keras, ``keras.losses.log_cosh``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> round(ds.log_cosh_loss(np.array([1000.0]), np.zeros(1)), 6)
    999.306853
    >>> ds.log_cosh_loss.grad(np.array([1000.0, 0.5]), np.zeros(2), reduction="none")
    array([1.        , 0.46211716])
    """


@loss
def quantile_loss(
    input: ArrayLike,
    target: ArrayLike,
    /,
    *,
    reduction: Reduction = "mean",
    weight: ArrayLike | None = None,
    upstream: ArrayLike | None = None,
    out: NDArray[Any] | None = None,
    q: float = 0.5,
) -> None:
    """Quantile (pinball) loss of a prediction of the ``q``-th quantile, 0 < q < 1.

    Parameters
    ----------
    input : array_like
        Predictions x, of any shape.
    target : array_like
        Targets y, of the input's shape.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: w·ℓ per element; ``"sum"``: Σ w·ℓ; ``"mean"``: Σ w·ℓ / Σ w.
    weight : array_like, optional
        Weights w, broadcast to the input's shape (default ones).
    upstream : array_like, optional
        ``.grad`` and ``.value_and_grad`` with ``reduction="none"`` only: the gradient flowing into
        the unreduced loss, of the input's shape (default ones).
    out : ndarray, optional
        Receives the gradient (``.grad``, ``.value_and_grad``) or the per-element values (a call
        with ``reduction="none"``); the result's shape and dtype, sharing no memory with an input.
    q : float, default 0.5
        The quantile predicted, in the open interval (0, 1).

    Returns
    -------
    float or ndarray
        The loss: a float for ``"mean"`` and ``"sum"``, an array like ``input`` for ``"none"``.
        ``.grad`` returns d(loss)/d(input), an array like ``input``; ``.value_and_grad`` returns
        ``(loss, gradient)`` from one pass over memory.

    Raises
    ------
    ValueError
        Shapes that do not match, an unknown ``reduction``, ``upstream`` with a reduced loss, an
        ``out`` that cannot receive the result, ``q`` outside (0, 1).
    TypeError
        An unsupported dtype (float16, complex), an ``out`` of another dtype, an unknown
        keyword.

    Notes
    -----
    With d = x − y:

    .. math::

        ℓ = (1 − q)·d ~~ (d > 0), ~~~~ ℓ = −q·d ~~ (d ≤ 0)

        ∂ℓ/∂x = 1 − q ~~ (d > 0), ~~~~ −q ~~ (d < 0), ~~~~ 0 ~~ (d = 0)

    The slope at d = 0 is 0, the convention torch uses for l1 at its kink, so ``q=0.5`` is
    exactly half of ``l1_loss``, gradient included; NaN stays NaN. Minimised in expectation by
    the q-th quantile of y [1]_. Not in torch; the weighted ``"mean"`` is Σ w·ℓ / Σ w.

    References
    ----------
    .. [1] R. Koenker and G. Bassett, "Regression Quantiles", Econometrica 46(1), 33–50, 1978.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.quantile_loss(np.array([2.0, -2.0]), np.zeros(2), reduction="none", q=0.9)
    array([0.2, 1.8])
    >>> ds.quantile_loss.grad(np.array([2.0, -2.0, 0.0]), np.zeros(3), reduction="none", q=0.9)
    array([ 0.1, -0.9,  0. ])
    """


@loss
def msle_loss(
    input: ArrayLike,
    target: ArrayLike,
    /,
    *,
    reduction: Reduction = "mean",
    weight: ArrayLike | None = None,
    upstream: ArrayLike | None = None,
    out: NDArray[Any] | None = None,
) -> None:
    """Mean squared logarithmic error, for targets spread over orders of magnitude.

    Parameters
    ----------
    input : array_like
        Predictions x, of any shape.
    target : array_like
        Targets y, of the input's shape.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: w·ℓ per element; ``"sum"``: Σ w·ℓ; ``"mean"``: Σ w·ℓ / Σ w.
    weight : array_like, optional
        Weights w, broadcast to the input's shape (default ones).
    upstream : array_like, optional
        ``.grad`` and ``.value_and_grad`` with ``reduction="none"`` only: the gradient flowing into
        the unreduced loss, of the input's shape (default ones).
    out : ndarray, optional
        Receives the gradient (``.grad``, ``.value_and_grad``) or the per-element values (a call
        with ``reduction="none"``); the result's shape and dtype, sharing no memory with an input.

    Returns
    -------
    float or ndarray
        The loss: a float for ``"mean"`` and ``"sum"``, an array like ``input`` for ``"none"``.
        ``.grad`` returns d(loss)/d(input), an array like ``input``; ``.value_and_grad`` returns
        ``(loss, gradient)`` from one pass over memory.

    Raises
    ------
    ValueError
        Shapes that do not match, an unknown ``reduction``, ``upstream`` with a reduced loss, an
        ``out`` that cannot receive the result.
    TypeError
        An unsupported dtype (float16, complex), an ``out`` of another dtype, an unknown
        keyword.

    Notes
    -----
    With m(v) = log1p(max(v, ε)) and ε = 1e-7:

    .. math::

        ℓ = (m(x) − m(y))², ~~~~ ∂ℓ/∂x = 2·(m(x) − m(y))/(1 + x) ~~ (x > ε), ~~ 0 ~~ (x ≤ ε)

    The clamp is Keras's, whose ``MeanSquaredLogarithmicError`` [1]_ is this loss with
    ``reduction="none"`` averaged over the last axis; NaN propagates through it. Not in torch;
    the weighted ``"mean"`` is Σ w·ℓ / Σ w.

    References
    ----------
    .. [1] Keras, ``keras.losses.MeanSquaredLogarithmicError``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> y = np.full(2, np.e**2 - 1.0)
    >>> ds.msle_loss(np.array([np.e - 1.0, np.e**2 - 1.0]), y, reduction="none")
    array([1., 0.])
    >>> ds.msle_loss.grad(np.array([np.e - 1.0, -1.0]), y, reduction="none")
    array([-0.73575888,  0.        ])
    """
