"""Optimizers with ``torch.optim``'s names, arguments, update rules and state layout.

Each updates float32/float64 numpy parameters in place, all tensors of a step in one native
call; state lives in native buffers and is copied out by ``state_dict()``. ``LAMB``, which
torch lacks, follows optax.
"""

from __future__ import annotations

from descend.optim._adadelta import Adadelta
from descend.optim._adam import Adam, AdamW
from descend.optim._asgd import ASGD
from descend.optim._lamb import LAMB
from descend.optim._optimizer import Optimizer
from descend.optim._rmsprop import RMSprop
from descend.optim._rprop import Rprop
from descend.optim._sgd import SGD

__all__ = ["ASGD", "LAMB", "SGD", "Adadelta", "Adam", "AdamW", "Optimizer", "RMSprop", "Rprop"]
