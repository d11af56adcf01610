"""The ``Loss`` object: a loss's declaration made callable, with ``.grad`` and ``.value_and_grad``.

Like a numpy ufunc, one object carries the value and its methods. The declaration in
``losses/`` gives the typed signature (through ``ParamSpec``, so a wrong keyword is a type
error), the defaults and the docstring; the native core does the rest, named by the
declaration's name. Each method passes its arguments to the binding as it got them: the
binding checks them, takes the arrays (through :mod:`descend._arrays`' coercion rules when the
kernels cannot take them as they are) and runs the core. There is no other path.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, Literal, ParamSpec

from descend import _core
from descend._arrays import FloatArray
from descend._specs import SPECS
from descend._wrap import present_as

P = ParamSpec("P")
Reduction = Literal["none", "mean", "sum"]
LossValue = float | FloatArray

# Keywords every loss takes besides its options.
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

    # Set from the declaration by present_as.
    __name__: str
    __qualname__: str

    def __init__(self, declaration: Callable[P, None]) -> None:
        present_as(self, declaration)
        signature = inspect.signature(declaration)
        self.__signature__ = signature
        parameters = signature.parameters
        spec = SPECS[declaration.__name__]
        self.kind: str = spec["kind"]
        third = spec["third"] if spec["kind"] == "pointwise" else None
        # The options as the declaration states them (the drift test holds them to the core's).
        self.params: tuple[str, ...] = tuple(
            name
            for name, p in parameters.items()
            if p.kind is p.KEYWORD_ONLY and name not in _COMMON and name != third
        )
        self.defaults: dict[str, Any] = {name: parameters[name].default for name in self.params}
        reduction = parameters["reduction"].default
        self._native = functools.partial(
            _core.loss, declaration.__name__, reduction, "weight" in parameters
        )

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
        # What runs: explicit signatures, which Python binds faster than *args/**kwargs. An
        # Ellipsis reduction stands for the declaration's default.
        def __call__(
            self,
            input,
            target,
            /,
            *extra,
            reduction=...,
            weight=None,
            upstream=None,
            out=None,
            **options,
        ):
            return self._native(
                True, False, input, target, extra, reduction, weight, upstream, out, options
            )

        def grad(
            self,
            input,
            target,
            /,
            *extra,
            reduction=...,
            weight=None,
            upstream=None,
            out=None,
            **options,
        ):
            """Gradient of the loss with respect to ``input``; see the class docstring."""
            return self._native(
                False, True, input, target, extra, reduction, weight, upstream, out, options
            )

        def value_and_grad(
            self,
            input,
            target,
            /,
            *extra,
            reduction=...,
            weight=None,
            upstream=None,
            out=None,
            **options,
        ):
            """Value and gradient from one pass over memory; see the class docstring."""
            return self._native(
                True, True, input, target, extra, reduction, weight, upstream, out, options
            )


def loss(declaration: Callable[P, None]) -> Loss[P]:
    """Turn a declaration (signature + docstring, empty body) into a native ``Loss``."""
    return Loss(declaration)
