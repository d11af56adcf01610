"""Plot the committed benchmark reports as SVG at every build, for the benchmarks pages.

``make bench`` commits its reports as JSON (``benches/results/bench.json``, and
``float64/bench.json`` beside it) with a PDF of plots; the site shows the same plots, one
per kernel, operation and dtype: time per call and % of the roofline against N, one line per
implementation and thread count. They are drawn here as plain SVG from the JSON, a few
milliseconds each, because matplotlib took 0.3–0.7 s per figure on the 2-core machine (over a
minute for the 258 figures). ``benchmarks/generated/<dtype>.inc`` lists them for the pages.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

REPORTS = {"float32": "bench.json", "float64": "float64/bench.json"}
# One colour per implementation, descend's drawn thicker; matplotlib's tab10 order.
PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
WIDTH, HEIGHT, PANEL_W, PANEL_H = 900, 330, 360, 220
LEFT, TOP = 70, 40

Point = tuple[float, float]


def _decades(low: float, high: float) -> list[int]:
    return list(range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1))


def _seconds(value: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if value >= scale:
            return f"{value / scale:g} {unit}"
    return f"{value:.0e} s"


def _panel(
    x0: int,
    title: str,
    series: dict[tuple[str, int], list[Point]],
    colors: dict[str, str],
    value: Callable[[float], float],
    ticks: Sequence[tuple[float, str]],
    x_ticks: Sequence[int],
) -> list[str]:
    """One panel: axes, ticks, a polyline per series; values mapped to [0, 1] by ``value``."""

    def px(n: float) -> float:
        span = x_ticks[-1] - x_ticks[0] or 1
        return x0 + PANEL_W * (math.log10(n) - x_ticks[0]) / span

    def py(v: float) -> float:
        return TOP + PANEL_H * (1.0 - value(v))

    out = [
        f'<text x="{x0 + PANEL_W / 2}" y="{TOP - 12}" class="title">{html.escape(title)}</text>',
        f'<rect x="{x0}" y="{TOP}" width="{PANEL_W}" height="{PANEL_H}" class="frame"/>',
    ]
    for tick, label in ticks:
        y = py(tick)
        out.append(f'<line x1="{x0}" x2="{x0 + PANEL_W}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        out.append(f'<text x="{x0 - 6}" y="{y + 4:.1f}" class="ylabel">{label}</text>')
    for decade in x_ticks:
        x = px(10.0**decade)
        out.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{TOP + PANEL_H}" class="grid"/>'
        )
        label = f"10<tspan dy='-6' font-size='9'>{decade}</tspan>"
        out.append(f'<text x="{x:.1f}" y="{TOP + PANEL_H + 16}" class="xlabel">{label}</text>')
    for (impl, threads), points in sorted(series.items()):
        path = " ".join(f"{px(n):.1f},{py(v):.1f}" for n, v in sorted(points) if v > 0)
        width = 2.4 if impl == "descend" else 1.2
        dash = "" if threads == 1 else ' stroke-dasharray="5,3"'
        out.append(
            f'<polyline points="{path}" stroke="{colors[impl]}" stroke-width="{width}"{dash} '
            f'fill="none"><title>{html.escape(impl)}, {threads} thread(s)</title></polyline>'
        )
    return out


def figure(name: str, rows: list[dict[str, Any]]) -> str:
    """Return the SVG of one kernel, operation and dtype: time and % of roofline against N."""
    times: dict[tuple[str, int], list[Point]] = {}
    shares: dict[tuple[str, int], list[Point]] = {}
    for row in rows:
        for impl, result in row["results"].items():
            key = (impl, row["threads"])
            times.setdefault(key, []).append((row["n"], result["median_s"]))
            shares.setdefault(key, []).append((row["n"], result["pct_roofline"]))
    impls = sorted({impl for impl, _ in times}, key=lambda i: (i != "descend", i))
    colors = {impl: PALETTE[i % len(PALETTE)] for i, impl in enumerate(impls)}
    x_ticks = _decades(min(r["n"] for r in rows), max(r["n"] for r in rows))
    t = [v for points in times.values() for _, v in points if v > 0]
    t_decades = _decades(min(t), max(t))

    def log_time(v: float) -> float:
        return (math.log10(v) - t_decades[0]) / max(t_decades[-1] - t_decades[0], 1)

    top = max(125.0, max(v for points in shares.values() for _, v in points))
    step = 25 if top <= 150 else 50 if top <= 300 else 100
    share_ticks = [(float(s), f"{s}%") for s in range(0, int(top) + 1, step)]
    body = _panel(
        LEFT,
        f"{name}: time per call",
        times,
        colors,
        log_time,
        [(10.0**d, _seconds(10.0**d)) for d in t_decades],
        x_ticks,
    )
    body += _panel(
        LEFT + PANEL_W + 90,
        f"{name}: % of roofline",
        shares,
        colors,
        lambda v: v / top,
        share_ticks,
        x_ticks,
    )
    legend_y = TOP + PANEL_H + 44
    for i, impl in enumerate(impls):
        x, y = LEFT + 150 * (i % 5), legend_y + 16 * (i // 5)
        body.append(
            f'<line x1="{x}" x2="{x + 18}" y1="{y}" y2="{y}" stroke="{colors[impl]}" '
            f'stroke-width="{2.4 if impl == "descend" else 1.4}"/>'
        )
        body.append(f'<text x="{x + 24}" y="{y + 4}">{html.escape(impl)}</text>')
    note_y = legend_y + 16 * ((len(impls) + 4) // 5) + 4
    body.append(
        f'<text x="{LEFT}" y="{note_y}">N on the x axes; solid: 1 thread, dashed: 2 threads</text>'
    )
    height = max(HEIGHT, note_y + 12)
    style = (
        "text{font:11px sans-serif;fill:#333}.title{text-anchor:middle;font-weight:bold}"
        ".ylabel{text-anchor:end}.xlabel{text-anchor:middle}.frame{fill:none;stroke:#999}"
        ".grid{stroke:#ddd;stroke-width:0.6}"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}"><style>{style}</style>'
        f'<rect width="100%" height="100%" fill="white"/>{"".join(body)}</svg>\n'
    )


def write(results: Path, directory: Path) -> None:
    """Write every report's figures and its ``<dtype>.inc`` list of them into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    for dtype, filename in REPORTS.items():
        report = json.loads((results / filename).read_text())
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for row in report["rows"]:
            groups.setdefault((row["kernel"], row["op"]), []).append(row)
        lines: list[str] = []
        kernel = None
        for (name, op), rows in groups.items():
            if name != kernel:
                kernel = name
                lines += ["", f"``{name}``", "~" * (len(name) + 4), ""]
            stem = f"{dtype}-{name}-{op}".replace(" ", "_").replace("=", "")
            (directory / f"{stem}.svg").write_text(figure(f"{name}.{op}", rows))
            lines += [f".. image:: /benchmarks/generated/{stem}.svg", f"   :alt: {name} {op}", ""]
        (directory / f"{dtype}.inc").write_text("\n".join(lines) + "\n")


def setup(app: Sphinx) -> dict[str, Any]:
    """Draw the plots when the build starts."""
    root = Path(app.srcdir)
    app.connect(
        "builder-inited",
        lambda app: write(root.parent / "benches" / "results", root / "benchmarks" / "generated"),
    )
    return {"parallel_read_safe": True}
