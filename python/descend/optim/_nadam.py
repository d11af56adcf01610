"""NAdam, as ``torch.optim.NAdam``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from descend.optim._optimizer import Optimizer, ScheduleLike, pair


class NAdam(Optimizer):
    r"""NAdam, as ``torch.optim.NAdam`` (Dozat, 2016: Adam with Nesterov momentum).

    Parameters
    ----------
    params : list of ndarray or list of dict
        Parameters (float32/float64, C-contiguous, writable), or parameter groups.
    lr : float or schedule, default 2e-3
        Learning rate (torch's default), a number or a function of the steps taken.
    betas : (float, float), default (0.9, 0.999)
        β₁, β₂ (torch's defaults), each in [0, 1).
    eps : float, default 1e-8
        ε (see Notes) (torch's default).
    weight_decay : float, default 0
        λ (see Notes).
    momentum_decay : float, default 4e-3
        ψ (see Notes) (torch's default), ≥ 0.
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
    With :math:`d = \pm g` (``-g`` under ``maximize``), t the step (1 for the first) and ψ
    the momentum decay: weight decay λ adds :math:`\lambda p` to d, or with
    ``decoupled_weight_decay`` shrinks :math:`p \leftarrow p (1 - \mathrm{lr}\,\lambda)` first
    (NAdamW); :math:`\mu_t = \beta_1 (1 - \tfrac12\, 0.96^{t\psi})` and the running product
    :math:`\Pi_t = \mu_1 \cdots \mu_t` (state ``mu_product``);
    :math:`m \leftarrow \beta_1 m + (1-\beta_1) d`,
    :math:`v \leftarrow \beta_2 v + (1-\beta_2) d^2`,
    :math:`D = \sqrt{v / (1-\beta_2^t)} + \epsilon`, and

    .. math::
        p \leftarrow p - \mathrm{lr}\,\frac{1-\mu_t}{1-\Pi_t}\,\frac{d}{D}
              - \mathrm{lr}\,\frac{\mu_{t+1}}{1-\Pi_t\,\mu_{t+1}}\,\frac{m}{D}.

    ``mu_product`` is kept in float64 for every parameter dtype (torch keeps it in a float32
    tensor unless its default dtype is float64) and appears in ``state_dict()`` as a float.

    The update is torch's ``torch.optim.NAdam`` [1]_, the algorithm of [2]_.

    References
    ----------
    .. [1] PyTorch, ``torch.optim.NAdam``.
    .. [2] T. Dozat, "Incorporating Nesterov Momentum into Adam", ICLR Workshop, 2016.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> w = np.array([1.0, -2.0])
    >>> opt = ds.NAdam([w], lr=0.1)
    >>> opt.step([2.0 * w])
    >>> sorted(opt.state_dict()["state"][0])
    ['exp_avg', 'exp_avg_sq', 'mu_product', 'step']
    >>> round(opt.state_dict()["state"][0]["mu_product"], 6)   # μ₁ = 0.9·(1 − 0.96^0.004/2)
    0.450073
    """

    _rule = "nadam"

    def __init__(
        self,
        params: Iterable[Any] | Iterable[Mapping[str, Any]],
        lr: ScheduleLike = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum_decay: float = 4e-3,
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
            "momentum_decay": momentum_decay,
            "decoupled_weight_decay": decoupled_weight_decay,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)
