"""Metric names for `descend.fit`: each `descend.metrics` function applied to a model's output.

A model's output is logits (for classification losses) or predictions (for regression
losses); each named metric turns it into what the scikit-learn-style function takes:
labels, a score, probabilities or the values themselves. Targets given as class probabilities
(n, K) are reduced to labels by argmax; (n, 1) targets are flattened.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from descend import activations, metrics

__all__ = ["MetricFn", "resolve_metrics"]

MetricFn = Callable[[Any, Any], float]
Array = NDArray[Any]

_RESERVED = frozenset({"loss", "lr", "grad_norm", "time"})


def _columns(output: Array) -> Array:
    return output.reshape(len(output), -1)


def _predicted_labels(output: Array) -> Array:
    out = _columns(output)
    if out.shape[1] > 1:
        labels: Array = out.argmax(axis=1)
        return labels
    return (out[:, 0] > 0).astype(np.int64)  # logit > 0 ⇔ sigmoid > 1/2


def _true_labels(y: Array) -> Array:
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        labels: Array = y.argmax(axis=1)
        return labels
    return y.reshape(len(y))


def _binary_score(output: Array) -> Array:
    out = _columns(output)
    if out.shape[1] == 1:
        return out[:, 0]
    if out.shape[1] == 2:
        return out[:, 1] - out[:, 0]  # increasing in softmax(out)[:, 1]
    raise ValueError(f"roc_auc_score is binary; the model has {out.shape[1]} outputs")


def _classification(fn: Callable[..., Any]) -> MetricFn:
    def metric(y_true: Any, output: Any) -> float:
        average = "binary" if _columns(output).shape[1] <= 2 else "macro"
        return float(
            fn(_true_labels(y_true), _predicted_labels(output), average=average, zero_division=0.0)
        )

    return metric


def _accuracy(y_true: Any, output: Any) -> float:
    return metrics.accuracy_score(_true_labels(y_true), _predicted_labels(output))


def _roc_auc(y_true: Any, output: Any) -> float:
    labels = _true_labels(y_true)
    if np.unique(labels).size < 2:
        # Undefined for one class (roc_auc_score raises): a batch or split of one class
        # logs NaN for the epoch rather than ending the run, like other ill-defined metrics.
        return math.nan
    return metrics.roc_auc_score(labels, _binary_score(output))


def _log_loss(y_true: Any, output: Any) -> float:
    out = _columns(output)
    if out.shape[1] == 1:
        return metrics.log_loss(_true_labels(y_true), activations.sigmoid(out[:, 0]), labels=[0, 1])
    proba = activations.softmax(out, dim=1)
    return metrics.log_loss(_true_labels(y_true), proba, labels=np.arange(out.shape[1]))


def _regression(fn: Callable[..., Any]) -> MetricFn:
    def metric(y_true: Any, output: Any) -> float:
        return float(fn(y_true, output))

    return metric


_NAMED: dict[str, MetricFn] = {
    "accuracy": _accuracy,
    "accuracy_score": _accuracy,
    "precision": _classification(metrics.precision_score),
    "precision_score": _classification(metrics.precision_score),
    "recall": _classification(metrics.recall_score),
    "recall_score": _classification(metrics.recall_score),
    "f1_score": _classification(metrics.f1_score),
    "roc_auc_score": _roc_auc,
    "log_loss": _log_loss,
    "r2_score": _regression(metrics.r2_score),
    "mean_absolute_error": _regression(metrics.mean_absolute_error),
    "root_mean_squared_error": _regression(metrics.root_mean_squared_error),
}


def resolve_metrics(requested: Sequence[str | MetricFn]) -> list[tuple[str, MetricFn]]:
    """Return ``(log key, function of (y_true, output))`` for each requested metric."""
    if isinstance(requested, str):
        raise TypeError("metrics must be a sequence of names or callables, not one string")
    resolved: list[tuple[str, MetricFn]] = []
    for item in requested:
        if isinstance(item, str):
            if item not in _NAMED:
                raise ValueError(f"unknown metric {item!r}; known: {sorted(_NAMED)}")
            resolved.append((item, _NAMED[item]))
        elif callable(item):
            resolved.append((getattr(item, "__name__", type(item).__name__), item))
        else:
            raise TypeError(f"a metric is a name or a callable, got {type(item).__name__}")
    keys = [key for key, _ in resolved]
    for key in keys:
        if keys.count(key) > 1 or key in _RESERVED or key.startswith("val_"):
            raise ValueError(f"metric name {key!r} is repeated or reserved for fit's own logs")
    return resolved
