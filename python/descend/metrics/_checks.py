"""Input checks and types shared by the metrics."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

Score = float | NDArray[np.float64]


class UndefinedMetricWarning(UserWarning):
    """A metric is ill-defined for the input; the value returned is a convention.

    Notes
    -----
    scikit-learn's ``sklearn.exceptions.UndefinedMetricWarning`` [1]_, raised in the same
    cases: precision, recall or F1 with ``zero_division="warn"`` meeting 0/0, and r2_score
    of a single sample. A ``UserWarning``, so ``warnings.filterwarnings`` selects it.

    References
    ----------
    .. [1] scikit-learn, ``sklearn.exceptions.UndefinedMetricWarning``.

    Examples
    --------
    >>> import warnings
    >>> from descend import metrics
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     metrics.precision_score([0, 0], [0, 0])
    0.0
    >>> caught[0].category is metrics.UndefinedMetricWarning
    True
    """


def vector(name: str, value: ArrayLike, size: int | None = None) -> NDArray[Any]:
    """Return ``value`` as a non-empty 1-D array ((n, 1) columns are flattened)."""
    array = np.asarray(value)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D (or a single column), got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty; a metric needs at least one sample")
    if size is not None and array.size != size:
        raise ValueError(f"{name} has {array.size} samples but y_true has {size}")
    return array


def floats(name: str, value: ArrayLike) -> NDArray[np.floating[Any]]:
    """Return ``value`` as a float array, integers and bools as float64."""
    array = np.asarray(value)
    if array.dtype.kind in "biu":
        return array.astype(np.float64)
    if array.dtype.kind != "f":
        raise TypeError(f"{name} must hold numbers, got dtype {array.dtype}")
    return array


def finite(array: NDArray[Any], name: str) -> NDArray[Any]:
    """Return ``array`` as floats, or raise ValueError if it holds NaN or infinity."""
    array = floats(name, array)
    if not np.isfinite(array).all():
        raise ValueError(f"{name} contains NaN or infinity")
    return array
