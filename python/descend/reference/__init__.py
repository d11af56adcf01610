"""Plain-numpy oracle for everything descend computes, written from the formulas.

Independent of the Rust kernels, so the tests compare two separate derivations rather than
one piece of code against itself. Everything is computed in float64 whatever the input dtype;
names, arguments and semantics follow ``torch.nn.functional``. One module per family:
``regression`` (pointwise regression losses).
"""

from __future__ import annotations

from descend.reference.regression import (
    LOSSES,
    huber_loss,
    l1_loss,
    log_cosh_loss,
    mse_loss,
    poisson_nll_loss,
    quantile_loss,
    smooth_l1_loss,
)

__all__ = [
    "LOSSES",
    "huber_loss",
    "l1_loss",
    "log_cosh_loss",
    "mse_loss",
    "poisson_nll_loss",
    "quantile_loss",
    "smooth_l1_loss",
]
