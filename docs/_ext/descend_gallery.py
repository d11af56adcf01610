"""Run the demo's lessons at every build and put what they print and draw on the gallery page.

``descend.demo.main`` runs one part at a time into ``gallery/generated/``; each part's printed
lines (the run's banner, its timing and the figure paths left out) become a literal block and
its figures images, in ``gallery/generated/part<N>.inc``, which ``gallery/index.rst``
includes. The demo trains for real, so the page shows what this build of descend computes;
it costs about 10 s of the build.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx


def _printed(lines: list[str]) -> list[str]:
    """Return one part's lines from its heading, without figure paths or the closing timing."""
    start = next(i for i, line in enumerate(lines) if line[:1].isdigit())
    kept = [
        line
        for line in lines[start:]
        if not line.strip().startswith("figure:") and not line.startswith("done in")
    ]
    while kept and not kept[-1].strip():
        kept.pop()
    return kept


def part_include(number: int, directory: Path) -> str:
    """Run one part and return the rst that shows it."""
    from descend import demo  # here, not at import: see descend_api.setup

    with contextlib.redirect_stdout(io.StringIO()):
        output = demo.main([number], out=directory)
    text = [".. code-block:: text", ""] + [f"   {line}" for line in _printed(output.lines)]
    for figure in output.figures:
        text += ["", f".. image:: /gallery/generated/{figure.name}", f"   :alt: {figure.stem}"]
    return "\n".join(text) + "\n"


def write(directory: Path) -> None:
    """Run every part, writing its figures and its include file into ``directory``."""
    from descend import demo

    directory.mkdir(parents=True, exist_ok=True)
    for number in demo.PARTS:
        (directory / f"part{number}.inc").write_text(part_include(number, directory))


def setup(app: Sphinx) -> dict[str, Any]:
    """Run the demo when the build starts."""
    app.connect("builder-inited", lambda app: write(Path(app.srcdir) / "gallery" / "generated"))
    return {"parallel_read_safe": True}
