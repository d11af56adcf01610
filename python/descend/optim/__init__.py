"""Optimizers with ``torch.optim``'s names, arguments, update rules and state layout.

Each updates float32/float64 numpy parameters in place, all tensors of a step in one native
call; state lives in native buffers and is copied out by ``state_dict()``. ``LAMB``, which
torch lacks, follows optax.
"""

from __future__ import annotations

from descend.optim._adadelta import Adadelta
from descend.optim._adagrad import Adagrad
from descend.optim._adam import Adam, AdamW
from descend.optim._adamax import Adamax
from descend.optim._asgd import ASGD
from descend.optim._lamb import LAMB
from descend.optim._lion import Lion
from descend.optim._nadam import NAdam
from descend.optim._optimizer import Optimizer
from descend.optim._plateau import ReduceLROnPlateau
from descend.optim._radam import RAdam
from descend.optim._rmsprop import RMSprop
from descend.optim._rprop import Rprop
from descend.optim._saving import load_state, save_state
from descend.optim._sgd import SGD

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
    "Optimizer",
    "RAdam",
    "RMSprop",
    "ReduceLROnPlateau",
    "Rprop",
    "load_state",
    "save_state",
]
