"""Classification losses, with ``torch.nn.functional``'s names, arguments, defaults and semantics.

Row-wise losses take scores ``input`` of shape (C,), (N, C) or (N, C, d1, …, dK), the classes
on axis 1 as torch's, and ``target`` as integer class labels (int32 or int64, shaped like the
input without its class axis) or, where stated, class probabilities of the input's shape.
``weight`` holds one weight per class. ``reduction="none"`` gives one value per row, shaped like
the labels; ``upstream`` (``.grad`` with ``reduction="none"``) has that shape too. ``out``
receives the gradient, or the per-row values of a value call. Labels out of range raise
``IndexError`` before anything is written.

K-dimensional inputs (K ≥ 1) are copied once into row order, and their gradient copied back.
"""

from __future__ import annotations

from typing import Any

from numpy.typing import ArrayLike, NDArray

from descend._loss import Reduction, rowwise

__all__ = ["cross_entropy", "nll_loss"]


@rowwise
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
    torch). All rows ignored: the mean is nan and the gradient zeros. Computed as log-sum-exp,
    one exponential per element; a NaN or +inf logit makes its row NaN, as in torch, except
    that an ignored row's gradient is 0 (torch's is NaN there). ``label_smoothing`` must lie in
    [0, 1] (torch takes a negative one as 0). torch: ``torch.nn.functional.cross_entropy``.

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


@rowwise
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
