"""``ReduceLROnPlateau``, as ``torch.optim.lr_scheduler.ReduceLROnPlateau``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from descend.optim._optimizer import Optimizer


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
        Bad epochs tolerated before a cut.
    threshold : float, default 1e-4
        Least improvement that counts.
    threshold_mode : {"rel", "abs"}, default "rel"
        Relative or absolute threshold.
    cooldown : int, default 0
        Epochs after a cut during which bad epochs are not counted.
    min_lr : float or list of float, default 0
        Lower bound of each group's lr.
    eps : float, default 1e-8
        Cuts smaller than this are skipped.

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
        if mode not in ("min", "max"):
            raise ValueError(f'mode must be "min" or "max", got {mode!r}')
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f'threshold_mode must be "rel" or "abs", got {threshold_mode!r}')
        if not 0.0 <= factor < 1.0:
            raise ValueError(f"factor must be in [0, 1), got {factor}")
        groups = len(optimizer.param_groups)
        # One min_lr serves groups added later too, as torch's default_min_lr.
        self.default_min_lr = None if isinstance(min_lr, Sequence) else float(min_lr)
        min_lrs = [float(v) for v in min_lr] if isinstance(min_lr, Sequence) else [min_lr] * groups
        if len(min_lrs) != groups:
            raise ValueError(f"min_lr has {len(min_lrs)} values for {groups} parameter groups")
        self.optimizer = optimizer
        self.mode, self.factor, self.patience = mode, float(factor), int(patience)
        self.threshold, self.threshold_mode = float(threshold), threshold_mode
        self.cooldown, self.min_lrs, self.eps = int(cooldown), min_lrs, float(eps)
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0
        optimizer._plateau = self

    def _is_better(self, current: float) -> bool:
        rel = self.threshold_mode == "rel"
        if self.mode == "min":
            return current < (
                self.best * (1.0 - self.threshold) if rel else self.best - self.threshold
            )
        return current > (self.best * (self.threshold + 1.0) if rel else self.best + self.threshold)

    def step(self, metrics: float) -> None:
        """Record one epoch's metric, cutting the learning rates if it has plateaued."""
        current = float(metrics)
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

    def check_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Raise ``ValueError`` unless ``state_dict`` is one ``state_dict()`` could return."""
        keys = set(self.state_dict())
        # States saved before default_min_lr existed lack it; the current value stays.
        if set(state_dict) not in (keys, keys - {"default_min_lr"}):
            raise ValueError(
                f"a ReduceLROnPlateau state has the keys {sorted(self.state_dict())}, "
                f"got {sorted(state_dict)}"
            )

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Take counters and options from ``state_dict()``."""
        self.check_state_dict(state_dict)
        vars(self).update(state_dict)
