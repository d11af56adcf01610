"""``python -m descend demo``: gradient descent, optimizers and losses, in five parts.

Each part is a module with a ``run(out, fast)`` that prints a compact table and, with
matplotlib installed, draws its figures into the output folder; without matplotlib the
printed tables are also written to ``summary.txt`` there. The data are generated from fixed
seeds or shipped with descend, so the demo needs no download and prints the same numbers on
every run (the timings aside).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import descend as ds
from descend.demo import (
    part1_regression,
    part2_digits,
    part3_learning_rate,
    part4_value_vs_gradient,
    part5_gradcheck,
)
from descend.demo._output import Output, matplotlib_available

__all__ = ["DEFAULT_OUT", "PARTS", "main", "parts_help"]

DEFAULT_OUT = "descend-demo"

PARTS: dict[int, tuple[str, Callable[[Output, bool], Any]]] = {
    1: (
        "linear regression by gradient descent: full-batch, stochastic, mini-batch",
        part1_regression.run,
    ),
    2: (
        "digits: softmax regression and an MLP under SGD, momentum, Nesterov, Adagrad, "
        "RMSprop, Adam",
        part2_digits.run,
    ),
    3: ("the learning rate: too small, right, too large (diverging)", part3_learning_rate.run),
    4: (
        "the gradient drives the step, not the value: shifted, negated, maximize=True",
        part4_value_vs_gradient.run,
    ),
    5: ("gradcheck on a user-defined loss: a right and a wrong gradient", part5_gradcheck.run),
}


def parts_help() -> str:
    """Return the list of parts, one line each, for ``--help``."""
    return "parts:\n" + "\n".join(f"  {n}. {title}" for n, (title, _) in PARTS.items())


def main(
    parts: Iterable[int] | None = None,
    *,
    fast: bool = False,
    out: str | os.PathLike[str] = DEFAULT_OUT,
) -> Output:
    """Run the demo's ``parts`` (default all) and return what it printed and drew.

    Parameters
    ----------
    parts : iterable of int, optional
        Part numbers from `PARTS`, run in the order given.
    fast : bool
        Train for a few epochs only (for tests).
    out : str or os.PathLike
        Folder for the figures, or for ``summary.txt`` without matplotlib.

    Returns
    -------
    Output
        The lines printed (``lines``), the figures written (``figures``) and the folder.
    """
    chosen = list(PARTS) if parts is None else list(parts)
    unknown = [n for n in chosen if n not in PARTS]
    if unknown:
        raise ValueError(f"no demo part {unknown[0]}; the parts are {list(PARTS)}")
    output = Output(Path(out), plots=matplotlib_available())
    start = time.perf_counter()
    output.say(
        f"descend {ds.__version__} demo: SIMD {ds.simd_level()}, {ds.get_num_threads()} "
        f"threads{', fast (few epochs)' if fast else ''}"
    )
    for number in chosen:
        title, run = PARTS[number]
        output.heading(number, title)
        run(output, fast)
    output.say()
    elapsed = time.perf_counter() - start
    summary = output.finish()
    if summary is None:
        count = len(output.figures)
        where = f"; {count} figure{'s' * (count > 1)} in {output.directory}" if count else ""
        output.say(f"done in {elapsed:.1f} s{where}")
    else:
        print(
            f"done in {elapsed:.1f} s; matplotlib is not installed, so no figures "
            f"(pip install descend[plot]); text summary in {summary}"
        )
    return output
