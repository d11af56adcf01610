"""Adadelta, as ``torch.optim.Adadelta``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from descend.optim._optimizer import Optimizer, ScheduleLike


class Adadelta(Optimizer):
    r"""Adadelta, as ``torch.optim.Adadelta`` (Zeiler, 2012).

    Parameters
    ----------
    params : list of ndarray or list of dict
        Parameters (float32/float64, C-contiguous, writable), or parameter groups.
    lr : float or schedule, default 1.0
        Scale of δ (torch's default), a number or a function of the steps taken.
    rho : float, default 0.9
        ρ (see Notes) (torch's default), in [0, 1].
    eps : float, default 1e-6
        ε (see Notes) (torch's default).
    weight_decay : float, default 0
        λ (see Notes) (torch's default).
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
    With :math:`d = \pm g + \lambda p` (``-g`` under ``maximize``, λ the weight decay):
    :math:`v \leftarrow \rho v + (1-\rho) d^2`,
    :math:`\delta = \frac{\sqrt{u + \epsilon}}{\sqrt{v + \epsilon}}\, d`,
    :math:`u \leftarrow \rho u + (1-\rho) \delta^2` and
    :math:`p \leftarrow p - \mathrm{lr}\, \delta`; v and u are the states ``square_avg`` and
    ``acc_delta``.

    The update is torch's ``torch.optim.Adadelta`` [1]_, the algorithm of [2]_.

    References
    ----------
    .. [1] PyTorch, ``torch.optim.Adadelta``.
    .. [2] M. D. Zeiler, "ADADELTA: An Adaptive Learning Rate Method", arXiv:1212.5701, 2012.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> w = np.array([1.0, -2.0])
    >>> opt = ds.Adadelta([w], rho=0.0, eps=1e-4)
    >>> opt.step([2.0 * w])   # first step: δ = √ε / √(d² + ε) · d, about √ε against the sign
    >>> w.round(6).tolist()
    [0.99, -1.99]
    >>> sorted(opt.state_dict()["state"][0])
    ['acc_delta', 'square_avg', 'step']
    """

    _rule = "adadelta"

    def __init__(
        self,
        params: Iterable[Any] | Iterable[Mapping[str, Any]],
        lr: ScheduleLike = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
        foreach: bool | None = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "rho": rho,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "capturable": capturable,
            "foreach": foreach,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)
