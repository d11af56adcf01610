"""Averaged SGD, as ``torch.optim.ASGD``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from descend.optim._optimizer import Optimizer, ScheduleLike


class ASGD(Optimizer):
    r"""Averaged stochastic gradient descent, as ``torch.optim.ASGD`` (Polyak & Juditsky, 1992).

    Parameters
    ----------
    params : list of ndarray or list of dict
        Parameters (float32/float64, C-contiguous, writable), or parameter groups.
    lr : float or schedule, default 1e-2
        Learning rate (torch's default), a number or a function of the steps taken.
    lambd : float, default 1e-4
        Decay term λ (torch's default).
    alpha : float, default 0.75
        Power α of the η schedule (torch's default).
    t0 : float, default 1e6
        Step t₀ from which the average starts moving (torch's default).
    weight_decay : float, default 0
        :math:`\lambda_{wd}` (see Notes) (torch's default).
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
    Per parameter, a step size η (state ``eta``, the group's lr when the state is created) and
    an averaging weight μ (state ``mu``, 1 at first) carry between steps. Step t, with
    :math:`d = \pm g + \lambda_{wd} p` (``-g`` under ``maximize``):
    :math:`p \leftarrow p (1 - \lambda \eta) - \eta d` with the η of the previous step, then
    the average (state ``ax``) :math:`a \leftarrow p` while μ = 1, else
    :math:`a \leftarrow a + \mu (p - a)`; then
    :math:`\eta \leftarrow \mathrm{lr} / (1 + \lambda\, \mathrm{lr}\, t)^\alpha` and
    :math:`\mu \leftarrow 1 / \max(1, t - t_0)`.

    η and μ are kept in float64; torch keeps them in its default dtype (float32 unless set to
    float64), so torch's float64 runs under the default dtype round them to float32.

    The update is torch's ``torch.optim.ASGD`` [1]_, the averaging of [2]_.

    References
    ----------
    .. [1] PyTorch, ``torch.optim.ASGD``.
    .. [2] B. T. Polyak and A. B. Juditsky, "Acceleration of Stochastic Approximation by
       Averaging", SIAM Journal on Control and Optimization 30(4), 838–855, 1992.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> w = np.array([1.0, -2.0])
    >>> opt = ds.ASGD([w], lr=0.1, lambd=0.0)
    >>> opt.step([2.0 * w])   # with λ = 0 the first step is SGD's
    >>> w.round(6).tolist()
    [0.8, -1.6]
    >>> sorted(opt.state_dict()["state"][0])
    ['ax', 'eta', 'mu', 'step']
    """

    _rule = "asgd"

    def __init__(
        self,
        params: Iterable[Any] | Iterable[Mapping[str, Any]],
        lr: ScheduleLike = 1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0.0,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "lambd": lambd,
            "alpha": alpha,
            "t0": t0,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)
