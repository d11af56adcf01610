"""The training workflow: early stopping and fit, with an optimizer test double."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import descend as ds
from _training import TinySGD, line, two_blobs
from descend import metrics, models

# --- early stopping --------------------------------------------------------------------------


def run(stop: ds.EarlyStopping, values: list[float], key: str = "val_loss") -> int | None:
    """Feed values until the callback says stop; return the epoch it stopped at."""
    for epoch, value in enumerate(values):
        if stop(epoch, {key: value}):
            return epoch
    return None


def test_early_stopping_patience_and_min_delta() -> None:
    values = [5.0, 4.0, 4.0, 3.99, 3.0, 3.5, 3.2, 3.1, 2.0]
    assert run(ds.EarlyStopping(patience=0), values) == 2
    assert run(ds.EarlyStopping(patience=2), values) == 6  # best 3.0 at 4; 5 and 6 fail
    stop = ds.EarlyStopping(patience=2, min_delta=0.5)
    assert run(stop, values) == 3  # 4.0 → 4.0 → 3.99: not 0.5 better, twice
    assert (stop.best, stop.best_epoch, stop.stopped_epoch) == (4.0, 1, 3)
    assert run(ds.EarlyStopping(patience=10), values) is None
    assert ds.EarlyStopping(patience=1, min_delta=np.float32(0.5)).min_delta == 0.5


def test_early_stopping_mode_max_monitor_and_nan() -> None:
    acc = [0.5, 0.6, 0.6, 0.55, 0.7]
    assert run(ds.EarlyStopping(patience=2, mode="max", monitor="acc"), acc, "acc") == 3
    assert run(ds.EarlyStopping(patience=3, mode="max", monitor="acc"), acc, "acc") is None
    assert run(ds.EarlyStopping(patience=5), [1.0, float("nan"), 0.5]) == 1
    keras_like = ds.EarlyStopping(patience=5, check_finite=False)
    assert run(keras_like, [1.0, float("nan"), 0.5]) is None
    assert keras_like.best == 0.5
    with pytest.raises(KeyError, match="val_loss"):
        ds.EarlyStopping(patience=1)(0, {"loss": 1.0})


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"patience": -1}, "patience"),
        ({"patience": 1, "min_delta": -0.1}, "min_delta"),
        ({"patience": 1, "mode": "auto"}, "mode"),
    ],
)
def test_early_stopping_errors(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        ds.EarlyStopping(**kwargs)


# --- fit -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("batch_size", "epochs"), [(None, 300), (16, 100), (1, 20)])
def test_fit_recovers_a_line(batch_size: int | None, epochs: int) -> None:
    X, y = line()
    model = models.LinearModel(1, 1, seed=0)
    history = ds.fit(
        model,
        X,
        y,
        loss=ds.mse_loss,
        optimizer=lambda p: TinySGD(p, lr=0.3 if batch_size is None else 0.05),
        epochs=epochs,
        batch_size=batch_size,
        metrics=("r2_score", "mean_absolute_error"),
        seed=0,
    )
    W, b = model.params
    assert W.item() == pytest.approx(2.0, abs=1e-3) and b.item() == pytest.approx(1.0, abs=1e-3)
    assert len(history) == epochs and history.epoch == list(range(epochs))
    assert sorted(history) == ["grad_norm", "loss", "lr", "mean_absolute_error", "r2_score", "time"]
    assert all(len(v) == epochs for v in history.history.values())
    assert history["loss"][-1] < 1e-5 < history["loss"][0]
    assert history["r2_score"][-1] == pytest.approx(1.0, abs=1e-4)
    assert history["grad_norm"][-1] < history["grad_norm"][0]
    assert set(history["lr"]) == {0.3 if batch_size is None else 0.05}
    assert all(t > 0 for t in history["time"])


def test_fit_logs_match_a_hand_computation() -> None:
    # One full-batch epoch: the logged loss and metrics are those of the starting model, the
    # gradient norm that of its gradient; validation is evaluated after the step.
    X, y = line(16)
    model = models.LinearModel(1, 1, seed=3)
    W0, b0 = (p.copy() for p in model.params)
    X_val, y_val = line(8, seed=1)
    opt: list[TinySGD] = []
    history = ds.fit(
        model,
        X,
        y,
        loss=ds.mse_loss,
        optimizer=lambda p: opt.append(TinySGD(p, lr=0.1)) or opt[-1],
        epochs=1,
        metrics=("root_mean_squared_error",),
        val=(X_val, y_val),
    )
    residual = X @ W0 + b0 - y
    assert history["loss"] == [pytest.approx(np.mean(residual**2), rel=1e-12)]
    assert history["root_mean_squared_error"] == [pytest.approx(np.sqrt(np.mean(residual**2)))]
    gW, gb = 2 * X.T @ residual / len(X), 2 * residual.sum(axis=0) / len(X)
    np.testing.assert_allclose(opt[0].received[0][0], gW, rtol=1e-12)
    norm = np.sqrt((gW**2).sum() + (gb**2).sum())
    assert history["grad_norm"] == [pytest.approx(norm, rel=1e-12)]
    W1, b1 = model.params
    val_residual = X_val @ W1 + b1 - y_val
    assert history["val_loss"] == [pytest.approx(np.mean(val_residual**2), rel=1e-12)]
    assert history["val_root_mean_squared_error"] == [
        pytest.approx(np.sqrt(np.mean(val_residual**2)))
    ]


def test_fit_epoch_loss_weighs_batches_by_size() -> None:
    # lr = 0: the model never moves, so the epoch's loss and metrics over uneven batches
    # (3, 3, 3, 3, 3, 1) equal those of the whole set.
    X, y = line(16)
    model = models.MLP([1, 3, 1], seed=1)
    X_val, y_val = line(7, seed=4)
    history = ds.fit(
        model,
        X,
        y,
        loss=ds.mse_loss,
        optimizer=lambda p: TinySGD(p, lr=0.0),
        epochs=2,
        batch_size=3,
        metrics=("mean_absolute_error",),
        val=(X_val, y_val),
    )
    out = model.forward(X)
    assert history["loss"] == [pytest.approx(ds.mse_loss(out, y), rel=1e-12)] * 2
    assert history["mean_absolute_error"][0] == pytest.approx(np.abs(out - y).mean(), rel=1e-12)
    out_val = model.forward(X_val)  # forwarded in chunks of 3 by fit
    assert history["val_loss"][0] == pytest.approx(ds.mse_loss(out_val, y_val), rel=1e-12)


def test_fit_classification_with_val_metrics() -> None:
    X, labels = two_blobs(128, 0)
    X_val, labels_val = two_blobs(64, 1)
    model = models.MLP([2, 8, 2], activation="tanh", seed=0)
    names = ("accuracy", "precision", "recall", "f1_score", "roc_auc_score", "log_loss")
    history = ds.fit(
        model,
        X,
        labels,
        loss=ds.cross_entropy,
        optimizer=lambda p: TinySGD(p, lr=0.5),
        epochs=15,
        batch_size=32,
        metrics=names,
        val=(X_val, labels_val),
        seed=0,
    )
    for name in names:
        assert len(history[name]) == len(history["val_" + name]) == 15
    assert history["val_accuracy"][-1] > 0.9
    assert history["val_loss"][-1] < history["val_loss"][0]
    # The last validation entries are the metrics of the final model on the validation set.
    out = model.forward(X_val)
    assert history["val_accuracy"][-1] == metrics.accuracy_score(labels_val, out.argmax(1))
    assert history["val_roc_auc_score"][-1] == pytest.approx(
        metrics.roc_auc_score(labels_val, out[:, 1] - out[:, 0])
    )
    assert history["val_log_loss"][-1] == pytest.approx(ds.cross_entropy(out, labels_val))


class FixedOutputs:
    """Test double model: row i of X is the index of its output in a fixed table."""

    def __init__(self, table: np.ndarray) -> None:
        self.table = table
        self.params = [np.zeros(1)]

    def forward(self, X: np.ndarray) -> np.ndarray:
        return self.table[X[:, 0].astype(int)]

    def backward(self, d_output: np.ndarray) -> list[np.ndarray]:
        return [np.zeros(1)]


def logged(table: np.ndarray, y: np.ndarray, loss: object, names: tuple[str, ...]) -> dict:
    history = ds.fit(
        FixedOutputs(table),
        np.arange(len(table)).reshape(-1, 1),
        y,
        loss=loss,  # type: ignore[arg-type]
        optimizer=lambda p: TinySGD(p),
        epochs=1,
        metrics=names,
        shuffle=False,
    )
    return {name: history[name][0] for name in names}


def test_named_metrics_read_the_output_as_logits() -> None:
    names = ("accuracy", "precision", "recall", "f1_score", "roc_auc_score", "log_loss")
    # One logit column (binary_cross_entropy_with_logits, float 0/1 targets): label = logit > 0.
    z = np.array([[-2.0], [0.3], [0.1], [-0.2]])
    got = logged(
        z, np.array([[0.0], [1.0], [0.0], [1.0]]), ds.binary_cross_entropy_with_logits, names
    )
    p = 1 / (1 + np.exp(-z[:, 0]))
    assert got["accuracy"] == 0.5 and got["precision"] == 0.5 and got["recall"] == 0.5
    assert got["roc_auc_score"] == 0.75  # scores -2, .3, .1, -.2: 3 of 4 pairs ordered
    log_loss = -np.mean(np.log([1 - p[0], p[1], 1 - p[2], p[3]]))
    assert got["log_loss"] == pytest.approx(log_loss, rel=1e-12)
    # Two columns (cross_entropy): argmax labels, AUC of the logit difference, softmax.
    two = np.array([[1.0, 0.0], [0.0, 3.0], [2.0, 2.5], [0.5, 0.0]])
    got = logged(two, np.array([0, 1, 0, 1]), ds.cross_entropy, names)
    assert got["accuracy"] == 0.5 and got["f1_score"] == 0.5
    assert got["roc_auc_score"] == 0.75  # differences -1, 3, .5, -.5 (column 1 alone: .625)
    assert got["log_loss"] == pytest.approx(ds.cross_entropy(two, np.array([0, 1, 0, 1])))
    # Three columns: macro averages; class-probability targets are reduced by argmax.
    three = np.array([[3.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 3.0, 1.0], [0.0, 0.0, 1.0]])
    soft = np.eye(3)[[0, 1, 2, 2]] * 0.9 + 0.1 / 3
    got = logged(three, soft, ds.cross_entropy, ("accuracy", "recall", "precision"))
    assert got["accuracy"] == 0.75
    assert got["recall"] == pytest.approx((1 + 1 + 0.5) / 3)
    assert got["precision"] == pytest.approx((1 + 0.5 + 1) / 3)
    # Labels of one class: AUC is undefined, logged as NaN (roc_auc_score itself raises).
    got = logged(two, np.array([1, 1, 1, 1]), ds.cross_entropy, ("roc_auc_score", "accuracy"))
    assert np.isnan(got["roc_auc_score"]) and got["accuracy"] == 0.5


def test_fit_is_reproducible_and_runs_start_from_the_same_point() -> None:
    X, y = line()

    def run(lr: float, seed: int) -> ds.History:
        model = models.MLP([1, 4, 1], seed=0)
        return ds.fit(
            model,
            X,
            y,
            loss=ds.mse_loss,
            optimizer=lambda p: TinySGD(p, lr=lr),
            epochs=3,
            batch_size=8,
            seed=seed,
        )

    assert run(0.1, 0)["loss"] == run(0.1, 0)["loss"]
    assert run(0.1, 0)["loss"] != run(0.1, 1)["loss"]  # the seed orders the batches
    # Mini-batches: the optimizer's effect shows from the second batch on.
    assert run(0.1, 0)["loss"][0] != run(0.01, 0)["loss"][0]
    # Different optimizers from the same start: a full-batch epoch logs the starting loss.
    one_batch = [
        ds.fit(
            models.MLP([1, 4, 1], seed=0),
            X,
            y,
            loss=ds.mse_loss,
            epochs=1,
            optimizer=lambda p, lr=lr: TinySGD(p, lr=lr),
            seed=0,
        )["loss"][0]
        for lr in (0.1, 0.01)
    ]
    assert one_batch[0] == one_batch[1]


def test_fit_clips_the_global_norm() -> None:
    X, y = line(32)
    opt: list[TinySGD] = []
    history = ds.fit(
        models.LinearModel(1, 1, seed=0),
        X,
        10 * y,
        loss=ds.mse_loss,
        optimizer=lambda p: opt.append(TinySGD(p, lr=0.01)) or opt[-1],
        epochs=3,
        batch_size=8,
        clip_grad_norm=0.5,
    )
    norms = [np.sqrt(sum((g**2).sum() for g in grads)) for grads in opt[0].received]
    assert max(norms) == pytest.approx(0.5, rel=1e-5)
    assert min(history["grad_norm"]) > 0.5  # logged before clipping


def test_fit_early_stopping_stops_and_restores() -> None:
    X, y = line()
    val = line(16, seed=2)
    # min_delta so large that nothing after epoch 0 is an improvement: stop at epoch 2.
    stop = ds.EarlyStopping(patience=2, min_delta=1e9, restore_best=True)
    model = models.LinearModel(1, 1, seed=0)
    history = ds.fit(
        model,
        X,
        y,
        loss=ds.mse_loss,
        optimizer=lambda p: TinySGD(p),
        epochs=50,
        val=val,
        callbacks=[stop],
        seed=0,
    )
    assert len(history) == 3 and stop.stopped_epoch == 2 and stop.best_epoch == 0
    # Restored to the parameters after epoch 0: those of a one-epoch run.
    reference = models.LinearModel(1, 1, seed=0)
    ds.fit(reference, X, y, loss=ds.mse_loss, optimizer=lambda p: TinySGD(p), epochs=1, seed=0)
    for got, want in zip(model.params, reference.params, strict=True):
        np.testing.assert_array_equal(got, want)
    # The callback is reset by the next fit.
    again = ds.fit(
        models.LinearModel(1, 1, seed=0),
        X,
        y,
        loss=ds.mse_loss,
        optimizer=lambda p: TinySGD(p),
        epochs=50,
        val=val,
        callbacks=[stop],
    )
    assert len(again) == 3


def test_fit_callbacks_all_called_any_stops() -> None:
    seen: list[tuple[str, int, list[str]]] = []

    def watcher(name: str, stop_at: int | None) -> Callable[[int, dict], bool]:
        def callback(epoch: int, logs: dict) -> bool:
            seen.append((name, epoch, sorted(logs)))
            return epoch == stop_at

        return callback

    X, y = line(16)
    history = ds.fit(
        models.LinearModel(1, 1, seed=0),
        X,
        y,
        loss=ds.mse_loss,
        optimizer=lambda p: TinySGD(p),
        epochs=10,
        callbacks=[watcher("a", 1), watcher("b", None)],
    )
    assert len(history) == 2
    assert [(name, epoch) for name, epoch, _ in seen] == [("a", 0), ("b", 0), ("a", 1), ("b", 1)]
    assert seen[0][2] == ["grad_norm", "loss", "lr", "time"]


def test_fit_divergence_gives_nan_metrics_and_stops() -> None:
    # lr far too large: the loss grows 10⁴-fold per epoch and overflows after ~77 epochs, the
    # output after ~155.
    X, y = line(32)

    def diverge(callbacks: list[ds.EarlyStopping]) -> ds.History:
        with np.errstate(over="ignore", invalid="ignore"):
            return ds.fit(
                models.LinearModel(1, 1, seed=0),
                X,
                1e3 * y,
                loss=ds.mse_loss,
                optimizer=lambda p: TinySGD(p, lr=50.0),
                epochs=200,
                metrics=("r2_score",),
                callbacks=callbacks,
            )

    history = diverge([])  # no exception from the metric of a non-finite output
    assert len(history) == 200 and np.isnan(history["r2_score"][-1])
    stopped = diverge([ds.EarlyStopping(patience=1000, monitor="loss")])
    assert 70 < len(stopped) < 100 and not np.isfinite(stopped["loss"][-1])


def test_fit_float32_model() -> None:
    X, y = line()
    model = models.LinearModel(1, 1, seed=0, dtype=np.float32)
    ds.fit(
        model,
        X.astype(np.float32),
        y.astype(np.float32),
        loss=ds.mse_loss,
        optimizer=lambda p: TinySGD(p, lr=0.3),
        epochs=200,
    )
    assert all(p.dtype == np.float32 for p in model.params)
    assert model.params[0].item() == pytest.approx(2.0, abs=1e-3)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"y": np.zeros((5, 1))}, ValueError, "y has 5 samples but X has 4"),
        ({"epochs": -1}, ValueError, "epochs"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"metrics": ("accuracy_scor",)}, ValueError, "unknown metric 'accuracy_scor'"),
        ({"metrics": "accuracy"}, TypeError, "not one string"),
        ({"metrics": ("r2_score", "r2_score")}, ValueError, "repeated"),
        ({"val": (np.zeros((3, 1)), np.zeros((2, 1)))}, ValueError, r"val\[1\] has 2 samples"),
        ({"optimizer": lambda p: None}, TypeError, "must return an optimizer"),
        ({"clip_grad_norm": 0.0}, ValueError, "clip_grad_norm"),
        ({"X": np.zeros((0, 1)), "y": np.zeros((0, 1))}, ValueError, "no samples"),
    ],
)
def test_fit_errors(kwargs: dict, error: type, match: str) -> None:
    args = {
        "X": np.zeros((4, 1)),
        "y": np.zeros((4, 1)),
        "loss": ds.mse_loss,
        "epochs": 1,
        "optimizer": lambda p: TinySGD(p),
    } | kwargs
    with pytest.raises(error, match=match):
        ds.fit(models.LinearModel(1, 1, seed=0), args.pop("X"), args.pop("y"), **args)


@pytest.mark.parametrize(
    "factory",
    [lambda p: ds.Adam(p, lr=0.05), lambda p: ds.SGD(p, lr=0.2, momentum=0.9, nesterov=True)],
    ids=["Adam", "SGD-nesterov"],
)
def test_fit_separates_a_separable_problem_with_real_optimizers(factory: Any) -> None:
    # XOR: separable by a small MLP, not by a line.
    rng = np.random.default_rng(3)
    X = rng.uniform(-1, 1, size=(200, 2))
    X = X[np.abs(X).min(axis=1) > 0.1]
    labels = ((X[:, 0] > 0) ^ (X[:, 1] > 0)).astype(np.int64)
    model = ds.models.MLP([2, 16, 2], activation="tanh", seed=0)
    history = ds.fit(
        model,
        X,
        labels,
        loss=ds.cross_entropy,
        optimizer=factory,
        epochs=300,
        metrics=("accuracy",),
        seed=0,
        progress=False,
    )
    assert history["accuracy"][-1] == 1.0
    assert history["loss"][-1] < 0.1 * history["loss"][0]


def test_reduce_lr_on_plateau_plugs_into_fit() -> None:
    # The optimizer factory builds the plateau beside the optimizer; a callback feeds it.
    plateaus: list[ds.ReduceLROnPlateau] = []

    def factory(params: list[Any]) -> ds.SGD:
        opt = ds.SGD(params, lr=0.5)
        plateaus.append(ds.ReduceLROnPlateau(opt, patience=0, factor=0.5, threshold=0.7))
        return opt

    def feed(epoch: int, logs: dict[str, float]) -> bool:
        plateaus[-1].step(logs["loss"])
        return False

    X, y = line(32)
    history = ds.fit(
        models.LinearModel(1, 1, seed=0),
        X,
        y,
        loss=ds.mse_loss,
        optimizer=factory,
        epochs=6,
        callbacks=(feed,),
        seed=0,
        progress=False,
    )
    # Improvements under 70% count as a plateau: the lr halves once the fast start is over.
    assert history["lr"][0] == 0.5
    assert history["lr"][-1] < 0.5
