"""The shared base of the numpy reference optimizers.

Same constructor signatures as ``descend.optim`` (torch-only switches omitted); ``step(grads)``
updates the parameters in place in their own dtype, with state in plain numpy arrays. Slow and
obvious on purpose: the tests hold the native optimizers to these trajectories.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating[Any]]


class _Reference:
    defaults: dict[str, Any]

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")  # as torch's
        if not isinstance(groups[0], Mapping):
            groups = [{"params": groups}]
        self.param_groups = [{**defaults, **g, "params": list(g["params"])} for g in groups]
        self.state: list[dict[str, Any]] = [{} for g in self.param_groups for _ in g["params"]]

    def step(self, grads: Sequence[Array]) -> None:
        i = 0
        for group in self.param_groups:
            for p in group["params"]:
                g = np.asarray(grads[i], dtype=p.dtype)
                self._update(p, -g if group.get("maximize") else g, self.state[i], group)
                i += 1

    def _update(self, p: Array, g: Array, state: dict[str, Any], group: dict[str, Any]) -> None:
        raise NotImplementedError


def _scalar(p: Array, value: float) -> Any:
    """Round a hyperparameter to the parameter's dtype, as torch passes Python scalars."""
    return p.dtype.type(value)


def _lerp(a: Array, b: Array, weight: float, *, weights_in_float64: bool = False) -> Array:
    """Lerp a → b as torch: a + w·(b − a) for |w| < ½, else b − (b − a)·(1 − w).

    torch rounds w to the array's dtype and forms 1 − w there. The native Adam family forms w
    and 1 − w in float64 and rounds each (and chooses the branch on the float64 w), so its
    references pass ``weights_in_float64``; the two agree in float64.
    """
    w = _scalar(a, weight)
    if weights_in_float64:
        small, one_minus_w = abs(weight) < 0.5, _scalar(a, 1 - weight)
    else:
        small, one_minus_w = abs(w) < 0.5, _scalar(a, 1) - w
    if small:
        return a + w * (b - a)  # type: ignore[no-any-return]
    return b - (b - a) * one_minus_w  # type: ignore[no-any-return]
