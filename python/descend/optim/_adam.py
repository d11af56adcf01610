"""Adam and AdamW, as ``torch.optim.Adam`` and ``torch.optim.AdamW``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from descend.optim._optimizer import Optimizer, ScheduleLike, pair


class Adam(Optimizer):
    r"""Adam, as ``torch.optim.Adam`` (Kingma & Ba, 2015).

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
    amsgrad : bool, default False
        Keep the running maximum of v (Reddi et al., 2018), state ``max_exp_avg_sq``.
    maximize : bool, default False
        Ascend: the gradient's sign is flipped.
    decoupled_weight_decay : bool, default False
        Decay the parameter directly (AdamW) instead of through the gradient.
    foreach, capturable, differentiable, fused
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
    :math:`p \leftarrow p (1 - \mathrm{lr}\,\lambda)` first (AdamW);
    :math:`m \leftarrow \beta_1 m + (1-\beta_1) d`,
    :math:`v \leftarrow \beta_2 v + (1-\beta_2) d^2`;
    with ``amsgrad`` :math:`\hat v \leftarrow \max(\hat v, v)` replaces v below;
    :math:`p \leftarrow p - \frac{\mathrm{lr}}{1-\beta_1^t}\,
    \frac{m}{\sqrt{v}/\sqrt{1-\beta_2^t} + \epsilon}` (ε outside the root, as torch).

    The update is torch's ``torch.optim.Adam`` [1]_, the algorithm of [2]_, AMSGrad of [3]_.

    References
    ----------
    .. [1] PyTorch, ``torch.optim.Adam``.
    .. [2] D. P. Kingma and J. Ba, "Adam: A Method for Stochastic Optimization", ICLR, 2015.
    .. [3] S. J. Reddi, S. Kale and S. Kumar, "On the Convergence of Adam and Beyond", ICLR,
       2018.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> w = np.array([1.0, -2.0])
    >>> opt = ds.Adam([w], lr=0.1)
    >>> opt.step([2.0 * w])
    >>> w.round(6).tolist()   # the first Adam step moves each weight by lr against its sign
    [0.9, -1.9]
    >>> sorted(opt.state_dict()["state"][0])
    ['exp_avg', 'exp_avg_sq', 'step']
    """

    _rule = "adam"

    def __init__(
        self,
        params: Iterable[Any] | Iterable[Mapping[str, Any]],
        lr: ScheduleLike = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": pair("betas", betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
            "fused": fused,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)


class AdamW(Adam):
    r"""AdamW, as ``torch.optim.AdamW`` (Loshchilov & Hutter, 2019).

    Parameters
    ----------
    params : list of ndarray or list of dict
        Parameters (float32/float64, C-contiguous, writable), or parameter groups.
    lr : float or schedule, default 1e-3
        Learning rate (torch's default), a number or a function of the steps taken.
    betas : (float, float), default (0.9, 0.999)
        β₁, β₂ (torch's defaults), each in [0, 1).
    eps : float, default 1e-8
        ε (torch's default), as :class:`Adam`'s.
    weight_decay : float, default 1e-2
        λ (see Notes; torch's default); the decay is always decoupled.
    amsgrad : bool, default False
        Keep the running maximum of v, as :class:`Adam`'s.
    maximize : bool, default False
        Ascend: the gradient's sign is flipped.
    foreach, capturable, differentiable, fused
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
    Adam with decoupled weight decay,
    :math:`p \leftarrow p (1 - \mathrm{lr}\,\lambda)` before the Adam step.

    The update is torch's ``torch.optim.AdamW`` [1]_, the decoupled weight decay of [2]_.

    References
    ----------
    .. [1] PyTorch, ``torch.optim.AdamW``.
    .. [2] I. Loshchilov and F. Hutter, "Decoupled Weight Decay Regularization", ICLR, 2019.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> w = np.array([1.0, -2.0])
    >>> ds.AdamW([w], lr=0.1).step([np.zeros(2)])   # zero gradient: only the decay acts
    >>> w.tolist()
    [0.999, -1.998]
    """

    def __init__(
        self,
        params: Iterable[Any] | Iterable[Mapping[str, Any]],
        lr: ScheduleLike = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        super().__init__(
            params,
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad,
            foreach=foreach,
            maximize=maximize,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=True,
        )
