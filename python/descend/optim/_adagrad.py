"""Adagrad, as ``torch.optim.Adagrad``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from descend.optim._optimizer import Optimizer, ScheduleLike


class Adagrad(Optimizer):
    r"""Adagrad, as ``torch.optim.Adagrad`` (Duchi et al., 2011).

    Parameters
    ----------
    params : list of ndarray or list of dict
        Parameters (float32/float64, C-contiguous, writable), or parameter groups.
    lr : float or schedule, default 1e-2
        Learning rate (torch's default), a number or a function of the steps taken.
    lr_decay : float, default 0
        Decay of the learning rate per step, as (see Notes).
    weight_decay : float, default 0
        λ (see Notes).
    initial_accumulator_value : float, default 0
        Starting value of ``sum``, ≥ 0.
    eps : float, default 1e-10
        ε (see Notes) (torch's default).
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
    With :math:`d = \pm g + \lambda p` (``-g`` under ``maximize``, λ the weight decay) and t
    the step (1 for the first): :math:`s \leftarrow s + d^2` (state ``sum``, starting at
    ``initial_accumulator_value``),
    :math:`p \leftarrow p - \frac{\mathrm{lr}}{1 + (t-1)\,\mathrm{lr\_decay}}\,
    \frac{d}{\sqrt s + \epsilon}` (ε outside the root, as torch).

    As torch, the constructor creates the state of its parameters (``step`` 0 and ``sum``),
    so ``state_dict()`` shows it before the first step; parameters added later with
    :meth:`add_param_group` get theirs at their first step. Each accumulator starts at its
    group's ``initial_accumulator_value`` (torch uses the constructor's value for every group).

    The update is torch's ``torch.optim.Adagrad`` [1]_, the algorithm of [2]_.

    References
    ----------
    .. [1] PyTorch, ``torch.optim.Adagrad``.
    .. [2] J. Duchi, E. Hazan and Y. Singer, "Adaptive Subgradient Methods for Online Learning
       and Stochastic Optimization", Journal of Machine Learning Research 12, 2121–2159, 2011.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> w = np.array([1.0, -2.0])
    >>> opt = ds.Adagrad([w], lr=0.1, initial_accumulator_value=0.5)
    >>> state = opt.state_dict()["state"][0]
    >>> state["step"], state["sum"].tolist()   # created by the constructor, as torch
    (0, [0.5, 0.5])
    >>> opt.step([np.array([1.5, 0.0])])   # s = 0.5 + 1.5² = 2.75: w₀ moves by 0.1·1.5/√2.75
    >>> w.round(6).tolist()
    [0.909547, -2.0]
    """

    _rule = "adagrad"

    def __init__(
        self,
        params: Iterable[Any] | Iterable[Mapping[str, Any]],
        lr: ScheduleLike = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)
        # torch creates this state in its constructor; the native state would create the same
        # buffers lazily at the first step, so only state_dict() before that step differs.
        self._native.load(
            [
                (0, [], [("sum", np.full_like(p, group["initial_accumulator_value"]))])
                for group in self.param_groups
                for p in group["params"]
            ],
            self._members,
            self.param_groups,
        )
