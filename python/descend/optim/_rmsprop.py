"""RMSprop, as ``torch.optim.RMSprop``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from descend.optim._optimizer import Optimizer, ScheduleLike


class RMSprop(Optimizer):
    r"""RMSprop, as ``torch.optim.RMSprop`` (Hinton, 2012; centered as Graves, 2013).

    With :math:`d = \pm g + \lambda p` (``-g`` under ``maximize``, λ the weight decay):
    :math:`v \leftarrow \alpha v + (1-\alpha) d^2`; the denominator is
    :math:`a = \sqrt{v - \bar g^2} + \epsilon` with
    :math:`\bar g \leftarrow \alpha \bar g + (1-\alpha) d` when ``centered``, else
    :math:`a = \sqrt{v} + \epsilon` (ε outside the root, as torch); with momentum μ > 0
    :math:`b \leftarrow \mu b + d / a` and :math:`p \leftarrow p - \mathrm{lr}\, b`, else
    :math:`p \leftarrow p - \mathrm{lr}\, d / a`.

    Parameters
    ----------
    params : list of ndarray or list of dict
        Parameters (float32/float64, C-contiguous, writable), or parameter groups.
    lr : float or schedule, default 1e-2
        Learning rate (torch's default), a number or a function of the steps taken.
    alpha : float, default 0.99
        Smoothing constant α (torch's default; ≥ 0, as torch checks).
    eps : float, default 1e-8
        ε above (torch's default).
    weight_decay : float, default 0
        λ above (torch's default).
    momentum : float, default 0
        μ above (torch's default); > 0 keeps the state ``momentum_buffer``.
    centered : bool, default False
        Divide by the estimated standard deviation instead of the root mean square; keeps
        the state ``grad_avg``.
    maximize : bool, default False
        Ascend: the gradient's sign is flipped.
    capturable, foreach, differentiable
        Accepted and ignored (torch kernel selectors), so torch code runs unchanged.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> w = np.array([1.0, -2.0])
    >>> opt = ds.RMSprop([w], lr=0.01, alpha=0.75)
    >>> opt.step([2.0 * w])   # first step: lr · g / √((1 − α) g²) = 2 lr against the sign
    >>> w.round(6).tolist()
    [0.98, -1.98]
    >>> sorted(opt.state_dict()["state"][0])
    ['square_avg', 'step']
    """

    _rule = "rmsprop"

    def __init__(
        self,
        params: Iterable[Any] | Iterable[Mapping[str, Any]],
        lr: ScheduleLike = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "capturable": capturable,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)
