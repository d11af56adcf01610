"""Array coercion rules, in one place, naming the argument in every error.

- Anything ``np.asarray`` accepts is an input; float32 stays float32, float64 stays float64.
- Integers and bools become float64; float32 with float64 gives float64, as numpy does.
- float16, longdouble, complex, object, string and datetime arrays raise ``TypeError``.
- Auxiliary arrays (weight, upstream, a third array such as pos_weight) are cast to the result
  dtype of input and target; weight and the third array broadcast to the input's shape, as
  torch's do.
- Class labels stay integers: int32 and int64 as they are, other integer types as int64.
Layout is not touched here: the native layer reads any strides (copying only non-contiguous
inputs), so nothing is copied in Python that need not be.

The native layer takes ndarrays of one float dtype as they are, and calls the functions below
(``loss_operands``, ``activation_operands``, ``unbroadcast``) only for the rest: these rules
live here alone.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.floating[Any]]

SUPPORTED = (np.dtype(np.float32), np.dtype(np.float64))
_F64 = np.dtype(np.float64)


def as_float(name: str, value: ArrayLike) -> FloatArray:
    """Return ``value`` as a float32/float64 array, promoting integers and bools to float64."""
    array = np.asarray(value)
    dtype = array.dtype
    if dtype in SUPPORTED:
        return array
    if dtype.kind in "biu":
        return array.astype(_F64)
    if dtype.kind == "f" and dtype.itemsize in (4, 8):  # non-native byte order
        return array.astype(dtype.newbyteorder("="))
    if dtype.kind == "f":
        raise TypeError(
            f"{name} has dtype {dtype}; supported dtypes are float32 and float64 "
            "(integers and bools are promoted to float64)"
        )
    raise TypeError(f"{name} has dtype {dtype}, which is not a real number type")


def loss_operands(
    kind: str,
    input: ArrayLike,
    target: ArrayLike,
    weight: ArrayLike | None,
    upstream: ArrayLike | None,
    third_name: str | None,
    third: ArrayLike | None,
    differentiated: bool,
) -> tuple[Any, ...]:
    """Coerce a loss's arrays; return them with the shape a differentiated third array had.

    ``kind`` is the loss's: "pointwise" or "rowwise". A differentiated third array given without
    the input's last dimension (torch's ``var``, one variance per row) gets it back; its given
    shape is returned where it differs from the input's (else None), so that its gradient can be
    summed back to it by :func:`unbroadcast`.
    """
    if kind == "rowwise":
        return (*rowwise_operands(input, target, weight, upstream), None, None)
    shapes = None
    if third is not None and differentiated:
        third, given = _expand_like_torch(third, input)
        if given != np.shape(input):
            shapes = (np.shape(third), given)
    pair = None if third is None or third_name is None else (third_name, third)
    return (*operands(input, target, weight, upstream, pair), shapes)


def activation_operands(input: ArrayLike, upstream: ArrayLike | None) -> tuple[Any, Any]:
    """Coerce input to float32/float64 and upstream to input's dtype."""
    x = as_float("input", input)
    u = None if upstream is None else as_float("upstream", upstream).astype(x.dtype, copy=False)
    return x, u


def _expand_like_torch(third: ArrayLike, input: ArrayLike) -> tuple[Any, tuple[int, ...]]:
    """Give back the last dimension torch's ``var`` may lack; return it and its given shape."""
    shape = np.shape(third)
    input_shape = np.shape(input)
    if len(shape) == len(input_shape) - 1 and shape == input_shape[:-1]:
        return np.expand_dims(third, -1), shape
    return third, shape


def unbroadcast(
    g: FloatArray, shapes: tuple[tuple[int, ...], tuple[int, ...]]
) -> tuple[FloatArray]:
    """Sum ``g`` back to the shape a third array was given in.

    ``shapes`` is (the shape it was broadcast from, the shape it was given in): the first may
    have the dimension torch's ``var`` lacks given back.
    """
    shape, given = shapes
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1
    )
    summed = np.sum(g, axis=axes, keepdims=True) if axes else g
    return (summed.reshape(given),)


def operands(
    input: ArrayLike,
    target: ArrayLike,
    weight: ArrayLike | None,
    upstream: ArrayLike | None,
    aux: tuple[str, ArrayLike] | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray | None, FloatArray | None, FloatArray | None]:
    """Coerce a loss's arrays to one float dtype: that of input and target together.

    ``aux`` is a pointwise loss's third array with its keyword (``("pos_weight", array)``).
    """
    x = as_float("input", input)
    y = as_float("target", target)
    dtype = x.dtype if x.dtype is y.dtype else np.result_type(x.dtype, y.dtype)
    x = x.astype(dtype, copy=False)
    y = y.astype(dtype, copy=False)
    w = None if weight is None else _spread("weight", weight, x, dtype)
    u = None if upstream is None else as_float("upstream", upstream).astype(dtype, copy=False)
    a = None if aux is None else _spread(aux[0], aux[1], x, dtype)
    return x, y, w, u, a


def _spread(name: str, value: ArrayLike, x: FloatArray, dtype: np.dtype[Any]) -> FloatArray:
    """``value`` in ``dtype``, broadcast to the input's shape (read-only view, no copy here)."""
    array = as_float(name, value).astype(dtype, copy=False)
    if array.shape == x.shape:
        return array
    try:
        return np.broadcast_to(array, x.shape)
    except ValueError:
        raise ValueError(
            f"{name} has shape {array.shape}, which does not broadcast to the input's shape "
            f"{x.shape}"
        ) from None


_LABEL_TYPES = (np.dtype(np.int32), np.dtype(np.int64))
_INT64_MAX = 2**63 - 1


def rowwise_operands(
    input: ArrayLike,
    target: ArrayLike,
    weight: ArrayLike | None,
    upstream: ArrayLike | None,
) -> tuple[FloatArray, NDArray[Any], FloatArray | None, FloatArray | None]:
    """Coerce a row-wise loss's arrays.

    Integer targets are class labels; float ones are rows of class probabilities, which share
    the input's dtype.
    """
    t = np.asarray(target)
    if t.dtype.kind == "b":
        raise TypeError("target has dtype bool; class labels must be integers")
    if t.dtype.kind in "iu":
        x = as_float("input", input)
        if t.dtype.kind == "u" and t.dtype.itemsize == 8 and t.size and t.max() > _INT64_MAX:
            # Cast to int64 it would wrap to a negative class (or to ignore_index).
            index = int(np.argmax(t > _INT64_MAX))
            raise IndexError(
                f"target holds class {t.flat[index]} at flat index {index}, out of range"
            )
        labels = t if t.dtype in _LABEL_TYPES else t.astype(np.int64)
        w = None if weight is None else as_float("weight", weight).astype(x.dtype, copy=False)
        u = None if upstream is None else as_float("upstream", upstream).astype(x.dtype, copy=False)
        return x, labels, w, u
    x, y, _, u, _ = operands(input, t, None, upstream)
    w = None if weight is None else as_float("weight", weight).astype(x.dtype, copy=False)
    return x, y, w, u
