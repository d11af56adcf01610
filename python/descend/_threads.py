"""Thread count of descend's process-global pool.

The count comes from ``DESCEND_NUM_THREADS``, else ``OMP_NUM_THREADS``, else all cores, and can
be changed at any time; ``with threads(n):`` changes it for the calling thread only. Results are
bitwise the same for every thread count.
"""

from __future__ import annotations

import contextlib
import sys
import warnings
from collections.abc import Iterator

from descend import _core
from descend.schedules._base import integer


def get_num_threads() -> int:
    """Return the number of threads parallel calls use.

    Returns
    -------
    int
        The calling thread's count inside a ``with threads(n):`` block, else the process's.

    Notes
    -----
    The pool is process-global, as torch's [1]_; its size comes from ``DESCEND_NUM_THREADS``,
    else ``OMP_NUM_THREADS``, else the number of cores, until `set_num_threads` changes it.

    References
    ----------
    .. [1] PyTorch, ``torch.get_num_threads``.

    Examples
    --------
    >>> import descend as ds
    >>> ds.get_num_threads() >= 1
    True
    """
    return _core.get_num_threads()


def set_num_threads(n: int) -> int:
    """Set the number of threads for later calls and return the previous number.

    Parameters
    ----------
    n : int
        The new count, >= 1 (a Python or numpy integer).

    Returns
    -------
    int
        The previous count.

    Raises
    ------
    ValueError
        ``n < 1``.
    TypeError
        ``n`` is not an integer.

    Notes
    -----
    Results are bitwise the same for every count: work is cut into chunks of a fixed size and
    their partial sums combined in a fixed order. Unlike torch's ``torch.set_num_threads``
    [1]_, the previous count is returned, so it can be restored. A count above a few threads
    per core (4) is capped there, with a ``RuntimeWarning``: more threads only slow the pool
    down, as its idle threads search each other's queues.

    References
    ----------
    .. [1] PyTorch, ``torch.set_num_threads``.

    Examples
    --------
    >>> import descend as ds
    >>> old = ds.set_num_threads(1)
    >>> ds.get_num_threads()
    1
    >>> ds.set_num_threads(old)
    1
    """
    asked = integer("n", n, minimum=1)
    # With this thread's override cleared, get_num_threads reads the process-wide count.
    own = _core.set_thread_override(None)
    try:
        old = _core.set_num_threads(min(asked, sys.maxsize))
        _warn_if_capped(asked, stacklevel=3)
    finally:
        _core.set_thread_override(own)
    return old


@contextlib.contextmanager
def threads(n: int) -> Iterator[None]:
    """Run the ``with`` block's calls with ``n`` threads, then restore the previous count.

    The count is the calling thread's own for the block: blocks in concurrent Python threads
    neither see nor restore each other's, and the process-wide count stays as it was. It is
    capped as :func:`set_num_threads` caps it.

    Parameters
    ----------
    n : int
        The count for the block, >= 1.

    Returns
    -------
    contextlib.AbstractContextManager
        The block's context; it yields None.

    Raises
    ------
    ValueError
        ``n < 1``.
    TypeError
        ``n`` is not an integer.

    Notes
    -----
    A scoped `set_num_threads`, in the manner of threadpoolctl's ``threadpool_limits`` [1]_.

    References
    ----------
    .. [1] threadpoolctl, ``threadpoolctl.threadpool_limits``.

    Examples
    --------
    >>> import descend as ds
    >>> with ds.threads(1):
    ...     ds.get_num_threads()
    1
    """
    asked = integer("n", n, minimum=1)
    old = _core.set_thread_override(min(asked, sys.maxsize))
    try:
        _warn_if_capped(asked, stacklevel=4)  # the with statement's line
        yield
    finally:
        _core.set_thread_override(old)


def _warn_if_capped(asked: int, stacklevel: int) -> None:
    """Warn, as from ``stacklevel`` frames up, if the core capped the count just set.

    ``get_num_threads`` returns the count set, as capped.
    """
    used = _core.get_num_threads()
    if used < asked:
        warnings.warn(
            f"n={asked} is more than the {used} threads descend runs at most (a few per core); "
            f"using {used}",
            RuntimeWarning,
            stacklevel=stacklevel,
        )
