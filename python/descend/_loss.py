"""The ``Loss`` object: a loss's declaration made callable, with ``.grad`` and ``.value_and_grad``.

Like a numpy ufunc, one object carries the value and its methods. The declaration in
``losses.py`` gives the typed signature (through ``ParamSpec``, so a wrong keyword is a type
error) and the docstring; the native core does the work, named by the declaration's name.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, Literal, ParamSpec

import numpy as np

from descend import _core
from descend._arrays import FloatArray, operands, rowwise_operands

P = ParamSpec("P")
Reduction = Literal["none", "mean", "sum"]
LossValue = float | FloatArray

# Options every loss takes; the rest of a declaration's keywords are hyperparameters.
_COMMON = frozenset({"reduction", "weight", "upstream", "out"})

Native = Callable[..., Any]
Coerce = Callable[[Any, Any, Any, Any], tuple[Any, Any, Any, Any]]


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

    def __init__(
        self,
        declaration: Callable[P, None],
        native: Native = _core.pointwise,
        coerce: Coerce = operands,
    ) -> None:
        functools.update_wrapper(self, declaration)
        # The family's native entry point, and the coercion it retries with when it declines.
        self._call_native = native
        self._coerce = coerce
        self.__name__: str = declaration.__name__
        self.__qualname__: str = declaration.__qualname__
        self.__module__: str = declaration.__module__
        signature = inspect.signature(declaration)
        self.__signature__ = signature
        self.params: tuple[str, ...] = tuple(
            name
            for name, p in signature.parameters.items()
            if p.kind is p.KEYWORD_ONLY and name not in _COMMON
        )
        self.defaults: dict[str, Any] = {
            name: signature.parameters[name].default for name in self.params
        }
        self._param_names = frozenset(self.params)

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
            *,
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
            return self._native(True, False, input, target, reduction, weight, None, out, params)

        def grad(
            self,
            input,
            target,
            /,
            *,
            reduction="mean",
            weight=None,
            upstream=None,
            out=None,
            **params,
        ):
            """Gradient of the loss with respect to ``input``; see the class docstring."""
            return self._native(
                False, True, input, target, reduction, weight, upstream, out, params
            )

        def value_and_grad(
            self,
            input,
            target,
            /,
            *,
            reduction="mean",
            weight=None,
            upstream=None,
            out=None,
            **params,
        ):
            """Value and gradient from one pass over memory; see the class docstring."""
            return self._native(True, True, input, target, reduction, weight, upstream, out, params)

    def _native(
        self,
        want_value: bool,
        want_grad: bool,
        input: Any,
        target: Any,
        reduction: Any,
        weight: Any,
        upstream: Any,
        out: Any,
        params: dict[str, Any],
    ) -> Any:
        if params and not self._param_names.issuperset(params):
            unknown = min(params.keys() - self._param_names)
            raise TypeError(f"{self.__name__}() got an unexpected keyword argument {unknown!r}")
        options = params or None
        if out is not None and (out.__class__ is not np.ndarray or not out.flags.c_contiguous):
            return self._staged(
                want_value, want_grad, input, target, reduction, weight, upstream, out, options
            )
        result = self._call_native(
            self.__name__,
            input,
            target,
            weight,
            upstream,
            reduction,
            options,
            want_value,
            want_grad,
            out,
        )
        if result is None:  # not all ndarrays of one float dtype: apply the coercion rules
            x, y, w, u = self._coerce(input, target, weight, upstream)
            result = self._call_native(
                self.__name__, x, y, w, u, reduction, options, want_value, want_grad, out
            )
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
        out: Any,
        options: dict[str, Any] | None,
    ) -> Any:
        """Fill a non-contiguous ``out=`` through a contiguous buffer."""
        x, y, w, u = self._coerce(input, target, weight, upstream)
        buffer = _writable_out(out, x.dtype)
        if any(a is not None and np.may_share_memory(out, a) for a in (x, y, w, u)):
            raise ValueError("out must not overlap an input")
        result = self._call_native(
            self.__name__, x, y, w, u, reduction, options, want_value, want_grad, buffer
        )
        np.copyto(out, buffer)
        if isinstance(result, tuple):
            return tuple(out if r is buffer else r for r in result)
        return out


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
    return Loss(declaration)


def rowwise(declaration: Callable[P, None]) -> Loss[P]:
    """Turn a declaration into a native row-wise ``Loss`` (a loss over each row's classes)."""
    return Loss(declaration, _core.rowwise, rowwise_operands)
