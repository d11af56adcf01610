"""Learning-rate schedules: the learning rate as a pure function of the step.

A schedule maps ``step``, the number of optimizer steps already taken (0 for the first step),
to the learning rate of that step. Each constructor is the closed form of a
``torch.optim.lr_scheduler`` class: ``sched(k)`` is the lr torch's optimizer holds after ``k``
calls of ``scheduler.step()``. Optimizers take a schedule (or any function of the step) as
``lr``. Schedules are immutable values: they compare equal by value, pickle, and round-trip
through ``sched.to_config()`` (a dict of plain values, JSON-serialisable) and
:func:`from_config`.

=====================  ===========================================
descend                torch.optim.lr_scheduler
=====================  ===========================================
``constant``           none (``LambdaLR(opt, lambda k: 1.0)``)
``step``               ``StepLR``
``multistep``          ``MultiStepLR``
``exponential``        ``ExponentialLR``
``linear``             ``LinearLR``
``polynomial``         ``PolynomialLR`` (plus ``min_lr``)
``cosine``             ``CosineAnnealingLR`` (optional warmup; holds ``min_lr`` at the end)
``cosine_restarts``    ``CosineAnnealingWarmRestarts``
``one_cycle``          ``OneCycleLR`` (learning rate only)
``cyclic``             ``CyclicLR`` (learning rate only)
``sequential``         ``SequentialLR``
=====================  ===========================================

Examples
--------
>>> from descend import schedules
>>> sched = schedules.cosine(0.1, total_steps=100, warmup_steps=10)
>>> sched(0), sched(10), sched(100), sched(5000)
(0.0, 0.1, 0.0, 0.0)
>>> schedules.from_config(sched.to_config()) == sched
True
"""

from __future__ import annotations

from descend.schedules._annealing import cosine, cosine_restarts
from descend.schedules._base import Schedule, is_schedule
from descend.schedules._config import from_config
from descend.schedules._cycles import cyclic, one_cycle
from descend.schedules._decay import constant, exponential, linear, multistep, polynomial, step
from descend.schedules._sequential import sequential

__all__ = [
    "Schedule",
    "constant",
    "cosine",
    "cosine_restarts",
    "cyclic",
    "exponential",
    "from_config",
    "is_schedule",
    "linear",
    "multistep",
    "one_cycle",
    "polynomial",
    "sequential",
    "step",
]
