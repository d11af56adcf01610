"""Feature scaling whose statistics come from the training data and are reused for the rest.

``Xs, stats = standardize(X_train)`` computes the statistics; ``standardize(X_val,
stats=stats)`` scales validation or test data with them, so nothing about the held-out data
leaks into the transform. Statistics are frozen dataclasses of read-only float64 arrays, one
value per column of the 2-D ``X`` (n_samples, n_features); they are computed in float64, and
the scaled array keeps ``X``'s float dtype (integers and bools become float64). NaN is not
treated as missing: it propagates into the statistics and the output.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from descend._arrays import FloatArray, as_float

__all__ = ["MinMaxStats", "StandardStats", "min_max_scale", "standardize"]

Stats = NDArray[np.float64]


@dataclasses.dataclass(frozen=True, eq=False)
class StandardStats:
    """Per-column statistics of `standardize`.

    Parameters
    ----------
    mean : numpy.ndarray
        Column means, float64, shape (n_features,).
    scale : numpy.ndarray
        Column standard deviations (population, ddof=0), with 1.0 for columns that are
        constant to rounding error: scikit-learn's ``StandardScaler.scale_``.

    Notes
    -----
    The fitted state of scikit-learn's ``StandardScaler`` [1]_ (``mean_``, ``scale_``), as a
    frozen value that `standardize` returns and takes back through ``stats=``.

    References
    ----------
    .. [1] scikit-learn, ``sklearn.preprocessing.StandardScaler``.

    Examples
    --------
    >>> import numpy as np
    >>> from descend.preprocessing import standardize
    >>> _, stats = standardize(np.array([[1.0, 5.0], [3.0, 5.0]]))
    >>> stats.mean.tolist(), stats.scale.tolist()
    ([2.0, 5.0], [1.0, 1.0])
    """

    mean: Stats
    scale: Stats


@dataclasses.dataclass(frozen=True, eq=False)
class MinMaxStats:
    """Per-column statistics of `min_max_scale`: ``X_scaled = X * scale + min``.

    Parameters
    ----------
    scale : numpy.ndarray
        ``(hi − lo) / (column max − column min)``, with a zero range taken as 1:
        scikit-learn's ``MinMaxScaler.scale_``.
    min : numpy.ndarray
        ``lo − column min · scale``: scikit-learn's ``MinMaxScaler.min_``.
    feature_range : tuple of float
        The ``(lo, hi)`` the training data was mapped to.

    Notes
    -----
    The fitted state of scikit-learn's ``MinMaxScaler`` [1]_ (``scale_``, ``min_``,
    ``feature_range``), as a frozen value that `min_max_scale` returns and takes back through
    ``stats=``.

    References
    ----------
    .. [1] scikit-learn, ``sklearn.preprocessing.MinMaxScaler``.

    Examples
    --------
    >>> import numpy as np
    >>> from descend.preprocessing import min_max_scale
    >>> _, stats = min_max_scale(np.array([[0.0], [4.0]]))
    >>> stats.scale.tolist(), stats.min.tolist(), stats.feature_range
    ([0.25], [0.0], (0.0, 1.0))
    """

    scale: Stats
    min: Stats
    feature_range: tuple[float, float]


def standardize(
    X: ArrayLike, *, stats: StandardStats | None = None
) -> tuple[FloatArray, StandardStats]:
    """Centre each column to mean 0 and scale it to standard deviation 1.

    ``Xs = (X − mean) / scale`` with the statistics of ``X``, or of ``stats`` when given.
    A column constant to rounding error (variance within the two-pass algorithm's error bound,
    as scikit-learn decides) keeps scale 1, so it becomes zeros rather than NaN. scikit-learn:
    ``StandardScaler().fit_transform(X)``; with ``stats``, ``scaler.transform(X)``.

    Parameters
    ----------
    X : array_like
        Data, shape (n_samples, n_features).
    stats : StandardStats, optional
        Statistics from an earlier call (on the training data) to apply instead.

    Returns
    -------
    Xs : numpy.ndarray
        The scaled data, a new array of ``X``'s float dtype.
    stats : StandardStats
        The statistics used.

    Raises
    ------
    ValueError
        If ``X`` is not 2-D, has no rows to compute statistics from, or has a different
        number of columns than ``stats``.

    Notes
    -----
    The mean and variance come from a two-pass algorithm in float64, as scikit-learn's
    ``StandardScaler`` [1]_ computes them; the population standard deviation (ddof=0) is used.

    References
    ----------
    .. [1] scikit-learn, ``sklearn.preprocessing.StandardScaler``.

    Examples
    --------
    >>> import numpy as np
    >>> from descend.preprocessing import standardize
    >>> train = np.array([[1.0, 5.0], [3.0, 5.0]])
    >>> Xs, stats = standardize(train)
    >>> Xs
    array([[-1.,  0.],
           [ 1.,  0.]])
    >>> standardize(np.array([[5.0, 6.0]]), stats=stats)[0]
    array([[3., 1.]])
    """
    x = _matrix(X)
    if stats is None:
        wide = _rows(x).astype(np.float64)
        mean = wide.mean(axis=0)
        var = ((wide - mean) ** 2).mean(axis=0)
        n = wide.shape[0]
        eps = np.finfo(np.float64).eps
        constant = var <= n * eps * var + (n * mean * eps) ** 2
        stats = StandardStats(_frozen(mean), _frozen(np.where(constant, 1.0, np.sqrt(var))))
    elif not isinstance(stats, StandardStats):
        raise TypeError(f"stats must be a StandardStats, got {type(stats).__name__}")
    _check_width(x, stats.mean)
    return ((x - stats.mean) / stats.scale).astype(x.dtype, copy=False), stats


def min_max_scale(
    X: ArrayLike,
    *,
    feature_range: tuple[float, float] = (0.0, 1.0),
    stats: MinMaxStats | None = None,
) -> tuple[FloatArray, MinMaxStats]:
    """Map each column's range linearly onto ``feature_range``.

    ``Xs = X · scale + min`` with the statistics of ``X``, or of ``stats`` when given (data
    outside the training range lands outside ``feature_range``, as in scikit-learn). A
    constant column (range below 10 machine epsilons) takes range 1, so it maps to ``lo``.
    scikit-learn: ``MinMaxScaler(feature_range).fit_transform(X)``.

    Parameters
    ----------
    X : array_like
        Data, shape (n_samples, n_features).
    feature_range : tuple of float
        ``(lo, hi)`` with ``lo < hi``. With ``stats``, it must be the range they were made
        for.
    stats : MinMaxStats, optional
        Statistics from an earlier call (on the training data) to apply instead.

    Returns
    -------
    Xs : numpy.ndarray
        The scaled data, a new array of ``X``'s float dtype.
    stats : MinMaxStats
        The statistics used.

    Raises
    ------
    ValueError
        If ``feature_range`` is not increasing or differs from that of ``stats``, or ``X`` is
        not 2-D, has no rows to compute statistics from, or a different number of columns
        than ``stats``.

    Notes
    -----
    ``X * scale + min`` with scikit-learn's ``MinMaxScaler`` [1]_ definitions of ``scale`` and
    ``min``, so a column of the training data spans ``feature_range`` exactly and later data
    may fall outside it.

    References
    ----------
    .. [1] scikit-learn, ``sklearn.preprocessing.MinMaxScaler``.

    Examples
    --------
    >>> import numpy as np
    >>> from descend.preprocessing import min_max_scale
    >>> Xs, stats = min_max_scale(np.array([[0.0, 1.0], [10.0, 1.0], [5.0, 1.0]]))
    >>> Xs
    array([[0. , 0. ],
           [1. , 0. ],
           [0.5, 0. ]])
    >>> min_max_scale(np.array([[20.0, 1.0]]), stats=stats)[0]
    array([[2., 0.]])
    """
    lo, hi = (float(v) for v in feature_range)
    if not lo < hi:
        raise ValueError(f"feature_range must be (lo, hi) with lo < hi, got {feature_range!r}")
    x = _matrix(X)
    if stats is None:
        wide = _rows(x).astype(np.float64)
        data_min = wide.min(axis=0)
        data_range = wide.max(axis=0) - data_min
        data_range[data_range < 10 * np.finfo(np.float64).eps] = 1.0
        scale = (hi - lo) / data_range
        stats = MinMaxStats(_frozen(scale), _frozen(lo - data_min * scale), (lo, hi))
    elif not isinstance(stats, MinMaxStats):
        raise TypeError(f"stats must be a MinMaxStats, got {type(stats).__name__}")
    elif stats.feature_range != (lo, hi):
        raise ValueError(
            f"feature_range {(lo, hi)} differs from the range {stats.feature_range} the stats "
            "were computed for"
        )
    _check_width(x, stats.scale)
    return (x * stats.scale + stats.min).astype(x.dtype, copy=False), stats


def _matrix(X: ArrayLike) -> FloatArray:
    x = as_float("X", X)
    if x.ndim != 2:
        raise ValueError(
            f"X must be 2-D (n_samples, n_features), got shape {x.shape}; "
            "reshape a single feature with X.reshape(-1, 1)"
        )
    return x


def _rows(x: FloatArray) -> FloatArray:
    if x.shape[0] == 0:
        raise ValueError("X has no rows to compute statistics from")
    return x


def _check_width(x: FloatArray, column_stats: Stats) -> None:
    if x.shape[1] != column_stats.shape[0]:
        raise ValueError(
            f"X has {x.shape[1]} columns but the stats are for {column_stats.shape[0]}"
        )


def _frozen(values: NDArray[Any]) -> Stats:
    array = np.array(values, dtype=np.float64)
    array.setflags(write=False)
    return array
