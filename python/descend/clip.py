"""Gradient clipping with ``torch.nn.utils``'s names and semantics, in place on numpy arrays.

descend arrays have no ``.grad``, so both functions take the gradients themselves: a list (or
any iterable) of float32/float64 ndarrays, mixed dtypes allowed, or a single ndarray. Each must
be C-contiguous and writable, and no two may overlap in memory; a call that fails for any of
them writes none.
"""

from __future__ import annotations

import types
import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from descend import _core

__all__ = ["clip_grad_norm_", "clip_grad_value_"]

FloatArray = NDArray[np.floating[Any]]


def _as_list(grads: FloatArray | Iterable[FloatArray]) -> list[Any]:
    if isinstance(grads, np.ndarray):
        return [grads]
    if isinstance(grads, (str, bytes)) or not isinstance(grads, Iterable):
        raise TypeError(
            f"grads must be an ndarray or an iterable of ndarrays, got {type(grads).__name__}"
        )
    is_generator = isinstance(grads, types.GeneratorType)
    listed = list(grads)
    if is_generator and not listed:
        warnings.warn("grads is an empty generator, no gradient clipping will occur", stacklevel=3)
    return listed


def _number(name: str, value: Any) -> float:
    """``float(value)``, as torch converts these arguments (so ``"inf"`` is accepted)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number, got {value!r}") from None


def clip_grad_norm_(
    grads: FloatArray | Iterable[FloatArray],
    max_norm: float,
    norm_type: float | str = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> float:
    r"""Scale gradients in place so that their total norm is at most ``max_norm``.

    The total norm is the p-norm of all gradients viewed as one vector,

    .. math::
        \|g\|_p = \Big(\sum_{\text{tensors}} \sum_i |g_i|^p\Big)^{1/p},
        \qquad \|g\|_\infty = \max_i |g_i|,

    and every gradient is multiplied by :math:`\min\big(\text{max\_norm} / (\|g\|_p + 10^{-6}),
    1\big)`, rounded to its dtype. Same as ``torch.nn.utils.clip_grad_norm_`` (which takes
    parameters and reads their ``.grad``; it takes per-tensor norms, then the norm of those,
    which is the same number up to rounding).

    Parameters
    ----------
    grads : ndarray or iterable of ndarray
        Gradients, float32/float64 (mixed allowed), C-contiguous and writable, not
        overlapping; modified in place.
    max_norm : float
        The largest total norm left unscaled; >= 0. ``inf`` measures the norm without
        clipping.
    norm_type : float or "inf", default 2.0
        p >= 1, or ``inf`` for the largest magnitude. p < 1 is refused (torch accepts it): for
        p < 1 the p-"norm" breaks the triangle inequality, so it is no norm to clip by.
    error_if_nonfinite : bool, default False
        Raise ``RuntimeError``, writing nothing, when the total norm is NaN or infinite.
        Otherwise such a norm is used as torch does: an infinite one zeroes finite gradients, a
        NaN one makes every gradient NaN.
    foreach
        Accepted and ignored (a torch kernel selector): every call is one native call.

    Returns
    -------
    float
        The total norm before clipping (torch returns it as a tensor). It is summed in float64
        with a fixed order whatever the dtype or thread count, so float32 gradients never
        overflow it (torch's float32 sum does once :math:`|g|` exceeds about 1.8e19 for p = 2).

    Raises
    ------
    ValueError
        ``max_norm`` < 0 or NaN, ``norm_type`` < 1, a gradient that is not C-contiguous and
        writable, gradients overlapping each other; nothing is written then.
    TypeError
        A gradient that is not a float32 or float64 ndarray, a ``max_norm`` or ``norm_type``
        that is not a number.
    RuntimeError
        With ``error_if_nonfinite``, a total norm that is NaN or infinite (nothing written).

    Notes
    -----
    A norm below ``max_norm`` leaves the gradients bitwise untouched (torch multiplies them by
    exactly 1, which changes no value); descend then skips the write pass. For p other than 1,
    2 and inf, each :math:`|g|^p` is taken as :math:`e^{p \ln |g|}` in float64. An empty list,
    or empty arrays, have norm 0 for every p (torch raises for the inf-norm of an empty
    tensor). ``max_norm`` must be >= 0 here; torch would flip every gradient's sign for a
    negative one. The clipping of [1]_, as ``torch.nn.utils.clip_grad_norm_`` [2]_.

    References
    ----------
    .. [1] R. Pascanu, T. Mikolov and Y. Bengio, "On the difficulty of training recurrent neural
       networks", ICML, 2013.
    .. [2] PyTorch, ``torch.nn.utils.clip_grad_norm_``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> g_w, g_b = np.array([3.0, 4.0]), np.array([12.0])
    >>> ds.clip_grad_norm_([g_w, g_b], max_norm=1.0)
    13.0
    >>> g_w.round(4).tolist(), g_b.round(4).tolist()
    ([0.2308, 0.3077], [0.9231])
    >>> round(ds.clip_grad_norm_([g_w, g_b], max_norm=1.0, norm_type="inf"), 4)
    0.9231
    """
    del foreach
    listed = _as_list(grads)
    return _core.clip_grad_norm(
        listed,
        _number("max_norm", max_norm),
        _number("norm_type", norm_type),
        bool(error_if_nonfinite),
    )


def clip_grad_value_(
    grads: FloatArray | Iterable[FloatArray],
    clip_value: float,
    foreach: bool | None = None,
) -> None:
    r"""Clamp every gradient element into ``[-clip_value, clip_value]``, in place.

    Parameters
    ----------
    grads : ndarray or iterable of ndarray
        Gradients, float32/float64 (mixed allowed), C-contiguous and writable, not
        overlapping; modified in place.
    clip_value : float
        c >= 0 (rounded to each array's dtype); torch accepts a negative one and sets every
        element to it, which is refused here.
    foreach
        Accepted and ignored (a torch kernel selector).

    Returns
    -------
    None
        The gradients are modified in place.

    Raises
    ------
    ValueError
        ``clip_value`` < 0 or NaN, a gradient that is not C-contiguous and writable, gradients
        overlapping each other; nothing is written then.
    TypeError
        A gradient that is not a float32 or float64 ndarray, a ``clip_value`` that is not a
        number.

    Notes
    -----
    .. math::
        g_i \leftarrow \min(\max(g_i, -c), c)

    NaN stays NaN and signed zeros are kept as torch keeps them (-5 clamped by 0 gives -0).
    Same as ``torch.nn.utils.clip_grad_value_`` [1]_, which takes parameters and reads their
    ``.grad``.

    References
    ----------
    .. [1] PyTorch, ``torch.nn.utils.clip_grad_value_``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> g = np.array([-3.0, 0.5, 2.0, np.nan])
    >>> ds.clip_grad_value_([g], clip_value=1.0)
    >>> g.tolist()
    [-1.0, 0.5, 1.0, nan]
    """
    del foreach
    _core.clip_grad_value(_as_list(grads), _number("clip_value", clip_value))
