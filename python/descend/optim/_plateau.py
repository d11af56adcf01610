"""``ReduceLROnPlateau``, as ``torch.optim.lr_scheduler.ReduceLROnPlateau``."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from descend.optim._optimizer import Optimizer
from descend.schedules._base import choice, integer, real


class ReduceLROnPlateau:
    """Cut the learning rate by ``factor`` when a metric stops improving (torch's rules).

    After each ``step(metric)``: a metric better than the best so far by more than
    ``threshold`` (relative: ``best·(1 ∓ threshold)``; absolute: ``best ∓ threshold``) resets
    the count of bad epochs; otherwise it grows, and once it exceeds ``patience`` every group's
    lr becomes ``max(lr·factor, min_lr)`` (unless that changes it by less than ``eps``), after
    which ``cooldown`` epochs pass before bad epochs count again.

    A group whose ``lr`` is a schedule keeps following it, scaled: the reduction multiplies the
    group's ``lr_scale`` (1 until then), and ``min_lr`` bounds the lr at the moment of the cut.
    The plateau's state is part of its optimizer's ``state_dict()`` and of
    :func:`descend.save_state` (create the plateau before loading into a new optimizer).

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer whose groups it scales.
    mode : {"min", "max"}, default "min"
        Whether the metric should fall (a loss) or rise (an accuracy).
    factor : float, default 0.1
        The cut, in [0, 1).
    patience : int, default 10
        Bad epochs tolerated before a cut, >= 0.
    threshold : float, default 1e-4
        Least improvement that counts, >= 0 (torch also takes a negative one).
    threshold_mode : {"rel", "abs"}, default "rel"
        Relative or absolute threshold.
    cooldown : int, default 0
        Epochs after a cut during which bad epochs are not counted, >= 0.
    min_lr : float or list of float, default 0
        Lower bound of each group's lr, >= 0.
    eps : float, default 1e-8
        Cuts smaller than this are skipped, >= 0.

    Options are checked when the plateau is built, and again when a state is loaded:
    ``TypeError`` for a value of the wrong type (an integer option given a float, as ``inf``),
    ``ValueError`` for one outside its domain.

    Raises
    ------
    ValueError
        A ``mode``, ``threshold_mode`` or ``factor`` outside its domain, or a list of
        ``min_lr`` of another length than the optimizer's groups.
    TypeError
        An ``optimizer`` that is not a descend :class:`~descend.Optimizer`.

    Notes
    -----
    The rules of torch's ``torch.optim.lr_scheduler.ReduceLROnPlateau`` [1]_, applied to
    descend's groups: a schedule is scaled, not replaced.

    References
    ----------
    .. [1] PyTorch, ``torch.optim.lr_scheduler.ReduceLROnPlateau``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> opt = ds.SGD([np.zeros(2)], lr=0.1)
    >>> plateau = ds.ReduceLROnPlateau(opt, patience=1)
    >>> for loss in [1.0, 0.9, 0.9, 0.9]:
    ...     plateau.step(loss)
    >>> round(opt.param_groups[0]["lr"], 6)
    0.01
    """

    # Its state: the options, as checked, and the counters (see _CHECKS).
    mode: str
    factor: float
    patience: int
    threshold: float
    threshold_mode: str
    cooldown: int
    min_lrs: list[float]
    eps: float
    default_min_lr: float | None
    best: float
    num_bad_epochs: int
    cooldown_counter: int
    last_epoch: int

    def __init__(
        self,
        optimizer: Optimizer,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: float | Sequence[float] = 0.0,
        eps: float = 1e-8,
    ) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"optimizer must be a descend Optimizer, got {type(optimizer)}")
        groups = len(optimizer.param_groups)
        # One min_lr serves groups added later too, as torch's default_min_lr.
        default_min_lr: float | None
        if np.ndim(min_lr) == 0:
            default = real("min_lr", min_lr, low=0.0)
            default_min_lr, min_lrs = default, [default] * groups
        else:
            default_min_lr, min_lrs = None, _listed("min_lr", min_lr)
            if len(min_lrs) != groups:
                raise ValueError(f"min_lr has {len(min_lrs)} values for {groups} parameter groups")
        values = {
            "mode": mode,
            "factor": factor,
            "patience": patience,
            "threshold": threshold,
            "threshold_mode": threshold_mode,
            "cooldown": cooldown,
            "min_lrs": min_lrs,
            "eps": eps,
            "default_min_lr": default_min_lr,
            "best": math.inf if mode == "min" else -math.inf,
            "num_bad_epochs": 0,
            "cooldown_counter": 0,
            "last_epoch": 0,
        }
        checked = _checked(values, str)  # before anything is set
        self.optimizer = optimizer
        vars(self).update(checked)
        optimizer._plateau = self

    def _is_better(self, current: float) -> bool:
        rel = self.threshold_mode == "rel"
        if self.mode == "min":
            return current < (
                self.best * (1.0 - self.threshold) if rel else self.best - self.threshold
            )
        return current > (self.best * (self.threshold + 1.0) if rel else self.best + self.threshold)

    def step(self, metrics: float) -> None:
        """Record one epoch's metric, cutting the learning rates if it has plateaued.

        ``metrics`` is a number (or an array of one element), such as the epoch's validation
        loss; NaN counts as no improvement.
        """
        current = _metric(metrics)
        groups = len(self.optimizer.param_groups)
        if len(self.min_lrs) != groups:  # a group was added since: checked before any change
            if self.default_min_lr is None:
                raise ValueError(
                    f"min_lrs has {len(self.min_lrs)} values but the optimizer now has {groups} "
                    "parameter groups; set min_lrs to one per group"
                )
            self.min_lrs = [self.default_min_lr] * groups
        self.last_epoch += 1
        if self._is_better(current):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            self._reduce()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0

    def _reduce(self) -> None:
        for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs, strict=True):
            old = float(group["lr"])
            new = max(old * self.factor, min_lr)
            if old - new > self.eps:
                if group.get("lr_schedule") is not None:
                    group["lr_scale"] = group.get("lr_scale", 1.0) * (new / old)
                group["lr"] = new

    def state_dict(self) -> dict[str, Any]:
        """Return the plateau's counters and options (plain values)."""
        return {k: v for k, v in vars(self).items() if k != "optimizer"}

    def check_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Raise unless ``state_dict`` is one ``state_dict()`` could return.

        Every value is checked as the constructor checks its argument: ``TypeError`` for a
        value of the wrong type, ``ValueError`` for one outside its domain or a key missing or
        unknown; the message names the entry (``plateau['factor']``).
        """
        self._checked(state_dict)

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Take counters and options from ``state_dict()``, all checked before any is taken."""
        vars(self).update(self._checked(state_dict))

    def _checked(self, state_dict: Mapping[str, Any]) -> dict[str, Any]:
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"plateau must be a dict, got {type(state_dict).__name__}")
        keys = set(self.state_dict())
        # States saved before default_min_lr existed lack it; the current value stays.
        if set(state_dict) not in (keys, keys - {"default_min_lr"}):
            raise ValueError(
                f"a ReduceLROnPlateau state has the keys {sorted(self.state_dict())}, "
                f"got {sorted(state_dict)}"
            )
        return _checked(state_dict, lambda key: f"plateau[{key!r}]")


def _number(name: str, value: Any) -> float:
    """``value`` as a float that is not NaN (a best metric may be infinite)."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if math.isnan(value):
        raise ValueError(f"{name} must not be NaN")
    return float(value)


def _listed(name: str, values: Any) -> list[float]:
    """Return ``values`` (a min_lr per group) as a list of finite numbers >= 0, or raise."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"{name} must be a number or a list of numbers, got {values!r}")
    return [real(f"{name}[{i}]", v, low=0.0) for i, v in enumerate(values)]


def _metric(value: Any) -> float:
    """Return the metric of ``step`` (one real number) as a float, or raise."""
    try:
        array = np.asarray(value)
    except ValueError:  # ragged nested lists
        raise ValueError(f"metrics must be a single number, got {value!r}") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"metrics must be a number, got {value!r}")
    if array.size != 1:
        raise ValueError(f"metrics must be a single number, got an array of shape {array.shape}")
    return float(array.reshape(()))


_CHECKS: dict[str, Callable[[str, Any], Any]] = {
    "mode": lambda name, v: choice(name, v, ("min", "max")),
    "factor": lambda name, v: real(name, v, low=0.0, high=1.0, open_high=True),
    "patience": lambda name, v: integer(name, v, minimum=0),
    "threshold": lambda name, v: real(name, v, low=0.0),
    "threshold_mode": lambda name, v: choice(name, v, ("rel", "abs")),
    "cooldown": lambda name, v: integer(name, v, minimum=0),
    "min_lrs": _listed,
    "eps": lambda name, v: real(name, v, low=0.0),
    "default_min_lr": lambda name, v: None if v is None else real(name, v, low=0.0),
    "best": _number,
    "num_bad_epochs": lambda name, v: integer(name, v, minimum=0),
    "cooldown_counter": lambda name, v: integer(name, v, minimum=0),
    "last_epoch": lambda name, v: integer(name, v, minimum=0),
}


def _checked(values: Mapping[str, Any], name: Callable[[str], str]) -> dict[str, Any]:
    """Every entry of ``values`` checked and normalised; errors name it by ``name(key)``."""
    return {key: _CHECKS[key](name(key), value) for key, value in values.items()}
