"""Thread count of descend's process-global pool.

The count comes from ``DESCEND_NUM_THREADS``, else ``OMP_NUM_THREADS``, else all cores, and can
be changed at any time; ``with threads(n):`` changes it for the calling thread only. Results are
bitwise the same for every thread count.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from descend import _core
from descend.schedules._base import integer


def get_num_threads() -> int:
    """Return the number of threads parallel calls use."""
    return _core.get_num_threads()


def set_num_threads(n: int) -> int:
    """Set the number of threads for later calls and return the previous number.

    Raises ``ValueError`` if ``n < 1``.
    """
    return _core.set_num_threads(integer("n", n, minimum=1))


@contextlib.contextmanager
def threads(n: int) -> Iterator[None]:
    """Run the ``with`` block's calls with ``n`` threads, then restore the previous count.

    The count is the calling thread's own for the block: blocks in concurrent Python threads
    neither see nor restore each other's, and the process-wide count stays as it was.

    Examples
    --------
    >>> import descend as ds
    >>> with ds.threads(1):
    ...     ds.get_num_threads()
    1
    """
    old = _core.set_thread_override(integer("n", n, minimum=1))
    try:
        yield
    finally:
        _core.set_thread_override(old)
