"""The optimizer base: torch.optim's parameter groups and state dict over descend's native state.

State arrays live in the native object (Rust-owned buffers), so a step lends only the
parameters and gradients; ``state_dict()`` copies them out and ``load_state_dict`` checks all
of them before copying in. A rule is one class attribute (``_rule``, its name in the core's
registry); the native step reads its hyperparameters from each group dict by the core's spec,
whose names are torch's (``"betas[0]"`` is ``group["betas"][0]``).
"""

from __future__ import annotations

import contextlib
import copy
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar, NamedTuple

import numpy as np
from numpy.typing import NDArray

from descend import _core
from descend._specs import family

FloatArray = NDArray[np.floating[Any]]

# Accepted so torch code runs unchanged; they select torch kernels and mean nothing here.
TORCH_ONLY = ("foreach", "fused", "capturable", "differentiable")


class _Spec(NamedTuple):
    state: list[str]
    carried: list[str]
    counts_steps: bool


_SPECS = {
    spec["name"]: _Spec(spec["state"], spec["carried"], spec["counts_steps"])
    for spec in family("optimizer")
}


def _step_count(name: str, value: Any) -> int:
    """Return a saved step count (torch keeps ``step`` as a float tensor) as an int, or raise."""
    try:
        count = float(np.asarray(value))
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a whole number >= 0, got {value!r}") from None
    if not (count >= 0 and count.is_integer()):
        raise ValueError(f"{name} must be a whole number >= 0, got {value!r}")
    return int(count)


def pair(name: str, value: Any) -> tuple[Any, ...]:
    """Return a two-number option (``betas``, ``etas``, ``step_sizes``) as a tuple, or raise."""
    try:
        items = tuple(value)
    except TypeError:
        raise TypeError(f"{name} must be a pair of numbers, got {value!r}") from None
    if len(items) != 2:
        raise ValueError(f"{name} must be a pair of numbers, got {value!r}")
    return items


class Optimizer:
    """Base of descend's optimizers: ``param_groups``, ``step``, ``state_dict`` as torch.optim.

    Parameters are float32/float64 ndarrays, C-contiguous and writable, updated in place; mixed
    dtypes are allowed. ``lr`` may be a number, a schedule of :mod:`descend.schedules` or any
    callable of the number of steps already taken; ``param_groups[i]["lr"]`` shows the value the
    next step uses, and the schedule is kept in ``param_groups[i]["lr_schedule"]``.
    """

    _rule: ClassVar[str]

    def __init__(
        self, params: Iterable[Any] | Iterable[Mapping[str, Any]], defaults: dict[str, Any]
    ) -> None:
        self.defaults = defaults
        self.param_groups: list[dict[str, Any]] = []
        self._native = _core.OptimizerState(self._rule)
        self._steps = 0
        self._plateau: Any = None  # a ReduceLROnPlateau attached to it, saved with it
        self._params: list[FloatArray] = []  # every group's parameters, flat, in order
        self._members: list[int] = []  # the group of each
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], Mapping):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: Mapping[str, Any]) -> None:
        """Add a group of parameters with its own hyperparameters (the rest from defaults)."""
        if not isinstance(param_group, Mapping):
            raise TypeError(f"param_group must be a dict, got {type(param_group).__name__}")
        group = dict(param_group)
        params = group.get("params")
        if params is None:
            raise ValueError('param_group needs a "params" entry')
        params = [params] if isinstance(params, np.ndarray) else list(params)
        if not params:
            raise ValueError("optimizer got an empty parameter list")
        taken = {id(p) for g in self.param_groups for p in g["params"]}
        for i, p in enumerate(params):
            if not isinstance(p, np.ndarray):
                raise TypeError(f"params[{i}] must be an ndarray, got {type(p).__name__}")
            if id(p) in taken:
                raise ValueError("some parameters appear in more than one parameter group")
            taken.add(id(p))
        if len({id(p) for p in params}) != len(params):
            raise ValueError("a parameter appears twice in one parameter group")
        group["params"] = params
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        lr = group.get("lr")
        if callable(lr):
            group["lr_schedule"] = lr
        group.setdefault("lr_schedule", None)
        self._set_lr(group)
        self._native.check([group])
        scratch = _core.OptimizerState(self._rule)
        for p in params:  # checked on a scratch state first, so a bad group adds nothing
            scratch.add(p)
        for p in params:
            self._native.add(p)
        self._params.extend(params)
        self._members.extend([len(self.param_groups)] * len(params))
        self.param_groups.append(group)

    def _set_lr(self, group: dict[str, Any]) -> None:
        schedule = group["lr_schedule"]
        if schedule is not None:
            lr = float(schedule(self._steps)) * group.get("lr_scale", 1.0)
            if not math.isfinite(lr) or lr < 0:
                raise ValueError(f"the lr schedule gave {lr} at step {self._steps}")
            group["lr"] = lr

    def step(self, grads: Sequence[Any]) -> None:
        """Update every parameter in place from its gradient (same order as the parameters).

        Gradients may have any layout; each must have its parameter's shape and dtype. A
        failing step changes no parameter and no state.
        """
        groups = self.param_groups
        for group in groups:
            if group["lr_schedule"] is not None:
                self._set_lr(group)
        grads = grads if type(grads) is list else list(grads)
        try:
            self._native.step(self._params, grads, self._members, groups)
        except TypeError:
            # Not all ndarrays (nested lists, scalars): convert and retry; the failed call
            # wrote nothing.
            if all(isinstance(g, np.ndarray) for g in grads):
                raise
            self._native.step(self._params, [np.asarray(g) for g in grads], self._members, groups)
        self._steps += 1
        for group in self.param_groups:  # show the lr of the next step, as torch's schedulers
            if group["lr_schedule"] is not None:
                # This step has happened: a schedule that fails at the next one (an invalid lr,
                # or run past its end) raises from that step, before it writes anything.
                with contextlib.suppress(Exception):
                    self._set_lr(group)

    @property
    def state(self) -> dict[int, dict[str, Any]]:
        """Per-parameter state (copies), keyed by the parameter's index as in ``state_dict``."""
        return self.state_dict()["state"]  # type: ignore[no-any-return]

    def state_dict(self) -> dict[str, Any]:
        """Return copies of the state in torch's layout, plus ``"steps"`` (schedule position).

        ``{"state": {i: {"step": int, "exp_avg": ndarray, ...}}, "param_groups": [{...,
        "params": [i, ...]}], "steps": int}``.
        """
        counts_steps = _SPECS[self._rule].counts_steps
        carried = _SPECS[self._rule].carried
        state: dict[int, dict[str, Any]] = {}
        for i in range(len(self._native)):
            exported = self._native.export(i)
            if exported is None:
                continue
            step, scalars, arrays = exported
            entry: dict[str, Any] = {"step": step} if counts_steps else {}
            entry.update(zip(carried, scalars, strict=True))
            entry.update(arrays)
            if entry:  # torch keeps no state for, e.g., SGD without momentum
                state[i] = entry
        groups = []
        start = 0
        for group in self.param_groups:
            entry = {k: copy.copy(v) for k, v in group.items() if k != "params"}
            entry["params"] = list(range(start, start + len(group["params"])))
            start += len(group["params"])
            groups.append(entry)
        saved: dict[str, Any] = {"state": state, "param_groups": groups, "steps": self._steps}
        if self._plateau is not None:
            saved["plateau"] = self._plateau.state_dict()
        return saved

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Take a state from ``state_dict()`` (copies in); everything is checked first."""
        groups = list(state_dict["param_groups"])
        if len(groups) != len(self.param_groups):
            raise ValueError(
                f"loaded state has {len(groups)} parameter groups, the optimizer has "
                f"{len(self.param_groups)}"
            )
        merged = []
        for i, (now, saved) in enumerate(zip(self.param_groups, groups, strict=True)):
            if len(saved["params"]) != len(now["params"]):
                raise ValueError(
                    f"loaded parameter group {i} has {len(saved['params'])} parameters, the "
                    f"optimizer's has {len(now['params'])}"
                )
            # The saved group replaces this one, as torch's does; lr_scale (a plateau's cuts) is
            # kept only as saved, so loading an earlier state undoes later cuts.
            kept = {k: v for k, v in now.items() if k != "lr_scale"}
            group = {**kept, **{k: v for k, v in saved.items() if k != "params"}}
            group.setdefault("lr_schedule", None)
            merged.append(group)
        self._native.check(merged)
        plateau = state_dict.get("plateau") if self._plateau is not None else None
        if plateau is not None:
            self._plateau.check_state_dict(plateau)
        counts_steps = _SPECS[self._rule].counts_steps
        carried = _SPECS[self._rule].carried
        saved_state = state_dict["state"]
        steps = _step_count("steps", state_dict.get("steps", 0))
        entries: list[Any] = []
        for i in range(len(self._native)):
            entry = saved_state.get(i, saved_state.get(str(i)))
            if entry is None:
                entries.append(None)
                continue
            needed = [*carried, "step"] if counts_steps else carried
            missing = [name for name in needed if name not in entry]
            if missing:
                raise ValueError(f"state[{i}] lacks {missing[0]!r}")
            # torch saves a buffer it has not created yet as None.
            arrays = [
                (k, np.asarray(v))
                for k, v in entry.items()
                if k not in ("step", *carried) and v is not None
            ]
            step = _step_count(f"state[{i}]['step']", entry["step"]) if counts_steps else 0
            try:
                scalars = [float(entry[name]) for name in carried]
            except (TypeError, ValueError):
                raise ValueError(f"state[{i}]: {', '.join(carried)} must be numbers") from None
            entries.append((step, scalars, arrays))
        # The last check: from here on nothing can fail.
        self._native.load(entries, self._members, merged)
        if plateau is not None:
            self._plateau.load_state_dict(plateau)
        self._steps = steps
        for now, group in zip(self.param_groups, merged, strict=True):
            now.clear()
            now.update(group)
            if group["lr_schedule"] is not None:
                self._set_lr(now)

    def __getstate__(self) -> dict[str, Any]:
        return {
            "groups": self.param_groups,
            "defaults": self.defaults,
            "saved": self.state_dict(),
            "plateau": self._plateau,
        }

    def __setstate__(self, saved: dict[str, Any]) -> None:
        self.defaults = saved["defaults"]
        self.param_groups = []
        self._native = _core.OptimizerState(self._rule)
        self._steps = 0
        self._params, self._members = [], []
        self._plateau = saved["plateau"]
        for group in saved["groups"]:
            self.add_param_group(group)
        self.load_state_dict(saved["saved"])

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines.extend(f"    {k}: {v}" for k, v in sorted(group.items()) if k not in ("params",))
        return "\n".join([*lines, ")"])


ScheduleLike = float | Callable[[int], float]
