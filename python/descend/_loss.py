"""The ``Loss`` object: a loss's declaration made callable, with ``.grad`` and ``.value_and_grad``.

Like a numpy ufunc, one object carries the value and its methods. The declaration in
``losses.py`` gives the typed signature (through ``ParamSpec``, so a wrong keyword is a type
error) and the docstring; the native core does the work, named by the declaration's name.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, Literal, ParamSpec

import numpy as np

from descend import _core
from descend._arrays import FloatArray, operands, rowwise_operands
from descend._specs import SPECS
from descend._wrap import present_as

P = ParamSpec("P")
Reduction = Literal["none", "mean", "sum"]
LossValue = float | FloatArray

# Options every loss takes; the rest of a declaration's keywords are hyperparameters.
_COMMON = frozenset({"reduction", "weight", "upstream", "out"})
# What `Loss._direct` returns for a call that must go through `Loss._native`.
_INDIRECT = object()

Native = Callable[..., Any]
Coerce = Callable[..., tuple[Any, Any, Any, Any, Any]]


class Loss(Generic[P]):
    """A differentiable loss: call it for the value; ``.grad`` and ``.value_and_grad`` too.

    - ``loss(input, target, **options)``: the value, a ``float`` for ``reduction="mean"`` or
      ``"sum"``, an array like ``input`` for ``"none"`` (written into ``out=`` if given).
    - ``loss.grad(input, target, **options)``: d(loss)/d(input), an array like ``input``. For
      ``reduction="none"``, ``upstream=`` multiplies the elementwise derivative (default ones).
      ``out=`` receives the gradient.
    - ``loss.value_and_grad(...)``: both from one pass over memory, bitwise equal to the two
      separate calls.
    """

    # Set from the declaration by present_as.
    __name__: str
    __qualname__: str

    def __init__(
        self,
        declaration: Callable[P, None],
        native: Native,
        coerce: Coerce,
        aux: tuple[str, bool] | None = None,
    ) -> None:
        present_as(self, declaration)
        # The family's native entry point, and the coercion it retries with when it declines.
        self._call_native = native
        self._coerce = coerce
        # A pointwise loss's third array: its name, passed to the core apart from the options,
        # and whether it is differentiated (then it is the third positional argument, as var).
        self._aux = None if aux is None else aux[0]
        self._aux_positional = aux is not None and aux[1]
        signature = inspect.signature(declaration)
        self.__signature__ = signature
        self.params: tuple[str, ...] = tuple(
            name
            for name, p in signature.parameters.items()
            if p.kind is p.KEYWORD_ONLY and name not in _COMMON and name != self._aux
        )
        self.defaults: dict[str, Any] = {
            name: signature.parameters[name].default for name in self.params
        }
        self._param_names = frozenset(self.params)
        self._takes_weight = "weight" in signature.parameters

    def __repr__(self) -> str:
        return f"<descend.Loss {self.__name__}>"

    def __reduce__(self) -> str:
        # Pickled by reference to the module-level name, like functions and ufuncs.
        return self.__qualname__

    if TYPE_CHECKING:
        # What type checkers see: the declaration's own signature, through ParamSpec.
        def __call__(self, *args: P.args, **kwargs: P.kwargs) -> LossValue: ...
        def grad(self, *args: P.args, **kwargs: P.kwargs) -> FloatArray: ...
        def value_and_grad(
            self, *args: P.args, **kwargs: P.kwargs
        ) -> tuple[LossValue, FloatArray]: ...

    else:
        # What runs: explicit signatures, which Python binds faster than *args/**kwargs.
        def __call__(
            self,
            input,
            target,
            /,
            *extra,
            reduction="mean",
            weight=None,
            upstream=None,
            out=None,
            **params,
        ):
            if upstream is not None:
                raise ValueError(f"upstream is used by {self.__name__}.grad and .value_and_grad")
            if out is not None and reduction != "none":
                raise ValueError("out= receives an array; a reduced value is a float")
            aux = self._direct(input, extra, params, weight, out)
            if aux is not _INDIRECT:
                result = self._call_native(
                    self.__name__,
                    input,
                    target,
                    weight,
                    None,
                    aux,
                    reduction,
                    None,
                    True,
                    False,
                    out,
                )
                if result is not None:
                    return result
            return self._native(
                True, False, input, target, extra, reduction, weight, None, out, params
            )

        def grad(
            self,
            input,
            target,
            /,
            *extra,
            reduction="mean",
            weight=None,
            upstream=None,
            out=None,
            **params,
        ):
            """Gradient of the loss with respect to ``input``; see the class docstring."""
            aux = self._direct(input, extra, params, weight, out)
            if aux is not _INDIRECT:
                result = self._call_native(
                    self.__name__,
                    input,
                    target,
                    weight,
                    upstream,
                    aux,
                    reduction,
                    None,
                    False,
                    True,
                    out,
                )
                if result is not None:
                    return result
            return self._native(
                False, True, input, target, extra, reduction, weight, upstream, out, params
            )

        def value_and_grad(
            self,
            input,
            target,
            /,
            *extra,
            reduction="mean",
            weight=None,
            upstream=None,
            out=None,
            **params,
        ):
            """Value and gradient from one pass over memory; see the class docstring."""
            aux = self._direct(input, extra, params, weight, out)
            if aux is not _INDIRECT:
                result = self._call_native(
                    self.__name__,
                    input,
                    target,
                    weight,
                    upstream,
                    aux,
                    reduction,
                    None,
                    True,
                    True,
                    out,
                )
                if result is not None:
                    return result
            return self._native(
                True, True, input, target, extra, reduction, weight, upstream, out, params
            )

    def _direct(
        self, input: Any, extra: tuple[Any, ...], params: Any, weight: Any, out: Any
    ) -> Any:
        """Return the third array of a call that can go straight to the core, or _INDIRECT.

        None stands for a loss without a third array. Every check ``_native`` makes in Python
        then passes, and the core declines (returns None) inputs that need coercion and an
        ``out=`` that is not C-contiguous. Through ``_native`` a call costs 0.1–0.2 µs more
        (gaussian_nll_loss value_and_grad at N = 100, its var of the input's shape: 2.13–2.15 µs
        direct, 2.21–2.30 through ``_native``).
        """
        if params or not (
            (weight is None or self._takes_weight) and (out is None or out.__class__ is np.ndarray)
        ):
            return _INDIRECT
        if not self._aux_positional:
            return _INDIRECT if extra else None
        if len(extra) == 1 and _shaped_like(extra[0], input):
            return extra[0]
        return _INDIRECT

    def _native(
        self,
        want_value: bool,
        want_grad: bool,
        input: Any,
        target: Any,
        extra: tuple[Any, ...],
        reduction: Any,
        weight: Any,
        upstream: Any,
        out: Any,
        params: dict[str, Any],
    ) -> Any:
        if self._aux_positional:
            if len(extra) != 1:
                raise TypeError(
                    f"{self.__name__}() takes 3 positional arguments (input, target, "
                    f"{self._aux}) but {2 + len(extra)} were given"
                )
            aux = extra[0]
            if _shaped_like(aux, input):
                aux_shape = None
            else:
                aux, aux_shape = _expand_like_torch(aux, input)
        elif extra:
            raise TypeError(
                f"{self.__name__}() takes 2 positional arguments but {2 + len(extra)} were given"
            )
        else:
            aux = params.pop(self._aux, None) if self._aux is not None else None
        if params and not self._param_names.issuperset(params):
            unknown = min(params.keys() - self._param_names)
            raise TypeError(f"{self.__name__}() got an unexpected keyword argument {unknown!r}")
        if weight is not None and not self._takes_weight:
            raise TypeError(f"{self.__name__}() got an unexpected keyword argument 'weight'")
        options = params or None
        if out is not None and not _writable_in_place(out):
            result = self._staged(
                want_value, want_grad, input, target, reduction, weight, upstream, aux, out, options
            )
        else:
            result = self._call_native(
                self.__name__,
                input,
                target,
                weight,
                upstream,
                aux,
                reduction,
                options,
                want_value,
                want_grad,
                out,
            )
            if result is None:  # not all ndarrays of one float dtype: apply the coercion rules
                _apart(out, (input, target, weight, upstream, aux))
                x, y, w, u, a = self._coerce(input, target, weight, upstream, self._aux_pair(aux))
                result = self._call_native(
                    self.__name__, x, y, w, u, a, reduction, options, want_value, want_grad, out
                )
        if self._aux_positional and want_grad and aux_shape is not None:
            # The third array's gradient, summed back to the shape it was given in.
            value, (grad, aux_grad) = result if want_value else (None, result)
            aux_grad = _unbroadcast(aux_grad, np.shape(aux)).reshape(aux_shape)
            result = (value, (grad, aux_grad)) if want_value else (grad, aux_grad)
        return result

    def _staged(
        self,
        want_value: bool,
        want_grad: bool,
        input: Any,
        target: Any,
        reduction: Any,
        weight: Any,
        upstream: Any,
        aux: Any,
        out: Any,
        options: dict[str, Any] | None,
    ) -> Any:
        """Fill a non-contiguous ``out=`` through a contiguous buffer."""
        _apart(out, (input, target, weight, upstream, aux))
        x, y, w, u, a = self._coerce(input, target, weight, upstream, self._aux_pair(aux))
        buffer = _writable_out(out, x.dtype)
        result = self._call_native(
            self.__name__, x, y, w, u, a, reduction, options, want_value, want_grad, buffer
        )
        np.copyto(out, buffer)
        if isinstance(result, tuple):
            return tuple(out if r is buffer else r for r in result)
        return out

    def _aux_pair(self, aux: Any) -> tuple[str, Any] | None:
        return None if aux is None or self._aux is None else (self._aux, aux)


def _shaped_like(aux: Any, input: Any) -> bool:
    """Whether a third array is an ndarray of the input's shape: nothing to expand or sum back."""
    return aux.__class__ is np.ndarray and aux.shape == getattr(input, "shape", None)


def _expand_like_torch(aux: Any, input: Any) -> tuple[Any, tuple[int, ...]]:
    """Give back the last dimension torch's ``var`` may lack; return it and its given shape."""
    shape = np.shape(aux)
    input_shape = np.shape(input)
    if len(shape) == len(input_shape) - 1 and shape == input_shape[:-1]:
        return np.expand_dims(aux, -1), shape
    return aux, shape


def _unbroadcast(g: FloatArray, shape: tuple[int, ...]) -> FloatArray:
    """Sum ``g`` over the axes along which an array of ``shape`` was broadcast to ``g.shape``."""
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1
    )
    return np.sum(g, axis=axes, keepdims=True).reshape(shape) if axes else g


def _apart(out: Any, arrays: tuple[Any, ...]) -> None:
    """Refuse an ``out=`` that shares memory with an argument as the caller gave it.

    The core checks the arrays it reads, but a coerced copy (ints as floats) no longer shares
    the caller's memory, while writing ``out=`` would still change the caller's array.
    """
    if out is not None and any(
        isinstance(a, np.ndarray) and np.may_share_memory(out, a) for a in arrays
    ):
        raise ValueError("out must not overlap an input")


def _writable_in_place(out: Any) -> bool:
    """Whether the core can write ``out=`` directly; else it is filled through a buffer."""
    return out.__class__ is np.ndarray and out.flags.c_contiguous and out.flags.aligned


def _writable_out(out: Any, dtype: np.dtype[Any]) -> FloatArray:
    """Check a non-contiguous ``out=`` and return the contiguous buffer that stands in for it."""
    if not isinstance(out, np.ndarray):
        raise TypeError(f"out must be a numpy array, got {type(out).__name__}")
    if out.dtype != dtype:
        raise TypeError(f"out has dtype {out.dtype} but the result has dtype {dtype}")
    if not out.flags.writeable:
        raise ValueError("out is read-only")
    return np.empty(out.shape, dtype)


def pointwise(declaration: Callable[P, None]) -> Loss[P]:
    """Turn a declaration (signature + docstring, empty body) into a native pointwise ``Loss``."""
    spec = SPECS[declaration.__name__]
    third = None if spec["third"] is None else (spec["third"], spec["third_differentiated"])
    return Loss(declaration, _core.loss, operands, third)


def rowwise(declaration: Callable[P, None]) -> Loss[P]:
    """Turn a declaration into a native row-wise ``Loss`` (a loss over each row's classes)."""
    return Loss(declaration, _core.loss, rowwise_operands)
