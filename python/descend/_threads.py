"""Thread count of descend's process-global pool.

The count comes from ``DESCEND_NUM_THREADS``, else ``OMP_NUM_THREADS``, else all cores, and can
be changed at any time. Results are bitwise the same for every thread count.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from descend import _core


def get_num_threads() -> int:
    """Return the number of threads parallel calls use."""
    return _core.get_num_threads()


def set_num_threads(n: int) -> int:
    """Set the number of threads for later calls and return the previous number.

    Raises ``ValueError`` if ``n < 1``.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n must be an int, got {type(n).__name__}")
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    return _core.set_num_threads(n)


@contextlib.contextmanager
def threads(n: int) -> Iterator[None]:
    """Run the ``with`` block with ``n`` threads, restoring the previous count afterwards.

    Examples
    --------
    >>> import descend as ds
    >>> with ds.threads(1):
    ...     ds.get_num_threads()
    1
    """
    old = set_num_threads(n)
    try:
        yield
    finally:
        set_num_threads(old)
