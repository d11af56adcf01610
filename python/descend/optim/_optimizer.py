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
import functools
import math
import numbers
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar, NamedTuple, TypeVar, cast

import numpy as np
from numpy.typing import NDArray

from descend import _core
from descend._specs import family
from descend.schedules._base import MAX_STEPS, real

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


def _state_entries(state: Any, count: int, spec: _Spec) -> list[Any]:
    """Return a saved ``state``'s entries as the native load takes them, one per parameter.

    An entry is None for a parameter without state. Raises naming the first entry that is not
    one ``state_dict()`` gives for ``count`` parameters of the rule ``spec``.
    """
    if not isinstance(state, Mapping):
        raise ValueError(f"state_dict['state'] must be a dict, got {type(state).__name__}")
    # torch's own files key entries by int; JSON turns keys into strings.
    indices = {*range(count), *map(str, range(count))}
    unknown = [key for key in state if key not in indices]
    if unknown:
        raise ValueError(
            f"state has an entry for parameter {unknown[0]!r}, but the optimizer has {count} "
            "parameters"
        )
    needed = [*spec.carried, "step"] if spec.counts_steps else spec.carried
    entries: list[Any] = []
    for i in range(count):
        entry = state.get(i, state.get(str(i)))
        if entry is None:
            entries.append(None)
            continue
        if not isinstance(entry, Mapping):
            raise ValueError(f"state[{i}] must be a dict, got {type(entry).__name__}")
        missing = [name for name in needed if name not in entry]
        if missing:
            raise ValueError(f"state[{i}] lacks {missing[0]!r}")
        arrays = [
            (name, _array(f"state[{i}][{name!r}]", value))
            for name, value in entry.items()
            # torch saves a buffer it has not created yet as None.
            if name not in ("step", *spec.carried) and value is not None
        ]
        step = _step_count(f"state[{i}]['step']", entry["step"]) if spec.counts_steps else 0
        try:
            scalars = [float(entry[name]) for name in spec.carried]
        except (TypeError, ValueError):
            raise ValueError(f"state[{i}]: {', '.join(spec.carried)} must be numbers") from None
        entries.append((step, scalars, arrays))
    return entries


def _step_count(name: str, value: Any) -> int:
    """Return a saved step count as an int, or raise naming it."""
    message = f"{name} must be a whole number in [0, 2**53], got {value!r}"
    try:
        array = np.asarray(value)  # torch keeps ``step`` as a 0-d float tensor
    except ValueError:  # ragged nested lists
        raise ValueError(message) from None
    count = array.item() if array.size == 1 else None
    if isinstance(count, float) and count.is_integer():
        count = int(count)
    if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= MAX_STEPS:
        raise ValueError(message)
    return count


def _listed(name: str, value: Any, items: str) -> list[Any]:
    """Return ``value``'s items as a list, or raise ``TypeError`` naming it.

    An ndarray is refused, as torch refuses a tensor: iterating would split it into its rows.
    """
    if isinstance(value, (np.ndarray, str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"{name} must be an iterable of {items}, got {type(value).__name__}")
    return list(value)


def _array(name: str, value: Any) -> NDArray[Any]:
    """Return ``value`` as an ndarray (from nested lists, scalars...), or raise naming it."""
    try:
        return np.asarray(value)
    except (TypeError, ValueError) as exc:  # ragged lists: ValueError
        raise type(exc)(f"{name} must be an array of numbers: {exc}") from None


def _scheduled_lr(group: Mapping[str, Any], index: int, steps: int) -> float | None:
    """Return the lr of group ``index``'s schedule at ``steps``, times its plateau cuts.

    None for a group without a schedule. Raises naming the group unless the lr is a finite
    number >= 0; what the schedule itself raises passes through.
    """
    schedule = group.get("lr_schedule")
    if schedule is None:
        return None
    where = f"param_groups[{index}]"
    if not callable(schedule):
        raise TypeError(f"{where}['lr_schedule'] must be a function of the step, got {schedule!r}")
    scale = real(f"{where}['lr_scale']", group.get("lr_scale", 1.0), low=0.0)
    value = schedule(steps)
    if not isinstance(value, numbers.Real):
        raise TypeError(f"{where}: the lr schedule gave {value!r} at step {steps}, not a number")
    lr = float(value) * scale
    if not (math.isfinite(lr) and lr >= 0):
        raise ValueError(
            f"{where}: the lr schedule gave {lr} at step {steps}; an lr must be finite and >= 0"
        )
    return lr


_Method = TypeVar("_Method", bound=Callable[..., Any])


def _one_at_a_time(method: _Method) -> _Method:
    """Run ``method`` holding its optimizer's lock.

    The native state lends itself to one call at a time, and a step releases the GIL: without
    the lock, a step from a second Python thread meanwhile failed with PyO3's "Already
    borrowed". Reentrant, so a schedule called inside a step may read ``state_dict()``.
    """

    @functools.wraps(method)
    def locked(self: Optimizer, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return cast(_Method, locked)


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

    One optimizer may be used from several Python threads: its steps (and ``state_dict``,
    ``load_state_dict``, ``add_param_group``) take a lock, so concurrent calls run one after
    another, in the order they get it. Distinct optimizers step in parallel.
    """

    _rule: ClassVar[str]

    def __init__(
        self, params: Iterable[Any] | Iterable[Mapping[str, Any]], defaults: dict[str, Any]
    ) -> None:
        self._lock = threading.RLock()
        self.defaults = defaults
        self.param_groups: list[dict[str, Any]] = []
        self._native = _core.OptimizerState(self._rule)
        self._steps = 0
        self._plateau: Any = None  # a ReduceLROnPlateau attached to it, saved with it
        self._params: list[FloatArray] = []  # every group's parameters, flat, in order
        self._members: list[int] = []  # the group of each
        groups = _listed("params", params, "ndarrays or of parameter group dicts")
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], Mapping):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    @_one_at_a_time
    def add_param_group(self, param_group: Mapping[str, Any]) -> None:
        """Add a group of parameters with its own hyperparameters (the rest from defaults)."""
        if not isinstance(param_group, Mapping):
            raise TypeError(f"param_group must be a dict, got {type(param_group).__name__}")
        group = dict(param_group)
        params = group.get("params")
        if params is None:
            raise ValueError('param_group needs a "params" entry')
        params = (
            [params]
            if isinstance(params, np.ndarray)
            else _listed("param_group['params']", params, "ndarrays")
        )
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
        self._set_lr(group, len(self.param_groups))
        self._native.check([group])
        scratch = _core.OptimizerState(self._rule)
        for p in params:  # checked on a scratch state first, so a bad group adds nothing
            scratch.add(p)
        for p in params:
            self._native.add(p)
        self._params.extend(params)
        self._members.extend([len(self.param_groups)] * len(params))
        self.param_groups.append(group)

    def _set_lr(self, group: dict[str, Any], index: int) -> None:
        lr = _scheduled_lr(group, index, self._steps)
        if lr is not None:
            group["lr"] = lr

    def step(self, grads: Sequence[Any]) -> None:
        """Update every parameter in place from its gradient (same order as the parameters).

        Gradients may have any layout; each must have its parameter's shape and dtype. A
        failing step changes no parameter and no state.
        """
        # The lock taken inline, not by `with` or _one_at_a_time: their bound methods and frame
        # cost a small step a tenth of its time.
        self._lock.acquire()
        try:
            groups = self.param_groups
            for group in groups:  # no enumerate: it cost every step, scheduled or not
                if group["lr_schedule"] is not None:
                    self._set_lr(group, groups.index(group))
            if type(grads) is not list:
                grads = _listed("grads", grads, "arrays, one per parameter")
            try:
                self._native.step(self._params, grads, self._members, groups)
            except TypeError:
                # Not all ndarrays (nested lists, scalars): convert and retry; the failed call
                # wrote nothing.
                if all(isinstance(g, np.ndarray) for g in grads):
                    raise
                arrays = [_array(f"grads[{i}]", g) for i, g in enumerate(grads)]
                self._native.step(self._params, arrays, self._members, groups)
            self._steps += 1
            for group in groups:  # the lr of the next step, as torch's schedulers
                if group["lr_schedule"] is not None:
                    # This step has happened: a schedule that fails at the next one (an invalid
                    # lr, or run past its end) raises from that step, before it writes anything.
                    with contextlib.suppress(Exception):
                        self._set_lr(group, groups.index(group))
        finally:
            self._lock.release()

    @property
    def state(self) -> dict[int, dict[str, Any]]:
        """Per-parameter state (copies), keyed by the parameter's index as in ``state_dict``."""
        return self.state_dict()["state"]  # type: ignore[no-any-return]

    @_one_at_a_time
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

    @_one_at_a_time
    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Take a state from ``state_dict()`` (copies in); everything is checked first."""
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"state_dict must be a dict, got {type(state_dict).__name__}")
        missing = [key for key in ("state", "param_groups") if key not in state_dict]
        if missing:
            raise ValueError(f"state_dict lacks {missing[0]!r}")
        groups = _listed("state_dict['param_groups']", state_dict["param_groups"], "dicts")
        if len(groups) != len(self.param_groups):
            raise ValueError(
                f"loaded state has {len(groups)} parameter groups, the optimizer has "
                f"{len(self.param_groups)}"
            )
        merged = []
        for i, (now, saved) in enumerate(zip(self.param_groups, groups, strict=True)):
            if not isinstance(saved, Mapping) or "params" not in saved:
                raise ValueError(f"loaded parameter group {i} is not a dict with a 'params' list")
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
        steps = _step_count("steps", state_dict.get("steps", 0))
        lrs = [_scheduled_lr(group, i, steps) for i, group in enumerate(merged)]
        entries = _state_entries(state_dict["state"], len(self._params), _SPECS[self._rule])
        # The last check: from here on nothing can fail.
        self._native.load(entries, self._members, merged)
        if plateau is not None:
            self._plateau.load_state_dict(plateau)
        self._steps = steps
        for now, group, lr in zip(self.param_groups, merged, lrs, strict=True):
            now.clear()
            now.update(group)
            if lr is not None:
                now["lr"] = lr

    def __getstate__(self) -> dict[str, Any]:
        return {
            "groups": self.param_groups,
            "defaults": self.defaults,
            "saved": self.state_dict(),
            "plateau": self._plateau,
        }

    def __setstate__(self, saved: dict[str, Any]) -> None:
        self._lock = threading.RLock()
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
