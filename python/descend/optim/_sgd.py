"""SGD, as ``torch.optim.SGD``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from descend.optim._optimizer import Optimizer, ScheduleLike


class SGD(Optimizer):
    r"""Stochastic gradient descent with momentum, as ``torch.optim.SGD``.

    Parameters
    ----------
    params : list of ndarray or list of dict
        Parameters (float32/float64, C-contiguous, writable), or parameter groups.
    lr : float or schedule, default 1e-3
        Learning rate (torch's default), a number or a function of the steps taken.
    momentum, dampening, weight_decay : float, default 0
        μ, τ and λ (see Notes) (torch's defaults).
    nesterov : bool, default False
        Nesterov momentum; needs momentum > 0 and dampening = 0, as torch.
    maximize : bool, default False
        Ascend: the gradient's sign is flipped.
    foreach, differentiable, fused
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
    a momentum buffer :math:`b \leftarrow \mu b + (1 - \tau) d` (:math:`b = d` on its first
    step, as torch), then :math:`d = d + \mu b` (Nesterov) or :math:`d = b`, and
    :math:`p \leftarrow p - \mathrm{lr}\, d`.

    The update is torch's ``torch.optim.SGD`` [1]_; Nesterov momentum in the form of [2]_.

    References
    ----------
    .. [1] PyTorch, ``torch.optim.SGD``.
    .. [2] I. Sutskever, J. Martens, G. Dahl and G. Hinton, "On the importance of initialization
       and momentum in deep learning", ICML, 2013.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> w = np.array([1.0, -2.0])
    >>> opt = ds.SGD([w], lr=0.1, momentum=0.9)
    >>> opt.step([2.0 * w])   # gradient of |w|²
    >>> w.tolist()
    [0.8, -1.6]
    """

    _rule = "sgd"

    def __init__(
        self,
        params: Iterable[Any] | Iterable[Mapping[str, Any]],
        lr: ScheduleLike = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)
