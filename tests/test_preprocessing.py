"""Preparing data: index batches, and feature scaling against scikit-learn's scalers."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.preprocessing import MinMaxScaler, StandardScaler

import descend as ds
from descend import preprocessing

# --- batches ---------------------------------------------------------------------------------


@given(
    st.integers(0, 50),
    st.integers(1, 60),
    st.booleans(),
    st.booleans(),
    st.integers(0, 2**32 - 1),
)
def test_batches_partition_the_indices(
    n: int, batch_size: int, shuffle: bool, drop_last: bool, seed: int
) -> None:
    got = list(ds.batches(n, batch_size, shuffle=shuffle, seed=seed, drop_last=drop_last))
    assert all(b.dtype == np.int64 and b.ndim == 1 for b in got)
    sizes = [b.size for b in got]
    full, rest = divmod(n, batch_size)
    assert sizes == [batch_size] * full + ([] if drop_last or rest == 0 else [rest])
    flat = np.concatenate(got) if got else np.array([], dtype=np.int64)
    assert len(set(flat.tolist())) == flat.size  # no index twice
    assert set(flat.tolist()) <= set(range(n))
    if not drop_last:
        assert sorted(flat.tolist()) == list(range(n))
    if not shuffle:
        assert flat.tolist() == list(range(flat.size))


def test_batches_modes_and_seeding() -> None:
    assert [b.tolist() for b in ds.batches(4, 4, shuffle=False)] == [[0, 1, 2, 3]]  # full batch
    assert [b.tolist() for b in ds.batches(3, 1, shuffle=False)] == [[0], [1], [2]]  # stochastic
    assert [b.tolist() for b in ds.batches(3, 10)] != []  # larger than n: one batch
    assert list(ds.batches(3, 10, drop_last=True)) == []
    first = [b.tolist() for b in ds.batches(20, 6, seed=7)]
    assert first == [b.tolist() for b in ds.batches(20, 6, seed=7)]
    assert first != [b.tolist() for b in ds.batches(20, 6, seed=8)]
    expected = np.random.default_rng(7).permutation(20)
    assert [i for b in first for i in b] == expected.tolist()  # default_rng(seed).permutation
    # A Generator advances: successive epochs get different orders from one seed.
    rng = np.random.default_rng(0)
    epoch1 = np.concatenate(list(ds.batches(20, 5, seed=rng)))
    epoch2 = np.concatenate(list(ds.batches(20, 5, seed=rng)))
    assert not np.array_equal(epoch1, epoch2)


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((-1, 2), ValueError, "n must be at least 0"),
        ((5, 0), ValueError, "batch_size must be at least 1"),
        ((5, 2.0), TypeError, "batch_size must be an integer"),
        ((True, 2), TypeError, "n must be an integer"),
        (("5", 2), TypeError, "n must be an integer"),
    ],
)
def test_batches_errors_name_the_argument(args: tuple, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        ds.batches(*args)  # raised at the call, before iterating


# --- preprocessing ---------------------------------------------------------------------------

matrices = st.tuples(st.integers(1, 12), st.integers(1, 4)).flatmap(
    lambda shape: hnp.arrays(
        np.float64,
        shape,
        elements=st.floats(-1e4, 1e4) | st.sampled_from([0.0, 1.0, 3.5]),  # repeats: constants
    )
)


@given(matrices, matrices)
def test_standardize_matches_sklearn(train: np.ndarray, other: np.ndarray) -> None:
    scaler = StandardScaler().fit(train)
    Xs, stats = preprocessing.standardize(train)
    np.testing.assert_allclose(Xs, scaler.transform(train), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(stats.mean, scaler.mean_, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(stats.scale, scaler.scale_, rtol=1e-9)
    other = np.resize(other, (other.shape[0], train.shape[1]))
    got, same = preprocessing.standardize(other, stats=stats)
    assert same is stats
    np.testing.assert_allclose(got, scaler.transform(other), rtol=1e-9, atol=1e-6)


@given(matrices, matrices, st.sampled_from([(0.0, 1.0), (-1.0, 1.0), (2.0, 5.0)]))
def test_min_max_scale_matches_sklearn(
    train: np.ndarray, other: np.ndarray, feature_range: tuple[float, float]
) -> None:
    scaler = MinMaxScaler(feature_range=feature_range).fit(train)
    Xs, stats = preprocessing.min_max_scale(train, feature_range=feature_range)
    np.testing.assert_allclose(Xs, scaler.transform(train), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(stats.scale, scaler.scale_, rtol=1e-12)
    other = np.resize(other, (other.shape[0], train.shape[1]))
    got, _ = preprocessing.min_max_scale(other, feature_range=feature_range, stats=stats)
    np.testing.assert_allclose(got, scaler.transform(other), rtol=1e-9, atol=1e-6)


def test_scaling_hand_cases_dtype_and_frozen_stats() -> None:
    X = np.array([[1.0, 7.0, 0.0], [3.0, 7.0, 10.0], [5.0, 7.0, 5.0]], dtype=np.float32)
    Xs, stats = preprocessing.standardize(X)
    assert Xs.dtype == np.float32 and stats.mean.dtype == np.float64
    std0 = np.sqrt(((1 - 3) ** 2 + 0 + (5 - 3) ** 2) / 3)  # population std, ddof=0
    np.testing.assert_allclose(Xs[:, 0], [-2 / std0, 0, 2 / std0], rtol=1e-6)
    np.testing.assert_array_equal(Xs[:, 1], [0, 0, 0])  # constant column: scale 1, not NaN
    assert stats.scale[1] == 1.0
    Mm, mstats = preprocessing.min_max_scale(X, feature_range=(-1, 1))
    np.testing.assert_allclose(Mm, [[-1, -1, -1], [0, -1, 1], [1, -1, 0]])
    # Validation data uses the training statistics, not its own.
    val = np.array([[7.0, 8.0, 20.0]])
    np.testing.assert_allclose(
        preprocessing.min_max_scale(val, feature_range=(-1, 1), stats=mstats)[0], [[2, 1, 3]]
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        stats.mean = np.zeros(3)  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        stats.mean[0] = 1.0
    assert preprocessing.standardize(np.array([[1, 2], [3, 4]]))[0].dtype == np.float64
    # Constant up to rounding: 0.3 ten times has a mean off by an ulp and a variance of 1e-34;
    # dividing by its root would blow rounding noise up to ±1. scikit-learn's bound catches it.
    near = np.full((10, 1), 0.3)
    assert ((near - near.mean()) ** 2).mean() > 0
    Xs, stats = preprocessing.standardize(near)
    assert stats.scale[0] == 1.0 and np.abs(Xs).max() < 1e-15


def test_scaling_errors() -> None:
    _, stats = preprocessing.standardize(np.ones((3, 2)))
    with pytest.raises(ValueError, match="X has 3 columns but the stats are for 2"):
        preprocessing.standardize(np.ones((3, 3)), stats=stats)
    with pytest.raises(ValueError, match="2-D"):
        preprocessing.standardize(np.ones(3))
    with pytest.raises(ValueError, match="no rows"):
        preprocessing.min_max_scale(np.ones((0, 2)))
    with pytest.raises(ValueError, match="feature_range"):
        preprocessing.min_max_scale(np.ones((2, 2)), feature_range=(1, 0))
    _, mstats = preprocessing.min_max_scale(np.eye(2))
    with pytest.raises(ValueError, match="feature_range"):
        preprocessing.min_max_scale(np.eye(2), feature_range=(-1, 1), stats=mstats)
    with pytest.raises(TypeError, match="StandardStats"):
        preprocessing.standardize(np.eye(2), stats=mstats)  # type: ignore[arg-type]
