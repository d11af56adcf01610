"""Part 3: the learning rate — too small, right, too large — on part 1's regression.

Full-batch gradient descent on the mean squared error of a line is gradient descent on a
quadratic with Hessian H = 2·mean([x, 1]ᵀ[x, 1]). Along an eigenvector of eigenvalue λ the
error is multiplied by (1 − lr·λ) each step, so the run converges exactly when
lr < 2/λ_max, fastest at lr = 2/(λ_min + λ_max), and diverges geometrically above 2/λ_max.
The diverging run is stopped once its loss has grown a million-fold (or stopped being
finite) and reported, not left to overflow.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np

import descend as ds
from descend.demo._output import Output, finite, number, style
from descend.demo.part1_regression import Array, least_squares, line_data, loss_surface

__all__ = ["Outcome", "curvature", "run", "train"]

BLOW_UP = 1e6  # a run whose loss grows by this factor has diverged


@dataclasses.dataclass
class Outcome:
    """A run at one learning rate.

    Attributes
    ----------
    lr : float
        The learning rate.
    history : descend.History
        The losses per epoch, with ``w`` and ``b`` after each.
    diverged_at : int or None
        For a diverging run, the number of epochs it ran (fewer than asked when it was
        stopped); None when its loss went down.
    """

    lr: float
    history: ds.History
    diverged_at: int | None


def curvature(X: Array) -> tuple[float, float]:
    """Return the smallest and largest eigenvalue of the MSE's Hessian in (w, b)."""
    design = np.hstack([X, np.ones_like(X)])
    low, high = np.linalg.eigvalsh(2.0 * design.T @ design / len(X))
    return float(low), float(high)


def train(X: Array, y: Array, lr: float, *, epochs: int) -> Outcome:
    """Full-batch gradient descent from w = b = 0; stop once the loss blows up."""
    model = ds.models.LinearModel(1, 1)
    for p in model.params:
        p[...] = 0.0
    first: list[float] = []

    def blown_up(epoch: int, logs: dict[str, float]) -> bool:
        logs["w"], logs["b"] = (float(p.item()) for p in model.params)
        first.append(logs["loss"])
        return not math.isfinite(logs["loss"]) or logs["loss"] > BLOW_UP * first[0]

    # A diverging run overflows to inf and nan on purpose; numpy need not warn about it.
    with np.errstate(over="ignore", invalid="ignore"):
        history = ds.fit(
            model,
            X,
            y,
            loss=ds.mse_loss,
            optimizer=lambda params: ds.SGD(params, lr=lr),
            epochs=epochs,
            callbacks=[blown_up],
            progress=False,
        )
    last = history["loss"][-1]
    diverged = not math.isfinite(last) or last > history["loss"][0]
    return Outcome(lr, history, len(history) if diverged else None)


def run(out: Output, fast: bool) -> Sequence[Outcome]:
    """Train at three learning rates, print how each ends and draw the loss curves."""
    epochs = 8 if fast else 60
    X, y = line_data()
    low, high = curvature(X)
    best, limit = 2.0 / (low + high), 2.0 / high
    w, b = least_squares(X, y)
    floor = float(ds.mse_loss(w * X + b, y))
    out.say(
        f"  part 1's data, full-batch SGD from w = b = 0, {epochs} epochs. Hessian eigenvalues "
        f"{low:.3f} and {high:.3f}:\n  converges iff lr < 2/λ_max = {limit:.3f}, fastest at "
        f"2/(λ_min + λ_max) = {best:.3f}; least-squares loss {number(floor)}"
    )
    rates = {"too small": 0.02, "right": round(best, 2), "too large": round(1.25 * limit, 2)}
    outcomes = [train(X, y, lr, epochs=epochs) for lr in rates.values()]
    shown = [e for e in (5, 20) if e < epochs]
    rows = []
    for (label, lr), outcome in zip(rates.items(), outcomes, strict=True):
        loss = outcome.history["loss"]
        if outcome.diverged_at is not None:
            finite = math.isfinite(loss[-1])
            growth = f"×{number(loss[-1] / loss[0], 3)}" if finite else f"to {loss[-1]}"
            stopped = ", stopped" if outcome.diverged_at < epochs else ""
            status = f"diverged: loss {growth} by epoch {outcome.diverged_at}{stopped}"
        elif loss[-1] <= 1.01 * floor:
            status = "converged"
        else:
            status = f"still {number(loss[-1] / floor, 3)}× the minimum"
        cells = [number(loss[e - 1]) if e <= len(loss) else "—" for e in shown]
        rows.append([label, f"{lr:g}", f"{lr * high:.2f}", *cells, number(loss[-1]), status])
    header = ["", "lr", "lr·λ_max", *(f"loss @{e}" for e in shown), "last", "outcome"]
    out.table(header, rows, "l" + "r" * (len(header) - 2) + "l")
    if out.plots:
        _figure(out, rates, outcomes, X, y, floor)
    return outcomes


def _figure(
    out: Output,
    rates: dict[str, float],
    outcomes: Sequence[Outcome],
    X: Array,
    y: Array,
    floor: float,
) -> None:
    figure, (loss_ax, path_ax) = out.figure(2)
    for i, (label, outcome) in enumerate(zip(rates, outcomes, strict=True)):
        h, name = outcome.history, f"lr={outcome.lr:g} ({label})"
        loss_ax.plot(np.array(h.epoch) + 1, finite(h["loss"]), color=f"C{i}", label=name)
        path = np.array([(0.0, 0.0), *zip(h["w"], h["b"], strict=True)])
        path_ax.plot(*path.T, ".-", color=f"C{i}", ms=3, lw=0.8, label=name)
    loss_ax.axhline(floor, color="grey", ls=":", label="least squares")
    style(loss_ax, "mean squared error", "epoch", log=True)
    loss_surface(path_ax, X, y)
    style(path_ax, "(w, b) after each epoch", "w", "b")
    out.save(figure, "3-learning-rate.png")
