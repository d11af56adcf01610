"""The ``Activation`` object: an activation's declaration made callable, with ``.grad``.

Like a numpy ufunc, one object carries the value and its methods. The declaration in
``activations.py`` gives the typed signature (through ``ParamSpec``) and the docstring; the
native core does the work, named by the declaration's name.
"""

from __future__ import annotations

import inspect
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, ParamSpec

import numpy as np
from numpy.typing import ArrayLike

from descend import _core
from descend._arrays import FloatArray, as_float
from descend._loss import _apart, _writable_in_place, _writable_out
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

    def __init__(self, declaration: Callable[P, None], *, along_dim: bool = False) -> None:
        present_as(self, declaration)
        signature = inspect.signature(declaration)
        self.__signature__ = signature
        self.along_dim = along_dim
        self.params: tuple[str, ...] = tuple(
            name
            for name, p in signature.parameters.items()
            if p.kind is p.POSITIONAL_OR_KEYWORD or (p.kind is p.KEYWORD_ONLY and name != "out")
        )
        self.defaults: dict[str, Any] = {
            name: signature.parameters[name].default for name in self.params
        }

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
                if len(args) > len(self.params):
                    raise TypeError(
                        f"{self.__name__}() takes at most {len(self.params) + 1} positional "
                        f"arguments ({len(args) + 1} given)"
                    )
                for name, value in zip(self.params, args, strict=False):
                    if name in params:
                        raise TypeError(f"{self.__name__}() got multiple values for {name!r}")
                    params[name] = value
            return self._native(True, False, input, None, out, params)

        def grad(self, input, upstream=None, /, *, out=None, **params):
            """Vector-Jacobian product ``upstream · J``; see the class docstring."""
            return self._native(False, True, input, upstream, out, params)

        def value_and_grad(self, input, upstream=None, /, *, out=None, **params):
            """Value and vector-Jacobian product from one pass; see the class docstring."""
            return self._native(True, True, input, upstream, out, params)

    def _options(self, params: dict[str, Any]) -> tuple[dict[str, float] | None, int]:
        """Split the keyword options into the core's numeric parameters and ``dim``."""
        unknown = params.keys() - self.defaults.keys()
        if unknown:
            raise TypeError(
                f"{self.__name__}() got an unexpected keyword argument {min(unknown)!r}"
            )
        dim = -1
        options: dict[str, float] = {}
        for name, value in params.items():
            if name == "dim":
                dim = operator.index(value)
            else:
                options[name] = value
        return options or None, dim

    def _native(
        self,
        want_value: bool,
        want_grad: bool,
        input: Any,
        upstream: Any,
        out: Any,
        params: dict[str, Any],
    ) -> Any:
        options, dim = self._options(params) if params else (None, -1)
        if want_grad and upstream is None and self.along_dim:
            raise TypeError(f"{self.__name__}.grad() needs upstream (its Jacobian is not diagonal)")
        if out is not None and out.__class__ is not np.ndarray:
            return self._staged(want_value, want_grad, input, upstream, out, options, dim)
        name = self.__name__
        result = _core.activation(name, input, upstream, options, dim, want_value, want_grad, out)
        if result is None:  # declined: out= needs a buffer, or the arrays need coercion
            if out is not None and not _writable_in_place(out):
                return self._staged(want_value, want_grad, input, upstream, out, options, dim)
            _apart(out, (input, upstream))
            x, u = _operands(input, upstream)
            result = _core.activation(name, x, u, options, dim, want_value, want_grad, out)
        return result

    def _staged(
        self,
        want_value: bool,
        want_grad: bool,
        input: Any,
        upstream: Any,
        out: Any,
        options: dict[str, float] | None,
        dim: int,
    ) -> Any:
        """Fill a non-contiguous ``out=`` through a contiguous buffer."""
        _apart(out, (input, upstream))
        x, u = _operands(input, upstream)
        buffer = _writable_out(out, x.dtype)
        result = _core.activation(self.__name__, x, u, options, dim, want_value, want_grad, buffer)
        np.copyto(out, buffer)
        if isinstance(result, tuple):
            return tuple(out if r is buffer else r for r in result)
        return out


def _operands(input: ArrayLike, upstream: ArrayLike | None) -> tuple[FloatArray, Any]:
    """Coerce input to float32/float64 and upstream to input's dtype."""
    x = as_float("input", input)
    u = None if upstream is None else as_float("upstream", upstream).astype(x.dtype, copy=False)
    return x, u


def elementwise(declaration: Callable[P, None]) -> Activation[P]:
    """Turn a declaration (signature + docstring, empty body) into an elementwise activation."""
    return Activation(declaration)


def along_dim(declaration: Callable[P, None]) -> Activation[P]:
    """Turn a declaration into an activation along ``dim`` (softmax, log_softmax)."""
    return Activation(declaration, along_dim=True)
