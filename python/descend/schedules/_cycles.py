"""Cyclical schedules: the 1cycle policy and cyclical learning rates (learning rate part only).

Both compute torch's expressions in torch's order (torch's ``get_lr`` of these classes is a
closed form, not a product of past steps), so they agree with torch to the last bit.
"""

from __future__ import annotations

import dataclasses
import math
from typing import ClassVar, Literal

from descend.schedules._base import Schedule, at_most, choice, flag, integer, real


def _anneal_cos(start: float, end: float, pct: float) -> float:
    return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)


def _anneal_linear(start: float, end: float, pct: float) -> float:
    return (end - start) * pct + start


@dataclasses.dataclass(frozen=True, repr=False)
class OneCycle(Schedule):
    kind: ClassVar[str] = "one_cycle"
    max_lr: float
    total_steps: int
    pct_start: float
    anneal_strategy: str
    div_factor: float
    final_div_factor: float
    three_phase: bool

    def _lr(self, step: int) -> float:
        initial_lr = self.max_lr / self.div_factor
        final_lr = initial_lr / self.final_div_factor
        if step >= self.total_steps:
            return final_lr
        # (last step of the phase, lr at its start, lr at its end), as torch's _schedule_phases.
        rise_end = float(self.pct_start * self.total_steps) - 1
        last = self.total_steps - 1
        phases = (
            [
                (rise_end, initial_lr, self.max_lr),
                (float(2 * self.pct_start * self.total_steps) - 2, self.max_lr, initial_lr),
                (last, initial_lr, final_lr),
            ]
            if self.three_phase
            else [(rise_end, initial_lr, self.max_lr), (last, self.max_lr, final_lr)]
        )
        anneal = _anneal_cos if self.anneal_strategy == "cos" else _anneal_linear
        start_step = 0.0
        for i, (end_step, start_lr, end_lr) in enumerate(phases):
            if step <= end_step or i == len(phases) - 1:
                # An empty first phase (pct_start · total_steps = 1): torch divides 0 by 0.
                width = end_step - start_step
                pct = (step - start_step) / width if width else 1.0
                return anneal(start_lr, end_lr, pct)
            start_step = end_step
        raise AssertionError("unreachable: the last phase always matches")


@dataclasses.dataclass(frozen=True, repr=False)
class Cyclic(Schedule):
    kind: ClassVar[str] = "cyclic"
    base_lr: float
    max_lr: float
    step_size_up: int
    step_size_down: int
    mode: str
    gamma: float

    def _lr(self, step: int) -> float:
        total_size = float(self.step_size_up) + float(self.step_size_down)
        step_ratio = self.step_size_up / total_size
        cycle = math.floor(1 + step / total_size)
        x = 1.0 + step / total_size - cycle
        scale_factor = x / step_ratio if x <= step_ratio else (x - 1) / (step_ratio - 1)
        base_height = (self.max_lr - self.base_lr) * scale_factor
        if self.mode == "triangular":
            scale = 1.0
        elif self.mode == "triangular2":
            # torch's 1 / 2.0 ** (cycle - 1), equal while that is finite (torch overflows
            # after 1024 cycles); this underflows to 0 instead.
            scale = 2.0 ** (1 - cycle)
        else:
            scale = self.gamma**step
        return self.base_lr + base_height * scale


def one_cycle(
    max_lr: float,
    total_steps: int,
    *,
    pct_start: float = 0.3,
    anneal_strategy: Literal["cos", "linear"] = "cos",
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
    three_phase: bool = False,
) -> Schedule:
    """Rise from max_lr / div_factor to max_lr, then fall far below the start: the 1cycle policy.

    Parameters
    ----------
    max_lr : float
        The peak learning rate, >= 0.
    total_steps : int
        Steps in the cycle, >= 1.
    pct_start : float
        The fraction of the steps spent rising, in (0, 1); at most 0.5 with ``three_phase``.
    anneal_strategy : {"cos", "linear"}
        The shape of each phase.
    div_factor : float
        The learning rate of step 0 is max_lr / div_factor, > 0.
    final_div_factor : float
        The final learning rate is max_lr / (div_factor · final_div_factor), > 0.
    three_phase : bool
        Come back down to the initial learning rate as fast as it rose, then anneal to the
        final one (the original paper's schedule) instead of annealing straight down from the
        peak (fastai's).

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
    With initial = max_lr / div_factor, final = initial / final_div_factor,
    p = pct_start · total_steps and a(start, end, f) the annealing from start (f = 0) to end
    (f = 1) — ``"cos"``: end + (start − end)(1 + cos(π f)) / 2, ``"linear"``:
    start + (end − start) f:

    - two phases: steps 0 .. p − 1 anneal initial → max_lr, then up to total_steps − 1
      max_lr → final;
    - ``three_phase``: initial → max_lr up to p − 1, max_lr → initial up to 2p − 2, then
      initial → final up to total_steps − 1.

    Each phase's f is (k − its first step) / (its last step − its first step), with torch's
    fractional phase boundaries. From step ``total_steps`` on the learning rate stays at
    ``final``: torch's scheduler extrapolates its last phase for that one step and raises
    ``ValueError`` on the next.

    torch: ``torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr, total_steps=total_steps,
    pct_start, anneal_strategy, cycle_momentum=False, div_factor, final_div_factor,
    three_phase)``, its learning rate only: torch's default ``cycle_momentum=True`` also
    cycles the optimizer's momentum (or Adam's beta1) inversely between 0.95 and 0.85, which
    this schedule does not do. torch's ``epochs`` and ``steps_per_epoch`` are not taken: pass
    their product as ``total_steps``. Where torch divides by zero (pct_start · total_steps =
    1, so the first phase is the single step 0), step 0 here has ``max_lr``.

    The closed form of torch's ``OneCycleLR`` [1]_, the policy of [2]_.

    References
    ----------
    .. [1] PyTorch, ``torch.optim.lr_scheduler.OneCycleLR``.
    .. [2] L. N. Smith and N. Topin, "Super-Convergence: Very Fast Training of Neural Networks
       Using Large Learning Rates", arXiv:1708.07120, 2017.

    Examples
    --------
    >>> from descend import schedules
    >>> sched = schedules.one_cycle(1.0, total_steps=5, pct_start=0.4, div_factor=10.0,
    ...                             final_div_factor=100.0)
    >>> [round(sched(k), 4) for k in range(6)]
    [0.1, 1.0, 0.7502, 0.2508, 0.001, 0.001]
    """
    pct_start = real("pct_start", pct_start, low=0.0, high=1.0, open_low=True, open_high=True)
    three_phase = flag("three_phase", three_phase)
    if three_phase and pct_start > 0.5:
        raise ValueError(
            f"pct_start must be <= 0.5 when three_phase is True (its first two phases take "
            f"2 · pct_start of the steps), got {pct_start!r}"
        )
    return OneCycle(
        real("max_lr", max_lr, low=0.0),
        integer("total_steps", total_steps, minimum=1),
        pct_start,
        choice("anneal_strategy", anneal_strategy, ("cos", "linear")),
        real("div_factor", div_factor, low=0.0, open_low=True),
        real("final_div_factor", final_div_factor, low=0.0, open_low=True),
        three_phase,
    )


def cyclic(
    base_lr: float,
    max_lr: float,
    *,
    step_size_up: int = 2000,
    step_size_down: int | None = None,
    mode: Literal["triangular", "triangular2", "exp_range"] = "triangular",
    gamma: float = 1.0,
) -> Schedule:
    """Cyclical learning rate: triangles between ``base_lr`` and a peak, forever.

    Parameters
    ----------
    base_lr : float
        The bottom of every cycle, >= 0.
    max_lr : float
        The top of the first cycle, >= base_lr.
    step_size_up : int
        Steps rising in each cycle, >= 1.
    step_size_down : int or None
        Steps falling in each cycle, >= 1; ``None`` means ``step_size_up``.
    mode : {"triangular", "triangular2", "exp_range"}
        How the height of the cycles changes.
    gamma : float
        The ``"exp_range"`` factor per step, in (0, 1]; other modes ignore it.

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
    A cycle is ``step_size_up`` steps rising linearly from ``base_lr`` and ``step_size_down``
    steps falling back. With L = step_size_up + step_size_down, c = ⌊1 + k / L⌋ (the cycle,
    from 1), x = 1 + k / L − c and r = step_size_up / L:
    lr(k) = base_lr + (max_lr − base_lr) · h(x) · s, where h(x) = x / r while x <= r,
    else (x − 1) / (r − 1), and s = 1 (``"triangular"``), 1 / 2^(c − 1) (``"triangular2"``:
    the height halves every cycle) or gamma^k (``"exp_range"``).

    torch: ``torch.optim.lr_scheduler.CyclicLR(optimizer, base_lr, max_lr, step_size_up,
    step_size_down, mode, gamma, cycle_momentum=False)``, its learning rate only: torch's
    default ``cycle_momentum=True`` also cycles the optimizer's momentum, which this schedule
    does not do; torch's custom ``scale_fn``/``scale_mode`` are not taken (a function cannot
    be saved in a config). The same values to the bit, except that ``"triangular2"`` goes on
    past cycle 1024, where torch's ``1 / 2.0 ** (cycle - 1)`` raises ``OverflowError``.

    The closed form of torch's ``CyclicLR`` [1]_, the policy of [2]_.

    References
    ----------
    .. [1] PyTorch, ``torch.optim.lr_scheduler.CyclicLR``.
    .. [2] L. N. Smith, "Cyclical Learning Rates for Training Neural Networks", WACV, 2017.

    Examples
    --------
    >>> from descend import schedules
    >>> sched = schedules.cyclic(0.0, 1.0, step_size_up=2, mode="triangular2")
    >>> [sched(k) for k in range(9)]
    [0.0, 0.5, 1.0, 0.5, 0.0, 0.25, 0.5, 0.25, 0.0]
    """
    max_lr = real("max_lr", max_lr, low=0.0)
    base_lr = at_most("base_lr", real("base_lr", base_lr, low=0.0), "max_lr", max_lr)
    step_size_up = integer("step_size_up", step_size_up, minimum=1)
    return Cyclic(
        base_lr,
        max_lr,
        step_size_up,
        step_size_up
        if step_size_down is None
        else integer("step_size_down", step_size_down, minimum=1),
        choice("mode", mode, ("triangular", "triangular2", "exp_range")),
        real("gamma", gamma, low=0.0, high=1.0, open_low=True),
    )
