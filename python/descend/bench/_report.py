"""The report: a progress line per row, the terminal table (rich if installed), Markdown, plots.

"Best peer" is the fastest implementation that is not descend's, preallocated or fresh; a
ratio ``×r`` is that peer's median time over descend's (``r > 1``: descend is faster).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import Any

from descend.bench._kernels import ONE_TENSOR
from descend.bench._schema import ImplResult, Report, Row, Stream

OWN = ("descend", "descend fresh", ONE_TENSOR)
# The headline: (kernel, op) at these sizes and thread counts, float32 (the repository's
# README carries the same table).
HEADLINE = (
    ("mse_loss", "value_and_grad"),
    ("huber_loss", "value_and_grad"),
    ("binary_cross_entropy_with_logits", "value_and_grad"),
    ("cross_entropy C=1000", "value_and_grad"),
    ("cross_entropy C=10", "value_and_grad"),
    ("Adam", "step"),
    ("SGD", "step"),
)
HEADLINE_SIZES = (10_000_000, 100)


def seconds(s: float) -> str:
    """1.23 ms, 45.6 µs, ..."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if s >= scale:
            return f"{s / scale:.3g} {unit}"
    return f"{s * 1e9:.3g} ns"


def best_peer(row: Row) -> tuple[str, ImplResult] | None:
    """Return the fastest implementation that is not descend's."""
    peers = [(k, r) for k, r in row["results"].items() if k not in OWN]
    return min(peers, key=lambda kr: kr[1]["median_s"], default=None)


def error(e: float | None) -> str:
    """Format a relative error for a table: 3e-08, or — where none was computed."""
    return "—" if e is None else f"{e:.0e}"


def bound_figure(row: Row, r: ImplResult) -> str:
    """% of the roofline, or ns per element beside the exp probe's for exp-bound kernels."""
    pct = f"{r['pct_roofline']:.0f}%" + ("" if row["probe"]["exact"] else "~")
    if row["bound"] == "exp" and row["exp_probe_ns"] is not None:
        return f"{r['ns_per_element']:.2f} ns/el (exp {row['exp_probe_ns']:.2f}); {pct}"
    return pct


def size(row: Row) -> str:
    """Format the elements a row ran on.

    A row-wise loss rounds the size asked for to whole rows: cross_entropy C=1000 asked for
    100 runs one row of 1000.
    """
    return f"{row['elements']:.0e}"


def progress(row: Row) -> str:
    """One line per measured row."""
    own = row["results"].get("descend")
    name = f"{row['kernel']}.{row['op']}"
    head = f"{name:<45} {row['dtype']:>7} n={size(row):<9} t={row['threads']}"
    if own is None:  # a child process timing a peer alone
        times = (f"{k} {seconds(r['median_s'])}" for k, r in row["results"].items())
        return f"{head}  {' '.join(times)}"
    best = best_peer(row)
    vs = "" if best is None else f"  ×{best[1]['median_s'] / own['median_s']:.2f} vs {best[0]}"
    return (
        f"{head}  {seconds(own['median_s']):>9} {own['gbps']:6.1f} GB/s "
        f"{bound_figure(row, own)}{vs}  err {error(own['rel_error'])}"
    )


def stream_line(streams: list[Stream]) -> str:
    """Format the STREAM triad line that heads the report."""
    parts = [
        f"{s['threads']} thread{'s' * (s['threads'] > 1)}: {s['best_gbps']:.1f} GB/s best, "
        f"{s['median_gbps']:.1f} median"
        for s in streams
    ]
    n = streams[0]["n"] if streams else 0
    return f"STREAM triad (float64, N = {n:.0e}, a = b + s·c, 24 B/element): " + "; ".join(parts)


def summary_rows(report: Report) -> list[list[str]]:
    """One line per row: descend against its best peer."""
    lines = []
    for row in report["rows"]:
        own = row["results"].get("descend")
        if own is None:
            continue
        best = best_peer(row)
        fresh = row["results"].get("descend fresh")
        lines.append(
            [
                f"{row['kernel']}.{row['op']}",
                row["dtype"],
                size(row),
                str(row["threads"]),
                seconds(own["median_s"]),
                "—" if fresh is None else seconds(fresh["median_s"]),
                f"{own['gbps']:.1f}",
                bound_figure(row, own),
                "—" if best is None else best[0],
                "—" if best is None else f"×{best[1]['median_s'] / own['median_s']:.2f}",
                error(own["rel_error"]),
                "—" if best is None else error(best[1]["rel_error"]),
            ]
        )
    return lines


SUMMARY_HEAD = [
    "kernel", "dtype", "N", "threads", "descend", "fresh", "GB/s", "roofline",
    "best peer", "vs best", "err", "peer err",
]  # fmt: skip


def terminal(report: Report, notes: Iterable[str] = ()) -> None:
    """Print the summary table (rich if installed, plain text otherwise).

    ``notes`` are lines printed after it, before the skipped peers and kernels.
    """
    lines = summary_rows(report)
    try:  # rich on a terminal; plain text in a pipe or log, where rich would cut columns
        from rich.console import Console
        from rich.table import Table

        if not sys.stdout.isatty():
            raise ImportError
    except ImportError:
        widths = [max(len(x) for x in col) for col in zip(SUMMARY_HEAD, *lines, strict=True)]
        for line in [SUMMARY_HEAD, *lines]:
            print("  ".join(x.rjust(w) for x, w in zip(line, widths, strict=True)))
    else:
        table = Table(title="descend against the best peer (~: probe not exact)")
        for h in SUMMARY_HEAD:
            table.add_column(h, justify="left" if h in ("kernel", "best peer") else "right")
        for line in lines:
            table.add_row(*line)
        Console().print(table)
    for note in notes:
        print(note)
    for name, why in report["skipped_peers"].items():
        print(f"skipped peer {name}: {why}")
    for why in report["skipped_kernels"]:
        print(f"skipped kernel {why}")


def md_table(head: list[str], lines: Iterable[list[str]]) -> str:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(line) + " |" for line in lines]
    return "\n".join(out) + "\n"


def headline(report: Report) -> str:
    """Tabulate the headline: a few kernels at N = 1e7 and 100, float32."""
    lines = []
    for kernel, op in HEADLINE:
        for n in HEADLINE_SIZES:
            for row in report["rows"]:
                if (row["kernel"], row["op"], row["n"], row["dtype"]) != (kernel, op, n, "float32"):
                    continue
                own, best = row["results"].get("descend"), best_peer(row)
                if own is None:
                    continue
                lines.append([
                    f"`{kernel}` {op}", size(row), str(row["threads"]),
                    f"{seconds(own['median_s'])} ({seconds(own['min_s'])})",
                    bound_figure(row, own),
                    "—" if best is None else f"×{best[1]['median_s'] / own['median_s']:.2f}"
                    f" ({best[0]})",
                ])  # fmt: skip
    head = ["kernel", "N", "threads", "descend (min)", "of roofline", "vs best peer"]
    return md_table(head, lines)


def markdown(
    report: Report, before_headline: Sequence[str] = (), after_headline: Sequence[str] = ()
) -> str:
    """Write the report as Markdown: machine, STREAM, headline, summary, every result.

    The repository's report adds its sections around the headline (criterion's times before,
    the targets after): ``before_headline`` and ``after_headline``.
    """
    m = report["machine"]
    peers = ", ".join(f"{k} {v}" for k, v in m["peers"].items()) or "none"
    parts = [
        "# descend benchmark\n",
        f"{m['cpu']}, {m['cores']} cores, SIMD {m['simd']}; Python {m['python']}, numpy "
        f"{m['numpy']}, descend {m['descend']} ({m['build']}); peers: {peers}; {m['date']}.\n",
        stream_line(report["stream"]) + "\n",
        "Times are medians of interleaved repeats; GB/s counts the bytes a kernel cannot avoid "
        "(`streams`: arrays read R, written W, updated in place U); *roofline* is that rate as "
        "a % of descend's Rust probe with the same traffic, timed in the same loop (`~`: no "
        "probe has the kernel's exact streams; the nearest stands in). Exp-bound kernels show "
        "ns per element beside the vector-exp probe's. `err` is the relative error against "
        "`descend.reference` (float64); `×r` is the peer's time over descend's.\n",
    ]
    if report["skipped_peers"] or report["skipped_kernels"]:
        skipped = [f"- peer {k}: {v}" for k, v in report["skipped_peers"].items()]
        skipped += [f"- kernel {k}" for k in report["skipped_kernels"]]
        parts.append("Skipped:\n\n" + "\n".join(skipped) + "\n")
    parts += [*before_headline, "## Headline (float32)\n", headline(report), *after_headline]
    parts += ["## descend against the best peer\n", md_table(SUMMARY_HEAD, summary_rows(report))]
    parts.append("## Every implementation\n")
    head = ["impl", "time (min–max)", "GB/s", "roofline", "ns/el", "×descend", "err"]
    for row in report["rows"]:
        own = row["results"].get("descend")
        probe = row["probe"]
        parts.append(
            f"### `{row['kernel']}` {row['op']}, {row['dtype']}, N = {size(row)}, "
            f"{row['threads']} thread(s)\n\nstreams {row['streams']}, {row['bytes']:,} B; probe "
            f"{probe['name']}{'' if probe['exact'] else ' (not exact)'}: "
            f"{seconds(probe['median_s'])}, {probe['gbps']:.1f} GB/s\n"
        )
        lines = [
            [
                k + (" (fresh)" if r["fresh"] and k != "descend fresh" else ""),
                f"{seconds(r['median_s'])} ({seconds(r['min_s'])}–{seconds(r['max_s'])})",
                f"{r['gbps']:.1f}",
                f"{r['pct_roofline']:.0f}%",
                f"{r['ns_per_element']:.2f}",
                "—" if own is None else f"{r['median_s'] / own['median_s']:.2f}",
                error(r["rel_error"]),
            ]
            for k, r in sorted(row["results"].items(), key=lambda kr: kr[1]["median_s"])
        ]
        parts.append(md_table(head, lines))
    return "\n".join(parts)


def plot(report: Report, path: str) -> None:
    """Plot time and % of roofline against N per kernel, log axes.

    One line per implementation and thread count. A .pdf gets a page per kernel; any other
    suffix one grid of them all.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.backends.backend_pdf import PdfPages
    except ImportError:
        print(f"matplotlib is not installed: no plot written to {path}")
        return
    groups: dict[tuple[str, str, str], list[Row]] = {}
    for row in report["rows"]:
        groups.setdefault((row["kernel"], row["op"], row["dtype"]), []).append(row)
    keys = list(groups)
    if path.endswith(".pdf"):
        with PdfPages(path) as pdf:
            for key in keys:
                fig, axes = plt.subplots(1, 2, figsize=(11, 4), squeeze=False)
                _panels(axes[0], key, groups[key])
                fig.tight_layout()
                pdf.savefig(fig)
                plt.close(fig)
        return
    fig, axes = plt.subplots(len(keys), 2, figsize=(11, 3.2 * len(keys)), squeeze=False)
    for ax, key in zip(axes, keys, strict=True):
        _panels(ax, key, groups[key])
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def _panels(axes: Any, key: tuple[str, str, str], rows: list[Row]) -> None:
    series: dict[tuple[str, int], list[tuple[int, float, float]]] = {}
    for row in rows:
        for impl, r in row["results"].items():
            point = (row["n"], r["median_s"], r["pct_roofline"])
            series.setdefault((impl, row["threads"]), []).append(point)
    impls = sorted({impl for impl, _ in series})
    colors = {impl: f"C{i % 10}" for i, impl in enumerate(impls)}  # one colour per impl
    for (impl, threads), points in sorted(series.items()):
        points.sort()
        n = [p[0] for p in points]
        style = dict(
            ls="-" if threads == 1 else "--",
            marker="." if impl in OWN or len(impls) <= 10 else "x",
            color=colors[impl],
            lw=2.2 if impl == "descend" else 1.0,
            label=f"{impl}, {threads}t",
        )
        axes[0].plot(n, [p[1] for p in points], **style)
        axes[1].plot(n, [p[2] for p in points], **style)
    name = f"{key[0]}.{key[1]} ({key[2]})"
    axes[0].set(xscale="log", yscale="log", xlabel="N", ylabel="time per call (s)", title=name)
    axes[1].set(xscale="log", yscale="log", xlabel="N", ylabel="% of roofline", title=name)
    axes[1].axhline(100.0, color="grey", lw=0.5)
    axes[1].legend(fontsize=6, ncol=2)
