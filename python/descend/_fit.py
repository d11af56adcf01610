"""``descend.fit``: the training loop over a model, a loss and an optimizer factory."""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from descend._batches import Seed, _count, batches
from descend._history import History
from descend._metric_names import MetricFn, resolve_metrics
from descend.clip import clip_grad_norm_

__all__ = ["fit"]

Array = NDArray[Any]
Logs = dict[str, float]
Callback = Callable[[int, Logs], "bool | None"]


class Model(Protocol):
    """What `fit` needs of a model (`descend.models.MLP` is one)."""

    @property
    def params(self) -> Sequence[Array]:
        """The parameter arrays, updated in place by the optimizer."""

    def forward(self, X: Any, /) -> Array:
        """Return the output for a batch, caching what backward needs."""

    def backward(self, d_output: Any, /) -> Sequence[Array]:
        """Return the parameters' gradients given d(loss)/d(output) of the last forward."""


class Optimizer(Protocol):
    """What `fit` needs of an optimizer: torch.optim's ``step`` and ``param_groups``."""

    @property
    def param_groups(self) -> Sequence[Mapping[str, Any]]:
        """Groups of parameters with their hyperparameters; ``[0]["lr"]`` is logged."""

    def step(self, grads: list[Array], /) -> Any:
        """Update the parameters in place from ``grads``, in the parameters' order."""


class TrainingLoss(Protocol):
    """What `fit` needs of a loss (every descend `Loss` of ``(input, target)`` is one)."""

    def __call__(self, input: Any, target: Any, /) -> Any:
        """Return the reduced loss."""

    def value_and_grad(self, input: Any, target: Any, /) -> tuple[Any, Any]:
        """Return the reduced loss and its gradient with respect to ``input``."""


def fit(
    model: Model,
    X: ArrayLike,
    y: ArrayLike,
    *,
    loss: TrainingLoss,
    optimizer: Callable[[list[Array]], Optimizer],
    epochs: int,
    batch_size: int | None = None,
    metrics: Sequence[str | MetricFn] = (),
    val: tuple[ArrayLike, ArrayLike] | None = None,
    callbacks: Sequence[Callback] = (),
    seed: Seed = None,
    shuffle: bool = True,
    progress: bool = True,
    clip_grad_norm: float | None = None,
) -> History:
    """Train ``model`` on ``(X, y)`` and return the per-epoch `History`.

    Each step takes a batch of rows (`descend.batches`, reshuffled every epoch from
    ``seed``), runs ``out = model.forward(X_batch)``, ``value, g = loss.value_and_grad(out,
    y_batch)`` (the loss's default mean reduction), ``grads = model.backward(g)``, optionally
    clips the gradients' global norm as ``torch.nn.utils.clip_grad_norm_`` does, and calls
    ``opt.step(grads)``. ``opt = optimizer(model.params)`` is built here from a factory, so
    runs with different optimizers start from the same point (build each model with the
    same seed).

    After each epoch the logs hold:

    - ``loss``: mean of the batch losses, weighted by batch size (keras' running mean);
    - one entry per metric, computed on the epoch's batch outputs (as they were before each
      step) against their targets;
    - with ``val``: ``val_loss`` (the loss of the whole validation set, forwarded in chunks of
      ``batch_size``) and ``val_<metric>``;
    - ``lr``: ``opt.param_groups[0]["lr"]`` as read before the epoch's last step;
    - ``grad_norm``: mean over the epoch's steps of the gradients' global L2 norm (before
      clipping);
    - ``time``: wall-clock seconds of the epoch, validation included.

    Callbacks are then called in order as ``cb(epoch, logs)``; training stops after an epoch
    in which any returns True (all are called). Entries a callback adds to ``logs`` are
    recorded in the history too. A callback may also define
    ``on_fit_begin(model)`` and ``on_fit_end(model)``, called around the loop
    (`EarlyStopping` uses them to restore the best parameters).

    Parameters
    ----------
    model : Model
        Has ``params``, ``forward`` and ``backward``, like `descend.models.MLP`.
    X, y : array_like
        Inputs and targets, rows as samples; integer class labels for classification losses.
    loss : Loss
        A descend loss of ``(input, target)``, e.g. ``ds.mse_loss``, ``ds.cross_entropy``,
        ``ds.binary_cross_entropy_with_logits``; the model's output is its input.
    optimizer : callable
        ``params -> optimizer``, e.g. ``lambda params: ds.Adam(params, lr=1e-3)``. The
        optimizer follows torch.optim's protocol: ``step(grads)`` updates the arrays in place,
        ``param_groups[0]["lr"]`` is the learning rate.
    epochs : int
        Passes over the data, at most (callbacks may stop earlier).
    batch_size : int, optional
        Rows per step; None for full-batch gradient descent, 1 for stochastic.
    metrics : sequence of str or callable
        Names from `descend.metrics`, applied to the model's output as logits: ``"accuracy"``,
        ``"precision"``, ``"recall"``, ``"f1_score"`` (labels by argmax, or logit > 0 for a
        single output; binary for at most two outputs, macro-averaged above; ill-defined
        ratios count 0), ``"roc_auc_score"`` (binary: the logit, or the difference of two;
        NaN when the labels hold one class),
        ``"log_loss"`` (sigmoid or softmax of the output); ``"r2_score"``,
        ``"mean_absolute_error"``, ``"root_mean_squared_error"`` on the output as predictions.
        A callable ``f(y_true, output) -> float`` is logged under its ``__name__``. A metric
        of an output holding NaN or infinity is NaN.
    val : (X_val, y_val), optional
        Validation data, evaluated after every epoch.
    callbacks : sequence of callable
        ``cb(epoch, logs) -> bool``; True stops training.
    seed : int, numpy.random.Generator or None
        Seed of the batch order.
    shuffle : bool
        Reshuffle the rows every epoch; False visits them in order.
    progress : bool
        Show progress (tqdm if installed, else a line rewritten in place) when stdout is a
        terminal; never otherwise.
    clip_grad_norm : float, optional
        Scale the gradients by ``max_norm / (norm + 1e-6)`` when that is below 1, as torch.

    Returns
    -------
    History
        The logs of every epoch run.

    Raises
    ------
    ValueError
        For inconsistent sample counts, empty data, bad counts or names.
    TypeError
        When ``loss`` has no ``value_and_grad``, or ``optimizer`` is not a factory of
        optimizers.

    Notes
    -----
    The loop of keras' ``Model.fit`` [1]_ (epochs, batches, validation data, callbacks, a
    ``History``) around torch's step order [2]_: forward, loss, backward, optional clipping,
    ``opt.step``. Gradients are passed to the step rather than stored on the parameters.

    References
    ----------
    .. [1] Keras, ``keras.Model.fit``.
    .. [2] PyTorch, "Optimizing Model Parameters", the training loop of the PyTorch tutorials.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> X = np.linspace(-1, 1, 32).reshape(-1, 1)
    >>> model = ds.models.LinearModel(1, 1, seed=0)
    >>> history = ds.fit(model, X, 2 * X + 1, loss=ds.mse_loss, epochs=200, batch_size=8,
    ...                  optimizer=lambda params: ds.SGD(params, lr=0.1), seed=0)
    >>> [round(float(p.item()), 3) for p in model.params]
    [2.0, 1.0]
    >>> sorted(history.history)
    ['grad_norm', 'loss', 'lr', 'time']
    """
    if not (callable(loss) and callable(getattr(loss, "value_and_grad", None))):
        raise TypeError(f"loss must be a Loss with value_and_grad, e.g. ds.mse_loss, got {loss!r}")
    if not callable(optimizer):
        raise TypeError(f"optimizer must be a function of the parameters, got {optimizer!r}")
    X, y, n = _data("X", "y", X, y)
    epochs = _count("epochs", epochs, minimum=0)
    batch_size = n if batch_size is None else _count("batch_size", batch_size, minimum=1)
    if clip_grad_norm is not None and not clip_grad_norm > 0:
        raise ValueError(f"clip_grad_norm must be positive, got {clip_grad_norm!r}")
    validation = None if val is None else _data("val[0]", "val[1]", *_pair(val))
    named = resolve_metrics(metrics)
    opt = optimizer(list(model.params))
    if not callable(getattr(opt, "step", None)):
        raise TypeError(f"optimizer(params) must return an optimizer, got {type(opt).__name__}")
    rng = np.random.default_rng(seed)
    for callback in callbacks:
        _hook(callback, "on_fit_begin", model)
    history = History()
    bar = _Progress(epochs) if progress and sys.stdout.isatty() else None
    try:
        for epoch in range(epochs):
            start = time.perf_counter()
            total, norms, lr = 0.0, [], math.nan
            outputs, targets = [], []
            for index in batches(n, batch_size, shuffle=shuffle, seed=rng):
                xb, yb = X[index], y[index]
                out = model.forward(xb)
                value, d_out = loss.value_and_grad(out, yb)
                grads = [_writable(g) for g in model.backward(d_out)]
                # One native pass: the norm, and the clip when asked (inf never clips).
                max_norm = math.inf if clip_grad_norm is None else clip_grad_norm
                norm = clip_grad_norm_(grads, max_norm)
                lr = float(opt.param_groups[0]["lr"])
                opt.step(grads)
                total += float(value) * index.size
                norms.append(norm)
                if named:
                    outputs.append(out)
                    targets.append(yb)
            logs: Logs = {"loss": total / n}
            if named:
                logs |= _scores(named, np.concatenate(targets), np.concatenate(outputs), "")
            if validation is not None:
                X_val, y_val, _ = validation
                out_val = _predict(model, X_val, batch_size)
                logs["val_loss"] = float(loss(out_val, y_val))
                logs |= _scores(named, y_val, out_val, "val_")
            logs |= {"lr": lr, "grad_norm": float(np.mean(norms)) if norms else math.nan}
            logs["time"] = time.perf_counter() - start
            stop = [bool(callback(epoch, logs)) for callback in callbacks]
            history.append(epoch, logs)
            if bar is not None:
                bar.update(epoch, logs)
            if any(stop):
                break
    finally:
        if bar is not None:
            bar.close()
    for callback in callbacks:
        _hook(callback, "on_fit_end", model)
    return history


def _data(x_name: str, y_name: str, X: ArrayLike, y: ArrayLike) -> tuple[Array, Array, int]:
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError(f"{x_name} and {y_name} must have a sample axis, got scalars")
    if len(X) != len(y):
        raise ValueError(f"{y_name} has {len(y)} samples but {x_name} has {len(X)}")
    if len(X) == 0:
        raise ValueError(f"{x_name} has no samples")
    return X, y, len(X)


def _pair(val: Any) -> tuple[Any, Any]:
    if not isinstance(val, (tuple, list)) or len(val) != 2:
        raise TypeError(f"val must be a pair (X_val, y_val), got {type(val).__name__}")
    return val[0], val[1]


def _hook(callback: Any, name: str, model: Model) -> None:
    method = getattr(callback, name, None)
    if callable(method):
        method(model)


def _writable(g: Array) -> Array:
    """Return ``g`` if clipping can scale it in place, else a C-contiguous copy."""
    if g.flags.c_contiguous and g.flags.writeable:
        return g
    return np.array(g, order="C")


def _predict(model: Model, X: Array, chunk: int) -> Array:
    """Return the model's output for all of ``X``, forwarded ``chunk`` rows at a time."""
    return np.concatenate([model.forward(X[i : i + chunk]) for i in range(0, len(X), chunk)])


def _scores(named: list[tuple[str, MetricFn]], y_true: Array, output: Array, prefix: str) -> Logs:
    if not np.isfinite(output).all():
        return {prefix + name: math.nan for name, _ in named}
    return {prefix + name: float(fn(y_true, output)) for name, fn in named}


class _Progress:
    """One line per run: a tqdm bar when tqdm is installed, else a line rewritten in place."""

    def __init__(self, epochs: int) -> None:
        self.epochs = epochs
        self.written = False
        try:
            from tqdm import tqdm
        except ImportError:
            self.bar: Any = None
        else:
            self.bar = tqdm(total=epochs, file=sys.stdout, unit="epoch", dynamic_ncols=True)

    def update(self, epoch: int, logs: Logs) -> None:
        shown = {k: f"{v:.4g}" for k, v in logs.items() if k not in ("lr", "grad_norm", "time")}
        if self.bar is not None:
            self.bar.set_postfix(shown, refresh=False)
            self.bar.update(1)
            return
        text = "  ".join(f"{k} {v}" for k, v in shown.items())
        sys.stdout.write(f"\repoch {epoch + 1}/{self.epochs}  {text}\033[K")
        sys.stdout.flush()
        self.written = True

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.written:
            sys.stdout.write("\n")
            sys.stdout.flush()
