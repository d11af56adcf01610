"""RMSprop, as ``torch.optim.RMSprop``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from descend.optim._optimizer import Optimizer, ScheduleLike


class RMSprop(Optimizer):
    r"""RMSprop, as ``torch.optim.RMSprop`` (Hinton, 2012; centered as Graves, 2013).

    Parameters
    ----------
    params : list of ndarray or list of dict
        Parameters (float32/float64, C-contiguous, writable), or parameter groups.
    lr : float or schedule, default 1e-2
        Learning rate (torch's default), a number or a function of the steps taken.
    alpha : float, default 0.99
        Smoothing constant α (torch's default; ≥ 0, as torch checks).
    eps : float, default 1e-8
        ε (see Notes) (torch's default).
    weight_decay : float, default 0
        λ (see Notes) (torch's default).
    momentum : float, default 0
        μ (see Notes) (torch's default); > 0 keeps the state ``momentum_buffer``.
    centered : bool, default False
        Divide by the estimated standard deviation instead of the root mean square; keeps
        the state ``grad_avg``.
    maximize : bool, default False
        Ascend: the gradient's sign is flipped.
    capturable, foreach, differentiable
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
    :math:`v \leftarrow \alpha v + (1-\alpha) d^2`; the denominator is
    :math:`a = \sqrt{v - \bar g^2} + \epsilon` with
    :math:`\bar g \leftarrow \alpha \bar g + (1-\alpha) d` when ``centered``, else
    :math:`a = \sqrt{v} + \epsilon` (ε outside the root, as torch); with momentum μ > 0
    :math:`b \leftarrow \mu b + d / a` and :math:`p \leftarrow p - \mathrm{lr}\, b`, else
    :math:`p \leftarrow p - \mathrm{lr}\, d / a`.

    The update is torch's ``torch.optim.RMSprop`` [1]_, from [2]_, centered as in [3]_.

    References
    ----------
    .. [1] PyTorch, ``torch.optim.RMSprop``.
    .. [2] G. Hinton, N. Srivastava and K. Swersky, "Neural Networks for Machine Learning",
       lecture 6e, 2012.
    .. [3] A. Graves, "Generating Sequences With Recurrent Neural Networks", arXiv:1308.0850,
       2013.

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
