"""Finite-difference check of an analytic gradient, public as ``descend.gradcheck``."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["GradcheckError", "gradcheck"]

_WORST = 5  # how many mismatching elements the report details


class GradcheckError(AssertionError):
    """Raised by `gradcheck` when analytic and numeric gradients disagree.

    Notes
    -----
    A subclass of ``AssertionError``, so a test that calls `gradcheck` fails as an assertion
    does; torch's ``torch.autograd.gradcheck`` raises its ``GradcheckError`` [1]_, a
    ``RuntimeError``, instead. The message counts the mismatching elements and lists the
    worst, with their analytic and numeric values.

    References
    ----------
    .. [1] PyTorch, ``torch.autograd.gradcheck.GradcheckError``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> try:
    ...     ds.gradcheck(lambda x: float(np.sum(x**2)), lambda x: x, np.array([1.0]))
    ... except ds.GradcheckError as error:
    ...     print(str(error).split(";")[0])
    gradcheck: 1 of 1 gradient elements mismatch (atol=1e-05, rtol=0.001, eps=1e-06)
    """


def gradcheck(
    fn: Callable[[NDArray[np.float64]], ArrayLike],
    grad_fn: Callable[[NDArray[np.float64]], ArrayLike],
    x: ArrayLike,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Compare ``grad_fn(x)`` with central finite differences of ``fn`` at ``x``.

    Everything is computed in float64.  Element ``i`` passes when
    ``|analytic[i] - numeric[i]| <= atol + rtol * |numeric[i]|`` (torch's
    rule); NaN never passes.

    Parameters
    ----------
    fn : callable
        Scalar function of an array, e.g. a reduced loss.
    grad_fn : callable
        Its claimed gradient, returning an array of ``x``'s shape.
    x : array_like
        Point at which to check; it is copied and never modified.
    eps : float
        Finite-difference step. ``fn`` should compute in float64: a function that rounds its
        input to float32 loses a step of 1e-6, and a correct gradient then fails.
    atol, rtol : float
        Absolute and relative tolerances.
    raise_exception : bool
        Raise `GradcheckError` on mismatch rather than return False.

    Returns
    -------
    bool
        True if the gradients agree.

    Raises
    ------
    GradcheckError
        On mismatch when `raise_exception` is true; the message lists how many
        elements disagree and, for the worst, the index, both values and the
        absolute error.

    Notes
    -----
    Element i of the numeric gradient is (f(x + ε·e_i) − f(x − ε·e_i)) / (2ε): its truncation
    error is O(ε²) and its rounding error O(u/ε), u the unit roundoff, so ε = 1e-6 balances
    the two in float64. The pass rule is torch's ``torch.autograd.gradcheck`` [1]_.

    References
    ----------
    .. [1] PyTorch, ``torch.autograd.gradcheck``.

    Examples
    --------
    >>> import numpy as np
    >>> from descend import gradcheck
    >>> x = np.array([0.5, -1.0, 2.0])
    >>> gradcheck(lambda x: float((x**2).sum()), lambda x: 2 * x, x)
    True
    >>> gradcheck(lambda x: float((x**2).sum()), lambda x: 3 * x, x,
    ...           raise_exception=False)
    False
    """
    if not (_finite(eps) and eps > 0):
        raise ValueError(f"eps must be a finite number > 0, got {eps!r}")
    for name, tolerance in (("atol", atol), ("rtol", rtol)):
        if not (_finite(tolerance) and tolerance >= 0):
            raise ValueError(f"{name} must be a finite number >= 0, got {tolerance!r}")
    x0 = np.array(x, dtype=np.float64)  # a copy: the caller's x stays untouched
    analytic = np.asarray(grad_fn(x0.copy()), dtype=np.float64)
    if analytic.shape != x0.shape:
        return _fail(
            f"gradcheck: grad_fn returned shape {analytic.shape}, expected x's shape {x0.shape}",
            raise_exception,
        )
    numeric = np.empty_like(x0)
    for i in range(x0.size):
        plus, minus = x0.copy(), x0.copy()
        plus.flat[i] += eps
        minus.flat[i] -= eps
        numeric.flat[i] = (_scalar(fn(plus)) - _scalar(fn(minus))) / (2.0 * eps)

    ok = np.isclose(analytic, numeric, rtol=rtol, atol=atol)
    if ok.all():
        return True
    with np.errstate(invalid="ignore"):
        error = np.abs(analytic - numeric)
    bad = np.flatnonzero(~ok)
    # NaN errors sort as worst: they are the most surprising.
    worst = bad[np.argsort(-np.nan_to_num(error.flat[bad], nan=np.inf))][:_WORST]
    lines = [
        f"gradcheck: {bad.size} of {x0.size} gradient elements mismatch "
        f"(atol={atol}, rtol={rtol}, eps={eps}); worst:"
    ]
    for i in worst:
        idx = np.unravel_index(i, x0.shape)
        lines.append(
            f"  index {tuple(int(k) for k in idx)}: "
            f"analytic={float(analytic.flat[i])!r} "
            f"numeric={float(numeric.flat[i])!r} "
            f"abs error={float(error.flat[i])!r}"
        )
    return _fail("\n".join(lines), raise_exception)


def _finite(value: object) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and math.isfinite(value)


def _scalar(value: ArrayLike) -> float:
    arr = np.asarray(value, dtype=np.float64)
    if arr.shape != ():
        raise ValueError(f"gradcheck: fn must return a scalar, got shape {arr.shape}")
    return float(arr)


def _fail(message: str, raise_exception: bool) -> bool:
    if raise_exception:
        raise GradcheckError(message)
    return False
