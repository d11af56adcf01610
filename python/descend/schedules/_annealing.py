"""Cosine annealing: once (with an optional linear warmup), or with warm restarts."""

from __future__ import annotations

import dataclasses
import math
from typing import ClassVar

from descend.schedules._base import Schedule, at_most, integer, real


def _anneal(lr: float, min_lr: float, t: int, period: int) -> float:
    """Half a cosine from ``lr`` (t = 0) down to ``min_lr`` (t = period), as torch writes it."""
    return min_lr + (lr - min_lr) * (1 + math.cos(math.pi * t / period)) / 2


@dataclasses.dataclass(frozen=True, repr=False)
class Cosine(Schedule):
    kind: ClassVar[str] = "cosine"
    lr: float
    total_steps: int
    warmup_steps: int
    min_lr: float
    warmup_start_lr: float

    def _lr(self, step: int) -> float:
        if step < self.warmup_steps:
            rise = (self.lr - self.warmup_start_lr) * step
            return self.warmup_start_lr + rise / self.warmup_steps
        if step >= self.total_steps:
            return self.min_lr
        if step == self.warmup_steps:  # exactly lr, as torch's first step (the formula may round)
            return self.lr
        period = self.total_steps - self.warmup_steps
        return _anneal(self.lr, self.min_lr, step - self.warmup_steps, period)


@dataclasses.dataclass(frozen=True, repr=False)
class CosineRestarts(Schedule):
    kind: ClassVar[str] = "cosine_restarts"
    lr: float
    first_period: int
    period_mult: int
    min_lr: float

    def _lr(self, step: int) -> float:
        period = self.first_period
        if self.period_mult == 1:
            return _anneal(self.lr, self.min_lr, step % period, period)
        start = 0  # the step of the latest restart; periods grow geometrically, so few loops
        while step >= start + period:
            start += period
            period *= self.period_mult
        return _anneal(self.lr, self.min_lr, step - start, period)


def cosine(
    lr: float,
    total_steps: int,
    *,
    warmup_steps: int = 0,
    min_lr: float = 0.0,
    warmup_start_lr: float = 0.0,
) -> Schedule:
    """Linear warmup, then half a cosine from ``lr`` down to ``min_lr``, then ``min_lr``.

    Parameters
    ----------
    lr : float
        The peak learning rate: the end of the warmup and the start of the cosine, >= 0.
    total_steps : int
        Warmup and cosine together: the step from which the learning rate is ``min_lr``, >= 1.
    warmup_steps : int
        Steps of linear warmup, in [0, total_steps).
    min_lr : float
        The learning rate at the end of the cosine and after it, in [0, lr] (torch's
        ``eta_min``).
    warmup_start_lr : float
        The learning rate of step 0 when ``warmup_steps > 0``, in [0, lr].

    Returns
    -------
    Schedule
        An immutable function of the step: ``sched(k)`` is the learning rate of step k.

    Raises
    ------
    ValueError
        An argument outside its domain (named in the message).
    TypeError
        An argument of the wrong type (a float where a count is expected, a bool).

    Notes
    -----
    With W = warmup_steps and T = total_steps − W:

    - k < W: lr(k) = warmup_start_lr + (lr − warmup_start_lr) · k / W;
    - W <= k <= total_steps: lr(k) = min_lr + (lr − min_lr) · (1 + cos(π (k − W) / T)) / 2;
    - k >= total_steps: lr(k) = min_lr. This is a choice: torch's ``CosineAnnealingLR`` keeps
      following its cosine past ``T_max``, back up to ``lr`` at 2·T_max and so on
      periodically; here the schedule ends at ``min_lr`` and stays there.

    torch: without warmup, ``torch.optim.lr_scheduler.CosineAnnealingLR(optimizer,
    T_max=total_steps, eta_min=min_lr)`` on an optimizer whose lr is ``lr``, up to step
    ``total_steps``. With warmup and ``warmup_start_lr > 0``, ``SequentialLR(optimizer,
    [LinearLR(optimizer, start_factor=warmup_start_lr / lr, total_iters=W),
    CosineAnnealingLR(optimizer, T_max=T, eta_min=min_lr)], milestones=[W])``. torch's
    ``LinearLR`` cannot start from 0, which is this function's default: the first step then
    has learning rate 0.

    The closed form of torch's ``CosineAnnealingLR`` [1]_, the annealing of [2]_.

    References
    ----------
    .. [1] PyTorch, ``torch.optim.lr_scheduler.CosineAnnealingLR``.
    .. [2] I. Loshchilov and F. Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts",
       ICLR, 2017.

    Examples
    --------
    >>> from descend import schedules
    >>> sched = schedules.cosine(1.0, total_steps=6, warmup_steps=2, min_lr=0.1)
    >>> [round(sched(k), 4) for k in range(8)]
    [0.0, 0.5, 1.0, 0.8682, 0.55, 0.2318, 0.1, 0.1]
    """
    lr = real("lr", lr, low=0.0)
    total_steps = integer("total_steps", total_steps, minimum=1)
    warmup_steps = integer("warmup_steps", warmup_steps, minimum=0)
    if warmup_steps >= total_steps:
        raise ValueError(f"warmup_steps must be < total_steps ({total_steps}), got {warmup_steps}")
    return Cosine(
        lr,
        total_steps,
        warmup_steps,
        at_most("min_lr", real("min_lr", min_lr, low=0.0), "lr", lr),
        at_most("warmup_start_lr", real("warmup_start_lr", warmup_start_lr, low=0.0), "lr", lr),
    )


def cosine_restarts(
    lr: float, first_period: int, *, period_mult: int = 1, min_lr: float = 0.0
) -> Schedule:
    """Half a cosine from ``lr`` to ``min_lr``, restarted from ``lr`` after every period.

    Parameters
    ----------
    lr : float
        The learning rate at each restart (torch's η_max: the optimizer's lr), >= 0.
    first_period : int
        Steps of the first period (torch's ``T_0``), >= 1.
    period_mult : int
        Each period is this many times as long as the one before (torch's ``T_mult``), >= 1.
    min_lr : float
        The bottom of the cosine (torch's ``eta_min``), in [0, lr].

    Returns
    -------
    Schedule
        An immutable function of the step: ``sched(k)`` is the learning rate of step k.

    Raises
    ------
    ValueError
        An argument outside its domain (named in the message).
    TypeError
        An argument of the wrong type (a float where a count is expected, a bool).

    Notes
    -----
    The periods last T_0 = first_period steps, then T_0·m, T_0·m², ... with
    m = period_mult. In a period of length T_i that started at step s:
    lr(k) = min_lr + (lr − min_lr) · (1 + cos(π (k − s) / T_i)) / 2, so the learning rate is
    ``lr`` at each restart (to an ulp: torch's expression rounds) and never quite reaches
    ``min_lr``. It goes on forever.

    torch: ``torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(optimizer,
    T_0=first_period, T_mult=period_mult, eta_min=min_lr)`` on an optimizer whose lr is
    ``lr``: the same expression, computed from the same integers.

    The closed form of torch's ``CosineAnnealingWarmRestarts`` [1]_, the restarts of [2]_.

    References
    ----------
    .. [1] PyTorch, ``torch.optim.lr_scheduler.CosineAnnealingWarmRestarts``.
    .. [2] I. Loshchilov and F. Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts",
       ICLR, 2017.

    Examples
    --------
    >>> from descend import schedules
    >>> sched = schedules.cosine_restarts(1.0, first_period=2, period_mult=2)
    >>> [round(sched(k), 4) for k in range(8)]
    [1.0, 0.5, 1.0, 0.8536, 0.5, 0.1464, 1.0, 0.9619]
    """
    lr = real("lr", lr, low=0.0)
    return CosineRestarts(
        lr,
        integer("first_period", first_period, minimum=1),
        integer("period_mult", period_mult, minimum=1),
        at_most("min_lr", real("min_lr", min_lr, low=0.0), "lr", lr),
    )
