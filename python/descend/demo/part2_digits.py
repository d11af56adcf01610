"""Part 2: classify handwritten digits with six optimizers, from the same initialisation.

The data ship with descend (``descend/data/digits.npz``, see the README beside it): the
1,797 8×8 digits of UCI's optical-recognition set (Alpaydin & Kaynak, 1998, CC BY 4.0),
as scikit-learn's ``load_digits`` has them. A seeded split holds out a fifth for validation;
features are standardized with the training rows' statistics. Each model is built from the
same seed for every optimizer, and `descend.fit` builds the optimizer on it through a
factory, so the runs differ in the update rule alone.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping
from importlib import resources
from typing import Any

import numpy as np
from numpy.typing import NDArray

import descend as ds
from descend.demo._output import Output, number, style

__all__ = ["MODELS", "OPTIMIZERS", "Data", "load_digits", "run", "split", "train"]

Factory = Callable[[list[NDArray[Any]]], ds.Optimizer]

# name: (class, hyperparameters). The SGD family shares its learning rate, so what momentum
# adds shows; the adaptive rules take torch's default learning rates.
OPTIMIZERS: dict[str, tuple[type[ds.Optimizer], dict[str, Any]]] = {
    "SGD": (ds.SGD, {"lr": 0.05}),
    "SGD momentum": (ds.SGD, {"lr": 0.05, "momentum": 0.9}),
    "SGD Nesterov": (ds.SGD, {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    "Adagrad": (ds.Adagrad, {"lr": 0.01}),
    "RMSprop": (ds.RMSprop, {"lr": 0.01}),
    "Adam": (ds.Adam, {"lr": 1e-3}),
}
# name: (figure file, model factory); each call builds the same initial weights.
MODELS: dict[str, tuple[str, Callable[[], ds.models.MLP]]] = {
    "softmax regression, LinearModel(64, 10)": (
        "2-digits-softmax.png",
        lambda: ds.models.LinearModel(64, 10, seed=0),
    ),
    "MLP([64, 32, 10], relu)": ("2-digits-mlp.png", lambda: ds.models.MLP([64, 32, 10], seed=0)),
}
BATCH = 32
TABLE_EPOCHS = (1, 5)


@dataclasses.dataclass(frozen=True)
class Data:
    """Standardized training and validation features with their labels."""

    X_train: NDArray[np.floating[Any]]
    y_train: NDArray[np.int64]
    X_val: NDArray[np.floating[Any]]
    y_val: NDArray[np.int64]


def load_digits() -> tuple[NDArray[np.uint8], NDArray[np.int64]]:
    """Return the shipped digits: images (1797, 8, 8) of uint8 in 0..16, labels (1797,)."""
    with resources.files("descend").joinpath("data/digits.npz").open("rb") as file:
        data = np.load(file)
        return data["images"], data["labels"]


def split(val_fraction: float = 0.2, seed: int = 0) -> Data:
    """Shuffle the digits, hold out ``val_fraction`` and standardize with the rest's stats."""
    images, labels = load_digits()
    X = images.reshape(len(images), -1).astype(np.float64)
    order = np.random.default_rng(seed).permutation(len(X))
    n_val = round(val_fraction * len(X))
    val, train = order[:n_val], order[n_val:]
    X_train, stats = ds.preprocessing.standardize(X[train])
    X_val, _ = ds.preprocessing.standardize(X[val], stats=stats)
    return Data(X_train, labels[train], X_val, labels[val])


def train(data: Data, model: str, optimizer: str, *, epochs: int) -> ds.History:
    """Train a fresh ``MODELS[model]`` with ``OPTIMIZERS[optimizer]``; return the history."""
    cls, options = OPTIMIZERS[optimizer]
    factory: Factory = functools.partial(cls, **options)
    return ds.fit(
        MODELS[model][1](),
        data.X_train,
        data.y_train,
        loss=ds.cross_entropy,
        optimizer=factory,
        epochs=epochs,
        batch_size=BATCH,
        metrics=["accuracy"],
        val=(data.X_val, data.y_val),
        seed=0,
        progress=False,
    )


def run(out: Output, fast: bool) -> Mapping[str, Mapping[str, ds.History]]:
    """Train every model with every optimizer, print a table per model, draw the curves."""
    epochs = 2 if fast else 20
    data = split()
    out.say(
        f"  UCI's handwritten digits (Alpaydin & Kaynak 1998, CC BY 4.0; in descend/data):\n"
        f"  {len(data.y_train)} training and {len(data.y_val)} validation images of 8×8 "
        f"pixels, standardized; cross_entropy, batches of {BATCH}, {epochs} epochs"
    )
    shown = sorted({e for e in TABLE_EPOCHS if e < epochs} | {epochs})
    results: dict[str, dict[str, ds.History]] = {}
    for model, (figure, _) in MODELS.items():
        runs = {name: train(data, model, name, epochs=epochs) for name in OPTIMIZERS}
        results[model] = runs
        out.say(f"\n  {model}, the same initial weights for every optimizer")
        header = ["optimizer", "hyperparameters"]
        header += [f"{'val acc ' * (e == shown[0])}@{e}" for e in shown]
        header += ["loss train", "val", "acc train", "val"]
        rows = []
        for name, h in runs.items():
            settings = ", ".join(f"{k}={v}" for k, v in OPTIMIZERS[name][1].items())
            row = [name, settings, *(f"{h['val_accuracy'][e - 1]:.3f}" for e in shown)]
            row += [number(h["loss"][-1], 3), number(h["val_loss"][-1], 3)]
            row += [f"{h['accuracy'][-1]:.3f}", f"{h['val_accuracy'][-1]:.3f}"]
            rows.append(row)
        out.table(header, rows, "ll" + "r" * (len(header) - 2))
        best = max(runs, key=lambda name: runs[name]["val_accuracy"][-1])
        out.say(f"  best validation accuracy: {best}, {runs[best]['val_accuracy'][-1]:.3f}")
        if out.plots:
            _figure(out, model, runs, figure)
    return results


def _figure(out: Output, model: str, runs: Mapping[str, ds.History], name: str) -> None:
    from matplotlib.lines import Line2D

    figure, (loss_ax, acc_ax) = out.figure(2, width=5.2)
    for i, (optimizer, h) in enumerate(runs.items()):
        epochs = np.array(h.epoch) + 1
        for ax, key in ((loss_ax, "loss"), (acc_ax, "accuracy")):
            ax.plot(epochs, h[key], color=f"C{i}", label=optimizer)
            ax.plot(epochs, h[f"val_{key}"], "--", color=f"C{i}")
    style(loss_ax, "cross-entropy", "epoch", log=True)
    style(acc_ax, "accuracy (axis from 0.8)", "epoch")
    acc_ax.set_ylim(0.8, 1.0)
    acc_ax.get_legend().remove()
    loss_ax.get_legend().remove()
    handles, labels = loss_ax.get_legend_handles_labels()
    handles += [Line2D([], [], color="k"), Line2D([], [], color="k", ls="--")]
    labels += ["train", "validation"]
    figure.legend(handles, labels, loc="outside right center", fontsize="small")
    figure.suptitle(model)
    out.save(figure, name)
