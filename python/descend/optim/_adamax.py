"""Adamax, as ``torch.optim.Adamax``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from descend.optim._optimizer import Optimizer, ScheduleLike, pair


class Adamax(Optimizer):
    r"""Adamax, as ``torch.optim.Adamax`` (Kingma & Ba, 2015, §7.1: Adam under the ∞-norm).

    Parameters
    ----------
    params : list of ndarray or list of dict
        Parameters (float32/float64, C-contiguous, writable), or parameter groups.
    lr : float or schedule, default 2e-3
        Learning rate (torch's default), a number or a function of the steps taken.
    betas : (float, float), default (0.9, 0.999)
        β₁, β₂ (torch's defaults), each in [0, 1).
    eps : float, default 1e-8
        ε (see Notes) (torch's default), added to :math:`|d|` inside the max.
    weight_decay : float, default 0
        λ (see Notes).
    maximize : bool, default False
        Ascend: the gradient's sign is flipped.
    foreach, differentiable, capturable
        Accepted and ignored (torch kernel selectors), so torch code runs unchanged.

    Raises
    ------
    ValueError
        At construction: a hyperparameter outside its domain (named, as torch's checks are), an
        empty parameter list, a parameter that is not C-contiguous and writable. At ``step``: a
        gradient whose shape differs from its parameter's, a number of gradients other than of
        parameters, a gradient overlapping a parameter in memory, a group hyperparameter set to
        an invalid value; nothing is written then.
    TypeError
        A parameter that is not a float32 or float64 ndarray, a gradient of another dtype than
        its parameter.

    Notes
    -----
    With :math:`d = \pm g + \lambda p` (``-g`` under ``maximize``, λ the weight decay) and t
    the step (1 for the first):
    :math:`m \leftarrow \beta_1 m + (1-\beta_1) d`,
    :math:`u \leftarrow \max(\beta_2 u, |d| + \epsilon)` (NaN-propagating, as torch),
    :math:`p \leftarrow p - \frac{\mathrm{lr}}{1-\beta_1^t}\,\frac{m}{u}`.

    The update is torch's ``torch.optim.Adamax`` [1]_, from section 7.1 of [2]_.

    References
    ----------
    .. [1] PyTorch, ``torch.optim.Adamax``.
    .. [2] D. P. Kingma and J. Ba, "Adam: A Method for Stochastic Optimization", ICLR, 2015.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> w = np.array([1.0, -2.0])
    >>> opt = ds.Adamax([w], lr=0.1)
    >>> opt.step([2.0 * w])
    >>> w.round(6).tolist()   # the first step moves each weight by lr against its sign
    [0.9, -1.9]
    >>> sorted(opt.state_dict()["state"][0])
    ['exp_avg', 'exp_inf', 'step']
    """

    _rule = "adamax"

    def __init__(
        self,
        params: Iterable[Any] | Iterable[Mapping[str, Any]],
        lr: ScheduleLike = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": pair("betas", betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)
