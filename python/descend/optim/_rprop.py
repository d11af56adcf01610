"""Rprop, as ``torch.optim.Rprop``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from descend.optim._optimizer import Optimizer, ScheduleLike, pair


class Rprop(Optimizer):
    r"""Resilient backpropagation, as ``torch.optim.Rprop`` (Riedmiller & Braun, 1993).

    Parameters
    ----------
    params : list of ndarray or list of dict
        Parameters (float32/float64, C-contiguous, writable), or parameter groups.
    lr : float or schedule, default 1e-2
        Initial step size σ (torch's default); read only when a parameter's state is created.
    etas : (float, float), default (0.5, 1.2)
        (η₋, η₊) (torch's defaults), with 0 < η₋ < 1 < η₊ as torch checks.
    step_sizes : (float, float), default (1e-6, 50)
        (σ_min, σ_max) (torch's defaults), each finite and ≥ 0.
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
    Each element has its own step size σ (state ``step_size``, starting at the group's lr on
    the first step). With :math:`d = \pm g` (``-g`` under ``maximize``) and :math:`d'` the
    previous step's (state ``prev``): where :math:`d d' > 0`, σ grows by η₊; where
    :math:`d d' < 0`, σ shrinks by η₋ and d is set to 0 (the element does not move, and the
    next step sees no sign change); elsewhere σ stays. σ is clamped to
    [σ_min, σ_max], then :math:`p \leftarrow p - \operatorname{sign}(d)\, \sigma` and
    :math:`d' \leftarrow d`. A NaN gradient leaves its element where it is, as torch (whose
    ``sign`` maps NaN to 0).

    The update is torch's ``torch.optim.Rprop`` [1]_, the algorithm of [2]_.

    References
    ----------
    .. [1] PyTorch, ``torch.optim.Rprop``.
    .. [2] M. Riedmiller and H. Braun, "A Direct Adaptive Method for Faster Backpropagation
       Learning: The RPROP Algorithm", IEEE International Conference on Neural Networks, 1993.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> w = np.array([1.0, -2.0])
    >>> opt = ds.Rprop([w], lr=0.1)
    >>> for g in ([1.0, -1.0], [1.0, 1.0]):   # the second element's gradient changes sign
    ...     opt.step([np.array(g)])
    >>> w.round(6).tolist()
    [0.78, -1.9]
    >>> opt.state_dict()["state"][0]["step_size"].round(6).tolist()
    [0.12, 0.05]
    """

    _rule = "rprop"

    def __init__(
        self,
        params: Iterable[Any] | Iterable[Mapping[str, Any]],
        lr: ScheduleLike = 1e-2,
        etas: tuple[float, float] = (0.5, 1.2),
        step_sizes: tuple[float, float] = (1e-6, 50),
        *,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "etas": pair("etas", etas),
            "step_sizes": pair("step_sizes", step_sizes),
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)
