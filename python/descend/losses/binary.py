"""Binary losses, with ``torch.nn.functional``'s names, arguments, defaults and semantics.

Binary cross-entropy on probabilities and on logits, the soft margin and hinge-embedding
losses of ±1 targets.

Pointwise like the regression losses (``weight`` broadcasts to the input's shape where torch
takes one; ``"mean"`` divides by the element count, as torch's).
"""

from __future__ import annotations

from typing import Any

from numpy.typing import ArrayLike, NDArray

from descend._loss import Reduction, loss

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "hinge_embedding_loss",
    "soft_margin_loss",
]


@loss
def binary_cross_entropy(
    input: ArrayLike,
    target: ArrayLike,
    /,
    *,
    reduction: Reduction = "mean",
    weight: ArrayLike | None = None,
    upstream: ArrayLike | None = None,
    out: NDArray[Any] | None = None,
) -> None:
    """Binary cross-entropy of probabilities ``input`` against targets in [0, 1].

    Parameters
    ----------
    input : array_like
        Probabilities x in [0, 1], of any shape.
    target : array_like
        Targets y in [0, 1], of the input's shape.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: w·ℓ per element; ``"sum"``: Σ w·ℓ; ``"mean"``: Σ w·ℓ / N, weighted or not, as
        torch's.
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
        ``out`` that cannot receive the result, an input or target outside [0, 1] or NaN (checked
        before anything is written).
    TypeError
        An unsupported dtype (float16, complex), an ``out`` of another dtype, an unknown
        keyword.

    Notes
    -----
    .. math::

        ℓ = −(y·max(log x, −100) + (1 − y)·max(log(1 − x), −100))

        ∂ℓ/∂x = (x − y) / max(x(1 − x), 10^{−12})

    Each log is clamped at −100 as torch's [1]_, so x = 0 or 1 stays finite (a loss of 100 at
    worst, gradients of ±1e12); the ε of the gradient is torch's backward's. Inputs and targets
    outside [0, 1], NaN included, are refused as torch refuses them. For logits use
    ``binary_cross_entropy_with_logits``, which is stable.

    References
    ----------
    .. [1] PyTorch, ``torch.nn.functional.binary_cross_entropy``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.binary_cross_entropy(np.array([0.5, 0.0]), np.array([1.0, 1.0]), reduction="none")
    array([  0.69314718, 100.        ])
    >>> ds.binary_cross_entropy.grad(np.array([0.5, 0.25]), np.array([1.0, 0.0]), reduction="none")
    array([-2.        ,  1.33333333])
    """


@loss
def binary_cross_entropy_with_logits(
    input: ArrayLike,
    target: ArrayLike,
    /,
    *,
    reduction: Reduction = "mean",
    weight: ArrayLike | None = None,
    upstream: ArrayLike | None = None,
    out: NDArray[Any] | None = None,
    pos_weight: ArrayLike | None = None,
) -> None:
    """Binary cross-entropy of logits ``input``, with ``pos_weight`` p for positive targets.

    Parameters
    ----------
    input : array_like
        Logits x, of any shape.
    target : array_like
        Targets y in [0, 1], of the input's shape.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: w·ℓ per element; ``"sum"``: Σ w·ℓ; ``"mean"``: Σ w·ℓ / N, weighted or not, as
        torch's.
    weight : array_like, optional
        Weights w, broadcast to the input's shape (default ones).
    upstream : array_like, optional
        ``.grad`` and ``.value_and_grad`` with ``reduction="none"`` only: the gradient flowing into
        the unreduced loss, of the input's shape (default ones).
    out : ndarray, optional
        Receives the gradient (``.grad``, ``.value_and_grad``) or the per-element values (a call
        with ``reduction="none"``); the result's shape and dtype, sharing no memory with an input.
    pos_weight : array_like, optional
        p, the weight of the positive term; broadcasts against the input (a (C,) array weighs the
        classes of the last axis), as torch's. Default 1.

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
    With pos_weight p (1 when absent), torch's form [1]_:

    .. math::

        ℓ = (1 − y)·x − (1 + (p − 1)·y)·log σ(x)

        ∂ℓ/∂x = (p·y + 1 − y)·σ(x) − p·y

    with log σ(x) = min(x, 0) − log1p(e^(−|x|)), which never overflows: the loss is finite for
    every finite logit, where sigmoid-then-log gives NaN for large ones. As in torch, an
    infinite logit makes the value NaN (0·∞ or ∞ − ∞) while the gradient stays finite.

    References
    ----------
    .. [1] PyTorch, ``torch.nn.functional.binary_cross_entropy_with_logits``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> x, y = np.array([[2.0, -1.0], [0.0, 1e4]]), np.array([[1.0, 0.0], [1.0, 0.0]])
    >>> ds.binary_cross_entropy_with_logits(x, y, reduction="none").round(4)
    array([[1.269e-01, 3.133e-01],
           [6.931e-01, 1.000e+04]])
    >>> round(ds.binary_cross_entropy_with_logits(x, y, pos_weight=np.array([3.0, 1.0])), 4)
    2500.6934
    """


@loss
def soft_margin_loss(
    input: ArrayLike,
    target: ArrayLike,
    /,
    *,
    reduction: Reduction = "mean",
    upstream: ArrayLike | None = None,
    out: NDArray[Any] | None = None,
) -> None:
    """Two-class logistic loss for targets ±1.

    Parameters
    ----------
    input : array_like
        Scores x, of any shape.
    target : array_like
        Targets y = ±1, of the input's shape.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: ℓ per element; ``"sum"``: Σ ℓ; ``"mean"``: Σ ℓ / N.
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

        ℓ = log(1 + e^{−y·x}), ~~~~ ∂ℓ/∂x = −y·σ(−y·x)

    The loss is softplus(−y·x), formed as max(z, 0) + log1p(e^(−|z|)), finite for every finite
    input; torch's function [1]_ computes log1p(exp(z)) literally and gives inf (and a NaN
    slope) past z ≈ 88 in float32 or 709 in float64.

    References
    ----------
    .. [1] PyTorch, ``torch.nn.functional.soft_margin_loss``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.soft_margin_loss(np.array([0.0, 2.0]), np.array([1.0, -1.0]), reduction="none")
    array([0.69314718, 2.12692801])
    >>> ds.soft_margin_loss.grad(np.array([0.0, 2.0]), np.array([1.0, -1.0]), reduction="none")
    array([-0.5       ,  0.88079708])
    """


@loss
def hinge_embedding_loss(
    input: ArrayLike,
    target: ArrayLike,
    /,
    *,
    reduction: Reduction = "mean",
    upstream: ArrayLike | None = None,
    out: NDArray[Any] | None = None,
    margin: float = 1.0,
) -> None:
    """Hinge embedding loss of distances ``input`` for targets ±1.

    Parameters
    ----------
    input : array_like
        Distances x, of any shape.
    target : array_like
        Targets y = ±1, of the input's shape.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: ℓ per element; ``"sum"``: Σ ℓ; ``"mean"``: Σ ℓ / N.
    upstream : array_like, optional
        ``.grad`` and ``.value_and_grad`` with ``reduction="none"`` only: the gradient flowing into
        the unreduced loss, of the input's shape (default ones).
    out : ndarray, optional
        Receives the gradient (``.grad``, ``.value_and_grad``) or the per-element values (a call
        with ``reduction="none"``); the result's shape and dtype, sharing no memory with an input.
    margin : float, default 1.0
        The margin that distances of dissimilar pairs (y = −1) should exceed; finite.

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
        ``out`` that cannot receive the result, a ``margin`` that is not finite.
    TypeError
        An unsupported dtype (float16, complex), an ``out`` of another dtype, an unknown
        keyword.

    Notes
    -----
    .. math::

        ℓ = x, ~~~~ ∂ℓ/∂x = 1 ~~~~~~~~ (y = 1)

        ℓ = max(0, margin − x), ~~~~ ∂ℓ/∂x = −[margin − x > 0] ~~~~~~~~ (y = −1)

    torch's form [1]_, ℓ = [y ≠ 1]·max(margin − x, 0) + [y ≠ −1]·x, also defines other
    targets: for anything else (0, NaN) both terms count. The slope is 0 at the kink and for NaN,
    as torch's; the clamp keeps NaN in the value (torch's ``clamp_min``).

    References
    ----------
    .. [1] PyTorch, ``torch.nn.functional.hinge_embedding_loss``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.hinge_embedding_loss(np.array([0.3, 0.3]), np.array([1.0, -1.0]), reduction="none")
    array([0.3, 0.7])
    >>> x, y = np.array([0.3, 0.3, 1.5]), np.array([1.0, -1.0, -1.0])
    >>> ds.hinge_embedding_loss.grad(x, y, reduction="none")
    array([ 1., -1.,  0.])
    """
