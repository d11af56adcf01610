"""descend: ML losses, activations, their gradients and optimizer steps, in Rust on numpy arrays.

Examples
--------
>>> import numpy as np, descend as ds
>>> x, y = np.array([1.0, 2.0, 4.0]), np.array([1.0, 0.0, 1.0])
>>> value, grad = ds.huber_loss.value_and_grad(x, y)
>>> round(value, 4), grad.tolist()
(1.3333, [0.0, 0.3333333333333333, 0.3333333333333333])
"""

from __future__ import annotations

import importlib.metadata
import warnings

from descend import _core, clip, metrics, models, optim, preprocessing, reference, schedules
from descend._activation import Activation
from descend._batches import batches
from descend._callbacks import EarlyStopping
from descend._fit import fit
from descend._gradcheck import GradcheckError, gradcheck
from descend._history import History, plot_histories
from descend._loss import Loss
from descend._threads import get_num_threads, set_num_threads, threads
from descend.activations import (
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
from descend.clip import clip_grad_norm_, clip_grad_value_
from descend.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    gaussian_nll_loss,
    hinge_embedding_loss,
    huber_loss,
    kl_div,
    l1_loss,
    log_cosh_loss,
    mse_loss,
    multi_margin_loss,
    multilabel_soft_margin_loss,
    nll_loss,
    poisson_nll_loss,
    quantile_loss,
    smooth_l1_loss,
    soft_margin_loss,
)
from descend.optim import (
    ASGD,
    LAMB,
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    Adamax,
    AdamW,
    Lion,
    NAdam,
    Optimizer,
    RAdam,
    ReduceLROnPlateau,
    RMSprop,
    Rprop,
    load_state,
    save_state,
)

__version__ = importlib.metadata.version("descend")

__all__ = [
    "ASGD",
    "LAMB",
    "SGD",
    "Activation",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "EarlyStopping",
    "GradcheckError",
    "History",
    "Lion",
    "Loss",
    "NAdam",
    "Optimizer",
    "RAdam",
    "RMSprop",
    "ReduceLROnPlateau",
    "Rprop",
    "__version__",
    "batches",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "clip",
    "clip_grad_norm_",
    "clip_grad_value_",
    "cross_entropy",
    "elu",
    "fit",
    "gaussian_nll_loss",
    "gelu",
    "get_num_threads",
    "gradcheck",
    "hinge_embedding_loss",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "leaky_relu",
    "load_state",
    "log_cosh_loss",
    "log_sigmoid",
    "log_softmax",
    "metrics",
    "models",
    "mse_loss",
    "multi_margin_loss",
    "multilabel_soft_margin_loss",
    "nll_loss",
    "optim",
    "plot_histories",
    "poisson_nll_loss",
    "preprocessing",
    "quantile_loss",
    "reference",
    "relu",
    "save_state",
    "schedules",
    "set_num_threads",
    "sigmoid",
    "silu",
    "simd_level",
    "smooth_l1_loss",
    "soft_margin_loss",
    "softmax",
    "softplus",
    "tanh",
    "threads",
]


def simd_level() -> str:
    """Return the instruction set kernels run with.

    One of ``"scalar"``, ``"avx2"``, ``"avx512"``, ``"neon"``.

    ``DESCEND_SIMD`` (read at import) forces a path; one the CPU lacks falls back with a warning.
    """
    return _core.simd_level()


for _warning in (_core.simd_warning(), _core.thread_variable_warning()):
    if _warning is not None:
        warnings.warn(_warning, RuntimeWarning, stacklevel=2)
