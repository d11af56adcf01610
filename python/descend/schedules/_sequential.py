"""Schedules run one after another, each from its own step 0."""

from __future__ import annotations

import dataclasses
from bisect import bisect_right
from collections.abc import Sequence
from typing import ClassVar

from descend.schedules._base import Schedule, integers


@dataclasses.dataclass(frozen=True, repr=False)
class Sequential(Schedule):
    kind: ClassVar[str] = "sequential"
    schedules: tuple[Schedule, ...]
    milestones: tuple[int, ...]

    def _lr(self, step: int) -> float:
        i = bisect_right(self.milestones, step)
        return self.schedules[i](step - (self.milestones[i - 1] if i else 0))


def sequential(schedules: Sequence[Schedule], milestones: Sequence[int]) -> Schedule:
    """Run ``schedules[0]`` until ``milestones[0]``, then ``schedules[1]`` from its step 0, ...

    Parameters
    ----------
    schedules : sequence of Schedule
        One or more schedules (descend's, not arbitrary callables, so that the result can be
        saved with ``to_config``).
    milestones : sequence of int
        The steps at which the next schedule takes over: one fewer than ``schedules``,
        strictly increasing, >= 1.

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
    With m_0 < m_1 < ... the milestones (and m_{−1} = 0): for m_{i−1} <= k < m_i,
    lr(k) = schedules[i](k − m_{i−1}); the last schedule runs from the last milestone on.

    torch: ``torch.optim.lr_scheduler.SequentialLR(optimizer, schedulers, milestones)``, with
    each of ``schedulers`` the torch twin of the schedule at the same place. torch's
    schedulers all start from the optimizer's one lr; here each schedule carries its own
    ``lr``, so consecutive phases can have different peaks. A warmup followed by a cosine is
    ``sequential([linear(lr, start_factor=f, total_steps=W), cosine(lr, total_steps=T)],
    milestones=[W])``, or just ``cosine(lr, W + T, warmup_steps=W, warmup_start_lr=f · lr)``.

    The closed form of torch's ``SequentialLR`` [1]_.

    References
    ----------
    .. [1] PyTorch, ``torch.optim.lr_scheduler.SequentialLR``.

    Examples
    --------
    >>> from descend import schedules
    >>> warmup = schedules.linear(1.0, start_factor=0.5, total_steps=2)
    >>> sched = schedules.sequential([warmup, schedules.exponential(1.0, gamma=0.5)], [2])
    >>> [sched(k) for k in range(5)]
    [0.5, 0.75, 1.0, 0.5, 0.25]
    """
    if isinstance(schedules, (str, bytes)) or not isinstance(schedules, Sequence):
        raise TypeError(f"schedules must be a list of schedules, got {schedules!r}")
    if not schedules:
        raise ValueError("schedules must hold at least one schedule, got []")
    for i, schedule in enumerate(schedules):
        if not isinstance(schedule, Schedule):
            raise TypeError(
                f"schedules[{i}] must be a descend.schedules.Schedule (so that it can be saved "
                f"in a config), got {schedule!r}"
            )
    checked = integers("milestones", milestones, minimum=1, strict=True)
    if len(checked) != len(schedules) - 1:
        raise ValueError(
            f"milestones must hold one fewer entry than schedules ({len(schedules)}), got "
            f"{len(checked)}: {list(checked)}"
        )
    return Sequential(tuple(schedules), checked)
