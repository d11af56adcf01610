"""Regression metrics: predicted values against true values."""

from __future__ import annotations

import math
import warnings
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from descend.metrics._checks import Score, UndefinedMetricWarning, finite, floats

MultiOutput = Literal["uniform_average", "raw_values"]


def r2_score(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    multioutput: MultiOutput = "uniform_average",
    force_finite: bool = True,
) -> Score:
    """Coefficient of determination R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)², per output column.

    Parameters
    ----------
    y_true : array_like
        True values, (n,) or (n, n_outputs).
    y_pred : array_like
        Predictions, the shape of ``y_true``.
    multioutput : {"uniform_average", "raw_values"}, default "uniform_average"
        Average the per-column scores, or return them.
    force_finite : bool, default True
        Replace the NaN or −inf of a constant ``y_true`` by 1.0 (perfect) or 0.0.

    Returns
    -------
    float or ndarray
        R², or one per column for ``multioutput="raw_values"``.

    Raises
    ------
    ValueError
        Empty input, NaN or infinite values, mismatched lengths.

    Notes
    -----
    A constant ``y_true`` makes the ratio 0/0 or x/0: with ``force_finite`` (default) the
    score is then 1.0 for a perfect prediction and 0.0 otherwise; without, NaN or −inf. A
    single sample gives NaN and `UndefinedMetricWarning`. ``multioutput="raw_values"``
    returns one score per column of 2-D inputs. As scikit-learn's ``sklearn.metrics.r2_score`` [1]_.

    References
    ----------
    .. [1] scikit-learn, ``sklearn.metrics.r2_score``.

    Examples
    --------
    >>> from descend.metrics import r2_score
    >>> r2_score([3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0])
    0.9486081370449679
    >>> r2_score([1.0, 1.0], [1.0, 2.0])
    0.0
    """
    t, p = _regression(y_true, y_pred, multioutput)
    if t.shape[0] < 2:
        warnings.warn(
            "R² is not defined for fewer than two samples", UndefinedMetricWarning, stacklevel=2
        )
        return math.nan
    residual = np.sum((t - p) ** 2, axis=0)
    total = np.sum((t - t.mean(axis=0)) ** 2, axis=0)
    if force_finite:
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = residual / total
        score = np.where(total != 0, 1.0 - ratio, np.where(residual != 0, 0.0, 1.0))
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            score = 1.0 - residual / total
    return _outputs(score, multioutput)


def mean_absolute_error(
    y_true: ArrayLike, y_pred: ArrayLike, *, multioutput: MultiOutput = "uniform_average"
) -> Score:
    """Mean of abs(y − ŷ) per output column, then averaged over columns.

    Parameters
    ----------
    y_true : array_like
        True values, (n,) or (n, n_outputs).
    y_pred : array_like
        Predictions, the shape of ``y_true``.
    multioutput : {"uniform_average", "raw_values"}, default "uniform_average"
        Average the per-column scores, or return them.

    Returns
    -------
    float or ndarray
        The error, or one per column for ``multioutput="raw_values"``.

    Raises
    ------
    ValueError
        Empty input, NaN or infinite values, mismatched lengths.

    Notes
    -----
    As scikit-learn's ``sklearn.metrics.mean_absolute_error`` [1]_.

    References
    ----------
    .. [1] scikit-learn, ``sklearn.metrics.mean_absolute_error``.

    Examples
    --------
    >>> from descend.metrics import mean_absolute_error
    >>> mean_absolute_error([3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0])
    0.5
    """
    t, p = _regression(y_true, y_pred, multioutput)
    return _outputs(np.mean(np.abs(t - p), axis=0), multioutput)


def root_mean_squared_error(
    y_true: ArrayLike, y_pred: ArrayLike, *, multioutput: MultiOutput = "uniform_average"
) -> Score:
    """Square root of the mean of (y − ŷ)² per output column, then averaged over columns.

    Parameters
    ----------
    y_true : array_like
        True values, (n,) or (n, n_outputs).
    y_pred : array_like
        Predictions, the shape of ``y_true``.
    multioutput : {"uniform_average", "raw_values"}, default "uniform_average"
        Average the per-column scores, or return them.

    Returns
    -------
    float or ndarray
        The error, or one per column for ``multioutput="raw_values"``.

    Raises
    ------
    ValueError
        Empty input, NaN or infinite values, mismatched lengths.

    Notes
    -----
    As scikit-learn's ``sklearn.metrics.root_mean_squared_error`` [1]_.

    References
    ----------
    .. [1] scikit-learn, ``sklearn.metrics.root_mean_squared_error``.

    Examples
    --------
    >>> from descend.metrics import root_mean_squared_error
    >>> root_mean_squared_error([3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0])
    0.6123724356957945
    """
    t, p = _regression(y_true, y_pred, multioutput)
    return _outputs(np.sqrt(np.mean((t - p) ** 2, axis=0)), multioutput)


def _regression(
    y_true: ArrayLike, y_pred: ArrayLike, multioutput: MultiOutput
) -> tuple[NDArray[np.floating[Any]], NDArray[np.floating[Any]]]:
    if multioutput not in ("uniform_average", "raw_values"):
        raise ValueError(
            f"multioutput must be 'uniform_average' or 'raw_values', got {multioutput!r}"
        )
    t = finite(floats("y_true", y_true), "y_true")
    p = finite(floats("y_pred", y_pred), "y_pred")
    if t.ndim not in (1, 2):
        raise ValueError(f"y_true must be 1-D or 2-D, got shape {t.shape}")
    if p.shape != t.shape:
        raise ValueError(f"y_pred has shape {p.shape} but y_true has shape {t.shape}")
    if t.shape[0] == 0:
        raise ValueError("y_true is empty; a metric needs at least one sample")
    return t, p


def _outputs(values: NDArray[Any], multioutput: MultiOutput) -> Score:
    """Average per-column values, or return them (``"raw_values"``, as a 1-D array)."""
    values = np.atleast_1d(np.asarray(values, dtype=np.float64))
    if multioutput == "raw_values":
        return values
    return float(values.mean())
