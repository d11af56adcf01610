"""Index batches over a data set: full-batch, stochastic and mini-batch gradient descent."""

from __future__ import annotations

import operator
from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["batches"]

Seed = int | np.random.Generator | np.random.SeedSequence | None


def batches(
    n: int,
    batch_size: int,
    *,
    shuffle: bool = True,
    seed: Seed = None,
    drop_last: bool = False,
) -> Iterator[NDArray[np.int64]]:
    """Split the indices ``0 … n−1`` into batches, as torch's ``DataLoader`` samples them.

    ``batch_size=n`` gives full-batch gradient descent (one batch), ``batch_size=1`` stochastic
    gradient descent, anything between mini-batches. Every index appears exactly once per pass,
    except that ``drop_last=True`` leaves out the final batch when it is smaller than
    ``batch_size`` (torch's ``drop_last``). A ``batch_size`` above ``n`` gives one batch of
    ``n`` (none with ``drop_last``). Arguments are checked when the function is called, not
    when the iteration starts.

    Parameters
    ----------
    n : int
        Number of samples, ``n >= 0``.
    batch_size : int
        Samples per batch, ``batch_size >= 1``.
    shuffle : bool
        Visit the indices in a random order (a fresh permutation per call) rather than in order.
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None
        Passed to ``numpy.random.default_rng``: the same integer gives the same batches; a
        ``Generator`` is advanced, so successive calls (epochs) give different orders.
    drop_last : bool
        Leave out a final batch smaller than ``batch_size``.

    Returns
    -------
    iterator of numpy.ndarray
        One ``int64`` index array per batch, to index the rows of ``X`` and ``y``.

    Raises
    ------
    TypeError
        If ``n`` or ``batch_size`` is not an integer.
    ValueError
        If ``n`` is negative or ``batch_size`` is smaller than 1.

    Notes
    -----
    torch's ``DataLoader(dataset, batch_size, shuffle, drop_last=...)`` [1]_ splits a
    permutation the same way; the permutation itself comes from numpy's generator, so the
    same seed does not give torch's order.

    References
    ----------
    .. [1] PyTorch, ``torch.utils.data.DataLoader``.

    Examples
    --------
    >>> import descend as ds
    >>> [b.tolist() for b in ds.batches(5, 2, shuffle=False)]
    [[0, 1], [2, 3], [4]]
    >>> [b.tolist() for b in ds.batches(5, 2, shuffle=False, drop_last=True)]
    [[0, 1], [2, 3]]
    >>> sorted(i for b in ds.batches(5, 2, seed=0) for i in b.tolist())
    [0, 1, 2, 3, 4]
    """
    n = _count("n", n, minimum=0)
    batch_size = _count("batch_size", batch_size, minimum=1)
    if shuffle:
        order = np.random.default_rng(seed).permutation(n).astype(np.int64, copy=False)
    else:
        order = np.arange(n, dtype=np.int64)
    stop = n - n % batch_size if drop_last else n
    return (order[start : start + batch_size] for start in range(0, stop, batch_size))


def _count(name: str, value: Any, *, minimum: int) -> int:
    """Return ``value`` as an int of at least ``minimum``; errors name the argument."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an integer, got bool")
    try:
        count = operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}") from None
    if count < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {count}")
    return count
