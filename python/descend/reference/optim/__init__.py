"""Plain-numpy optimizers, written from the update equations of torch.optim's documentation.

Same constructor signatures as ``descend.optim`` (torch-only switches omitted); ``step(grads)``
updates the parameters in place in their own dtype, with state in plain numpy arrays. Slow and
obvious on purpose: the tests hold the native optimizers to these trajectories.
"""

from __future__ import annotations

from descend.reference.optim._rms import ASGD, LAMB, Adadelta, RMSprop, Rprop
from descend.reference.optim._sgd_adam import SGD, Adagrad, Adam, Adamax, AdamW, Lion, NAdam, RAdam

__all__ = [
    "ASGD",
    "LAMB",
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Lion",
    "NAdam",
    "RAdam",
    "RMSprop",
    "Rprop",
]
