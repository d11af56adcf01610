"""Classification losses, with ``torch.nn.functional``'s names, arguments, defaults and semantics.

Row-wise losses take scores ``input`` of shape (C,), (N, C) or (N, C, d1, …, dK), the classes on
axis 1 as torch's, and ``target`` as integer class labels (int32 or int64, shaped like the input
without its class axis) or, where stated, class probabilities of the input's shape. Their
``weight`` holds one weight per class. ``reduction="none"`` gives one value per row, shaped like
the labels; ``upstream`` (``.grad`` with ``reduction="none"``) has that shape too. ``out``
receives the gradient, or the per-row values of a value call. Labels out of range raise
``IndexError`` before anything is written.

K-dimensional inputs (K ≥ 1) are copied once into row order, and their gradient copied back.
"""

from __future__ import annotations

from typing import Any

from numpy.typing import ArrayLike, NDArray

from descend._loss import Reduction, loss

__all__ = [
    "cross_entropy",
    "multi_margin_loss",
    "multilabel_soft_margin_loss",
    "nll_loss",
]


@loss
def cross_entropy(
    input: ArrayLike,
    target: ArrayLike,
    /,
    *,
    reduction: Reduction = "mean",
    weight: ArrayLike | None = None,
    upstream: ArrayLike | None = None,
    out: NDArray[Any] | None = None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
) -> None:
    """Softmax cross-entropy of logits ``input`` against labels or class probabilities.

    Parameters
    ----------
    input : array_like
        Logits x of shape (C,), (N, C) or (N, C, d1, …, dK), the classes on axis 1 as torch's.
    target : array_like
        Class labels y (int32 or int64, shaped like the input without its class axis), or class
        probabilities t of the input's shape.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: one value per row, shaped like the labels; ``"sum"``: their sum; ``"mean"``:
        with labels, the sum divided by Σ w_y over the rows whose label is not ``ignore_index``;
        with probabilities, by the number of rows.
    weight : array_like, optional
        One weight per class, shape (C,) (default ones).
    upstream : array_like, optional
        ``.grad`` and ``.value_and_grad`` with ``reduction="none"`` only: the gradient flowing into
        each row's loss, shaped like the labels (default ones).
    out : ndarray, optional
        Receives the gradient (``.grad``, ``.value_and_grad``, the input's shape) or the per-row
        values (a call with ``reduction="none"``).
    ignore_index : int, default -100
        A label whose rows add nothing to the loss, its denominator or the gradient (labels only).
    label_smoothing : float, default 0.0
        ε in [0, 1]: the target becomes (1 − ε)·one-hot + ε/C.

    Returns
    -------
    float or ndarray
        The loss: a float for ``"mean"`` and ``"sum"``, one value per row for ``"none"``.
        ``.grad`` returns d(loss)/d(input), an array like ``input``; ``.value_and_grad`` returns
        ``(loss, gradient)`` from one pass over memory.

    Raises
    ------
    ValueError
        Shapes that do not match, an unknown ``reduction``, ``upstream`` with a reduced loss, an
        ``out`` that cannot receive the result, ``label_smoothing`` outside [0, 1].
    TypeError
        An unsupported dtype, float labels where integer labels are expected, an ``out`` of
        another dtype, an unknown keyword.
    IndexError
        A label out of range [0, C) that is not ``ignore_index``, checked before anything is
        written.

    Notes
    -----
    With p = softmax(x) over the classes, class weights w (ones by default), smoothing ε and C
    classes; for a label y:

    .. math::

        ℓ = (1 − ε)·w_y·(−log p_y) + (ε/C)·∑_c w_c·(−log p_c)

        ∂ℓ/∂x = (1 − ε)·w_y·(p − e_y) + (ε/C)·(p·∑_c w_c − w)

    and for probabilities t (smoothed to t' = (1 − ε)·t + ε/C):

    .. math::

        ℓ = −∑_c w_c·t'_c·log p_c, ~~~~ ∂ℓ/∂x = p·∑_c w_c·t'_c − w·t'

    ``"mean"`` follows torch [1]_: with labels the loss, smoothing term included, is divided by
    Σ w_y over the kept rows (their count without weights); with probabilities by the number
    of rows (``ignore_index`` must then keep its default, as in torch). All rows ignored: the
    mean is NaN and the gradient zeros; kept rows whose weights sum to 0 also give a NaN mean
    (torch's 0/0).

    Computed as log-sum-exp, one exponential per element, in float64 for each row's lse and
    loss; −log p_c is formed as ln Σ e^(x − max) − (x_c − max), class by class, so huge equal
    logits cost ln C rather than cancelling to 0 or NaN. A NaN or +inf logit makes its row NaN,
    as in torch, except that an ignored row's gradient is 0 (torch's is NaN there). Label
    smoothing as in Szegedy et al. [2]_.

    References
    ----------
    .. [1] PyTorch, ``torch.nn.functional.cross_entropy``.
    .. [2] C. Szegedy, V. Vanhoucke, S. Ioffe, J. Shlens and Z. Wojna, "Rethinking the
       Inception Architecture for Computer Vision", CVPR, 2016.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> logits = np.array([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    >>> round(ds.cross_entropy(logits, np.array([0, 2])), 4)
    0.6691
    >>> ds.cross_entropy.grad(logits, np.array([0, 2]), reduction="sum").round(3)
    array([[-0.213,  0.107,  0.107],
           [ 0.333,  0.333, -0.667]])
    >>> round(ds.cross_entropy(logits[:1], np.array([[0.5, 0.5, 0.0]])), 4)
    1.2395
    """


@loss
def nll_loss(
    input: ArrayLike,
    target: ArrayLike,
    /,
    *,
    reduction: Reduction = "mean",
    weight: ArrayLike | None = None,
    upstream: ArrayLike | None = None,
    out: NDArray[Any] | None = None,
    ignore_index: int = -100,
) -> None:
    """Negative log-likelihood of log-probabilities ``input`` at integer labels.

    Parameters
    ----------
    input : array_like
        Log-probabilities x of shape (C,), (N, C) or (N, C, d1, …, dK), the classes on axis 1 as
        torch's.
    target : array_like
        Class labels y, int32 or int64, shaped like the input without its class axis.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: one value per row, shaped like the labels; ``"sum"``: their sum; ``"mean"``:
        the sum divided by Σ w_y over the rows whose label is not ``ignore_index``.
    weight : array_like, optional
        One weight per class, shape (C,) (default ones).
    upstream : array_like, optional
        ``.grad`` and ``.value_and_grad`` with ``reduction="none"`` only: the gradient flowing into
        each row's loss, shaped like the labels (default ones).
    out : ndarray, optional
        Receives the gradient (``.grad``, ``.value_and_grad``, the input's shape) or the per-row
        values (a call with ``reduction="none"``).
    ignore_index : int, default -100
        A label whose rows add nothing to the loss, its denominator or the gradient.

    Returns
    -------
    float or ndarray
        The loss: a float for ``"mean"`` and ``"sum"``, one value per row for ``"none"``.
        ``.grad`` returns d(loss)/d(input), an array like ``input``; ``.value_and_grad`` returns
        ``(loss, gradient)`` from one pass over memory.

    Raises
    ------
    ValueError
        Shapes that do not match, an unknown ``reduction``, ``upstream`` with a reduced loss, an
        ``out`` that cannot receive the result.
    TypeError
        An unsupported dtype, float labels where integer labels are expected, an ``out`` of
        another dtype, an unknown keyword.
    IndexError
        A label out of range [0, C) that is not ``ignore_index``, checked before anything is
        written.

    Notes
    -----
    .. math::

        ℓ = −w_y·x_y, ~~~~ ∂ℓ/∂x_c = −w_y·[c = y]

    Only x_y is read: a NaN elsewhere in the row does not reach the loss, as in torch [1]_. All
    rows ignored gives a NaN mean. Memory-bound: the gradient is mostly zeros. With
    ``log_softmax`` in front, this is ``cross_entropy``, which fuses the two.

    References
    ----------
    .. [1] PyTorch, ``torch.nn.functional.nll_loss``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> logp = np.log(np.array([[0.5, 0.25, 0.25], [0.1, 0.1, 0.8]]))
    >>> round(ds.nll_loss(logp, np.array([0, 2])), 4)
    0.4581
    >>> ds.nll_loss.grad(logp, np.array([0, 2]), reduction="sum")
    array([[-1.,  0.,  0.],
           [ 0.,  0., -1.]])
    """


@loss
def multi_margin_loss(
    input: ArrayLike,
    target: ArrayLike,
    /,
    *,
    reduction: Reduction = "mean",
    weight: ArrayLike | None = None,
    upstream: ArrayLike | None = None,
    out: NDArray[Any] | None = None,
    p: int = 1,
    margin: float = 1.0,
) -> None:
    """Multi-class hinge loss (Weston–Watkins) of scores ``input`` (C,) or (N, C) at labels.

    Parameters
    ----------
    input : array_like
        Scores x, of shape (C,) or (N, C).
    target : array_like
        Class labels y, int32 or int64, shaped like the input without its class axis.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: one value per row, shaped like the labels; ``"sum"``: their sum; ``"mean"``:
        the sum divided by the number of rows, weights or not.
    weight : array_like, optional
        One weight per class, shape (C,) (default ones).
    upstream : array_like, optional
        ``.grad`` and ``.value_and_grad`` with ``reduction="none"`` only: the gradient flowing into
        each row's loss, shaped like the labels (default ones).
    out : ndarray, optional
        Receives the gradient (``.grad``, ``.value_and_grad``, the input's shape) or the per-row
        values (a call with ``reduction="none"``).
    p : {1, 2}, default 1
        The power of each hinge.
    margin : float, default 1.0
        The margin the label's score should exceed every other by; finite.

    Returns
    -------
    float or ndarray
        The loss: a float for ``"mean"`` and ``"sum"``, one value per row for ``"none"``.
        ``.grad`` returns d(loss)/d(input), an array like ``input``; ``.value_and_grad`` returns
        ``(loss, gradient)`` from one pass over memory.

    Raises
    ------
    ValueError
        Shapes that do not match, an unknown ``reduction``, ``upstream`` with a reduced loss, an
        ``out`` that cannot receive the result, ``p`` other than 1 or 2, a ``margin`` that is not
        finite.
    TypeError
        An unsupported dtype, float labels where integer labels are expected, an ``out`` of
        another dtype, an unknown keyword.
    IndexError
        A label out of range [0, C) that is not ``ignore_index``, checked before anything is
        written.

    Notes
    -----
    With z_c = margin − x_y + x_c:

    .. math::

        ℓ = (w_y/C)·∑_{c ≠ y} max(0, z_c)^p

        ∂ℓ/∂x_c = (w_y/C)·p·z_c^{p−1} ~~ (c ≠ y, z_c > 0), ~~~~ ∂ℓ/∂x_y = −∑_{c ≠ y} ∂ℓ/∂x_c

    Only z_c > 0 counts, as in torch's kernel [1]_: z_c = 0 and NaN (a NaN score) add nothing to
    the loss or the gradient. The slope 2z/C of p = 2 does not overflow near the largest float.
    The multi-class support vector machine's loss of Weston and Watkins [2]_.

    References
    ----------
    .. [1] PyTorch, ``torch.nn.functional.multi_margin_loss``.
    .. [2] J. Weston and C. Watkins, "Support Vector Machines for Multi-Class Pattern
       Recognition", ESANN, 1999.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> x = np.array([[0.1, 0.2, 0.4, 0.8]])
    >>> round(ds.multi_margin_loss(x, np.array([3])), 4)
    0.325
    >>> ds.multi_margin_loss.grad(x, np.array([3])).tolist()
    [[0.25, 0.25, 0.25, -0.75]]
    """


@loss
def multilabel_soft_margin_loss(
    input: ArrayLike,
    target: ArrayLike,
    /,
    *,
    reduction: Reduction = "mean",
    weight: ArrayLike | None = None,
    upstream: ArrayLike | None = None,
    out: NDArray[Any] | None = None,
) -> None:
    """One-versus-all logistic loss of logits ``input`` (C,) or (N, C), a 0/1 target per class.

    Parameters
    ----------
    input : array_like
        Logits x, of shape (C,) or (N, C).
    target : array_like
        Targets y in {0, 1} per class, a float array of the input's shape.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: one value per row, shaped like the labels; ``"sum"``: their sum; ``"mean"``:
        the sum divided by the number of rows.
    weight : array_like, optional
        One weight per class, shape (C,) (default ones).
    upstream : array_like, optional
        ``.grad`` and ``.value_and_grad`` with ``reduction="none"`` only: the gradient flowing into
        each row's loss, shaped like the labels (default ones).
    out : ndarray, optional
        Receives the gradient (``.grad``, ``.value_and_grad``, the input's shape) or the per-row
        values (a call with ``reduction="none"``).

    Returns
    -------
    float or ndarray
        The loss: a float for ``"mean"`` and ``"sum"``, one value per row for ``"none"``.
        ``.grad`` returns d(loss)/d(input), an array like ``input``; ``.value_and_grad`` returns
        ``(loss, gradient)`` from one pass over memory.

    Raises
    ------
    ValueError
        Shapes that do not match, an unknown ``reduction``, ``upstream`` with a reduced loss, an
        ``out`` that cannot receive the result.
    TypeError
        An unsupported dtype, float labels where integer labels are expected, an ``out`` of
        another dtype, an unknown keyword.

    Notes
    -----
    .. math::

        ℓ = −(1/C)·∑_c w_c·(y_c·log σ(x_c) + (1 − y_c)·log σ(−x_c))

        ∂ℓ/∂x_c = w_c·(σ(x_c) − y_c)/C

    one value per row. log σ is formed without overflow; as in torch's literal form [1]_, an
    infinite logit makes its row's value NaN (0·∞) while the gradient stays finite. A row of no
    classes is NaN, a mean over nothing.

    References
    ----------
    .. [1] PyTorch, ``torch.nn.functional.multilabel_soft_margin_loss``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> x, y = np.array([[0.0, 2.0], [1.0, -1.0]]), np.array([[1.0, 1.0], [0.0, 0.0]])
    >>> ds.multilabel_soft_margin_loss(x, y, reduction="none").round(4)
    array([0.41  , 0.8133])
    >>> ds.multilabel_soft_margin_loss.grad(x, y, reduction="none").round(4)
    array([[-0.25  , -0.0596],
           [ 0.3655,  0.1345]])
    """
