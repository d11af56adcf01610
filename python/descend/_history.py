"""The record of a training run, one value per epoch and key, and its plots."""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["History", "plot_histories"]

# Keys that are not curves worth a panel: wall time grows linearly and says little.
_NOT_PLOTTED = frozenset({"time"})


class History:
    """Per-epoch values of a training run, as keras' ``History``: a dict of lists.

    `descend.fit` appends one entry per epoch: ``loss`` (training loss), one key per metric,
    ``val_loss`` and ``val_<metric>`` with validation data, ``lr``, ``grad_norm`` and
    ``time``. ``history[key]`` is the list for ``key``, as long as ``history.epoch``; a key
    that first appears late, or skips an epoch, is NaN there.

    Attributes
    ----------
    epoch : list of int
        The epochs recorded, from 0.
    history : dict of str to list of float
        The values, one list per key.

    Raises
    ------
    KeyError
        ``history[key]`` for a key no epoch recorded.

    Notes
    -----
    keras' ``History`` [1]_ keeps the same dict in ``history.history``; here the object is
    also indexed, iterated and sized like that dict.

    References
    ----------
    .. [1] Keras, ``keras.callbacks.History``.

    Examples
    --------
    >>> from descend import History
    >>> h = History()
    >>> h.append(0, {"loss": 1.0, "val_loss": 1.2})
    >>> h.append(1, {"loss": 0.5, "val_loss": 0.9})
    >>> h["loss"], len(h), sorted(h)
    ([1.0, 0.5], 2, ['loss', 'val_loss'])
    """

    def __init__(self) -> None:
        self.epoch: list[int] = []
        self.history: dict[str, list[float]] = {}

    def __repr__(self) -> str:
        return f"History(epochs={len(self.epoch)}, keys={list(self.history)})"

    def __len__(self) -> int:
        return len(self.epoch)

    def __getitem__(self, key: str) -> list[float]:
        return self.history[key]

    def __contains__(self, key: object) -> bool:
        return key in self.history

    def __iter__(self) -> Iterator[str]:
        return iter(self.history)

    def append(self, epoch: int, logs: Mapping[str, float]) -> None:
        """Record the ``logs`` of ``epoch`` (values are converted to float)."""
        for key in logs:
            if key not in self.history:
                self.history[key] = [math.nan] * len(self.epoch)
        self.epoch.append(epoch)
        for key, values in self.history.items():
            values.append(float(logs.get(key, math.nan)))

    def plot(self, path: str | os.PathLike[str]) -> None:
        """Draw every recorded quantity against the epoch and save the figure to ``path``.

        One panel per quantity (loss, each metric, lr, grad_norm), training solid and
        validation dashed; losses and norms spanning decades get a log scale. The file format
        follows the suffix (PNG without one). Needs matplotlib (``pip install descend[plot]``);
        it draws off-screen with the Agg canvas, leaving pyplot and the backend alone.

        Examples
        --------
        >>> import os, tempfile
        >>> from descend import History
        >>> h = History()
        >>> for epoch, loss in enumerate([1.0, 0.5, 0.3]):
        ...     h.append(epoch, {"loss": loss, "val_loss": loss + 0.1})
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     h.plot(os.path.join(tmp, "history.png"))
        ...     open(os.path.join(tmp, "history.png"), "rb").read(4)[1:]
        b'PNG'
        """
        plot_histories([self], path)


def plot_histories(
    histories: Sequence[History],
    path: str | os.PathLike[str],
    labels: Sequence[str] | None = None,
) -> None:
    """Draw several runs in one figure, to compare them, and save it to ``path``.

    One panel per quantity any run recorded; one colour per run, training solid and
    validation dashed. Needs matplotlib (``pip install descend[plot]``).

    Parameters
    ----------
    histories : sequence of History
        The runs, e.g. one per optimizer from the same start.
    path : str or os.PathLike
        Where to write the figure; the format follows the suffix (PNG without one).
    labels : sequence of str, optional
        A name per run for the legend (default ``"run 0"``, ``"run 1"``, ...).

    Returns
    -------
    None
        The figure is written to ``path``.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    ValueError
        If there is nothing to plot or ``labels`` does not match ``histories``.

    Notes
    -----
    Drawn off-screen on matplotlib's Agg canvas [1]_, so pyplot and the user's backend are
    left alone.

    References
    ----------
    .. [1] J. D. Hunter, "Matplotlib: A 2D Graphics Environment", Computing in Science &
       Engineering 9(3), 90–95, 2007.

    Examples
    --------
    >>> import os, tempfile
    >>> import descend as ds
    >>> runs = [ds.History(), ds.History()]
    >>> for rate, h in zip([0.5, 0.8], runs):
    ...     for epoch in range(3):
    ...         h.append(epoch, {"loss": rate**epoch})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     ds.plot_histories(runs, os.path.join(tmp, "runs.png"), labels=["fast", "slow"])
    ...     os.path.getsize(os.path.join(tmp, "runs.png")) > 0
    True
    """
    histories = list(histories)
    names = [f"run {i}" for i in range(len(histories))] if labels is None else list(labels)
    if len(names) != len(histories):
        raise ValueError(f"labels has {len(names)} names for {len(histories)} histories")
    panels = _panels(histories)
    if not panels:
        raise ValueError("the histories hold no epochs to plot")
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as error:
        raise ImportError(
            "plotting a History needs matplotlib: pip install descend[plot]"
        ) from error

    ncols = min(3, len(panels))
    nrows = -(-len(panels) // ncols)
    figure = Figure(figsize=(4.5 * ncols, 3.2 * nrows), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(nrows, ncols, squeeze=False).ravel()
    colours = [f"C{i % 10}" for i in range(len(histories))]
    single = len(histories) == 1
    for ax, key in zip(axes, panels, strict=False):
        for history, name, colour in zip(histories, names, colours, strict=True):
            for prefix, style in (("", "-"), ("val_", "--")):
                if prefix + key in history.history:
                    label = (
                        ("val" if prefix else "train")
                        if single
                        else name + (" val" if prefix else "")
                    )
                    ax.plot(history.epoch, history[prefix + key], style, color=colour, label=label)
        _decorate(ax, key)
    for ax in axes[len(panels) :]:
        ax.set_visible(False)
    figure.savefig(os.fspath(path), dpi=100)


def _panels(histories: Sequence[History]) -> list[str]:
    """Return the quantities to draw, in order of appearance, validation merged with training."""
    panels: dict[str, None] = {}
    for history in histories:
        if not history.epoch:
            continue
        for key in history.history:
            base = key.removeprefix("val_")
            if base not in _NOT_PLOTTED:
                panels.setdefault(base)
    return list(panels)


def _decorate(ax: Axes, key: str) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.set_title(key)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    ax.grid(alpha=0.3)
    low, high = ax.dataLim.intervaly
    if low > 0 and math.isfinite(high) and high / low > 50:
        ax.set_yscale("log")
    if len(ax.get_lines()) > 1:
        ax.legend(fontsize="small")
