"""Likelihood and divergence losses, with ``torch.nn.functional``'s names and semantics.

The negative log-likelihood of targets under Poisson and Gaussian predictions, and the
Kullback–Leibler divergence, with torch's arguments and defaults.

Pointwise like the regression losses: ``weight`` broadcasts to the input's shape where torch
takes one, ``upstream`` (``.grad`` with ``reduction="none"``) multiplies the elementwise
derivative, ``out`` receives the gradient or the elementwise values.
"""

from __future__ import annotations

from typing import Any, Literal

from numpy.typing import ArrayLike, NDArray

from descend._loss import Reduction, loss

__all__ = [
    "gaussian_nll_loss",
    "kl_div",
    "poisson_nll_loss",
]

BatchReduction = Literal["none", "mean", "sum", "batchmean"]


@loss
def poisson_nll_loss(
    input: ArrayLike,
    target: ArrayLike,
    /,
    *,
    reduction: Reduction = "mean",
    weight: ArrayLike | None = None,
    upstream: ArrayLike | None = None,
    out: NDArray[Any] | None = None,
    log_input: bool = True,
    full: bool = False,
    eps: float = 1e-8,
) -> None:
    """Poisson negative log-likelihood of counts ``target`` under rate ``input``.

    Parameters
    ----------
    input : array_like
        The log-rate x (``log_input=True``) or the rate (``log_input=False``), any shape.
    target : array_like
        Counts y, of the input's shape.
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
    log_input : bool, default True
        Whether ``input`` is the log of the rate.
    full : bool, default False
        Add the Stirling approximation of log(y!), which does not depend on the input.
    eps : float, default 1e-8
        Added to the rate before its log when ``log_input=False``; finite and > 0.

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
        ``out`` that cannot receive the result, ``eps`` not finite and > 0.
    TypeError
        An unsupported dtype (float16, complex), an ``out`` of another dtype, an unknown
        keyword.

    Notes
    -----
    ``log_input=True`` (``eps`` unused) and ``log_input=False``:

    .. math::

        ℓ = e^x − y·x, ~~~~ ∂ℓ/∂x = e^x − y

        ℓ = x − y·log(x + ε), ~~~~ ∂ℓ/∂x = 1 − y/(x + ε)

    ``full=True`` adds y·log y − y + ½·log(2πy) where y > 1 (0 elsewhere; a NaN target stays
    NaN, as torch's ``masked_fill(target <= 1, 0)``). As torch's function [1]_, which takes no
    ``weight``; descend's weighted ``"mean"`` is Σ w·ℓ / Σ w.

    References
    ----------
    .. [1] PyTorch, ``torch.nn.functional.poisson_nll_loss``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.poisson_nll_loss(np.array([0.0]), np.array([2.0]))
    1.0
    >>> ds.poisson_nll_loss.grad(np.array([0.0, 1.0]), np.array([2.0, 3.0]), reduction="none")
    array([-1.        , -0.28171817])
    """


@loss
def gaussian_nll_loss(
    input: ArrayLike,
    target: ArrayLike,
    var: ArrayLike,
    /,
    *,
    reduction: Reduction = "mean",
    upstream: ArrayLike | None = None,
    out: NDArray[Any] | None = None,
    full: bool = False,
    eps: float = 1e-6,
) -> None:
    """Gaussian negative log-likelihood of ``target`` under means ``input``, variances ``var``.

    Parameters
    ----------
    input : array_like
        Means x, of any shape.
    target : array_like
        Targets y, of the input's shape.
    var : array_like or float
        Variances: of the input's shape, or without its last dimension, or anything that
        broadcasts to it (a float: one variance for all). Differentiated, like the input.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: ℓ per element; ``"sum"``: Σ ℓ; ``"mean"``: Σ ℓ / N.
    upstream : array_like, optional
        ``.grad`` and ``.value_and_grad`` with ``reduction="none"`` only: the gradient flowing into
        the unreduced loss, of the input's shape (default ones).
    out : ndarray, optional
        Receives the input's gradient (``.grad``, ``.value_and_grad``) or the per-element values
        (a call with ``reduction="none"``).
    full : bool, default False
        Add the constant ½·log 2π to every element.
    eps : float, default 1e-6
        Variances below ``eps`` are raised to it; finite and > 0.

    Returns
    -------
    float or ndarray
        The loss: a float for ``"mean"`` and ``"sum"``, an array like ``input`` for ``"none"``.
        ``.grad`` returns ``(d_input, d_var)``, ``d_var`` in the shape ``var`` was given in;
        ``.value_and_grad`` returns ``(loss, (d_input, d_var))``.

    Raises
    ------
    ValueError
        Shapes that do not match, an unknown ``reduction``, ``upstream`` with a reduced loss, an
        ``out`` that cannot receive the result, a negative ``var`` (checked before anything is
        written).
    TypeError
        An unsupported dtype (float16, complex), an ``out`` of another dtype, an unknown
        keyword.

    Notes
    -----
    With v = max(var, ε) and d = x − y (``full`` adds ½·log 2π to ℓ):

    .. math::

        ℓ = ½·(log v + d^2/v)

        ∂ℓ/∂x = d/v, ~~~~ ∂ℓ/∂var = ½·(1/v − d^2/v^2)

    As torch's function [1]_, the clamp does not stop the gradient: ∂ℓ/∂var is the formula at
    the clamped v even where var < ε. NaN passes through, as in torch. The loss of a network
    that predicts a mean and a variance [2]_.

    References
    ----------
    .. [1] PyTorch, ``torch.nn.functional.gaussian_nll_loss``.
    .. [2] D. A. Nix and A. S. Weigend, "Estimating the mean and variance of the target
       probability distribution", IEEE International Conference on Neural Networks, 1994.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> x, y = np.array([[1.0, 2.0], [0.0, 0.0]]), np.zeros((2, 2))
    >>> round(ds.gaussian_nll_loss(x, y, np.ones((2, 2))), 4)
    0.625
    >>> d_input, d_var = ds.gaussian_nll_loss.grad(x, y, np.ones(2), reduction="sum")
    >>> d_input.tolist(), d_var.tolist()
    ([[1.0, 2.0], [0.0, 0.0]], [-1.5, 1.0])
    """


@loss
def kl_div(
    input: ArrayLike,
    target: ArrayLike,
    /,
    *,
    reduction: BatchReduction = "mean",
    upstream: ArrayLike | None = None,
    out: NDArray[Any] | None = None,
    log_target: bool = False,
) -> None:
    """Kullback–Leibler divergence of ``target`` from the log-probabilities ``input``.

    Parameters
    ----------
    input : array_like
        Log-probabilities x, of any shape.
    target : array_like
        Probabilities t (log-probabilities with ``log_target=True``), of the input's shape.
    reduction : {"mean", "sum", "none", "batchmean"}, default "mean"
        ``"none"``: ℓ per element; ``"sum"``: Σ ℓ; ``"mean"``: Σ ℓ / N over every element (torch's
        default); ``"batchmean"``: Σ ℓ / ``input.shape[0]``, the divergence per sample.
    upstream : array_like, optional
        ``.grad`` and ``.value_and_grad`` with ``reduction="none"`` only: the gradient flowing into
        the unreduced loss, of the input's shape (default ones).
    out : ndarray, optional
        Receives the gradient (``.grad``, ``.value_and_grad``) or the per-element values (a call
        with ``reduction="none"``).
    log_target : bool, default False
        Whether ``target`` holds log-probabilities.

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
    ``log_target=False`` (with 0·log 0 = 0) and ``log_target=True``:

    .. math::

        ℓ = t·log t − t·x, ~~~~ ∂ℓ/∂x = −t

        ℓ = e^t·(t − x), ~~~~ ∂ℓ/∂x = −e^t

    Summed over a row, this is KL(t ‖ e^x) [1]_. ``reduction="batchmean"`` divides the sum by
    ``input.shape[0]``: the divergence per sample; torch's ``"mean"`` divides by every element,
    which is rarely what is meant [2]_. As in torch, a negative or NaN target gives NaN, and so
    do t = 0 with x = −∞ and, in log space, t = −∞ (0·∞); the gradient stays −t (−e^t).

    References
    ----------
    .. [1] S. Kullback and R. A. Leibler, "On Information and Sufficiency", Annals of
       Mathematical Statistics 22(1), 79–86, 1951.
    .. [2] PyTorch, ``torch.nn.functional.kl_div``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> p = np.array([[0.5, 0.5], [0.9, 0.1]])
    >>> round(ds.kl_div(np.log(np.full((2, 2), 0.5)), p, reduction="batchmean"), 4)
    0.184
    >>> ds.kl_div.grad(np.log(np.full((2, 2), 0.5)), p, reduction="batchmean")
    array([[-0.25, -0.25],
           [-0.45, -0.05]])
    """
