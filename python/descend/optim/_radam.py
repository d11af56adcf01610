"""RAdam, as ``torch.optim.RAdam``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from descend.optim._optimizer import Optimizer, ScheduleLike, pair


class RAdam(Optimizer):
    r"""RAdam, as ``torch.optim.RAdam`` (Liu et al., 2020: Adam with a rectified variance).

    Parameters
    ----------
    params : list of ndarray or list of dict
        Parameters (float32/float64, C-contiguous, writable), or parameter groups.
    lr : float or schedule, default 1e-3
        Learning rate (torch's default), a number or a function of the steps taken.
    betas : (float, float), default (0.9, 0.999)
        β₁, β₂ (torch's defaults), each in [0, 1).
    eps : float, default 1e-8
        ε (see Notes) (torch's default).
    weight_decay : float, default 0
        λ (see Notes).
    decoupled_weight_decay : bool, default False
        Decay the parameter directly instead of through the gradient.
    maximize : bool, default False
        Ascend: the gradient's sign is flipped.
    foreach, capturable, differentiable
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
    With :math:`d = \pm g` (``-g`` under ``maximize``) and t the step (1 for the first):
    weight decay λ adds :math:`\lambda p` to d, or with ``decoupled_weight_decay`` shrinks
    :math:`p \leftarrow p (1 - \mathrm{lr}\,\lambda)` first (RAdamW);
    :math:`m \leftarrow \beta_1 m + (1-\beta_1) d`,
    :math:`v \leftarrow \beta_2 v + (1-\beta_2) d^2`, :math:`\hat m = m / (1-\beta_1^t)`;
    :math:`\rho_\infty = 2/(1-\beta_2) - 1`,
    :math:`\rho_t = \rho_\infty - 2t\beta_2^t/(1-\beta_2^t)`. While :math:`\rho_t \le 5` (the
    first steps) :math:`p \leftarrow p - \mathrm{lr}\,\hat m`; then

    .. math::
        p \leftarrow p - \mathrm{lr}\,\hat m\,\frac{\sqrt{1-\beta_2^t}}{\sqrt v + \epsilon}\,
        \sqrt{\frac{(\rho_t-4)(\rho_t-2)\rho_\infty}{(\rho_\infty-4)(\rho_\infty-2)\rho_t}}.

    The update is torch's ``torch.optim.RAdam`` [1]_, the algorithm of [2]_.

    References
    ----------
    .. [1] PyTorch, ``torch.optim.RAdam``.
    .. [2] L. Liu, H. Jiang, P. He, W. Chen, X. Liu, J. Gao and J. Han, "On the Variance of the
       Adaptive Learning Rate and Beyond", ICLR, 2020.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> w = np.array([1.0, -2.0])
    >>> opt = ds.RAdam([w], lr=0.1)
    >>> opt.step([2.0 * w])
    >>> w.round(6).tolist()   # ρ₁ = 1 ≤ 5: a plain momentum step, lr·g
    [0.8, -1.6]
    >>> sorted(opt.state_dict()["state"][0])
    ['exp_avg', 'exp_avg_sq', 'step']
    """

    _rule = "radam"

    def __init__(
        self,
        params: Iterable[Any] | Iterable[Mapping[str, Any]],
        lr: ScheduleLike = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": pair("betas", betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "decoupled_weight_decay": decoupled_weight_decay,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)
