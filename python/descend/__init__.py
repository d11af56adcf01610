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
from descend import activations as _activations
from descend._activation import Activation
from descend._batches import batches
from descend._callbacks import EarlyStopping
from descend._fit import fit
from descend._gradcheck import GradcheckError, gradcheck
from descend._history import History, plot_histories
from descend._loss import Loss
from descend._threads import get_num_threads, set_num_threads, threads
from descend.activations import *
from descend.clip import clip_grad_norm_, clip_grad_value_
from descend.losses import binary as _binary
from descend.losses import classification as _classification
from descend.losses import likelihood as _likelihood
from descend.losses import regression as _regression
from descend.losses.binary import *
from descend.losses.classification import *
from descend.losses.likelihood import *
from descend.losses.regression import *
from descend.optim import *

__version__ = importlib.metadata.version("descend")

__all__ = [
    "Activation",
    "EarlyStopping",
    "GradcheckError",
    "History",
    "Loss",
    "__version__",
    "batches",
    "clip",
    "clip_grad_norm_",
    "clip_grad_value_",
    "fit",
    "get_num_threads",
    "gradcheck",
    "metrics",
    "models",
    "optim",
    "plot_histories",
    "preprocessing",
    "reference",
    "schedules",
    "set_num_threads",
    "simd_level",
    "threads",
]
# The losses, activations and optimizers, as their declaration modules list them.
__all__ += _binary.__all__
__all__ += _classification.__all__
__all__ += _likelihood.__all__
__all__ += _regression.__all__
__all__ += _activations.__all__
__all__ += optim.__all__


def simd_level() -> str:
    """Return the instruction set kernels run with.

    One of ``"scalar"``, ``"avx2"``, ``"avx512"``, ``"neon"``.

    ``DESCEND_SIMD`` (read at import) forces a path; one the CPU lacks falls back with a warning.
    """
    return _core.simd_level()


for _warning in (_core.simd_warning(), _core.thread_variable_warning()):
    if _warning is not None:
        warnings.warn(_warning, RuntimeWarning, stacklevel=2)
