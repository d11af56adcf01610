"""Part 1: fit y = 2x + 1 by gradient descent, full-batch, stochastic and mini-batch.

The three runs share the data, the start (w = b = 0), the learning rate and the number of
epochs; only the batch size differs, so the number of steps per epoch does too. The table
follows w and b epoch by epoch towards the least-squares line; the figure shows the loss
curves and the paths the weights take across the loss surface.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

import descend as ds
from descend.demo._output import Output, number, style

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["Run", "least_squares", "line_data", "loss_surface", "run", "train"]

Array = NDArray[np.float64]

SLOPE, INTERCEPT, NOISE = 2.0, 1.0, 0.5
SAMPLES = 100
LR = 0.1
BATCHES = {"full-batch": None, "stochastic": 1, "mini-batch": 10}
TABLE_EPOCHS = (1, 2, 5, 10, 20, 50)


def line_data(n: int = SAMPLES, seed: int = 0) -> tuple[Array, Array]:
    """Return ``X`` (n, 1) uniform on [−1, 1] and ``y = 2x + 1 + noise`` (n, 1)."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, size=(n, 1))
    y = SLOPE * X + INTERCEPT + NOISE * rng.standard_normal((n, 1))
    return X, y


def least_squares(X: Array, y: Array) -> tuple[float, float]:
    """Return the (w, b) minimising the mean squared error, by ``numpy.linalg.lstsq``."""
    design = np.hstack([X, np.ones_like(X)])
    (w, b), *_ = np.linalg.lstsq(design, y[:, 0], rcond=None)
    return float(w), float(b)


class _Recorder:
    """An optimizer that records (w, b) after every step, for the weight trajectories.

    `descend.fit` needs only ``step`` and ``param_groups`` of an optimizer, so wrapping one
    is enough to watch every update.
    """

    def __init__(self, inner: ds.Optimizer, params: list[NDArray[Any]]) -> None:
        self.inner = inner
        self.params = params
        self.path = [self._point()]

    @property
    def param_groups(self) -> list[dict[str, Any]]:
        return self.inner.param_groups

    def step(self, grads: list[NDArray[Any]]) -> None:
        self.inner.step(grads)
        self.path.append(self._point())

    def _point(self) -> tuple[float, float]:
        return float(self.params[0].item()), float(self.params[1].item())


@dataclasses.dataclass
class Run:
    """One training run: its history (with ``w`` and ``b`` per epoch) and every step's (w, b)."""

    name: str
    batch_size: int
    history: ds.History
    path: Array


def train(X: Array, y: Array, batch_size: int | None, *, epochs: int, name: str = "") -> Run:
    """Fit ``LinearModel(1, 1)`` from w = b = 0 with plain SGD at learning rate 0.1."""
    model = ds.models.LinearModel(1, 1)
    for p in model.params:
        p[...] = 0.0
    recorders: list[_Recorder] = []

    def optimizer(params: list[NDArray[Any]]) -> _Recorder:
        recorders.append(_Recorder(ds.SGD(params, lr=LR), params))
        return recorders[-1]

    def weights(epoch: int, logs: dict[str, float]) -> None:
        # Entries a callback adds to the logs land in the history.
        logs["w"], logs["b"] = recorders[0].path[-1]

    history = ds.fit(
        model,
        X,
        y,
        loss=ds.mse_loss,
        optimizer=optimizer,
        epochs=epochs,
        batch_size=batch_size,
        callbacks=[weights],
        seed=0,
        progress=False,
    )
    size = len(X) if batch_size is None else batch_size
    return Run(name, size, history, np.array(recorders[0].path))


def run(out: Output, fast: bool) -> Mapping[str, Run]:
    """Train the three runs, print the table and draw the figure."""
    epochs = 3 if fast else 50
    X, y = line_data()
    w_ls, b_ls = least_squares(X, y)
    runs = {name: train(X, y, size, epochs=epochs, name=name) for name, size in BATCHES.items()}
    out.say(
        f"  {SAMPLES} points of y = {SLOPE:g}x + {INTERCEPT:g} + N(0, {NOISE}²), x uniform on "
        f"[−1, 1];\n  mse_loss, SGD lr={LR}, from w = b = 0, {epochs} epochs"
    )
    steps = ", ".join(f"{r.name} {-(-len(X) // r.batch_size)}" for r in runs.values())
    out.say(f"  steps per epoch: {steps}")
    header = ["epoch"] + [col for name in runs for col in (f"{name} w", "b")]
    shown = sorted({e for e in TABLE_EPOCHS if e <= epochs} | {epochs})
    rows = [
        [str(epoch)]
        + [f"{r.history[key][epoch - 1]:.3f}" for r in runs.values() for key in ("w", "b")]
        for epoch in shown
    ]
    out.table(header, rows, "r" * len(header))
    losses = ", ".join(f"{r.name} {number(r.history['loss'][-1])}" for r in runs.values())
    out.say(f"  least squares: w = {w_ls:.3f}, b = {b_ls:.3f}")
    out.say(f"  mean loss over the last epoch: {losses}")
    if out.plots:
        _figure(out, runs, X, y)
    return runs


def _figure(out: Output, runs: Mapping[str, Run], X: Array, y: Array) -> None:
    figure, (loss_ax, weights_ax, path_ax) = out.figure(3)
    for i, r in enumerate(runs.values()):
        colour = f"C{i}"
        epochs = np.array(r.history.epoch) + 1
        loss_ax.plot(epochs, r.history["loss"], color=colour, label=r.name)
        weights_ax.plot(epochs, r.history["w"], color=colour, label=r.name)
        weights_ax.plot(epochs, r.history["b"], "--", color=colour)
        # The stochastic cloud goes underneath, or it hides the other paths.
        below = 1 if r.batch_size == 1 else 2
        path_ax.plot(*r.path.T, ".-", color=colour, ms=2, lw=0.6, label=r.name, zorder=below)
    for value in least_squares(X, y):
        weights_ax.axhline(value, color="grey", lw=0.8)
    style(loss_ax, "mean loss per epoch", "epoch", "mse", log=True)
    style(weights_ax, "w (solid) and b (dashed) after each epoch", "epoch")
    loss_surface(path_ax, X, y)
    style(path_ax, "(w, b) after every step", "w", "b")
    out.save(figure, "1-linear-regression.png")


def loss_surface(ax: Axes, X: Array, y: Array) -> None:
    """Draw the contours of the mean squared error over (w, b) and its least-squares minimum."""
    w, b = np.meshgrid(np.linspace(-0.5, 3.0, 120), np.linspace(-0.5, 2.0, 100))
    residual = w[..., None] * X[:, 0] + b[..., None] - y[:, 0]
    ax.contour(w, b, np.mean(residual**2, axis=-1), levels=15, colors="grey", linewidths=0.5)
    ax.plot(*least_squares(X, y), "k*", ms=10, label="least squares")
    ax.set_xlim(-0.5, 3.0)
    ax.set_ylim(-0.5, 2.0)
