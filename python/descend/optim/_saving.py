"""``save_state`` / ``load_state``: an optimizer's whole state in one ``.npz``, nothing pickled.

State arrays are stored as arrays (``state/<i>/<name>``); everything else (hyperparameters,
step counts, schedules as their configs, a ReduceLROnPlateau's counters) as one JSON document
in the entry ``meta``. Loading reads with ``allow_pickle=False``.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

import numpy as np
from numpy.typing import NDArray

from descend import schedules
from descend.optim._optimizer import Optimizer

FORMAT = 1


def _plain(value: Any, where: str) -> Any:
    """Return a JSON-able copy of a hyperparameter value (tuples become lists)."""
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (tuple, list)):
        return [_plain(v, where) for v in value]
    raise ValueError(f"{where} is a {type(value).__name__}, which save_state cannot store")


def save_state(path: str | os.PathLike[str], optimizer: Optimizer) -> None:
    """Write ``optimizer``'s state to ``path`` (a ``.npz`` file; nothing is pickled).

    Includes the state arrays, the hyperparameters of every group, the schedules (by their
    config) and the position in them, and an attached :class:`ReduceLROnPlateau`. A group whose
    ``lr`` is a plain Python callable rather than a :mod:`descend.schedules` schedule cannot be
    saved: ``ValueError`` names the group.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write, by :func:`numpy.savez`.
    optimizer : Optimizer
        The optimizer whose state is written.

    Returns
    -------
    None

    Raises
    ------
    ValueError
        A group whose ``lr`` is a callable that is not a schedule, or a hyperparameter of a type
        that cannot be stored.
    OSError
        The file cannot be written.

    Notes
    -----
    The file holds plain arrays and strings, so it loads without pickle, unlike
    ``torch.save(optimizer.state_dict())`` [1]_; what it holds is that state dict's content.

    References
    ----------
    .. [1] PyTorch, ``torch.optim.Optimizer.state_dict``.

    Examples
    --------
    >>> import numpy as np, descend as ds, tempfile, os
    >>> w = np.ones(3)
    >>> opt = ds.Adam([w], lr=ds.schedules.exponential(0.1, gamma=0.5))
    >>> opt.step([w.copy()])
    >>> path = os.path.join(tempfile.mkdtemp(), "adam.npz")
    >>> ds.save_state(path, opt)
    >>> fresh = ds.Adam([w])
    >>> ds.load_state(path, fresh)
    >>> fresh.param_groups[0]["lr"], fresh.state_dict()["steps"]
    (0.05, 1)
    """
    saved = optimizer.state_dict()
    arrays: dict[str, Any] = {}
    scalars: dict[str, dict[str, Any]] = {}
    for i, entry in saved["state"].items():
        for name, value in entry.items():
            if isinstance(value, np.ndarray):
                arrays[f"state/{i}/{name}"] = value
            else:
                scalars.setdefault(str(i), {})[name] = _plain(value, f"state[{i}][{name!r}]")
    groups = []
    for i, group in enumerate(saved["param_groups"]):
        plain = {}
        for key, value in group.items():
            if key == "lr_schedule":
                if value is not None and not schedules.is_schedule(value):
                    raise ValueError(
                        f"param_groups[{i}] has an lr that is a plain callable; save_state can "
                        "store only descend.schedules schedules"
                    )
                plain[key] = None if value is None else value.to_config()
            else:
                plain[key] = _plain(value, f"param_groups[{i}][{key!r}]")
        groups.append(plain)
    meta = {
        "format": FORMAT,
        "optimizer": type(optimizer).__name__,
        "steps": saved["steps"],
        "param_groups": groups,
        "scalars": scalars,
        "plateau": {k: _plain(v, "plateau") for k, v in saved.get("plateau", {}).items()},
    }
    with open(path, "wb") as f:
        np.savez(f, meta=np.array(json.dumps(meta)), **arrays)


def load_state(path: str | os.PathLike[str], optimizer: Optimizer) -> None:
    """Load a state written by :func:`save_state` into ``optimizer`` (checked, then copied in).

    The optimizer must be of the same class with the same parameter groups (sizes, shapes,
    dtypes); its parameters keep their values (save them separately).

    Parameters
    ----------
    path : str or os.PathLike
        A file written by :func:`save_state`.
    optimizer : Optimizer
        The optimizer to load into; unchanged if anything does not match.

    Returns
    -------
    None

    Raises
    ------
    ValueError
        A file that is not a descend optimizer state, or a state of another optimizer class,
        group count, shape or dtype; checked before anything is copied in.
    OSError
        The file cannot be read.

    Notes
    -----
    Equivalent to ``optimizer.load_state_dict(torch.load(path))`` [1]_, with every array
    checked before any is copied, so a mismatch leaves the optimizer as it was.

    References
    ----------
    .. [1] PyTorch, ``torch.optim.Optimizer.load_state_dict``.

    Examples
    --------
    >>> import numpy as np, descend as ds, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "sgd.npz")
    >>> w = np.ones(2)
    >>> opt = ds.SGD([w], lr=0.5, momentum=0.9)
    >>> opt.step([np.ones(2)])
    >>> ds.save_state(path, opt)
    >>> resumed = ds.SGD([w])   # a new process would rebuild the model, then:
    >>> ds.load_state(path, resumed)
    >>> resumed.param_groups[0]["momentum"], resumed.state_dict()["state"][0]["momentum_buffer"]
    (0.9, array([1., 1.]))
    """
    meta, arrays = _read(path)
    if meta["optimizer"] != type(optimizer).__name__:
        raise ValueError(
            f"{path} holds a {meta['optimizer']} state, not {type(optimizer).__name__}"
        )
    state: dict[int, dict[str, Any]] = {}
    for i, values in meta["scalars"].items():
        state.setdefault(int(i), {}).update(values)
    for key, array in arrays.items():
        _, i, name = key.split("/")
        state.setdefault(int(i), {})[name] = array
    groups = []
    for i, group in enumerate(meta["param_groups"]):
        restored = {}
        for key, value in group.items():
            if key == "lr_schedule":
                value = None if value is None else _schedule(value, f"param_groups[{i}]")
            elif isinstance(value, list) and isinstance(optimizer.defaults.get(key), tuple):
                value = tuple(value)
            restored[key] = value
        groups.append(restored)
    saved: dict[str, Any] = {"state": state, "param_groups": groups, "steps": meta["steps"]}
    if meta["plateau"]:
        saved["plateau"] = meta["plateau"]
    optimizer.load_state_dict(saved)  # checks the content before it changes anything


def _schedule(config: Any, where: str) -> schedules.Schedule:
    """Return the schedule of a saved config, or raise naming the group it belongs to."""
    try:
        return schedules.from_config(config)
    except (TypeError, ValueError) as error:
        raise type(error)(f"{where}['lr_schedule']: {error}") from None


# The entries of save_state's meta and their types, which load_state checks before it reads
# them; load_state_dict checks their content.
_META: dict[str, type] = {
    "format": int,
    "optimizer": str,
    "steps": object,
    "param_groups": list,
    "scalars": dict,
    "plateau": dict,
}
_INDEX = re.compile(r"[0-9]+")
# An array's key: state/<parameter index>/<state name>.
_ARRAY_KEY = re.compile(r"state/[0-9]+/[^/]+")


def _read(path: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, NDArray[Any]]]:
    """Return the meta document and the state arrays of a file ``save_state`` wrote.

    Raises ``ValueError`` naming the file and what in it is not as ``save_state`` writes it.
    """

    def refuse(problem: str) -> ValueError:
        return ValueError(f"{path} is not a descend optimizer state: {problem}")

    try:
        loaded = np.load(path, allow_pickle=False)
    except ValueError as error:  # not a numpy file (numpy then guesses it holds pickles)
        raise refuse(f"numpy cannot read it as an .npz archive ({error})") from None
    if not isinstance(loaded, np.lib.npyio.NpzFile):
        raise refuse("it is a single array, not an .npz archive")
    with loaded as data:
        if "meta" not in data.files:
            raise refuse("it has no 'meta' entry")
        text = data["meta"]
        arrays = {k: data[k] for k in data.files if k != "meta"}
    if text.dtype.kind != "U" or text.ndim != 0:
        raise refuse(f"'meta' is an array of {text.dtype} and shape {text.shape}, not a string")
    try:
        meta = json.loads(str(text))
    except json.JSONDecodeError as error:
        raise refuse(f"'meta' is not JSON ({error})") from None
    if not isinstance(meta, dict):
        raise refuse(f"'meta' holds a {type(meta).__name__}, not a dict")
    missing = [key for key in _META if key not in meta]
    if missing:
        raise refuse(f"'meta' lacks {missing[0]!r}")
    for key, kind in _META.items():
        if not isinstance(meta[key], kind):
            raise refuse(f"meta[{key!r}] is a {type(meta[key]).__name__}, not a {kind.__name__}")
    if meta["format"] != FORMAT:
        raise refuse(f"meta['format'] is {meta['format']!r}, not {FORMAT}")
    for i, values in meta["scalars"].items():
        if not (_INDEX.fullmatch(i) and isinstance(values, dict)):
            raise refuse(f"meta['scalars'][{i!r}] is {values!r}, not a parameter's dict")
    for i, group in enumerate(meta["param_groups"]):
        if not isinstance(group, dict):
            raise refuse(f"meta['param_groups'][{i}] is {group!r}, not a dict")
    for key in arrays:
        if not _ARRAY_KEY.fullmatch(key):
            raise refuse(f"it holds an array {key!r}, not named state/<index>/<name>")
    return meta, arrays
