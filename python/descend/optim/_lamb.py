"""LAMB, in optax's form (``optax.lamb``); torch has no LAMB."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from descend.optim._optimizer import Optimizer, ScheduleLike, pair


class LAMB(Optimizer):
    r"""LAMB: Adam scaled per tensor by a trust ratio (You et al., 2020), as ``optax.lamb``.

    Parameters
    ----------
    params : list of ndarray or list of dict
        Parameters (float32/float64, C-contiguous, writable), or parameter groups.
    lr : float or schedule, default 1e-3
        Learning rate, a number or a function of the steps taken. optax requires one; 1e-3 is
        the default of the PyTorch ports of LAMB (and of torch's Adam).
    betas : (float, float), default (0.9, 0.999)
        β₁, β₂ (optax's ``b1``, ``b2`` defaults), each in [0, 1).
    eps : float, default 1e-6
        ε (see Notes) (optax's ``lamb`` default).
    weight_decay : float, default 0.0
        λ (see Notes) (optax's ``lamb`` default).
    maximize : bool, default False
        Ascend: the gradient's sign is flipped (torch's switch; optax has none).

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
    Not in torch; the update is optax's chain ``scale_by_adam(b1, b2, eps, eps_root=0)`` →
    ``add_decayed_weights(weight_decay)`` → ``scale_by_trust_ratio()`` → scale by −lr. With
    :math:`d = \pm g` (``-g`` under ``maximize``) and t the step (1 for the first):
    :math:`m \leftarrow (1-\beta_1) d + \beta_1 m`,
    :math:`v \leftarrow (1-\beta_2) d^2 + \beta_2 v`,
    :math:`u = \frac{m / (1-\beta_1^t)}{\sqrt{v / (1-\beta_2^t)} + \epsilon} + \lambda p`,
    the trust ratio :math:`r = \lVert p \rVert / \lVert u \rVert` over the whole tensor (1 when
    either norm is 0), and :math:`p \leftarrow p - \mathrm{lr}\, r\, u`. Norms are summed in
    float64, in an order that does not depend on the thread count.

    The update is optax's ``optax.lamb`` [1]_, the algorithm of [2]_.

    References
    ----------
    .. [1] optax, ``optax.lamb``.
    .. [2] Y. You, J. Li, S. Reddi, J. Hseu, S. Kumar, S. Bhojanapalli, X. Song, J. Demmel, K.
       Keutzer and C.-J. Hsieh, "Large Batch Optimization for Deep Learning: Training BERT in 76
       minutes", ICLR, 2020.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> w = np.array([3.0, -4.0])
    >>> opt = ds.LAMB([w], lr=0.1)
    >>> opt.step([2.0 * w])   # first step: u ≈ sign(g), r = ‖w‖ / ‖u‖ = 5 / √2
    >>> w.round(4).tolist()
    [2.6464, -3.6464]
    >>> sorted(opt.state_dict()["state"][0])
    ['exp_avg', 'exp_avg_sq', 'step']
    """

    _rule = "lamb"

    def __init__(
        self,
        params: Iterable[Any] | Iterable[Mapping[str, Any]],
        lr: ScheduleLike = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-6,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": pair("betas", betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)
