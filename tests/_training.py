"""Helpers shared by the training-workflow tests: an optimizer test double and toy data."""

from __future__ import annotations

import numpy as np

import descend as ds
from descend import models


class TinySGD:
    """Test double with torch.optim's protocol: params list, step(grads) in place, param_groups."""

    def __init__(self, params: list[np.ndarray], lr: float = 0.1) -> None:
        self.params = params
        self.param_groups = [{"lr": lr}]
        self.received: list[list[np.ndarray]] = []

    def step(self, grads: list[np.ndarray]) -> None:
        self.received.append([g.copy() for g in grads])
        for p, g in zip(self.params, grads, strict=True):
            p -= self.param_groups[0]["lr"] * g


def line(n: int = 64, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    X = np.random.default_rng(seed).uniform(-1, 1, size=(n, 1))
    return X, 2 * X + 1


def two_blobs(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, size=n)
    X = rng.standard_normal((n, 2)) * 0.7 + np.where(labels[:, None] == 1, 1.5, -1.5)
    return X, labels


def quiet_fit(epochs: int = 3, **kwargs: object) -> ds.History:
    X, y = line(16)
    return ds.fit(
        models.LinearModel(1, 1, seed=0),
        X,
        y,
        loss=ds.mse_loss,
        optimizer=lambda p: TinySGD(p),
        epochs=epochs,
        **kwargs,
    )
