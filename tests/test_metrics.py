"""descend.metrics: hand cases against plain formulas, and scikit-learn over drawn inputs."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.exceptions import UndefinedMetricWarning

from descend import metrics as dm

# ---------------------------------------------------------------------------------------------
# Independent formulas: loops over samples and pairs, nothing shared with the implementation.


def counts(y_true: list[int], y_pred: list[int], label: int) -> tuple[int, int, int]:
    tp = sum(t == label and p == label for t, p in zip(y_true, y_pred, strict=True))
    fp = sum(t != label and p == label for t, p in zip(y_true, y_pred, strict=True))
    fn = sum(t == label and p != label for t, p in zip(y_true, y_pred, strict=True))
    return tp, fp, fn


def pairwise_auc(y_true: list[int], score: list[float]) -> float:
    pos = [s for t, s in zip(y_true, score, strict=True) if t == 1]
    neg = [s for t, s in zip(y_true, score, strict=True) if t == 0]
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


Y_TRUE = [0, 1, 2, 2, 1, 0, 2, 1]
Y_PRED = [0, 2, 2, 2, 1, 1, 0, 1]


def test_accuracy_hand_case() -> None:
    assert dm.accuracy_score(Y_TRUE, Y_PRED) == 5 / 8
    assert dm.accuracy_score(Y_TRUE, Y_PRED, normalize=False) == 5.0
    assert dm.accuracy is dm.accuracy_score


@pytest.mark.parametrize("metric", ["precision", "recall", "f1"])
def test_prf_hand_case(metric: str) -> None:
    def per_class(label: int) -> float:
        tp, fp, fn = counts(Y_TRUE, Y_PRED, label)
        return {"precision": tp / (tp + fp), "recall": tp / (tp + fn)}.get(
            metric, 2 * tp / (2 * tp + fp + fn)
        )

    fn = {"precision": dm.precision_score, "recall": dm.recall_score, "f1": dm.f1_score}[metric]
    values = [per_class(k) for k in (0, 1, 2)]
    support = [Y_TRUE.count(k) for k in (0, 1, 2)]
    np.testing.assert_allclose(fn(Y_TRUE, Y_PRED, average=None), values)
    assert fn(Y_TRUE, Y_PRED, average="macro") == pytest.approx(sum(values) / 3)
    weighted = sum(v * s for v, s in zip(values, support, strict=True)) / sum(support)
    assert fn(Y_TRUE, Y_PRED, average="weighted") == pytest.approx(weighted)
    # Micro: pooled counts; for single-label multi-class all three equal the accuracy.
    assert fn(Y_TRUE, Y_PRED, average="micro") == pytest.approx(5 / 8)


def test_binary_hand_case_and_pos_label() -> None:
    y_true, y_pred = [1, 1, 0, 0, 1], [1, 0, 1, 0, 1]
    tp, fp, fn = counts(y_true, y_pred, 1)
    assert dm.precision_score(y_true, y_pred) == tp / (tp + fp)
    assert dm.recall_score(y_true, y_pred) == tp / (tp + fn)
    assert dm.f1_score(y_true, y_pred) == 2 * tp / (2 * tp + fp + fn)
    tp0, fp0, _ = counts(y_true, y_pred, 0)
    assert dm.precision_score(y_true, y_pred, pos_label=0) == tp0 / (tp0 + fp0)
    # String labels work as in scikit-learn.
    assert dm.recall_score(["a", "b", "b"], ["a", "b", "a"], pos_label="b") == 0.5


def test_zero_division() -> None:
    # No predicted positive: precision is 0/0.
    with pytest.warns(dm.UndefinedMetricWarning, match="precision"):
        assert dm.precision_score([1, 0], [0, 0]) == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert dm.precision_score([1, 0], [0, 0], zero_division=1.0) == 1.0
        assert math.isnan(dm.precision_score([1, 0], [0, 0], zero_division=math.nan))
        # NaN classes are left out of the macro mean (class 1 has no prediction).
        macro = dm.precision_score([0, 1], [0, 0], average="macro", zero_division=math.nan)
        assert macro == 0.5
    with pytest.raises(ValueError, match="zero_division"):
        dm.precision_score([1, 0], [0, 0], zero_division=0.5)


def test_auc_hand_cases_with_ties() -> None:
    y_true = [0, 0, 1, 1, 0, 1, 1, 0]
    score = [0.1, 0.4, 0.4, 0.8, 0.8, 0.8, 0.2, 0.1]
    assert dm.roc_auc_score(y_true, score) == pytest.approx(pairwise_auc(y_true, score))
    assert dm.roc_auc_score([0, 1, 0, 1], [0.5] * 4) == 0.5
    assert dm.roc_auc_score([0, 1], [0.0, 1.0]) == 1.0
    assert dm.roc_auc_score([0, 1], [1.0, 0.0]) == 0.0
    # The positive class is the greater label, whatever the labels are.
    assert dm.roc_auc_score([3, 7, 7], [0.1, 0.2, 0.05]) == 0.5
    assert dm.roc_auc_score([-1.0, 1.0], [0.2, 0.9]) == 1.0


def test_auc_single_class_raises_where_sklearn_warns() -> None:
    with pytest.raises(ValueError, match="only one class"):
        dm.roc_auc_score([1, 1, 1], [0.1, 0.2, 0.3])
    with pytest.warns(UndefinedMetricWarning):  # scikit-learn 1.9 warns and returns NaN
        assert math.isnan(skm.roc_auc_score([1, 1, 1], [0.1, 0.2, 0.3]))
    with pytest.raises(ValueError, match="binary"):
        dm.roc_auc_score([0, 1, 2], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="NaN"):
        dm.roc_auc_score([0, 1], [0.1, math.nan])


def test_regression_hand_cases() -> None:
    y, p = [3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0]
    mean = sum(y) / 4
    ss_res = sum((a - b) ** 2 for a, b in zip(y, p, strict=True))
    ss_tot = sum((a - mean) ** 2 for a in y)
    assert dm.r2_score(y, p) == pytest.approx(1 - ss_res / ss_tot)
    assert dm.mean_absolute_error(y, p) == pytest.approx(
        sum(abs(a - b) for a, b in zip(y, p, strict=True)) / 4
    )
    assert dm.root_mean_squared_error(y, p) == pytest.approx(math.sqrt(ss_res / 4))
    # Two outputs: per column, then the plain mean.
    Y = np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 8.0]])
    P = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 8.0]])
    raw = dm.mean_absolute_error(Y, P, multioutput="raw_values")
    np.testing.assert_allclose(raw, [2 / 3, 1 / 3])
    assert dm.mean_absolute_error(Y, P) == pytest.approx(0.5)
    rmse = dm.root_mean_squared_error(Y, P, multioutput="raw_values")
    np.testing.assert_allclose(rmse, [math.sqrt(2 / 3), math.sqrt(1 / 3)])


def test_r2_constant_target_and_single_sample() -> None:
    assert dm.r2_score([1.0, 1.0], [1.0, 1.0]) == 1.0
    assert dm.r2_score([1.0, 1.0], [1.0, 2.0]) == 0.0
    assert dm.r2_score([1.0, 1.0], [1.0, 2.0], force_finite=False) == -math.inf
    with pytest.warns(dm.UndefinedMetricWarning):
        assert math.isnan(dm.r2_score([1.0], [2.0]))


def test_log_loss_hand_cases() -> None:
    expected = -(math.log(0.9) + math.log(0.8) + math.log(0.6)) / 3
    assert dm.log_loss([0, 1, 1], [0.1, 0.8, 0.6]) == pytest.approx(expected)
    assert dm.log_loss([0, 1, 1], [0.1, 0.8, 0.6], normalize=False) == pytest.approx(3 * expected)
    proba = [[0.2, 0.3, 0.5], [0.9, 0.05, 0.05]]
    two = -(math.log(0.5) + math.log(0.9)) / 2
    assert dm.log_loss([2, 0], proba, labels=[0, 1, 2]) == pytest.approx(two)
    # Probabilities 0 and 1 are clipped to [eps, 1 - eps]: finite.
    assert dm.log_loss([0, 1], [1.0, 0.0]) == pytest.approx(-math.log(np.finfo(float).eps))
    with pytest.raises(ValueError, match="single class"):
        dm.log_loss([1, 1], [0.5, 0.5])
    assert dm.log_loss([1, 1], [0.5, 0.5], labels=[0, 1]) == pytest.approx(math.log(2))
    with pytest.raises(ValueError, match="outside"):
        dm.log_loss([0, 1], [0.5, 1.5])
    with pytest.warns(UserWarning, match="sum to one"):
        dm.log_loss([0, 1], [[0.5, 0.6], [0.5, 0.5]])


EVERY = [
    dm.accuracy_score,
    dm.precision_score,
    dm.recall_score,
    dm.f1_score,
    dm.roc_auc_score,
    dm.log_loss,
    dm.r2_score,
    dm.mean_absolute_error,
    dm.root_mean_squared_error,
]


@pytest.mark.parametrize("fn", EVERY, ids=lambda f: f.__name__)
def test_empty_input_raises_as_sklearn(fn: Callable[..., Any]) -> None:
    empty = np.array([])
    with pytest.raises(ValueError, match="empty"):
        fn(empty, empty)
    with pytest.raises(ValueError):
        getattr(skm, fn.__name__)(empty, empty)


@pytest.mark.parametrize("fn", [dm.accuracy_score, dm.f1_score, dm.precision_score])
def test_scores_passed_as_labels_raise(fn: Callable[..., Any]) -> None:
    with pytest.raises(ValueError, match="non-integer"):
        fn([0, 1], [0.2, 0.7])
    with pytest.raises(ValueError, match="2 samples but y_true has 3"):
        fn([0, 1, 1], [0, 1])


def test_binary_average_rejects_three_classes() -> None:
    with pytest.raises(ValueError, match="average='binary'"):
        dm.f1_score([0, 1, 2], [0, 1, 1])
    with pytest.raises(ValueError, match="pos_label=1"):
        dm.f1_score([0, 2], [0, 2])


# ---------------------------------------------------------------------------------------------
# Against scikit-learn over drawn inputs: labels from few classes (so single-class inputs and
# absent classes happen), scores from few values (so ties happen).


def agree(ours: Callable[[], Any], theirs: Callable[[], Any]) -> None:
    """Both raise ValueError, or both return the same value (NaN equal to NaN)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            expected = theirs()
        except ValueError:
            with pytest.raises(ValueError):
                ours()
            return
        got = ours()
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12, equal_nan=True)


@st.composite
def label_pairs(draw: st.DrawFn) -> tuple[list[int], list[int]]:
    n = draw(st.integers(1, 30))
    k = draw(st.integers(1, 4))
    labels = st.lists(st.integers(0, k - 1), min_size=n, max_size=n)
    return draw(labels), draw(labels)


@given(
    label_pairs(),
    st.sampled_from(["binary", "micro", "macro", "weighted", None]),
    st.sampled_from(["warn", 0.0, 1.0, math.nan]),
    st.sampled_from(["precision_score", "recall_score", "f1_score"]),
)
def test_prf_matches_sklearn(
    pair: tuple[list[int], list[int]], average: Any, zero_division: Any, name: str
) -> None:
    y_true, y_pred = pair
    kwargs = {"average": average, "zero_division": zero_division}
    agree(
        lambda: getattr(dm, name)(y_true, y_pred, **kwargs),
        lambda: getattr(skm, name)(y_true, y_pred, **kwargs),
    )


@given(label_pairs())
def test_accuracy_matches_sklearn(pair: tuple[list[int], list[int]]) -> None:
    y_true, y_pred = pair
    agree(lambda: dm.accuracy_score(y_true, y_pred), lambda: skm.accuracy_score(y_true, y_pred))


@given(
    st.lists(
        st.tuples(st.integers(0, 1), st.sampled_from([0.0, 0.25, 0.5, 1.0, -3.0, 1e-300])),
        min_size=1,
        max_size=40,
    )
    | st.lists(
        st.tuples(st.integers(0, 1), st.floats(-1e6, 1e6, allow_subnormal=False)),
        min_size=1,
        max_size=40,
    )
)
def test_auc_matches_sklearn_and_pairs(rows: list[tuple[int, float]]) -> None:
    y_true = [t for t, _ in rows]
    score = [s for _, s in rows]
    if len(set(y_true)) < 2:
        with pytest.raises(ValueError, match="only one class"):
            dm.roc_auc_score(y_true, score)
        return
    got = dm.roc_auc_score(y_true, score)
    assert got == pytest.approx(skm.roc_auc_score(y_true, score), abs=1e-12)
    assert got == pytest.approx(pairwise_auc(y_true, score), abs=1e-12)


@given(
    st.integers(1, 12).flatmap(
        lambda n: st.tuples(
            hnp.arrays(
                np.float64, st.sampled_from([(n,), (n, 1), (n, 3)]), elements=st.floats(-1e3, 1e3)
            ).flatmap(
                lambda y: st.tuples(
                    st.just(y),
                    hnp.arrays(np.float64, y.shape, elements=st.floats(-1e3, 1e3)),
                    st.booleans(),
                )
            )
        )
    ),
    st.sampled_from(["uniform_average", "raw_values"]),
    st.sampled_from(["r2_score", "mean_absolute_error", "root_mean_squared_error"]),
)
def test_regression_matches_sklearn(
    case: tuple[tuple[np.ndarray, np.ndarray, bool]], multioutput: Any, name: str
) -> None:
    y_true, y_pred, constant = case[0]
    if constant:  # a constant target: R²'s 0/0 and x/0 cases
        y_true = np.zeros_like(y_true) + 2.5
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = getattr(dm, name)(y_true, y_pred, multioutput=multioutput)
        expected = getattr(skm, name)(y_true, y_pred, multioutput=multioutput)
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9, equal_nan=True)


@given(
    st.integers(1, 20).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(0, 2), min_size=n, max_size=n),
            hnp.arrays(np.float64, (n, 3), elements=st.floats(1e-3, 1.0)),
        )
    ),
    st.booleans(),
)
def test_log_loss_matches_sklearn(case: tuple[list[int], np.ndarray], normalize: bool) -> None:
    y_true, weights = case
    proba = weights / weights.sum(axis=1, keepdims=True)
    agree(
        lambda: dm.log_loss(y_true, proba, normalize=normalize),
        lambda: skm.log_loss(y_true, proba, normalize=normalize),
    )
    agree(
        lambda: dm.log_loss(y_true, proba, normalize=normalize, labels=[0, 1, 2]),
        lambda: skm.log_loss(y_true, proba, normalize=normalize, labels=[0, 1, 2]),
    )
    binary = [min(t, 1) for t in y_true]
    agree(
        lambda: dm.log_loss(binary, proba[:, 0]),
        lambda: skm.log_loss(binary, proba[:, 0]),
    )
