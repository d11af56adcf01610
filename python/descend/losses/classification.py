"""Classification losses, with ``torch.nn.functional``'s names, arguments, defaults and semantics.

Binary and divergence losses are pointwise, like the regression losses (``weight`` broadcasts
to the input's shape where torch takes one; ``"mean"`` divides by the element count, as
torch's).

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

from typing import Any, Literal

from numpy.typing import ArrayLike, NDArray

from descend._loss import Reduction, loss

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "hinge_embedding_loss",
    "kl_div",
    "multi_margin_loss",
    "multilabel_soft_margin_loss",
    "nll_loss",
    "soft_margin_loss",
]

BatchReduction = Literal["none", "mean", "sum", "batchmean"]


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

    l = −(y·log x + (1 − y)·log(1 − x)), each log clamped at −100 as torch's, so x = 0 or 1
    stays finite; dl/dx = (x − y)/max(x(1 − x), 1e-12). Inputs or targets outside [0, 1]
    (NaN included) raise ``ValueError`` before anything is written, as torch refuses them.
    With ``weight`` (broadcast to the input), ``"mean"`` is Σ w·l / N. For logits use
    ``binary_cross_entropy_with_logits``, which is stable. torch:
    ``torch.nn.functional.binary_cross_entropy``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.binary_cross_entropy(np.array([0.5, 0.0]), np.array([1.0, 1.0]), reduction="none")
    array([  0.69314718, 100.        ])
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

    l = (1 − y)·x − (1 + (p − 1)·y)·log σ(x), with log σ(x) = min(x, 0) − log1p(e^(−|x|)),
    finite for every finite x; dl/dx = (p·y + 1 − y)·σ(x) − p·y. ``pos_weight`` broadcasts
    against the input (a (C,) array weighs the classes of the last axis), as does ``weight``;
    ``"mean"`` is Σ w·l / N. An infinite logit gives a NaN value and a finite gradient, as in
    torch. torch: ``torch.nn.functional.binary_cross_entropy_with_logits``.

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

    l = t·log t − t·x (0 where t = 0), dl/dx = −t; with ``log_target=True`` the target is in
    log space too: l = e^t·(t − x), dl/dx = −e^t. ``reduction="batchmean"`` divides the sum by
    ``input.shape[0]``: the divergence per sample (torch's ``"mean"`` divides by every
    element, which is rarely what is meant). torch: ``torch.nn.functional.kl_div``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> p = np.array([[0.5, 0.5], [0.9, 0.1]])
    >>> round(ds.kl_div(np.log(np.full((2, 2), 0.5)), p, reduction="batchmean"), 4)
    0.184
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

    l = log(1 + e^(−y·x)), dl/dx = −y·σ(−y·x), formed stably (torch's overflows to inf past
    y·x ≈ −88 in float32). torch: ``torch.nn.functional.soft_margin_loss``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.soft_margin_loss(np.array([0.0, 2.0]), np.array([1.0, -1.0]), reduction="none")
    array([0.69314718, 2.12692801])
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

    l = x for y = 1 and max(0, margin − x) for y = −1 (torch's form adds both terms for any
    other target); dl/dx is 1, or −1 where margin − x > 0 and 0 at the kink. torch:
    ``torch.nn.functional.hinge_embedding_loss``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.hinge_embedding_loss(np.array([0.3, 0.3]), np.array([1.0, -1.0]), reduction="none")
    array([0.3, 0.7])
    """


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

    With p = softmax(x) over the classes, label y, class weights w (ones by default) and
    smoothing ε: l = (1 − ε)·w_y·(−log p_y) + (ε/C)·Σ_c w_c·(−log p_c), and
    dl/dx = (1 − ε)·w_y·(p − e_y) + (ε/C)·(p·Σ_c w_c − w). With probabilities t (ε applied as
    t·(1 − ε) + ε/C): l = −Σ_c w_c·t_c·log p_c, dl/dx = p·Σ_c w_c·t_c − w·t.

    ``"mean"`` follows torch: with labels, the loss (smoothing term included) is divided by
    Σ w_y over the rows whose label is not ``ignore_index`` (their count without weights); with
    probabilities, by the number of rows (``ignore_index`` must then keep its default, as in
    torch). All rows ignored: the mean is nan and the gradient zeros; kept rows whose weights
    sum to 0 also give a nan mean (torch's 0/0). Computed as log-sum-exp, one exponential per
    element; a NaN or +inf logit makes its row NaN, as in torch, except that an ignored row's
    gradient is 0 (torch's is NaN there). ``label_smoothing`` must lie in [0, 1] (torch takes a
    negative one as 0). torch: ``torch.nn.functional.cross_entropy``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> logits = np.array([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    >>> round(ds.cross_entropy(logits, np.array([0, 2])), 4)
    0.6691
    >>> ds.cross_entropy.grad(logits, np.array([0, 2]), reduction="sum").round(3)
    array([[-0.213,  0.107,  0.107],
           [ 0.333,  0.333, -0.667]])
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

    l = −w_y·x_y, dl/dx = −w_y·e_y. ``"mean"`` divides by Σ w_y over the rows not equal to
    ``ignore_index`` (their count without weights); all rows ignored gives nan. Only x_y is
    read. torch: ``torch.nn.functional.nll_loss``.

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

    With z_c = margin − x_y + x_c: l = w_y/C · Σ_{c≠y} max(0, z_c)^p for p = 1 or 2, and
    dl/dx_c = w_y/C · p·z_c^(p−1) where z_c > 0, dl/dx_y = −Σ_{c≠y} dl/dx_c. Only z_c > 0
    counts (a NaN score adds nothing, as in torch). ``"mean"`` divides by the number of rows,
    weights or not. torch: ``torch.nn.functional.multi_margin_loss``.

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

    l = −(1/C)·Σ_c w_c·(y_c·log σ(x_c) + (1 − y_c)·log σ(−x_c)), one value per row;
    dl/dx_c = w_c·(σ(x_c) − y_c)/C. ``target`` is a float array of the input's shape.
    ``"mean"`` divides by the number of rows. As in torch, an infinite logit makes its row's
    value NaN while the gradient stays finite. torch:
    ``torch.nn.functional.multilabel_soft_margin_loss``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> x, y = np.array([[0.0, 2.0], [1.0, -1.0]]), np.array([[1.0, 1.0], [0.0, 0.0]])
    >>> ds.multilabel_soft_margin_loss(x, y, reduction="none").round(4)
    array([0.41  , 0.8133])
    """
