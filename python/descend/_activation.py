"""The ``Activation`` object: an activation's declaration made callable, with ``.grad``.

Like a numpy ufunc, one object carries the value and its methods. The declaration in
``activations.py`` gives the typed signature (through ``ParamSpec``), the defaults and the
docstring; the native core does the rest, named by the declaration's name. Each method passes
its arguments to the binding as it got them (options positionally or by keyword); there is no
other path.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, ParamSpec

from numpy.typing import ArrayLike

from descend import _core
from descend._arrays import FloatArray
from descend._specs import SPECS
from descend._wrap import present_as

P = ParamSpec("P")


class Activation(Generic[P]):
    """An activation: call it for the value; ``.grad`` gives the vector-Jacobian product.

    - ``f(input, *params, out=None)``: f(input), an array like ``input`` (written into
      ``out=`` if given).
    - ``f.grad(input, upstream=None, *, out=None, **params)``: ``upstream · J``, an array like
      ``input``. For elementwise activations ``upstream`` defaults to ones, which gives the
      derivative; softmax and log_softmax need it. ``out=`` receives the gradient.
    - ``f.value_and_grad(input, upstream=None, *, out=None, **params)``: both from one pass,
      bitwise equal to the two separate calls; ``out=`` receives the gradient.
    """

    # Set from the declaration by present_as.
    __name__: str
    __qualname__: str

    def __init__(self, declaration: Callable[P, None]) -> None:
        present_as(self, declaration)
        signature = inspect.signature(declaration)
        self.__signature__ = signature
        self.along_dim: bool = SPECS[declaration.__name__]["along_dim"]
        # The options as the declaration states them (the drift test holds them to the core's).
        self.params: tuple[str, ...] = tuple(
            name
            for name, p in signature.parameters.items()
            if p.kind is p.POSITIONAL_OR_KEYWORD or (p.kind is p.KEYWORD_ONLY and name != "out")
        )
        self.defaults: dict[str, Any] = {
            name: signature.parameters[name].default for name in self.params
        }
        # The options a call may give positionally: dim, or the options in declared order.
        self._positional = tuple(
            name for name, p in signature.parameters.items() if p.kind is p.POSITIONAL_OR_KEYWORD
        )
        self._native = functools.partial(_core.activation, declaration.__name__)

    def __repr__(self) -> str:
        return f"<descend.Activation {self.__name__}>"

    def __reduce__(self) -> str:
        # Pickled by reference to the module-level name, like functions and ufuncs.
        return self.__qualname__

    if TYPE_CHECKING:
        # What type checkers see: the declaration's own signature for the call. `.grad` takes
        # upstream as its second positional argument, so its options are untyped keywords.
        def __call__(self, *args: P.args, **kwargs: P.kwargs) -> FloatArray: ...
        def grad(
            self,
            input: ArrayLike,
            upstream: ArrayLike | None = None,
            /,
            *,
            out: FloatArray | None = None,
            **params: Any,
        ) -> FloatArray: ...
        def value_and_grad(
            self,
            input: ArrayLike,
            upstream: ArrayLike | None = None,
            /,
            *,
            out: FloatArray | None = None,
            **params: Any,
        ) -> tuple[FloatArray, FloatArray]: ...

    else:

        def __call__(self, input, /, *args, out=None, **params):
            if args:
                params = self._named(args, params)
            return self._native(True, False, input, None, out, params)

        def grad(self, input, upstream=None, /, *, out=None, **params):
            """Vector-Jacobian product ``upstream · J``; see the class docstring."""
            return self._native(False, True, input, upstream, out, params)

        def value_and_grad(self, input, upstream=None, /, *, out=None, **params):
            """Value and vector-Jacobian product from one pass; see the class docstring."""
            return self._native(True, True, input, upstream, out, params)

    def _named(self, args: tuple[Any, ...], params: dict[str, Any]) -> dict[str, Any]:
        """Name the options given positionally, as Python binds a function's arguments."""
        if len(args) > len(self._positional):
            raise TypeError(
                f"{self.__name__}() takes at most {len(self._positional) + 1} positional "
                f"arguments ({len(args) + 1} given)"
            )
        for name, value in zip(self._positional, args, strict=False):
            if name in params:
                raise TypeError(f"{self.__name__}() got multiple values for {name!r}")
            params[name] = value
        return params


def activation(declaration: Callable[P, None]) -> Activation[P]:
    """Turn a declaration (signature + docstring, empty body) into a native ``Activation``."""
    return Activation(declaration)
