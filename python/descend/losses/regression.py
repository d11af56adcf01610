"""Pointwise losses, with ``torch.nn.functional``'s names, arguments, defaults and semantics.

Each is a :class:`descend.Loss`: call it for the value, ``.grad`` for d(loss)/d(input) and
``.value_and_grad`` for both in one pass. Inputs are positional, options keyword-only. Every
loss takes ``reduction`` (``"mean"``, ``"sum"`` or ``"none"``), ``weight`` (an array of the
input's shape), ``upstream`` (``.grad`` with ``reduction="none"``: multiplies the elementwise
derivative) and ``out`` (receives the gradient, or the elementwise values of a value call).

With ``weight`` w and elementwise loss l: ``"none"`` gives w·l, ``"sum"`` Σ w·l, and ``"mean"``
Σ w·l / Σ w, except ``huber_loss``, whose ``"mean"`` is Σ w·l / N, as torch's.
"""

from __future__ import annotations

from typing import Any

from numpy.typing import ArrayLike, NDArray

from descend._loss import Reduction, loss

__all__ = [
    "gaussian_nll_loss",
    "huber_loss",
    "l1_loss",
    "log_cosh_loss",
    "mse_loss",
    "poisson_nll_loss",
    "quantile_loss",
    "smooth_l1_loss",
]


@loss
def mse_loss(
    input: ArrayLike,
    target: ArrayLike,
    /,
    *,
    reduction: Reduction = "mean",
    weight: ArrayLike | None = None,
    upstream: ArrayLike | None = None,
    out: NDArray[Any] | None = None,
) -> None:
    """Mean squared error.

    l = (x − y)², dl/dx = 2(x − y). torch: ``torch.nn.functional.mse_loss``; weighted
    ``"mean"`` is Σ w·l / Σ w, as torch's.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.mse_loss(np.array([1.0, 2.0]), np.array([0.0, 0.0]))
    2.5
    >>> ds.mse_loss.grad(np.array([1.0, 2.0]), np.array([0.0, 0.0]))
    array([1., 2.])
    """


@loss
def l1_loss(
    input: ArrayLike,
    target: ArrayLike,
    /,
    *,
    reduction: Reduction = "mean",
    weight: ArrayLike | None = None,
    upstream: ArrayLike | None = None,
    out: NDArray[Any] | None = None,
) -> None:
    """Mean absolute error.

    l = |x − y|, dl/dx = sign(x − y), which is 0 where x = y and also for a NaN difference
    (torch's ``sgn``). torch: ``torch.nn.functional.l1_loss``; weighted ``"mean"`` is
    Σ w·l / Σ w, as torch's.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.l1_loss(np.array([1.0, -3.0]), np.zeros(2), reduction="sum")
    4.0
    >>> ds.l1_loss.grad(np.array([1.0, 0.0]), np.zeros(2), reduction="none")
    array([1., 0.])
    """


@loss
def huber_loss(
    input: ArrayLike,
    target: ArrayLike,
    /,
    *,
    reduction: Reduction = "mean",
    weight: ArrayLike | None = None,
    upstream: ArrayLike | None = None,
    out: NDArray[Any] | None = None,
    delta: float = 1.0,
) -> None:
    """Huber loss: quadratic near the target, linear beyond ``delta`` (> 0).

    With d = x − y: l = ½d² if |d| < δ else δ(|d| − ½δ); dl/dx = d if |d| < δ else δ·sign(d)
    (both branches agree at |d| = δ). torch: ``torch.nn.functional.huber_loss``; weighted
    ``"mean"`` is Σ w·l / N, as torch's (not Σ w·l / Σ w).

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.huber_loss(np.array([0.5, 3.0]), np.zeros(2), reduction="none")
    array([0.125, 2.5  ])
    >>> ds.huber_loss.grad(np.array([0.5, 3.0]), np.zeros(2), reduction="sum", delta=2.0)
    array([0.5, 2. ])
    """


@loss
def smooth_l1_loss(
    input: ArrayLike,
    target: ArrayLike,
    /,
    *,
    reduction: Reduction = "mean",
    weight: ArrayLike | None = None,
    upstream: ArrayLike | None = None,
    out: NDArray[Any] | None = None,
    beta: float = 1.0,
) -> None:
    """Smooth L1 loss: quadratic within ``beta`` (≥ 0) of the target, linear beyond.

    With d = x − y: l = ½d²/β if |d| < β else |d| − ½β; dl/dx = d/β if |d| < β else sign(d).
    ``beta=0`` is exactly ``l1_loss``, as in torch (``torch.nn.functional.smooth_l1_loss``).
    torch has no ``weight`` here; descend's weighted ``"mean"`` is Σ w·l / Σ w.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.smooth_l1_loss(np.array([0.5, 3.0]), np.zeros(2), reduction="none")
    array([0.125, 2.5  ])
    """


@loss
def log_cosh_loss(
    input: ArrayLike,
    target: ArrayLike,
    /,
    *,
    reduction: Reduction = "mean",
    weight: ArrayLike | None = None,
    upstream: ArrayLike | None = None,
    out: NDArray[Any] | None = None,
) -> None:
    """Log-cosh loss: ≈ d²/2 near the target, ≈ |d| − log 2 far from it.

    l = log cosh(x − y), dl/dx = tanh(x − y), computed without forming cosh, so it is finite
    for every finite input. Not in torch; weighted ``"mean"`` is Σ w·l / Σ w.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> round(ds.log_cosh_loss(np.array([1000.0]), np.zeros(1)), 6)
    999.306853
    """


@loss
def quantile_loss(
    input: ArrayLike,
    target: ArrayLike,
    /,
    *,
    reduction: Reduction = "mean",
    weight: ArrayLike | None = None,
    upstream: ArrayLike | None = None,
    out: NDArray[Any] | None = None,
    q: float = 0.5,
) -> None:
    """Quantile (pinball) loss of a prediction of the ``q``-th quantile, 0 < q < 1.

    With d = x − y: l = (1 − q)·d if d > 0 else −q·d; dl/dx = 1 − q above the target, −q below
    it, 0 at it (torch's convention for l1). ``q=0.5`` is half of ``l1_loss``. Not in torch;
    weighted ``"mean"`` is Σ w·l / Σ w.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.quantile_loss(np.array([2.0, -2.0]), np.zeros(2), reduction="none", q=0.9)
    array([0.2, 1.8])
    """


@loss
def poisson_nll_loss(
    input: ArrayLike,
    target: ArrayLike,
    /,
    *,
    reduction: Reduction = "mean",
    weight: ArrayLike | None = None,
    upstream: ArrayLike | None = None,
    out: NDArray[Any] | None = None,
    log_input: bool = True,
    full: bool = False,
    eps: float = 1e-8,
) -> None:
    """Poisson negative log-likelihood of counts ``target`` under rate ``input``.

    ``log_input=True``: l = eˣ − y·x, dl/dx = eˣ − y (x is the log-rate; ``eps`` unused).
    ``log_input=False``: l = x − y·log(x + eps), dl/dx = 1 − y/(x + eps).
    ``full=True`` adds the Stirling term y·log y − y + ½·log(2πy) where y > 1. torch:
    ``torch.nn.functional.poisson_nll_loss``; it has no ``weight``, descend's weighted
    ``"mean"`` is Σ w·l / Σ w.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.poisson_nll_loss(np.array([0.0]), np.array([2.0]))
    1.0
    """


@loss
def gaussian_nll_loss(
    input: ArrayLike,
    target: ArrayLike,
    var: ArrayLike,
    /,
    *,
    reduction: Reduction = "mean",
    upstream: ArrayLike | None = None,
    out: NDArray[Any] | None = None,
    full: bool = False,
    eps: float = 1e-6,
) -> None:
    """Gaussian negative log-likelihood of ``target`` under means ``input``, variances ``var``.

    With v = max(var, eps) and d = x − y: l = ½·(log v + d²/v) (+ ½·log 2π when ``full``),
    dl/dx = d/v, dl/dvar = ½·(1/v − d²/v²), taken at the clamped v as torch's. ``var`` has the
    input's shape, or lacks its last dimension, or broadcasts (a float: one variance for all);
    ``.grad`` returns ``(d_input, d_var)``, d_var in the shape ``var`` was given in. A negative
    var raises ``ValueError`` before anything is written. torch:
    ``torch.nn.functional.gaussian_nll_loss``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> x, y = np.array([[1.0, 2.0], [0.0, 0.0]]), np.zeros((2, 2))
    >>> round(ds.gaussian_nll_loss(x, y, np.ones((2, 2))), 4)
    0.625
    >>> d_input, d_var = ds.gaussian_nll_loss.grad(x, y, np.ones(2), reduction="sum")
    >>> d_input.tolist(), d_var.tolist()
    ([[1.0, 2.0], [0.0, 0.0]], [-1.5, 1.0])
    """
