"""Part 4: the loss's gradient drives the step, not its value.

A user-defined loss is any object with ``__call__`` and ``value_and_grad``; `UserLoss`
builds ``sign · base + shift`` from a descend loss. Shifting the loss by a constant
(MSE − 2π) changes every value it reports and none of its gradients, so training ends on
bitwise the same weights. Negating it flips the gradient: descent on −MSE is ascent on the
MSE, which runs away. To climb an objective, keep its gradient and pass ``maximize=True``:
SGD then ascends −MSE (concave in w and b) to its top, on bitwise the same weights as
descent on the MSE. Every run trains for a fixed number of epochs: no early stopping.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

import descend as ds
from descend.demo._output import Output, finite, number, style
from descend.demo.part1_regression import least_squares, line_data

__all__ = ["UserLoss", "bitwise_equal", "mse", "run", "train"]

SHIFT = 2.0 * math.pi
LR, BATCH = 0.05, 20

Runs = dict[str, tuple[ds.History, list[NDArray[Any]]]]


class UserLoss:
    """The loss ``sign · base(input, target) + shift``, with gradient ``sign · base.grad``.

    Parameters
    ----------
    base : descend.Loss
        A loss of ``(input, target)``, e.g. ``ds.mse_loss``.
    sign : {1.0, -1.0}
        1 keeps the loss, −1 negates it (an objective to maximize).
    shift : float
        A constant added to the value; it has no gradient.
    """

    def __init__(self, base: ds.Loss[Any], *, sign: float = 1.0, shift: float = 0.0) -> None:
        self.base, self.sign, self.shift = base, sign, shift

    def __call__(self, input: Any, target: Any) -> float:
        """Return the loss's value."""
        return self.sign * float(self.base(input, target)) + self.shift

    def value_and_grad(self, input: Any, target: Any) -> tuple[float, NDArray[Any]]:
        """Return the value and the gradient with respect to ``input``."""
        value, grad = self.base.value_and_grad(input, target)
        return self.sign * float(value) + self.shift, self.sign * grad


def mse(y_true: Any, output: Any) -> float:
    """Return the mean squared error of the model's output (a metric, whatever loss trains)."""
    return float(ds.mse_loss(output, y_true))


def train(
    loss: UserLoss, *, epochs: int, maximize: bool = False
) -> tuple[ds.History, list[NDArray[Any]]]:
    """Mini-batch SGD on part 1's data from a seeded start; return history and weights.

    Every run starts from the same weights and visits the same batches in the same order.
    The history logs ``loss`` (what ``loss`` reports) and ``mse`` (the model's error).
    """
    X, y = line_data()
    model = ds.models.LinearModel(1, 1, seed=0)
    # Ascending the MSE overflows on purpose; numpy need not warn about it.
    with np.errstate(over="ignore", invalid="ignore"):
        history = ds.fit(
            model,
            X,
            y,
            loss=loss,
            optimizer=lambda params: ds.SGD(params, lr=LR, maximize=maximize),
            epochs=epochs,
            batch_size=BATCH,
            metrics=[mse],
            seed=0,
            progress=False,
        )
    return history, model.params


def bitwise_equal(a: Sequence[NDArray[Any]], b: Sequence[NDArray[Any]]) -> bool:
    """Return whether two lists of arrays hold the same bytes (NaN payloads and −0 too)."""
    return len(a) == len(b) and all(
        x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes()
        for x, y in zip(a, b, strict=True)
    )


def run(out: Output, fast: bool) -> Runs:
    """Train the four runs, print what each logged and the two bitwise checks."""
    epochs = 3 if fast else 30
    runs = {
        "MSE, descent": train(UserLoss(ds.mse_loss), epochs=epochs),
        "MSE − 2π, descent": train(UserLoss(ds.mse_loss, shift=-SHIFT), epochs=epochs),
        "−MSE, descent": train(UserLoss(ds.mse_loss, sign=-1.0), epochs=epochs),
        "−MSE, maximize=True": train(
            UserLoss(ds.mse_loss, sign=-1.0), epochs=epochs, maximize=True
        ),
    }
    out.say(
        f"  part 1's data, SGD lr={LR}, batches of {BATCH}, {epochs} epochs, the same start "
        "and batch order for every run;\n  'loss' is what the training loss reports, "
        "'MSE' the model's mean squared error"
    )
    rows = []
    for name, (h, params) in runs.items():
        w, b = (number(float(p.item())) for p in params)
        loss, error = h["loss"], h["mse"]
        span = [f"{number(v[0])} → {number(v[-1])}" for v in (loss, error)]
        rows.append([name, *span, w, b])
    out.table(["run", "loss, epoch 1 → last", "MSE, epoch 1 → last", "w", "b"], rows)
    reference = runs["MSE, descent"][1]
    shifted = bitwise_equal(runs["MSE − 2π, descent"][1], reference)
    climbed = bitwise_equal(runs["−MSE, maximize=True"][1], reference)
    away = runs["−MSE, descent"][0]["mse"]
    out.say(f"  MSE − 2π trains to bitwise the same weights as MSE: {_yes(shifted)}")
    out.say(
        f"  −MSE with plain descent climbs the MSE instead: ×{number(away[-1] / away[0], 3)} "
        f"in {epochs} epochs"
    )
    out.say(
        "  −MSE with maximize=True ascends the objective to its top, on bitwise the same "
        f"weights as descent on MSE: {_yes(climbed)}"
    )
    if out.plots:
        _figure(out, {name: h for name, (h, _) in runs.items()})
    return runs


def _yes(ok: bool) -> str:
    return "yes" if ok else "NO"


def _figure(out: Output, histories: dict[str, ds.History]) -> None:
    figure, (value_ax, away_ax, climb_ax) = out.figure(3)
    for i, name in enumerate(("MSE, descent", "MSE − 2π, descent")):
        h = histories[name]
        value_ax.plot(np.array(h.epoch) + 1, h["loss"], color=f"C{i}", label=f"{name}: loss")
    style(value_ax, "the value shifts by −2π, the weights do not", "epoch")
    for i, name in enumerate(("MSE, descent", "−MSE, descent")):
        h = histories[name]
        away_ax.plot(np.array(h.epoch) + 1, finite(h["mse"]), color=f"C{i}", label=name)
    style(away_ax, "MSE: negated, descent becomes ascent", "epoch", log=True)
    h = histories["−MSE, maximize=True"]
    climb_ax.plot(np.array(h.epoch) + 1, h["loss"], color="C2", label="−MSE, maximize=True")
    X, y = line_data()
    w, b = least_squares(X, y)
    climb_ax.axhline(-float(ds.mse_loss(w * X + b, y)), color="grey", ls=":", label="its maximum")
    style(climb_ax, "the objective −MSE climbs to its top", "epoch")
    out.save(figure, "4-value-vs-gradient.png")
