"""Lion (Chen et al., 2023); not in torch."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from descend.optim._optimizer import Optimizer, ScheduleLike, pair


class Lion(Optimizer):
    r"""Lion, EvoLved Sign Momentum (Chen et al., 2023); not in ``torch.optim``.

    Parameters
    ----------
    params : list of ndarray or list of dict
        Parameters (float32/float64, C-contiguous, writable), or parameter groups.
    lr : float or schedule, default 1e-3
        Learning rate, a number or a function of the steps taken.
    betas : (float, float), default (0.9, 0.99)
        β₁ (the interpolation the sign is taken of) and β₂ (the momentum), each in [0, 1).
    weight_decay : float, default 0
        λ (see Notes).
    maximize : bool, default False
        Ascend: the gradient's sign is flipped.

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
    Algorithm 2 of "Symbolic Discovery of Optimization Algorithms". With :math:`d = \pm g`
    (``-g`` under ``maximize``) and λ the weight decay:
    :math:`c = \beta_1 m + (1-\beta_1) d`,
    :math:`p \leftarrow p - \mathrm{lr}\,(\operatorname{sign}(c) + \lambda p)` (decoupled decay,
    applied as :math:`p \leftarrow p(1 - \mathrm{lr}\,\lambda)` then
    :math:`p \leftarrow p - \mathrm{lr}\,\operatorname{sign}(c)`), and only then
    :math:`m \leftarrow \beta_2 m + (1-\beta_2) d` (state ``exp_avg``). Every element moves by
    exactly lr (sign(0) = 0; a NaN c gives a NaN step, as ``numpy.sign``), so Lion wants a
    learning rate 3-10x smaller than AdamW's and a weight decay that much larger.

    Defaults are Keras' ``keras.optimizers.Lion`` (``learning_rate=1e-3``, ``beta_1=0.9``,
    ``beta_2=0.99``), which follow the paper; no weight decay. The nearest torch code is the
    ``lion-pytorch`` package's ``Lion(params, lr, betas, weight_decay)``, whose arguments and
    state layout (``exp_avg`` only, no ``step``) this class shares.

    The update is Algorithm 2 of [1]_; defaults and arguments as Keras's
    ``keras.optimizers.Lion`` [2]_.

    References
    ----------
    .. [1] X. Chen, C. Liang, D. Huang, E. Real, K. Wang, Y. Liu, H. Pham, X. Dong, T. Luong,
       C.-J. Hsieh, Y. Lu and Q. V. Le, "Symbolic Discovery of Optimization Algorithms",
       NeurIPS, 2023.
    .. [2] Keras, ``keras.optimizers.Lion``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> w = np.array([1.0, -2.0, 3.0])
    >>> opt = ds.Lion([w], lr=0.1)
    >>> opt.step([np.array([1e-6, -50.0, 0.0])])   # only signs matter
    >>> w.tolist()
    [0.9, -1.9, 3.0]
    >>> sorted(opt.state_dict()["state"][0])
    ['exp_avg']
    """

    _rule = "lion"

    def __init__(
        self,
        params: Iterable[Any] | Iterable[Mapping[str, Any]],
        lr: ScheduleLike = 1e-3,
        betas: tuple[float, float] = (0.9, 0.99),
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": pair("betas", betas),
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)
