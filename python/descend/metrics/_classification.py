"""Classification metrics: labels, scores and probabilities against true labels."""

from __future__ import annotations

import math
import warnings
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from descend import _core
from descend.metrics._checks import Score, UndefinedMetricWarning, finite, floats, vector

Average = Literal["binary", "micro", "macro", "weighted"] | None
ZeroDivision = Literal["warn"] | float


def accuracy_score(y_true: ArrayLike, y_pred: ArrayLike, *, normalize: bool = True) -> float:
    """Fraction (or number, ``normalize=False``) of samples whose label is predicted exactly.

    Parameters
    ----------
    y_true : array_like
        True class labels, 1-D (integers, or floats holding whole numbers, or strings).
    y_pred : array_like
        Predicted class labels, as many as ``y_true``.
    normalize : bool, default True
        Return the fraction; False returns the count (as a float).

    Returns
    -------
    float
        The fraction (or count) of exact predictions.

    Raises
    ------
    ValueError
        Empty input, NaN or infinite values, mismatched lengths, labels that are not whole numbers.

    Notes
    -----
    As scikit-learn's ``sklearn.metrics.accuracy_score`` [1]_.

    References
    ----------
    .. [1] scikit-learn, ``sklearn.metrics.accuracy_score``.

    Examples
    --------
    >>> from descend.metrics import accuracy_score
    >>> accuracy_score([0, 1, 2, 2], [0, 2, 2, 2])
    0.75
    >>> accuracy_score([0, 1, 2, 2], [0, 2, 2, 2], normalize=False)
    3.0
    """
    t, p, _ = _encode_labels(y_true, y_pred)
    correct = np.count_nonzero(t == p)
    return float(correct / t.size) if normalize else float(correct)


def precision_score(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    pos_label: Any = 1,
    average: Average = "binary",
    zero_division: ZeroDivision = "warn",
) -> Score:
    """Precision tp / (tp + fp): of the samples predicted as a class, the fraction that are.

    Parameters
    ----------
    y_true : array_like
        True class labels, 1-D (integers, or floats holding whole numbers, or strings).
    y_pred : array_like
        Predicted class labels, as many as ``y_true``.
    pos_label : scalar, default 1
        The class scored by ``average="binary"``.
    average : {"binary", "micro", "macro", "weighted"} or None, default "binary"
        How per-class scores combine (see Notes); None returns one per class.
    zero_division : "warn", 0.0, 1.0 or nan, default "warn"
        The value of 0/0; "warn" gives 0.0 and warns with `UndefinedMetricWarning`.

    Returns
    -------
    float or ndarray
        The score; one per class, in sorted label order, for ``average=None``.

    Raises
    ------
    ValueError
        Empty input, NaN or infinite values, mismatched lengths, labels that are not whole numbers,
        more than two classes with ``average="binary"``.

    Notes
    -----
    ``average="binary"`` scores ``pos_label`` alone (two classes at most); ``"micro"`` pools
    the counts of all classes; ``"macro"`` is the unweighted mean over classes; ``"weighted"``
    weighs each class by its number of true samples; None returns one value per class, in
    sorted label order. Classes are those of ``y_true`` and ``y_pred`` together.
    ``zero_division`` (0.0, 1.0, NaN or "warn") stands for 0/0; a NaN is left out of the
    macro and weighted means. As scikit-learn's ``sklearn.metrics.precision_score`` [1]_.

    References
    ----------
    .. [1] scikit-learn, ``sklearn.metrics.precision_score``.

    Examples
    --------
    >>> from descend.metrics import precision_score
    >>> precision_score([0, 1, 1, 0], [1, 1, 1, 0])
    0.6666666666666666
    >>> precision_score([0, 1, 2, 2], [0, 2, 2, 2], average=None, zero_division=0.0)
    array([1.        , 0.        , 0.66666667])
    """
    return _prf("precision", y_true, y_pred, pos_label, average, zero_division)


def recall_score(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    pos_label: Any = 1,
    average: Average = "binary",
    zero_division: ZeroDivision = "warn",
) -> Score:
    """Recall tp / (tp + fn): of the samples of a class, the fraction predicted as it.

    Parameters
    ----------
    y_true : array_like
        True class labels, 1-D (integers, or floats holding whole numbers, or strings).
    y_pred : array_like
        Predicted class labels, as many as ``y_true``.
    pos_label : scalar, default 1
        The class scored by ``average="binary"``.
    average : {"binary", "micro", "macro", "weighted"} or None, default "binary"
        How per-class scores combine (see Notes); None returns one per class.
    zero_division : "warn", 0.0, 1.0 or nan, default "warn"
        The value of 0/0; "warn" gives 0.0 and warns with `UndefinedMetricWarning`.

    Returns
    -------
    float or ndarray
        The score; one per class, in sorted label order, for ``average=None``.

    Raises
    ------
    ValueError
        Empty input, NaN or infinite values, mismatched lengths, labels that are not whole numbers,
        more than two classes with ``average="binary"``.

    Notes
    -----
    Averages as `precision_score`'s. As scikit-learn's ``sklearn.metrics.recall_score`` [1]_.

    References
    ----------
    .. [1] scikit-learn, ``sklearn.metrics.recall_score``.

    Examples
    --------
    >>> from descend.metrics import recall_score
    >>> recall_score([0, 1, 1, 0], [1, 1, 0, 0])
    0.5
    >>> recall_score([0, 1, 2, 2], [0, 2, 2, 1], average="macro")
    0.5
    """
    return _prf("recall", y_true, y_pred, pos_label, average, zero_division)


def f1_score(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    pos_label: Any = 1,
    average: Average = "binary",
    zero_division: ZeroDivision = "warn",
) -> Score:
    """F1, the harmonic mean of precision and recall: 2·tp / (2·tp + fp + fn).

    Parameters
    ----------
    y_true : array_like
        True class labels, 1-D (integers, or floats holding whole numbers, or strings).
    y_pred : array_like
        Predicted class labels, as many as ``y_true``.
    pos_label : scalar, default 1
        The class scored by ``average="binary"``.
    average : {"binary", "micro", "macro", "weighted"} or None, default "binary"
        How per-class scores combine (see Notes); None returns one per class.
    zero_division : "warn", 0.0, 1.0 or nan, default "warn"
        The value of 0/0; "warn" gives 0.0 and warns with `UndefinedMetricWarning`.

    Returns
    -------
    float or ndarray
        The score; one per class, in sorted label order, for ``average=None``.

    Raises
    ------
    ValueError
        Empty input, NaN or infinite values, mismatched lengths, labels that are not whole numbers,
        more than two classes with ``average="binary"``.

    Notes
    -----
    Averages as `precision_score`'s; ``zero_division`` applies only when tp + fp + fn = 0
    (scikit-learn ≥ 1.3). As scikit-learn's ``sklearn.metrics.f1_score`` [1]_.

    References
    ----------
    .. [1] scikit-learn, ``sklearn.metrics.f1_score``.

    Examples
    --------
    >>> from descend.metrics import f1_score
    >>> f1_score([0, 1, 1, 0], [1, 1, 0, 0])
    0.5
    >>> f1_score([0, 1, 2, 2], [0, 2, 2, 2], average="micro")
    0.75
    """
    return _prf("f1", y_true, y_pred, pos_label, average, zero_division)


def roc_auc_score(y_true: ArrayLike, y_score: ArrayLike) -> float:
    """Area under the ROC curve of a binary problem.

    Parameters
    ----------
    y_true : array_like
        True class labels, 1-D (integers, or floats holding whole numbers, or strings).
    y_score : array_like
        Scores of the positive class (the greater label), as many as ``y_true``.

    Returns
    -------
    float
        The area, in [0, 1].

    Raises
    ------
    ValueError
        Empty input, NaN or infinite values, mismatched lengths, more than two classes, a single
        class.

    Notes
    -----
    The probability that a random positive scores above a random negative, ties counting
    one half: the Mann–Whitney U statistic from one native sort, tied scores sharing their
    average rank, U = (Σ ranks of positives − n₊(n₊+1)/2) / (n₊·n₋). This equals
    scikit-learn's trapezoidal area. The positive class is the greater of the two labels.

    Raises ValueError for more than two classes (multi-class AUC is not implemented) and for
    a single class, where the area is undefined (scikit-learn 1.9 returns NaN with a warning).
    As scikit-learn's ``sklearn.metrics.roc_auc_score`` [1]_ (binary).

    References
    ----------
    .. [1] scikit-learn, ``sklearn.metrics.roc_auc_score``.

    Examples
    --------
    >>> from descend.metrics import roc_auc_score
    >>> roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    >>> roc_auc_score([0, 1], [0.5, 0.5])
    0.5
    """
    truth = vector("y_true", y_true)
    score = finite(vector("y_score", y_score, size=truth.size), "y_score")
    classes = np.unique(_check_labels("y_true", truth))
    if classes.size > 2:
        raise ValueError(f"roc_auc_score is binary; y_true has {classes.size} classes")
    if classes.size < 2:
        raise ValueError(
            f"only one class ({classes[0]!r}) is present in y_true; ROC AUC is not defined"
        )
    positive = np.ascontiguousarray(truth == classes[1])
    if score.dtype not in (np.float32, np.float64):
        score = score.astype(np.float64)
    return _core.roc_auc(positive, score)  # one native sort; ties share their mean rank


def log_loss(
    y_true: ArrayLike,
    y_proba: ArrayLike,
    *,
    normalize: bool = True,
    labels: ArrayLike | None = None,
) -> float:
    """Cross-entropy of predicted probabilities: mean (or sum) of −log p(true class).

    Parameters
    ----------
    y_true : array_like
        True class labels, 1-D (integers, or floats holding whole numbers, or strings).
    y_proba : array_like
        Probabilities, (n, n_classes) in sorted label order, or (n,) for the greater of two labels.
    normalize : bool, default True
        Return the mean; False returns the sum.
    labels : array_like, optional
        The classes, when ``y_true`` does not hold them all.

    Returns
    -------
    float
        The mean (or sum) of −log p(true class).

    Raises
    ------
    ValueError
        Empty input, NaN or infinite values, mismatched lengths, probabilities outside [0, 1], a
        single class without ``labels``.

    Notes
    -----
    ``y_proba`` is (n, n_classes), columns in sorted label order, or (n,) the probability of
    the greater of two labels. Classes are those of ``labels`` if given, else of ``y_true``;
    a single class raises ValueError. Probabilities are clipped to [eps, 1 − eps], eps the
    machine epsilon of their dtype; values outside [0, 1] raise ValueError; rows that do not
    sum to one warn (UserWarning). As scikit-learn's ``sklearn.metrics.log_loss`` [1]_ (whose second
    argument is ``y_proba`` since 1.9).

    References
    ----------
    .. [1] scikit-learn, ``sklearn.metrics.log_loss``.

    Examples
    --------
    >>> from descend.metrics import log_loss
    >>> round(log_loss([0, 1, 1], [0.1, 0.8, 0.6]), 6)
    0.279777
    >>> round(log_loss([2, 0], [[0.2, 0.3, 0.5], [0.9, 0.05, 0.05]], labels=[0, 1, 2]), 6)
    0.399254
    """
    truth = vector("y_true", y_true)
    proba = finite(floats("y_proba", y_proba), "y_proba")
    if proba.ndim not in (1, 2) or proba.shape[0] != truth.size:
        raise ValueError(
            f"y_proba has shape {proba.shape}; expected ({truth.size},) or ({truth.size}, K)"
        )
    if proba.size and (proba.max() > 1 or proba.min() < 0):
        raise ValueError("y_proba holds values outside [0, 1]; it must be probabilities")
    classes = np.unique(truth if labels is None else np.asarray(labels))
    if classes.size < 2:
        raise ValueError(
            f"y_true holds a single class ({classes[0]!r}); give every class through labels="
        )
    missing = np.setdiff1d(truth, classes)
    if missing.size:
        raise ValueError(f"y_true holds {missing.tolist()}, which are not in labels")
    if proba.ndim == 1 or proba.shape[1] == 1:
        p1 = proba.reshape(-1)
        proba = np.stack([1 - p1, p1], axis=1)
    if proba.shape[1] != classes.size:
        raise ValueError(
            f"y_proba has {proba.shape[1]} columns but there are {classes.size} classes "
            f"{classes.tolist()}"
        )
    eps = np.finfo(proba.dtype).eps
    if not np.allclose(proba.sum(axis=1), 1.0, rtol=math.sqrt(eps), atol=0.0):
        warnings.warn(
            "y_proba rows do not sum to one; pass probabilities", UserWarning, stacklevel=2
        )
    picked = proba[np.arange(truth.size), np.searchsorted(classes, truth)]
    losses = -np.log(np.clip(picked, eps, 1 - eps))
    return float(losses.mean() if normalize else losses.sum())


def _check_labels(name: str, labels: NDArray[Any]) -> NDArray[Any]:
    """Reject float labels that are not whole numbers: scores passed where labels belong."""
    if labels.dtype.kind == "f":
        bad = ~np.isfinite(labels) | (labels != np.round(labels))
        if bad.any():
            raise ValueError(
                f"{name} holds non-integer values such as {labels[bad][0]!r}; classification "
                "metrics take class labels, not scores or probabilities"
            )
    return labels


def _encode_labels(
    y_true: ArrayLike, y_pred: ArrayLike
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[Any]]:
    """Return both label arrays as indices into their sorted union, and that union."""
    truth = _check_labels("y_true", vector("y_true", y_true))
    pred = _check_labels("y_pred", vector("y_pred", y_pred, size=truth.size))
    classes = np.union1d(truth, pred)
    return np.searchsorted(classes, truth), np.searchsorted(classes, pred), classes


def _prf(
    metric: str,
    y_true: ArrayLike,
    y_pred: ArrayLike,
    pos_label: Any,
    average: Average,
    zero_division: ZeroDivision,
) -> Score:
    """Precision, recall or F1 from per-class counts, averaged as asked."""
    if average not in ("binary", "micro", "macro", "weighted", None):
        raise ValueError(
            f"average must be 'binary', 'micro', 'macro', 'weighted' or None, got {average!r}"
        )
    if not (zero_division == "warn" or zero_division in (0, 1) or _is_nan(zero_division)):
        raise ValueError(f"zero_division must be 'warn', 0.0, 1.0 or nan, got {zero_division!r}")
    t, p, classes = _encode_labels(y_true, y_pred)
    k = classes.size
    tp = np.bincount(t[t == p], minlength=k)
    true_count = np.bincount(t, minlength=k)
    pred_count = np.bincount(p, minlength=k)
    if average == "binary":
        if k > 2:
            raise ValueError(
                f"y_true and y_pred hold {k} classes but average='binary'; choose "
                "average='micro', 'macro', 'weighted' or None"
            )
        hit = np.flatnonzero(classes == pos_label)
        if hit.size == 0 and k == 2:
            raise ValueError(f"pos_label={pos_label!r} is not one of the labels {classes.tolist()}")
        # pos_label absent from a one-class input: zero counts, so a 0/0 for zero_division.
        tp, true_count, pred_count = (
            a[hit].sum(keepdims=True) for a in (tp, true_count, pred_count)
        )
    elif average == "micro":
        tp, true_count, pred_count = (a.sum(keepdims=True) for a in (tp, true_count, pred_count))
    numerator, denominator = {
        "precision": (tp, pred_count),
        "recall": (tp, true_count),
        "f1": (2 * tp, true_count + pred_count),
    }[metric]
    undefined = denominator == 0
    value: NDArray[np.float64] = np.divide(
        numerator, np.where(undefined, 1, denominator), dtype=np.float64
    )
    if undefined.any():
        if zero_division == "warn":
            warnings.warn(
                f"{metric} is ill-defined (0/0) for some labels and set to 0.0; "
                "pass zero_division= to choose the value",
                UndefinedMetricWarning,
                stacklevel=3,
            )
        value[undefined] = 0.0 if zero_division == "warn" else float(zero_division)
    if average is None:
        return value
    if average in ("binary", "micro"):
        return float(value[0])
    # NaN (zero_division=nan) is left out of the mean; scikit-learn's _nanaverage.
    present = ~np.isnan(value)
    if not present.any():
        return math.nan
    weights = true_count[present] if average == "weighted" else None
    if weights is not None and weights.sum() == 0:
        weights = None
    return float(np.average(value[present], weights=weights))


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)
