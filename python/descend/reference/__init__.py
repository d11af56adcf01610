"""Plain-numpy oracle for everything descend computes, written from the formulas.

Independent of the Rust kernels, so the tests compare two separate derivations rather than
one piece of code against itself. Everything is computed in float64 whatever the input dtype;
names, arguments and semantics follow ``torch.nn.functional``. One module per family:
``regression`` (pointwise regression losses), ``classification``, ``activations``,
``optim`` and ``clip``.
"""

from __future__ import annotations

from descend.reference import activations, classification, clip, optim, regression
from descend.reference.activations import (
    ACTIVATIONS,
    elu,
    gelu,
    leaky_relu,
    log_sigmoid,
    log_softmax,
    relu,
    sigmoid,
    silu,
    softmax,
    softplus,
    tanh,
)
from descend.reference.classification import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    gaussian_nll_loss,
    hinge_embedding_loss,
    kl_div,
    multi_margin_loss,
    multilabel_soft_margin_loss,
    nll_loss,
    soft_margin_loss,
)
from descend.reference.clip import clip_grad_norm_, clip_grad_value_
from descend.reference.regression import (
    huber_loss,
    l1_loss,
    log_cosh_loss,
    mse_loss,
    poisson_nll_loss,
    quantile_loss,
    smooth_l1_loss,
)

LOSSES: tuple[str, ...] = regression.LOSSES + classification.LOSSES

__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "activations",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "classification",
    "clip",
    "clip_grad_norm_",
    "clip_grad_value_",
    "cross_entropy",
    "elu",
    "gaussian_nll_loss",
    "gelu",
    "hinge_embedding_loss",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "leaky_relu",
    "log_cosh_loss",
    "log_sigmoid",
    "log_softmax",
    "mse_loss",
    "multi_margin_loss",
    "multilabel_soft_margin_loss",
    "nll_loss",
    "optim",
    "poisson_nll_loss",
    "quantile_loss",
    "regression",
    "relu",
    "sigmoid",
    "silu",
    "smooth_l1_loss",
    "soft_margin_loss",
    "softmax",
    "softplus",
    "tanh",
]
