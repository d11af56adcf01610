"""What the demo's parts share: tables on stdout, figures in a folder, a text summary.

Every line a part prints goes through `Output`, which keeps it: without matplotlib the run
ends by writing those lines to ``summary.txt`` in the output folder instead of figures.
Figures are drawn off-screen on matplotlib's Agg canvas, as `descend.History.plot` does, so
pyplot and the user's backend are left alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["SUMMARY", "Output", "finite", "matplotlib_available", "number", "style"]

SUMMARY = "summary.txt"


def matplotlib_available() -> bool:
    """Return whether matplotlib imports (the figures need it; the rest does not)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def number(value: float, digits: int = 4) -> str:
    """Format ``value`` compactly: ``digits`` significant digits, ``inf``/``nan`` as such."""
    if not math.isfinite(value):
        return str(value)
    return f"{value:.{digits}g}"


class Output:
    """Where a demo run writes: the console, the figure folder and the summary's lines.

    Parameters
    ----------
    directory : pathlib.Path
        Folder for the figures (and the summary); created when first written to.
    plots : bool
        Draw figures (matplotlib is installed) or keep a text summary instead.
    """

    def __init__(self, directory: Path, *, plots: bool) -> None:
        self.directory = directory
        self.plots = plots
        self.lines: list[str] = []
        self.figures: list[Path] = []

    def say(self, text: str = "") -> None:
        """Print ``text`` and keep it for the summary."""
        print(text, flush=True)
        self.lines.extend(text.split("\n"))

    def heading(self, number: int, title: str) -> None:
        """Print a part's title, underlined."""
        line = f"{number}. {title}"
        self.say(f"\n{line}\n{'─' * len(line)}")

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> None:
        """Print aligned columns; ``align`` has an ``l`` or ``r`` per column (default ``lrr…``)."""
        cells = [list(headers), *(list(row) for row in rows)]
        widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
        align = align or "l" + "r" * (len(headers) - 1)
        for row in cells:
            padded = [
                cell.ljust(width) if side == "l" else cell.rjust(width)
                for cell, width, side in zip(row, widths, align, strict=True)
            ]
            self.say("  " + "  ".join(padded).rstrip())

    def figure(self, ncols: int, *, width: float = 4.6, height: float = 3.6) -> tuple[Figure, Any]:
        """Return a new off-screen figure with one row of ``ncols`` axes."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        figure = Figure(figsize=(width * ncols, height), layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.subplots(1, ncols, squeeze=False)[0]
        return figure, axes

    def save(self, figure: Figure, name: str) -> None:
        """Write ``figure`` to ``name`` in the output folder and say where."""
        path = self._path(name)
        figure.savefig(path, dpi=100)
        self._saved(path)

    def finish(self) -> Path | None:
        """Write the text summary when there are no figures; return its path."""
        if self.plots:
            return None
        path = self._path(SUMMARY)
        path.write_text("\n".join(self.lines) + "\n", encoding="utf-8")
        return path

    def _path(self, name: str) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        return self.directory / name

    def _saved(self, path: Path) -> None:
        self.figures.append(path)
        self.say(f"  figure: {path}")


def style(ax: Axes, title: str, xlabel: str, ylabel: str = "", *, log: bool = False) -> None:
    """Title, labels, grid, an optional log scale and a legend if there are labelled lines."""
    from matplotlib.ticker import MaxNLocator

    ax.set_title(title)
    ax.set_xlabel(xlabel)
    if xlabel == "epoch":
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if ylabel:
        ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    if any(not str(line.get_label()).startswith("_") for line in ax.get_lines()):
        ax.legend(fontsize="small")


def finite(values: Sequence[float]) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Return ``values`` as float64 with non-finite entries as NaN (matplotlib skips NaN)."""
    array = np.asarray(values, dtype=np.float64)
    return np.where(np.isfinite(array), array, np.nan)
