"""Schedules back from their ``to_config()`` dicts."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from descend.schedules._annealing import cosine, cosine_restarts
from descend.schedules._base import Schedule
from descend.schedules._cycles import cyclic, one_cycle
from descend.schedules._decay import constant, exponential, linear, multistep, polynomial, step
from descend.schedules._sequential import sequential

# Every kind of schedule, by its constructor's name, which is also its config's "kind".
KINDS: dict[str, Callable[..., Schedule]] = {
    f.__name__: f
    for f in (
        constant,
        step,
        multistep,
        exponential,
        linear,
        polynomial,
        cosine,
        cosine_restarts,
        one_cycle,
        cyclic,
        sequential,
    )
}


def from_config(config: Mapping[str, Any]) -> Schedule:
    """Rebuild a schedule from its :meth:`Schedule.to_config` dict.

    The dict names the constructor under ``"kind"`` and holds its arguments under their names
    (``sequential``'s ``"schedules"`` is a list of configs). The arguments are checked as the
    constructor checks them.

    Parameters
    ----------
    config : mapping
        A dict from :meth:`Schedule.to_config`, possibly through JSON.

    Returns
    -------
    Schedule
        A schedule equal to the one the config was taken from.

    Raises
    ------
    TypeError
        If ``config`` is not a dict, or an argument has the wrong type.
    ValueError
        If ``"kind"`` is missing or unknown, an argument is missing or unknown, or a value is
        out of its domain.

    Notes
    -----
    The config holds plain values only (str, int, float, lists and dicts of them), so it is
    JSON-serialisable and stored without pickle, where a torch scheduler's state is saved
    with ``torch.save`` [1]_, which pickles.

    References
    ----------
    .. [1] PyTorch, ``torch.save``.

    Examples
    --------
    >>> import json
    >>> from descend import schedules
    >>> sched = schedules.cosine(0.1, total_steps=1000, warmup_steps=50)
    >>> text = json.dumps(sched.to_config())
    >>> schedules.from_config(json.loads(text)) == sched
    True
    """
    if not isinstance(config, Mapping):
        raise TypeError(f"config must be a dict, got {config!r}")
    args = dict(config)
    kind = args.pop("kind", None)
    if not isinstance(kind, str) or kind not in KINDS:
        known = ", ".join(repr(k) for k in KINDS)
        raise ValueError(f"config['kind'] must be one of {known}, got {kind!r}")
    nested = args.get("schedules")
    if kind == "sequential" and isinstance(nested, Sequence) and not isinstance(nested, str):
        args["schedules"] = [from_config(c) for c in nested]
    constructor = KINDS[kind]
    try:
        inspect.signature(constructor).bind(**args)
    except TypeError as error:
        raise ValueError(f"config does not fit {kind}(): {error}") from None
    return constructor(**args)
