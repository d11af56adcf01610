"""The training workflow: batches, early stopping, scaling, history and plots, fit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import descend as ds

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
