"""Training callbacks: ``cb(epoch, logs) -> bool``, where True asks `descend.fit` to stop."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from descend._batches import _count

__all__ = ["EarlyStopping"]


class _HasParams(Protocol):
    @property
    def params(self) -> Sequence[NDArray[Any]]: ...


class EarlyStopping:
    """Stop training when a monitored quantity has stopped improving.

    Keras' ``EarlyStopping`` and PyTorch Lightning's, whose semantics agree:

    - After each epoch the callback reads ``logs[monitor]``. It is an improvement when
      ``current < best − min_delta`` (``mode="min"``) or ``current > best + min_delta``
      (``mode="max"``); any finite value improves on the first epoch. An improvement resets
      the count of epochs without one, and records ``best`` and ``best_epoch``.
    - Training stops (the call returns True) once ``patience`` epochs in a row brought no
      improvement: with ``patience=0`` at the first such epoch, with ``patience=2`` at the
      second. ``stopped_epoch`` records where.
    - A NaN or infinite monitored value stops training at once (Lightning's ``check_finite``;
      pass ``check_finite=False`` to count it as an epoch without improvement, as keras does).
    - With ``restore_best=True`` the callback copies the model's parameters at every
      improvement and writes the best copy back, in place, when `descend.fit` ends, whether or
      not it stopped early (keras 3's ``restore_best_weights``). This needs the model, which
      `descend.fit` hands over through ``on_fit_begin``; called by hand, the callback only
      decides.

    State is reset by ``on_fit_begin``, so one callback can serve several runs.

    Parameters
    ----------
    patience : int
        Epochs without improvement to tolerate, ``>= 0``.
    min_delta : float
        Smallest change that counts as an improvement, ``>= 0``.
    mode : {"min", "max"}
        Whether the monitored quantity should go down (losses) or up (accuracy).
    monitor : str
        Key of ``logs`` to watch, e.g. ``"val_loss"``, ``"loss"``, ``"val_accuracy"``.
    restore_best : bool
        Restore the parameters of the best epoch when training ends.
    check_finite : bool
        Stop as soon as the monitored value is NaN or infinite.

    Attributes
    ----------
    best : float
        Best value seen (``inf`` for ``"min"``, ``-inf`` for ``"max"`` before the first epoch).
    best_epoch : int or None
        Epoch of ``best``.
    wait : int
        Epochs since the last improvement.
    stopped_epoch : int or None
        Epoch at which the callback asked to stop, or None.

    Raises
    ------
    KeyError
        When called with logs that lack ``monitor`` (a ``"val_*"`` key needs ``val=`` in fit).

    Notes
    -----
    The rules of keras' ``EarlyStopping`` [1]_ and of PyTorch Lightning's [2]_, as listed
    above; ``restore_best`` is keras 3's ``restore_best_weights``.

    References
    ----------
    .. [1] Keras, ``keras.callbacks.EarlyStopping``.
    .. [2] PyTorch Lightning, ``lightning.pytorch.callbacks.EarlyStopping``.

    Examples
    --------
    >>> import descend as ds
    >>> stop = ds.EarlyStopping(patience=2, monitor="val_loss")
    >>> [stop(epoch, {"val_loss": v}) for epoch, v in enumerate([3.0, 2.0, 2.5, 2.1])]
    [False, False, False, True]
    >>> stop.best, stop.best_epoch, stop.stopped_epoch
    (2.0, 1, 3)
    """

    def __init__(
        self,
        patience: int,
        min_delta: float = 0.0,
        mode: Literal["min", "max"] = "min",
        monitor: str = "val_loss",
        restore_best: bool = False,
        *,
        check_finite: bool = True,
    ) -> None:
        self.patience = _count("patience", patience, minimum=0)
        if not (isinstance(min_delta, (int, float, np.integer, np.floating)) and min_delta >= 0):
            raise ValueError(f"min_delta must be a number >= 0, got {min_delta!r}")
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        if not isinstance(monitor, str):
            raise TypeError(f"monitor must be a str, got {type(monitor).__name__}")
        self.min_delta = float(min_delta)
        self.mode = mode
        self.monitor = monitor
        self.restore_best = bool(restore_best)
        self.check_finite = bool(check_finite)
        self._model: _HasParams | None = None
        self._reset()

    def __repr__(self) -> str:
        return (
            f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta}, "
            f"mode={self.mode!r}, monitor={self.monitor!r}, restore_best={self.restore_best})"
        )

    def _reset(self) -> None:
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch: int | None = None
        self.wait = 0
        self.stopped_epoch: int | None = None
        self._best_params: list[NDArray[Any]] | None = None

    def on_fit_begin(self, model: _HasParams) -> None:
        """Reset the state and remember ``model`` for ``restore_best``."""
        self._reset()
        self._model = model

    def on_fit_end(self, model: _HasParams) -> None:
        """Write the best epoch's parameters back into ``model.params`` (``restore_best``)."""
        if self.restore_best and self._best_params is not None:
            for param, best in zip(model.params, self._best_params, strict=True):
                np.copyto(param, best)
        self._model = None

    def __call__(self, epoch: int, logs: Mapping[str, float]) -> bool:
        """Take the logs of ``epoch``; return True to stop training."""
        if self.monitor not in logs:
            raise KeyError(
                f"EarlyStopping monitors {self.monitor!r}, which the logs lack; "
                f"they have {sorted(logs)}"
            )
        current = float(logs[self.monitor])
        if not math.isfinite(current) and self.check_finite:
            self.stopped_epoch = epoch
            return True
        if self._improves(current):
            self.best = current
            self.best_epoch = epoch
            self.wait = 0
            if self.restore_best and self._model is not None:
                self._best_params = [np.array(p, copy=True) for p in self._model.params]
            return False
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            return True
        return False

    def _improves(self, current: float) -> bool:
        # best starts at ±inf, so any finite first value improves; NaN never does.
        if self.mode == "min":
            return current < self.best - self.min_delta
        return current > self.best + self.min_delta
