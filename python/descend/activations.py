"""Activations, with ``torch.nn.functional``'s names, arguments, defaults and semantics.

Each is a :class:`descend.Activation`: call it for the value, ``.grad`` for the
vector-Jacobian product ``upstream · J`` and ``.value_and_grad`` for both in one pass. The
input is positional; options may be positional after it or keywords, as torch's (``.grad``
and ``.value_and_grad`` take them as keywords, after ``upstream``). ``out=`` receives the
value of a call and the gradient of ``.grad`` and ``.value_and_grad``.

For the elementwise activations ``upstream`` defaults to ones, so ``.grad(x)`` is the
derivative f'(x); softmax and log_softmax need it. Every finite input gives a finite value and
gradient; NaN propagates except where torch's derivative is a comparison NaN fails (relu,
leaky_relu, elu), and ±inf give torch's results, NaN included (gelu, silu).
"""

from __future__ import annotations

from typing import Any, Literal

from numpy.typing import ArrayLike, NDArray

from descend._activation import activation

__all__ = [
    "elu",
    "gelu",
    "leaky_relu",
    "log_sigmoid",
    "log_softmax",
    "relu",
    "sigmoid",
    "silu",
    "softmax",
    "softplus",
    "tanh",
]


@activation
def softmax(input: ArrayLike, /, dim: int = -1, *, out: NDArray[Any] | None = None) -> None:
    """Softmax along ``dim``.

    Parameters
    ----------
    input : array_like
        x, of any shape; float32 stays float32, other numbers become float64.
    dim : int, default -1
        The axis the function runs along; negative counts from the end.
    out : ndarray, optional
        Receives the value (a call) or the gradient (``.grad``, ``.value_and_grad``); the input's
        shape and dtype, sharing no memory with an input.

    Returns
    -------
    ndarray
        f(x), an array like ``input``. ``.grad(input, upstream)`` returns the vector-Jacobian
        product upstream · J, an array like ``input`` (``upstream`` is required: the Jacobian is not
        diagonal);
        ``.value_and_grad`` returns both from one pass.

    Raises
    ------
    ValueError
        An ``upstream`` or ``out`` of another shape, an ``out`` that shares memory with an
        input.
    TypeError
        An unsupported dtype (float16, complex), an ``out`` of another dtype, an unknown keyword
        or too many positional arguments, a missing ``upstream`` for ``.grad``.
    IndexError
        ``dim`` out of range for the input.

    Notes
    -----
    With m = max x over ``dim`` and u = upstream:

    .. math::

        p = e^{x − m} / ∑ e^{x − m}, ~~~~ u·J = p·(u − ∑ u·p)

    A row (along ``dim``) holding +inf or NaN, or only −inf, is NaN, as torch's [1]_. The
    normalised exponential of Bridle [2]_.

    References
    ----------
    .. [1] PyTorch, ``torch.nn.functional.softmax(input, dim)``.
    .. [2] J. S. Bridle, "Probabilistic Interpretation of Feedforward Classification Network
       Outputs, with Relationships to Statistical Pattern Recognition", Neurocomputing, NATO ASI
       Series F 68, 227–236, 1990.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.softmax(np.array([0.0, np.log(3.0)]))
    array([0.25, 0.75])
    >>> ds.softmax.grad(np.array([0.0, np.log(3.0)]), np.array([1.0, 0.0]))
    array([ 0.1875, -0.1875])
    """


@activation
def log_softmax(input: ArrayLike, /, dim: int = -1, *, out: NDArray[Any] | None = None) -> None:
    """Log-softmax along ``dim``.

    Parameters
    ----------
    input : array_like
        x, of any shape; float32 stays float32, other numbers become float64.
    dim : int, default -1
        The axis the function runs along; negative counts from the end.
    out : ndarray, optional
        Receives the value (a call) or the gradient (``.grad``, ``.value_and_grad``); the input's
        shape and dtype, sharing no memory with an input.

    Returns
    -------
    ndarray
        f(x), an array like ``input``. ``.grad(input, upstream)`` returns the vector-Jacobian
        product upstream · J, an array like ``input`` (``upstream`` is required: the Jacobian is not
        diagonal);
        ``.value_and_grad`` returns both from one pass.

    Raises
    ------
    ValueError
        An ``upstream`` or ``out`` of another shape, an ``out`` that shares memory with an
        input.
    TypeError
        An unsupported dtype (float16, complex), an ``out`` of another dtype, an unknown keyword
        or too many positional arguments, a missing ``upstream`` for ``.grad``.
    IndexError
        ``dim`` out of range for the input.

    Notes
    -----
    With m = max x over ``dim`` and u = upstream:

    .. math::

        y = x − m − log ∑ e^{x − m}, ~~~~ u·J = u − softmax(x)·∑ u

    Rows with +inf or NaN, or only −inf, are NaN, as torch's [1]_. Followed by ``nll_loss`` this
    is ``cross_entropy``, which fuses the two.

    References
    ----------
    .. [1] PyTorch, ``torch.nn.functional.log_softmax(input, dim)``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.log_softmax(np.array([0.0, np.log(3.0)])).round(4)
    array([-1.3863, -0.2877])
    >>> ds.log_softmax.grad(np.array([0.0, np.log(3.0)]), np.array([1.0, 1.0]))
    array([ 0.5, -0.5])
    """


@activation
def sigmoid(input: ArrayLike, /, *, out: NDArray[Any] | None = None) -> None:
    """Logistic sigmoid.

    Parameters
    ----------
    input : array_like
        x, of any shape; float32 stays float32, other numbers become float64.
    out : ndarray, optional
        Receives the value (a call) or the gradient (``.grad``, ``.value_and_grad``); the input's
        shape and dtype, sharing no memory with an input.

    Returns
    -------
    ndarray
        f(x), an array like ``input``. ``.grad(input, upstream)`` returns the vector-Jacobian
        product upstream · J, an array like ``input`` (``upstream`` defaults to ones, which gives
        f'(x));
        ``.value_and_grad`` returns both from one pass.

    Raises
    ------
    ValueError
        An ``upstream`` or ``out`` of another shape, an ``out`` that shares memory with an
        input.
    TypeError
        An unsupported dtype (float16, complex), an ``out`` of another dtype, an unknown keyword
        or too many positional arguments.

    Notes
    -----
    .. math::

        σ(x) = 1 / (1 + e^{−x}), ~~~~ σ'(x) = σ(x)·σ(−x) = σ(x)·(1 − σ(x))

    Computed from e^(−abs(x)), which never overflows; the derivative as the product σ(x)·σ(−x),
    which does not cancel for x ≫ 0. torch: ``torch.sigmoid`` [1]_.

    References
    ----------
    .. [1] PyTorch, ``torch.sigmoid`` / ``torch.nn.functional.sigmoid``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.sigmoid(np.array([0.0, 800.0, -800.0]))
    array([0.5, 1. , 0. ])
    >>> ds.sigmoid.grad(np.array([0.0, 40.0]))
    array([2.50000000e-01, 4.24835426e-18])
    """


@activation
def log_sigmoid(input: ArrayLike, /, *, out: NDArray[Any] | None = None) -> None:
    """Log of the logistic sigmoid.

    Parameters
    ----------
    input : array_like
        x, of any shape; float32 stays float32, other numbers become float64.
    out : ndarray, optional
        Receives the value (a call) or the gradient (``.grad``, ``.value_and_grad``); the input's
        shape and dtype, sharing no memory with an input.

    Returns
    -------
    ndarray
        f(x), an array like ``input``. ``.grad(input, upstream)`` returns the vector-Jacobian
        product upstream · J, an array like ``input`` (``upstream`` defaults to ones, which gives
        f'(x));
        ``.value_and_grad`` returns both from one pass.

    Raises
    ------
    ValueError
        An ``upstream`` or ``out`` of another shape, an ``out`` that shares memory with an
        input.
    TypeError
        An unsupported dtype (float16, complex), an ``out`` of another dtype, an unknown keyword
        or too many positional arguments.

    Notes
    -----
    .. math::

        log σ(x) = min(x, 0) − log1p(e^{−|x|}), ~~~~ f'(x) = σ(−x)

    Finite for every finite x. torch names it ``logsigmoid`` [1]_; descend's name has the
    underscore, as JAX's ``jax.nn.log_sigmoid``.

    References
    ----------
    .. [1] PyTorch, ``torch.nn.functional.logsigmoid``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.log_sigmoid(np.array([0.0, -1e30])).round(6)
    array([-6.93147e-01, -1.00000e+30])
    >>> ds.log_sigmoid.grad(np.array([0.0]))
    array([0.5])
    """


@activation
def softplus(
    input: ArrayLike,
    /,
    beta: float = 1.0,
    threshold: float = 20.0,
    *,
    out: NDArray[Any] | None = None,
) -> None:
    """Softplus.

    Parameters
    ----------
    input : array_like
        x, of any shape; float32 stays float32, other numbers become float64.
    beta : float, default 1.0
        β, finite and > 0 (torch also takes negative values).
    threshold : float, default 20.0
        Above β·x > threshold the function is x itself; finite.
    out : ndarray, optional
        Receives the value (a call) or the gradient (``.grad``, ``.value_and_grad``); the input's
        shape and dtype, sharing no memory with an input.

    Returns
    -------
    ndarray
        f(x), an array like ``input``. ``.grad(input, upstream)`` returns the vector-Jacobian
        product upstream · J, an array like ``input`` (``upstream`` defaults to ones, which gives
        f'(x));
        ``.value_and_grad`` returns both from one pass.

    Raises
    ------
    ValueError
        An ``upstream`` or ``out`` of another shape, an ``out`` that shares memory with an
        input, ``beta`` not finite and > 0, a ``threshold`` that is not finite.
    TypeError
        An unsupported dtype (float16, complex), an ``out`` of another dtype, an unknown keyword
        or too many positional arguments.

    Notes
    -----
    With z = β·x:

    .. math::

        f(x) = log(1 + e^z)/β, ~~~~ f'(x) = σ(z) ~~~~~~~~ (z ≤ threshold)

        f(x) = x, ~~~~ f'(x) = 1 ~~~~~~~~ (z > threshold)

    Computed as (max(z, 0) + log1p(e^(−abs(z))))/β, which stays finite where torch's
    log1p(exp(β·x)) overflows [1]_. A smooth rectifier [2]_.

    References
    ----------
    .. [1] PyTorch, ``torch.nn.functional.softplus(input, beta, threshold)``.
    .. [2] C. Dugas, Y. Bengio, F. Bélisle, C. Nadeau and R. Garcia, "Incorporating
       Second-Order Functional Knowledge for Better Option Pricing", NIPS, 2001.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.softplus(np.array([0.0, 30.0])).round(6)
    array([ 0.693147, 30.      ])
    >>> ds.softplus.grad(np.array([0.0, 30.0]), beta=2.0)
    array([0.5, 1. ])
    """


@activation
def relu(input: ArrayLike, /, *, out: NDArray[Any] | None = None) -> None:
    """Rectified linear unit.

    Parameters
    ----------
    input : array_like
        x, of any shape; float32 stays float32, other numbers become float64.
    out : ndarray, optional
        Receives the value (a call) or the gradient (``.grad``, ``.value_and_grad``); the input's
        shape and dtype, sharing no memory with an input.

    Returns
    -------
    ndarray
        f(x), an array like ``input``. ``.grad(input, upstream)`` returns the vector-Jacobian
        product upstream · J, an array like ``input`` (``upstream`` defaults to ones, which gives
        f'(x));
        ``.value_and_grad`` returns both from one pass.

    Raises
    ------
    ValueError
        An ``upstream`` or ``out`` of another shape, an ``out`` that shares memory with an
        input.
    TypeError
        An unsupported dtype (float16, complex), an ``out`` of another dtype, an unknown keyword
        or too many positional arguments.

    Notes
    -----
    .. math::

        f(x) = max(x, 0), ~~~~ f'(x) = [x > 0]

    The derivative is 0 at x = 0, and 1 at NaN, as torch's [1]_. torch's ``inplace=`` is not
    taken: ``out=x`` does the same. The rectifier of Nair and Hinton [2]_.

    References
    ----------
    .. [1] PyTorch, ``torch.nn.functional.relu``.
    .. [2] V. Nair and G. E. Hinton, "Rectified Linear Units Improve Restricted Boltzmann
       Machines", ICML, 2010.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.relu(np.array([-1.0, 0.0, 2.0]))
    array([0., 0., 2.])
    >>> ds.relu.grad(np.array([-1.0, 0.0, 2.0]))
    array([0., 0., 1.])
    """


@activation
def leaky_relu(
    input: ArrayLike, /, negative_slope: float = 0.01, *, out: NDArray[Any] | None = None
) -> None:
    """Leaky rectified linear unit.

    Parameters
    ----------
    input : array_like
        x, of any shape; float32 stays float32, other numbers become float64.
    negative_slope : float, default 0.01
        a, the slope for x ≤ 0; finite.
    out : ndarray, optional
        Receives the value (a call) or the gradient (``.grad``, ``.value_and_grad``); the input's
        shape and dtype, sharing no memory with an input.

    Returns
    -------
    ndarray
        f(x), an array like ``input``. ``.grad(input, upstream)`` returns the vector-Jacobian
        product upstream · J, an array like ``input`` (``upstream`` defaults to ones, which gives
        f'(x));
        ``.value_and_grad`` returns both from one pass.

    Raises
    ------
    ValueError
        An ``upstream`` or ``out`` of another shape, an ``out`` that shares memory with an
        input, a ``negative_slope`` that is not finite.
    TypeError
        An unsupported dtype (float16, complex), an ``out`` of another dtype, an unknown keyword
        or too many positional arguments.

    Notes
    -----
    .. math::

        f(x) = x, ~~~~ f'(x) = 1 ~~~~~~~~ (x > 0)

        f(x) = a·x, ~~~~ f'(x) = a ~~~~~~~~ (x ≤ 0)

    The slope at x = 0 is a, as torch's [1]_. Introduced by Maas, Hannun and Ng [2]_.

    References
    ----------
    .. [1] PyTorch, ``torch.nn.functional.leaky_relu(input, negative_slope)``.
    .. [2] A. L. Maas, A. Y. Hannun and A. Y. Ng, "Rectifier Nonlinearities Improve Neural
       Network Acoustic Models", ICML Workshop on Deep Learning for Audio, Speech and Language
       Processing, 2013.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.leaky_relu(np.array([-2.0, 0.0, 2.0]), 0.5)
    array([-1.,  0.,  2.])
    >>> ds.leaky_relu.grad(np.array([-2.0, 0.0, 2.0]), negative_slope=0.5)
    array([0.5, 0.5, 1. ])
    """


@activation
def elu(input: ArrayLike, /, alpha: float = 1.0, *, out: NDArray[Any] | None = None) -> None:
    """Exponential linear unit.

    Parameters
    ----------
    input : array_like
        x, of any shape; float32 stays float32, other numbers become float64.
    alpha : float, default 1.0
        α, the value approached as x → −∞ is −α; finite.
    out : ndarray, optional
        Receives the value (a call) or the gradient (``.grad``, ``.value_and_grad``); the input's
        shape and dtype, sharing no memory with an input.

    Returns
    -------
    ndarray
        f(x), an array like ``input``. ``.grad(input, upstream)`` returns the vector-Jacobian
        product upstream · J, an array like ``input`` (``upstream`` defaults to ones, which gives
        f'(x));
        ``.value_and_grad`` returns both from one pass.

    Raises
    ------
    ValueError
        An ``upstream`` or ``out`` of another shape, an ``out`` that shares memory with an
        input, an ``alpha`` that is not finite.
    TypeError
        An unsupported dtype (float16, complex), an ``out`` of another dtype, an unknown keyword
        or too many positional arguments.

    Notes
    -----
    .. math::

        f(x) = x, ~~~~ f'(x) = 1 ~~~~~~~~ (x > 0)

        f(x) = α·(e^x − 1), ~~~~ f'(x) = α·e^x ~~~~~~~~ (x ≤ 0)

    The slope at x = 0 is α, as torch's [1]_. The value uses expm1, accurate near 0. Introduced
    by Clevert, Unterthiner and Hochreiter [2]_.

    References
    ----------
    .. [1] PyTorch, ``torch.nn.functional.elu(input, alpha)``.
    .. [2] D.-A. Clevert, T. Unterthiner and S. Hochreiter, "Fast and Accurate Deep Network
       Learning by Exponential Linear Units (ELUs)", ICLR, 2016.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.elu(np.array([-np.inf, 0.0, 2.0]), alpha=0.5)
    array([-0.5,  0. ,  2. ])
    >>> ds.elu.grad(np.array([0.0, 2.0]), alpha=0.5)
    array([0.5, 1. ])
    """


@activation
def tanh(input: ArrayLike, /, *, out: NDArray[Any] | None = None) -> None:
    """Hyperbolic tangent.

    Parameters
    ----------
    input : array_like
        x, of any shape; float32 stays float32, other numbers become float64.
    out : ndarray, optional
        Receives the value (a call) or the gradient (``.grad``, ``.value_and_grad``); the input's
        shape and dtype, sharing no memory with an input.

    Returns
    -------
    ndarray
        f(x), an array like ``input``. ``.grad(input, upstream)`` returns the vector-Jacobian
        product upstream · J, an array like ``input`` (``upstream`` defaults to ones, which gives
        f'(x));
        ``.value_and_grad`` returns both from one pass.

    Raises
    ------
    ValueError
        An ``upstream`` or ``out`` of another shape, an ``out`` that shares memory with an
        input.
    TypeError
        An unsupported dtype (float16, complex), an ``out`` of another dtype, an unknown keyword
        or too many positional arguments.

    Notes
    -----
    .. math::

        f(x) = tanh x, ~~~~ f'(x) = 1 − tanh^2 x = 4e/(1 + e)^2, ~~ e = e^{−2|x|}

    The derivative is computed in the second form, so it does not cancel as the value
    approaches ±1. torch: ``torch.tanh`` [1]_.

    References
    ----------
    .. [1] PyTorch, ``torch.tanh`` / ``torch.nn.functional.tanh``.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.tanh(np.array([0.0, 1.0])).round(6)
    array([0.      , 0.761594])
    >>> ds.tanh.grad(np.array([0.0, 20.0]))
    array([1.0000000e+00, 1.6993417e-17])
    """


@activation
def gelu(
    input: ArrayLike,
    /,
    approximate: Literal["none", "tanh"] = "none",
    *,
    out: NDArray[Any] | None = None,
) -> None:
    """Gaussian error linear unit.

    Parameters
    ----------
    input : array_like
        x, of any shape; float32 stays float32, other numbers become float64.
    approximate : {"none", "tanh"}, default "none"
        The exact form through the normal CDF, or the tanh approximation.
    out : ndarray, optional
        Receives the value (a call) or the gradient (``.grad``, ``.value_and_grad``); the input's
        shape and dtype, sharing no memory with an input.

    Returns
    -------
    ndarray
        f(x), an array like ``input``. ``.grad(input, upstream)`` returns the vector-Jacobian
        product upstream · J, an array like ``input`` (``upstream`` defaults to ones, which gives
        f'(x));
        ``.value_and_grad`` returns both from one pass.

    Raises
    ------
    ValueError
        An ``upstream`` or ``out`` of another shape, an ``out`` that shares memory with an
        input, an ``approximate`` other than "none" or "tanh".
    TypeError
        An unsupported dtype (float16, complex), an ``out`` of another dtype, an unknown keyword
        or too many positional arguments.

    Notes
    -----
    ``"none"``, with Φ(x) = erfc(−x/√2)/2 and φ the normal density:

    .. math::

        f(x) = x·Φ(x), ~~~~ f'(x) = Φ(x) + x·φ(x)

    ``"tanh"``, with u = √(2/π)·(x + 0.044715·x³):

    .. math::

        f(x) = ½·x·(1 + tanh u) = x·σ(2u), ~~~~ f'(x) = σ(2u) + x·2u'·σ(2u)·σ(−2u)

    Φ through erfc keeps the left tail accurate, where torch's 1 + erf(x/√2) cancels to 0
    (gelu(−20) is −5.5e−88 here, −0.0 in torch [1]_). NaN at −inf, and for the derivative at
    ±inf, as torch's. Introduced by Hendrycks and Gimpel [2]_.

    References
    ----------
    .. [1] PyTorch, ``torch.nn.functional.gelu(input, approximate=...)``.
    .. [2] D. Hendrycks and K. Gimpel, "Gaussian Error Linear Units (GELUs)", arXiv:1606.08415,
       2016.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.gelu(np.array([-1.0, 0.0, 1.0])).round(6)
    array([-0.158655,  0.      ,  0.841345])
    >>> ds.gelu.grad(np.array([0.0, 1.0]), approximate="tanh").round(6)
    array([0.5     , 1.082964])
    """


@activation
def silu(input: ArrayLike, /, *, out: NDArray[Any] | None = None) -> None:
    """Sigmoid linear unit (swish).

    Parameters
    ----------
    input : array_like
        x, of any shape; float32 stays float32, other numbers become float64.
    out : ndarray, optional
        Receives the value (a call) or the gradient (``.grad``, ``.value_and_grad``); the input's
        shape and dtype, sharing no memory with an input.

    Returns
    -------
    ndarray
        f(x), an array like ``input``. ``.grad(input, upstream)`` returns the vector-Jacobian
        product upstream · J, an array like ``input`` (``upstream`` defaults to ones, which gives
        f'(x));
        ``.value_and_grad`` returns both from one pass.

    Raises
    ------
    ValueError
        An ``upstream`` or ``out`` of another shape, an ``out`` that shares memory with an
        input.
    TypeError
        An unsupported dtype (float16, complex), an ``out`` of another dtype, an unknown keyword
        or too many positional arguments.

    Notes
    -----
    .. math::

        f(x) = x·σ(x), ~~~~ f'(x) = σ(x)·(1 + x·σ(−x))

    NaN at −inf, and for the derivative at ±inf, as torch's [1]_ (inf·0). Introduced by
    Elfwing, Uchibe and Doya [2]_, and as swish by Ramachandran, Zoph and Le.

    References
    ----------
    .. [1] PyTorch, ``torch.nn.functional.silu``.
    .. [2] S. Elfwing, E. Uchibe and K. Doya, "Sigmoid-Weighted Linear Units for Neural Network
       Function Approximation in Reinforcement Learning", Neural Networks 107, 3–11, 2018.

    Examples
    --------
    >>> import numpy as np, descend as ds
    >>> ds.silu(np.array([0.0, 1.0])).round(6)
    array([0.      , 0.731059])
    >>> ds.silu.grad(np.array([0.0]))
    array([0.5])
    """
