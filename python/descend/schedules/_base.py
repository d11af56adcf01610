"""The ``Schedule`` base class and the argument checks every schedule shares.

A schedule is a frozen dataclass whose fields are its constructor's arguments, already checked
and normalised (Python ``int``/``float``/``bool``/``str``, tuples for lists), so equality,
hashing, pickling, ``repr`` and ``to_config`` all follow from the fields.
"""

from __future__ import annotations

import abc
import dataclasses
import math
import numbers
from collections.abc import Iterable
from typing import ClassVar, TypeAlias

import numpy as np

ConfigValue: TypeAlias = str | int | float | bool | list["ConfigValue"] | dict[str, "ConfigValue"]

# The largest step count: every count up to it is exact as a float, as schedules and bias
# corrections compute with it (and torch keeps an optimizer's ``step`` as a float tensor).
MAX_STEPS = 2**53


@dataclasses.dataclass(frozen=True, repr=False)
class Schedule(abc.ABC):
    """A learning rate as a pure function of the number of optimizer steps already taken.

    ``sched(step)`` is the learning rate of the optimizer step that has ``step`` steps before
    it (0 for the first step): what torch's ``optimizer.param_groups[0]["lr"]`` holds after
    ``step`` calls of the matching ``torch.optim.lr_scheduler`` class's ``scheduler.step()``.
    The constructors of :mod:`descend.schedules` (``cosine``, ``step``, ...) build schedules;
    this class is their common base, for ``isinstance`` checks. Schedules are immutable,
    compare equal by value, hash, pickle, and round-trip through :meth:`to_config` and
    :func:`descend.schedules.from_config`. Their ``repr`` is the constructor call that builds
    them.

    Raises
    ------
    ValueError
        ``sched(step)`` with a negative ``step``.
    TypeError
        ``sched(step)`` with a ``step`` that is not an integer.

    Notes
    -----
    torch's schedulers [1]_ are objects that mutate an optimizer's lr at each
    ``scheduler.step()``; a schedule is the closed form of that sequence, so the lr of any step
    is known without replaying the steps before it, and an optimizer's state holds its position
    as a step count.

    References
    ----------
    .. [1] PyTorch, ``torch.optim.lr_scheduler``.

    Examples
    --------
    >>> from descend import schedules
    >>> sched = schedules.exponential(0.1, gamma=0.5)
    >>> isinstance(sched, schedules.Schedule), sched(0), sched(2)
    (True, 0.1, 0.025)
    >>> sched
    exponential(lr=0.1, gamma=0.5)
    """

    kind: ClassVar[str]

    def __call__(self, step: int) -> float:
        """Return the learning rate of the step with ``step`` steps before it.

        Raises ``TypeError`` if ``step`` is not an integer and ``ValueError`` if it is
        negative or above 2**53 (where step counts stop being exact floats).
        """
        step = integer("step", step, minimum=0)
        if step > MAX_STEPS:
            raise ValueError(f"step must be an integer in [0, 2**53], got {step}")
        return float(self._lr(step))

    @abc.abstractmethod
    def _lr(self, step: int) -> float:
        """Return the learning rate at ``step``, an ``int`` >= 0."""

    def to_config(self) -> dict[str, ConfigValue]:
        """Return the schedule as a dict of plain values (JSON-serialisable, no pickling).

        The dict holds ``"kind"`` (the constructor's name) and every constructor argument,
        defaults included; ``descend.schedules.from_config`` rebuilds an equal schedule.
        ``sequential`` nests its schedules' configs in a list.

        Examples
        --------
        >>> from descend import schedules
        >>> schedules.step(0.1, step_size=30).to_config()
        {'kind': 'step', 'lr': 0.1, 'step_size': 30, 'gamma': 0.1}
        """
        config: dict[str, ConfigValue] = {"kind": self.kind}
        for field in dataclasses.fields(self):
            config[field.name] = _plain(getattr(self, field.name))
        return config

    def __repr__(self) -> str:
        """Return the constructor call that builds this schedule."""
        args = (f"{f.name}={_show(getattr(self, f.name))}" for f in dataclasses.fields(self))
        return f"{self.kind}({', '.join(args)})"


def is_schedule(obj: object) -> bool:
    """Return whether ``obj`` is a :class:`Schedule` (as opposed to any other callable).

    Parameters
    ----------
    obj : object
        Anything, typically an optimizer group's ``lr``.

    Returns
    -------
    bool
        Whether ``obj`` is an instance of :class:`Schedule`.

    Notes
    -----
    A schedule can be saved with its ``to_config()``; an arbitrary function of the step
    cannot. :func:`descend.save_state` relies on this test, as torch's schedulers [1]_ are
    saved by their ``state_dict()``.

    References
    ----------
    .. [1] PyTorch, ``torch.optim.lr_scheduler.LRScheduler.state_dict``.

    Examples
    --------
    >>> from descend import schedules
    >>> schedules.is_schedule(schedules.constant(0.1)), schedules.is_schedule(lambda k: 0.1)
    (True, False)
    """
    return isinstance(obj, Schedule)


def _plain(value: object) -> ConfigValue:
    if isinstance(value, Schedule):
        return value.to_config()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    assert isinstance(value, (str, int, float, bool))
    return value


def _show(value: object) -> str:
    if isinstance(value, tuple):
        return f"[{', '.join(_show(v) for v in value)}]"
    return repr(value)


# Argument checks: each returns the value as a plain Python type or raises a builtin exception
# naming the argument, the expected domain and the value received.


def integer(name: str, value: object, *, minimum: int) -> int:
    """``value`` as an ``int`` >= ``minimum`` (any integral type but ``bool``)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        result = int(value)
        if result >= minimum:
            return result
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    raise TypeError(f"{name} must be an integer >= {minimum}, got {value!r}")


def real(
    name: str,
    value: object,
    *,
    low: float = -math.inf,
    high: float = math.inf,
    open_low: bool = False,
    open_high: bool = False,
) -> float:
    """``value`` as a finite ``float`` in the interval from ``low`` to ``high``.

    The bounds are closed unless ``open_low``/``open_high``; an infinite bound is left out of
    the message.
    """
    if math.isinf(high):
        domain = f"{'>' if open_low else '>='} {low:g}"
    elif math.isinf(low):
        domain = f"{'<' if open_high else '<='} {high:g}"
    else:
        domain = f"in {'(' if open_low else '['}{low:g}, {high:g}{')' if open_high else ']'}"
    message = f"{name} must be a finite number {domain}, got {value!r}"
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(message)
    result = float(value)
    inside = (low < result if open_low else low <= result) and (
        result < high if open_high else result <= high
    )
    if not (math.isfinite(result) and inside):
        raise ValueError(message)
    return result


def power(lr: float, gamma: float, exponent: int) -> float:
    """``lr · gamma^exponent`` for ``lr >= 0`` and ``gamma > 0``; inf past the float range.

    Python's float power raises ``OverflowError`` there. A schedule returns inf instead, where
    torch's repeated products reach it, and an optimizer refuses an infinite learning rate
    before its step writes anything; 0 stays 0 (not 0 · inf).
    """
    try:
        return lr * gamma**exponent
    except OverflowError:
        return math.inf if lr > 0 else 0.0


def at_most(name: str, value: float, bound_name: str, bound: float) -> float:
    """``value`` unchanged if it is <= the argument ``bound_name``'s value ``bound``."""
    if value > bound:
        raise ValueError(f"{name} must be <= {bound_name} ({bound!r}), got {value!r}")
    return value


def choice(name: str, value: object, options: tuple[str, ...]) -> str:
    """``value`` if it is one of the strings ``options``."""
    if value not in options:
        listed = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {listed}, got {value!r}")
    return str(value)


def flag(name: str, value: object) -> bool:
    """``value`` as a ``bool`` (Python's or numpy's)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool, got {value!r}")
    return bool(value)


def integers(name: str, values: Iterable[object], *, minimum: int, strict: bool) -> tuple[int, ...]:
    """``values`` as a tuple of ints >= ``minimum``, increasing (strictly if ``strict``)."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"{name} must be a list of integers, got {values!r}")
    result = tuple(integer(f"{name}[{i}]", v, minimum=minimum) for i, v in enumerate(values))
    for i in range(1, len(result)):
        if result[i] < result[i - 1] or (strict and result[i] == result[i - 1]):
            order = "strictly increasing" if strict else "non-decreasing"
            raise ValueError(f"{name} must be {order}, got {list(result)}")
    return result
