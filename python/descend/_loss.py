"""The ``Loss`` object: a loss's declaration made callable, with ``.grad`` and ``.value_and_grad``.

Like a numpy ufunc, one object carries the value and its methods. The declaration in
``losses.py`` gives the typed signature (through ``ParamSpec``, so a wrong keyword is a type
error) and the docstring; the native core does the work, named by the declaration's name.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, Generic, Literal, ParamSpec

import numpy as np

from descend import _core
from descend._arrays import SUPPORTED, FloatArray, operands

P = ParamSpec("P")
Reduction = Literal["none", "mean", "sum"]
LossValue = float | FloatArray

# Options every pointwise loss takes; the rest of a declaration's keywords are hyperparameters.
_COMMON = frozenset({"reduction", "weight", "upstream", "out"})


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

    def __init__(self, declaration: Callable[P, None]) -> None:
        functools.update_wrapper(self, declaration)
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

    def __repr__(self) -> str:
        return f"<descend.Loss {self.__name__}>"

    def __reduce__(self) -> str:
        # Pickled by reference to the module-level name, like functions and ufuncs.
        return self.__qualname__

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> LossValue:
        return self._run(True, False, *args, **kwargs)  # type: ignore[no-any-return]

    def grad(self, *args: P.args, **kwargs: P.kwargs) -> FloatArray:
        """Gradient of the loss with respect to ``input``; see the class docstring."""
        return self._run(False, True, *args, **kwargs)  # type: ignore[no-any-return]

    def value_and_grad(self, *args: P.args, **kwargs: P.kwargs) -> tuple[LossValue, FloatArray]:
        """Value and gradient from one pass over memory; see the class docstring."""
        return self._run(True, True, *args, **kwargs)  # type: ignore[no-any-return]

    def _run(
        self,
        want_value: bool,
        want_grad: bool,
        input: Any,
        target: Any,
        /,
        *,
        reduction: Any = "mean",
        weight: Any = None,
        upstream: Any = None,
        out: Any = None,
        **params: Any,
    ) -> Any:
        if params and not params.keys() <= self.defaults.keys():
            unknown = sorted(params.keys() - self.defaults.keys())
            raise TypeError(f"{self.__name__}() got an unexpected keyword argument {unknown[0]!r}")
        if not want_grad and upstream is not None:
            raise ValueError(f"upstream is used by {self.__name__}.grad and .value_and_grad only")
        if out is not None and not want_grad and reduction != "none":
            raise ValueError("out= receives an array; a reduced value is a float")
        if (
            input.__class__ is np.ndarray
            and target.__class__ is np.ndarray
            and input.dtype is target.dtype
            and input.dtype in SUPPORTED
            and weight is None
            and upstream is None
        ):
            x, y, w, u = input, target, None, None
        else:
            x, y, w, u = operands(input, target, weight, upstream)
        staged = None
        if out is not None:
            out, staged = _writable_out(out, x.dtype)
            if staged is not None and any(
                a is not None and np.may_share_memory(staged, a) for a in (x, y, w, u)
            ):
                raise ValueError("out must not overlap an input")
        pairs = [(name, float(value)) for name, value in params.items()] if params else []
        result = _core.pointwise(
            self.__name__, x, y, w, u, reduction, pairs, want_value, want_grad, out
        )
        if staged is not None:
            np.copyto(staged, out)
            result = _replace_out(result, out, staged)
        return result


def _writable_out(out: Any, dtype: np.dtype[Any]) -> tuple[FloatArray, FloatArray | None]:
    """Check ``out=`` and, for a non-contiguous one, stage the result in a contiguous buffer."""
    if not isinstance(out, np.ndarray):
        raise TypeError(f"out must be a numpy array, got {type(out).__name__}")
    if out.dtype != dtype:
        raise TypeError(f"out has dtype {out.dtype} but the result has dtype {dtype}")
    if not out.flags.writeable:
        raise ValueError("out is read-only")
    if out.flags.c_contiguous:
        return out, None
    return np.empty(out.shape, dtype), out


def _replace_out(result: Any, buffer: FloatArray, staged: FloatArray) -> Any:
    if result is buffer:
        return staged
    if isinstance(result, tuple):
        return tuple(staged if r is buffer else r for r in result)
    return result


def pointwise(declaration: Callable[P, None]) -> Loss[P]:
    """Turn a declaration (signature + docstring, empty body) into a native pointwise ``Loss``."""
    return Loss(declaration)
