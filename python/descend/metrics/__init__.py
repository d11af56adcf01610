"""Evaluation metrics with scikit-learn's names and argument conventions, in vectorised numpy.

``y_true`` comes first, then the prediction: labels for `accuracy_score`, `precision_score`,
`recall_score` and `f1_score`; scores for `roc_auc_score`; probabilities for `log_loss`;
values for `r2_score`, `mean_absolute_error` and `root_mean_squared_error`. Each returns a
Python float (an array for ``average=None`` or ``multioutput="raw_values"``). As scikit-learn:

- empty input raises ValueError; so do NaN or infinite values, labels that are not integers
  (scores passed where labels are expected), and mismatched lengths;
- an ill-defined ratio (precision with no predicted positive, ...) takes ``zero_division``,
  which by default ("warn") gives 0.0 and warns with `UndefinedMetricWarning`;
- `r2_score` of a single sample is NaN with `UndefinedMetricWarning`;
- `log_loss` with a single class raises ValueError unless ``labels=`` names the classes.

One difference: `roc_auc_score` raises ValueError when ``y_true`` holds a single class, where
scikit-learn 1.9 warns and returns NaN (earlier versions raised): the area is undefined.
Sample weights are not supported. ``accuracy``, ``precision`` and ``recall`` are the short
names of `accuracy_score`, `precision_score` and `recall_score`.
"""

from __future__ import annotations

from descend.metrics._checks import UndefinedMetricWarning
from descend.metrics._classification import (
    accuracy_score,
    f1_score,
    log_loss,
    precision_score,
    recall_score,
    roc_auc_score,
)
from descend.metrics._regression import mean_absolute_error, r2_score, root_mean_squared_error

__all__ = [
    "UndefinedMetricWarning",
    "accuracy",
    "accuracy_score",
    "f1_score",
    "log_loss",
    "mean_absolute_error",
    "precision",
    "precision_score",
    "r2_score",
    "recall",
    "recall_score",
    "roc_auc_score",
    "root_mean_squared_error",
]

accuracy = accuracy_score
precision = precision_score
recall = recall_score
