"""The performance targets descend is held to, checked against a report.

Each row of :data:`TARGETS` is one goal from the benchmark issue (float32, every thread count
measured): which rows it applies to, what is measured on them and the bound. :func:`evaluate`
checks every matching row of a report, so a run states which goals it meets and by how much it
misses the others, and the note about a change can quote it instead of reading tables.

The goals are the project's, not a user's, so the table lives here with the repository's
tooling (``report.py`` adds it to the terminal and Markdown report), not in the wheel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from descend.bench._kernels import ONE_TENSOR
from descend.bench._schema import Report, Row

# The peers the speed-up goals are stated against: numpy (idiomatic and out=), torch, JAX.
# numba, the hand-fused loop, has goals of its own.
FRAMEWORKS = ("numpy", "torch", "jax")
MEMORY_LOSSES = ("mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "quantile_loss")
STEPS = ("SGD", "Adam", "AdamW")
LARGE = 1_000_000

Metric = Literal["roofline", "frameworks", "numba", "torch fused", "time", "x200"]
# Metrics whose goal is a maximum; every other goal is a minimum.
CEILINGS = ("time", "x200")
LOSS_FAMILIES = ("pointwise", "rowwise")
Sizes = Literal["large", "1e7", "100", "400", "1e4"]


@dataclass(frozen=True)
class Target:
    """One goal: rows selected by kernel (or by family and bound), op and size."""

    label: str
    metric: Metric
    goal: float  # a minimum, or a maximum for the CEILINGS (seconds, a ratio)
    op: str
    kernels: tuple[str, ...] = ()  # empty: every loss with `bound`
    bound: str = ""
    sizes: Sizes = "large"

    def applies(self, row: Row) -> bool:
        """Whether ``row`` is one this goal is checked on."""
        if row["dtype"] != "float32" or row["op"] != self.op or "descend" not in row["results"]:
            return False
        if self.kernels:
            chosen = row["kernel"] in self.kernels
        else:
            chosen = row["family"] in LOSS_FAMILIES and row["bound"] == self.bound
        exact = {"1e7": 10_000_000, "100": 100, "400": 400, "1e4": 10_000}
        # Exact sizes count the elements run: cross_entropy C=1000 asked for 100 runs 1000.
        if self.sizes == "large":
            size = row["n"] >= LARGE
        else:
            size = row["elements"] == exact[self.sizes]
        return chosen and size


def _memory(metric: Metric, goal: float, sizes: Sizes = "large") -> Target:
    label = "memory-bound losses, value_and_grad"
    return Target(label, metric, goal, "value_and_grad", MEMORY_LOSSES, sizes=sizes)


def _exp(metric: Metric, goal: float, sizes: Sizes = "large") -> Target:
    label = "exp/log-bound losses, value_and_grad"
    return Target(label, metric, goal, "value_and_grad", bound="exp", sizes=sizes)


def _step(metric: Metric, goal: float, op: str = "step", sizes: Sizes = "large") -> Target:
    return Target(f"optimizer {op}", metric, goal, op, STEPS, sizes=sizes)


TARGETS: tuple[Target, ...] = (
    _memory("roofline", 90),
    _memory("frameworks", 2.0),
    _memory("numba", 1.0),
    _memory("time", 1.5e-6, "100"),
    _exp("frameworks", 3.0),
    _exp("numba", 1.0),
    _exp("time", 2e-6, "100"),
    _step("roofline", 90),
    _step("torch fused", 0.95),
    _step("numba", 0.95),
    _step("x200", 1.10, "step_x200", "1e7"),
    _step("time", 3e-6, "step_x4", "100"),
    # The optimizer issue's wording: four tensors of 100 elements each.
    Target("Adam over 4 tensors of 100", "time", 3e-6, "step_x4", ("Adam",), sizes="400"),
    Target("Adam over 200 tensors totalling 1e4", "time", 1e-4, "step_x200", ("Adam",),
           sizes="1e4"),
)  # fmt: skip


@dataclass(frozen=True)
class Check:
    """One goal on one row: the figure measured and whether it meets the goal."""

    target: Target
    row: Row
    figure: float
    met: bool

    @property
    def shortfall(self) -> float:
        """How far a missed goal is from its bound, as a fraction of the bound (0 if met)."""
        if self.met:
            return 0.0
        goal, figure = self.target.goal, self.figure
        return (figure / goal if self.target.metric in CEILINGS else goal / figure) - 1.0


def _single(report: Report, row: Row) -> Row | None:
    """Find the one-tensor row matching a 200-tensor row."""
    for other in report["rows"]:
        same = all(other[k] == row[k] for k in ("kernel", "n", "dtype", "threads"))
        if same and other["op"] == "step" and "descend" in other["results"]:
            return other
    return None


def _figure(target: Target, report: Report, row: Row) -> float | None:
    own = row["results"]["descend"]["median_s"]
    results = row["results"]
    if target.metric == "roofline":
        return results["descend"]["pct_roofline"]
    if target.metric == "time":
        return own
    if target.metric == "x200":
        if ONE_TENSOR in results:  # timed in the same loop, so no drift between rows
            return own / results[ONE_TENSOR]["median_s"]
        single = _single(report, row)
        return None if single is None else own / single["results"]["descend"]["median_s"]
    if target.metric == "frameworks":
        times = [r["median_s"] for k, r in results.items() if k.split()[0] in FRAMEWORKS]
    else:
        name = "torch fused=True" if target.metric == "torch fused" else "numba"
        times = [results[name]["median_s"]] if name in results else []
    return min(times) / own if times else None


def evaluate(report: Report) -> list[Check]:
    """Every goal on every row it applies to (rows without the peer it names are left out)."""
    checks = []
    for target in TARGETS:
        for row in report["rows"]:
            if not target.applies(row):
                continue
            figure = _figure(target, report, row)
            if figure is None:
                continue
            ceiling = target.metric in CEILINGS
            met = figure <= target.goal if ceiling else figure >= target.goal
            checks.append(Check(target, row, figure, met))
    return checks


def _format(metric: Metric, value: float) -> str:
    if metric == "roofline":
        return f"{value:.0f}%"
    if metric == "time":
        return f"{value * 1e6:.3g} µs"
    if metric == "x200":
        return f"{value:.2f}× one tensor"
    return f"×{value:.2f}"


GOAL_TEXT = {
    "roofline": "≥ {} of the probe",
    "frameworks": "≥ {} numpy / numpy out= / torch / JAX",
    "numba": "≥ {} numba",
    "torch fused": "≥ {} torch fused=True",
    "time": "≤ {}",
    "x200": "≤ {}",
}


def _goal(target: Target) -> str:
    return GOAL_TEXT[target.metric].format(_format(target.metric, target.goal))


def tally(checks: list[Check]) -> list[tuple[Target, int, int]]:
    """Each goal that applied: (goal, rows meeting it, rows checked)."""
    out = []
    for target in TARGETS:
        mine = [c for c in checks if c.target is target]
        if mine:
            out.append((target, sum(c.met for c in mine), len(mine)))
    return out


def summary(report: Report) -> list[str]:
    """Summarise each goal in a line, for the terminal."""
    return [
        f"target {t.label}, {_goal(t)}: {met} of {n} rows" for t, met, n in tally(evaluate(report))
    ]


def markdown(report: Report) -> str:
    """Render the goals as Markdown: how many rows meet each, then every miss."""
    checks = evaluate(report)
    if not checks:
        return ""
    out = ["## Targets (float32)\n"]
    lines = [f"| {t.label} | {_goal(t)} | {met} of {n} |" for t, met, n in tally(checks)]
    out.append("| target | goal | rows meeting it |\n|---|---|---|\n" + "\n".join(lines) + "\n")
    misses = sorted((c for c in checks if not c.met), key=lambda c: -c.shortfall)
    if misses:
        out.append("Misses, worst first:\n")
        out.append("| kernel | N | threads | figure | goal | short by |\n|---|---|---|---|---|---|")
        for c in misses:
            out.append(
                f"| `{c.row['kernel']}` {c.row['op']} | {c.row['n']:.0e} | {c.row['threads']} | "
                f"{_format(c.target.metric, c.figure)} | {_goal(c.target)} | {c.shortfall:.0%} |"
            )
        out.append("")
    return "\n".join(out)
