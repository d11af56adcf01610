"""Loss declarations, one module per family.

``regression`` holds the pointwise losses, ``classification`` the row-wise ones (over the class
axis).
"""

from __future__ import annotations

from descend.losses.classification import cross_entropy, nll_loss
from descend.losses.regression import (
    huber_loss,
    l1_loss,
    log_cosh_loss,
    mse_loss,
    poisson_nll_loss,
    quantile_loss,
    smooth_l1_loss,
)

__all__ = [
    "cross_entropy",
    "huber_loss",
    "l1_loss",
    "log_cosh_loss",
    "mse_loss",
    "nll_loss",
    "poisson_nll_loss",
    "quantile_loss",
    "smooth_l1_loss",
]
