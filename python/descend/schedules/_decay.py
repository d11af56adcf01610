"""Monotone decays: constant, step, multistep, exponential, linear and polynomial."""

from __future__ import annotations

import dataclasses
from bisect import bisect_right
from collections.abc import Sequence
from typing import ClassVar

from descend.schedules._base import Schedule, at_most, integer, integers, power, real


@dataclasses.dataclass(frozen=True, repr=False)
class Constant(Schedule):
    kind: ClassVar[str] = "constant"
    lr: float

    def _lr(self, step: int) -> float:
        return self.lr


@dataclasses.dataclass(frozen=True, repr=False)
class Step(Schedule):
    kind: ClassVar[str] = "step"
    lr: float
    step_size: int
    gamma: float

    def _lr(self, step: int) -> float:
        return power(self.lr, self.gamma, step // self.step_size)


@dataclasses.dataclass(frozen=True, repr=False)
class MultiStep(Schedule):
    kind: ClassVar[str] = "multistep"
    lr: float
    milestones: tuple[int, ...]
    gamma: float

    def _lr(self, step: int) -> float:
        return power(self.lr, self.gamma, bisect_right(self.milestones, step))


@dataclasses.dataclass(frozen=True, repr=False)
class Exponential(Schedule):
    kind: ClassVar[str] = "exponential"
    lr: float
    gamma: float

    def _lr(self, step: int) -> float:
        return power(self.lr, self.gamma, step)


@dataclasses.dataclass(frozen=True, repr=False)
class Linear(Schedule):
    kind: ClassVar[str] = "linear"
    lr: float
    start_factor: float
    end_factor: float
    total_steps: int

    def _lr(self, step: int) -> float:
        change = (self.end_factor - self.start_factor) * min(self.total_steps, step)
        factor = self.start_factor + change / self.total_steps
        # Rounding can step past the end (−5.6e-17 for a decay to 0): a negative lr would make
        # the optimizer refuse its last steps.
        low, high = sorted((self.start_factor, self.end_factor))
        return self.lr * min(max(factor, low), high)


@dataclasses.dataclass(frozen=True, repr=False)
class Polynomial(Schedule):
    kind: ClassVar[str] = "polynomial"
    lr: float
    total_steps: int
    power: float
    min_lr: float

    def _lr(self, step: int) -> float:
        remaining = 1.0 - min(self.total_steps, step) / self.total_steps
        return self.min_lr + (self.lr - self.min_lr) * float(remaining**self.power)


def constant(lr: float) -> Schedule:
    """Keep the learning rate the same at every step.

    Parameters
    ----------
    lr : float
        The learning rate, >= 0.

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
    lr(k) = lr.

    torch: no scheduler at all (or ``LambdaLR(optimizer, lambda k: 1.0)``). Not torch's
    ``ConstantLR``, which multiplies by a factor for a number of steps.

    The closed form of torch's ``LambdaLR`` with a constant factor [1]_.

    References
    ----------
    .. [1] PyTorch, ``torch.optim.lr_scheduler.LambdaLR``.

    Examples
    --------
    >>> from descend import schedules
    >>> schedules.constant(0.01)(12345)
    0.01
    """
    return Constant(real("lr", lr, low=0.0))


def step(lr: float, step_size: int, gamma: float = 0.1) -> Schedule:
    """Multiply the learning rate by ``gamma`` every ``step_size`` steps.

    Parameters
    ----------
    lr : float
        The learning rate of the first ``step_size`` steps, >= 0.
    step_size : int
        Steps between two decays, >= 1.
    gamma : float
        The factor of each decay, > 0 (above 1 the learning rate grows, to inf past the
        float range, which an optimizer refuses).

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
    lr(k) = lr · gamma^⌊k / step_size⌋.

    torch: ``torch.optim.lr_scheduler.StepLR(optimizer, step_size, gamma)`` on an optimizer
    whose lr is ``lr``. torch multiplies the previous lr by gamma at each decay; the power
    here agrees with that product to a few ulp per decay.

    The closed form of torch's ``StepLR`` [1]_.

    References
    ----------
    .. [1] PyTorch, ``torch.optim.lr_scheduler.StepLR``.

    Examples
    --------
    >>> from descend import schedules
    >>> sched = schedules.step(0.1, step_size=2, gamma=0.5)
    >>> [sched(k) for k in range(6)]
    [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]
    """
    return Step(
        real("lr", lr, low=0.0),
        integer("step_size", step_size, minimum=1),
        real("gamma", gamma, low=0.0, open_low=True),
    )


def multistep(lr: float, milestones: Sequence[int], gamma: float = 0.1) -> Schedule:
    """Multiply the learning rate by ``gamma`` at each milestone.

    Parameters
    ----------
    lr : float
        The learning rate before the first milestone, >= 0.
    milestones : sequence of int
        Steps (>= 0, non-decreasing) from which the next decay applies. May be empty.
    gamma : float
        The factor of each decay, > 0.

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
    lr(k) = lr · gamma^n(k), n(k) = the number of milestones m with m <= k.

    torch: ``torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones, gamma)`` on an
    optimizer whose lr is ``lr``. A milestone listed twice decays twice, as in torch.

    The closed form of torch's ``MultiStepLR`` [1]_.

    References
    ----------
    .. [1] PyTorch, ``torch.optim.lr_scheduler.MultiStepLR``.

    Examples
    --------
    >>> from descend import schedules
    >>> sched = schedules.multistep(1.0, milestones=[2, 4], gamma=0.5)
    >>> [sched(k) for k in range(6)]
    [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    """
    return MultiStep(
        real("lr", lr, low=0.0),
        integers("milestones", milestones, minimum=0, strict=False),
        real("gamma", gamma, low=0.0, open_low=True),
    )


def exponential(lr: float, gamma: float) -> Schedule:
    """Multiply the learning rate by ``gamma`` at every step.

    Parameters
    ----------
    lr : float
        The learning rate of the first step, >= 0.
    gamma : float
        The factor of each step, > 0.

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
    lr(k) = lr · gamma^k.

    torch: ``torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma)`` on an optimizer whose
    lr is ``lr``. torch multiplies the previous lr by gamma at each step; the power here agrees
    with that product to a few ulp per step. ``gamma > 1`` grows the learning rate (a learning
    rate range test); past the float range the learning rate is inf, which an optimizer refuses.

    The closed form of torch's ``ExponentialLR`` [1]_.

    References
    ----------
    .. [1] PyTorch, ``torch.optim.lr_scheduler.ExponentialLR``.

    Examples
    --------
    >>> from descend import schedules
    >>> sched = schedules.exponential(1.0, gamma=0.5)
    >>> [sched(k) for k in range(4)]
    [1.0, 0.5, 0.25, 0.125]
    """
    return Exponential(real("lr", lr, low=0.0), real("gamma", gamma, low=0.0, open_low=True))


def linear(
    lr: float,
    *,
    start_factor: float = 1.0 / 3,
    end_factor: float = 1.0,
    total_steps: int = 5,
) -> Schedule:
    """Scale the learning rate by a factor that moves linearly, then stays at its end.

    Parameters
    ----------
    lr : float
        The learning rate the factors scale, >= 0.
    start_factor : float
        The factor at step 0, in [0, 1].
    end_factor : float
        The factor from step ``total_steps`` on, in [0, 1].
    total_steps : int
        Steps the factor takes to move from ``start_factor`` to ``end_factor``, >= 1.

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
    lr(k) = lr · (start_factor + (end_factor − start_factor) · min(k, total_steps) /
    total_steps).

    torch: ``torch.optim.lr_scheduler.LinearLR(optimizer, start_factor, end_factor,
    total_iters=total_steps)`` on an optimizer whose lr is ``lr``, with its defaults. torch
    takes ``start_factor`` in (0, 1] because its step-by-step update divides by it; this
    closed form also takes 0, a warmup from zero.

    The closed form of torch's ``LinearLR`` [1]_.

    References
    ----------
    .. [1] PyTorch, ``torch.optim.lr_scheduler.LinearLR``.

    Examples
    --------
    >>> from descend import schedules
    >>> sched = schedules.linear(1.0, start_factor=0.25, total_steps=3)
    >>> [sched(k) for k in range(5)]
    [0.25, 0.5, 0.75, 1.0, 1.0]
    """
    return Linear(
        real("lr", lr, low=0.0),
        real("start_factor", start_factor, low=0.0, high=1.0),
        real("end_factor", end_factor, low=0.0, high=1.0),
        integer("total_steps", total_steps, minimum=1),
    )


def polynomial(lr: float, total_steps: int, *, power: float = 1.0, min_lr: float = 0.0) -> Schedule:
    """Decay the learning rate polynomially to ``min_lr`` over ``total_steps``, then hold it.

    Parameters
    ----------
    lr : float
        The learning rate of step 0, >= 0.
    total_steps : int
        The step from which the learning rate is ``min_lr``, >= 1.
    power : float
        The power of the polynomial, > 0 (1 decays linearly).
    min_lr : float
        The final learning rate, in [0, lr].

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
    lr(k) = min_lr + (lr − min_lr) · (1 − min(k, total_steps) / total_steps)^power.

    torch: ``torch.optim.lr_scheduler.PolynomialLR(optimizer, total_iters=total_steps,
    power=power)`` on an optimizer whose lr is ``lr``, when ``min_lr`` is 0 (torch has no
    ``min_lr``, and defaults ``total_iters`` to 5, which this function does not copy).

    The closed form of torch's ``PolynomialLR`` [1]_.

    References
    ----------
    .. [1] PyTorch, ``torch.optim.lr_scheduler.PolynomialLR``.

    Examples
    --------
    >>> from descend import schedules
    >>> sched = schedules.polynomial(1.0, total_steps=4, power=2.0)
    >>> [sched(k) for k in range(6)]
    [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0]
    """
    lr = real("lr", lr, low=0.0)
    return Polynomial(
        lr,
        integer("total_steps", total_steps, minimum=1),
        real("power", power, low=0.0, open_low=True),
        at_most("min_lr", real("min_lr", min_lr, low=0.0), "lr", lr),
    )
